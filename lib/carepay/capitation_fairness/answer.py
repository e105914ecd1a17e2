"""The answer a board member reads first (capitation fairness): every figure and claim computed from the result."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from carepay.capitation_fairness.analysis import BASE_YEAR, CapitationFairness
from carepay.capitation_fairness.params import CapitationFairnessParams
from carepay.formats import kr, number, percent, readable, signed_kr
from carepay.report import first_of

BASE_YEAR_TEXT = str(BASE_YEAR)


def sentences(r: CapitationFairness, names: Mapping[str, str]) -> list[str]:
    t = r.totals.set_index("provider")
    hourly, capitation = t.hourly_payment.sum(), t.capitation_payment.sum()
    change = capitation - hourly
    name = lambda p: names.get(p, p)  # noqa: E731
    out = [
        f"At {kr(r.rate, 2)} a person-month, capitation would have paid the providers {kr(capitation)} for 2021's "
        f"activity against {kr(hourly)} paid per executed hour: {signed_kr(change)} ({percent(change / hourly, 1)})."
    ]
    winner, loser = t.change.idxmax(), t.change.idxmin()
    if t.change.max() > 0 and t.change.min() < 0:
        out.append(
            f"It is not neutral between providers: {name(winner)} would gain {kr(t.change.max())} "
            f"({percent(t.change_share[winner], 0)} of its hourly payment) and {name(loser)} lose {kr(-t.change.min())} "
            f"({percent(-t.change_share[loser], 0)})."
        )
    else:
        out.append("Every provider moves in the same direction: " + ("all gain." if t.change.min() >= 0 else "all lose."))
    known = t.dropna(subset=["execution_ratio"]).sort_values("execution_ratio")
    if len(known) >= 2:
        low, high = known.iloc[0], known.iloc[-1]
        if low.change_share > high.change_share:
            out.append(
                f"The difference follows how much of the ordered time a provider delivers: {name(low.name)}, which "
                f"delivers {percent(low.execution_ratio, 0)} of it, gains; {name(high.name)}, at "
                f"{percent(high.execution_ratio, 0)}, {'loses' if high.change < 0 else 'gains less'}. Capitation pays "
                "for persons, not for time delivered."
            )
        else:
            out.append(
                f"How much of the ordered time a provider delivers does not explain the difference here: "
                f"{name(low.name)} delivers {percent(low.execution_ratio, 0)} and {name(high.name)} "
                f"{percent(high.execution_ratio, 0)}."
            )
    fit = r.fit.set_index(["target", "model"]).r_squared
    out.append(
        f"Paying by need group instead of a flat rate explains {percent(max(fit[('cost_at_hourly_rate', 'risk-adjusted')], 0), 0)} "
        "of the variation in cost between person-months (a flat rate: none)"
        + (" on [SYNTHETIC] person-months." if r.synthetic else ".")
    )
    rates = r.rates.set_index("reading").rate
    used = r.rates.loc[r.rates.used, "reading"].iloc[0]
    other = "budget" if used != "budget" else "implied_by_tables"
    months = t.person_months.sum()
    out.append(
        f"The answer rests most on the rate, which the document gives two ways: at {kr(rates[other], 2)} "
        f"({'the text' if other == 'budget' else 'the tables'}) instead, capitation for the same {number(months)} "
        f"person-months would change by {signed_kr((rates[other] - r.rate) * months)}."
    )
    return out


KeyResult = tuple[str, str, float | str, str]


def key_results(r: CapitationFairness, params: CapitationFairnessParams, names: Mapping[str, str]) -> list[KeyResult]:
    """The headline figures, with stable ids (pinned in tests/pinned/capitation_fairness.yaml)."""
    t = r.totals.set_index("provider")
    winner, loser = t.change.idxmax(), t.change.idxmin()
    fit = r.fit.set_index(["target", "model"]).r_squared
    group = f"{readable(params.fair_group.by)} {readable(params.fair_group.value)}"
    document: list[KeyResult] = [
        ("capitation_rate", "Capitation rate used", r.rate, "kr/person-month"),
        ("hourly_payment", "Hourly payment for 2021 at the 2022 rate", t.hourly_payment.sum(), "kr/year"),
        ("capitation_payment", "Capitation for 2021's persons", t.capitation_payment.sum(), "kr/year"),
        ("change_all_providers", "Change for all providers", t.change.sum(), "kr/year"),
        ("largest_gain", f"Largest gain: {names.get(winner, winner)}", t.change.max(), "kr/year"),
        ("largest_loss", f"Largest loss: {names.get(loser, loser)}", t.change.min(), "kr/year"),
        (
            "pilot_capitation_minus_hourly",
            "Pilot: capitation minus hourly payment",
            r.pilot.payment.iloc[0] - r.pilot.payment.iloc[1],
            "kr",
        ),
        ("pilot_margin_capitation", "Pilot provider's margin under capitation", r.pilot.margin.iloc[0], "kr"),
        ("pilot_margin_hourly", "Pilot provider's margin under hourly payment", r.pilot.margin.iloc[1], "kr"),
        ("r_squared_risk_adjusted", "Risk-adjusted weights: R² against cost", fit[("cost_at_hourly_rate", "risk-adjusted")], ""),
        (
            "r_squared_constrained",
            f"Constrained weights ({group} paid its cost): R² against cost",
            fit[("cost_at_hourly_rate", "fairness-constrained")],
            "",
        ),
    ]
    return ordered_results(document + design_results(r, params, names), params.focus)


#: The key results a scenario's focus puts first (params: focus), and those whose range the answer states.
FOCUS_RESULTS = {
    "document": [],
    "design": ["proposed_largest_loss", "proposed_providers_beyond_limit", "proposed_one_more_hour", "proposed_cost_last_year"],
    "transition": ["phase_in_first_year_largest_loss", "proposed_providers_beyond_limit", "proposed_loss_cap_cost"],
    "growth": ["proposed_cost_last_year", "proposed_versus_hourly_last_year", "growth_per_year"],
    "pilot": ["pilot_minimum_detectable_hours", "pilot_cost_to_board", "shadow_registration_cost", "pilot_margin_capitation"],
}
MAIN_RANGES = {
    "document": ["pilot_margin_capitation", "r_squared_risk_adjusted"],
    "design": ["proposed_versus_hourly_last_year", "r_squared_risk_adjusted"],
    "transition": ["proposed_versus_hourly_last_year"],
    "growth": ["proposed_cost_last_year", "proposed_versus_hourly_last_year"],
    "pilot": ["shadow_registration_cost", "pilot_margin_capitation"],
}


def design_results(r: CapitationFairness, params: CapitationFairnessParams, names: Mapping[str, str]) -> list[KeyResult]:
    """The headline figures of the designs, the transition, the clients, the volume and the pilot's evaluation."""
    design = params.designs.proposed
    called = DESIGN_NAMES[design].capitalize()
    limit = params.designs.max_loss_share
    best = r.designs_within[(r.designs_within.design != "hourly") & r.designs_within.within_loss]
    d = r.designs[r.designs.design == design].set_index("provider")
    worst = d.change_share.idxmin()
    t = r.transition.set_index("design")
    first = r.phase_in[r.phase_in.year == 1].set_index("provider")
    c = r.clients.set_index("provider")
    exposed = (c.executed_per_client_month - c.at_lowest_ratio).idxmax()
    last = r.volume[r.volume.year == r.volume.year.max()].set_index("design")
    year = int(r.volume.year.max())
    mdd = float(r.pilot_power.set_index("outcome").minimum_detectable_difference["executed_hours"])
    return [
        (
            "best_design",
            f"Design keeping every provider within a {percent(limit, 0)} loss, least counting of time",
            DESIGN_NAMES[best.design.iloc[0]] if len(best) else "none",
            "",
        ),
        (
            "proposed_largest_loss",
            f"{called}: largest loss of any provider ({names.get(worst, worst)})",
            float(d.change_share[worst]),
            "%",
        ),
        (
            "proposed_providers_beyond_limit",
            f"{called}: providers losing more than {percent(limit, 0)}",
            int(t.providers_beyond_limit[design]),
            "providers",
        ),
        (
            "proposed_loss_cap_cost",
            f"{called}: cost of capping every provider's loss at {percent(limit, 0)}",
            float(t.cap_cost[design]),
            "kr/year",
        ),
        (
            "proposed_one_more_hour",
            f"{called}: most one more executed hour brings a provider",
            float(d.revenue_one_more_hour.max()),
            "kr/hour",
        ),
        (
            "phase_in_first_year_largest_loss",
            f"{called} phased in over {params.designs.phase_in_years} years: largest loss in year 1",
            float(first.change_share.min()),
            "%",
        ),
        (
            "clients_hours_at_lowest_ratio",
            f"{names.get(exposed, exposed)}'s clients at the lowest execution ratio",
            float(c.at_lowest_ratio[exposed]),
            "hours/client-month",
        ),
        (
            "safeguard_cost",
            f"Safeguard of {percent(params.designs.safeguard_share, 0)} of ordered time: its hours' cost",
            float(c.safeguard_cost.sum()),
            "kr/year",
        ),
        ("growth_per_year", "Growth in clients projected", r.growth_per_year, "%"),
        (
            "proposed_cost_last_year",
            f"{called} in {year}: cost to the board with administration",
            float(last.total[design]),
            "kr/year",
        ),
        (
            "proposed_versus_hourly_last_year",
            f"{called} in {year}: against hourly payment",
            float(last.versus_hourly[design]),
            "kr/year",
        ),
        ("pilot_minimum_detectable_hours", "Pilot: smallest difference in hours it could detect", mdd, "hours/client-month"),
        ("shadow_registration_cost", "Pilot: registering time alongside capitation", r.shadow_registration_cost, "kr"),
        (
            "pilot_cost_to_board",
            "Pilot: cost to the board, capitation" + (" and shadow registration" if params.pilot.shadow_registration else ""),
            float(r.pilot.payment.iloc[0]) + (r.shadow_registration_cost if params.pilot.shadow_registration else 0.0),
            "kr",
        ),
    ]


