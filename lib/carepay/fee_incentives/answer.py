"""The answer a board member reads first (fee incentives): every figure and claim computed from the result."""

from __future__ import annotations

from typing import Any

import pandas as pd

from carepay.fee_incentives.analysis import PAYMENT_BASES, FeeIncentives, who_pays
from carepay.fee_incentives.params import FeeIncentivesParams
from carepay.formats import kr, number, percent, signed_kr
from carepay.i18n import N_, _, term
from carepay.report import small_cells
from carepay.sources import DataPackage
from carepay.uncertainty import crossing


def sentences(r: FeeIncentives, params: FeeIncentivesParams, pkg: DataPackage) -> list[str]:
    """The answer's sentences; where the scenario is about the response (focus: behaviour), the response and the price
    concept lead."""
    out, response = _sentences(r, params, pkg)
    if params.focus == "behaviour":
        out = response + [s for s in out if s not in response]
    return out


def _sentences(r: FeeIncentives, params: FeeIncentivesParams, pkg: DataPackage) -> tuple[list[str], list[str]]:
    """The answer's sentences in order, and those about the response (the elasticity and the price concept)."""
    rev = r.revenue.set_index("result").value
    change, today = rev["Change in fee revenue"], rev["Fee revenue today"]
    out = [
        _(
            "The 11-level fee would collect {change} {text} a year than today's {hourly_fee} an hour up to the cap ({change_2} of today's {today}), if people used as much help as today.",
            change=kr(abs(change)),
            text=_("less") if change < 0 else _("more"),
            hourly_fee=kr(params.hourly_fee),
            change_2=percent(abs(change) / today, 0),
            today=kr(today),
        )
    ]
    if change < 0:
        out.append(
            _(
                "To pay for that, executed hours would have to fall by {executed_hours_that_pay_for_the_loss} a year ({as_share_of_all_executed_hours}), at {cost_per_hour} an hour; the report expects {figure} ({figure_2}).",
                executed_hours_that_pay_for_the_loss=number(rev["Executed hours that pay for the loss"]),
                as_share_of_all_executed_hours=percent(rev["... as share of all executed hours"], 1),
                cost_per_hour=kr(r.cost_per_hour),
                figure=number(pkg.figure("break_even_hours")),
                figure_2=percent(pkg.figure("break_even_reduction_share"), 1),
            )
        )
    band = r.behaviour.set_index("elasticity")
    e = params.elasticity.central
    net = band.loc[e, "net_budget_effect"]
    lo, hi = r.break_even_search
    verdict = (
        _("no elasticity between {lo} and {hi} makes it pay for itself", lo=number(lo), hi=number(hi))
        if r.break_even_elasticity is None
        else _(
            "it pays for itself at an elasticity of {break_even_elasticity}",
            break_even_elasticity=number(r.break_even_elasticity, 2),
        )
    )
    response = [
        _(
            "At an elasticity of {e}, hours change by {hours_change_share} and the net budget effect is **{net}** a year: {verdict}.",
            e=number(e, 1),
            hours_change_share=percent(band.loc[e, "hours_change_share"], 2),
            net=signed_kr(net),
            verdict=verdict,
        )
    ]
    out.append(response[0])
    pays = who_pays(r.person_months)
    out.append(
        _(
            "Of those who can pay a fee, {share_pay_less} would pay less and {share_pay_more} more; {zero_headroom} of {persons} pay nothing either way",
            share_pay_less=percent(pays["share_pay_less"], 0),
            share_pay_more=percent(pays["share_pay_more"], 0),
            zero_headroom=number(pays["zero_headroom"]),
            persons=number(pays["persons"]),
        )
        + (_(" ([SYNTHETIC] population).") if r.synthetic else ".")
    )
    response.append(price_concept(r, params))
    out.append(response[-1])
    return out, response


