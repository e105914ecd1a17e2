"""Parameter models, one per notebook. Each field says its unit and its source.

Add a notebook: write a model here with ``@register("<notebook>")``, a parameters
cell in the notebook naming every field, and params/<notebook>/default.yaml.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from carepay.params import ScenarioParams, param, register


@register("sources")
class SourcesParams(ScenarioParams):
    """Sources and their checks."""

    packages: list[str] = param(
        unit="data package names",
        source="data/ (one folder per source document)",
        description="Data packages to show; an empty list shows all of them.",
    )
    show_passing_checks: bool = param(
        unit="yes/no",
        source="carepay.checks",
        description="Also list every check that passed, not only the discrepancies.",
    )
    rows_per_table: int = param(
        unit="rows",
        source="-",
        description="Rows of each source table shown in full before it is cut.",
        ge=1,
        le=1000,
    )

    @field_validator("packages")
    @classmethod
    def _known_packages(cls, value: list[str]) -> list[str]:
        from carepay.paths import data_package_names

        known = data_package_names()
        unknown = [v for v in value if v not in known]
        if unknown:
            raise ValueError(f"unknown data package(s) {', '.join(unknown)}; known: {', '.join(known)}")
        return value


# --- level regrouping (Stockholm LSS housing) ------------------------------------------------

STOCKHOLM = "Stockholm 2023 (001_c542c5f8b88ec173.txt)"
HousingForm = Literal["service_housing", "group_housing"]
Channel = Literal["standard_amount", "daily_rate_municipal", "daily_rate_contracted", "daily_rate_private"]


class LevelSpec(BaseModel):
    """One level of a new grouping. Amounts may be left out when a solver computes them."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    housing_form: HousingForm
    level: int = Field(ge=0)
    points_min: int = Field(ge=0)
    points_max: int = Field(ge=0)
    standard_amount: float | None = Field(default=None, gt=0, description="kr/year")
    daily_rate_municipal: float | None = Field(default=None, gt=0, description="kr/day")
    daily_rate_contracted: float | None = Field(default=None, gt=0, description="kr/day")
    daily_rate_private: float | None = Field(default=None, gt=0, description="kr/day")


class FloorSpec(BaseModel):
    """A minimum amount for one new level: in kr a year, or what covers base staffing with N residents."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    housing_form: HousingForm
    level: int = Field(ge=0)
    amount: float | None = Field(default=None, gt=0, description="kr/person-year")
    residents_covering_base_staffing: int | None = Field(default=None, ge=1, le=30)

    @model_validator(mode="after")
    def _one_kind(self) -> "FloorSpec":
        if (self.amount is None) == (self.residents_covering_base_staffing is None):
            raise ValueError("give either amount (kr/year) or residents_covering_base_staffing, not both or neither")
        return self


class BaseStaffingSpec(BaseModel):
    """The yearly cost of one residence's base staffing: the document's figure or computed from hours and wages."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    method: Literal["document", "computed"]
    cost: float = Field(gt=0, description="kr/year; used when method is document (Stockholm: about 3,5 mnkr)")
    day_staff: float = Field(ge=0, description="staff on duty by day (document: 2)")
    day_hours: float = Field(ge=0, le=24, description="hours of the day shift (document: 16)")
    weekday_reduction_staff: float = Field(ge=0, description="staff fewer on weekdays (document: 1)")
    weekday_reduction_hours: float = Field(ge=0, le=24, description="hours of that reduction (document: 8)")
    weekdays: int = Field(ge=0, le=366, description="weekdays a year (assumption: 250)")
    night_staff: float = Field(ge=0, description="sleeping night staff (document: 1)")
    night_hours: float = Field(ge=0, le=24, description="hours of the night duty (assumption: 8)")
    night_hour_weight: float = Field(ge=0, le=1, description="paid share of a sleeping-duty hour (assumption)")
    hourly_wage: float = Field(gt=0, description="kr/hour, basic wage (assumption)")
    on_cost_share: float = Field(ge=0, le=3, description="holiday pay, substitutes, unsocial hours, social fees, share of wage (assumption)")
    overhead_share: float = Field(ge=0, le=1, description="management and administration, share of staff cost (Örebro 5.3.1: 12-13 % in LSS)")


