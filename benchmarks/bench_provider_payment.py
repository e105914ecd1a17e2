"""Provider payment at scale: every payment basis for about 1 000 000 person-months.

.venv/bin/python benchmarks/bench_provider_payment.py [--clients 83334]
"""

from __future__ import annotations

import argparse

import pandas as pd
from common import footer, step

from carepay import payment, population


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=83_334)  # x 12 months = 1 000 008 person-months
    args = ap.parse_args()
    df = step(
        "synthetic clients",
        lambda: population.synthetic_home_care(
            args.clients, 1e6 * args.clients / 2700, 0.63, 6.3, 0.3, 11200, 0.15, 5000, 0.1, 10000, 0.3, 0.0, 1, max_hours=150
        ),
    )
    df["level"] = payment.levels_of(df.granted_hours, [0, 8, 16, 26, 40, 60, 80, 95, 108])
    print(f"  ({len(df):,} person-months)".replace(",", " "))
    amounts = pd.Series({str(k): 1000.0 * k for k in range(1, 10)})
    for basis in payment.BASES:
        step(
            f"payment {basis}",
            lambda b=basis: payment.revenue(df, b, hourly_rate=300, level_amounts=amounts, capitation_rate=9000),
        )
    pay = payment.revenue(df, "granted_hours", hourly_rate=300)
    step(
        "guaranteed minimum execution (55 %)",
        lambda: payment.guaranteed_execution(pay, df.executed_hours, df.granted_hours, 0.55),
    )
    step("outcome premium (3 % x 12 %)", lambda: payment.premium(pay, 0.03, 0.12))
    step("payment by provision and basis", lambda: df.assign(pay=pay).groupby("provision").pay.sum())
    footer()


if __name__ == "__main__":
    main()
