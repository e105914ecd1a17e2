"""The fee incentive question (Örebro): from a scenario to every table the report shows.

Rules are in carepay.fees, the population in carepay.population, the response in carepay.behaviour.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from carepay import behaviour, fees, home_care, payment, population
from carepay.fee_incentives.params import FeeIncentivesParams
from carepay.formats import decimal, kr
from carepay.i18n import N_, _
from carepay.sources import DataPackage, ExtractError
from carepay.units import Columns, annotate, annotate_result

PACKAGE = "orebro_home_care_2018"
RULES = "national_fee_rules"
LEVEL_NAMES = [str(i) for i in range(10)] + ["X"]


@dataclass
class FeeIncentives:
    rules: dict
    cost_per_hour: float
    schedule: pd.DataFrame  # 11 levels: share, kr at full headroom, printed, thresholds
    curves: pd.DataFrame  # fee against hours for several headrooms, both schedules
    person_months: pd.DataFrame
    synthetic: bool
    calibration: pd.DataFrame
    revenue: pd.DataFrame  # today, proposal, difference; break-even hours
    hourly_costs: pd.DataFrame  # the document's two hourly costs side by side
    zero_price: pd.DataFrame  # who faces a zero marginal price today and under the proposal
    threshold_sensitivity: pd.DataFrame
    behaviour: pd.DataFrame  # per elasticity in the band: hours, cost, revenue, net
    break_even_elasticity: float | None
    break_even_search: tuple[float, float]
    nonfee_sensitivity: pd.DataFrame
    estimate: dict
    by_hours: pd.DataFrame
    by_headroom: pd.DataFrame
    combinations: pd.DataFrame  # fee today / proposed x payment per executed hour / per level and month
    by_income: pd.DataFrame  # who pays more and who pays less by tenth of income after housing
    above_cap: dict  # persons whose headroom reaches the cap: their share of persons and of the fee cut
    notches: pd.DataFrame  # per threshold of the proposed fee: person-months just above it, the jump, bunching's cost
    by_household: pd.DataFrame  # who pays more and less by household type and age band
    groups: pd.DataFrame  # the groups the report's model leaves out, as this population holds them
    notes: list[str] = field(default_factory=list)


def shares_of(params: FeeIncentivesParams, pkg: DataPackage) -> np.ndarray:
    if params.shares == "document":
        return pkg.table("fee_levels_proposed").share_of_fee_headroom.to_numpy(float)
    return np.asarray(params.shares, float)


def cost_per_hour(params: FeeIncentivesParams, pkg: DataPackage) -> float:
    """kr per executed hour: the scenario's hourly_cost, a reading of payment.orebro_hourly_costs or a number."""
    return payment.hourly_cost(pkg, params.hourly_cost)


def hourly_cost_readings(df: pd.DataFrame, pkg: DataPackage, chosen: float) -> pd.DataFrame:
    """Both hourly costs the document implies side by side: the executed hours (a year, and as a share) that would
    pay for the revenue change at each, against the report's 25 000 hours."""
    readings = payment.orebro_hourly_costs(pkg)
    loss = float(df.fee_proposal.sum() - df.fee_today.sum())
    hours = float(df.executed_hours.sum())
    readings["break_even_hours"] = -loss / readings.kr_per_hour
    readings["break_even_share"] = readings.break_even_hours / hours
    readings["used"] = (readings.kr_per_hour - chosen).abs() < 1e-9
    return annotate(
        readings,
        {
            "kr_per_hour": ("kr/hour", N_("cost of an executed hour")),
            "break_even_hours": ("hours/year", N_("executed hours that pay for the loss")),
            "break_even_share": ("%", N_("as share of all executed hours")),
        },
    )


def schedule_table(params: FeeIncentivesParams, pkg: DataPackage, cap: float) -> pd.DataFrame:
    shares = shares_of(params, pkg)
    printed = pkg.table("fee_levels_proposed")
    t = np.asarray(params.thresholds, float)
    lower = [N_("alarm only"), "0"] + [decimal(v, 1) for v in t]
    upper = ["", f"< {decimal(t[0], 1)}"] + [f"< {decimal(v, 1)}" for v in t[1:]] + [""]
    hours = [f"{lo} – {hi[2:]}" if hi.startswith("<") and lo not in ("alarm only",) else lo for lo, hi in zip(lower, upper)]
    hours[-1] = f"> {decimal(t[-1], 1)}"
    return pd.DataFrame(
        {
            "level": LEVEL_NAMES,
            "hours_per_month": hours,
            "share_of_headroom": shares,
            "fee_at_full_headroom": shares * cap,
            "printed_2018": printed.fee_at_full_headroom.to_numpy(),
        }
    )


