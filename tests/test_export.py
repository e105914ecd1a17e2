"""The data behind a report's tables and charts: CSV that Swedish Excel opens as numbers, plain CSV for code, one
workbook per report, each the library's frame (carepay.export)."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from carepay import export
from carepay.units import annotate


@pytest.fixture()
def table() -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "provider": ["Vård AB", '=HYPERLINK("http://x")', 'Åby; "omsorg"'],
            "payment": [1_234_567.891, -2500.5, 0.0],
            "change_share": [0.0525, -0.1, None],
            "persons": [12, 7, 3],
        }
    )
    return annotate(df, {"payment": ("kr/year", None), "change_share": ("%", None), "persons": ("persons", None)})


def test_swedish_csv_reads_back_as_the_frame_with_semicolons_decimal_commas_and_a_bom(table, tmp_path):
    rec = export.record(table, caption="Payments <em>per</em> provider")
    sv, plain = export.write_csv(rec, tmp_path)
    raw = sv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw and b"1234567,891" in raw and b"1234567.891" not in raw
    back = pd.read_csv(sv, sep=";", decimal=",", encoding="utf-8-sig")
    assert list(back.columns) == ["provider", "payment (kr/year)", "change share (share 0-1)", "persons (persons)"]
    pd.testing.assert_series_equal(back["payment (kr/year)"], table.payment, check_names=False)
    pd.testing.assert_series_equal(back["change share (share 0-1)"], table.change_share, check_names=False)
    code = pd.read_csv(plain)
    pd.testing.assert_frame_equal(code, back)
    assert back.provider[2] == 'Åby; "omsorg"'  # a separator and quotes inside a cell stay in it
    assert rec["caption"] == "Payments per provider"


def test_text_excel_would_run_as_a_formula_is_written_as_text(table, tmp_path):
    rec = export.record(table)
    sv, _ = export.write_csv(rec, tmp_path)
    assert pd.read_csv(sv, sep=";", decimal=",", encoding="utf-8-sig").provider[1].startswith("'=")
    book = export.workbook([rec], [("Title", "=cmd|' /C calc'!A0")])
    first = export.read_sheet(book, "Scenario")
    assert str(first.columns[1]).startswith("'=")
    sheet = export.read_sheet(book, export.sheet_names([rec])[0])
    assert sheet.provider[1].startswith("'=")


def test_the_workbook_has_the_scenario_first_then_one_sheet_per_table_with_units_in_the_header(table):
    recs = [export.record(table, caption="Payments per provider"), export.record(table.head(1), caption="x" * 80, synthetic=True)]
    book = export.workbook(recs, [("Scenario", "default"), ("parameter: hourly_cost", 300)])
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(book))
    names = export.sheet_names(recs)
    assert wb.sheetnames == ["Scenario", *names] and all(len(n) <= 31 for n in names)
    sheet = export.read_sheet(book, names[0])
    assert list(sheet.columns) == ["provider", "payment (kr/year)", "change share (%)", "persons (persons)"]
    assert sheet["payment (kr/year)"].tolist() == table.payment.tolist()
    assert wb[names[0]]["C2"].number_format == "0.0%" and wb[names[0]]["C2"].value == pytest.approx(0.0525)
    synthetic = export.read_sheet(book, names[1])
    assert synthetic.iloc[0, 0] == export.SYNTHETIC_LABEL  # synthetic data keep their label in the files
    assert wb["Scenario"]["B2"].value == 300


def test_individual_level_tables_are_never_written(table):
    assert export.record(table.assign(person_id=[1, 2, 3])) is None
    assert export.links(None) == ""


def test_file_names_are_stable_and_differ_between_tables(table):
    a, b = export.record(table, caption="Payments"), export.record(table.head(2), caption="Payments")
    assert a["id"] == export.record(table, caption="Payments")["id"] != b["id"]
    assert a["id"].startswith("payments-")


def test_links_are_relative_and_point_at_the_reports_own_files(monkeypatch, table):
    rec = export.record(table, caption="Payments")
    monkeypatch.delenv(export.LINKS_ENV, raising=False)
    assert export.links(rec) == ""  # run by hand: no files, so no links
    monkeypatch.setenv(export.LINKS_ENV, "1")
    page = export.link_to(export.links(rec), "pilot_shadow")
    assert f'href="pilot_shadow.data/{rec["id"]}.sv.csv"' in page and 'href="pilot_shadow.xlsx"' in page


def test_numbers_in_a_column_that_also_holds_words_have_decimal_commas_in_the_swedish_csv(tmp_path):
    """The key results' value column mixes amounts and words: each number is written as a number, cell by cell."""
    mixed = pd.DataFrame({"result": ["rate", "gainer", "change"], "value": [4653.70012, "Vård AB", -454360.25]})
    rec = export.record(mixed)
    sv, plain = export.write_csv(rec, tmp_path)
    text = sv.read_text(encoding="utf-8-sig")
    assert "4653,70012" in text and "-454360,25" in text and "4653.70012" not in text
    assert "4653.70012" in plain.read_text(encoding="utf-8")
    back = pd.read_csv(sv, sep=";", decimal=",", encoding="utf-8-sig", dtype=str)
    assert back.value.tolist() == ["4653,70012", "Vård AB", "-454360,25"]
