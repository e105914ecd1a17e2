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

from carepay import paths, schemas
from carepay.formats import decimal, kr, percent
from carepay.i18n import N_, _
from carepay.sources import ExtractError, read_csv_text


def read_extract(path: str | Path | None) -> tuple[pd.DataFrame, str]:
    """An analyst's CSV file as text columns, and how to name it in messages (relative to the project folder)."""
    if not path:
        raise ExtractError("population: source 'extract' needs extract_file (a CSV path relative to the project folder)")
    try:
        p = paths.extract_path(str(path))
    except ValueError as err:
        raise ExtractError(str(err)) from None
    where = paths.relative(p)
    return read_csv_text(p, where, "utf-8", ExtractError), where


def _fail(raw: pd.DataFrame, where: str, mask, field: str, problem: str, allowed: str) -> None:
    """Raise for the first row where mask is true, naming file, row (as a spreadsheet shows it), field and value."""
    row = int(np.flatnonzero(np.asarray(mask))[0])
    raise ExtractError(f"{where}, row {row + 2}, field '{field}': value {raw[field].iloc[row]!r} {problem}; allowed: {allowed}")


# --- housing support person-months (capitation) -------------------------------------------------


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


#: The synthetic adjusters' groups and their shares (properties of the generator, not of Västerås's clients).
SYNTHETIC_DIAGNOSIS_GROUPS = {"psychiatric": 0.45, "neuropsychiatric": 0.25, "intellectual": 0.15, "other": 0.15}