def fee_curves(
    params: FeeIncentivesParams, pkg: DataPackage, cap: float, headrooms: tuple[float | None, ...] = (500, 1000, 1500, None)
) -> pd.DataFrame:
    """Fee (kr/month) against executed hours 0-160 under both schedules, for several headrooms."""
    hours = np.round(np.arange(0, 160.5, 0.5), 1)
    shares = shares_of(params, pkg)
    rows = []
    for room in headrooms:
        r = cap * 2 if room is None else float(room)
        label = N_("headroom at or above the cap") if room is None else _("headroom {headroom}", headroom=kr(room))
        today = fees.hourly_fee(hours, r, params.hourly_fee, cap)
        prop = fees.level_fee(fees.fee_levels(hours, np.zeros_like(hours, bool), params.thresholds), r, shares, cap)
        rows.append(pd.DataFrame({"hours": hours, "fee": today, "schedule": "today", "headroom": label}))
        rows.append(pd.DataFrame({"hours": hours, "fee": prop, "schedule": "proposal", "headroom": label}))
    return pd.concat(rows, ignore_index=True)


def revenue_table(df: pd.DataFrame, pkg: DataPackage, cph: float) -> pd.DataFrame:
    today, prop = df.fee_today.sum(), df.fee_proposal.sum()
    diff = prop - today
    hours = df.executed_hours.sum()
    rows = [
        (N_("Fee revenue today"), today, "kr/year", np.nan),
        (N_("Fee revenue under the proposal"), prop, "kr/year", np.nan),
        (N_("Change in fee revenue"), diff, "kr/year", -pkg.figure("revenue_loss")),
        (N_("Executed hours that pay for the loss"), -diff / cph, "hours/year", pkg.figure("break_even_hours")),
        (N_("... as share of all executed hours"), -diff / cph / hours, "%", pkg.figure("break_even_reduction_share")),
    ]
    return pd.DataFrame(rows, columns=["result", "value", "unit", "document"])


def charged_today(df: pd.DataFrame, hours: ArrayLike, params: FeeIncentivesParams) -> np.ndarray:
    """The hours that carry today's hourly fee (hours/month): all, less the free hours of persons aged 75 and over
    where the scenario gives them and the person-months carry an age (carepay.fees.free_hours_charged)."""
    if not params.free_hours_75_plus or "age" not in df.columns:
        return np.asarray(hours, float)
    return fees.free_hours_charged(hours, df.age, params.free_hours_75_plus)


def _apply(
    df: pd.DataFrame, hours: ArrayLike, params: FeeIncentivesParams, shares: ArrayLike, cap: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Fees today and under the proposal for given hours (kr/month per person-month)."""
    charged = charged_today(df, hours, params)
    today = fees.hourly_fee(charged, df.fee_headroom, params.hourly_fee, cap, np.where(df.alarm, params.alarm_fee, 0.0))
    prop = fees.level_fee(fees.fee_levels(hours, df.alarm, params.thresholds), df.fee_headroom, shares, cap)
    return today, prop


def response_inputs(
    df: pd.DataFrame, params: FeeIncentivesParams, shares: ArrayLike, cap: ArrayLike
) -> tuple[np.ndarray, np.ndarray, float]:
    """What every elasticity shares: the out-of-pocket price of an hour today and under the proposal (kr/hour) and
    today's fee revenue (kr/year). Computed once, then reused for every elasticity tried.

    The out-of-pocket price is the fee per executed hour a person pays at today's hours (fee / hours; 0 without
    hours), as the hourly co-payment the published elasticities are measured against (Roquebert & Tenand; Bourreau-
    Dubois and co-authors). The price of one more hour (the marginal fee) is zero above today's cap and within a
    level of the proposal, where no elasticity is defined; the report shows it beside, as the incentive at the
    margin (zero_price, price_by_hours_band, notches). The generalised price adds the non-fee cost to it
    (carepay.behaviour)."""
    h = df.executed_hours.to_numpy()
    today, proposal = _apply(df, h, params, shares, cap)
    with np.errstate(divide="ignore", invalid="ignore"):
        p0 = np.where(h > 0, today / h, 0.0)
        p1 = np.where(h > 0, proposal / h, 0.0)
    return p0, p1, float(today.sum())


def marginal_price_today(df: pd.DataFrame, hours: ArrayLike, params: FeeIncentivesParams, cap: ArrayLike) -> np.ndarray:
    """Today's price of one more hour (kr/hour): the hourly fee until the cap or the headroom is reached, and zero
    within a person's free hours (aged 75 and over, where the scenario gives them)."""
    price = fees.marginal_price_today(charged_today(df, hours, params), df.fee_headroom, params.hourly_fee, cap)
    if params.free_hours_75_plus and "age" in df.columns:
        free = (np.asarray(df.age) >= 75) & (np.asarray(hours, float) < params.free_hours_75_plus)
        price = np.where(free, 0.0, price)
    return price


def granted(df: pd.DataFrame) -> np.ndarray | None:
    """Granted hours a month of each person-month, where the person-months carry them (the response's cap)."""
    return df.granted_hours.to_numpy(float) if "granted_hours" in df.columns else None


