"""The answer a board member reads first (fee incentives): every figure and claim computed from the result."""

from __future__ import annotations

import pandas as pd

from carepay.fee_incentives.analysis import PAYMENT_BASES, FeeIncentives, who_pays
from carepay.fee_incentives.params import FeeIncentivesParams
from carepay.formats import kr, number, percent, signed_kr
from carepay.sources import DataPackage
from carepay.uncertainty import crossing


def sentences(r: FeeIncentives, params: FeeIncentivesParams, pkg: DataPackage) -> list[str]:
    """The answer's sentences; where the scenario is about the response (focus: behaviour), the response and the price
    concept lead."""
    out = _sentences(r, params, pkg)
    if params.focus == "behaviour":
        lead = [s for s in out if s.startswith(("At an elasticity", "Hours respond", "The answer rests"))]
        out = lead + [s for s in out if s not in lead]
    return out


def _sentences(r: FeeIncentives, params: FeeIncentivesParams, pkg: DataPackage) -> list[str]:
    rev = r.revenue.set_index("result").value
    change, today = rev["Change in fee revenue"], rev["Fee revenue today"]
    out = [
        f"The 11-level fee would collect {kr(abs(change))} {'less' if change < 0 else 'more'} a year than today's "
        f"{kr(params.hourly_fee)} an hour up to the cap ({percent(abs(change) / today, 0)} of today's {kr(today)}), "
        "if people used as much help as today."
    ]
    if change < 0:
        out.append(
            f"To pay for that, executed hours would have to fall by {number(rev['Executed hours that pay for the loss'])} "
            f"a year ({percent(rev['... as share of all executed hours'], 1)}), at {kr(r.cost_per_hour)} an hour; the report "
            f"expects {number(pkg.figure('break_even_hours'))} ({percent(pkg.figure('break_even_reduction_share'), 1)})."
        )
    band = r.behaviour.set_index("elasticity")
    e = params.elasticity.central
    net = band.loc[e, "net_budget_effect"]
    lo, hi = r.break_even_search
    verdict = (
        f"no elasticity between {number(lo)} and {number(hi)} makes it pay for itself"
        if r.break_even_elasticity is None
        else f"it pays for itself at an elasticity of {number(r.break_even_elasticity, 2)}"
    )
    out.append(
        f"At an elasticity of {number(e, 1)}, hours change by {percent(band.loc[e, 'hours_change_share'], 2)} and the "
        f"net budget effect is **{signed_kr(net)}** a year: {verdict}."
    )
    pays = who_pays(r.person_months)
    out.append(
        f"Of those who can pay a fee, {percent(pays['share_pay_less'], 0)} would pay less and "
        f"{percent(pays['share_pay_more'], 0)} more; {number(pays['zero_headroom'])} of {number(pays['persons'])} pay "
        "nothing either way" + (" ([SYNTHETIC] population)." if r.synthetic else ".")
    )
    out.append(price_concept(r, params))
    return out


def break_even(r: FeeIncentives, params: FeeIncentivesParams, pkg: DataPackage) -> str:
    """Whether the proposal pays for itself through the response, and why; chosen by the numbers (r.behaviour,
    r.break_even_elasticity, r.by_income)."""
    lo, hi = r.break_even_search
    e = params.elasticity.central
    moved = float(r.behaviour.set_index("elasticity").loc[e, "hours_change_share"])
    if r.break_even_elasticity is not None:
        return f"The proposal pays for itself at an elasticity of **{number(r.break_even_elasticity, 2)}**."
    pays = who_pays(r.person_months)
    why = (
        f"the proposal lowers the fee for {percent(pays['share_pay_less'], 0)} of those who pay one, so their price of an "
        "hour falls and hours rise rather than fall; the stronger the response, the more it costs"
        if moved > 0
        else f"hours fall by {percent(abs(moved), 2)}, short of the {percent(pkg.figure('break_even_reduction_share'), 1)} "
        "the report needs"
    )
    return (
        f"**No elasticity between {number(lo, 2)} and {number(hi, 0)} makes the proposal pay for itself** in this model: "
        f"at {number(e, 2)} {why}."
    )


def price_concept(r: FeeIncentives, params: FeeIncentivesParams) -> str:
    """What the price concept does to the answer; chosen by the numbers (r.nonfee_sensitivity)."""
    t = r.nonfee_sensitivity
    general = t[t.price_concept == "generalised"].set_index("nonfee_cost")
    own = float(t[t.price_concept == "out-of-pocket"].net_budget_effect.iloc[0])
    if params.elasticity.price_concept == "out_of_pocket":
        c = float(params.elasticity.nonfee_cost)
        return (
            "Hours respond to their out-of-pocket price, as the published elasticities are measured; were they to respond "
            f"to the fee plus a non-fee cost of an hour ({kr(c)}, an assumption no document gives), the net effect would "
            f"be {signed_kr(float(general.loc[c, 'net_budget_effect']))} instead."
        )
    cheapest = general.index.min()
    return (
        f"The answer rests most on the non-fee cost of an hour of help ({kr(params.elasticity.nonfee_cost)}, an "
        f"assumption the documents do not give): at {kr(cheapest)} the net effect would be "
        f"{signed_kr(float(general.loc[cheapest, 'net_budget_effect']))}, and against the out-of-pocket price, as the "
        f"published elasticities are measured, {signed_kr(own)}."
    )


