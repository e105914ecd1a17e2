"""The answer a board member reads first (capitation fairness): every figure and claim computed from the result."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from carepay.capitation_fairness.analysis import BASE_YEAR, CapitationFairness
from carepay.capitation_fairness.params import CapitationFairnessParams
from carepay.formats import kr, number, percent, readable, signed_kr
from carepay.i18n import N_, _, _n, term
from carepay.report import first_of

BASE_YEAR_TEXT = str(BASE_YEAR)


def sentences(r: CapitationFairness, names: Mapping[str, str]) -> list[str]:
    t = r.totals.set_index("provider")
    hourly, capitation = t.hourly_payment.sum(), t.capitation_payment.sum()
    change = capitation - hourly
    name = lambda p: names.get(p, p)  # noqa: E731
    out = [
        _(
            "At {rate} a person-month, capitation would have paid the providers {capitation} for 2021's activity against {hourly} paid per executed hour: {change} ({change_2}).",
            rate=kr(r.rate, 2),
            capitation=kr(capitation),
            hourly=kr(hourly),
            change=signed_kr(change),
            change_2=percent(change / hourly, 1),
        )
    ]
    winner, loser = t.change.idxmax(), t.change.idxmin()
    if t.change.max() > 0 and t.change.min() < 0:
        out.append(
            _(
                "It is not neutral between providers: {name} would gain {change_max} ({change_share} of its hourly payment) and {name_2} lose {change_min} ({change_share_2}).",
                name=name(winner),
                change_max=kr(t.change.max()),
                change_share=percent(t.change_share[winner], 0),
                name_2=name(loser),
                change_min=kr(-t.change.min()),
                change_share_2=percent(-t.change_share[loser], 0),
            )
        )
    else:
        out.append(
            _("Every provider moves in the same direction: ") + (_("all gain.") if t.change.min() >= 0 else _("all lose."))
        )
    known = t.dropna(subset=["execution_ratio"]).sort_values("execution_ratio")
    if len(known) >= 2:
        low, high = known.iloc[0], known.iloc[-1]
        if low.change_share > high.change_share:
            out.append(
                _(
                    "The difference follows how much of the ordered time a provider delivers: {name}, which delivers {execution_ratio} of it, gains; {name_2}, at {execution_ratio_2}, {text}. Capitation pays for persons, not for time delivered.",
                    name=name(low.name),
                    execution_ratio=percent(low.execution_ratio, 0),
                    name_2=name(high.name),
                    execution_ratio_2=percent(high.execution_ratio, 0),
                    text=_("loses") if high.change < 0 else _("gains less"),
                )
            )
        else:
            out.append(
                _(
                    "How much of the ordered time a provider delivers does not explain the difference here: {name} delivers {execution_ratio} and {name_2} {execution_ratio_2}.",
                    name=name(low.name),
                    execution_ratio=percent(low.execution_ratio, 0),
                    name_2=name(high.name),
                    execution_ratio_2=percent(high.execution_ratio, 0),
                )
            )
    fit = r.fit.set_index(["target", "model"]).r_squared
    out.append(
        _(
            "Paying by need group instead of a flat rate explains {fit} of the variation in cost between person-months (a flat rate: none)",
            fit=percent(max(fit[("cost_at_hourly_rate", "risk-adjusted")], 0), 0),
        )
        + (_(" on [SYNTHETIC] person-months.") if r.synthetic else ".")
    )
    rates = r.rates.set_index("reading").rate
    used = r.rates.loc[r.rates.used, "reading"].iloc[0]
    other = "budget" if used != "budget" else "implied_by_tables"
    months = t.person_months.sum()
    out.append(
        _(
            "The answer rests most on the rate, which the document gives two ways: at {rates} ({text}) instead, capitation for the same {months} person-months would change by {rates_2}.",
            rates=kr(rates[other], 2),
            text=_("the text") if other == "budget" else _("the tables"),
            months=number(months),
            rates_2=signed_kr((rates[other] - r.rate) * months),
        )
    )
    return out


KeyResult = tuple[str, str, float | str, str]


def key_results(r: CapitationFairness, params: CapitationFairnessParams, names: Mapping[str, str]) -> list[KeyResult]:
    """The headline figures, with stable ids (pinned in tests/pinned/capitation_fairness.yaml)."""
    t = r.totals.set_index("provider")
    winner, loser = t.change.idxmax(), t.change.idxmin()
    fit = r.fit.set_index(["target", "model"]).r_squared
    group = f"{term(readable(params.fair_group.by))} {term(readable(params.fair_group.value))}"
    document: list[KeyResult] = [
        ("capitation_rate", _("Capitation rate used"), r.rate, "kr/person-month"),
        ("hourly_payment", _("Hourly payment for 2021 at the 2022 rate"), t.hourly_payment.sum(), "kr/year"),
        ("capitation_payment", _("Capitation for 2021's persons"), t.capitation_payment.sum(), "kr/year"),
        ("change_all_providers", _("Change for all providers"), t.change.sum(), "kr/year"),
        ("largest_gain", _("Largest gain: {winner}", winner=names.get(winner, winner)), t.change.max(), "kr/year"),
        ("largest_loss", _("Largest loss: {loser}", loser=names.get(loser, loser)), t.change.min(), "kr/year"),
        (
            "pilot_capitation_minus_hourly",
            _("Pilot: capitation minus hourly payment"),
            r.pilot.payment.iloc[0] - r.pilot.payment.iloc[1],
            "kr",
        ),
        ("pilot_margin_capitation", _("Pilot provider's margin under capitation"), r.pilot.margin.iloc[0], "kr"),
        ("pilot_margin_hourly", _("Pilot provider's margin under hourly payment"), r.pilot.margin.iloc[1], "kr"),
        (
            "r_squared_risk_adjusted",
            _("Risk-adjusted weights: R² against cost"),
            fit[("cost_at_hourly_rate", "risk-adjusted")],
            "",
        ),
        (
            "r_squared_constrained",
            _("Constrained weights ({group} paid its cost): R² against cost", group=group),
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
    called = term(DESIGN_NAMES[design]).capitalize()
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
            _("Design keeping every provider within a {limit} loss, least counting of time", limit=percent(limit, 0)),
            DESIGN_NAMES[best.design.iloc[0]] if len(best) else "none",
            "",
        ),
        (
            "proposed_largest_loss",
            _("{called}: largest loss of any provider ({worst})", called=called, worst=names.get(worst, worst)),
            float(d.change_share[worst]),
            "%",
        ),
        (
            "proposed_providers_beyond_limit",
            _("{called}: providers losing more than {limit}", called=called, limit=percent(limit, 0)),
            int(t.providers_beyond_limit[design]),
            "providers",
        ),
        (
            "proposed_loss_cap_cost",
            _("{called}: cost of capping every provider's loss at {limit}", called=called, limit=percent(limit, 0)),
            float(t.cap_cost[design]),
            "kr/year",
        ),
        (
            "proposed_one_more_hour",
            _("{called}: most one more executed hour brings a provider", called=called),
            float(d.revenue_one_more_hour.max()),
            "kr/hour",
        ),
        (
            "phase_in_first_year_largest_loss",
            _(
                "{called} phased in over {phase_in_years} years: largest loss in year 1",
                called=called,
                phase_in_years=params.designs.phase_in_years,
            ),
            float(first.change_share.min()),
            "%",
        ),
        (
            "clients_hours_at_lowest_ratio",
            _("{exposed}'s clients at the lowest execution ratio", exposed=names.get(exposed, exposed)),
            float(c.at_lowest_ratio[exposed]),
            "hours/client-month",
        ),
        (
            "safeguard_cost",
            _(
                "Safeguard of {safeguard_share} of ordered time: its hours' cost",
                safeguard_share=percent(params.designs.safeguard_share, 0),
            ),
            float(c.safeguard_cost.sum()),
            "kr/year",
        ),
        ("growth_per_year", _("Growth in clients projected"), r.growth_per_year, "%"),
        (
            "proposed_cost_last_year",
            _("{called} in {year}: cost to the board with administration", called=called, year=year),
            float(last.total[design]),
            "kr/year",
        ),
        (
            "proposed_versus_hourly_last_year",
            _("{called} in {year}: against hourly payment", called=called, year=year),
            float(last.versus_hourly[design]),
            "kr/year",
        ),
        ("pilot_minimum_detectable_hours", _("Pilot: smallest difference in hours it could detect"), mdd, "hours/client-month"),
        ("shadow_registration_cost", _("Pilot: registering time alongside capitation"), r.shadow_registration_cost, "kr"),
        (
            "pilot_cost_to_board",
            _("Pilot: cost to the board, capitation")
            + (_(" and shadow registration") if params.pilot.shadow_registration else ""),
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
        _(
            "**{design}**: the largest loss of any provider is {change_share} ({worst}); ",
            design=term(DESIGN_NAMES[design]).capitalize(),
            change_share=percent(-float(d.change_share[worst]), 1),
            worst=names.get(worst, worst),
        )
        + (
            _n(
                "{n} provider would lose more than the board's limit of {max_loss_share}",
                "{n} providers would lose more than the board's limit of {max_loss_share}",
                n,
                n=n,
                max_loss_share=percent(params.designs.max_loss_share, 0),
            )
            if n
            else _(
                "no provider loses more than the board's limit of {max_loss_share}",
                max_loss_share=percent(params.designs.max_loss_share, 0),
            )
        )
        + _("; one more executed hour brings a provider ")
        + (
            _("at most {revenue_one_more_hour_max}", revenue_one_more_hour_max=kr(float(d.revenue_one_more_hour.max())))
            if d.revenue_one_more_hour.max() > 0
            else _("nothing")
        )
        + _(
            " (today {hourly_rate}); and in {year} it would cost the board {total} with administration, {versus_hourly} against hourly payment.",
            hourly_rate=kr(params.hourly_rate),
            year=year,
            total=kr(float(last.total[design])),
            versus_hourly=signed_kr(float(last.versus_hourly[design])),
        )
    ]


def volume(r: CapitationFairness, params: CapitationFairnessParams) -> str:
    """What growth in clients and administration do to each design's cost; chosen by the numbers (r.volume)."""
    design = params.designs.proposed
    called = term(DESIGN_NAMES[design])
    v = r.volume
    year = int(v.year.max())
    last = v[v.year == year].set_index("design")
    first_year = int(v.year.min())
    a = r.administration.set_index("design")
    source = _("this scenario's") if params.volume.growth_per_year is not None else _("the persons table's for 2021")
    change = float(last.versus_hourly[design])
    return (
        _(
            "With clients growing {growth_per_year} a year ({source}) and hours per client as in {base_year_text}, {called} would cost the board **{total} in {year}**, with {text} more clients than in {base_year_text}, and ",
            growth_per_year=percent(r.growth_per_year, 1),
            source=source,
            base_year_text=BASE_YEAR_TEXT,
            called=called,
            total=kr(float(last.total[design])),
            year=year,
            text=percent(float(last.clients_factor.iloc[0]) - 1, 0),
        )
        + (
            _(
                "{change} {text} than hourly payment that year",
                change=kr(abs(change)),
                text=_("more") if change > 0 else _("less"),
            )
            if abs(change) >= 0.5
            else _("the same as hourly payment that year")
        )
        + _(
            " (from {first_year}: {versus_hourly} in all). Every design's payment grows with the clients, because each client is paid for, by the hour or by the month; capitation simply has no hours to hold back. Its administration: {posts_cost} a year for {posts} needs-assessment posts",
            first_year=first_year,
            versus_hourly=kr(float(v[v.design == design].versus_hourly.sum())),
            posts_cost=kr(float(a.posts_cost[design])),
            posts=number(params.administration.posts, 0),
        )
        + (
            _(", less {audit_saving} for the audit of reported time it stops.", audit_saving=kr(float(a.audit_saving[design])))
            if float(a.audit_saving[design]) > 0
            else _(", with no audit saved, since providers still report time.")
        )
    )


