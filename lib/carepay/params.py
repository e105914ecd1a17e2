"""Scenario parameters: pydantic models, YAML loading and messages an analyst can act on.

A scenario is one YAML file under params/<notebook>/. default.yaml holds every
parameter of the notebook (the values that reproduce the source document); any other
file starts with a title and a description and holds only what it changes. Loading
merges a scenario onto default.yaml and validates the result against the notebook's
model: types, ranges, allowed choices, ordering rules; unknown keys are errors.

Each parameter, nested ones included, declares its unit and its source in the model
(``param(...)``), so reports can show what a number means and where it comes from.

One source per number: a value that comes from a document is not typed again but refers to
its row in data/<document>/figures.csv, ``{figure: <document>/<figure>}``; loading replaces
the reference by the printed value and remembers it, and the report's provenance shows it.
"""

from __future__ import annotations

import copy
import csv
import difflib
import functools
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from carepay import paths
from carepay.i18n import Text, pick, translated
from carepay.uncertainty import UncertaintySpec

#: What a scenario says about itself rather than about the model: its title and description (required, in one
#: language or in each: {sv: ..., en: ...}) and the language of its report (optional).
HEADER_KEYS = ("title", "description", "language")
REQUIRED_HEADER = ("title", "description")


class ParameterError(ValueError):
    """A scenario file (or a value set in a notebook) is not valid; the message says why."""


def param(default: Any = ..., *, unit: str, source: str, description: str, **constraints: Any) -> Any:
    """A model field with the metadata every parameter carries: unit, source and a one-sentence description."""
    return Field(default, description=description, json_schema_extra={"unit": unit, "source": source}, **constraints)


class ScenarioParams(BaseModel):
    """Base of every notebook's parameter model: a scenario says what it is."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    title: Text = Field(description="Title of the scenario, shown on the report and in the index.")
    description: Text = Field(description="What the scenario is and what it changes from the default.")
    language: Literal["sv", "en"] = Field(
        "sv", description="The language of the report: sv (Swedish) or en (English); the batch's --language overrides it."
    )

    @field_validator("title", "description")
    @classmethod
    def _some_text(cls, value: Text) -> Text:
        texts = [value] if isinstance(value, str) else list(value.values())
        if not texts or not all(t.strip() for t in texts):
            raise ValueError("give a text, or one per language ({sv: ..., en: ...}), none empty")
        return value

    def text(self, name: str, language: str | None = None) -> str:
        """The scenario's title or description in language (default: the active one), else in the one it has."""
        from carepay.i18n import pick

        return pick(getattr(self, name), language)

    @classmethod
    def parameter_names(cls) -> list[str]:
        return [n for n in cls.model_fields if n not in HEADER_KEYS]

    _references: dict[str, str] = PrivateAttr(default_factory=dict)

    def values(self) -> dict[str, Any]:
        """The parameters without the header, as plain Python values."""
        return {k: v for k, v in self.model_dump(mode="json").items() if k not in HEADER_KEYS}

    def references(self) -> dict[str, str]:
        """Parameter path (``rate.budget``, ``level_boundaries[8]``) -> the document figure its value was read from."""
        return dict(self._references)


class QuestionParams(ScenarioParams):
    """Base of the questions' parameter models: a question's headlines can rest on inputs no document gives, which
    its scenarios declare as uncertain (carepay.uncertainty)."""

    min_cell_persons: int = param(
        5,
        unit="persons",
        source="Statistics Sweden's and municipal data-protection practice: no published cell describes fewer than "
        "3 to 5 persons (offentlighets- och sekretesslagen 24 kap. 8 §)",
        description="Tables and charts computed from an analyst's own extract suppress any cell that describes fewer "
        "persons than this (at least 3).",
        ge=3,
        le=100,
    )
    uncertainty: UncertaintySpec = param(
        UncertaintySpec(),
        unit="block",
        source="the analyst, with a reason for each input",
        description="Inputs the documents do not give, each with a distribution and a reason (carepay.uncertainty); "
        "their values above stay the central case.",
    )

    def settled_inputs(self) -> dict[str, str]:
        """Parameters (dotted names) whose uncertainty this scenario's own data settle, each with why: a declared
        distribution for them is not drawn, and the report says so. None by default."""
        return {}

    def individual_data(self) -> bool:
        """Whether the report computes from individuals' own rows (an analyst's extract), whose small cells it must
        not show (min_cell_persons). False: synthetic rows and published aggregates only."""
        return False


