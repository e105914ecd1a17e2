"""The provider payment question (Örebro 7.4.2; Leksand–Rättvik 5.2-5.5): from a scenario to the report's tables.

Rules are in carepay.payment; the synthetic clients in carepay.population.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from carepay import home_care, payment
from carepay.formats import mnkr
from carepay.i18n import N_, _, term
from carepay.provider_payment.params import ProviderPaymentParams
from carepay.sources import DataPackage
from carepay.units import Columns, annotate_result

OREBRO = "orebro_home_care_2018"
LEKSAND = "leksand_rattvik_home_care_2010"
#: The price year of the Örebro document's amounts (2018).
OREBRO_YEAR = 2018
BASIS_NAMES = {
    "executed_hours": N_("per executed hour"),
    "granted_hours": N_("per granted hour"),
    "level_month": N_("per level and month"),
    "capitation": N_("per person and month"),
}


@dataclass
class ProviderPayment:
    hourly_rate: float
    in_house_share: float
    person_months: pd.DataFrame
    synthetic: bool
    calibration: pd.DataFrame
    document_figures: pd.DataFrame
    levels: pd.DataFrame
    amounts: pd.Series  # the level amounts this scenario pays, kr/month by level
    bases: pd.DataFrame  # per basis (and provision): executed hours, payment, per executed hour
    guarantee: pd.DataFrame
    premium: pd.DataFrame
    economics: pd.DataFrame
    break_even_curve: pd.DataFrame
    incentives: pd.DataFrame
    leksand: pd.DataFrame  # Leksand–Rättvik's own question, per reading (leksand_question)
    adaptation: pd.DataFrame  # the in-house result month by month through the adaptation year
    proposed_rate: float  # the proposed payment per hour in 2018 prices (kr/hour)
    level_creep: pd.DataFrame  # paid per level and month: clients moving up a level, and a level drop's loss
    rehabilitation: pd.DataFrame  # paid per level and month: a level drop's loss against a prevention premium
    provision_change: pd.DataFrame  # paid per level and month: each provision's change, over the in-house share's range
    notes: list[str] = field(default_factory=list)


def hourly_rate(params: ProviderPaymentParams, orebro: DataPackage) -> float:
    """Today's payment per executed hour (kr): the scenario's hourly_cost, a reading of payment.orebro_hourly_costs."""
    return payment.hourly_cost(orebro, params.hourly_cost)


def in_house_share(orebro: DataPackage) -> float:
    """Share of granted time with in-house providers that makes 56 % and 76 % average to about 60 % (7.4.2)."""
    return home_care.in_house_share_of_granted(orebro)


def economics(params: ProviderPaymentParams, orebro: DataPackage) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Staff cost behind 375 kr with 25 % indirect time (both readings), and what 482 kr and 38 % imply."""
    s = params.staff
    rows, points = [], []
    for reading in ("on_top", "of_total"):
        share = payment.client_share_from_indirect(s.indirect_time, reading)
        staff_cost = s.price * share
        implied = payment.implied_client_share(s.own_cost, staff_cost)
        at_38 = float(payment.cost_per_executed_hour(staff_cost, orebro.figure("client_time_share_granted_payment")))
        rows.append(
            {
                "reading": reading,
                "chosen": reading == s.reading,
                "client_time_share_at_price": share,
                "staff_cost_per_hour": staff_cost,
                "client_share_implied_by_own_cost": implied,
                "cost_per_executed_hour_at_38_percent": at_38,
            }
        )
        if reading == s.reading:
            points = [
                (N_("Leksand–Rättvik price 2011"), share, s.price),
                (N_("Leksand–Rättvik own cost 2010"), implied, s.own_cost),
                (
                    N_("Örebro when granted time was paid (38 % at the client)"),
                    orebro.figure("client_time_share_granted_payment"),
                    at_38,
                ),
            ]
            shares = np.round(np.arange(0.30, 0.951, 0.01), 2)
            curve = pd.DataFrame(
                {
                    "client_time_share": shares,
                    "break_even_price": payment.cost_per_executed_hour(staff_cost, shares),
                    "what": N_("break-even price"),
                }
            )
    marks = pd.DataFrame(points, columns=["what", "client_time_share", "break_even_price"])
    return pd.DataFrame(rows), pd.concat([curve, marks], ignore_index=True)


