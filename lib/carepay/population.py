"""Individual-level data: synthetic populations calibrated to published aggregates, and analysts' extracts.

The documents give aggregates only (persons and hours by provider and month, counts by level).
Questions about individuals need person-month rows; the library draws them at random (seeded),
calibrated so that the aggregates they add up to equal the documents', and marks every row
``synthetic=True``. An analyst's own extract in the documented schema replaces them; it is
validated with errors that name the file, row, field and value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from carepay import paths


class ExtractError(ValueError):
    """An analyst's extract does not fit its schema; the message says where and why."""


# --- housing support person-months (capitation) -------------------------------------------------

PERSON_MONTH_COLUMNS = {
    "person_id": "text identifying the person (the same across months)",
    "provider": "provider id",
    "period": "month as YYYY-MM",
    "executed_hours": "hours executed (delivered) in the month, >= 0",
}
PERSON_MONTH_OPTIONAL = {
    "ordered_hours": "hours ordered (granted) for the month, >= 0",
    "need_group": "need group from the needs assessment (text)",
}


def need_groups_from_hours(ordered_hours, thresholds: Sequence[float], names: Sequence[str]) -> np.ndarray:
    """Need group of each person-month from its ordered hours: names[i] for thresholds[i-1] <= h < thresholds[i]."""
    if len(names) != len(thresholds) + 1:
        raise ValueError("need groups: one more name than thresholds")
    return np.asarray(names)[np.searchsorted(np.asarray(thresholds, float), np.asarray(ordered_hours, float), side="right")]


def synthetic_person_months(persons: pd.DataFrame, hours: pd.DataFrame, execution_ratio: pd.Series,
                            median_ordered_hours: float, sigma_person: float, sigma_month: float,
                            thresholds: Sequence[float], names: Sequence[str], seed: int) -> pd.DataFrame:
    """SYNTHETIC person-months calibrated exactly to persons and executed hours by provider and month.

    persons: period, provider, persons; hours: period, provider, executed_hours (the document's cells);
    execution_ratio: executed / ordered hours by provider (the provider's total is met exactly).
    Each provider has a pool of persons with a lasting need level (lognormal around median_ordered_hours,
    spread sigma_person); the first n of the pool are active in a month with n persons. A month's
    executed hours vary around the person's level (sigma_month) and are scaled so that each
    provider-month adds up to the printed hours. Need groups come from ordered hours."""
    rng = np.random.default_rng(seed)
    cells = persons.merge(hours, on=["period", "provider"], how="left").fillna({"executed_hours": 0.0})
    ids, provs, periods, executed, levels = [], [], [], [], []
    for provider, part in cells.groupby("provider", sort=False):
        pool = int(part.persons.max())
        level = median_ordered_hours * np.exp(rng.normal(0.0, sigma_person, pool))
        for cell in part.itertuples():
            n = int(cell.persons)
            if n == 0:
                continue
            raw = level[:n] * np.exp(rng.normal(0.0, sigma_month, n))
            executed.append(raw * (cell.executed_hours / raw.sum()) if raw.sum() > 0 else raw)
            levels.append(level[:n])
            ids.append(np.arange(n))
            provs.append(np.full(n, provider, dtype=object))
            periods.append(np.full(n, cell.period, dtype=object))
    provider_col = pd.Categorical(np.concatenate(provs))
    df = pd.DataFrame({
        "person_id": pd.Series(provider_col).astype(str) + "-" + pd.Series(np.concatenate(ids)).astype(str).str.zfill(4),
        "provider": provider_col,
        "period": pd.Categorical(np.concatenate(periods)),
        "executed_hours": np.concatenate(executed),
        "need_level": np.concatenate(levels),
    })
    # ordered hours: the person's need level, scaled per provider so that executed / ordered = its execution ratio
    ratio = df.provider.map(execution_ratio).astype(float)
    if ratio.isna().any():
        missing = sorted(df.provider[ratio.isna()].astype(str).unique())
        raise ValueError(f"no execution ratio for provider(s) {', '.join(missing)}")
    by = df.groupby("provider", observed=True)
    scale = by.executed_hours.transform("sum") / (ratio * by["need_level"].transform("sum"))
    df["ordered_hours"] = df.need_level * scale
    df["need_group"] = pd.Categorical(need_groups_from_hours(df.ordered_hours, thresholds, names), categories=list(names))
    df["synthetic"] = True
    return df.drop(columns="need_level")


