"""Provider payment: hand-worked payment functions, the documents' figures, calibration and bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from carepay import params, payment, population, sources
from carepay.population import ExtractError
from carepay.provider_payment import analysis as pp


def test_provider_economics_by_hand():
    # Leksand-Rättvik 5.2: 375 kr including 25 % indirect time on top of each client hour -> 80 % at the client
    share = payment.client_share_from_indirect(0.25, "on_top")
    assert share == pytest.approx(0.8) and payment.client_share_from_indirect(0.25, "of_total") == pytest.approx(0.75)
    staff = 375 * share
    assert staff == pytest.approx(300)
    # 482 kr at the same staff cost: 300 / 482 = 62 % at the client ("nära 60 %", 5.3)
    assert payment.implied_client_share(482, staff) == pytest.approx(0.622, abs=0.001)
    assert payment.cost_per_executed_hour(300, 0.38) == pytest.approx(789.47, abs=0.01)


def test_payment_functions_by_hand():
    frame = pd.DataFrame({"executed_hours": [6.0, 12.0], "granted_hours": [10.0, 10.0], "level": ["1", "2"]})
    amounts = pd.Series({"1": 1373.0, "2": 3067.0})
    assert payment.revenue(frame, "executed_hours", hourly_rate=300).tolist() == [1800, 3600]
    assert payment.revenue(frame, "granted_hours", hourly_rate=300).tolist() == [3000, 3000]
    assert payment.revenue(frame, "level_month", level_amounts=amounts).tolist() == [1373, 3067]
    assert payment.revenue(frame, "capitation", capitation_rate=5000).tolist() == [5000, 5000]
    # 55 % guaranteed: 6 of 10 granted hours is above it (paid in full); 4 of 10 is paid 0.4 / 0.55
    assert payment.guaranteed_execution([1000, 1000], [6, 4], [10, 10], 0.55).tolist() == pytest.approx([1000, 1000 * 0.4 / 0.55])
    assert payment.premium(1000, 0.03, 0.12) == pytest.approx(3.6)


def test_level_calibration_keeps_the_total_exactly():
    granted = pd.Series({"1": 500.0, "2": 3000.0})
    persons = pd.Series({"1": 100.0, "2": 100.0})
    out = payment.calibrate_level_amounts(granted, persons, 300, 0.6, target_total=1_000_000, months=1)
    assert (out.amount * out.persons).sum() == pytest.approx(1_000_000)
    assert out.amount["2"] / out.amount["1"] == pytest.approx(6)


@pytest.fixture(scope="module")
def default():
    return pp.analyse(params.load("provider_payment"), sources.load(pp.OREBRO))


def test_document_figures(default):
    figs = default.document_figures.set_index("figure")
    row = figs.iloc[0]
    assert row.printed == 200e6 and row.from_the_report_s_numbers == pytest.approx(200e6)  # 300 / 0.6 - 300
    assert default.hourly_rate == 300  # 300 mnkr for 1 000 000 executed hours
    assert default.in_house_share == pytest.approx(0.8)  # 0.8 x 56 % + 0.2 x 76 % = 60 %


def test_calibrated_levels_keep_300_mnkr(default):
    level = default.bases[(default.bases.basis == "level_month") & (default.bases.provision == "all")].iloc[0]
    assert level.payment == pytest.approx(300e6, rel=1e-9)
    today = default.bases[(default.bases.basis == "executed_hours") & (default.bases.provision == "all")].iloc[0]
    assert today.payment == pytest.approx(300e6) and today.executed_hours == pytest.approx(1e6)


def test_granted_time_with_guarantee():
    r = pp.analyse(params.load("provider_payment", "granted_time"), sources.load(pp.OREBRO))
    g = r.guarantee
    assert (g.payment_with_rule <= g.payment_without_rule + 1e-6).all()
    for basis, part in g.groupby("basis"):
        part = part.set_index("response")
        # no response: the rule is a deduction and saves most; full response: every month at the minimum, no saving
        assert part.saving[0.0] > part.saving[0.5] > part.saving[1.0] == pytest.approx(0, abs=1e-3), basis
        assert part.hours_added[0.0] == 0 and part.hours_added[1.0] > part.hours_added[0.5] > 0
        assert part.person_months_below_minimum[1.0] == 0


def test_the_guaranteed_rule_with_a_provider_response_by_hand():
    # granted 10 h, minimum 55 %: 5,5 h. Executed 3,5 h: a gap of 2 h; half closed gives 4,5 h, paid 4,5 / 5,5
    executed = payment.guaranteed_response([3.5, 8.0], [10.0, 10.0], 0.55, 0.5)
    assert executed.tolist() == pytest.approx([4.5, 8.0])
    paid = payment.guaranteed_execution([1000.0, 1000.0], executed, [10.0, 10.0], 0.55)
    assert paid.tolist() == pytest.approx([1000 * 4.5 / 5.5, 1000.0])
    with pytest.raises(ValueError, match="response 2"):
        payment.guaranteed_response([1.0], [1.0], 0.5, 2)


def test_a_level_drop_against_the_prevention_premium_by_hand():
    amounts = pd.Series([1000.0, 3000.0, 6000.0], index=["1", "2", "3"])
    creep = payment.level_creep(["1", "2", "2", "3"], amounts, 0.0)
    t = payment.drop_against_premium(creep, amounts, 0.03).set_index("level")
    # dropping from 2 to 1 loses 12 x 2 000; the premium, 3 % of level 1's 1 000 kr a month, pays 360 a year
    assert t.drop_loss_per_year["2"] == 24000 and t.premium_per_year["2"] == pytest.approx(360)
    assert t.net_per_year["3"] == pytest.approx(12 * 0.03 * 3000 - 12 * 3000)
    assert "1" not in t.index  # the lowest level cannot drop


def test_premium_close_to_the_pilots_4_mnkr():
    r = pp.analyse(params.load("provider_payment", "premium"), sources.load(pp.OREBRO))
    assert any("4,6\u00a0mnkr" in n for n in r.notes)  # 300 mnkr x (3 % x 12 % + 2 % x 59 %), Swedish decimal comma


@pytest.mark.parametrize(
    "row, message",
    [
        ({"executed_hours": "12"}, "exceeds granted hours by more than the temporary-extension margin"),
        ({"provision": "ours"}, "field 'provision': value 'ours' is not allowed; allowed: one of in_house, external"),
        ({"level": "11"}, "field 'level': value '11' is above the maximum 9"),
        ({"granted_hours": "-1"}, "field 'granted_hours': value '-1' is below the minimum 0"),
    ],
)
def test_bad_client_extract(row, message):
    base = {
        "person_id": "a",
        "period": "2018-01",
        "provision": "in_house",
        "granted_hours": "10",
        "executed_hours": "6",
        "level": "2",
    }
    with pytest.raises(ExtractError, match=message):
        population.validate_home_care_extract(_year({**base, **row}), "clients.csv", "provider_payment", extension_margin=0.1)


def test_extension_within_margin_is_allowed():
    base = {
        "person_id": "a",
        "period": "2018-01",
        "provision": "external",
        "granted_hours": "10",
        "executed_hours": "10.9",
        "level": "2",
    }
    out = population.validate_home_care_extract(_year(base), "clients.csv", "provider_payment", extension_margin=0.1)
    assert len(out) == 12
    without = {k: v for k, v in base.items() if k not in ("granted_hours", "provision")}
    with pytest.raises(ExtractError, match="provider_payment needs them"):
        population.validate_home_care_extract(_year(without), "clients.csv", "provider_payment")


def test_client_extract_replaces_synthetic_data(project, default):
    cols = ["person_id", "period", "provision", "granted_hours", "executed_hours", "level"]
    default.person_months[cols].to_csv(project / "clients.csv", index=False)
    (project / "params" / "provider_payment" / "mine.yaml").write_text(
        "title: t\ndescription: d\npopulation:\n  source: extract\n  extract_file: clients.csv\n", encoding="utf-8"
    )
    r = pp.analyse(params.load("provider_payment", "mine"), sources.load(pp.OREBRO))
    assert not r.synthetic and not r.person_months.synthetic.any()
    assert r.bases.payment.sum() == pytest.approx(default.bases.payment.sum())


def test_leksand_rattvik_pays_its_indexed_price_against_todays_300():
    """The scenario compares what Örebro pays today (300 mnkr at the hourly rate its totals imply) with paying
    375 kr per executed hour carried from 2011 to 2018: today stays today, the change is the price difference on
    the same hours."""
    orebro = sources.load(pp.OREBRO)
    p = params.load("provider_payment", "leksand_rattvik")
    r = pp.analyse(p, orebro)
    today = r.person_months.payment_today.sum()
    assert r.hourly_rate == pytest.approx(orebro.figure("payment_total") / orebro.figure("executed_hours_year"))
    assert today == pytest.approx(orebro.figure("payment_total"), rel=1e-6)
    row = r.bases.set_index(["basis", "provision"]).loc[("executed_hours", "all")]
    assert row.payment == pytest.approx(today * r.proposed_rate / r.hourly_rate)
    assert row.change_vs_today == pytest.approx(row.payment - today) and row.change_vs_today > 0


def _year(row, year=2018):
    """One client's row for each month of a year: extracts cover whole years."""
    return pd.DataFrame([{**row, "period": f"{year}-{m:02d}"} for m in range(1, 13)])