def response(
    df: pd.DataFrame,
    params: FeeIncentivesParams,
    p0: np.ndarray,
    p1: np.ndarray,
    elasticity: float,
    nonfee_cost: float | None = None,
    concept: str | None = None,
) -> np.ndarray:
    """Executed hours a month after the fee's change in the price of an hour (carepay.behaviour.respond), under the
    scenario's price concept (or concept), capped at the hours granted."""
    e = params.elasticity
    return behaviour.respond(
        df.executed_hours.to_numpy(),
        p0,
        p1,
        elasticity,
        e.nonfee_cost if nonfee_cost is None else nonfee_cost,
        e.price_concept if concept is None else concept,
        granted(df),
    )


def behaviour_band(
    df: pd.DataFrame,
    params: FeeIncentivesParams,
    shares: ArrayLike,
    cap: ArrayLike,
    cph: float,
    elasticities: Iterable[float],
    inputs: tuple[np.ndarray, np.ndarray, float] | None = None,
) -> pd.DataFrame:
    """For each elasticity: hours, cost, fee revenue and the net budget effect against today (kr/year)."""
    h = df.executed_hours.to_numpy()
    p0, p1, today = inputs if inputs is not None else response_inputs(df, params, shares, cap)
    rows = []
    for e in elasticities:
        h1 = response(df, params, p0, p1, e)
        _today, prop1 = _apply(df, h1, params, shares, cap)
        d_hours = h1.sum() - h.sum()
        rows.append(
            {
                "elasticity": e,
                "hours_change": d_hours,
                "hours_change_share": d_hours / h.sum(),
                "cost_change": d_hours * cph,
                "revenue_change": prop1.sum() - today,
                "net_budget_effect": (prop1.sum() - today) - d_hours * cph,
            }
        )
    return pd.DataFrame(rows)


def by_band(df: pd.DataFrame, column: str, bands: list[float], unit: str) -> pd.DataFrame:
    """Persons and the mean monthly fee change by band of hours or headroom (per person, year average)."""
    per = df.groupby("person_id").agg(
        hours=("executed_hours", "mean"),
        headroom=("fee_headroom", "mean"),
        today=("fee_today", "mean"),
        proposal=("fee_proposal", "mean"),
    )
    per["change"] = per.proposal - per.today
    edges = list(bands) + [np.inf]
    labels = [
        f"{decimal(a, 1)}–{decimal(b, 1)} {unit}" if np.isfinite(b) else f"{decimal(a, 1)}+ {unit}"
        for a, b in zip(edges, edges[1:])
    ]
    per["band"] = pd.cut(per[column], edges, right=False, labels=labels)
    g = per.groupby("band", observed=False).agg(
        persons=("change", "size"),
        fee_today=("today", "mean"),
        fee_proposal=("proposal", "mean"),
        change=("change", "mean"),
        pay_more=("change", lambda c: float((c > 0.5).mean()) if len(c) else np.nan),
        pay_less=("change", lambda c: float((c < -0.5).mean()) if len(c) else np.nan),
    )
    return g.reset_index()


def person_months(
    params: FeeIncentivesParams, rules: dict, rules_pkg: DataPackage, pkg: DataPackage
) -> tuple[pd.DataFrame, bool, pd.DataFrame, list[str]]:
    """Step 1: Örebro's home-care person-months (carepay.home_care: the analyst's extract, or synthetic ones calibrated
    to the report's aggregates, with the calibration report), each with the fee cap and the minimum allowance in
    force in its month for the person's household and age (kr/month) and the fee headroom (kr/month) where the
    extract does not give it."""
    notes: list[str] = []
    pop = params.population
    cap = rules["fee_cap"]
    index = 1.0
    if pop.source == "synthetic":
        index = rules["price_base_amount"] / fees.rules_for_year(rules_pkg, pop.income_year)["price_base_amount"]
        if index != 1:
            notes.append(
                _(
                    "Incomes, housing costs and the housing-supplement limit are in {income_year} kronor, raised by the price base amount to {year} (× {index}).",
                    income_year=pop.income_year,
                    year=params.year,
                    index=decimal(index, 3),
                )
            )
    df = home_care.person_months(pop, pkg, "fee_incentives", params.year, index)
    where = pop.extract_file or N_("the synthetic population")
    try:
        monthly = fees.rules_by_month(rules_pkg, pd.unique(df.period.astype(str)))
    except ValueError as err:
        raise ExtractError(f"{where}: {err}") from None
    period = df.period.astype(str)
    df["fee_cap"] = period.map(monthly.fee_cap).to_numpy()
    if "fee_headroom" not in df.columns:
        df["minimum_allowance"] = fees.minimum_allowance(
            period.map(monthly.minimum_allowance_single).to_numpy(),
            period.map(monthly.minimum_allowance_spouse).to_numpy(),
            df.household,
            df.age if "age" in df.columns else None,
            params.young_allowance_raise,
        )
        df["fee_headroom"] = fees.fee_headroom(df.income_after_tax, df.housing_supplement, df.minimum_allowance, df.housing_cost)
    if pop.source == "extract":
        return df, False, pd.DataFrame(), notes
    calibration = population.fee_calibration_report(
        df,
        pop.individuals,
        pop.hours_per_year,
        pop.individuals_above_cap_hours,
        home_care.cap_hours(pkg),
        cap,
        {k: pkg.figure(f"execution_ratio{s}") for k, s in (("all", ""), ("in_house", "_in_house"), ("external", "_external"))},
    )
    return df, True, calibration, notes