class Spec(BaseModel):
    """Base of the nested parameter blocks: unknown keys are errors, values cannot change after validation."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class PopulationSource(Spec):
    """Individual rows: synthetic (drawn by the library, seeded, labelled) or an analyst's extract (a CSV file).
    Shared by the questions that need individual-level data."""

    source: Literal["synthetic", "extract"] = param(
        unit="choice", source="analyst's choice", description="Draw synthetic rows, or read an analyst's extract."
    )
    extract_file: str | None = param(
        None,
        unit="path to a CSV file",
        source="analyst's extract (schema in README)",
        description="CSV path relative to the project folder; needed when source is 'extract'.",
    )
    seed: int = param(unit="seed", source="carepay (any whole number)", description="Seed of the synthetic draw.", ge=0)

    @model_validator(mode="after")
    def _file(self) -> PopulationSource:
        if self.source == "extract" and not self.extract_file:
            raise ValueError("source 'extract' needs extract_file")
        if self.source == "extract" and self.extract_file:
            paths.extract_path(self.extract_file)  # where it may come from, what it may be, how large
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


class ScenarioLoader(yaml.SafeLoader):
    """YAML for scenario files: no aliases (a few hundred bytes of nested aliases can expand to gigabytes) and no
    key given twice in one mapping (YAML would keep the last one without a word)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, "aliases (*name) are not allowed in scenario files; write the value out", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {str(key)[:60]!r} is given twice in one block; keep one", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


@functools.lru_cache(maxsize=64)
def _parsed(text: str) -> Any:
    """A scenario file's text parsed (each default.yaml is read once per batch, not once per scenario on it)."""
    return yaml.load(text, Loader=ScenarioLoader)  # noqa: S506 (a SafeLoader)


def read_yaml(path: Path) -> dict[str, Any]:
    where = paths.relative(path)
    if not Path(path).is_file():
        raise ParameterError(f"{where}: file not found")
    try:
        data = copy.deepcopy(_parsed(Path(path).read_text(encoding="utf-8")))
    except UnicodeDecodeError:
        raise ParameterError(f"{where}: not UTF-8 text; save the file as UTF-8") from None
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


def _block_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel]:
    """The parameter block that holds the last part of an error's location (for suggestions and descriptions)."""
    current: type[BaseModel] = model
    for part in loc[:-1]:
        field = current.model_fields.get(str(part))
        if field is None:
            continue  # a dict key or list index inside a block
        nested, _ = _nested_model(field.annotation)
        if nested is None:
            break
        current = nested
    return current


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


UNION_MEMBERS = {"float", "int", "str", "bool", "list", "dict", "none"}


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """An error's location without pydantic's union-member tags ('literal[...]', 'float', 'function-after[...]')."""
    return tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in UNION_MEMBERS or p.startswith("function-"))))


