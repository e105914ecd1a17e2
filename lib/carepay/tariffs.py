"""Tariff levels as point ranges: mapping persons between level systems, cost neutrality, winners and losers.

Vocabulary (glossary): a *level system* is a table of tariff levels per housing form, each a
closed range of assessment points [points_min, points_max] with one amount per payment
channel. *Flows* say how many persons move from each old level to each new level
(columns housing_form, old_level, new_level, persons). Amounts inside the library are
yearly kronor per person (kr/person-year) in one channel:

- ``standard_amount``: the yearly standard amount (schablon) used to allocate budgets to
  district boards (kr/year);
- ``daily_rate_<form>``: the daily rate (peng) paid to providers, municipal, contracted or
  private provision (kr/day), times 365 days times the occupancy.

Every function takes DataFrames and parameters and returns DataFrames or Series.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

CHANNELS = ("standard_amount", "daily_rate_municipal", "daily_rate_contracted", "daily_rate_private")
DAYS_PER_YEAR = 365
KEY = ["housing_form", "level"]


class LevelError(ValueError):
    """A level system or a population that cannot be used; the message says what and where."""


# --- level systems ---------------------------------------------------------------------------


def validate_levels(levels: pd.DataFrame, top: int, where: str = "level system") -> pd.DataFrame:
    """Check that each housing form's point ranges partition 0..top with no gap or overlap.

    Returns the levels sorted by housing form and points. Raises LevelError naming the levels at fault.
    """
    need = {"housing_form", "level", "points_min", "points_max"}
    missing = need - set(levels.columns)
    if missing:
        raise LevelError(f"{where}: missing column(s) {', '.join(sorted(missing))}")
    out = levels.sort_values(["housing_form", "points_min"]).reset_index(drop=True)
    for form, lv in out.groupby("housing_form", sort=False):
        dup = lv.level.duplicated()
        if dup.any():
            raise LevelError(f"{where}, {form}: level {lv.level[dup].iloc[0]} is defined twice")
        bad = lv[lv.points_max < lv.points_min]
        if len(bad):
            r = bad.iloc[0]
            raise LevelError(f"{where}, {form}, level {r.level}: points_max {r.points_max} is below points_min {r.points_min}")
        if lv.points_min.iloc[0] != 0:
            raise LevelError(f"{where}, {form}: the lowest level starts at {lv.points_min.iloc[0]} points; it must start at 0")
        prev = lv.iloc[:-1]
        nxt = lv.iloc[1:]
        for a, b in zip(prev.itertuples(), nxt.itertuples()):
            if b.points_min > a.points_max + 1:
                raise LevelError(
                    f"{where}, {form}: gap between level {a.level} ({a.points_min}-{a.points_max} points) "
                    f"and level {b.level} ({b.points_min}-{b.points_max}); points "
                    f"{a.points_max + 1}-{b.points_min - 1} belong to no level"
                )
            if b.points_min <= a.points_max:
                raise LevelError(
                    f"{where}, {form}: level {a.level} ({a.points_min}-{a.points_max} points) and level "
                    f"{b.level} ({b.points_min}-{b.points_max}) overlap"
                )
        if lv.points_max.iloc[-1] != top:
            raise LevelError(f"{where}, {form}: the highest level ends at {lv.points_max.iloc[-1]} points; it must end at {top}")
    return out


def assign_levels(points: pd.Series | np.ndarray, forms: pd.Series | np.ndarray, levels: pd.DataFrame) -> np.ndarray:
    """Level of each person from their points and housing form (levels must be validated)."""
    points = np.asarray(points)
    codes, names = pd.factorize(forms if isinstance(forms, pd.Series) else np.asarray(forms), sort=False)
    result = np.full(points.shape, -1, dtype=np.int64)
    for form, lv in levels.groupby("housing_form"):
        position = list(names).index(form) if form in set(names) else -2
        mask = codes == position
        lv = lv.sort_values("points_min")
        idx = np.searchsorted(lv.points_min.to_numpy(), points[mask], side="right") - 1
        result[mask] = lv.level.to_numpy()[np.clip(idx, 0, len(lv) - 1)]
    return result


def yearly_amounts(levels: pd.DataFrame, channel: str, occupancy: float = 1.0) -> pd.Series:
    """Amount per person and year (kr/person-year) by (housing_form, level) in one payment channel.

    Daily rates (kr/day) are paid for occupied days: rate x 365 x occupancy."""
    if channel not in CHANNELS:
        raise LevelError(f"unknown channel {channel!r}; allowed: {', '.join(CHANNELS)}")
    factor = 1.0 if channel == "standard_amount" else DAYS_PER_YEAR * occupancy
    return (levels.set_index(KEY)[channel].astype(float) * factor).rename("amount")


def to_channel_units(amounts: pd.Series, channel: str, occupancy: float = 1.0) -> pd.Series:
    """Back from kr/person-year to the channel's own unit (kr/year or kr/day)."""
    return amounts if channel == "standard_amount" else amounts / (DAYS_PER_YEAR * occupancy)


