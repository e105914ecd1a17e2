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


def read_extract(path: str | Path | None) -> tuple[pd.DataFrame, str]:
    """An analyst's CSV file as text columns, and how to name it in messages (relative to the project folder)."""
    if not path:
        raise ExtractError("population: source 'extract' needs extract_file (a CSV path relative to the project folder)")
    p = Path(path)
    p = p if p.is_absolute() else paths.project_root() / p
    where = paths.relative(p)
    if not p.exists():
        raise ExtractError(f"{where}: file not found")
    return pd.read_csv(p, dtype=str, keep_default_na=False), where


def _fail(raw: pd.DataFrame, where: str, mask, field: str, problem: str, allowed: str) -> None:
    """Raise for the first row where mask is true, naming file, row (as a spreadsheet shows it), field and value."""
    row = int(np.flatnonzero(np.asarray(mask))[0])
    raise ExtractError(f"{where}, row {row + 2}, field '{field}': value {raw[field].iloc[row]!r} {problem}; allowed: {allowed}")


def _non_negative(out: pd.DataFrame, raw: pd.DataFrame, where: str, fields, allowed: str = "a number >= 0") -> None:
    """Convert text columns to numbers in place, rejecting what is not a number or is negative."""
    for field in fields:
        values = pd.to_numeric(out[field], errors="coerce")
        if values.isna().any():
            _fail(raw, where, values.isna(), field, "is not a number", allowed)
        if (values < 0).any():
            _fail(raw, where, values < 0, field, "is negative", allowed)
        out[field] = values.astype(float)


def _months(raw: pd.DataFrame, where: str, field: str = "period") -> None:
    bad = ~raw[field].astype(str).str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
    if bad.any():
        _fail(raw, where, bad, field, "is not a month", "YYYY-MM, e.g. 2021-03")


def _one_row_per_person_month(out: pd.DataFrame, where: str) -> None:
    dup = out.duplicated(["person_id", "period"])
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        raise ExtractError(
            f"{where}, row {row + 2}: person {out.person_id.iloc[row]!r} appears twice in "
            f"{out.period.iloc[row]}; allowed: one row per person and month"
        )


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


def synthetic_person_months(
    persons: pd.DataFrame,
    hours: pd.DataFrame,
    execution_ratio: pd.Series,
    median_ordered_hours: float,
    sigma_person: float,
    sigma_month: float,
    thresholds: Sequence[float],
    names: Sequence[str],
    seed: int,
) -> pd.DataFrame:
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
    df = pd.DataFrame(
        {
            "person_id": pd.Series(provider_col).astype(str) + "-" + pd.Series(np.concatenate(ids)).astype(str).str.zfill(4),
            "provider": provider_col,
            "period": pd.Categorical(np.concatenate(periods)),
            "executed_hours": np.concatenate(executed),
            "need_level": np.concatenate(levels),
        }
    )
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
    got = df.groupby(["period", "provider"], observed=True).agg(
        persons=("person_id", "size"), executed_hours=("executed_hours", "sum")
    )
    want = persons.merge(hours, on=["period", "provider"], how="left").set_index(["period", "provider"])
    by_provider = df.groupby("provider", observed=True)[["executed_hours", "ordered_hours"]].sum()
    ratio = by_provider.executed_hours / by_provider.ordered_hours
    rows = [
        {
            "target": "persons per provider and month",
            "cells": len(want),
            "largest_error": float((got.persons.reindex(want.index) - want.persons).abs().max()),
            "unit": "persons",
        },
        {
            "target": "executed hours per provider and month",
            "cells": len(want),
            "largest_error": float((got.executed_hours.reindex(want.index) - want.executed_hours).abs().max()),
            "unit": "hours",
        },
        {
            "target": "execution ratio per provider",
            "cells": len(ratio),
            "largest_error": float((ratio - execution_ratio.reindex(ratio.index)).abs().max()),
            "unit": "share",
        },
    ]
    return pd.DataFrame(rows)


def read_person_months(path: str | Path | None, providers: Iterable[str] | None, periods: Sequence[str] | None) -> pd.DataFrame:
    """An analyst's extract of person-months (CSV), validated.

    Required: person_id, provider, period (YYYY-MM), executed_hours; and ordered_hours or need_group.
    providers: allowed provider ids (None: any); periods: months that must all be present (None: any)."""
    raw, where = read_extract(path)
    return validate_person_months(raw, where, providers, periods)