def ordered_results(results: list[KeyResult], focus: str) -> list[KeyResult]:
    """The key results with the scenario's focus first (FOCUS_RESULTS; carepay.report.first_of)."""
    return first_of(results, FOCUS_RESULTS[focus])


def lead(r: CapitationFairness, params: CapitationFairnessParams, names: Mapping[str, str]) -> list[str]:
    """The sentences a scenario's focus puts before the document's comparison (none for the document itself)."""
    focus = params.focus
    if focus == "transition":
        return [transition(r, params, names)]
    if focus == "growth":
        return [volume(r, params)]
    if focus == "pilot":
        return [pilot_power(r, params, names)]
    if focus != "design":
        return []
    design = params.designs.proposed
    d = r.designs[r.designs.design == design].set_index("provider")
    worst = d.change_share.idxmin()
    n = int(r.transition.set_index("design").providers_beyond_limit[design])
    last = r.volume[r.volume.year == r.volume.year.max()].set_index("design")
    year = int(r.volume.year.max())
    return [
        f"**{DESIGN_NAMES[design].capitalize()}**: the largest loss of any provider is "
        f"{percent(-float(d.change_share[worst]), 1)} ({names.get(worst, worst)}); "
        + (
            f"{n} provider{'s' if n != 1 else ''} would lose more than the board's limit of {percent(params.designs.max_loss_share, 0)}"
            if n
            else f"no provider loses more than the board's limit of {percent(params.designs.max_loss_share, 0)}"
        )
        + "; one more executed hour brings a provider "
        + (f"at most {kr(float(d.revenue_one_more_hour.max()))}" if d.revenue_one_more_hour.max() > 0 else "nothing")
        + f" (today {kr(params.hourly_rate)}); and in {year} it would cost the board {kr(float(last.total[design]))} with "
        f"administration, {signed_kr(float(last.versus_hourly[design]))} against hourly payment."
    ]