def break_even(r: FeeIncentives, params: FeeIncentivesParams, pkg: DataPackage) -> str:
    """Whether the proposal pays for itself through the response, and why; chosen by the numbers (r.behaviour,
    r.break_even_elasticity, r.by_income)."""
    lo, hi = r.break_even_search
    e = params.elasticity.central
    moved = float(r.behaviour.set_index("elasticity").loc[e, "hours_change_share"])
    if r.break_even_elasticity is not None:
        return _(
            "The proposal pays for itself at an elasticity of **{break_even_elasticity}**.",
            break_even_elasticity=number(r.break_even_elasticity, 2),
        )
    pays = who_pays(r.person_months)
    why = (
        _(
            "the proposal lowers the fee for {share_pay_less} of those who pay one, so their price of an hour falls and hours rise rather than fall; the stronger the response, the more it costs",
            share_pay_less=percent(pays["share_pay_less"], 0),
        )
        if moved > 0
        else _(
            "hours fall by {moved}, short of the {figure} the report needs",
            moved=percent(abs(moved), 2),
            figure=percent(pkg.figure("break_even_reduction_share"), 1),
        )
    )
    return _(
        "**No elasticity between {lo} and {hi} makes the proposal pay for itself** in this model: at {e} {why}.",
        lo=number(lo, 2),
        hi=number(hi, 0),
        e=number(e, 2),
        why=why,
    )


def price_concept(r: FeeIncentives, params: FeeIncentivesParams) -> str:
    """What the price concept does to the answer; chosen by the numbers (r.nonfee_sensitivity)."""
    t = r.nonfee_sensitivity
    general = t[t.price_concept == "generalised"].set_index("nonfee_cost")
    own = float(t[t.price_concept == "out-of-pocket"].net_budget_effect.iloc[0])
    if params.elasticity.price_concept == "out_of_pocket":
        c = float(params.elasticity.nonfee_cost)
        return _(
            "Hours respond to their out-of-pocket price, as the published elasticities are measured; were they to respond to the fee plus a non-fee cost of an hour ({value}, an assumption no document gives), the net effect would be {net_budget_effect} instead.",
            value=kr(c),
            net_budget_effect=signed_kr(float(general.loc[c, "net_budget_effect"])),
        )
    cheapest = general.index.min()
    return _(
        "The answer rests most on the non-fee cost of an hour of help ({nonfee_cost}, an assumption the documents do not give): at {cheapest} the net effect would be {net_budget_effect}, and against the out-of-pocket price, as the published elasticities are measured, {own}.",
        nonfee_cost=kr(params.elasticity.nonfee_cost),
        cheapest=kr(cheapest),
        net_budget_effect=signed_kr(float(general.loc[cheapest, "net_budget_effect"])),
        own=signed_kr(own),
    )


KeyResult = tuple[str, str, float | str, str]


FEE_NAMES = {"today": N_("today's fee"), "proposed": N_("the proposed fee")}


def combination_results(r: FeeIncentives, params: FeeIncentivesParams) -> list[KeyResult]:
    """The net cost of each combination of fee and payment basis (kr/year), the scenario's own first."""
    c = r.combinations.set_index(["fee", "basis"])
    out = [
        (
            f"net_cost_fee_{fee}_paid_{basis}",
            _("Net cost: {fee}, providers paid {basis}", fee=term(FEE_NAMES[fee]), basis=term(PAYMENT_BASES[basis])),
            float(c.net_cost[(fee, basis)]),
            "kr/year",
        )
        for fee, basis in c.index
    ]
    own = _(
        "net_cost_fee_{fee_in_force}_paid_{payment_basis}", fee_in_force=params.fee_in_force, payment_basis=params.payment_basis
    )
    return sorted(out, key=lambda k: k[0] != own)


def combinations(r: FeeIncentives, params: FeeIncentivesParams) -> str:
    """Under which payment basis the fee proposal pays for itself, and at what response; chosen by the numbers
    (r.combinations, r.break_even_elasticity)."""
    c = r.combinations.set_index(["fee", "basis"])
    e = params.elasticity.central
    hourly = float(c.net_cost_change[("proposed", "executed_hours")])
    level = float(c.net_cost_change[("proposed", "level_month")])
    moved = float(r.combinations.attrs.get("hours_change_share", 0.0))
    be = r.break_even_elasticity
    lo, hi = r.break_even_search
    text = (
        _(
            "The two reforms together: with providers paid per executed hour, the proposed fee changes the municipality's net cost by **{hourly} a year** at an elasticity of {e} (executed hours {text} by {moved})",
            hourly=signed_kr(hourly),
            e=number(e, 2),
            text=_("rise") if moved > 0 else _("fall"),
            moved=percent(abs(moved), 1),
        )
        + (
            _(", and pays for itself only at an elasticity of {be} or stronger. ", be=number(be, 2))
            if be is not None
            else _(", and no elasticity from {lo} to {hi} makes it pay for itself. ", lo=number(lo, 2), hi=number(hi, 0))
        )
        + _(
            "Paid per level and month, executed hours do not move the payment (a client's level follows granted time), so the proposed fee changes the net cost by **{level} a year** whatever the response: ",
            level=signed_kr(level),
        )
    )
    if moved < 0:
        text += _(
            "fewer hours save only while providers are paid per executed hour, so the report's argument that they pay for the fee cut needs today's payment basis."
        )
    else:
        text += _(
            "the fee cut lowers what most pay for an hour, so hours rise rather than fall; they cost the municipality only while providers are paid per executed hour, and paid per level and month the proposal costs {hourly} a year {text}.",
            hourly=kr(abs(hourly - level)),
            text=_("less") if level < hourly else _("more"),
        )
    return text


