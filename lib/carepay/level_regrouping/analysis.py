"""The level regrouping question (Stockholm LSS housing): from a scenario to every table the report shows.

``analyse(params, package)`` builds the old and new level systems, maps the population
between them, solves the new amounts in every payment channel, and returns the
neutrality, winners and losers, residences and base-staffing results as DataFrames.
The rules themselves are in carepay.tariffs; this module only wires them to the data.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from carepay import tariffs
from carepay.formats import percent
from carepay.i18n import N_, _, term
from carepay.level_regrouping.params import BaseStaffingSpec, LevelRegroupingParams
from carepay.sources import DataPackage
from carepay.tariffs import CHANNELS, KEY, LevelError
from carepay.units import Columns, annotate, annotate_result

PACKAGE = "stockholm_lss_housing_2023"
TOP_POINTS = 110  # Tables 1 and 2: the scale runs 0-110 points
FORMS = ("service_housing", "group_housing")


@dataclass
class Regrouping:
    """Everything the report shows, as DataFrames; amounts in kr/person-year unless a column says otherwise."""

    channel: str
    old_levels: pd.DataFrame
    new_levels: pd.DataFrame
    flows: pd.DataFrame
    old_amounts: dict[str, pd.Series]
    new_amounts: dict[str, pd.Series]
    neutrality: pd.DataFrame  # headline channel, per form and overall
    neutrality_channels: pd.DataFrame  # every channel
    split_sensitivity: pd.DataFrame
    solver: pd.DataFrame  # factor / lambda and residual after rounding, per form
    amounts_compared: pd.DataFrame  # given, mean-preserving and used amounts per new level
    changes: pd.DataFrame  # per (old level, new level)
    changes_by_level: pd.DataFrame
    residents: pd.DataFrame
    residences: pd.DataFrame
    homogeneous: pd.DataFrame
    residences_synthetic: bool
    base_staffing: pd.DataFrame
    mixes: pd.DataFrame
    staffing_channels: pd.DataFrame  # residents on the same points needed for base staffing, today and new, per channel
    channels: pd.DataFrame
    table3: pd.DataFrame | None
    groups: dict[str, pd.DataFrame] = field(default_factory=dict)
    exposure: dict[str, pd.DataFrame] = field(default_factory=dict)  # district_board / provider -> change per unit
    exposure_synthetic: dict[str, bool] = field(default_factory=dict)  # whether each comes from the synthetic allocation
    exposure_range: pd.DataFrame = field(default_factory=pd.DataFrame)  # the worst unit's change over synthetic draws
    provision: pd.DataFrame = field(default_factory=pd.DataFrame)  # change by payment channel and provision type
    transition: pd.DataFrame = field(default_factory=pd.DataFrame)  # each rule: whom it protects, its cost, how long
    phase_in: pd.DataFrame = field(default_factory=pd.DataFrame)  # losses phased in: cost by year
    residence_margin: pd.DataFrame = field(default_factory=pd.DataFrame)  # residences losing more than their margin
    drift: pd.DataFrame = field(default_factory=pd.DataFrame)  # neutrality by projected year under the drift
    drift_limit: float = float("nan")  # the drift a year at which neutrality breaks the board's tolerance
    boundaries: pd.DataFrame = field(default_factory=pd.DataFrame)  # moving one level up, today and new, by channel
    staffing_examples: pd.DataFrame = field(default_factory=pd.DataFrame)  # the document's mixes in every channel
    notes: list[str] = field(default_factory=list)


def load_individuals(path: str) -> pd.DataFrame:
    """Read an analyst's file of individual points (path relative to the project folder)."""
    from carepay.population import read_extract

    df, where = read_extract(path)
    return tariffs.validate_individuals(df, where)


def _new_levels(params: LevelRegroupingParams, pkg: DataPackage) -> pd.DataFrame:
    if params.new_levels == "document":
        return pkg.table("levels_proposed")
    frame = pd.DataFrame([lv.model_dump() for lv in params.new_levels])
    frame["printed_label"] = frame.apply(
        lambda r: _(
            "Level {level} ({points_min}-{points_max} points)", level=r.level, points_min=r.points_min, points_max=r.points_max
        ),
        axis=1,
    )
    return frame


def _flows(
    split: str,
    old: pd.DataFrame,
    new: pd.DataFrame,
    counts_old: pd.Series,
    counts_new: pd.Series | None,
    individual_flows: pd.DataFrame | None,
) -> pd.DataFrame:
    if split == "uniform":
        return tariffs.flows_uniform(old, counts_old, new)
    if split == "document":
        if counts_new is None:
            raise LevelError(
                "split 'document' needs the document's new counts, which exist only for the document's "
                "5 levels; use split 'uniform' or 'individual' for another grouping"
            )
        return tariffs.flows_monotone(old, counts_old, new, counts_new)
    if individual_flows is None:
        raise LevelError("split 'individual' needs individuals_file")
    return individual_flows


def _given(new: pd.DataFrame, channel: str) -> pd.Series | None:
    if channel not in new.columns or new[channel].isna().any():
        return None
    return tariffs.yearly_amounts(new, channel, 1.0)


def _solve(
    method: str, flows: pd.DataFrame, old_amounts: pd.Series, given: pd.Series | None, floors: pd.Series, scope: str
) -> tuple[pd.Series, dict[str, float]]:
    """New amounts (kr/person-year) by the chosen method, and the solver's factor or lambda per form."""
    if method == "mean_preserving" or given is None:
        return tariffs.mean_preserving(flows, old_amounts), {}
    if method == "as_given":
        return given, {}
    if method == "scaled":
        amounts, factors = tariffs.scale_to_neutral(flows, old_amounts, given, scope)
        return amounts, factors.to_dict()
    amounts, lambdas = tariffs.floors_to_neutral(flows, old_amounts, given, floors, scope)
    return amounts, lambdas.to_dict()


@dataclass
class Population:
    """Who is in which level: the old and new level tables, counts and the flows between them (persons)."""

    old: pd.DataFrame
    new: pd.DataFrame
    counts_old: pd.Series
    counts_new: pd.Series | None
    individuals: pd.DataFrame | None
    individual_flows: pd.DataFrame | None
    mapped: pd.DataFrame | None  # one row per person with old_level and new_level
    flows: pd.DataFrame