def volume(r: CapitationFairness, params: CapitationFairnessParams) -> str:
    """What growth in clients and administration do to each design's cost; chosen by the numbers (r.volume)."""
    design = params.designs.proposed
    called = DESIGN_NAMES[design]
    v = r.volume
    year = int(v.year.max())
    last = v[v.year == year].set_index("design")
    first_year = int(v.year.min())
    a = r.administration.set_index("design")
    source = "this scenario's" if params.volume.growth_per_year is not None else "the persons table's for 2021"
    change = float(last.versus_hourly[design])
    return (
        f"With clients growing {percent(r.growth_per_year, 1)} a year ({source}) and hours per client as in "
        f"{BASE_YEAR_TEXT}, {called} would cost the board **{kr(float(last.total[design]))} in {year}**, "
        f"with {percent(float(last.clients_factor.iloc[0]) - 1, 0)} more clients than in {BASE_YEAR_TEXT}, and "
        + (
            f"{kr(abs(change))} {'more' if change > 0 else 'less'} than hourly payment that year"
            if abs(change) >= 0.5
            else "the same as hourly payment that year"
        )
        + f" (from {first_year}: {kr(float(v[v.design == design].versus_hourly.sum()))} in all). Every design's payment grows "
        f"with the clients, because each client is paid for, by the hour or by the month; capitation simply has no "
        f"hours to hold back. Its administration: {kr(float(a.posts_cost[design]))} a year for "
        f"{number(params.administration.posts, 0)} needs-assessment posts"
        + (
            f", less {kr(float(a.audit_saving[design]))} for the audit of reported time it stops."
            if float(a.audit_saving[design]) > 0
            else ", with no audit saved, since providers still report time."
        )
    )