def calibration_report(df: pd.DataFrame, persons: pd.DataFrame, hours: pd.DataFrame, execution_ratio: pd.Series) -> pd.DataFrame:
    """How close a person-month table comes to the aggregates it should add up to (per target, worst cell)."""
    got = df.groupby(["period", "provider"]).agg(persons=("person_id", "size"), executed_hours=("executed_hours", "sum"))
    want = persons.merge(hours, on=["period", "provider"], how="left").set_index(["period", "provider"])
    by_provider = df.groupby("provider")[["executed_hours", "ordered_hours"]].sum()
    ratio = (by_provider.executed_hours / by_provider.ordered_hours)
    rows = [
        {"target": "persons per provider and month", "cells": len(want),
         "largest_error": float((got.persons.reindex(want.index) - want.persons).abs().max()), "unit": "persons"},
        {"target": "executed hours per provider and month", "cells": len(want),
         "largest_error": float((got.executed_hours.reindex(want.index) - want.executed_hours).abs().max()), "unit": "hours"},
        {"target": "execution ratio per provider", "cells": len(ratio),
         "largest_error": float((ratio - execution_ratio.reindex(ratio.index)).abs().max()), "unit": "share"},
    ]
    return pd.DataFrame(rows)


def read_person_months(path: str | Path, providers: Iterable[str] | None, periods: Sequence[str] | None) -> pd.DataFrame:
    """An analyst's extract of person-months (CSV), validated.

    Required: person_id, provider, period (YYYY-MM), executed_hours; and ordered_hours or need_group.
    providers: allowed provider ids (None: any); periods: months that must all be present (None: any)."""
    p = Path(path)
    p = p if p.is_absolute() else paths.project_root() / p
    where = paths.relative(p)
    if not p.exists():
        raise ExtractError(f"{where}: file not found")
    raw = pd.read_csv(p, dtype=str, keep_default_na=False)
    return validate_person_months(raw, where, providers, periods)


def validate_person_months(raw: pd.DataFrame, where: str, providers: Iterable[str] | None,
                           periods: Sequence[str] | None) -> pd.DataFrame:
    """Check an extract against the schema; raise ExtractError naming file, row, field, value and what is allowed."""
    schema = ", ".join(f"{k} ({v})" for k, v in PERSON_MONTH_COLUMNS.items())
    missing = [c for c in PERSON_MONTH_COLUMNS if c not in raw.columns]
    if missing:
        raise ExtractError(f"{where}: missing column(s) {', '.join(missing)}; the schema is {schema}, "
                           f"and ordered_hours or need_group")
    unknown = [c for c in raw.columns if c not in PERSON_MONTH_COLUMNS and c not in PERSON_MONTH_OPTIONAL]
    if unknown:
        raise ExtractError(f"{where}: unknown column(s) {', '.join(unknown)}; allowed: "
                           + ", ".join([*PERSON_MONTH_COLUMNS, *PERSON_MONTH_OPTIONAL]))
    if not any(c in raw.columns for c in PERSON_MONTH_OPTIONAL):
        raise ExtractError(f"{where}: needs ordered_hours or need_group (or both) to measure need")

    def fail(mask, field: str, problem: str, allowed: str) -> None:
        row = int(np.flatnonzero(np.asarray(mask))[0])
        raise ExtractError(f"{where}, row {row + 2}, field '{field}': value {raw[field].iloc[row]!r} {problem}; allowed: {allowed}")

    out = raw.copy()
    for field in ("person_id", "provider", "period"):
        empty = out[field].str.strip() == ""
        if empty.any():
            fail(empty, field, "is missing", PERSON_MONTH_COLUMNS[field])
    if providers is not None:
        allowed = sorted(set(providers))
        bad = ~out.provider.isin(allowed)
        if bad.any():
            fail(bad, "provider", "is not a known provider", ", ".join(allowed))
    bad = ~out.period.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
    if bad.any():
        fail(bad, "period", "is not a month", "YYYY-MM, e.g. 2021-03")
    for field in ("executed_hours", "ordered_hours"):
        if field not in out.columns:
            continue
        values = pd.to_numeric(out[field], errors="coerce")
        bad = values.isna()
        if bad.any():
            fail(bad, field, "is not a number", "hours >= 0")
        bad = values < 0
        if bad.any():
            fail(bad, field, "is negative", "hours >= 0")
        out[field] = values.astype(float)
    dup = out.duplicated(["person_id", "period"])
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        raise ExtractError(f"{where}, row {row + 2}: person {out.person_id.iloc[row]!r} appears twice in "
                           f"{out.period.iloc[row]}; allowed: one row per person and month")
    if periods is not None:
        absent = sorted(set(periods) - set(out.period))
        if absent:
            raise ExtractError(f"{where}: no rows for month(s) {', '.join(absent)}; the extract must cover "
                               f"{periods[0]} to {periods[-1]}")
    out["synthetic"] = False
    return out
