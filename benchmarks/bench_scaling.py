"""How each library step scales: time and peak memory at 100 000, 1 000 000 and 10 000 000 rows, and the ratio
from 1 000 000 to 10 000 000 (linear is x10; the target is at most x12 for every step). Each time is the best
of three runs.

    .venv/bin/python benchmarks/bench_scaling.py [--sizes 100000 1000000 10000000]

Each question's steps at each size run in their own process, whose peak resident memory is reported (inputs
included); --trace adds each step's own peak allocation (tracemalloc; runs each step twice). Rows are persons for
the regrouping steps and person-months for the fee and provider-payment steps; ids and extracts are text, as an
analyst's CSV gives them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def _measure(fn: Callable[[], Any], trace: bool) -> tuple[float, float, Any]:
    """The best of three runs at every size (one run is noisy on a shared machine), and its peak allocation."""
    seconds, result = float("inf"), None
    for _ in range(3):
        result = None  # not two results alive at once
        start = time.perf_counter()
        result = fn()
        seconds = min(seconds, time.perf_counter() - start)
    peak = float("nan")
    if trace:
        del result
        tracemalloc.start()
        result = fn()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return seconds, peak, result


GROUPS = ("regrouping", "fee", "provider")


def one_size(n: int, group: str, trace: bool) -> list[dict[str, Any]]:
    """One question's steps at n rows; one row per step: seconds and MiB."""
    from carepay import fees, payment, population, sources, tariffs

    rows: list[dict[str, Any]] = []

    def step(label: str, fn: Callable[[], Any]) -> Any:
        seconds, peak, result = _measure(fn, trace)
        rows.append({"step": label, "rows": n, "seconds": seconds, "peak_mib": peak})
        return result

    rng = np.random.default_rng(1)
    persons = max(1, n // 12)
    if group == "regrouping":
        pkg = sources.load("stockholm_lss_housing_2023")
        old, new = pkg.table("levels_current"), pkg.table("levels_proposed")
        as_read = pd.DataFrame(
            {
                "person_id": _text(np.char.add("p", np.arange(n).astype(str))),
                "housing_form": _text(np.where(rng.random(n) < 0.3, "service_housing", "group_housing")),
                "points": _text(rng.integers(0, 111, n)),
            }
        )
        individuals = step(
            "regrouping: validate an individual-points file", lambda: tariffs.validate_individuals(as_read, "bench")
        )
        del as_read
        flows, ind = step(
            "regrouping: map persons to old and new levels", lambda: tariffs.flows_individual(individuals, old, new)
        )
        oa, na = tariffs.yearly_amounts(old, "standard_amount"), tariffs.yearly_amounts(new, "standard_amount")
        step("regrouping: winners and losers per person", lambda: tariffs.changes_per_person(ind, oa, na))
        step(
            "regrouping: change by district board (50 boards)",
            lambda: tariffs.residence_changes(ind.assign(district_board=ind.points % 50), oa, na, by="district_board"),
        )
        step("regrouping: cost and persons gaining, 1 000 tariffs", lambda: tariffs.amount_sweep(flows, oa, _variants(na, 1000)))
    elif group == "fee":
        df = step(
            "fee: synthetic person-months",
            lambda: population.synthetic_home_care(
                persons, 370.0 * persons, 0.63, 6.3, 0.3, 11200, 0.15, 5000, 0.1, 10000, 0.3, 0.0, 2018, max_hours=150
            ),
        )
        df["fee_headroom"] = fees.fee_headroom(df.income_after_tax, df.housing_supplement, 5000.0, df.housing_cost)
        h, room, alarm = df.executed_hours.to_numpy(), df.fee_headroom.to_numpy(), df.alarm.to_numpy()
        thresholds, shares = [4, 6, 10, 15, 23, 35, 55, 85, 130], np.linspace(0, 1, 11)
        step(
            "fee: today's and the proposal's fee",
            lambda: (
                fees.hourly_fee(h, room, 325, 2044),
                fees.level_fee(fees.fee_levels(h, alarm, thresholds), room, shares, 2044),
            ),
        )
        extract = pd.DataFrame(
            {
                "person_id": _text(df.person_id.to_numpy()),
                "period": df.period,
                "executed_hours": _text(np.round(h, 2)),
                "alarm": _text(alarm.astype(int)),
                "fee_headroom": _text(np.round(room, 2)),
            }
        )
        del df
        step(
            "fee: validate an extract of person-months",
            lambda: population.validate_home_care_extract(extract, "bench", "fee_incentives", 2018),
        )
    else:
        clients = step(
            "provider: synthetic clients",
            lambda: population.synthetic_home_care(
                persons, 370.0 * persons, 0.63, 6.3, 0.3, 11200, 0.15, 5000, 0.1, 10000, 0.3, 0.0, 1, max_hours=150
            ).assign(level=lambda d: payment.levels_of(d.granted_hours, [0, 8, 16, 26, 40, 60, 80, 95, 108])),
        )
        amounts = pd.Series({str(k): 1000.0 * k for k in range(1, 10)})
        step("provider: payment per level and month", lambda: payment.revenue(clients, "level_month", level_amounts=amounts))
        step(
            "provider: payment by provision",
            lambda: clients.assign(pay=clients.executed_hours * 300).groupby("provision", sort=False).pay.sum(),
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append({"step": f"{group}: peak resident memory of the process", "rows": n, "seconds": float("nan"), "peak_mib": rss})
    return rows


def _text(values: np.ndarray) -> pd.Series:
    """A column as pandas reads it from a CSV: text."""
    return pd.Series(values).astype("str")


def _variants(amounts: pd.Series, number: int) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    return pd.DataFrame(amounts.to_numpy()[None, :] * rng.uniform(0.9, 1.1, (number, len(amounts))), columns=amounts.index)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--group", choices=GROUPS, help=argparse.SUPPRESS)
    ap.add_argument("--trace", action="store_true", help="also each step's own peak allocation (runs it twice)")
    ap.add_argument(
        "--keep-freed-memory",
        action="store_true",
        help="run with MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ at 1 GiB: glibc then keeps freed arrays "
        "for reuse instead of returning every array above 32 MiB to the system (see README, Performance)",
    )
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_size(args.one, args.group, trace=args.trace)))
        return
    results = []
    for group in GROUPS:
        for n in args.sizes:
            cmd = [sys.executable, str(Path(__file__)), "--one", str(n), "--group", group] + (["--trace"] if args.trace else [])
            env = dict(os.environ)
            if args.keep_freed_memory:
                env.update(MALLOC_MMAP_THRESHOLD_=str(2**30), MALLOC_TRIM_THRESHOLD_=str(2**30))
            out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
            results.extend(json.loads(out.strip().splitlines()[-1]))
    table = pd.DataFrame(results)
    seconds = table.pivot_table(index="step", columns="rows", values="seconds", sort=False)
    memory = table.pivot_table(index="step", columns="rows", values="peak_mib", sort=False)
    print(f"{'step':<56}" + "".join(f"{n:>12,}".replace(",", " ") for n in args.sizes) + "    x (1e6->1e7)")
    for name in seconds.index:
        if seconds.loc[name].isna().all():
            continue
        cells = "".join(f"{seconds.loc[name, n]:>10.3f} s" for n in args.sizes) if name in seconds.index else ""
        ratio = ""
        if 1_000_000 in args.sizes and 10_000_000 in args.sizes:
            ratio = f"{seconds.loc[name, 10_000_000] / seconds.loc[name, 1_000_000]:>8.1f}"
        print(f"  {name:<54}{cells}{ratio}")
    print(f"\n{'peak memory (MiB)':<56}" + "".join(f"{n:>12,}".replace(",", " ") for n in args.sizes))
    for name in memory.index:
        if memory.loc[name].notna().any():
            print(f"  {name:<54}" + "".join(f"{memory.loc[name, n]:>12.1f}" for n in args.sizes))


if __name__ == "__main__":
    main()
