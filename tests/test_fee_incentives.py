"""User fees: hand-worked rules, published amounts, the Örebro figures, behaviour and the estimator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carepay import behaviour, fees, params, payment, population, sources
from carepay.fee_incentives import analysis as fi
from carepay.params import ParameterError
from carepay.population import ExtractError

SHARES = [0.10, 0.30, 0.38, 0.46, 0.54, 0.62, 0.70, 0.78, 0.86, 0.94, 1.00]
THRESHOLDS = [4, 6, 10, 15, 23, 35, 55, 85, 130]


@pytest.mark.parametrize("hours, headroom, expected", [(5, 3000, 1625), (7, 3000, 2044), (5, 500, 500), (0, 3000, 0)])
def test_todays_fee_by_hand(hours, headroom, expected):
    # Örebro 7.4.1: 325 kr an hour, capped by the fee cap (2 044 kr) and the fee headroom
    assert fees.hourly_fee(hours, headroom, 325, 2044) == pytest.approx(expected)


def test_other_fees_inside_the_cap():
    assert fees.hourly_fee(2, 3000, 325, 2044, other_fees=200) == 850
    assert fees.hourly_fee(6, 3000, 325, 2044, other_fees=200) == 2044


def test_fee_headroom_by_hand():
    # 12 000 + 1 000 - 5 136 - 6 000 = 1 864; never below zero
    assert fees.fee_headroom(12000, 1000, 5136, 6000) == 1864
    assert fees.fee_headroom(9000, 0, 5136, 6000) == 0


@pytest.mark.parametrize("year, cap", [(2018, 2044), (2024, 2575)])
def test_published_fee_caps(year, cap):
    rules_pkg = sources.load("national_fee_rules")
    assert fees.rules_for_year(rules_pkg, year)["fee_cap"] == cap
    assert rules_pkg.figure(f"fee_cap_{year}") == cap


def test_minimum_allowance_2018():
    # 1,3546 x 45 500 / 12 = 5 136 kr
    assert fees.rules_for_year(sources.load("national_fee_rules"), 2018)["minimum_allowance_single"] == 5136


def test_year_without_price_base_amount():
    with pytest.raises(ValueError, match="no price base amount for 1990"):
        fees.rules_for_year(sources.load("national_fee_rules"), 1990)


@pytest.mark.parametrize("hours, level", [(0.5, 1), (3.99, 1), (4, 2), (129, 9), (130, 9), (130.5, 10), (200, 10)])
def test_fee_levels(hours, level):
    assert fees.fee_levels([hours], [False], THRESHOLDS)[0] == level


def test_alarm_only_and_nothing():
    assert list(fees.fee_levels([0, 0], [True, False], THRESHOLDS)) == [0, -1]
    assert list(fees.level_fee([0, -1], [3000, 3000], SHARES, 2044)) == pytest.approx([204.4, 0])


def test_level_fee_matches_printed_kr():
    printed = sources.load("orebro_home_care_2018").table("fee_levels_proposed").fee_at_full_headroom
    got = fees.level_fee(np.arange(11), np.full(11, 5000), SHARES, 2044)
    assert np.abs(got - printed.to_numpy()).max() <= 0.5


def test_marginal_prices():
    assert fees.marginal_price_today([2, 10], [5000, 5000], 325, 2044).tolist() == [325, 0]
    # level 2 (4-6 h): step to level 3 is 8 % of 2 044 kr over a 2-hour band = 81.76 kr/h
    assert fees.band_price([5], [False], [5000], THRESHOLDS, SHARES, 2044)[0] == pytest.approx(0.08 * 2044 / 2)
    assert fees.band_price([200], [False], [5000], THRESHOLDS, SHARES, 2044)[0] == 0


def test_response_only_where_price_changes():
    h = behaviour.respond([10, 10], [0, 100], [10, 100], -0.3, nonfee_cost=100)
    assert h[1] == 10 and h[0] == pytest.approx(10 * (110 / 100) ** -0.3)


def test_estimator_recovers_a_known_elasticity():
    for true in (-0.2, -0.4):
        panel = behaviour.synthetic_panel(400, 12, true, seed=11)
        est = behaviour.estimate_elasticity(panel)
        assert est["low_95"] <= true <= est["high_95"] and est["elasticity"] == pytest.approx(true, abs=0.02)


def test_break_even_solver():
    assert behaviour.solve_break_even(lambda e: e + 0.5, -3, 0) == pytest.approx(-0.5, abs=1e-9)
    assert behaviour.solve_break_even(lambda _e: -1.0, -3, 0) is None


def test_lognormal_calibration():
    median, sigma = population.lognormal_for(1700 / 2700, 2044 / 325, 1e6 / 2700 / 12)
    mean = median * np.exp(sigma**2 / 2)
    assert mean == pytest.approx(1e6 / 2700 / 12)


@pytest.fixture(scope="module")
def default():
    return fi.analyse(params.load("fee_incentives"), sources.load(fi.PACKAGE), sources.load(fi.RULES))


def test_document_figures(default):
    # 7.4.1: the cap after about 6 hours; 400 kr per hour behind 10 mnkr = 25 000 hours
    pkg = sources.load(fi.PACKAGE)
    cap_hours = default.rules["fee_cap"] / params.load("fee_incentives").hourly_fee
    assert cap_hours == pytest.approx(pkg.figure("fee_cap_reached_after"), abs=0.5)
    costs = payment.orebro_hourly_costs(pkg).set_index("reading").kr_per_hour
    assert costs["break_even"] == 400 and costs["payment"] == 300  # two readings of the document, both recorded
    assert default.cost_per_hour == costs["payment"]  # the default's named assumption
    readings = default.hourly_costs.set_index("reading")
    assert readings.loc["break_even", "break_even_hours"] == pytest.approx(
        -default.revenue.set_index("result").value["Change in fee revenue"] / 400
    )
    cal = default.calibration.set_index("target")
    assert cal.loc["individuals with hours", "population"] == 2700
    assert cal.loc["executed hours a year", "population"] == pytest.approx(1e6)
    above = cal.iloc[2]
    assert abs(above.population - 1700) <= 10  # calibration tolerance: 10 persons of 2 700
    for target, figure in (
        ("all", "execution_ratio"),
        ("in-house", "execution_ratio_in_house"),
        ("external", "execution_ratio_external"),
    ):
        assert cal.loc[f"execution ratio, {target} (executed / granted)", "population"] == pytest.approx(
            pkg.figure(figure), abs=0.005
        )
    assert cal.loc["headroom 1–2\u00a0044\u00a0kr ('de allra flesta')", "population"] > 0.5


def test_revenue_change_is_of_the_documents_order(default):
    rev = default.revenue.set_index("result").value
    # the report: about 10 mnkr less a year; depends on unprinted thresholds and headroom, so a wide band
    assert -15e6 < rev["Change in fee revenue"] < -7e6
    assert rev["Executed hours that pay for the loss"] == pytest.approx(-rev["Change in fee revenue"] / default.cost_per_hour)


def test_zero_headroom_unaffected(default):
    zero = default.person_months[default.person_months.fee_headroom == 0]
    assert len(zero) > 0 and (zero.fee_today == 0).all() and (zero.fee_proposal == 0).all()


def test_bad_thresholds_and_shares(project):
    path = project / "params" / "fee_incentives" / "bad.yaml"
    path.write_text(
        "title: t\ndescription: d\nthresholds: [4, 6, 5, 15, 23, 35, 55, 85, 130]\nshares: [0.1, 0.3]\n", encoding="utf-8"
    )
    with pytest.raises(ParameterError) as err:
        params.load("fee_incentives", "bad")
    assert "thresholds must increase" in str(err.value) and "give 11 shares" in str(err.value)


@pytest.mark.parametrize(
    "edit, message",
    [
        ({"executed_hours": "-2"}, "field 'executed_hours': value '-2' is below the minimum 0"),
        ({"income_after_tax": "lots"}, "field 'income_after_tax': value 'lots' is not a number"),
        ({"alarm": "yes"}, "field 'alarm': value 'yes' is not a number"),
        ({"alarm": "2"}, "field 'alarm': value '2' is not allowed; allowed: one of 0, 1"),
    ],
)
def test_bad_fee_extract(edit, message):
    row = {
        "person_id": "a",
        "period": "2018-01",
        "executed_hours": "3",
        "alarm": "0",
        "income_after_tax": "12000",
        "housing_supplement": "0",
        "housing_cost": "5000",
    }
    with pytest.raises(ExtractError, match=message):
        population.validate_home_care_extract(_year({**row, **edit}), "fees.csv", "fee_incentives")


def test_a_fee_extract_is_read_for_its_year_with_alarm_and_household():
    row = {
        "person_id": "a",
        "period": "2018-01",
        "executed_hours": "3",
        "alarm": "1",
        "income_after_tax": "12000",
        "housing_supplement": "1000",
        "housing_cost": "6000",
    }
    out = population.validate_home_care_extract(_year(row), "fees.csv", "fee_incentives")
    assert bool(out.alarm.iloc[0]) and out.household.iloc[0] == "single"
    with pytest.raises(ExtractError, match="fees.csv: months of 2018; allowed: the twelve months of 2026"):
        population.validate_home_care_extract(_year(row), "fees.csv", "fee_incentives", year=2026)
    with pytest.raises(ExtractError, match="no rows for month\\(s\\) 2018-12; allowed: all twelve months of 2018"):
        population.validate_home_care_extract(_year(row).iloc[:11], "fees.csv", "fee_incentives")
    no_income = {k: v for k, v in row.items() if k not in ("income_after_tax", "housing_supplement", "housing_cost")}
    with pytest.raises(ExtractError, match="fee_incentives needs them"):
        population.validate_home_care_extract(_year(no_income), "fees.csv", "fee_incentives")


def test_the_minimum_allowance_for_couples_and_the_young_by_hand():
    # 2018: single 1,3546 x 45 500 / 12 = 5 136 kr, each spouse 1,1446 x 45 500 / 12 = 4 340 kr (SoL 8 kap. 7 §)
    single, spouse = 5136.0, 4340.0
    household = np.array(["single", "couple", "single", "couple"])
    age = np.array([80, 80, 60, 60])
    plain = fees.minimum_allowance(single, spouse, household, age)
    assert plain.tolist() == [5136, 4340, 5136, 4340]  # no raise unless the scenario sets one
    raised = fees.minimum_allowance(single, spouse, household, age, young_raise=0.1)
    assert raised.tolist() == pytest.approx([5136, 4340, 5649.6, 4774.0])  # +10 % under 65
    # headroom: 12 000 + 1 000 - allowance - 6 000, never below 0
    room = fees.fee_headroom(12000, 1000, raised, 6000)
    assert room.tolist() == pytest.approx([1864, 2660, 1350.4, 2226.0])


def test_the_free_hours_from_75_by_hand():
    # Örebro 5.1.1: up to 8 service hours a month free from 75; the fee is on the rest
    hours = np.array([5.0, 12.0, 12.0, 0.0])
    age = np.array([80, 80, 70, 90])
    assert fees.free_hours_charged(hours, age, 8).tolist() == [0, 4, 12, 0]
    assert fees.free_hours_charged(hours, age, 0).tolist() == hours.tolist()  # left out: all hours charged


def _year(row, year=2018):
    """One person's row for each month of a year: extracts cover whole years."""
    return pd.DataFrame([{**row, "period": f"{year}-{m:02d}"} for m in range(1, 13)])