KeyResult = tuple[str, str, float | str, str]


FEE_NAMES = {"today": "today's fee", "proposed": "the proposed fee"}


def combination_results(r: FeeIncentives, params: FeeIncentivesParams) -> list[KeyResult]:
    """The net cost of each combination of fee and payment basis (kr/year), the scenario's own first."""
    c = r.combinations.set_index(["fee", "basis"])
    out = [
        (
            f"net_cost_fee_{fee}_paid_{basis}",
            f"Net cost: {FEE_NAMES[fee]}, providers paid {PAYMENT_BASES[basis]}",
            float(c.net_cost[(fee, basis)]),
            "kr/year",
        )
        for fee, basis in c.index
    ]
    own = f"net_cost_fee_{params.fee_in_force}_paid_{params.payment_basis}"
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
        f"The two reforms together: with providers paid per executed hour, the proposed fee changes the municipality's "
        f"net cost by **{signed_kr(hourly)} a year** at an elasticity of {number(e, 2)} (executed hours "
        f"{'rise' if moved > 0 else 'fall'} by {percent(abs(moved), 1)})"
        + (
            f", and pays for itself only at an elasticity of {number(be, 2)} or stronger. "
            if be is not None
            else f", and no elasticity from {number(lo, 2)} to {number(hi, 0)} makes it pay for itself. "
        )
        + "Paid per level and month, executed hours do not move the payment (a client's level follows granted time), so "
        f"the proposed fee changes the net cost by **{signed_kr(level)} a year** whatever the response: "
    )
    if moved < 0:
        text += (
            "fewer hours save only while providers are paid per executed hour, so the report's argument that they pay "
            "for the fee cut needs today's payment basis."
        )
    else:
        text += (
            "the fee cut lowers what most pay for an hour, so hours rise rather than fall; they cost the municipality "
            f"only while providers are paid per executed hour, and paid per level and month the proposal costs "
            f"{kr(abs(hourly - level))} a year {'less' if level < hourly else 'more'}."
        )
    return text


