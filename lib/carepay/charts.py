"""Altair charts with one shared theme, rendered as static SVG so reports need no network.

``setup()`` registers the theme and the SVG renderer (vl-convert draws the chart in
the kernel; the report holds the picture, no JavaScript). Chart helpers take tidy
DataFrames and return Altair charts; they never compute results. Encodings are channel objects (alt.X("a:Q"),
alt.Tooltip("a")), not bare strings: Altair turns a bare string into a channel through a schema lookup that
costs about 6 ms each time, which added up to a few tenths of a second a report.
"""

from __future__ import annotations

import re
from typing import Any

import altair as alt
import pandas as pd

from carepay.formats import readable
from carepay.i18n import N_, _, cell, term

#: Colour-blind-safe categorical palette (Okabe–Ito), used in this order.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
GAIN, LOSS, NEUTRAL = "#009E73", "#D55E00", "#999999"
#: Swedish number format: space between thousands, comma before decimals.
LOCALE = {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0kr"]}
WIDTH = 560


@alt.theme.register("carepay", enable=False)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "view": {"continuousWidth": WIDTH, "continuousHeight": 300, "stroke": None},
            "font": "Helvetica, Arial, sans-serif",
            # no ARIA descriptions inside the SVG: Vega writes them in English ("X-axis titled ..."), and the figure
            # around the chart carries the text alternative in the report's language (render)
            "aria": False,
            "title": {"fontSize": 15, "anchor": "start", "subtitleColor": "#555", "subtitleFontSize": 12},
            "axis": {
                "labelFontSize": 12,
                "labelLimit": 320,
                "titleFontSize": 12,
                "gridColor": "#e6e6e6",
                "titleFontWeight": "normal",
            },
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom"},
            "range": {"category": PALETTE},
            "bar": {"color": PALETTE[0]},
            "line": {"color": PALETTE[0], "strokeWidth": 2},
            "point": {"color": PALETTE[0], "filled": True},
        }
    }


def setup() -> None:
    """Use the carepay theme and static SVG output (no scripts, no network), each chart with its text alternative
    and the table of its numbers (render)."""
    alt.theme.enable("carepay")
    if "carepay" not in alt.renderers.names():
        alt.renderers.register("carepay", render)
    alt.renderers.enable("carepay")
    alt.renderers.set_embed_options(format_locale=LOCALE)
    alt.data_transformers.disable_max_rows()


# --- charts a screen reader can read (WCAG 2.1: 1.1.1 non-text content) ------------------------------------------


def render(spec: dict, **metadata: Any) -> dict[str, str]:
    """An Altair renderer: the chart as static SVG (vl-convert, in the kernel) inside a figure whose role is an image
    with the chart's text alternative (its Vega-Lite description, set by described()), and below it, collapsed, the
    text alternative and the table of the numbers behind the chart. Everything from the data is escaped."""
    import html as _html

    svg = _svg(spec, metadata)
    meta = (spec.get("usermeta") or {}).get("carepay", {})
    text = spec.get("description") or _title_text(spec.get("title")) or _("chart")
    table = meta.get("table", "")
    words = _html.escape(str(text))
    summary_text = _html.escape(_("The chart in words and numbers"))
    details = f'<details class="chart-data"><summary>{summary_text}</summary><p>{words}</p>{table}</details>'
    from carepay import TABLE_MIME, export

    data_record = meta.get("data")
    html_out = (
        f'<figure class="carepay-chart"><div class="chart-svg" role="img" aria-label="{words}">{svg}</div>{details}'
        f"{export.links(data_record)}</figure>"
    )
    return {"text/html": html_out, **({TABLE_MIME: data_record} if data_record else {})}


#: The ARIA attributes Vega writes on titles and facet headers whatever the config says ("Title text 'a'", in English):
#: taken out, since the figure around the chart is an image with the text alternative in the report's language.
_SVG_ARIA = re.compile(r' (?:aria-label|aria-roledescription|role)="[^"]*"')


def _svg(spec: dict, metadata: dict[str, Any]) -> str:
    """The chart drawn as SVG by vl-convert, without Vega's English ARIA text. In the batch's kernels a chart already
    drawn from the same specification (data, encodings, theme; the table beside it apart) by this batch or an
    earlier one is read back instead of drawn again (the folder CHART_CACHE_ENV names; `carepay reports --force`
    empties it): of a full batch's 529 charts, 311 repeat one drawn before (the document's tables in every scenario),
    and drawing is about 70 ms a chart."""
    import hashlib
    import json
    import os
    from pathlib import Path

    from altair.utils.mimebundle import spec_to_mimebundle

    from carepay import CHART_CACHE_ENV

    folder = os.environ.get(CHART_CACHE_ENV)
    path = None
    if folder and folder != "off":
        import vl_convert

        drawn = {k: v for k, v in spec.items() if k != "usermeta"}
        key = json.dumps([getattr(vl_convert, "__version__", ""), drawn, metadata], sort_keys=True, default=str).encode()
        path = Path(folder) / f"{hashlib.sha256(key).hexdigest()}.svg"
        try:
            svg = path.read_text(encoding="utf-8")
            path.touch()  # in use: kept when old entries are cleared (carepay.batch)
            return svg
        except OSError:
            pass
    bundle = spec_to_mimebundle(spec, format="svg", mode="vega-lite", **metadata)
    svg = _SVG_ARIA.sub("", bundle["image/svg+xml"] if isinstance(bundle, dict) else bundle[0]["image/svg+xml"])
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}")
            tmp.write_text(svg, encoding="utf-8")
            os.replace(tmp, path)  # whole or not at all: another kernel may read it at once
        except OSError:
            pass  # a full or read-only folder: drawn again next time
    return svg