def no_loser(rates: pd.DataFrame, rate: float, names: Mapping[str, str]) -> str:
    """The rate and budget at which no provider would lose, against the scenario's (rates: no_loser_rates)."""
    top = rates.iloc[0]
    extra = (top.break_even_rate - rate) * float(rates.person_months.sum())
    who = names.get(top.provider, top.provider)
    if extra <= 0:
        return f"At {kr(rate, 2)} a person-month **no provider loses**: the highest break-even rate is {who}'s {kr(top.break_even_rate, 2)}."
    return (
        f"**No provider would lose** only at a rate of at least {kr(top.break_even_rate, 2)} a person-month, "
        f"{who}'s hourly payment per person-month: a budget of {kr(top.budget)} for 2021's person-months, "
        f"{kr(extra)} more than at this scenario's rate ({kr(rate, 2)}). Every other provider breaks even at a lower rate. "
        "These rates rest on the document's tables alone, so no uncertain input widens them."
    )


DESIGN_NAMES = {
    "hourly": "hourly payment",
    "capitation": "capitation",
    "blend": "the blend",
    "corridor": "the risk corridor",
    "stop_loss": "capitation with stop-loss",
}


def designs(r: CapitationFairness, params: CapitationFairnessParams, names: Mapping[str, str]) -> str:
    """Which design keeps every provider within the board's loss and asks least counting of time; chosen by the
    numbers (r.designs_within, ordered so)."""
    limit = params.designs.max_loss_share
    w = r.designs_within.set_index("design")
    others = w.drop(index="hourly")
    fine = others[others.within_loss]
    if len(fine):
        best = fine.index[0]
        return (
            f"**{DESIGN_NAMES[best].capitalize()}** keeps every provider within the board's limit of a "
            f"{percent(limit, 0)} loss (the largest loss {percent(-fine.worst_change_share.iloc[0], 1)}) and pays at most "
            f"{kr(fine.revenue_one_more_hour.iloc[0])} for one more executed hour, against {kr(params.hourly_rate)} today."
        )
    closest = others.worst_change_share.idxmax()
    d = r.designs[r.designs.design == closest].set_index("provider")
    who = d.change_share.idxmin()
    return (
        f"**No design other than hourly payment keeps every provider within the board's limit of a "
        f"{percent(limit, 0)} loss.** The closest is {DESIGN_NAMES[closest]}, under which {names.get(who, who)} loses "
        f"{percent(-d.change_share[who], 1)} of what hourly payment paid it; capitation alone costs it "
        f"{percent(-float(r.designs.set_index(['provider', 'design']).change_share[(who, 'capitation')]), 1)}. "
        "A transition (a phase-in or a cap on any provider's yearly loss) or a higher rate would be needed."
    )


