"""carepay.tariffs: hand-worked cases and properties (hypothesis) of level mapping and neutral tariffs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carepay import tariffs
from carepay import tariffs as t
from carepay.sources import ExtractError
from carepay.tariffs import LevelError


def levels(form, bounds, amounts=None):
    """Levels 1.. from a list of upper bounds (the first starts at 0)."""
    rows, lo = [], 0
    for i, hi in enumerate(bounds):
        rows.append(
            {
                "housing_form": form,
                "level": i + 1,
                "points_min": lo,
                "points_max": hi,
                "standard_amount": (amounts[i] if amounts else 100.0 * (i + 1)),
            }
        )
        lo = hi + 1
    return pd.DataFrame(rows)


OLD = levels("g", [9, 19, 29], [100.0, 200.0, 300.0])  # 0-9, 10-19, 20-29
NEW = levels("g", [14, 29], [150.0, 250.0])  # 0-14, 15-29
COUNTS = pd.Series({("g", 1): 10.0, ("g", 2): 20.0, ("g", 3): 30.0})


def amounts(lv):
    return t.yearly_amounts(lv, "standard_amount")


def test_uniform_split_by_hand():
    f = t.flows_uniform(OLD, COUNTS, NEW).set_index(["old_level", "new_level"]).persons
    # old level 2 (10-19) has 5 of its 10 points in new level 1 (0-14): half its 20 persons
    assert f[(1, 1)] == 10 and f[(2, 1)] == 10 and f[(2, 2)] == 10 and f[(3, 2)] == 30


def test_monotone_split_by_hand():
    counts_new = pd.Series({("g", 1): 16.0, ("g", 2): 44.0})
    f = t.flows_monotone(OLD, COUNTS, NEW, counts_new).set_index(["old_level", "new_level"]).persons
    assert f[(1, 1)] == 10 and f[(2, 1)] == 6 and f[(2, 2)] == 14 and f[(3, 2)] == 30


def test_monotone_split_rejects_inconsistent_counts():
    with pytest.raises(LevelError, match="add up to 50 persons but the old ones to 60"):
        t.flows_monotone(OLD, COUNTS, NEW, pd.Series({("g", 1): 10.0, ("g", 2): 40.0}))
    with pytest.raises(LevelError, match="whose point ranges do not meet"):
        t.flows_monotone(OLD, COUNTS, NEW, pd.Series({("g", 1): 40.0, ("g", 2): 20.0}))


def test_neutrality_by_hand():
    f = t.flows_uniform(OLD, COUNTS, NEW)
    n = t.neutrality(f, amounts(OLD), amounts(NEW)).set_index("housing_form")
    # before 10*100 + 20*200 + 30*300 = 14 000; after 20*150 + 40*250 = 13 000
    assert n.loc["all", "before"] == 14000 and n.loc["all", "after"] == 13000
    assert n.loc["all", "change_share"] == pytest.approx(-1000 / 14000)


def test_mean_preserving_by_hand():
    f = t.flows_uniform(OLD, COUNTS, NEW)
    mp = t.mean_preserving(f, amounts(OLD))
    assert mp[("g", 1)] == pytest.approx((10 * 100 + 10 * 200) / 20)  # 150
    assert mp[("g", 2)] == pytest.approx((10 * 200 + 30 * 300) / 40)  # 275


def test_scaling_factor_by_hand():
    f = t.flows_uniform(OLD, COUNTS, NEW)
    scaled, factor = t.scale_to_neutral(f, amounts(OLD), amounts(NEW))
    assert factor["g"] == pytest.approx(14000 / 13000)
    assert t.neutrality(f, amounts(OLD), scaled).change.abs().max() < 1e-9


def test_floors_by_hand():
    f = t.flows_uniform(OLD, COUNTS, NEW)  # 20 persons in new 1, 40 in new 2, budget 14 000
    floors = pd.Series({("g", 1): 200.0})
    got, lam = t.floors_to_neutral(f, amounts(OLD), amounts(NEW), floors)
    # 20*max(200, 150 l) + 40*250 l = 14 000 -> with the floor binding: 4 000 + 10 000 l = 14 000, l = 1
    assert lam["g"] == pytest.approx(1.0)
    assert got[("g", 1)] == pytest.approx(200) and got[("g", 2)] == pytest.approx(250)
    with pytest.raises(LevelError, match="floors alone cost 20,000 kr"):
        t.floors_to_neutral(f, amounts(OLD), amounts(NEW), pd.Series({("g", 1): 1000.0}))


def test_minimal_mixes_by_hand():
    m = t.minimal_mixes(pd.Series({1: 100.0, 2: 250.0}), cost=500, max_residents=6)
    mixes = {(r.level_1, r.level_2) for r in m.itertuples()}
    # 5 x 100; 3 x 100 + 1 x 250 = 550; 1 x 100 + 2 x 250 = 600; 0 + 2 x 250 = 500
    assert mixes == {(5, 0), (3, 1), (0, 2)}
    assert (m.revenue >= 500).all()


def test_base_staffing_hours_by_hand():
    # Stockholm: 2 staff x 16 h x 365 - 1 x 8 h x 250 weekdays + 1 sleeping night staff x 8 h x 365 x 0.3
    assert t.base_staffing_hours(2, 16, 1, 8, 250, 1, 8, 0.3) == pytest.approx(11680 - 2000 + 876)
    assert t.base_staffing_cost(1000, 200, 0.5, 0.1) == pytest.approx(1000 * 200 * 1.5 * 1.1)


@pytest.mark.parametrize(
    "bounds, message",
    [
        ([(0, 10), (12, 110)], "gap between level 1 .* points 11-11 belong to no level"),
        ([(0, 10), (10, 110)], "overlap"),
        ([(1, 10), (11, 110)], "starts at 1 points"),
        ([(0, 10), (11, 100)], "ends at 100 points; it must end at 110"),
        ([(0, 10), (11, 5)], "points_max 5 is below points_min 11"),
    ],
)
def test_bad_level_ranges_are_rejected(bounds, message):
    lv = pd.DataFrame(
        [{"housing_form": "g", "level": i + 1, "points_min": a, "points_max": b} for i, (a, b) in enumerate(bounds)]
    )
    with pytest.raises(LevelError, match=message):
        t.validate_levels(lv, top=110)


def test_assign_levels_and_individual_flows():
    ind = pd.DataFrame({"person_id": ["a", "b", "c", "d"], "housing_form": "g", "points": [0, 12, 15, 29]})
    assert list(t.assign_levels(ind.points, ind.housing_form, OLD)) == [1, 2, 2, 3]
    flows, out = t.flows_individual(ind, OLD, NEW)
    assert list(out.new_level) == [1, 1, 2, 2] and flows.persons.sum() == 4


S = "service_housing"


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda d: d.drop(columns="points"), "my.csv: missing column"),
        (lambda d: d.assign(points=["1", "x", "3"]), "row 3, field 'points': value 'x' is not a number"),
        (lambda d: d.assign(points=["1", "1.5", "3"]), "row 3, field 'points': value '1.5' is not a whole number"),
        (
            lambda d: d.assign(points=["1", "200", "3"]),
            r"value '200' is above the maximum 110; allowed: a whole number in points >= 0 <= 110",
        ),
        (lambda d: d.assign(person_id=["a", "a", "c"]), "field 'person_id': value 'a' appears twice"),
        (
            lambda d: d.assign(housing_form=[S, "x", S]),
            "field 'housing_form': value 'x' is not allowed; allowed: one of service_housing, group_housing",
        ),
        (lambda d: d.assign(shoe_size=1), "unknown column"),
    ],
)
def test_bad_individual_files(edit, message):
    d = pd.DataFrame({"person_id": ["a", "b", "c"], "housing_form": [S, S, S], "points": ["1", "2", "3"]})
    with pytest.raises(ExtractError, match=message):
        t.validate_individuals(edit(d), "my.csv")


def test_simulated_residences_are_seeded():
    f = t.flows_uniform(OLD, COUNTS, NEW)
    a = t.simulate_residences(f, "g", size=5, number=100, seed=1)
    b = t.simulate_residences(f, "g", size=5, number=100, seed=1)
    c = t.simulate_residences(f, "g", size=5, number=100, seed=2)
    assert a.equals(b) and not a.equals(c) and len(a) == 500


# --- properties ----------------------------------------------------------------------------


@st.composite
def systems(draw):
    """A random old and new level system on 0..top with a random population."""
    top = draw(st.integers(10, 120))

    def cuts(n_max):
        inner = draw(st.lists(st.integers(0, top - 1), min_size=0, max_size=n_max, unique=True))
        return sorted(inner) + [top]

    def frame(bounds):
        lo, rows = 0, []
        for i, hi in enumerate(bounds):
            rows.append(
                {
                    "housing_form": "f",
                    "level": i + 1,
                    "points_min": lo,
                    "points_max": hi,
                    "standard_amount": draw(st.floats(1e3, 3e6)),
                }
            )
            lo = hi + 1
        return pd.DataFrame(rows)

    old, new = frame(cuts(9)), frame(cuts(6))
    counts = pd.Series({("f", lv): float(draw(st.integers(0, 500))) for lv in old.level})
    if counts.sum() == 0:
        counts.iloc[0] = 1.0
    return top, old, new, counts


@settings(max_examples=150, deadline=None)
@given(systems())
def test_mapping_conserves_persons(sys_):
    top, old, new, counts = sys_
    t.validate_levels(old, top)
    t.validate_levels(new, top)
    f = t.flows_uniform(old, counts, new)
    assert f.persons.sum() == pytest.approx(counts.sum())
    assert t.counts_by(f, "old").reindex(counts.index, fill_value=0).to_numpy() == pytest.approx(counts.to_numpy())


@settings(max_examples=150, deadline=None)
@given(systems())
def test_mean_preserving_and_scaled_tariffs_are_cost_neutral(sys_):
    top, old, new, counts = sys_
    f = t.flows_uniform(old, counts, new)
    f = f[f.persons > 0]
    oa = t.yearly_amounts(old, "standard_amount")
    mp = t.mean_preserving(f, oa)
    n = t.neutrality(f, oa, mp)
    assert abs(n.change.iloc[-1]) <= 1e-9 * n.before.iloc[-1] + 1e-6
    given_amounts = t.yearly_amounts(new, "standard_amount")
    scaled, _ = t.scale_to_neutral(f, oa, given_amounts)
    n = t.neutrality(f, oa, scaled)
    assert abs(n.change.iloc[-1]) <= 1e-9 * n.before.iloc[-1] + 1e-6


@settings(max_examples=100, deadline=None)
@given(systems(), st.floats(0, 1))
def test_floors_are_met_and_neutral(sys_, floor_share):
    top, old, new, counts = sys_
    f = t.flows_uniform(old, counts, new)
    f = f[f.persons > 0]
    oa = t.yearly_amounts(old, "standard_amount")
    shape = t.yearly_amounts(new, "standard_amount").loc[t.counts_by(f, "new").index]
    budget = float((f.persons * oa.reindex(pd.MultiIndex.from_arrays([f.housing_form, f.old_level])).to_numpy()).sum())
    first = shape.index[0]
    floor_value = floor_share * budget / t.counts_by(f, "new")[first]
    got, _ = t.floors_to_neutral(f, oa, shape, pd.Series({first: floor_value}))
    assert got[first] >= floor_value - 1e-6
    n = t.neutrality(f, oa, got)
    assert abs(n.change.iloc[-1]) <= 1e-7 * budget + 1e-6


@settings(max_examples=100, deadline=None)
@given(st.integers(10, 120), st.lists(st.integers(0, 119), min_size=1, max_size=8))
def test_overlapping_ranges_are_rejected(top, starts):
    starts = sorted({s for s in starts if 0 < s < top})
    if not starts:
        return
    bounds = [(0, starts[0] - 1)] + [(a, b - 1) for a, b in zip(starts, starts[1:] + [top + 1])]
    lv = pd.DataFrame([{"housing_form": "f", "level": i, "points_min": a, "points_max": b} for i, (a, b) in enumerate(bounds)])
    t.validate_levels(lv, top)  # a true partition passes
    broken = lv.copy()
    broken.loc[1, "points_min"] -= 1  # now overlaps the level below
    with pytest.raises(LevelError, match="overlap"):
        t.validate_levels(broken, top)


def test_amount_sweep_equals_neutrality_and_person_changes_for_each_variant():
    from carepay import sources

    pkg = sources.load("stockholm_lss_housing_2023")
    old, new = pkg.table("levels_current"), pkg.table("levels_proposed")
    rng = np.random.default_rng(3)
    people = pd.DataFrame(
        {
            "person_id": [f"p{i}" for i in range(500)],
            "housing_form": np.where(rng.random(500) < 0.4, "service_housing", "group_housing"),
            "points": rng.integers(0, 111, 500),
        }
    )
    flows, ind = tariffs.flows_individual(people, old, new)
    oa, na = tariffs.yearly_amounts(old, "standard_amount"), tariffs.yearly_amounts(new, "standard_amount")
    variants = pd.DataFrame(na.to_numpy()[None, :] * rng.uniform(0.8, 1.2, (5, len(na))), columns=na.index)
    swept = tariffs.amount_sweep(flows, oa, variants)
    for i in range(5):
        amounts = pd.Series(variants.iloc[i].to_numpy(), index=na.index)
        total = tariffs.neutrality(flows, oa, amounts).set_index("housing_form").loc["all"]
        per_person = tariffs.changes_per_person(ind, oa, amounts)
        assert swept.cost_after.iloc[i] == pytest.approx(total.after)
        assert swept.cost_change.iloc[i] == pytest.approx(total.change)
        assert swept.persons_gaining.iloc[i] == (per_person.change > 0).sum()
        assert swept.persons_losing.iloc[i] == (per_person.change < 0).sum()
    by_board = tariffs.residence_changes(ind.assign(board=ind.points % 7), oa, na, by="board")
    assert list(by_board.board) == sorted(by_board.board) and by_board.residents.sum() == 500
    assert by_board.change.sum() == pytest.approx(tariffs.changes_per_person(ind, oa, na).change.sum())
