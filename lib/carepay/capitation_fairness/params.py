"""Parameters of the capitation fairness question (notebooks/capitation_fairness.ipynb, params/capitation_fairness/)."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator, model_validator

from carepay.i18n import N_
from carepay.params import PopulationSource, QuestionParams, Spec, param

# --- capitation fairness (Västerås housing support) ---------------------------------------------

VASTERAS = "Västerås 2022 (000_7fc4c13e710067f1.txt)"


class RateSpec(Spec):
    """Where the capitation rate comes from: the one the document's tables imply, budget / (persons x months),
    or budget-neutral (the rate at which capitation pays what hourly payment paid for the same person-months)."""

    basis: Literal["implied_by_tables", "budget", "budget_neutral"] = param(
        unit="choice",
        source=f"{VASTERAS}, section 4 and its capitation table (the two readings disagree)",
        description="The tables' rate, the text's budget over persons and months, or the budget-neutral rate.",
    )
    budget: float = param(unit="kr/year", source=f"{VASTERAS}, section 4", description="The budget for a year.", gt=0)
    persons: float = param(unit="persons", source=f"{VASTERAS}, section 4", description="The volume basis.", gt=0)
    months: int = param(
        unit="months", source=f"{VASTERAS}, section 4 (a year)", description="Months the budget pays for.", ge=1, le=12
    )


class PopulationSpec(PopulationSource):
    """Individual person-months: synthetic (calibrated to the tables, seeded) or an analyst's extract."""

    median_ordered_hours: float = param(
        unit="hours/month",
        source="assumption (calibrated: the tables give only sums)",
        description="Centre of the synthetic persons' ordered hours.",
        gt=0,
    )
    sigma_person: float = param(
        unit="log scale",
        source="assumption",
        description="Spread of ordered hours between persons (standard deviation of the log).",
        ge=0,
        le=3,
    )
    sigma_month: float = param(
        unit="log scale",
        source="assumption",
        description="Spread of a person's hours between months (standard deviation of the log).",
        ge=0,
        le=3,
    )
    score_correlation: float = param(
        unit="correlation 0-1",
        source="assumption (the generator's: Västerås publishes no assessment scores)",
        description="Synthetic adjusters: the correlation of the assessment score with a person's (log) ordered hours.",
        ge=0,
        le=1,
    )


class NeedGroupSpec(Spec):
    """Need groups as bands of ordered hours per month."""

    thresholds: list[float] = param(
        unit="hours/month",
        source="assumption (the document has no need groups)",
        description="Boundaries between the need groups, increasing.",
        min_length=1,
    )
    names: list[str] = param(
        unit="names", source="assumption", description="One name per group, one more than thresholds.", min_length=2
    )

    @model_validator(mode="after")
    def _shape(self) -> NeedGroupSpec:
        if any(b <= a for a, b in zip(self.thresholds, self.thresholds[1:])):
            raise ValueError(f"thresholds must increase: {self.thresholds}")
        if len(self.names) != len(self.thresholds) + 1:
            raise ValueError("give one more name than thresholds")
        return self


class FairGroupSpec(Spec):
    """The group whose predictive ratio the constrained model holds at 1."""

    by: Literal["provider", "provision", "need_group"] = param(
        unit="choice",
        source="carepay.capitation.estimate_constrained; risk groups as in van Kleef et al. 2017, Zink and Rose 2020",
        description="The grouping the group belongs to: a need group, as risk adjustment does it; a provider or "
        "provision only to illustrate why not (the report labels it so).",
    )
    value: str = param(unit="group id", source="analyst's choice", description="The group paid exactly its cost.")