def fees_and_prices(params: FeeIncentivesParams, df: pd.DataFrame, shares: np.ndarray, cap: ArrayLike) -> pd.DataFrame:
    """Step 2: each person-month's fee today and under the proposal (kr/month), its level, and the price of one
    more hour under each (kr/hour)."""
    h = df.executed_hours.to_numpy()
    df["fee_today"], df["fee_proposal"] = _apply(df, h, params, shares, cap)
    df["fee_level"] = fees.fee_levels(h, df.alarm, params.thresholds)
    df["price_today"] = marginal_price_today(df, h, params, cap)
    df["price_proposal"] = fees.band_price(h, df.alarm, df.fee_headroom, params.thresholds, shares, cap)
    return df


def zero_price_table(df: pd.DataFrame) -> pd.DataFrame:
    """Step 3: share of persons (0-1) whose price of one more hour is zero, today and under the proposal."""
    return pd.DataFrame(
        [
            {
                "schedule": "today",
                "persons_zero_marginal_price": _share_zero(df, "price_today"),
                "why": N_("the fee has reached the cap or the fee headroom"),
            },
            {
                "schedule": "proposal",
                "persons_zero_marginal_price": _share_zero(df, "price_proposal"),
                "why": N_("top level (X) or zero fee headroom"),
            },
        ]
    )


def threshold_sensitivity(
    params: FeeIncentivesParams, df: pd.DataFrame, shares: np.ndarray, cap: ArrayLike, cph: float
) -> pd.DataFrame:
    """Step 4: the revenue change (kr/year) and break-even hours under other choices of the unprinted thresholds."""
    h = df.executed_hours.to_numpy()
    rows = []
    for name, thresholds in _threshold_sets(params.thresholds):
        t_params = params.model_copy(update={"thresholds": thresholds})
        _today, prop = _apply(df, h, t_params, shares, cap)
        rows.append(
            {
                "thresholds": name,
                "values": "; ".join(decimal(v, 1) for v in thresholds),
                "revenue_change": prop.sum() - df.fee_today.sum(),
                "break_even_hours": -(prop.sum() - df.fee_today.sum()) / cph,
            }
        )
    return pd.DataFrame(rows)


BREAK_EVEN_SEARCH = (-20.0, 0.0)
#: An arc elasticity to the out-of-pocket price is bounded only above -1 (carepay.behaviour).
BREAK_EVEN_SEARCH_OUT_OF_POCKET = (-0.999, 0.0)


def break_even_search(params: FeeIncentivesParams) -> tuple[float, float]:
    """The elasticities searched for the break-even: to -20 for the generalised price, above -1 for the out-of-pocket."""
    return BREAK_EVEN_SEARCH_OUT_OF_POCKET if params.elasticity.price_concept == "out_of_pocket" else BREAK_EVEN_SEARCH


def behaviour_results(
    params: FeeIncentivesParams, df: pd.DataFrame, shares: np.ndarray, cap: ArrayLike, cph: float
) -> tuple[pd.DataFrame, float | None, pd.DataFrame]:
    """Step 5: hours, cost and revenue (kr/year) over the elasticity band, the break-even elasticity (None when none
    in break_even_search), and the result under the other price concept: the generalised price at several non-fee
    costs of an hour beside the out-of-pocket price, at the central elasticity."""
    e = params.elasticity
    inputs = response_inputs(df, params, shares, cap)
    band = behaviour_band(df, params, shares, cap, cph, sorted({e.low, e.central, e.high, 0.0}), inputs)

    def net(elasticity: float) -> float:
        return float(behaviour_band(df, params, shares, cap, cph, [elasticity], inputs).net_budget_effect.iloc[0])

    be = behaviour.solve_break_even(net, *break_even_search(params))
    nonfee = []
    variants = [("out_of_pocket", np.nan)] + [
        ("generalised", c) for c in sorted({25.0, 50.0, 100.0, 300.0, float(e.nonfee_cost)})
    ]
    for concept, c in variants:
        update = {"price_concept": concept} | ({"nonfee_cost": c} if concept == "generalised" else {})
        c_params = params.model_copy(update={"elasticity": e.model_copy(update=update)})
        row = behaviour_band(df, c_params, shares, cap, cph, [e.central], inputs).iloc[0]
        nonfee.append(
            {
                "price_concept": concept.replace("_", "-"),
                "nonfee_cost": c,
                "hours_change_share": row.hours_change_share,
                "net_budget_effect": row.net_budget_effect,
                "chosen": concept == e.price_concept and (concept == "out_of_pocket" or c == e.nonfee_cost),
            }
        )
    return band, be, pd.DataFrame(nonfee)