def board_table(r: FeeIncentives, params: FeeIncentivesParams) -> pd.DataFrame:
    """The board's view on one table: per combination of fee and payment basis, the net cost against today
    (kr/year), executed hours' change (%), the fee change of the lowest and highest tenth by income (kr/month; 0
    under today's fee) and the in-house and external providers' payment change (kr/year), where known."""
    d = _shown(r.by_income).set_index("decile")  # an extract's tenths of fewer than min_cell_persons: not shown
    rows = []
    hours_today = float(r.combinations.executed_hours.iloc[0])
    for _i, c in r.combinations.iterrows():
        proposed = c.fee == "proposed"
        row = {
            "combination": _("{fee}, paid {basis}", fee=term(FEE_NAMES[c.fee]), basis=term(PAYMENT_BASES[c.basis])),
            "net_cost_change": float(c.net_cost_change),
            "hours_change_share": float(c.executed_hours) / hours_today - 1,
            "fee_change_lowest_tenth": float(d.change[1]) if proposed else 0.0,
            "fee_change_highest_tenth": float(d.change[10]) if proposed else 0.0,
        }
        for prov in ("in_house", "external"):
            if f"payment_change_{prov}" in c.index:
                row[f"payment_change_{prov}"] = float(c[f"payment_change_{prov}"])
        rows.append(row)
    out = pd.DataFrame(rows)
    own = _("{fee}, paid {basis}", fee=term(FEE_NAMES[params.fee_in_force]), basis=term(PAYMENT_BASES[params.payment_basis]))
    out.attrs["units"] = {
        "net_cost_change": "kr/year",
        "hours_change_share": "%",
        "fee_change_lowest_tenth": "kr/month",
        "fee_change_highest_tenth": "kr/month",
        "payment_change_in_house": "kr/year",
        "payment_change_external": "kr/year",
    }
    out.attrs["labels"] = {
        "net_cost_change": _("net cost against today"),
        "hours_change_share": _("executed hours"),
        "fee_change_lowest_tenth": _("fee change, lowest tenth by income"),
        "fee_change_highest_tenth": _("fee change, highest tenth by income"),
        "payment_change_in_house": _("in-house providers' payment"),
        "payment_change_external": _("external providers' payment"),
    }
    out.attrs["own"] = own if params.focus == "combination" else None
    return out


def _shown(table: pd.DataFrame) -> pd.DataFrame:
    """table as an analyst's extract may show it: the figures of rows of too few persons emptied (small_cells)."""
    return small_cells(table)


def _withheld(table: pd.DataFrame) -> set[Any]:
    """The index labels of a table's rows an analyst's extract may not show (carepay.report.small_cells)."""
    shown = small_cells(table)
    return {table.index[i] for i in shown.attrs.get("suppressed", [])}


def groups(r: FeeIncentives) -> str:
    """The groups the report's fee model leaves out, as this population holds them; chosen by the numbers
    (r.groups)."""
    label = "[SYNTHETIC] " if r.synthetic else ""
    withheld = _withheld(r.groups)
    held = r.groups[r.groups.persons > 0]
    absent = r.groups[r.groups.persons == 0]
    parts = [
        _("{group} (too few persons to show apart)", group=term(g.group))
        if g.Index in withheld
        else _(
            "{group} ({persons} persons, {change} a month on average, {in_this_scenario})",
            group=term(g.group),
            persons=number(g.persons),
            change=signed_kr(g.change),
            in_this_scenario=g.in_this_scenario,
        )
        for g in held.itertuples()
    ]
    text = _("{label}The report's fee model leaves out some groups; this population holds ", label=label) + (
        "; ".join(parts) + "." if parts else _("none of them.")
    )
    if len(absent):
        text += _(
            " Not in this population: {join} (the scenario couples_75_plus draws them).",
            join=", ".join(term(g) for g in absent.group),
        )
    return text


