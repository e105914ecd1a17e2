"""The answer a board member reads first (level regrouping): three to six sentences, every figure and every
claim computed from the result; a sentence whose truth depends on the numbers is chosen by them."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from carepay.formats import kr, number, percent, signed_kr
from carepay.level_regrouping.analysis import Regrouping, losers
from carepay.level_regrouping.params import LevelRegroupingParams
from carepay.report import first_of

#: A change within this share of today's cost counts as cost-neutral (the document's own 0,1 mnkr on 1 949 mnkr
#: is 0,006 %; rounding amounts to the krona moves the total by a few thousand kronor).
NEUTRAL_SHARE = 0.001


def sentences(r: Regrouping, params: LevelRegroupingParams) -> list[str]:
    n = r.neutrality.set_index("housing_form")
    total = n.loc["all"]
    channel = r.channel.replace("_", " ")
    neutral = abs(total.change_share) <= NEUTRAL_SHARE
    out = [
        (
            f"The new levels are **{'cost-neutral' if neutral else 'not cost-neutral'}**: paid in the {channel}, the same "
            f"{number(total.persons)} residents cost {kr(total.after)} a year against {kr(total.before)} today, a change "
            f"of {signed_kr(total.change)} ({percent(total.change_share, 3)})."
        )
    ]
    forms = n.drop(index="all")
    off = forms[forms.change_share.abs() > NEUTRAL_SHARE]
    if len(off):
        out.append(
            "It is not neutral for "
            + " and ".join(
                f"{f.replace('_', ' ')} ({signed_kr(row.change)}, {percent(row.change_share, 2)})" for f, row in off.iterrows()
            )
            + "."
        )
    gain = r.changes[r.changes.change > 0].persons.sum()
    lose = r.changes[r.changes.change < 0].persons.sum()
    text = f"{number(gain)} residents get a higher amount and {number(lose)} a lower one"
    losing = losers(r.changes)
    if len(losing):
        w = losing.iloc[0]
        text += (
            f"; the largest loss is {percent(-w.change_share, 0)} ({kr(-w.change)} a year) for {number(w.persons)} "
            f"{w.housing_form.replace('_', ' ')} residents moving from old level {w.old_level} to new level {w.new_level}"
        )
    best = r.changes.sort_values("change_share").iloc[-1]
    if best.change > 0:
        text += (
            f", the largest gain {percent(best.change_share, 0)} for {number(best.persons)} "
            f"{best.housing_form.replace('_', ' ')} residents moving from old level {best.old_level} to new level {best.new_level}"
        )
    out.append(text + ".")
    sens = r.split_sensitivity.set_index(["split", "housing_form"])
    others = [s for s in ("uniform", "document", "individual") if s != params.split and (s, "all") in sens.index]
    if others:
        alt = sens.loc[(others[0], "all")]
        how = {
            "uniform": "evenly over their points",
            "document": "as the document's counts imply",
            "individual": "by individual points",
        }
        out.append(
            f"The answer rests most on how the residents of old levels that straddle a new boundary divide, which the "
            f"document does not give person by person: if they divided {how[others[0]]}, the change would be "
            f"{signed_kr(alt.change)} ({percent(alt.change_share, 2)})."
        )
    return out


KeyResult = tuple[str, str, float | str, str]


def key_results(r: Regrouping, params: LevelRegroupingParams) -> list[KeyResult]:
    """The headline figures, with stable ids (pinned in tests/pinned/level_regrouping.yaml), the scenario's focus first."""
    total = r.neutrality.set_index("housing_form").loc["all"]
    document: list[KeyResult] = [
        ("cost_current_levels", "Cost with the current levels", total.before, "kr/year"),
        ("cost_new_levels", "Cost with the new levels", total.after, "kr/year"),
        ("cost_change", "Change", total.change, "kr/year"),
        ("cost_change_share", "Change as share of today's cost", total.change_share, "%"),
        ("persons", "Persons (same population before and after)", total.persons, "persons"),
        ("persons_gaining", "Persons whose amount rises", r.changes.loc[r.changes.change > 0, "persons"].sum(), "persons"),
        ("persons_losing", "Persons whose amount falls", r.changes.loc[r.changes.change < 0, "persons"].sum(), "persons"),
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
    "standard_amount": "the yearly standard amount",
    "daily_rate_municipal": "the municipal daily rate",
    "daily_rate_contracted": "the contracted daily rate",
    "daily_rate_private": "the private daily rate",
}
EXAMPLES = {"service_housing": "'7 + 2'", "group_housing": "'3 + 3'"}


