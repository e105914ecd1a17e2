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
    """The headline figures, with stable ids (pinned in tests/pinned/provider_payment.yaml); Leksand–Rättvik's first
    where the scenario is about it (focus: leksand)."""
    chosen, today, premium = totals(r, params)
    orebro: list[KeyResult] = [
        ("payment_proposed_basis", f"Payment basis proposed: {BASIS_NAMES[params.basis]}", chosen.payment, "kr/year"),
        ("payment_today", "Payment per executed hour today", today, "kr/year"),
        ("payment_change", "Change in the municipality's payment", chosen.payment - today + premium, "kr/year"),
        ("execution_ratio", "Executed share of granted time under it", chosen.execution_ratio, "%"),
        ("executed_hours", "Executed hours under it", chosen.executed_hours, "hours/year"),
        ("outcome_premiums", "Outcome premiums", premium, "kr/year"),
    ]
    own = r.leksand[r.leksand.chosen].iloc[0]
    price = params.staff.price
    leksand: list[KeyResult] = [
        (
            "leksand_break_even_client_share",
            f"Leksand–Rättvik: time at the client at which {number(price)} kr covers the in-house cost",
            float(own.break_even_client_share),
            "%",
        ),
        (
            "leksand_price_in_house",
            "Leksand–Rättvik: price the in-house cost implies with the indirect time priced in",
            float(own.price_at_priced_share),
            "kr/hour",
        ),
        ("leksand_margin", f"Leksand–Rättvik: margin {number(price)} kr leaves", float(own.margin_at_price), "kr/hour"),
        (
            "leksand_adaptation_year",
            "Leksand–Rättvik: in-house result over the adaptation year, per 1 000 executed hours a month",
            float(r.adaptation.result_per_1000_hours.sum()),
            "kr",
        ),
        ("leksand_price_in_2018", f"Leksand–Rättvik's {number(price)} kr in 2018 prices", payment_indexed(params), "kr/hour"),
    ]
    creep: list[KeyResult] = [
        (
            "level_creep_cost",
            f"Paid per level and month: {percent(params.level_creep_share, 0)} of clients one level up",
            float(r.level_creep.creep_cost.sum()),
            "kr/year",
        ),
        (
            "level_drop_loss_median",
            "A provider's loss a year when a client drops one level (median over levels)",
            float(r.level_creep.drop_loss_per_year[r.level_creep.drop_loss_per_year > 0].median()),
            "kr/year",
        ),
        (
            "rehabilitation_net_median",
            "What a level drop leaves a provider after a prevention premium (median over levels)",
            float(r.rehabilitation.net_per_year.median()),
            "kr/year",
        ),
    ]
    pc = r.provision_change.set_index("provision")
    creep += [
        (
            f"level_month_change_{prov}",
            f"Paid per level and month: {name} providers' payment change",
            float(pc.change[prov]),
            "kr/year",
        )
        for prov, name in (("in_house", "in-house"), ("external", "external"))
        if prov in pc.index
    ]
    if params.focus == "leksand":
        return leksand + orebro + creep
    if params.focus == "level_creep":
        return creep + orebro + leksand
    return orebro + leksand + creep


def level_creep(r: ProviderPayment, params: ProviderPaymentParams) -> str:
    """What level creep costs and what rehabilitation costs a provider under payment per level and month; chosen by
    the numbers (r.level_creep)."""
    c = r.level_creep
    drops = c.drop_loss_per_year[c.drop_loss_per_year > 0]
    return (
        (
            f"Paid per level and month, the payment follows the assessed level: if {percent(params.level_creep_share, 0)} "
            f"of each level's clients were assessed one level higher, the municipality would pay **{kr(float(c.creep_cost.sum()))} "
            f"a year** more. The other way, a client who improves and drops a level costs the provider "
            f"{kr(float(drops.min()))} to {kr(float(drops.max()))} a year: payment per level penalises the rehabilitation "
            "the reform wants, unless an outcome premium pays for it."
        )
        + " "
        + rehabilitation(r)
    )


def rehabilitation(r: ProviderPayment) -> str:
    """A level drop against a prevention premium; chosen by the numbers (r.rehabilitation)."""
    t = r.rehabilitation
    if t.empty:
        return ""
    covered = t[t.net_per_year >= 0]
    worst = t.loc[t.net_per_year.idxmin()]
    if len(covered) == len(t):
        return "A prevention premium at the report's share covers the loss of a level drop at every level."
    return (
        f"A prevention premium at the report's share pays {kr(float(t.premium_per_year.min()))} to "
        f"{kr(float(t.premium_per_year.max()))} a year for it, and covers the drop at {len(covered)} of {len(t)} levels: "
        f"a client dropping from level {worst.level} still leaves the provider {kr(abs(float(worst.net_per_year)))} a year worse off."
    )


