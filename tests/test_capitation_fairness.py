"""Capitation: hand-worked rules, fairness measures on small frames, the Västerås tables, synthetic data and extracts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carepay import capitation as c
from carepay import params, payment, population, sources
from carepay.capitation_fairness import analysis as cf
from carepay.population import ExtractError


def test_rates_by_hand():
    assert c.rate_from_budget(29_439_000, 520, 12) == pytest.approx(4717.79, abs=0.01)
    assert c.budget_neutral_rate(1200, 3) == 400
    with pytest.raises(ValueError):
        c.rate_from_budget(1, 0)


def test_payment_bases_by_hand():
    assert payment.per_executed_hour([2, 3], 436).tolist() == [872, 1308]
    assert payment.per_person_month([1, 1, 1], 4600).sum() == 13800
    assert payment.per_level_month(["1", "9"], pd.Series({"1": 1373.0, "9": 29702.0})).tolist() == [1373, 29702]
    with pytest.raises(ValueError, match="no monthly amount for level 'X'"):
        payment.per_level_month(["X"], pd.Series({"1": 1.0}))
    assert payment.marginal_revenue("executed_hours", 436)["one_more_executed_hour"] == 436
    assert payment.marginal_revenue("capitation", rate_per_month=4600)["one_more_executed_hour"] == 0
    # a client at 4 h/month, capitation 4 600 kr, cost 436 kr/h: ending support loses 4 600 - 1 744 = 2 856 kr a month
    assert payment.margin_when_support_ends(4600, 4, 436) == pytest.approx(2856)


def test_fairness_measures_against_definitions():
    y = np.array([1.0, 2.0, 3.0, 6.0])
    assert c.r_squared(y, y) == 1 and c.cumming_prediction_measure(y, y) == 1
    flat = np.full(4, y.mean())
    assert c.r_squared(y, flat) == pytest.approx(0) and c.cumming_prediction_measure(y, flat) == pytest.approx(0)
    paid = np.array([2.0, 2.0, 3.0, 5.0])
    # mean 3. R² = 1 - (1 + 0 + 0 + 1) / (4 + 1 + 0 + 9) = 1 - 2 / 14
    assert c.r_squared(y, paid) == pytest.approx(1 - 2 / 14)
    # CPM = 1 - (1 + 0 + 0 + 1) / (2 + 1 + 0 + 3)
    assert c.cumming_prediction_measure(y, paid) == pytest.approx(1 - 2 / 6)
    f = pd.DataFrame({"g": ["a", "a", "b", "b"], "paid": paid, "cost": y})
    pr = c.predictive_ratios(f, "g", "paid", "cost").set_index("g")
    assert pr.loc["a", "predictive_ratio"] == pytest.approx(4 / 3) and pr.loc["b", "net_compensation"] == pytest.approx(-1)


def test_weights_recovered_from_synthetic_data():
    rng = np.random.default_rng(3)
    true = {"low": 1500.0, "mid": 4000.0, "high": 11000.0}
    g = rng.choice(list(true), size=20000, p=[0.4, 0.4, 0.2])
    y = np.array([true[x] for x in g]) + rng.normal(0, 800, g.size)
    est = c.estimate_weights(pd.DataFrame({"g": g, "y": y}), "g", "y")
    for k, v in true.items():
        assert est[k] == pytest.approx(v, rel=0.02)


def test_calibration_and_constraint():
    f = pd.DataFrame({"g": ["a", "a", "b", "b", "b"], "y": [1.0, 3.0, 5.0, 7.0, 9.0], "fair": [1, 0, 0, 0, 1]})
    w = c.estimate_weights(f, "g", "y")
    cal = c.calibrate(w, f.g.value_counts(), budget=50)
    assert (cal * f.g.value_counts()).sum() == pytest.approx(50)
    con = c.estimate_constrained(f, "g", "y", budget=50, fair_mask=f.g == "a")
    paid = c.pay_by_group(f.g, con)
    assert paid.sum() == pytest.approx(50) and paid[:2].sum() == pytest.approx(4)  # group a paid exactly its cost


def test_decomposition_adds_up():
    totals = pd.DataFrame(
        {
            "provider": ["x", "y"],
            "executed_hours": [510.0, 910.0],
            "person_months": [100.0, 100.0],
            "hours_per_person_month": [5.1, 9.1],
            "execution_ratio": [0.51, 0.91],
        }
    )
    d = c.decompose_change(totals, 436, 3000, reference_ratio=0.7)
    parts = d.budget_level + d.need + d.execution
    assert parts.to_numpy() == pytest.approx(d.change_per_person_month.to_numpy())
    # both need 10 ordered hours: against o_ref = 7.1 / 0.7 the need parts are equal, execution differs
    assert d.need.iloc[0] == pytest.approx(d.need.iloc[1] * (0.51 + 0.7) / (0.91 + 0.7))


@pytest.fixture(scope="module")
def pkg():
    return sources.load(cf.PACKAGE)


@pytest.fixture(scope="module")
def default(pkg):
    return cf.analyse(params.load("capitation_fairness"), pkg)


def test_four_tables_and_change_row_reproduced(default):
    rep = default.reproduction
    assert rep.within_rounding.all(), rep[~rep.within_rounding]
    assert set(rep.table) == {"executed_hours", "hourly_payment", "persons", "capitation_payment", "change"}
    assert (rep.table == "change").sum() == 7


def test_printed_totals(default, pkg):
    # Totalkostnad 2021, the tables' year rows: hourly 29 707 519 kr, capitation 29 253 159 kr
    def printed(name):
        t = pkg.table(name)
        return float(t.loc[(t.period == "2021") & (t.provider == "total"), name].iloc[0])

    assert printed("hourly_payment") == 29_707_519 and printed("capitation_payment") == 29_253_159
    assert default.totals.hourly_payment.sum() == pytest.approx(printed("hourly_payment"), abs=0.5)  # the printed table
    recomputed = default.reproduction[default.reproduction.table == "hourly_payment"]
    year = recomputed[recomputed.period == "2021"].computed.sum()  # printed hours x 436: the check, within rounding
    assert year != printed("hourly_payment") and year == pytest.approx(printed("hourly_payment"), abs=12 * 0.5 * 436 * 7)
    assert default.totals.capitation_payment.sum() == pytest.approx(printed("capitation_payment"), abs=1)
    assert default.rate * 12 == pytest.approx(56_000, abs=1000)  # "ca 56 000 kronor/person och år"


def test_execution_ratio_drives_the_difference(default):
    d = default.decomposition.set_index("provider")
    assert d.loc["vard_och_omsorg", "execution"] > 0 > d.loc["aros_stodgrupp", "execution"]
    assert abs(d.loc["vard_och_omsorg", "need"]) < abs(d.loc["vard_och_omsorg", "execution"])


def test_synthetic_population_hits_its_targets(default):
    cal = default.calibration.set_index("target").largest_error
    assert cal["persons per provider and month"] == 0
    assert cal["executed hours per provider and month"] < 1e-6
    assert cal["execution ratio per provider"] < 1e-9
    assert default.person_months.synthetic.all()


def test_synthetic_population_is_seeded(pkg):
    a = cf.analyse(params.load("capitation_fairness"), pkg).person_months
    b = cf.analyse(params.load("capitation_fairness"), pkg).person_months
    assert a.equals(b)


def test_constrained_group_is_paid_its_cost(default):
    pr = default.ratios[
        (default.ratios.model == "fairness-constrained")
        & (default.ratios.grouping == "need_group")
        & (default.ratios.target == "cost_at_hourly_rate")
    ].set_index("group")
    assert pr.loc["very_high", "predictive_ratio"] == pytest.approx(1)
    assert default.person_months.fairness_constrained.sum() == pytest.approx(default.person_months.flat.sum())


def test_budget_neutral_scenario(pkg):
    r = cf.analyse(params.load("capitation_fairness", "budget_raised"), pkg)
    assert r.totals.change.sum() == pytest.approx(0, abs=1e-3)


def test_pilot(default):
    # 23 persons x 6 months x 56 000 / 12 = 644 000 kr
    assert default.pilot.payment.iloc[0] == pytest.approx(644_000)


def _extract(rows):
    return pd.DataFrame(rows, columns=["person_id", "provider", "period", "executed_hours", "ordered_hours"]).astype(str)


GOOD = [["a", "attendo", "2021-01", "3", "5"], ["a", "attendo", "2021-02", "4", "5"]]


@pytest.mark.parametrize(
    "rows, message",
    [
        (
            GOOD[:1] + [["b", "nobody", "2021-02", "1", "2"]],
            "row 3, field 'provider': value 'nobody' is not allowed; allowed: one of attendo",
        ),
        (GOOD[:1] + [["b", "attendo", "2021-02", "-1", "2"]], "field 'executed_hours': value '-1' is below the minimum 0"),
        (GOOD + [["a", "attendo", "2021-02", "1", "2"]], "row 4: the key (person_id, period) = a/2021-02 appears twice"),
        (GOOD[:1] + [["b", "attendo", "2021-13", "1", "2"]], "field 'period': value '2021-13' has the wrong form"),
        (GOOD[:1], "no rows for month(s) 2021-02"),
    ],
)
def test_bad_extracts(rows, message):
    with pytest.raises(ExtractError) as err:
        population.validate_person_months(_extract(rows), "mine.csv", ["attendo"], ["2021-01", "2021-02"])
    assert message in str(err.value) and "mine.csv" in str(err.value)


def test_extract_replaces_synthetic_data(project, pkg):
    pm = cf.analyse(params.load("capitation_fairness"), pkg).person_months
    pm[["person_id", "provider", "period", "executed_hours", "ordered_hours"]].to_csv(project / "extract.csv", index=False)
    path = project / "params" / "capitation_fairness" / "mine.yaml"
    path.write_text(
        "title: t\ndescription: d\npopulation:\n  source: extract\n  extract_file: extract.csv\n  seed: 1\n"
        "  median_ordered_hours: 14\n  sigma_person: 0.7\n  sigma_month: 0.3\n",
        encoding="utf-8",
    )
    r = cf.analyse(params.load("capitation_fairness", "mine"), pkg)
    assert not r.synthetic and not r.person_months.synthetic.any() and len(r.person_months) == len(pm)
    assert r.adjuster_fit.empty and r.adjuster_deciles.empty  # no adjuster columns: none fitted
    # with the adjusters an assessment would set, their fit is computed, and not labelled synthetic
    columns = ["person_id", "provider", "period", "executed_hours", "ordered_hours", *c.ADJUSTERS]
    pm[columns].to_csv(project / "extract.csv", index=False)
    mine = params.load("capitation_fairness", "mine")
    r = cf.analyse(mine, pkg)
    assert list(r.adjuster_fit.adjusters) == [", ".join(c.ADJUSTERS), "need_group (bands of ordered hours)"]
    assert r.adjuster_deciles.person_months.sum() == len(pm)
    from carepay.capitation_fairness import answer

    assert "SYNTHETIC" not in answer.adjusters(r, mine) and "generator" not in answer.adjusters(r, mine)


def test_constrained_weights_equal_statsmodels_fit_constrained():
    import statsmodels.api as sm

    rng = np.random.default_rng(5)
    g = rng.choice(["a", "b", "c", "d"], size=3000)
    y = pd.Series(g).map({"a": 1.0, "b": 3.0, "c": 6.0, "d": 12.0}).to_numpy() + rng.normal(0, 1, g.size)
    f = pd.DataFrame({"g": g, "y": y, "prov": rng.choice(["p", "q"], size=g.size)})
    mask = f.prov == "p"
    ours = c.estimate_constrained(f, "g", "y", budget=y.sum() * 0.97, fair_mask=mask)
    x, _ = c._design(f.g)
    r = np.vstack([x.sum(axis=0), x[mask.to_numpy()].sum(axis=0)])
    fit = sm.GLM(y, x, family=sm.families.Gaussian()).fit_constrained((r, np.array([y.sum() * 0.97, y[mask].sum()])))
    assert ours.to_numpy() == pytest.approx(np.asarray(fit.params), rel=1e-6)


def test_pilot_margin_follows_the_providers_cost(pkg):
    """The pilot scenario's point: the provider's margin under both models depends on its cost per hour."""
    at_rate = cf.analyse(params.load("capitation_fairness"), pkg).pilot.set_index("model").iloc[:2]
    below = cf.analyse(params.load("capitation_fairness", "pilot"), pkg)
    p = params.load("capitation_fairness", "pilot")
    hourly = below.pilot.iloc[1]
    assert hourly.margin == pytest.approx(hourly.hours * (p.hourly_rate - p.cost_per_hour))
    assert at_rate.margin.iloc[1] == pytest.approx(0)  # at a cost equal to the rate, hourly payment leaves nothing
    assert below.pilot.margin.iloc[0] > at_rate.margin.iloc[0]


def test_risk_adjusted_constrains_a_risk_group_and_the_provider_constraint_is_an_illustration(pkg):
    """The risk_adjusted scenario constrains a need group and keeps a sensible fit; constraining a provider
    (provider_constrained) needs negative weights and fits worse than a flat rate, which is why it is labelled an
    illustration."""
    group = cf.analyse(params.load("capitation_fairness", "risk_adjusted"), pkg)
    provider = cf.analyse(params.load("capitation_fairness", "provider_constrained"), pkg)
    r2 = lambda r: r.fit.set_index(["target", "model"]).r_squared[("cost_at_hourly_rate", "fairness-constrained")]  # noqa: E731
    assert (group.weights.constrained > 0).all() and r2(group) > 0.5
    assert (provider.weights.constrained < 0).any() and r2(provider) < 0
    assert provider.notes and "negative weights" in provider.notes[0]


# --- payment designs between hourly payment and capitation (hand-worked) ---------------------------------------


def test_a_blend_pays_its_share_of_each_and_is_budget_neutral_with_a_neutral_rate():
    # capitation 1 000 and 3 000, hourly 2 000 and 2 000: 70 % flat -> 0.7 x 1 000 + 0.3 x 2 000 = 1 300; 2 700
    assert c.blended_payment([1000.0, 3000.0], [2000.0, 2000.0], 0.7).tolist() == pytest.approx([1300.0, 2700.0])
    assert c.blended_payment([1000.0, 3000.0], [2000.0, 2000.0], 0.7).sum() == pytest.approx(4000.0)
    with pytest.raises(ValueError, match="flat_share 1.2: must be from 0"):
        c.blended_payment([1.0], [1.0], 1.2)


def test_a_corridor_shares_only_what_lies_beyond_the_band():
    # hourly 10 000, band 5 % (500 kr), provider keeps 25 % beyond it:
    # capitation 8 000: change -2 000 -> -500 inside, -1 500 beyond of which 25 % -> 10 000 - 500 - 375 = 9 125
    # capitation 10 300: change +300, inside -> 10 300; capitation 12 000: +500 + 0.25 x 1 500 -> 10 875
    paid = c.corridor_payment([8000.0, 10300.0, 12000.0], [10000.0] * 3, 0.05, 0.25)
    assert paid.tolist() == pytest.approx([9125.0, 10300.0, 10875.0])
    assert c.corridor_payment([8000.0], [10000.0], 0.05, 1.0).tolist() == pytest.approx([8000.0])  # no corridor
    assert c.corridor_payment([8000.0], [10000.0], 0.0, 0.0).tolist() == pytest.approx([10000.0])  # hourly again


def test_the_marginal_revenue_of_an_hour_under_a_corridor():
    # inside the band nothing; beyond a loss: 400 x (1 - 0.05) x (1 - 0.25) = 285; beyond a gain: 400 x 1.05 x 0.75 = 315
    assert c.corridor_marginal_revenue(10300.0, 10000.0, 400.0, 0.05, 0.25) == 0.0
    assert c.corridor_marginal_revenue(8000.0, 10000.0, 400.0, 0.05, 0.25) == pytest.approx(285.0)
    assert c.corridor_marginal_revenue(12000.0, 10000.0, 400.0, 0.05, 0.25) == pytest.approx(315.0)
    # checked against the payment itself: one more hour raises hourly payment by 400
    for cap in (8000.0, 12000.0):
        step = c.corridor_payment([cap], [10400.0], 0.05, 0.25)[0] - c.corridor_payment([cap], [10000.0], 0.05, 0.25)[0]
        assert step == pytest.approx(c.corridor_marginal_revenue(cap, 10000.0, 400.0, 0.05, 0.25), rel=0.05)


def test_the_design_comparison_for_two_providers_by_hand():
    pm = pd.DataFrame({"provider": ["A", "A", "B", "B"], "executed_hours": [10.0, 10.0, 30.0, 50.0]})
    # hourly at 400: A 8 000, B 32 000, total 40 000 over 4 person-months -> neutral rate 10 000
    totals = pd.DataFrame(
        {
            "provider": ["A", "B"],
            "person_months": [2, 2],
            "executed_hours": [20.0, 80.0],
            "hourly_payment": [8000.0, 32000.0],
            "capitation_payment": [20000.0, 20000.0],
        }
    )
    above = c.hours_above(pm, 40.0)
    assert above.set_index("provider").hours_above.tolist() == [0.0, 10.0]
    t = c.design_comparison(totals, above, 400.0, flat_share=0.5, band=0.1, provider_share=0.0, cost_per_hour=300.0)
    got = t.set_index(["provider", "design"])
    assert got.loc[("A", "capitation"), "payment"] == pytest.approx(20000.0)
    assert got.loc[("B", "capitation"), "change_share"] == pytest.approx((20000.0 - 32000.0) / 32000.0)
    assert got.loc[("A", "blend"), "payment"] == pytest.approx(14000.0)  # 0.5 x 20 000 + 0.5 x 8 000
    assert got.loc[("B", "corridor"), "payment"] == pytest.approx(32000.0 * 0.9)  # a hard floor at -10 %
    # stop-loss above 40 hours: 10 hours of B's 50 paid per hour (4 000); rate (40 000 - 4 000) / 4 = 9 000
    assert got.loc[("A", "stop_loss"), "payment"] == pytest.approx(18000.0)
    assert got.loc[("B", "stop_loss"), "payment"] == pytest.approx(22000.0)
    assert got.xs("stop_loss", level="design").payment.sum() == pytest.approx(40000.0)
    assert got.loc[("B", "stop_loss"), "revenue_one_more_hour"] == pytest.approx(200.0)  # half its months above 40 h
    assert got.loc[("A", "blend"), "revenue_one_more_hour"] == pytest.approx(200.0)
    # an average client of A brings 10 000 a month under capitation and costs 10 h x 300: 7 000 lost if it ends
    assert got.loc[("A", "capitation"), "margin_per_client_month"] == pytest.approx(7000.0)
    # both providers lie beyond a hard 10 % corridor, so each hour moves the payment: 400 x 1.1 for A, 400 x 0.9 for B
    assert got.loc[("A", "corridor"), "revenue_one_more_hour"] == pytest.approx(440.0)
    assert got.loc[("B", "corridor"), "revenue_one_more_hour"] == pytest.approx(360.0)
    within = c.designs_within_loss(t, max_loss_share=0.15)
    assert set(within[within.within_loss].design) == {"hourly", "corridor"}
    assert within.iloc[0].design == "hourly"  # within the loss, and less incentive to count hours than this corridor
    assert list(within.design[~within.within_loss]) == ["capitation", "blend", "stop_loss"]  # 0 kr/h, then smaller losses


def _default_question():
    """The default scenario: its data package, the providers' printed names, parameters and result."""
    pkg = sources.load(cf.PACKAGE)
    names = pkg.table("providers").set_index("provider").printed_name
    p = params.resolve("capitation_fairness", "default", {})
    return pkg, names, p, cf.analyse(p, pkg)


