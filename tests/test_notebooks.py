"""The notebook contract, and every notebook run with every scenario through the batch."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import papermill
import pytest

from carepay import batch, i18n, params

NOTEBOOKS = batch.notebook_names()


def sv(text: str) -> str:
    """A report text as the Swedish reports show it (the bundled scenarios' language)."""
    return i18n.translated(text, "sv")


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_committed_without_outputs(notebook, root):
    nb = nbformat.read(root / "notebooks" / f"{notebook}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{notebook}: strip outputs before committing"


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_one_parameters_cell_naming_every_parameter(notebook, root):
    path = root / "notebooks" / f"{notebook}.ipynb"
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{notebook}: exactly one cell tagged 'parameters'"
    declared = set(papermill.inspect_notebook(str(path)))
    model = set(params.model_for(notebook).model_fields)
    assert declared == model | {"scenario"}
    for scenario in params.scenario_files(notebook):
        keys = set(params.read_yaml(scenario))
        assert keys <= declared, f"{scenario.name}: keys {keys - declared} are not parameters of {notebook}"


def _run_all(jobs: int = 2):
    outcomes = batch.run(batch.discover([]), n_jobs=jobs, progress=False)
    return {f"{o.notebook}/{o.scenario}": o for o in outcomes}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Every notebook x scenario rendered once into a throwaway project copy."""
    import os
    import shutil

    root = Path(__file__).resolve().parents[1]
    home = tmp_path_factory.mktemp("project")
    for name in ("data", "params", "notebooks"):
        shutil.copytree(root / name, home / name)
    old = os.environ.get("CAREPAY_HOME")
    os.environ["CAREPAY_HOME"] = str(home)
    try:
        outcomes = _run_all()
        yield home, outcomes
    finally:
        if old is None:
            os.environ.pop("CAREPAY_HOME", None)
        else:
            os.environ["CAREPAY_HOME"] = old


@pytest.mark.notebooks
def test_every_notebook_runs_with_every_scenario(rendered):
    home, outcomes = rendered
    expected = {f"{nb}/{f.stem}" for nb in NOTEBOOKS for f in sorted((home / "params" / nb).glob("*.yaml"))}
    assert set(outcomes) == expected
    failed = {k: o.error for k, o in outcomes.items() if not o.ok}
    assert not failed
    for key, o in outcomes.items():
        assert o.key_results, f"{key} shows no key results"
        assert (home / o.html).exists() and (home / o.executed).exists()


@pytest.mark.notebooks
def test_pinned_results(rendered):
    """Every scenario's key results match tests/pinned/<notebook>.yaml within their tolerances
    (after an intended change: python3 tasks.py pin, and name what moved in the commit message)."""
    from carepay import pinned

    home, outcomes = rendered
    problems = []
    for nb in NOTEBOOKS:
        pins = pinned.read(nb)
        scenarios = {f.stem for f in (home / "params" / nb).glob("*.yaml")}
        problems += [f"{nb}/{s}: pinned, but params/{nb}/{s}.yaml does not exist" for s in sorted(set(pins) - scenarios)]
        for s in sorted(scenarios):
            outcome = outcomes[f"{nb}/{s}"]
            if not outcome.ok:
                problems.append(f"{nb}/{s}: did not render, so nothing to compare: {outcome.error}")
                continue
            problems += pinned.compare(nb, s, pins.get(s), outcome.key_results)
    assert not problems, "pinned results moved:\n" + "\n".join(problems)


@pytest.mark.notebooks
def test_reports_are_self_contained(rendered):
    home, outcomes = rendered
    for o in outcomes.values():
        page = (home / o.html).read_text(encoding="utf-8")
        assert "<script" not in page, f"{o.html} has a script"
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), f"{o.html} refers to the network"
        assert "<svg" in page, f"{o.html} has no chart"
        assert sv("Provenance") in page and "SHA-256" in page


@pytest.mark.notebooks
def test_code_is_hidden_by_default(rendered):
    home, outcomes = rendered
    page = (home / outcomes["sources/default"].html).read_text(encoding="utf-8")
    assert "params.resolve" not in page


@pytest.mark.notebooks
def test_index_lists_every_report(rendered):
    home, outcomes = rendered
    index = (home / "reports" / "index.html").read_text(encoding="utf-8")
    import html

    for o in outcomes.values():
        assert html.escape(o.title) in index
        assert Path(o.html).name in index


@pytest.mark.notebooks
def test_same_parameters_same_numbers(rendered):
    home, outcomes = rendered
    first = {k: o.key_results for k, o in outcomes.items()}
    again = batch.run(batch.discover([f"{nb}/default" for nb in NOTEBOOKS]), n_jobs=2, progress=False)
    assert len(again) == len(NOTEBOOKS)
    for o in again:
        assert o.key_results == first[f"{o.notebook}/{o.scenario}"]


@pytest.mark.notebooks
def test_failed_run_keeps_last_good_report(rendered, capsys):
    from carepay import cli

    home, outcomes = rendered
    good = home / outcomes["sources/default"].html
    before = good.read_bytes()
    # break a data file after a good run: the notebook now fails in a cell
    path = home / "data" / "leksand_rattvik_home_care_2010" / "figures.csv"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("figure,value,", "figure,valu,"), encoding="utf-8")
    try:
        assert cli.main(["reports", "sources", "--no-progress", "--jobs", "1"]) == 1
        err = capsys.readouterr().err
        assert "sources/default" in err and "cell" in err and "default.failed.ipynb" in err
        assert "SourceDataError" in err
        assert good.read_bytes() == before, "a failed run replaced the last good report"
        status = json.loads((home / "reports" / "sources" / "default.json").read_text())
        assert status["ok"] is False and status["last_good"]["key_results"]
        index = (home / "reports" / "index.html").read_text(encoding="utf-8")
        assert 'data-status="failed"' in index and sv(" in cell {cell}").format(cell="") in index
        assert sv("last good report ({when}, out of date)").split(" (")[0] in index
    finally:
        path.write_text(original, encoding="utf-8")
    assert cli.main(["reports", "sources", "--no-progress", "--jobs", "1"]) == 0
    assert not (home / "reports" / "sources" / "default.failed.ipynb").exists()


@pytest.mark.notebooks
def test_index_opens_with_the_answers(rendered):
    from carepay.registry import QUESTIONS

    home, outcomes = rendered
    index = (home / "reports" / "index.html").read_text(encoding="utf-8")
    answers, every = index.index('class="answers">' + sv("The answers")), index.index('class="answers">' + sv("Every report"))
    assert answers < every
    for name, question in QUESTIONS.items():
        if name != "sources":
            assert outcomes[f"{name}/default"].answer, f"{name}/default shows no answer"
            assert html_escape(sv(question.title)) in index[answers:every]


@pytest.mark.notebooks
def test_a_deleted_scenario_leaves_the_index(rendered):
    home, _ = rendered
    extra = home / "params" / "sources" / "gone.yaml"
    extra.write_text("title: Soon gone\ndescription: rendered, then deleted\n", encoding="utf-8")
    (outcome,) = batch.run(batch.discover(["sources/gone"]), n_jobs=1, progress=False)
    assert outcome.ok and "Soon gone" in (home / "reports" / "index.html").read_text(encoding="utf-8")
    extra.unlink()
    batch.write_index()
    assert "Soon gone" not in (home / "reports" / "index.html").read_text(encoding="utf-8")
    assert not list((home / "reports" / "sources").glob("gone.*"))


def html_escape(text: str) -> str:
    import html

    return html.escape(text)


@pytest.mark.notebooks
def test_a_scenario_shows_what_it_changes_and_its_results_beside_the_defaults(rendered):
    home, outcomes = rendered
    page = (home / outcomes["capitation_fairness/risk_adjusted"].html).read_text(encoding="utf-8")
    assert sv("What this scenario changes") in page and "need_groups.thresholds" in page and "8, 16, 30" in page
    assert sv("Default scenario") in page and sv("Difference") in page
    default = (home / outcomes["capitation_fairness/default"].html).read_text(encoding="utf-8")
    assert sv("What this scenario changes") not in default and sv("Default scenario") not in default


@pytest.mark.notebooks
@pytest.mark.browser
def test_the_index_and_every_default_report_meet_wcag_2_1_aa_by_axe_core(rendered, tmp_path):
    """The index, every default report and a comparison page: axe-core (pinned, from the npm registry) in headless Chromium finds no WCAG 2.0/2.1 A or AA violation. Skipped
    on a developer's machine without chromium or without the registry (and no cached copy); in CI both must work."""
    import os
    import shutil

    from carepay import accessibility

    in_ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        assert not in_ci, "chromium is not installed: CI must check reports in a real browser (apt-get install chromium)"
        pytest.skip("chromium is not installed (apt-get install chromium)")
    try:
        axe = accessibility.axe_script()
    except OSError as err:
        assert not in_ci, f"axe-core could not be fetched from the npm registry: {err}"
        pytest.skip(f"axe-core {accessibility.AXE_VERSION} is neither cached nor reachable on the npm registry: {err}")
    home, outcomes = rendered
    pages = [home / "reports" / "index.html"] + [
        home / o.html for key, o in sorted(outcomes.items()) if key.endswith("/default") and o.ok
    ]
    assert len(pages) == 1 + len(NOTEBOOKS)
    pages.append(home / "reports" / "capitation_fairness" / "all.compared.html")
    problems = []
    for i, page in enumerate(pages):
        work = tmp_path / str(i)
        work.mkdir()
        found = accessibility.audit(str(page), chromium, str(work), axe)
        if found:
            problems.append(f"{page.relative_to(home)}:\n{accessibility.describe(found)}")
    assert not problems, "\n".join(problems)


def test_swedish_terms_are_marked_and_english_words_are_not():
    from carepay import accessibility

    page = "<p><em>hemtjänst</em>, <em>maxtaxa</em>, <em>known</em> and <em>Beviljad tid</em></p>"
    assert accessibility.mark_languages(page) == (
        '<p><em lang="sv">hemtjänst</em>, <em lang="sv">maxtaxa</em>, <em>known</em> and <em lang="sv">Beviljad tid</em></p>'
    )


@pytest.mark.notebooks
def test_every_report_has_one_h1_and_headings_in_order(rendered):
    """WCAG 1.3.1 and 2.4.6: one h1 per report, and no heading level skipped on the way down."""
    home, outcomes = rendered
    for key, o in outcomes.items():
        if not o.ok:
            continue
        levels = [int(h) for h in re.findall(r"<h([1-6])[\s>]", (home / o.html).read_text(encoding="utf-8"))]
        assert levels[0] == 1 and levels.count(1) == 1, key
        skipped = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
        assert not skipped, f"{key}: heading levels {skipped}"


@pytest.mark.notebooks
def test_every_table_and_chart_links_to_its_data_which_matches_the_report(rendered):
    """Beside each report: its workbook and a folder with two CSV files per table and chart, every link relative and
    resolving; the files hold the numbers the kernel computed (the executed notebook's table records)."""
    import html as html_module

    import pandas as pd

    from carepay import TABLE_MIME, export

    home, outcomes = rendered
    for key in ("capitation_fairness/default", "provider_payment/default", "level_regrouping/uneven_boards"):
        o = outcomes[key]
        page_path = home / o.html
        page = page_path.read_text(encoding="utf-8")
        links = {
            html_module.unescape(h)
            for h in re.findall(r'class="data-links">.*?</p>', page)
            for h in re.findall(r'href="([^"]+)"', h)
        }
        assert links and all(not (h.startswith(("/", "http")) or ":" in h) for h in links)
        assert all((page_path.parent / h).is_file() for h in links), key
        nb = nbformat.read(home / o.executed, as_version=4)
        records = [out["data"][TABLE_MIME] for c in nb.cells for out in c.get("outputs", []) if TABLE_MIME in out.get("data", {})]
        assert len(records) == page.count('class="data-links"')  # every table and chart shown has its data
        book = (page_path.with_suffix(".xlsx")).read_bytes()
        for name, rec in zip(export.sheet_names(records), records):
            sheet = export.read_sheet(book, name)
            with i18n.language(o.language):  # the files' headers are in the report's language
                expected = export.frame(rec, unit_for_shares="%")
            assert list(sheet.columns) == list(expected.columns)
            assert len(sheet) == len(expected)
            sv = pd.read_csv(
                page_path.with_suffix(".data") / export.csv_names(rec)[0], sep=";", decimal=",", encoding="utf-8-sig"
            )
            assert len(sv) == len(rec["rows"])
        first = next(r for r in records if [c["name"] for c in r["columns"]][:3] == ["id", "result", "value"])
        # the key results' file holds the values the index and the pinned results read
        values = [row[[c["name"] for c in first["columns"]].index("value")] for row in first["rows"]]
        numbers = lambda vs: [v for v in vs if isinstance(v, (int, float))]  # noqa: E731  (words are in the report's language)
        assert len(values) == len(o.key_results) and numbers(values) == numbers([r["value"] for r in o.key_results])


@pytest.mark.notebooks
def test_each_question_has_a_comparison_page_and_compare_writes_one_for_a_chosen_set(rendered, capsys):
    """Per question one page: every scenario's key results with the difference from the default, what each scenario
    changes, and the main headline across the scenarios with its range; linked from the index; escaped."""
    import html as html_module

    from carepay import cli

    home, outcomes = rendered
    index = (home / "reports" / "index.html").read_text(encoding="utf-8")
    for nb in ("capitation_fairness", "level_regrouping", "fee_incentives", "provider_payment"):
        page = (home / "reports" / nb / "all.compared.html").read_text(encoding="utf-8")
        assert f'href="{nb}/all.compared.html"' in index
        scenarios = sorted(p.stem for p in (home / "params" / nb).glob("*.yaml"))
        assert all(f'href="{s}.html"' in page for s in scenarios)
        assert "<svg" in page and 'role="img"' in page and sv("What each scenario changes") in page
        default = outcomes[f"{nb}/default"].key_results[0]
        assert html_module.escape(default["result"]) in page
        from carepay.registry import QUESTIONS  # the chart draws the headline the question declares

        declared = next(k for k in outcomes[f"{nb}/default"].key_results if k["id"] == QUESTIONS[nb].headline)
        assert f"<figcaption><b>{html_module.escape(declared['result'])}</b>" in page
        assert page.count('class="diff"') >= len(scenarios) - 1  # a difference under each other scenario's value
    # the pilot changes parameters: each named with both values
    page = (home / "reports" / "capitation_fairness" / "all.compared.html").read_text(encoding="utf-8")
    changes = page[page.index(sv("What each scenario changes")) :]
    assert '<th scope="row" translate="no">pilot</th>' in changes
    assert cli.main(["compare", "capitation_fairness", "default", "pilot"]) == 0
    chosen = home / "reports" / "capitation_fairness" / "default-pilot.compared.html"
    assert chosen.exists() and 'href="blended.html"' not in chosen.read_text(encoding="utf-8")
    assert cli.main(["compare", "capitation_fairness", "no_such"]) == 2
    assert "no rendered report for no_such" in capsys.readouterr().err


@pytest.fixture(scope="module")
def rendered_en(rendered):
    """The default scenarios rendered in English too, beside the Swedish reports (carepay reports --language en)."""
    home, _ = rendered
    defaults = batch.discover([f"{nb}/default" for nb in NOTEBOOKS])
    outcomes = batch.run(defaults, n_jobs=2, progress=False, languages=["en"])
    return home, {f"{o.notebook}/{o.scenario}": o for o in outcomes}


@pytest.mark.notebooks
@pytest.mark.usefixtures("rendered_en")  # the index then links the English versions too
def test_every_swedish_page_is_in_swedish(rendered):
    """Every report of the bundled scenarios, the index and the comparison pages are Swedish: no text the catalogue
    lacks was asked for (the kernel records them), and no English word is left in what a reader sees or hears, beyond
    the allowed names (carepay.i18n.ALLOWED_ENGLISH); code and file names are marked as such."""
    home, outcomes = rendered
    pages = [home / o.html for o in outcomes.values() if o.ok]
    pages += [home / "reports" / "index.html", *sorted((home / "reports").glob("*/all.compared.html"))]
    problems = [f"{k}: asked for untranslated texts {o.untranslated}" for k, o in outcomes.items() if o.untranslated]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert '<html lang="sv"' in text, page
        found = i18n.english_words(i18n.visible_text(text))
        problems += [f"{page.relative_to(home)}: {w!r} in ...{context}..." for w, context in sorted(found.items())]
    assert not problems, "English in Swedish pages:\n" + "\n".join(problems[:30])


@pytest.mark.notebooks
def test_every_default_report_in_english_too(rendered, rendered_en):
    """--language en: each default report in English beside the Swedish one (default.en.html), with the same figures,
    its own data files, and an English index linking both versions."""
    import html as html_module

    home, swedish = rendered
    _, english = rendered_en
    assert set(english) == {f"{nb}/default" for nb in NOTEBOOKS}
    for key, o in english.items():
        assert o.ok and o.language == "en" and o.html.endswith("default.en.html"), key
        page = (home / o.html).read_text(encoding="utf-8")
        assert '<html lang="en"' in page and "Provenance" in page and sv("Provenance") not in page
        assert (home / o.html).with_suffix("").with_suffix(".en.xlsx").exists()
        figures = [(r["id"], r["value"], r.get("low"), r.get("high")) for r in o.key_results]
        assert figures == [(r["id"], r["value"], r.get("low"), r.get("high")) for r in swedish[key].key_results], key
        if key != "sources/default":
            assert "The answer" in page and o.answer != swedish[key].answer
    for key in ("capitation_fairness/default", "fee_incentives/default"):  # the prose cells of the other language are left out
        en = (home / english[key].html).read_text(encoding="utf-8")
        sv_page = (home / swedish[key].html).read_text(encoding="utf-8")
        heading = lambda text, page: re.search(rf"<h2[^>]*>{text}", html_module.unescape(page)) is not None  # noqa: E731
        assert heading("The question", en) and not heading("Frågan", en), key
        assert heading("Frågan", sv_page) and not heading("The question", sv_page), key
    index_en = (home / "reports" / "index.en.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in index_en and "The answers" in index_en and 'href="index.html"' in index_en
    assert 'href="capitation_fairness/default.en.html"' in index_en
    index_sv = (home / "reports" / "index.html").read_text(encoding="utf-8")
    assert 'href="index.en.html"' in index_sv and 'href="capitation_fairness/default.en.html"' in index_sv