def _title_text(title: object) -> str:
    if isinstance(title, dict):
        title = title.get("text", "")
    if isinstance(title, list):
        return " ".join(str(t) for t in title)
    return str(title or "")


def _shown(v: object, fmt: str) -> str:
    from carepay.formats import number, percent

    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if fmt.endswith("%"):
            return percent(float(v), int(fmt[fmt.index(".") + 1]) if "." in fmt else 0)
        return number(float(v), 2 if abs(float(v)) < 10 and not float(v).is_integer() else 0)
    return cell(readable(v)) if isinstance(v, str) else str(v)


def _words(column: str | None) -> str:
    """A column's name as a reader reads it, in the report's language (group_housing -> 'gruppbostad')."""
    return cell(readable(column or ""))


def summary(
    data: pd.DataFrame,
    *,
    kind: str,
    title: object,
    x: str,
    y: str,
    series: str | None = None,
    facet: str | None = None,
    x_title: str = "",
    y_title: str = "",
    fmt: str = ",.0f",
    x_fmt: str = ",.2f",
) -> str:
    """The chart in one or two sentences, from its data: what it shows and its main finding. Categories (x not
    numeric): the highest and lowest value, per series and panel where there are several (at most four); curves
    (x numeric): each line's value at the first and last x and where it is highest."""
    name = _title_text(title)
    line = kind.startswith("Line")
    kind = term(kind)
    what = f"{kind}: {name}." if name else f"{kind}."
    if series and series in data.columns and data[series].nunique() <= 1:
        series = None  # one series: no key to name
    y_words, x_words = y_title or _words(y), x_title or _words(x)
    if not series:
        axes = _(" {y} by {x}.", y=y_words, x=x_words)
    elif line:
        axes = _(" {y} by {x}, one line per {series}.", y=y_words, x=x_words, series=_words(series))
    else:
        axes = _(" {y} by {x}, one colour per {series}.", y=y_words, x=x_words, series=_words(series))
    parts = []
    groups: list[tuple[str, pd.DataFrame]] = []
    keys = [k for k in (facet, series) if k and k in data.columns]
    if keys:
        for key, part in data.groupby(keys, sort=False):
            label = ", ".join(_shown(k, "") for k in (key if isinstance(key, tuple) else (key,)))
            groups.append((label, part))
    else:
        groups.append(("", data))
    numeric_x = pd.api.types.is_numeric_dtype(data[x]) if x in data.columns else False
    for label, part in groups[:4]:
        part = part.dropna(subset=[y])
        if part.empty:
            continue
        prefix = f"{label}: " if label else ""
        top, low = part.loc[part[y].idxmax()], part.loc[part[y].idxmin()]
        if numeric_x:
            ordered = part.sort_values(x)
            first, last = ordered.iloc[0], ordered.iloc[-1]
            parts.append(
                prefix
                + _(
                    "{first} at {first_x}, {last} at {last_x}, highest {top} at {top_x}",
                    first=_shown(first[y], fmt),
                    first_x=_shown(first[x], x_fmt),
                    last=_shown(last[y], fmt),
                    last_x=_shown(last[x], x_fmt),
                    top=_shown(top[y], fmt),
                    top_x=_shown(top[x], x_fmt),
                )
            )
        else:
            parts.append(
                prefix
                + _(
                    "highest {top} ({top_value}), lowest {low} ({low_value})",
                    top=_shown(top[x], ""),
                    top_value=_shown(top[y], fmt),
                    low=_shown(low[x], ""),
                    low_value=_shown(low[y], fmt),
                )
            )
    more = _(" ({n} more in the table.)", n=len(groups) - 4) if len(groups) > 4 else ""
    return what + axes + (" " + "; ".join(parts) + "." if parts else "") + more


