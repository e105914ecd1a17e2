"""The schemas of analysts' own extracts, as data: one Frictionless Table Schema (JSON) per extract.

The fields have the same form as the data packages' (type, unit, description, constraints:
required, unique, minimum, maximum, enum, pattern) and are checked by the same code
(carepay.sources). Two carepay extensions: a field with ``"optional": true`` may be left out
of the file; ``anyOf`` lists groups of optional fields of which at least one group must be
there whole; ``questions`` gives such groups per question, for a file that serves more than one. Columns the
schema does not name are refused. ``markdown`` renders a schema as
the README's table (a test keeps the two equal).

    python -m carepay.schemas      prints every schema as the README shows it
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from carepay.sources import ExtractError, _parse_column, check_key

FOLDER = Path(__file__).resolve().parent
NAMES = ("individual_points", "housing_support_person_months", "home_care_person_months")


def load(name: str) -> dict[str, Any]:
    """The schema named name (a file <name>.json beside this module)."""
    schema: dict[str, Any] = json.loads((FOLDER / f"{name}.json").read_text(encoding="utf-8"))
    return schema


def _groups(schema: Mapping[str, Any], question: str | None) -> list[list[str]]:
    """The groups of optional fields of which one must be there whole: the schema's, or those of the question."""
    if question is not None and question in schema.get("questions", {}):
        return list(schema["questions"][question].get("anyOf", []))
    return list(schema.get("anyOf", []))


def _header(raw: pd.DataFrame, schema: Mapping[str, Any], where: str, question: str | None = None) -> list[dict[str, Any]]:
    """The schema's fields that the file has, after checking required, unknown and alternative columns."""
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    required = [f["name"] for f in fields if not f.get("optional")]
    missing = [n for n in required if n not in raw.columns]
    if missing:
        raise ExtractError(
            f"{where}: missing column(s) {', '.join(missing)}; the {schema['title'].lower()} schema needs "
            f"{', '.join(required)}" + _alternatives(_groups(schema, question))
        )
    unknown = [c for c in raw.columns if c not in names]
    if unknown:
        raise ExtractError(f"{where}: unknown column(s) {', '.join(map(str, unknown))}; allowed: {', '.join(names)}")
    groups = _groups(schema, question)
    if groups and not any(all(c in raw.columns for c in g) for g in groups):
        needs = f" ({question} needs them)" if question else ""
        raise ExtractError(f"{where}: missing column(s){_alternatives(groups)}{needs}")
    return [f for f in fields if f["name"] in raw.columns]


def _alternatives(groups: list[list[str]]) -> str:
    return (", and " + " or ".join(" + ".join(g) for g in groups)) if groups else ""


def validate(
    raw: pd.DataFrame,
    name: str,
    where: str,
    enums: Mapping[str, Iterable[Any]] | None = None,
    question: str | None = None,
) -> pd.DataFrame:
    """An extract (all columns text, as read) checked against schema `name` and converted to its types;
    ExtractError naming the file, row, field, value and what is allowed. enums: allowed values known only at
    run time (a provider list), added to a field's constraints; question: whose groups of columns to require,
    where the schema serves several."""
    schema = load(name)
    present = _header(raw, schema, where, question)
    if raw.empty:
        raise ExtractError(f"{where}: has a header but no rows; allowed: at least one row")
    out = raw.copy()
    for spec in present:
        if enums and spec["name"] in enums:
            spec = {**spec, "constraints": {**spec.get("constraints", {}), "enum": sorted(set(enums[spec["name"]]))}}
        out[spec["name"]] = _parse_column(raw[spec["name"]], spec, where, ExtractError, "the scenario")
    check_key(out, schema.get("primaryKey"), where, ExtractError)
    return out


def markdown(name: str) -> str:
    """The schema as a Markdown table for the README: column, required, unit, meaning."""
    schema = load(name)
    groups = {c: i for i, g in enumerate(schema.get("anyOf", [])) for c in g}
    by_question = {q: {c: g for g in spec.get("anyOf", []) for c in g} for q, spec in schema.get("questions", {}).items()}
    lines = ["| column | required | unit | meaning |", "|---|---|---|---|"]
    for f in schema["fields"]:
        c = f.get("constraints", {})
        needed = [q for q, cols in by_question.items() if f["name"] in cols]
        if f["name"] in groups:
            required = "one of the groups " + " / ".join(" + ".join(g) for g in schema["anyOf"])
        elif needed:
            required = "; ".join(
                f"{q}: one of the groups " + (" / ".join(" + ".join(g) for g in schema["questions"][q]["anyOf"]))
                if len(schema["questions"][q]["anyOf"]) > 1
                else f"{q}: yes"
                for q in needed
            )
        else:
            required = "no" if f.get("optional") else "yes"
        allowed = []
        if "enum" in c:
            allowed.append("one of " + ", ".join(f"`{v}`" for v in c["enum"]))
        if "minimum" in c:
            allowed.append(f"≥ {c['minimum']}")
        if "maximum" in c:
            allowed.append(f"≤ {c['maximum']}")
        if c.get("unique"):
            allowed.append("unique")
        kind = {"integer": "whole number", "number": "number", "string": "text"}[f["type"]]
        meaning = f"{f.get('description', '')} ({kind}{'; ' + ', '.join(allowed) if allowed else ''})"
        lines.append(f"| `{f['name']}` | {required} | {f.get('unit', '')} | {meaning} |")
    if schema.get("primaryKey"):
        lines.append("")
        lines.append(f"One row per {', '.join(schema['primaryKey'])}.")
    return "\n".join(lines)