def population(params: LevelRegroupingParams, pkg: DataPackage) -> Population:
    """Step 1: the level systems and the persons flowing between them (split of straddling levels as the scenario says)."""
    old = tariffs.validate_levels(pkg.table("levels_current"), TOP_POINTS, "Table 1 (levels_current)")
    new = tariffs.validate_levels(_new_levels(params, pkg), TOP_POINTS, "new_levels")
    costs = pkg.table("level_costs", corrected=params.reading == "corrected")
    counts_old = costs[costs.system == "current"].set_index(KEY).persons.astype(float)
    counts_new = (
        costs[costs.system == "proposed"].set_index(KEY).persons.astype(float) if params.new_levels == "document" else None
    )
    individuals = load_individuals(params.individuals_file) if params.individuals_file else None
    individual_flows = mapped = None
    if individuals is not None:  # mapped once, used for the counts, the split and the residences
        individual_flows, mapped = tariffs.flows_individual(individuals, old, new)
        counts_old = tariffs.counts_by(individual_flows, "old")
    flows = _flows(params.split, old, new, counts_old, counts_new, individual_flows)
    return Population(old, new, counts_old, counts_new, individuals, individual_flows, mapped, flows)


def staffing_floors(params: LevelRegroupingParams, staffing_cost: float) -> pd.Series:
    """Minimum amounts (kr/person-year) by (housing form, new level): given, or base staffing / residents."""
    return pd.Series(
        {
            (f.housing_form, f.level): (
                f.amount if f.amount is not None else staffing_cost / (f.residents_covering_base_staffing or 1)
            )
            for f in params.floors
        },
        dtype=float,
    )


def channel_amounts(
    params: LevelRegroupingParams, pop: Population, floors: pd.Series, channel: str
) -> tuple[pd.Series, pd.Series, pd.Series, dict[str, float], str | None]:
    """Old amounts, new amounts before and after rounding (kr/person-year) in one channel by the scenario's tariff
    method, the solver's factor by scope, and a note when the channel had no given amounts. Floors are set in the
    standard amount's terms; a daily-rate channel gets them scaled by its own relation to the standard amount at
    that level, so a floor keeps the differences between provision forms. Amounts must rise with the level
    (LevelError otherwise)."""
    occupancy = params.occupancy
    oa = tariffs.yearly_amounts(pop.old, channel, occupancy)
    given = _given(pop.new, channel)
    given = None if given is None else given * (1.0 if channel == "standard_amount" else occupancy)
    note = None
    if given is None and params.tariff_method != "mean_preserving":
        note = _("No {channel} amounts were given for the new levels: they are mean-preserving in that channel.", channel=channel)
    channel_floors = floors
    standard = _given(pop.new, "standard_amount")
    if len(floors) and given is not None and standard is not None and channel != "standard_amount":
        channel_floors = floors * (given / standard).reindex(floors.index)
    raw, solved = _solve(params.tariff_method, pop.flows, oa, given, channel_floors, params.neutrality_scope)
    step = params.rounding_step * (1.0 if channel == "standard_amount" else tariffs.DAYS_PER_YEAR * occupancy)
    na = raw if params.tariff_method == "as_given" else tariffs.rounded(raw, step)
    _increasing_by_level(na, pop.new, channel)
    return oa, raw, na, solved, note


def amounts_by_channel(
    params: LevelRegroupingParams, pop: Population, floors: pd.Series
) -> tuple[dict[str, pd.Series], dict[str, pd.Series], pd.DataFrame, list[str]]:
    """Step 2: old and new amounts (kr/person-year) in every channel, the tariff method applied to each alike
    (channel_amounts); with the solver's factor and the change before and after rounding (kr/year)."""
    notes: list[str] = []
    old_amounts, new_amounts, solver_rows = {}, {}, []
    for ch in CHANNELS:
        oa, raw, na, solved, note = channel_amounts(params, pop, floors, ch)
        notes += [note] if note else []
        old_amounts[ch], new_amounts[ch] = oa, na
        exact = tariffs.neutrality(pop.flows, oa, raw)
        after = tariffs.neutrality(pop.flows, oa, na)
        for form in [*FORMS, "all"]:
            row_exact = exact[exact.housing_form == form].iloc[0]
            row = after[after.housing_form == form].iloc[0]
            key = form if params.neutrality_scope == "housing_form" else "overall"
            solver_rows.append(
                {
                    "channel": ch,
                    "housing_form": form,
                    "method": params.tariff_method,
                    "factor_or_lambda": solved.get(key, np.nan) if form != "all" else np.nan,
                    "change_before_rounding": row_exact.change,
                    "change_after_rounding": row.change,
                }
            )
    return old_amounts, new_amounts, pd.DataFrame(solver_rows), notes


def headline_inputs(params: LevelRegroupingParams, pkg: DataPackage) -> tuple[Population, pd.Series, pd.Series]:
    """What the cost and who gains rest on, and no more: the population counted in August 2022 (before any mix
    shift) and the old and new amounts (kr/person-year) in the scenario's channel, as analyse() sets them."""
    pop = population(params, pkg)
    staffing = base_staffing_table(params.base_staffing)
    staffing_cost = float(staffing.loc[staffing.used, "cost"].iloc[0])
    oa, _raw, na, _solved, _note = channel_amounts(params, pop, staffing_floors(params, staffing_cost), params.channel)
    return pop, oa, na


def _increasing_by_level(amounts: pd.Series, levels: pd.DataFrame, channel: str) -> None:
    """A higher level (more points) must not pay less than a lower one in any channel."""
    for form in FORMS:
        order = levels[levels.housing_form == form].sort_values("points_min").level
        values = amounts.reindex([(form, lv) for lv in order]).to_numpy()
        for (lo, hi), (a, b) in zip(zip(order, order[1:]), zip(values, values[1:])):
            if b < a - 1e-6:
                raise LevelError(
                    f"{channel}, {form.replace('_', ' ')}: level {hi} would pay {b:,.0f} kr a year, less than level {lo} "
                    f"({a:,.0f} kr); amounts must rise with the level. Lower the floor or change the grouping's amounts."
                )


def split_sensitivity(
    params: LevelRegroupingParams, pop: Population, old_amounts: pd.Series, new_amounts: pd.Series
) -> pd.DataFrame:
    """Step 3: the neutrality table (kr/year) if straddling levels split otherwise, the amounts kept as chosen."""
    sens = []
    for split in ("document", "uniform", "individual"):
        try:
            f = _flows(split, pop.old, pop.new, pop.counts_old, pop.counts_new, pop.individual_flows)
        except LevelError:
            continue
        sens.append(tariffs.neutrality(f, old_amounts, new_amounts).assign(split=split, chosen=split == params.split))
    return pd.concat(sens, ignore_index=True)