def test_price_by_hours_band(default):
    p = params.load("fee_incentives")
    t = fi.price_by_hours_band(default.person_months, p.hour_bands, default.rules["fee_cap"] / p.hourly_fee)
    today = t[t.schedule == "today"].set_index("hours band").price
    assert list(today.index)[:2] == ["0–4", "4–6,3"]
    assert today["0–4"] > today["130+"] == 0  # above the cap's hours an hour is free today


def test_fee_extract_replaces_synthetic_data(project, default):
    pm = default.person_months
    cols = ["person_id", "period", "executed_hours", "alarm", "income_after_tax", "housing_supplement", "housing_cost"]
    pm[cols].assign(alarm=pm.alarm.astype(int)).to_csv(project / "fees.csv", index=False)
    (project / "params" / "fee_incentives" / "mine.yaml").write_text(
        "title: t\ndescription: d\npopulation:\n  source: extract\n  extract_file: fees.csv\n  individuals: 2700\n"
        "  hours_per_year: 1000000\n  individuals_above_cap_hours: 1700\n  sigma_month: 0.3\n  income_median: 11200\n"
        "  income_sigma: 0.15\n  housing_median: 5000\n  housing_sigma: 0.1\n  supplement_income_limit: 10000\n"
        "  supplement_share: 0.3\n  alarm_share: 0\n  income_year: 2018\n  seed: 1\n",
        encoding="utf-8",
    )
    r = fi.analyse(params.load("fee_incentives", "mine"), sources.load(fi.PACKAGE), sources.load(fi.RULES))
    assert not r.synthetic and not r.person_months.synthetic.any()
    same = r.revenue.set_index("result").value
    assert same["Change in fee revenue"] == pytest.approx(default.revenue.set_index("result").value["Change in fee revenue"])