class PilotSpec(Spec):
    """The capitation pilot (section 5)."""

    provider: str = param(unit="provider id", source=f"{VASTERAS}, section 5 (Skultuna)", description="The pilot provider.")
    persons: int = param(unit="persons", source=f"{VASTERAS}, section 5", description="Persons in the pilot.", ge=1)
    months: int = param(unit="months", source=f"{VASTERAS}, section 5", description="Length of the pilot.", ge=1, le=12)
    yearly_rate: float = param(
        unit="kr/person-year", source=f"{VASTERAS}, section 4 (ca 56 000 kr)", description="Capitation a year.", gt=0
    )
    alpha: float = param(
        unit="probability",
        source="convention (Cohen 1988): a 5 % risk of finding a difference that is not there",
        description="Evaluation: the test's level (two-sided).",
        gt=0,
        lt=0.5,
    )
    power: float = param(
        unit="probability",
        source="convention (Cohen 1988): an 80 % chance of finding a difference that is there",
        description="Evaluation: the chance the pilot detects a true difference of the size reported.",
        gt=0.5,
        lt=1,
    )
    shadow_registration_share: float = param(
        unit="share 0-1 of executed time",
        source="the analyst; the document stops time reporting under capitation and gives no time for it",
        description="Evaluation: the share of executed time that registering it alongside capitation would take.",
        ge=0,
        le=0.5,
    )
    shadow_registration: bool = param(
        unit="yes/no",
        source=f"the analyst; {VASTERAS}, section 3 stops time reporting under capitation",
        description="Evaluation: whether the pilot provider registers its time alongside capitation (the board paying).",
    )


class DesignSpec(Spec):
    """Payment designs between hourly payment and capitation (carepay.capitation), and the loss the board accepts."""

    proposed: Literal["capitation", "blend", "corridor", "stop_loss"] = param(
        unit="choice",
        source=f"the analyst; {VASTERAS} proposes capitation",
        description="The design the scenario puts to the board: its loss, incentive, transition and cost lead the answer.",
    )

    flat_share: float = param(
        unit="share 0-1",
        source="the analyst; blended payment as in Cattel et al. 2020 (no one share is standard)",
        description="Blend: the share paid as capitation, the rest per executed hour.",
        ge=0,
        le=1,
    )
    corridor_band: float = param(
        unit="share 0-1 of hourly payment",
        source="the analyst; risk corridors after van Barneveld et al. 2001",
        description="Corridor: a gain or loss against hourly payment within this share is the provider's alone.",
        ge=0,
        le=1,
    )
    corridor_provider_share: float = param(
        unit="share 0-1",
        source="the analyst; risk corridors after van Barneveld et al. 2001",
        description="Corridor: the provider's share of a gain or loss beyond the band (0: a hard floor and ceiling).",
        ge=0,
        le=1,
    )
    stop_loss_hours: float = param(
        unit="hours/person-month",
        source="the analyst; the need groups' top band starts at 30 ordered hours a month",
        description="Stop-loss: executed hours above this in a person's month are paid per hour.",
        ge=0,
    )
    phase_in_years: int = param(
        unit="years",
        source="the analyst; a transition the document does not discuss",
        description="Transition: capitation (the document's model) phased in over this many equal yearly steps.",
        ge=1,
        le=10,
    )
    safeguard_share: float = param(
        unit="share 0-1 of ordered time",
        source="the analyst; the document's first risk: clients getting too little time (section 3)",
        description="Safeguard: the least share of a client's ordered time a provider paid per person must deliver.",
        ge=0,
        le=1,
    )
    max_loss_share: float = param(
        unit="share 0-1 of hourly payment",
        source=(
            f"the board; {VASTERAS}, sections 1-2: two providers left under LOV in 2021, and capitation may not "
            "meet providers' need for revenue (a provider on a margin of a few per cent cannot absorb a loss several times it)"
        ),
        description="The largest loss of any provider the board accepts, as a share of what hourly payment paid it.",
        gt=0,
        le=1,
    )


class VolumeSpec(Spec):
    """Growth in the number of clients, projected into each design's cost (carepay.capitation.volume_projection)."""

    growth_per_year: float | None = param(
        unit="share per year",
        source=f"{VASTERAS}, the persons table: 507 clients in January 2021, 527 in December (null: that growth a year)",
        description="Yearly growth in the number of clients; hours per client and the rates held at the base year's.",
        gt=-1,
        le=1,
    )
    years: list[int] = param(
        unit="years",
        source="the issue's horizon (2022-2024); the base year is 2021, the year of the document's tables",
        description="The years projected.",
        min_length=1,
    )


