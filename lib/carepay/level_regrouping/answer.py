"""The answer a board member reads first (level regrouping): three to six sentences, every figure and every
claim computed from the result; a sentence whose truth depends on the numbers is chosen by them."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from babel.dates import format_date

from carepay import i18n
from carepay.formats import kr, number, percent, signed_kr
from carepay.i18n import N_, _, _n, term
from carepay.level_regrouping.analysis import Regrouping, losers
from carepay.level_regrouping.params import LevelRegroupingParams
from carepay.report import first_of, small_cells

#: A change within this share of today's cost counts as cost-neutral (the document's own 0,1 mnkr on 1 949 mnkr
#: is 0,006 %; rounding amounts to the krona moves the total by a few thousand kronor).
NEUTRAL_SHARE = 0.001


def sentences(r: Regrouping, params: LevelRegroupingParams) -> list[str]:
    n = r.neutrality.set_index("housing_form")
    total = n.loc["all"]
    channel = term(r.channel.replace("_", " "))
    neutral = abs(total.change_share) <= NEUTRAL_SHARE
    out = [
        (
            _(
                "The new levels are **{text}**: paid in the {channel}, the same {persons} residents cost {after} a year against {before} today, a change of {change} ({change_share}).",
                text=_("cost-neutral") if neutral else _("not cost-neutral"),
                channel=channel,
                persons=number(total.persons),
                after=kr(total.after),
                before=kr(total.before),
                change=signed_kr(total.change),
                change_share=percent(total.change_share, 3),
            )
        )
    ]
    forms = n.drop(index="all")
    off = forms[forms.change_share.abs() > NEUTRAL_SHARE]
    if len(off):
        out.append(
            _("It is not neutral for ")
            + _(" and ").join(
                _(
                    "{form} ({change}, {change_share})",
                    form=term(f.replace("_", " ")),
                    change=signed_kr(row.change),
                    change_share=percent(row.change_share, 2),
                )
                for f, row in off.iterrows()
            )
            + "."
        )
    gain = r.changes[r.changes.change > 0].persons.sum()
    lose = r.changes[r.changes.change < 0].persons.sum()
    text = _("{gain} residents get a higher amount and {lose} a lower one", gain=number(gain), lose=number(lose))
    losing = losers(r.changes)
    if len(losing):
        w = losing.iloc[0]
        text += _(
            "; the largest loss is {change_share} ({change} a year) for {persons} {replace} residents moving from old level {old_level} to new level {new_level}",
            change_share=percent(-w.change_share, 0),
            change=kr(-w.change),
            persons=number(w.persons),
            replace=term(w.housing_form.replace("_", " ")),
            old_level=w.old_level,
            new_level=w.new_level,
        )
    best = r.changes.sort_values("change_share").iloc[-1]
    if best.change > 0:
        text += _(
            ", the largest gain {change_share} for {persons} {replace} residents moving from old level {old_level} to new level {new_level}",
            change_share=percent(best.change_share, 0),
            persons=number(best.persons),
            replace=term(best.housing_form.replace("_", " ")),
            old_level=best.old_level,
            new_level=best.new_level,
        )
    out.append(text + ".")
    sens = r.split_sensitivity.set_index(["split", "housing_form"])
    others = [s for s in ("uniform", "document", "individual") if s != params.split and (s, "all") in sens.index]
    if others:
        alt = sens.loc[(others[0], "all")]
        how = {
            "uniform": _("evenly over their points"),
            "document": _("as the document's counts imply"),
            "individual": _("by individual points"),
        }
        out.append(
            _(
                "The answer rests most on how the residents of old levels that straddle a new boundary divide, which the document does not give person by person: if they divided {how}, the change would be {change} ({change_share}).",
                how=how[others[0]],
                change=signed_kr(alt.change),
                change_share=percent(alt.change_share, 2),
            )
        )
    return out


KeyResult = tuple[str, str, float | str, str]


def key_results(r: Regrouping, params: LevelRegroupingParams) -> list[KeyResult]:
    """The headline figures, with stable ids (pinned in tests/pinned/level_regrouping.yaml), the scenario's focus first."""
    total = r.neutrality.set_index("housing_form").loc["all"]
    document: list[KeyResult] = [
        ("cost_current_levels", _("Cost with the current levels"), total.before, "kr/year"),
        ("cost_new_levels", _("Cost with the new levels"), total.after, "kr/year"),
        ("cost_change", _("Change"), total.change, "kr/year"),
        ("cost_change_share", _("Change as share of today's cost"), total.change_share, "%"),
        ("persons", _("Persons (same population before and after)"), total.persons, "persons"),
        ("persons_gaining", _("Persons whose amount rises"), r.changes.loc[r.changes.change > 0, "persons"].sum(), "persons"),
        ("persons_losing", _("Persons whose amount falls"), r.changes.loc[r.changes.change < 0, "persons"].sum(), "persons"),
    ]
    return ordered_results(document + part_two_results(r, params), params.focus)


