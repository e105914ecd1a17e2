"""Pinned results: every scenario's key results, committed with a value and a tolerance.

tests/pinned/<notebook>.yaml holds, for each scenario in params/<notebook>/, the key results
its report shows (by their stable id), each with the label readers saw, the value, the unit
and the tolerance within which a new run must land::

    default:
      fee_revenue_today:
        label: Fee revenue today
        value: 24873211.52
        unit: kr/year
        tolerance: 0.5

The suite renders every scenario and fails on any result outside its tolerance
(``compare``). After an intended change, ``carepay pin`` (``python3 tasks.py pin``)
renders the scenarios, rewrites the files and prints every value that moved, so that the
diff shows a reviewer each moved number. A hand-set tolerance is kept when the value is
rewritten. Modelled on PolicyEngine-UK's reforms_config.yaml and Tax-Calculator's
expected reform outputs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from carepay import paths

HEADER = (
    "# Pinned key results of notebooks/{notebook}.ipynb: one block per scenario in params/{notebook}/,\n"
    "# one entry per key result (by its stable id), with the tolerance a new run must stay within.\n"
    "# Do not edit values by hand: after an intended change run `python3 tasks.py pin` and say in the\n"
    "# commit message which results moved and why. A tolerance may be widened by hand; it is kept.\n"
)

#: Absolute tolerance by unit: half a krona for amounts (correct to the krona), a hundredth of an
#: hour, a millionth of a share; counts of whole things must match to rounding noise.
UNIT_TOLERANCE = {"kr": 0.5, "hours": 0.005, "%": 1e-6}
RELATIVE_TOLERANCE = 1e-9


#: The ends of a result's 90 % range, pinned beside its value where uncertain inputs move it.
RANGE = ("low", "high")


def pinned_dir() -> Path:
    """tests/pinned/ of the source checkout (not of a throwaway project copy)."""
    return paths.PACKAGE_DIR.parents[1] / "tests" / "pinned"


def pinned_file(notebook: str, folder: Path | None = None) -> Path:
    return (folder or pinned_dir()) / f"{notebook}.yaml"


def default_tolerance(value: Any, unit: str) -> float:
    """The tolerance a new pin gets: by the unit's kind (kr..., hours..., %), never below rounding noise."""
    if not isinstance(value, (int, float)):
        return 0.0
    kind = unit.split("/")[0].split(" ")[0] if unit else ""
    base = UNIT_TOLERANCE.get(kind, 0.0)
    if isinstance(value, int) and not base:
        return 0.0  # a count of whole things matches exactly
    return max(base, float(f"{RELATIVE_TOLERANCE * abs(float(value)):.1g}"))


def read(notebook: str, folder: Path | None = None) -> dict[str, dict[str, dict[str, Any]]]:
    """scenario -> result id -> {label, value, unit, tolerance, and low and high where it has a range}; empty when
    nothing is pinned yet."""
    path = pinned_file(notebook, folder)
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: must map scenario names to their results")
    return data


def _fmt(value: Any, unit: str = "") -> str:
    """A value for a message: shares as percent, large amounts with thousands separated."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return repr(value)
    if unit == "%":
        return f"{value * 100:.6g} %"
    if isinstance(value, int) or float(value).is_integer():
        return f"{value:,.0f}" + (f" {unit}" if unit else "")
    text = f"{value:,.6g}" if abs(value) < 1000 else f"{value:,.2f}"
    return text + (f" {unit}" if unit else "")


def compare(
    notebook: str, scenario: str, pinned: Mapping[str, Mapping[str, Any]] | None, actual: Iterable[Mapping[str, Any]]
) -> list[str]:
    """Every difference between a scenario's pinned results and a run's key results, one line each."""
    where = f"{notebook}/{scenario}"
    if pinned is None:
        return [f"{where}: no pinned results (run `python3 tasks.py pin` and commit tests/pinned/{notebook}.yaml)"]
    got = {r["id"]: r for r in actual}
    problems = []
    for result_id, pin in pinned.items():
        if result_id not in got:
            problems.append(f"{where}: result {result_id!r} is pinned but the report no longer shows it")
            continue
        for part in ("value", *RANGE):
            name = result_id if part == "value" else f"{result_id} ({part} end of its 90 % range)"
            if part != "value" and (part in pin) != (part in got[result_id]):
                state = "pinned but not shown" if part in pin else "shown but not pinned"
                problems.append(f"{where}: {name} is {state}")
                continue
            if part not in pin:
                continue
            value, expected = got[result_id][part], pin[part]
            if isinstance(expected, (int, float)) and isinstance(value, (int, float)):
                tol = float(pin.get("tolerance", 0.0))
                unit = pin.get("unit", "")
                if not math.isfinite(value) or abs(value - expected) > tol:
                    problems.append(
                        f"{where}: {name} ({pin.get('label', '')}) expected {_fmt(expected, unit)} "
                        f"± {_fmt(tol, unit)}, got {_fmt(value, unit)} (difference {_fmt(value - expected, unit)})"
                    )
            elif value != expected:
                problems.append(f"{where}: {name} ({pin.get('label', '')}) expected {expected!r}, got {value!r}")
    for result_id in got.keys() - pinned.keys():
        problems.append(f"{where}: result {result_id!r} is shown but not pinned")
    return problems


def updated(old: Mapping[str, Mapping[str, Any]] | None, actual: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The pins for one scenario from a run's key results, keeping hand-set tolerances."""
    old = old or {}
    out: dict[str, dict[str, Any]] = {}
    for r in actual:
        value = r["value"]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        prev = old.get(r["id"], {})
        tol = default_tolerance(value, r.get("unit", ""))
        if "tolerance" in prev and prev.get("unit") == r.get("unit"):
            tol = max(tol, float(prev["tolerance"]))
        out[r["id"]] = {"label": r["result"], "value": value, "unit": r.get("unit", ""), "tolerance": tol}
        for part in RANGE:  # the 90 % range, where uncertain inputs move the result (seeded: reproducible)
            if part in r:
                out[r["id"]][part] = r[part]
    return out


