"""Cross-checks: every identity the source tables imply, with explicit tolerances.

Each check compares a printed figure with the figure computed from other printed
figures (a row total with the sum of its cells, persons x standard amount with a
printed cost, ...). The tolerance is the rounding of the printed figures involved:
a figure printed to whole kronor is within 0.5 kr of the true value, so a printed
total of n printed terms may differ from their sum by up to 0.5 x (n + 1).

Checks run on two readings of each package: as printed, and with the package's
corrections.csv applied. A discrepancy is "known" when the package's
known_discrepancies.csv lists it (check id, cell and reading), "new" otherwise.
The checks of a document live with the question that uses it (carepay.<question>.checks,
listed in carepay.registry.CHECK_MODULES); this module is the engine they share.
``run_checks`` returns one row per comparison; ``carepay check-data`` prints the
discrepancies and fails only on new ones.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import pandas as pd

from carepay.sources import DataPackage

COLUMNS = [
    "package",
    "check",
    "table",
    "cell",
    "printed",
    "computed",
    "difference",
    "tolerance",
    "unit",
    "relation",
    "reading",
    "status",
    "explanation",
    "description",
]

Row = dict
CheckFunction = Callable[[DataPackage, bool], Iterator[Row]]


def registered() -> dict[str, list[CheckFunction]]:
    """package -> its check functions, from the question modules that carepay.registry names."""
    import importlib

    from carepay.registry import CHECK_MODULES

    found: dict[str, list[CheckFunction]] = {}
    for module_name in CHECK_MODULES:
        for package, functions in importlib.import_module(module_name).CHECKS.items():
            found.setdefault(package, []).extend(functions)
    return found


def compare(
    check_id: str,
    table: str,
    cell: str,
    printed: float,
    computed: float,
    tolerance: float,
    unit: str,
    description: str,
    relation: str = "equal",
) -> Row:
    """One comparison of a printed figure with what other figures imply (computed). relation: 'equal'
    (|printed - computed| <= tolerance), 'at_least' (computed >= printed - tolerance), 'at_most' (computed <=
    printed + tolerance) or 'below' (computed < printed)."""
    diff = computed - printed
    if relation == "equal":
        ok = abs(diff) <= tolerance + 1e-9
    elif relation == "at_least":
        ok = diff >= -tolerance - 1e-9
    elif relation == "at_most":
        ok = diff <= tolerance + 1e-9
    elif relation == "below":
        ok = diff < 0
    else:
        raise ValueError(f"unknown relation {relation!r}")
    return {
        "check": check_id,
        "table": table,
        "cell": cell,
        "printed": float(printed),
        "computed": float(computed),
        "difference": float(diff),
        "tolerance": float(tolerance),
        "unit": unit,
        "relation": relation,
        "ok": bool(ok),
        "description": description,
    }


def rounding_tolerance(n_terms: int, step: float = 1.0) -> float:
    """Largest honest gap between a printed total and the sum of n printed terms,
    all rounded to `step`: half a step for each term and for the total."""
    return 0.5 * step * (n_terms + 1)


def approx_tolerance(value: float) -> float:
    """Tolerance for a figure printed as 'about X': one unit of its last non-zero digit
    (ca 4 600 -> 100, ca 56 000 -> 1 000, 0.6 -> 0.1)."""
    if value == 0:
        return 0.0
    digits = f"{abs(value):.6f}".rstrip("0").rstrip(".")
    if "." in digits:
        return 10.0 ** -len(digits.split(".")[1])
    return 10.0 ** (len(digits) - len(digits.rstrip("0")))


# --- running ----------------------------------------------------------------------------


def run_checks(packages: dict[str, DataPackage]) -> pd.DataFrame:
    """Run every registered check on both readings of each package; one row per comparison."""
    rows = []
    registry = registered()
    for name, pkg in packages.items():
        known = pkg.known_discrepancies
        known_keys = {(k.check, k.cell, k.reading): k.explanation for k in known.itertuples()}
        for reading, corrected in (("printed", False), ("corrected", True)):
            if corrected and pkg.corrections.empty:
                continue
            for fn in registry.get(name, []):
                for row in fn(pkg, corrected):
                    row["package"], row["reading"] = name, reading
                    explanation = known_keys.get((row["check"], row["cell"], reading))
                    row["status"] = "ok" if row.pop("ok") else ("known" if explanation else "new")
                    row["explanation"] = explanation or ""
                    rows.append(row)
    result = pd.DataFrame(rows, columns=COLUMNS)
    order = {"new": 0, "known": 1, "ok": 2}
    return result.sort_values(
        ["status", "package", "check"], key=lambda s: s.map(order) if s.name == "status" else s, kind="stable"
    ).reset_index(drop=True)


def unused_known(packages: dict[str, DataPackage], results: pd.DataFrame) -> pd.DataFrame:
    """Known discrepancies that no check reports any more (stale entries)."""
    rows = []
    found = set(zip(results.package, results.check, results.cell, results.reading))
    for name, pkg in packages.items():
        for k in pkg.known_discrepancies.itertuples():
            if (name, k.check, k.cell, k.reading) not in found or results[
                (results.package == name) & (results.check == k.check) & (results.cell == k.cell) & (results.reading == k.reading)
            ].status.eq("ok").all():
                rows.append({"package": name, "check": k.check, "cell": k.cell, "reading": k.reading})
    return pd.DataFrame(rows, columns=["package", "check", "cell", "reading"])


def summary(results: pd.DataFrame) -> pd.DataFrame:
    """Counts of ok / known / new per package and reading."""
    return (
        results.groupby(["package", "reading", "status"])
        .size()
        .unstack("status", fill_value=0)
        .reindex(columns=["ok", "known", "new"], fill_value=0)
        .reset_index()
    )


def format_discrepancy(row: pd.Series) -> str:
    rel = {
        "equal": "computed",
        "at_least": "computed (must be at least printed)",
        "at_most": "computed (must be at most printed)",
        "below": "computed (must be below printed)",
    }

    def num(v: float) -> str:
        return f"{v:,.2f}".rstrip("0").rstrip(".") if not math.isnan(v) else "-"

    return (
        f"[{row.status}] {row.package} / {row.table} / {row.cell} ({row.reading} reading): {row.description}. "
        f"printed {num(row.printed)}, {rel[row.relation]} {num(row.computed)} {row.unit}, "
        f"difference {num(row.difference)}, tolerance {num(row.tolerance)}"
        + (f"\n    known: {row.explanation}" if row.explanation else "")
    )


def discrepancy_table(results: pd.DataFrame) -> pd.DataFrame:
    """Compact view of the comparisons that do not hold, for reports: where, what, printed vs computed, why."""
    bad = results[results.status != "ok"]
    return pd.DataFrame(
        {
            "status": bad.status,
            "where": bad.package + ": " + bad.table + ", " + bad.cell + " (" + bad.reading + ")",
            "check": bad.description,
            "printed": bad.printed,
            "computed": bad.computed,
            "tolerance": bad.tolerance,
            "unit": bad.unit,
            "explanation": bad.explanation,
        }
    ).reset_index(drop=True)
