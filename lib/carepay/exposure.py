"""Who bears a change in level amounts, and what protecting them costs: residents allocated to district boards and
providers (an analyst's extract, or a SYNTHETIC allocation when there is none), the change each bears, and the
transition rules a city may set (a cap on any unit's yearly loss, a phase-in of losses).

Units: kr/year for amounts and changes, shares 0-1. The synthetic allocation is seeded and labelled wherever it
appears; its assumptions (how many boards and providers, how unevenly the levels are spread, the mix of
provision types) are a scenario's parameters, not findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

#: Provision types and the daily-rate channel each is paid in (Stockholm 2023, Table 1 and 2).
PROVISION_CHANNELS = {
    "municipal": "daily_rate_municipal",
    "contracted": "daily_rate_contracted",
    "private": "daily_rate_private",
}


def _level_rank(flows: pd.DataFrame) -> np.ndarray:
    """Each flow row's old level as a standardised rank within its housing form (mean 0, sd 1 over the levels)."""
    z = np.zeros(len(flows))
    codes, _forms = pd.factorize(flows.housing_form, sort=False)
    levels = flows.old_level.to_numpy()
    for i in range(codes.max() + 1 if len(codes) else 0):
        rows = codes == i
        _unique, rank = np.unique(levels[rows], return_inverse=True)
        rank = rank.astype(float)
        k = len(_unique)
        sd = np.sqrt((k * k - 1) / 12)  # of the ranks 0..k-1
        z[rows] = (rank - (k - 1) / 2) / (sd or 1.0)
    return z


def allocate(flows: pd.DataFrame, units: int, unevenness: float, seed: int, prefix: str) -> pd.DataFrame:
    """SYNTHETIC: the flows' persons (housing_form, old_level, new_level, persons) shared among `units` district
    boards or providers. Each unit has a tilt drawn from a standard normal (seeded); a unit's share of an old level's
    persons is proportional to exp(unevenness x tilt x the level's standardised rank), so at unevenness 0 every unit
    has the same mix (and the same change as a share) and the larger it is, the more some units hold the high
    levels and others the low. Expected persons, not a draw of persons: the totals are the flows' exactly.
    One row per unit and flow: the flow's columns, `unit`, persons."""
    if units < 1:
        raise ValueError(f"units {units}: at least one district board or provider")
    if unevenness < 0:
        raise ValueError(f"unevenness {unevenness}: 0 (every unit the same mix) or more")
    rng = np.random.default_rng(seed)
    tilt = rng.normal(0.0, 1.0, units)
    z = _level_rank(flows.reset_index(drop=True))
    weight = np.exp(unevenness * np.outer(z, tilt))  # flows x units
    share = weight / weight.sum(axis=1, keepdims=True)
    f = flows.reset_index(drop=True)
    out = f.loc[np.repeat(np.arange(len(f)), units)].reset_index(drop=True)
    out["unit"] = np.tile([f"{prefix}{i + 1:02d}" for i in range(units)], len(f))
    out["persons"] = (f.persons.to_numpy()[:, None] * share).ravel()
    return out


def provision_of(providers: pd.Index | list[str], mix: Mapping[Any, float], seed: int) -> pd.Series:
    """SYNTHETIC: each provider's provision type, drawn with the mix's shares (seeded; the shares are normalised)."""
    kinds = [k for k in PROVISION_CHANNELS if mix.get(k, 0) > 0]
    p = np.array([mix[k] for k in kinds], float)
    rng = np.random.default_rng([seed, 2])
    return pd.Series(rng.choice(kinds, size=len(providers), p=p / p.sum()), index=list(providers), name="provision")


def unit_changes(allocated: pd.DataFrame, by: str, before: np.ndarray, after: np.ndarray) -> pd.DataFrame:
    """Per unit (district board, provider): persons, budget before and after (kr/year), change and its share.
    before / after: each row's amount per person (kr/year)."""
    w = allocated.persons.to_numpy(float)
    codes, units = pd.factorize(allocated[by], sort=True)
    out = pd.DataFrame(
        {
            by: np.asarray(units),
            "persons": np.bincount(codes, weights=w, minlength=len(units)),
            "before": np.bincount(codes, weights=w * before, minlength=len(units)),
            "after": np.bincount(codes, weights=w * after, minlength=len(units)),
        }
    )
    out["change"] = out.after - out.before
    out["change_share"] = out.change / out.before
    return out


def exposure_range(changes: list[pd.DataFrame]) -> pd.Series:
    """Over several synthetic allocations: the worst unit's change share in each (0-1), and its smallest, median
    and largest value, so a reader sees how much the worst exposure rests on the draw."""
    worst = np.array([float(c.change_share.min()) for c in changes])
    return pd.Series(
        {"draws": len(worst), "worst_low": worst.min(), "worst_median": float(np.median(worst)), "worst_high": worst.max()}
    )


# --- transition rules ---------------------------------------------------------------------------


def loss_cap_cost(before, change, weight, max_loss_share: float) -> dict[str, float]:
    """A cap on any unit's yearly loss at max_loss_share of what it has today: what it costs the city a year
    (kr/year) and whom it protects. before, change: per unit (kr/year); weight: units each row stands for
    (persons for resident groups, 1 for a residence or board)."""
    b, c, w = (np.asarray(x, float) for x in (before, change, weight))
    excess = np.clip(-c - max_loss_share * b, 0, None)
    protected = excess > 0
    return {"cost": float((w * excess).sum()), "protected": float(w[protected].sum()), "losing": float(w[c < 0].sum())}


def phase_in_cost(change, weight, years: int) -> pd.DataFrame:
    """Losses phased in over a transition of `years` years: in year k (1..years) a loser bears k/(years+1) of its
    loss, the full loss after; gainers are paid the new amount at once. Per year: the share of losses borne and
    what the city pays on top (kr/year)."""
    if years < 1:
        raise ValueError(f"years {years}: a phase-in lasts at least one year")
    c, w = np.asarray(change, float), np.asarray(weight, float)
    loss = float((w * np.clip(-c, 0, None)).sum())
    rows = [{"year": k, "share_borne": k / (years + 1), "cost": loss * (1 - k / (years + 1))} for k in range(1, years + 1)]
    return pd.DataFrame(rows)
