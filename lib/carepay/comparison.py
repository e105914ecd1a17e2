"""Scenarios side by side: per question, one page with every scenario's key results and their difference from the
default scenario, what each scenario changes (parameter, default value, scenario value, unit), and a chart of the
main headline across the scenarios with its 90 % range where the uncertain inputs give one.

Read from what the batch wrote (reports/<notebook>/<scenario>.json: the key results and ranges the report showed)
and from the scenario files (params/); nothing is computed again. The batch writes reports/<notebook>/all.compared.html
for every question with more than one scenario; `carepay compare NOTEBOOK [SCENARIO ...]` writes the page for a
chosen set. Everything from a scenario (titles, descriptions, values) is escaped.
"""

from __future__ import annotations

import html
import json
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from carepay import i18n, paths
from carepay.i18n import _, term

#: Chart size, px.
CHART_WIDTH, ROW_HEIGHT, LABEL_WIDTH = 760, 26, 230


def _records(notebook: str, scenarios: Sequence[str] | None, language: str = i18n.DEFAULT_LANGUAGE) -> list[dict[str, Any]]:
    """The status of each chosen scenario's last good report in language, default first, then by name."""
    folder = paths.reports_dir() / notebook
    suffix = i18n.file_suffix(language)
    out = []
    for f in sorted(folder.glob(f"*{suffix}.json")):
        scenario = f.name[: -len(suffix + ".json")]
        if "." in scenario or (scenarios and scenario not in scenarios):
            continue  # another language's report, or one not chosen
        try:
            r = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        good = r if r.get("ok") else {**r, **(r.get("last_good") or {})}
        if good.get("key_results"):
            out.append({**good, "scenario": scenario, "stale": not r.get("ok")})
    missing = set(scenarios or []) - {r["scenario"] for r in out}
    if missing:
        flag = f" --language {language}" if language != i18n.DEFAULT_LANGUAGE else ""
        raise FileNotFoundError(
            f"no rendered report for {', '.join(sorted(missing))} of {notebook} in {i18n.NAMES[language]}: render it first "
            f"(python3 tasks.py reports{flag} {' '.join(f'{notebook}/{m}' for m in sorted(missing))})"
        )
    return sorted(out, key=lambda r: (r["scenario"] != "default", r["scenario"]))


def _shown(value: Any, unit: str) -> str:
    from carepay.report import headline

    return headline(value, unit) if isinstance(value, (int, float)) else i18n.cell(str(value))


def changes(notebook: str, scenario: str) -> list[dict[str, str]]:
    """What a scenario changes from the default: parameter, default value, scenario value, unit (as in its report)."""
    from carepay import params
    from carepay.report import changes_table

    if scenario == "default":
        return []
    p = params.load(notebook, paths.params_dir() / notebook / f"{scenario}.yaml")
    p0 = params.default_for(notebook, p)
    table = changes_table(notebook, p, p0)
    return [] if table is None else table.to_dict("records")