def synthetic_adjusters(df: pd.DataFrame, score_correlation: float, seed: int) -> pd.DataFrame:
    """SYNTHETIC adjusters that a needs assessment could set without counting hours, one value per person (kept in
    every month): an assessment score 0-30 whose correlation with the person's (log) ordered hours is
    score_correlation; a living situation ('alone' more often the greater the need); and a diagnosis group drawn
    without regard to need (so it should add nothing). Drawn from their own random stream ([seed, 1]), so adding
    them leaves the person-months' hours as they were. Their fit is the generator's, not a finding."""
    if not 0 <= score_correlation <= 1:
        raise ValueError(f"score_correlation {score_correlation}: must be from 0 to 1")
    rng = np.random.default_rng([seed, 1])
    need = np.log(df.groupby("person_id", sort=True).ordered_hours.mean().clip(lower=1e-9))
    z = ((need - need.mean()) / (need.std(ddof=0) or 1.0)).to_numpy()
    n = len(z)
    noise = rng.normal(0.0, 1.0, n)
    score = np.clip(np.round(15 + 5 * (score_correlation * z + np.sqrt(1 - score_correlation**2) * noise)), 0, 30)
    alone = rng.random(n) < 1 / (1 + np.exp(-(0.5 + 0.5 * z)))
    groups = list(SYNTHETIC_DIAGNOSIS_GROUPS)
    diagnosis = rng.choice(groups, size=n, p=list(SYNTHETIC_DIAGNOSIS_GROUPS.values()))
    person = pd.DataFrame(
        {
            "assessment_score": score,
            "living_situation": np.where(alone, "alone", "with_others"),
            "diagnosis_group": diagnosis,
        },
        index=need.index,
    )
    return df.join(person, on="person_id")


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
            "target": N_("persons per provider and month"),
            "cells": len(want),
            "largest_error": float((got.persons.reindex(want.index) - want.persons).abs().max()),
            "unit": "persons",
        },
        {
            "target": N_("executed hours per provider and month"),
            "cells": len(want),
            "largest_error": float((got.executed_hours.reindex(want.index) - want.executed_hours).abs().max()),
            "unit": "hours",
        },
        {
            "target": N_("execution ratio per provider"),
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
    """Check an extract against its schema (carepay/schemas/housing_support_person_months.json), the providers
    known and the months that must all be there; raise ExtractError naming file, row, field, value and what is
    allowed."""
    enums = {"provider": list(providers)} if providers is not None else None
    out = schemas.validate(raw, "housing_support_person_months", where, enums)
    if periods is not None:
        absent = sorted(set(periods) - set(out.period))
        if absent:
            raise ExtractError(
                f"{where}: no rows for month(s) {', '.join(absent)}; the extract must cover {periods[0]} to {periods[-1]}"
            )
        extra = sorted(set(out.period) - set(periods))
        if extra:
            raise ExtractError(
                f"{where}: rows for month(s) {', '.join(extra[:6])} outside {periods[0]} to {periods[-1]}; allowed: "
                "those months only"
            )
    out["synthetic"] = False
    return out


def whole_year(out: pd.DataFrame, where: str, year: int | None = None) -> None:
    """An extract of person-months covers the twelve months of one year (the scenario's, where it has one)."""
    periods = set(pd.unique(out.period))  # a few distinct months, however many rows
    years = sorted({str(p)[:4] for p in periods})
    if year is not None and years != [str(year)]:
        raise ExtractError(f"{where}: months of {', '.join(years)}; allowed: the twelve months of {year}, the scenario's year")
    if len(years) != 1:
        raise ExtractError(f"{where}: months of {', '.join(years)}; allowed: the twelve months of one year")
    absent = sorted({f"{years[0]}-{m:02d}" for m in range(1, 13)} - periods)
    if absent:
        raise ExtractError(f"{where}: no rows for month(s) {', '.join(absent)}; allowed: all twelve months of {years[0]}")


# --- home-care individuals for the fee question -------------------------------------------------


def lognormal_for(share_above: float, threshold: float, mean: float) -> tuple[float, float]:
    """Median and log-spread of a lognormal with a given mean and share above a threshold."""
    from scipy.stats import norm

    if not 0 < share_above < 1 or threshold <= 0 or mean <= 0:
        raise ValueError("share_above must be in (0, 1), threshold and mean positive")
    z = norm.ppf(1 - share_above)
    gap = np.log(mean) - np.log(threshold)
    disc = z * z + 2 * gap
    if disc < 0:
        raise ValueError(f"no lognormal has mean {decimal(mean, 2)} with {percent(share_above, 0)} above {decimal(threshold, 2)}")
    sigma = z + np.sqrt(disc)
    if sigma <= 0:
        raise ValueError(f"no lognormal has mean {decimal(mean, 2)} with {percent(share_above, 0)} above {decimal(threshold, 2)}")
    return float(np.exp(np.log(mean) - sigma**2 / 2)), float(sigma)


def _text(codes: np.ndarray, names: list[str]) -> pd.Series:
    """A text column from integer codes into a few names: each name made once, not once per row."""
    return pd.Series(pd.Categorical.from_codes(codes, names)).astype(str)


def _months(year: int, months: int, persons: int) -> pd.Categorical:
    """'YYYY-MM' for each person's months in order: a categorical column (twelve strings, one code per row)."""
    return pd.Categorical.from_codes(np.tile(np.arange(months), persons), [f"{year}-{m:02d}" for m in range(1, months + 1)])


def _within(hours: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """Person x month hours with no month above the person's limit, each person's total kept: the excess of the
    months above it spread over the others in proportion (repeated until none is above; a limit below the average
    cannot be met and leaves the months at the average)."""
    h = hours.copy()
    lim = np.maximum(limit, h.mean(axis=1))[:, None]
    for _round in range(50):
        over = np.maximum(h - lim, 0.0)
        if not over.any():
            break
        h -= over
        under = np.where(h < lim, h, 0.0)
        h += under * (over.sum(axis=1, keepdims=True) / np.maximum(under.sum(axis=1, keepdims=True), 1e-300))
    return h


def synthetic_home_care(
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
    alarm_share: float,
    seed: int,
    in_house_share: float = 0.75,
    execution_in_house: float = 0.56,
    execution_external: float = 0.76,
    max_execution: float = 1.1,
    couple_share: float = 0.0,
    young_share: float = 0.0,
    aged_75_plus_share: float = 0.0,
    alarm_only: int = 0,
    max_hours: float = np.inf,
    year: int = 2018,
    months: int = 12,
) -> pd.DataFrame:
    """SYNTHETIC person-months of Örebro home care: executed and granted hours, provision, income, housing, household
    and age; the one population both the fee and the provider payment act on.

    Each person's average monthly executed hours come from a lognormal chosen so that the mean is
    hours_per_year / individuals / months and share_above_cap_hours of persons are above cap_hours; persons are
    placed at evenly spaced quantiles (then shuffled) so the share is met closely, no one's average above max_hours
    (a lognormal's tail has persons above the hours a month has), and all hours are scaled so the year's total is
    exact. Months vary around the person's average (sigma_month). Income after tax and housing cost
    are lognormal; persons under supplement_income_limit get a housing supplement of supplement_share x housing
    cost. A person is in-house with probability in_house_share (share of clients); granted hours a month are the
    person's average executed hours over the provision's execution ratio, and a month above granted x
    max_execution (the temporary-extension margin) gives its excess to the person's other months. Households are couples with probability
    couple_share; ages are under 65 with probability young_share, 75 or over with aged_75_plus_share, else 65-74.
    alarm_only persons with a safety alarm and no hours are added after the others (level 0 of the proposed fee).
    The draws of hours, incomes, housing and alarms come first and in the same order whatever the other options, so
    the fee's population does not move when they change."""
    from scipy.stats import norm

    rng = np.random.default_rng(seed)
    mean = hours_per_year / individuals / months
    median, sigma = lognormal_for(share_above_cap_hours, cap_hours, mean)
    q = (np.arange(individuals) + 0.5) / individuals
    person_mean = rng.permutation(median * np.exp(sigma * norm.ppf(q)))
    total = mean * individuals
    for _round in range(50):  # no one above max_hours on average; the hours cut go to the others above the cap's hours
        person_mean = np.minimum(person_mean, max_hours)
        room = (person_mean > cap_hours) & (person_mean < max_hours)
        short = total - person_mean.sum()
        if short <= 1e-9 * total or not room.any():
            break
        person_mean[room] *= 1 + short / person_mean[room].sum()
    noise = np.exp(rng.normal(0, sigma_month, (individuals, months)))
    noise /= noise.mean(axis=1, keepdims=True)
    hours = person_mean[:, None] * noise
    hours *= hours_per_year / hours.sum()
    person_mean = hours.mean(axis=1)
    income = income_median * np.exp(rng.normal(0, income_sigma, individuals))
    housing = housing_median * np.exp(rng.normal(0, housing_sigma, individuals))
    supplement = np.where(income < supplement_income_limit, supplement_share * housing, 0.0)
    alarm = rng.random(individuals) < alarm_share
    in_house = rng.random(individuals) < in_house_share
    ratio = np.where(in_house, execution_in_house, execution_external)
    granted = person_mean / ratio
    hours = _within(hours, granted * max_execution)
    couple = rng.random(individuals) < couple_share
    u = rng.random(individuals)
    age = np.where(
        u < young_share,
        rng.integers(40, 65, individuals),
        np.where(u >= 1 - aged_75_plus_share, rng.integers(75, 100, individuals), rng.integers(65, 75, individuals)),
    )
    if alarm_only:
        extra = alarm_only
        hours = np.vstack([hours, np.zeros((extra, months))])
        income = np.concatenate([income, income_median * np.exp(rng.normal(0, income_sigma, extra))])
        housing = np.concatenate([housing, housing_median * np.exp(rng.normal(0, housing_sigma, extra))])
        supplement = np.concatenate(
            [supplement, np.where(income[-extra:] < supplement_income_limit, supplement_share * housing[-extra:], 0.0)]
        )
        alarm = np.concatenate([alarm, np.ones(extra, bool)])
        in_house = np.concatenate([in_house, np.zeros(extra, bool)])
        granted = np.concatenate([granted, np.zeros(extra)])
        couple = np.concatenate([couple, rng.random(extra) < couple_share])
        age = np.concatenate([age, rng.integers(75, 100, extra)])
    persons = len(granted)
    rep = lambda a: np.repeat(a, months)  # noqa: E731
    return pd.DataFrame(
        {
            "person_id": rep(np.arange(persons)),
            "period": _months(year, months, persons),
            "executed_hours": hours.ravel(),
            "granted_hours": rep(granted),
            "provision": _text(rep(in_house.astype(np.int8)), ["external", "in_house"]),
            "alarm": rep(alarm),
            "income_after_tax": rep(income),
            "housing_supplement": rep(supplement),
            "housing_cost": rep(housing),
            "household": _text(rep(couple.astype(np.int8)), ["single", "couple"]),
            "age": rep(age.astype(np.int64)),
            "synthetic": True,
        }
    )


def fee_calibration_report(
    df: pd.DataFrame,
    individuals: int,
    hours_per_year: float,
    above_cap: int,
    cap_hours: float,
    cap: float,
    execution: dict[str, float] | None = None,
) -> pd.DataFrame:
    """The synthetic home-care population against the document's aggregates (persons with hours, hours, persons above
    the cap's hours, and where given the execution ratios {'all', 'in_house', 'external'}), with its headroom
    profile and who it holds (alarm only, couples, aged 75 and over)."""
    per_person = df.groupby("person_id").executed_hours.mean()
    room = df.groupby("person_id").fee_headroom.first()
    with_hours = per_person > 0
    rows = [
        {"target": N_("individuals with hours"), "document": individuals, "population": int(with_hours.sum()), "unit": "persons"},
        {
            "target": N_("executed hours a year"),
            "document": hours_per_year,
            "population": df.executed_hours.sum(),
            "unit": "hours",
        },
        {
            "target": _("individuals above {cap_hours} h/month (the fee cap's hours)", cap_hours=decimal(cap_hours, 2)),
            "document": above_cap,
            "population": int((per_person > cap_hours).sum()),
            "unit": "persons",
        },
    ]
    if execution and "granted_hours" in df.columns:
        for key, label in (("all", "all"), ("in_house", "in-house"), ("external", "external")):
            part = df if key == "all" else df[df.provision == key]
            rows.append(
                {
                    "target": _("execution ratio, {label} (executed / granted)", label=label),
                    "document": execution[key],
                    "population": float(part.executed_hours.sum() / part.granted_hours.sum()),
                    "unit": "share",
                }
            )
    rows += [
        {"target": N_("headroom 0 (pay nothing)"), "document": np.nan, "population": float((room <= 0).mean()), "unit": "share"},
        {
            "target": _("headroom 1–{cap} ('de allra flesta')", cap=kr(cap)),
            "document": np.nan,
            "population": float(((room > 0) & (room <= cap)).mean()),
            "unit": "share",
        },
        {"target": N_("headroom above the cap"), "document": np.nan, "population": float((room > cap).mean()), "unit": "share"},
    ]
    first = df.groupby("person_id").first()
    rows.append(
        {"target": N_("alarm only (no hours)"), "document": np.nan, "population": int((~with_hours).sum()), "unit": "persons"}
    )
    if "household" in first.columns:
        rows.append(
            {"target": "couples", "document": np.nan, "population": float((first.household == "couple").mean()), "unit": "share"}
        )
    if "age" in first.columns:
        rows.append(
            {"target": N_("aged 75 and over"), "document": np.nan, "population": float((first.age >= 75).mean()), "unit": "share"}
        )
    out = pd.DataFrame(rows)
    out["error"] = out.population - out.document
    return out


MONTHS = {f"{m:02d}" for m in range(1, 13)}


def is_month(text: object) -> bool:
    """YYYY-MM with a month 01-12."""
    return isinstance(text, str) and len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:] in MONTHS


def validate_home_care_extract(
    raw: pd.DataFrame, where: str, question: str, year: int | None = None, extension_margin: float | None = None
) -> pd.DataFrame:
    """An analyst's Örebro home-care person-months (carepay/schemas/home_care_person_months.json), with the columns
    `question` needs (fee_incentives: the headroom or its parts; provider_payment: granted hours and provision), for
    the twelve months of one year (the scenario's where given). Left-out alarm is 0 and household single. Executed
    hours above granted are allowed only within extension_margin (share 0-1), where given."""
    out = schemas.validate(raw, "home_care_person_months", where, question=question)
    whole_year(out, where, year)
    out["alarm"] = (out.alarm == 1) if "alarm" in out.columns else False
    if "household" not in out.columns:
        out["household"] = "single"
    if extension_margin is not None and "granted_hours" in out.columns:
        over = out.executed_hours > out.granted_hours * (1 + extension_margin) + 1e-9
        if over.any():
            _fail(
                raw,
                where,
                over,
                "executed_hours",
                _(
                    "exceeds granted hours by more than the temporary-extension margin ({extension_margin})",
                    extension_margin=percent(extension_margin, 0),
                ),
                _("at most granted x {text:g}", text=1 + extension_margin),
            )
    out["synthetic"] = False
    return out
