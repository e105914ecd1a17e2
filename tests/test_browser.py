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
    assert "Cross-checks by data package" in svgs[0]
    shot = tmp_path / "report.png"
    open_offline(page, tmp_path / "profile2", "--window-size=1100,1600", f"--screenshot={shot}")
    assert shot.exists() and shot.stat().st_size > 20_000
