"""The answer sections: every sentence computed from the result, and the sentences that depend on the numbers
chosen by them (each condition tried both ways)."""

from __future__ import annotations

import pytest

from carepay import params, sources
from carepay.capitation_fairness import analysis as cf
from carepay.capitation_fairness import answer as cf_answer
from carepay.fee_incentives import analysis as fi
from carepay.fee_incentives import answer as fi_answer
from carepay.formats import signed_kr
from carepay.level_regrouping import analysis as lr
from carepay.level_regrouping import answer as lr_answer
from carepay.provider_payment import analysis as pp
from carepay.provider_payment import answer as pp_answer
from carepay.report import inline_html


@pytest.fixture(scope="module")
def regrouping():
    pkg = sources.load(lr.PACKAGE)
    return {
        s: (lr.analyse(params.load("level_regrouping", s), pkg), params.load("level_regrouping", s))
        for s in ("default", "uniform_split")
    }


def test_regrouping_verdict_follows_the_numbers(regrouping):
    r, p = regrouping["default"]
    text = lr_answer.sentences(r, p)
    assert 3 <= len(text) <= 6
    assert "**cost-neutral**" in text[0] and "not cost-neutral" not in text[0]
    assert "old level 3 to new level 2" in text[-2]  # the largest loss, on one side of a split level
    r2, p2 = regrouping["uniform_split"]
    text2 = lr_answer.sentences(r2, p2)
    assert "**not cost-neutral**" in text2[0] and text2[1].startswith("It is not neutral for")
    assert "as the document's counts imply" in text2[-1]


def test_capitation_answer_names_winner_loser_and_the_rate_assumption():
    pkg = sources.load(cf.PACKAGE)
    names = pkg.table("providers").set_index("provider").printed_name
    r = cf.analyse(params.load("capitation_fairness"), pkg)
    text = cf_answer.sentences(r, names)
    assert "Vård och omsorg would gain" in text[1] and "Aros Stödgrupp lose" in text[1]
    assert "gains; Aros Stödgrupp, at 91\u00a0%, loses" in text[2]
    assert "the text" in text[-1]
    everyone_gains = r.totals.assign(change=1.0, change_share=0.1)
    r.totals = everyone_gains
    assert cf_answer.sentences(r, names)[1] == "Every provider moves in the same direction: all gain."


def test_fee_answer_and_its_verdict_both_ways():
    pkg, rules = sources.load(fi.PACKAGE), sources.load(fi.RULES)
    p = params.load("fee_incentives")
    r = fi.analyse(p, pkg, rules)
    text = fi_answer.sentences(r, p, pkg)
    assert "less a year" in text[0] and "no elasticity between" in text[2]
    r.break_even_elasticity = -1.5
    assert "it pays for itself at an elasticity of −1,50" in fi_answer.sentences(r, p, pkg)[2]


def test_provider_answer_same_total_or_a_change():
    orebro = sources.load(pp.OREBRO)
    p = params.load("provider_payment")
    text = pp_answer.sentences(pp.analyse(p, orebro), p)
    assert "**the same total**" in text[0] and "calibrated to keep it" in text[0]
    p2 = params.load("provider_payment", "leksand_rattvik")
    r2 = pp.analyse(p2, orebro)
    text2 = pp_answer.sentences(r2, p2)
    change = float(r2.person_months.executed_hours.sum()) * (r2.proposed_rate - r2.hourly_rate)  # 2011's price in 2018's
    assert f"**{signed_kr(change)}**" in text2[0] and "which the report gives for today" in text2[3]


def test_answer_html_passes_no_markup_but_bold_and_the_synthetic_label():
    assert inline_html("**a** <b onclick=x>[SYNTHETIC]") == '<b>a</b> &lt;b onclick=x&gt;<span class="synthetic">SYNTHETIC</span>'


def test_reproduction_sections_know_when_the_document_applies():
    vpkg = sources.load(cf.PACKAGE)
    assert cf.departures_from_document(params.load("capitation_fairness"), vpkg) == []
    assert cf.departures_from_document(params.load("capitation_fairness", "pilot"), vpkg) == []
    assert "the capitation rate" in cf.departures_from_document(params.load("capitation_fairness", "budget_raised"), vpkg)[0]
    assert lr.departures_from_document(params.load("level_regrouping")) == []
    assert lr.departures_from_document(params.load("level_regrouping", "mean_preserving"))[0].startswith("the amounts")
    r = cf.analyse(params.load("capitation_fairness", "budget_raised"), vpkg)
    assert r.reproduction.within_rounding.all()  # the model with the document's inputs reproduces its tables