class AdministrationSpec(Spec):
    """The needs-assessment posts capitation adds and the audit of reported time it stops (section 3)."""

    posts: float = param(
        unit="full-time posts",
        source=f"{VASTERAS}, section 3 (two full-time posts)",
        description="Posts added to the needs-assessment unit under any design with a part paid per person.",
        ge=0,
    )
    cost_per_post: float = param(
        unit="kr/year",
        source=(
            "assumption: no document gives it; a needs assessor's mean salary of about 37 000 kr a month "
            "(SCB salary statistics as published by statsskuld.se) with about 40 % for employer's contributions, "
            "pensions and insurance"
        ),
        description="What one post costs the board a year.",
        ge=0,
    )
    audit_saving: float = param(
        unit="kr/year",
        source=(
            f"assumption: {VASTERAS}, section 3 says the reported time need no longer be audited but gives no "
            "amount; taken as half a post"
        ),
        description="What the board saves a year when no time is reported and none audited (capitation alone).",
        ge=0,
    )


class CapitationFairnessParams(QuestionParams):
    """Capitation fairness: a flat amount per person instead of per executed hour (Västerås housing support)."""

    def individual_data(self) -> bool:
        return self.population.source == "extract"

    def settled_inputs(self) -> dict[str, str]:
        """An extract gives the persons' own hours, so the synthetic generator's spreads play no part."""
        if self.population.source != "extract":
            return {}
        why = N_("the extract gives the persons' own hours; the synthetic generator is not used")
        return {
            "population.sigma_person": why,
            "population.sigma_month": why,
            "population.median_ordered_hours": why,
            "population.score_correlation": why,
        }

    hourly_rate: float = param(
        unit="kr/hour", source=f"{VASTERAS}, section 4 (436 kr)", gt=0, description="Today's payment per executed hour."
    )
    rate: RateSpec = param(
        unit="kr/year, persons, months",
        source=f"{VASTERAS}, section 4 and its capitation table",
        description="The capitation rate: as the document's tables imply it, or budget / (persons x months).",
    )
    execution_ratios: dict[str, float] = param(
        unit="share 0-1 by provider",
        source=f"{VASTERAS}, section 4 (51 % and 91 %)",
        description="Executed / ordered hours for the providers where the document gives it.",
    )
    assumed_execution_ratio: float | None = param(
        unit="share 0-1",
        source="assumption; null = the pooled ratio of the providers with known ratios",
        gt=0,
        le=1,
        description="Execution ratio assumed for the other providers (synthetic ordered hours only).",
    )
    population: PopulationSpec = param(
        unit="hours/month, seed",
        source="carepay.population (synthetic) or analyst's extract",
        description="Where the individual person-months come from.",
    )
    need_groups: NeedGroupSpec = param(
        unit="hours/month",
        source="assumption (the document has no need groups)",
        description="Need groups as bands of ordered hours per month.",
    )
    fair_group: FairGroupSpec = param(
        unit="group",
        source="carepay.capitation.estimate_constrained (risk groups, after van Kleef et al. 2017)",
        description="The group the fairness-constrained model pays exactly its target.",
    )
    cost_per_hour: float = param(
        unit="kr/hour",
        gt=0,
        source=f"assumption; {VASTERAS} section 1 judges the payment covers providers' costs",
        description="A provider's cost of one executed hour.",
    )
    pilot: PilotSpec = param(
        unit="persons, months, kr/year",
        source=f"{VASTERAS}, section 5",
        description="The capitation pilot: provider, persons, months and yearly rate.",
    )
    focus: Literal["document", "design", "transition", "growth", "pilot"] = param(
        unit="choice",
        source="the analyst",
        description="What the scenario is about: its answer and headline results lead with the document's comparison, "
        "the proposed design, the transition to it, growth in clients, or the pilot.",
    )
    volume: VolumeSpec = param(
        unit="share per year, years",
        source=f"{VASTERAS}, the persons table; the analyst",
        description="Growth in clients and the years it is projected over.",
    )
    administration: AdministrationSpec = param(
        unit="posts, kr/year",
        source=f"{VASTERAS}, section 3; assumptions",
        description="The posts added and the audit saved, by design.",
    )
    designs: DesignSpec = param(
        unit="shares, hours/person-month",
        source="the analyst and the board (see each field)",
        description="Payment designs compared with hourly payment and capitation, and the loss the board accepts.",
    )

    @field_validator("execution_ratios")
    @classmethod
    def _ratios(cls, value: dict[str, float]) -> dict[str, float]:
        bad = {k: v for k, v in value.items() if not 0 < v <= 1}
        if bad:
            raise ValueError(f"execution ratios must be shares in (0, 1]: {bad}")
        return value
