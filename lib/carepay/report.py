"""What every notebook shares: readable tables, notes, key results and the provenance block.

Amounts stay numbers in the library; this module turns them into text only for
display (Swedish style: 29 439 000, decimal comma), with the unit in every header.
"""

from __future__ import annotations

import html
import platform
import re
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from carepay import ANSWER_MIME, KEY_RESULTS_MIME, TABLE_MIME, UNTRANSLATED_MIME, __version__, formats, i18n, paths
from carepay.formats import (  # noqa: F401  (notebooks import these from carepay.report)
    MINUS,
    NBSP,
    coefficient,
    decimal,
    kr,
    mnkr,
    number,
    percent,
    readable,
    signed_kr,
    year,
)
from carepay.i18n import N_, _, _n, cell, term

RESULT_ID = re.compile(r"[a-z][a-z0-9_]*")


class _Protection:
    """The small-cell rule of the report being rendered (setup): the fewest persons a cell it shows may describe, or
    None where it computes from no individual's own rows (synthetic rows and published aggregates)."""

    def __init__(self) -> None:
        self.min_persons: int | None = None


PROTECTION = _Protection()


def setup(params: Any = None) -> None:
    """First call of every notebook, after its parameters: static charts and the shared theme, the report's language
    (the scenario's, carepay.i18n), from which every word it shows is written, and its small-cell rule (where it
    reads an analyst's extract: no table or chart shows a cell of fewer than params.min_cell_persons persons)."""
    from carepay import charts

    charts.setup()
    i18n.reset()
    PROTECTION.min_persons = None
    if params is not None:
        i18n.activate(params.language)
        individual = getattr(params, "individual_data", lambda: False)()
        PROTECTION.min_persons = int(params.min_cell_persons) if individual else None


#: Units of the columns that count the persons a row describes (a person-month count below the threshold describes
#: fewer persons too).
PERSON_COUNTS = ("persons", "residents", "person-months")
#: How a suppressed cell reads (the dot of Swedish official statistics' suppressed cells, 'prickad').
SUPPRESSED = "."


def suppression_note(df: pd.DataFrame) -> str:
    """What small_cells did to df, in words ('' where it suppressed nothing)."""
    suppressed = df.attrs.get("suppressed", [])
    if not suppressed:
        return ""
    return _n(
        "{n} row describes fewer than {k} persons: its figures are suppressed ({mark}).",
        "{n} rows describe fewer than {k} persons (or would give one such row back): their figures are suppressed ({mark}).",
        len(suppressed),
        n=len(suppressed),
        k=df.attrs.get("min_persons"),
        mark=SUPPRESSED,
    )


def small_cells(df: pd.DataFrame, min_persons: int | None = None) -> pd.DataFrame:
    """df with every row that describes fewer than min_persons persons (PROTECTION's by default; a count column by its
    unit, PERSON_COUNTS, above 0 and below the threshold) suppressed: its figures (numbers with a unit) emptied, its
    labels and ids kept, its position in attrs['suppressed']. Where exactly one of three or more rows is suppressed, the smallest other row is
    too, so that a total shown elsewhere cannot give the suppressed one back. Without a threshold, or a count column,
    df as it is."""
    k = PROTECTION.min_persons if min_persons is None else min_persons
    units = df.attrs.get("units", {})
    counts = [c for c in df.columns if units.get(c) in PERSON_COUNTS and pd.api.types.is_numeric_dtype(df[c])]
    if not k or not counts or df.empty:
        return df
    values = df[counts].astype(float)
    small = ((values > 0) & (values < k)).any(axis=1).to_numpy().copy()
    if small.sum() == 1 and len(df) >= 3:
        others = values.iloc[:, 0].where(~small & (values.iloc[:, 0] > 0))
        if others.notna().any():
            small[int(np.nanargmin(others.to_numpy()))] = True
    if not small.any():
        return df
    out = df.copy()
    numeric = [  # the figures: numbers with a unit (a number without one is an id: a tenth, a level, a year)
        c
        for c in out.columns
        if units.get(c) and pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c])
    ]
    for c in numeric:
        out[c] = out[c].astype(float)
    out.loc[small, numeric] = np.nan
    out.attrs["suppressed"] = [int(i) for i in np.flatnonzero(small)]
    out.attrs["min_persons"] = k
    return out


