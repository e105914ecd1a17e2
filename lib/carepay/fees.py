"""User fees for home care: the hourly fee with its cap, fee headroom, and level-based fee schedules.

Units: kr/month for fees, headroom and incomes; hours/month for executed hours; shares 0-1.
Every rule is a small function on numpy arrays (one element per person-month) so that it
runs on a million person-months at once; each cites where the rule comes from.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from carepay.sources import DataPackage


def monthly_amount(coefficient: float, price_base_amount: float) -> float:
    """coefficient x price base amount / 12, to the nearest krona (SoL 8 kap. 5 and 7 §§)."""
    return float(np.floor(coefficient * price_base_amount / 12 + 0.5))


def rules_by_month(pkg: DataPackage, periods: Iterable[str]) -> pd.DataFrame:
    """For each month (YYYY-MM): its year's price base amount and every rule in kr/month, each with the
    coefficient in force on the month's first day (data/national_fee_rules; SoL 8 kap. 5 and 7 §§). A year that
    straddles a change (the fee cap on 1 July 2016, the minimum allowance on 1 August 2022) gets both amounts."""
    pba = pkg.table("price_base_amounts").set_index("year").price_base_amount
    rules = pkg.table("fee_rules").sort_values("valid_from")
    rows = []
    for period in sorted(set(periods)):
        year = int(period[:4])
        if year not in pba.index:
            raise ValueError(
                f"no price base amount for {year} in data/national_fee_rules/price_base_amounts.csv; "
                f"years: {pba.index.min()}-{pba.index.max()}"
            )
        row: dict[str, Any] = {"period": period, "price_base_amount": float(pba[year])}
        for rule, part in rules.groupby("rule"):
            valid = part[part.valid_from <= f"{period}-01"]
            if valid.empty:
                raise ValueError(f"no {rule} coefficient in force in {period} (data/national_fee_rules/fee_rules.csv)")
            row[f"{rule}_coefficient"] = float(valid.coefficient.iloc[-1])
            row[rule] = monthly_amount(row[f"{rule}_coefficient"], float(pba[year]))
        rows.append(row)
    if not rows:
        columns = ["price_base_amount", *sorted({f"{r}{k}" for r in set(rules.rule) for k in ("", "_coefficient")})]
        return pd.DataFrame(index=pd.Index([], name="period"), columns=columns, dtype=float)
    return pd.DataFrame(rows).set_index("period")


def rules_for_year(pkg: DataPackage, year: int) -> dict[str, float]:
    """The fee cap and minimum allowances (kr/month) in force in December of a year, with the year's price base
    amount: the headline amounts. Months before a change within the year differ: see rules_by_month."""
    december = rules_by_month(pkg, [f"{year}-12"]).iloc[0]
    out: dict[str, float] = {"year": year, "price_base_amount": float(december.price_base_amount)}
    for rule in sorted(set(pkg.table("fee_rules").rule)):
        out[rule] = float(december[rule])
        out[f"{rule}_coefficient"] = float(december[f"{rule}_coefficient"])
    return out


def minimum_allowance(single, spouse, household, age=None, young_raise: float = 0.0, young_below: int = 65):
    """The minimum allowance (minimibelopp) of each person-month, kr/month: the single amount, or for spouses and
    partners living together each one's spouse amount (SoL 8 kap. 7 §; data/national_fee_rules), raised by
    young_raise (share 0-1) for persons under young_below years where the age is known. The 10 % many
    municipalities add for the younger is their choice the law allows (SoL 8 kap. 7 § second paragraph: a higher
    amount where a person has needs the standard amount does not cover), not a national rule: 0 unless a scenario
    sets it."""
    amount = np.where(np.asarray(household) == "couple", np.asarray(spouse, float), np.asarray(single, float))
    if young_raise and age is not None:
        amount = np.where(np.asarray(age) < young_below, amount * (1 + young_raise), amount)
    return amount


def free_hours_charged(hours, age, free_hours: float, from_age: int = 75):
    """Executed hours that carry a fee today, hours/month: Örebro gives persons aged 75 and over up to eight service
    hours a month without a needs assessment, within the fee cap ('8 fria timmar för 75 år och äldre', Örebro 5.1.1;
    'Gratis insteg i hemvården via fria 8 timmar'); those hours are free. free_hours is the scenario's (8 in Örebro,
    0 to leave them out as the report's fee model does); the person's hours less them, never below 0."""
    h = np.asarray(hours, float)
    if not free_hours:
        return h
    free = np.where(np.asarray(age) >= from_age, float(free_hours), 0.0)
    return np.maximum(h - free, 0.0)


def fee_headroom(income_after_tax, housing_supplement, minimum_allowance, housing_cost):
    """Fee headroom (avgiftsutrymme), kr/month: income after tax + housing supplement - minimum allowance
    - housing cost, never below 0 (Örebro 7.4.1, 'Så här beräknas avgiftsutrymmet')."""
    room = (
        np.asarray(income_after_tax, float)
        + np.asarray(housing_supplement, float)
        - np.asarray(minimum_allowance, float)
        - np.asarray(housing_cost, float)
    )
    return np.maximum(room, 0.0)


def hourly_fee(hours, headroom, hourly_rate: float, cap: ArrayLike, other_fees=0.0):
    """Today's fee, kr/month: hourly rate x executed hours plus other parts (safety alarm ...),
    limited by the fee cap and by the individual's fee headroom (Örebro 5.3.2, 7.4.1)."""
    gross = np.asarray(hours, float) * hourly_rate
    gross += np.asarray(other_fees, float)
    return np.minimum(gross, np.minimum(cap, np.asarray(headroom, float)), out=gross if gross.ndim else None)


