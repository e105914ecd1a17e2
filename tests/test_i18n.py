"""Swedish and English reports: the catalogue, the marking of texts, the notebooks' prose in both languages, and the
language machinery (carepay.i18n). The rendered reports are checked in tests/test_notebooks.py."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from carepay import formats, i18n, params

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MODULES = sorted((ROOT / "lib" / "carepay").rglob("*.py"))


def _code_cells(path: Path) -> list[tuple[str, str]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [(f"{path.name}[{i}]", "".join(c["source"])) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]


def _sources() -> list[tuple[str, str]]:
    return [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in MODULES] + [
        cell for nb in NOTEBOOKS for cell in _code_cells(nb)
    ]


def test_every_marked_text_has_a_swedish_translation():
    """The catalogue coverage check: every text marked in the library and the notebooks, and every data-package text
    a report shows, is translated in lib/carepay/locale/sv/LC_MESSAGES/carepay.po (python -m carepay.i18n update adds
    new ones, untranslated, for a translator)."""
    missing = i18n.untranslated("sv")
    assert not missing, f"{len(missing)} texts without a Swedish translation:\n" + "\n".join(missing[:40])


def test_translations_keep_their_fields():
    bad = i18n.field_mismatches("sv")
    assert not bad, "translations whose {fields} differ from their source:\n" + "\n".join(bad[:20])


def test_marked_texts_are_literal_strings():
    """_() and N_() take the text itself: an f-string or a variable would reach no catalogue (term() is for texts
    marked elsewhere)."""
    bad = []
    for where, source in _sources():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_", "_n"):
                first = node.args[0] if node.args else None
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    bad.append(f"{where}:{node.lineno}")
    assert not bad, "marked texts that are not literal strings: " + ", ".join(bad)


def test_nothing_rebinds_the_translation_function():
    """Where _ translates, no assignment or loop may rebind it (a tuple unpacking `a, _ = ...` did, once)."""
    bad = []
    for where, source in _sources():
        tree = ast.parse(source)
        imports = any(
            isinstance(n, ast.ImportFrom) and n.module == "carepay.i18n" and any((a.asname or a.name) == "_" for a in n.names)
            for n in ast.walk(tree)
        )
        if not imports:
            continue
        for n in ast.walk(tree):
            if (isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store)) or (
                isinstance(n, ast.arg) and n.arg == "_"
            ):
                bad.append(f"{where}:{n.lineno}")
    assert not bad, "_ rebound where it translates: " + ", ".join(bad)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_prose_in_both_languages(path):
    """Every Markdown cell is written twice, an English cell tagged lang-en followed by its Swedish twin tagged lang-sv;
    the batch's export keeps the report's own language (TagRemovePreprocessor)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    tags = [tuple(c["metadata"].get("tags", [])) for c in nb["cells"] if c["cell_type"] == "markdown"]
    assert tags, f"{path.name} has no prose"
    assert all(t in (("lang-en",), ("lang-sv",)) for t in tags), f"{path.name}: a Markdown cell without its language tag"
    assert tags[0::2] == [("lang-en",)] * (len(tags) // 2) and tags[1::2] == [("lang-sv",)] * (len(tags) // 2)
    cells = nb["cells"]
    for i, c in enumerate(cells):
        if "lang-en" in c["metadata"].get("tags", []):
            twin = cells[i + 1]
            assert "lang-sv" in twin["metadata"].get("tags", []), f"{path.name}: cell {i} has no Swedish twin after it"
            heading = "".join(c["source"]).lstrip().split(" ", 1)[0]
            assert "".join(twin["source"]).lstrip().split(" ", 1)[0] == heading, f"{path.name}: cell {i}: headings differ"


def test_the_language_is_chosen_and_restored():
    assert i18n.current() == i18n.SOURCE_LANGUAGE
    with i18n.language("sv"):
        assert i18n._("Key results") == "Huvudresultat"
        assert i18n._("Showing {shown} of {rows} rows.", shown="3", rows="9") == "Visar 3 av 9 rader."
        assert i18n._n("{n} provider would lose more than the board's limit of {max_loss_share}",
                       "{n} providers would lose more than the board's limit of {max_loss_share}", 2, n=2,
                       max_loss_share="5 %").startswith("2 utförare")  # fmt: skip
        assert i18n.term("group housing") == "gruppbostad"
    assert i18n._("Key results") == "Key results"  # the source language again
    with pytest.raises(ValueError, match="allowed are sv, en"):
        i18n.activate("de")


def test_a_text_the_catalogue_lacks_is_shown_and_recorded():
    i18n.reset()
    with i18n.language("sv"):
        assert i18n.term("a text no catalogue has") == "a text no catalogue has"
        assert i18n.cell("Aros Stödgrupp") == "Aros Stödgrupp"  # a name: shown as it is, not recorded
        assert i18n.cell("gruppbostad") == "gruppbostad"  # already Swedish (a translation): not recorded
        assert i18n.missing() == ["a text no catalogue has"]
    i18n.reset()
    assert i18n.missing() == []


def test_numbers_read_the_same_in_both_languages():
    """CLDR's sv_SE and en_SE write the same separators: a figure reads the same in both versions of a report."""
    shown = {}
    for lang in i18n.LANGUAGES:
        with i18n.language(lang):
            shown[lang] = (formats.kr(-29439000.5, 1), formats.percent(0.512), formats.number(1234.5, 1))
    assert shown["sv"] == shown["en"] == ("\u221229\u00a0439\u00a0000,5\u00a0kr", "51,2\u00a0%", "1\u00a0234,5")


def test_scenario_words_in_one_language_or_both(project):
    """A scenario's title, description and the label and reason of an uncertain input are one text or one per
    language; the report takes its own language's, else the one given."""
    path = project / "params" / "capitation_fairness" / "mine.yaml"
    path.write_text("title: {sv: Min titel, en: My title}\ndescription: Only in English.\nlanguage: en\n", encoding="utf-8")
    p = params.load("capitation_fairness", path)
    assert (p.text("title", "sv"), p.text("title", "en"), p.text("description", "sv")) == (
        "Min titel",
        "My title",
        "Only in English.",
    )
    assert p.language == "en" and "language" not in p.values()  # the language changes no result
    path.write_text("title: {de: Titel}\ndescription: x\n", encoding="utf-8")
    with pytest.raises(params.ParameterError, match="title"):
        params.load("capitation_fairness", path)
    path.write_text("title: x\ndescription: x\nlanguage: de\n", encoding="utf-8")
    with pytest.raises(params.ParameterError, match="language"):
        params.load("capitation_fairness", path)


def test_the_english_word_check_finds_english_and_spares_swedish():
    page = (
        "<html><body><p>Kapiteringen betalar utförarna per person och månad, i något fall oförändrad.</p>"
        "<p>Se <code>hourly_cost</code> och 'provider'; <span translate=\"no\">blended</span>.</p>"
        '<svg><text>the payment</text></svg><div aria-label="Bar chart: cost by provider"></div></body></html>'
    )
    found = i18n.english_words(i18n.visible_text(page))
    assert set(found) == {"the", "payment", "chart", "cost", "by", "provider"}
