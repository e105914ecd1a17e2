"""The answer a board member reads first (provider payment): every figure and claim computed from the result."""

from __future__ import annotations

import pandas as pd

from carepay.formats import kr, number, percent, signed_kr
from carepay.provider_payment.analysis import BASIS_NAMES, ProviderPayment
from carepay.provider_payment.params import ProviderPaymentParams


def totals(r: ProviderPayment, params: ProviderPaymentParams) -> tuple[pd.Series, float, float]:
    """The proposed basis's row (all providers), today's payment and the outcome premiums (kr/year)."""
    chosen = r.bases.set_index(["basis", "provision"]).loc[(params.basis, "all")]
    today = float(r.person_months.payment_today.sum())
    premium = float(r.premium.expected_cost.sum()) if len(r.premium) else 0.0
    return chosen, today, premium


def sentences(r: ProviderPayment, params: ProviderPaymentParams) -> list[str]:
    b = r.bases.set_index(["basis", "provision"])
    chosen, today, premium = totals(r, params)
    change = chosen.payment + premium - today
    today_hours = float(r.person_months.executed_hours.sum())
    granted = float(r.person_months.granted_hours.sum())
    same = abs(change) < 0.5
    out = [
        f"Paying providers {BASIS_NAMES[params.basis]} would cost {kr(chosen.payment + premium)} a year against "
        f"{kr(today)} paid per executed hour today: "
        + ("**the same total**" if same else f"**{signed_kr(change)}** ({percent(change / today, 1)})")
        + (f", outcome premiums of {kr(premium)} included." if premium else ".")
    ]
    if same and params.basis == "level_month" and params.level_amounts == "calibrated":
        out[0] += " The level amounts are calibrated to keep it; what moves is who is paid for what."
    out.append(
        f"Executed time would be {percent(chosen.execution_ratio, 0)} of granted time "
        f"({number(chosen.executed_hours)} hours a year) against {percent(today_hours / granted, 0)} today"
        + ("." if abs(chosen.executed_hours - today_hours) < 1 else f": {signed_hours(chosen.executed_hours - today_hours)}.")
    )
    parts = [
        (prov, b.loc[(params.basis, prov)].change_vs_today)
        for prov in ("in_house", "external")
        if (params.basis, prov) in b.index
    ]
    if parts:
        out.append(
            "By provider: "
            + "; ".join(f"{prov.replace('_', '-')} providers {signed_kr(ch)}" for prov, ch in parts)
            + " a year against today."
        )
    ratios = params.execution[params.basis]
    documented = params.basis == "executed_hours"
    out.append(
        f"The answer rests most on how much of the granted time providers would deliver under this basis ("
        f"{percent(ratios.in_house, 0)} in-house, {percent(ratios.external, 0)} external), "
        + (
            "which the report gives for today."
            if documented
            else "an assumption: the report gives it only for payment per executed hour and, under 50 %, for granted time."
        )
    )
    if r.synthetic:
        out.append("Payments are computed on a [SYNTHETIC] population calibrated to the report's totals.")
    return out


def signed_hours(value: float) -> str:
    text = number(value)
    return (text if text.startswith("\u2212") else "+" + text) + " hours"


KeyResult = tuple[str, str, float | str, str]


def key_results(r: ProviderPayment, params: ProviderPaymentParams) -> list[KeyResult]:
    """The headline figures, with stable ids (pinned in tests/pinned/provider_payment.yaml)."""
    chosen, today, premium = totals(r, params)
    return [
        ("payment_proposed_basis", f"Payment basis proposed: {BASIS_NAMES[params.basis]}", chosen.payment, "kr/year"),
        ("payment_today", "Payment per executed hour today", today, "kr/year"),
        ("payment_change", "Change in the municipality's payment", chosen.payment - today + premium, "kr/year"),
        ("execution_ratio", "Executed share of granted time under it", chosen.execution_ratio, "%"),
        ("executed_hours", "Executed hours under it", chosen.executed_hours, "hours/year"),
        ("outcome_premiums", "Outcome premiums", premium, "kr/year"),
    ]