def heading(params: Any) -> None:
    """The report's title and what the scenario is, in the report's language where the scenario gives it."""
    note(f"# {params.text('title')}\n\n{params.text('description')}")


def auto_decimals(value: float) -> int:
    """Decimals for a headline figure: none for whole numbers and large amounts, two for small fractions."""
    return 0 if float(value).is_integer() or abs(value) >= 100 else 2


def auto_percent_decimals(share: float) -> int:
    """Decimals that keep a small share from reading as 0 %: 1 by default, up to 3 below 0,1 %."""
    share = abs(float(share))
    return 1 if share >= 0.001 or share == 0 else (2 if share >= 0.0001 else 3)


def column_label(name: object, labels: Mapping[str, str]) -> str:
    """A column's label in the report's language: its declared label (carepay.units), else its name as words."""
    text = labels.get(name) if isinstance(name, str) else None
    return cell(text or readable(str(name).replace("_", " ")))


def _header(name: str, units: Mapping[str, str], labels: Mapping[str, str]) -> str:
    label_text = column_label(name, labels)
    unit = units.get(name)
    return f"{label_text} ({term(unit)})" if unit else label_text


def label(value: object) -> str:
    """How a value reads in a table, in the report's language: glossary ids as words (group_housing -> group
    housing, gruppbostad), yes or no for booleans."""
    if isinstance(value, (bool, np.bool_)):
        return _("yes") if value else _("no")
    return cell(readable(str(value)))


COUNT_UNITS = {
    "persons", "person-months", "residents", "residences", "checks", "documents", "tables", "levels", "rows",
    "months", "points", "problems", "staff", "days/year",
}  # fmt: skip


def _meaning(unit: str | None, column: object, values: pd.Series) -> str:
    """How a column's numbers read, by what they mean: year, share, coefficient, count, or amount."""
    name = str(column)
    if unit == "year" or name == "year":
        return "year"
    if unit in ("%", "share", "share 0-1"):
        return "share"
    if (unit or "").startswith("x ") or name == "coefficient":
        return "coefficient"
    numeric = pd.to_numeric(values, errors="coerce").dropna()
    if unit in COUNT_UNITS and len(numeric) and (numeric % 1 == 0).all():
        return "count"
    return "amount"


def _formatter(decimals: int | None, meaning: str = "amount"):
    """A cell's text: shares as percent, years and coefficients as written, other numbers with the given decimals
    (none given: whole numbers without decimals, others with up to three)."""

    def fmt(v: object) -> str:
        if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
            return ""
        if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)):
            if meaning == "share":
                return percent(float(v), 1 if decimals is None else decimals)
            if meaning == "year":
                return year(v)
            if meaning == "coefficient":
                return coefficient(v)
            if meaning == "count" or (decimals is None and float(v).is_integer()):
                return number(v, 0)
            return number(v, decimals) if decimals is not None else decimal(v, 3 if abs(float(v)) < 100 else 0)
        return html.escape(label(v))

    return fmt


def _code(v: object) -> str:
    """A cell holding code a scenario file uses (a parameter's name, a file): as it is, in code type."""
    return "" if v is None or (isinstance(v, float) and pd.isna(v)) else f"<code>{html.escape(str(v))}</code>"