def lead(r: Regrouping, params: LevelRegroupingParams) -> list[str]:
    """The sentences a scenario's focus puts before the document's neutrality (none for the document itself)."""
    return {
        "exposure": lambda: [exposure_sentence(r)],
        "transition": lambda: [transition_sentence(r, params)],
        "phase_in": lambda: [transition_sentence(r, params)],
        "residences": lambda: [residences_sentence(r, params)],
        "drift": lambda: [drift_sentence(r, params)],
        "staffing": lambda: [staffing_sentence(r, params)],
    }.get(params.focus, lambda: [])()


def decisions(r: Regrouping, params: LevelRegroupingParams) -> list[str]:
    """The answer's part on what the document leaves to the board: exposure, transition, drift, base staffing
    (each sentence once: a scenario's focus puts its own first, in lead())."""
    own = {
        "exposure": "exposure",
        "transition": "transition",
        "phase_in": "transition",
        "drift": "drift",
        "staffing": "staffing",
    }.get(params.focus)
    out = []
    for name, make in (
        ("exposure", lambda: exposure_sentence(r)),
        ("transition", lambda: transition_sentence(r, params)),
        ("drift", lambda: drift_sentence(r, params)),
        ("staffing", lambda: staffing_sentence(r, params)),
    ):
        if name != own:
            out.append(make())
    return out


#: The key results a scenario's focus puts first (params: focus).
FOCUS_RESULTS = {
    "document": [],
    "exposure": ["worst_board_change_share", "worst_board_change", "worst_provider_change_share", "worst_provider_change"],
    "transition": ["resident_cap_cost", "residence_cap_cost", "board_cap_cost", "phase_in_cost_total"],
    "phase_in": ["phase_in_cost_total", "resident_cap_cost", "residence_cap_cost", "board_cap_cost"],
    "residences": ["residences_beyond_margin", "residence_worst_change"],
    "drift": ["drift_change_share_last_year", "drift_limit"],
    "staffing": [
        "staffing_service_covers",
        "staffing_group_covers",
        "staffing_service_lowest_occupancy",
        "staffing_group_lowest_occupancy",
    ],
}
SYNTHETIC_LABEL = "[SYNTHETIC] "  # the answer's label (carepay.report.inline_html); sections show it the same way
CHANNEL_WORDS = {
    "standard_amount": N_("the yearly standard amount"),
    "daily_rate_municipal": N_("the municipal daily rate"),
    "daily_rate_contracted": N_("the contracted daily rate"),
    "daily_rate_private": N_("the private daily rate"),
}
EXAMPLES = {"service_housing": "'7 + 2'", "group_housing": "'3 + 3'"}


def _worst(r: Regrouping, kind: str) -> pd.Series:
    """The district board or provider that loses most (as a share), of those an analyst's extract may show
    (carepay.report.small_cells: none of fewer residents than the scenario's min_cell_persons)."""
    table = r.exposure[kind]
    shown = small_cells(table)
    allowed = table.drop(index=table.index[shown.attrs.get("suppressed", [])])
    return (allowed if len(allowed) else table).sort_values("change_share").iloc[0]