def test_rules_are_applied_month_by_month_in_a_year_with_a_change():
    """The fee cap changed on 1 July 2016 (0,48 -> 0,5392 of the price base amount), the minimum allowance on
    1 August 2022: each month gets the coefficient in force on its first day."""
    rules = sources.load(fi.RULES)
    pba = rules.table("price_base_amounts").set_index("year").price_base_amount
    y2016 = fees.rules_by_month(rules, [f"2016-{m:02d}" for m in range(1, 13)])
    assert (y2016.loc["2016-01":"2016-06", "fee_cap"] == fees.monthly_amount(0.48, pba[2016])).all()
    assert (y2016.loc["2016-07":"2016-12", "fee_cap"] == fees.monthly_amount(0.5392, pba[2016])).all()
    y2022 = fees.rules_by_month(rules, ["2022-07", "2022-08"])
    assert y2022.minimum_allowance_single_coefficient.tolist() == [1.3546, 1.4789]
    assert fees.rules_for_year(rules, 2022)["minimum_allowance_single_coefficient"] == 1.4789  # December's
    with pytest.raises(ValueError, match="no price base amount for 1999"):
        fees.rules_by_month(rules, ["1999-01"])


def test_a_straddling_year_charges_each_month_its_own_cap_and_allowance():
    p = params.load("fee_incentives").model_copy(update={"year": 2016})
    r = fi.analyse(p, sources.load(fi.PACKAGE), sources.load(fi.RULES))
    caps = r.person_months.groupby("period").fee_cap.first()
    assert caps["2016-01"] < caps["2016-12"] and caps.nunique() == 2
    assert (r.person_months.fee_today <= r.person_months.fee_cap + 1e-9).all()
    p = params.load("fee_incentives").model_copy(update={"year": 2022})
    r = fi.analyse(p, sources.load(fi.PACKAGE), sources.load(fi.RULES))
    allowance = r.person_months.groupby("period").minimum_allowance.first()
    assert allowance["2022-07"] < allowance["2022-08"]