def test_the_designs_sentence_is_chosen_by_the_board_s_limit():
    from carepay.capitation_fairness import answer
    from carepay.formats import kr, percent

    pkg, names, p, r = _default_question()
    worst = r.designs_within.set_index("design").worst_change_share
    text = answer.designs(r, p, names)
    assert (worst.drop("hourly") < -p.designs.max_loss_share).all()  # the default: none but hourly within 5 %
    assert text.startswith("**No design other than hourly payment keeps every provider within")
    assert "The closest is the blend" in text and f"loses {percent(0.1, 1)} of what hourly payment paid it" in text
    loose = params.resolve("capitation_fairness", "default", {"designs": {**p.designs.model_dump(), "max_loss_share": 0.12}})
    text = answer.designs(cf.analyse(loose, pkg), loose, names)
    assert text.startswith(f"**The blend** keeps every provider within the board's limit of a {percent(0.12, 0)} loss")
    assert f"{kr(218)} for one more executed hour" in text


def test_a_loss_cap_and_a_phase_in_by_hand():
    comparison = pd.DataFrame(
        {
            "provider": ["A", "B"],
            "design": ["capitation", "capitation"],
            "payment": [8000.0, 12000.0],  # hourly 10 000 each: A loses 20 %, B gains 20 %
            "change": [-2000.0, 2000.0],
            "change_share": [-0.2, 0.2],
        }
    )
    capped = c.loss_cap(comparison, 0.05).set_index("provider")
    assert capped.capped_payment.tolist() == pytest.approx([9500.0, 12000.0])  # A paid at least 95 % of 10 000
    assert capped.cap_binds.tolist() == [True, False]
    assert capped.cap_cost.sum() == pytest.approx(1500.0)  # the board pays 1 500 a year on top of the design
    phased = c.phase_in(comparison, "capitation", 4).set_index(["provider", "year"])
    assert phased.loc[("A", 1), "payment"] == pytest.approx(9500.0)  # a quarter of the loss in year 1
    assert phased.loc[("A", 4), "payment"] == pytest.approx(8000.0)
    assert phased.loc[("B", 2), "change_share"] == pytest.approx(0.1)
    assert phased.groupby("year").versus_design.sum().tolist() == pytest.approx([0.0] * 4)  # budget-neutral
    with pytest.raises(ValueError, match="design 'blend' is not in the comparison"):
        c.phase_in(comparison, "blend", 2)