def table_html(
    df: pd.DataFrame,
    units: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    decimals: int | Mapping[str, int] | None = None,
    caption: str | None = None,
    max_rows: int | None = None,
    synthetic: bool = False,
) -> str:
    """A DataFrame as an HTML table: unit in each header, numbers right-aligned with thousands separated.

    Units and labels come with the table from the library (carepay.units.annotate); units and labels given
    here add to or override them. units: column -> unit ('kr', 'hours', 'persons', '%' for shares 0-1
    shown as percent).
    """
    units = {**df.attrs.get("units", {}), **(units or {})}
    labels = {**df.attrs.get("labels", {}), **(labels or {})}
    shown = df if max_rows is None or len(df) <= max_rows else df.head(max_rows)
    head = "".join(f'<th scope="col">{html.escape(_header(c, units, labels))}</th>' for c in shown.columns)
    formatters = {}
    code = set(df.attrs.get("code", []))
    for col in shown.columns:
        d = decimals.get(col) if isinstance(decimals, Mapping) else decimals
        formatters[col] = _code if col in code else _formatter(d, _meaning(units.get(col), col, shown[col]))
    body = []
    suppressed = set(df.attrs.get("suppressed", []))
    for position, row in enumerate(shown.itertuples(index=False)):
        cells = []
        for col, v in zip(shown.columns, row):
            text = formatters[col](v)
            if position in suppressed and isinstance(v, float) and pd.isna(v):
                text = SUPPRESSED
            numeric = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
            kind = "num" if numeric else ("txt long" if len(text) > 80 else "txt")
            cells.append(f'<td class="{kind}">{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = nh3_inline(caption) if caption else ""
    if synthetic:
        cap = f"{synthetic_label()} {cap}"
    more = (
        f'<p class="more">{html.escape(_("Showing {shown} of {rows} rows.", shown=number(len(shown)), rows=number(len(df))))}</p>'
        if len(shown) < len(df)
        else ""
    )
    if suppressed:
        more += f'<p class="table-note">{html.escape(suppression_note(df))}</p>'
    return (
        '<table class="carepay-table">'
        + (f"<caption>{cap}</caption>" if cap else "")
        + f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"
    )


def synthetic_label() -> str:
    """The label every synthetic table, chart and sentence carries, in the report's language."""
    return f'<span class="synthetic">{html.escape(_("SYNTHETIC DATA"))}</span>'


def nh3_inline(text: str) -> str:
    """A caption as HTML: markup other than the SYNTHETIC label and emphasis removed, the rest kept as text."""
    import nh3

    return nh3.clean(text, tags={"b", "i", "em", "strong", "span"}, attributes=SAFE_ATTRIBUTES, url_schemes=set(), link_rel=None)


def show_table(df: pd.DataFrame, data: pd.DataFrame | None = None, **kwargs: Any) -> None:
    """Display a table (see table_html for the options) and hand its numbers to the batch, which writes them beside
    the report as CSV and Excel (carepay.export), all its rows. data: the numbers behind a table shown as text
    (default: df)."""
    from IPython.display import display

    from carepay import export

    df = small_cells(df)  # an extract's small cells, in the page and in the files alike
    data = None if data is None else small_cells(data)
    note = suppression_note(df if data is None else data)
    rec = export.record(
        df if data is None else data,  # every row, also where the page shows the first max_rows
        caption=(kwargs.get("caption") or "") + (f" ({note})" if note else ""),
        units=kwargs.get("units"),
        labels=kwargs.get("labels"),
        synthetic=bool(kwargs.get("synthetic")),
    )
    bundle: dict[str, Any] = {"text/html": table_html(df, **kwargs) + export.links(rec)}
    if rec is not None:
        bundle[TABLE_MIME] = rec
    display(bundle, raw=True)


def cell_by_unit(value: Any, unit: str) -> str:
    """One value by its own unit: shares as percent, years as written, whole numbers without decimals, others with
    as many decimals as they need (up to three)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if unit in ("%", "share"):
        return percent(float(value), auto_percent_decimals(float(value)))
    if unit == "year":
        return year(value)
    if float(value).is_integer() or abs(float(value)) >= 100:
        return number(value, 0)
    return decimal(value, 3)


def show_results(df: pd.DataFrame, value_columns: list[str], unit_column: str = "unit", **kwargs: Any) -> None:
    """A table whose rows have different units (a unit column): each value formatted by its row's unit
    ('%' or 'share' for shares 0-1, shown as percent)."""
    out = df.copy()
    for col in value_columns:
        out[col] = [cell_by_unit(v, u) for v, u in zip(df[col], df[unit_column])]
    out[unit_column] = [term(u) if u not in ("%", "share") else "" for u in out[unit_column]]
    show_table(out, data=df, **kwargs)


#: What a note or caption may contain once rendered: text structure and the SYNTHETIC label, nothing that runs,
#: loads or links (a scenario's title or an extract's names reach notes; nh3, bleach's successor, keeps it so).
SAFE_TAGS = {"p", "b", "strong", "em", "i", "code", "span", "h1", "h2", "h3", "h4", "ul", "ol", "li", "br", "sub", "sup"}
SAFE_ATTRIBUTES = {"span": {"class"}}


def safe_html(markdown: str) -> str:
    """Markdown rendered to HTML and sanitised: no scripts, event handlers, frames, images, links or styles."""
    import mistune
    import nh3

    rendered = str(mistune.create_markdown(escape=False)(markdown))
    return nh3.clean(rendered, tags=SAFE_TAGS, attributes=SAFE_ATTRIBUTES, url_schemes=set(), link_rel=None)


def note(markdown: str) -> None:
    """A paragraph of plain words in the report (Markdown; sanitised, so text from a scenario or an extract cannot
    run or load anything in a reader's browser); [SYNTHETIC] becomes the synthetic-data label, as in the answer."""
    from IPython.display import HTML, display

    display(HTML(safe_html(markdown).replace("[SYNTHETIC]", synthetic_label())))


def headline(value: Any, unit: str) -> str:
    """A headline figure as text: shares as percent, numbers with their decimals, text as it is."""
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        if unit == "%":
            return percent(float(value), auto_percent_decimals(float(value)))
        return number(value, auto_decimals(float(value)) if unit else 3)
    return cell(str(value))


def range_text(low: Any, high: Any, unit: str) -> str:
    """A 90 % range as a reader reads it: '1 200 to 1 900' ('1 200 till 1 900')."""
    return _("{low} to {high}", low=headline(low, unit), high=headline(high, unit))


def first_of(results: Sequence[tuple[str, str, Any, str]], ids: Sequence[str]) -> list[tuple[str, str, Any, str]]:
    """Key results with the given ids first, in that order, the rest as they were (what a scenario is about leads)."""
    rank = {rid: i for i, rid in enumerate(ids)}
    return sorted(results, key=lambda k: rank.get(k[0], len(ids)))


def difference(now: Any, before: Any, unit: str) -> str:
    """A key result's difference from the default scenario's, as a reader reads it: signed in its unit (shares in
    percentage points), 'same', or for words 'differs' (the key results' table and the comparison page)."""
    numeric = all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in (before, now))
    if not numeric:
        return "" if before == now else _("differs")
    diff = float(now) - float(before)
    text = headline(diff, unit) if unit != "%" else _("{points} points", points=number(diff * 100, 2))
    return _("same") if abs(diff) < 1e-9 else (text if text.startswith(MINUS) else "+" + text)


def key_results(
    results: Sequence[tuple[str, str, Any, str]],
    title: str | None = None,
    compare_with: Sequence[tuple[str, str, Any, str]] | None = None,
    ranges: Any = None,
) -> None:
    """Show the headline figures and hand them to the batch (index page, pinned results).

    results: (id, label, value, unit) tuples. The id is stable (snake_case, the same in every scenario, whatever
    the parameter values); the label is what readers see and may carry values. value: a number (kr, shares 0-1
    with unit '%') or text. compare_with: the default scenario's results; each is shown beside this scenario's,
    with the difference. ranges: carepay.uncertainty.Ranges; each result the uncertain inputs move gets its 90 %
    interval (shown, and handed to the batch as low and high).
    """
    from IPython.display import display

    rows = []
    for result_id, label_text, value, unit in results:
        if not RESULT_ID.fullmatch(result_id):
            raise ValueError(f"key result id {result_id!r} must be snake_case (a-z, 0-9, _)")
        rows.append({"id": result_id, "result": label_text, "value": value, "unit": unit})
    ids = [r["id"] for r in rows]
    if len(set(ids)) != len(ids):
        raise ValueError(f"key result ids must be unique: {ids}")
    title = title or _("Key results")
    columns: dict[str, list[str]] = {
        _("Result"): [r["result"] for r in rows],
        (_("This scenario") if compare_with is not None else _("Value")): [headline(r["value"], r["unit"]) for r in rows],
    }
    if compare_with is not None:
        base = {rid: value for rid, _label, value, _unit in compare_with}
        columns[_("Default scenario")] = [headline(base[r["id"]], r["unit"]) if r["id"] in base else "" for r in rows]
        columns[_("Difference")] = [difference(r["value"], base.get(r["id"]), r["unit"]) for r in rows]
    intervals = ranges.intervals.set_index("headline") if ranges is not None else pd.DataFrame()
    moved = {rid for rid in intervals.index if ranges.moves(rid)}
    if moved:
        columns[_("90 % range")] = [
            range_text(intervals.loc[r["id"], "low"], intervals.loc[r["id"], "high"], r["unit"]) if r["id"] in moved else ""
            for r in rows
        ]
    columns[_("Unit")] = ["" if r["unit"] == "%" else term(r["unit"]) for r in rows]
    body = f"<h2>{html.escape(title)}</h2>" + table_html(pd.DataFrame(columns))
    if moved:
        note_text = _(
            "90 % range: where 90 % of {draws} draws of the uncertain inputs fall (see How sure is this); blank where no "
            "uncertain input moves the result.",
            draws=number(ranges.draws),
        )
        body += f"<p class='table-note'>{html.escape(note_text)}</p>"
    payload = [
        {**r, "value": float(r["value"]) if isinstance(r["value"], (int, float, np.number)) else str(r["value"])} for r in rows
    ]
    for item in payload:
        if item["id"] in moved:
            item["low"], item["high"] = (float(intervals.loc[item["id"], k]) for k in ("low", "high"))
    from carepay import export

    rec = export.record(pd.DataFrame(payload), caption=title)
    display(
        {"text/html": f'<div class="key-results">{body}{export.links(rec)}</div>', KEY_RESULTS_MIME: payload, TABLE_MIME: rec},
        raw=True,
    )


#: Fields of an uncertain input that carry the uncertain parameter's own unit (the others are words).
VALUE_FIELDS = ("low", "high", "mode", "mean", "sd", "values")


def _unit_of(path: str, meta: Any, pattern_of: Any) -> str:
    """A changed parameter's unit; for a field of an uncertain input (uncertainty.inputs.<parameter>.<field>), the
    parameter's own unit where the field is a value of it, none where it is words (label, reason)."""
    prefix = "uncertainty.inputs."
    if path.startswith(prefix):
        rest = path[len(prefix) :]
        parameter, _dot, field = rest.rpartition(".")
        field = field.split("[")[0]
        if field not in VALUE_FIELDS:
            return ""
        return (pattern_of(parameter, meta) or {}).get("unit") or ""
    return (pattern_of(path, meta) or {}).get("unit") or ""


def scenario_changes(notebook: str, params: Any, default: Any) -> None:
    """What a scenario changes from the default, parameter by parameter (nested ones by their dotted name), with
    both values and units. Shows nothing for the default scenario itself."""
    from IPython.display import HTML, display

    rows = changes_table(notebook, params, default)
    if rows is not None:
        heading_text = html.escape(_("What this scenario changes"))
        display(HTML(f'<div class="scenario-changes"><h2>{heading_text}</h2>' + table_html(rows) + "</div>"))


def changes_table(notebook: str, params: Any, default: Any) -> pd.DataFrame | None:
    """The rows of scenario_changes: parameter, default, this scenario (values as a reader sees them), unit; None
    when nothing differs (or there is no default)."""
    from carepay.params import flatten, metadata, pattern_of

    if default is None:
        return None
    meta = metadata(notebook)
    before, now = dict(flatten(default.values())), dict(flatten(params.values()))
    rows = []
    # an uncertain input added, dropped or redrawn is one row, its distribution in words, not a row per field
    inputs_before, inputs_now = default.uncertainty.inputs, params.uncertainty.inputs
    for name in [*inputs_now, *(n for n in inputs_before if n not in inputs_now)]:
        old_d, new_d = inputs_before.get(name), inputs_now.get(name)
        if old_d != new_d:
            rows.append(
                {
                    "parameter": _("uncertainty: {name}", name=name),
                    "default": old_d.describe() if old_d else _("not drawn"),
                    "this scenario": new_d.describe() if new_d else _("not drawn"),
                    "unit": term(_unit_of(name, meta, pattern_of)),
                }
            )
    prefix = "uncertainty.inputs."
    before = {k: v for k, v in before.items() if not k.startswith(prefix)}
    now = {k: v for k, v in now.items() if not k.startswith(prefix)}
    for path in [*now, *(k for k in before if k not in now)]:
        if before.get(path) == now.get(path):
            continue
        unit = _unit_of(path, meta, pattern_of)
        old, new = _plain(before.get(path), unit), _plain(now.get(path), unit)
        if old != new:  # an empty list and its first entry flatten to different names but say the same
            rows.append({"parameter": path, "default": old, "this scenario": new, "unit": term(unit)})
    # the parameter's name, its value as a scenario file writes it and the figure it was read from are what an
    # analyst types or looks up: shown as code, not translated
    # names and values as a scenario file writes them (focus: design, names: low, medium): code, not translated
    return code_columns(pd.DataFrame(rows), ["parameter", "default", "this scenario"]) if rows else None


def code_columns(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Mark columns whose text is code a scenario file uses (parameter names): shown as code, not translated."""
    df.attrs["code"] = [*df.attrs.get("code", []), *columns]
    return df


#: Columns of the data packages and their checks whose text is an id (a figure's name, a check's, a file's): what an
#: analyst writes in a scenario ({figure: ...}) or looks up in data/, so shown as code (the sources report).
SOURCE_IDS = ("figure", "check", "package", "cell", "table", "where", "file", "provider", "resource")


def ids_as_code(df: pd.DataFrame) -> pd.DataFrame:
    """df with its SOURCE_IDS columns marked as code (code_columns)."""
    return code_columns(df, [c for c in SOURCE_IDS if c in df.columns])


def inline_html(text: str) -> str:
    """A sentence as HTML: everything escaped, then **bold** and the [SYNTHETIC] label; no other markup passes."""
    out = html.escape(text)
    out = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out)
    return out.replace("[SYNTHETIC]", f'<span class="synthetic">{html.escape(_("SYNTHETIC"))}</span>')


def answer(sentences: Sequence[str], title: str | None = None) -> None:
    """The section a board member reads first: a few sentences (Markdown), computed from the results by the
    question's answer module. Also handed to the batch, which opens the index with it."""
    from IPython.display import display

    body = "".join(f"<p>{inline_html(s)}</p>" for s in sentences)
    display(
        {
            "text/html": f'<section class="answer"><h2>{html.escape(title or _("The answer"))}</h2>{body}</section>',
            ANSWER_MIME: list(sentences),
        },
        raw=True,
    )


def _git(*args: str) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=paths.project_root(), capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def git_commit() -> str:
    """HEAD commit, with '+ local changes' when tracked files differ from it; 'unknown' outside git."""
    commit = _git("rev-parse", "HEAD")
    if not commit:
        return _("unknown (not a git checkout)")
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return commit + (_(" + local changes") if dirty else "")


def _plain(value: Any, unit: str = "") -> str:
    """A parameter value as a reader sees it: numbers in Swedish style (years and seeds as written), lists
    joined, null as 'none'."""
    if value is None:
        return _("none")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (int, float)):
        if unit in ("year", "seed") and float(value).is_integer():
            return str(int(value))
        if float(value).is_integer():
            return number(int(value))
        return number(value, 6).rstrip("0")
    if isinstance(value, list):
        return ", ".join(_plain(v, unit) for v in value) if value else _("none")
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v, unit)}" for k, v in value.items()) if value else _("none")
    return str(value)


