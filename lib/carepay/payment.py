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

from carepay.i18n import N_
from carepay.sources import DataPackage

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


def orebro_hourly_costs(orebro: DataPackage) -> pd.DataFrame:
    """The two hourly costs the Örebro document implies (kr per executed hour), one row per reading: 'payment'
    (what the municipality pays providers: payment total / executed hours, 7.4.1-7.4.2) and 'break_even' (the
    report's 10 mnkr / 25 000 hours, 7.4.1, which the premiums 12 kr = 3 % also imply, 5.1.4). The document does
    not say which it means; both are recorded in data/orebro_home_care_2018/known_discrepancies.csv."""
    f = orebro.figure
    return pd.DataFrame(
        [
            {
                "reading": "payment",
                "kr_per_hour": f("payment_total") / f("executed_hours_year"),
                "how": N_("payment to providers, cirka 300 mnkr, over cirka 1 000 000 executed hours (7.4.1-7.4.2)"),
            },
            {
                "reading": "break_even",
                "kr_per_hour": f("revenue_loss") / f("break_even_hours"),
                "how": N_("the report's break-even, 10 mnkr = 25 000 hours (7.4.1); also 12 kr = 3 % (5.1.4)"),
            },
        ]
    )


def hourly_cost(orebro: DataPackage, choice: str | float) -> float:
    """The scenario's hourly cost (kr per executed hour): a reading of orebro_hourly_costs, or a number."""
    if isinstance(choice, str):
        readings = orebro_hourly_costs(orebro).set_index("reading").kr_per_hour
        return float(readings[choice])
    return float(choice)


def per_level_month(levels, amounts: pd.Series):
    """Level-based payment: the monthly amount of each person's level (kr/month by level)."""
    levels = pd.Series(levels)
    missing = ~levels.isin(amounts.index)
    if missing.any():
        raise ValueError(
            f"no monthly amount for level {levels[missing].iloc[0]!r}; levels with amounts: {', '.join(map(str, amounts.index))}"
        )
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


# --- the provider's economics ------------------------------------------------------------------


def cost_per_executed_hour(staff_cost_per_hour: float, client_time_share):
    """What an executed (client) hour costs the provider, kr/hour: staff cost per working hour divided by the
    share of working time spent with clients."""
    return staff_cost_per_hour / np.asarray(client_time_share, dtype=float)


def client_share_from_indirect(indirect: float, reading: str) -> float:
    """Share of working time at the client when a price 'includes indirect time of X %' (Leksand-Rättvik 5.2):
    'on_top' reads X as extra time per client hour (share 1 / (1 + X)); 'of_total' as a share of all working time (1 - X)."""
    if reading == "on_top":
        return 1.0 / (1.0 + indirect)
    if reading == "of_total":
        return 1.0 - indirect
    raise ValueError(f"unknown reading {reading!r}; allowed: on_top, of_total")


def implied_client_share(price_per_executed_hour: float, staff_cost_per_hour: float) -> float:
    """The share of working time at the client at which a price per executed hour just covers the staff cost."""
    return staff_cost_per_hour / price_per_executed_hour


INCENTIVES = {
    "executed_hours": (N_("+ rate"), "nothing", N_("up, to the granted ceiling: every delivered hour pays")),
    "granted_hours": (
        "nothing",
        N_("+ granted hours x rate"),
        N_("down: delivering less of what is granted costs less and pays the same"),
    ),
    "level_month": (
        "nothing",
        N_("+ the level's monthly amount"),
        N_("down within the level; none to raise the level, which the needs assessor sets"),
    ),
    "capitation": ("nothing", N_("+ the monthly amount"), N_("down, and to keep clients whose support could end")),
}


def incentive_table() -> pd.DataFrame:
    """Plain-words table: what one more executed hour and one more client bring under each basis, and the push."""
    return pd.DataFrame(
        [
            {"basis": b, "one_more_executed_hour": h, "one_more_client": c, "pushes_executed_time": w}
            for b, (h, c, w) in INCENTIVES.items()
        ]
    )