def transition(r: CapitationFairness, params: CapitationFairnessParams, names: Mapping[str, str]) -> str:
    """Who loses more than the board accepts under capitation, what capping the loss costs, and what a phase-in
    leaves in its first year; chosen by the numbers (r.transition, r.phase_in)."""
    limit = params.designs.max_loss_share
    design = params.designs.proposed
    called = DESIGN_NAMES[design]
    t = r.transition.set_index("design")
    beyond = [names.get(x, x) for x in t.beyond_limit[design]]
    if not beyond:
        return (
            f"Under {called} **no provider loses more than the board's limit of {percent(limit, 0)}**: no transition is needed."
        )
    cap = float(t.cap_cost[design])
    cheapest = t.drop(index="hourly").cap_cost.idxmin()
    first = r.phase_in[r.phase_in.year == 1].set_index("provider")
    worst = first.change_share.idxmin()
    years = params.designs.phase_in_years
    extra = float(first.versus_design.sum())
    return (
        f"Under {called} **{len(beyond)} provider{'s' if len(beyond) > 1 else ''} lose{'' if len(beyond) > 1 else 's'} more "
        f"than the board's limit of {percent(limit, 0)}**: {', '.join(beyond)}. Capping any provider's yearly loss at "
        f"{percent(limit, 0)} would cost the board {kr(cap)} a year on top of {called}"
        + (
            f" ({kr(float(t.cap_cost[cheapest]))} under {DESIGN_NAMES[cheapest]}, the cheapest design to protect)."
            if cheapest != design
            else "."
        )
        + f" Phased in over {years} years, {called}'s largest loss in the first year is "
        f"{percent(-first.change_share[worst], 1)} ({names.get(worst, worst)}), and that year the board pays "
        + (
            f"{kr(abs(extra))} {'more' if extra > 0 else 'less'} than it would with {called} at once."
            if abs(extra) >= 0.5
            else f"what it would with {called} at once."
        )
    )


def clients(r: CapitationFairness, params: CapitationFairnessParams, names: Mapping[str, str]) -> str:
    """What clients stand to lose: the largest drop in hours per client-month at the lowest execution ratio the
    document shows, and what the safeguard restores and costs; chosen by the numbers (r.clients)."""
    c = r.clients.set_index("provider")
    drop = c.executed_per_client_month - c.at_lowest_ratio
    who = drop.idxmax()
    lowest = float(r.clients.attrs["lowest_ratio"])
    share = params.designs.safeguard_share
    assumed = int(c.ratio_assumed.sum())
    text = (
        f"Capitation pays the same whatever the hours delivered. If a provider delivered the lowest share of ordered "
        f"time the document shows ({percent(lowest, 0)}), {names.get(who, who)}'s clients would get "
        f"**{number(c.at_lowest_ratio[who], 1)} hours a month instead of {number(c.executed_per_client_month[who], 1)}** today. "
    )
    if share > lowest:
        text += (
            f"A safeguard requiring at least {percent(share, 0)} of ordered time would lift that to "
            f"{number(c.with_safeguard[who], 1)} hours, and its hours would cost the providers {kr(float(c.safeguard_cost.sum()))} "
            "a year in all, unless the rate pays for them."
        )
    else:
        text += f"A safeguard at {percent(share, 0)} of ordered time is below that share and would change nothing."
    if assumed:
        text += f" For {assumed} providers the document gives no execution ratio; their ordered time rests on an assumed one."
    return text


