"""The answer a board member reads first (level regrouping): three to six sentences, every figure and every
claim computed from the result; a sentence whose truth depends on the numbers is chosen by them."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from carepay.formats import kr, number, percent, signed_kr
from carepay.level_regrouping.analysis import Regrouping, losers
from carepay.level_regrouping.params import LevelRegroupingParams

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


def key_results(r: Regrouping) -> list[KeyResult]:
    """The headline figures, with stable ids (pinned in tests/pinned/level_regrouping.yaml)."""
    total = r.neutrality.set_index("housing_form").loc["all"]
    return [
        ("cost_current_levels", "Cost with the current levels", total.before, "kr/year"),
        ("cost_new_levels", "Cost with the new levels", total.after, "kr/year"),
        ("cost_change", "Change", total.change, "kr/year"),
        ("cost_change_share", "Change as share of today's cost", total.change_share, "%"),
        ("persons", "Persons (same population before and after)", total.persons, "persons"),
        ("persons_gaining", "Persons whose amount rises", r.changes.loc[r.changes.change > 0, "persons"].sum(), "persons"),
        ("persons_losing", "Persons whose amount falls", r.changes.loc[r.changes.change < 0, "persons"].sum(), "persons"),
    ]


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