def parameter_rows(params: Any, notebook: str) -> pd.DataFrame:
    """One row per parameter value used (nested ones by their dotted name): value, unit, source, and the
    document figure it was read from where it refers to one."""
    from carepay.params import describe_reference, flatten, metadata, pattern_of

    meta = metadata(notebook)
    refs = params.references()
    rows = []
    for path, value in flatten(params.values()):
        if path.startswith("uncertainty."):
            continue  # one row per uncertain input, below
        m = pattern_of(path, meta) or {}
        ref = refs.get(path)
        list_refs = [f"[{k[len(path) + 1 : -1]}] {describe_reference(r)}" for k, r in refs.items() if k.startswith(path + "[")]
        rows.append(
            {
                "parameter": path,
                "value": _plain(value, m.get("unit") or ""),
                "unit": term(m.get("unit") or ""),
                "source": term(m.get("source") or ""),
                "read from": describe_reference(ref) if ref else "; ".join(list_refs),
            }
        )
    spec: Any = getattr(params, "uncertainty", None)
    for name, dist in spec.inputs.items() if spec is not None else ():
        m = pattern_of(name, meta) or {}
        prefix = f"uncertainty.inputs.{name}."
        read = [f"{k[len(prefix) :]}: {describe_reference(r)}" for k, r in refs.items() if k.startswith(prefix)]
        rows.append(
            {
                "parameter": _("{name} (uncertain)", name=name),
                "value": _(
                    "{distribution}; {draws} draws, seed {seed}",
                    distribution=dist.describe(),
                    draws=number(spec.draws),
                    seed=spec.seed,
                ),
                "unit": term(m.get("unit") or ""),
                "source": dist.text("reason"),
                "read from": "; ".join(read),
            }
        )
    # the parameter's name, its value as a scenario file writes it and the figure it was read from are what an
    # analyst types or looks up: shown as code, not translated
    return code_columns(pd.DataFrame(rows), ["parameter", "value", "read from"])


