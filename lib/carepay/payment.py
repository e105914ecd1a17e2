"""Provider payment bases and the incentives they set.

A payment basis turns what a provider does into kronor: per executed hour, per granted
(ordered) hour, per person and month (capitation), or per level and month. Each function
takes arrays or Series of the same length (one element per person-month) and returns the
payment in kronor; the marginal-revenue functions say what one more hour or one more
client brings under each basis.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BASES = ("executed_hours", "granted_hours", "capitation", "level_month")


def per_executed_hour(executed_hours, hourly_rate: float):
    """Payment for executed (delivered, reported) time: hours x kr/hour."""
    return np.asarray(executed_hours, dtype=float) * hourly_rate


def per_granted_hour(granted_hours, hourly_rate: float):
    """Payment for granted or ordered time, whether delivered or not: hours x kr/hour."""
    return np.asarray(granted_hours, dtype=float) * hourly_rate


def per_person_month(person_months, rate: float):
    """Capitation: a fixed amount per person and month (kr/person-month)."""
    return np.asarray(person_months, dtype=float) * rate


def per_level_month(levels, amounts: pd.Series):
    """Level-based payment: the monthly amount of each person's level (kr/month by level)."""
    levels = pd.Series(levels)
    missing = ~levels.isin(amounts.index)
    if missing.any():
        raise ValueError(f"no monthly amount for level {levels[missing].iloc[0]!r}; levels with amounts: "
                         f"{', '.join(map(str, amounts.index))}")
    return levels.map(amounts).to_numpy(dtype=float)


def marginal_revenue(basis: str, hourly_rate: float = 0.0, rate_per_month: float = 0.0) -> dict[str, float]:
    """What one more executed hour, and one more client-month, bring the provider (kr)."""
    table = {
        "executed_hours": {"one_more_executed_hour": hourly_rate, "one_more_client_month": np.nan},
        "granted_hours": {"one_more_executed_hour": 0.0, "one_more_client_month": np.nan},
        "capitation": {"one_more_executed_hour": 0.0, "one_more_client_month": rate_per_month},
        "level_month": {"one_more_executed_hour": 0.0, "one_more_client_month": rate_per_month},
    }
    if basis not in table:
        raise ValueError(f"unknown payment basis {basis!r}; allowed: {', '.join(BASES)}")
    return table[basis]


def margin_when_support_ends(revenue_per_month, hours_per_month, cost_per_hour: float):
    """Provider's monthly result from a client: revenue - hours x cost. Ending the support loses it.

    Positive: the provider loses this much a month when the client's support ends (an incentive to keep it);
    negative: the provider gains by ending it."""
    return np.asarray(revenue_per_month, dtype=float) - np.asarray(hours_per_month, dtype=float) * cost_per_hour
