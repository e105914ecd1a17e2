"""The capitation fairness question (Västerås housing support): from a scenario to every table the report shows.

The rules are in carepay.capitation, carepay.payment and carepay.population; this module wires
them to the document's tables and the scenario's parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from carepay import capitation, evaluation, payment, population
from carepay.capitation_fairness.params import CapitationFairnessParams
from carepay.formats import decimal, kr, number
from carepay.i18n import N_, _, term
from carepay.sources import DataPackage
from carepay.units import Columns, annotate, annotate_result

PACKAGE = "vasteras_housing_support_2022"
TABLES = ("executed_hours", "hourly_payment", "persons", "capitation_payment")


@dataclass
class CapitationFairness:
    rate: float  # kr/person-month used
    rates: pd.DataFrame  # the rate by each reading
    monthly: pd.DataFrame  # by provider and month, both models
    totals: pd.DataFrame  # by provider, the year
    reproduction: pd.DataFrame  # computed against printed, every cell of the four tables and the change row
    decomposition: pd.DataFrame
    reference_ratio: float
    person_months: pd.DataFrame  # individual-level rows (synthetic or extract)
    synthetic: bool
    calibration: pd.DataFrame
    weights: pd.DataFrame  # by need group: estimated, calibrated, constrained
    fit: pd.DataFrame  # per target and model: R², CPM
    ratios: pd.DataFrame  # predictive ratios per target, model, grouping, group
    incentives: pd.DataFrame
    support_ends: pd.DataFrame
    pilot: pd.DataFrame
    designs: pd.DataFrame  # every payment design for every provider (carepay.capitation.design_comparison)
    designs_within: pd.DataFrame  # by design: the worst loss, within the board's limit?, the most an hour brings
    transition: pd.DataFrame  # by design: providers beyond the board's limit, what capping their loss costs
    phase_in: pd.DataFrame  # the proposed design phased in: by provider and year
    clients: pd.DataFrame  # hours per client-month by provider: today, at the lowest execution ratio, safeguarded
    pilot_power: pd.DataFrame  # per outcome: the smallest difference the pilot could detect (carepay.evaluation)
    split_fit: pd.DataFrame  # need-group weights: R² in the half of persons they were estimated on, and in the other
    administration: pd.DataFrame  # by design: posts added, audit saved, net (kr/year) (carepay.capitation.administration)
    volume: pd.DataFrame  # by design and year: cost with clients grown, and administration (kr/year)
    growth_per_year: float  # the growth projected: the scenario's, or the persons table's (share per year)
    comparison: pd.DataFrame  # the pilot's clients against the other providers' (carepay.evaluation.comparison_group)
    shadow_registration_cost: float  # kr over the pilot: registering the pilot's executed time alongside capitation
    adjuster_fit: pd.DataFrame  # adjusters independent of hours (when the person-months carry them): R², CPM, out of sample
    adjuster_deciles: pd.DataFrame  # their predictive ratios by tenth of predicted cost
    notes: list[str] = field(default_factory=list)


def document_cells(pkg: DataPackage) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Executed hours and persons per provider-month (the providers' cells, no subtotals, no year row)."""
    providers = pkg.table("providers").provider
    hours = pkg.table("executed_hours")
    persons = pkg.table("persons")
    keep = lambda t: t[(t.period != "2021") & t.provider.isin(providers)].reset_index(drop=True)  # noqa: E731
    return keep(hours), keep(persons)


def rate_table(params: CapitationFairnessParams, pkg: DataPackage, hourly_total: float, person_months: float) -> pd.DataFrame:
    """The capitation rate by each reading (kr/person-month), and which one this scenario uses."""
    from carepay.capitation_fairness.checks import vasteras_implied_capitation_rate

    r = params.rate
    rows = [
        {
            "reading": "implied_by_tables",
            "how": N_("the document's capitation table: its total over all person-months"),
            "rate": vasteras_implied_capitation_rate(pkg),
        },
        {
            "reading": "budget",
            "how": _(
                "budget {budget} / ({persons} persons × {months} months)",
                budget=kr(r.budget),
                persons=decimal(r.persons),
                months=r.months,
            ),
            "rate": capitation.rate_from_budget(r.budget, r.persons, r.months),
        },
        {
            "reading": "budget_neutral",
            "how": N_("what hourly payment paid in 2021, over 2021's person-months"),
            "rate": capitation.budget_neutral_rate(hourly_total, person_months),
        },
        {
            "reading": "text_per_year",
            "how": N_("the text's ~56 000 kr a person and year / 12"),
            "rate": pkg.figure("capitation_per_person_year") / 12,
        },
    ]
    out = pd.DataFrame(rows)
    out["per_year"] = out.rate * 12
    out["used"] = out.reading == r.basis
    return out