def part_two_results(r: Regrouping, params: LevelRegroupingParams) -> list[KeyResult]:
    """The headline figures of exposure, transition, residences, drift, base staffing and boundaries."""
    board, provider = _worst(r, "district_board"), _worst(r, "provider")
    t = r.transition.set_index("rule")
    rules = list(t.index)
    margin = r.residence_margin
    beyond = float((margin.beyond_margin * margin.residences).sum() / margin.residences.sum())
    last = r.drift.iloc[-1]
    ex = r.staffing_examples[(r.staffing_examples.system == "new") & (r.staffing_examples.channel == params.channel)].set_index(
        "housing_form"
    )
    contracted = r.staffing_examples[
        (r.staffing_examples.system == "new") & (r.staffing_examples.channel == "daily_rate_contracted")
    ].set_index("housing_form")
    steps = r.boundaries.groupby("system")[r.channel].max()
    providers = r.provision[r.provision.channel != "standard_amount"]  # the daily rates: the providers' rows
    return [
        (
            "worst_board_change_share",
            _("Worst-hit district board ({district_board}): change", district_board=board.district_board),
            float(board.change_share),
            "%",
        ),
        (
            "worst_board_change",
            _("Worst-hit district board ({district_board}): change", district_board=board.district_board),
            float(board.change),
            "kr/year",
        ),
        (
            "worst_provider_change_share",
            _("Worst-hit provider ({provider}): change", provider=provider.provider),
            float(provider.change_share),
            "%",
        ),
        (
            "worst_provider_change",
            _("Worst-hit provider ({provider}): change", provider=provider.provider),
            float(provider.change),
            "kr/year",
        ),
        ("providers_change", _("Providers' daily rates, all provision types: change"), float(providers.change.sum()), "kr/year"),
        (
            "resident_cap_cost",
            _(
                "Cap on a resident's loss at {max_loss_share}: cost a year",
                max_loss_share=percent(params.transition.max_loss_share, 0),
            ),
            float(t.cost[rules[0]]),
            "kr/year",
        ),
        (
            "residence_cap_cost",
            _(
                "Cap on a residence's loss at {max_loss_share}: cost a year",
                max_loss_share=percent(params.transition.max_loss_share, 0),
            ),
            float(t.cost[rules[1]]),
            "kr/year",
        ),
        (
            "board_cap_cost",
            _(
                "Cap on a district board's loss at {max_loss_share}: cost a year",
                max_loss_share=percent(params.transition.max_loss_share, 0),
            ),
            float(t.cost[rules[2]]),
            "kr/year",
        ),
        (
            "phase_in_cost_total",
            _("Losses phased in over {phase_in_years} year(s): cost in all", phase_in_years=params.transition.phase_in_years),
            float(t.total_cost[rules[-1]]),
            "kr",
        ),
        (
            "residences_beyond_margin",
            _(
                "Residences losing more than {margin_share} of their budget",
                margin_share=percent(params.residences.margin_share, 0),
            ),
            beyond,
            "%",
        ),
        ("residence_worst_change", _("Largest loss of a residence"), float(margin.worst.min()), "kr/year"),
        (
            "drift_change_share_last_year",
            _("Change in {year} at the scenario's drift", year=int(last.year)),
            float(last.change_share),
            "%",
        ),
        (
            "drift_limit",
            _(
                "Drift a year toward the low levels that breaks neutrality within {tolerance}",
                tolerance=percent(params.drift.tolerance, 1),
            ),
            float(r.drift_limit) if np.isfinite(r.drift_limit) else "beyond 50 %",
            "%",
        ),
        (
            "staffing_service_covers",
            _("'7 + 2' service residence covers base staffing ({channel})", channel=term(CHANNEL_WORDS[params.channel])),
            "yes" if ex.covers["service_housing"] else "no",
            "",
        ),
        (
            "staffing_group_covers",
            _("'3 + 3' group residence covers base staffing ({channel})", channel=term(CHANNEL_WORDS[params.channel])),
            "yes" if ex.covers["group_housing"] else "no",
            "",
        ),
        (
            "staffing_service_lowest_occupancy",
            _("'7 + 2' service residence: lowest occupancy that covers it, contracted"),
            float(contracted.lowest_occupancy["service_housing"]),
            "%",
        ),
        (
            "staffing_group_lowest_occupancy",
            _("'3 + 3' group residence: lowest occupancy that covers it, contracted"),
            float(contracted.lowest_occupancy["group_housing"]),
            "%",
        ),
        ("largest_step_today", _("Largest step one level up, today"), float(steps["current"]), "kr/year"),
        ("largest_step_new", _("Largest step one level up, new levels"), float(steps["new"]), "kr/year"),
    ]