class ResidenceSpec(BaseModel):
    """Simulated residences: how many, how large, and the random seed."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    number: int = Field(ge=1, le=1_000_000)
    size_service_housing: int = Field(ge=1, le=40)
    size_group_housing: int = Field(ge=1, le=40)
    seed: int = Field(ge=0)


@register("level_regrouping")
class LevelRegroupingParams(ScenarioParams):
    """Level regrouping neutrality: from 8/7 levels plus a base level to 5 (Stockholm LSS housing)."""

    reading: Literal["corrected", "printed"] = param(
        unit="choice", source=f"{STOCKHOLM}, Table 3; data/stockholm_lss_housing_2023/corrections.csv",
        description="Which reading of Table 3's person counts to use: with the recorded corrections, or as printed.")
    new_levels: Literal["document"] | list[LevelSpec] = param(
        unit="levels (points, kr/year, kr/day)", source=f"{STOCKHOLM}, Table 2",
        description="The new grouping: 'document' for the proposal's 5 levels, or a list of levels with point ranges and (optionally) amounts.")
    split: Literal["document", "uniform", "individual"] = param(
        unit="choice", source=f"{STOCKHOLM}, Tables 1-3",
        description="How the persons of an old level that straddles a new boundary split: as the document's new counts imply, evenly over the level's points, or exactly from individual points.")
    individuals_file: str | None = param(
        unit="path to a CSV file", source="analyst's extract (schema in README)",
        description="One row per person with person_id, housing_form, points (and optionally residence_id, district_board, provider); needed for split 'individual'.")
    tariff_method: Literal["as_given", "mean_preserving", "scaled", "floors"] = param(
        unit="choice", source="carepay.tariffs",
        description="New amounts: as given in new_levels, mean-preserving, the given ones scaled by the neutrality factor, or floors with the rest of the budget spread in the given shape.")
    neutrality_scope: Literal["housing_form", "overall"] = param(
        unit="choice", source="carepay.tariffs",
        description="Keep the total unchanged per housing form, or only overall.")
    channel: Channel = param(
        unit="choice", source=f"{STOCKHOLM}, Tables 1-2",
        description="Payment channel for the headline results: the yearly standard amount (district boards) or a daily rate (providers).")
    occupancy: float = param(
        unit="share 0-1", source="assumption (the document prices full years)", gt=0, le=1,
        description="Share of days a place is occupied and paid under daily rates.")
    rounding_step: float = param(
        unit="kr", source="-", gt=0,
        description="Computed amounts are rounded to this step, as a board would decide them; the residual is reported.")
    floors: list[FloorSpec] = param(
        unit="kr/person-year or residents", source=f"{STOCKHOLM}, Beräkning av grundbemanning",
        description="Minimum amounts for new levels, used by tariff_method 'floors'.")
    base_staffing: BaseStaffingSpec = param(
        unit="kr/year, hours, kr/hour, shares", source=f"{STOCKHOLM}, Beräkning av grundbemanning",
        description="Base staffing of one residence: the document's cost, or computed from staffing, wage and on-costs.")
    mix_levels: int = param(
        unit="levels", source=f"{STOCKHOLM}, Beräkning av grundbemanning (mixes of levels 1 and 2)", ge=1, le=4,
        description="Residents mixes are made of this many lowest levels.")
    max_residents: int = param(
        unit="residents", source="-", ge=1, le=20,
        description="Largest residence considered for the resident mixes.")
    residences: ResidenceSpec = param(
        unit="residences, residents, seed", source=f"{STOCKHOLM}, Kostnads- och verksamhetsmässiga konsekvenser",
        description="Simulated residences (synthetic) when no individual file with residence_id is given.")
    homogeneous_levels: int = param(
        unit="levels", source=f"{STOCKHOLM}: 'sällan flera individer med endast låga nivåer ... inte heller med endast höga'", ge=1, le=4,
        description="A residence is 'only low' when all residents are in this many lowest old levels, 'only high' for the highest.")

    @field_validator("new_levels")
    @classmethod
    def _levels_partition(cls, value):
        if value == "document":
            return value
        import pandas as pd

        from carepay.tariffs import LevelError, validate_levels

        frame = pd.DataFrame([v.model_dump() for v in value])
        try:
            validate_levels(frame, top=110, where="new_levels")
        except LevelError as err:
            raise ValueError(str(err)) from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "LevelRegroupingParams":
        if self.split == "individual" and not self.individuals_file:
            raise ValueError("split 'individual' needs individuals_file (a CSV of individual points)")
        needs_amounts = self.tariff_method in ("as_given", "scaled", "floors")
        if needs_amounts and self.new_levels != "document":
            missing = [f"{lv.housing_form} level {lv.level}" for lv in self.new_levels if getattr(lv, self.channel) is None]
            if missing:
                raise ValueError(f"tariff_method '{self.tariff_method}' needs {self.channel} for every new level; "
                                 f"missing for {', '.join(missing)} (or use mean_preserving)")
        if self.tariff_method == "floors" and not self.floors:
            raise ValueError("tariff_method 'floors' needs at least one floor")
        return self


# --- individual-level data, shared by the questions that need it ---------------------------------

class PopulationSource(BaseModel):
    """Individual rows: synthetic (drawn by the library, seeded, labelled) or an analyst's extract (a CSV file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: Literal["synthetic", "extract"]
    extract_file: str | None = Field(default=None, description="CSV path relative to the project folder (schema in README)")
    seed: int = Field(ge=0, description="seed of the synthetic draw")

    @model_validator(mode="after")
    def _file(self):
        if self.source == "extract" and not self.extract_file:
            raise ValueError("source 'extract' needs extract_file")
        return self