def incidence(r: FeeIncentives) -> str:
    """Who pays more and who pays less by income; chosen by the numbers (r.by_income, r.above_cap)."""
    d = _shown(r.by_income).set_index("decile")  # an extract's tenths of too few persons: not shown
    word = _("income after tax and housing") if r.by_income.attrs.get("basis") == "income" else _("fee headroom")
    low, high = d.loc[1], d.loc[10]
    a = r.above_cap
    label = "[SYNTHETIC] " if r.synthetic else ""
    if pd.isna(low.change) or pd.isna(high.change):
        return _(
            "{label}By {word}: the tenths hold too few persons to show apart. Clients whose headroom reaches the cap, "
            "{share_of_persons} of them, receive **{share_of_fee_cut} of the fee cut** ({fee_cut} a year in all).",
            label=label,
            word=word,
            share_of_persons=percent(a["share_of_persons"], 0),
            share_of_fee_cut=percent(a["share_of_fee_cut"], 0),
            fee_cut=kr(a["fee_cut"]),
        )

    def moves(row: pd.Series) -> str:
        if abs(float(row.change)) < 0.5:
            return _("pays the same")
        return _(
            "{text} {change} a month on average",
            text=_("pays") if row.change > 0 else _("saves"),
            change=kr(abs(float(row.change))),
        )

    return _(
        "{label}By {word}: the lowest tenth {moves} ({pay_more} pay more, {pay_less} less), the highest tenth {moves_2} ({pay_more_2} pay more). Clients whose headroom reaches the cap, {share_of_persons} of them, receive **{share_of_fee_cut} of the fee cut** ({fee_cut} a year in all).",
        label=label,
        word=word,
        moves=moves(low),
        pay_more=percent(low.pay_more, 0),
        pay_less=percent(low.pay_less, 0),
        moves_2=moves(high),
        pay_more_2=percent(high.pay_more, 0),
        share_of_persons=percent(a["share_of_persons"], 0),
        share_of_fee_cut=percent(a["share_of_fee_cut"], 0),
        fee_cut=kr(a["fee_cut"]),
    )


def bunching(r: FeeIncentives, params: FeeIncentivesParams) -> str:
    """The proposed fee's notches and what bunching below them would cost; chosen by the numbers (r.notches)."""
    n = r.notches
    within = int(n.person_months_within_band.sum())
    months = len(r.person_months)
    worst = n.loc[n.mean_jump.idxmax()]
    label = "[SYNTHETIC] " if r.synthetic else ""
    return _(
        "{label}The proposed fee keeps its notches: at each threshold the fee jumps by a share of the headroom. {within} person-months ({within_2}) sit within {bunching_band_hours} hours above a threshold; the largest mean jump, {mean_jump} a month, is at {threshold} hours. If all of them kept just below their threshold, fee revenue would fall by **{revenue_if_bunched} a year** (Kleven 2016 on bunching at notches).",
        label=label,
        within=number(within),
        within_2=percent(within / months, 1),
        bunching_band_hours=number(params.bunching_band_hours, 1),
        mean_jump=kr(float(worst.mean_jump)),
        threshold=number(float(worst.threshold), 1),
        revenue_if_bunched=kr(-float(n.revenue_if_bunched.sum())),
    )


def key_results(r: FeeIncentives, params: FeeIncentivesParams) -> list[KeyResult]:
    """The headline figures, with stable ids (pinned in tests/pinned/fee_incentives.yaml); the scenario's
    combination of fee and payment basis first where it is about one (focus: combination)."""
    rev = r.revenue.set_index("result").value
    band = r.behaviour.set_index("elasticity")
    e = params.elasticity.central
    both = combination_results(r, params)
    d = _shown(r.by_income).set_index("decile")
    tenths: list[KeyResult] = [
        ("fee_change_lowest_tenth", _("Fee change, lowest tenth by income"), float(d.change[1]), "kr/month"),
        ("fee_change_highest_tenth", _("Fee change, highest tenth by income"), float(d.change[10]), "kr/month"),
    ]
    who: list[KeyResult] = [
        *(k for k in tenths if not pd.isna(k[2])),  # an extract's tenth of too few persons: not a headline
        (
            "fee_cut_share_headroom_above_cap",
            _("Share of the fee cut to clients whose headroom reaches the cap"),
            r.above_cap["share_of_fee_cut"],
            "%",
        ),
    ]
    notch: list[KeyResult] = [
        (
            "notch_person_months",
            _(
                "Person-months within {bunching_band_hours} hours above a threshold",
                bunching_band_hours=number(params.bunching_band_hours, 1),
            ),
            float(r.notches.person_months_within_band.sum()),
            "person-months",
        ),
        (
            "bunching_revenue_loss",
            _("Fee revenue lost if they bunched below"),
            float(-r.notches.revenue_if_bunched.sum()),
            "kr/year",
        ),
    ]
    ids = {"alarm only": "alarm_only", "aged 75 and over": "aged_75_plus", "couples": "couples", "under 65": "under_65"}
    left_out: list[KeyResult] = [
        (f"fee_change_{ids[g.group]}", _("Fee change, {group}", group=term(g.group)), float(g.change), "kr/month")
        for g in r.groups.itertuples()
        if g.persons > 0 and g.Index not in _withheld(r.groups)
    ]
    docs = document_results(r, params, rev, band, e)
    if params.focus == "behaviour":  # the response leads: the net budget effect, then what it would take
        docs = sorted(docs, key=lambda k: {"net_budget_effect": 0, "break_even_hours": 1}.get(k[0], 2))
    return (
        (both if params.focus == "combination" else [])
        + (notch if params.focus == "bunching" else [])
        + (left_out if params.focus == "groups" else [])
        + docs
        + ([] if params.focus == "combination" else both)
        + who
        + ([] if params.focus == "bunching" else notch)
        + ([] if params.focus == "groups" else left_out)
    )