def test_price_bands_follow_the_scenarios_cap(default):
    """The band edge where today's fee reaches the cap comes from the scenario's rules (6,3 hours in 2018, 8,2 in
    2026), not a fixed number."""
    p = params.load("fee_incentives")
    bands = fi.price_by_hours_band(default.person_months, p.hour_bands, default.rules["fee_cap"] / p.hourly_fee)
    assert "4–6,3" in set(bands["hours band"]) and "6,3–10" in set(bands["hours band"])
    assert list(fi.price_by_hours_band(default.person_months, [0, 4], 8.2)["hours band"].unique()) == ["0–4", "4–8,2", "8,2+"]


def test_who_pays_more_and_less(default):
    pays = fi.who_pays(default.person_months)
    assert pays["persons"] == 2700 and 0 < pays["share_pay_more"] < pays["share_pay_less"] <= 1
    same = default.person_months.assign(fee_proposal=default.person_months.fee_today)
    assert fi.who_pays(same)["share_pay_more"] == 0 and fi.who_pays(same)["share_pay_less"] == 0


def test_fee_levels_by_comparison_equal_a_binary_search():
    """The comparison per threshold (few thresholds) gives what np.searchsorted gives, boundaries included, for a
    matrix of draws x person-months as for a column."""
    rng = np.random.default_rng(3)
    hours = np.concatenate([rng.lognormal(3, 1.2, 5000), np.asarray(THRESHOLDS, float), [0.0, 1e-9, 130.0, 130.0001]])
    expected = np.minimum(np.searchsorted(np.asarray(THRESHOLDS, float), hours, side="right") + 1, 9)
    expected[hours > THRESHOLDS[-1]] = 10
    expected[hours <= 0] = -1
    got = fees.fee_levels(hours, np.zeros(len(hours), bool), THRESHOLDS)
    assert np.array_equal(got, expected)
    matrix = hours[:5000].reshape(50, 100)
    assert np.array_equal(fees.fee_levels(matrix, np.zeros(100, bool), THRESHOLDS), expected[:5000].reshape(50, 100))


