"""Cross-checks of the Stockholm document (data/stockholm_lss_housing_2023): level tables, costs, totals, base staffing."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from carepay.checks import Row, compare, rounding_tolerance
from carepay.i18n import N_, _
from carepay.sources import DataPackage

# --- Stockholm: level tables -----------------------------------------------------------


def _ranges_ok(levels: pd.DataFrame, top: int) -> list[str]:
    """Problems with point ranges that should partition 0..top: gaps, overlaps, bad ends."""
    problems = []
    lv = levels.sort_values("points_min")
    if lv.points_min.iloc[0] != 0:
        problems.append(_("starts at {text}, not 0", text=lv.points_min.iloc[0]))
    for a, b in zip(lv.itertuples(), lv.iloc[1:].itertuples()):
        if b.points_min != a.points_max + 1:
            kind = "gap" if b.points_min > a.points_max + 1 else "overlap"
            problems.append(
                _(
                    "{kind} between level {level} ({points_min}-{points_max}) and level {level_2} ({points_min_2}-{points_max_2})",
                    kind=kind,
                    level=a.level,
                    points_min=a.points_min,
                    points_max=a.points_max,
                    level_2=b.level,
                    points_min_2=b.points_min,
                    points_max_2=b.points_max,
                )
            )
    if lv.points_max.iloc[-1] != top:
        problems.append(_("ends at {text}, not {top}", text=lv.points_max.iloc[-1], top=top))
    return problems


STOCKHOLM_TOP_POINTS = 110  # Tables 1 and 2: the highest levels end at 110 points


def stockholm_partitions(pkg: DataPackage, corrected: bool) -> Iterator[Row]:
    costs = pkg.table("level_costs", corrected)
    tables = {
        "levels_current": pkg.table("levels_current"),
        "levels_proposed": pkg.table("levels_proposed"),
        "level_costs current": costs[costs.system == "current"],
        "level_costs proposed": costs[costs.system == "proposed"],
    }
    for name, t in tables.items():
        for form, levels in t.groupby("housing_form"):
            problems = _ranges_ok(levels, STOCKHOLM_TOP_POINTS)
            yield compare(
                "stockholm.partition",
                name,
                form,
                0,
                len(problems),
                0,
                "problems",
                _(
                    "point ranges partition 0-{stockholm_top_points} with no gap or overlap",
                    stockholm_top_points=STOCKHOLM_TOP_POINTS,
                )
                + (f" (found: {'; '.join(problems)})" if problems else ""),
            )


def stockholm_table3_ranges(pkg: DataPackage, corrected: bool) -> Iterator[Row]:
    costs = pkg.table("level_costs", corrected)
    for system in ("current", "proposed"):
        levels = pkg.table(f"levels_{system}").set_index(["housing_form", "level"])
        for r in costs[costs.system == system].itertuples():
            ref = levels.loc[(r.housing_form, r.level)]
            for end in ("points_min", "points_max"):
                yield compare(
                    "stockholm.table3_points",
                    "level_costs",
                    f"{system}/{r.housing_form}/{r.level} {end}",
                    getattr(r, end),  # Table 3 as printed
                    ref[end],  # what Table 1 (or 2) prints for the level
                    0,
                    "points",
                    _("Table 3 prints the same point range as Table {text}", text=1 if system == "current" else 2),
                )


def stockholm_costs(pkg: DataPackage, corrected: bool) -> Iterator[Row]:
    costs = pkg.table("level_costs", corrected)
    for system in ("current", "proposed"):
        amounts = pkg.table(f"levels_{system}").set_index(["housing_form", "level"])["standard_amount"]
        for r in costs[costs.system == system].itertuples():
            computed = r.persons * amounts[(r.housing_form, r.level)] / 1e6
            yield compare(
                "stockholm.persons_x_amount",
                "level_costs",
                f"{system}/{r.housing_form}/{r.level}",
                r.cost,
                computed,
                0.05,
                "mnkr",
                N_("cost = persons x standard amount (Table 1/2), printed to 0.1 mnkr"),
            )


def stockholm_totals(pkg: DataPackage, corrected: bool) -> Iterator[Row]:
    costs = pkg.table("level_costs", corrected)
    totals = pkg.table("level_costs_totals").set_index("system")
    forms = {"service_housing": pkg.figure("persons_service_housing"), "group_housing": pkg.figure("persons_group_housing")}
    for system, part in costs.groupby("system"):
        yield compare(
            "stockholm.total_cost",
            "level_costs_totals",
            f"{system} cost",
            totals.loc[system, "cost"],
            part.cost.sum(),
            rounding_tolerance(len(part), 0.1),
            "mnkr",
            N_("Summa = sum of the level costs"),
        )
        yield compare(
            "stockholm.total_persons",
            "level_costs_totals",
            f"{system} persons",
            totals.loc[system, "persons"],
            part.persons.sum(),
            0,
            "persons",
            N_("Summa = sum of the persons per level"),
        )
        for form, n in forms.items():
            yield compare(
                "stockholm.form_persons",
                "level_costs",
                f"{system}/{form} persons",
                n,
                part.loc[part.housing_form == form, "persons"].sum(),
                0,
                "persons",
                N_("persons per housing form = the count in the text (same population under both systems)"),
            )
    yield compare(
        "stockholm.text_persons",
        "figures",
        "persons_total",
        pkg.figure("persons_total"),
        sum(forms.values()) + pkg.figure("persons_children"),
        0,
        "persons",
        N_("1 771 = service housing + group housing + children's housing"),
    )


def stockholm_mapping(pkg: DataPackage, corrected: bool) -> Iterator[Row]:
    """Persons in each new level lie between those of the old levels wholly inside it and
    those plus the old levels that straddle its boundaries (points map persons between systems)."""
    costs = pkg.table("level_costs", corrected)
    old_levels = pkg.table("levels_current")
    new_levels = pkg.table("levels_proposed")
    old_counts = costs[costs.system == "current"].set_index(["housing_form", "level"])["persons"]
    new_counts = costs[costs.system == "proposed"].set_index(["housing_form", "level"])["persons"]
    for new in new_levels.itertuples():
        olds = old_levels[old_levels.housing_form == new.housing_form]
        inside = olds[(olds.points_min >= new.points_min) & (olds.points_max <= new.points_max)]
        touching = olds[(olds.points_max >= new.points_min) & (olds.points_min <= new.points_max)]
        low = sum(old_counts[(new.housing_form, lv)] for lv in inside.level)
        high = sum(old_counts[(new.housing_form, lv)] for lv in touching.level)
        n = new_counts[(new.housing_form, new.level)]
        cell = f"proposed/{new.housing_form}/{new.level}"
        desc = _(
            "persons in new level {level} ({points_min}-{points_max} p) lie between the old levels inside it ({low}) and those plus the straddling ones ({high})",
            level=new.level,
            points_min=new.points_min,
            points_max=new.points_max,
            low=low,
            high=high,
        )
        yield compare("stockholm.mapping_low", "level_costs", cell, n, low, 0, "persons", desc, relation="at_most")
        yield compare("stockholm.mapping_high", "level_costs", cell, n, high, 0, "persons", desc, relation="at_least")


def stockholm_base_staffing(pkg: DataPackage, _corrected: bool) -> Iterator[Row]:
    """The text's resident mixes cover the base staffing cost at the proposed amounts, and one
    resident fewer at level 1 would not (the mixes are the smallest of their shape)."""
    cost = pkg.figure("base_staffing_cost")
    levels = pkg.table("levels_proposed").set_index(["housing_form", "level"])
    examples = pkg.table("base_staffing_examples")
    channels = {"standard_amount": 1, "daily_rate_municipal": 365}
    for form, mix in examples.groupby("housing_form"):
        for column, days in channels.items():
            amounts = pd.Series([levels.loc[(form, lv), column] * days for lv in mix.level], index=mix.index)
            revenue = float((amounts * mix.residents).sum())
            label = " + ".join(_("{residents} x level {level}", residents=r.residents, level=r.level) for r in mix.itertuples())
            yield compare(
                "stockholm.base_staffing_covered",
                "base_staffing_examples",
                f"{form} {column}",
                cost,
                revenue,
                0,
                "kr/year",
                _("{label} covers base staffing ({column}{text})", label=label, column=column, text=" x 365" if days > 1 else ""),
                relation="at_least",
            )
            one_less = revenue - levels.loc[(form, 1), column] * days
            yield compare(
                "stockholm.base_staffing_minimal",
                "base_staffing_examples",
                f"{form} {column}",
                cost,
                one_less,
                0,
                "kr/year",
                _("one resident fewer at level 1 does not cover it ({column})", column=column),
                relation="below",
            )


#: The checks of each data package this question uses (run by carepay.checks.run_checks).
CHECKS = {
    "stockholm_lss_housing_2023": [
        stockholm_partitions,
        stockholm_table3_ranges,
        stockholm_costs,
        stockholm_totals,
        stockholm_mapping,
        stockholm_base_staffing,
    ],
}