def board_table(r: FeeIncentives, params: FeeIncentivesParams) -> pd.DataFrame:
    """The board's view on one table: per combination of fee and payment basis, the net cost against today
    (kr/year), executed hours' change (%), the fee change of the lowest and highest tenth by income (kr/month; 0
    under today's fee) and the in-house and external providers' payment change (kr/year), where known."""
    d = r.by_income.set_index("decile")
    rows = []
    hours_today = float(r.combinations.executed_hours.iloc[0])
    for _, c in r.combinations.iterrows():
        proposed = c.fee == "proposed"
        row = {
            "combination": f"{FEE_NAMES[c.fee]}, paid {PAYMENT_BASES[c.basis]}",
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
    own = f"{FEE_NAMES[params.fee_in_force]}, paid {PAYMENT_BASES[params.payment_basis]}"
    out.attrs["units"] = {
        "net_cost_change": "kr/year",
        "hours_change_share": "%",
        "fee_change_lowest_tenth": "kr/month",
        "fee_change_highest_tenth": "kr/month",
        "payment_change_in_house": "kr/year",
        "payment_change_external": "kr/year",
    }
    out.attrs["labels"] = {
        "net_cost_change": "net cost against today",
        "hours_change_share": "executed hours",
        "fee_change_lowest_tenth": "fee change, lowest tenth by income",
        "fee_change_highest_tenth": "fee change, highest tenth by income",
        "payment_change_in_house": "in-house providers' payment",
        "payment_change_external": "external providers' payment",
    }
    out.attrs["own"] = own if params.focus == "combination" else None
    return out


def groups(r: FeeIncentives) -> str:
    """The groups the report's fee model leaves out, as this population holds them; chosen by the numbers
    (r.groups)."""
    label = "[SYNTHETIC] " if r.synthetic else ""
    held = r.groups[r.groups.persons > 0]
    absent = r.groups[r.groups.persons == 0]
    parts = [
        f"{g.group} ({number(g.persons)} persons, {signed_kr(g.change)} a month on average, {g.in_this_scenario})"
        for g in held.itertuples()
    ]
    text = f"{label}The report's fee model leaves out some groups; this population holds " + (
        "; ".join(parts) + "." if parts else "none of them."
    )
    if len(absent):
        text += f" Not in this population: {', '.join(absent.group)} (the scenario couples_75_plus draws them)."
    return text


def incidence(r: FeeIncentives) -> str:
    """Who pays more and who pays less by income; chosen by the numbers (r.by_income, r.above_cap)."""
    d = r.by_income.set_index("decile")
    word = "income after tax and housing" if r.by_income.attrs.get("basis") == "income" else "fee headroom"
    low, high = d.loc[1], d.loc[10]
    a = r.above_cap

    def moves(row: pd.Series) -> str:
        if abs(float(row.change)) < 0.5:
            return "pays the same"
        return f"{'pays' if row.change > 0 else 'saves'} {kr(abs(float(row.change)))} a month on average"

    label = "[SYNTHETIC] " if r.synthetic else ""
    return (
        f"{label}By {word}: the lowest tenth {moves(low)} ({percent(low.pay_more, 0)} pay more, "
        f"{percent(low.pay_less, 0)} less), the highest tenth {moves(high)} ({percent(high.pay_more, 0)} pay more). "
        f"Clients whose headroom reaches the cap, {percent(a['share_of_persons'], 0)} of them, receive "
        f"**{percent(a['share_of_fee_cut'], 0)} of the fee cut** ({kr(a['fee_cut'])} a year in all)."
    )


def bunching(r: FeeIncentives, params: FeeIncentivesParams) -> str:
    """The proposed fee's notches and what bunching below them would cost; chosen by the numbers (r.notches)."""
    n = r.notches
    within = int(n.person_months_within_band.sum())
    months = len(r.person_months)
    worst = n.loc[n.mean_jump.idxmax()]
    label = "[SYNTHETIC] " if r.synthetic else ""
    return (
        f"{label}The proposed fee keeps its notches: at each threshold the fee jumps by a share of the headroom. "
        f"{number(within)} person-months ({percent(within / months, 1)}) sit within {number(params.bunching_band_hours, 1)} "
        f"hours above a threshold; the largest mean jump, {kr(float(worst.mean_jump))} a month, is at "
        f"{number(float(worst.threshold), 1)} hours. If all of them kept just below their threshold, fee revenue would "
        f"fall by **{kr(-float(n.revenue_if_bunched.sum()))} a year** (Kleven 2016 on bunching at notches)."
    )


def key_results(r: FeeIncentives, params: FeeIncentivesParams) -> list[KeyResult]:
    """The headline figures, with stable ids (pinned in tests/pinned/fee_incentives.yaml); the scenario's
    combination of fee and payment basis first where it is about one (focus: combination)."""
    rev = r.revenue.set_index("result").value
    band = r.behaviour.set_index("elasticity")
    e = params.elasticity.central
    both = combination_results(r, params)
    d = r.by_income.set_index("decile")
    who: list[KeyResult] = [
        ("fee_change_lowest_tenth", "Fee change, lowest tenth by income", float(d.change[1]), "kr/month"),
        ("fee_change_highest_tenth", "Fee change, highest tenth by income", float(d.change[10]), "kr/month"),
        (
            "fee_cut_share_headroom_above_cap",
            "Share of the fee cut to clients whose headroom reaches the cap",
            r.above_cap["share_of_fee_cut"],
            "%",
        ),
    ]
    notch: list[KeyResult] = [
        (
            "notch_person_months",
            f"Person-months within {number(params.bunching_band_hours, 1)} hours above a threshold",
            float(r.notches.person_months_within_band.sum()),
            "person-months",
        ),
        (
            "bunching_revenue_loss",
            "Fee revenue lost if they bunched below",
            float(-r.notches.revenue_if_bunched.sum()),
            "kr/year",
        ),
    ]
    ids = {"alarm only": "alarm_only", "aged 75 and over": "aged_75_plus", "couples": "couples", "under 65": "under_65"}
    left_out: list[KeyResult] = [
        (f"fee_change_{ids[g.group]}", f"Fee change, {g.group}", float(g.change), "kr/month")
        for g in r.groups.itertuples()
        if g.persons > 0
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
        ("fee_cap", f"Fee cap {params.year}", r.rules["fee_cap"], "kr/month"),
        ("fee_revenue_today", "Fee revenue today", rev["Fee revenue today"], "kr/year"),
        ("fee_revenue_proposal", "Fee revenue under the proposal", rev["Fee revenue under the proposal"], "kr/year"),
        ("fee_revenue_change", "Change in fee revenue (no change in hours)", rev["Change in fee revenue"], "kr/year"),
        ("break_even_hours", "Executed hours that would pay for it", rev["Executed hours that pay for the loss"], "hours/year"),
        ("net_budget_effect", f"Net budget effect at elasticity {number(e, 1)}", band.loc[e, "net_budget_effect"], "kr/year"),
        (
            "zero_marginal_price_share_today",
            "Persons facing a zero price for one more hour today",
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
    span = f"between an elasticity of {number(x.iloc[0], 1)} and {number(x.iloc[-1], 1)}"
    if at_central is None and at_best is None:
        return (
            f"{span.capitalize()} the proposal **does not pay for itself**: not at this scenario's values, and not in "
            "the most favourable 5 % of draws of the other uncertain inputs."
        )
    if at_central is None:
        return (
            f"{span.capitalize()} the proposal does not pay for itself at this scenario's values; in the most "
            f"favourable 5 % of draws of the other uncertain inputs it would from an elasticity of {number(at_best, 2)}."
        )
    return f"The proposal **pays for itself from an elasticity of {number(at_central, 2)}** at this scenario's values" + (
        f" (from {number(at_best, 2)} in the most favourable 5 % of draws)." if at_best is not None else "."
    )