def test_the_transition_sentence_names_who_loses_beyond_the_limit_and_prices_the_cap():
    from carepay.capitation_fairness import answer
    from carepay.formats import kr

    pkg, names, p, r = _default_question()
    t = r.transition.set_index("design")
    capped = c.loss_cap(r.designs, p.designs.max_loss_share)
    assert t.cap_cost["capitation"] == pytest.approx(capped[capped.design == "capitation"].cap_cost.sum())
    text = answer.transition(r, p, names)
    assert f"**{len(t.beyond_limit['capitation'])} providers lose more than the board's limit" in text
    assert all(names[x] in text for x in t.beyond_limit["capitation"])
    assert kr(t.cap_cost["capitation"]) in text
    generous = params.resolve("capitation_fairness", "default", {"designs": {**p.designs.model_dump(), "max_loss_share": 0.5}})
    assert "no transition is needed" in answer.transition(cf.analyse(generous, pkg), generous, names)


def test_client_hours_at_the_lowest_execution_ratio_and_with_a_safeguard_by_hand():
    totals = pd.DataFrame({"provider": ["A"], "person_months": [10], "executed_hours": [90.0], "execution_ratio": [0.9]})
    # ordered 100 hours over 10 client-months = 10 a month; at the lowest ratio 0.5: 5; a 60 % safeguard: 6
    t = c.client_hours(totals, lowest_ratio=0.5, safeguard_share=0.6, cost_per_hour=400.0).iloc[0]
    assert (t.executed_per_client_month, t.ordered_per_client_month) == pytest.approx((9.0, 10.0))
    assert (t.at_lowest_ratio, t.with_safeguard) == pytest.approx((5.0, 6.0))
    assert t.safeguard_cost == pytest.approx(1.0 * 10 * 400.0)  # one hour more in each of 10 client-months
    loose = c.client_hours(totals, lowest_ratio=0.5, safeguard_share=0.4, cost_per_hour=400.0).iloc[0]
    assert loose.with_safeguard == pytest.approx(5.0) and loose.safeguard_cost == 0.0  # below the lowest ratio: no cost