def fee_levels(hours, alarm, thresholds: ArrayLike) -> np.ndarray:
    """Fee level of each person-month under the proposal: 0 = safety alarm only, 1..9, and 10 for level X.

    thresholds: the 9 boundaries in hours/month between levels 1|2, ..., 8|9, 9|X (Örebro 7.4.1 prints
    only the first, 4, and the last, 130). A person-month with no hours and no alarm pays nothing (level -1)."""
    h = np.asarray(hours, float)
    if h.ndim == 0:  # one person-month
        return fee_levels(h[None], np.atleast_1d(alarm), thresholds)[0]
    t = np.asarray(thresholds, float)
    if len(t) <= 16:  # thresholds passed, one comparison each: several times faster than a binary search per value
        passed = (h >= t[0]).view(np.int8).copy()
        for step in t[1:]:
            passed += (h >= step).view(np.int8)
        level = passed.astype(np.intp)
    else:
        level = np.searchsorted(t, h, side="right")
    level += 1  # in place from here: h < 4 -> 1, 4 <= h < t2 -> 2, ...
    np.minimum(level, 9, out=level)  # ... up to 130 hours, 130 included -> 9
    level[h > t[-1]] = 10  # above 130 -> level X
    off = h <= 0
    if off.any():
        level = np.where(off, np.where(np.asarray(alarm, bool), 0, -1), level)
    return level


def level_fee(levels, headroom, shares: ArrayLike, cap: ArrayLike):
    """Fee under the proposal, kr/month: the level's share of the headroom, the headroom counted up to the cap
    (Örebro 7.4.1: the fee in kr is the share of 2 044 kr for those whose headroom is at least the cap)."""
    by_level = np.asarray(shares, float)
    lv = np.asarray(levels)
    share = by_level.take(np.clip(lv, 0, len(by_level) - 1))
    share[lv < 0] = 0.0
    share *= np.minimum(np.asarray(headroom, float), cap)
    return share


def marginal_price_today(hours, headroom, hourly_rate: float, cap: ArrayLike, other_fees=0.0):
    """What one more hour costs the individual today, kr/hour: the hourly rate until the fee reaches the cap
    or the headroom, then nothing (the fee for the next whole hour, as the individual meets it)."""
    now = hourly_fee(hours, headroom, hourly_rate, cap, other_fees)
    more = hourly_fee(np.asarray(hours, float) + 1, headroom, hourly_rate, cap, other_fees)
    return more - now


def band_price(hours, alarm, headroom, thresholds: ArrayLike, shares: ArrayLike, cap: ArrayLike):
    """What an hour costs the individual under the proposal, kr/hour: the step to the next level spread over
    the hours of the current level's band (zero in the top level). A smooth measure of the proposal's
    marginal price; the fee itself moves in steps at the thresholds."""
    h = np.asarray(hours, float)
    t = np.asarray(thresholds, float)
    lv = fee_levels(h, alarm, t)
    by_level = np.asarray(shares, float)
    base = np.minimum(np.asarray(headroom, float), cap)
    lower = np.concatenate([[0.0], t])  # band of level k (1..9) is [lower[k-1], lower[k])
    upper = np.concatenate([t, [np.inf]])
    k = np.clip(lv, 1, 10) - 1
    width = upper[k] - lower[k]
    step = by_level[np.clip(lv + 1, 0, len(by_level) - 1)] - by_level[np.clip(lv, 0, len(by_level) - 1)]
    price = np.where((lv >= 1) & (lv <= 9) & np.isfinite(width), step * base / np.where(width > 0, width, 1.0), 0.0)
    return price


def notches(hours, alarm, headroom, thresholds: ArrayLike, shares: ArrayLike, cap: ArrayLike, band: float) -> pd.DataFrame:
    """The proposal's notches: at each threshold the fee jumps (from one level's share of the headroom to the
    next's), so a person-month just above a threshold pays the jump for the last few hours. Per threshold (hours a
    month): the person-months within `band` hours above it, the mean jump they face (kr/month), and what the fee
    revenue would lose if they all bunched just below it (kr, summed over the person-months given), as bunching
    at notches is measured (Kleven 2016, 'Bunching', Annual Review of Economics)."""
    h = np.asarray(hours, float)
    if band <= 0:
        raise ValueError(f"band {band}: hours above a threshold, more than 0")
    t = np.asarray(thresholds, float)
    level = fee_levels(h, alarm, t)
    fee = level_fee(level, headroom, shares, cap)
    rows = []
    for k, step in enumerate(t):
        # level k+2 starts at the threshold (the top one: above it); below it, level k+1
        above = (h >= step) & (h < step + band) if k < len(t) - 1 else (h > step) & (h <= step + band)
        caps = np.asarray(cap, float)[above] if np.ndim(cap) else cap
        below = level_fee(np.full(int(above.sum()), k + 1), np.asarray(headroom, float)[above], shares, caps)
        jump = fee[above] - below
        rows.append(
            {
                "threshold": float(step),
                "person_months_within_band": int(above.sum()),
                "mean_jump": float(jump.mean()) if above.any() else 0.0,
                "revenue_if_bunched": float(-jump.sum()),
            }
        )
    return pd.DataFrame(rows)