def elasticity_estimate(params: FeeIncentivesParams) -> dict:
    """Step 6: the estimator recovers a known elasticity from a synthetic panel."""
    panel = behaviour.synthetic_panel(
        params.estimator.persons, params.estimator.months, params.estimator.true_elasticity, params.estimator.seed
    )
    estimate = behaviour.estimate_elasticity(panel)
    estimate["true_elasticity"] = params.estimator.true_elasticity
    return estimate


_BANDS: Columns = {
    "persons": ("persons", ""),
    "fee_today": ("kr/month", ""),
    "fee_proposal": ("kr/month", ""),
    "change": ("kr/month", ""),
    "pay_more": ("%", ""),
    "pay_less": ("%", ""),
}

#: The unit and readable label of every column of the tables the report shows (carepay.units).
RESULT_COLUMNS: dict[str, Columns] = {
    "notches": {
        "threshold": ("hours/month", ""),
        "person_months_within_band": ("person-months", N_("person-months just above it")),
        "mean_jump": ("kr/month", N_("mean jump in the fee there")),
        "revenue_if_bunched": ("kr/year", N_("fee revenue if they bunched below it")),
    },
    "by_income": {
        "decile": ("", N_("tenth of income")),
        "persons": ("persons", ""),
        "income": ("kr/month", N_("income after tax and housing")),
        "fee_today": ("kr/month", N_("fee today")),
        "fee_proposal": ("kr/month", N_("fee under the proposal")),
        "change": ("kr/month", ""),
        "pay_more": ("%", N_("pay more")),
        "pay_less": ("%", N_("pay less")),
        "change_year": ("kr/year", N_("the tenth's change in all")),
    },
    "by_household": {
        "household": ("", ""),
        "age": ("", "age"),
        "persons": ("persons", ""),
        "fee_today": ("kr/month", N_("fee today")),
        "fee_proposal": ("kr/month", N_("fee under the proposal")),
        "change": ("kr/month", ""),
        "pay_more": ("%", N_("pay more")),
        "pay_less": ("%", N_("pay less")),
    },
    "groups": {
        "persons": ("persons", ""),
        "fee_today": ("kr/month", N_("fee today")),
        "fee_proposal": ("kr/month", N_("fee under the proposal")),
        "change": ("kr/month", ""),
        "change_year": ("kr/year", N_("the group's change in all")),
        "in_this_scenario": ("", N_("in this scenario")),
    },
    "combinations": {
        "payment_change_in_house": ("kr/year", N_("in-house providers' payment change")),
        "payment_change_external": ("kr/year", N_("external providers' payment change")),
        "fee_revenue": ("kr/year", N_("fee revenue")),
        "payment": ("kr/year", N_("payment to providers")),
        "net_cost": ("kr/year", N_("net cost to the municipality")),
        "executed_hours": ("hours/year", N_("executed hours")),
        "net_cost_change": ("kr/year", N_("net cost against today")),
    },
    "schedule": {
        "share_of_headroom": ("%", ""),
        "fee_at_full_headroom": ("kr/month", ""),
        "printed_2018": ("kr/month", N_("printed in the report (2018)")),
        "hours_per_month": ("", N_("executed hours a month")),
    },
    "zero_price": {"persons_zero_marginal_price": ("%", N_("persons facing a zero price for one more hour"))},
    "revenue": {"value": ("", ""), "document": ("", N_("the report says"))},  # each row's unit is in its unit column
    "threshold_sensitivity": {"revenue_change": ("kr/year", ""), "break_even_hours": ("hours/year", "")},
    "behaviour": {
        "elasticity": ("", ""),
        "hours_change": ("hours/year", ""),
        "hours_change_share": ("%", ""),
        "cost_change": ("kr/year", ""),
        "revenue_change": ("kr/year", ""),
        "net_budget_effect": ("kr/year", ""),
    },
    "nonfee_sensitivity": {
        "price_concept": ("", N_("price concept")),
        "nonfee_cost": ("kr/hour", N_("non-fee cost of an hour")),
        "hours_change_share": ("%", ""),
        "net_budget_effect": ("kr/year", ""),
    },
    "by_hours": {**_BANDS, "band": ("", N_("executed hours a month"))},
    "by_headroom": {**_BANDS, "band": ("", N_("fee headroom"))},
}


