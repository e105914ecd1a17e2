"""The data behind every table and chart of a report, as files an analyst can hand on: one Excel workbook per report
(a first sheet with the scenario, its parameters and provenance, then one sheet per table or chart, units in the
header row) and, per table, a CSV file that Swedish Excel opens as it is (semicolon, decimal comma, UTF-8 with a
byte-order mark) and a plain one for code (comma, decimal point, UTF-8).

In the kernel, carepay.report and carepay.charts hand each shown table to the batch as a *table record* (plain
JSON: caption, columns with label and unit, rows of numbers and words; amounts in kronor as numbers, shares 0-1);
the batch writes the files beside the HTML (carepay.batch). Synthetic tables keep their label: a first column
saying SYNTHETIC DATA in every row, and a note on the first sheet. Tables that name individual persons are never
written (PERSON_IDS).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from carepay import i18n
from carepay.formats import readable
from carepay.i18n import N_, _, term

#: Columns that identify one person: a table that has one is individual-level and is never written out.
PERSON_IDS = frozenset({"person_id", "individual_id", "client_id", "personnummer", "resident_id"})
#: The first column of a synthetic table's rows in the files.
SYNTHETIC_LABEL = N_("SYNTHETIC DATA")
#: Units shown as percent in the workbook (the numbers are shares 0-1 in every file).
SHARE_UNITS = frozenset({"%", "share", "share 0-1"})
#: Excel's limit on a sheet name, and the characters it does not allow in one.
SHEET_NAME_LENGTH = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _plain(value: Any) -> Any:
    """A cell as JSON: numbers as numbers (NaN as empty), booleans as booleans, everything else as text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(float(value)) else float(value)
    return str(value)


#: A text cell starting with one of these is a formula to Excel (and to openpyxl, which would write it as one):
#: such cells get a leading apostrophe, as OWASP advises against CSV injection, so a scenario's or an extract's
#: text is read as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """A cell for a spreadsheet: text that Excel would run as a formula made plain text; anything else as it is."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _text(caption: str) -> str:
    """A caption without its markup (the HTML caption may carry emphasis)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", "", caption or "")).strip()


def record(
    df: pd.DataFrame,
    caption: str = "",
    units: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    synthetic: bool = False,
    kind: str = "table",
) -> dict[str, Any] | None:
    """A shown table (or a chart's numbers) as a table record; None for an individual-level table (PERSON_IDS).
    units and labels add to the frame's own (carepay.units.annotate)."""
    units = {**df.attrs.get("units", {}), **(units or {})}
    labels = {**df.attrs.get("labels", {}), **(labels or {})}
    if PERSON_IDS & {str(c).lower() for c in df.columns}:
        return None
    columns = [
        {
            "name": str(c),
            "label": i18n.cell(str(labels.get(c) or readable(str(c).replace("_", " ")))),
            "unit": str(units.get(c, "") or ""),
        }
        for c in df.columns
    ]
    code = set(df.attrs.get("code", []))
    rows = [
        [_plain(v) if c in code else _shown(_plain(v)) for c, v in zip(df.columns, row)]
        for row in df.itertuples(index=False, name=None)
    ]
    out = {"kind": kind, "caption": _text(caption), "columns": columns, "rows": rows, "synthetic": bool(synthetic)}
    out["id"] = file_id(out)
    return out


def _shown(value: Any) -> Any:
    """A text cell as the report shows it, in its language (a code id or English words translated where the
    catalogue has them); numbers as they are."""
    if not isinstance(value, str) or i18n.current() == i18n.SOURCE_LANGUAGE:
        return value
    return i18n.known(readable(value)) if i18n.known(readable(value)) != readable(value) else value


def file_id(rec: Mapping[str, Any]) -> str:
    """A stable file name for a record: its caption's first words and a short digest of its content (the same
    table gives the same name in every run; two tables never share one)."""
    words = re.sub(r"[^a-z0-9]+", "-", _text(rec.get("caption", "")).lower().translate(_SWEDISH)).strip("-")
    words = "-".join(words.split("-")[:6])[:48].strip("-") or rec.get("kind", "table")
    content = repr((rec.get("caption"), rec.get("columns"), rec.get("rows"), rec.get("synthetic")))
    return f"{words}-{hashlib.sha256(content.encode()).hexdigest()[:8]}"


_SWEDISH = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})


def header(column: Mapping[str, str], unit_for_shares: str = "share 0-1") -> str:
    """A column's header with its unit: 'change (kr/year)'; shares 0-1 say so (or '%' in the workbook)."""
    unit = column.get("unit") or ""
    if unit in SHARE_UNITS:
        unit = unit_for_shares
    return f"{column['label']} ({term(unit)})" if unit else column["label"]


def _table(rec: Mapping[str, Any], unit_for_shares: str = "share 0-1") -> tuple[list[Any], list[list[Any]]]:
    """A record's header row and rows as the files carry them: text a spreadsheet would run made plain (safe_text),
    the synthetic label's column first."""
    headers: list[Any] = [safe_text(header(c, unit_for_shares)) for c in rec["columns"]]
    rows = [[safe_text(v) for v in row] for row in rec["rows"]]
    if rec.get("synthetic"):
        label = term(SYNTHETIC_LABEL)
        headers = [_("data"), *headers]
        rows = [[label, *row] for row in rows]
    return headers, rows


def frame(rec: Mapping[str, Any], unit_for_shares: str = "share 0-1") -> pd.DataFrame:
    """A record as a DataFrame with the headers the files carry (and the synthetic label's column first)."""
    headers, rows = _table(rec, unit_for_shares)
    return pd.DataFrame(rows, columns=headers) if rows else pd.DataFrame(columns=headers)


