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
    assert "'rows_per_table': value 0 is not allowed: input should be greater than or equal to 1" in msg
    assert "unit: rows" in msg


def test_wrong_type_and_unknown_choice(project):
    _write(project, "bad2", "title: t\ndescription: d\nshow_passing_checks: perhaps\npackages: [stockholm]\n")
    with pytest.raises(ParameterError) as err:
        params.load("sources", "bad2")
    msg = str(err.value)
    assert "2 problems" in msg and "'show_passing_checks': value 'perhaps'" in msg
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
