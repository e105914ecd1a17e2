"""Cross-checks of the Örebro document (data/orebro_home_care_2018; also used by provider_payment) and of the
national fee rules (data/national_fee_rules): the fee table and the figures in the text."""

from __future__ import annotations

from collections.abc import Iterator

from carepay.checks import Row, approx_tolerance, compare
from carepay.i18n import N_, _, term
from carepay.sources import DataPackage

# --- Örebro and Leksand–Rättvik: figures in the text ------------------------------------


def orebro_fee_table(pkg: DataPackage, _corrected: bool) -> Iterator[Row]:
    cap = pkg.figure("fee_cap")
    fees = pkg.table("fee_levels_proposed")
    for r in fees.itertuples():
        yield compare(
            "orebro.fee_share_x_cap",
            "fee_levels_proposed",
            f"level {r.fee_level}",
            r.fee_at_full_headroom,
            r.share_of_fee_headroom * cap,
            0.5,
            "kr/month",
            _("fee in kr = share x fee cap {cap:,.0f} kr", cap=cap),
        )
    steps = fees.share_of_fee_headroom.diff().dropna()
    yield compare(
        "orebro.fee_shares_increase",
        "fee_levels_proposed",
        "shares",
        0,
        int((steps <= 0).sum()),
        0,
        "levels",
        N_("shares rise with every level"),
    )
    yield compare(
        "orebro.fee_levels",
        "fee_levels_proposed",
        "count",
        pkg.figure("fee_levels"),
        len(fees),
        0,
        "levels",
        N_("the table has the 11 levels the text names"),
    )
    amounts = pkg.table("level_amounts_proposed").amount.dropna()
    yield compare(
        "orebro.level_amounts_increase",
        "level_amounts_proposed",
        "amounts",
        0,
        int((amounts.diff().dropna() <= 0).sum()),
        0,
        "levels",
        N_("monthly level amounts rise with the level"),
    )


def orebro_text(pkg: DataPackage, _corrected: bool) -> Iterator[Row]:
    f = pkg.figure
    hours_to_cap = f("fee_cap") / f("hourly_fee")
    yield compare(
        "orebro.cap_hours",
        "figures",
        "fee_cap_reached_after",
        f("fee_cap_reached_after"),
        hours_to_cap,
        approx_tolerance(f("fee_cap_reached_after")),
        "hours/month",
        N_("fee cap / hourly fee = hours to reach the cap"),
    )
    yield compare(
        "orebro.share_above_cap",
        "figures",
        "share_above_cap",
        f("share_above_cap"),
        f("individuals_above_cap") / f("individuals"),
        0,
        "share",
        N_("1 700 / 2 700 is 'drygt 60 procent'"),
        relation="at_least",
    )
    yield compare(
        "orebro.break_even_hours",
        "figures",
        "break_even_hours",
        f("break_even_hours"),
        f("break_even_reduction_share") * f("executed_hours_year"),
        0,
        "hours/year",
        N_("2.5 % of 1 000 000 hours"),
    )
    cost_per_hour = f("revenue_loss") / f("break_even_hours")
    for premium, share in (("prevention_premium", "prevention_premium_share"), ("quality_premium", "quality_premium_share")):
        yield compare(
            "orebro.hourly_cost",
            "figures",
            premium,
            f(premium) / f(share),
            cost_per_hour,
            0.5 / f(share),
            "kr/hour",
            N_(
                "the hourly cost behind the premiums (12 kr = 3 %, 8 kr = 2 %) equals the one behind the break-even (10 mnkr / 25 000 h)"
            ),
        )
    yield compare(
        "orebro.hourly_cost",
        "figures",
        "payment_total per executed hour",
        cost_per_hour,
        f("payment_total") / f("executed_hours_year"),
        approx_tolerance(f("payment_total")) / 2 / f("executed_hours_year"),  # cirka 300 mnkr: 250-350
        "kr/hour",
        N_(
            "the hourly cost behind the break-even (10 mnkr / 25 000 h) equals what the municipality pays per executed hour (300 mnkr / 1 000 000 h)"
        ),
    )
    extra = f("payment_total") / f("execution_ratio") - f("payment_total")
    yield compare(
        "orebro.full_granted",
        "figures",
        "extra_cost_full_granted",
        f("extra_cost_full_granted"),
        extra,
        approx_tolerance(f("extra_cost_full_granted")) / 2 + 0.05 * extra,
        "kr/year",
        N_("paying 100 % of granted time: 300 mnkr / 0.60 - 300 mnkr (60 % 'cirka': +-5 %)"),
    )
    yield compare(
        "orebro.lund_premium",
        "figures",
        "lund_premium_share",
        f("lund_premium_share_now"),
        f("lund_premium_share"),
        0,
        "share",
        N_("Lund's 0.7 % is under the 1 % the text later cites"),
        relation="below",
    )


def national_amounts(pkg: DataPackage, _corrected: bool) -> Iterator[Row]:
    """The rules in force (coefficient x price base amount / 12) reproduce the published fee caps and minimum
    allowances (figures named <rule>_<year>)."""
    from carepay.fees import rules_for_year

    for fig in pkg.figures.itertuples():
        rule, _sep, year_text = fig.figure.rpartition("_")
        if rule not in ("fee_cap", "minimum_allowance_single", "minimum_allowance_spouse"):
            continue
        year = int(year_text)
        rules = rules_for_year(pkg, year)
        coefficient = f"{rules[f'{rule}_coefficient']:g}".replace(".", ",")
        yield compare(
            f"national.{rule}",
            "figures",
            fig.figure,
            fig.value,
            rules[rule],
            0.5,
            "kr/month",
            _(
                "published {replace} {year} = {coefficient} x price base amount / 12",
                replace=term(rule.replace("_", " ")),
                year=year,
                coefficient=coefficient,
            ),
        )


#: The checks of each data package this question uses (run by carepay.checks.run_checks).
CHECKS = {
    "orebro_home_care_2018": [orebro_fee_table, orebro_text],
    "national_fee_rules": [national_amounts],
}
