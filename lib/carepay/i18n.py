"""The reports' languages: Swedish (``sv``, the bundled scenarios' default) and English (``en``).

Every word a reader sees goes through this module. Text in the library and in the notebooks' code is written in
English and marked for translation, gettext's way: ``_("... {name} ...", name=value)`` translates, then fills the
named fields (translators may reorder them); ``N_("...")`` only marks a text that is translated where it is shown
(table labels, names of designs); ``term(text)`` translates such a text at display. The Swedish catalogue is
``lib/carepay/locale/sv/LC_MESSAGES/carepay.po``, a gettext catalogue read with Babel; ``python -m carepay.i18n
update`` extracts every marked text (library, notebooks, the data packages' text columns) with Babel and adds the
new ones to it; ``python -m carepay.i18n check`` lists what is untranslated (tests/test_i18n.py runs both checks).

Notebook prose (Markdown cells) is written twice, in cells tagged ``lang-en`` and ``lang-sv``; the batch's HTML
export removes the other language's cells (nbconvert's TagRemovePreprocessor). Numbers, dates and percent follow
Babel's CLDR data for the language's locale: ``sv_SE`` and, for English, ``en_SE`` (English as written in Sweden:
the same digits, spaces and decimal comma, so a figure reads the same in both versions of a report).

One language is active at a time (``activate``, or ``language(...)`` as a context): a report sets its own first
(carepay.report.setup), the batch sets it around the index and the comparison pages it writes.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

#: The languages a report can be written in, the bundled scenarios' first.
LANGUAGES = ("sv", "en")
#: The language the texts are written in (gettext's message ids).
SOURCE_LANGUAGE = "en"
#: A scenario's language unless it says otherwise.
DEFAULT_LANGUAGE = "sv"
#: CLDR locale of each language: numbers, dates and month names.
LOCALES = {"sv": "sv_SE", "en": "en_SE"}
#: Each language by its own name, for links between the two versions of a page.
NAMES = {"sv": "svenska", "en": "English"}
DOMAIN = "carepay"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: Cell tags of the notebooks' Markdown cells, one per language.
CELL_TAGS = {lang: f"lang-{lang}" for lang in LANGUAGES}
#: Where the catalogue says a text was met at run time (a table's cell or column), not extracted from a source.
RUN_TIME = "run-time"
#: Babel's keywords for the marked texts: _ (translate and fill in), N_ (mark), _n (singular, plural, count).
KEYWORDS = {"_": None, "N_": None, "_n": (1, 2)}


#: A scenario's own words: one text, or one per language ({sv: ..., en: ...}); a report shows its own language's
#: (pick), else the first given.
Text = str | dict[Literal["sv", "en"], str]


class _State:
    """The active language and the texts asked for in it that the catalogue lacks (an object, not a dict: its
    identity is what carepay.kernel_state fingerprints; reset() puts it back as a fresh kernel has it)."""

    def __init__(self) -> None:
        self.language = SOURCE_LANGUAGE
        self.missing: set[str] = set()


_STATE = _State()


class _Catalogues:
    """The translations, read once per process from the .po files (Babel), language -> {message id: text}."""

    def __init__(self) -> None:
        self.loaded: dict[str, dict[str, str]] = {}
        self.texts: dict[str, frozenset[str]] = {}

    def get(self, language: str) -> dict[str, str]:
        if language not in self.loaded:
            self.loaded[language] = read_catalogue(language)
            self.texts[language] = frozenset(self.loaded[language].values())
        return self.loaded[language]

    def is_translation(self, language: str, text: str) -> bool:
        """Whether text is already in language (a translation the catalogue gives), so not to be translated again."""
        self.get(language)
        return text in self.texts[language]


_CATALOGUES = _Catalogues()


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(language: str) -> dict[str, str]:
    """{message id: translation} of a language's catalogue; untranslated and fuzzy entries left out. Plural entries
    appear under their singular and their plural id, as (singular, plural) translations joined by NUL."""
    if language == SOURCE_LANGUAGE:
        return {}
    from babel.messages.pofile import read_po

    path = po_path(language)
    if not path.exists():
        return {}
    with path.open("rb") as f:
        catalog = read_po(f, locale=LOCALES[language])
    out: dict[str, str] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, (tuple, list)):
            strings = list(message.string) if isinstance(message.string, (tuple, list)) else []
            if strings and all(strings):
                out["\0".join(message.id)] = "\0".join(strings)
        elif isinstance(message.string, str) and message.string:
            out[message.id] = message.string
    return out


def catalogue(language: str) -> dict[str, str]:
    """A language's translations, read on first use and kept for the process (carepay.kernel_state reads both when
    a kernel starts)."""
    return _CATALOGUES.get(language)


def file_suffix(language: str) -> str:
    """What a report's file name adds for its language: nothing for Swedish (the default), '.en' for English."""
    return "" if language in ("", DEFAULT_LANGUAGE) else f".{check_language(language)}"


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r}: allowed are {', '.join(LANGUAGES)}")
    return language