def amounts_compared(pop: Population, old_amounts: pd.Series, used: pd.Series, channel: str, occupancy: float) -> pd.DataFrame:
    """Step 4: per new level, the amounts given, mean-preserving and used (kr/person-year)."""
    mp = tariffs.mean_preserving(pop.flows, old_amounts)
    given = _given(pop.new, channel)
    compared = pd.DataFrame({"persons": tariffs.counts_by(pop.flows, "new"), "mean_preserving": mp, "used": used})
    if given is not None:
        compared.insert(1, "given", given * (1.0 if channel == "standard_amount" else occupancy))
    return compared.reset_index().merge(pop.new[KEY + ["points_min", "points_max"]], on=KEY)


def residences(params: LevelRegroupingParams, pop: Population) -> tuple[pd.DataFrame, bool]:
    """Step 5: residents by residence: the analyst's file when it has residence_id, otherwise simulated (synthetic)."""
    if pop.individuals is not None and pop.mapped is not None and "residence_id" in pop.individuals.columns:
        return pop.mapped[["residence_id", "housing_form", "old_level", "new_level"]], False
    sizes = {"service_housing": params.residences.size_service_housing, "group_housing": params.residences.size_group_housing}
    residents = pd.concat(
        [
            tariffs.simulate_residences(
                pop.flows, form, sizes[form], params.residences.number, params.residences.seed + i, params.residences.sorting
            ).assign(residence_id=lambda d, f=form: f + "-" + d.residence_id.astype(str))
            for i, form in enumerate(FORMS)
        ],
        ignore_index=True,
    )
    return residents, True


def homogeneity(params: LevelRegroupingParams, pop: Population, residents: pd.DataFrame) -> pd.DataFrame:
    """Step 6: shares of persons in the lowest / highest old levels, and of residences with only such residents."""
    k = params.homogeneous_levels
    rows = []
    for form in FORMS:
        lv = pop.old[pop.old.housing_form == form].sort_values("points_min").level.tolist()
        r = residents[residents.housing_form == form]
        shares = tariffs.homogeneous_shares(r, lv[:k], lv[-k:])
        persons = pop.counts_old[pop.counts_old.index.get_level_values(0) == form]
        share_low = persons[persons.index.get_level_values(1).isin(lv[:k])].sum() / persons.sum()
        share_high = persons[persons.index.get_level_values(1).isin(lv[-k:])].sum() / persons.sum()
        rows.append(
            {
                "housing_form": form,
                "residences": r.residence_id.nunique(),
                "share_persons_low": share_low,
                "share_residences_only_low": shares.only_low,
                "share_persons_high": share_high,
                "share_residences_only_high": shares.only_high,
            }
        )
    return pd.DataFrame(rows)


def resident_mixes(
    params: LevelRegroupingParams, pop: Population, old_amounts: pd.Series, new_amounts: pd.Series, staffing_cost: float
) -> pd.DataFrame:
    """Step 7: the smallest mixes of residents of the lowest levels whose amounts cover base staffing (kr/year)."""
    mixes = []
    for label, levels, amounts in (("current", pop.old, old_amounts), ("new", pop.new, new_amounts)):
        for form in FORMS:
            lv = levels[levels.housing_form == form].sort_values("points_min").level.tolist()
            # current systems: the lowest ordinary levels (1, 2) as in the document's example; new: levels 1, 2
            use = [x for x in lv if x >= 1][: params.mix_levels] if label == "current" else lv[: params.mix_levels]
            a = amounts.loc[[(form, x) for x in use]]
            a.index = use
            m = tariffs.minimal_mixes(a, staffing_cost, params.max_residents)
            mixes.append(m.assign(system=label, housing_form=form))
    return pd.concat(mixes, ignore_index=True)


_LEVELS: Columns = {
    "points_min": ("points", ""),
    "points_max": ("points", ""),
    "standard_amount": ("kr/year", ""),
    "daily_rate_municipal": ("kr/day", ""),
    "daily_rate_contracted": ("kr/day", ""),
    "daily_rate_private": ("kr/day", ""),
}
_NEUTRALITY: Columns = {
    "persons": ("persons", ""),
    "before": ("kr/year", ""),
    "after": ("kr/year", ""),
    "change": ("kr/year", ""),
    "change_share": ("%", ""),
}