# --- capitation fairness (Västerås housing support) ---------------------------------------------

VASTERAS = "Västerås 2022 (000_7fc4c13e710067f1.txt)"


class RateSpec(BaseModel):
    """Where the capitation rate comes from: the one the document's tables imply, budget / (persons x months),
    or budget-neutral (the rate at which capitation pays what hourly payment paid for the same person-months)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    basis: Literal["implied_by_tables", "budget", "budget_neutral"]
    budget: float = Field(gt=0, description="kr/year (document: 29 439 000)")
    persons: float = Field(gt=0, description="volume basis, persons (document: drygt 520)")
    months: int = Field(ge=1, le=12, description="months the budget pays for")


class PopulationSpec(PopulationSource):
    """Individual person-months: synthetic (calibrated to the tables, seeded) or an analyst's extract."""

    median_ordered_hours: float = Field(gt=0, description="hours/month, centre of the synthetic need levels")
    sigma_person: float = Field(ge=0, le=3, description="spread of need between persons (log scale)")
    sigma_month: float = Field(ge=0, le=3, description="spread of a person's hours between months (log scale)")


class NeedGroupSpec(BaseModel):
    """Need groups as bands of ordered hours per month."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    thresholds: list[float] = Field(min_length=1, description="hours/month, increasing")
    names: list[str] = Field(min_length=2)

    @model_validator(mode="after")
    def _shape(self) -> "NeedGroupSpec":
        if any(b <= a for a, b in zip(self.thresholds, self.thresholds[1:])):
            raise ValueError(f"thresholds must increase: {self.thresholds}")
        if len(self.names) != len(self.thresholds) + 1:
            raise ValueError("give one more name than thresholds")
        return self


class FairGroupSpec(BaseModel):
    """The group whose predictive ratio the constrained model holds at 1."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    by: Literal["provider", "provision", "need_group"]
    value: str


class PilotSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    provider: str
    persons: int = Field(ge=1)
    months: int = Field(ge=1, le=12)
    yearly_rate: float = Field(gt=0, description="kr/person-year")


