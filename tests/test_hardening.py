"""Hardening: extracts are read only from where an analyst means, scenario files cannot exhaust memory, reports are
written only under reports/ (issue 11's security faults 2-4; the first, script in a report, is in test_browser)."""

from __future__ import annotations

import os

import pytest

from carepay import batch, params
from carepay.params import ParameterError


def _scenario(project, text, name="mine"):
    path = project / "params" / "fee_incentives" / f"{name}.yaml"
    path.write_text("title: t\ndescription: d\n" + text, encoding="utf-8")
    return path


EXTRACT = "population: {{source: extract, extract_file: {}}}\n"


@pytest.mark.parametrize(
    "where, message",
    [
        ("/etc/passwd", "read only from the project folder or a folder named in CAREPAY_EXTRACT_DIRS"),
        ("../outside.csv", "read only from the project folder"),
        ("/dev/zero", "read only from the project folder"),
        ("missing.csv", "missing.csv: file not found"),
        ("data", "not a regular file"),
    ],
)
def test_extracts_come_only_from_allowed_regular_files(project, where, message):
    _scenario(project, EXTRACT.format(where))
    with pytest.raises(ParameterError, match=message):
        params.load("fee_incentives", "mine")


def test_a_link_out_of_the_project_is_followed_and_refused(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "secret.csv"
    outside.write_text("person_id\n1\n", encoding="utf-8")
    (project / "link.csv").symlink_to(outside)
    _scenario(project, EXTRACT.format("link.csv"))
    with pytest.raises(ParameterError, match="read only from the project folder"):
        params.load("fee_incentives", "mine")


def test_an_analysts_own_folder_and_size_limit(project, tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("analyst")
    (folder / "big.csv").write_text("x" * 2_000_000, encoding="utf-8")
    _scenario(project, EXTRACT.format(folder / "big.csv"))
    monkeypatch.setenv("CAREPAY_EXTRACT_DIRS", str(folder))
    monkeypatch.setenv("CAREPAY_EXTRACT_MAX_MB", "1")
    with pytest.raises(ParameterError, match="larger than the 1 MiB allowed; raise CAREPAY_EXTRACT_MAX_MB"):
        params.load("fee_incentives", "mine")
    monkeypatch.setenv("CAREPAY_EXTRACT_MAX_MB", "5")
    assert params.load("fee_incentives", "mine").population.extract_file == str(folder / "big.csv")


def test_yaml_aliases_are_refused_before_they_expand(project):
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n" for p, c in zip("abcdefgh", "bcdefghi")
    )
    _scenario(project, laughs)
    with pytest.raises(ParameterError, match="aliases \\(\\*name\\) are not allowed"):
        params.load("fee_incentives", "mine")


def test_a_key_given_twice_and_a_file_not_in_utf8(project):
    _scenario(project, "year: 2018\nyear: 2026\n")
    with pytest.raises(ParameterError, match="line 4.*the key 'year' is given twice"):
        params.load("fee_incentives", "mine")
    (project / "params" / "fee_incentives" / "latin.yaml").write_bytes(
        "title: Avgift för äldre\ndescription: d\n".encode("latin-1")
    )
    with pytest.raises(ParameterError, match="latin.yaml: not UTF-8 text"):
        params.load("fee_incentives", "latin")


@pytest.mark.usefixtures("project")
@pytest.mark.parametrize("selection", ["fee_incentives/../../x", "../reports/default", "fee_incentives/a b"])
def test_a_selection_cannot_write_outside_reports(selection):
    with pytest.raises(ParameterError, match="no paths|neither a notebook"):
        batch.discover([selection])


def test_a_params_file_outside_params_is_refused(project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("other") / "fee_incentives"
    elsewhere.mkdir()
    (elsewhere / "default.yaml").write_text("title: t\ndescription: d\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="rendered only from params/<notebook>/"):
        batch.discover([str(elsewhere / "default.yaml")])
    inside = _scenario(project, "")
    (job,) = batch.discover([os.path.relpath(inside)])
    assert job.out(".html").parent.resolve() == (project / "reports" / "fee_incentives").resolve()


def test_refused_scenario_exits_2_and_bad_csv_files_say_what_is_wrong(project, capsys):
    from carepay import cli
    from carepay.sources import ExtractError, read_csv_text

    _scenario(project, "hourly_fee: .inf\n")
    assert cli.main(["reports", "fee_incentives/mine", "--no-progress"]) == 2
    assert "'hourly_fee': input should be a finite number" in capsys.readouterr().err
    _scenario(project, "hourly_fee: true\n")
    assert cli.main(["params", "fee_incentives"]) == 2
    assert "'hourly_fee': input should be a valid number" in capsys.readouterr().out
    for content, message in (
        (b"", "the file is empty"),
        (b"person_id;period\n1;2021-01\n", "the file is separated by ';'"),
        ("person_id,period\nÅsa,2021-01\n".encode("latin-1"), "not UTF-8 text"),
    ):
        path = project / "x.csv"
        path.write_bytes(content)
        with pytest.raises(ExtractError, match=f"x.csv: {message}"):
            read_csv_text(path, "x.csv", "utf-8", ExtractError)


def test_two_renders_are_the_same_but_for_the_run_time(project):
    import re

    first = batch.run(batch.discover(["sources/default"]), n_jobs=1, progress=False)[0]
    page = (project / first.html).read_text(encoding="utf-8")
    second = batch.run(batch.discover(["sources/default"]), n_jobs=1, progress=False, force=True)[0]
    assert not second.reused
    again = (project / second.html).read_text(encoding="utf-8")
    strip = lambda text: re.sub(r"<time class='run'>[^<]*</time>", "", text)  # noqa: E731
    assert strip(page) == strip(again)


def test_one_batch_at_a_time_and_leftovers_removed(project):
    import fcntl

    reports = project / "reports" / "sources"
    reports.mkdir(parents=True)
    (reports / ".default.html.tmp123").write_text("half", encoding="utf-8")
    (reports / "default.running999.ipynb").write_text("{}", encoding="utf-8")
    with (project / "reports" / ".lock").open("a+") as other:  # another batch holds the lock
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        other.write("4242")
        other.flush()
        with pytest.raises(batch.BatchBusyError, match="another carepay batch \\(process 4242\\) is writing reports/"):
            batch.run(batch.discover(["sources/default"]), n_jobs=1, progress=False)
    (outcome,) = batch.run(batch.discover(["sources/default"]), n_jobs=1, progress=False)  # the holder is gone
    assert outcome.ok
    assert not list(reports.glob(".*.tmp*")) and not list(reports.glob("*.running*.ipynb"))


def test_carepay_params_reads_the_extracts_before_any_report_runs(project, capsys):
    from carepay import cli

    (project / "fees.csv").write_text(
        "person_id,period,executed_hours,alarm,fee_headroom\n" + "".join(f"a,2017-{m:02d},3,0,100\n" for m in range(1, 13)),
        encoding="utf-8",
    )
    _scenario(project, EXTRACT.format("fees.csv"))
    assert cli.main(["params", "fee_incentives"]) == 2
    out = capsys.readouterr().out
    assert "INVALID params/fee_incentives/mine.yaml: fees.csv: months of 2017; allowed: the twelve months of 2018" in out


def test_data_package_numbers_must_be_finite_and_types_known(project):
    from carepay import sources
    from carepay.sources import SourceDataError

    path = project / "data" / "leksand_rattvik_home_care_2010" / "figures.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("hourly_rate_2011,375,", "hourly_rate_2011,inf,"), encoding="utf-8")
    with pytest.raises(SourceDataError, match="figures.csv, row 2, field 'value': value 'inf' is not a finite number"):
        sources.load("leksand_rattvik_home_care_2010")


def test_a_report_set_is_replaced_as_one(project, monkeypatch):
    """HTML, notebook and status of a report replace the old ones together: an interruption before the journal
    leaves the old set, one after it is finished by the next run."""
    (good,) = batch.run(batch.discover(["sources/default"]), n_jobs=1, progress=False)
    assert good.ok
    folder = project / "reports" / "sources"
    names = ["default.html", "default.ipynb", "default.json"]
    old = {n: (folder / n).read_bytes() for n in names}
    for n in names:  # written in full, never committed: the run died before its journal
        (folder / f".{n}.staged").write_text("new", encoding="utf-8")
    batch.clean_leftovers()
    assert {n: (folder / n).read_bytes() for n in names} == old
    assert not list(folder.glob(".*.staged"))

    real_replace = batch.os.replace
    calls = []

    def dies_after_the_first(src, dst):  # the run dies between two replacements of one set
        calls.append(dst)
        if len(calls) == 2 and str(src).endswith(".staged"):
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(batch.os, "replace", dies_after_the_first)
    for n in names:
        (folder / f".{n}.staged").write_text(f"new {n}", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        batch._commit(folder, "default", [folder / n for n in names])
    monkeypatch.setattr(batch.os, "replace", real_replace)
    assert (folder / ".default.commit").exists()
    batch.clean_leftovers()  # what the next run does first
    assert {n: (folder / n).read_text(encoding="utf-8") for n in names} == {n: f"new {n}" for n in names}
    assert not list(folder.glob(".*"))


def test_a_report_folder_that_cannot_be_written_fails_that_report_only(project, monkeypatch):
    real = batch._atomic_write

    def read_only(path, text):  # reports/sources/ refuses writes (root ignores chmod, so the refusal is simulated)
        if path.parent.name == "sources" and path.name.endswith(".staged"):
            raise PermissionError(13, "Permission denied")
        real(path, text)

    monkeypatch.setattr(batch, "_atomic_write", read_only)
    outcomes = batch.run(batch.discover(["sources/default", "level_regrouping/default"]), n_jobs=1, progress=False)
    assert {o.notebook: o.ok for o in outcomes} == {"sources": False, "level_regrouping": True}
    failed = next(o for o in outcomes if not o.ok)
    assert "could not write the report to reports/sources/: Permission denied" in failed.error
    assert not list((project / "reports").glob("*/.*.staged"))


def test_a_batch_renders_only_what_changed(project):
    """Reports whose inputs are unchanged are reused; a changed scenario re-renders its report only; a changed data
    file every report that reads it; --force everything."""
    selection = ["sources/default", "level_regrouping/default"]
    first = {o.notebook: o for o in batch.run(batch.discover(selection), n_jobs=1, progress=False)}
    assert all(o.ok and not o.reused for o in first.values())
    again = {o.notebook: o for o in batch.run(batch.discover(selection), n_jobs=1, progress=False)}
    assert all(o.reused for o in again.values())
    assert again["level_regrouping"].finished == first["level_regrouping"].finished
    index = (project / "reports" / "index.html").read_text(encoding="utf-8")
    assert index.count('data-status="reused"') == 2

    scenario = project / "params" / "level_regrouping" / "default.yaml"
    scenario.write_text(scenario.read_text(encoding="utf-8").replace("rounding_step: 1", "rounding_step: 10"), encoding="utf-8")
    changed = {o.notebook: o for o in batch.run(batch.discover(selection), n_jobs=1, progress=False)}
    assert not changed["level_regrouping"].reused and changed["sources"].reused

    data = project / "data" / "stockholm_lss_housing_2023" / "known_discrepancies.csv"
    data.write_text(data.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after_data = {o.notebook: o for o in batch.run(batch.discover(selection), n_jobs=1, progress=False)}
    assert not any(o.reused for o in after_data.values())  # the sources report reads every package

    forced = batch.run(batch.discover(selection), n_jobs=1, progress=False, force=True)
    assert not any(o.reused for o in forced)


def test_a_figure_missing_from_a_data_package_is_a_clear_error_not_a_traceback(tmp_path, monkeypatch, capsys):
    """An analyst who renames or deletes a row of figures.csv is told the file, the field and the missing id."""
    import shutil
    from pathlib import Path

    from carepay import cli

    root = Path(__file__).resolve().parents[1]
    shutil.copytree(root / "data", tmp_path / "data")
    monkeypatch.setenv("CAREPAY_HOME", str(tmp_path))
    figures = tmp_path / "data" / "leksand_rattvik_home_care_2010" / "figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace("hourly_rate_2011,", "hourly_rate_2O11,"), encoding="utf-8")
    assert cli.main(["check-data"]) == 2
    err = capsys.readouterr().err
    assert "figures.csv, field 'figure': no row is 'hourly_rate_2011'" in err and "Traceback" not in err