def described(
    chart: Any,
    data: pd.DataFrame,
    columns: list[str],
    text: str,
    labels: dict[str, str] | None = None,
    pivot: tuple[str, str, str] | None = None,
) -> Any:
    """The chart with its text alternative (Vega-Lite description) and the table of its numbers (usermeta), which
    render() puts beside the picture. pivot (index, columns, values): a long table shown wide."""
    from carepay.report import table_html

    shown = data[[c for c in columns if c in data.columns]]
    if pivot and all(c in shown.columns for c in pivot):
        index, cols, values = pivot
        shown = shown.pivot_table(index=index, columns=cols, values=values, aggfunc="first", sort=False).reset_index()
        shown.columns = [_words(str(c)) if isinstance(c, str) else str(c) for c in shown.columns]
        labels = {**(labels or {}), _words(index): (labels or {}).get(index, _words(index))}
    from carepay import export

    shown_labels = {k: v for k, v in (labels or {}).items() if v}
    table = table_html(shown, labels=shown_labels, max_rows=None)
    title = getattr(chart, "title", None)
    title = title.to_dict(validate=False) if title is not None and hasattr(title, "to_dict") else title
    caption = _title_text(title if isinstance(title, (str, list, dict)) else "") or text
    data_record = export.record(shown, caption=caption, labels=shown_labels, kind="chart")
    return Figure(chart.properties(description=text, usermeta={"carepay": {"table": table, "data": data_record}}))


#: Set to "1" where every chart's Vega-Lite specification is checked against Altair's schema as it is shown (the
#: test suite sets it, and so checks every chart of every scenario); elsewhere the check is skipped: the
#: specifications are built by the functions above, whatever the data, and checking took about 13 ms a chart.
VALIDATE_ENV = "CAREPAY_VALIDATE_CHARTS"


class Figure:
    """A chart as a report shows it: displayed through render(); every other use (to_dict, to_json, properties, a
    test's look at its encoding) goes to the Altair chart inside."""

    def __init__(self, chart: Any) -> None:
        self.chart = chart

    def _repr_mimebundle_(self, *args: Any, **kwargs: Any) -> dict[str, str]:  # noqa: ARG002 (IPython's signature)
        import os

        validate = os.environ.get(VALIDATE_ENV) == "1"
        return render(self.chart.to_dict(validate=validate, context={"pre_transform": False}))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.chart, name)


def _readable(data: pd.DataFrame, *columns: str | None) -> pd.DataFrame:
    """Code ids shown as words in legends, axes and facet titles, in the report's language (group_housing -> group
    housing, or gruppbostad)."""
    out = data.copy()
    for col in columns:
        if col and col in out.columns and (out[col].dtype == object or str(out[col].dtype) in ("string", "str", "category")):
            out[col] = out[col].map(lambda v: cell(readable(v)) if isinstance(v, str) else v)
    return out


def _axis(fmt: str, **kwargs: Any) -> alt.Axis:
    """An axis in Swedish style; shares ('%' formats) as '30 %', with a space, as Swedish writes them."""
    if fmt.endswith("%"):
        decimals = int(fmt[fmt.index(".") + 1]) if "." in fmt else 0
        return alt.Axis(labelExpr=f"format(datum.value * 100, ',.{decimals}f') + '\u00a0%'", tickCount=8, **kwargs)
    return alt.Axis(format=fmt, **kwargs)


def _category_x(data: pd.DataFrame, category: str, title: str, facet: str | None) -> alt.X:
    """An ordinal x axis in the data's order, its labels level unless they would not fit."""
    width = (WIDTH - 80) // 2 if facet else WIDTH
    return alt.X(f"{category}:O", title=title, sort=None, axis=alt.Axis(labelAngle=_angle(data, category, width)))


def _angle(data: pd.DataFrame, column: str, width: float) -> int:
    """Axis labels stay level unless they would not fit side by side."""
    labels = data[column].astype(str).unique() if column in data.columns else []
    needed = sum(len(x) * 7 + 8 for x in labels)
    return 0 if needed <= width else -40


def synthetic_title(title: str, synthetic: bool) -> str | list[str]:
    """Chart title, marked when the data behind it are synthetic."""
    return _("{title} (SYNTHETIC DATA)", title=title) if synthetic else title


def _protected(chart: Any) -> Any:
    """A chart helper whose data (its first argument) loses the rows an analyst's extract may not show: those that
    describe fewer persons than the report's small-cell rule allows (carepay.report.small_cells), left out of the
    picture and of its table."""
    import functools

    @functools.wraps(chart)
    def draw(data: pd.DataFrame, *args: Any, **kwargs: Any) -> Any:
        from carepay.report import small_cells

        marked = small_cells(data)
        kept = data.drop(index=data.index[marked.attrs.get("suppressed", [])]) if marked is not data else data
        return chart(kept, *args, **kwargs)

    return draw


