"""Scenario files validate; bad ones get messages that name the file, the field, the value and what is allowed."""

from __future__ import annotations

import pytest

from carepay import cli, params
from carepay.batch import notebook_names
from carepay.params import ParameterError


def all_scenarios():
    return [(nb, f) for nb in notebook_names() for f in params.scenario_files(nb)]


@pytest.mark.parametrize("notebook, path", all_scenarios(), ids=lambda x: getattr(x, "name", x))
def test_every_scenario_file_is_valid(notebook, path):
    p = params.load(notebook, path)
    assert p.title and p.description


@pytest.mark.parametrize("notebook", notebook_names())
def test_every_notebook_has_a_default_scenario_and_a_model(notebook, root):
    assert (root / "params" / notebook / "default.yaml").exists()
    params.model_for(notebook)


@pytest.mark.parametrize("notebook", notebook_names())
def test_every_parameter_has_unit_source_and_description(notebook):
    for row in params.metadata(notebook):
        assert row["unit"] and row["source"] and row["description"], row


@pytest.mark.parametrize("notebook", notebook_names())
def test_default_scenario_is_complete(notebook, root):
    default = params.read_yaml(root / "params" / notebook / "default.yaml")
    assert set(default) == set(params.model_for(notebook).model_fields)


def _write(project, name, text):
    path = project / "params" / "sources" / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_key_is_an_error_with_a_suggestion(project):
    _write(project, "typo", "title: t\ndescription: d\nrows_per_tabel: 5\n")
    with pytest.raises(ParameterError) as err:
        params.load("sources", "typo")
    msg = str(err.value)
    assert "params/sources/typo.yaml" in msg and "'rows_per_tabel': unknown parameter" in msg
    assert "Did you mean 'rows_per_table'?" in msg


def test_out_of_range_value_names_field_value_and_rule(project):
    _write(project, "bad", "title: t\ndescription: d\nrows_per_table: 0\n")
    with pytest.raises(ParameterError) as err:
        params.load("sources", "bad")
    msg = str(err.value)
    assert "'rows_per_table': input should be greater than or equal to 1 (the value given: 0)" in msg  # reason first
    assert "unit: rows" in msg


def test_wrong_type_and_unknown_choice(project):
    _write(project, "bad2", "title: t\ndescription: d\nshow_passing_checks: perhaps\npackages: [stockholm]\n")
    with pytest.raises(ParameterError) as err:
        params.load("sources", "bad2")
    msg = str(err.value)
    assert "2 problems" in msg and "'show_passing_checks': input should be a valid boolean" in msg
    assert "(the value given: 'perhaps')" in msg
    assert "unknown data package(s) stockholm; known: leksand_rattvik_home_care_2010" in msg


def test_scenario_must_say_what_it_is(project):
    _write(project, "bare", "rows_per_table: 5\n")
    with pytest.raises(ParameterError, match="bare.yaml: starts with a 'title'"):
        params.load("sources", "bare")


def test_yaml_syntax_error_names_the_line(project):
    _write(project, "broken", "title: t\ndescription: d\nrows_per_table: [5\n")
    with pytest.raises(ParameterError, match=r"broken.yaml, line \d+: not valid YAML"):
        params.load("sources", "broken")


def test_scenario_changes_only_what_it_names(project):
    _write(project, "more", "title: More rows\ndescription: shows more rows\nrows_per_table: 200\n")
    p = params.load("sources", "more")
    assert p.rows_per_table == 200 and p.show_passing_checks is False
    assert params.changes_from_default("sources", p) == {"rows_per_table": (30, 200)}


def test_cli_reports_bad_scenario_without_traceback(project, capsys):
    _write(project, "bad", "title: t\ndescription: d\nrows_per_table: -1\n")
    assert cli.main(["params"]) == 2
    out = capsys.readouterr().out
    assert "INVALID params/sources/bad.yaml" in out and "Traceback" not in out
    assert cli.main(["reports", "params/sources/nope.yaml", "--no-progress"]) == 2
    assert "params file not found" in capsys.readouterr().err


PLACEHOLDERS = {"", "-", "?", "tbd", "todo", "none", "n/a"}


@pytest.mark.parametrize("notebook", notebook_names())
def test_every_parameter_has_a_unit_and_a_source(notebook):
    rows = params.metadata(notebook)
    assert any("." in r["parameter"] for r in rows) or notebook == "sources", "nested parameters are described too"
    bad = [
        f"{r['parameter']} (unit {r['unit']!r}, source {r['source']!r})"
        for r in rows
        if str(r["unit"] or "").strip().lower() in PLACEHOLDERS
        or str(r["source"] or "").strip().lower() in PLACEHOLDERS
        or not r["description"]
    ]
    assert not bad, f"{notebook}: parameters without a unit, a source or a description: {bad}"