def analyse(params: FeeIncentivesParams, pkg: DataPackage, rules_pkg: DataPackage) -> FeeIncentives:
    """Run the whole question for one scenario: the steps above, in order."""
    rules = fees.rules_for_year(rules_pkg, params.year)
    cap = rules["fee_cap"]
    cph = cost_per_hour(params, pkg)
    shares = shares_of(params, pkg)
    df, synthetic, calibration, notes = person_months(params, rules, rules_pkg, pkg)
    caps = df.fee_cap.to_numpy()  # the cap in force in each person-month
    df = fees_and_prices(params, df, shares, caps)
    band, be, nonfee = behaviour_results(params, df, shares, caps, cph)
    per = _per_person(df)  # one row per person, shared by the tables of who pays
    result = FeeIncentives(
        rules=rules,
        cost_per_hour=cph,
        schedule=schedule_table(params, pkg, cap),
        curves=fee_curves(params, pkg, cap),
        person_months=df,
        synthetic=synthetic,
        calibration=calibration,
        revenue=revenue_table(df, pkg, cph),
        hourly_costs=hourly_cost_readings(df, pkg, cph),
        zero_price=zero_price_table(df),
        threshold_sensitivity=threshold_sensitivity(params, df, shares, caps, cph),
        behaviour=band,
        break_even_elasticity=be,
        break_even_search=break_even_search(params),
        nonfee_sensitivity=nonfee,
        estimate=elasticity_estimate(params),
        by_hours=by_band(df, "hours", params.hour_bands, "h"),
        by_headroom=by_band(df, "headroom", params.headroom_bands, "kr"),
        combinations=combinations(params, df, shares, caps, cph),
        by_income=by_income(df, per),
        above_cap=above_cap(df, per),
        notches=fees.notches(
            df.executed_hours, df.alarm, df.fee_headroom, params.thresholds, shares, caps, params.bunching_band_hours
        ),
        by_household=by_household(df, per),
        groups=left_out_groups(df, params, per),
        notes=notes,
    )
    annotate_result(result, RESULT_COLUMNS)
    return result


#: The provider payment bases the fee is combined with (Örebro 7.4.2): today's, and the proposed one.
PAYMENT_BASES = {"executed_hours": N_("per executed hour"), "level_month": N_("per level and month")}


def combinations(params: FeeIncentivesParams, df: pd.DataFrame, shares: ArrayLike, cap: ArrayLike, cph: float) -> pd.DataFrame:
    """Step 7: the two reforms together. The fee today or proposed, times the providers paid per executed hour or
    per level and month, at the central elasticity: fee revenue, payment to providers, the municipality's net cost
    (payment less fees) and executed hours, all kr/year or hours/year, and the net cost against today (fee today,
    paid per executed hour). Per executed hour the payment follows the hours; per level and month it does not: the
    level amounts keep today's payment (Örebro 7.4.2, 'cirka 300 mnkr') and a client's level is set by granted time,
    which the fee does not move, so fewer executed hours save nothing. Where the person-months carry provision and
    granted hours, each provision's payment change against today (kr/year): per executed hour its hours' change,
    per level and month what the level amounts calibrated to keep today's payment pay it (carepay.payment.
    level_month_payments, as provider_payment; levels from granted hours and level_boundaries)."""
    h = df.executed_hours.to_numpy()
    p0, p1, revenue_today = response_inputs(df, params, shares, cap)
    h1 = response(df, params, p0, p1, params.elasticity.central)
    _today, proposed = _apply(df, h1, params, shares, cap)
    hours_today, hours_proposed = float(h.sum()), float(h1.sum())
    fees_in = {"today": (revenue_today, h), "proposed": (float(proposed.sum()), h1)}
    provision = df.provision.to_numpy() if "provision" in df.columns else None
    by_level = None
    if provision is not None and "granted_hours" in df.columns:
        frame = df.assign(
            level=df.level.astype(str) if "level" in df.columns else payment.levels_of(df.granted_hours, params.level_boundaries)
        )
        frame = frame[frame.granted_hours > 0]
        paid_level, _rest = payment.level_month_payments(frame, cph, hours_today * cph)
        by_level = pd.Series(paid_level, index=frame.index).groupby(frame.provision).sum()
    rows = []
    for fee, (revenue, hours) in fees_in.items():
        for basis in PAYMENT_BASES:
            paid = (float(hours.sum()) if basis == "executed_hours" else hours_today) * cph
            row = {
                "fee": fee,
                "basis": basis,
                "fee_revenue": revenue,
                "payment": paid,
                "net_cost": paid - revenue,
                "executed_hours": float(hours.sum()),
            }
            if by_level is not None:
                for prov in ("in_house", "external"):
                    today_prov = float(h[provision == prov].sum()) * cph
                    now = (
                        float(hours[provision == prov].sum()) * cph
                        if basis == "executed_hours"
                        else float(by_level.get(prov, 0.0))
                    )
                    row[f"payment_change_{prov}"] = now - today_prov
            rows.append(row)
    out = pd.DataFrame(rows)
    out["net_cost_change"] = out.net_cost - float(out.net_cost.iloc[0])
    out.attrs["elasticity"] = params.elasticity.central
    out.attrs["hours_change_share"] = hours_proposed / hours_today - 1
    return out