def _worst(r: Regrouping, kind: str) -> pd.Series:
    return r.exposure[kind].sort_values("change_share").iloc[0]


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
    providers = r.provision[r.provision.payer.str.startswith("providers")]
    return [
        (
            "worst_board_change_share",
            f"Worst-hit district board ({board.district_board}): change",
            float(board.change_share),
            "%",
        ),
        ("worst_board_change", f"Worst-hit district board ({board.district_board}): change", float(board.change), "kr/year"),
        ("worst_provider_change_share", f"Worst-hit provider ({provider.provider}): change", float(provider.change_share), "%"),
        ("worst_provider_change", f"Worst-hit provider ({provider.provider}): change", float(provider.change), "kr/year"),
        ("providers_change", "Providers' daily rates, all provision types: change", float(providers.change.sum()), "kr/year"),
        (
            "resident_cap_cost",
            f"Cap on a resident's loss at {percent(params.transition.max_loss_share, 0)}: cost a year",
            float(t.cost[rules[0]]),
            "kr/year",
        ),
        (
            "residence_cap_cost",
            f"Cap on a residence's loss at {percent(params.transition.max_loss_share, 0)}: cost a year",
            float(t.cost[rules[1]]),
            "kr/year",
        ),
        (
            "board_cap_cost",
            f"Cap on a district board's loss at {percent(params.transition.max_loss_share, 0)}: cost a year",
            float(t.cost[rules[2]]),
            "kr/year",
        ),
        (
            "phase_in_cost_total",
            f"Losses phased in over {params.transition.phase_in_years} year(s): cost in all",
            float(t.total_cost[rules[-1]]),
            "kr",
        ),
        (
            "residences_beyond_margin",
            f"Residences losing more than {percent(params.residences.margin_share, 0)} of their budget",
            beyond,
            "%",
        ),
        ("residence_worst_change", "Largest loss of a residence", float(margin.worst.min()), "kr/year"),
        ("drift_change_share_last_year", f"Change in {int(last.year)} at the scenario's drift", float(last.change_share), "%"),
        (
            "drift_limit",
            f"Drift a year toward the low levels that breaks neutrality within {percent(params.drift.tolerance, 1)}",
            float(r.drift_limit) if np.isfinite(r.drift_limit) else "beyond 50 %",
            "%",
        ),
        (
            "staffing_service_covers",
            f"'7 + 2' service residence covers base staffing ({CHANNEL_WORDS[params.channel]})",
            "yes" if ex.covers["service_housing"] else "no",
            "",
        ),
        (
            "staffing_group_covers",
            f"'3 + 3' group residence covers base staffing ({CHANNEL_WORDS[params.channel]})",
            "yes" if ex.covers["group_housing"] else "no",
            "",
        ),
        (
            "staffing_service_lowest_occupancy",
            "'7 + 2' service residence: lowest occupancy that covers it, contracted",
            float(contracted.lowest_occupancy["service_housing"]),
            "%",
        ),
        (
            "staffing_group_lowest_occupancy",
            "'3 + 3' group residence: lowest occupancy that covers it, contracted",
            float(contracted.lowest_occupancy["group_housing"]),
            "%",
        ),
        ("largest_step_today", "Largest step one level up, today", float(steps["current"]), "kr/year"),
        ("largest_step_new", "Largest step one level up, new levels", float(steps["new"]), "kr/year"),
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
        f"The worst-hit district board, {board.district_board}, would lose **{kr(-board.change) if board.change < 0 else kr(0)} a year "
        f"({percent(-board.change_share, 1)} of its standard amounts)**"
        if board.change < 0
        else f"No district board loses: the least favoured, {board.district_board}, changes by {signed_kr(board.change)}"
    )
    text += (
        f"; the worst-hit provider, {provider.provider}"
        + (f" ({provider.provision})" if "provision" in provider.index else "")
        + f", {signed_kr(provider.change)} a year ({percent(provider.change_share, 1)} of its daily-rate revenue)."
    )
    if len(r.exposure_range):
        g = r.exposure_range.set_index("unit")
        b = g.loc["district_board"] if "district_board" in g.index else None
        if b is not None:
            text += (
                f" The boards and providers are drawn, not known: over {int(b.draws)} allocations the worst board's change "
                f"runs from {percent(b.worst_low, 1)} to {percent(b.worst_high, 1)}; an extract naming each resident's "
                "district board and provider gives the real exposure."
            )
    return text