def test_the_clients_sentence_is_chosen_by_the_numbers():
    from carepay.capitation_fairness import answer
    from carepay.formats import kr, number

    pkg, names, p, r = _default_question()
    c_ = r.clients.set_index("provider")
    assert r.clients.attrs["lowest_ratio"] == pytest.approx(0.51)  # Vård och omsorg's, the lowest the document shows
    who = (c_.executed_per_client_month - c_.at_lowest_ratio).idxmax()
    text = answer.clients(r, p, names)
    assert f"{names[who]}'s clients would get **{number(c_.at_lowest_ratio[who], 1)} hours a month" in text
    assert kr(float(c_.safeguard_cost.sum())) in text
    low = params.resolve("capitation_fairness", "default", {"designs": {**p.designs.model_dump(), "safeguard_share": 0.4}})
    assert "would change nothing" in answer.clients(cf.analyse(low, pkg), low, names)


def test_the_pilot_power_sentence_is_chosen_by_the_numbers():
    from carepay import evaluation
    from carepay.capitation_fairness import answer
    from carepay.formats import kr, number

    pkg, names, p, r = _default_question()
    t = r.pilot_power.set_index("outcome")
    sd, n = t.sd_between_clients["executed_hours"], int(t.comparison_clients["executed_hours"])
    mdd = evaluation.minimum_detectable_difference(sd, p.pilot.persons, n, p.pilot.alpha, p.pilot.power)
    assert t.minimum_detectable_difference["executed_hours"] == pytest.approx(mdd)
    text = answer.pilot_power(r, p, names)
    assert f"about **{number(mdd, 1)} hours a client-month**" in text and "synthetic generator's" in text
    assert kr(float(r.pilot.hours.iloc[0]) * p.pilot.shadow_registration_share * p.cost_per_hour) in text