def activate(language: str) -> None:
    """Make language the one every text is written in from now on (in this process)."""
    _STATE.language = check_language(language)


def current() -> str:
    return _STATE.language


def locale() -> str:
    """The CLDR locale of the active language (sv_SE or en_SE)."""
    return LOCALES[_STATE.language]


@contextlib.contextmanager
def language(lang: str) -> Iterator[None]:
    """Write in lang inside the block, then in the language before it."""
    before = _STATE.language
    activate(lang)
    try:
        yield
    finally:
        _STATE.language = before


def reset() -> None:
    """As a fresh process has it: the source language, nothing recorded missing (carepay.kernel_state.reset)."""
    _STATE.language = SOURCE_LANGUAGE
    _STATE.missing.clear()


_LETTER = re.compile(r"[A-Za-z]")


def gettext(message: str) -> str:
    """message in the active language; as it is, and recorded as missing, where the catalogue lacks it."""
    if _STATE.language == SOURCE_LANGUAGE or not _LETTER.search(message):
        return message  # nothing to translate in '%' or '' or a number
    found = _CATALOGUES.get(_STATE.language).get(message)
    if found is None:
        if not _CATALOGUES.is_translation(_STATE.language, message):  # not already in the language
            _STATE.missing.add(message)
        return message
    return found


def _(message: str, /, **fields: Any) -> str:
    """A marked text in the active language, its {named} fields filled in (str.format) when any are given."""
    text = gettext(message)
    return text.format(**fields) if fields else text


def N_(message: str) -> str:
    """Mark a text for the catalogue without translating it here: it is translated where it is shown (term)."""
    return message


def _n(singular: str, plural: str, n: float, /, **fields: Any) -> str:
    """A marked text with a singular and a plural form, chosen by n (one form each in Swedish and English)."""
    if _STATE.language == SOURCE_LANGUAGE:
        text = singular if n == 1 else plural
    else:
        found = _CATALOGUES.get(_STATE.language).get(singular + "\0" + plural)
        if found is None:
            _STATE.missing.add(singular)
            text = singular if n == 1 else plural
        else:
            forms = found.split("\0")
            text = forms[0] if n == 1 else forms[-1]
    return text.format(**fields) if fields else text


def term(text: str) -> str:
    """A text marked elsewhere (N_: a column's label, a unit, a design's name) in the active language."""
    return gettext(text)


#: Text a table cell may hold that is a code id or English words (lower-case ASCII letters, digits, spaces, _ and
#: -): translated, and recorded as missing where the catalogue lacks it. Other text (names of providers and
#: district boards, which are Swedish already) is shown as it is when the catalogue does not have it.
_WORDISH = re.compile(r"[a-z][a-z0-9 _\-']*")


def cell(text: str) -> str:
    """A table cell's text in the active language: translated where the catalogue has it (or should: see _WORDISH),
    else as it is."""
    if _STATE.language == SOURCE_LANGUAGE:
        return text
    catalogue = _CATALOGUES.get(_STATE.language)
    if text in catalogue:
        return catalogue[text]
    if _WORDISH.fullmatch(text) and not text.isdigit() and not _CATALOGUES.is_translation(_STATE.language, text):
        _STATE.missing.add(text)
    return text


def translated(text: str, lang: str) -> str:
    """A marked text (N_) in lang, whatever language is active (texts computed once for every language)."""
    with language(lang):
        return gettext(text)