def transition_sentence(r: Regrouping, params: LevelRegroupingParams) -> str:
    """What the transition rules the document rejects would cost and whom they protect; chosen by the numbers."""
    t = params.transition
    rules = r.transition.set_index("rule")
    resident, residence = rules.iloc[0], rules.iloc[1]
    phase = rules.iloc[-1]
    losing = float(r.changes.loc[r.changes.change < 0, "persons"].sum())
    text = f"The document proposes no transition rules, yet {number(losing)} residents would lose. "
    if resident.cost > 0:
        text += (
            f"A cap on any resident's loss at {percent(t.max_loss_share, 0)} of today's amount would protect "
            f"{number(resident.protected)} of them and cost **{kr(resident.cost)} a year** ({kr(resident.total_cost)} over "
            f"{t.cap_years} years); "
        )
    else:
        text += f"No resident loses more than {percent(t.max_loss_share, 0)}, so a cap at that level costs nothing; "
    text += (
        f"a cap on a residence's loss would cost {kr(residence.cost)} a year; phasing every loss in over "
        f"{t.phase_in_years} year{'s' if t.phase_in_years > 1 else ''} would cost {kr(phase.total_cost)} in all."
    )
    if "cap on a district board's loss" in rules.index:
        board = rules.loc["cap on a district board's loss"]
        text += (
            " No district board loses more than that share, so a cap on boards costs nothing."
            if board.cost == 0
            else f" A cap on a district board's loss would cost {kr(board.cost)} a year."
        )
    return text


def residences_sentence(r: Regrouping, params: LevelRegroupingParams) -> str:
    """How residences fare when residents sort by need; chosen by the numbers (r.residence_margin)."""
    m = r.residence_margin.set_index("housing_form")
    parts = [
        f"{percent(row.beyond_margin, 0)} of {form.replace('_', ' ')} residences lose more than {percent(params.residences.margin_share, 0)} "
        f"of their budget (the worst {kr(-row.worst)} a year)"
        for form, row in m.iterrows()
    ]
    how = (
        "placed at random (the most favourable case for the document's argument that residences mix levels)"
        if params.residences.sorting == 0
        else f"sorted by need at {number(params.residences.sorting, 2)} on a scale from 0 (at random) to 1 (fully sorted)"
    )
    return f"{SYNTHETIC_LABEL if r.residences_synthetic else ''}With residents {how}, " + " and ".join(parts) + "."


