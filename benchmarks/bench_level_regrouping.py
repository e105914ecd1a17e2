"""Level regrouping at scale: mapping, neutrality and winners/losers for 1 000 000 persons, and 100 000 simulated
residences; part 2 (exposure by district board and provider, transition rules, sorted residences, drift, the
provider's side of base staffing) at the same sizes.

    .venv/bin/python benchmarks/bench_level_regrouping.py [--persons 1000000] [--residences 100000]

Persons get random points on the Stockholm scale (0-110) in both housing forms; the level
systems and amounts are the document's (Tables 1 and 2).
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from common import footer, step

from carepay import exposure, sources, tariffs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--residences", type=int, default=100_000)
    args = ap.parse_args()
    pkg = sources.load("stockholm_lss_housing_2023")
    old, new = pkg.table("levels_current"), pkg.table("levels_proposed")
    rng = np.random.default_rng(1)
    n = args.persons
    individuals = pd.DataFrame(
        {
            "person_id": np.arange(n).astype(str),
            "housing_form": np.where(rng.random(n) < 0.3, "service_housing", "group_housing"),
            "points": rng.integers(0, 111, n),
        }
    )
    oa, na = tariffs.yearly_amounts(old, "standard_amount"), tariffs.yearly_amounts(new, "standard_amount")
    print(f"{n:,} persons, {args.residences:,} residences".replace(",", " "))
    as_read = individuals.astype({"points": str})  # as pandas reads a CSV with dtype=str
    step(
        "validate an individual-points file (as read from CSV)",
        lambda: tariffs.validate_individuals(as_read, "bench"),
    )
    flows, ind = step("map persons old -> new levels by points", lambda: tariffs.flows_individual(individuals, old, new))
    step("neutrality (totals per form)", lambda: tariffs.neutrality(flows, oa, na))
    step("mean-preserving amounts", lambda: tariffs.mean_preserving(flows, oa))
    step(
        "winners and losers per person (1 row per person)",
        lambda: tariffs.residence_changes(ind.rename(columns={"person_id": "pid"}), oa, na, by="pid"),
    )
    step("winners and losers by old level", lambda: tariffs.changes_by_old_level(tariffs.person_changes(flows, oa, na)))
    counts = tariffs.counts_by(flows, "old")
    step("uniform split from counts", lambda: tariffs.flows_uniform(old, counts, new))
    res = step(
        f"simulate {args.residences:,} group residences of 6".replace(",", " "),
        lambda: tariffs.simulate_residences(flows, "group_housing", 6, args.residences, seed=1),
    )
    step("budget change per residence", lambda: tariffs.residence_changes(res, oa, na))
    step("residences with only low / only high levels", lambda: tariffs.homogeneous_shares(res, [0, 1], [6, 7]))
    step(
        "minimal resident mixes, 2 levels, up to 12 residents",
        lambda: tariffs.minimal_mixes(na.loc["service_housing"].iloc[:2], 3.5e6, 12),
    )
    print("  part 2")
    ind = ind.assign(district_board=rng.integers(0, 13, n).astype(str), provider=rng.integers(0, 300, n).astype(str), persons=1.0)
    each = tariffs.changes_per_person(ind[["housing_form", "old_level", "new_level"]], oa, na)
    before, after = each.before.to_numpy(), each.after.to_numpy()
    step(
        "change per district board (1 000 000 residents, 13 boards)",
        lambda: exposure.unit_changes(ind, "district_board", before, after),
    )
    step("change per provider (300 providers)", lambda: exposure.unit_changes(ind, "provider", before, after))
    step(
        "synthetic allocation of the flows to 13 boards, 20 draws",
        lambda: [exposure.allocate(flows, 13, 0.5, k, "b") for k in range(20)],
    )
    step("loss cap on every resident", lambda: exposure.loss_cap_cost(before, after - before, np.ones(n), 0.05))
    step("losses phased in over two years", lambda: exposure.phase_in_cost(after - before, np.ones(n), 2))
    sorted_res = step(
        f"simulate {args.residences:,} group residences of 6".replace(",", " ") + ", sorted by need at 0,7",
        lambda: tariffs.simulate_residences(flows, "group_housing", 6, args.residences, seed=1, sorting=0.7),
    )
    changes = tariffs.residence_changes(sorted_res, oa, na)
    step(
        "loss cap on every residence", lambda: exposure.loss_cap_cost(changes.before, changes.change, np.ones(len(changes)), 0.05)
    )
    step(
        "drift: neutrality in 2024 and 2026",
        lambda: tariffs.drift_neutrality(flows, old, new, oa, na, 0.03, {2024: 1.35, 2026: 3.35}),
    )
    # random points are not the document's population: the tolerance is set 0,5 points beyond their own change
    base = abs(float(tariffs.neutrality(flows, oa, na).change_share.iloc[-1]))
    step(
        "drift that breaks a tolerance 0,5 points beyond (bisection)",
        lambda: tariffs.drift_at_tolerance(flows, old, new, oa, na, 3.35, base + 0.005),
    )
    step("steps one level up at every boundary", lambda: tariffs.boundary_steps(new, "new", 0.9))
    footer()


if __name__ == "__main__":
    main()
