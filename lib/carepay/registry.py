"""The explicit list of carepay's questions and of the modules that cross-check each document.

One name per question: notebooks/<name>.ipynb, params/<name>/, carepay.<name> (its parameter
model, analysis and, where its document has them, the document's cross-checks),
tests/test_<name>.py, benchmarks/bench_<name>.py and tests/pinned/<name>.yaml. Add a question
by adding a line here; nothing registers itself by being imported. Names are dotted paths,
imported only when used, so validating a scenario does not import the analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

from carepay.i18n import N_


@dataclass(frozen=True)
class Question:
    title: str  # in English, marked for the catalogue: shown as i18n.term(title)
    params: str  # "module:ParameterModel"
    documents: tuple[str, ...]  # the data packages under data/ it reads
    inputs: str = ""  # "module:function" checking a scenario's own files (extracts) before a kernel starts
    headline: str = ""  # the key result (its id) the comparison page draws across the scenarios


QUESTIONS: dict[str, Question] = {
    "sources": Question(N_("Sources and their checks"), "carepay.sources:SourcesParams", ()),
    "capitation_fairness": Question(
        N_("Capitation fairness"),
        "carepay.capitation_fairness.params:CapitationFairnessParams",
        ("vasteras_housing_support_2022",),
        "carepay.capitation_fairness.analysis:check_inputs",
        "proposed_versus_hourly_last_year",
    ),
    "level_regrouping": Question(
        N_("Level regrouping neutrality"),
        "carepay.level_regrouping.params:LevelRegroupingParams",
        ("stockholm_lss_housing_2023",),
        "carepay.level_regrouping.analysis:check_inputs",
        "cost_change",
    ),
    "fee_incentives": Question(
        N_("Fee incentive effect: the user fee"),
        "carepay.fee_incentives.params:FeeIncentivesParams",
        ("orebro_home_care_2018", "national_fee_rules"),
        "carepay.fee_incentives.analysis:check_inputs",
        "net_budget_effect",
    ),
    "provider_payment": Question(
        N_("Fee incentive effect: the provider payment basis"),
        "carepay.provider_payment.params:ProviderPaymentParams",
        ("orebro_home_care_2018", "leksand_rattvik_home_care_2010"),
        "carepay.provider_payment.analysis:check_inputs",
        "payment_change",
    ),
}

#: Modules whose CHECKS map a data package to its cross-check functions (carepay.checks runs them).
CHECK_MODULES: tuple[str, ...] = (
    "carepay.capitation_fairness.checks",
    "carepay.level_regrouping.checks",
    "carepay.fee_incentives.checks",
    "carepay.provider_payment.checks",
)