def write(notebook: str, pins: Mapping[str, Mapping[str, Any]], folder: Path | None = None) -> Path:
    path = pinned_file(notebook, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    order = sorted(pins, key=lambda s: (s != "default", s))
    body = yaml.safe_dump({s: pins[s] for s in order}, sort_keys=False, allow_unicode=True, width=120)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(HEADER.format(notebook=notebook) + body, encoding="utf-8")
    tmp.replace(path)
    return path


def pin(
    outcomes: Iterable[Any], existing_scenarios: Mapping[str, Iterable[str]] | None = None, folder: Path | None = None
) -> list[str]:
    """Rewrite the pins of the scenarios in `outcomes` (batch outcomes that rendered); return what moved.

    existing_scenarios: notebook -> scenarios that exist; pins of other scenarios are dropped.
    """
    by_notebook: dict[str, list[Any]] = {}
    for o in outcomes:
        if o.ok:
            by_notebook.setdefault(o.notebook, []).append(o)
    moved: list[str] = []
    for notebook, runs in sorted(by_notebook.items()):
        pins = read(notebook, folder)
        for o in runs:
            new = updated(pins.get(o.scenario), o.key_results)
            moved.extend(_moves(notebook, o.scenario, pins.get(o.scenario, {}), new))
            pins[o.scenario] = new
        if existing_scenarios is not None and notebook in existing_scenarios:
            keep = set(existing_scenarios[notebook])
            for gone in sorted(set(pins) - keep):
                moved.append(f"{notebook}/{gone}: scenario no longer exists, its pins removed")
                del pins[gone]
        write(notebook, pins, folder)
    return moved


def _moves(notebook: str, scenario: str, old: Mapping[str, Mapping[str, Any]], new: Mapping[str, Mapping[str, Any]]) -> list[str]:
    where = f"{notebook}/{scenario}"
    lines = []
    for rid, pin_ in new.items():
        if rid not in old:
            lines.append(f"{where}: {rid} pinned at {_fmt(pin_['value'], pin_['unit'])} (new)")
            continue
        for part in RANGE:
            before, after = old[rid].get(part), pin_.get(part)
            if before == after:
                continue
            unit, end = pin_["unit"], f"{rid} {part} end of its 90 % range"
            if before is None:
                lines.append(f"{where}: {end} pinned at {_fmt(after, unit)} (new)")
            elif after is None:
                lines.append(f"{where}: {end} no longer shown, its pin removed")
            else:
                lines.append(f"{where}: {end} moved from {_fmt(before, unit)} to {_fmt(after, unit)}")
        if old[rid].get("value") != pin_["value"]:
            before, after = old[rid].get("value"), pin_["value"]
            unit = pin_["unit"]
            diff = (
                f" (difference {_fmt(after - before, unit)})"
                if isinstance(before, (int, float)) and isinstance(after, (int, float))
                else ""
            )
            lines.append(f"{where}: {rid} moved from {_fmt(before, unit)} to {_fmt(after, unit)}{diff}")
    for rid in old.keys() - new.keys():
        lines.append(f"{where}: {rid} no longer shown, its pin removed")
    return lines
