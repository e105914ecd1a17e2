"""Cross-checks of the Västerås document (data/vasteras_housing_support_2022): the identities its four monthly tables imply."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from carepay.checks import Row, approx_tolerance, compare, rounding_tolerance
from carepay.i18n import N_, _
from carepay.sources import DataPackage

# --- Västerås: four monthly tables by provider -------------------------------------------

VASTERAS_TABLES = {"executed_hours": "hours", "hourly_payment": "kr", "persons": "persons", "capitation_payment": "kr"}


def _vasteras_wide(pkg: DataPackage, name: str) -> pd.DataFrame:
    t = pkg.table(name)
    return t.pivot(index="period", columns="provider", values=name)


def vasteras_subtotals(pkg: DataPackage, _corrected: bool) -> Iterator[Row]:
    providers = pkg.table("providers")
    groups = {
        "in_house_total": providers.loc[providers.provision == "in_house", "provider"].tolist(),
        "external_total": providers.loc[providers.provision == "external", "provider"].tolist(),
        "total": ["in_house_total", "external_total"],
    }
    for name, unit in VASTERAS_TABLES.items():
        wide = _vasteras_wide(pkg, name)
        for period, row in wide.iterrows():
            if name == "persons" and period == "2021":
                continue  # the year row holds means; checked by vasteras_year_rows
            for subtotal, parts in groups.items():
                present = [p for p in parts if not pd.isna(row.get(p))]
                tol = 0 if name == "persons" else rounding_tolerance(len(present))
                yield compare(
                    "vasteras.subtotal",
                    name,
                    f"{period} {subtotal}",
                    row[subtotal],
                    row[present].sum(),
                    tol,
                    unit,
                    _("{subtotal} = sum of {join}", subtotal=subtotal, join=", ".join(parts)),
                )


def vasteras_year_rows(pkg: DataPackage, _corrected: bool) -> Iterator[Row]:
    for name, unit in VASTERAS_TABLES.items():
        wide = _vasteras_wide(pkg, name)
        months = wide.drop(index="2021")
        for provider in wide.columns:
            values = months[provider].dropna()
            printed = wide.loc["2021", provider]
            if name == "persons":
                yield compare(
                    "vasteras.year_mean",
                    name,
                    f"2021 {provider}",
                    printed,
                    values.mean(),
                    0.5,
                    unit,
                    N_("year row (Medelv) = mean over the months with persons, rounded"),
                )
            else:
                yield compare(
                    "vasteras.year_sum",
                    name,
                    f"2021 {provider}",
                    printed,
                    values.sum(),
                    rounding_tolerance(len(values)),
                    unit,
                    N_("year row = sum of the months"),
                )


#: How each table's year row is labelled as printed: Totalt (sum) or Medelv (mean).
VASTERAS_YEAR_LABELS = {
    "executed_hours": "Totalt 2021",
    "hourly_payment": "Totalt 2021",
    "persons": "Medelv 2021",
    "capitation_payment": "Medelv 2021",
}


def vasteras_year_labels(pkg: DataPackage, _corrected: bool) -> Iterator[Row]:
    """The year row of the grand-total column holds what its label says (a sum or a mean of the months)."""
    for name, label in VASTERAS_YEAR_LABELS.items():
        wide = _vasteras_wide(pkg, name)
        months = wide.drop(index="2021")["total"]
        is_mean = label.startswith("Medelv")
        computed = months.mean() if is_mean else months.sum()
        tol = 0.5 if is_mean else rounding_tolerance(len(months))
        yield compare(
            "vasteras.year_label",
            name,
            "2021 total",
            wide.loc["2021", "total"],
            computed,
            tol,
            VASTERAS_TABLES[name],
            _(
                "the year row, labelled '{label}', is the {text} of the months",
                label=label,
                text=_("mean") if is_mean else _("sum"),
            ),
        )


def vasteras_hourly_price(pkg: DataPackage, _corrected: bool) -> Iterator[Row]:
    rate = pkg.figure("hourly_rate_2022")
    hours = pkg.table("executed_hours").set_index(["period", "provider"])["executed_hours"]
    paid = pkg.table("hourly_payment").set_index(["period", "provider"])["hourly_payment"]
    for key, value in paid.items():
        yield compare(
            "vasteras.hours_x_rate",
            "hourly_payment",
            " ".join(key),
            value,
            hours[key] * rate,
            rounding_tolerance(0, step=1) + 0.5 * rate,
            "kr",
            _("payment = executed hours x {rate:.0f} kr (hours printed rounded: +-0.5 h)", rate=rate),
        )


def vasteras_implied_capitation_rate(pkg: DataPackage) -> float:
    """Capitation rate (kr per person-month) the capitation table implies: its total over all person-months."""
    cap = pkg.table("capitation_payment")
    persons = pkg.table("persons")
    months = persons[(persons.period != "2021") & (persons.provider == "total")]
    return float(
        cap.loc[(cap.period == "2021") & (cap.provider == "total"), "capitation_payment"].iloc[0] / months["persons"].sum()
    )


def vasteras_capitation(pkg: DataPackage, _corrected: bool) -> Iterator[Row]:
    rate = vasteras_implied_capitation_rate(pkg)
    persons = pkg.table("persons").set_index(["period", "provider"])["persons"]
    cap = pkg.table("capitation_payment")
    for r in cap[cap.period != "2021"].itertuples():
        n = persons[(r.period, r.provider)]
        yield compare(
            "vasteras.persons_x_rate",
            "capitation_payment",
            f"{r.period} {r.provider}",
            r.capitation_payment,
            n * rate,
            1.0,
            "kr",
            _("capitation = persons x one rate for all cells ({rate:,.2f} kr/person-month)", rate=rate),
        )
    # the rate against the text: budget / (persons x 12) and the stated ~56 000 / ~4 600
    budget, people = pkg.figure("budget_2022"), pkg.figure("persons")
    text_rate = budget / (people * 12)
    yield compare(
        "vasteras.rate_vs_budget",
        "capitation_payment",
        N_("rate per person-month"),
        text_rate,
        rate,
        0.5,
        "kr/month",
        _(
            "rate implied by the tables = budget {budget:,.0f} kr / ({people:.0f} persons x 12 months)",
            budget=budget,
            people=people,
        ),
    )
    for fig, factor in (("capitation_per_person_year", 12), ("capitation_per_person_month", 1)):
        stated = pkg.figure(fig)
        yield compare(
            "vasteras.rate_vs_text",
            "figures",
            fig,
            stated,
            rate * factor,
            approx_tolerance(stated),
            "kr",
            _("the tables' rate x {factor} against the text's 'ca {stated:,.0f}'", factor=factor, stated=stated),
        )


def vasteras_change_row(pkg: DataPackage, _corrected: bool) -> Iterator[Row]:
    cap = pkg.table("capitation_payment").query("period == '2021'").set_index("provider")["capitation_payment"]
    paid = pkg.table("hourly_payment").query("period == '2021'").set_index("provider")["hourly_payment"]
    for r in pkg.table("change").itertuples():
        yield compare(
            "vasteras.change",
            "change",
            r.provider,
            r.change_kr,
            cap[r.provider] - paid[r.provider],
            rounding_tolerance(2),
            "kr",
            N_("change = capitation year - hourly payment year"),
        )


#: The checks of each data package this question uses (run by carepay.checks.run_checks).
CHECKS = {
    "vasteras_housing_support_2022": [
        vasteras_subtotals,
        vasteras_year_rows,
        vasteras_year_labels,
        vasteras_hourly_price,
        vasteras_capitation,
        vasteras_change_row,
    ],
}