def test_split_sample_fit_by_hand():
    # two groups with exact costs: weights estimated on half the persons fit the other half perfectly
    frame = pd.DataFrame(
        {
            "person_id": [f"p{i}" for i in range(8)],
            "need_group": ["low", "high"] * 4,
            "hourly": [100.0, 300.0] * 4,
        }
    )
    fit = c.split_sample_fit(frame, "need_group", "hourly", seed=1).set_index("sample")
    assert fit.person_months.sum() == 8
    assert fit.r_squared["other half"] == pytest.approx(1.0)


def test_the_out_of_sample_sentence_is_chosen_by_the_numbers():
    from carepay.capitation_fairness import answer
    from carepay.formats import percent

    _, _, _, r = _default_question()
    fit = r.split_fit.set_index("sample").r_squared
    text = answer.out_of_sample(r)
    assert f"explain {percent(fit['other half'], 0)} of the variation in cost" in text and "SYNTHETIC DATA" in text


def test_growth_administration_and_volume_by_hand():
    assert c.observed_growth(100, 121, 24) == pytest.approx(0.10)
    assert c.observed_growth(507, 527, 11) == pytest.approx((527 / 507) ** (12 / 11) - 1)
    with pytest.raises(ValueError, match="two positive counts"):
        c.observed_growth(0, 5, 12)
    admin = c.administration(["hourly", "capitation", "blend"], posts=2, cost_per_post=500_000, audit_saving=300_000)
    a = admin.set_index("design")
    assert a.administration.to_dict() == {"hourly": 0.0, "capitation": 700_000.0, "blend": 1_000_000.0}
    assert a.records_time.to_dict() == {"hourly": True, "capitation": False, "blend": True}
    comparison = pd.DataFrame({"provider": ["a", "a"], "design": ["hourly", "capitation"], "payment": [1000.0, 900.0]})
    small = c.administration(["hourly", "capitation"], posts=1, cost_per_post=80, audit_saving=30)
    v = c.volume_projection(comparison, small, 0.10, 2021, [2022, 2023]).set_index(["design", "year"])
    # 2022: capitation 900 x 1,1 = 990 plus 50 administration = 1 040 against hourly 1 100; 2023: 1 089 + 50 against 1 210
    assert v.total[("capitation", 2022)] == pytest.approx(1040)
    assert v.versus_hourly[("capitation", 2022)] == pytest.approx(-60)
    assert v.versus_hourly[("capitation", 2023)] == pytest.approx(-71)
    assert v.versus_hourly[("hourly", 2023)] == 0