def document_results(
    r: FeeIncentives, params: FeeIncentivesParams, rev: pd.Series, band: pd.DataFrame, e: float
) -> list[KeyResult]:
    """The fee proposal's headline figures as the report has it."""
    return [
        ("fee_cap", _("Fee cap {year}", year=params.year), r.rules["fee_cap"], "kr/month"),
        ("fee_revenue_today", _("Fee revenue today"), rev["Fee revenue today"], "kr/year"),
        ("fee_revenue_proposal", _("Fee revenue under the proposal"), rev["Fee revenue under the proposal"], "kr/year"),
        ("fee_revenue_change", _("Change in fee revenue (no change in hours)"), rev["Change in fee revenue"], "kr/year"),
        (
            "break_even_hours",
            _("Executed hours that would pay for it"),
            rev["Executed hours that pay for the loss"],
            "hours/year",
        ),
        (
            "net_budget_effect",
            _("Net budget effect at elasticity {e}", e=number(e, 1)),
            band.loc[e, "net_budget_effect"],
            "kr/year",
        ),
        (
            "zero_marginal_price_share_today",
            _("Persons facing a zero price for one more hour today"),
            r.zero_price.persons_zero_marginal_price.iloc[0],
            "%",
        ),
    ]


#: Elasticities over which the report draws whether the proposal pays for itself.
PAYS_FOR_ITSELF_GRID = [round(-0.1 * i, 1) for i in range(13)]


def pays_for_itself_grid(params: FeeIncentivesParams) -> list[float]:
    """PAYS_FOR_ITSELF_GRID, within the elasticities the price concept allows (an arc elasticity to the out-of-pocket
    price: above -1)."""
    if params.elasticity.price_concept == "out_of_pocket":
        return [e for e in PAYS_FOR_ITSELF_GRID if e > -1]
    return PAYS_FOR_ITSELF_GRID


def pays_for_itself(curve: pd.DataFrame) -> str:
    """Whether and from which elasticity the proposal pays for itself: at the scenario's values, and with the most
    favourable 5 % of draws of the other uncertain inputs. curve: carepay.uncertainty.curve over elasticity.central
    of the net budget effect."""
    x = curve["elasticity.central"]
    at_central, at_best = crossing(x, curve.central), crossing(x, curve.high)
    span = _("between an elasticity of {text} and {text_2}", text=number(x.iloc[0], 1), text_2=number(x.iloc[-1], 1))
    if at_central is None and at_best is None:
        return _(
            "{span} the proposal **does not pay for itself**: not at this scenario's values, and not in the most favourable 5 % of draws of the other uncertain inputs.",
            span=span.capitalize(),
        )
    if at_central is None:
        return _(
            "{span} the proposal does not pay for itself at this scenario's values; in the most favourable 5 % of draws of the other uncertain inputs it would from an elasticity of {at_best}.",
            span=span.capitalize(),
            at_best=number(at_best, 2),
        )
    return _(
        "The proposal **pays for itself from an elasticity of {at_central}** at this scenario's values",
        at_central=number(at_central, 2),
    ) + (_(" (from {at_best} in the most favourable 5 % of draws).", at_best=number(at_best, 2)) if at_best is not None else ".")
