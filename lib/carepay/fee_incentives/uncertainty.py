"""Fee incentive effect under uncertainty: the net budget effect and the break-even hours over the scenario's draws
of the elasticity, the non-fee cost of an hour and the cost of an hour (carepay.uncertainty).

Vectorised over draws: each chunk of draws is a matrix of person-months x draws (hours after the response, their
fee level and fee), so 1 000 draws cost a few matrix passes instead of 1 000 runs of the question.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from carepay import fees, payment, uncertainty
from carepay.fee_incentives.analysis import FeeIncentives
from carepay.fee_incentives.params import FeeIncentivesParams
from carepay.sources import DataPackage

#: Person-month x draw cells held at once (about 16 MB a matrix).
CHUNK_CELLS = 2_000_000
#: Draws per non-fee cost from which the exact elasticity sweep beats a matrix pass per draw.
SWEEP_FROM = 50
#: Degree of the Chebyshev interpolant of hours over elasticity in a long sweep (see elasticity_sweep).
HOURS_DEGREE = 40


@dataclass
class Prepared:
    """What every draw shares: the person-months with today's and the proposal's prices (kr/hour) and fees."""

    hours: np.ndarray
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
    return Prepared(
        hours=hours,
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
    groups = pd.DataFrame({"nonfee": nonfee, "cost": cost}).groupby(["nonfee", "cost"], sort=False).indices
    hours_change, revenue_change = np.empty(len(draws)), np.empty(len(draws))
    if len(draws) >= SWEEP_FROM * len(groups):  # many elasticities per non-fee cost: the exact sweep
        for (c, cph), rows in groups.items():
            sweep = elasticity_sweep(prep, elasticity[rows], c, cph)
            hours_change[rows], revenue_change[rows] = sweep.hours_change.to_numpy(), sweep.revenue_change.to_numpy()
    else:
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

    A person-month's hours after the response are its hours times ((p1 + c) / (p0 + c)) ** e, where p0 and p1
    are its prices today and under the proposal: the factor is computed once per distinct pair of prices (a few
    thousand, not tens of thousands), so the hours are one matrix product. The fee depends on the hours only
    through the level, and the hours move monotonically with the elasticity and the non-fee cost, so a
    person-month whose fee is the same at the four corners of this chunk's elasticities and costs (with a margin
    of a millionth against rounding) keeps it for every draw: it is summed once, and only the others are levelled
    draw by draw. Which person-months those are depends on the chunk, so the same draw chunked otherwise (a sweep
    split over a cluster) can differ in the last bits of its sums, never by more."""
    changes, pair_of, (q0, q1) = prep.changes, prep.pair_of, prep.price_pairs
    hm, columns = prep.hours[changes], np.flatnonzero(changes)

    def factor(e: np.ndarray, c: np.ndarray) -> np.ndarray:  # draws x price pairs
        return ((q1 + c[:, None]) / (q0 + c[:, None])) ** e[:, None]

    def fee(hours: np.ndarray, cols: np.ndarray | slice) -> np.ndarray:
        m = columns[cols]
        levels = fees.fee_levels(hours, prep.alarm[m], prep.thresholds)
        return fees.level_fee(levels, prep.headroom[m], prep.shares, prep.cap[m])

    everyone = slice(None)
    corners = factor(np.repeat([elasticity.min(), elasticity.max()], 2), np.tile([nonfee.min(), nonfee.max()], 2))
    after = hm * corners[:, pair_of]
    low, high = after.min(axis=0) * (1 - 1e-6), after.max(axis=0) * (1 + 1e-6)
    moving = np.flatnonzero(fee(low, everyone) != fee(high, everyone))
    settled = np.delete(fee(after[0], everyone), moving).sum()
    f = factor(elasticity, nonfee)
    hours_change = f @ np.bincount(pair_of, weights=hm, minlength=len(q0)) - hm.sum()
    revenue = settled + fee(hm[moving] * f[:, pair_of[moving]], moving).sum(axis=1)
    return hours_change, revenue + prep.fee_unchanged