def ordered_results(results: list[KeyResult], focus: str) -> list[KeyResult]:
    """The key results with the scenario's focus first (FOCUS_RESULTS; carepay.report.first_of)."""
    return first_of(results, FOCUS_RESULTS[focus])


def exposure_sentence(r: Regrouping) -> str:
    """Which district board and provider lose most; chosen by the numbers, labelled where the allocation is synthetic."""
    board, provider = _worst(r, "district_board"), _worst(r, "provider")
    text = ""
    if any(r.exposure_synthetic.values()):
        text += SYNTHETIC_LABEL
    text += (
        _(
            "The worst-hit district board, {district_board}, would lose **{change} a year ({change_share} of its standard amounts)**",
            district_board=board.district_board,
            change=kr(-board.change) if board.change < 0 else kr(0),
            change_share=percent(-board.change_share, 1),
        )
        if board.change < 0
        else _(
            "No district board loses: the least favoured, {district_board}, changes by {change}",
            district_board=board.district_board,
            change=signed_kr(board.change),
        )
    )
    text += (
        _("; the worst-hit provider, {provider}", provider=provider.provider)
        + (f" ({term(provider.provision)})" if "provision" in provider.index else "")
        + _(
            ", {change} a year ({change_share} of its daily-rate revenue).",
            change=signed_kr(provider.change),
            change_share=percent(provider.change_share, 1),
        )
    )
    if len(r.exposure_range):
        g = r.exposure_range.set_index("unit")
        b = g.loc["district_board"] if "district_board" in g.index else None
        if b is not None:
            text += _(
                " The boards and providers are drawn, not known: over {draws} allocations the worst board's change runs from {worst_low} to {worst_high}; an extract naming each resident's district board and provider gives the real exposure.",
                draws=int(b.draws),
                worst_low=percent(b.worst_low, 1),
                worst_high=percent(b.worst_high, 1),
            )
    return text


def transition_sentence(r: Regrouping, params: LevelRegroupingParams) -> str:
    """What the transition rules the document rejects would cost and whom they protect; chosen by the numbers."""
    t = params.transition
    rules = r.transition.set_index("rule")
    resident, residence = rules.iloc[0], rules.iloc[1]
    phase = rules.iloc[-1]
    losing = float(r.changes.loc[r.changes.change < 0, "persons"].sum())
    text = _("The document proposes no transition rules, yet {losing} residents would lose. ", losing=number(losing))
    if resident.cost > 0:
        text += _(
            "A cap on any resident's loss at {max_loss_share} of today's amount would protect {protected} of them and cost **{cost} a year** ({total_cost} over {cap_years} years); ",
            max_loss_share=percent(t.max_loss_share, 0),
            protected=number(resident.protected),
            cost=kr(resident.cost),
            total_cost=kr(resident.total_cost),
            cap_years=t.cap_years,
        )
    else:
        text += _(
            "No resident loses more than {max_loss_share}, so a cap at that level costs nothing; ",
            max_loss_share=percent(t.max_loss_share, 0),
        )
    text += _n(
        "a cap on a residence's loss would cost {cost} a year; phasing every loss in over {phase_in_years} year would cost {total_cost} in all.",
        "a cap on a residence's loss would cost {cost} a year; phasing every loss in over {phase_in_years} years would cost {total_cost} in all.",
        t.phase_in_years,
        cost=kr(residence.cost),
        phase_in_years=t.phase_in_years,
        total_cost=kr(phase.total_cost),
    )
    if "cap on a district board's loss" in rules.index:
        board = rules.loc["cap on a district board's loss"]
        text += (
            _(" No district board loses more than that share, so a cap on boards costs nothing.")
            if board.cost == 0
            else _(" A cap on a district board's loss would cost {cost} a year.", cost=kr(board.cost))
        )
    return text