def reproduce(pkg: DataPackage, monthly: pd.DataFrame) -> pd.DataFrame:
    """Every printed provider cell of the four tables, the year row and the change row, against the model."""
    providers = pkg.table("providers")
    computed = monthly.set_index(["period", "provider"])
    rate = pkg.figure("hourly_rate_2022")
    tolerance = {"executed_hours": 0.0, "hourly_payment": 0.5 * rate + 0.5, "persons": 0.0, "capitation_payment": 1.0}
    rows = []
    for name in TABLES:
        t = pkg.table(name)
        t = t[t.provider.isin(providers.provider)]
        series = computed[name]
        year = series.groupby(level="provider").sum()
        n_months = series[series != 0].groupby(level="provider").size()
        for r in t.itertuples():
            value = getattr(r, name)
            if r.period == "2021":  # the year row: a sum of the months, or for persons their mean
                n = int(n_months[r.provider])
                got = year[r.provider] / (n if name == "persons" else 1)
                tol = {
                    "executed_hours": 0.5 * (n + 1),
                    "hourly_payment": n * 0.5 * rate + 0.5,
                    "persons": 0.5,
                    "capitation_payment": n * 1.0,
                }[name]
            else:
                got, tol = series[(r.period, r.provider)], tolerance[name]
            rows.append(
                {
                    "table": name,
                    "period": r.period,
                    "provider": r.provider,
                    "printed": value,
                    "computed": got,
                    "difference": got - value,
                    "tolerance": tol,
                }
            )
    change = pkg.table("change")
    tot = monthly.groupby("provider")[["capitation_payment", "hourly_payment"]].sum()
    for r in change.itertuples():
        got = tot.loc[r.provider, "capitation_payment"] - tot.loc[r.provider, "hourly_payment"]
        rows.append(
            {
                "table": "change",
                "period": "2021",
                "provider": r.provider,
                "printed": r.change_kr,
                "computed": got,
                "difference": got - r.change_kr,
                "tolerance": 12 * 0.5 * rate + 12 * 1.0,
            }
        )
    out = pd.DataFrame(rows)
    out["within_rounding"] = out.difference.abs() <= out.tolerance + 1e-9
    return out


def provider_totals(
    params: CapitationFairnessParams, monthly: pd.DataFrame, provision: pd.Series, hourly_year: pd.Series | None = None
) -> tuple[pd.DataFrame, pd.Series, float]:
    """Step 2: totals by provider (kr/year, hours) with the known execution ratios, and the pooled ratio of those;
    hourly_year: the printed year of hourly payment per provider, where the scenario reproduces the document."""
    known = pd.Series(params.execution_ratios, dtype=float)
    unknown_providers = sorted(set(known.index) - set(provision.index))
    if unknown_providers:
        raise ValueError(
            f"execution_ratios names unknown provider(s) {', '.join(unknown_providers)}; providers: {', '.join(provision.index)}"
        )
    totals = capitation.provider_totals(monthly, known, hourly_year)
    totals.insert(1, "provision", totals.provider.map(provision))
    kt = totals.dropna(subset=["execution_ratio"])
    reference = float(kt.executed_hours.sum() / kt.ordered_hours.sum()) if len(kt) else 0.6
    return totals, known, reference


def person_months(
    params: CapitationFairnessParams, hours: pd.DataFrame, persons: pd.DataFrame, provision: pd.Series, ratios: pd.Series
) -> tuple[pd.DataFrame, bool, pd.DataFrame]:
    """Step 3: individual person-months (hours/month, need group): the analyst's extract, or synthetic ones
    calibrated to the tables (with the calibration report)."""
    periods = sorted(hours.period.unique())
    if params.population.source == "extract":
        pm = population.read_person_months(params.population.extract_file, provision.index, periods)
        if "need_group" not in pm.columns:
            pm["need_group"] = population.need_groups_from_hours(
                pm.ordered_hours, params.need_groups.thresholds, params.need_groups.names
            )
        return pm, False, pd.DataFrame()
    pop = params.population
    pm = population.synthetic_person_months(
        persons,
        hours,
        ratios,
        pop.median_ordered_hours,
        pop.sigma_person,
        pop.sigma_month,
        params.need_groups.thresholds,
        params.need_groups.names,
        pop.seed,
    )
    pm = population.synthetic_adjusters(pm, pop.score_correlation, pop.seed)
    return pm, True, population.calibration_report(pm, persons, hours, ratios)


def payments(pm: pd.DataFrame, provision: pd.Series, hourly_rate: float, rate: float) -> pd.DataFrame:
    """Step 4: each person-month's hourly and flat payment (kr), and the need-based target where ordered hours are known."""
    pm["provision"] = pm.provider.map(provision)
    pm["hourly"] = payment.per_executed_hour(pm.executed_hours, hourly_rate)
    pm["flat"] = payment.per_person_month(np.ones(len(pm)), rate)
    if "ordered_hours" in pm.columns:
        # need: ordered hours valued so that, in total, they cost what the executed hours cost
        need = payment.per_granted_hour(pm.ordered_hours, hourly_rate)
        pm["need_at_hourly_rate"] = need * pm.hourly.sum() / need.sum()
    return pm