def known(text: str) -> str:
    """text in the active language where the catalogue has it, else as it is (an exception's message, which no
    catalogue can hold), recording nothing."""
    if _STATE.language == SOURCE_LANGUAGE:
        return text
    return _CATALOGUES.get(_STATE.language).get(text, text)


def pick(value: Text | Mapping[str, str] | None, lang: str | None = None) -> str:
    """A text a scenario gives in one language (a string) or in several ({sv: ..., en: ...}): the one in lang (the
    active language), else the first given."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    lang = lang or _STATE.language
    texts = {str(k): str(v) for k, v in value.items()}
    return texts.get(lang) or next(iter(texts.values()), "")


def missing() -> list[str]:
    """Texts asked for in the active language since the last reset that its catalogue lacks."""
    return sorted(_STATE.missing)


# --- extraction and checks (maintainers; tests/test_i18n.py) ------------------------------------------------------


def _marked(source: str, keywords: Any) -> Iterator[tuple[Any, ...]]:
    """(line, function, messages, comments) of each marked text in Python source, read with Python's own parser, so
    that a text marked inside an f-string's braces is found too (Babel's tokenizer does not look there)."""
    import ast

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in keywords:
            args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
            if args and args[0] is not None:
                yield node.lineno, node.func.id, tuple(args) if len(args) > 1 else args[0], []


def extract_python(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple[Any, ...]]:  # noqa: ARG001
    """Babel extraction method for the library's modules (see _marked)."""
    yield from _marked(fileobj.read().decode("utf-8"), keywords)


def extract_notebook(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple[Any, ...]]:  # noqa: ARG001
    """Babel extraction method for .ipynb files: the marked texts of the code cells (Markdown cells are written in
    each language, tagged, and not in the catalogue). Line numbers are cell * 1000 + line."""
    nb = json.load(fileobj)
    for i, c in enumerate(nb.get("cells", [])):
        if c.get("cell_type") == "code":
            for lineno, funcname, messages, comments in _marked("".join(c.get("source", [])), keywords):
                yield i * 1000 + lineno, funcname, messages, comments


#: The data packages' text a report shows: (file name, column) -> translated in the sources report.
DATA_TEXT_COLUMNS = {
    ("known_discrepancies.csv", "explanation"),
    ("fee_rules.csv", "printed"),
    ("corrections.csv", "reason"),
    ("figures.csv", "note"),
    ("figures.csv", "section"),
}


def _data_texts(data_dir: Path) -> Iterator[tuple[str, str]]:
    """(where, text) of every data-package text a report shows: descriptor titles and notes, and DATA_TEXT_COLUMNS."""
    import csv

    for folder in sorted(p for p in data_dir.iterdir() if (p / "datapackage.json").exists()):
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        where = f"data/{folder.name}/datapackage.json"
        for key in ("title", "carepay_notes"):
            if descriptor.get(key):
                yield where, str(descriptor[key])
        for resource in descriptor.get("resources", []):
            for key in ("title", "printed_title", "section", "period"):
                if resource.get(key):
                    yield where, str(resource[key])
            if resource.get("notes"):  # shown joined, one cell (carepay.sources.DataPackage.overview)
                yield where, " ".join(resource["notes"])
        for name, column in sorted(DATA_TEXT_COLUMNS):
            path = folder / name
            if not path.exists():
                continue
            with path.open(encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    if row.get(column):
                        yield f"data/{folder.name}/{name}", row[column]


def extract(root: Path | None = None) -> Any:
    """A Babel catalogue template of every marked text: the library, the notebooks' code and the data packages'
    text columns."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    from carepay import paths

    root = root or paths.project_root()
    catalog = Catalog(project="carepay", domain=DOMAIN, charset="utf-8")
    method_map = [("**.py", "carepay.i18n:extract_python")]
    lib = Path(__file__).resolve().parent
    for filename, lineno, message, comments, context in extract_from_dir(
        str(lib), method_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        catalog.add(message, None, [(f"lib/carepay/{filename}", lineno)], auto_comments=comments, context=context)
    notebooks = paths.notebooks_dir()
    for filename, lineno, message, comments, context in extract_from_dir(
        str(notebooks), [("*.ipynb", "carepay.i18n:extract_notebook")], keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        catalog.add(message, None, [(f"notebooks/{filename}", lineno)], auto_comments=comments, context=context)
    for where, text in _data_texts(paths.data_dir()):
        if _LETTER.search(text):  # '-', '2021' and '3.6.2' read the same in every language
            catalog.add(text, None, [(where, 0)])
    for where, text in _parameter_texts():
        catalog.add(text, None, [(where, 0)])
    return catalog


def _parameter_texts() -> Iterator[tuple[str, str]]:
    """(where, text) of every parameter's source and unit, which a report's provenance block and its tables show."""
    from carepay.params import metadata
    from carepay.registry import QUESTIONS

    for notebook in QUESTIONS:
        for row in metadata(notebook):
            for key in ("source", "unit"):
                if row.get(key):
                    yield f"params/{notebook}:{row['parameter']}", str(row[key])


def untranslated(language: str = "sv", template: Any = None, extra: list[str] | None = None) -> list[str]:
    """Marked texts (extracted, plus extra ones met at run time) that language's catalogue lacks or marks fuzzy."""
    template = template or extract()
    have = read_catalogue(language)
    wanted = [m.id for m in template if m.id]
    out = []
    for mid in [*wanted, *(extra or [])]:
        key = "\0".join(mid) if isinstance(mid, (tuple, list)) else mid
        if key not in have:
            out.append(key.replace("\0", " | "))
    return sorted(set(out))


FIELD = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?:![rsa])?(?::[^{}]*)?\}")


