"""Open a rendered report in headless Chromium with the network cut off and find its charts drawn.

Skipped on a developer's machine where Debian's chromium is not installed (apt-get install chromium); in CI
(CI=true, where .ci/run installs it) a missing chromium fails the test instead of hiding it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from carepay import i18n

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None and not IN_CI, reason="chromium is not installed (apt-get install chromium)"),
]

OFFLINE = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # no network: every host resolves to nothing and every proxied request goes nowhere
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
]


def open_offline(page: Path, profile: Path, *extra: str) -> str:
    assert CHROMIUM, "chromium is not installed: CI must check reports in a real browser (apt-get install chromium)"
    out = subprocess.run(
        [CHROMIUM, *OFFLINE, f"--user-data-dir={profile}", *extra, page.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_report_opens_offline_with_charts_drawn(tmp_path, project):
    from carepay import batch

    (outcome,) = batch.run(batch.discover(["sources/default"]), n_jobs=1, progress=False)
    assert outcome.ok, outcome.error
    page = project / outcome.html
    dom = open_offline(page, tmp_path / "profile", "--dump-dom")
    svgs = re.findall(r"<svg.*?</svg>", dom, flags=re.S)
    assert svgs, "no chart in the page as the browser built it"
    marks = re.findall(r'class="mark-rect[^"]*".*?<path[^>]*d="M[^"]+"', svgs[0], flags=re.S)
    assert marks, "the chart has no drawn bars"
    assert i18n.translated("Cross-checks by data package", "sv") in svgs[0]  # a Swedish report, the default
    shot = tmp_path / "report.png"
    open_offline(page, tmp_path / "profile2", "--window-size=1100,1600", f"--screenshot={shot}")
    assert shot.exists() and shot.stat().st_size > 20_000


def test_a_comparison_page_opens_offline_with_its_chart_drawn(tmp_path, project):
    """A Swedish comparison page, opened from disk with the network cut off: the headline chart is drawn (a dot per
    scenario) and its words are Swedish."""
    from carepay import batch

    outcomes = batch.run(batch.discover(["provider_payment/default", "provider_payment/premium"]), n_jobs=1, progress=False)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    page = project / "reports" / "provider_payment" / "all.compared.html"
    dom = open_offline(page, tmp_path / "profile", "--dump-dom")
    svgs = re.findall(r"<svg.*?</svg>", dom, flags=re.S)
    assert svgs and len(re.findall(r"<circle ", svgs[0])) == 2, "the headline chart has no dot per scenario"
    assert '<html lang="sv"' in dom and i18n.translated("The main headline in every scenario", "sv") in dom


PAYLOADS = [
    "<script>document.documentElement.setAttribute('data-pwned','script')</script>",
    "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','img')\">",
    '<iframe src="https://example.org/"></iframe>',
    "[click](javascript:document.documentElement.setAttribute('data-pwned','link'))",
    "<svg onload=\"document.documentElement.setAttribute('data-pwned','svg')\"></svg>",
    '<a href="https://example.org/">away</a> <link rel=stylesheet href="https://example.org/x.css">',
]


def test_text_from_a_scenario_and_an_extract_runs_nothing_in_a_reader_s_browser(tmp_path, project):
    """Payloads in a scenario's title and description and in an extract's need-group names (which reach a note):
    in the DOM the browser builds, nothing ran and nothing outside the file is referenced."""
    import pandas as pd

    from carepay import batch, params, sources
    from carepay.capitation_fairness import analysis as cf

    pm = cf.analyse(params.load("capitation_fairness", "provider_constrained"), sources.load(cf.PACKAGE)).person_months
    names = {g: f"{g} {PAYLOADS[i % len(PAYLOADS)]}" for i, g in enumerate(sorted(pm.need_group.unique()))}
    extract = pm[["person_id", "provider", "period", "executed_hours", "ordered_hours"]].assign(
        need_group=pm.need_group.map(names)
    )
    extract.to_csv(project / "mine.csv", index=False)
    title = "Payloads " + PAYLOADS[0] + PAYLOADS[1]
    description = " ".join(PAYLOADS)
    (project / "params" / "capitation_fairness" / "payloads.yaml").write_text(
        "title: " + pd.io.json.ujson_dumps(title) + "\ndescription: " + pd.io.json.ujson_dumps(description) + "\n"
        "population: {source: extract, extract_file: mine.csv}\n"
        "fair_group: {by: provider, value: vard_och_omsorg}\n",
        encoding="utf-8",
    )
    (outcome,) = batch.run(batch.discover(["capitation_fairness/payloads"]), n_jobs=1, progress=False)
    assert outcome.ok, outcome.error
    for page in (project / outcome.html, project / "reports" / "index.html"):
        dom = open_offline(page, tmp_path / f"profile-{page.stem}", "--dump-dom")
        problems = _active_markup(dom)
        assert not problems, f"{page.name}: {problems[:5]}"
        assert "Payloads" in dom  # the text is there, as text


def _active_markup(dom: str) -> list[str]:
    """Elements and attributes in the DOM the browser built that could run or load something (text that merely
    looks like markup, escaped, is harmless and not counted)."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Scan(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in {"script", "iframe", "img", "link", "object", "embed", "frame", "meta"} and not (
                tag == "meta" and all(k in {"charset", "name", "content"} for k, _ in attrs)
            ):
                found.append(f"<{tag}>")
            for key, value in attrs:
                value = (value or "").strip().lower()
                if key.startswith("on"):
                    found.append(f"<{tag} {key}=...>")
                if key in {"src", "href", "xlink:href", "action", "formaction"} and (
                    value.startswith(("http:", "https:", "//", "javascript:", "data:text/html"))
                ):
                    found.append(f"<{tag} {key}={value[:40]}>")
            if tag == "html" and any(k == "data-pwned" for k, _ in attrs):
                found.append("a payload ran")

    Scan().feed(dom)
    return found