def _fee_question(scenario="default"):
    p = params.load("fee_incentives", scenario)
    return p, fi.analyse(p, sources.load(fi.PACKAGE), sources.load(fi.RULES))


def test_the_four_combinations_of_fee_and_payment_basis():
    """Per executed hour the joint model gives the fee notebook's own result; per level and month fewer hours save
    nothing, so the proposal's net cost is its lost revenue whatever the response."""
    p, r = _fee_question()
    c = r.combinations.set_index(["fee", "basis"])
    central = r.behaviour.set_index("elasticity").loc[p.elasticity.central]
    hours_today = float(r.person_months.executed_hours.sum())
    assert c.net_cost_change[("proposed", "executed_hours")] == pytest.approx(-central.net_budget_effect)
    assert c.net_cost_change[("today", "level_month")] == pytest.approx(0.0)  # level amounts keep today's payment
    assert c.payment[("proposed", "level_month")] == pytest.approx(hours_today * r.cost_per_hour)
    assert c.net_cost_change[("proposed", "level_month")] == pytest.approx(-central.revenue_change)
    assert c.executed_hours[("proposed", "level_month")] == pytest.approx(hours_today + central.hours_change)


def test_the_combinations_sentence_and_headlines_follow_the_numbers():
    from carepay.fee_incentives import answer
    from carepay.formats import signed_kr

    p, r = _fee_question()
    c = r.combinations.set_index(["fee", "basis"])
    text = answer.combinations(r, p)
    assert f"**{signed_kr(float(c.net_cost_change[('proposed', 'level_month')]))} a year** whatever the response" in text
    rise = r.combinations.attrs["hours_change_share"] > 0
    assert ("hours rise rather than fall" in text) == rise and ("needs today's payment basis" in text) == (not rise)
    assert answer.key_results(r, p)[0][0] == "fee_cap"  # the report's proposal first
    p2, r2 = _fee_question("fee_proposed_paid_per_level")
    keys = answer.key_results(r2, p2)
    assert keys[0][0] == "net_cost_fee_proposed_paid_level_month"
    assert sorted(k[0] for k in keys) == sorted(k[0] for k in answer.key_results(r, p))


def test_who_pays_by_tenth_of_income_by_hand():
    # 20 persons, one month each: incomes 1..20 (after housing), the fee falls by 10 kr for the richer half only
    df = pd.DataFrame(
        {
            "person_id": range(20),
            "income_after_tax": np.arange(1, 21) * 1000.0,
            "housing_supplement": 0.0,
            "housing_cost": 0.0,
            "fee_headroom": np.arange(1, 21) * 100.0,
            "fee_cap": 1500.0,
            "fee_today": 50.0,
            "fee_proposal": np.where(np.arange(20) >= 10, 40.0, 50.0),
        }
    )
    d = fi.by_income(df).set_index("decile")
    assert d.persons.tolist() == [2] * 10 and d.income[1] == pytest.approx(1500)
    assert d.change[1] == 0 and d.change[10] == pytest.approx(-10) and d.change_year[10] == pytest.approx(-240)
    assert d.pay_less[10] == 1 and d.pay_more.sum() == 0
    a = fi.above_cap(df)  # headroom 1 500 kr and more: persons 15..20, 6 of 20, and 6 of the 10 who pay less
    assert a["share_of_persons"] == pytest.approx(0.3) and a["share_of_fee_cut"] == pytest.approx(0.6)
    assert a["fee_cut"] == pytest.approx(10 * 10 * 12)


