"""Parameters of the provider payment question (notebooks/provider_payment.ipynb, params/provider_payment/)."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from carepay.fee_incentives.params import OREBRO
from carepay.home_care import HomeCarePopulationSpec, check_level_boundaries
from carepay.params import QuestionParams, Spec, param

# --- provider payment (Örebro; Leksand–Rättvik) --------------------------------------------------

LEKSAND = "Leksand–Rättvik 2010 (004_840952fd22eaedc8.txt)"
Basis = Literal["executed_hours", "granted_hours", "level_month", "capitation"]


EXECUTION = f"{OREBRO} 7.4.2 (56 %, 76 %, about 60 %; under 50 % when granted time was paid); assumptions elsewhere"
PREMIUMS = f"{OREBRO} 5.1.4 (the 2014 pilot)"


class ProvisionRatios(Spec):
    """Executed share of granted hours, by provision."""

    in_house: float = param(unit="share of granted hours", source=EXECUTION, description="In-house providers.", gt=0, le=1.5)
    external: float = param(unit="share of granted hours", source=EXECUTION, description="External providers.", gt=0, le=1.5)


class PremiumSpec(Spec):
    """Outcome premiums on top of the base payment: share of the base and share of clients reaching the goal."""

    prevention_share: float = param(
        unit="share of base payment", source=PREMIUMS, description="Premium where a client's need fell.", ge=0, le=0.2
    )
    prevention_goal_share: float = param(
        unit="share of clients", source=PREMIUMS, description="Clients whose need fell.", ge=0, le=1
    )
    quality_share: float = param(
        unit="share of base payment",
        source=PREMIUMS,
        description="Premium where the client recommends the provider.",
        ge=0,
        le=0.2,
    )
    quality_goal_share: float = param(
        unit="share of clients", source=PREMIUMS, description="Clients who would recommend the provider.", ge=0, le=1
    )


class StaffSpec(Spec):
    """The Leksand–Rättvik hourly price and own cost, and how its indirect time is read."""

    price: float = param(unit="kr/hour", source=f"{LEKSAND} 5.2", description="Payment per executed hour (2011).", gt=0)
    indirect_time: float = param(
        unit="share 0-1", source=f"{LEKSAND} 5.2", description="Indirect time priced into the hourly rate.", ge=0, lt=1
    )
    reading: Literal["on_top", "of_total"] = param(
        unit="choice",
        source=f"{LEKSAND} 5.2 ('inklusive 25 % kringtid' can be read both ways)",
        description="Indirect time on top of time at the client, or a share of all time.",
    )
    own_cost: float = param(
        unit="kr/hour", source=f"{LEKSAND} 5.3", description="The in-house cost per executed hour (2010).", gt=0
    )
    own_cost_client_share: float = param(
        unit="share 0-1",
        source=f"{LEKSAND} 5.3 ('en utförandegrad på nära 60 %', an upper bound)",
        description="The 'utförandegrad' at which the own cost was computed, read as time at the client over working time.",
        gt=0,
        le=1,
    )
    price_year: int = param(unit="year", source=f"{LEKSAND} 5.2 (the price for 2011)", description="The price's year.")
    price_growth_per_year: float = param(
        unit="share per year",
        source=(
            "assumption: SKR's care price index (omsorgsprisindex, 80 % wage cost and 20 % CPI) rose 2,2-2,7 % a "
            "year in 2015-2018 (SKR circular of 12 December 2018); the same 2,5 % is taken for 2012-2014"
        ),
        description="Yearly growth carrying the price to another year before it is compared with that year's amounts.",
        ge=-0.1,
        le=0.2,
    )


class ProviderPaymentParams(QuestionParams):
    """How the provider payment basis steers executed time and cost (Örebro 7.4.2; Leksand–Rättvik)."""

    def individual_data(self) -> bool:
        return self.population.source == "extract"

    basis: Basis = param(
        unit="choice",
        source=f"{OREBRO} 7.4.2; {LEKSAND} 5.4",
        description="The payment basis this scenario proposes (compared with all the others).",
    )
    hourly_cost: Literal["payment", "break_even"] | float = param(
        unit="kr/hour",
        source=f"{OREBRO}, 7.4.1-7.4.2 (300 mnkr for 1 000 000 executed hours: 300 kr) and 7.4.1, 5.1.4 (10 mnkr = 25 000 "
        "hours, 12 kr = 3 %: 400 kr); the two readings are a recorded discrepancy",
        description="Today's payment per executed hour: the reading 'payment' (300 mnkr for 1 000 000 hours), "
        "'break_even' (the report's break-even), or a number. The same named assumption as fee_incentives'.",
    )
    proposed_hourly_rate: float | None = param(
        None,
        unit="kr/hour",
        source=f"analyst's choice; {LEKSAND} 5.2 pays 375 kr",
        description="Payment per executed (or granted) hour under the proposal; null: today's hourly rate.",
        gt=0,
    )
    level_creep_share: float = param(
        0.05,
        unit="share 0-1 of each level's clients",
        source="the issue's question: what 5 % of clients moving up one level would cost (no document gives a rate)",
        description="Level creep: the share of each level's clients assessed one level higher.",
        ge=0,
        le=1,
    )
    focus: Literal["document", "leksand", "level_creep"] = param(
        "document",
        unit="choice",
        source="the analyst",
        description="What the scenario is about: Örebro's payment basis, Leksand–Rättvik's price on its own terms, "
        "or level creep under payment per level and month.",
    )
    proposed_rate_year: int | None = param(
        None,
        unit="year",
        source="the price year of proposed_hourly_rate (Leksand–Rättvik's 375 kr are 2011's)",
        description="When set and not 2018, proposed_hourly_rate is carried to Örebro's 2018 at staff.price_growth_per_year.",
        ge=2000,
        le=2100,
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
    guaranteed_response: float = param(
        0.5,
        unit="share 0-1",
        source="assumption: the report treats the rule as a deduction (0); providers below it may deliver more instead",
        ge=0,
        le=1,
        description="Share of its gap to the guaranteed minimum a provider closes by delivering more hours (0: none, "
        "the payment is reduced; 1: all).",
    )
    overall_execution_range: list[float] = param(
        [0.58, 0.62],
        unit="share of granted hours",
        source=f"{OREBRO} 7.4.2 ('cirka 60 procent'), read as 58-62 %",
        description="Low and high ends of the overall execution ratio; the in-house share of granted time, which the "
        "report does not give, is inferred from it and shown over this range.",
    )
    extension_margin: float = param(
        unit="share 0-1",
        source=f"{LEKSAND} 3.6.4 (temporary extension of time)",
        ge=0,
        le=1,
        description="How far executed hours may exceed granted ones before an extract is rejected.",
    )
    staff: StaffSpec = param(
        unit="kr/hour, shares",
        source=f"{LEKSAND} 5.2-5.3 (375 kr incl. 25 % indirect time; 482 kr at nearly 60 %)",
        description="The Leksand–Rättvik price and own cost per hour, and how its indirect time is read.",
    )
    premium: PremiumSpec | None = param(
        unit="shares",
        source=f"{OREBRO} 5.1.4, 6.2.1, 6.4",
        description="Outcome premiums on top of the base payment (null: none).",
    )
    population: HomeCarePopulationSpec = param(
        unit="persons, hours, kr/month",
        source=f"{OREBRO} 7.4.1-7.4.2 aggregates; assumptions",
        description="Where the person-months come from: the same Örebro population as fee_incentives' (carepay.home_care).",
    )

    @field_validator("level_boundaries")
    @classmethod
    def _bounds(cls, value: list[float]) -> list[float]:
        return check_level_boundaries(value)

    @field_validator("execution")
    @classmethod
    def _all_bases(cls, value: dict) -> dict:
        missing = {"executed_hours", "granted_hours", "level_month", "capitation"} - set(value)
        if missing:
            raise ValueError(f"give execution ratios for every basis; missing: {', '.join(sorted(missing))}")
        return value
