"""The Örebro home-care population both reforms act on: one table of person-months with executed and granted hours,
provision, income, housing, household type and age; synthetic (seeded, calibrated to the report's aggregates,
labelled) or an analyst's extract (carepay/schemas/home_care_person_months.json).

The fee question (fee_incentives) and the provider payment question (provider_payment) both read it from here, with
the same parameters (the `population:` block of their scenarios), so the fee's response and the payment basis are
judged on the same clients and the same hours. Units: hours/month, kr/month, shares 0-1.
"""

from __future__ import annotations

import pandas as pd
from pydantic import model_validator

from carepay import population
from carepay.params import PopulationSource, param
from carepay.sources import DataPackage

OREBRO = "Örebro 2018 (002_40af8f11a0d2ba4a.txt)"
AGGREGATES = f"{OREBRO}, 7.4.1"
EXECUTION = f"{OREBRO}, 7.4.2 (about 60 % of granted time executed; in-house 56 %, external 76 %)"
QUESTIONS = ("fee_incentives", "provider_payment")


class HomeCarePopulationSpec(PopulationSource):
    """Örebro's home-care clients by person-month: synthetic (calibrated to the report's aggregates, seeded) or an
    analyst's extract; the same for the fee and the provider payment questions."""

    individuals: int = param(unit="persons", source=AGGREGATES, description="Persons with home care.", ge=1, le=1_000_000)
    hours_per_year: float = param(unit="hours/year", source=AGGREGATES, description="Executed hours a year.", gt=0)
    individuals_above_cap_hours: int = param(
        unit="persons", source=AGGREGATES, description="Persons with more hours than reach the fee cap.", ge=0
    )
    sigma_month: float = param(
        unit="log scale", source="assumption", description="Spread of a person's hours between months.", ge=0, le=2
    )
    max_hours_month: float = param(
        150,
        unit="hours/month",
        source="assumption: a person's average executed hours a month at most (the lognormal's tail would put some "
        "above the hours a month has); of 150, 200 and 250, 150 brings the calibrated level 9 amount nearest the printed "
        "one (7.4.2)",
        description="The most executed hours a month a person has on average.",
        gt=0,
        le=744,
    )
    income_median: float = param(
        unit="kr/month",
        source=f"assumption, set so that most headroom lies between 1 kr and the cap ({AGGREGATES})",
        description="Median income after tax.",
        gt=0,
    )
    income_sigma: float = param(unit="log scale", source="assumption", description="Spread of incomes.", ge=0, le=2)
    housing_median: float = param(unit="kr/month", source="assumption", description="Median housing cost.", gt=0)
    housing_sigma: float = param(unit="log scale", source="assumption", description="Spread of housing costs.", ge=0, le=2)
    supplement_income_limit: float = param(
        unit="kr/month", source="assumption", description="Income below which a housing supplement is paid.", ge=0
    )
    supplement_share: float = param(
        unit="share of housing cost",
        source="assumption",
        description="Housing supplement as a share of housing cost.",
        ge=0,
        le=1,
    )
    alarm_share: float = param(unit="share 0-1", source="assumption", description="Share with a safety alarm.", ge=0, le=1)
    alarm_only: int = param(
        0,
        unit="persons",
        source=f"assumption; {OREBRO} 7.4.1 (level 0: a safety alarm and no other help) gives no count",
        description="Persons with a safety alarm and no hours, added to the others (0: left out, as the report's model).",
        ge=0,
        le=1_000_000,
    )
    couple_share: float = param(
        0.0,
        unit="share 0-1",
        source="assumption; the report's fee model treats everyone as single (0). Most home-care clients live alone",
        description="Share of persons living with a spouse or partner (the spouse minimum allowance applies).",
        ge=0,
        le=1,
    )
    young_share: float = param(
        0.05,
        unit="share 0-1",
        source="assumption (home care for older people; a few clients under 65)",
        description="Share of persons under 65.",
        ge=0,
        le=1,
    )
    aged_75_plus_share: float = param(
        0.8,
        unit="share 0-1",
        source="assumption (Socialstyrelsen's statistics: most home-care clients are 80 or older)",
        description="Share of persons aged 75 or over (Örebro's free service hours).",
        ge=0,
        le=1,
    )
    income_year: int = param(
        unit="year",
        source="assumption (the year the incomes were set for)",
        description="Year whose kronor the incomes and housing costs are in; they follow the price base amount to the "
        "scenario's year.",
        ge=2000,
        le=2100,
    )

    @model_validator(mode="after")
    def _check(self) -> HomeCarePopulationSpec:
        if self.individuals_above_cap_hours >= self.individuals:
            raise ValueError("individuals_above_cap_hours must be fewer than individuals")
        if self.young_share + self.aged_75_plus_share > 1:
            raise ValueError(
                f"young_share + aged_75_plus_share must be at most 1, got {self.young_share + self.aged_75_plus_share:g}"
            )
        return self