def validate_person_months(
    raw: pd.DataFrame, where: str, providers: Iterable[str] | None, periods: Sequence[str] | None
) -> pd.DataFrame:
    """Check an extract against the schema; raise ExtractError naming file, row, field, value and what is allowed."""
    schema = ", ".join(f"{k} ({v})" for k, v in PERSON_MONTH_COLUMNS.items())
    missing = [c for c in PERSON_MONTH_COLUMNS if c not in raw.columns]
    if missing:
        raise ExtractError(
            f"{where}: missing column(s) {', '.join(missing)}; the schema is {schema}, and ordered_hours or need_group"
        )
    unknown = [c for c in raw.columns if c not in PERSON_MONTH_COLUMNS and c not in PERSON_MONTH_OPTIONAL]
    if unknown:
        raise ExtractError(
            f"{where}: unknown column(s) {', '.join(unknown)}; allowed: "
            + ", ".join([*PERSON_MONTH_COLUMNS, *PERSON_MONTH_OPTIONAL])
        )
    if not any(c in raw.columns for c in PERSON_MONTH_OPTIONAL):
        raise ExtractError(f"{where}: needs ordered_hours or need_group (or both) to measure need")

    out = raw.copy()
    for field in ("person_id", "provider", "period"):
        empty = out[field].str.strip() == ""
        if empty.any():
            _fail(raw, where, empty, field, "is missing", PERSON_MONTH_COLUMNS[field])
    if providers is not None:
        allowed = sorted(set(providers))
        bad = ~out.provider.isin(allowed)
        if bad.any():
            _fail(raw, where, bad, "provider", "is not a known provider", ", ".join(allowed))
    _months(raw, where)
    _non_negative(out, raw, where, [f for f in ("executed_hours", "ordered_hours") if f in out.columns], "hours >= 0")
    _one_row_per_person_month(out, where)
    if periods is not None:
        absent = sorted(set(periods) - set(out.period))
        if absent:
            raise ExtractError(
                f"{where}: no rows for month(s) {', '.join(absent)}; the extract must cover {periods[0]} to {periods[-1]}"
            )
    out["synthetic"] = False
    return out


# --- home-care individuals for the fee question -------------------------------------------------

FEE_COLUMNS = {
    "person_id": "text",
    "period": "month as YYYY-MM",
    "executed_hours": "hours/month, >= 0",
    "alarm": "1 if the person has a safety alarm that month, else 0",
}
FEE_HEADROOM = {"fee_headroom": "kr/month, >= 0"}
FEE_INCOME = {"income_after_tax": "kr/month, >= 0", "housing_supplement": "kr/month, >= 0", "housing_cost": "kr/month, >= 0"}


def lognormal_for(share_above: float, threshold: float, mean: float) -> tuple[float, float]:
    """Median and log-spread of a lognormal with a given mean and share above a threshold."""
    from scipy.stats import norm

    if not 0 < share_above < 1 or threshold <= 0 or mean <= 0:
        raise ValueError("share_above must be in (0, 1), threshold and mean positive")
    z = norm.ppf(1 - share_above)
    gap = np.log(mean) - np.log(threshold)
    disc = z * z + 2 * gap
    if disc < 0:
        raise ValueError(f"no lognormal has mean {mean} with {share_above:.0%} above {threshold}")
    sigma = z + np.sqrt(disc)
    if sigma <= 0:
        raise ValueError(f"no lognormal has mean {mean} with {share_above:.0%} above {threshold}")
    return float(np.exp(np.log(mean) - sigma**2 / 2)), float(sigma)


