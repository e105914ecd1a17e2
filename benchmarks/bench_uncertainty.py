"""Uncertainty and sweeps: (a) each question's headlines over its default scenario's draws (1 000 draws, the
one-at-a-time swings and Sobol's design); (b) sweeps of 1 000 variants over 100 000 synthetic persons, for the fee
(1 000 elasticities) and for the regrouping (1 000 tariffs), in this process and on a 2-worker Dask LocalCluster.

    .venv/bin/python benchmarks/bench_uncertainty.py [--persons 100000] [--variants 1000] [--no-cluster]

On a 2-core machine the cluster cannot beat the vectorised in-process path: it adds starting workers, shipping
the data and scheduling. It pays with many machines or data too large for one.
"""

from __future__ import annotations

import argparse
import importlib
import time

import numpy as np
import pandas as pd
from common import footer, step

from carepay import params, sources, sweep, tariffs, uncertainty
from carepay.fee_incentives import uncertainty as fee_uncertainty
from carepay.level_regrouping import uncertainty as regrouping_uncertainty

QUESTIONS = ["fee_incentives", "provider_payment", "capitation_fairness", "level_regrouping"]


def _default(notebook: str):
    analysis = importlib.import_module(f"carepay.{notebook}.analysis")
    p = params.load(notebook)
    package = sources.load(getattr(analysis, "PACKAGE", None) or analysis.OREBRO)
    extra = [sources.load(analysis.RULES)] if hasattr(analysis, "RULES") else []
    return p, package, analysis.analyse(p, package, *extra)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=100_000)
    ap.add_argument("--variants", type=int, default=1000)
    ap.add_argument("--no-cluster", action="store_true")
    args = ap.parse_args()

    print("(a) headlines over the default scenario's draws")
    for notebook in QUESTIONS:
        p, package, r = _default(notebook)
        step(
            f"{notebook}: {p.uncertainty.draws} draws, swings and Sobol ({len(p.uncertainty.inputs)} inputs)",
            lambda p=p, package=package, r=r, nb=notebook: uncertainty.of_question(nb, r, p, package),
        )

    print(f"(b) sweeps of {args.variants} variants over {args.persons:,} synthetic persons".replace(",", " "))
    p = params.load("fee_incentives")
    pop = p.population
    scale = args.persons / pop.individuals
    big = uncertainty.with_values(
        p,
        {
            "population.individuals": args.persons,
            "population.hours_per_year": pop.hours_per_year * scale,
            "population.individuals_above_cap_hours": round(pop.individuals_above_cap_hours * scale),
        },
    )
    fi = importlib.import_module("carepay.fee_incentives.analysis")
    pkg, rules = sources.load(fi.PACKAGE), sources.load(fi.RULES)
    r = step(f"fee: the question at {args.persons * 12:,} person-months".replace(",", " "), lambda: fi.analyse(big, pkg, rules))
    prep = fee_uncertainty.prepare(r, big, pkg)
    draws = pd.DataFrame({"elasticity.central": np.linspace(-1.0, 0.0, args.variants)})
    step(f"fee: {args.variants} elasticities, in this process", lambda: sweep.evaluate(fee_uncertainty.headlines, prep, draws))

    lss = sources.load("stockholm_lss_housing_2023")
    old, new = lss.table("levels_current"), lss.table("levels_proposed")
    rng = np.random.default_rng(1)
    n = args.persons
    individuals = pd.DataFrame(
        {
            "person_id": np.char.add("p", np.arange(n).astype(str)),
            "housing_form": np.where(rng.random(n) < 0.3, "service_housing", "group_housing"),
            "points": rng.integers(0, 111, n),
        }
    )
    oa, na = tariffs.yearly_amounts(old, "standard_amount"), tariffs.yearly_amounts(new, "standard_amount")
    variants = pd.DataFrame(na.to_numpy()[None, :] * rng.uniform(0.9, 1.1, (args.variants, len(na))), columns=na.index)

    def regrouping_in_process() -> pd.DataFrame:
        flows, _ = tariffs.flows_individual(individuals, old, new)
        return sweep.evaluate(regrouping_uncertainty.tariff_sweep, (flows, oa), variants)

    step(f"regrouping: {args.variants} tariffs, persons mapped, in this process", regrouping_in_process)
    if not args.no_cluster:
        flows, _ = tariffs.flows_individual(individuals, old, new)
        for label, fn, prepared, rows in (
            ("fee", fee_uncertainty.headlines, prep, draws),
            ("regrouping", regrouping_uncertainty.tariff_sweep, (flows, oa), variants),
        ):
            start = time.perf_counter()
            sweep.evaluate(fn, prepared, rows, scheduler="local", workers=2, chunk=max(1, len(rows) // 2))
            print(f"  {label + ': the same on a 2-worker LocalCluster (start included)':<58}{time.perf_counter() - start:8.3f} s")
    footer()


if __name__ == "__main__":
    main()