def results_table(records: list[dict[str, Any]], suffix: str = "") -> str:
    """One row per key result, one column per scenario: its value and, under it, the difference from the default."""
    from carepay.report import difference

    base = {k["id"]: k for k in records[0]["key_results"]} if records and records[0]["scenario"] == "default" else {}
    ids: list[str] = []
    labels: dict[str, tuple[str, str]] = {}
    for r in records:
        for k in r["key_results"]:
            if k["id"] not in labels:
                ids.append(k["id"])
                labels[k["id"]] = (k.get("result", k["id"]), k.get("unit", ""))
    head = f'<th scope="col">{html.escape(_("Result"))}</th>' + "".join(
        f'<th scope="col"><a href="{html.escape(r["scenario"])}{suffix}.html" translate="no">{html.escape(r["scenario"])}</a></th>'
        for r in records
    )
    body = []
    for rid in ids:
        label, unit = labels[rid]
        cells = [f'<th scope="row">{html.escape(label)}</th>']
        for r in records:
            k = next((k for k in r["key_results"] if k["id"] == rid), None)
            if k is None:
                cells.append('<td class="num">–</td>')
                continue
            text = _shown(k["value"], k.get("unit", ""))
            if k.get("low") is not None and k.get("high") is not None:
                span = _("90 %: {low} to {high}", low=_shown(k["low"], unit), high=_shown(k["high"], unit))
                text += f'<div class="small">{html.escape(span)}</div>'
            if base and r["scenario"] != "default" and rid in base:
                text += f'<div class="diff">{html.escape(difference(k["value"], base[rid]["value"], unit))}</div>'
            cells.append(f'<td class="num">{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    region = html.escape(_("Key results of every scenario"))
    caption = html.escape(_("Key results, one column per scenario; under each value its difference from the default scenario"))
    return (
        f'<div class="scroll" tabindex="0" role="region" aria-label="{region}">'
        f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def changes_html(notebook: str, records: list[dict[str, Any]]) -> str:
    rows = []
    for r in records:
        for c in changes(notebook, r["scenario"]):
            rows.append(
                f'<tr><th scope="row" translate="no">{html.escape(r["scenario"])}</th><td><code>{html.escape(str(c["parameter"]))}</code></td>'
                f"<td><code>{html.escape(str(c['default']))}</code></td><td><code>{html.escape(str(c['this scenario']))}</code></td>"
                f"<td>{html.escape(str(c['unit']))}</td></tr>"
            )
    e = html.escape
    if not rows:
        return f"<p>{e(_('No scenario here changes a parameter of the default.'))}</p>"
    return (
        f'<div class="scroll" tabindex="0" role="region" aria-label="{e(_("What each scenario changes"))}"><table>'
        f"<caption>{e(_('What each scenario changes from the default scenario'))}</caption><thead><tr>"
        f'<th scope="col">{e(_("Scenario"))}</th><th scope="col">{e(_("Parameter"))}</th><th scope="col">{e(_("Default"))}</th>'
        f'<th scope="col">{e(_("This scenario"))}</th><th scope="col">{e(_("Unit"))}</th></tr></thead><tbody>{"".join(rows)}</tbody>'
        "</table></div>"
    )


def _main_headline(records: list[dict[str, Any]], declared: str = "") -> dict[str, Any]:
    """The question's main headline: the key result its registry entry declares (carepay.registry, headline) where the
    first (default) report shows it; else the one the scenarios move most often: of the first report's numeric key
    results (those with a 90 % range, where there are any), the one whose value differs from the first report's in the
    most scenarios; the first of them on a tie."""
    chosen = next((k for k in records[0]["key_results"] if k["id"] == declared), None)
    if chosen is not None and isinstance(chosen.get("value"), (int, float)):
        return chosen

    def moved(k: dict[str, Any]) -> int:
        values = [next((x["value"] for x in r["key_results"] if x["id"] == k["id"]), None) for r in records[1:]]
        return sum(isinstance(v, (int, float)) and abs(v - k["value"]) > 1e-9 * max(1.0, abs(k["value"])) for v in values)

    numeric = [k for k in records[0]["key_results"] if isinstance(k.get("value"), (int, float))]
    ranged = [k for k in numeric if k.get("low") is not None]  # a headline the uncertainty section drew leads
    return max(ranged or numeric, key=moved) if numeric else records[0]["key_results"][0]


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round axis ticks (1, 2, 2,5 or 5 times a power of ten apart) from at or below lo to at or above hi, about
    count of them; zero is one of them where the range crosses it (as a chart library's 'nice' scale)."""
    raw = (hi - lo) / (count - 1) if hi > lo else abs(hi) or 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [k * step for k in range(first, max(last, first + 1) + 1)]


def headline_chart(records: list[dict[str, Any]], declared: str = "") -> str:
    """The main headline (_main_headline) across the scenarios, each a dot with its 90 %
    range as a line where it has one: a static SVG with its text alternative and, below it, its numbers."""
    main = _main_headline(records, declared)
    rid, label, unit = main["id"], main.get("result", main["id"]), main.get("unit", "")
    points = []
    for r in records:
        k = next((k for k in r["key_results"] if k["id"] == rid), None)
        if k is not None and isinstance(k.get("value"), (int, float)):
            points.append((r["scenario"], float(k["value"]), k.get("low"), k.get("high")))
    if not points:
        return ""
    values = [v for _k, v, lo, hi in points for v in (v, lo, hi) if isinstance(v, (int, float))]
    lo, hi = min(values), max(values)
    if lo < 0 < hi:  # across zero: zero is drawn
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    pad = (hi - lo) * 0.08 or abs(hi) * 0.01 or 1.0  # the values' own span (a dot plot needs no zero baseline)
    lo, hi = lo - pad, hi + pad
    span = hi - lo
    ticks = [t for t in nice_ticks(lo, hi) if lo <= t <= hi]  # round values within the drawn span
    plot = CHART_WIDTH - LABEL_WIDTH - 80  # room for the last tick's label

    def x(v: float) -> float:
        return LABEL_WIDTH + (v - lo) / span * plot

    height = ROW_HEIGHT * len(points) + 40
    shapes = [
        f'<line x1="{x(t):.1f}" y1="10" x2="{x(t):.1f}" y2="{height - 30}" stroke="{"#555" if t == 0 else "#ddd"}"/>'
        for t in ticks
    ]
    for i, (name, v, low, high) in enumerate(points):
        y = 20 + i * ROW_HEIGHT
        shapes.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 4}" text-anchor="end" font-size="12" translate="no">{html.escape(name)}</text>'
        )
        if isinstance(low, (int, float)) and isinstance(high, (int, float)):
            shapes.append(f'<line x1="{x(low):.1f}" y1="{y}" x2="{x(high):.1f}" y2="{y}" stroke="#0072B2" stroke-width="3"/>')
        colour = "#D55E00" if name == "default" else "#0072B2"
        shapes.append(f'<circle cx="{x(v):.1f}" cy="{y}" r="5" fill="{colour}"/>')
    for v in ticks:
        shapes.append(
            f'<text x="{x(v):.1f}" y="{height - 12}" text-anchor="middle" font-size="11">{html.escape(_shown(v, unit))}</text>'
        )
    words = _(
        "{result} in each scenario ({n} scenarios): from {low} to {high}; a line is the 90 % range where the uncertain "
        "inputs give one; the default scenario in orange.",
        result=label,
        n=len(points),
        low=_shown(min(p[1] for p in points), unit),
        high=_shown(max(p[1] for p in points), unit),
    )
    rows = "".join(
        f"<tr><td translate='no'>{html.escape(n)}</td><td class='num'>{html.escape(_shown(v, unit))}</td>"
        f"<td class='num'>{html.escape(_shown(a, unit)) if isinstance(a, (int, float)) else ''}</td>"
        f"<td class='num'>{html.escape(_shown(b, unit)) if isinstance(b, (int, float)) else ''}</td></tr>"
        for n, v, a, b in points
    )
    e = html.escape
    unit_text = f" ({e(term(unit))})" if unit and unit != "%" else ""
    return (
        f'<figure class="carepay-chart"><figcaption><b>{e(label)}</b>{unit_text}, {e(_("every scenario"))}</figcaption>'
        f'<div role="img" aria-label="{e(words)}"><svg xmlns="http://www.w3.org/2000/svg" width="{CHART_WIDTH}" '
        f'height="{height}" viewBox="0 0 {CHART_WIDTH} {height}" font-family="Helvetica, Arial, sans-serif">'
        f"{''.join(shapes)}</svg></div><details class='chart-data'><summary>{e(_('The chart in words and numbers'))}</summary>"
        f"<p>{e(words)}</p><table><thead><tr><th scope='col'>{e(_('Scenario'))}</th><th scope='col'>{e(_('Value'))}</th>"
        f"<th scope='col'>{e(_('90 % range from'))}</th><th scope='col'>{e(_('to'))}</th></tr></thead><tbody>{rows}</tbody>"
        "</table></details></figure>"
    )


def page(notebook: str, scenarios: Sequence[str] | None = None, language: str = i18n.DEFAULT_LANGUAGE) -> str:
    """The comparison page's HTML, in language."""
    with i18n.language(language):
        return _page(notebook, scenarios, language)


def _page(notebook: str, scenarios: Sequence[str] | None, language: str) -> str:
    from carepay.batch import index_name
    from carepay.registry import QUESTIONS

    records = _records(notebook, scenarios, language)
    if not records:
        raise FileNotFoundError(f"no rendered reports of {notebook}: render them first (python3 tasks.py reports {notebook})")
    e = html.escape
    title = term(QUESTIONS[notebook].title) if notebook in QUESTIONS else notebook
    stale = [r["scenario"] for r in records if r["stale"]]
    note = (
        f'<p class="failed">{e(_("Out of date: the latest run of {scenarios} failed; shown is its last good report.", scenarios=", ".join(stale)))}</p>'
        if stale
        else ""
    )
    heading = e(_("Scenarios compared: {question}", question=title))
    intro = e(
        _(
            "{n} scenarios of notebook {notebook}, each from its last rendered report (the figures are the reports' own; "
            "nothing is computed here).",
            n=len(records),
            notebook=notebook,
        )
    )
    suffix = i18n.file_suffix(language)
    return f"""<!DOCTYPE html>
<html lang="{language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{heading}</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; max-width: 1200px; margin: 2rem auto; padding: 0 1rem; color: #222; }}
table {{ border-collapse: collapse; font-size: 13px; margin-bottom: 0.5rem; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 5px 7px; vertical-align: top; text-align: left; }}
thead th {{ border-bottom: 2px solid #333; }} th[scope="row"] {{ min-width: 12rem; }} td.num {{ text-align: right; white-space: nowrap; }}
.small, .diff {{ font-size: 11px; color: #555; }} .diff {{ color: #1f4e79; font-weight: bold; }}
.scroll {{ overflow-x: auto; margin-bottom: 1.5rem; }} caption {{ text-align: left; color: #555; padding-bottom: 4px; }}
.failed {{ color: #b00020; font-weight: bold; }} a {{ color: #0b5a8c; }}
:focus-visible {{ outline: 3px solid #0072B2; outline-offset: 2px; }}
details.chart-data {{ font-size: 13px; }} figure {{ margin: 0 0 1.5rem 0; }}
@media print {{ .scroll {{ overflow: visible; }} details.chart-data {{ display: none; }} }}
</style></head><body>
<h1>{heading}</h1>
<p><a href="../{index_name(language)}">{e(_("All reports"))}</a> · {intro}</p>{note}
<h2>{e(_("The main headline in every scenario"))}</h2>
{headline_chart(records, QUESTIONS[notebook].headline if notebook in QUESTIONS else "")}
<h2>{e(_("Key results"))}</h2>
{results_table(records, suffix)}
<h2>{e(_("What each scenario changes"))}</h2>
{changes_html(notebook, records)}
</body></html>
"""


def write(
    notebook: str, scenarios: Sequence[str] | None = None, out: Path | None = None, language: str = i18n.DEFAULT_LANGUAGE
) -> Path:
    """Write the comparison page in language (default: reports/<notebook>/all.compared.html for all its scenarios,
    all.compared.en.html in English, or <first>-<...>.compared.html for a chosen set); returns its path."""
    folder = paths.reports_dir() / notebook
    if out is None:
        name = "all" if not scenarios else "-".join(scenarios)[:80]
        out = folder / f"{name}.compared{i18n.file_suffix(language)}.html"  # a scenario name has no dot: never a report's
    text = page(notebook, scenarios, language)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    return out