@register("capitation_fairness")
class CapitationFairnessParams(ScenarioParams):
    """Capitation fairness: a flat amount per person instead of per executed hour (Västerås housing support)."""

    hourly_rate: float = param(unit="kr/hour", source=f"{VASTERAS}, section 4 (436 kr)", gt=0,
                               description="Today's payment per executed hour.")
    rate: RateSpec = param(unit="kr/year, persons, months", source=f"{VASTERAS}, section 4 and its capitation table",
                           description="The capitation rate: as the document's tables imply it, or budget / (persons x months).")
    execution_ratios: dict[str, float] = param(
        unit="share 0-1 by provider", source=f"{VASTERAS}, section 4 (51 % and 91 %)",
        description="Executed / ordered hours for the providers where the document gives it.")
    assumed_execution_ratio: float | None = param(
        unit="share 0-1", source="assumption; null = the pooled ratio of the providers with known ratios", gt=0, le=1,
        description="Execution ratio assumed for the other providers (synthetic ordered hours only).")
    population: PopulationSpec = param(unit="hours/month, seed", source="carepay.population (synthetic) or analyst's extract",
                                       description="Where the individual person-months come from.")
    need_groups: NeedGroupSpec = param(unit="hours/month", source="assumption (the document has no need groups)",
                                       description="Need groups as bands of ordered hours per month.")
    fair_group: FairGroupSpec = param(unit="group", source="carepay.capitation.estimate_constrained",
                                      description="The group the fairness-constrained model pays exactly its target.")
    cost_per_hour: float = param(unit="kr/hour", gt=0,
                                 source=f"assumption; {VASTERAS} section 1 judges the payment covers providers' costs",
                                 description="A provider's cost of one executed hour.")
    pilot: PilotSpec = param(unit="persons, months, kr/year", source=f"{VASTERAS}, section 5",
                             description="The capitation pilot: provider, persons, months and yearly rate.")

    @field_validator("execution_ratios")
    @classmethod
    def _ratios(cls, value: dict[str, float]) -> dict[str, float]:
        bad = {k: v for k, v in value.items() if not 0 < v <= 1}
        if bad:
            raise ValueError(f"execution ratios must be shares in (0, 1]: {bad}")
        return value


# --- fee incentives (Örebro) ---------------------------------------------------------------------

OREBRO = "Örebro 2018 (002_40af8f11a0d2ba4a.txt)"


class FeePopulationSpec(PopulationSource):
    """Home-care person-months: synthetic (calibrated to the Örebro aggregates, seeded) or an analyst's extract."""

    individuals: int = Field(ge=1, description="persons (Örebro 7.4.1: 2 700)")
    hours_per_year: float = Field(gt=0, description="executed hours a year (Örebro 7.4.1: 1 000 000)")
    individuals_above_cap_hours: int = Field(ge=0, description="persons above the fee cap's hours (Örebro 7.4.1: 1 700)")
    sigma_month: float = Field(ge=0, le=2, description="spread of a person's hours between months (log scale)")
    income_median: float = Field(gt=0, description="kr/month after tax (assumption)")
    income_sigma: float = Field(ge=0, le=2)
    housing_median: float = Field(gt=0, description="kr/month (assumption)")
    housing_sigma: float = Field(ge=0, le=2)
    supplement_income_limit: float = Field(ge=0, description="kr/month: below it a housing supplement is paid (assumption)")
    supplement_share: float = Field(ge=0, le=1, description="housing supplement as share of housing cost (assumption)")
    alarm_share: float = Field(ge=0, le=1, description="share with a safety alarm")
    income_year: int = Field(ge=2000, le=2100, description="year whose kronor the incomes and housing costs are in; "
                             "they follow the price base amount to the scenario's year")

    @model_validator(mode="after")
    def _check(self) -> "FeePopulationSpec":
        if self.individuals_above_cap_hours >= self.individuals:
            raise ValueError("individuals_above_cap_hours must be fewer than individuals")
        return self


class ElasticitySpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    central: float = Field(le=0, ge=-3, description="elasticity of executed hours to the price of an hour")
    low: float = Field(le=0, ge=-3, description="the more responsive end of the band")
    high: float = Field(le=0, ge=-3, description="the less responsive end of the band")
    nonfee_cost: float = Field(gt=0, description="kr/hour: the individual's non-fee cost of an hour of help (assumption)")

    @model_validator(mode="after")
    def _order(self) -> "ElasticitySpec":
        if not self.low <= self.central <= self.high:
            raise ValueError(f"need low <= central <= high, got {self.low}, {self.central}, {self.high}")
        return self


class EstimatorSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    persons: int = Field(ge=10, le=200_000)
    months: int = Field(ge=2, le=60)
    true_elasticity: float = Field(le=0, ge=-3)
    seed: int = Field(ge=0)