def provision_change(r: ProviderPayment) -> str:
    """Each provision's payment change paid per level and month, with its range over the inferred in-house share;
    chosen by the numbers (r.provision_change)."""
    t = r.provision_change.set_index("provision")
    parts = []
    for prov, name in (("in_house", "in-house"), ("external", "external")):
        if prov not in t.index:
            continue
        row = t.loc[prov]
        span = (
            f" ({signed_kr(float(row.change_low))} to {signed_kr(float(row.change_high))} over the in-house share's range)"
            if pd.notna(row.change_low)
            else ""
        )
        parts.append(f"{name} providers {signed_kr(float(row.change))} a year{span}")
    shares = r.provision_change.attrs.get("in_house_share_range")
    inferred = (
        f" The report gives no in-house share; it is inferred from the execution ratios as "
        f"{percent(r.in_house_share, 0)} of granted time, {percent(shares[0], 0)} to {percent(shares[1], 0)} as the overall "
        "ratio runs over its range."
        if shares
        else ""
    )
    label = "[SYNTHETIC] " if r.synthetic else ""
    return f"{label}Paid per level and month instead of per executed hour: " + "; ".join(parts) + "." + inferred


def payment_indexed(params: ProviderPaymentParams) -> float:
    """The Leksand–Rättvik price carried to Örebro's 2018 (kr/hour; carepay.payment.indexed)."""
    from carepay import payment
    from carepay.provider_payment.analysis import OREBRO_YEAR

    s = params.staff
    return payment.indexed(s.price, s.price_growth_per_year, s.price_year, OREBRO_YEAR)


def leksand(r: ProviderPayment, params: ProviderPaymentParams) -> str:
    """Leksand–Rättvik's question answered on its own terms; chosen by the numbers (r.leksand, r.adaptation)."""
    s = params.staff
    t = r.leksand
    own = t[t.chosen].iloc[0]
    granted = t.iloc[-1]
    a = r.adaptation
    positive = a[a.margin_per_executed_hour >= 0]
    text = (
        f"Leksand–Rättvik: the in-house cost of {kr(s.own_cost)} per executed hour at {percent(s.own_cost_client_share, 0)} "
        f"of working time at the client is {kr(float(own.staff_cost_per_hour), 1)} a working hour, so {kr(s.price)} per "
        f"executed hour covers it once **{percent(float(own.break_even_client_share), 1)} of working time** is spent at "
        f"the client. With the {percent(s.indirect_time, 0)} indirect time priced in ({own.reading.split('; ')[1]}), the "
        f"in-house cost implies {kr(float(own.price_at_priced_share), 1)} an hour, so {kr(s.price)} leaves "
        f"{'a margin of' if own.margin_at_price >= 0 else 'a deficit of'} {kr(abs(float(own.margin_at_price)), 1)} "
        f"({percent(abs(float(own.margin_share)), 1)})."
    )
    text += (
        f" Through the adaptation year, with the share at the client rising evenly to the priced one, the in-house "
        f"service runs a deficit for {len(a) - len(positive)} months"
        + (f" and is in surplus from month {int(positive.month.iloc[0])}" if len(positive) else "")
        + f"; over the year, per 1 000 executed hours a month, {signed_kr(float(a.result_per_1000_hours.sum()))}."
    )
    text += (
        f" Read as a share of granted time instead, the 482 kr say nothing about working time: the gap of "
        f"{kr(abs(float(granted.margin_at_price)))} an hour ({percent(abs(float(granted.margin_share)), 0)} of the price) "
        "does not close by delivering more of the granted time, and the adaptation year alone would not close it."
    ).replace("482 kr", kr(s.own_cost))
    return text


def guarantee(r: ProviderPayment, params: ProviderPaymentParams) -> str:
    """The guaranteed-time rule with a provider response; chosen by the numbers (r.guarantee)."""
    g = r.guarantee
    if g.empty:
        return ""
    row = g[(g.basis == params.basis) & g.chosen]
    if row.empty:
        row = g[g.chosen].head(1)
    row = row.iloc[0]
    none = g[(g.basis == row.basis) & (g.response == 0)].iloc[0]
    return (
        f"As a deduction alone (no response) the rule would save {kr(float(none.saving))} a year {BASIS_NAMES[row.basis]}; "
        f"if providers close {percent(float(row.response), 0)} of their gap by delivering more, it saves "
        f"{kr(float(row.saving))} and clients get {number(float(row.hours_added))} more hours a year. The rule's saving is "
        "the hours that are not delivered: the more providers respond, the less it saves and the more care is given."
    )