def test_leksand_rattvik_s_own_question_by_hand():
    staff = payment.in_house_staff_cost(482, 0.6)  # 289,2 kr a working hour
    assert staff == pytest.approx(289.2)
    assert payment.implied_client_share(375, staff) == pytest.approx(289.2 / 375)  # 77,1 % at the client
    assert payment.price_covering(staff, 1 / 1.25) == pytest.approx(361.5)  # 25 % indirect time on top
    year = payment.adaptation_year(staff, 0.6, 0.8, 375)
    assert year.client_time_share.iloc[0] == pytest.approx(0.6 + 0.2 / 12) and year.client_time_share.iloc[-1] == pytest.approx(
        0.8
    )
    assert year.margin_per_executed_hour.iloc[-1] == pytest.approx(13.5)
    assert year.result_per_1000_hours.iloc[5] == pytest.approx(1000 * (375 - 289.2 / 0.7))
    assert payment.indexed(100, 0.1, 2011, 2013) == pytest.approx(121)
    with pytest.raises(ValueError, match="a share above 0"):
        payment.in_house_staff_cost(482, 0)


def test_leksand_rattvik_s_scenario_answers_its_own_question_and_indexes_its_price():
    from carepay.provider_payment import answer

    orebro = sources.load(pp.OREBRO)
    p = params.load("provider_payment", "leksand_rattvik")
    r = pp.analyse(p, orebro)
    keys = answer.key_results(r, p)
    assert keys[0][0] == "leksand_break_even_client_share"
    assert keys[0][2] == pytest.approx(482 * 0.6 / 375)
    s = p.staff
    price_2018 = 375 * (1 + s.price_growth_per_year) ** (2018 - 2011)
    assert r.proposed_rate == pytest.approx(price_2018)  # not 375: 2011's price carried to 2018
    paid = r.bases.set_index(["basis", "provision"]).payment[("executed_hours", "all")]
    assert paid == pytest.approx(float(r.person_months.executed_hours.sum()) * price_2018)
    text = answer.leksand(r, p)
    assert "77,1\xa0% of working time" in text and "does not close" in text
    granted = r.leksand.iloc[-1]
    assert granted.margin_at_price == pytest.approx(375 - 482)
    default = params.load("provider_payment")
    assert answer.key_results(pp.analyse(default, orebro), default)[0][0] == "payment_proposed_basis"