def test_the_default_projects_the_persons_table_s_growth(pkg):
    p = params.resolve("capitation_fairness", "default", {})
    r = cf.analyse(p, pkg)
    total = pkg.table("persons").query("provider == 'total'")
    january, december = (float(total.set_index("period").persons[m]) for m in ("2021-01", "2021-12"))
    assert r.growth_per_year == pytest.approx((december / january) ** (12 / 11) - 1)
    last = r.volume[r.volume.year == 2024].set_index("design")
    pay = r.designs.groupby("design").payment.sum()
    assert last.payment["capitation"] == pytest.approx(pay["capitation"] * (1 + r.growth_per_year) ** 3)
    admin = p.administration
    assert last.administration["capitation"] == pytest.approx(admin.posts * admin.cost_per_post - admin.audit_saving)
    assert last.administration["blend"] == pytest.approx(admin.posts * admin.cost_per_post)  # time still reported


def test_predictive_ratios_by_decile_by_hand():
    d = c.ratios_by_decile(np.arange(1, 21) * 2.0, np.arange(1, 21))
    assert d.person_months.tolist() == [2] * 10 and d.predictive_ratio.tolist() == pytest.approx([0.5] * 10)
    tied = c.ratios_by_decile([1.0, 2.0, 3.0], [5.0, 5.0, 5.0])  # equal payments stay in one tenth
    assert tied.person_months.tolist() == [3] and tied.predictive_ratio.iloc[0] == pytest.approx(15 / 6)