def provenance(params: Any, packages: Iterable[Any], notebook: str, extra_files: Iterable[str] = ()) -> None:
    """The block every report ends with: parameters, data files with checksums, versions, commit, time."""
    from IPython.display import HTML, display

    from carepay.sources import sha256

    prows = parameter_rows(params, notebook)
    files = pd.concat([p.files() for p in packages], ignore_index=True) if packages else pd.DataFrame(columns=["file", "sha256"])
    root = paths.project_root()
    others = [{"file": f, "sha256": sha256(root / f)} for f in extra_files if (root / f).exists()]
    files = pd.concat([files, pd.DataFrame(others, columns=["file", "sha256"])], ignore_index=True)
    from importlib.metadata import version

    import altair
    import numpy  # noqa: E401  (versions for the record)
    import pandas

    versions = (
        f"carepay {__version__}; Python {platform.python_version()}; pandas {pandas.__version__}; "
        f"numpy {numpy.__version__}; statsmodels {version('statsmodels')}; altair {altair.__version__}"
    )
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    e = html.escape
    display(
        HTML(
            f'<section class="provenance"><h2>{e(_("Provenance"))}</h2>'
            f"<p><b>{e(_('Scenario:'))}</b> {e(params.text('title'))}. <b>{e(_('Notebook:'))}</b> "
            f"notebooks/{e(notebook)}.ipynb. <b>{e(_('Git commit:'))}</b> {e(git_commit())}. <b>{e(_('Run:'))}</b> <time class='run'>{when}</time>.</p>"
            f"<p><b>{e(_('Software:'))}</b> {e(versions)}.</p>"
            f"<h3>{e(_('Parameters used'))}</h3>"
            + table_html(prows)
            + f"<h3>{e(_('Data files (SHA-256)'))}</h3>"
            + table_html(code_columns(files, ["file", "sha256"]))
            + "</section>"
        )
    )
    missing = i18n.missing()
    if missing:  # texts the catalogue lacks: the batch lists them (tests/test_i18n.py requires none)
        display({"text/plain": "", UNTRANSLATED_MIME: missing}, raw=True)