def pilot_power(r: CapitationFairness, params: CapitationFairnessParams, names: Mapping[str, str]) -> str:
    """What the pilot can and cannot show: the smallest differences it could detect, what registering time alongside
    capitation would cost, and what it cannot answer; chosen by the numbers (r.pilot_power, r.pilot)."""
    pl = params.pilot
    t = r.pilot_power.set_index("outcome")
    hours = t.loc["executed_hours"]
    who = names.get(pl.provider, pl.provider)
    text = (
        f"{'With' if pl.shadow_registration else 'Were time recorded, with'} {pl.persons} clients for {pl.months} months against {int(hours.comparison_clients)} clients of the other "
        f"providers, the pilot could detect, at a {percent(pl.alpha, 0)} level with {percent(pl.power, 0)} power, a "
        f"difference in executed hours of about **{number(hours.minimum_detectable_difference, 1)} hours a client-month** "
        f"({percent(hours.as_share_of_mean, 0)} of the comparison group's mean)"
    )
    if "share_of_ordered" in t.index:
        text += (
            f" or in the share of ordered time delivered of about "
            f"{number(100 * t.minimum_detectable_difference['share_of_ordered'], 0)} percentage points"
        )
    pilot_hours = float(r.pilot.hours.iloc[0])
    if r.synthetic:
        text += " (the spread between clients is the synthetic generator's, not a finding: an extract gives the real one)"
    text += "; smaller changes would pass unseen. "
    registering = (
        f"{kr(r.shadow_registration_cost)} over the pilot ({percent(pl.shadow_registration_share, 0)} of its "
        f"{number(pilot_hours)} executed hours at {kr(params.cost_per_hour)} an hour)"
    )
    if pl.shadow_registration:
        text += (
            f"Capitation stops the time reporting such a comparison needs; this scenario has {who} **register its time "
            f"alongside capitation**, at about {registering}, paid by the board, so hours can be compared. "
        )
    else:
        text += (
            f"But capitation stops the time reporting such a comparison needs: **as decided, the pilot records no "
            f"time**, so a difference in hours cannot be measured at all. Registering time alongside capitation would "
            f"cost about {registering}. "
        )
    c = r.comparison.set_index("group")
    if len(c) == 3:
        own, others, weighted = (c.iloc[i] for i in range(3))
        text += (
            f"The comparison group, the other providers' clients, received {number(others.executed_hours, 1)} hours a "
            f"client-month in the pilot's months against {number(own.executed_hours, 1)} for {who}'s; weighted to "
            f"{who}'s mix of need groups, {number(weighted.executed_hours, 1)}: "
            + (
                "most of the gap is the mix of clients, not the payment. "
                if abs(weighted.executed_hours - own.executed_hours) < abs(others.executed_hours - own.executed_hours) / 2
                else "the gap is not explained by the mix of need groups. "
            )
        )
    return text + (
        f"The pilot cannot show how capitation works for the external providers, whose margins are at stake, nor "
        f"beyond {pl.months} months; {who} volunteered for it (section 5), so its clients may differ from others' in "
        "ways no comparison group removes."
    )


