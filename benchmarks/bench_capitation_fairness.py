"""Capitation fairness at scale: payments under the three models, every fairness measure, and the design
comparison (designs, transition, volume, adjusters, the pilot's comparison group) for about 1 000 000 person-months.

    .venv/bin/python benchmarks/bench_capitation_fairness.py [--scale 160]

The Västerås persons per provider and month are multiplied by --scale (160 gives 1 005 760
person-months) and a synthetic population is drawn to match them.
"""

from __future__ import annotations

import argparse

import pandas as pd
from common import footer, step

from carepay import capitation as c
from carepay import evaluation, payment, population, sources
from carepay.capitation_fairness import analysis as cf


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=160)
    args = ap.parse_args()
    pkg = sources.load(cf.PACKAGE)
    hours, persons = cf.document_cells(pkg)
    persons = persons.assign(persons=persons.persons * args.scale)
    hours = hours.assign(executed_hours=hours.executed_hours * args.scale)
    ratios = pd.Series(0.68, index=pkg.table("providers").provider)
    pm = step(
        "synthetic person-months calibrated to the tables",
        lambda: population.synthetic_person_months(
            persons, hours, ratios, 14, 0.7, 0.3, [8, 16, 30], ["low", "medium", "high", "very_high"], seed=1
        ),
    )
    print(f"  ({len(pm):,} person-months)".replace(",", " "))
    rate = 4653.70
    step(
        "hourly and flat capitation payments",
        lambda: (payment.per_executed_hour(pm.executed_hours, 436), payment.per_person_month(1, rate) * len(pm)),
    )
    pm["hourly"] = payment.per_executed_hour(pm.executed_hours, 436)
    pm["flat"] = rate
    w = step(
        "risk-adjusted weights (statsmodels OLS) and calibration",
        lambda: c.calibrate(c.estimate_weights(pm, "need_group", "hourly"), pm.need_group.value_counts(), rate * len(pm)),
    )
    pm["risk_adjusted"] = step("risk-adjusted payments", lambda: c.pay_by_group(pm.need_group, w))
    con = step(
        "fairness-constrained weights (constrained least squares)",
        lambda: c.estimate_constrained(pm, "need_group", "hourly", rate * len(pm), pm.provider == "vard_och_omsorg"),
    )
    pm["constrained"] = c.pay_by_group(pm.need_group, con)
    models = {"hourly": "hourly", "flat": "flat", "risk-adjusted": "risk_adjusted", "constrained": "constrained"}
    step(
        "R², Cumming's measure, predictive ratios by provider and need group",
        lambda: c.evaluate(pm, models, "hourly", ["provider", "need_group"]),
    )
    print("  the design comparison")
    above = step("hours above the stop-loss threshold, by provider", lambda: c.hours_above(pm, 30))
    totals = step(
        "provider totals from the person-months",
        lambda: (
            pm.groupby("provider", observed=True)
            .agg(person_months=("hourly", "size"), executed_hours=("executed_hours", "sum"), hourly_payment=("hourly", "sum"))
            .assign(capitation_payment=lambda t: t.person_months * rate)
            .reset_index()
        ),
    )
    designs = step("every design for every provider", lambda: c.design_comparison(totals, above, 436, 0.5, 0.05, 0.5, 436))
    step(
        "designs within the loss, loss cap, phase-in",
        lambda: (c.designs_within_loss(designs, 0.05), c.loss_cap(designs, 0.05), c.phase_in(designs, "capitation", 3)),
    )
    admin = c.administration(designs.design, 2, 620_000, 310_000)
    step("volume projected over three years", lambda: c.volume_projection(designs, admin, 0.043, 2021, [2022, 2023, 2024]))
    pm = step("synthetic adjusters (one per person)", lambda: population.synthetic_adjusters(pm, 0.6, 1))
    adjusters = list(c.ADJUSTERS)
    step("adjusters' fit in sample and out of sample", lambda: c.adjuster_fit(pm, adjusters, "hourly", "need_group", 1))
    paid = c.adjuster_payment(pm, pm, adjusters, "hourly", float(pm.hourly.sum()))
    step("predictive ratios by tenth of predicted cost", lambda: c.ratios_by_decile(pm.hourly, paid))
    step("the pilot's comparison group (last six months)", lambda: evaluation.comparison_group(pm, "skultuna", 6))
    footer()


if __name__ == "__main__":
    main()