#: The unit and readable label of every column of the tables the report shows (carepay.units).
RESULT_COLUMNS: dict[str, Columns] = {
    "old_levels": _LEVELS,
    "new_levels": _LEVELS,
    "flows": {"persons": ("persons", ""), "old_level": ("", N_("from old level")), "new_level": ("", N_("to new level"))},
    "neutrality": _NEUTRALITY,
    "neutrality_channels": _NEUTRALITY,
    "split_sensitivity": _NEUTRALITY,
    "solver": {
        "factor_or_lambda": ("", N_("neutrality factor or lambda")),
        "change_before_rounding": ("kr/year", ""),
        "change_after_rounding": ("kr/year", ""),
    },
    "amounts_compared": {
        "persons": ("persons", ""),
        "given": ("kr/year", ""),
        "mean_preserving": ("kr/year", ""),
        "used": ("kr/year", ""),
        "points_min": ("points", ""),
        "points_max": ("points", ""),
    },
    "changes": {
        **_NEUTRALITY,
        "old_amount": ("kr/year", ""),
        "new_amount": ("kr/year", ""),
        "old_level": ("", N_("old level")),
        "new_level": ("", N_("new level")),
    },
    "changes_by_level": {**_NEUTRALITY, "old_amount": ("kr/year", ""), "new_amount": ("kr/year", "")},
    "residences": {**_NEUTRALITY, "residents": ("persons", "")},
    "groups": {**_NEUTRALITY, "residents": ("persons", "")},
    "homogeneous": {
        "residences": ("residences", ""),
        "share_persons_low": ("%", N_("persons in the lowest old levels")),
        "share_residences_only_low": ("%", N_("residences with only such residents")),
        "share_persons_high": ("%", N_("persons in the highest old levels")),
        "share_residences_only_high": ("%", N_("residences with only such residents")),
    },
    "base_staffing": {"hours": ("hours/year", ""), "cost": ("kr/year", "")},
    "staffing_channels": {
        "points": ("points", N_("residents' points")),
        "old_level": ("", N_("old level")),
        "new_level": ("", N_("new level")),
        "amount_today": ("kr/year", N_("amount a resident brings today")),
        "amount_new": ("kr/year", N_("with the new amounts")),
        "residents_today": ("residents", N_("residents needed today")),
        "residents_new": ("residents", N_("with the new amounts")),
    },
    "mixes": {"residents": ("", ""), "revenue": ("kr/year", ""), "surplus": ("kr/year", "")},
    "channels": {
        "points_min": ("points", ""),
        "points_max": ("points", ""),
        "standard_amount": ("kr/year", ""),
        "daily_rate_municipal_year": ("kr/year", ""),
        "daily_rate_contracted_year": ("kr/year", ""),
        "daily_rate_private_year": ("kr/year", ""),
        "standard_vs_municipal": ("", N_("standard amount ÷ municipal daily rate × 365")),
    },
    "table3": {
        "persons": ("persons", ""),
        "persons_printed": ("persons", N_("persons printed")),
        "cost": ("mnkr/year", N_("cost computed")),
        "cost_printed": ("mnkr/year", N_("cost printed")),
        "difference": ("mnkr/year", ""),
        "tolerance": ("mnkr/year", ""),
        "within_rounding": ("", N_("within rounding")),
    },
    "exposure": {
        "district_board": ("", N_("district board")),
        "persons": ("persons", ""),
        "before": ("kr/year", "today"),
        "after": ("kr/year", N_("with the new levels")),
        "change": ("kr/year", ""),
        "change_share": ("%", "change"),
    },
    "exposure_range": {
        "draws": ("allocations", ""),
        "worst_low": ("%", N_("worst unit's change: lowest")),
        "worst_median": ("%", "median"),
        "worst_high": ("%", "highest"),
    },
    "provision": {
        "share": ("%", N_("share of residents")),
        "persons": ("persons", ""),
        "before": ("kr/year", "today"),
        "after": ("kr/year", N_("with the new levels")),
        "change": ("kr/year", ""),
        "change_share": ("%", "change"),
    },
    "transition": {
        "cost": ("kr/year", "cost a year"),
        "protected": ("", N_("units protected")),
        "losing": ("", N_("units losing")),
        "years": ("years", ""),
        "total_cost": ("kr", N_("cost in all")),
    },
    "phase_in": {
        "year": ("", ""),
        "share_borne": ("%", N_("share of the loss borne")),
        "cost": ("kr/year", N_("cost to the city")),
    },
    "residence_margin": {
        "residences": ("residences", ""),
        "worst": ("kr/year", "worst"),
        "p5": ("kr/year", N_("5th percentile")),
        "median": ("kr/year", "median"),
        "p95": ("kr/year", N_("95th percentile")),
        "beyond_margin": ("%", N_("losing more than the margin")),
    },
    "drift": {
        "year": ("", ""),
        "moved_down": ("%", N_("residents a level lower")),
        "before": ("kr/year", "today's amounts"),
        "after": ("kr/year", N_("new amounts")),
        "change": ("kr/year", ""),
        "change_share": ("%", "change"),
    },
    "boundaries": {
        "from_level": ("", N_("from level")),
        "to_level": ("", N_("to level")),
        "at_points": ("points", N_("from points")),
        "standard_amount": ("kr/year", N_("standard amount")),
        "daily_rate_municipal": ("kr/year", N_("municipal daily rate")),
        "daily_rate_contracted": ("kr/year", N_("contracted daily rate")),
        "daily_rate_private": ("kr/year", N_("private daily rate")),
    },
    "staffing_examples": {
        "residents": ("residents", ""),
        "revenue": ("kr/year", ""),
        "covers": ("", N_("covers base staffing")),
        "lowest_occupancy": ("%", N_("lowest occupancy that covers it")),
    },
}


def departures_from_document(params: LevelRegroupingParams) -> list[str]:
    """The inputs Table 3 rests on that this scenario changes (empty: Table 3 applies)."""
    out = []
    if params.new_levels != "document":
        out.append(_("the grouping (new_levels)"))
    if params.tariff_method != "as_given":
        out.append(
            _("the amounts (tariff_method '{tariff_method}', not the proposal's as printed)", tariff_method=params.tariff_method)
        )
    if params.split != "document":
        out.append(_("the split of straddling levels ('{split}')", split=params.split))
    if params.individuals_file:
        out.append(_("the population (an individual-points file)"))
    if params.mix_shift:
        direction = "up" if params.mix_shift > 0 else "down"
        out.append(
            _(
                "the residents' mix ({mix_shift} of each level's residents one level {direction}, mix_shift)",
                mix_shift=percent(abs(params.mix_shift), 0),
                direction=direction,
            )
        )
    return out


def compared_with_default(r: Regrouping, default: Regrouping) -> pd.DataFrame:
    """Cost before and after by housing form in this scenario against the default scenario (kr/year)."""
    now, base = r.neutrality.set_index("housing_form"), default.neutrality.set_index("housing_form")
    out = pd.DataFrame(
        {
            "before": now.before,
            "after_default": base.after,
            "after_scenario": now.after,
            "change_default": base.change,
            "change_scenario": now.change,
        }
    )
    return annotate(
        out.rename_axis("housing_form").reset_index(),
        {
            "before": ("kr/year", N_("cost today")),
            "after_default": ("kr/year", N_("new levels, default")),
            "after_scenario": ("kr/year", N_("new levels, this scenario")),
            "change_default": ("kr/year", N_("change, default")),
            "change_scenario": ("kr/year", N_("change, this scenario")),
        },
    )


def losers(changes: pd.DataFrame) -> pd.DataFrame:
    """The groups that receive one amount and lose by it (a whole old level, or the part of a split old level that
    moves to one new level), the largest loss as a share of today's amount first."""
    out = changes[changes.change < 0].sort_values("change_share").reset_index(drop=True)
    return out


def pair_label(changes: pd.DataFrame) -> pd.Series:
    """'old 3 → new 2' for each row of the changes table."""
    old, new = _("old"), _("new")
    return old + " " + changes.old_level.astype(str) + " → " + new + " " + changes.new_level.astype(str)