def risk_adjustment(params: CapitationFairnessParams, pm: pd.DataFrame, rate: float) -> tuple[pd.DataFrame, pd.Series, list[str]]:
    """Step 5: weights by need group (kr/person-month): estimated (OLS), calibrated to the budget, and
    fairness-constrained; adds the risk-adjusted and constrained payments to the person-months."""
    notes: list[str] = []
    budget = rate * len(pm)  # the same total as flat capitation for these person-months
    est = capitation.estimate_weights(pm, "need_group", "hourly")
    counts = pm.need_group.value_counts()
    cal = capitation.calibrate(est, counts, budget)
    fair_mask = pm[params.fair_group.by].astype(str) == params.fair_group.value
    if not fair_mask.any():
        raise ValueError(
            f"fair_group: no person-months with {params.fair_group.by} = {params.fair_group.value!r}; "
            f"values: {', '.join(sorted(pm[params.fair_group.by].astype(str).unique()))}"
        )
    con = capitation.estimate_constrained(pm, "need_group", "hourly", budget, fair_mask)
    pm["risk_adjusted"] = capitation.pay_by_group(pm.need_group, cal)
    pm["fairness_constrained"] = capitation.pay_by_group(pm.need_group, con)
    if (con < 0).any():
        notes.append(
            _(
                "The fairness constraint ({by} = {value}) can only be met with negative weights for {join}: need groups cannot pay this group its cost without paying others less than nothing. The constraint asks the need groups to compensate for something they do not measure (for a provider: its execution ratio).",
                by=term(params.fair_group.by.replace("_", " ")),
                value=params.fair_group.value,
                join=", ".join(term(g.replace("_", " ")) for g in con.index[con < 0]),
            )
        )
    weights = pd.DataFrame({"person_months": counts, "estimated": est, "calibrated": cal, "constrained": con})
    weights = weights.reindex(params.need_groups.names if params.population.source == "synthetic" else weights.index)
    return weights.rename_axis("need_group").reset_index(), cal, notes


MODELS = {
    "hourly": "hourly",
    "flat capitation": "flat",
    "risk-adjusted": "risk_adjusted",
    "fairness-constrained": "fairness_constrained",
}
#: What the payments are measured against: the target's name and its column of the person-months (kr).
TARGETS = {"cost_at_hourly_rate": "hourly", "need_at_hourly_rate": "need_at_hourly_rate"}


