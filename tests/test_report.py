"""Numbers as Swedish readers write them (carepay.formats, Babel's CLDR sv_SE), and tables formatted by what each
column means: years, counts, shares, coefficients, amounts."""

from __future__ import annotations

import pandas as pd

from carepay import formats, report
from carepay.units import annotate

NB, MINUS = "\u00a0", "\u2212"


def test_swedish_numbers():
    assert formats.number(29439000) == f"29{NB}439{NB}000"
    assert formats.number(-3.25, 1) == f"{MINUS}3,2" or formats.number(-3.25, 1) == f"{MINUS}3,3"
    assert formats.number(-0.001, 2) == "0,00"
    assert formats.percent(0.512) == f"51,2{NB}%"
    assert formats.year(2009) == "2009" and formats.coefficient(0.5392) == "0,5392" and formats.coefficient(1.0) == "1"
    assert formats.decimal(6.3, 1) == "6,3" and formats.mnkr(4_620_000) == f"4,6{NB}mnkr"
    assert formats.signed_kr(5) == f"+5{NB}kr" and formats.signed_kr(-5) == f"{MINUS}5{NB}kr"


def test_tables_format_by_meaning():
    df = annotate(
        pd.DataFrame({"year": [2009], "coefficient": [1.3546], "persons": [23.0], "share": [0.6], "amount": [1234.5]}),
        {"year": ("year", ""), "coefficient": ("x price base amount", ""), "persons": ("persons", ""), "share": ("%", ""),
         "amount": ("kr", "")},
    )  # fmt: skip
    page = report.table_html(df)
    import re

    cells = re.findall(r'<td class="[^"]*">([^<]*)</td>', page)
    assert cells == ["2009", "1,3546", "23", f"60,0{NB}%", f"1{NB}234"], cells  # amounts of 100 and more: to the krona


def test_rows_with_their_own_units():
    assert report.cell_by_unit(0.6, "share") == f"60,0{NB}%"
    assert report.cell_by_unit(23.0, "persons") == "23" and report.cell_by_unit(2018, "year") == "2018"
    assert report.cell_by_unit(0.25, "kr/hour") == "0,25"


def test_grouped_bars_in_panels_are_wide_enough_to_see():
    """A faceted grouped bar chart once drew bars 0,2 px wide; a bar must be at least 5 px, and code ids read as words."""
    import re

    from carepay import charts

    charts.setup()
    data = pd.DataFrame(
        {"level": [1, 2, 1, 2] * 2, "kr": [1, 2, 3, 4] * 2, "amounts": ["given", "given", "mean_preserving", "mean_preserving"] * 2,
         "housing_form": ["group_housing"] * 4 + ["service_housing"] * 4}
    )  # fmt: skip
    svg = charts.render(
        charts.grouped_bars(data, "level", "kr", "amounts", facet="housing_form", title="t", value_title="v").to_dict()
    )["text/html"]
    bars = re.findall(r'<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)</g>', svg, re.S)
    widths = [float(w) for group in bars for w in re.findall(r'd="M[^h"]*h([0-9.]+)', group)]
    assert widths and min(widths) >= 5, widths
    assert "group housing" in svg and "mean preserving" in svg and "group_housing" not in svg


def test_a_changed_uncertain_input_shows_its_parameter_s_unit_or_none():
    from carepay.params import metadata, pattern_of
    from carepay.report import _unit_of

    meta = metadata("capitation_fairness")
    assert _unit_of("uncertainty.inputs.cost_per_hour.high", meta, pattern_of) == "kr/hour"
    assert _unit_of("uncertainty.inputs.volume.growth_per_year.low", meta, pattern_of) == "share per year"
    assert _unit_of("uncertainty.inputs.volume.growth_per_year.reason", meta, pattern_of) == ""
    assert _unit_of("cost_per_hour", meta, pattern_of) == "kr/hour"