def test_adjusters_fit_a_cost_they_explain_in_and_out_of_sample():
    rng = np.random.default_rng(3)
    n = 200
    frame = pd.DataFrame(
        {
            "person_id": [f"p{i}" for i in range(n)],
            "assessment_score": rng.integers(0, 30, n).astype(float),
            "living_situation": rng.choice(["alone", "with_others"], n),
            "need_group": rng.choice(["low", "high"], n),
        }
    )
    frame["hourly"] = 1000 + 100 * frame.assessment_score + 500 * (frame.living_situation == "with_others")
    x, names, _ = c.adjuster_matrix(frame, ["assessment_score", "living_situation"])
    assert names == ["intercept", "assessment_score", "living_situation=with_others"] and x.shape == (n, 3)
    paid = c.adjuster_payment(frame, frame, ["assessment_score", "living_situation"], "hourly", 1e6)
    assert paid.sum() == pytest.approx(1e6)  # scaled to the budget
    fit = c.adjuster_fit(frame, ["assessment_score", "living_situation"], "hourly", "need_group", seed=1)
    own, groups = fit.iloc[0], fit.iloc[1]
    assert own.r_squared == pytest.approx(1.0) and own.r_squared_out_of_sample == pytest.approx(1.0)
    assert groups.adjusters.startswith("need_group") and groups.r_squared < 0.1  # drawn without regard to cost


def test_synthetic_adjusters_are_seeded_per_person_and_leave_the_hours_alone(pkg):
    p = params.resolve("capitation_fairness", "default", {})
    pm = cf.paid(p, pkg).person_months
    again = population.synthetic_adjusters(pm.drop(columns=list(c.ADJUSTERS)), p.population.score_correlation, 2021)
    pd.testing.assert_frame_equal(again[pm.columns], pm)
    per_person = pm.groupby("person_id")[list(c.ADJUSTERS)].nunique()
    assert (per_person == 1).all().all()
    need = np.log(pm.groupby("person_id").ordered_hours.mean())
    score = pm.groupby("person_id").assessment_score.first()
    assert np.corrcoef(need, score)[0, 1] == pytest.approx(p.population.score_correlation, abs=0.08)
    assert pm.assessment_score.between(0, 30).all()


def test_the_comparison_group_by_hand():
    from carepay import evaluation

    pm = pd.DataFrame(
        {
            "person_id": ["a", "b", "c", "d"],
            "provider": ["pilot", "other", "other", "other"],
            "period": ["2021-12"] * 4,
            "executed_hours": [2.0, 4.0, 10.0, 12.0],
            "ordered_hours": [4.0, 8.0, 10.0, 12.0],
            "need_group": ["low", "low", "high", "high"],
        }
    )
    g = evaluation.comparison_group(pm, "pilot", 1).set_index("group")
    assert g.clients.tolist() == [1, 3, 3]
    assert g.executed_hours.tolist() == pytest.approx([2.0, 26 / 3, 4.0])  # weighted to the pilot's mix: low only
    assert g.share_of_ordered.iloc[0] == pytest.approx(0.5)