def _format_errors(model: type[BaseModel], err: ValidationError, where: str) -> str:
    # a value that fits none of a union's members gives one error per member: say it once, the choices joined
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for error in err.errors():
        where_at = _clean_loc(tuple(error["loc"]))
        if where_at in merged and error["type"] not in ("extra_forbidden", "missing"):
            extra = error["msg"].replace("Input should be", "").replace("input should be", "").strip()
            merged[where_at]["msg"] += ", or " + extra
            continue
        merged.setdefault(where_at, {**error, "loc": where_at})
    lines = []
    for e in merged.values():
        loc = ".".join(str(x) for x in e["loc"]) or "(the scenario as a whole)"
        block = _block_at(model, tuple(e["loc"]))
        name = str(e["loc"][-1]) if e["loc"] else ""
        if e["type"] == "extra_forbidden":
            close = difflib.get_close_matches(name, list(block.model_fields), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            allowed = ", ".join(n for n in block.model_fields if block is not model or n not in HEADER_KEYS)
            lines.append(f"  - '{loc}': unknown parameter.{hint} Allowed here: {allowed}.")
            continue
        if e["type"] == "missing":
            lines.append(f"  - '{loc}': missing; every scenario needs it{_describe_field(block, name)}.")
            continue
        msg = e["msg"]
        msg = msg[0].lower() + msg[1:] if msg else msg
        msg = msg.replace("value error, ", "")
        value = e.get("input")
        shown = "" if isinstance(value, (dict, list)) and len(repr(value)) > 80 else f" (the value given: {_short(value)})"
        lines.append(f"  - '{loc}': {msg}{shown}{_describe_field(block, name)}.")
    n = len(lines)
    return f"{where}: {n} problem{'s' if n > 1 else ''} with the parameters\n" + "\n".join(lines)


def validate(notebook: str, values: Mapping[str, Any], where: str = "parameters") -> ScenarioParams:
    """Validate a full set of values against the notebook's model; ParameterError if not valid."""
    model = model_for(notebook)
    try:
        validated = model.model_validate(dict(values))
    except ValidationError as err:
        raise ParameterError(_format_errors(model, err, where)) from None
    if isinstance(validated, QuestionParams) and validated.uncertainty.inputs:
        validated = _check_uncertain(notebook, validated, where)
    return validated


def _check_uncertain(notebook: str, validated: QuestionParams, where: str) -> QuestionParams:
    """Every uncertain input names a parameter, and every value its distribution can take is one the parameter
    allows (checked by validating the scenario with that value); a normal without bounds is truncated to the
    parameter's allowed range. Returns the parameters with those truncations filled in."""
    model = type(validated)
    plain = validated.model_dump()
    plain.pop("uncertainty")
    known = [p for p, _ in flatten(plain) if p not in HEADER_KEYS]
    inputs = dict(validated.uncertainty.inputs)
    settled = dict(validated.uncertainty.settled)
    for name, why in validated.settled_inputs().items():
        if name in inputs:  # in each language: the input's label and why the data settle it
            label = inputs.pop(name).label
            settled[name] = {lang: f"{pick(label, lang)}: {translated(why, lang)}" for lang in ("sv", "en")}
    for name, dist in inputs.items():
        label = f"'uncertainty.inputs.{name[:80]}'"
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else " (`carepay params --describe` lists them)"
            raise ParameterError(f"{where}: {label}: names no parameter of {notebook}.{hint}")
        # the values to try: a normal's own bounds (its truncation to the allowed range is allowed by construction)
        tried = dist.ends() if dist.distribution == "choice" else [dist.low, dist.high, dist.mode, dist.mean]
        if dist.distribution == "normal":
            dist = inputs[name] = dist.truncated(*_allowed_range(model, name))
        for value in [v for v in tried if v is not None]:
            try:
                model.model_validate(_set(plain, name, value))
            except ValidationError as err:
                problems = _format_errors(model, err, where).splitlines()[1:]
                reason = "; ".join(line.strip().lstrip("- ") for line in problems)
                raise ParameterError(
                    f"{where}: {label}: its distribution reaches {str(value)[:80]}, which the parameter does not "
                    f"allow ({reason[:300]}); keep the distribution inside the allowed range"
                ) from None
            except ParameterError as err:
                raise ParameterError(f"{where}: {label}: its distribution reaches {str(value)[:80]}: {err}") from None
    spec = validated.uncertainty.model_copy(update={"inputs": inputs, "settled": settled})
    return validated.model_copy(update={"uncertainty": spec})


def _set(values: Mapping[str, Any], name: str, value: Any) -> dict[str, Any]:
    """A copy of nested values with the dotted parameter set."""
    out = dict(values)
    head, _, rest = name.partition(".")
    out[head] = _set(out[head], rest, value) if rest else value
    return out


def _allowed_range(model: type[BaseModel], name: str) -> tuple[float | None, float | None]:
    """The bounds (ge/gt, le/lt) a parameter's field declares; None where it declares none."""
    head, _, rest = name.partition(".")
    field = model.model_fields.get(head)
    if field is None:
        return None, None
    if rest:
        nested, how = _nested_model(field.annotation)
        if nested is None:
            return None, None
        if how.startswith(".*"):  # a dict of blocks: skip the key
            rest = rest.partition(".")[2]
        return _allowed_range(nested, rest) if rest else (None, None)
    low = high = None
    for item in field.metadata:
        low = getattr(item, "ge", None) if getattr(item, "ge", None) is not None else low
        low = getattr(item, "gt", None) if getattr(item, "gt", None) is not None else low
        high = getattr(item, "le", None) if getattr(item, "le", None) is not None else high
        high = getattr(item, "lt", None) if getattr(item, "lt", None) is not None else high
    return low, high


# --- references to document figures --------------------------------------------------------

REFERENCE_KEY = "figure"


def _figures(package: str) -> dict[str, dict[str, str]]:
    """data/<package>/figures.csv as figure name -> row (read with the csv module: no pandas to validate)."""
    path = paths.data_dir() / package / "figures.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        return {row["figure"]: row for row in csv.DictReader(f)}


def describe_reference(reference: str) -> str:
    """How a reference reads in the provenance block: the file, the figure, the section and the words as printed."""
    from carepay.i18n import _ as translate

    package, _sep, name = reference.partition("/")
    row = _figures(package).get(name, {})
    where = f"data/{package}/figures.csv: {name}"
    if row:
        where += " " + translate(
            "(section {section}: '{printed}')", section=row.get("section", ""), printed=row.get("printed", "")
        )
    return where


def resolve_references(values: Any, where: str, path: str = "") -> tuple[Any, dict[str, str]]:
    """Replace every ``{figure: <document>/<name>}`` in values by the figure's value; return the references found."""
    found: dict[str, str] = {}
    if isinstance(values, dict) and set(values) == {REFERENCE_KEY}:
        reference = values[REFERENCE_KEY]
        package, _, name = str(reference).partition("/")
        figures = _figures(package) if package else {}
        if name not in figures:
            known = ", ".join(paths.data_package_names()) if not figures else ", ".join(figures)
            what = "figures of " + package if figures else "documents"
            raise ParameterError(
                f"{where}: '{path}': {{figure: {reference}}} names no figure of data/; "
                f"write {{figure: <document>/<figure>}} with one of the {what}: {known}"
            )
        text = figures[name]["value"]
        try:
            value: Any = float(text)
        except (TypeError, ValueError):
            raise ParameterError(
                f"{where}: '{path}': {{figure: {reference}}} reads data/{package}/figures.csv, figure '{name}', field "
                f"'value': value {text!r} is not a number; allowed: a number. Fix the file (carepay check-data checks it)."
            ) from None
        if value.is_integer() and "." not in text:
            value = int(value)
        return value, {path: str(reference)}
    if isinstance(values, dict):
        out = {}
        for key, item in values.items():
            out[key], refs = resolve_references(item, where, f"{path}.{key}" if path else str(key))
            found.update(refs)
        return out, found
    if isinstance(values, list):
        items = []
        for i, item in enumerate(values):
            resolved, refs = resolve_references(item, where, f"{path}[{i}]")
            items.append(resolved)
            found.update(refs)
        return items, found
    return values, found


def merged_values(notebook: str, scenario: str | Path = "default") -> tuple[dict[str, Any], Path]:
    """The scenario's values on top of default.yaml (a scenario lists only what it changes)."""
    path = scenario_path(notebook, scenario)
    data = read_yaml(path)
    default_path = paths.params_dir() / notebook / "default.yaml"
    if path.resolve() == default_path.resolve():
        return data, path
    for key in REQUIRED_HEADER:
        if key not in data:
            raise ParameterError(f"{paths.relative(path)}: starts with a '{key}' (every scenario says what it is)")
    base = read_yaml(default_path)
    merged = merge(base, data)
    merged.update({k: data[k] for k in HEADER_KEYS if k in data})  # a scenario's own words replace the default's whole
    return merged, path


def merge(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A scenario's values on top of the default's: blocks (mappings) are merged key by key, so a scenario may set
    only `elasticity.central`; lists, plain values, figure references and distributions replace what the default has."""
    out = dict(base)
    for key, value in changes.items():
        old = out.get(key)
        # a figure reference, and an uncertain input's distribution, replace what the default has as a whole
        is_block = lambda v: isinstance(v, dict) and set(v) != {REFERENCE_KEY} and "distribution" not in v  # noqa: E731
        out[key] = merge(old, value) if isinstance(old, dict) and is_block(old) and is_block(value) else value
    return out


def load(notebook: str, scenario: str | Path = "default") -> ScenarioParams:
    """Load and validate params/<notebook>/<scenario>.yaml (merged onto default.yaml), figures resolved."""
    values, path = merged_values(notebook, scenario)
    where = paths.relative(path)
    values, references = resolve_references(values, where)
    model = validate(notebook, values, where)
    model._references.update(references)
    return model


def resolve(notebook: str, scenario: str, namespace: Mapping[str, Any]) -> ScenarioParams:
    """What a notebook calls after its parameters cell.

    The scenario file gives the values; any parameter set to something other than
    None in the notebook's namespace (injected by the batch, or typed by an analyst)
    overrides it. The result is validated.
    """
    model = model_for(notebook)
    values, path = merged_values(notebook, scenario)
    values, references = resolve_references(values, paths.relative(path))
    overrides = {k: namespace[k] for k in model.model_fields if namespace.get(k) is not None}
    where = paths.relative(path) + (" with the notebook's values" if overrides else "")
    validated = validate(notebook, {**values, **overrides}, where)
    # a reference holds only where the value used is still the figure's
    used = validated.values()
    kept = {k: ref for k, ref in references.items() if flatten_one(used, k) == flatten_one(values, k)}
    validated._references.update(kept)
    return validated


def default_for(notebook: str, params: ScenarioParams) -> ScenarioParams | None:
    """The default scenario's parameters when params differ from them in anything but the header; else None."""
    default = load(notebook, "default")
    return None if default.values() == params.values() else default


def changes_from_default(notebook: str, params: ScenarioParams) -> dict[str, tuple[Any, Any]]:
    """Parameters whose value differs from default.yaml: name -> (default, this scenario)."""
    default = load(notebook, "default").values()
    now = params.values()
    return {k: (default.get(k), v) for k, v in now.items() if default.get(k) != v}


def _nested_model(annotation: Any) -> tuple[type[BaseModel] | None, str]:
    """The parameter block inside an annotation, and how it nests: '' (itself), '[]' (a list of), '.*' (a dict of)."""
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, ""
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found, how = _nested_model(arg)
            if found is not None:
                return found, how
    if origin is list:
        found, how = _nested_model(typing.get_args(annotation)[0])
        return (found, "[]" + how) if found is not None else (None, "")
    if origin is dict:
        found, how = _nested_model(typing.get_args(annotation)[1])
        return (found, ".*" + how) if found is not None else (None, "")
    return None, ""


def model_metadata(model: type[BaseModel], prefix: str = "") -> list[dict[str, Any]]:
    """One row per parameter of a model and of every block nested in it (dotted names: rate.budget,
    execution.*.in_house, new_levels[].points_min): description, unit, source."""
    rows = []
    for name, field in model.model_fields.items():
        if name in HEADER_KEYS and not prefix:
            continue
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        full = f"{prefix}{name}"
        rows.append(
            {"parameter": full, "description": field.description, "unit": extra.get("unit"), "source": extra.get("source")}
        )
        nested, how = _nested_model(field.annotation)
        if nested is not None:
            rows.extend(model_metadata(nested, f"{full}{how}."))
    return rows


def metadata(notebook: str) -> list[dict[str, Any]]:
    """One row per parameter of the notebook, nested ones included: name, description, unit, source."""
    return model_metadata(model_for(notebook))


def flatten(values: Any, path: str = "") -> list[tuple[str, Any]]:
    """Leaf values by path: blocks become dotted names, lists of blocks name[i].field; lists of plain values stay whole."""
    if isinstance(values, dict) and values:
        out = []
        for key, item in values.items():
            out.extend(flatten(item, f"{path}.{key}" if path else str(key)))
        return out
    if isinstance(values, list) and values and all(isinstance(v, dict) for v in values):
        out = []
        for i, item in enumerate(values):
            out.extend(flatten(item, f"{path}[{i}]"))
        return out
    if isinstance(values, list) and any(isinstance(v, dict) for v in values):
        return [(f"{path}[{i}]", v) for i, v in enumerate(values)]
    return [(path, values)]


def flatten_one(values: Any, path: str) -> Any:
    """The value at a path of flatten() (None when there is none)."""
    for p, v in flatten(values):
        if p == path:
            return v
    for p, v in flatten(values):  # a list element inside a list of plain values
        if path.startswith(p + "[") and isinstance(v, list):
            try:
                return v[int(path[len(p) + 1 : -1])]
            except (ValueError, IndexError):
                return None
    return None


def pattern_of(path: str, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The metadata row of a flattened path (list indices become [], dict keys *)."""
    import re

    generic = re.sub(r"\[\d+\]", "[]", path)
    names = {r["parameter"]: r for r in rows}
    if generic in names:
        return names[generic]
    parts = generic.split(".")
    for i in range(len(parts) - 1, 0, -1):  # a dict key in the path: try '*' in its place
        candidate = ".".join([*parts[:i], "*", *parts[i + 1 :]])
        if candidate in names:
            return names[candidate]
    while "." in generic or "[" in generic:  # an element of a plain list or dict: its parent's row
        generic = generic.rsplit(".", 1)[0] if "." in generic else generic.rsplit("[", 1)[0]
        if generic in names:
            return names[generic]
    return None


def check_inputs(notebook: str, params: ScenarioParams) -> None:
    """Read and validate a scenario's own files (analysts' extracts) as the report would, before any kernel starts;
    the question's error (naming file, row, field, value and what is allowed) if one does not fit."""
    import importlib

    from carepay.registry import QUESTIONS

    target = QUESTIONS[notebook].inputs
    if target:
        module_name, _, function = target.partition(":")
        getattr(importlib.import_module(module_name), function)(params)


def describe(notebook: str) -> str:
    """Every parameter of a notebook, nested ones included: name, unit, default, source and description, as
    ``carepay params --describe`` prints it (after papermill's --help-notebook)."""
    import textwrap

    default = load(notebook)
    rows = metadata(notebook)
    leaves = flatten(default.values())
    refs = default.references()
    lines = [
        f"Parameters of notebooks/{notebook}.ipynb; defaults from params/{notebook}/default.yaml.",
        "A scenario lists only what it changes; a block may be given whole or left out.",
        "",
    ]
    for row in rows:
        name = row["parameter"]
        depth = name.replace(".*", "").count(".")
        values = [(path, v) for path, v in leaves if pattern_of(path, rows) is row]
        shown = ", ".join(
            f"{path if path != name else ''}{'=' if path != name else ''}{json_value(v)}"
            + (f" (from {refs[path]})" if path in refs else "")
            for path, v in values
        )
        pad = "    " * depth
        lines.append(f"{pad}{name}  [{row['unit']}]" + (f"  default: {shown}" if shown else ""))
        for text in (row["description"] or "", f"source: {row['source']}"):
            lines.extend(textwrap.wrap(text, 100, initial_indent=pad + "    ", subsequent_indent=pad + "    "))
    return "\n".join(lines)


def json_value(value: Any) -> str:
    """A value as it would be written in a scenario file."""
    import json

    def whole(v: Any) -> Any:
        if isinstance(v, float) and v.is_integer():
            return int(v)
        if isinstance(v, list):
            return [whole(x) for x in v]
        if isinstance(v, dict):
            return {k: whole(x) for k, x in v.items()}
        return v

    return json.dumps(whole(value), ensure_ascii=False)


__all__ = ["ParameterError", "PopulationSource", "ScenarioParams", "param", "load", "resolve", "validate", "model_for"]
