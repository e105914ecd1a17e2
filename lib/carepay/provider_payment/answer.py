"""The answer a board member reads first (provider payment): every figure and claim computed from the result."""

from __future__ import annotations

import pandas as pd

from carepay.formats import kr, number, percent, signed_kr
from carepay.i18n import _, term
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
        _(
            "Paying providers {basis} would cost {payment} a year against {today} paid per executed hour today: ",
            basis=term(BASIS_NAMES[params.basis]),
            payment=kr(chosen.payment + premium),
            today=kr(today),
        )
        + (_("**the same total**") if same else f"**{signed_kr(change)}** ({percent(change / today, 1)})")
        + (_(", outcome premiums of {premium} included.", premium=kr(premium)) if premium else ".")
    ]
    if same and params.basis == "level_month" and params.level_amounts == "calibrated":
        out[0] += _(" The level amounts are calibrated to keep it; what moves is who is paid for what.")
    out.append(
        _(
            "Executed time would be {execution_ratio} of granted time ({executed_hours} hours a year) against {today_hours} today",
            execution_ratio=percent(chosen.execution_ratio, 0),
            executed_hours=number(chosen.executed_hours),
            today_hours=percent(today_hours / granted, 0),
        )
        + ("." if abs(chosen.executed_hours - today_hours) < 1 else f": {signed_hours(chosen.executed_hours - today_hours)}.")
    )
    parts = [
        (prov, b.loc[(params.basis, prov)].change_vs_today)
        for prov in ("in_house", "external")
        if (params.basis, prov) in b.index
    ]
    if parts:
        out.append(
            _("By provider: ")
            + "; ".join(
                _("{provision} providers {change}", provision=term(prov.replace("_", "-")), change=signed_kr(ch))
                for prov, ch in parts
            )
            + _(" a year against today.")
        )
    ratios = params.execution[params.basis]
    documented = params.basis == "executed_hours"
    out.append(
        _(
            "The answer rests most on how much of the granted time providers would deliver under this basis ({in_house} in-house, {external} external), ",
            in_house=percent(ratios.in_house, 0),
            external=percent(ratios.external, 0),
        )
        + (
            _("which the report gives for today.")
            if documented
            else _("an assumption: the report gives it only for payment per executed hour and, under 50 %, for granted time.")
        )
    )
    if r.synthetic:
        out.append(_("Payments are computed on a [SYNTHETIC] population calibrated to the report's totals."))
    return out


def signed_hours(value: float) -> str:
    text = number(value)
    return _("{hours} hours", hours=text if text.startswith("\u2212") else "+" + text)


KeyResult = tuple[str, str, float | str, str]


