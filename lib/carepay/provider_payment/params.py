"""Parameters of the provider payment question (notebooks/provider_payment.ipynb, params/provider_payment/)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from carepay.fee_incentives.params import OREBRO
from carepay.params import PopulationSource, ScenarioParams, param

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


class ProviderPaymentParams(ScenarioParams):
    """How the provider payment basis steers executed time and cost (Örebro 7.4.2; Leksand–Rättvik)."""

    basis: Basis = param(
        unit="choice",
        source=f"{OREBRO} 7.4.2; {LEKSAND} 5.4",
        description="The payment basis this scenario proposes (compared with all the others).",
    )
    hourly_rate: Literal["document"] | float = param(
        unit="kr/hour",
        source=f"{OREBRO} 7.4.1-7.4.2: about 300 mnkr for about 1 000 000 executed hours",
        description="Payment per executed (or granted) hour; 'document' derives it from the report's totals.",
    )
    payment_total: float = param(
        unit="kr/year",
        source=f"{OREBRO} 7.4.2 (cirka 300 mnkr)",
        gt=0,
        description="Today's payment for care, which the level amounts keep.",
    )
    level_boundaries: list[float] = param(
        unit="hours/month granted",
        source=f"{OREBRO} 7.4.2 prints only that level 9 starts above 108 hours; the rest are assumed",
        description="Lower bounds of levels 1-9 in granted hours a month (the first is 0).",
    )
    level_amounts: Literal["document", "calibrated"] = param(
        unit="choice",
        source=f"{OREBRO} 7.4.2 (1 373 ... 29 702 kr/month)",
        description="Pay the printed level amounts, or the ones calibrated here to keep the total.",
    )
    execution: dict[Basis, ProvisionRatios] = param(
        unit="share of granted hours executed",
        source=f"{OREBRO} 7.4.2 (56 %, 76 %, about 60 %; under 50 % when granted time was paid)",
        description="Execution ratio of in-house and external providers under each basis (behavioural assumption).",
    )
    guaranteed_share: float | None = param(
        unit="share 0-1",
        source=f"{OREBRO} 7.4.2 ('åtminstone 55 procent')",
        ge=0,
        le=1,
        description="Minimum executed share of granted hours; below it payment is reduced in proportion (null: no rule).",
    )
    extension_margin: float = param(
        unit="share 0-1",
        source=f"{LEKSAND} 3.6.4 (temporary extension of time)",
        ge=0,
        le=1,
        description="How far executed hours may exceed granted ones before an extract is rejected.",
    )
    staff: dict[str, float | str] = param(
        unit="kr/hour, shares",
        source=f"{LEKSAND} 5.2-5.3 (375 kr incl. 25 % indirect time; 482 kr at nearly 60 %)",
        description="price (kr/hour), indirect_time (share), reading ('on_top' or 'of_total'), own_cost (kr/hour).",
    )
    premium: PremiumSpec | None = param(
        unit="shares",
        source=f"{OREBRO} 5.1.4, 6.2.1, 6.4",
        description="Outcome premiums on top of the base payment (null: none).",
    )
    population: ClientPopulationSpec = param(
        unit="persons, hours",
        source=f"{OREBRO} 7.4.1 aggregates; assumptions",
        description="Where the client person-months come from.",
    )

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
