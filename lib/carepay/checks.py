"""Cross-checks: every identity the source tables imply, with explicit tolerances.

Each check compares a printed figure with the figure computed from other printed
figures (a row total with the sum of its cells, persons x standard amount with a
printed cost, ...). The tolerance is the rounding of the printed figures involved:
a figure printed to whole kronor is within 0.5 kr of the true value, so a printed
total of n printed terms may differ from their sum by up to 0.5 x (n + 1).

Checks run on two readings of each package: as printed, and with the package's
corrections.csv applied. A discrepancy is "known" when the package's
known_discrepancies.csv lists it (check id, cell and reading), "new" otherwise.
``run_checks`` returns one row per comparison; ``carepay check-data`` prints the
discrepancies and fails only on new ones.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import pandas as pd

from carepay.sources import DataPackage

COLUMNS = ["package", "check", "table", "cell", "printed", "computed", "difference", "tolerance",
           "unit", "relation", "reading", "status", "explanation", "description"]

Row = dict
CheckFunction = Callable[[DataPackage, bool], Iterator[Row]]
REGISTRY: dict[str, list[CheckFunction]] = {}


def check(package: str):
    """Register a check function for a data package."""
    def register(fn: CheckFunction) -> CheckFunction:
        REGISTRY.setdefault(package, []).append(fn)
        return fn
    return register


def compare(check_id: str, table: str, cell: str, printed: float, computed: float, tolerance: float,
            unit: str, description: str, relation: str = "equal") -> Row:
    """One comparison. relation: 'equal' (|printed - computed| <= tolerance), 'at_least'
    (computed >= printed - tolerance) or 'below' (computed < printed)."""
    diff = computed - printed
    if relation == "equal":
        ok = abs(diff) <= tolerance + 1e-9
    elif relation == "at_least":
        ok = diff >= -tolerance - 1e-9
    elif relation == "below":
        ok = diff < 0
    else:
        raise ValueError(f"unknown relation {relation!r}")
    return {"check": check_id, "table": table, "cell": cell, "printed": float(printed), "computed": float(computed),
            "difference": float(diff), "tolerance": float(tolerance), "unit": unit, "relation": relation,
            "ok": bool(ok), "description": description}


def rounding_tolerance(n_terms: int, step: float = 1.0) -> float:
    """Largest honest gap between a printed total and the sum of n printed terms,
    all rounded to `step`: half a step for each term and for the total."""
    return 0.5 * step * (n_terms + 1)


def approx_tolerance(value: float) -> float:
    """Tolerance for a figure printed as 'about X': one unit of its last non-zero digit
    (ca 4 600 -> 100, ca 56 000 -> 1 000, 0.6 -> 0.1)."""
    if value == 0:
        return 0.0
    digits = f"{abs(value):.6f}".rstrip("0").rstrip(".")
    if "." in digits:
        return 10.0 ** -len(digits.split(".")[1])
    return 10.0 ** (len(digits) - len(digits.rstrip("0")))


# --- Västerås: four monthly tables by provider -------------------------------------------

VASTERAS_TABLES = {"executed_hours": "hours", "hourly_payment": "kr", "persons": "persons", "capitation_payment": "kr"}


def _vasteras_wide(pkg: DataPackage, name: str) -> pd.DataFrame:
    t = pkg.table(name)
    return t.pivot(index="period", columns="provider", values=name)


@check("vasteras_housing_support_2022")
def vasteras_subtotals(pkg: DataPackage, corrected: bool) -> Iterator[Row]:
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
                yield compare("vasteras.subtotal", name, f"{period} {subtotal}", row[subtotal], row[present].sum(),
                              tol, unit, f"{subtotal} = sum of {', '.join(parts)}")


@check("vasteras_housing_support_2022")
def vasteras_year_rows(pkg: DataPackage, corrected: bool) -> Iterator[Row]:
    for name, unit in VASTERAS_TABLES.items():
        wide = _vasteras_wide(pkg, name)
        months = wide.drop(index="2021")
        for provider in wide.columns:
            values = months[provider].dropna()
            printed = wide.loc["2021", provider]
            if name == "persons":
                yield compare("vasteras.year_mean", name, f"2021 {provider}", printed, values.mean(), 0.5, unit,
                              "year row (Medelv) = mean over the months with persons, rounded")
            else:
                yield compare("vasteras.year_sum", name, f"2021 {provider}", printed, values.sum(),
                              rounding_tolerance(len(values)), unit, "year row = sum of the months")


#: How each table's year row is labelled as printed: Totalt (sum) or Medelv (mean).
VASTERAS_YEAR_LABELS = {"executed_hours": "Totalt 2021", "hourly_payment": "Totalt 2021", "persons": "Medelv 2021",
                        "capitation_payment": "Medelv 2021"}


@check("vasteras_housing_support_2022")
def vasteras_year_labels(pkg: DataPackage, corrected: bool) -> Iterator[Row]:
    """The year row of the grand-total column holds what its label says (a sum or a mean of the months)."""
    for name, label in VASTERAS_YEAR_LABELS.items():
        wide = _vasteras_wide(pkg, name)
        months = wide.drop(index="2021")["total"]
        is_mean = label.startswith("Medelv")
        computed = months.mean() if is_mean else months.sum()
        tol = 0.5 if is_mean else rounding_tolerance(len(months))
        yield compare("vasteras.year_label", name, "2021 total", wide.loc["2021", "total"], computed, tol,
                      VASTERAS_TABLES[name], f"the year row, labelled '{label}', is the {'mean' if is_mean else 'sum'} of the months")


@check("vasteras_housing_support_2022")
def vasteras_hourly_price(pkg: DataPackage, corrected: bool) -> Iterator[Row]:
    rate = pkg.figure("hourly_rate_2022")
    hours = pkg.table("executed_hours").set_index(["period", "provider"])["executed_hours"]
    paid = pkg.table("hourly_payment").set_index(["period", "provider"])["hourly_payment"]
    for key, value in paid.items():
        yield compare("vasteras.hours_x_rate", "hourly_payment", " ".join(key), value, hours[key] * rate,
                      rounding_tolerance(0, step=1) + 0.5 * rate, "kr",
                      f"payment = executed hours x {rate:.0f} kr (hours printed rounded: +-0.5 h)")


def vasteras_implied_capitation_rate(pkg: DataPackage) -> float:
    """Capitation rate (kr per person-month) the capitation table implies: its total over all person-months."""
    cap = pkg.table("capitation_payment")
    persons = pkg.table("persons")
    months = persons[(persons.period != "2021") & (persons.provider == "total")]
    return float(cap.loc[(cap.period == "2021") & (cap.provider == "total"), "capitation_payment"].iloc[0]
                 / months["persons"].sum())


@check("vasteras_housing_support_2022")
def vasteras_capitation(pkg: DataPackage, corrected: bool) -> Iterator[Row]:
    rate = vasteras_implied_capitation_rate(pkg)
    persons = pkg.table("persons").set_index(["period", "provider"])["persons"]
    cap = pkg.table("capitation_payment")
    for r in cap[cap.period != "2021"].itertuples():
        n = persons[(r.period, r.provider)]
        yield compare("vasteras.persons_x_rate", "capitation_payment", f"{r.period} {r.provider}", r.capitation_payment,
                      n * rate, 1.0, "kr", f"capitation = persons x one rate for all cells ({rate:,.2f} kr/person-month)")
    # the rate against the text: budget / (persons x 12) and the stated ~56 000 / ~4 600
    budget, people = pkg.figure("budget_2022"), pkg.figure("persons")
    text_rate = budget / (people * 12)
    yield compare("vasteras.rate_vs_budget", "capitation_payment", "rate per person-month", text_rate, rate, 0.5, "kr/month",
                  f"rate implied by the tables = budget {budget:,.0f} kr / ({people:.0f} persons x 12 months)")
    for fig, factor in (("capitation_per_person_year", 12), ("capitation_per_person_month", 1)):
        stated = pkg.figure(fig)
        yield compare("vasteras.rate_vs_text", "figures", fig, stated, rate * factor, approx_tolerance(stated),
                      "kr", f"the tables' rate x {factor} against the text's 'ca {stated:,.0f}'")


@check("vasteras_housing_support_2022")
def vasteras_change_row(pkg: DataPackage, corrected: bool) -> Iterator[Row]:
    cap = pkg.table("capitation_payment").query("period == '2021'").set_index("provider")["capitation_payment"]
    paid = pkg.table("hourly_payment").query("period == '2021'").set_index("provider")["hourly_payment"]
    for r in pkg.table("change").itertuples():
        yield compare("vasteras.change", "change", r.provider, r.change_kr, cap[r.provider] - paid[r.provider],
                      rounding_tolerance(2), "kr", "change = capitation year - hourly payment year")


# --- Stockholm: level tables -----------------------------------------------------------

def _ranges_ok(levels: pd.DataFrame, top: int) -> list[str]:
    """Problems with point ranges that should partition 0..top: gaps, overlaps, bad ends."""
    problems = []
    lv = levels.sort_values("points_min")
    if lv.points_min.iloc[0] != 0:
        problems.append(f"starts at {lv.points_min.iloc[0]}, not 0")
    for a, b in zip(lv.itertuples(), lv.iloc[1:].itertuples()):
        if b.points_min != a.points_max + 1:
            kind = "gap" if b.points_min > a.points_max + 1 else "overlap"
            problems.append(f"{kind} between level {a.level} ({a.points_min}-{a.points_max}) and level {b.level} ({b.points_min}-{b.points_max})")
    if lv.points_max.iloc[-1] != top:
        problems.append(f"ends at {lv.points_max.iloc[-1]}, not {top}")
    return problems


STOCKHOLM_TOP_POINTS = 110  # Tables 1 and 2: the highest levels end at 110 points


@check("stockholm_lss_housing_2023")
def stockholm_partitions(pkg: DataPackage, corrected: bool) -> Iterator[Row]:
    costs = pkg.table("level_costs", corrected)
    tables = {"levels_current": pkg.table("levels_current"), "levels_proposed": pkg.table("levels_proposed"),
              "level_costs current": costs[costs.system == "current"],
              "level_costs proposed": costs[costs.system == "proposed"]}
    for name, t in tables.items():
        for form, levels in t.groupby("housing_form"):
            problems = _ranges_ok(levels, STOCKHOLM_TOP_POINTS)
            yield compare("stockholm.partition", name, form, 0, len(problems), 0, "problems",
                          f"point ranges partition 0-{STOCKHOLM_TOP_POINTS} with no gap or overlap"
                          + (f" (found: {'; '.join(problems)})" if problems else ""))


@check("stockholm_lss_housing_2023")
def stockholm_table3_ranges(pkg: DataPackage, corrected: bool) -> Iterator[Row]:
    costs = pkg.table("level_costs", corrected)
    for system in ("current", "proposed"):
        levels = pkg.table(f"levels_{system}").set_index(["housing_form", "level"])
        for r in costs[costs.system == system].itertuples():
            ref = levels.loc[(r.housing_form, r.level)]
            for end in ("points_min", "points_max"):
                yield compare("stockholm.table3_points", "level_costs", f"{system}/{r.housing_form}/{r.level} {end}",
                              ref[end], getattr(r, end), 0, "points",
                              f"Table 3 prints the same point range as Table {1 if system == 'current' else 2}")


@check("stockholm_lss_housing_2023")
def stockholm_costs(pkg: DataPackage, corrected: bool) -> Iterator[Row]:
    costs = pkg.table("level_costs", corrected)
    for system in ("current", "proposed"):
        amounts = pkg.table(f"levels_{system}").set_index(["housing_form", "level"])["standard_amount"]
        for r in costs[costs.system == system].itertuples():
            computed = r.persons * amounts[(r.housing_form, r.level)] / 1e6
            yield compare("stockholm.persons_x_amount", "level_costs", f"{system}/{r.housing_form}/{r.level}", r.cost,
                          computed, 0.05, "mnkr", "cost = persons x standard amount (Table 1/2), printed to 0.1 mnkr")


@check("stockholm_lss_housing_2023")
def stockholm_totals(pkg: DataPackage, corrected: bool) -> Iterator[Row]:
    costs = pkg.table("level_costs", corrected)
    totals = pkg.table("level_costs_totals").set_index("system")
    forms = {"service_housing": pkg.figure("persons_service_housing"), "group_housing": pkg.figure("persons_group_housing")}
    for system, part in costs.groupby("system"):
        yield compare("stockholm.total_cost", "level_costs_totals", f"{system} cost", totals.loc[system, "cost"],
                      part.cost.sum(), rounding_tolerance(len(part), 0.1), "mnkr", "Summa = sum of the level costs")
        yield compare("stockholm.total_persons", "level_costs_totals", f"{system} persons", totals.loc[system, "persons"],
                      part.persons.sum(), 0, "persons", "Summa = sum of the persons per level")
        for form, n in forms.items():
            yield compare("stockholm.form_persons", "level_costs", f"{system}/{form} persons", n,
                          part.loc[part.housing_form == form, "persons"].sum(), 0, "persons",
                          "persons per housing form = the count in the text (same population under both systems)")
    yield compare("stockholm.text_persons", "figures", "persons_total", pkg.figure("persons_total"),
                  sum(forms.values()) + pkg.figure("persons_children"), 0, "persons",
                  "1 771 = service housing + group housing + children's housing")


@check("stockholm_lss_housing_2023")
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
        desc = (f"persons in new level {new.level} ({new.points_min}-{new.points_max} p) lie between the old levels "
                f"inside it ({low}) and those plus the straddling ones ({high})")
        yield compare("stockholm.mapping_low", "level_costs", cell, low, n, 0, "persons", desc, relation="at_least")
        yield compare("stockholm.mapping_high", "level_costs", cell, n, high, 0, "persons", desc, relation="at_least")


@check("stockholm_lss_housing_2023")
def stockholm_base_staffing(pkg: DataPackage, corrected: bool) -> Iterator[Row]:
    """The text's resident mixes cover the base staffing cost at the proposed amounts, and one
    resident fewer at level 1 would not (the mixes are the smallest of their shape)."""
    cost = pkg.figure("base_staffing_cost")
    levels = pkg.table("levels_proposed").set_index(["housing_form", "level"])
    examples = pkg.table("base_staffing_examples")
    channels = {"standard_amount": 1, "daily_rate_municipal": 365}
    for form, mix in examples.groupby("housing_form"):
        for column, days in channels.items():
            amounts = mix.apply(lambda r: levels.loc[(form, r.level), column] * days, axis=1)
            revenue = float((amounts * mix.residents).sum())
            label = " + ".join(f"{r.residents} x level {r.level}" for r in mix.itertuples())
            yield compare("stockholm.base_staffing_covered", "base_staffing_examples", f"{form} {column}", cost, revenue, 0,
                          "kr/year", f"{label} covers base staffing ({column}{' x 365' if days > 1 else ''})", relation="at_least")
            one_less = revenue - levels.loc[(form, 1), column] * days
            yield compare("stockholm.base_staffing_minimal", "base_staffing_examples", f"{form} {column}", cost, one_less, 0,
                          "kr/year", f"one resident fewer at level 1 does not cover it ({column})", relation="below")


# --- Örebro and Leksand–Rättvik: figures in the text ------------------------------------

@check("orebro_home_care_2018")
def orebro_fee_table(pkg: DataPackage, corrected: bool) -> Iterator[Row]:
    cap = pkg.figure("fee_cap")
    fees = pkg.table("fee_levels_proposed")
    for r in fees.itertuples():
        yield compare("orebro.fee_share_x_cap", "fee_levels_proposed", f"level {r.fee_level}", r.fee_at_full_headroom,
                      r.share_of_fee_headroom * cap, 0.5, "kr/month", f"fee in kr = share x fee cap {cap:,.0f} kr")
    steps = fees.share_of_fee_headroom.diff().dropna()
    yield compare("orebro.fee_shares_increase", "fee_levels_proposed", "shares", 0, int((steps <= 0).sum()), 0,
                  "levels", "shares rise with every level")
    yield compare("orebro.fee_levels", "fee_levels_proposed", "count", pkg.figure("fee_levels"), len(fees), 0, "levels",
                  "the table has the 11 levels the text names")
    amounts = pkg.table("level_amounts_proposed").amount.dropna()
    yield compare("orebro.level_amounts_increase", "level_amounts_proposed", "amounts", 0,
                  int((amounts.diff().dropna() <= 0).sum()), 0, "levels", "monthly level amounts rise with the level")


@check("orebro_home_care_2018")
def orebro_text(pkg: DataPackage, corrected: bool) -> Iterator[Row]:
    f = pkg.figure
    hours_to_cap = f("fee_cap") / f("hourly_fee")
    yield compare("orebro.cap_hours", "figures", "fee_cap_reached_after", f("fee_cap_reached_after"), hours_to_cap,
                  approx_tolerance(f("fee_cap_reached_after")), "hours/month", "fee cap / hourly fee = hours to reach the cap")
    yield compare("orebro.share_above_cap", "figures", "share_above_cap", f("share_above_cap"),
                  f("individuals_above_cap") / f("individuals"), 0, "share", "1 700 / 2 700 is 'drygt 60 procent'",
                  relation="at_least")
    yield compare("orebro.break_even_hours", "figures", "break_even_hours", f("break_even_hours"),
                  f("break_even_reduction_share") * f("executed_hours_year"), 0, "hours/year", "2.5 % of 1 000 000 hours")
    cost_per_hour = f("revenue_loss") / f("break_even_hours")
    for premium, share in (("prevention_premium", "prevention_premium_share"), ("quality_premium", "quality_premium_share")):
        yield compare("orebro.hourly_cost", "figures", premium, f(premium) / f(share), cost_per_hour, 0.5 / f(share),
                      "kr/hour", "the hourly cost behind the premiums (12 kr = 3 %, 8 kr = 2 %) equals the one behind "
                      "the break-even (10 mnkr / 25 000 h)")
    extra = f("payment_total") / f("execution_ratio") - f("payment_total")
    yield compare("orebro.full_granted", "figures", "extra_cost_full_granted", f("extra_cost_full_granted"), extra,
                  approx_tolerance(f("extra_cost_full_granted")) / 2 + 0.05 * extra, "kr/year",
                  "paying 100 % of granted time: 300 mnkr / 0.60 - 300 mnkr (60 % 'cirka': +-5 %)")
    yield compare("orebro.lund_premium", "figures", "lund_premium_share", f("lund_premium_share_now"),
                  f("lund_premium_share"), 0, "share", "Lund's 0.7 % is under the 1 % the text later cites",
                  relation="below")


@check("leksand_rattvik_home_care_2010")
def leksand_text(pkg: DataPackage, corrected: bool) -> Iterator[Row]:
    f = pkg.figure
    yield compare("leksand.price_below_cost", "figures", "hourly_rate_2011", f("own_cost_2010"), f("hourly_rate_2011"), 0,
                  "kr/hour", "the 2011 price is below the 2010 own cost (the difference is to fund the choice model)",
                  relation="below")


@check("national_fee_rules")
def national_fee_caps(pkg: DataPackage, corrected: bool) -> Iterator[Row]:
    """The fee cap rule (0,5392 x price base amount / 12) reproduces the published caps."""
    from carepay.fees import rules_for_year

    for fig in pkg.figures.itertuples():
        if fig.figure.startswith("fee_cap_"):
            year = int(fig.figure.rsplit("_", 1)[1])
            yield compare("national.fee_cap", "figures", fig.figure, fig.value, rules_for_year(pkg, year)["fee_cap"], 0.5,
                          "kr/month", f"published fee cap {year} = 0,5392 x price base amount / 12")


# --- running ----------------------------------------------------------------------------

def run_checks(packages: dict[str, DataPackage]) -> pd.DataFrame:
    """Run every registered check on both readings of each package; one row per comparison."""
    rows = []
    for name, pkg in packages.items():
        known = pkg.known_discrepancies
        known_keys = {(k.check, k.cell, k.reading): k.explanation for k in known.itertuples()}
        for reading, corrected in (("printed", False), ("corrected", True)):
            if corrected and pkg.corrections.empty:
                continue
            for fn in REGISTRY.get(name, []):
                for row in fn(pkg, corrected):
                    row["package"], row["reading"] = name, reading
                    explanation = known_keys.get((row["check"], row["cell"], reading))
                    row["status"] = "ok" if row.pop("ok") else ("known" if explanation else "new")
                    row["explanation"] = explanation or ""
                    rows.append(row)
    result = pd.DataFrame(rows, columns=COLUMNS)
    order = {"new": 0, "known": 1, "ok": 2}
    return result.sort_values(["status", "package", "check"], key=lambda s: s.map(order) if s.name == "status" else s,
                              kind="stable").reset_index(drop=True)


def unused_known(packages: dict[str, DataPackage], results: pd.DataFrame) -> pd.DataFrame:
    """Known discrepancies that no check reports any more (stale entries)."""
    rows = []
    found = set(zip(results.package, results.check, results.cell, results.reading))
    for name, pkg in packages.items():
        for k in pkg.known_discrepancies.itertuples():
            if (name, k.check, k.cell, k.reading) not in found or results[
                (results.package == name) & (results.check == k.check) & (results.cell == k.cell)
                & (results.reading == k.reading)].status.eq("ok").all():
                rows.append({"package": name, "check": k.check, "cell": k.cell, "reading": k.reading})
    return pd.DataFrame(rows, columns=["package", "check", "cell", "reading"])


def summary(results: pd.DataFrame) -> pd.DataFrame:
    """Counts of ok / known / new per package and reading."""
    return (results.groupby(["package", "reading", "status"]).size().unstack("status", fill_value=0)
            .reindex(columns=["ok", "known", "new"], fill_value=0).reset_index())


def format_discrepancy(row: pd.Series) -> str:
    rel = {"equal": "computed", "at_least": "computed (must be at least printed)", "below": "computed (must be below printed)"}
    def num(v: float) -> str:
        return f"{v:,.2f}".rstrip("0").rstrip(".") if not math.isnan(v) else "-"
    return (f"[{row.status}] {row.package} / {row.table} / {row.cell} ({row.reading} reading): {row.description}. "
            f"printed {num(row.printed)}, {rel[row.relation]} {num(row.computed)} {row.unit}, "
            f"difference {num(row.difference)}, tolerance {num(row.tolerance)}"
            + (f"\n    known: {row.explanation}" if row.explanation else ""))


def discrepancy_table(results: pd.DataFrame) -> pd.DataFrame:
    """Compact view of the comparisons that do not hold, for reports: where, what, printed vs computed, why."""
    bad = results[results.status != "ok"]
    return pd.DataFrame({
        "status": bad.status,
        "where": bad.package + ": " + bad.table + ", " + bad.cell + " (" + bad.reading + ")",
        "check": bad.description,
        "printed": bad.printed,
        "computed": bad.computed,
        "tolerance": bad.tolerance,
        "unit": bad.unit,
        "explanation": bad.explanation,
    }).reset_index(drop=True)