def field_mismatches(language: str = "sv") -> list[str]:
    """Translations whose {named} fields differ from their message id's (a field lost or misspelt would fail or
    show a wrong figure)."""
    out = []
    for mid, text in read_catalogue(language).items():
        for one_id, one_text in zip(mid.split("\0"), text.split("\0")):
            if set(FIELD.findall(one_id)) != set(FIELD.findall(one_text)):
                out.append(f"{one_id!r} -> {one_text!r}")
    return out


def update(language: str = "sv", extra: list[str] | None = None) -> tuple[int, int]:
    """Add every extracted text (and extra ones, met at run time) that language's catalogue lacks to it, untranslated;
    keep what it has (texts no longer extracted are kept as obsolete). Returns (added, untranslated now)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    template = extract()
    for text in extra or []:
        template.add(text, None, [(RUN_TIME, 0)])
    path = po_path(language)
    if path.exists():
        with path.open("rb") as f:
            catalog = read_po(f, locale=LOCALES[language])
    else:
        catalog = Catalog(locale=LOCALES[language], project="carepay", domain=DOMAIN, charset="utf-8")
    before = {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    for mid, message in list(catalog.obsolete.items()):
        if message.string and any(where == RUN_TIME for where, _line in message.locations):
            catalog[mid] = message  # a text met at run time (a table's cell, a column's name) stays until removed by hand
    catalog.obsolete.clear()
    after = {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=120, sort_output=False, omit_header=False, include_previous=False, include_lineno=False)
    todo = sum(1 for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string or [""])))
    return len(after - before), todo


def main(argv: list[str] | None = None) -> int:
    """python -m carepay.i18n update|check [LANGUAGE]: add new texts to a catalogue, or list what is untranslated."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "check"
    lang = args[1] if len(args) > 1 else "sv"
    if command == "update":
        added, todo = update(lang)
        print(f"{po_path(lang)}: {added} texts added, {todo} untranslated")
        return 0
    if command == "check":
        missing = untranslated(lang)
        bad = field_mismatches(lang)
        for text in missing:
            print(f"untranslated: {text}")
        for text in bad:
            print(f"fields differ: {text}")
        print(f"{len(missing)} untranslated, {len(bad)} with other fields than their source")
        return 1 if missing or bad else 0
    if command == "scan":  # python -m carepay.i18n scan PAGE ...: English words left in Swedish pages
        pages_with_english = 0
        for page in args[1:]:
            found = english_words(visible_text(Path(page).read_text(encoding="utf-8")))
            pages_with_english += bool(found)
            for word, context in sorted(found.items()):
                print(f"{page}: {word!r} in ...{context}...")
        return 1 if pages_with_english else 0
    print("usage: python -m carepay.i18n update|check [LANGUAGE] | scan PAGE ...", file=sys.stderr)
    return 2