@_protected
def bars(
    data: pd.DataFrame,
    category: str,
    value: str,
    *,
    title: str,
    value_title: str,
    category_title: str = "",
    colour_by_sign: bool = False,
    fmt: str = ",.0f",
) -> alt.Chart:
    """Horizontal bars, one per category, labelled with their value."""
    data = _readable(data, category)
    base = alt.Chart(data, title=title)
    colour = (
        alt.condition(f"datum['{value}'] >= 0", alt.value(GAIN), alt.value(LOSS)) if colour_by_sign else alt.value(PALETTE[0])
    )
    bar = base.mark_bar().encode(
        y=alt.Y(f"{category}:N", sort=None, title=category_title),
        x=alt.X(f"{value}:Q", title=value_title, axis=_axis(fmt)),
        color=colour,
        tooltip=[alt.Tooltip(category), alt.Tooltip(value, format=fmt)],
    )
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(
        y=alt.Y(f"{category}:N", sort=None), x=alt.X(f"{value}:Q"), text=alt.Text(f"{value}:Q", format=fmt)
    )
    words = summary(
        data,
        kind=N_("Bar chart"),
        title=title,
        x=category,
        y=value,
        x_title=category_title or _words(category),
        y_title=value_title,
        fmt=fmt,
    )
    return described((bar + text).properties(width=WIDTH - 160), data, [category, value], words, {value: value_title})


STATUS_COLOURS = {"ok": "#1b7a3a", "known": "#E69F00", "new": "#b00020"}


def check_status(summary: pd.DataFrame, title: str = N_("Cross-checks by data package")) -> alt.Chart:
    """Stacked bars: checks passed, known discrepancies and new discrepancies per package and reading.

    summary: columns package, reading, ok, known, new (carepay.checks.summary)."""
    title = term(title)
    long = summary.melt(id_vars=["package", "reading"], value_vars=["ok", "known", "new"], var_name="status", value_name="checks")
    long["status_order"] = long.status.map({s: i for i, s in enumerate(STATUS_COLOURS)})
    long["status"] = long.status.map(term)  # ok, known, new in the report's language
    long["row"] = long["package"] + " (" + long["reading"].map(term) + ")"
    chart = (
        alt.Chart(long, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("row:N", title=None, sort=None),
            x=alt.X("checks:Q", title=_("comparisons (number)"), stack="zero"),
            color=alt.Color(
                "status:N",
                title=_("status"),
                sort=[term(s) for s in STATUS_COLOURS],
                scale=alt.Scale(domain=[term(s) for s in STATUS_COLOURS], range=list(STATUS_COLOURS.values())),
            ),
            order=alt.Order("status_order:Q"),
            tooltip=[alt.Tooltip(f) for f in ("package", "reading", "status", "checks")],
        )
        .properties(width=WIDTH - 200)
    )
    totals = summary.assign(row=summary["package"] + " (" + summary["reading"].map(term) + ")")
    words = (
        _("Stacked bar chart: {title}. Comparisons per data package: ", title=title)
        + "; ".join(
            _("{row}: {ok} ok, {known} known, {new} new", row=r.row, ok=int(r.ok), known=int(r.known), new=int(r.new))
            for r in totals.itertuples()
        )
        + "."
    )
    return described(chart, totals, ["row", "ok", "known", "new"], words, {"row": _("data package (reading)")})


@_protected
def step_amounts(
    levels: pd.DataFrame,
    amount: str,
    *,
    title: str,
    value_title: str,
    colour: str = "system",
    facet: str = "housing_form",
    fmt: str = ",.0f",
) -> alt.Chart:
    """Amount against assessment points as steps, one line per level system, a panel per housing form.

    levels: rows with points_min, points_max, the amount column, the colour column and the facet column."""
    levels = _readable(levels, colour, facet)
    rows = []
    for r in levels.to_dict("records"):
        for x in (r["points_min"], r["points_max"] + 1):
            rows.append({**r, "points": x})
    data = pd.DataFrame(rows)
    line = (
        alt.Chart(data)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("points:Q", title=_("assessment points"), scale=alt.Scale(domain=[0, int(data.points.max())])),
            y=alt.Y(f"{amount}:Q", title=value_title, axis=_axis(fmt)),
            color=alt.Color(f"{colour}:N", title=None),
            strokeDash=alt.StrokeDash(f"{colour}:N", title=None),
        )
        .properties(width=(WIDTH - 80) // 2, height=240)
    )
    words = summary(
        levels.rename(columns={"points_min": "points"}),
        kind=N_("Step chart"),
        title=title,
        x="points",
        y=amount,
        series=colour,
        facet=facet,
        x_title=_("assessment points"),
        y_title=value_title,
        fmt=fmt,
        x_fmt=",.0f",
    )
    cols = [facet, colour, "points_min", "points_max", amount]
    chart = line.facet(column=alt.Column(f"{facet}:N", title=None), title=title)
    return described(chart, levels, cols, words, {amount: value_title})