def _increasing(values: list[float], what: str) -> list[float]:
    if any(b <= a for a, b in zip(values, values[1:])):
        raise ValueError(f"{what} must increase: {values}")
    return values


@register("fee_incentives")
class FeeIncentivesParams(ScenarioParams):
    """Fee incentive effect: today's hourly fee with its cap against the proposed 11-level fee (Örebro)."""

    year: int = param(unit="year", source="data/national_fee_rules (price base amount per year)", ge=2016, le=2100,
                      description="Year whose price base amount sets the fee cap and the minimum allowance.")
    hourly_fee: float = param(unit="kr/hour", source=f"{OREBRO}, 5.3.2 and 7.4.1 (325 kr)", gt=0,
                              description="Today's fee per executed hour of care.")
    alarm_fee: float = param(unit="kr/month", source=f"{OREBRO}, 7.4.1 (the alarm is inside the cap; its fee is not printed)", ge=0,
                             description="Today's monthly fee for a safety alarm, inside the fee cap.")
    shares: Literal["document"] | list[float] = param(
        unit="share of fee headroom, levels 0-9 and X", source=f"{OREBRO}, 7.4.1 (10 %, 30 % ... 94 %, 100 %)",
        description="Share of the fee headroom paid at each of the 11 levels: 'document' or 11 increasing shares.")
    thresholds: list[float] = param(
        unit="hours/month", source=f"{OREBRO}, 7.4.1 prints only 4 (level 1) and 130 (level X); the 7 between are assumed",
        description="The 9 boundaries between levels 1|2, 2|3, ..., 8|9, 9|X.")
    cost_per_hour: Literal["document"] | float = param(
        unit="kr/hour", source=f"{OREBRO}, 7.4.1: 10 mnkr = 25 000 hours; 5.1.4: 12 kr = 3 % of the hourly cost",
        description="The municipality's cost of an executed hour; 'document' derives it from the break-even figures.")
    population: FeePopulationSpec = param(unit="persons, hours, kr/month", source=f"{OREBRO}, 7.4.1 aggregates; assumptions",
                                          description="Where the person-months come from.")
    elasticity: ElasticitySpec = param(
        unit="elasticity, kr/hour",
        source="home help price elasticities roughly -0.2 to -0.4 in the literature; about -0.4 in a French study "
               "(Roquebert & Tenand, household-level data on home care); the issue's range",
        description="Response of executed hours to the price of an hour: central value and band.")
    estimator: EstimatorSpec = param(unit="persons, months, elasticity, seed", source="carepay.behaviour",
                                     description="A synthetic panel with a known elasticity that the estimator must recover.")
    hour_bands: list[float] = param(unit="hours/month", source="-", description="Bands of executed hours for the distribution tables.")
    headroom_bands: list[float] = param(unit="kr/month", source="-", description="Bands of fee headroom for the distribution tables.")

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

    @field_validator("hour_bands", "headroom_bands")
    @classmethod
    def _bands(cls, value):
        return _increasing(value, "bands")


# --- provider payment (Örebro; Leksand–Rättvik) --------------------------------------------------

LEKSAND = "Leksand–Rättvik 2010 (004_840952fd22eaedc8.txt)"
Basis = Literal["executed_hours", "granted_hours", "level_month", "capitation"]