def revenue(
    frame: pd.DataFrame,
    basis: str,
    hourly_rate: float = 0.0,
    level_amounts: pd.Series | None = None,
    capitation_rate: float = 0.0,
) -> np.ndarray:
    """Payment per person-month under a basis. frame: executed_hours, granted_hours, level (one row per person-month)."""
    if basis == "executed_hours":
        return per_executed_hour(frame.executed_hours, hourly_rate)
    if basis == "granted_hours":
        return per_granted_hour(frame.granted_hours, hourly_rate)
    if basis == "level_month":
        if level_amounts is None:
            raise ValueError("level_month needs level_amounts")
        return per_level_month(frame.level, level_amounts)
    if basis == "capitation":
        return per_person_month(np.ones(len(frame)), capitation_rate)
    raise ValueError(f"unknown payment basis {basis!r}; allowed: {', '.join(BASES)}")


def guaranteed_execution(payment_amount, executed_hours, granted_hours, minimum_share: float):
    """A guaranteed minimum execution share: where executed / granted falls below the minimum, the payment is
    reduced in proportion (executed / (minimum x granted)); at or above it, paid in full."""
    executed = np.asarray(executed_hours, float)
    granted = np.asarray(granted_hours, float)
    share = np.divide(executed, granted, out=np.ones_like(executed), where=granted > 0)
    factor = np.where(share < minimum_share, share / minimum_share, 1.0)
    return np.asarray(payment_amount, float) * factor


def guaranteed_response(executed_hours, granted_hours, minimum_share: float, response: float):
    """Executed hours a month once providers respond to a guaranteed minimum execution share: a provider below the
    minimum closes the share `response` (0-1) of its gap to minimum x granted (0: none, the rule is a deduction; 1:
    every client-month reaches the minimum). Hours at or above the minimum are unchanged."""
    if not 0 <= response <= 1:
        raise ValueError(f"response {response}: a share from 0 to 1")
    executed = np.asarray(executed_hours, float)
    gap = np.maximum(minimum_share * np.asarray(granted_hours, float) - executed, 0.0)
    return executed + response * gap


def premium(base_payment, premium_share: float, goal_reached):
    """Outcome premium (effektpremie): a share of the base payment, paid where the goal is reached (kr)."""
    return np.asarray(base_payment, float) * premium_share * np.asarray(goal_reached, float)


def calibrate_level_amounts(
    granted_hours_by_level: pd.Series,
    persons_by_level: pd.Series,
    hourly_rate: float,
    execution_ratio: float,
    target_total: float,
    months: int = 12,
) -> pd.DataFrame:
    """Monthly amounts per level that keep the year's total payment at target_total.

    Each level's raw amount is what executed-time payment gives on average: hourly rate x execution ratio x the
    level's mean granted hours a month; one factor then scales all levels to the target (kr/year)."""
    raw = hourly_rate * execution_ratio * granted_hours_by_level / persons_by_level
    total = float((raw * persons_by_level).sum() * months)
    factor = target_total / total
    out = pd.DataFrame(
        {
            "persons": persons_by_level,
            "mean_granted_hours": granted_hours_by_level / persons_by_level,
            "raw_amount": raw,
            "amount": raw * factor,
        }
    )
    out.attrs["factor"] = factor
    return out


# --- what a home-care hour may cost under free choice (Leksand–Rättvik 2010, 5.2-5.5) ---------------------------
#
# The document sets 375 kr per executed hour for 2011 'including 25 % indirect time' against the in-house cost of
# 482 kr per executed hour at an 'utförandegrad' of nearly 60 %. Read as a share of staff time (time at the client
# over paid working time), 482 kr at 60 % is a staff cost of 482 x 0,6 kr an hour, and the in-house service closes
# its gap by spending more of its time at the client. Read as a share of granted time (executed over granted, as
# in Örebro and Västerås), 482 kr says nothing about staff time: delivering more of the granted time adds hours and
# their cost alike, and the gap does not close that way.


def in_house_staff_cost(own_cost_per_executed_hour: float, client_time_share: float) -> float:
    """The in-house cost of a paid working hour (kr/hour) behind a cost per executed hour at a share of working
    time spent at the client (staff-time reading)."""
    if not 0 < client_time_share <= 1:
        raise ValueError(f"client_time_share {client_time_share}: a share above 0 and at most 1")
    return own_cost_per_executed_hour * client_time_share


def price_covering(staff_cost_per_hour: float, client_time_share: float) -> float:
    """The price per executed hour that covers a staff cost at a share of working time at the client (kr/hour)."""
    return float(cost_per_executed_hour(staff_cost_per_hour, client_time_share))