def residence_change_distribution(residences: pd.DataFrame) -> pd.DataFrame:
    """Per housing form: residences, and the smallest, 5th, 50th, 95th percentile and largest change in a
    residence's budget (shares 0-1 of its budget today)."""
    q = residences.groupby("housing_form").change_share.describe(percentiles=[0.05, 0.5, 0.95]).reset_index()
    q["count"] = q["count"].astype(int)
    names = {
        "count": "residences",
        "min": "smallest",
        "5%": N_("5th percentile"),
        "50%": "median",
        "95%": N_("95th percentile"),
        "max": "largest",
    }
    q = q[["housing_form", "count", "min", "5%", "50%", "95%", "max"]].rename(columns=names)
    return annotate(q, {c: ("%", "") for c in ["smallest", N_("5th percentile"), "median", N_("95th percentile"), "largest"]})


def staffing_by_channel(
    params: LevelRegroupingParams,
    pop: Population,
    old_amounts: dict[str, pd.Series],
    new_amounts: dict[str, pd.Series],
    staffing_cost: float,
) -> pd.DataFrame:
    """Step 8: for residents on the same points (those of each of the lowest ordinary old levels), how many a
    residence needs to cover base staffing today and with the new amounts, in every payment channel: the district
    boards' yearly standard amount and the providers' daily rates by type of provision (x 365 x occupancy)."""
    rows = []
    for form in FORMS:
        old = pop.old[(pop.old.housing_form == form) & (pop.old.level >= 1)].sort_values("points_min").head(params.mix_levels)
        new = pop.new[pop.new.housing_form == form]
        for lv in old.itertuples():
            inside = new[(new.points_min <= lv.points_min) & (new.points_max >= lv.points_min)]
            new_level = int(inside.level.iloc[0])
            straddles = bool(lv.points_max > inside.points_max.iloc[0])
            for ch in CHANNELS:
                today = float(old_amounts[ch][(form, lv.level)])
                after = float(new_amounts[ch][(form, new_level)])
                rows.append(
                    {
                        "housing_form": form,
                        "points": f"{lv.points_min}–{lv.points_max}",
                        "old_level": int(lv.level),
                        "new_level": new_level,
                        "straddles": straddles,
                        "channel": ch,
                        "amount_today": today,
                        "amount_new": after,
                        "residents_today": int(np.ceil(staffing_cost / today - 1e-9)),
                        "residents_new": int(np.ceil(staffing_cost / after - 1e-9)),
                    }
                )
    return pd.DataFrame(rows)


def analyse(params: LevelRegroupingParams, pkg: DataPackage) -> Regrouping:
    """Run the whole question for one scenario: the steps above, in order."""
    pop = population(params, pkg)
    staffing = base_staffing_table(params.base_staffing)
    staffing_cost = float(staffing.loc[staffing.used, "cost"].iloc[0])
    old_amounts, new_amounts, solver, notes = amounts_by_channel(params, pop, staffing_floors(params, staffing_cost))
    counted = pop  # the amounts and Table 3 rest on the document's count; costs and persons on the residents of 2024
    if params.mix_shift:
        shifted = tariffs.shift_mix(pop.flows, pop.old, pop.new, params.mix_shift)
        pop = replace(pop, flows=shifted, counts_old=tariffs.counts_by(shifted, "old"))
        direction = "higher" if params.mix_shift > 0 else "lower"
        notes = [
            *notes,
            _(
                "The residents of 2024 differ from those counted in August 2022: {mix_shift} of each level's residents are one level {direction} (mix_shift). The amounts are those set on the August 2022 counts; the costs and who gains are counted over the 2024 residents.",
                mix_shift=percent(abs(params.mix_shift), 0),
                direction=direction,
            ),
        ]
    ch = params.channel
    neutral_all = pd.concat(
        [tariffs.neutrality(pop.flows, old_amounts[c], new_amounts[c]).assign(channel=c) for c in CHANNELS], ignore_index=True
    )
    changes = tariffs.person_changes(pop.flows, old_amounts[ch], new_amounts[ch])
    groups: dict[str, pd.DataFrame] = {}
    if pop.mapped is not None:
        for col in ("district_board", "provider"):
            if col in pop.mapped.columns:
                groups[col] = tariffs.residence_changes(pop.mapped, old_amounts[ch], new_amounts[ch], by=col)
    residents, synthetic = residences(params, pop)
    res = tariffs.residence_changes(residents, old_amounts[ch], new_amounts[ch])
    res = res.merge(residents.groupby("residence_id").housing_form.first().reset_index(), on="residence_id")
    table3 = (
        reproduce_table3(
            pkg, counted.flows, old_amounts["standard_amount"], new_amounts["standard_amount"], params.reading == "corrected"
        )
        if params.new_levels == "document" and pop.individuals is None
        else None
    )
    result = Regrouping(
        channel=ch,
        old_levels=pop.old,
        new_levels=_with_amounts(pop.new, new_amounts, params.occupancy),
        flows=pop.flows,
        old_amounts=old_amounts,
        new_amounts=new_amounts,
        neutrality=tariffs.neutrality(pop.flows, old_amounts[ch], new_amounts[ch]),
        neutrality_channels=neutral_all,
        split_sensitivity=split_sensitivity(params, counted, old_amounts[ch], new_amounts[ch]),
        solver=solver,
        amounts_compared=amounts_compared(counted, old_amounts[ch], new_amounts[ch], ch, params.occupancy),
        changes=changes,
        changes_by_level=tariffs.changes_by_old_level(changes),
        residents=residents,
        residences=res,
        homogeneous=homogeneity(params, pop, residents),
        residences_synthetic=synthetic,
        base_staffing=staffing,
        mixes=resident_mixes(params, pop, old_amounts[ch], new_amounts[ch], staffing_cost),
        staffing_channels=staffing_by_channel(params, pop, old_amounts, new_amounts, staffing_cost),
        channels=tariffs.channel_comparison(pop.old, params.occupancy),
        table3=table3,
        groups=groups,
        notes=notes,
    )
    result.exposure, result.exposure_synthetic, result.exposure_range = exposure(params, pop, old_amounts, new_amounts)
    result.provision = provision_table(params, pop, old_amounts, new_amounts)
    result.residence_margin = residence_margin(res, params.residences.margin_share)
    result.transition, result.phase_in = transition_table(params, pop, changes, res, result.exposure)
    result.drift, result.drift_limit = drift_table(params, pop, old_amounts[ch], new_amounts[ch])
    result.boundaries = pd.concat(
        [
            tariffs.boundary_steps(pop.old, "current", params.occupancy),
            tariffs.boundary_steps(result.new_levels, "new", params.occupancy),
        ],
        ignore_index=True,
    )
    result.staffing_examples = staffing_examples(params, pkg, pop, old_amounts, new_amounts, staffing_cost)
    annotate_result(result, RESULT_COLUMNS)
    k = params.homogeneous_levels
    annotate(
        result.homogeneous,
        {
            "share_persons_low": ("%", _("persons in the {k} lowest old levels", k=k)),
            "share_persons_high": ("%", _("persons in the {k} highest old levels", k=k)),
        },
    )
    levels_in_mixes = [c for c in result.mixes.columns if c not in ("system", "housing_form", "residents", "revenue", "surplus")]
    annotate(result.mixes, {c: ("residents", "") for c in levels_in_mixes})
    return result