def key_results(r: ProviderPayment, params: ProviderPaymentParams) -> list[KeyResult]:
    """The headline figures, with stable ids (pinned in tests/pinned/provider_payment.yaml); Leksand–Rättvik's first
    where the scenario is about it (focus: leksand)."""
    chosen, today, premium = totals(r, params)
    orebro: list[KeyResult] = [
        (
            "payment_proposed_basis",
            _("Payment basis proposed: {basis}", basis=term(BASIS_NAMES[params.basis])),
            chosen.payment,
            "kr/year",
        ),
        ("payment_today", _("Payment per executed hour today"), today, "kr/year"),
        ("payment_change", _("Change in the municipality's payment"), chosen.payment - today + premium, "kr/year"),
        ("execution_ratio", _("Executed share of granted time under it"), chosen.execution_ratio, "%"),
        ("executed_hours", _("Executed hours under it"), chosen.executed_hours, "hours/year"),
        ("outcome_premiums", _("Outcome premiums"), premium, "kr/year"),
    ]
    own = r.leksand[r.leksand.chosen].iloc[0]
    price = params.staff.price
    leksand: list[KeyResult] = [
        (
            "leksand_break_even_client_share",
            _("Leksand–Rättvik: time at the client at which {price} kr covers the in-house cost", price=number(price)),
            float(own.break_even_client_share),
            "%",
        ),
        (
            "leksand_price_in_house",
            _("Leksand–Rättvik: price the in-house cost implies with the indirect time priced in"),
            float(own.price_at_priced_share),
            "kr/hour",
        ),
        (
            "leksand_margin",
            _("Leksand–Rättvik: margin {price} kr leaves", price=number(price)),
            float(own.margin_at_price),
            "kr/hour",
        ),
        (
            "leksand_adaptation_year",
            _("Leksand–Rättvik: in-house result over the adaptation year, per 1 000 executed hours a month"),
            float(r.adaptation.result_per_1000_hours.sum()),
            "kr",
        ),
        (
            "leksand_price_in_2018",
            _("Leksand–Rättvik's {price} kr in 2018 prices", price=number(price)),
            payment_indexed(params),
            "kr/hour",
        ),
    ]
    creep: list[KeyResult] = [
        (
            "level_creep_cost",
            _(
                "Paid per level and month: {level_creep_share} of clients one level up",
                level_creep_share=percent(params.level_creep_share, 0),
            ),
            float(r.level_creep.creep_cost.sum()),
            "kr/year",
        ),
        (
            "level_drop_loss_median",
            _("A provider's loss a year when a client drops one level (median over levels)"),
            float(r.level_creep.drop_loss_per_year[r.level_creep.drop_loss_per_year > 0].median()),
            "kr/year",
        ),
        (
            "rehabilitation_net_median",
            _("What a level drop leaves a provider after a prevention premium (median over levels)"),
            float(r.rehabilitation.net_per_year.median()),
            "kr/year",
        ),
    ]
    pc = r.provision_change.set_index("provision")
    creep += [
        (
            f"level_month_change_{prov}",
            label,
            float(pc.change[prov]),
            "kr/year",
        )
        for prov, label in (
            ("in_house", _("Paid per level and month: in-house providers' payment change")),
            ("external", _("Paid per level and month: external providers' payment change")),
        )
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
            _(
                "Paid per level and month, the payment follows the assessed level: if {level_creep_share} of each level's clients were assessed one level higher, the municipality would pay **{creep_cost} a year** more. The other way, a client who improves and drops a level costs the provider {drops_min} to {drops_max} a year: payment per level penalises the rehabilitation the reform wants, unless an outcome premium pays for it.",
                level_creep_share=percent(params.level_creep_share, 0),
                creep_cost=kr(float(c.creep_cost.sum())),
                drops_min=kr(float(drops.min())),
                drops_max=kr(float(drops.max())),
            )
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
        return _("A prevention premium at the report's share covers the loss of a level drop at every level.")
    return _(
        "A prevention premium at the report's share pays {premium_per_year_min} to {premium_per_year_max} a year for it, and covers the drop at {n_covered} of {n_t} levels: a client dropping from level {level} still leaves the provider {net_per_year} a year worse off.",
        premium_per_year_min=kr(float(t.premium_per_year.min())),
        premium_per_year_max=kr(float(t.premium_per_year.max())),
        n_covered=len(covered),
        n_t=len(t),
        level=worst.level,
        net_per_year=kr(abs(float(worst.net_per_year))),
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
            _(
                " ({change_low} to {change_high} over the in-house share's range)",
                change_low=signed_kr(float(row.change_low)),
                change_high=signed_kr(float(row.change_high)),
            )
            if pd.notna(row.change_low)
            else ""
        )
        parts.append(_("{name} providers {change} a year{span}", name=name, change=signed_kr(float(row.change)), span=span))
    shares = r.provision_change.attrs.get("in_house_share_range")
    inferred = (
        _(
            " The report gives no in-house share; it is inferred from the execution ratios as {in_house_share} of granted time, {shares} to {shares_2} as the overall ratio runs over its range.",
            in_house_share=percent(r.in_house_share, 0),
            shares=percent(shares[0], 0),
            shares_2=percent(shares[1], 0),
        )
        if shares
        else ""
    )
    label = "[SYNTHETIC] " if r.synthetic else ""
    return _("{label}Paid per level and month instead of per executed hour: ", label=label) + "; ".join(parts) + "." + inferred


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
    text = _(
        "Leksand–Rättvik: the in-house cost of {own_cost} per executed hour at {own_cost_client_share} of working time at the client is {staff_cost_per_hour} a working hour, so {price} per executed hour covers it once **{break_even_client_share} of working time** is spent at the client. With the {indirect_time} indirect time priced in ({text}), the in-house cost implies {price_at_priced_share} an hour, so {price} leaves {text_2} {margin_at_price} ({margin_share}).",
        own_cost=kr(s.own_cost),
        own_cost_client_share=percent(s.own_cost_client_share, 0),
        staff_cost_per_hour=kr(float(own.staff_cost_per_hour), 1),
        price=kr(s.price),
        break_even_client_share=percent(float(own.break_even_client_share), 1),
        indirect_time=percent(s.indirect_time, 0),
        text=own.reading.split("; ")[1],
        price_at_priced_share=kr(float(own.price_at_priced_share), 1),
        text_2=_("a margin of") if own.margin_at_price >= 0 else _("a deficit of"),
        margin_at_price=kr(abs(float(own.margin_at_price)), 1),
        margin_share=percent(abs(float(own.margin_share)), 1),
    )
    text += (
        _(
            " Through the adaptation year, with the share at the client rising evenly to the priced one, the in-house service runs a deficit for {n_a} months",
            n_a=len(a) - len(positive),
        )
        + (_(" and is in surplus from month {text}", text=int(positive.month.iloc[0])) if len(positive) else "")
        + _(
            "; over the year, per 1 000 executed hours a month, {result_per_1000_hours}.",
            result_per_1000_hours=signed_kr(float(a.result_per_1000_hours.sum())),
        )
    )
    text += (
        _(
            " Read as a share of granted time instead, the 482 kr say nothing about working time: the gap of {margin_at_price} an hour ({margin_share} of the price) does not close by delivering more of the granted time, and the adaptation year alone would not close it.",
            margin_at_price=kr(abs(float(granted.margin_at_price))),
            margin_share=percent(abs(float(granted.margin_share)), 0),
        )
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
    return _(
        "As a deduction alone (no response) the rule would save {saving} a year {basis}; if providers close {response} of their gap by delivering more, it saves {saving_2} and clients get {hours_added} more hours a year. The rule's saving is the hours that are not delivered: the more providers respond, the less it saves and the more care is given.",
        saving=kr(float(none.saving)),
        basis=term(BASIS_NAMES[row.basis]),
        response=percent(float(row.response), 0),
        saving_2=kr(float(row.saving)),
        hours_added=number(float(row.hours_added)),
    )