def synthetic_fee_population(
    individuals: int,
    hours_per_year: float,
    share_above_cap_hours: float,
    cap_hours: float,
    sigma_month: float,
    income_median: float,
    income_sigma: float,
    housing_median: float,
    housing_sigma: float,
    supplement_income_limit: float,
    supplement_share: float,
    minimum_allowance: float,
    alarm_share: float,
    seed: int,
    year: int = 2018,
    months: int = 12,
) -> pd.DataFrame:
    """SYNTHETIC person-months of home care calibrated to the Örebro aggregates.

    Each person's average monthly hours come from a lognormal chosen so that the mean is
    hours_per_year / individuals / months and share_above_cap_hours of persons are above cap_hours;
    persons are placed at evenly spaced quantiles (then shuffled) so the share is met closely, and all
    hours are scaled so the year's total is exact. Months vary around the person's average (sigma_month).
    Income after tax and housing cost are lognormal; persons under supplement_income_limit get a housing
    supplement of supplement_share x housing cost. Fee headroom follows the national rule."""
    from scipy.stats import norm

    from carepay.fees import fee_headroom

    rng = np.random.default_rng(seed)
    mean = hours_per_year / individuals / months
    median, sigma = lognormal_for(share_above_cap_hours, cap_hours, mean)
    q = (np.arange(individuals) + 0.5) / individuals
    person_mean = rng.permutation(median * np.exp(sigma * norm.ppf(q)))
    noise = np.exp(rng.normal(0, sigma_month, (individuals, months)))
    noise /= noise.mean(axis=1, keepdims=True)
    hours = person_mean[:, None] * noise
    hours *= hours_per_year / hours.sum()
    income = income_median * np.exp(rng.normal(0, income_sigma, individuals))
    housing = housing_median * np.exp(rng.normal(0, housing_sigma, individuals))
    supplement = np.where(income < supplement_income_limit, supplement_share * housing, 0.0)
    alarm = rng.random(individuals) < alarm_share
    rep = lambda a: np.repeat(a, months)  # noqa: E731
    df = pd.DataFrame(
        {
            "person_id": rep(np.arange(individuals)),
            "period": np.tile([f"{year}-{m:02d}" for m in range(1, months + 1)], individuals),
            "executed_hours": hours.ravel(),
            "alarm": rep(alarm),
            "income_after_tax": rep(income),
            "housing_supplement": rep(supplement),
            "housing_cost": rep(housing),
            "minimum_allowance": minimum_allowance,
        }
    )
    df["fee_headroom"] = fee_headroom(df.income_after_tax, df.housing_supplement, df.minimum_allowance, df.housing_cost)
    df["synthetic"] = True
    return df


def fee_calibration_report(
    df: pd.DataFrame, individuals: int, hours_per_year: float, above_cap: int, cap_hours: float, cap: float
) -> pd.DataFrame:
    """The synthetic fee population against the document's aggregates, and its headroom profile."""
    per_person = df.groupby("person_id").executed_hours.mean()
    room = df.groupby("person_id").fee_headroom.first()
    rows = [
        {"target": "individuals", "document": individuals, "population": df.person_id.nunique(), "unit": "persons"},
        {"target": "executed hours a year", "document": hours_per_year, "population": df.executed_hours.sum(), "unit": "hours"},
        {
            "target": f"individuals above {cap_hours:.2f} h/month (the fee cap's hours)",
            "document": above_cap,
            "population": int((per_person > cap_hours).sum()),
            "unit": "persons",
        },
        {"target": "headroom 0 (pay nothing)", "document": np.nan, "population": float((room <= 0).mean()), "unit": "share"},
        {
            "target": f"headroom 1-{cap:,.0f} kr ('de allra flesta')".replace(",", " "),
            "document": np.nan,
            "population": float(((room > 0) & (room <= cap)).mean()),
            "unit": "share",
        },
        {"target": "headroom above the cap", "document": np.nan, "population": float((room > cap).mean()), "unit": "share"},
    ]
    out = pd.DataFrame(rows)
    out["error"] = out.population - out.document
    return out