def residences_sentence(r: Regrouping, params: LevelRegroupingParams) -> str:
    """How residences fare when residents sort by need; chosen by the numbers (r.residence_margin)."""
    m = r.residence_margin.set_index("housing_form")
    parts = [
        _(
            "{beyond_margin} of {replace} residences lose more than {margin_share} of their budget (the worst {worst} a year)",
            beyond_margin=percent(row.beyond_margin, 0),
            replace=term(form.replace("_", " ")),
            margin_share=percent(params.residences.margin_share, 0),
            worst=kr(-row.worst),
        )
        for form, row in m.iterrows()
    ]
    how = (
        _("placed at random (the most favourable case for the document's argument that residences mix levels)")
        if params.residences.sorting == 0
        else _(
            "sorted by need at {sorting} on a scale from 0 (at random) to 1 (fully sorted)",
            sorting=number(params.residences.sorting, 2),
        )
    )
    return (
        _("{synthetic_label}With residents {how}, ", synthetic_label=SYNTHETIC_LABEL if r.residences_synthetic else "", how=how)
        + _(" and ").join(parts)
        + "."
    )


def drift_sentence(r: Regrouping, params: LevelRegroupingParams) -> str:
    """How neutrality holds up as the mix drifts; chosen by the numbers (r.drift, r.drift_limit)."""
    d = params.drift
    last = r.drift.iloc[-1]
    counted = pd.Timestamp(d.counted_on)
    text = _("The proposal is costed on the residents of {day}; ", day=format_date(counted, "d MMMM y", locale=i18n.locale())) + (
        _(
            "with {share_per_year} of each level's residents moving a level toward the low levels each year, the change in {year} would be **{change} ({change_share})**. ",
            share_per_year=percent(d.share_per_year, 1),
            year=int(last.year),
            change=signed_kr(last.change),
            change_share=percent(last.change_share, 2),
        )
        if d.share_per_year
        else _(
            "with no drift in the mix the change stays {change} in {year}. ", change=signed_kr(last.change), year=int(last.year)
        )
    )
    if np.isfinite(r.drift_limit):
        text += _(
            "It stays within the board's tolerance of {tolerance} up to a drift of {drift_limit} a year toward the low levels",
            tolerance=percent(d.tolerance, 1),
            drift_limit=percent(r.drift_limit, 1),
        ) + (
            _("; at this scenario's drift it {text}.", text=_("does not") if abs(last.change_share) > d.tolerance else _("does"))
            if d.share_per_year
            else "."
        )
    else:
        text += _(
            "No drift up to 50 % a year takes it beyond the board's tolerance of {tolerance}.", tolerance=percent(d.tolerance, 1)
        )
    return text


