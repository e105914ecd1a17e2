"""Parameters of the level regrouping question (notebooks/level_regrouping.ipynb, params/level_regrouping/)."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator, model_validator

from carepay.i18n import N_
from carepay.params import QuestionParams, Spec, param

# --- level regrouping (Stockholm LSS housing) ------------------------------------------------

STOCKHOLM = "Stockholm 2023 (001_c542c5f8b88ec173.txt)"
HousingForm = Literal["service_housing", "group_housing"]
Channel = Literal["standard_amount", "daily_rate_municipal", "daily_rate_contracted", "daily_rate_private"]


ANALYST_GROUPING = f"{STOCKHOLM}, Table 2 (the proposal), or the analyst's own grouping"
STAFFING = f"{STOCKHOLM}, Beräkning av grundbemanning"


class LevelSpec(Spec):
    """One level of a new grouping. Amounts may be left out when a solver computes them."""

    housing_form: HousingForm = param(unit="choice", source=ANALYST_GROUPING, description="The housing form of the level.")
    level: int = param(unit="level", source=ANALYST_GROUPING, description="The level's number.", ge=0)
    points_min: int = param(unit="points", source=ANALYST_GROUPING, description="Lowest points of the level.", ge=0)
    points_max: int = param(unit="points", source=ANALYST_GROUPING, description="Highest points of the level.", ge=0)
    standard_amount: float | None = param(
        None, unit="kr/year", source=ANALYST_GROUPING, description="Yearly standard amount (district boards).", gt=0
    )
    daily_rate_municipal: float | None = param(
        None, unit="kr/day", source=ANALYST_GROUPING, description="Daily rate, municipal provision.", gt=0
    )
    daily_rate_contracted: float | None = param(
        None, unit="kr/day", source=ANALYST_GROUPING, description="Daily rate, contracted provision.", gt=0
    )
    daily_rate_private: float | None = param(
        None, unit="kr/day", source=ANALYST_GROUPING, description="Daily rate, private provision.", gt=0
    )


class FloorSpec(Spec):
    """A minimum amount for one new level: in kr a year, or what covers base staffing with N residents."""

    housing_form: HousingForm = param(unit="choice", source=STAFFING, description="The housing form of the level.")
    level: int = param(unit="level", source=STAFFING, description="The new level the floor applies to.", ge=0)
    amount: float | None = param(None, unit="kr/person-year", source="analyst's choice", description="The floor.", gt=0)
    residents_covering_base_staffing: int | None = param(
        None,
        unit="residents",
        source=STAFFING,
        description="The floor that covers base staffing with this many residents at the level.",
        ge=1,
        le=30,
    )

    @model_validator(mode="after")
    def _one_kind(self) -> FloorSpec:
        if (self.amount is None) == (self.residents_covering_base_staffing is None):
            raise ValueError("give either amount (kr/year) or residents_covering_base_staffing, not both or neither")
        return self


class BaseStaffingSpec(Spec):
    """The yearly cost of one residence's base staffing: the document's figure or computed from hours and wages."""

    method: Literal["document", "computed"] = param(
        unit="choice", source=STAFFING, description="The document's cost, or computed from staffing, wage and on-costs."
    )
    cost: float = param(unit="kr/year", source=STAFFING, description="The document's cost (method document).", gt=0)
    day_staff: float = param(unit="staff", source=STAFFING, description="Staff on duty by day.", ge=0)
    day_hours: float = param(unit="hours/day", source=STAFFING, description="Hours of the day shift.", ge=0, le=24)
    weekday_reduction_staff: float = param(unit="staff", source=STAFFING, description="Staff fewer on weekdays.", ge=0)
    weekday_reduction_hours: float = param(unit="hours/day", source=STAFFING, description="Hours of that reduction.", ge=0, le=24)
    weekdays: int = param(unit="days/year", source="assumption (250 working days)", description="Weekdays a year.", ge=0, le=366)
    night_staff: float = param(unit="staff", source=STAFFING, description="Sleeping night staff.", ge=0)
    night_hours: float = param(unit="hours/day", source="assumption", description="Hours of the night duty.", ge=0, le=24)
    night_hour_weight: float = param(
        unit="share 0-1", source="assumption", description="Paid share of a sleeping-duty hour.", ge=0, le=1
    )
    hourly_wage: float = param(unit="kr/hour", source="assumption", description="Basic hourly wage.", gt=0)
    on_cost_share: float = param(
        unit="share of wage",
        source="assumption",
        description="Holiday pay, substitutes, unsocial hours and social fees on top of the wage.",
        ge=0,
        le=3,
    )
    overhead_share: float = param(
        unit="share of staff cost",
        source="Örebro 2018 (002_40af8f11a0d2ba4a.txt), 5.3.1: 12-13 % in LSS",
        description="Management and administration.",
        ge=0,
        le=1,
    )


class ResidenceSpec(Spec):
    """Simulated residences: how many, how large, and the random seed."""

    number: int = param(
        unit="residences",
        source="carepay (enough for stable shares)",
        description="Residences drawn per form.",
        ge=1,
        le=1_000_000,
    )
    size_service_housing: int = param(
        unit="residents", source="assumption (typical service housing)", description="Residents per service housing.", ge=1, le=40
    )
    size_group_housing: int = param(
        unit="residents", source="assumption (typical group home)", description="Residents per group home.", ge=1, le=40
    )
    seed: int = param(unit="seed", source="carepay (any whole number)", description="Seed of the draw.", ge=0)
    sorting: float = param(
        unit="0-1",
        source=(
            f"assumption; {STOCKHOLM} argues residences mix levels, which random placement (0) favours most; "
            "1 fills residences in order of level"
        ),
        description="How strongly residents sort into residences by need: 0 at random, 1 fully sorted.",
        ge=0,
        le=1,
    )
    margin_share: float = param(
        unit="share 0-1 of a residence's budget",
        source="assumption: a provider's margin of a few per cent (the document gives none)",
        description="The loss a residence can absorb; the report counts residences that lose more.",
        ge=0,
        le=1,
    )


class ExposureSpec(Spec):
    """Residents allocated to district boards and providers when no extract names them (carepay.exposure)."""

    district_boards: int = param(
        unit="district boards",
        source="Stockholm has 13 district boards (stadsdelsnämnder) since 2020",
        description="District boards the residents are allocated to (synthetic allocation).",
        ge=1,
        le=100,
    )
    providers: int = param(
        unit="providers",
        source="assumption (the document names no providers)",
        description="Providers the residents are allocated to (synthetic allocation).",
        ge=1,
        le=1000,
    )
    unevenness: float = param(
        unit="log scale",
        source=(
            f"assumption; {STOCKHOLM} says some district boards have many residents in certain old levels but "
            "gives no distribution: 0 gives every board the same mix"
        ),
        description="How unevenly the levels are spread over boards and providers (0: evenly).",
        ge=0,
        le=5,
    )
    provision_mix: dict[Literal["municipal", "contracted", "private"], float] = param(
        unit="shares 0-1",
        source="assumption: the document's counts are for all provision together and give no split",
        description="Shares of residents in municipal, contracted and private provision (normalised).",
    )
    draws: int = param(
        unit="allocations",
        source="carepay (enough to show how much the worst exposure rests on the draw)",
        description="Synthetic allocations drawn for the range of the worst exposure.",
        ge=1,
        le=1000,
    )
    seed: int = param(unit="seed", source="carepay (any whole number)", description="Seed of the allocation.", ge=0)

    @field_validator("provision_mix")
    @classmethod
    def _some(cls, value: dict) -> dict:
        if not value or any(v < 0 for v in value.values()) or sum(value.values()) <= 0:
            raise ValueError(f"provision_mix needs shares of 0 or more, some above 0: {value}")
        return value


class TransitionSpec(Spec):
    """The transition rules the document rejects ('no transition rules are needed'), priced (carepay.exposure)."""

    max_loss_share: float = param(
        unit="share 0-1 of today's amount",
        source=f"the board; {STOCKHOLM} proposes no transition rules",
        description="A cap on any resident's, residence's or district board's yearly loss, as a share of today's.",
        gt=0,
        le=1,
    )
    cap_years: int = param(unit="years", source="the board", description="How long the cap applies.", ge=1, le=10)
    phase_in_years: int = param(
        unit="years",
        source="the issue: a phase-in over one or two years",
        description="Losses phased in over this many years (a loser bears k/(years+1) in year k).",
        ge=1,
        le=10,
    )


class DriftSpec(Spec):
    """The level mix drifting from the count of August 2022 (carepay.tariffs.drift_neutrality)."""

    share_per_year: float = param(
        unit="share per year",
        source=(
            f"assumption; {STOCKHOLM} notes more clients with neuropsychiatric diagnoses at the low levels but "
            "gives no rate: the share of each level's residents one level lower a year (on top of mix_shift)"
        ),
        description="Drift toward the low levels a year (negative: toward the high).",
        gt=-1,
        lt=1,
    )
    counted_on: str = param(
        unit="date",
        source=f"{STOCKHOLM}: the residents of 26 August 2022",
        description="The day the residents were counted; years are counted from it to 1 January of each year.",
        pattern=r"^\d{4}-\d{2}-\d{2}$",
    )
    years: list[int] = param(
        unit="years", source="the issue: 2024 (the start) and 2026", description="Years projected.", min_length=1
    )
    tolerance: float = param(
        unit="share 0-1 of the cost",
        source="the board",
        description="A change within this share counts as neutral; the report states the drift that breaks it.",
        gt=0,
        le=0.5,
    )


class LevelRegroupingParams(QuestionParams):
    """Level regrouping neutrality: from 8/7 levels plus a base level to 5 (Stockholm LSS housing)."""

    def individual_data(self) -> bool:
        return bool(self.individuals_file)

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
    mix_shift: float = param(
        0.0,
        unit="share of each level's residents (-0.3 to 0.3)",
        source=f"assumption: {STOCKHOLM} counts the residents of 26 August 2022; the new levels apply from 1 January 2024",
        ge=-0.3,
        le=0.3,
        description="Net share of each old level's residents one level higher in 2024 than counted in August 2022 "
        "(negative: lower). The amounts stay those set on the August 2022 counts; costs and who gains are counted "
        "over the 2024 residents.",
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
        source="presentation choice (a board decides amounts to the krona)",
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
        unit="residents",
        source="presentation choice (the document's examples stop below 12)",
        ge=1,
        le=20,
        description="Largest residence considered for the resident mixes.",
    )
    residences: ResidenceSpec = param(
        unit="residences, residents, seed",
        source=f"{STOCKHOLM}, Kostnads- och verksamhetsmässiga konsekvenser",
        description="Simulated residences (synthetic) when no individual file with residence_id is given.",
    )
    focus: Literal["document", "exposure", "transition", "phase_in", "residences", "drift", "staffing"] = param(
        unit="choice",
        source="the analyst",
        description="What the scenario is about: its answer and headline results lead with the document's neutrality, "
        "the exposure of boards and providers, a loss cap, a phase-in, residences, drift or base staffing.",
    )
    exposure: ExposureSpec = param(
        unit="boards, providers, shares",
        source="carepay.exposure; assumptions (see each field)",
        description="Synthetic allocation to district boards and providers, and the mix of provision types.",
    )
    transition: TransitionSpec = param(
        unit="share, years", source="the board", description="Transition rules priced: a loss cap and a phase-in."
    )
    drift: DriftSpec = param(
        unit="share per year, years",
        source=f"{STOCKHOLM}; assumptions",
        description="The level mix projected from the count to the years the levels apply.",
    )
    homogeneous_levels: int = param(
        unit="levels",
        source=f"{STOCKHOLM}: 'sällan flera individer med endast låga nivåer ... inte heller med endast höga'",
        ge=1,
        le=4,
        description="A residence is 'only low' when all residents are in this many lowest old levels, 'only high' for the highest.",
    )

    def settled_inputs(self) -> dict[str, str]:
        """An individual-points file gives each resident's points: the split is exact and the mix is the file's."""
        out = {}
        if self.individuals_file:
            out["mix_shift"] = N_("the individual-points file counts the residents themselves")
        if self.split == "individual":
            out["split"] = N_("the individual-points file gives each resident's points, so every level splits exactly")
        return out

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
        if self.new_levels != "document" and self.split == "document":
            raise ValueError(
                "split 'document' divides straddling levels as the document's counts for its own 5 levels imply; "
                "a grouping of your own (new_levels) needs split 'uniform' or 'individual' (with individuals_file)"
            )
        if self.mix_shift and self.individuals_file:
            raise ValueError(
                f"mix_shift {self.mix_shift:g} moves the document's counts of August 2022; an individual-points file "
                "counts the residents themselves, so with individuals_file leave mix_shift at 0"
            )
        if self.split == "individual" and not self.individuals_file:
            raise ValueError("split 'individual' needs individuals_file (a CSV of individual points)")
        if self.individuals_file:
            from carepay.paths import extract_path

            extract_path(self.individuals_file)  # where it may come from, what it may be, how large
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