@_protected
def signed_bars(
    data: pd.DataFrame,
    category: str,
    value: str,
    *,
    title: str,
    value_title: str,
    facet: str | None = None,
    fmt: str = ",.0f",
    category_title: str = "",
) -> alt.Chart:
    """Vertical bars coloured by sign (gain green, loss orange-red), optionally a panel per facet."""
    data = _readable(data, category, facet)
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=_category_x(data, category, category_title, facet),
            y=alt.Y(f"{value}:Q", title=value_title, axis=_axis(fmt)),
            color=alt.condition(f"datum['{value}'] >= 0", alt.value(GAIN), alt.value(LOSS)),
            tooltip=[alt.Tooltip(category), alt.Tooltip(value, format=fmt)],
        )
        .properties(width=(WIDTH - 80) // 2 if facet else WIDTH, height=240)
    )
    words = summary(
        data,
        kind=N_("Bar chart"),
        title=title,
        x=category,
        y=value,
        facet=facet,
        x_title=category_title or _words(category),
        y_title=value_title,
        fmt=fmt,
    )
    cols = [c for c in (facet, category, value) if c]
    if facet:
        chart = chart.facet(column=alt.Column(f"{facet}:N", title=None), title=title).resolve_scale(x="independent")
        return described(chart, data, cols, words, {value: value_title})
    return described(chart.properties(title=title), data, cols, words, {value: value_title})