def elasticity_sweep(prep: Prepared, elasticities: ArrayLike, nonfee_cost: float, cost: float) -> pd.DataFrame:
    """Hours, fee revenue and the net budget effect (kr/year) against today for many elasticities at one non-fee
    cost and one cost of an hour: exact, and at the cost of a sort rather than of one pass over the person-months
    per elasticity.

    The proposal's fee depends on hours only through the level, so a person-month's fee is a step function of the
    elasticity: it changes where hours x ratio^elasticity crosses a threshold, at elasticity log(t / hours) /
    log(ratio). Those crossings are found once; the fee revenue at any elasticity is the revenue at zero plus the
    steps crossed. Hours are a smooth sum of exponentials over the distinct price ratios: computed exactly at each
    elasticity when there are few, else at Chebyshev nodes and interpolated, which for exponentials of this size is
    exact to far below a thousandth of an hour (tests/test_uncertainty.py checks it against the direct sum)."""
    e = np.asarray(elasticities, float)
    h, p0, p1 = prep.hours, prep.price_today, prep.price_proposal
    moves = ~np.isclose(p0, p1) & (h > 0)
    log_r = np.log((p1[moves] + nonfee_cost) / (p0[moves] + nonfee_cost))
    hm = h[moves]
    # hours: a smooth sum of exponentials in e over the distinct ratios, exact at the elasticities when they are
    # few, else at Chebyshev nodes and interpolated (degree HOURS_DEGREE: error far below a thousandth of an hour)
    ratios, where = np.unique(log_r, return_inverse=True)
    by_ratio = np.bincount(where, weights=hm)

    def hours_at(x: np.ndarray) -> np.ndarray:
        return np.concatenate([np.exp(np.outer(part, ratios)) @ by_ratio for part in np.array_split(x, max(1, len(x) // 16))])

    unique_e = np.unique(e)
    if len(unique_e) <= 2 * HOURS_DEGREE or e.min() == e.max():
        hours_moving = hours_at(e)
    else:
        chebyshev = np.polynomial.Chebyshev.interpolate(hours_at, HOURS_DEGREE, domain=[float(e.min()), float(e.max())])
        hours_moving = chebyshev(e)
    hours_after = h[~moves].sum() + hours_moving
    # fee: base x (share of level 1 + the steps of the thresholds at or below the hours)
    base = np.minimum(prep.headroom, prep.cap)
    fixed = fees.level_fee(
        fees.fee_levels(h[~moves], prep.alarm[~moves], prep.thresholds), prep.headroom[~moves], prep.shares, prep.cap[~moves]
    ).sum()
    steps = np.diff(prep.shares[1:])  # share of level k+1 minus level k, k = 1..9
    bm = base[moves]
    crossing = (np.log(prep.thresholds)[None, :] - np.log(hm)[:, None]) / log_r[:, None]  # rows x thresholds
    weight = bm[:, None] * steps[None, :]
    rising = np.broadcast_to(log_r[:, None] > 0, crossing.shape)  # hours rise with e: the step is on for e >= crossing
    low, high = e.min(), e.max()
    revenue = np.full(len(e), fixed + float((bm * prep.shares[1]).sum()))
    for up in (True, False):
        pick = rising == up
        c, w = crossing[pick], weight[pick]
        on_below = c < low if up else c > high  # on everywhere in the swept range
        revenue += w[on_below].sum()
        inside = (c >= low) & (c <= high)
        order = np.argsort(c[inside], kind="stable")
        cs, cw = c[inside][order], np.cumsum(w[inside][order])
        total = cw[-1] if len(cw) else 0.0
        if up:  # on where e >= crossing
            k = np.searchsorted(cs, e, side="right")
            revenue += np.where(k > 0, cw[np.maximum(k - 1, 0)], 0.0) if len(cw) else 0.0
        else:  # on where e <= crossing
            k = np.searchsorted(cs, e, side="left")
            revenue += total - (np.where(k > 0, cw[np.maximum(k - 1, 0)], 0.0) if len(cw) else 0.0)
    hours_change = hours_after - h.sum()
    revenue_change = revenue - prep.revenue_today
    return pd.DataFrame(
        {
            "elasticity": e,
            "hours_change": hours_change,
            "revenue_change": revenue_change,
            "net_budget_effect": revenue_change - hours_change * cost,
        }
    )