# --- mapping persons between systems -------------------------------------------------------


def _overlap(a_min: np.ndarray, a_max: np.ndarray, b_min: float, b_max: float) -> np.ndarray:
    """Number of integer points two closed ranges share."""
    return np.clip(np.minimum(a_max, b_max) - np.maximum(a_min, b_min) + 1, 0, None)


def flows_uniform(old_levels: pd.DataFrame, counts: pd.Series, new_levels: pd.DataFrame) -> pd.DataFrame:
    """Persons spread evenly over the points of their old level, then grouped by the new levels.

    counts: persons by (housing_form, level) of the old system. Persons may be fractional."""
    rows = []
    for old in old_levels.itertuples():
        n = float(counts.get((old.housing_form, old.level), 0.0))
        width = old.points_max - old.points_min + 1
        new = new_levels[new_levels.housing_form == old.housing_form]
        shared = _overlap(new.points_min.to_numpy(), new.points_max.to_numpy(), old.points_min, old.points_max)
        for lv, s in zip(new.level, shared):
            if s > 0:
                rows.append((old.housing_form, old.level, lv, n * s / width))
    return pd.DataFrame(rows, columns=["housing_form", "old_level", "new_level", "persons"])


def flows_monotone(
    old_levels: pd.DataFrame, counts_old: pd.Series, new_levels: pd.DataFrame, counts_new: pd.Series
) -> pd.DataFrame:
    """The split of straddling levels that the new counts imply.

    Persons are ordered by points; the old levels and the new levels each take a consecutive
    block of them, so each flow is the overlap of two blocks. Raises LevelError if the counts
    disagree on the total or would move persons between levels whose point ranges do not meet."""
    rows = []
    for form in old_levels.housing_form.unique():
        old = old_levels[old_levels.housing_form == form].sort_values("points_min")
        new = new_levels[new_levels.housing_form == form].sort_values("points_min")
        n_old = np.array([float(counts_old.get((form, lv), 0)) for lv in old.level])
        n_new = np.array([float(counts_new.get((form, lv), 0)) for lv in new.level])
        if not np.isclose(n_old.sum(), n_new.sum()):
            raise LevelError(
                f"{form}: the new counts add up to {n_new.sum():g} persons but the old ones to {n_old.sum():g}; "
                "the split they imply needs the same population (check the counts, or use the uniform split)"
            )
        c_old = np.concatenate([[0], np.cumsum(n_old)])
        c_new = np.concatenate([[0], np.cumsum(n_new)])
        for i, o in enumerate(old.itertuples()):
            for j, nw in enumerate(new.itertuples()):
                flow = min(c_old[i + 1], c_new[j + 1]) - max(c_old[i], c_new[j])
                if flow > 1e-9:
                    if nw.points_max < o.points_min or nw.points_min > o.points_max:
                        raise LevelError(
                            f"{form}: the new counts would move {flow:g} persons from old level {o.level} "
                            f"({o.points_min}-{o.points_max} points) to new level {nw.level} ({nw.points_min}-{nw.points_max}), "
                            "whose point ranges do not meet; the counts are inconsistent with the points"
                        )
                    rows.append((form, o.level, nw.level, flow))
    return pd.DataFrame(rows, columns=["housing_form", "old_level", "new_level", "persons"])


def validate_individuals(df: pd.DataFrame, where: str) -> pd.DataFrame:
    """An analyst's file of individual points, one row per person, checked against its schema
    (carepay/schemas/individual_points.json); ExtractError naming file, row, field, value and what is allowed."""
    from carepay import schemas

    return schemas.validate(df, "individual_points", where)