def validate_fee_extract(raw: pd.DataFrame, where: str, minimum_allowance: float) -> pd.DataFrame:
    """An analyst's person-month extract for the fee question; headroom given or computed from income parts."""
    missing = [c for c in FEE_COLUMNS if c not in raw.columns]
    has_room = all(c in raw.columns for c in FEE_HEADROOM)
    has_income = all(c in raw.columns for c in FEE_INCOME)
    schema = ", ".join(f"{k} ({v})" for k, v in FEE_COLUMNS.items())
    if missing or not (has_room or has_income):
        raise ExtractError(
            f"{where}: missing column(s) {', '.join(missing) or 'for the fee headroom'}; the schema is "
            f"{schema}, and either fee_headroom or income_after_tax, housing_supplement, housing_cost"
        )
    allowed = set(FEE_COLUMNS) | set(FEE_HEADROOM) | set(FEE_INCOME)
    unknown = [c for c in raw.columns if c not in allowed]
    if unknown:
        raise ExtractError(f"{where}: unknown column(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
    out = raw.copy()
    _non_negative(out, raw, where, ["executed_hours", *(FEE_HEADROOM if has_room else FEE_INCOME)])
    bad = ~out.alarm.astype(str).isin(["0", "1"])
    if bad.any():
        _fail(raw, where, bad, "alarm", "is not 0 or 1", "0 or 1")
    out["alarm"] = out.alarm.astype(str) == "1"
    _months(raw, where)
    _one_row_per_person_month(out, where)
    if not has_room:
        from carepay.fees import fee_headroom

        out["minimum_allowance"] = minimum_allowance
        out["fee_headroom"] = fee_headroom(out.income_after_tax, out.housing_supplement, minimum_allowance, out.housing_cost)
    out["synthetic"] = False
    return out


# --- home-care clients for the provider payment question --------------------------------------


def synthetic_home_care_clients(
    clients: int,
    executed_hours_per_year: float,
    in_house_share: float,
    ratio_in_house: float,
    ratio_external: float,
    sigma_person: float,
    sigma_month: float,
    boundaries,
    seed: int,
    year: int = 2018,
    months: int = 12,
    max_execution: float = 1.1,
) -> pd.DataFrame:
    """SYNTHETIC person-months of home care: provision (in-house or external), granted and executed hours, level.

    Granted hours a month are lognormal across clients (sigma_person); each client is in-house with
    probability in_house_share; executed = granted x the provision's execution ratio x a monthly factor
    (sigma_month, mean 1 per client), never above granted x max_execution (the temporary-extension margin),
    scaled so the year's executed hours are exact. The level is the band of granted hours (boundaries: lower
    bounds of levels 1-9)."""
    rng = np.random.default_rng(seed)
    granted = np.exp(rng.normal(0, sigma_person, clients))
    in_house = rng.random(clients) < in_house_share
    ratio = np.where(in_house, ratio_in_house, ratio_external)
    month = np.exp(rng.normal(0, sigma_month, (clients, months)))
    month /= month.mean(axis=1, keepdims=True)
    executed = granted[:, None] * np.minimum(ratio[:, None] * month, max_execution)
    scale = executed_hours_per_year / executed.sum()
    granted, executed = granted * scale, executed * scale
    bounds = np.asarray(boundaries, float)
    level = np.searchsorted(bounds, granted, side="right")  # 1..9
    rep = lambda a: np.repeat(a, months)  # noqa: E731
    return pd.DataFrame(
        {
            "person_id": rep(np.arange(clients)),
            "period": np.tile([f"{year}-{m:02d}" for m in range(1, months + 1)], clients),
            "provision": rep(np.where(in_house, "in_house", "external")),
            "granted_hours": rep(granted),
            "executed_hours": executed.ravel(),
            "level": rep(level.astype(str)),
            "synthetic": True,
        }
    )


def validate_client_extract(raw: pd.DataFrame, where: str, extension_margin: float, levels) -> pd.DataFrame:
    """An analyst's person-month extract for provider payment: person_id, period, provision, granted_hours,
    executed_hours, level. Executed hours above granted are allowed only within the temporary-extension margin."""
    need = ["person_id", "period", "provision", "granted_hours", "executed_hours", "level"]
    missing = [c for c in need if c not in raw.columns]
    if missing:
        raise ExtractError(f"{where}: missing column(s) {', '.join(missing)}; the schema is {', '.join(need)}")
    out = raw.copy()
    _non_negative(out, raw, where, ("granted_hours", "executed_hours"), "hours >= 0")
    bad = ~out.provision.isin(["in_house", "external"])
    if bad.any():
        _fail(raw, where, bad, "provision", "is not a provision", "in_house or external")
    bad = ~out.level.astype(str).isin([str(x) for x in levels])
    if bad.any():
        _fail(raw, where, bad, "level", "is not a level", ", ".join(map(str, levels)))
    over = out.executed_hours > out.granted_hours * (1 + extension_margin) + 1e-9
    if over.any():
        _fail(
            raw,
            where,
            over,
            "executed_hours",
            f"exceeds granted hours by more than the temporary-extension margin ({extension_margin:.0%})",
            f"at most granted x {1 + extension_margin:g}",
        )
    _months(raw, where)
    _one_row_per_person_month(out, where)
    out["synthetic"] = False
    return out