def test_the_incidence_sentence_is_chosen_by_the_numbers():
    from carepay.fee_incentives import answer
    from carepay.formats import percent

    p, r = _fee_question()
    text = answer.incidence(r)
    assert text.startswith("[SYNTHETIC] By income after tax and housing")
    assert f"**{percent(r.above_cap['share_of_fee_cut'], 0)} of the fee cut**" in text


def test_the_notches_by_hand():
    # thresholds 4 and 10 hours; shares by level: 0 (alarm), 10 %, 20 %, 30 %; headroom 1 000 kr, cap 2 000 kr
    shares = [0.0, 0.1, 0.2, 0.3]
    hours = np.array([3.5, 4.0, 4.5, 5.5, 10.0, 10.4])
    n = fees.notches(hours, np.zeros(6, bool), np.full(6, 1000.0), [4.0, 10.0], shares, 2000.0, band=1.0).set_index("threshold")
    # at 4 h: 4,0 and 4,5 are within an hour above (level 2, 200 kr) and would pay 100 kr below; 5,5 is not
    assert n.person_months_within_band[4.0] == 2 and n.mean_jump[4.0] == pytest.approx(100)
    assert n.revenue_if_bunched[4.0] == pytest.approx(-200)
    # the top threshold counts hours above it (10 h itself is still in the level below it)
    assert n.person_months_within_band[10.0] == 1 and n.mean_jump[10.0] == pytest.approx(100)
    with pytest.raises(ValueError, match="more than 0"):
        fees.notches(hours, np.zeros(6, bool), np.full(6, 1000.0), [4.0, 10.0], shares, 2000.0, band=0)


def test_the_bunching_scenario_leads_with_its_notches():
    from carepay.fee_incentives import answer
    from carepay.formats import kr

    p, r = _fee_question("bunching")
    keys = answer.key_results(r, p)
    assert keys[0][0] == "notch_person_months" and keys[1][0] == "bunching_revenue_loss"
    assert f"**{kr(-float(r.notches.revenue_if_bunched.sum()))} a year**" in answer.bunching(r, p)
    _, default = _fee_question()
    assert r.notches.person_months_within_band.sum() > default.notches.person_months_within_band.sum()  # a wider band


def test_the_out_of_pocket_response_by_hand():
    # arc elasticity: d = 2 (p1 - p0) / (p1 + p0); hours x (2 + e d) / (2 - e d)
    # 100 -> 50 kr an hour at -0,4: d = -2/3, e d = 4/15, factor (34/15) / (26/15) = 17/13
    assert behaviour.factor(100, 50, -0.4) == pytest.approx(17 / 13)
    # from a zero price to any price: d = 2, factor (2 - 0,8) / (2 + 0,8) = 3/7; both zero: no change
    assert behaviour.factor(0, 100, -0.4) == pytest.approx(3 / 7) and behaviour.factor(0, 0, -0.4) == 1
    # the generalised price: ((50 + 300) / (100 + 300)) ** -0,4
    assert behaviour.factor(100, 50, -0.4, "generalised", 300) == pytest.approx((350 / 400) ** -0.4)
    with pytest.raises(ValueError, match="price concept 'marginal'"):
        behaviour.factor(1, 2, -0.4, "marginal")


