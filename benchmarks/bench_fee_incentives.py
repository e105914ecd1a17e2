"""User fees and provider payment at scale: the one Örebro model for 1 000 000 person-months.

    .venv/bin/python benchmarks/bench_fee_incentives.py [--person-months 1000000] [--elasticities 1000]

Steps: the shared synthetic population (carepay.home_care) at 1 000 000 person-months; both fee schedules on it; the
whole fee question on it (fees, the response, the four combinations of fee and payment basis, who pays by income and
household); the whole provider payment question on the same population; and a sweep of 1 000 elasticity values on
the default scenario's population (2 700 persons x 12 months).
"""

from __future__ import annotations

import argparse

import numpy as np
from common import footer, step

from carepay import fees, home_care, params, sources
from carepay.fee_incentives import analysis as fi
from carepay.provider_payment import analysis as pa


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
    big = pop.model_copy(
        update={
            "individuals": persons,
            "hours_per_year": pop.hours_per_year * persons / pop.individuals,
            "individuals_above_cap_hours": round(pop.individuals_above_cap_hours * persons / pop.individuals),
        }
    )
    df = step(
        f"shared synthetic population, {persons * 12:,} person-months".replace(",", " "),
        lambda: home_care.person_months(big, pkg, "fee_incentives"),
    )
    df["fee_headroom"] = fees.fee_headroom(
        df.income_after_tax, df.housing_supplement, rules["minimum_allowance_single"], df.housing_cost
    )
    h, room, alarm = df.executed_hours.to_numpy(), df.fee_headroom.to_numpy(), df.alarm.to_numpy()
    step("today's fee (hourly, capped by cap and headroom)", lambda: fees.hourly_fee(h, room, p.hourly_fee, cap))
    step(
        "proposed fee (levels, share of headroom)",
        lambda: fees.level_fee(fees.fee_levels(h, alarm, p.thresholds), room, shares, cap),
    )
    del df
    step(
        "the whole fee question, with the four combinations of fee and payment basis",
        lambda: fi.analyse(p.model_copy(update={"population": big}), pkg, rules_pkg),
    )
    q = params.load("provider_payment")
    step(
        "the whole provider payment question on the same population",
        lambda: pa.analyse(q.model_copy(update={"population": big}), pkg),
    )
    r = fi.analyse(p, pkg, rules_pkg)
    small = r.person_months
    grid = np.linspace(-0.99, 0.0, args.elasticities)
    step(
        f"sweep of {args.elasticities} elasticities on {len(small):,} person-months".replace(",", " "),
        lambda: fi.behaviour_band(small, p, shares, small.fee_cap.to_numpy(), r.cost_per_hour, grid),
    )
    footer()


if __name__ == "__main__":
    main()