def _per_person(df: pd.DataFrame) -> pd.DataFrame:
    """One row per person (computed once per question run, analyse): year averages (kr/month) of the headroom, the
    cap, the fee today and under the proposal, and income after tax and housing (income after tax + housing
    supplement - housing cost) where the person-months carry it; the year's executed hours; and the person's alarm,
    household and age where they carry them."""
    agg: dict[str, tuple[str, str]] = {
        "headroom": ("fee_headroom", "mean"),
        "cap": ("fee_cap", "mean"),
        "today": ("fee_today", "mean"),
        "proposal": ("fee_proposal", "mean"),
    }
    if {"income_after_tax", "housing_supplement", "housing_cost"} <= set(df.columns):
        df = df.assign(income_after_housing=df.income_after_tax + df.housing_supplement - df.housing_cost)
        agg["income"] = ("income_after_housing", "mean")
    if "executed_hours" in df.columns:
        agg["hours"] = ("executed_hours", "sum")
    for column in ("alarm", "household", "age"):
        if column in df.columns:
            agg[column] = (column, "first")
    per = df.groupby("person_id", sort=True).agg(**agg)
    per["change"] = per.proposal - per.today
    return per


def by_income(df: pd.DataFrame, per: pd.DataFrame | None = None) -> pd.DataFrame:
    """Step 8: who pays more and who pays less by tenth of income after tax and housing (or, where the person-months
    carry no income, of fee headroom): persons, mean income, the mean fee today and under the proposal, the change
    (kr/month), the shares paying more and less (by more than 0,50 kr a month) and the tenth's change in all
    (kr/year). Tenths of persons, ranked by income, ties in person order. per: _per_person(df), where computed."""
    per = (_per_person(df) if per is None else per).copy()
    basis = "income" if "income" in per.columns else "headroom"
    rank = per[basis].rank(method="first")
    per["decile"] = pd.qcut(rank, 10, labels=range(1, 11)).astype(int)
    g = per.groupby("decile").agg(
        persons=("change", "size"),
        income=(basis, "mean"),
        fee_today=("today", "mean"),
        fee_proposal=("proposal", "mean"),
        change=("change", "mean"),
        pay_more=("change", lambda c: float((c > 0.5).mean())),
        pay_less=("change", lambda c: float((c < -0.5).mean())),
        change_year=("change", lambda c: float(c.sum() * 12)),
    )
    out = g.reset_index()
    out.attrs["basis"] = basis
    return out


def above_cap(df: pd.DataFrame, per: pd.DataFrame | None = None) -> dict:
    """Persons whose fee headroom reaches the fee cap (year averages): their share of persons, and their share of the
    fee cut (the sum of decreases, kr/year) the proposal gives. per: _per_person(df), where computed."""
    per = _per_person(df) if per is None else per
    high = per.headroom >= per.cap - 1e-9
    cut = (-per.change).clip(lower=0)
    total = float(cut.sum())
    return {
        "share_of_persons": float(high.mean()),
        "share_of_fee_cut": float(cut[high].sum() / total) if total > 0 else 0.0,
        "fee_cut": total * 12,
    }


AGE_BANDS = [(0, 65, "under 65"), (65, 75, "65–74"), (75, 200, N_("75 and over"))]


def by_household(df: pd.DataFrame, per: pd.DataFrame | None = None) -> pd.DataFrame:
    """Step 9: who pays more and who pays less by household type (single; couple, each with the spouse minimum
    allowance) and age band: persons, the mean fee today and under the proposal, the change (kr/month) and the
    shares paying more and less (year averages per person; by more than 0,50 kr a month). per: _per_person(df),
    where computed."""
    per = (_per_person(df) if per is None else per).copy()
    if "household" not in per.columns:
        per["household"] = "single"
    if "age" in per.columns:
        per["age"] = pd.cut(per.age, [a for a, _b, _c in AGE_BANDS] + [200], right=False, labels=[n for _a, _b, n in AGE_BANDS])
    else:
        per["age"] = N_("not known")
    g = per.groupby(["household", "age"], observed=True).agg(
        persons=("change", "size"),
        fee_today=("today", "mean"),
        fee_proposal=("proposal", "mean"),
        change=("change", "mean"),
        pay_more=("change", lambda c: float((c > 0.5).mean())),
        pay_less=("change", lambda c: float((c < -0.5).mean())),
    )
    return g.reset_index().astype({"household": str, "age": str})