def test_hours_never_rise_above_the_hours_granted_by_hand():
    # 10 h and 15 h today, 12 granted; the price halves: 10 x 17/13 = 13,08 is held at 12; 15 h (a temporary
    # extension above granted) is not cut, and not raised; a price rise is never capped
    after = behaviour.respond([10.0, 15.0, 10.0], [100, 100, 50], [50, 50, 100], -0.4, concept="out_of_pocket", granted=12)
    assert after.tolist() == pytest.approx([12.0, 15.0, 10 * 13 / 17])


def test_an_out_of_pocket_elasticity_must_stay_above_minus_one(project):
    (project / "params" / "fee_incentives" / "e.yaml").write_text(
        "title: t\ndescription: d\nelasticity:\n  low: -1.2\n", encoding="utf-8"
    )
    with pytest.raises(ParameterError, match="must be above -1"):
        params.load("fee_incentives", "e")


def test_the_fee_and_provider_payment_share_one_population_and_agree():
    """One model: the same person-months in both questions; with the fee reform switched off (today's fee), the fee
    question's payment per executed hour and per level and month, in all and by provision, are the provider payment
    default's; with the payment reform switched off (paid per executed hour), its net cost change is the fee
    question's net budget effect."""
    from carepay.provider_payment import analysis as pa

    fee_p, fee_r = _fee_question()
    pay_p = params.load("provider_payment")
    pay_r = pa.analyse(pay_p, sources.load(pa.OREBRO))
    a, b = fee_r.person_months, pay_r.person_months
    np.testing.assert_array_equal(a.executed_hours.to_numpy(), b.executed_hours.to_numpy())
    np.testing.assert_array_equal(a.granted_hours.to_numpy(), b.granted_hours.to_numpy())
    assert (a.provision.to_numpy() == b.provision.to_numpy()).all()
    assert params.load("fee_incentives").level_boundaries == pay_p.level_boundaries  # one definition of the levels
    c = fee_r.combinations.set_index(["fee", "basis"])
    bases = pay_r.bases.set_index(["basis", "provision"])
    for basis in ("executed_hours", "level_month"):
        assert c.payment[("today", basis)] == pytest.approx(bases.payment[(basis, "all")])
    change = pay_r.provision_change.set_index("provision").change
    for prov in ("in_house", "external"):
        assert c[f"payment_change_{prov}"][("today", "level_month")] == pytest.approx(change[prov])
    band = fee_r.behaviour.set_index("elasticity")
    assert c.net_cost_change[("proposed", "executed_hours")] == pytest.approx(-band.net_budget_effect[fee_p.elasticity.central])


def test_both_questions_default_to_the_same_population_block():
    fee, pay = params.load("fee_incentives").population, params.load("provider_payment").population
    assert fee == pay


def test_the_left_out_groups_are_shown_where_the_population_holds_them():
    from carepay.fee_incentives import answer

    p, r = _fee_question("couples_75_plus")
    g = r.groups.set_index("group")
    assert (g.persons > 0).all()  # alarm only, 75+, couples, under 65: all drawn in this scenario
    assert g.persons["alarm only"] == p.population.alarm_only
    keys = [k[0] for k in answer.key_results(r, p)]
    assert keys[:4] == ["fee_change_alarm_only", "fee_change_aged_75_plus", "fee_change_couples", "fee_change_under_65"]
    _, default = _fee_question()
    assert "Not in this population: alarm only, couples" in answer.groups(default)
    # the free hours lower today's fee of persons aged 75 and over against the same population without them
    without = fi.analyse(p.model_copy(update={"free_hours_75_plus": 0}), sources.load(fi.PACKAGE), sources.load(fi.RULES))
    assert g.fee_today["aged 75 and over"] < without.groups.set_index("group").fee_today["aged 75 and over"]


@pytest.mark.parametrize("scenario", ["generalised_price", "high_elasticity", "low_elasticity"])
def test_a_scenario_about_the_response_leads_with_it(scenario):
    from carepay.fee_incentives import answer

    p, r = _fee_question(scenario)
    assert answer.key_results(r, p)[0][0] == "net_budget_effect"
    assert answer.sentences(r, p, sources.load(fi.PACKAGE))[0].startswith("At an elasticity")


