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

from carepay import behaviour, fees, payment, uncertainty
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
    groups = pd.DataFrame({"nonfee": nonfee, "cost": cost}).groupby(["nonfee", "cost"], sort=False).indices
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

    if concept == "out_of_pocket":  # behaviour.factor with d computed once per pair: (2 + e d) / (2 - e d)
        total = q0 + q1
        d = np.divide(2 * (q1 - q0), total, out=np.zeros_like(total), where=total > 0)

        def factor(e: np.ndarray, c: np.ndarray) -> np.ndarray:  # draws x price pairs; no non-fee cost
            del c
            s = e[:, None] * d[None, :]
            return 4.0 / (2.0 - s) - 1.0

    else:

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
        capped = np.zeros(len(hm), bool)
    else:  # the cap can bind only where the largest factor of the chunk reaches the granted hours
        reach = hm * f.max(axis=0)[pair_of] if len(f) else hm
        capped = reach >= np.maximum(gm, hm) - 1e-9
    bound, free = np.flatnonzero(capped), np.flatnonzero(~capped)
    hours_change = f @ np.bincount(pair_of[free], weights=hm[free], minlength=len(q0)) + after(f, bound).sum(axis=1) - hm.sum()
    revenue = settled + fee(after(f, moving), moving).sum(axis=1)
    return hours_change, revenue + prep.fee_unchanged


def elasticity_sweep(prep: Prepared, elasticities: ArrayLike, nonfee_cost: float, cost: float) -> pd.DataFrame:
    """Hours, fee revenue and the net budget effect (kr/year) against today for many elasticities at one non-fee
    cost and one cost of an hour: exact, and at the cost of a sort rather than of one pass over the person-months
    per elasticity.

    The proposal's fee depends on hours only through the level, so a person-month's fee is a step function of the
    elasticity: it changes where its hours after the response cross a threshold t, at the elasticity where
    hours x factor(e) = t (behaviour.factor: log(t / h) / log(ratio) for the generalised price; 2 (R - 1) / (d (1 + R))
    with R = t / h for the out-of-pocket price's arc elasticity). A threshold above the hours granted is never
    crossed (hours are capped there). Those crossings are found once; the fee revenue at any elasticity is the
    revenue at zero plus the steps crossed. Hours are a smooth sum over the person-months the cap cannot reach in the
    swept range: computed exactly at each elasticity when there are few, else at Chebyshev nodes and interpolated,
    which for sums of this shape is exact to far below a thousandth of an hour (tests/test_uncertainty.py checks it);
    the person-months the cap can reach are summed exactly, elasticity by elasticity."""
    e = np.asarray(elasticities, float)
    concept = prep.params.elasticity.price_concept
    h, p0, p1 = prep.hours, prep.price_today, prep.price_proposal
    moves = ~np.isclose(p0, p1) & (h > 0)
    hm, q0, q1 = h[moves], p0[moves], p1[moves]
    g = np.full(len(hm), np.inf) if prep.granted is None else np.maximum(prep.granted[moves], hm)
    if concept == "out_of_pocket":
        total = q0 + q1
        slope = np.divide(2 * (q1 - q0), total, out=np.zeros_like(total), where=total > 0)  # d

        def factor(x: np.ndarray, rows: np.ndarray | slice = slice(None)) -> np.ndarray:  # len(x) x rows
            return 4.0 / (2.0 - np.outer(x, slope[rows])) - 1.0

        def crossing_at(ratio: np.ndarray) -> np.ndarray:  # the e with factor(e) = ratio, rows x thresholds
            return 2 * (ratio - 1) / (slope[:, None] * (1 + ratio))

    else:
        slope = np.log((q1 + nonfee_cost) / (q0 + nonfee_cost))  # log of the price ratio

        def factor(x: np.ndarray, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
            return np.exp(np.outer(x, slope[rows]))

        def crossing_at(ratio: np.ndarray) -> np.ndarray:
            return np.log(ratio) / slope[:, None]

    low, high = float(e.min()), float(e.max())
    # hours rise as e falls where the slope is negative: the cap can bind at the lowest e swept
    reach = hm * np.where(slope < 0, factor(np.array([low]))[0], factor(np.array([high]))[0])
    cappable = reach >= g - 1e-9
    free = np.flatnonzero(~cappable)
    keys, where = np.unique(slope[free], return_inverse=True)
    by_slope = np.bincount(where.ravel(), weights=hm[free])
    if concept == "out_of_pocket":

        def free_hours(x: np.ndarray) -> np.ndarray:
            parts = np.array_split(x, max(1, len(x) // 16))
            return np.concatenate([(4.0 / (2.0 - np.outer(part, keys)) - 1.0) @ by_slope for part in parts])

    else:

        def free_hours(x: np.ndarray) -> np.ndarray:
            parts = np.array_split(x, max(1, len(x) // 16))
            return np.concatenate([np.exp(np.outer(part, keys)) @ by_slope for part in parts])

    if len(np.unique(e)) <= 2 * HOURS_DEGREE or low == high:
        hours_moving = free_hours(e)
    else:
        chebyshev = np.polynomial.Chebyshev.interpolate(free_hours, HOURS_DEGREE, domain=[low, high])
        hours_moving = chebyshev(e)
    capped = np.flatnonzero(cappable)
    if len(capped):
        step = max(1, CHUNK_CELLS // len(capped))
        hours_moving = hours_moving + np.concatenate(
            [np.minimum(hm[capped] * factor(e[i : i + step], capped), g[capped]).sum(axis=1) for i in range(0, len(e), step)]
        )
    hours_after = h[~moves].sum() + hours_moving
    # fee: base x (share of level 1 + the steps of the thresholds at or below the hours)
    base = np.minimum(prep.headroom, prep.cap)
    fixed = fees.level_fee(
        fees.fee_levels(h[~moves], prep.alarm[~moves], prep.thresholds), prep.headroom[~moves], prep.shares, prep.cap[~moves]
    ).sum()
    steps = np.diff(prep.shares[1:])  # share of level k+1 minus level k, k = 1..9
    bm = base[moves]
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = crossing_at(prep.thresholds[None, :] / hm[:, None])  # rows x thresholds
    weight = np.where(prep.thresholds[None, :] <= g[:, None], bm[:, None] * steps[None, :], 0.0)  # above granted: never
    rising = np.broadcast_to(slope[:, None] > 0, crossing.shape)  # hours rise with e: the step is on for e >= crossing
    revenue = np.full(len(e), fixed + float((bm * prep.shares[1]).sum()))
    today_on = hm[:, None] >= prep.thresholds[None, :]  # the steps on today (where the crossing is not finite)
    finite = np.isfinite(crossing)
    revenue += (bm[:, None] * steps[None, :])[~finite & today_on].sum()
    for up in (True, False):
        pick = (rising == up) & finite
        c, w = crossing[pick], weight[pick]
        on_below = c < low if up else c > high  # on everywhere in the swept range
        revenue += w[on_below].sum()
        inside = (c >= low) & (c <= high)
        order = np.argsort(c[inside], kind="stable")
        cs, cw = c[inside][order], np.cumsum(w[inside][order])
        total_w = cw[-1] if len(cw) else 0.0
        if up:  # on where e >= crossing
            k = np.searchsorted(cs, e, side="right")
            revenue += np.where(k > 0, cw[np.maximum(k - 1, 0)], 0.0) if len(cw) else 0.0
        else:  # on where e <= crossing
            k = np.searchsorted(cs, e, side="left")
            revenue += total_w - (np.where(k > 0, cw[np.maximum(k - 1, 0)], 0.0) if len(cw) else 0.0)
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