def test_a_chart_carries_a_text_alternative_from_its_data_and_its_numbers_as_a_table():
    import pandas as pd

    from carepay import charts

    charts.setup()
    data = pd.DataFrame({"provider": ["A", "<script>x</script>", "C"], "change": [1200.0, -300.0, 50.0]})
    chart = charts.bars(data, "provider", "change", title="Change by provider", value_title="kr a year")
    bundle = chart._repr_mimebundle_()
    page = (bundle[0] if isinstance(bundle, tuple) else bundle)["text/html"]
    assert 'role="img" aria-label="Bar chart: Change by provider. kr a year by provider.' in page
    assert "highest A (1\u00a0200), lowest &lt;script&gt;x&lt;/script&gt; (−300)" in page  # computed, and escaped
    assert "<script>x" not in page
    table = page[page.index("<details") :]
    assert "<table" in table and "<caption" not in table and 'scope="col"' in table and "1\u00a0200" in table


def test_a_line_chart_says_where_each_line_starts_ends_and_peaks():
    import pandas as pd

    from carepay import charts

    data = pd.DataFrame({"x": [0.0, 1.0, 2.0] * 2, "y": [1.0, 5.0, 3.0, 2.0, 2.0, 2.0], "s": ["a"] * 3 + ["b"] * 3})
    words = charts.summary(
        data, kind="Line chart", title="T", x="x", y="y", series="s", x_title="hours", y_title="kr", x_fmt=",.0f"
    )
    assert words == (
        "Line chart: T. kr by hours, one line per s. a: 1 at 0, 3 at 2, highest 5 at 1; b: 2 at 0, 2 at 2, highest 2 at 0."
    )


def test_a_chart_drawn_once_is_read_back(tmp_path, monkeypatch):
    """The batch's kernels share the charts they drew (carepay.charts._svg): the same chart again is read from the
    cache, drawn identically; a changed one is drawn; with the cache off, every one is drawn."""
    import altair.utils.mimebundle as mimebundle

    from carepay import CHART_CACHE_ENV, charts

    charts.setup()
    drawn = []
    real = mimebundle.spec_to_mimebundle

    def counting(spec, **kw):
        drawn.append(1)
        return real(spec, **kw)

    monkeypatch.setattr(mimebundle, "spec_to_mimebundle", counting)
    data = pd.DataFrame({"provider": ["a", "b"], "change": [1.0, -2.0]})
    chart = lambda values: charts.bars(data.assign(change=values), "provider", "change", title="t", value_title="kr")  # noqa: E731
    monkeypatch.setenv(CHART_CACHE_ENV, str(tmp_path))
    first = charts.render(chart([1.0, -2.0]).to_dict())["text/html"]
    again = charts.render(chart([1.0, -2.0]).to_dict())["text/html"]
    other = charts.render(chart([3.0, -2.0]).to_dict())["text/html"]
    assert first == again and other != first and len(drawn) == 2 and len(list(tmp_path.glob("*.svg"))) == 2
    monkeypatch.setenv(CHART_CACHE_ENV, "off")
    assert charts.render(chart([1.0, -2.0]).to_dict())["text/html"] == first and len(drawn) == 3


def test_a_histogram_carries_only_the_columns_it_draws(monkeypatch):
    """charts.histogram passes the chart each row's value and facet, not the rest of the table: the same drawing
    from a smaller specification."""
    import numpy as np

    from carepay import charts

    charts.setup()
    monkeypatch.setenv(charts.VALIDATE_ENV, "1")
    rng = np.random.default_rng(1)
    data = pd.DataFrame(
        {"unit": range(200), "change_share": rng.normal(0, 0.05, 200), "form": ["a", "b"] * 100, "before": 1.0, "after": 2.0}
    )
    chart = charts.histogram(data, "change_share", title="t", value_title="change", facet="form")
    spec = chart.to_dict()
    [rows] = spec["datasets"].values()
    assert set(rows[0]) == {"change_share", "form"} and len(rows) == 200
    full = spec | {"datasets": {k: data.assign(form=data.form).to_dict("records") for k in spec["datasets"]}}
    assert charts.render(full)["text/html"] == charts.render(spec)["text/html"]