def _clients(
    params: ProviderPaymentParams, orebro: DataPackage, execution_ratio: float | None = None
) -> tuple[pd.DataFrame, bool]:
    """Step 1: the Örebro home-care population (carepay.home_care, the same as the fee question's) with each
    person-month's level: the extract's, or the band of its granted hours (level_boundaries: lower bounds of levels
    1-9). Persons with no granted hours (a safety alarm only) are not paid for by any basis and are left out.
    execution_ratio: the overall ratio the synthetic in-house share is inferred from (the report's where None)."""
    df = home_care.person_months(
        params.population,
        orebro,
        "provider_payment",
        OREBRO_YEAR,
        extension_margin=params.extension_margin,
        execution_ratio=execution_ratio,
    )
    df = df[df.granted_hours > 0].reset_index(drop=True)
    if "level" in df.columns:
        df["level"] = df.level.astype(str)
    else:
        df["level"] = payment.levels_of(df.granted_hours, params.level_boundaries)
    return df, bool(df.synthetic.iloc[0]) if len(df) else False


def calibration_tables(orebro: DataPackage, df: pd.DataFrame, rate: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Step 2: the population against the report's aggregates, and the report's own figures recomputed (kr/year)."""
    total_today = float(df.payment_today.sum())
    granted, executed = float(df.granted_hours.sum()), float(df.executed_hours.sum())
    calibration = pd.DataFrame(
        [
            {"target": "clients", "document": orebro.figure("individuals"), "population": df.person_id.nunique()},
            {"target": N_("executed hours a year"), "document": orebro.figure("executed_hours_year"), "population": executed},
            {
                "target": N_("execution ratio (executed / granted)"),
                "document": orebro.figure("execution_ratio"),
                "population": executed / granted,
            },
            {
                "target": N_("payment today at the hourly rate (kr/year)"),
                "document": orebro.figure("payment_total"),
                "population": total_today,
            },
        ]
    )
    pt, e_all = orebro.figure("payment_total"), orebro.figure("execution_ratio")
    document_figures = pd.DataFrame(
        [
            {
                "figure": N_("payment if 100 % of granted time were paid, extra (kr/year)"),
                "printed": orebro.figure("extra_cost_full_granted"),
                "from_the_report_s_numbers": pt / e_all - pt,
                "from_the_population": rate * granted - total_today,
            },
            {
                "figure": N_("payment per level and month, total (kr/year)"),
                "printed": pt,
                "from_the_report_s_numbers": pt,
                "from_the_population": np.nan,
            },
        ]
    )
    return calibration, document_figures


def level_amounts(
    params: ProviderPaymentParams, orebro: DataPackage, df: pd.DataFrame, rate: float
) -> tuple[pd.DataFrame, pd.Series]:
    """Step 3: level amounts (kr/month), printed against calibrated to keep today's total; and the ones this scenario pays."""
    granted, executed = float(df.granted_hours.sum()), float(df.executed_hours.sum())
    by_level = df.groupby("level").agg(person_months=("granted_hours", "size"), granted=("granted_hours", "sum"))
    by_level.index = by_level.index.astype(str)
    cal = payment.calibrate_level_amounts(
        by_level.granted, by_level.person_months, rate, executed / granted, params.payment_total, months=1
    )
    printed = orebro.table("level_amounts_proposed").set_index("support_level").amount
    levels = cal.reset_index().rename(columns={"index": "level", "persons": "person_months"})
    levels["printed_amount"] = levels.level.map(printed)
    levels["lower_bound_hours"] = [params.level_boundaries[int(lv) - 1] for lv in levels.level]
    levels["calibrated_over_printed"] = levels.amount / levels.printed_amount
    amounts = printed.dropna().astype(float) if params.level_amounts == "document" else cal.amount
    amounts.index = amounts.index.astype(str)
    return levels, amounts


def proposed_rate(params: ProviderPaymentParams, rate: float) -> float:
    """The proposed payment per hour in Örebro's 2018 prices (kr/hour): today's rate where the scenario sets none; a
    rate of another year carried to 2018 at staff.price_growth_per_year (carepay.payment.indexed)."""
    if params.proposed_hourly_rate is None:
        return rate
    year = params.proposed_rate_year
    if year is None or year == OREBRO_YEAR:
        return float(params.proposed_hourly_rate)
    return payment.indexed(float(params.proposed_hourly_rate), params.staff.price_growth_per_year, year, OREBRO_YEAR)


def leksand_question(params: ProviderPaymentParams) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Leksand–Rättvik's own question (5.2-5.5): what may a home-care hour cost under free choice? Per reading of
    'utförandegrad' and of the indirect time: the in-house staff cost of a working hour, the share of time at the
    client at which 375 kr covers it, the price the in-house cost implies once the indirect time is priced in, and
    the margin 375 kr leaves (kr/hour); and, month by month through the adaptation year, the in-house result per
    1 000 executed hours as its share at the client rises to the priced one (staff-time reading, the scenario's
    reading of the indirect time). Under the granted-time reading the gap is the same every month."""
    s = params.staff
    staff_cost = payment.in_house_staff_cost(s.own_cost, s.own_cost_client_share)
    rows = []
    for reading in ("on_top", "of_total"):
        share = payment.client_share_from_indirect(s.indirect_time, reading)
        implied = payment.price_covering(staff_cost, share)
        rows.append(
            {
                "reading": _("share of staff time; indirect time {replace}", replace=term(reading.replace("_", " "))),
                "chosen": reading == s.reading,
                "staff_cost_per_hour": staff_cost,
                "break_even_client_share": payment.implied_client_share(s.price, staff_cost),
                "priced_client_share": share,
                "price_at_priced_share": implied,
                "margin_at_price": s.price - implied,
                "margin_share": (s.price - implied) / s.price,
            }
        )
    rows.append(
        {
            "reading": N_("share of granted time (as in Örebro and Västerås)"),
            "chosen": False,
            "staff_cost_per_hour": np.nan,
            "break_even_client_share": np.nan,
            "priced_client_share": np.nan,
            "price_at_priced_share": s.own_cost,
            "margin_at_price": s.price - s.own_cost,
            "margin_share": (s.price - s.own_cost) / s.price,
        }
    )
    target = payment.client_share_from_indirect(s.indirect_time, s.reading)
    months = payment.adaptation_year(staff_cost, s.own_cost_client_share, target, s.price)
    months["granted_time_reading"] = 1000 * (s.price - s.own_cost)
    return pd.DataFrame(rows), months


def bases_compared(
    params: ProviderPaymentParams, df: pd.DataFrame, rate: float, amounts: pd.Series
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Step 4: each payment basis with its execution ratios: executed hours, payment (kr/year) and change against
    today (today's executed hours at today's hourly rate), by provision and in all; and what the guaranteed-execution
    rule saves under each, at no provider response (a deduction), the scenario's guaranteed_response and full
    response (every client-month brought up to the minimum): the payment, the saving and the hours added (kr/year,
    hours/year). Hours are paid at the proposed hourly rate where the scenario sets one."""
    granted = float(df.granted_hours.sum())
    today = df.groupby("provision").payment_today.sum()
    today["all"] = today.sum()
    proposed = proposed_rate(params, rate)
    cap_rate = params.payment_total / len(df)
    rows, guarantee = [], []
    base_ratio = df.provision.map(
        {"in_house": params.execution["executed_hours"].in_house, "external": params.execution["executed_hours"].external}
    )
    for basis, ratios in params.execution.items():
        r_now = df.provision.map({"in_house": ratios.in_house, "external": ratios.external})
        exec_b = df.executed_hours * r_now / base_ratio
        frame = df.assign(executed_hours=exec_b)
        pay = payment.revenue(frame, basis, hourly_rate=proposed, level_amounts=amounts, capitation_rate=cap_rate)
        if params.guaranteed_share is not None and basis != "executed_hours":
            share = params.guaranteed_share
            for response in sorted({0.0, params.guaranteed_response, 1.0}):
                exec_r = payment.guaranteed_response(exec_b, df.granted_hours, share, response)
                guaranteed = payment.guaranteed_execution(pay, exec_r, df.granted_hours, share)
                guarantee.append(
                    {
                        "basis": basis,
                        "response": response,
                        "chosen": response == params.guaranteed_response,
                        "payment_without_rule": pay.sum(),
                        "payment_with_rule": guaranteed.sum(),
                        "saving": pay.sum() - guaranteed.sum(),
                        "hours_added": float((exec_r - exec_b).sum()),
                        "person_months_below_minimum": float((exec_r < share * df.granted_hours - 1e-9).mean()),
                    }
                )
                if response == params.guaranteed_response:
                    pay_chosen, exec_chosen = guaranteed, exec_r
            pay = pay_chosen
            frame = frame.assign(executed_hours=exec_chosen)
        for prov, part in frame.assign(pay=pay).groupby("provision"):
            rows.append(
                {
                    "basis": basis,
                    "provision": prov,
                    "executed_hours": part.executed_hours.sum(),
                    "execution_ratio": part.executed_hours.sum() / part.granted_hours.sum(),
                    "payment": part.pay.sum(),
                }
            )
    bases = pd.DataFrame(rows)
    tot = bases.groupby("basis", sort=False)[["executed_hours", "payment"]].sum().reset_index().assign(provision="all")
    tot["execution_ratio"] = tot.executed_hours / granted
    bases = pd.concat([bases, tot], ignore_index=True)
    bases["payment_per_executed_hour"] = bases.payment / bases.executed_hours
    bases["change_vs_today"] = bases.payment - bases.provision.map(today)
    bases["chosen"] = bases.basis == params.basis
    return bases, pd.DataFrame(guarantee)


def provision_range(
    params: ProviderPaymentParams, orebro: DataPackage, rate: float, bases: pd.DataFrame, df: pd.DataFrame
) -> pd.DataFrame:
    """Paid per level and month, each provision type's payment change against today (kr/year) with its range: the
    report gives no in-house share; it is inferred from the overall execution ratio (home_care.in_house_share_of_
    granted), so the population is drawn again at the low and high ends of overall_execution_range, the level amounts
    calibrated again to keep today's total, and the change computed at each. An extract gives the provision: no range."""
    central = bases[bases.basis == "level_month"].set_index("provision")
    out = pd.DataFrame(
        {
            "provision": central.index,
            "payment_today": (central.payment - central.change_vs_today).to_numpy(),
            "change": central.change_vs_today.to_numpy(),
        }
    )
    granted = df.groupby("provision").granted_hours.sum()
    out["share_of_granted"] = out.provision.map(granted / granted.sum()).fillna(1.0).to_numpy()
    if params.population.source == "extract":
        out["change_low"], out["change_high"] = np.nan, np.nan
        return out
    ends = []
    for ratio in params.overall_execution_range:
        df, _rest = _clients(params, orebro, ratio)
        df["payment_today"] = payment.revenue(df, "executed_hours", hourly_rate=rate)
        _unrounded, amounts = level_amounts(params, orebro, df, rate)
        b, _rest = bases_compared(params, df, rate, amounts)
        ends.append(b[b.basis == "level_month"].set_index("provision").change_vs_today.reindex(out.provision).to_numpy())
    out["change_low"] = np.minimum(ends[0], ends[1])
    out["change_high"] = np.maximum(ends[0], ends[1])
    out.attrs["execution_range"] = list(params.overall_execution_range)
    out.attrs["in_house_share_range"] = sorted(
        home_care.in_house_share_of_granted(orebro, e) for e in params.overall_execution_range
    )
    return out


def premiums(params: ProviderPaymentParams, orebro: DataPackage, bases: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Step 5: the expected cost of outcome premiums (kr/year) on the chosen basis, by provision."""
    if params.premium is None:
        return pd.DataFrame(), []
    pr = params.premium
    base = bases[(bases.basis == params.basis) & (bases.provision != "all")].set_index("provision").payment
    rows = []
    for name, share, goal in (
        ("prevention", pr.prevention_share, pr.prevention_goal_share),
        ("quality", pr.quality_share, pr.quality_goal_share),
    ):
        for prov, b in base.items():
            rows.append(
                {
                    "premium": name,
                    "provision": prov,
                    "share_of_base": share,
                    "goal_share": goal,
                    "expected_cost": float(payment.premium(b, share, goal)),
                    "share_of_total_payment": share * goal,
                }
            )
    pilot_base = orebro.figure("payment_total")
    note = _(
        "On the report's 300 mnkr, the pilot's premiums would cost about {pilot_base} a year (the report: 'cirka 4 miljoner i tillskott').",
        pilot_base=mnkr(pilot_base * (pr.prevention_share * pr.prevention_goal_share + pr.quality_share * pr.quality_goal_share)),
    )
    return pd.DataFrame(rows), [note]


#: The unit and readable label of every column of the tables the report shows (carepay.units).
RESULT_COLUMNS: dict[str, Columns] = {
    "rehabilitation": {
        "drop_loss_per_year": ("kr/year", N_("a provider's loss when a client drops to the level below")),
        "premium_per_year": ("kr/year", N_("prevention premium for it")),
        "net_per_year": ("kr/year", N_("left to the provider")),
    },
    "provision_change": {
        "payment_today": ("kr/year", N_("payment today")),
        "change": ("kr/year", N_("change paid per level and month")),
        "change_low": ("kr/year", N_("low end")),
        "change_high": ("kr/year", N_("high end")),
        "share_of_granted": ("%", N_("share of granted hours")),
    },
    "level_creep": {
        "person_months": ("person-months", ""),
        "step_up": ("kr/month", N_("one level up")),
        "creep_cost": ("kr/year", N_("cost of the share moving up")),
        "drop_loss_per_year": ("kr/year", N_("a provider's loss when a client drops a level")),
    },
    "leksand": {
        "staff_cost_per_hour": ("kr/hour", N_("in-house cost of a working hour")),
        "break_even_client_share": ("%", N_("time at the client at which the price covers it")),
        "priced_client_share": ("%", N_("time at the client the price assumes")),
        "price_at_priced_share": ("kr/hour", N_("price the in-house cost implies")),
        "margin_at_price": ("kr/hour", N_("margin the price leaves")),
        "margin_share": ("%", N_("as a share of the price")),
    },
    "adaptation": {
        "month": ("", ""),
        "client_time_share": ("%", N_("time at the client")),
        "cost_per_executed_hour": ("kr/hour", N_("in-house cost per executed hour")),
        "margin_per_executed_hour": ("kr/hour", N_("margin at the price")),
        "result_per_1000_hours": ("kr/month", N_("result per 1 000 executed hours")),
        "granted_time_reading": ("kr/month", N_("the same, granted-time reading")),
    },
    "incentives": {
        "one_more_executed_hour": ("", N_("one more executed hour brings")),
        "one_more_client": ("", N_("one more client brings")),
        "pushes_executed_time": ("", N_("pushes executed time")),
    },
    "economics": {
        "client_time_share_at_price": ("%", N_("time at the client in the 375 kr price")),
        "staff_cost_per_hour": ("kr/hour", ""),
        "client_share_implied_by_own_cost": ("%", N_("time at the client that 482 kr implies")),
        "cost_per_executed_hour_at_38_percent": ("kr/hour", N_("break-even price at 38 % (Örebro, granted-time era)")),
    },
    "document_figures": {
        "printed": ("kr/year", ""),
        "from_the_report_s_numbers": ("kr/year", N_("from the report's own numbers")),
        "from_the_population": ("kr/year", ""),
    },
    "levels": {
        "lower_bound_hours": ("hours/month", ""),
        "person_months": ("person-months", ""),
        "mean_granted_hours": ("hours/month", ""),
        "amount": ("kr/month", N_("calibrated amount")),
        "raw_amount": ("kr/month", N_("calibrated amount before rounding")),
        "printed_amount": ("kr/month", N_("printed amount")),
        "calibrated_over_printed": ("", N_("calibrated ÷ printed")),
    },
    "bases": {
        "execution_ratio": ("%", ""),
        "executed_hours": ("hours/year", ""),
        "payment": ("kr/year", ""),
        "payment_per_executed_hour": ("kr/hour", ""),
        "change_vs_today": ("kr/year", ""),
    },
    "guarantee": {
        "response": ("%", N_("share of the gap providers close")),
        "hours_added": ("hours/year", N_("hours delivered to reach the minimum")),
        "payment_without_rule": ("kr/year", ""),
        "payment_with_rule": ("kr/year", ""),
        "saving": ("kr/year", ""),
        "person_months_below_minimum": ("%", ""),
    },
    "premium": {
        "share_of_base": ("%", ""),
        "goal_share": ("%", ""),
        "expected_cost": ("kr/year", ""),
        "share_of_total_payment": ("%", ""),
    },
}


def prevention_share(params: ProviderPaymentParams, orebro: DataPackage) -> float:
    """The prevention premium as a share of the base payment: the scenario's, else the report's pilot's (3 %, 5.1.4)."""
    return params.premium.prevention_share if params.premium is not None else orebro.figure("prevention_premium_share")


def analyse(params: ProviderPaymentParams, orebro: DataPackage) -> ProviderPayment:
    """Run the whole question for one scenario: clients and today's payment (step 1), then the steps above."""
    rate = hourly_rate(params, orebro)
    df, synthetic = _clients(params, orebro)
    df["payment_today"] = payment.revenue(df, "executed_hours", hourly_rate=rate)
    calibration, document_figures = calibration_tables(orebro, df, rate)
    levels, amounts = level_amounts(params, orebro, df, rate)
    document_figures.loc[1, "from_the_population"] = float(payment.per_level_month(df.level, amounts).sum())
    bases, guarantee = bases_compared(params, df, rate, amounts)
    prem, notes = premiums(params, orebro, bases)
    econ, curve = economics(params, orebro)
    result = ProviderPayment(
        hourly_rate=rate,
        in_house_share=in_house_share(orebro),
        person_months=df,
        synthetic=synthetic,
        calibration=calibration,
        document_figures=document_figures,
        levels=levels,
        amounts=amounts,
        bases=bases,
        guarantee=guarantee,
        premium=prem,
        economics=econ,
        break_even_curve=curve,
        incentives=payment.incentive_table(),
        leksand=(leksand := leksand_question(params))[0],
        adaptation=leksand[1],
        proposed_rate=proposed_rate(params, rate),
        level_creep=(creep := payment.level_creep(df.level, amounts, params.level_creep_share)),
        rehabilitation=payment.drop_against_premium(creep, amounts, prevention_share(params, orebro)),
        provision_change=provision_range(params, orebro, rate, bases, df),
        notes=notes,
    )
    annotate_result(result, RESULT_COLUMNS)
    return result


def check_inputs(params: ProviderPaymentParams) -> None:
    """What `carepay params` can check before a kernel starts: the analyst's extract, read and validated."""
    if params.population.source != "extract":
        return
    from carepay.sources import load

    _clients(params, load(OREBRO))