def test_level_creep_by_hand():
    amounts = pd.Series({"1": 1000.0, "2": 3000.0, "3": 7000.0})
    c = payment.level_creep(["1", "1", "2", "3", "3", "3"], amounts, 0.5).set_index("level")
    # half of level 1's 2 person-months move up 2 000 kr; half of level 2's 1 moves up 4 000 kr; the top stays
    assert c.creep_cost.tolist() == pytest.approx([2000.0, 2000.0, 0.0])
    assert c.drop_loss_per_year.tolist() == pytest.approx([0.0, 24_000.0, 48_000.0])
    with pytest.raises(ValueError, match="from 0 to 1"):
        payment.level_creep(["1"], amounts, 1.5)


def test_the_level_creep_scenario_leads_with_its_cost():
    from carepay.provider_payment import answer

    p = params.load("provider_payment", "level_creep")
    r = pp.analyse(p, sources.load(pp.OREBRO))
    keys = answer.key_results(r, p)
    assert keys[0][0] == "level_creep_cost" and keys[0][2] == pytest.approx(float(r.level_creep.creep_cost.sum()))
    assert "penalises the rehabilitation" in answer.level_creep(r, p)


def test_a_provider_payment_extract_may_be_of_any_one_year(project):
    base = {"person_id": "a", "provision": "external", "granted_hours": "10", "executed_hours": "6"}
    _year(base, 2023).to_csv(project / "clients.csv", index=False)
    (project / "params" / "provider_payment" / "mine.yaml").write_text(
        "title: t\ndescription: d\npopulation:\n  source: extract\n  extract_file: clients.csv\n", encoding="utf-8"
    )
    r = pp.analyse(params.load("provider_payment", "mine"), sources.load(pp.OREBRO))
    assert set(r.person_months.period.astype(str).str[:4]) == {"2023"} and len(r.person_months) == 12