def histogram(
    data: pd.DataFrame, value: str, *, title: str, value_title: str, facet: str | None = None, bins: int = 40, fmt: str = ".0%"
) -> alt.Chart:
    """Distribution of a value (count of rows per bin), optionally a panel per facet. The chart carries only the
    value and the facet of each row: the same drawing from a specification a third the size (the regrouping's
    10 000 residences: 1,9 -> 0,7 MB)."""
    data = _readable(data[[value, facet] if facet else [value]], facet)
    chart = (
        alt.Chart(data)
        .mark_bar(color=PALETTE[0])
        .encode(
            x=alt.X(f"{value}:Q", bin=alt.Bin(maxbins=bins), title=value_title, axis=_axis(fmt)),
            y=alt.Y("count():Q", title=_("number")),
        )
        .properties(width=(WIDTH - 80) // 2 if facet else WIDTH, height=220)
    )
    words = _histogram_words(data, value, title, value_title, facet, fmt)
    counts = _histogram_table(data, value, facet, bins, fmt)
    if facet:
        return described(
            chart.facet(column=alt.Column(f"{facet}:N", title=None), title=title), counts, list(counts.columns), words
        )
    return described(chart.properties(title=title), counts, list(counts.columns), words)


def _histogram_table(data: pd.DataFrame, value: str, facet: str | None, bins: int, fmt: str) -> pd.DataFrame:
    """The counts behind a histogram: rows per bin of equal width (per panel)."""
    import numpy as np

    edges = np.histogram_bin_edges(data[value].dropna(), bins=min(bins, 20))
    labels = [_("{low} to {high}", low=_shown(a, fmt), high=_shown(b, fmt)) for a, b in zip(edges, edges[1:])]
    binned = pd.cut(data[value], edges, labels=labels, include_lowest=True)
    keys = [facet, binned] if facet else [binned]
    out = data.groupby(keys, observed=False).size().rename("number").reset_index()
    return out.rename(columns={value: "range"})


def _histogram_words(data: pd.DataFrame, value: str, title: object, value_title: str, facet: str | None, fmt: str) -> str:
    parts = []
    for label, part in data.groupby(facet, sort=False) if facet else [("", data)]:
        v = part[value].dropna()
        if v.empty:
            continue
        parts.append(
            (_words(str(label)) + ": " if label != "" else "")
            + _(
                "{n} values from {low} to {high}, half below {median}",
                n=len(v),
                low=_shown(float(v.min()), fmt),
                high=_shown(float(v.max()), fmt),
                median=_shown(float(v.median()), fmt),
            )
        )
    return _("Histogram: {title}. {value_title}: ", title=_title_text(title), value_title=value_title) + "; ".join(parts) + "."


@_protected
def grouped_bars(
    data: pd.DataFrame,
    category: str,
    value: str,
    group: str,
    *,
    title: str,
    value_title: str,
    facet: str | None = None,
    fmt: str = ",.0f",
    category_title: str = "",
) -> alt.Chart:
    """Bars side by side per category, one colour per group."""
    data = _readable(data, category, group, facet)
    chart = (
        alt.Chart(data)
        .mark_bar(stroke="#222", strokeWidth=1)
        .encode(
            x=_category_x(data, category, category_title, facet),
            xOffset=alt.XOffset(f"{group}:N"),
            y=alt.Y(f"{value}:Q", title=value_title, axis=_axis(fmt)),
            color=alt.Color(f"{group}:N", title=None),
            strokeDash=alt.StrokeDash(f"{group}:N", title=None),  # a second key besides colour (WCAG 1.4.1)
            tooltip=[alt.Tooltip(category), alt.Tooltip(group), alt.Tooltip(value, format=fmt)],
        )
        .properties(width=(WIDTH - 80) // 2 if facet else WIDTH, height=240)
    )
    words = summary(
        data,
        kind=N_("Grouped bar chart"),
        title=title,
        x=category,
        y=value,
        series=group,
        facet=facet,
        x_title=category_title or _words(category),
        y_title=value_title,
        fmt=fmt,
    )
    cols = [c for c in (facet, category, group, value) if c]
    if facet:  # a shared x scale: with xOffset an independent one collapses the bars to slivers (Vega-Lite)
        return described(
            chart.facet(column=alt.Column(f"{facet}:N", title=None), title=title), data, cols, words, {value: value_title}
        )
    return described(
        chart.properties(title=title), data, cols, words, {value: value_title}, pivot=None if facet else (category, group, value)
    )


@_protected
def mix_frontier(
    mixes: pd.DataFrame, x: str, y: str, *, title: str, colour: str = "system", facet: str = "housing_form"
) -> alt.Chart:
    """Minimal resident mixes: residents at one level against the other, a line per level system."""
    mixes = _readable(mixes, colour, facet)
    base = alt.Chart(mixes).encode(
        x=alt.X(f"{x}:Q", title=_("{level} (residents)", level=_words(x))),
        y=alt.Y(f"{y}:Q", title=_("{level} (residents)", level=_words(y))),
        color=alt.Color(f"{colour}:N", title=None),
    )
    chart = (
        (base.mark_line() + base.mark_point(size=50))
        .encode(shape=alt.Shape(f"{colour}:N", title=None))
        .properties(width=(WIDTH - 80) // 2, height=220)
    )
    words = summary(
        mixes,
        kind=N_("Line chart"),
        title=title,
        x=x,
        y=y,
        series=colour,
        facet=facet,
        x_title=_words(x),
        y_title=_words(y),
        fmt=",.0f",
        x_fmt=",.0f",
    )
    return described(chart.facet(column=alt.Column(f"{facet}:N", title=None), title=title), mixes, [facet, colour, x, y], words)


@_protected
def ratio_dots(
    data: pd.DataFrame, group: str, value: str, colour: str, *, title: str, value_title: str, facet: str | None = None
) -> alt.Chart:
    """Predictive ratios as dots per group and model (side by side within a group, so none hides another), with
    the fair line at 1."""
    data = _readable(data, group, colour, facet)
    base = alt.Chart(data)
    dots = base.mark_point(size=70, filled=True).encode(
        y=alt.Y(f"{group}:N", title=None, sort=None),
        yOffset=alt.YOffset(f"{colour}:N"),
        x=alt.X(f"{value}:Q", title=value_title, scale=alt.Scale(zero=False)),
        color=alt.Color(f"{colour}:N", title=None),
        shape=alt.Shape(f"{colour}:N", title=None),
        tooltip=[alt.Tooltip(group), alt.Tooltip(colour), alt.Tooltip(value, format=".3f")],
    )
    one = base.mark_rule(color="#333", strokeDash=[4, 3], aria=False).encode(x=alt.datum(1.0))
    chart = (one + dots).properties(width=(WIDTH - 120) // 2 if facet else WIDTH - 160, height=alt.Step(30))
    words = summary(
        data,
        kind=N_("Dot chart"),
        title=title,
        x=group,
        y=value,
        series=colour,
        facet=facet,
        x_title=_words(group),
        y_title=value_title,
        fmt=",.2f",
    )
    cols = [c for c in (facet, group, colour, value) if c]
    if facet:
        chart = chart.facet(column=alt.Column(f"{facet}:N", title=None), title=title).resolve_scale(y="independent")
        return described(chart, data, cols, words, {value: value_title})
    return described(chart.properties(title=title), data, cols, words, {value: value_title})


@_protected
def stacked_bars(
    data: pd.DataFrame, category: str, value: str, part: str, *, title: str, value_title: str, fmt: str = ",.0f"
) -> alt.Chart:
    """Horizontal bars split into signed parts (a decomposition), one row per category."""
    data = _readable(data, category, part)
    words = summary(
        data,
        kind=N_("Stacked bar chart"),
        title=title,
        x=category,
        y=value,
        series=part,
        x_title=_words(category),
        y_title=value_title,
        fmt=fmt,
    )
    chart = (
        alt.Chart(data, title=title)
        .mark_bar(stroke="#222", strokeWidth=1)
        .encode(
            y=alt.Y(f"{category}:N", title=None, sort=None),
            x=alt.X(f"sum({value}):Q", title=value_title, axis=_axis(fmt)),
            color=alt.Color(f"{part}:N", title=None),
            strokeDash=alt.StrokeDash(f"{part}:N", title=None),  # a second key besides colour (WCAG 1.4.1)
            tooltip=[alt.Tooltip(category), alt.Tooltip(part), alt.Tooltip(value, format=fmt)],
        )
        .properties(width=WIDTH - 160)
    )
    return described(chart, data, [category, part, value], words, {value: value_title}, pivot=(category, part, value))


@_protected
def lines(
    data: pd.DataFrame,
    x: str,
    y: str,
    colour: str,
    *,
    title: str,
    x_title: str,
    y_title: str,
    facet: str | None = None,
    fmt: str = ",.0f",
    step: bool = False,
    columns: int = 2,
    x_zero: bool = True,
) -> alt.Chart:
    """Lines of y against x, one per colour group, optionally a panel per facet (wrapped); x_zero: whether the x
    axis starts at zero."""
    data = _readable(data, colour, facet)
    chart = (
        alt.Chart(data)
        .mark_line(interpolate="step-after" if step else "linear")
        .encode(
            x=alt.X(f"{x}:Q", title=x_title, scale=alt.Scale(zero=x_zero)),
            y=alt.Y(f"{y}:Q", title=y_title, axis=_axis(fmt)),
            color=alt.Color(f"{colour}:N", title=None),
            strokeDash=alt.StrokeDash(f"{colour}:N", title=None),
        )
        .properties(width=(WIDTH - 80) // columns if facet else WIDTH, height=200 if facet else 280)
    )
    words = summary(
        data, kind=N_("Line chart"), title=title, x=x, y=y, series=colour, facet=facet, x_title=x_title, y_title=y_title, fmt=fmt
    )
    labels = {x: x_title, y: y_title}
    if facet:
        chart = chart.facet(facet=alt.Facet(f"{facet}:N", title=None), columns=columns, title=title)
        return described(chart, data, [facet, colour, x, y], words, labels)
    return described(chart.properties(title=title), data, [x, colour, y], words, labels, pivot=(x, colour, y))


@_protected
def curve_with_points(
    data: pd.DataFrame,
    x: str,
    y: str,
    label: str,
    curve_label: str,
    *,
    title: str,
    x_title: str,
    y_title: str,
    x_fmt: str = ".0%",
) -> alt.Chart:
    """A curve (rows whose label is curve_label) with labelled points (the other rows) on it."""
    data, curve_label = _readable(data, label), cell(readable(curve_label))
    base = alt.Chart(data)
    line = (
        base.transform_filter(alt.datum[label] == curve_label)
        .mark_line(color=PALETTE[0])
        .encode(
            x=alt.X(f"{x}:Q", title=x_title, axis=_axis(x_fmt)),
            y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=",.0f")),
        )
    )
    points = (
        base.transform_filter(alt.datum[label] != curve_label)
        .mark_point(size=90, filled=True, color=PALETTE[5])
        .encode(
            x=alt.X(f"{x}:Q"),
            y=alt.Y(f"{y}:Q"),
            tooltip=[alt.Tooltip(label), alt.Tooltip(x, format=".0%"), alt.Tooltip(y, format=",.0f")],
        )
    )
    middle = float(data[x].min() + data[x].max()) / 2
    left = (
        base.transform_filter((alt.datum[label] != curve_label) & (alt.datum[x] <= middle))
        .mark_text(align="left", dx=8, dy=-8, fontSize=11)
        .encode(x=alt.X(f"{x}:Q"), y=alt.Y(f"{y}:Q"), text=alt.Text(f"{label}:N"))
    )
    right = (
        base.transform_filter((alt.datum[label] != curve_label) & (alt.datum[x] > middle))
        .mark_text(align="right", dx=-8, dy=-8, fontSize=11)
        .encode(x=alt.X(f"{x}:Q"), y=alt.Y(f"{y}:Q"), text=alt.Text(f"{label}:N"))
    )
    marks = data[data[label] != curve_label]
    words = (
        summary(
            data[data[label] == curve_label],
            kind=N_("Line chart"),
            title=title,
            x=x,
            y=y,
            x_title=x_title,
            y_title=y_title,
            x_fmt=x_fmt,
        )
        + " Marked: "
        + "; ".join(f"{r[label]} ({_shown(r[x], x_fmt)}, {_shown(r[y], ',.0f')})" for _i, r in marks.iterrows())
        + "."
    )
    chart = (line + points + left + right).properties(title=title, width=WIDTH - 60, height=300)
    return described(chart, data, [label, x, y], words, {x: x_title, y: y_title})


def tornado(swings: pd.DataFrame, *, title: str, value_title: str, unit: str) -> alt.Chart:
    """One-at-a-time swings: for each input a bar from the result at its low end to the result at its high end
    (the others at the scenario's values), widest on top, and a rule at the scenario's own result.

    swings: columns input, low, high, central, value_at_low, value_at_high (carepay.uncertainty.Ranges.swings)."""
    data = swings.sort_values("width", ascending=False, kind="stable").copy()
    data["from"] = data.value_at_low.map(_value_text)
    data["to"] = data.value_at_high.map(_value_text)
    fmt = ".1%" if unit == "%" else (",.2f" if data[["low", "high"]].abs().max().max() < 10 else ",.0f")
    order = list(data.input)
    base = alt.Chart(data, title=title)
    bar = base.mark_bar(height=18).encode(
        y=alt.Y("input:N", sort=order, title=None),
        x=alt.X("low:Q", title=value_title, axis=_axis(fmt), scale=alt.Scale(zero=False)),
        x2=alt.X2("high:Q"),
        tooltip=[
            *(alt.Tooltip(f) for f in ("input", "from", "to")),
            alt.Tooltip("low:Q", format=fmt),
            alt.Tooltip("high:Q", format=fmt),
        ],
    )
    rule = alt.Chart(data.head(1)).mark_rule(color="#222", strokeDash=[4, 3], aria=False).encode(x=alt.X("central:Q"))
    words = (
        _(
            "Tornado chart: {title}. At this scenario's values {central} {unit}; ",
            title=_title_text(title),
            central=_shown(float(data.central.iloc[0]), fmt),
            unit=term(unit),
        )
        + "; ".join(
            _(
                "{input} from {low_input} to {high_input} moves it from {low} to {high}",
                input=r.input,
                low_input=r["from"],
                high_input=r["to"],
                low=_shown(float(r.low), fmt),
                high=_shown(float(r.high), fmt),
            )
            for _row, r in data.head(4).iterrows()
        )
        + "."
    )
    chart = (bar + rule).properties(width=WIDTH - 200, height=max(60, 34 * len(data)))
    return described(
        chart,
        data,
        ["input", "from", "to", "low", "high"],
        words,
        {
            "low": _("result at the low end ({unit})", unit=term(unit)),
            "high": _("result at the high end ({unit})", unit=term(unit)),
        },
    )


def _value_text(value: object) -> str:
    from carepay.formats import value as shown

    return shown(value)


def band_curve(
    data: pd.DataFrame,
    x: str,
    *,
    title: str,
    x_title: str,
    y_title: str,
    band_title: str,
    x_fmt: str = ",.2f",
    y_fmt: str = ",.0f",
    zero: bool = True,
) -> alt.Chart:
    """A curve (column central) with a shaded 90 % band (low, high) from the other uncertain inputs, and a rule at
    zero: where the curve crosses it, the answer flips. data: x, central, low, high (carepay.uncertainty.curve)."""
    data = data.rename(columns={x: "x"})  # a dotted parameter name would read as a nested field in Vega-Lite
    base = alt.Chart(data.assign(band=band_title, curve=_("this scenario's values")), title=title)
    area = base.mark_area(opacity=0.25).encode(
        x=alt.X("x:Q", title=x_title, axis=_axis(x_fmt)),
        y=alt.Y("low:Q", title=y_title, axis=_axis(y_fmt)),
        y2=alt.Y2("high:Q"),
        color=alt.Color("band:N", title=None, scale=alt.Scale(range=[PALETTE[1]]), legend=alt.Legend(labelLimit=400)),
    )
    line = base.mark_line().encode(
        x=alt.X("x:Q"),
        y=alt.Y("central:Q"),
        strokeDash=alt.StrokeDash("curve:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("x:Q", title=x_title, format=x_fmt), alt.Tooltip("central:Q", format=y_fmt)],
    )
    layers = [area, line]
    if zero:
        layers.append(alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#222", aria=False).encode(y=alt.Y("y:Q")))
    ordered = data.sort_values("x")
    first, last = ordered.iloc[0], ordered.iloc[-1]
    words = _(
        "Line chart with a band: {title}. {y_title} against {x_title}: at this scenario's values {first} at {first_x} "
        "and {last} at {last_x}; {band_title} from {first_low} to {first_high} at the first and from {last_low} to "
        "{last_high} at the last.",
        title=_title_text(title),
        y_title=y_title,
        x_title=x_title,
        first=_shown(float(first.central), y_fmt),
        first_x=_shown(float(first.x), x_fmt),
        last=_shown(float(last.central), y_fmt),
        last_x=_shown(float(last.x), x_fmt),
        band_title=band_title,
        first_low=_shown(float(first.low), y_fmt),
        first_high=_shown(float(first.high), y_fmt),
        last_low=_shown(float(last.low), y_fmt),
        last_high=_shown(float(last.high), y_fmt),
    )
    chart = alt.layer(*layers).resolve_scale(color="independent").properties(width=WIDTH - 80)
    return described(
        chart,
        data,
        ["x", "central", "low", "high"],
        words,
        {"x": x_title, "central": _("this scenario's values"), "low": _("band, low"), "high": _("band, high")},
    )
