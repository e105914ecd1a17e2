"""Scenario parameters: pydantic models, YAML loading and messages an analyst can act on.

A scenario is one YAML file under params/<notebook>/. default.yaml holds every
parameter of the notebook (the values that reproduce the source document); any other
file starts with a title and a description and holds only what it changes. Loading
merges a scenario onto default.yaml and validates the result against the notebook's
model: types, ranges, allowed choices, ordering rules; unknown keys are errors.

Each parameter declares its unit and its source in the model (``param(...)``), so
reports can show what a number means and where it comes from.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from carepay import paths

HEADER_KEYS = ("title", "description")


class ParameterError(ValueError):
    """A scenario file (or a value set in a notebook) is not valid; the message says why."""


def param(default: Any = ..., *, unit: str, source: str, description: str, **constraints: Any) -> Any:
    """A model field with the metadata every parameter carries: unit, source and a one-sentence description."""
    return Field(default, description=description, json_schema_extra={"unit": unit, "source": source}, **constraints)


class ScenarioParams(BaseModel):
    """Base of every notebook's parameter model: a scenario says what it is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(description="Title of the scenario, shown on the report and in the index.", min_length=1)
    description: str = Field(description="What the scenario is and what it changes from the default.", min_length=1)

    @classmethod
    def parameter_names(cls) -> list[str]:
        return [n for n in cls.model_fields if n not in HEADER_KEYS]

    def values(self) -> dict[str, Any]:
        """The parameters without the header, as plain Python values."""
        return {k: v for k, v in self.model_dump(mode="json").items() if k not in HEADER_KEYS}