def check_level_boundaries(value: list[float]) -> list[float]:
    """Checked lower bounds of support levels 1-9 (granted hours a month): nine, the first 0, increasing. Both Örebro
    questions declare them (payment per level and month) and validate them here."""
    if len(value) != 9 or value[0] != 0:
        raise ValueError("give 9 lower bounds for levels 1-9, the first 0")
    if any(b <= a for a, b in zip(value, value[1:])):
        raise ValueError(f"level boundaries must increase: {value}")
    return value


def in_house_share_of_granted(orebro: DataPackage, execution_ratio: float | None = None) -> float:
    """Share of granted time with in-house providers that makes 56 % and 76 % average to the report's about 60 %
    (7.4.2), or to execution_ratio: the report does not give it, it is inferred."""
    e_in, e_ex = orebro.figure("execution_ratio_in_house"), orebro.figure("execution_ratio_external")
    e_all = orebro.figure("execution_ratio") if execution_ratio is None else execution_ratio
    return (e_ex - e_all) / (e_ex - e_in)


def in_house_share_of_clients(orebro: DataPackage, execution_ratio: float | None = None) -> float:
    """Share of clients (and of executed hours) in-house when in-house clients get in_house_share_of_granted of the
    granted time: s x 56 % / (s x 56 % + (1 - s) x 76 %)."""
    s = in_house_share_of_granted(orebro, execution_ratio)
    e_in, e_ex = orebro.figure("execution_ratio_in_house"), orebro.figure("execution_ratio_external")
    return s * e_in / (s * e_in + (1 - s) * e_ex)


def cap_hours(orebro: DataPackage) -> float:
    """Executed hours a month at which the report's fee reaches its cap: 2 044 kr / 325 kr (7.4.1, 'redan vid ...
    sex timmar')."""
    return orebro.figure("fee_cap") / orebro.figure("hourly_fee")


def person_months(
    spec: HomeCarePopulationSpec,
    orebro: DataPackage,
    question: str,
    year: int = 2018,
    income_index: float = 1.0,
    extension_margin: float = 0.1,
    execution_ratio: float | None = None,
) -> pd.DataFrame:
    """The population as person-months: the analyst's extract (checked for what `question` needs) or synthetic ones
    (population.synthetic_home_care) with incomes, housing costs and the supplement limit times income_index (the
    price base amount's rise from spec.income_year to year). The persons above the cap are calibrated at the hours
    where the report's 2018 fee reaches its cap (cap_hours), whatever the scenario's year: that is when the report
    counted them. execution_ratio: the overall execution ratio the in-house share is inferred from (the report's
    about 60 % where None)."""
    if question not in QUESTIONS:
        raise ValueError(f"question {question!r}; allowed: {', '.join(QUESTIONS)}")
    if spec.source == "extract":
        raw, where = population.read_extract(spec.extract_file)
        if question == "provider_payment":  # any one whole year, as before: the payment rules carry no year
            return population.validate_home_care_extract(raw, where, question, None, extension_margin)
        return population.validate_home_care_extract(raw, where, question, year)
    return population.synthetic_home_care(
        spec.individuals,
        spec.hours_per_year,
        spec.individuals_above_cap_hours / spec.individuals,
        cap_hours(orebro),
        spec.sigma_month,
        spec.income_median * income_index,
        spec.income_sigma,
        spec.housing_median * income_index,
        spec.housing_sigma,
        spec.supplement_income_limit * income_index,
        spec.supplement_share,
        spec.alarm_share,
        spec.seed,
        in_house_share=in_house_share_of_clients(orebro, execution_ratio),
        execution_in_house=orebro.figure("execution_ratio_in_house"),
        execution_external=orebro.figure("execution_ratio_external"),
        max_execution=1 + extension_margin,
        couple_share=spec.couple_share,
        young_share=spec.young_share,
        aged_75_plus_share=spec.aged_75_plus_share,
        alarm_only=spec.alarm_only,
        max_hours=spec.max_hours_month,
        year=year,
    )