def _with_amounts(new: pd.DataFrame, amounts: dict[str, pd.Series], occupancy: float) -> pd.DataFrame:
    """The new level table with the amounts actually used, in each channel's own unit."""
    out = new[KEY + ["points_min", "points_max"]].copy()
    idx = pd.MultiIndex.from_frame(out[KEY])
    for ch in CHANNELS:
        out[ch] = tariffs.to_channel_units(amounts[ch], ch, occupancy).reindex(idx).to_numpy()
    return out


def base_staffing_table(spec: BaseStaffingSpec) -> pd.DataFrame:
    """The document's base staffing cost and the one computed from staffing, wage and on-costs (kr/year)."""
    hours = tariffs.base_staffing_hours(
        spec.day_staff,
        spec.day_hours,
        spec.weekday_reduction_staff,
        spec.weekday_reduction_hours,
        spec.weekdays,
        spec.night_staff,
        spec.night_hours,
        spec.night_hour_weight,
    )
    computed = tariffs.base_staffing_cost(hours, spec.hourly_wage, spec.on_cost_share, spec.overhead_share)
    return pd.DataFrame(
        [
            {"method": "document", "hours": np.nan, "cost": spec.cost, "used": spec.method == "document"},
            {"method": "computed", "hours": hours, "cost": computed, "used": spec.method == "computed"},
        ]
    )


def reproduce_table3(
    pkg: DataPackage, flows: pd.DataFrame, old_amounts: pd.Series, new_amounts: pd.Series, corrected: bool
) -> pd.DataFrame:
    """Table 3 recomputed: persons x standard amount per level (mnkr), against the printed figures."""
    printed = pkg.table("level_costs", corrected=corrected)
    rows = []
    for system, side, amounts in (("current", "old", old_amounts), ("proposed", "new", new_amounts)):
        persons = tariffs.counts_by(flows, side)
        for (form, level), n in persons.items():
            p = printed[(printed.system == system) & (printed.housing_form == form) & (printed.level == level)].iloc[0]
            rows.append(
                {
                    "system": system,
                    "housing_form": form,
                    "level": level,
                    "persons": n,
                    "persons_printed": p.persons,
                    "cost": n * amounts[(form, level)] / 1e6,
                    "cost_printed": p.cost,
                }
            )
    out = pd.DataFrame(rows)
    totals = out.groupby("system")[["persons", "persons_printed", "cost", "cost_printed"]].sum().reset_index()
    totals["housing_form"], totals["level"] = "all", -1
    out = pd.concat([out, totals[out.columns]], ignore_index=True)
    printed_totals = pkg.table("level_costs_totals").set_index("system")
    is_total = out.housing_form == "all"
    out.loc[is_total, "cost_printed"] = out.loc[is_total, "system"].map(printed_totals.cost).to_numpy()
    out.loc[is_total, "persons_printed"] = out.loc[is_total, "system"].map(printed_totals.persons).to_numpy()
    out["difference"] = out.cost - out.cost_printed
    out["tolerance"] = 0.05  # printed to 0,1 mnkr; computed from exact amounts, totals included
    out["within_rounding"] = out.difference.abs() <= out.tolerance + 1e-9
    return out


def document_examples(pkg: DataPackage, mixes: pd.DataFrame) -> pd.DataFrame:
    """The document's example mixes (7 + 2 service, 3 + 3 group) and whether each is a minimal mix here."""
    rows = []
    for form, ex in pkg.table("base_staffing_examples").groupby("housing_form"):
        mix = {f"level_{r.level}": r.residents for r in ex.itertuples()}
        m = mixes[(mixes.system == "new") & (mixes.housing_form == form)]
        hit = pd.Series(True, index=m.index)
        for col, n in mix.items():
            hit &= m[col].eq(n) if col in m.columns else False
        rows.append(
            {
                "housing_form": form,
                "example": " + ".join(
                    _("{residents} at {level}", residents=n, level=term(c.replace("_", " "))) for c, n in mix.items()
                ),
                "minimal_mix_here": bool(hit.any()),
            }
        )
    return pd.DataFrame(rows)


def check_inputs(params: LevelRegroupingParams) -> None:
    """What `carepay params` can check before a kernel starts: the analyst's file of individual points."""
    if params.individuals_file:
        load_individuals(params.individuals_file)


def covering_amounts(r: Regrouping, sizes: Iterable[int]) -> pd.DataFrame:
    """Where the answer flips for a residence: the amount per resident (kr/year, the headline channel) at which a
    residence of a given size covers base staffing, against the lowest level's amount today and with the new
    levels. One row per housing form and size; covered_today / covered_new say whether the lowest level reaches it."""
    cost = float(r.base_staffing.loc[r.base_staffing.used, "cost"].iloc[0])
    rows = []
    for form in sorted(set(r.old_levels.housing_form)):
        lowest_today = float(r.old_amounts[r.channel].xs(form, level=0).sort_index().iloc[0])
        lowest_new = float(r.new_amounts[r.channel].xs(form, level=0).sort_index().iloc[0])
        for size in sizes:
            needed = cost / size
            rows.append(
                {
                    "housing_form": form,
                    "residents": size,
                    "amount_needed": needed,
                    "lowest_today": lowest_today,
                    "lowest_new": lowest_new,
                    "covered_today": lowest_today >= needed,
                    "covered_new": lowest_new >= needed,
                }
            )
    out = pd.DataFrame(rows)
    out.attrs["units"] = {
        "residents": "residents",
        "amount_needed": "kr/person-year",
        "lowest_today": "kr/person-year",
        "lowest_new": "kr/person-year",
    }
    out.attrs["base_staffing_cost"] = cost
    return out


# --- part 2: exposure, transition, residences that are not mixed, drift, the provider's side -------------------

#: The channel each kind of unit is paid in: district boards the yearly standard amount; providers a daily rate.
BOARD_CHANNEL = "standard_amount"