def left_out_groups(df: pd.DataFrame, params: FeeIncentivesParams, per: pd.DataFrame | None = None) -> pd.DataFrame:
    """Step 10: the groups the report's fee model leaves out, as this population holds them: persons with a safety
    alarm only (level 0 of the proposal, 10 % of headroom), persons aged 75 and over (Örebro's free service hours
    today), couples (the spouse minimum allowance) and persons under 65 (the higher minimum allowance the rules
    allow): persons, the mean fee today and under the proposal and the change (kr/month), and how this scenario
    treats them. A group the population does not hold has 0 persons. per: _per_person(df), where computed."""
    per = _per_person(df) if per is None else per
    age = per.age if "age" in per.columns else pd.Series(np.nan, index=per.index)
    household = per.household if "household" in per.columns else pd.Series("single", index=per.index)
    groups = [
        (
            N_("alarm only"),
            per.alarm.astype(bool) & (per.hours <= 0),
            _("today's alarm fee {alarm_fee} a month", alarm_fee=kr(params.alarm_fee)),
        ),
        (
            N_("aged 75 and over"),
            age >= 75,
            _("{free_hours_75_plus} free hours a month today", free_hours_75_plus=decimal(params.free_hours_75_plus, 0))
            if params.free_hours_75_plus
            else _("no free hours (as the report)"),
        ),
        (N_("couples"), household == "couple", _("the spouse minimum allowance")),
        (
            N_("under 65"),
            age < 65,
            _("minimum allowance {text} % higher", text=decimal(100 * params.young_allowance_raise, 0))
            if params.young_allowance_raise
            else _("the same minimum allowance (as the report)"),
        ),
    ]
    rows = []
    for name, mask, treated in groups:
        part = per[mask.reindex(per.index, fill_value=False).to_numpy(bool)]
        rows.append(
            {
                "group": name,
                "persons": len(part),
                "fee_today": float(part.today.mean()) if len(part) else np.nan,
                "fee_proposal": float(part.proposal.mean()) if len(part) else np.nan,
                "change": float(part.change.mean()) if len(part) else np.nan,
                "change_year": float(part.change.sum() * 12),
                "in_this_scenario": treated,
            }
        )
    return pd.DataFrame(rows)


def _band_label(low: float, high: float) -> str:
    """'4–6,3' (hours, Swedish decimal comma); '130+' for the open top band."""
    return f"{decimal(low, 1)}+" if not np.isfinite(high) else f"{decimal(low, 1)}–{decimal(high, 1)}"


def who_pays(person_months: pd.DataFrame) -> dict[str, float]:
    """Persons (year averages) with zero fee headroom, and among the others the shares (0-1) who pay more and less
    under the proposal (by more than 0,50 kr a month)."""
    per = person_months.groupby("person_id").agg(
        headroom=("fee_headroom", "mean"), today=("fee_today", "mean"), proposal=("fee_proposal", "mean")
    )
    zero = per.headroom <= 0
    rest = per[~zero]
    change = rest.proposal - rest.today
    return {
        "persons": float(len(per)),
        "zero_headroom": float(zero.sum()),
        "share_pay_more": float((change > 0.5).mean()) if len(rest) else 0.0,
        "share_pay_less": float((change < -0.5).mean()) if len(rest) else 0.0,
    }


def _share_zero(df: pd.DataFrame, column: str) -> float:
    per = df.groupby("person_id")[column].mean()
    return float((per <= 1e-9).mean())


def _threshold_sets(chosen: list[float]) -> list[tuple[str, list[float]]]:
    lo, hi = chosen[0], chosen[-1]
    geometric = [round(lo * (hi / lo) ** (i / 8), 1) for i in range(9)]
    linear = [round(lo + (hi - lo) * i / 8, 1) for i in range(9)]
    low_heavy = [round(lo + (hi - lo) * (i / 8) ** 2, 1) for i in range(9)]
    return [
        (N_("this scenario"), list(chosen)),
        ("geometric", geometric),
        ("even", linear),
        (N_("dense at low hours"), low_heavy),
    ]


def price_by_hours_band(person_months: pd.DataFrame, bands: Iterable[float], cap_hours: float) -> pd.DataFrame:
    """Average price of one more hour (kr/hour) today and under the proposal, by band of a person's average hours:
    the scenario's hour bands (hours/month) with the hours at which today's fee reaches the cap as one more edge."""
    edges = sorted({float(b) for b in bands} | {round(float(cap_hours), 1)}) + [np.inf]
    labels = [_band_label(a, b) for a, b in zip(edges, edges[1:])]
    pm = person_months.groupby("person_id")[["price_today", "price_proposal", "executed_hours"]].mean()
    band = pd.cut(pm.executed_hours, edges, labels=labels, right=False)
    out = pm.groupby(band, observed=True)[["price_today", "price_proposal"]].mean()
    out = out.rename(columns={"price_today": "today", "price_proposal": "proposal"}).rename_axis(N_("hours band"))
    long = out.reset_index().melt(id_vars=N_("hours band"), var_name="schedule", value_name="price")
    long["hours band"] = long["hours band"].astype(str)
    return long


def check_inputs(params: FeeIncentivesParams) -> None:
    """What `carepay params` can check before a kernel starts: the analyst's extract, read and validated."""
    if params.population.source != "extract":
        return
    from carepay.sources import load

    rules_pkg = load(RULES)
    person_months(params, fees.rules_for_year(rules_pkg, params.year), rules_pkg, load(PACKAGE))