class ProvisionRatios(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    in_house: float = Field(gt=0, le=1.5)
    external: float = Field(gt=0, le=1.5)


class ClientPopulationSpec(PopulationSource):
    """Home-care clients by person-month: synthetic or an analyst's extract."""

    clients: int = Field(ge=1, description="persons (Örebro 7.4.1: 2 700)")
    executed_hours_per_year: float = Field(gt=0, description="hours (Örebro 7.4.1: 1 000 000)")
    sigma_person: float = Field(ge=0, le=3, description="spread of granted hours between clients (log scale)")
    sigma_month: float = Field(ge=0, le=2, description="spread of executed hours between months (log scale)")


class PremiumSpec(BaseModel):
    """Outcome premiums on top of the base payment: share of the base and share of clients reaching the goal."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    prevention_share: float = Field(ge=0, le=0.2, description="Örebro 5.1.4: 3 % of the hourly cost (12 kr/h)")
    prevention_goal_share: float = Field(ge=0, le=1, description="Örebro 5.1.4: 12 % got reduced time")
    quality_share: float = Field(ge=0, le=0.2, description="Örebro 5.1.4: 2 % (8 kr/h)")
    quality_goal_share: float = Field(ge=0, le=1, description="Örebro 5.1.4: 59 % promoters")


@register("provider_payment")
class ProviderPaymentParams(ScenarioParams):
    """How the provider payment basis steers executed time and cost (Örebro 7.4.2; Leksand–Rättvik)."""

    basis: Basis = param(unit="choice", source=f"{OREBRO} 7.4.2; {LEKSAND} 5.4",
                         description="The payment basis this scenario proposes (compared with all the others).")
    hourly_rate: Literal["document"] | float = param(
        unit="kr/hour", source=f"{OREBRO} 7.4.1-7.4.2: about 300 mnkr for about 1 000 000 executed hours",
        description="Payment per executed (or granted) hour; 'document' derives it from the report's totals.")
    payment_total: float = param(unit="kr/year", source=f"{OREBRO} 7.4.2 (cirka 300 mnkr)", gt=0,
                                 description="Today's payment for care, which the level amounts keep.")
    level_boundaries: list[float] = param(
        unit="hours/month granted", source=f"{OREBRO} 7.4.2 prints only that level 9 starts above 108 hours; the rest are assumed",
        description="Lower bounds of levels 1-9 in granted hours a month (the first is 0).")
    level_amounts: Literal["document", "calibrated"] = param(
        unit="choice", source=f"{OREBRO} 7.4.2 (1 373 ... 29 702 kr/month)",
        description="Pay the printed level amounts, or the ones calibrated here to keep the total.")
    execution: dict[Basis, ProvisionRatios] = param(
        unit="share of granted hours executed", source=f"{OREBRO} 7.4.2 (56 %, 76 %, about 60 %; under 50 % when granted time was paid)",
        description="Execution ratio of in-house and external providers under each basis (behavioural assumption).")
    guaranteed_share: float | None = param(
        unit="share 0-1", source=f"{OREBRO} 7.4.2 ('åtminstone 55 procent')", ge=0, le=1,
        description="Minimum executed share of granted hours; below it payment is reduced in proportion (null: no rule).")
    extension_margin: float = param(
        unit="share 0-1", source=f"{LEKSAND} 3.6.4 (temporary extension of time)", ge=0, le=1,
        description="How far executed hours may exceed granted ones before an extract is rejected.")
    staff: dict[str, float | str] = param(
        unit="kr/hour, shares", source=f"{LEKSAND} 5.2-5.3 (375 kr incl. 25 % indirect time; 482 kr at nearly 60 %)",
        description="price (kr/hour), indirect_time (share), reading ('on_top' or 'of_total'), own_cost (kr/hour).")
    premium: PremiumSpec | None = param(unit="shares", source=f"{OREBRO} 5.1.4, 6.2.1, 6.4",
                                        description="Outcome premiums on top of the base payment (null: none).")
    population: ClientPopulationSpec = param(unit="persons, hours", source=f"{OREBRO} 7.4.1 aggregates; assumptions",
                                             description="Where the client person-months come from.")

    @field_validator("level_boundaries")
    @classmethod
    def _bounds(cls, value: list[float]) -> list[float]:
        if len(value) != 9 or value[0] != 0:
            raise ValueError("give 9 lower bounds for levels 1-9, the first 0")
        if any(b <= a for a, b in zip(value, value[1:])):
            raise ValueError(f"level boundaries must increase: {value}")
        return value

    @field_validator("staff")
    @classmethod
    def _staff(cls, value: dict) -> dict:
        need = {"price", "indirect_time", "reading", "own_cost"}
        if set(value) != need:
            raise ValueError(f"staff needs exactly {', '.join(sorted(need))}")
        if value["reading"] not in ("on_top", "of_total"):
            raise ValueError("staff.reading must be on_top or of_total")
        return value

    @field_validator("execution")
    @classmethod
    def _all_bases(cls, value: dict) -> dict:
        missing = {"executed_hours", "granted_hours", "level_month", "capitation"} - set(value)
        if missing:
            raise ValueError(f"give execution ratios for every basis; missing: {', '.join(sorted(missing))}")
        return value
