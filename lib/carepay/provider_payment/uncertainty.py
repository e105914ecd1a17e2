"""Provider payment under uncertainty: the proposed basis's executed hours, execution ratio and payment over the
scenario's draws of the execution ratios under that basis (carepay.uncertainty), vectorised over draws.

Outcome premiums stay at their central value (their goal shares are not drawn).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from carepay import payment, uncertainty
from carepay.provider_payment.analysis import ProviderPayment, proposed_rate
from carepay.provider_payment.answer import totals
from carepay.provider_payment.params import ProviderPaymentParams
from carepay.sources import DataPackage

CHUNK_CELLS = 2_000_000


@dataclass
class Prepared:
    """Person-months (hours/month) with today's execution ratio per row, and what the basis pays."""

    executed_today: np.ndarray
    granted: np.ndarray
    in_house: np.ndarray
    base_ratio: np.ndarray
    fixed_payment: np.ndarray | None  # kr/person-month where the basis does not pay by executed hours
    hourly_rate: float
    payment_today: float
    premium: float
    params: ProviderPaymentParams


def prepare(r: ProviderPayment, params: ProviderPaymentParams, _orebro: DataPackage) -> Prepared:
    df = r.person_months
    execution = params.execution["executed_hours"]
    in_house = (df.provision == "in_house").to_numpy()
    rate = proposed_rate(params, r.hourly_rate)
    fixed = None
    if params.basis != "executed_hours":
        fixed = payment.revenue(
            df, params.basis, hourly_rate=rate, level_amounts=r.amounts, capitation_rate=params.payment_total / len(df)
        )
    _, today, premium = totals(r, params)
    return Prepared(
        executed_today=df.executed_hours.to_numpy(float),
        granted=df.granted_hours.to_numpy(float),
        in_house=in_house,
        base_ratio=np.where(in_house, execution.in_house, execution.external),
        fixed_payment=None if fixed is None else np.asarray(fixed, float),
        hourly_rate=rate,
        payment_today=today,
        premium=premium,
        params=params,
    )


def headlines(prep: Prepared, draws: pd.DataFrame) -> pd.DataFrame:
    """Payment under the proposed basis and its change against today (kr/year), executed hours (hours/year) and
    the executed share of granted time (0-1), one row per draw; columns named by the key results' ids."""
    p = prep.params
    ratios = p.execution[p.basis]
    r_in = _column(draws, f"execution.{p.basis}.in_house", ratios.in_house)
    r_ex = _column(draws, f"execution.{p.basis}.external", ratios.external)
    n = len(draws)
    paid, hours = np.empty(n), np.empty(n)
    for part in uncertainty.chunked(n, max(1, CHUNK_CELLS // max(1, len(prep.granted)))):
        ratio = np.where(prep.in_house, r_in[part, None], r_ex[part, None])
        executed = prep.executed_today * ratio / prep.base_ratio
        if prep.fixed_payment is None:
            pay = payment.per_executed_hour(executed, prep.hourly_rate)
        else:
            pay = np.broadcast_to(prep.fixed_payment, executed.shape)
            if p.guaranteed_share is not None:
                pay = payment.guaranteed_execution(pay, executed, prep.granted, p.guaranteed_share)
        paid[part], hours[part] = pay.sum(axis=1), executed.sum(axis=1)
    return pd.DataFrame(
        {
            "payment_proposed_basis": paid,
            "payment_change": paid - prep.payment_today + prep.premium,
            "execution_ratio": hours / prep.granted.sum(),
            "executed_hours": hours,
        }
    )


def _column(draws: pd.DataFrame, name: str, central: float) -> np.ndarray:
    return draws[name].to_numpy(float) if name in draws else np.full(len(draws), float(central))