def fit_measures(pm: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Step 6: how well each payment model fits each target (R², Cumming's measure) and predictive ratios by group."""
    fits, ratios = [], []
    for tname, tcol in TARGETS.items():
        if tcol not in pm.columns:
            continue
        f, r = capitation.evaluate(pm, MODELS, tcol, ["provider", "need_group", "provision"])
        fits.append(f.assign(target=tname))
        ratios.append(r.assign(target=tname))
    return pd.concat(fits, ignore_index=True), pd.concat(ratios, ignore_index=True)


def incentives(
    params: CapitationFairnessParams, pm: pd.DataFrame, rate: float, calibrated: pd.Series, need_groups: pd.Series
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Step 7: a provider's revenue and margin from one more hour (kr/hour), and what ending a client's support is
    worth by need group (kr/month)."""
    p = params.hourly_rate
    table = pd.DataFrame(
        [
            {
                "model": "hourly",
                "revenue_one_more_hour": p,
                "margin_one_more_hour": p - params.cost_per_hour,
                "revenue_one_more_person_month": np.nan,
            },
            {
                "model": N_("flat capitation"),
                "revenue_one_more_hour": 0.0,
                "margin_one_more_hour": -params.cost_per_hour,
                "revenue_one_more_person_month": rate,
            },
            {
                "model": "risk-adjusted",
                "revenue_one_more_hour": 0.0,
                "margin_one_more_hour": -params.cost_per_hour,
                "revenue_one_more_person_month": np.nan,
            },  # the client's need group's weight: see support_ends
        ]
    )
    g = pm.groupby("need_group", observed=True).agg(person_months=("hourly", "size"), hours=("executed_hours", "mean"))
    g = g.reindex(need_groups)
    ends = pd.DataFrame({"need_group": g.index, "executed_hours_per_month": g.hours.to_numpy()})
    for name, revenue in (
        ("hourly", p * g.hours.to_numpy()),
        (N_("flat capitation"), np.full(len(g), rate)),
        ("risk-adjusted", calibrated.reindex(g.index).to_numpy()),
    ):
        ends[name] = payment.margin_when_support_ends(revenue, g.hours.to_numpy(), params.cost_per_hour)
    return table, ends


#: The unit and readable label of every column of the tables the report shows (carepay.units).
RESULT_COLUMNS: dict[str, Columns] = {
    "rates": {"rate": ("kr/person-month", ""), "per_year": ("kr/person-year", "")},
    "totals": {
        "person_months": ("person-months", ""),
        "executed_hours": ("hours", ""),
        "ordered_hours": ("hours", ""),
        "hourly_payment": ("kr", ""),
        "capitation_payment": ("kr", ""),
        "change": ("kr", ""),
        "change_share": ("%", ""),
        "execution_ratio": ("%", ""),
        "hourly_per_person_month": ("kr/person-month", N_("hourly payment per person-month")),
        "hours_per_person_month": ("hours", ""),
        "capitation_per_executed_hour": ("kr/hour", N_("capitation per executed hour")),
        "capitation_per_ordered_hour": ("kr/hour", N_("capitation per ordered hour")),
        "hourly_per_ordered_hour": ("kr/hour", N_("hourly payment per ordered hour")),
        "name": ("", "provider"),
    },
    "decomposition": {
        "person_months": ("person-months", ""),
        "hours_per_person_month": ("hours", ""),
        "ordered_hours_per_person_month": ("hours", ""),
        "execution_ratio": ("%", ""),
        "change_per_person_month": ("kr/person-month", ""),
        "budget_level": ("kr/person-month", N_("budget level")),
        "need": ("kr/person-month", ""),
        "execution": ("kr/person-month", ""),
    },
    "weights": {
        "need_group": ("", N_("need group")),
        "person_months": ("person-months", ""),
        "estimated": ("kr/person-month", ""),
        "calibrated": ("kr/person-month", ""),
        "constrained": ("kr/person-month", ""),
    },
    "incentives": {
        "revenue_one_more_hour": ("kr", ""),
        "margin_one_more_hour": ("kr", ""),
        "revenue_one_more_person_month": ("kr", ""),
    },
    "support_ends": {
        "need_group": ("", N_("need group")),
        "executed_hours_per_month": ("hours", ""),
        "hourly": ("kr/month", ""),
        "flat capitation": ("kr/month", ""),
        "risk-adjusted": ("kr/month", ""),
    },
    "designs": {
        "provider": ("", ""),
        "design": ("", ""),
        "payment": ("kr", ""),
        "change": ("kr", N_("change against hourly payment")),
        "change_share": ("%", N_("change as a share of hourly payment")),
        "revenue_one_more_hour": ("kr/hour", N_("what one more executed hour brings")),
        "margin_per_client_month": ("kr/month", N_("result from an average client, lost when the support ends")),
    },
    "designs_within": {
        "design": ("", ""),
        "worst_change_share": ("%", N_("largest loss of any provider")),
        "revenue_one_more_hour": ("kr/hour", N_("most one more executed hour brings any provider")),
        "within_loss": ("", N_("every provider within the board's limit")),
    },
    "transition": {
        "design": ("", ""),
        "providers_beyond_limit": ("providers", N_("providers losing more than the limit")),
        "cap_cost": ("kr/year", N_("cost of capping their loss at the limit")),
    },
    "phase_in": {
        "provider": ("", ""),
        "year": ("year", ""),
        "payment": ("kr/year", ""),
        "change": ("kr/year", N_("change against hourly payment")),
        "change_share": ("%", N_("change as a share of hourly payment")),
        "versus_design": ("kr/year", N_("against capitation at once")),
    },
    "clients": {
        "provider": ("", ""),
        "executed_per_client_month": ("hours", N_("executed per client-month today")),
        "ordered_per_client_month": ("hours", N_("ordered per client-month")),
        "at_lowest_ratio": ("hours", N_("per client-month at the lowest execution ratio")),
        "with_safeguard": ("hours", N_("per client-month with the safeguard")),
        "safeguard_cost": ("kr/year", N_("cost of the safeguard's hours")),
        "ratio_assumed": ("", N_("execution ratio assumed")),
    },
    "pilot_power": {
        "outcome": ("", ""),
        "unit": ("", ""),
        "sd_between_clients": ("", N_("standard deviation between clients")),
        "pilot_clients": ("persons", "pilot's clients"),
        "comparison_clients": ("persons", N_("comparison group")),
        "minimum_detectable_difference": ("", N_("smallest difference the pilot could detect")),
        "as_share_of_mean": ("%", N_("as a share of the comparison group's mean")),
    },
    "split_fit": {"sample": ("", ""), "person_months": ("person-months", ""), "r_squared": ("", N_("R² against cost"))},
    "administration": {
        "design": ("", ""),
        "records_time": ("", N_("providers report executed time")),
        "posts_cost": ("kr/year", N_("needs-assessment posts added")),
        "audit_saving": ("kr/year", N_("audit of reported time saved")),
        "administration": ("kr/year", N_("administration, net")),
    },
    "volume": {
        "design": ("", ""),
        "year": ("year", ""),
        "clients_factor": ("", N_("clients against 2021")),
        "payment": ("kr/year", N_("payment to providers")),
        "administration": ("kr/year", N_("administration, net")),
        "total": ("kr/year", N_("cost to the board")),
        "versus_hourly": ("kr/year", N_("against hourly payment that year")),
    },
    "comparison": {
        "group": ("", ""),
        "clients": ("persons", ""),
        "executed_hours": ("hours", N_("executed per client-month")),
        "ordered_hours": ("hours", N_("ordered per client-month")),
        "share_of_ordered": ("%", N_("share of ordered time executed")),
    },
    "adjuster_fit": {
        "adjusters": ("", ""),
        "r_squared": ("", N_("R² against cost")),
        "cumming": ("", N_("Cumming's prediction measure")),
        "r_squared_out_of_sample": ("", N_("R² out of sample (other half of persons)")),
    },
    "adjuster_deciles": {
        "decile": ("", N_("tenth of predicted cost")),
        "person_months": ("person-months", ""),
        "paid": ("kr", ""),
        "target": ("kr", N_("cost at the hourly rate")),
        "predictive_ratio": ("", N_("predictive ratio")),
    },
    "pilot": {
        "person_months": ("person-months", ""),
        "hours": ("hours", N_("executed hours")),
        "payment": ("kr", ""),
        "cost": ("kr", "provider's cost"),
        "margin": ("kr", "provider's margin"),
    },
}


def departures_from_document(params: CapitationFairnessParams, pkg: DataPackage) -> list[str]:
    """The inputs the document's printed tables rest on that this scenario changes (empty: the tables apply)."""
    out = []
    if params.rate.basis != "implied_by_tables":
        out.append(_("the capitation rate (reading '{basis}', not the one the tables use)", basis=params.rate.basis))
    if params.hourly_rate != pkg.figure("hourly_rate_2022"):
        out.append(
            _(
                "the hourly rate ({hourly_rate}, not the document's {figure})",
                hourly_rate=kr(params.hourly_rate),
                figure=kr(pkg.figure("hourly_rate_2022")),
            )
        )
    return out


def compared_with_default(r: CapitationFairness, default: CapitationFairness) -> pd.DataFrame:
    """Payment by provider in this scenario against the default scenario (kr/year), for scenarios whose inputs
    are not the document's."""
    now = r.totals.set_index("provider")
    base = default.totals.set_index("provider")
    out = pd.DataFrame(
        {
            "hourly_default": base.hourly_payment,
            "hourly_scenario": now.hourly_payment,
            "capitation_default": base.capitation_payment,
            "capitation_scenario": now.capitation_payment,
        }
    )
    out["capitation_difference"] = out.capitation_scenario - out.capitation_default
    return annotate(
        out.rename_axis("provider").reset_index(),
        {
            "hourly_default": ("kr/year", N_("hourly payment, default")),
            "hourly_scenario": ("kr/year", N_("hourly payment, this scenario")),
            "capitation_default": ("kr/year", N_("capitation, default")),
            "capitation_scenario": ("kr/year", N_("capitation, this scenario")),
            "capitation_difference": ("kr/year", N_("capitation, difference")),
        },
    )


def change_row(reproduction: pd.DataFrame) -> pd.DataFrame:
    """The document's row of changes (Förändring, kr/year per provider) against the model, from reproduce()."""
    rows = reproduction[reproduction.table == "change"]
    return annotate(rows.copy(), {c: ("kr", "") for c in ("printed", "computed", "difference", "tolerance")})


def printed_hourly_payment(pkg: DataPackage) -> pd.Series:
    """The document's hourly payment per provider-month (kr), as printed: computed by the document from unrounded
    hours, so it sums to the printed total (29 707 519 kr) where printed hours x 436 kr does not."""
    providers = pkg.table("providers").provider
    t = pkg.table("hourly_payment")
    t = t[(t.period != "2021") & t.provider.isin(providers)]
    return t.set_index(["period", "provider"]).hourly_payment.astype(float)


def printed_hourly_year(pkg: DataPackage) -> pd.Series:
    """The document's year row of hourly payment per provider (kr), as printed; it adds up to the printed total."""
    providers = pkg.table("providers").provider
    t = pkg.table("hourly_payment")
    t = t[(t.period == "2021") & t.provider.isin(providers)]
    return t.set_index("provider").hourly_payment.astype(float)


def with_hourly_payment(monthly: pd.DataFrame, payment: pd.Series) -> pd.DataFrame:
    """The provider-month comparison with the hourly payment replaced by given amounts (kr), the change recomputed."""
    out = monthly.copy()
    out["hourly_payment"] = payment.reindex(pd.MultiIndex.from_frame(out[["period", "provider"]])).fillna(0.0).to_numpy()
    out["change"] = out.capitation_payment - out.hourly_payment
    return out


@dataclass
class Paid:
    """Steps 1 to 5 of one scenario: the document's cells, the rate (kr/person-month), the provider-months and
    totals, and the person-months with every payment model's payment (kr)."""

    hours: pd.DataFrame
    persons: pd.DataFrame
    rates: pd.DataFrame
    rate: float
    monthly: pd.DataFrame
    totals: pd.DataFrame
    reference: float
    person_months: pd.DataFrame
    synthetic: bool
    calibration: pd.DataFrame
    weights: pd.DataFrame
    calibrated: pd.Series
    notes: list[str]
    execution_ratios: pd.Series  # by provider: the known ratio, else the assumed one (0-1)


def paid(params: CapitationFairnessParams, pkg: DataPackage) -> Paid:
    """Steps 1 to 5: what every payment model pays each person-month, without the measures of fit (step 6 on)."""
    p = params.hourly_rate
    hours, persons = document_cells(pkg)
    printed = printed_hourly_payment(pkg) if p == pkg.figure("hourly_rate_2022") else None
    hourly_total = float(printed_hourly_year(pkg).sum()) if printed is not None else float(hours.executed_hours.sum() * p)
    rates = rate_table(params, pkg, hourly_total, float(persons.persons.sum()))
    rate = float(rates.loc[rates.used, "rate"].iloc[0])
    recomputed = capitation.provider_comparison(hours, persons, p, rate)
    monthly = recomputed if printed is None else with_hourly_payment(recomputed, printed)
    provision = pkg.table("providers").set_index("provider").provision
    year = printed_hourly_year(pkg) if printed is not None else None
    totals, known, reference = provider_totals(params, monthly, provision, year)
    assumed = params.assumed_execution_ratio or reference
    ratios_all = pd.Series({pr: known.get(pr, assumed) for pr in provision.index})
    pm, synthetic, calibration = person_months(params, hours, persons, provision, ratios_all)
    pm = payments(pm, provision, p, rate)
    weights, calibrated, notes = risk_adjustment(params, pm, rate)
    return Paid(
        hours,
        persons,
        rates,
        rate,
        monthly,
        totals,
        reference,
        pm,
        synthetic,
        calibration,
        weights,
        calibrated,
        notes,
        ratios_all,
    )


def analyse(params: CapitationFairnessParams, pkg: DataPackage) -> CapitationFairness:
    """Run the whole question for one scenario: the document's tables (step 1), then the steps above."""
    p = params.hourly_rate
    steps = paid(params, pkg)
    hours, persons, rates, rate, monthly = steps.hours, steps.persons, steps.rates, steps.rate, steps.monthly
    totals, reference, pm, synthetic, calibration = (
        steps.totals,
        steps.reference,
        steps.person_months,
        steps.synthetic,
        steps.calibration,
    )
    weights, calibrated, notes = steps.weights, steps.calibrated, steps.notes
    fit, ratios = fit_measures(pm)
    incentive_table, ends = incentives(params, pm, rate, calibrated, weights.need_group)
    result = CapitationFairness(
        rate=rate,
        rates=rates,
        monthly=monthly,
        totals=totals,
        reproduction=reproduce(  # always with the document's inputs: does the model reproduce its tables?
            pkg,
            capitation.provider_comparison(
                hours, persons, pkg.figure("hourly_rate_2022"), float(rates.set_index("reading").rate["implied_by_tables"])
            ),
        ),
        decomposition=capitation.decompose_change(totals, p, rate, reference),
        reference_ratio=reference,
        person_months=pm,
        synthetic=synthetic,
        calibration=calibration,
        weights=weights,
        fit=fit,
        ratios=ratios,
        incentives=incentive_table,
        support_ends=ends,
        pilot=(r_pilot := pilot_table(params, monthly, p)),
        designs=(designs := design_table(params, totals, pm)),
        designs_within=capitation.designs_within_loss(designs, params.designs.max_loss_share),
        transition=transition_table(designs, params.designs.max_loss_share),
        phase_in=capitation.phase_in(designs, params.designs.proposed, params.designs.phase_in_years),
        clients=client_table(params, totals, steps.execution_ratios),
        split_fit=capitation.split_sample_fit(pm, "need_group", "hourly", params.population.seed),
        pilot_power=evaluation.pilot_power(
            pm, params.pilot.provider, params.pilot.persons, params.pilot.months, params.pilot.alpha, params.pilot.power
        ),
        administration=(admin := administration_table(params, designs)),
        volume=capitation.volume_projection(
            designs, admin, (growth := growth_per_year(params, pkg)), BASE_YEAR, params.volume.years
        ),
        growth_per_year=growth,
        comparison=evaluation.comparison_group(pm, params.pilot.provider, params.pilot.months),
        shadow_registration_cost=shadow_registration_cost(params, float(r_pilot.hours.iloc[0])),
        **adjusters(params, pm),
        notes=notes,
    )
    annotate_result(result, RESULT_COLUMNS)
    return result


#: The year of the document's tables, from which the volume is projected.
BASE_YEAR = 2021


def growth_per_year(params: CapitationFairnessParams, pkg: DataPackage) -> float:
    """The scenario's growth in clients a year, or where it gives none the persons table's: its total row from
    January to December 2021 (507 to 527 clients), a year (share)."""
    if params.volume.growth_per_year is not None:
        return params.volume.growth_per_year
    total = pkg.table("persons").query("provider == 'total' and period.str.len() == 7", engine="python").sort_values("period")
    first, last = total.iloc[0], total.iloc[-1]
    months = (int(last.period[:4]) - int(first.period[:4])) * 12 + int(last.period[5:7]) - int(first.period[5:7])
    return capitation.observed_growth(float(first.persons), float(last.persons), months)


def administration_table(params: CapitationFairnessParams, designs: pd.DataFrame) -> pd.DataFrame:
    """By design: the administrative cost against hourly payment (kr/year; carepay.capitation.administration)."""
    a = params.administration
    return capitation.administration(designs.design, a.posts, a.cost_per_post, a.audit_saving)


def shadow_registration_cost(params: CapitationFairnessParams, pilot_hours: float) -> float:
    """What registering the pilot's executed time alongside capitation costs (kr over the pilot): the share of the
    time it takes, at the provider's cost of an hour."""
    return pilot_hours * params.pilot.shadow_registration_share * params.cost_per_hour


def adjusters(params: CapitationFairnessParams, pm: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Adjusters that do not depend on hours, where the person-months carry them (carepay.capitation.ADJUSTERS):
    their fit against cost in sample and out of sample beside the need groups', and their predictive ratios by tenth
    of predicted cost. Empty tables when there are none."""
    have = [a for a in capitation.ADJUSTERS if a in pm.columns]
    if not have:
        return {"adjuster_fit": pd.DataFrame(), "adjuster_deciles": pd.DataFrame()}
    predicted = capitation.adjuster_payment(pm, pm, have, "hourly", float(pm.hourly.sum()))
    return {
        "adjuster_fit": capitation.adjuster_fit(pm, have, "hourly", "need_group", params.population.seed),
        "adjuster_deciles": capitation.ratios_by_decile(pm.hourly, predicted),
    }


def design_table(params: CapitationFairnessParams, totals: pd.DataFrame, pm: pd.DataFrame) -> pd.DataFrame:
    """Step 8: every payment design for every provider against hourly payment (carepay.capitation): the year's
    totals as the comparison above has them, and the hours above the stop-loss threshold from the person-months."""
    d = params.designs
    above = capitation.hours_above(pm, d.stop_loss_hours)
    return capitation.design_comparison(
        totals, above, params.hourly_rate, d.flat_share, d.corridor_band, d.corridor_provider_share, params.cost_per_hour
    )


def transition_table(designs: pd.DataFrame, max_loss_share: float) -> pd.DataFrame:
    """By design: how many providers lose more than the board accepts, which, and what a cap on any provider's
    yearly loss at that level costs the board on top of the design (kr/year; carepay.capitation.loss_cap)."""
    capped = capitation.loss_cap(designs, max_loss_share)
    rows = []
    for design, d in capped.groupby("design", sort=False):
        rows.append(
            {
                "design": design,
                "providers_beyond_limit": int(d.cap_binds.sum()),
                "beyond_limit": list(d.provider[d.cap_binds]),
                "cap_cost": float(d.cap_cost.sum()),
            }
        )
    return pd.DataFrame(rows)


def client_table(params: CapitationFairnessParams, totals: pd.DataFrame, ratios: pd.Series) -> pd.DataFrame:
    """Step 9: what clients stand to lose (carepay.capitation.client_hours): at the lowest execution ratio the
    document shows (section 4), and with the scenario's safeguard; providers without a known ratio at the assumed
    one (ratios: as paid() has them; ratio_assumed says which)."""
    known = totals.execution_ratio.notna()
    t = totals.assign(execution_ratio=totals.provider.map(ratios).to_numpy(float))
    lowest = float(totals.execution_ratio[known].min()) if known.any() else float(ratios.min())
    out = capitation.client_hours(t, lowest, params.designs.safeguard_share, params.cost_per_hour)
    out["ratio_assumed"] = ~known.to_numpy()
    out.attrs["lowest_ratio"] = lowest
    return out


def decision_table(r: CapitationFairness) -> pd.DataFrame:
    """The board's choice on one screen, one row per design: the largest loss of any provider (share of its hourly
    payment), how many lose more than the board accepts and what capping their loss costs (kr/year), what one more
    executed hour brings (kr/hour), whether providers still report time, and the cost to the board in the last year
    projected with administration, against hourly payment (kr/year)."""
    w = r.designs_within.set_index("design")
    t = r.transition.set_index("design")
    last = r.volume[r.volume.year == r.volume.year.max()].set_index("design")
    a = r.administration.set_index("design")
    order = list(dict.fromkeys(r.designs.design))
    out = pd.DataFrame(
        {
            "design": order,
            "worst_change_share": w.worst_change_share.reindex(order).to_numpy(),
            "providers_beyond_limit": t.providers_beyond_limit.reindex(order).to_numpy(),
            "cap_cost": t.cap_cost.reindex(order).to_numpy(),
            "revenue_one_more_hour": w.revenue_one_more_hour.reindex(order).to_numpy(),
            "records_time": a.records_time.reindex(order).to_numpy(),
            "total_last_year": last.total.reindex(order).to_numpy(),
            "versus_hourly_last_year": last.versus_hourly.reindex(order).to_numpy(),
        }
    )
    year = int(r.volume.year.max())
    return annotate(
        out,
        {
            "design": ("", ""),
            "worst_change_share": ("%", N_("largest loss of any provider")),
            "providers_beyond_limit": ("providers", N_("providers beyond the board's limit")),
            "cap_cost": ("kr/year", N_("cost of capping their loss")),
            "revenue_one_more_hour": ("kr/hour", N_("what one more executed hour brings")),
            "records_time": ("", N_("providers report time")),
            "total_last_year": ("kr/year", _("cost to the board in {year}, with administration", year=year)),
            "versus_hourly_last_year": ("kr/year", _("against hourly payment in {year}", year=year)),
        },
    )


def phase_in_by_year(phase: pd.DataFrame) -> pd.DataFrame:
    """The phase-in as one row per provider and a column per year: its change against hourly payment (share 0-1)."""
    wide = phase.pivot(index="provider", columns="year", values="change_share")
    wide.columns = [f"year {y}" for y in wide.columns]
    out = wide.reset_index()
    annotate(out, {c: ("%", "") for c in out.columns if c.startswith("year ")})
    return out


def pilot_table(params: CapitationFairnessParams, monthly: pd.DataFrame, hourly_rate: float) -> pd.DataFrame:
    """The pilot: capitation for its persons and months against hourly payment on the provider's 2021 pattern, and
    the provider's margin under each (payment minus executed hours at the provider's cost per hour, kr). Under
    capitation the provider is assumed to go on delivering its 2021 hours per person-month."""
    pl = params.pilot
    own = monthly[monthly.provider == pl.provider]
    if own.empty:
        raise ValueError(f"pilot: provider {pl.provider!r} has no activity in the tables")
    hours_per_pm = own.executed_hours.sum() / own.persons.sum()
    months = own.sort_values("period").tail(pl.months)
    pilot_pm, own_pm = pl.persons * pl.months, float(months.persons.sum())
    rate = number(pl.yearly_rate)
    rows = [
        (
            "capitation",
            _(
                "{persons} persons, {months} months, capitation at {rate} kr/year",
                persons=pl.persons,
                months=pl.months,
                rate=rate,
            ),
            pilot_pm,
            pilot_pm * hours_per_pm,
            pilot_pm * pl.yearly_rate / 12,
        ),
        (
            "hourly",
            _("{persons} persons at the provider's 2021 hours per person-month, hourly payment", persons=pl.persons),
            pilot_pm,
            pilot_pm * hours_per_pm,
            pilot_pm * hours_per_pm * hourly_rate,
        ),
        (
            "hourly",
            _("the provider's own last {months} months of 2021 as they were, hourly payment", months=pl.months),
            own_pm,
            float(months.executed_hours.sum()),
            float(months.executed_hours.sum()) * hourly_rate,
        ),
        (
            "capitation",
            _("the provider's own last {months} months of 2021, capitation at {rate} kr/year", months=pl.months, rate=rate),
            own_pm,
            float(months.executed_hours.sum()),
            own_pm * pl.yearly_rate / 12,
        ),
    ]
    out = pd.DataFrame(rows, columns=["model", "comparison", "person_months", "hours", "payment"])
    out["cost"] = out.hours * params.cost_per_hour
    out["margin"] = out.payment - out.cost
    out.attrs["hours_per_person_month"] = hours_per_pm
    out.attrs["all_providers_hours_per_person_month"] = float(monthly.executed_hours.sum() / monthly.persons.sum())
    return out


def wide_ratios(ratios: pd.DataFrame, target: str, value: str, need_order: list[str]) -> pd.DataFrame:
    """One row per group (providers, need groups in their order, provision), one column per model."""
    r = ratios[ratios.target == target]
    wide = r.pivot_table(index=["grouping", "group"], columns="model", values=value, sort=False)
    months = r.drop_duplicates(["grouping", "group"]).set_index(["grouping", "group"]).person_months
    wide.insert(0, "person_months", months.reindex(wide.index))
    order = {"provider": 0, "need_group": 1, "provision": 2}
    rank = [(order.get(g, 9), need_order.index(x) if g == "need_group" and x in need_order else 0, x) for g, x in wide.index]
    wide = wide.iloc[sorted(range(len(wide)), key=lambda i: rank[i])]
    models = ["hourly", N_("flat capitation"), "risk-adjusted", "fairness-constrained"]
    cols = [c for c in ["person_months", *models] if c in wide.columns]
    unit = "kr" if value == "net_compensation" else ""  # predictive ratios have none
    return annotate(wide[cols].reset_index(), {"person_months": ("person-months", ""), **{m: (unit, "") for m in models}})


def check_inputs(params: CapitationFairnessParams) -> None:
    """What `carepay params` can check before a kernel starts: the analyst's extract, read and validated."""
    if params.population.source != "extract":
        return
    from carepay.sources import load

    pkg = load(PACKAGE)
    hours, _rest = document_cells(pkg)
    providers = pkg.table("providers").provider
    population.read_person_months(params.population.extract_file, providers, sorted(hours.period.unique()))


def no_loser_rates(totals: pd.DataFrame) -> pd.DataFrame:
    """For each provider, the capitation rate (kr/person-month) at which it is paid what hourly payment paid it
    (its hourly payment per person-month), and the budget (kr/year) that rate gives all providers' person-months;
    largest first: the first row's rate is the one at which no provider loses."""
    pm = float(totals.person_months.sum())
    out = totals[["provider", "person_months", "hourly_payment"]].copy()
    out["break_even_rate"] = out.hourly_payment / out.person_months
    out["budget"] = out.break_even_rate * pm
    out = out.sort_values("break_even_rate", ascending=False, kind="stable").reset_index(drop=True)
    out.attrs["units"] = {
        "person_months": "person-months",
        "hourly_payment": "kr/year",
        "break_even_rate": "kr/person-month",
        "budget": "kr/year",
    }
    return out


def change_by_rate(totals: pd.DataFrame, rates: list[float]) -> pd.DataFrame:
    """Each provider's change against hourly payment (kr/year) at each capitation rate (kr/person-month): linear in
    the rate, zero at its break-even rate. Long format: provider, rate, change."""
    rows = [
        {"provider": t.provider, "rate": rate, "change": t.person_months * rate - t.hourly_payment}
        for t in totals.itertuples()
        for rate in rates
    ]
    return pd.DataFrame(rows)
