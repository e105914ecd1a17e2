"""User fees at scale: both fee schedules for 1 000 000 person-months, and a sweep of 1 000 elasticity values.

    .venv/bin/python benchmarks/bench_fee_incentives.py [--person-months 1000000] [--elasticities 1000]

The sweep runs on the default scenario's population (2 700 persons x 12 months): for each elasticity
the hours respond, the proposal's fees are recomputed, and the net budget effect is summed.
"""

from __future__ import annotations

import argparse

import numpy as np
from common import footer, step

from carepay import fees, params, population, sources
from carepay.fee_incentives import analysis as fi


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--person-months", type=int, default=1_000_000)
    ap.add_argument("--elasticities", type=int, default=1000)
    args = ap.parse_args()
    p = params.load("fee_incentives")
    pkg, rules_pkg = sources.load(fi.PACKAGE), sources.load(fi.RULES)
    rules = fees.rules_for_year(rules_pkg, p.year)
    cap, shares = rules["fee_cap"], fi.shares_of(p, pkg)
    persons = args.person_months // 12
    pop = p.population
    df = step(
        f"synthetic population, {persons * 12:,} person-months".replace(",", " "),
        lambda: population.synthetic_fee_population(
            persons,
            pop.hours_per_year * persons / pop.individuals,
            pop.individuals_above_cap_hours / pop.individuals,
            cap / p.hourly_fee,
            pop.sigma_month,
            pop.income_median,
            pop.income_sigma,
            pop.housing_median,
            pop.housing_sigma,
            pop.supplement_income_limit,
            pop.supplement_share,
            rules["minimum_allowance_single"],
            pop.alarm_share,
            pop.seed,
        ),
    )
    h, room, alarm = df.executed_hours.to_numpy(), df.fee_headroom.to_numpy(), df.alarm.to_numpy()
    step("today's fee (hourly, capped by cap and headroom)", lambda: fees.hourly_fee(h, room, p.hourly_fee, cap))
    step(
        "proposed fee (levels, share of headroom)",
        lambda: fees.level_fee(fees.fee_levels(h, alarm, p.thresholds), room, shares, cap),
    )
    step(
        "marginal prices under both schedules",
        lambda: (
            fees.marginal_price_today(h, room, p.hourly_fee, cap),
            fees.band_price(h, alarm, room, p.thresholds, shares, cap),
        ),
    )
    r = fi.analyse(p, pkg, rules_pkg)
    small = r.person_months
    grid = np.linspace(-1.0, 0.0, args.elasticities)
    step(
        f"sweep of {args.elasticities} elasticities on {len(small):,} person-months".replace(",", " "),
        lambda: fi.behaviour_band(small, p, shares, cap, r.cost_per_hour, grid),
    )
    footer()


if __name__ == "__main__":
    main()
