"""The answer a board member reads first (capitation fairness): every figure and claim computed from the result."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from carepay.capitation_fairness.analysis import CapitationFairness
from carepay.capitation_fairness.params import CapitationFairnessParams
from carepay.formats import kr, number, percent, readable, signed_kr


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
    return [
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
    t = r.transition.set_index("design")
    beyond = [names.get(x, x) for x in t.beyond_limit["capitation"]]
    if not beyond:
        return (
            f"Under capitation **no provider loses more than the board's limit of {percent(limit, 0)}**: no transition is needed."
        )
    cap = float(t.cap_cost["capitation"])
    cheapest = t.drop(index="hourly").cap_cost.idxmin()
    first = r.phase_in[r.phase_in.year == 1].set_index("provider")
    worst = first.change_share.idxmin()
    years = params.designs.phase_in_years
    extra = float(first.versus_design.sum())
    return (
        f"Under capitation **{len(beyond)} provider{'s' if len(beyond) > 1 else ''} lose more than the board's limit of "
        f"{percent(limit, 0)}**: {', '.join(beyond)}. Capping any provider's yearly loss at {percent(limit, 0)} would "
        f"cost the board {kr(cap)} a year on top of capitation"
        + (
            f" ({kr(float(t.cap_cost[cheapest]))} under {DESIGN_NAMES[cheapest]}, the cheapest design to protect)."
            if cheapest != "capitation"
            else "."
        )
        + f" Phased in over {years} years, capitation's largest loss in the first year is "
        f"{percent(-first.change_share[worst], 1)} ({names.get(worst, worst)}), and that year the board pays "
        f"{kr(abs(extra))} {'more' if extra > 0 else 'less'} than it would with capitation at once."
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
        f"With {pl.persons} clients for {pl.months} months against {int(hours.comparison_clients)} clients of the other "
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
    shadow = pilot_hours * pl.shadow_registration_share * params.cost_per_hour
    if r.synthetic:
        text += " (the spread between clients is the synthetic generator's, not a finding: an extract gives the real one)"
    return text + (
        "; smaller changes would pass unseen. "
        f"Capitation stops the time reporting such a comparison needs: registering time alongside it would cost about "
        f"{kr(shadow)} over the pilot ({percent(pl.shadow_registration_share, 0)} of its {number(pilot_hours)} executed "
        f"hours at {kr(params.cost_per_hour)} an hour). The pilot cannot show how capitation works for the external "
        f"providers, whose margins are at stake, nor beyond {pl.months} months; {who} volunteered for it (section 5), "
        "so its clients may differ from others' in ways no comparison group removes."
    )


def out_of_sample(r: CapitationFairness) -> str:
    """The need-group weights out of sample; chosen by the numbers (r.split_fit)."""
    fit = r.split_fit.set_index("sample").r_squared
    label = "<span class='synthetic'>SYNTHETIC DATA</span> " if r.synthetic else ""
    return (
        f"{label}Estimated on half of the persons and applied to the other half, need-group weights explain "
        f"{percent(max(float(fit['other half']), 0), 0)} of the variation in cost (in the half they were estimated on: "
        f"{percent(max(float(fit['estimation half']), 0), 0)}). Today's need groups are bands of ordered hours, which "
        "under capitation the needs assessment would no longer set (section 2: it would judge the need, not the "
        "hours): these weights are a yardstick, not a design the board could use as they stand. Adjusters that do not "
        "depend on hours (an assessment score, living situation, a diagnosis group) would have to come from the "
        "municipality's records; carepay does not have them yet."
    )