def safety(r: CapitationFairness, params: CapitationFairnessParams, names: Mapping[str, str]) -> str:
    """Clients and the pilot in two short sentences for the answer; chosen by the numbers (r.clients, r.pilot_power)."""
    c = r.clients.set_index("provider")
    who = (c.executed_per_client_month - c.at_lowest_ratio).idxmax()
    share = params.designs.safeguard_share
    mdd = float(r.pilot_power.set_index("outcome").minimum_detectable_difference["executed_hours"])
    text = (
        f"Clients: paid per person, a provider delivering the lowest share of ordered time the document shows "
        f"({percent(float(r.clients.attrs['lowest_ratio']), 0)}) would give {names.get(who, who)}'s clients "
        f"{number(c.at_lowest_ratio[who], 1)} hours a month instead of {number(c.executed_per_client_month[who], 1)}"
    )
    text += (
        f"; a safeguard of {percent(share, 0)} of ordered time would cost the providers {kr(float(c.safeguard_cost.sum()))} a year. "
        if share > float(r.clients.attrs["lowest_ratio"])
        else ". "
    )
    who_pilot = names.get(params.pilot.provider, params.pilot.provider)
    if params.pilot.shadow_registration:
        text += (
            f"The pilot at {who_pilot}, with its time registered ({kr(r.shadow_registration_cost)}), could detect a "
            f"change of about {number(mdd, 1)} hours a client-month, not a smaller one, and nothing about the external providers."
        )
    else:
        text += (
            f"The pilot at {who_pilot} records no time as decided, so it cannot measure a change in hours; registering "
            f"it ({kr(r.shadow_registration_cost)}) would let it detect a change of about {number(mdd, 1)} hours a "
            "client-month, and nothing about the external providers."
        )
    return text


def out_of_sample(r: CapitationFairness) -> str:
    """The need-group weights out of sample; chosen by the numbers (r.split_fit)."""
    fit = r.split_fit.set_index("sample").r_squared
    label = "<span class='synthetic'>SYNTHETIC DATA</span> " if r.synthetic else ""
    return (
        f"{label}Estimated on half of the persons and applied to the other half, need-group weights explain "
        f"{percent(max(float(fit['other half']), 0), 0)} of the variation in cost (in the half they were estimated on: "
        f"{percent(max(float(fit['estimation half']), 0), 0)}). Today's need groups are bands of ordered hours, which "
        "under capitation the needs assessment would no longer set (section 2: it would judge the need, not the "
        "hours): these weights are a yardstick, not a design the board could use as they stand."
    )


def adjusters(r: CapitationFairness, params: CapitationFairnessParams) -> str:
    """How adjusters that do not depend on hours fit, against the need groups; chosen by the numbers
    (r.adjuster_fit, r.adjuster_deciles), and labelled as the generator's on synthetic data."""
    if r.adjuster_fit.empty:
        return (
            "The person-months carry no adjuster that does not depend on hours: an extract may add an assessment "
            "score, a living situation and a diagnosis group (columns assessment_score, living_situation, "
            "diagnosis_group), and the report then shows how well they fit."
        )
    fit = r.adjuster_fit
    own, groups = fit.iloc[0], fit.iloc[1]
    d = r.adjuster_deciles
    label = "<span class='synthetic'>SYNTHETIC DATA</span> " if r.synthetic else ""
    text = (
        f"{label}Paid by {own.adjusters.replace('_', ' ')}, capitation would explain "
        f"{percent(max(float(own.r_squared), 0), 0)} of the variation in cost ({percent(max(float(own.r_squared_out_of_sample), 0), 0)} "
        f"out of sample), against {percent(max(float(groups.r_squared), 0), 0)} for need groups set from ordered hours. "
        f"By tenth of predicted cost its predictive ratios run from {number(float(d.predictive_ratio.min()), 2)} to "
        f"{number(float(d.predictive_ratio.max()), 2)} (1 pays each tenth its cost). "
    )
    if r.synthetic:
        text += (
            "On synthetic person-months these are properties of the generator, not findings: the score is drawn to "
            f"correlate {number(params.population.score_correlation, 1)} with need and the diagnosis group to carry "
            "none. An extract with the municipality's own assessments gives the real fit."
        )
    return text