# --- checking a Swedish page for English left in it (tests/test_i18n.py; python -m carepay.i18n scan PAGE ...) ----

#: Common English words that are not Swedish words: any of them in a Swedish page's visible text is English left
#: untranslated. Words that are Swedish too (all, just, under, per, is, man, men, hand, bar, not...) are not here.
ENGLISH_WORDS = frozenset(
    """the and of with from for this that these those which who whom whose what when where why how are was were
    been being has have had does did yes each every than then would should could will shall its it they them
    their there if but only also more most less least same other others one two three four five six seven eight
    nine ten paid pays payment payments cost costs hour hours level levels providers change changes gains gain
    loses lose loss fee fees table tables chart result results range default value values year years month
    months day days rate rates amount amounts share shares board boards client clients resident residents
    housing care home income today new old low high lowest highest largest smallest between against over about
    above below into without within while because so by to or as whole per-month executed granted ordered
    level-month capitation scenario's document's report's provider's reading readings missing shown showing rows
    row draws drawn uncertain input inputs given gives give keep keeps kept still already again once any some
    none nothing everything weights weight group groups need needs household households age ages elasticity
    response price prices cap fewer rise rises falls pay paying payable saved save saves up down out off much
    many rather cover covers covered needed provider at an on municipal contracted private january february
    march may june july august october""".split()  # noqa: SIM905 (a word list reads best as words)
)
#: English words and names a Swedish report may show: names of methods, programs, authors and publications.
ALLOWED_ENGLISH = (
    "Annual Review of Economics", "Data Package", "Monte Carlo", "break-even", "stop-loss", "Bunching", "Frictionless",
)  # fmt: skip


class _Visible:
    """The text a reader sees in an HTML page: everything but scripts, styles, code and preformatted blocks (parameter
    names, file names, error messages as raised), elements marked translate="no" (scenario and file names), and the
    page's head."""

    SKIP = {"script", "style", "code", "pre", "head", "title"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        from html.parser import HTMLParser

        outer = self

        class Parser(HTMLParser):
            def handle_starttag(self, tag: str, attrs: Any) -> None:
                if tag in outer.VOID:
                    return
                if outer.stack or tag in outer.SKIP or dict(attrs).get("translate") == "no":  # skipped, or inside one
                    outer.stack.append(tag)
                else:
                    label = dict(attrs).get("aria-label")
                    if label:
                        outer.parts.append(label)

            def handle_endtag(self, tag: str) -> None:
                if outer.stack and outer.stack[-1] == tag:
                    outer.stack.pop()

            def handle_data(self, data: str) -> None:
                if not outer.stack:
                    outer.parts.append(data)

        self.stack: list[str] = []  # the skipped element and the elements open inside it
        self.parts: list[str] = []
        self.parser = Parser(convert_charrefs=True)


def visible_text(page: str) -> str:
    """The words a reader sees (or hears: aria-label included) in an HTML page, SVG text included."""
    v = _Visible()
    v.parser.feed(page)
    v.parser.close()
    return " ".join(" ".join(v.parts).split())


def english_words(text: str, allowed: tuple[str, ...] = ALLOWED_ENGLISH) -> dict[str, str]:
    """English words (ENGLISH_WORDS) in text, each with the sentence-like context it stands in; allowed phrases are
    taken out first."""
    for phrase in allowed:
        text = text.replace(phrase, " ")
    text = re.sub(r"\S*[A-Za-z0-9][._/][A-Za-z0-9]\S*", " ", text)  # code: carepay.home_care, hourly_cost, a path
    text = re.sub(r"'[^'\s][^']{0,40}'", " ", text)  # a name or a printed text in quotes: 'provider', 'drygt 520'
    found: dict[str, str] = {}
    for m in re.finditer(r"[^\W\d_]+(?:['\-][^\W\d_]+)*", text):  # words of any letters: 'oförändrad' is one
        word = m.group(0).lower().strip("'-")
        if word in ENGLISH_WORDS and word not in found:
            found[word] = text[max(0, m.start() - 60) : m.end() + 60]
    return found


if __name__ == "__main__":
    raise SystemExit(main())