def no_loser(rates: pd.DataFrame, rate: float, names: Mapping[str, str]) -> str:
    """The rate and budget at which no provider would lose, against the scenario's (rates: no_loser_rates)."""
    top = rates.iloc[0]
    extra = (top.break_even_rate - rate) * float(rates.person_months.sum())
    who = names.get(top.provider, top.provider)
    if extra <= 0:
        return _(
            "At {rate} a person-month **no provider loses**: the highest break-even rate is {who}'s {break_even_rate}.",
            rate=kr(rate, 2),
            who=who,
            break_even_rate=kr(top.break_even_rate, 2),
        )
    return _(
        "**No provider would lose** only at a rate of at least {break_even_rate} a person-month, {who}'s hourly payment per person-month: a budget of {budget} for 2021's person-months, {extra} more than at this scenario's rate ({rate}). Every other provider breaks even at a lower rate. These rates rest on the document's tables alone, so no uncertain input widens them.",
        break_even_rate=kr(top.break_even_rate, 2),
        who=who,
        budget=kr(top.budget),
        extra=kr(extra),
        rate=kr(rate, 2),
    )


DESIGN_NAMES = {
    "hourly": N_("hourly payment"),
    "capitation": N_("capitation"),
    "blend": N_("the blend"),
    "corridor": N_("the risk corridor"),
    "stop_loss": N_("capitation with stop-loss"),
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
        return _(
            "**{best}** keeps every provider within the board's limit of a {limit} loss (the largest loss {text}) and pays at most {text_2} for one more executed hour, against {hourly_rate} today.",
            best=term(DESIGN_NAMES[best]).capitalize(),
            limit=percent(limit, 0),
            text=percent(-fine.worst_change_share.iloc[0], 1),
            text_2=kr(fine.revenue_one_more_hour.iloc[0]),
            hourly_rate=kr(params.hourly_rate),
        )
    closest = others.worst_change_share.idxmax()
    d = r.designs[r.designs.design == closest].set_index("provider")
    who = d.change_share.idxmin()
    return _(
        "**No design other than hourly payment keeps every provider within the board's limit of a {limit} loss.** The closest is {closest}, under which {who} loses {change_share} of what hourly payment paid it; capitation alone costs it {change_share_2}. A transition (a phase-in or a cap on any provider's yearly loss) or a higher rate would be needed.",
        limit=percent(limit, 0),
        closest=term(DESIGN_NAMES[closest]),
        who=names.get(who, who),
        change_share=percent(-d.change_share[who], 1),
        change_share_2=percent(-float(r.designs.set_index(["provider", "design"]).change_share[(who, "capitation")]), 1),
    )


def transition(r: CapitationFairness, params: CapitationFairnessParams, names: Mapping[str, str]) -> str:
    """Who loses more than the board accepts under capitation, what capping the loss costs, and what a phase-in
    leaves in its first year; chosen by the numbers (r.transition, r.phase_in)."""
    limit = params.designs.max_loss_share
    design = params.designs.proposed
    called = term(DESIGN_NAMES[design])
    t = r.transition.set_index("design")
    beyond = [names.get(x, x) for x in t.beyond_limit[design]]
    if not beyond:
        return _(
            "Under {called} **no provider loses more than the board's limit of {limit}**: no transition is needed.",
            called=called,
            limit=percent(limit, 0),
        )
    cap = float(t.cap_cost[design])
    cheapest = t.drop(index="hourly").cap_cost.idxmin()
    first = r.phase_in[r.phase_in.year == 1].set_index("provider")
    worst = first.change_share.idxmin()
    years = params.designs.phase_in_years
    extra = float(first.versus_design.sum())
    return (
        _n(
            "Under {called} **{n} provider loses more than the board's limit of {limit}**: {join}. Capping any provider's yearly loss at {limit} would cost the board {cap} a year on top of {called}",
            "Under {called} **{n} providers lose more than the board's limit of {limit}**: {join}. Capping any provider's yearly loss at {limit} would cost the board {cap} a year on top of {called}",
            len(beyond),
            called=called,
            n=len(beyond),
            limit=percent(limit, 0),
            join=", ".join(beyond),
            cap=kr(cap),
        )
        + (
            _(
                " ({cap_cost} under {cheapest}, the cheapest design to protect).",
                cap_cost=kr(float(t.cap_cost[cheapest])),
                cheapest=term(DESIGN_NAMES[cheapest]),
            )
            if cheapest != design
            else "."
        )
        + _(
            " Phased in over {years} years, {called}'s largest loss in the first year is {change_share} ({worst}), and that year the board pays ",
            years=years,
            called=called,
            change_share=percent(-first.change_share[worst], 1),
            worst=names.get(worst, worst),
        )
        + (
            _(
                "{extra} {text} than it would with {called} at once.",
                extra=kr(abs(extra)),
                text=_("more") if extra > 0 else _("less"),
                called=called,
            )
            if abs(extra) >= 0.5
            else _("what it would with {called} at once.", called=called)
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
    text = _(
        "Capitation pays the same whatever the hours delivered. If a provider delivered the lowest share of ordered time the document shows ({lowest}), {who}'s clients would get **{at_lowest_ratio} hours a month instead of {executed_per_client_month}** today. ",
        lowest=percent(lowest, 0),
        who=names.get(who, who),
        at_lowest_ratio=number(c.at_lowest_ratio[who], 1),
        executed_per_client_month=number(c.executed_per_client_month[who], 1),
    )
    if share > lowest:
        text += _(
            "A safeguard requiring at least {share} of ordered time would lift that to {with_safeguard} hours, and its hours would cost the providers {safeguard_cost} a year in all, unless the rate pays for them.",
            share=percent(share, 0),
            with_safeguard=number(c.with_safeguard[who], 1),
            safeguard_cost=kr(float(c.safeguard_cost.sum())),
        )
    else:
        text += _("A safeguard at {share} of ordered time is below that share and would change nothing.", share=percent(share, 0))
    if assumed:
        text += _(
            " For {assumed} providers the document gives no execution ratio; their ordered time rests on an assumed one.",
            assumed=assumed,
        )
    return text


def pilot_power(r: CapitationFairness, params: CapitationFairnessParams, names: Mapping[str, str]) -> str:
    """What the pilot can and cannot show: the smallest differences it could detect, what registering time alongside
    capitation would cost, and what it cannot answer; chosen by the numbers (r.pilot_power, r.pilot)."""
    pl = params.pilot
    t = r.pilot_power.set_index("outcome")
    hours = t.loc["executed_hours"]
    who = names.get(pl.provider, pl.provider)
    text = _(
        "{text} {persons} clients for {months} months against {comparison_clients} clients of the other providers, the pilot could detect, at a {alpha} level with {power} power, a difference in executed hours of about **{minimum_detectable_difference} hours a client-month** ({as_share_of_mean} of the comparison group's mean)",
        text=_("With") if pl.shadow_registration else _("Were time recorded, with"),
        persons=pl.persons,
        months=pl.months,
        comparison_clients=int(hours.comparison_clients),
        alpha=percent(pl.alpha, 0),
        power=percent(pl.power, 0),
        minimum_detectable_difference=number(hours.minimum_detectable_difference, 1),
        as_share_of_mean=percent(hours.as_share_of_mean, 0),
    )
    if "share_of_ordered" in t.index:
        text += _(
            " or in the share of ordered time delivered of about {text} percentage points",
            text=number(100 * t.minimum_detectable_difference["share_of_ordered"], 0),
        )
    pilot_hours = float(r.pilot.hours.iloc[0])
    if r.synthetic:
        text += _(" (the spread between clients is the synthetic generator's, not a finding: an extract gives the real one)")
    text += _("; smaller changes would pass unseen. ")
    registering = _(
        "{shadow_registration_cost} over the pilot ({shadow_registration_share} of its {pilot_hours} executed hours at {cost_per_hour} an hour)",
        shadow_registration_cost=kr(r.shadow_registration_cost),
        shadow_registration_share=percent(pl.shadow_registration_share, 0),
        pilot_hours=number(pilot_hours),
        cost_per_hour=kr(params.cost_per_hour),
    )
    if pl.shadow_registration:
        text += _(
            "Capitation stops the time reporting such a comparison needs; this scenario has {who} **register its time alongside capitation**, at about {registering}, paid by the board, so hours can be compared. ",
            who=who,
            registering=registering,
        )
    else:
        text += _(
            "But capitation stops the time reporting such a comparison needs: **as decided, the pilot records no time**, so a difference in hours cannot be measured at all. Registering time alongside capitation would cost about {registering}. ",
            registering=registering,
        )
    c = r.comparison.set_index("group")
    if len(c) == 3:
        own, others, weighted = (c.iloc[i] for i in range(3))
        text += _(
            "The comparison group, the other providers' clients, received {executed_hours} hours a client-month in the pilot's months against {executed_hours_2} for {who}'s; weighted to {who}'s mix of need groups, {executed_hours_3}: ",
            executed_hours=number(others.executed_hours, 1),
            executed_hours_2=number(own.executed_hours, 1),
            who=who,
            executed_hours_3=number(weighted.executed_hours, 1),
        ) + (
            _("most of the gap is the mix of clients, not the payment. ")
            if abs(weighted.executed_hours - own.executed_hours) < abs(others.executed_hours - own.executed_hours) / 2
            else _("the gap is not explained by the mix of need groups. ")
        )
    return text + (
        _(
            "The pilot cannot show how capitation works for the external providers, whose margins are at stake, nor beyond {months} months; {who} volunteered for it (section 5), so its clients may differ from others' in ways no comparison group removes.",
            months=pl.months,
            who=who,
        )
    )


def safety(r: CapitationFairness, params: CapitationFairnessParams, names: Mapping[str, str]) -> str:
    """Clients and the pilot in two short sentences for the answer; chosen by the numbers (r.clients, r.pilot_power)."""
    c = r.clients.set_index("provider")
    who = (c.executed_per_client_month - c.at_lowest_ratio).idxmax()
    share = params.designs.safeguard_share
    mdd = float(r.pilot_power.set_index("outcome").minimum_detectable_difference["executed_hours"])
    text = _(
        "Clients: paid per person, a provider delivering the lowest share of ordered time the document shows ({lowest_ratio}) would give {who}'s clients {at_lowest_ratio} hours a month instead of {executed_per_client_month}",
        lowest_ratio=percent(float(r.clients.attrs["lowest_ratio"]), 0),
        who=names.get(who, who),
        at_lowest_ratio=number(c.at_lowest_ratio[who], 1),
        executed_per_client_month=number(c.executed_per_client_month[who], 1),
    )
    text += (
        _(
            "; a safeguard of {share} of ordered time would cost the providers {safeguard_cost} a year. ",
            share=percent(share, 0),
            safeguard_cost=kr(float(c.safeguard_cost.sum())),
        )
        if share > float(r.clients.attrs["lowest_ratio"])
        else ". "
    )
    who_pilot = names.get(params.pilot.provider, params.pilot.provider)
    if params.pilot.shadow_registration:
        text += _(
            "The pilot at {who_pilot}, with its time registered ({shadow_registration_cost}), could detect a change of about {mdd} hours a client-month, not a smaller one, and nothing about the external providers.",
            who_pilot=who_pilot,
            shadow_registration_cost=kr(r.shadow_registration_cost),
            mdd=number(mdd, 1),
        )
    else:
        text += _(
            "The pilot at {who_pilot} records no time as decided, so it cannot measure a change in hours; registering it ({shadow_registration_cost}) would let it detect a change of about {mdd} hours a client-month, and nothing about the external providers.",
            who_pilot=who_pilot,
            shadow_registration_cost=kr(r.shadow_registration_cost),
            mdd=number(mdd, 1),
        )
    return text


def out_of_sample(r: CapitationFairness) -> str:
    """The need-group weights out of sample; chosen by the numbers (r.split_fit)."""
    fit = r.split_fit.set_index("sample").r_squared
    label = "<span class='synthetic'>SYNTHETIC DATA</span> " if r.synthetic else ""
    return _(
        "{label}Estimated on half of the persons and applied to the other half, need-group weights explain {other_half} of the variation in cost (in the half they were estimated on: {estimation_half}). Today's need groups are bands of ordered hours, which under capitation the needs assessment would no longer set (section 2: it would judge the need, not the hours): these weights are a yardstick, not a design the board could use as they stand.",
        label=label,
        other_half=percent(max(float(fit["other half"]), 0), 0),
        estimation_half=percent(max(float(fit["estimation half"]), 0), 0),
    )


def adjusters(r: CapitationFairness, params: CapitationFairnessParams) -> str:
    """How adjusters that do not depend on hours fit, against the need groups; chosen by the numbers
    (r.adjuster_fit, r.adjuster_deciles), and labelled as the generator's on synthetic data."""
    if r.adjuster_fit.empty:
        return _(
            "The person-months carry no adjuster that does not depend on hours: an extract may add an assessment score, a living situation and a diagnosis group (columns assessment_score, living_situation, diagnosis_group), and the report then shows how well they fit."
        )
    fit = r.adjuster_fit
    own, groups = fit.iloc[0], fit.iloc[1]
    d = r.adjuster_deciles
    label = "<span class='synthetic'>SYNTHETIC DATA</span> " if r.synthetic else ""
    text = _(
        "{label}Paid by {replace}, capitation would explain {r_squared} of the variation in cost ({r_squared_out_of_sample} out of sample), against {r_squared_2} for need groups set from ordered hours. By tenth of predicted cost its predictive ratios run from {predictive_ratio_min} to {predictive_ratio_max} (1 pays each tenth its cost). ",
        label=label,
        replace=term(own.adjusters.replace("_", " ")),
        r_squared=percent(max(float(own.r_squared), 0), 0),
        r_squared_out_of_sample=percent(max(float(own.r_squared_out_of_sample), 0), 0),
        r_squared_2=percent(max(float(groups.r_squared), 0), 0),
        predictive_ratio_min=number(float(d.predictive_ratio.min()), 2),
        predictive_ratio_max=number(float(d.predictive_ratio.max()), 2),
    )
    if r.synthetic:
        text += _(
            "On synthetic person-months these are properties of the generator, not findings: the score is drawn to correlate {score_correlation} with need and the diagnosis group to carry none. An extract with the municipality's own assessments gives the real fit.",
            score_correlation=number(params.population.score_correlation, 1),
        )
    return text
