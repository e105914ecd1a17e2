"""Parameters of the fee incentive question (notebooks/fee_incentives.ipynb, params/fee_incentives/)."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator, model_validator

from carepay.home_care import HomeCarePopulationSpec, check_level_boundaries
from carepay.params import QuestionParams, Spec, param

# --- fee incentives (Örebro) ---------------------------------------------------------------------

OREBRO = "Örebro 2018 (002_40af8f11a0d2ba4a.txt)"


AGGREGATES = f"{OREBRO}, 7.4.1"
ELASTICITY = (
    "price elasticities of home-care hours with respect to the out-of-pocket price: about -0.4 (Roquebert & Tenand, "
    "French home care), about -0.55 (Bourreau-Dubois and co-authors); -0.2 at the low end of the literature"
)


class ElasticitySpec(Spec):
    """How executed hours respond to the price of an hour: the price concept, central value, band, and the non-fee
    cost of an hour (generalised price only)."""

    price_concept: Literal["out_of_pocket", "generalised"] = param(
        "out_of_pocket",
        unit="choice",
        source=ELASTICITY + "; the published elasticities are with respect to the out-of-pocket price",
        description="The price the elasticity is with respect to: the fee a person pays per executed hour (out_of_pocket, as the "
        "published elasticities; an arc elasticity, so a price from or to zero is defined), or that fee plus the non-fee "
        "cost of receiving an hour (generalised).",
    )

    central: float = param(
        unit="elasticity", source=ELASTICITY, description="Elasticity of executed hours to the price of an hour.", le=0, ge=-3
    )
    low: float = param(unit="elasticity", source=ELASTICITY, description="The more responsive end of the band.", le=0, ge=-3)
    high: float = param(unit="elasticity", source=ELASTICITY, description="The less responsive end of the band.", le=0, ge=-3)
    nonfee_cost: float = param(
        unit="kr/hour",
        source="assumption (the documents give none; the report shows how the result moves with it)",
        description="The individual's non-fee cost of an hour of help (time, effort).",
        gt=0,
    )

    @model_validator(mode="after")
    def _order(self) -> ElasticitySpec:
        if not self.low <= self.central <= self.high:
            raise ValueError(f"need low <= central <= high, got {self.low}, {self.central}, {self.high}")
        if self.price_concept == "out_of_pocket" and self.low <= -1:
            raise ValueError(
                f"an arc elasticity to the out-of-pocket price must be above -1 (hours would be unbounded), got low {self.low}"
            )
        return self


class EstimatorSpec(Spec):
    """A synthetic panel with a known elasticity that the estimator must recover."""

    persons: int = param(unit="persons", source="carepay.behaviour", description="Persons in the panel.", ge=10, le=200_000)
    months: int = param(unit="months", source="carepay.behaviour", description="Months per person.", ge=2, le=60)
    true_elasticity: float = param(
        unit="elasticity", source=ELASTICITY, description="The elasticity the panel is drawn with.", le=0, ge=-3
    )
    seed: int = param(unit="seed", source="carepay (any whole number)", description="Seed of the draw.", ge=0)


def price_base_amount_years() -> set[int]:
    """The years data/national_fee_rules has a price base amount for (read with the csv module: no pandas)."""
    import csv

    from carepay import paths

    path = paths.data_dir() / "national_fee_rules" / "price_base_amounts.csv"
    if not path.exists():
        return set()
    with path.open(encoding="utf-8", newline="") as f:
        return {int(row["year"]) for row in csv.DictReader(f) if row.get("year", "").isdigit()}


def _increasing(values: list[float], what: str) -> list[float]:
    if any(b <= a for a, b in zip(values, values[1:])):
        raise ValueError(f"{what} must increase: {values}")
    return values


class FeeIncentivesParams(QuestionParams):
    """Fee incentive effect: today's hourly fee with its cap against the proposed 11-level fee (Örebro)."""

    def individual_data(self) -> bool:
        return self.population.source == "extract"

    year: int = param(
        unit="year",
        source="data/national_fee_rules (price base amount per year)",
        ge=2016,
        le=2100,
        description="Year whose price base amount sets the fee cap and the minimum allowance.",
    )
    hourly_fee: float = param(
        unit="kr/hour", source=f"{OREBRO}, 5.3.2 and 7.4.1 (325 kr)", gt=0, description="Today's fee per executed hour of care."
    )
    alarm_fee: float = param(
        unit="kr/month",
        source=f"{OREBRO}, 7.4.1 (the alarm is inside the cap; its fee is not printed)",
        ge=0,
        description="Today's monthly fee for a safety alarm, inside the fee cap.",
    )
    shares: Literal["document"] | list[float] = param(
        unit="share of fee headroom, levels 0-9 and X",
        source=f"{OREBRO}, 7.4.1 (10 %, 30 % ... 94 %, 100 %)",
        description="Share of the fee headroom paid at each of the 11 levels: 'document' or 11 increasing shares.",
    )
    thresholds: list[float] = param(
        unit="hours/month",
        source=f"{OREBRO}, 7.4.1 prints only 4 (level 1) and 130 (level X); the 7 between are assumed",
        description="The 9 boundaries between levels 1|2, 2|3, ..., 8|9, 9|X.",
    )
    bunching_band_hours: float = param(
        unit="hours/month",
        source="the analyst; bunching at notches as in Kleven 2016 ('Bunching', Annual Review of Economics)",
        description="Person-months this many hours above a threshold of the proposed fee are counted as able to bunch below it.",
        gt=0,
        le=20,
    )
    focus: Literal["document", "behaviour", "combination", "bunching", "groups"] = param(
        unit="choice",
        source="the analyst",
        description="What the scenario is about: the fee proposal as the report has it, or how hours respond to "
        "the fee (the elasticity or the price concept: the net budget effect leads), or one combination of fee "
        "and provider payment basis (fee_in_force, payment_basis), whose net cost then leads the answer and headlines, "
        "or the proposed fee's notches and what bunching below them would cost, or the groups the report's model leaves "
        "out (couples, the 75+ free hours, the younger, alarm-only clients).",
    )
    fee_in_force: Literal["today", "proposed"] = param(
        unit="choice",
        source=f"{OREBRO}, 7.4.1 (the proposed 11-level fee) against 5.3.2 (325 kr an hour up to the cap)",
        description="The fee of the combination the scenario is about (focus: combination).",
    )
    payment_basis: Literal["executed_hours", "level_month"] = param(
        unit="choice",
        source=f"{OREBRO}, 7.4.2 (paid per executed hour today; per level and month proposed)",
        description="The provider payment basis of the combination the scenario is about (focus: combination).",
    )
    hourly_cost: Literal["payment", "break_even"] | float = param(
        unit="kr/hour",
        source=f"{OREBRO}, 7.4.1-7.4.2 (300 mnkr for 1 000 000 executed hours: 300 kr) and 7.4.1, 5.1.4 (10 mnkr = 25 000 "
        "hours, 12 kr = 3 %: 400 kr); the two readings are a recorded discrepancy",
        description="The municipality's cost of an executed hour, which fewer hours save: the reading 'payment' (what "
        "it pays providers per hour), 'break_even' (what the report's break-even implies), or a number. The same "
        "named assumption as provider_payment's.",
    )
    population: HomeCarePopulationSpec = param(
        unit="persons, hours, kr/month",
        source=f"{OREBRO}, 7.4.1-7.4.2 aggregates; assumptions",
        description="Where the person-months come from: the same Örebro population as provider_payment's (carepay.home_care).",
    )
    level_boundaries: list[float] = param(
        unit="hours/month granted",
        source=f"{OREBRO}, 7.4.2 prints only that level 9 starts above 108 hours; the rest are assumed (as provider_payment)",
        description="Lower bounds of support levels 1-9 in granted hours a month, for payment per level and month: the "
        "same as provider_payment's.",
    )
    free_hours_75_plus: float = param(
        0,
        unit="hours/month",
        source=f"{OREBRO}, 5.1.1 ('8 fria timmar för 75 år och äldre'); the report's fee model leaves them out (0)",
        description="Hours a month free of today's fee for persons aged 75 and over (8 in Örebro; the proposal counts "
        "every executed hour).",
        ge=0,
        le=40,
    )
    young_allowance_raise: float = param(
        0,
        unit="share 0-1",
        source="SoL 8 kap. 7 § (a higher minimum allowance where needs call for it); many municipalities add 10 % under 65",
        description="Raise of the minimum allowance for persons under 65 (0: none, as the report's model; 0,1: the 10 % "
        "the rules allow).",
        ge=0,
        le=0.5,
    )
    elasticity: ElasticitySpec = param(
        unit="elasticity, kr/hour",
        source=ELASTICITY,
        description="Response of executed hours to the price of an hour: central value and band.",
    )
    estimator: EstimatorSpec = param(
        unit="persons, months, elasticity, seed",
        source="carepay.behaviour",
        description="A synthetic panel with a known elasticity that the estimator must recover.",
    )
    hour_bands: list[float] = param(
        unit="hours/month", source="presentation choice", description="Bands of executed hours for the distribution tables."
    )
    headroom_bands: list[float] = param(
        unit="kr/month",
        source="presentation choice (0 and the 2018 fee cap as edges)",
        description="Bands of fee headroom for the distribution tables.",
    )

    @field_validator("year")
    @classmethod
    def _year_with_rules(cls, value: int) -> int:
        years = price_base_amount_years()
        if years and value not in years:
            raise ValueError(
                f"no price base amount for {value} in data/national_fee_rules/price_base_amounts.csv; "
                f"years: {min(years)}-{max(years)}"
            )
        return value

    @field_validator("shares")
    @classmethod
    def _shares(cls, value):
        if value == "document":
            return value
        if len(value) != 11:
            raise ValueError(f"give 11 shares (levels 0-9 and X), got {len(value)}")
        if any(not 0 <= v <= 1 for v in value):
            raise ValueError(f"shares must be between 0 and 1: {value}")
        return _increasing(value, "shares")

    @field_validator("thresholds")
    @classmethod
    def _thresholds(cls, value):
        if len(value) != 9:
            raise ValueError(f"give 9 thresholds (between levels 1|2 ... 9|X), got {len(value)}")
        if value[0] <= 0:
            raise ValueError("thresholds must be positive hours")
        return _increasing(value, "thresholds")

    @field_validator("level_boundaries")
    @classmethod
    def _level_bounds(cls, value: list[float]) -> list[float]:
        return check_level_boundaries(value)

    @field_validator("hour_bands", "headroom_bands")
    @classmethod
    def _bands(cls, value):
        return _increasing(value, "bands")