def flows_individual(
    individuals: pd.DataFrame, old_levels: pd.DataFrame, new_levels: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Exact mapping from individual points. Returns (flows, individuals with old_level and new_level)."""
    ind = individuals.copy()
    ind["old_level"] = assign_levels(ind.points, ind.housing_form, old_levels)
    ind["new_level"] = assign_levels(ind.points, ind.housing_form, new_levels)
    # persons per (form, old level, new level) by a dense count of integer codes: linear, no hash table
    forms, names = pd.factorize(ind.housing_form, sort=True)
    old, new = ind.old_level.to_numpy(), ind.new_level.to_numpy()
    o0, n0 = int(old.min(initial=0)), int(new.min(initial=0))
    no, nn = int(old.max(initial=0)) - o0 + 1, int(new.max(initial=0)) - n0 + 1
    counts = np.bincount((forms * no + (old - o0)) * nn + (new - n0), minlength=len(names) * no * nn)
    cell = np.flatnonzero(counts)
    flows = pd.DataFrame(
        {
            "housing_form": np.asarray(names, dtype=object)[cell // (no * nn)],
            "old_level": (cell // nn) % no + o0,
            "new_level": cell % nn + n0,
            "persons": counts[cell].astype(float),
        }
    )
    return flows, ind


def shift_mix(flows: pd.DataFrame, old_levels: pd.DataFrame, new_levels: pd.DataFrame, share: float) -> pd.DataFrame:
    """The same population with a share of each old level's persons one level higher (share > 0) or lower
    (share < 0): persons by old level become n_i (1 - |share|) + n_(i-1) |share| (going up; the top level keeps its
    own) and each old level splits over the new levels as before (an old level that had nobody splits evenly over
    its points). Totals per housing form are unchanged; persons become fractional. Linear in the share on each side
    of zero. share: -1..1."""
    if not -1 <= share <= 1:
        raise LevelError(f"mix shift {share:g} is outside -1..1")
    if share == 0:
        return flows.copy()
    counts = counts_by(flows, "old")
    moved = abs(share)
    rows = []
    for form, old in old_levels.groupby("housing_form", sort=False):
        levels = old.sort_values("points_min").level.to_numpy()
        n = np.array([float(counts.get((form, lv), 0.0)) for lv in levels])
        out = n * (1 - moved)
        if share > 0:
            out[1:] += n[:-1] * moved
            out[-1] += n[-1] * moved
        else:
            out[:-1] += n[1:] * moved
            out[0] += n[0] * moved
        for lv, before, after in zip(levels, n, out):
            if before > 0:
                own = flows[(flows.housing_form == form) & (flows.old_level == lv)]
                rows.append(own.assign(persons=own.persons * (after / before)))
            elif after > 0:
                level = old[old.level == lv]
                rows.append(flows_uniform(level, pd.Series({(form, lv): after}), new_levels))
    return pd.concat(rows, ignore_index=True)[list(flows.columns)]


def counts_by(flows: pd.DataFrame, side: str) -> pd.Series:
    """Persons by (housing_form, level) on the 'old' or 'new' side of the flows."""
    col = f"{side}_level"
    return flows.groupby(["housing_form", col]).persons.sum().rename_axis(KEY)


# --- neutrality and tariff solvers ---------------------------------------------------------


def _amount(amounts: pd.Series, forms: pd.Series | tuple[np.ndarray, Any], levels: pd.Series) -> np.ndarray:
    """The amount of each row's (housing form, level), kr; forms: the column, or its factorisation (codes, names)
    when the caller looks up several amounts for the same rows."""
    codes, names = forms if isinstance(forms, tuple) else pd.factorize(forms, sort=False)
    levels = np.asarray(levels)
    out = np.empty(len(levels), dtype=float)
    known = set(amounts.index.get_level_values(0))
    for i, form in enumerate(names):
        rows = np.flatnonzero(codes == i)
        wanted = levels[rows]
        if form not in known:
            raise LevelError(f"no amount for {form} level {wanted[0]}")
        table = amounts.xs(form, level=0)
        at = table.index.get_indexer(wanted)
        if (at < 0).any():
            raise LevelError(f"no amount for {form} level {wanted[at < 0][0]}")
        out[rows] = table.to_numpy(dtype=float)[at]
    return out


def neutrality(flows: pd.DataFrame, old_amounts: pd.Series, new_amounts: pd.Series) -> pd.DataFrame:
    """Total cost before and after for the same population, per housing form and overall (kr/year)."""
    f = flows.assign(
        before=flows.persons * _amount(old_amounts, flows.housing_form, flows.old_level),
        after=flows.persons * _amount(new_amounts, flows.housing_form, flows.new_level),
    )
    per_form = f.groupby("housing_form", sort=False)[["persons", "before", "after"]].sum()
    per_form.loc["all"] = per_form.sum()
    out = per_form.reset_index()
    out["change"] = out.after - out.before
    out["change_share"] = out.change / out.before
    return out


def mean_preserving(flows: pd.DataFrame, old_amounts: pd.Series) -> pd.Series:
    """Each new level pays the average old amount of the persons it receives: exactly cost-neutral."""
    f = flows.assign(paid=flows.persons * _amount(old_amounts, flows.housing_form, flows.old_level))
    g = f.groupby(["housing_form", "new_level"])[["paid", "persons"]].sum()
    return (g.paid / g.persons).rename_axis(KEY).rename("amount")


def neutrality_factors(flows: pd.DataFrame, old_amounts: pd.Series, new_amounts: pd.Series, scope: str) -> pd.Series:
    """Budget-neutrality factor old total / new total, per housing form or one 'overall'."""
    n = neutrality(flows, old_amounts, new_amounts)
    if scope == "overall":
        row = n[n.housing_form == "all"].iloc[0]
        forms = n.housing_form[n.housing_form != "all"]
        return pd.Series(row.before / row.after, index=forms, name="factor")
    if scope == "housing_form":
        n = n[n.housing_form != "all"]
        return pd.Series((n.before / n.after).to_numpy(), index=n.housing_form, name="factor")
    raise LevelError(f"unknown scope {scope!r}; allowed: housing_form, overall")


def scale_to_neutral(
    flows: pd.DataFrame, old_amounts: pd.Series, new_amounts: pd.Series, scope: str = "housing_form"
) -> tuple[pd.Series, pd.Series]:
    """Proposed amounts times the neutrality factor. Returns (scaled amounts, factors)."""
    factors = neutrality_factors(flows, old_amounts, new_amounts, scope)
    scaled = new_amounts * factors.reindex(new_amounts.index.get_level_values(0)).to_numpy()
    return scaled.rename("amount"), factors


def floors_to_neutral(
    flows: pd.DataFrame, old_amounts: pd.Series, shape: pd.Series, floors: pd.Series, scope: str = "housing_form"
) -> tuple[pd.Series, pd.Series]:
    """Amounts max(floor, lambda x shape) with lambda chosen so the total is unchanged.

    shape: relative amounts by (housing_form, level) of the new system (e.g. a proposal);
    floors: minimum amounts (kr/person-year) by (housing_form, level); levels without a floor have 0.
    Returns (amounts, lambda per housing form). Raises LevelError if the floors alone cost more than the budget."""
    if scope not in ("housing_form", "overall"):
        raise LevelError(f"unknown scope {scope!r}; allowed: housing_form, overall")
    persons = counts_by(flows, "new")
    before = (flows.persons * _amount(old_amounts, flows.housing_form, flows.old_level)).groupby(flows.housing_form).sum()
    groups = {f: [f] for f in before.index} if scope == "housing_form" else {"overall": list(before.index)}
    amounts = pd.Series(0.0, index=shape.index, name="amount")
    lambdas = {}
    for name, forms in groups.items():
        idx = [i for i in shape.index if i[0] in forms]
        s = shape.reindex(idx).to_numpy(float)
        fl = floors.reindex(idx).fillna(0).to_numpy(float)
        n = persons.reindex(idx).fillna(0).to_numpy(float)
        target = float(before[forms].sum())
        floor_cost = float((n * fl).sum())
        tol = 1e-9 * max(1.0, abs(target))
        if floor_cost > target + tol:
            raise LevelError(
                f"{name}: the floors alone cost {floor_cost:,.0f} kr a year, more than the budget "
                f"{target:,.0f} kr; lower the floors or raise the budget"
            )

        def total(lam: float, n: np.ndarray = n, fl: np.ndarray = fl, s: np.ndarray = s) -> float:
            return float((n * np.maximum(fl, lam * s)).sum())

        # total(lambda) is piecewise linear and increasing: find the piece that holds the target exactly
        breaks = np.unique(np.concatenate([[0.0], np.divide(fl, s, out=np.zeros_like(fl), where=s > 0)]))
        lam = None
        for lo, hi in zip(breaks, np.append(breaks[1:], np.inf)):
            t_lo = total(lo)
            mid = lo + 1.0 if hi == np.inf else (lo + hi) / 2  # inside the piece: no rounding at its ends
            free = (s > 0) & (fl < mid * s)
            slope = float((n[free] * s[free]).sum())
            if slope > 0 and t_lo <= target + tol and (hi == np.inf or total(hi) >= target - tol):
                lam = lo + max(0.0, target - t_lo) / slope
                break
        if lam is None:
            raise LevelError(f"{name}: no scaling of the shape reaches the budget with these floors")
        amounts.loc[idx] = np.maximum(fl, lam * s)
        lambdas[name] = lam
    return amounts, pd.Series(lambdas, name="lambda")


def rounded(amounts: pd.Series, step: float = 1.0) -> pd.Series:
    """Amounts rounded to a step (whole kronor by default), as a board would decide them."""
    return (np.round(amounts / step) * step).rename(amounts.name)


# --- winners and losers --------------------------------------------------------------------


def person_changes(flows: pd.DataFrame, old_amounts: pd.Series, new_amounts: pd.Series) -> pd.DataFrame:
    """Change per person for each (old level, new level) pair: kr/person-year and share of the old amount."""
    out = flows.copy()
    out["old_amount"] = _amount(old_amounts, out.housing_form, out.old_level)
    out["new_amount"] = _amount(new_amounts, out.housing_form, out.new_level)
    out["change"] = out.new_amount - out.old_amount
    out["change_share"] = out.change / out.old_amount
    return out


def changes_by_old_level(changes: pd.DataFrame) -> pd.DataFrame:
    """Persons-weighted change per person by old level (kr/person-year and share)."""
    c = changes.assign(w_old=changes.persons * changes.old_amount, w_new=changes.persons * changes.new_amount)
    g = c.groupby(["housing_form", "old_level"], sort=False)[["persons", "w_old", "w_new"]].sum()
    g["old_amount"] = g.w_old / g.persons
    g["new_amount"] = g.w_new / g.persons
    g["change"] = g.new_amount - g.old_amount
    g["change_share"] = g.change / g.old_amount
    return g.drop(columns=["w_old", "w_new"]).reset_index()


def simulate_residences(
    flows: pd.DataFrame, housing_form: str, size: int, number: int, seed: int, sorting: float = 0.0
) -> pd.DataFrame:
    """SYNTHETIC: residences of `size` residents drawn from the form's population (seeded).

    Each resident is an (old level, new level) pair drawn with the flows' weights. sorting (0-1) says how strongly
    residents sort by need: 0 places them at random (the draw as it is), 1 fills residences in order of level (each
    residence as alike as the population allows), between them the order key is sorting x the level's rank plus
    (1 - sorting) x a random number (its own stream, so sorting 0 leaves the draw unchanged).
    Columns residence_id, housing_form, old_level, new_level."""
    f = flows[flows.housing_form == housing_form]
    if f.empty:
        raise LevelError(f"no persons in {housing_form}")
    if size < 1 or number < 1:
        raise LevelError("residence size and number must be at least 1")
    if not 0 <= sorting <= 1:
        raise LevelError(f"sorting {sorting:g}: from 0 (placed at random) to 1 (fully sorted by level)")
    rng = np.random.default_rng(seed)
    p = f.persons.to_numpy(float)
    pick = rng.choice(len(f), size=(number, size), p=p / p.sum())
    if sorting > 0:
        flat = pick.ravel()
        # the pair's rank by (old level, new level), 0-1, and a random number from the sorting's own stream
        pairs = f[["old_level", "new_level"]].to_numpy()
        order_of_pair = np.lexsort((pairs[:, 1], pairs[:, 0]))
        rank = np.empty(len(f))
        rank[order_of_pair] = np.arange(len(f)) / max(len(f) - 1, 1)
        noise = np.random.default_rng([seed, 1]).random(flat.size)
        key = sorting * rank[flat] + (1 - sorting) * noise
        pick = flat[np.lexsort((noise, key))].reshape(number, size)
    return pd.DataFrame(
        {
            "residence_id": np.repeat(np.arange(number), size),
            "housing_form": housing_form,
            "old_level": f.old_level.to_numpy()[pick.ravel()],
            "new_level": f.new_level.to_numpy()[pick.ravel()],
        }
    )


def changes_per_person(individuals: pd.DataFrame, old_amounts: pd.Series, new_amounts: pd.Series) -> pd.DataFrame:
    """Each person's amount before and after (kr/year), the change and its share: one row per person as given
    (individuals: housing_form, old_level, new_level, from flows_individual). No grouping: linear in the persons."""
    forms = pd.factorize(individuals.housing_form, sort=False)
    out = individuals.drop(columns=["points"], errors="ignore").copy()
    out["before"] = _amount(old_amounts, forms, individuals.old_level)
    out["after"] = _amount(new_amounts, forms, individuals.new_level)
    out["change"] = out.after - out.before
    out["change_share"] = out.change / out.before
    return out


#: Results with at most this many keys are sorted by key (a sort of millions of text ids is not linear).
SORTED_UP_TO = 100_000


def residence_changes(
    residents: pd.DataFrame, old_amounts: pd.Series, new_amounts: pd.Series, by: str = "residence_id"
) -> pd.DataFrame:
    """Budget of each residence (or district board, provider) before and after (kr/year), change and share."""
    forms = pd.factorize(residents.housing_form, sort=False)
    before = _amount(old_amounts, forms, residents.old_level)
    after = _amount(new_amounts, forms, residents.new_level)
    # the key factorised once to integer codes, sums by bincount: linear in the residents, text ids included; a
    # short result (boards, providers, residences) sorted by its key, a long one (persons) left in file order
    codes, keys = pd.factorize(residents[by], sort=False)
    g = pd.DataFrame(
        {
            by: keys,
            "residents": np.bincount(codes, minlength=len(keys)),
            "before": np.bincount(codes, weights=before, minlength=len(keys)),
            "after": np.bincount(codes, weights=after, minlength=len(keys)),
        }
    )
    g["change"] = g.after - g.before
    g["change_share"] = g.change / g.before
    return g.sort_values(by, kind="stable", ignore_index=True) if len(g) <= SORTED_UP_TO else g


def homogeneous_shares(residents: pd.DataFrame, low_levels: Iterable[int], high_levels: Iterable[int]) -> pd.Series:
    """Share of residences whose residents all have low levels, and all high levels (old system)."""
    low = residents.old_level.isin(list(low_levels)).groupby(residents.residence_id).all()
    high = residents.old_level.isin(list(high_levels)).groupby(residents.residence_id).all()
    return pd.Series({"only_low": float(low.mean()), "only_high": float(high.mean())})


# --- base staffing ---------------------------------------------------------------------------


def base_staffing_hours(
    day_staff: float,
    day_hours: float,
    weekday_reduction_staff: float,
    weekday_reduction_hours: float,
    weekdays: int,
    night_staff: float,
    night_hours: float,
    night_hour_weight: float,
    days: int = DAYS_PER_YEAR,
) -> float:
    """Paid staff hours a year for one residence's base staffing.

    Daytime: day_staff x day_hours every day, less weekday_reduction_staff x weekday_reduction_hours on
    weekdays (residents at daily activity). Night: night_staff x night_hours, each hour weighted
    (a sleeping night counts as a share of a waking hour)."""
    day = day_staff * day_hours * days - weekday_reduction_staff * weekday_reduction_hours * weekdays
    night = night_staff * night_hours * days * night_hour_weight
    return day + night


def base_staffing_cost(hours: float, hourly_wage: float, on_cost_share: float, overhead_share: float) -> float:
    """Yearly cost (kr/year): hours x wage, plus on-costs (holiday pay, unsocial hours, social fees) and overhead."""
    return hours * hourly_wage * (1 + on_cost_share) * (1 + overhead_share)


def minimal_mixes(amounts: pd.Series, cost: float, max_residents: int) -> pd.DataFrame:
    """Every minimal mix of residents by level whose yearly amounts cover the cost.

    amounts: kr/person-year by level (the levels that may be mixed, e.g. the two lowest).
    A mix is minimal when it covers the cost and removing any one resident would not.
    Returns one row per mix: a column per level (residents), residents, revenue (kr/year), surplus."""
    levels = list(amounts.index)
    a = amounts.to_numpy(float)
    if (a <= 0).any():
        raise LevelError("amounts must be positive to cover a cost")
    grids = np.meshgrid(*[np.arange(max_residents + 1)] * len(levels), indexing="ij")
    mix = np.stack([g.ravel() for g in grids], axis=1)
    mix = mix[mix.sum(axis=1) <= max_residents]
    revenue = mix @ a
    covers = revenue >= cost - 1e-6
    minimal = covers.copy()
    for k in range(len(levels)):
        has = mix[:, k] > 0
        minimal &= ~has | (revenue - a[k] < cost - 1e-6)
    m = mix[minimal]
    out = pd.DataFrame(m, columns=[f"level_{lv}" for lv in levels])
    out["residents"] = m.sum(axis=1)
    out["revenue"] = revenue[minimal]
    out["surplus"] = out.revenue - cost
    return out.sort_values([f"level_{levels[-1]}", "residents"]).reset_index(drop=True)


# --- the two payment channels ----------------------------------------------------------------


def channel_comparison(levels: pd.DataFrame, occupancy: float = 1.0) -> pd.DataFrame:
    """Per level: the yearly standard amount against the daily rates x 365 x occupancy (kr/year)."""
    out = levels[KEY + ["points_min", "points_max", "standard_amount"]].copy()
    for ch in CHANNELS[1:]:
        out[f"{ch}_year"] = levels[ch] * DAYS_PER_YEAR * occupancy
    out["standard_vs_municipal"] = out.standard_amount / out.daily_rate_municipal_year
    return out


def amount_sweep(flows: pd.DataFrame, old_amounts: pd.Series, variants: pd.DataFrame) -> pd.DataFrame:
    """Many candidate tariffs at once: for each variant (a row of new amounts, kr/year, columns (housing_form,
    level) as in `yearly_amounts`), the total cost before and after for the flows' persons (kr/year), the change,
    and the persons whose amount rises and falls. A cells x variants matrix: persons with the same old and new
    level are one cell, so the work does not grow with the persons."""
    old = _amount(old_amounts, flows.housing_form, flows.old_level)
    persons = flows.persons.to_numpy(float)
    columns = pd.MultiIndex.from_arrays([flows.housing_form, flows.new_level])
    missing = ~columns.isin(variants.columns)
    if missing.any():
        form, level = columns[missing][0]
        raise LevelError(f"the variants have no amount for {form} level {level}")
    new = variants.reindex(columns=columns).to_numpy(float)  # variants x cells
    change = new - old[None, :]
    before = float(old @ persons)
    after = new @ persons
    return pd.DataFrame(
        {
            "cost_before": before,
            "cost_after": after,
            "cost_change": after - before,
            "persons_gaining": (change > 0) @ persons,
            "persons_losing": (change < 0) @ persons,
        },
        index=variants.index,
    )


# --- drift in the level mix -----------------------------------------------------------------------


def drift_share(share_per_year: float, years: float) -> float:
    """The share of each level's persons one level lower after `years` years at share_per_year a year (0-1; a
    negative share moves them up): 1 - (1 - share)^years with the sign kept. At most one level: an approximation
    for small shares and a few years."""
    if not -1 < share_per_year < 1:
        raise LevelError(f"drift {share_per_year:g} a year is outside -1..1")
    moved = 1 - (1 - abs(share_per_year)) ** max(years, 0.0)
    return float(np.copysign(moved, share_per_year))


def drift_neutrality(
    flows: pd.DataFrame,
    old_levels: pd.DataFrame,
    new_levels: pd.DataFrame,
    old_amounts: pd.Series,
    new_amounts: pd.Series,
    share_per_year: float,
    years: Mapping[int, float],
) -> pd.DataFrame:
    """How neutrality moves as the mix drifts toward the low levels (share_per_year > 0) with the amounts held as set
    on the counted population: per projected year (year -> years since the count), the share moved one level down
    and the cost before and after (kr/year), the change and its share."""
    rows = []
    for year, elapsed in years.items():
        moved = drift_share(share_per_year, elapsed)
        shifted = shift_mix(flows, old_levels, new_levels, -moved)
        n = neutrality(shifted, old_amounts, new_amounts).set_index("housing_form").loc["all"]
        rows.append(
            {
                "year": year,
                "moved_down": moved,
                "before": float(n.before),
                "after": float(n.after),
                "change": float(n.change),
                "change_share": float(n.change_share),
            }
        )
    return pd.DataFrame(rows)


def drift_at_tolerance(
    flows: pd.DataFrame,
    old_levels: pd.DataFrame,
    new_levels: pd.DataFrame,
    old_amounts: pd.Series,
    new_amounts: pd.Series,
    years: float,
    tolerance: float,
    highest: float = 0.5,
) -> float:
    """The smallest drift a year toward the low levels (0..highest) at which the change after `years` years is more
    than `tolerance` of the cost (share, either way); NaN when it stays within it up to `highest`. The change's
    share is monotone in the drift (both sides are linear in the share moved), so bisection finds it. Being linear,
    each side is computed at no move and at a whole move down (shift_mix at 0 and -1) and read off in between."""

    def totals(share: float) -> tuple[float, float]:
        n = neutrality(shift_mix(flows, old_levels, new_levels, share), old_amounts, new_amounts)
        row = n.set_index("housing_form").loc["all"]
        return float(row.before), float(row.after)

    (b0, a0), (b1, a1) = totals(0.0), totals(-1.0)

    def off(d: float) -> float:
        moved = abs(drift_share(d, years))
        before, after = b0 + (b1 - b0) * moved, a0 + (a1 - a0) * moved
        return abs((after - before) / before) - tolerance

    if off(0.0) > 0:
        return 0.0
    if off(highest) <= 0:
        return float("nan")
    lo, hi = 0.0, highest
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if off(mid) > 0 else (mid, hi)
    return hi


# --- incentives at level boundaries ---------------------------------------------------------------


def boundary_steps(levels: pd.DataFrame, system: str, occupancy: float = 1.0) -> pd.DataFrame:
    """At each boundary between adjacent levels of a housing form: the points where the higher level starts, and what
    moving one level up is worth a year in each channel (kr/person-year; daily rates at occupancy)."""
    rows = []
    for form, lv in levels.groupby("housing_form", sort=False):
        lv = lv.sort_values("points_min")
        for low, high in zip(lv.itertuples(), lv.iloc[1:].itertuples()):
            row = {
                "system": system,
                "housing_form": form,
                "from_level": int(low.level),
                "to_level": int(high.level),
                "at_points": int(high.points_min),
            }
            for ch in CHANNELS:
                factor = 1.0 if ch == "standard_amount" else DAYS_PER_YEAR * occupancy
                row[ch] = (float(getattr(high, ch)) - float(getattr(low, ch))) * factor
            rows.append(row)
    return pd.DataFrame(rows)


# --- base staffing in each channel -------------------------------------------------------------------


def example_coverage(example: pd.DataFrame, amounts: Mapping[str, pd.Series], cost: float, occupancy: float) -> pd.DataFrame:
    """A residence of given residents (example: housing_form, level, residents) in each channel: its revenue a year
    (kr; amounts: channel -> kr/person-year by (housing_form, level) at full occupancy), whether it covers base
    staffing (cost, kr/year) at the given occupancy, and the lowest occupancy at which it does (daily rates only;
    above 1 means never)."""
    rows = []
    for form, ex in example.groupby("housing_form", sort=False):
        for ch, a in amounts.items():
            full = float(sum(r.residents * a[(form, r.level)] for r in ex.itertuples()))
            paid = full if ch == "standard_amount" else full * occupancy
            rows.append(
                {
                    "housing_form": form,
                    "channel": ch,
                    "residents": int(ex.residents.sum()),
                    "revenue": paid,
                    "covers": paid >= cost - 1e-6,
                    "lowest_occupancy": np.nan if ch == "standard_amount" else cost / full,
                }
            )
    return pd.DataFrame(rows)