def test_the_choice_on_one_screen_agrees_with_its_parts():
    _, _, p, r = _default_question()
    d = cf.decision_table(r).set_index("design")
    assert list(d.index) == list(c.DESIGNS)
    assert d.worst_change_share["hourly"] == 0 and d.providers_beyond_limit["hourly"] == 0
    w = r.designs_within.set_index("design")
    assert d.worst_change_share.to_dict() == pytest.approx(w.worst_change_share.to_dict())
    assert d.records_time.to_dict() == c.RECORDS_TIME
    last = r.volume[r.volume.year == max(p.volume.years)].set_index("design")
    assert d.total_last_year.to_dict() == pytest.approx(last.total.to_dict())


def test_the_volume_adjusters_and_shadow_sentences_are_chosen_by_the_numbers():
    from carepay.capitation_fairness import answer
    from carepay.formats import kr, percent

    pkg, names, p, r = _default_question()
    text = answer.volume(r, p)
    last = r.volume[r.volume.year == 2024].set_index("design")
    assert f"**{kr(float(last.total['capitation']))} in 2024**" in text and "more than hourly payment" in text
    assert f"growing {percent(r.growth_per_year, 1)} a year (the persons table's" in text
    assert "less " + kr(p.administration.audit_saving) in text
    blend = p.model_copy(update={"designs": p.designs.model_copy(update={"proposed": "blend"})})
    assert "no audit saved" in answer.volume(r, blend)
    text = answer.adjusters(r, p)
    assert "SYNTHETIC DATA" in text and "properties of the generator" in text
    assert percent(float(r.adjuster_fit.r_squared.iloc[0]), 0) in text
    empty = type(r)(**{**r.__dict__, "adjuster_fit": pd.DataFrame(), "adjuster_deciles": pd.DataFrame()})
    assert "carry no adjuster" in answer.adjusters(empty, p)
    assert "as decided, the pilot records no time" in answer.pilot_power(r, p, names)
    shadow = params.resolve("capitation_fairness", "pilot_shadow", {})
    rs = cf.analyse(shadow, pkg)
    assert "register its time alongside capitation" in answer.pilot_power(rs, shadow, names)
    keys = {k[0]: k[2] for k in answer.key_results(rs, shadow, names)}
    assert keys["pilot_cost_to_board"] == pytest.approx(float(rs.pilot.payment.iloc[0]) + rs.shadow_registration_cost)


@pytest.mark.parametrize(
    "scenario, first",
    [
        ("default", "capitation_rate"),
        ("blended", "proposed_largest_loss"),
        ("corridor", "proposed_largest_loss"),
        ("phase_in", "phase_in_first_year_largest_loss"),
        ("growth_high", "proposed_cost_last_year"),
        ("pilot_shadow", "pilot_minimum_detectable_hours"),
    ],
)
def test_each_scenario_s_headline_leads_with_what_it_is_about(pkg, scenario, first):
    from carepay.capitation_fairness import answer

    names = pkg.table("providers").set_index("provider").printed_name
    p = params.resolve("capitation_fairness", scenario, {})
    r = cf.analyse(p, pkg)
    keys = answer.key_results(r, p, names)
    assert keys[0][0] == first
    assert sorted(k[0] for k in keys) == sorted(
        k[0] for k in answer.key_results(r, p.model_copy(update={"focus": "document"}), names)
    )
    lead = answer.lead(r, p, names)
    assert (lead == []) == (p.focus == "document")
    if p.focus == "design":
        assert lead[0].startswith(f"**{answer.DESIGN_NAMES[p.designs.proposed].capitalize()}**")


def test_the_answer_s_clients_and_pilot_sentence_is_chosen_by_the_numbers():
    from carepay.capitation_fairness import answer
    from carepay.formats import kr, number

    pkg, names, p, r = _default_question()
    c = r.clients.set_index("provider")
    text = answer.safety(r, p, names)
    assert f"{number(c.at_lowest_ratio['aros_stodgrupp'], 1)} hours a month" in text
    assert kr(float(c.safeguard_cost.sum())) in text and "records no time as decided" in text
    shadow = p.model_copy(update={"pilot": p.pilot.model_copy(update={"shadow_registration": True})})
    assert "with its time registered" in answer.safety(r, shadow, names)
    none = p.model_copy(update={"designs": p.designs.model_copy(update={"safeguard_share": 0.3})})
    assert "safeguard" not in answer.safety(r, none, names)