class PopulationSource(BaseModel):
    """Individual rows: synthetic (drawn by the library, seeded, labelled) or an analyst's extract (a CSV file).
    Shared by the questions that need individual-level data."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: Literal["synthetic", "extract"]
    extract_file: str | None = Field(default=None, description="CSV path relative to the project folder (schema in README)")
    seed: int = Field(ge=0, description="seed of the synthetic draw")

    @model_validator(mode="after")
    def _file(self) -> PopulationSource:
        if self.source == "extract" and not self.extract_file:
            raise ValueError("source 'extract' needs extract_file")
        return self


def model_for(notebook: str) -> type[ScenarioParams]:
    """The parameter model of notebooks/<notebook>.ipynb, as carepay.registry names it (imported on first use)."""
    import importlib

    from carepay.registry import QUESTIONS

    try:
        question = QUESTIONS[notebook]
    except KeyError:
        raise ParameterError(f"no parameter model for notebook {notebook!r}; known: {', '.join(sorted(QUESTIONS))}") from None
    module_name, _, class_name = question.params.partition(":")
    model: type[ScenarioParams] = getattr(importlib.import_module(module_name), class_name)
    return model


# --- reading files -------------------------------------------------------------------------


def read_yaml(path: Path) -> dict[str, Any]:
    where = paths.relative(path)
    if not Path(path).exists():
        raise ParameterError(f"{where}: file not found")
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        raise ParameterError(f"{where}{line}: not valid YAML ({getattr(err, 'problem', err)})") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParameterError(f"{where}: must be a mapping of parameter names to values, found {type(data).__name__}")
    return data


def scenario_files(notebook: str) -> list[Path]:
    """params/<notebook>/*.yaml, default first."""
    folder = paths.params_dir() / notebook
    files = sorted(folder.glob("*.yaml"))
    return sorted(files, key=lambda p: (p.stem != "default", p.stem))


def scenario_path(notebook: str, scenario: str | Path) -> Path:
    p = Path(scenario)
    if p.suffix in {".yaml", ".yml"}:
        return p if p.is_absolute() else (Path.cwd() / p)
    return paths.params_dir() / notebook / f"{scenario}.yaml"


# --- validation ----------------------------------------------------------------------------


def _describe_field(model: type[BaseModel], name: str) -> str:
    field = model.model_fields.get(name)
    if field is None:
        return ""
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    bits = [(field.description or "").rstrip(".")]
    if extra.get("unit"):
        bits.append(f"unit: {extra['unit']}")
    return " (" + "; ".join(b for b in bits if b) + ")"


def _format_errors(model: type[BaseModel], err: ValidationError, where: str) -> str:
    lines = []
    for e in err.errors():
        loc = ".".join(str(x) for x in e["loc"]) or "(file)"
        top = str(e["loc"][0]) if e["loc"] else ""
        if e["type"] == "extra_forbidden":
            close = difflib.get_close_matches(top, list(model.model_fields), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            lines.append(f"  - '{loc}': unknown parameter.{hint} Allowed parameters: {', '.join(model.model_fields)}.")
            continue
        if e["type"] == "missing":
            lines.append(f"  - '{loc}': missing; every scenario needs it{_describe_field(model, top)}.")
            continue
        value = e.get("input")
        msg = e["msg"]
        msg = msg[0].lower() + msg[1:] if msg else msg
        msg = msg.replace("value error, ", "")
        lines.append(f"  - '{loc}': value {value!r} is not allowed: {msg}{_describe_field(model, top)}.")
    n = len(lines)
    return f"{where}: {n} problem{'s' if n > 1 else ''} with the parameters\n" + "\n".join(lines)


def validate(notebook: str, values: Mapping[str, Any], where: str = "parameters") -> ScenarioParams:
    """Validate a full set of values against the notebook's model; ParameterError if not valid."""
    model = model_for(notebook)
    try:
        return model.model_validate(dict(values))
    except ValidationError as err:
        raise ParameterError(_format_errors(model, err, where)) from None


def merged_values(notebook: str, scenario: str | Path = "default") -> tuple[dict[str, Any], Path]:
    """The scenario's values on top of default.yaml (a scenario lists only what it changes)."""
    path = scenario_path(notebook, scenario)
    data = read_yaml(path)
    default_path = paths.params_dir() / notebook / "default.yaml"
    if path.resolve() == default_path.resolve():
        return data, path
    for key in HEADER_KEYS:
        if key not in data:
            raise ParameterError(f"{paths.relative(path)}: starts with a '{key}' (every scenario says what it is)")
    base = read_yaml(default_path)
    return {**base, **data}, path


def load(notebook: str, scenario: str | Path = "default") -> ScenarioParams:
    """Load and validate params/<notebook>/<scenario>.yaml (merged onto default.yaml)."""
    values, path = merged_values(notebook, scenario)
    return validate(notebook, values, paths.relative(path))


def resolve(notebook: str, scenario: str, namespace: Mapping[str, Any]) -> ScenarioParams:
    """What a notebook calls after its parameters cell.

    The scenario file gives the values; any parameter set to something other than
    None in the notebook's namespace (injected by the batch, or typed by an analyst)
    overrides it. The result is validated.
    """
    model = model_for(notebook)
    values, path = merged_values(notebook, scenario)
    overrides = {k: namespace[k] for k in model.model_fields if namespace.get(k) is not None}
    where = paths.relative(path) + (" with the notebook's values" if overrides else "")
    return validate(notebook, {**values, **overrides}, where)


def changes_from_default(notebook: str, params: ScenarioParams) -> dict[str, tuple[Any, Any]]:
    """Parameters whose value differs from default.yaml: name -> (default, this scenario)."""
    default = load(notebook, "default").values()
    now = params.values()
    return {k: (default.get(k), v) for k, v in now.items() if default.get(k) != v}


def metadata(notebook: str) -> list[dict[str, Any]]:
    """One row per parameter: name, description, unit, source, constraints."""
    model = model_for(notebook)
    rows = []
    for name, field in model.model_fields.items():
        if name in HEADER_KEYS:
            continue
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        rows.append(
            {"parameter": name, "description": field.description, "unit": extra.get("unit"), "source": extra.get("source")}
        )
    return rows


__all__ = ["ParameterError", "PopulationSource", "ScenarioParams", "param", "load", "resolve", "validate", "model_for"]
