"""Reports printed to PDF by headless Chromium (carepay.printing), and a clear message where there is none."""

from __future__ import annotations

import pytest

from carepay import cli, printing


def test_without_chromium_no_pdf_is_written_and_the_reason_is_said(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(printing, "chromium", lambda: None)
    page = tmp_path / "r.html"
    page.write_text("<html><body>x</body></html>", encoding="utf-8")
    with pytest.raises(printing.PrintError, match="apt-get install chromium"):
        printing.write_pdf(page)
    cli._print_pdfs([])
    assert "Chromium is not installed" in capsys.readouterr().out
    assert not page.with_suffix(".pdf").exists()


@pytest.mark.skipif(printing.chromium() is None, reason="Chromium is not installed")
def test_a_report_prints_to_a4_pages(tmp_path):
    page = tmp_path / "r.html"
    rows = "".join(f"<tr><td>row {i}</td><td>{i * 1000}</td></tr>" for i in range(120))
    page.write_text(
        "<html><head><style>@page { size: A4; @bottom-right { content: counter(page) ' / ' counter(pages); } }"
        "thead { display: table-header-group; }</style></head><body><h1>Report</h1>"
        f"<table><thead><tr><th>what</th><th>kr</th></tr></thead><tbody>{rows}</tbody></table></body></html>",
        encoding="utf-8",
    )
    pdf = printing.write_pdf(page)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and pdf == page.with_suffix(".pdf")
    import re

    boxes = [tuple(map(float, m)) for m in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)]
    assert len(boxes) >= 2  # 120 rows do not fit one page
    assert all(abs(w - 595.3) < 1 and abs(h - 841.9) < 1 for w, h in boxes)  # A4 in points