def test_an_extract_s_small_cells_are_suppressed(project, default):
    """From an analyst's extract no table, chart or sentence shows a group of fewer than min_cell_persons persons
    (here: 3 couples and 2 persons under 65 among 40); the threshold is never below 3."""
    import json

    from carepay import TABLE_MIME, batch, report

    pm = default.person_months
    first = pm.groupby("person_id").first()
    old = first[first.age >= 65].index[:38]
    young = first[first.age < 65].index[:2]
    chosen = pm[pm.person_id.isin([*old, *young])].assign(household="single")
    chosen.loc[chosen.person_id.isin(old[:3]), "household"] = "couple"  # three persons living with a partner
    cols = ["person_id", "period", "executed_hours", "alarm", "income_after_tax", "housing_supplement", "housing_cost"]
    chosen[cols + ["household", "age"]].assign(alarm=chosen.alarm.astype(int)).to_csv(project / "small.csv", index=False)
    scenario = project / "params" / "fee_incentives" / "small.yaml"
    scenario.write_text(
        "title: A small extract\ndescription: d\npopulation:\n  source: extract\n  extract_file: small.csv\n", encoding="utf-8"
    )
    (outcome,) = batch.run(batch.discover(["fee_incentives/small"]), n_jobs=1, progress=False)
    assert outcome.ok, outcome.error
    page = (project / outcome.html).read_text(encoding="utf-8")
    assert "too few persons to show apart" not in page  # the report is Swedish
    assert "sammanboende (för få personer för att visas för sig)" in page  # the groups' sentence withholds them too
    assert "tiondelarna har för få personer" in page  # tenths of 4 persons: no sentence, headline or board cell shows one
    assert not {"fee_change_lowest_tenth", "fee_change_highest_tenth"} & {k["id"] for k in outcome.key_results}
    assert '<td class="num">.</td>' in page and "färre än 5 personer" in page
    import nbformat

    nb = nbformat.read(project / outcome.executed, as_version=4)
    records = [o["data"][TABLE_MIME] for c in nb.cells for o in c.get("outputs", []) if TABLE_MIME in o.get("data", {})]
    for rec in records:  # every table written beside the report: no row of 1-4 persons with a figure in it
        for j, column in enumerate(rec["columns"]):
            if column["unit"] in report.PERSON_COUNTS:
                for row in rec["rows"]:
                    if isinstance(row[j], (int, float)) and 0 < row[j] < 5:
                        raise AssertionError(f"{rec['caption']}: a row of {row[j]} persons is shown: {row}")
    groups = next(
        r for r in records if "group" in [c["name"] for c in r["columns"]] and "persons" in [c["name"] for c in r["columns"]]
    )
    persons = [c["name"] for c in groups["columns"]].index("persons")
    withheld = [row for row in groups["rows"] if row[persons] is None]
    assert len(withheld) == 2 and all(v is None for row in withheld for v in row if not isinstance(v, str))
    assert json.loads((project / outcome.html.replace(".html", ".json")).read_text())["ok"]
    scenario.write_text(scenario.read_text(encoding="utf-8") + "min_cell_persons: 2\n", encoding="utf-8")
    with pytest.raises(params.ParameterError, match="min_cell_persons"):
        params.load("fee_incentives", "small")


def test_small_cells_suppress_a_row_and_the_one_that_would_give_it_back():
    from carepay import report
    from carepay.units import annotate

    df = annotate(pd.DataFrame({"group": ["a", "b", "c", "d"], "persons": [3, 40, 12, 0], "fee": [10.0, 20.0, 30.0, 0.0]}),
                  {"persons": ("persons", ""), "fee": ("kr/month", "")})  # fmt: skip
    out = report.small_cells(df, 5)
    assert out.attrs["suppressed"] == [0, 2]  # a (3 persons) and c, the smallest other, so a total cannot give a back
    assert out.fee.isna().tolist() == [True, False, True, False] and out.group.tolist() == df.group.tolist()
    assert report.small_cells(df, None) is df  # no extract: nothing suppressed
    html = report.table_html(out)
    assert html.count('<td class="num">.</td>') == 4 and "2" in report.suppression_note(out)