def _document_figures(notebook):
    import csv

    from carepay import paths, registry

    found = {}
    for package in registry.QUESTIONS[notebook].documents:
        with (paths.data_dir() / package / "figures.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                found.setdefault(float(row["value"]), f"{package}/{row['figure']}")
    return found


#: Defaults that equal a document figure by chance, not because they come from it.
COINCIDENCES = {
    "capitation_fairness": {"population.median_ordered_hours"},  # an assumption; 14 is also a count of municipalities
    "provider_payment": {  # assumed execution ratios and a spread, not the figures they happen to equal
        "execution.level_month.external",
        "execution.capitation.in_house",
        "execution.capitation.external",
        "population.sigma_month",
        "guaranteed_response",  # half the gap, an assumption, not the 50 % execution ratio of the past
    },
}


@pytest.mark.parametrize("notebook", notebook_names())
def test_defaults_from_documents_refer_to_their_figures(notebook):
    """One source per number: a default equal to a document figure (other than small counts) is a reference."""
    p = params.load(notebook)
    refs = p.references()
    figures = _document_figures(notebook)
    typed = []
    for path, value in params.flatten(p.values()):
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for i, v in items:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or float(v) not in figures:
                continue
            if float(v).is_integer() and abs(v) <= 12:
                continue  # small counts (months, staff) match figures by chance
            at = path if i is None else f"{path}[{i}]"
            if at not in refs and "seed" not in at and "year" not in at and at not in COINCIDENCES.get(notebook, set()):
                typed.append(f"{at} = {v} (write {{figure: {figures[float(v)]}}})")
    assert not typed, f"{notebook}: document figures typed again in default.yaml: {typed}"


def test_figure_references_resolve_show_and_fail_clearly(project):
    p = params.load("capitation_fairness")
    assert p.hourly_rate == 436 and p.references()["hourly_rate"] == "vasteras_housing_support_2022/hourly_rate_2022"
    from carepay import report

    rows = report.parameter_rows(p, "capitation_fairness").set_index("parameter")
    assert "figures.csv: hourly_rate_2022 (section 4: 'timersättning om 436 kr')" in rows.loc["hourly_rate", "read from"]
    # an analyst's own value replaces the reference, and the provenance no longer claims it
    over = params.resolve("capitation_fairness", "default", {"hourly_rate": 450})
    assert over.hourly_rate == 450 and "hourly_rate" not in over.references()
    bad = project / "params" / "capitation_fairness" / "bad.yaml"
    bad.write_text("title: t\ndescription: d\nhourly_rate: {figure: vasteras_housing_support_2022/hourly_rat}\n")
    with pytest.raises(ParameterError) as err:
        params.load("capitation_fairness", "bad")
    assert "bad.yaml" in str(err.value) and "'hourly_rate'" in str(err.value) and "hourly_rate_2022" in str(err.value)


def test_params_describe_prints_every_parameter(capsys):
    assert cli.main(["params", "--describe", "capitation_fairness"]) == 0
    out = capsys.readouterr().out
    for row in params.metadata("capitation_fairness"):
        assert row["parameter"] in out
    assert "hourly_rate  [kr/hour]  default: 436 (from vasteras_housing_support_2022/hourly_rate_2022)" in out
    assert "    rate.budget  [kr/year]  default: 29439000" in out
    assert cli.main(["params", "--describe", "no_such_notebook"]) == 2
    assert "no notebook no_such_notebook" in capsys.readouterr().err


def test_a_scenario_may_set_one_value_of_a_block(project):
    (project / "params" / "fee_incentives" / "central.yaml").write_text(
        "title: t\ndescription: d\nelasticity:\n  central: -0.35\n", encoding="utf-8"
    )
    p = params.load("fee_incentives", "central")
    default = params.load("fee_incentives")
    assert p.elasticity.central == -0.35 and p.elasticity.nonfee_cost == default.elasticity.nonfee_cost
    assert p.population == default.population


def test_a_typo_in_a_nested_key_suggests_the_blocks_own_key(project):
    (project / "params" / "fee_incentives" / "typo.yaml").write_text(
        "title: t\ndescription: d\nelasticity:\n  centrl: -0.35\n", encoding="utf-8"
    )
    with pytest.raises(ParameterError) as err:
        params.load("fee_incentives", "typo")
    msg = str(err.value)
    assert (
        "'elasticity.centrl': unknown parameter. Did you mean 'central'? Allowed here: price_concept, central, low, high, nonfee_cost"
        in msg
    )


def test_block_errors_name_the_reason_first_without_dumping_the_block(project):
    (project / "params" / "fee_incentives" / "order.yaml").write_text(
        "title: t\ndescription: d\nelasticity:\n  central: -0.1\n  low: -0.05\n", encoding="utf-8"
    )
    with pytest.raises(ParameterError) as err:
        params.load("fee_incentives", "order")
    line = str(err.value).splitlines()[1]
    assert line.startswith("  - 'elasticity': need low <= central <= high") and "nonfee_cost" not in line.split("(")[0]


def test_a_value_that_fits_no_choice_is_one_problem(project):
    (project / "params" / "fee_incentives" / "bad.yaml").write_text(
        "title: t\ndescription: d\nhourly_cost: 400kr\n", encoding="utf-8"
    )
    with pytest.raises(ParameterError) as err:
        params.load("fee_incentives", "bad")
    msg = str(err.value)
    assert "1 problem" in msg and "  - 'hourly_cost': input should be 'payment' or 'break_even', or a valid number" in msg
    assert "literal[" not in msg


def test_a_figure_that_is_not_a_number_is_named_with_its_file_and_field(project):
    figures = project / "data" / "vasteras_housing_support_2022" / "figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace("0.51,share", "zero point five,share", 1), encoding="utf-8")
    with pytest.raises(
        ParameterError,
        match=r"figures.csv, figure 'execution_ratio_vard_och_omsorg', field 'value': value 'zero point five' is not a number",
    ):
        params.load("capitation_fairness", "default")
