"""Fee incentive effect under uncertainty: the net budget effect and the break-even hours over the scenario's draws
of the elasticity, the non-fee cost of an hour and the cost of an hour (carepay.uncertainty).

Vectorised over draws: each chunk of draws is a matrix of person-months x draws (hours after the response, their
fee level and fee), so 1 000 draws cost a few matrix passes instead of 1 000 runs of the question.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from carepay import behaviour, fees, payment, uncertainty
from carepay.fee_incentives.analysis import FeeIncentives
from carepay.fee_incentives.params import FeeIncentivesParams
from carepay.sources import DataPackage

#: Person-month x draw cells held at once (about 16 MB a matrix).
CHUNK_CELLS = 2_000_000


@dataclass
class Prepared:
    """What every draw shares: the person-months with today's and the proposal's prices (kr/hour) and fees."""

    hours: np.ndarray
    granted: np.ndarray | None  # hours/month granted, the response's cap (None: not known)
    price_today: np.ndarray
    price_proposal: np.ndarray
    alarm: np.ndarray
    headroom: np.ndarray
    cap: np.ndarray
    shares: np.ndarray
    thresholds: np.ndarray
    revenue_today: float
    revenue_change: float
    fee_unchanged: float  # the proposal's fee (kr) of the person-months whose price does not change
    changes: np.ndarray  # the person-months whose price changes (as behaviour.respond: not np.isclose)
    price_pairs: np.ndarray  # 2 x distinct (price today, price under the proposal) among them, kr/hour
    pair_of: np.ndarray  # each of them: its column in price_pairs
    params: FeeIncentivesParams
    cost_readings: dict[str, float]


def prepare(r: FeeIncentives, params: FeeIncentivesParams, pkg: DataPackage) -> Prepared:
    df = r.person_months
    from carepay.fee_incentives.analysis import response_inputs, shares_of

    shares = shares_of(params, pkg)
    cap = df.fee_cap.to_numpy(float)
    p0, p1, today = response_inputs(df, params, shares, cap)
    hours, alarm, headroom = df.executed_hours.to_numpy(float), df.alarm.to_numpy(bool), df.fee_headroom.to_numpy(float)
    same = np.isclose(p0, p1)
    pairs, pair_of = np.unique(np.stack([p0[~same], p1[~same]]), axis=1, return_inverse=True)
    thresholds = np.asarray(params.thresholds, float)
    unchanged = fees.level_fee(fees.fee_levels(hours[same], alarm[same], thresholds), headroom[same], shares, cap[same])
    from carepay.fee_incentives.analysis import granted

    return Prepared(
        hours=hours,
        granted=granted(df),
        price_today=p0,
        price_proposal=p1,
        alarm=alarm,
        headroom=headroom,
        cap=cap,
        shares=shares,
        thresholds=thresholds,
        revenue_today=today,
        revenue_change=float(df.fee_proposal.sum() - df.fee_today.sum()),
        fee_unchanged=float(unchanged.sum()),
        changes=~same,
        price_pairs=pairs,
        pair_of=pair_of.ravel(),
        params=params,
        cost_readings={k: payment.hourly_cost(pkg, k) for k in ("payment", "break_even")},
    )


def _column(draws: pd.DataFrame, name: str, central: object) -> np.ndarray:
    return draws[name].to_numpy() if name in draws else np.full(len(draws), central, dtype=object)


def headlines(prep: Prepared, draws: pd.DataFrame) -> pd.DataFrame:
    """Net budget effect (kr/year), the executed hours that would pay for the proposal (hours/year) and the net cost
    of each combination of fee and payment basis (kr/year), one row per draw; columns named by the key results' ids."""
    e = prep.params.elasticity
    elasticity = _column(draws, "elasticity.central", e.central).astype(float)
    nonfee = _column(draws, "elasticity.nonfee_cost", e.nonfee_cost).astype(float)
    cost = np.array(
        [
            prep.cost_readings[v] if isinstance(v, str) else float(v)
            for v in _column(draws, "hourly_cost", prep.params.hourly_cost)
        ]
    )
    hours_change, revenue_change = np.empty(len(draws)), np.empty(len(draws))
    order = np.lexsort((nonfee, elasticity))  # chunks of neighbouring draws: few person-months change level in one
    for part in uncertainty.chunked(len(draws), max(1, CHUNK_CELLS // max(1, len(prep.hours)))):
        rows = order[part]
        changed, revenue = _responses(prep, elasticity[rows], nonfee[rows])
        hours_change[rows], revenue_change[rows] = changed, revenue - prep.revenue_today
    net = revenue_change - hours_change * cost
    # the four combinations of fee and payment basis (analysis.combinations): per level and month the payment is
    # today's whatever the hours
    paid_today = prep.hours.sum() * cost
    return pd.DataFrame(
        {
            "net_budget_effect": net,
            "break_even_hours": -prep.revenue_change / cost,
            "net_cost_fee_today_paid_executed_hours": paid_today - prep.revenue_today,
            "net_cost_fee_today_paid_level_month": paid_today - prep.revenue_today,
            "net_cost_fee_proposed_paid_executed_hours": paid_today - prep.revenue_today - net,
            "net_cost_fee_proposed_paid_level_month": paid_today - prep.revenue_today - revenue_change,
        }
    )


def _responses(prep: Prepared, elasticity: np.ndarray, nonfee: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The change in executed hours (hours/month summed) and the proposal's fee revenue (kr) for each pair of an
    elasticity and a non-fee cost: what behaviour.respond and fees.fee_levels give person-month by person-month,
    without their cost in every cell.

    A person-month's hours after the response are its hours times a factor of its prices today and under the
    proposal (behaviour.factor), capped at its granted hours: the factor is computed once per distinct pair of
    prices (a few thousand, not tens of thousands), so the uncapped hours are one matrix product, and only the
    person-months the cap can bind in this chunk are summed cell by cell. The fee depends on the hours only through
    the level, and the hours move monotonically with the elasticity and the non-fee cost, so a person-month whose
    fee is the same at the four corners of this chunk's elasticities and costs (with a margin of a millionth
    against rounding) keeps it for every draw: it is summed once, and only the others are levelled draw by draw.
    Which person-months those are depends on the chunk, so the same draw chunked otherwise (a sweep split over a
    cluster) can differ in the last bits of its sums, never by more."""
    changes, pair_of, (q0, q1) = prep.changes, prep.pair_of, prep.price_pairs
    hm, columns = prep.hours[changes], np.flatnonzero(changes)
    gm = None if prep.granted is None else prep.granted[changes]
    concept = prep.params.elasticity.price_concept

    def factor(e: np.ndarray, c: np.ndarray) -> np.ndarray:  # draws x price pairs
        return np.asarray(behaviour.factor(q0[None, :], q1[None, :], e[:, None], concept, c[:, None]))

    def after(f: np.ndarray, cols: np.ndarray | slice) -> np.ndarray:  # draws x the person-months cols, capped
        h = hm[cols]
        return np.asarray(behaviour.capped(h, h * f[:, pair_of[cols]], None if gm is None else gm[cols]))

    def fee(hours: np.ndarray, cols: np.ndarray | slice) -> np.ndarray:
        m = columns[cols]
        levels = fees.fee_levels(hours, prep.alarm[m], prep.thresholds)
        return fees.level_fee(levels, prep.headroom[m], prep.shares, prep.cap[m])

    everyone = slice(None)
    corners = after(
        factor(np.repeat([elasticity.min(), elasticity.max()], 2), np.tile([nonfee.min(), nonfee.max()], 2)), everyone
    )
    low, high = corners.min(axis=0) * (1 - 1e-6), corners.max(axis=0) * (1 + 1e-6)
    moving = np.flatnonzero(fee(low, everyone) != fee(high, everyone))
    settled = np.delete(fee(corners[0], everyone), moving).sum()
    f = factor(elasticity, nonfee)
    if gm is None:
        bound = np.array([], int)
    else:  # the cap can bind only where the largest factor of the chunk reaches the granted hours
        reach = hm * f.max(axis=0)[pair_of] if len(f) else hm
        bound = np.flatnonzero(reach >= np.maximum(gm, hm) - 1e-9)
    free = np.setdiff1d(np.arange(len(hm)), bound)
    hours_change = f @ np.bincount(pair_of[free], weights=hm[free], minlength=len(q0)) + after(f, bound).sum(axis=1) - hm.sum()
    revenue = settled + fee(after(f, moving), moving).sum(axis=1)
    return hours_change, revenue + prep.fee_unchanged