# --- uncertainty ---------------------------------------------------------------------------------


#: Units as a sentence says them.
UNIT_WORDS = {"kr/year": N_("kr a year"), "hours/year": N_("hours a year"), "kr/month": N_("kr a month")}


def range_sentences(ranges: Any, results: Sequence[tuple[str, str, Any, str]], main: Sequence[str]) -> list[str]:
    """Answer sentences for the main headlines: their 90 % range, the scenario's own value, and what moves them
    most. Nothing when the scenario declares no uncertain inputs."""
    if ranges is None:
        return []
    known = {rid: (text, unit) for rid, text, _value, unit in results}
    rows = ranges.intervals.set_index("headline")
    out = []
    for rid in main:
        if rid not in rows.index or rid not in known or not ranges.moves(rid):
            continue
        text, unit = known[rid]
        row = rows.loc[rid]
        words = term(UNIT_WORDS.get(unit, unit))
        shown = lambda v, unit=unit, words=words: headline(v, unit) + (f" {words}" if unit not in ("", "%") else "")  # noqa: E731
        drivers = [ranges.label(d) for d in ranges.drivers(rid, 2)]
        outside = not row.low <= row.central <= row.high
        sentence = (
            _(
                "{result}: **between {low} and {high}** in 90 % of {draws} draws of what the documents do not give; the "
                "scenario's own values give {central}",
                result=text,
                low=shown(row.low),
                high=shown(row.high),
                draws=number(ranges.draws),
                central=shown(row.central),
            )
            + (_(" (outside the range: they sit at an edge of what is drawn)") if outside else "")
            + _(". It moves most with ")
            + _(" and then ").join(drivers)
            + "."
        )
        out.append(sentence)
    return out