def _csv_cell(value: Any, swedish: bool) -> Any:
    """A cell as CSV text: a number with a decimal comma (swedish) or point, cell by cell, so that a column that
    mixes numbers and words (the key results' values) has its numbers read as numbers too; empty for no value."""
    if not isinstance(value, float):
        return "" if value is None else value
    if math.isnan(value):
        return ""
    return repr(value).replace(".", ",") if swedish else repr(value)


def csv_text(rec: Mapping[str, Any], swedish: bool) -> str:
    """A record as CSV text. swedish: semicolon-separated with decimal commas, which Swedish Excel reads as numbers
    (write it with the byte-order mark, see write_csv); else comma-separated with decimal points, for code."""
    return _csv(*_table(rec), swedish)


def _csv(headers: list[Any], rows: list[list[Any]], swedish: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=";" if swedish else ",", lineterminator="\r\n" if swedish else "\n", quoting=csv.QUOTE_MINIMAL
    )
    writer.writerow(headers)
    writer.writerows([_csv_cell(v, swedish) for v in row] for row in rows)
    return buffer.getvalue()


def csv_names(rec: Mapping[str, Any]) -> tuple[str, str]:
    """The file names of a record's Swedish-Excel and plain CSV files."""
    return f"{rec['id']}.sv.csv", f"{rec['id']}.csv"


def write_csv(rec: Mapping[str, Any], folder: Path) -> list[Path]:
    """Write both CSV files of a record into folder; returns their paths."""
    sv, plain = (folder / n for n in csv_names(rec))
    headers, rows = _table(rec)
    sv.write_text(_csv(headers, rows, swedish=True), encoding="utf-8-sig", newline="")
    plain.write_text(_csv(headers, rows, swedish=False), encoding="utf-8", newline="")
    return [sv, plain]


def sheet_names(records: Sequence[Mapping[str, Any]]) -> list[str]:
    """One sheet name per record, in order: its number and its caption's start, within Excel's rules."""
    names = []
    for i, rec in enumerate(records, start=1):
        base = _SHEET_FORBIDDEN.sub(" ", _text(rec.get("caption", "")) or rec.get("kind", "table"))
        names.append(f"{i:02d} {base}"[:SHEET_NAME_LENGTH].rstrip().rstrip("'").rstrip())
    return names


def workbook(records: Sequence[Mapping[str, Any]], about: Iterable[tuple[str, Any]]) -> bytes:
    """The Excel workbook of a report: a first sheet 'Scenario' (about: label, value rows: the scenario, its
    parameters and provenance; then the list of sheets), then one sheet per record with the units in the header
    row, shares formatted as percent, the header row frozen. Written with openpyxl; returns the file's bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    first = book.active
    first.title = _("Scenario")
    bold = Font(bold=True)
    for label, value in about:
        first.append([str(label), _cell(value)])
    first.append([])
    first.append([_("Sheet"), _("What it shows"), _("Data")])
    for c in first[first.max_row]:
        c.font = bold
    names = sheet_names(records)
    for name, rec in zip(names, records):
        first.append([name, _cell(rec.get("caption", "")), term(SYNTHETIC_LABEL) if rec.get("synthetic") else ""])
    first.column_dimensions["A"].width = 34
    first.column_dimensions["B"].width = 90
    for name, rec in zip(names, records):
        sheet = book.create_sheet(name)
        headers, rows = _table(rec, unit_for_shares="%")
        sheet.append(headers)
        for c in sheet[1]:
            c.font = bold
        shares = [j for j, col in enumerate(rec["columns"], start=1 + bool(rec.get("synthetic"))) if col["unit"] in SHARE_UNITS]
        for row in rows:
            sheet.append([_cell(v) for v in row])
        for j in shares:
            for (c,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                if isinstance(c.value, (int, float)):
                    c.number_format = "0.0%"
        for j, col in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(j)].width = min(max(len(str(col)), 10) + 2, 50)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    v = _plain(value)
    return v if v is None or isinstance(v, (int, float, bool)) else safe_text(str(v))


def read_sheet(data: bytes, name: str) -> pd.DataFrame:
    """A workbook's sheet back as a DataFrame (header row first), for checks and tests."""
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data), read_only=True)[name]
    rows = list(sheet.values)
    return pd.DataFrame(rows[1:], columns=rows[0])


#: Set to "1" in the batch's kernels (carepay.batch): shown tables link to their files, which only the batch writes.
LINKS_ENV = "CAREPAY_DATA_LINKS"
#: What a link is written with in the kernel; the batch puts the report's own names in (see batch.link_data).
FOLDER_PLACEHOLDER = "carepay-data/"
WORKBOOK_PLACEHOLDER = "carepay-data.xlsx"


def links(rec: Mapping[str, Any] | None) -> str:
    """The links under a table or chart to its data (relative: the report's folder works when zipped), in the
    batch's kernels; '' elsewhere, or for a table that is not written (individual-level)."""
    import os

    if rec is None or os.environ.get(LINKS_ENV) != "1":
        return ""
    sv, plain = csv_names(rec)
    return (
        f'<p class="data-links">{_("The data:")} <a href="{FOLDER_PLACEHOLDER}{sv}">{_("CSV for Excel")}</a> · '
        f'<a href="{FOLDER_PLACEHOLDER}{plain}">CSV</a> · <a href="{WORKBOOK_PLACEHOLDER}">{_("every table in one workbook")}</a></p>'
    )


def link_to(page: str, scenario: str) -> str:
    """A report page's data links pointed at its own files: <scenario>.data/ and <scenario>.xlsx beside it."""
    from urllib.parse import quote

    name = quote(scenario)
    page = page.replace(f'href="{WORKBOOK_PLACEHOLDER}"', f'href="{name}.xlsx"')
    return page.replace(f'href="{FOLDER_PLACEHOLDER}', f'href="{name}.data/')