def staffing_sentence(r: Regrouping, params: LevelRegroupingParams) -> str:
    """Whether the document's example residences cover base staffing in each provider channel; chosen by the numbers."""
    cost = float(r.base_staffing.loc[r.base_staffing.used, "cost"].iloc[0])
    e = r.staffing_examples[r.staffing_examples.system == "new"]
    parts = []
    for form, rows in e.groupby("housing_form", sort=False):
        daily = rows[rows.channel != "standard_amount"].set_index("channel")
        covered = [c.replace("daily_rate_", "") for c in daily.index if daily.covers[c]]
        lowest = {c.replace("daily_rate_", ""): daily.lowest_occupancy[c] for c in daily.index}
        parts.append(
            _(
                "the {form} {replace} residence covers it at {occupancy} occupancy in {join}",
                form=EXAMPLES.get(form, ""),
                replace=term(form.replace("_", " ")),
                occupancy=percent(params.occupancy, 0),
                join=", ".join(term(c) for c in covered) if covered else _("no type of provision"),
            )
            + _(" (it needs an occupancy of at least ")
            + ", ".join(f"{percent(v, 1)} {term(k)}" for k, v in lowest.items())
            + ")"
        )
    today = r.staffing_examples[(r.staffing_examples.system != "new") & (r.staffing_examples.channel != "standard_amount")]
    covered_today = int(today.covers.sum())
    return (
        _("Paid the daily rate, a provider meets base staffing of {cost} a year as follows: ", cost=kr(cost))
        + "; ".join(parts)
        + _(
            ". Today, residents on the same points would cover it in {covered_today} of the {n_today} combinations of housing form and provision type.",
            covered_today=covered_today,
            n_today=len(today),
        )
    )


def boundaries_sentence(r: Regrouping) -> str:
    """What a reassessment one level up is worth, today and with the new levels; chosen by the numbers (r.boundaries)."""
    b = r.boundaries
    ch = r.channel
    today, new = b[b.system == "current"], b[b.system == "new"]
    top_today, top_new = today.loc[today[ch].idxmax()], new.loc[new[ch].idxmax()]
    return _(
        "The new levels are fewer and wider, so each step is larger: paid in {ch}, moving a resident one level up is worth at most {top_today} a year today ({replace}, at {at_points} points) and **{top_new} a year with the new levels** ({replace_2}, at {at_points_2} points), on average {today_mean} against {new_mean}. A provider near a boundary gains more from a reassessment, and a board deciding on fewer levels trades fewer reassessments for larger ones.",
        ch=term(CHANNEL_WORDS[ch]),
        top_today=kr(float(top_today[ch])),
        replace=term(top_today.housing_form.replace("_", " ")),
        at_points=int(top_today.at_points),
        top_new=kr(float(top_new[ch])),
        replace_2=term(top_new.housing_form.replace("_", " ")),
        at_points_2=int(top_new.at_points),
        today_mean=kr(float(today[ch].mean())),
        new_mean=kr(float(new[ch].mean())),
    )


def covering(table: pd.DataFrame, sizes: Mapping[str, int]) -> str:
    """For each housing form's typical residence (sizes: form -> residents), whether residents at the lowest level
    cover base staffing, today and with the new amounts (table: analysis.covering_amounts)."""
    cost = table.attrs["base_staffing_cost"]
    parts = []
    for form, size in sizes.items():
        row = table[(table.housing_form == form) & (table.residents == size)].iloc[0]
        verdict = {
            (True, True): _("covers it today and with the new amounts"),
            (False, True): _("**covers it only with the new amounts**"),
            (True, False): _("**covers it today but not with the new amounts**"),
            (False, False): _("covers it neither today nor with the new amounts"),
        }[(bool(row.covered_today), bool(row.covered_new))]
        needed_new = int(np.ceil(cost / row.lowest_new))
        parts.append(
            _(
                "a {replace} residence of {size} residents at the lowest level needs {amount_needed} a resident; the lowest level pays {lowest_new} with the new amounts ({lowest_today} today), so it {verdict} (with the new amounts, {needed_new} such residents cover it)",
                replace=term(form.replace("_", " ")),
                size=size,
                amount_needed=kr(row.amount_needed),
                lowest_new=kr(row.lowest_new),
                lowest_today=kr(row.lowest_today),
                verdict=verdict,
                needed_new=needed_new,
            )
        )
    return _("Base staffing costs {cost} a year: ", cost=kr(cost)) + "; ".join(parts) + "."
