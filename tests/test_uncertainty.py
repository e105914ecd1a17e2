"""Uncertainty: distributions, intervals with known answers, seeds, swings, Sobol indices, validation of declared
inputs, each question's headlines over draws, and the same results on a Dask LocalCluster."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from carepay import params, sources, sweep, uncertainty
from carepay.params import ParameterError
from carepay.uncertainty import Distribution, UncertaintySpec


def _spec(inputs: dict, draws: int = 4000, seed: int = 1) -> UncertaintySpec:
    return UncertaintySpec.model_validate(
        {"draws": draws, "seed": seed, "inputs": {k: {"label": k, "reason": "test", **v} for k, v in inputs.items()}}
    )


def _linear(prepared, draws: pd.DataFrame) -> pd.DataFrame:
    a, b = prepared
    return pd.DataFrame({"y": a * draws["x1"].to_numpy(float) + b * draws["x2"].to_numpy(float)})


def test_uniform_through_identity_gives_its_quantiles():
    spec = _spec({"x1": {"distribution": "uniform", "low": 10.0, "high": 20.0}})
    r = uncertainty.ranges(spec, {"x1": 15.0}, lambda _, d: pd.DataFrame({"y": d["x1"].to_numpy(float)}), None)
    row = r.intervals.set_index("headline").loc["y"]
    err = row.monte_carlo_error
    assert 0 < err < 0.1
    assert abs(row.low - 10.5) < 4 * err and abs(row.high - 19.5) < 4 * err
    assert row.central == 15.0


def test_linear_model_with_known_variances():
    """y = 2 x1 + 3 x2, x1 ~ N(0, 1), x2 ~ N(0, 2): y ~ N(0, 40); first-order Sobol indices 4/40 and 36/40."""
    spec = _spec(
        {"x1": {"distribution": "normal", "mean": 0.0, "sd": 1.0}, "x2": {"distribution": "normal", "mean": 0.0, "sd": 2.0}}
    )
    r = uncertainty.ranges(spec, {"x1": 0.0, "x2": 0.0}, _linear, (2.0, 3.0), sobol_base=2048)
    row = r.intervals.set_index("headline").loc["y"]
    half = stats.norm.ppf(0.95) * np.sqrt(40)
    assert abs(row.low + half) < 4 * row.monte_carlo_error and abs(row.high - half) < 4 * row.monte_carlo_error
    s = r.indices.set_index("parameter")
    assert s.loc["x1", "first_order"] == pytest.approx(0.1, abs=0.03)
    assert s.loc["x2", "first_order"] == pytest.approx(0.9, abs=0.05)
    assert r.drivers("y") == ["x2", "x1"]
    swing = r.swings.set_index("parameter")  # x2 from its 5 % to its 95 % quantile, x1 at 0
    assert swing.loc["x2", "width"] == pytest.approx(3 * 2 * 2 * stats.norm.ppf(0.95))


def test_same_seed_same_interval_bit_for_bit_and_another_seed_within_the_error():
    spec = _spec(
        {
            "x1": {"distribution": "triangular", "low": 0.0, "mode": 1.0, "high": 4.0},
            "x2": {"distribution": "uniform", "low": 0.0, "high": 1.0},
        },
        draws=1000,
    )
    first = uncertainty.ranges(spec, {"x1": 1.0, "x2": 0.5}, _linear, (1.0, 1.0)).intervals
    again = uncertainty.ranges(spec, {"x1": 1.0, "x2": 0.5}, _linear, (1.0, 1.0)).intervals
    pd.testing.assert_frame_equal(first, again, check_exact=True)
    other = uncertainty.ranges(spec.model_copy(update={"seed": 99}), {"x1": 1.0, "x2": 0.5}, _linear, (1.0, 1.0)).intervals
    err = first.monte_carlo_error.iloc[0]
    assert abs(other.low.iloc[0] - first.low.iloc[0]) < 4 * err and abs(other.high.iloc[0] - first.high.iloc[0]) < 4 * err


def test_quantile_functions():
    u = np.linspace(0.001, 0.999, 101)
    tri = Distribution(distribution="triangular", low=1.0, mode=2.0, high=5.0, label="t", reason="r")
    np.testing.assert_allclose(tri.quantile(u), stats.triang.ppf(u, 0.25, loc=1, scale=4))
    normal = Distribution(distribution="normal", mean=0.0, sd=1.0, low=0.0, label="n", reason="r")
    assert (normal.quantile(u) >= 0).all()
    choice = Distribution(distribution="choice", values=["a", "b"], weights=[3, 1], label="c", reason="r")
    assert (choice.quantile(np.random.default_rng(0).random(4000)) == "a").mean() == pytest.approx(0.75, abs=0.03)


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"elasticity.central": {"distribution": "uniform", "low": -0.6, "high": 0.1}}, "its distribution reaches -0.6"),
        ({"elasticity.centrl": {"distribution": "uniform", "low": -0.4, "high": -0.2}}, "Did you mean 'elasticity.central'?"),
        ({"hourly_fee": {"distribution": "uniform", "low": -10, "high": 400}}, "its distribution reaches -10"),
        ({"hourly_fee": {"distribution": "uniform", "low": 400, "high": 300}}, "need low < high"),
        ({"hourly_fee": {"distribution": "triangular", "low": 300, "high": 400}}, "a triangular distribution needs mode"),
        ({"hourly_cost": {"distribution": "choice", "values": ["payment", "guess"]}}, "its distribution reaches guess"),
        ({"hourly_fee": {"distribution": "normal", "mean": 325, "sd": 0}}, "'uncertainty.inputs.hourly_fee.sd'"),
    ],
)
def test_declared_inputs_are_validated(project, inputs, message):
    block = {k: {"label": "x", "reason": "r", **v} for k, v in inputs.items()}
    import yaml

    text = yaml.safe_dump({"title": "t", "description": "d", "uncertainty": {"inputs": block}})
    (project / "params" / "fee_incentives" / "u.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match=None) as err:
        params.load("fee_incentives", "u")
    assert message in str(err.value)


def test_a_scenario_drops_an_input_with_null(project):
    (project / "params" / "fee_incentives" / "u.yaml").write_text(
        "title: t\ndescription: d\nuncertainty:\n  inputs:\n    hourly_cost: null\n", encoding="utf-8"
    )
    assert "hourly_cost" not in params.load("fee_incentives", "u").uncertainty.inputs


QUESTIONS = ["fee_incentives", "provider_payment", "capitation_fairness", "level_regrouping"]


def _question(notebook: str):
    analysis = importlib.import_module(f"carepay.{notebook}.analysis")
    p = params.load(notebook)
    packages = [sources.load(getattr(analysis, "PACKAGE", None) or analysis.OREBRO)]
    extra = [sources.load(analysis.RULES)] if hasattr(analysis, "RULES") else []
    return analysis, p, packages, analysis.analyse(p, *packages, *extra)


def _key_values(notebook, r, p, package):
    answer = importlib.import_module(f"carepay.{notebook}.answer")
    if notebook == "capitation_fairness":
        names = package.table("providers").set_index("provider").printed_name
        keys = answer.key_results(r, p, names)
    else:
        keys = answer.key_results(r, p)
    return {rid: value for rid, _, value, _ in keys}


@pytest.mark.parametrize("notebook", QUESTIONS)
def test_each_default_declares_its_uncertain_inputs_and_the_central_case_is_the_key_result(notebook):
    _, p, packages, r = _question(notebook)
    assert p.uncertainty.inputs and all(d.reason and d.label for d in p.uncertainty.inputs.values())
    ranges = uncertainty.of_question(notebook, r, p, *packages)
    keys = _key_values(notebook, r, p, packages[0])
    for row in ranges.intervals.itertuples():
        assert row.central == pytest.approx(keys[row.headline], rel=1e-9, abs=1e-6), row.headline
    assert any(ranges.moves(h) for h in ranges.intervals.headline)
    for h in ranges.intervals.headline:
        if ranges.moves(h):
            assert ranges.drivers(h), h


def test_the_fee_headlines_over_draws_equal_the_question_run_with_those_values():
    """The vectorised path gives what the whole question gives with the drawn values."""
    from carepay.fee_incentives import answer
    from carepay.fee_incentives import uncertainty as fu

    analysis, p, packages, r = _question("fee_incentives")
    prep = fu.prepare(r, p, packages[0])
    draws = pd.DataFrame({"elasticity.central": [-0.35], "elasticity.nonfee_cost": [60.0], "hourly_cost": ["break_even"]})
    fast = fu.headlines(prep, draws).iloc[0]
    changed = uncertainty.with_values(p, draws.iloc[0].to_dict())
    whole = {
        rid: v for rid, _, v, _ in answer.key_results(analysis.analyse(changed, *packages, sources.load(analysis.RULES)), changed)
    }
    assert fast.net_budget_effect == pytest.approx(whole["net_budget_effect"], abs=0.5)
    assert fast.break_even_hours == pytest.approx(whole["break_even_hours"], abs=0.005)


def test_the_fee_headlines_for_many_draws_equal_the_person_month_computation():
    """Summing the fee once for the person-months no draw of a chunk moves across a threshold gives what levelling
    every person-month for every draw gives (behaviour.respond, fees.fee_levels, fees.level_fee)."""
    from carepay import behaviour, fees
    from carepay.fee_incentives import uncertainty as fu

    for scenario in ("default", "generalised_price"):
        analysis = importlib.import_module("carepay.fee_incentives.analysis")
        p = params.load("fee_incentives", scenario)
        packages = [sources.load(analysis.PACKAGE), sources.load(analysis.RULES)]
        r = analysis.analyse(p, *packages)
        prep = fu.prepare(r, p, packages[0])
        rng = np.random.default_rng(7)
        n = 150
        draws = pd.DataFrame(
            {
                "elasticity.central": rng.uniform(-0.9, 0.0, n),
                "elasticity.nonfee_cost": rng.uniform(5.0, 500.0, n),
                "hourly_cost": 500.0,
            }
        )
        fast = fu.headlines(prep, draws).net_budget_effect.to_numpy()
        concept = p.elasticity.price_concept
        for i, (e, c) in enumerate(zip(draws["elasticity.central"], draws["elasticity.nonfee_cost"], strict=True)):
            after = behaviour.respond(prep.hours, prep.price_today, prep.price_proposal, e, c, concept, prep.granted)
            fee = fees.level_fee(fees.fee_levels(after, prep.alarm, prep.thresholds), prep.headroom, prep.shares, prep.cap)
            slow = (fee.sum() - prep.revenue_today) - (after.sum() - prep.hours.sum()) * 500.0
            assert fast[i] == pytest.approx(slow, abs=1e-4), (scenario, e, c)


def test_provider_headlines_over_draws_equal_the_question_run_with_those_values():
    from carepay.provider_payment import answer
    from carepay.provider_payment import uncertainty as pu

    analysis, p, packages, r = _question("provider_payment")
    prep = pu.prepare(r, p, packages[0])
    draws = pd.DataFrame({"execution.level_month.in_house": [0.5], "execution.level_month.external": [0.7]})
    fast = pu.headlines(prep, draws).iloc[0]
    changed = uncertainty.with_values(p, draws.iloc[0].to_dict())
    whole = {rid: v for rid, _, v, _ in answer.key_results(analysis.analyse(changed, *packages), changed)}
    for rid in ("executed_hours", "execution_ratio", "payment_change"):
        assert fast[rid] == pytest.approx(whole[rid], rel=1e-9, abs=1e-6), rid


def test_capitation_headlines_over_draws_equal_the_question_run_with_those_values():
    """Drawing the synthetic persons again computes only the payments and their fit, not the whole question."""
    from carepay.capitation_fairness import answer
    from carepay.capitation_fairness import uncertainty as cu

    analysis, p, packages, r = _question("capitation_fairness")
    prep = cu.prepare(r, p, packages[0])
    draws = pd.DataFrame(
        {
            "cost_per_hour": [450.0, 450.0],
            "population.sigma_person": [0.5, 0.9],
            "volume.growth_per_year": [0.0, 0.07],
            "administration.cost_per_post": [550_000.0, 700_000.0],
            "administration.audit_saving": [0.0, 500_000.0],
        }
    )
    fast = cu.headlines(prep, draws)
    for i in range(len(draws)):
        changed = uncertainty.with_values(p, draws.iloc[i].to_dict())
        whole = {rid: v for rid, _, v, _ in answer.key_results(analysis.analyse(changed, *packages), changed, {})}
        for rid in fast.columns:
            assert fast[rid].iloc[i] == pytest.approx(whole[rid], rel=1e-12, abs=1e-9), rid


def test_a_sweep_gives_the_same_results_in_process_and_on_a_local_cluster():
    pytest.importorskip("distributed")
    from carepay.fee_incentives import uncertainty as fu

    _, p, packages, r = _question("fee_incentives")
    prep = fu.prepare(r, p, packages[0])
    draws = uncertainty.draws_at(p.uncertainty, uncertainty.points(p.uncertainty, n=300))
    here = sweep.evaluate(fu.headlines, prep, draws)
    there = sweep.evaluate(fu.headlines, prep, draws, scheduler="local", chunk=100, workers=2)
    # draws chunked otherwise are summed in another order (fee_incentives.uncertainty._responses): the last bits
    pd.testing.assert_frame_equal(here, there, check_exact=False, rtol=1e-12, atol=1e-6)


def test_the_pays_for_itself_sentence_is_chosen_by_the_curve():
    from carepay.fee_incentives.answer import pays_for_itself

    x = [0.0, -0.5, -1.0]
    never = pd.DataFrame({"elasticity.central": x, "central": [-3.0, -2.0, -1.0], "low": [-4, -3, -2], "high": [-2, -1, -0.5]})
    assert "**does not pay for itself**" in pays_for_itself(never)
    best_only = never.assign(high=[-2.0, 0.0, 1.0])
    assert "in the most favourable 5 % of draws of the other uncertain inputs it would from an elasticity of −0,5" in (
        pays_for_itself(best_only)
    )
    pays = never.assign(central=[-1.0, 1.0, 2.0], high=[1.0, 2.0, 3.0])
    assert "**pays for itself from an elasticity of −0,25**" in pays_for_itself(pays)


def test_the_rate_at_which_no_provider_loses():
    from carepay.capitation_fairness import analysis, answer

    totals = pd.DataFrame({"provider": ["a", "b"], "person_months": [10.0, 30.0], "hourly_payment": [50_000.0, 90_000.0]})
    rates = analysis.no_loser_rates(totals)
    assert list(rates.provider) == ["a", "b"] and rates.break_even_rate.iloc[0] == 5000 and rates.budget.iloc[0] == 200_000
    changes = analysis.change_by_rate(totals, [5000.0]).set_index("provider").change
    assert changes["a"] == 0 and changes["b"] > 0
    assert "at least 5 000,00 kr a person-month, A's" in answer.no_loser(rates, 4000.0, {"a": "A"}).replace("\u00a0", " ")
    assert "**no provider loses**" in answer.no_loser(rates, 5000.0, {})


@pytest.mark.parametrize("scenario", ["default", "generalised_price"])
def test_the_exact_elasticity_sweep_equals_the_matrix_path(scenario):
    """The sweep over threshold crossings (with hours capped at granted) against the person-month matrix path, under
    the scenario's price concept, at two non-fee costs."""
    from carepay.fee_incentives import analysis
    from carepay.fee_incentives import uncertainty as fu

    p = params.load("fee_incentives", scenario)
    packages = [sources.load(analysis.PACKAGE), sources.load(analysis.RULES)]
    prep = fu.prepare(analysis.analyse(p, *packages), p, packages[0])
    e = np.linspace(-0.95, 0.3, 120)
    for nonfee in (300.0, 25.0):
        fast = fu.elasticity_sweep(prep, e, nonfee, 400.0)
        draws = pd.DataFrame({"elasticity.central": e[::12], "elasticity.nonfee_cost": nonfee, "hourly_cost": 400.0})
        matrix = fu.headlines(prep, draws)  # 10 draws: the matrix path
        np.testing.assert_allclose(fast.net_budget_effect.to_numpy()[::12], matrix.net_budget_effect.to_numpy(), atol=0.01)
        grouped = fu.headlines(
            prep, pd.DataFrame({"elasticity.central": e, "elasticity.nonfee_cost": nonfee, "hourly_cost": 400.0})
        )
        np.testing.assert_allclose(grouped.net_budget_effect.to_numpy(), fast.net_budget_effect.to_numpy(), atol=1e-6)


def test_a_long_elasticity_sweep_interpolates_hours_to_well_within_a_krona():
    from carepay.fee_incentives import uncertainty as fu

    _, p, packages, r = _question("fee_incentives")
    prep = fu.prepare(r, p, packages[0])
    e = np.linspace(-0.95, 0.3, 1000)
    long = fu.elasticity_sweep(prep, e, 300.0, 400.0)
    pick = np.random.default_rng(0).choice(len(e), 12, replace=False)
    exact = fu.elasticity_sweep(prep, e[pick], 300.0, 400.0)  # few elasticities: summed directly
    np.testing.assert_allclose(long.hours_change.to_numpy()[pick], exact.hours_change.to_numpy(), atol=1e-6)
    np.testing.assert_allclose(long.net_budget_effect.to_numpy()[pick], exact.net_budget_effect.to_numpy(), atol=0.01)