def drift_sentence(r: Regrouping, params: LevelRegroupingParams) -> str:
    """How neutrality holds up as the mix drifts; chosen by the numbers (r.drift, r.drift_limit)."""
    d = params.drift
    last = r.drift.iloc[-1]
    counted = pd.Timestamp(d.counted_on)
    text = f"The proposal is costed on the residents of {counted.day} {counted.strftime('%B %Y')}; " + (
        f"with {percent(d.share_per_year, 1)} of each level's residents moving a level toward the low levels each year, "
        f"the change in {int(last.year)} would be **{signed_kr(last.change)} ({percent(last.change_share, 2)})**. "
        if d.share_per_year
        else f"with no drift in the mix the change stays {signed_kr(last.change)} in {int(last.year)}. "
    )
    if np.isfinite(r.drift_limit):
        text += (
            f"It stays within the board's tolerance of {percent(d.tolerance, 1)} up to a drift of "
            f"{percent(r.drift_limit, 1)} a year toward the low levels"
            + (
                f"; at this scenario's drift it {'does not' if abs(last.change_share) > d.tolerance else 'does'}."
                if d.share_per_year
                else "."
            )
        )
    else:
        text += f"No drift up to 50 % a year takes it beyond the board's tolerance of {percent(d.tolerance, 1)}."
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
            f"the {EXAMPLES.get(form, '')} {form.replace('_', ' ')} residence covers it at {percent(params.occupancy, 0)} "
            f"occupancy in {', '.join(covered) + ' provision' if covered else 'no type of provision'}"
            + " (it needs an occupancy of at least "
            + ", ".join(f"{percent(v, 1)} {k}" for k, v in lowest.items())
            + ")"
        )
    today = r.staffing_examples[(r.staffing_examples.system != "new") & (r.staffing_examples.channel != "standard_amount")]
    covered_today = int(today.covers.sum())
    return (
        f"Paid the daily rate, a provider meets base staffing of {kr(cost)} a year as follows: "
        + "; ".join(parts)
        + f". Today, residents on the same points would cover it in {covered_today} of the {len(today)} combinations "
        "of housing form and provision type."
    )


def boundaries_sentence(r: Regrouping) -> str:
    """What a reassessment one level up is worth, today and with the new levels; chosen by the numbers (r.boundaries)."""
    b = r.boundaries
    ch = r.channel
    today, new = b[b.system == "current"], b[b.system == "new"]
    top_today, top_new = today.loc[today[ch].idxmax()], new.loc[new[ch].idxmax()]
    return (
        f"The new levels are fewer and wider, so each step is larger: paid in {CHANNEL_WORDS[ch]}, moving a resident one "
        f"level up is worth at most {kr(float(top_today[ch]))} a year today ({top_today.housing_form.replace('_', ' ')}, at "
        f"{int(top_today.at_points)} points) and **{kr(float(top_new[ch]))} a year with the new levels** "
        f"({top_new.housing_form.replace('_', ' ')}, at {int(top_new.at_points)} points), on average "
        f"{kr(float(today[ch].mean()))} against {kr(float(new[ch].mean()))}. A provider near a boundary gains more from a "
        "reassessment, and a board deciding on fewer levels trades fewer reassessments for larger ones."
    )


def covering(table: pd.DataFrame, sizes: Mapping[str, int]) -> str:
    """For each housing form's typical residence (sizes: form -> residents), whether residents at the lowest level
    cover base staffing, today and with the new amounts (table: analysis.covering_amounts)."""
    cost = table.attrs["base_staffing_cost"]
    parts = []
    for form, size in sizes.items():
        row = table[(table.housing_form == form) & (table.residents == size)].iloc[0]
        verdict = {
            (True, True): "covers it today and with the new amounts",
            (False, True): "**covers it only with the new amounts**",
            (True, False): "**covers it today but not with the new amounts**",
            (False, False): "covers it neither today nor with the new amounts",
        }[(bool(row.covered_today), bool(row.covered_new))]
        needed_new = int(np.ceil(cost / row.lowest_new))
        parts.append(
            f"a {form.replace('_', ' ')} residence of {size} residents at the lowest level needs {kr(row.amount_needed)} "
            f"a resident; the lowest level pays {kr(row.lowest_new)} with the new amounts ({kr(row.lowest_today)} "
            f"today), so it {verdict} (with the new amounts, {needed_new} such residents cover it)"
        )
    return f"Base staffing costs {kr(cost)} a year: " + "; ".join(parts) + "."