def _before_after(frame: pd.DataFrame, old: pd.Series, new: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each row's amount per person before (old level, old amounts) and after (new level, new amounts), kr/year
    (carepay.tariffs.changes_per_person)."""
    c = tariffs.changes_per_person(frame[["housing_form", "old_level", "new_level"]], old, new)
    return c.before.to_numpy(), c.after.to_numpy()


def exposure(
    params: LevelRegroupingParams, pop: Population, old_amounts: dict[str, pd.Series], new_amounts: dict[str, pd.Series]
) -> tuple[dict[str, pd.DataFrame], dict[str, bool], pd.DataFrame]:
    """Step 8: each district board's change in its standard amounts and each provider's in its daily rates (kr/year,
    share), from the analyst's extract where it names them, else from a SYNTHETIC allocation (carepay.exposure),
    with the worst unit's change over several allocations."""
    from carepay import exposure as ex

    e = params.exposure
    out: dict[str, pd.DataFrame] = {}
    synthetic: dict[str, bool] = {}
    ranges = []
    mapped = pop.mapped
    # synthetic units are named in the report's language ("board 09", "nämnd 09"), in the same order in both
    named = (("district_board", e.district_boards, _("board") + " "), ("provider", e.providers, _("provider") + " "))
    for kind, units, prefix in named:
        if mapped is not None and kind in mapped.columns:
            frame = mapped.assign(persons=1.0, unit=mapped[kind].astype(str))
            provision = mapped["provision"] if "provision" in mapped.columns else None
            out[kind], synthetic[kind] = _unit_changes(params, frame, provision, old_amounts, new_amounts, kind), False
            continue
        # an allocation's rows are the flows' rows, each repeated once per unit (ex.allocate): every row's amounts
        # are its flow's, looked up once per channel for all the draws
        per_flow = functools.cache(lambda ch: _before_after(pop.flows, old_amounts[ch], new_amounts[ch]))
        repeated = functools.partial(_repeated, per_flow, units)
        draws = []
        for k in range(e.draws):
            allocated = ex.allocate(pop.flows, units, e.unevenness, e.seed + 1000 * (kind == "provider") + k, prefix)
            provision = None
            if kind == "provider":
                types = ex.provision_of(sorted(allocated.unit.unique()), e.provision_mix, e.seed + k)
                provision = allocated.unit.map(types)
            draws.append(_unit_changes(params, allocated, provision, old_amounts, new_amounts, kind, repeated))
        out[kind], synthetic[kind] = draws[0], True
        ranges.append(ex.exposure_range(draws).rename(kind))
    return out, synthetic, pd.DataFrame(ranges).rename_axis("unit").reset_index() if ranges else pd.DataFrame()


def _unit_changes(
    params: LevelRegroupingParams,
    frame: pd.DataFrame,
    provision: pd.Series | None,
    old_amounts: dict[str, pd.Series],
    new_amounts: dict[str, pd.Series],
    kind: str,
    amounts: Callable[[str], tuple[np.ndarray, np.ndarray]] | None = None,
) -> pd.DataFrame:
    """Per unit: persons, before, after, change (kr/year), share; boards in the standard amount, providers in the
    daily rate of their provision type at the scenario's occupancy (the scenario's channel where none is known).
    amounts: every row's amounts per person in a channel, where the caller knows them (default: looked up)."""
    from carepay import exposure as ex

    if amounts is None:
        amounts = functools.cache(lambda ch: _before_after(frame, old_amounts[ch], new_amounts[ch]))
    if kind == "provider" and provision is not None:
        before, after = np.empty(len(frame)), np.empty(len(frame))
        kinds = provision.to_numpy()
        for p_type, channel in ex.PROVISION_CHANNELS.items():
            rows = kinds == p_type
            if rows.any():
                b, a = amounts(channel)
                before[rows], after[rows] = b[rows], a[rows]
    else:
        before, after = amounts(BOARD_CHANNEL if kind == "district_board" else params.channel)
    out = ex.unit_changes(frame.assign(**{kind: frame.unit}), kind, before, after)
    if provision is not None and kind == "provider":
        out["provision"] = out[kind].map(pd.Series(provision.to_numpy(), index=frame.unit.to_numpy()).groupby(level=0).first())
    return out


def _repeated(
    per_flow: Callable[[str], tuple[np.ndarray, np.ndarray]], units: int, channel: str
) -> tuple[np.ndarray, np.ndarray]:
    """A synthetic allocation's amounts per person in a channel: each flow's, once per unit (kr/year)."""
    before, after = per_flow(channel)
    return np.repeat(before, units), np.repeat(after, units)


def provision_table(
    params: LevelRegroupingParams, pop: Population, old_amounts: dict[str, pd.Series], new_amounts: dict[str, pd.Series]
) -> pd.DataFrame:
    """Step 9: the change where the money goes: the district boards' standard amounts for all residents, and the
    providers' daily rates for each provision type's share of them (the scenario's provision_mix, or the extract's
    provision column), each level mix as the whole population's (kr/year at the scenario's occupancy)."""
    from carepay import exposure as ex

    mix = pd.Series(params.exposure.provision_mix, dtype=float)
    source = N_("the scenario's provision_mix (an assumption)")
    if pop.mapped is not None and "provision" in pop.mapped.columns:
        mix = pop.mapped.provision.value_counts(normalize=True)
        source = N_("the extract's provision column")
    mix = mix / mix.sum()
    rows = []
    b, a = _before_after(pop.flows, old_amounts[BOARD_CHANNEL], new_amounts[BOARD_CHANNEL])
    w = pop.flows.persons.to_numpy(float)
    rows.append(
        {
            "payer": N_("district boards"),
            "channel": BOARD_CHANNEL,
            "share": 1.0,
            "persons": w.sum(),
            "before": w @ b,
            "after": w @ a,
        }
    )
    for p_type, channel in ex.PROVISION_CHANNELS.items():
        share = float(mix.get(p_type, 0.0))
        if share <= 0:
            continue
        b, a = _before_after(pop.flows, old_amounts[channel], new_amounts[channel])
        rows.append(
            {
                "payer": _("providers, {provision}", provision=term(p_type)),
                "channel": channel,
                "share": share,
                "persons": share * w.sum(),
                "before": share * (w @ b),
                "after": share * (w @ a),
            }
        )
    out = pd.DataFrame(rows)
    out["change"] = out.after - out.before
    out["change_share"] = out.change / out.before
    out.attrs["source"] = source
    return out


def residence_margin(residences: pd.DataFrame, margin_share: float) -> pd.DataFrame:
    """Step 10: per housing form, the spread of residences' changes (kr/year) and the share losing more than the
    margin a residence can absorb (margin_share of its budget)."""
    rows = []
    for form, r in residences.groupby("housing_form", sort=False):
        q = r.change.quantile([0.05, 0.5, 0.95])
        rows.append(
            {
                "housing_form": form,
                "residences": len(r),
                "worst": float(r.change.min()),
                "p5": float(q[0.05]),
                "median": float(q[0.5]),
                "p95": float(q[0.95]),
                "beyond_margin": float((r.change < -margin_share * r.before).mean()),
            }
        )
    return pd.DataFrame(rows)


def transition_table(
    params: LevelRegroupingParams,
    pop: Population,
    changes: pd.DataFrame,
    residences: pd.DataFrame,
    units: dict[str, pd.DataFrame],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Step 11: the transition rules the document rejects: a cap on any resident's, residence's and district board's
    yearly loss, and losses phased in; each with whom it protects, what it costs the city a year and in all (kr)."""
    from carepay import exposure as ex

    t = params.transition
    rows = []
    resident = ex.loss_cap_cost(changes.old_amount, changes.change, changes.persons, t.max_loss_share)
    rows.append({"rule": N_("cap on a resident's loss"), "protects": "residents", **resident})
    # simulated residences stand for the real ones: their cost scaled to the residences the form's persons fill
    real = pop.individuals is not None and "residence_id" in pop.individuals.columns
    persons = pop.flows.groupby("housing_form").persons.sum()
    cost = protected = losing = 0.0
    for form, r in residences.groupby("housing_form", sort=False):
        scale = 1.0 if real else float(persons.get(form, 0.0)) / float(r.residents.sum())
        got = ex.loss_cap_cost(r.before, r.change, np.full(len(r), scale), t.max_loss_share)
        cost, protected, losing = cost + got["cost"], protected + got["protected"], losing + got["losing"]
    rows.append(
        {
            "rule": N_("cap on a residence's loss"),
            "protects": "residences",
            "cost": cost,
            "protected": protected,
            "losing": losing,
        }
    )
    if "district_board" in units:
        b = units["district_board"]
        board = ex.loss_cap_cost(b.before, b.change, np.ones(len(b)), t.max_loss_share)
        rows.append({"rule": N_("cap on a district board's loss"), "protects": N_("district boards"), **board})
    out = pd.DataFrame(rows)
    out["years"] = t.cap_years
    out["total_cost"] = out.cost * out.years
    phase = ex.phase_in_cost(changes.change, changes.persons, t.phase_in_years)
    losing_persons = float(changes.loc[changes.change < 0, "persons"].sum())
    out = pd.concat(
        [
            out,
            pd.DataFrame(
                [
                    {
                        "rule": _(
                            "losses phased in over {phase_in_years} year{text}",
                            phase_in_years=t.phase_in_years,
                            text="s" if t.phase_in_years > 1 else "",
                        ),
                        "protects": "residents",
                        "cost": float(phase.cost.iloc[0]),
                        "protected": losing_persons,
                        "losing": losing_persons,
                        "years": t.phase_in_years,
                        "total_cost": float(phase.cost.sum()),
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    return out, phase


def years_since(counted_on: str, years: list[int]) -> dict[int, float]:
    """Years from the count to 1 January of each year (365,25 days a year)."""
    start = pd.Timestamp(counted_on)
    return {y: (pd.Timestamp(f"{y}-01-01") - start).days / 365.25 for y in years}


def drift_table(
    params: LevelRegroupingParams, pop: Population, old_amounts: pd.Series, new_amounts: pd.Series
) -> tuple[pd.DataFrame, float]:
    """Step 12: neutrality in each projected year under the scenario's drift toward the low levels, and the drift a
    year at which the change in the last projected year leaves the board's tolerance (carepay.tariffs)."""
    d = params.drift
    elapsed = years_since(d.counted_on, d.years)
    table = tariffs.drift_neutrality(pop.flows, pop.old, pop.new, old_amounts, new_amounts, d.share_per_year, elapsed)
    limit = tariffs.drift_at_tolerance(pop.flows, pop.old, pop.new, old_amounts, new_amounts, elapsed[max(d.years)], d.tolerance)
    return table, limit


def staffing_examples(
    params: LevelRegroupingParams,
    pkg: DataPackage,
    pop: Population,
    old_amounts: dict[str, pd.Series],
    new_amounts: dict[str, pd.Series],
    staffing_cost: float,
) -> pd.DataFrame:
    """Step 13: the document's example residences ('7 + 2' service, '3 + 3' group, at new levels 1 and 2) in every
    channel at the scenario's occupancy: with the new amounts, and today for residents on the same points (each new
    level's residents at the mean of their old levels' amounts; a level nobody is at, at the old level of its
    lowest points); whether they cover base staffing, and at what
    occupancy they would."""
    example = pkg.table("base_staffing_examples")
    full = {ch: new_amounts[ch] / (1.0 if ch == BOARD_CHANNEL else params.occupancy) for ch in CHANNELS}
    today = {}
    for ch in CHANNELS:
        b, _rest = _before_after(pop.flows, old_amounts[ch], new_amounts[ch])
        w = pop.flows.persons.to_numpy(float)
        g = pd.DataFrame({"housing_form": pop.flows.housing_form, "level": pop.flows.new_level, "w": w, "wb": w * b})
        by = g.groupby(["housing_form", "level"])[["w", "wb"]].sum()
        mean = by.wb / by.w
        # a new level nobody is at: the old level at its lowest points
        first = tariffs.assign_levels(pop.new.points_min.to_numpy(), pop.new.housing_form.to_numpy(), pop.old)
        fallback = pd.Series(
            old_amounts[ch].reindex(pd.MultiIndex.from_arrays([pop.new.housing_form, first])).to_numpy(),
            index=pd.MultiIndex.from_frame(pop.new[KEY]),
        )
        mean = mean.reindex(fallback.index).fillna(fallback)
        today[ch] = mean / (1.0 if ch == BOARD_CHANNEL else params.occupancy)
    return pd.concat(
        [
            tariffs.example_coverage(example, full, staffing_cost, params.occupancy).assign(system="new"),
            tariffs.example_coverage(example, today, staffing_cost, params.occupancy).assign(system=N_("today, same points")),
        ],
        ignore_index=True,
    )
