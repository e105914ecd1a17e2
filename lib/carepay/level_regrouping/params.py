"""Parameters of the level regrouping question (notebooks/level_regrouping.ipynb, params/level_regrouping/)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from carepay.params import ScenarioParams, param

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
    def _one_kind(self) -> FloorSpec:
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
    on_cost_share: float = Field(
        ge=0, le=3, description="holiday pay, substitutes, unsocial hours, social fees, share of wage (assumption)"
    )
    overhead_share: float = Field(
        ge=0, le=1, description="management and administration, share of staff cost (Örebro 5.3.1: 12-13 % in LSS)"
    )


class ResidenceSpec(BaseModel):
    """Simulated residences: how many, how large, and the random seed."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    number: int = Field(ge=1, le=1_000_000)
    size_service_housing: int = Field(ge=1, le=40)
    size_group_housing: int = Field(ge=1, le=40)
    seed: int = Field(ge=0)


class LevelRegroupingParams(ScenarioParams):
    """Level regrouping neutrality: from 8/7 levels plus a base level to 5 (Stockholm LSS housing)."""

    reading: Literal["corrected", "printed"] = param(
        unit="choice",
        source=f"{STOCKHOLM}, Table 3; data/stockholm_lss_housing_2023/corrections.csv",
        description="Which reading of Table 3's person counts to use: with the recorded corrections, or as printed.",
    )
    new_levels: Literal["document"] | list[LevelSpec] = param(
        unit="levels (points, kr/year, kr/day)",
        source=f"{STOCKHOLM}, Table 2",
        description="The new grouping: 'document' for the proposal's 5 levels, or a list of levels with point ranges and (optionally) amounts.",
    )
    split: Literal["document", "uniform", "individual"] = param(
        unit="choice",
        source=f"{STOCKHOLM}, Tables 1-3",
        description="How the persons of an old level that straddles a new boundary split: as the document's new counts imply, evenly over the level's points, or exactly from individual points.",
    )
    individuals_file: str | None = param(
        unit="path to a CSV file",
        source="analyst's extract (schema in README)",
        description="One row per person with person_id, housing_form, points (and optionally residence_id, district_board, provider); needed for split 'individual'.",
    )
    tariff_method: Literal["as_given", "mean_preserving", "scaled", "floors"] = param(
        unit="choice",
        source="carepay.tariffs",
        description="New amounts: as given in new_levels, mean-preserving, the given ones scaled by the neutrality factor, or floors with the rest of the budget spread in the given shape.",
    )
    neutrality_scope: Literal["housing_form", "overall"] = param(
        unit="choice", source="carepay.tariffs", description="Keep the total unchanged per housing form, or only overall."
    )
    channel: Channel = param(
        unit="choice",
        source=f"{STOCKHOLM}, Tables 1-2",
        description="Payment channel for the headline results: the yearly standard amount (district boards) or a daily rate (providers).",
    )
    occupancy: float = param(
        unit="share 0-1",
        source="assumption (the document prices full years)",
        gt=0,
        le=1,
        description="Share of days a place is occupied and paid under daily rates.",
    )
    rounding_step: float = param(
        unit="kr",
        source="-",
        gt=0,
        description="Computed amounts are rounded to this step, as a board would decide them; the residual is reported.",
    )
    floors: list[FloorSpec] = param(
        unit="kr/person-year or residents",
        source=f"{STOCKHOLM}, Beräkning av grundbemanning",
        description="Minimum amounts for new levels, used by tariff_method 'floors'.",
    )
    base_staffing: BaseStaffingSpec = param(
        unit="kr/year, hours, kr/hour, shares",
        source=f"{STOCKHOLM}, Beräkning av grundbemanning",
        description="Base staffing of one residence: the document's cost, or computed from staffing, wage and on-costs.",
    )
    mix_levels: int = param(
        unit="levels",
        source=f"{STOCKHOLM}, Beräkning av grundbemanning (mixes of levels 1 and 2)",
        ge=1,
        le=4,
        description="Residents mixes are made of this many lowest levels.",
    )
    max_residents: int = param(
        unit="residents", source="-", ge=1, le=20, description="Largest residence considered for the resident mixes."
    )
    residences: ResidenceSpec = param(
        unit="residences, residents, seed",
        source=f"{STOCKHOLM}, Kostnads- och verksamhetsmässiga konsekvenser",
        description="Simulated residences (synthetic) when no individual file with residence_id is given.",
    )
    homogeneous_levels: int = param(
        unit="levels",
        source=f"{STOCKHOLM}: 'sällan flera individer med endast låga nivåer ... inte heller med endast höga'",
        ge=1,
        le=4,
        description="A residence is 'only low' when all residents are in this many lowest old levels, 'only high' for the highest.",
    )

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
    def _consistent(self) -> LevelRegroupingParams:
        if self.split == "individual" and not self.individuals_file:
            raise ValueError("split 'individual' needs individuals_file (a CSV of individual points)")
        needs_amounts = self.tariff_method in ("as_given", "scaled", "floors")
        if needs_amounts and self.new_levels != "document":
            missing = [f"{lv.housing_form} level {lv.level}" for lv in self.new_levels if getattr(lv, self.channel) is None]
            if missing:
                raise ValueError(
                    f"tariff_method '{self.tariff_method}' needs {self.channel} for every new level; "
                    f"missing for {', '.join(missing)} (or use mean_preserving)"
                )
        if self.tariff_method == "floors" and not self.floors:
            raise ValueError("tariff_method 'floors' needs at least one floor")
        return self