def adaptation_year(
    staff_cost_per_hour: float, start_share: float, end_share: float, price: float, months: int = 12
) -> pd.DataFrame:
    """Month by month through an adaptation year (Leksand–Rättvik 5.5.1: one year from the start of free choice),
    the share of working time at the client rising in equal steps from start_share to end_share: the in-house cost
    per executed hour, the margin the price leaves (kr/hour, negative a deficit) and the result per 1 000 executed
    hours (kr/month)."""
    if months < 1:
        raise ValueError(f"months {months}: at least one")
    rows = []
    for m in range(1, months + 1):
        share = start_share + (end_share - start_share) * m / months
        cost = price_covering(staff_cost_per_hour, share)
        rows.append(
            {
                "month": m,
                "client_time_share": share,
                "cost_per_executed_hour": cost,
                "margin_per_executed_hour": price - cost,
                "result_per_1000_hours": 1000 * (price - cost),
            }
        )
    return pd.DataFrame(rows)


def indexed(amount: float, growth_per_year: float, from_year: int, to_year: int) -> float:
    """An amount carried from one price year to another at a yearly growth rate (kr)."""
    return amount * (1 + growth_per_year) ** (to_year - from_year)


def level_creep(levels, amounts: pd.Series, share: float) -> pd.DataFrame:
    """Paid per level and month, what it costs when a share of each level's person-months are assessed one level
    higher (the top level stays), and what a provider loses a year when a client drops one level (rehabilitation).
    levels: each person-month's level; amounts: kr/month by level (index as the levels, in order). Per level:
    person-months, the step up and down (kr/month), the cost of the share moving up (kr, over the person-months
    given) and a level drop's loss to a provider (kr/year)."""
    if not 0 <= share <= 1:
        raise ValueError(f"share {share}: from 0 to 1")
    a = amounts.astype(float)
    order = list(a.index)
    counts = pd.Series(np.asarray(levels)).astype(str).value_counts()
    rows = []
    for i, level in enumerate(order):
        up = float(a.iloc[i + 1] - a.iloc[i]) if i + 1 < len(order) else 0.0
        down = float(a.iloc[i] - a.iloc[i - 1]) if i > 0 else 0.0
        n = float(counts.get(str(level), 0))
        rows.append(
            {
                "level": str(level),
                "person_months": n,
                "step_up": up,
                "creep_cost": share * n * up,
                "drop_loss_per_year": 12 * down,
            }
        )
    return pd.DataFrame(rows)


def drop_against_premium(creep: pd.DataFrame, amounts: pd.Series, premium_share: float) -> pd.DataFrame:
    """Paid per level and month, a client's level drop (rehabilitation) against an outcome premium for it: per level
    (from level_creep), the provider's loss a year when a client drops to the level below, the premium a year at
    premium_share of the lower level's amount (Örebro 5.1.4: a prevention premium of 3 % of the base), and what is
    left (kr/year; negative: rehabilitation still costs the provider)."""
    a = amounts.astype(float)
    a.index = a.index.astype(str)
    below = a.shift(1)
    out = creep.loc[creep.drop_loss_per_year > 0, ["level", "drop_loss_per_year"]].reset_index(drop=True)
    out["premium_per_year"] = 12 * premium_share * out.level.astype(str).map(below).to_numpy(float)
    out["net_per_year"] = out.premium_per_year - out.drop_loss_per_year
    return out


def levels_of(granted_hours, boundaries) -> np.ndarray:
    """The support level (1-9, as text) of granted hours a month, from the lower bounds of levels 1-9 (hours/month)."""
    bounds = np.asarray(boundaries, float)
    return np.searchsorted(bounds, np.asarray(granted_hours, float), side="right").astype(str)


def level_month_payments(frame: pd.DataFrame, hourly_rate: float, target_total: float) -> tuple[np.ndarray, pd.Series]:
    """Paid per level and month with amounts calibrated to keep target_total (kr/year; calibrate_level_amounts at the
    frame's execution ratio): each person-month's payment (kr) and the amounts (kr/month by level). frame: person-
    months with level, granted_hours and executed_hours."""
    by_level = frame.groupby("level").agg(person_months=("granted_hours", "size"), granted=("granted_hours", "sum"))
    by_level.index = by_level.index.astype(str)
    ratio = float(frame.executed_hours.sum() / frame.granted_hours.sum())
    amounts = calibrate_level_amounts(by_level.granted, by_level.person_months, hourly_rate, ratio, target_total, months=1).amount
    return per_level_month(frame.level.astype(str), amounts), amounts