def uncertainty(ranges: Any, results: Sequence[tuple[str, str, Any, str]], settled: Mapping[str, Any] | None = None) -> None:
    """The report's 'How sure is this' section: the uncertain inputs with their reasons, each moved headline's
    range and drivers, a tornado chart for each, and Sobol indices where inputs may interact. settled: inputs the
    scenario's own data settle (label and why), named so a reader knows they were not forgotten."""
    from IPython.display import display

    from carepay import charts

    if settled:
        note(
            _("Not drawn, because this scenario's own data settle them: ")
            + "; ".join(i18n.pick(v) for v in settled.values())
            + "."
        )
    if ranges is None:
        note(_("No input of this scenario is declared uncertain: its results are point figures."))
        return
    known = {rid: (text, unit) for rid, text, _value, unit in results}
    inputs = ranges.inputs.assign(central=ranges.inputs.central.map(lambda v: formats.value(v)))
    show_table(
        inputs[["label", "central", "distribution", "reason"]].rename(
            columns={"label": _("input"), "central": _("scenario's value"), "distribution": _("drawn as"), "reason": _("reason")}
        ),
        caption=_(
            "What the documents do not give: {inputs} inputs drawn {draws} times (seed {seed})",
            inputs=number(len(inputs)),
            draws=number(ranges.draws),
            seed=ranges.seed,
        ),
    )
    rows = []
    for r in ranges.intervals.itertuples():
        if r.headline not in known:
            continue
        text, unit = known[r.headline]
        moved = ranges.moves(r.headline)
        rows.append(
            {
                _("result"): text,
                _("scenario"): headline(r.central, unit),
                _("90 % range"): range_text(r.low, r.high, unit) if moved else _("not moved"),
                _("median"): headline(r.median, unit),
                _("Monte Carlo error"): headline(r.monte_carlo_error, unit) if moved else "",
                _("moved most by"): ", ".join(ranges.label(d) for d in ranges.drivers(r.headline)) or _("none of them"),
                _("unit"): "" if unit == "%" else term(unit),
            }
        )
    show_table(
        pd.DataFrame(rows),
        caption=_(
            "Each result over the draws: the 90 % range, its median, and the Monte Carlo error of the range's ends (the "
            "standard error from drawing a finite number of times)"
        ),
    )
    for r in ranges.intervals.itertuples():
        if r.headline in known and ranges.moves(r.headline):
            text, unit = known[r.headline]
            swings = ranges.swings[ranges.swings.headline == r.headline].copy()
            swings["input"] = swings.parameter.map(ranges.label)
            display(
                charts.tornado(
                    swings,
                    title=_("What moves it: {result}", result=text),
                    value_title=text + (f" ({term(unit)})" if unit else ""),
                    unit=unit,
                )
            )
    if len(ranges.indices):
        idx = ranges.indices[ranges.indices.headline.map(ranges.moves)].copy()
        idx["result"] = idx.headline.map(lambda h: known.get(h, (h, ""))[0])
        idx["input"] = idx.parameter.map(ranges.label)
        idx["interaction"] = (idx.total - idx.first_order).clip(lower=0)
        idx["alone_conf"] = idx.first_order_conf.map(lambda v: f"± {percent(v, 1)}")
        idx["total_conf"] = idx.total_conf.map(lambda v: f"± {percent(v, 1)}")
        alone, together, through = _("alone"), _("with interactions"), _("through interactions")
        table = idx[["result", "input", "first_order", "alone_conf", "total", "total_conf", "interaction"]].rename(
            columns={
                "result": _("result"),
                "input": _("input"),
                "first_order": alone,
                "alone_conf": _("alone, 95 % interval"),
                "total": together,
                "total_conf": _("with interactions, 95 % interval"),
                "interaction": through,
            }
        )
        show_table(
            table,
            units={alone: "%", together: "%", through: "%"},
            caption=_(
                "Share of each result's variance due to each input (Sobol indices, each ± its 95 % interval from {runs} "
                "runs): alone (first order), with its interactions (total), and the difference, which is large only "
                "where inputs act together",
                runs=number(ranges.sobol_runs),
            ),
        )
