"""Kernels reused between reports: a report in a reused kernel is the report a fresh kernel gives, and nothing one
report leaves behind (a name, a setting, a changed module value, a thread, an exception) reaches the next."""

from __future__ import annotations

import re

import pytest

from carepay import batch

pytestmark = pytest.mark.notebooks

SCENARIOS = ["sources/default", "provider_payment/leksand_rattvik", "capitation_fairness/default"]  # the last: OLS, Sobol


def _page(project, outcome) -> str:
    text = (project / outcome.html).read_text(encoding="utf-8")
    return re.sub(r"<b>Run:</b> [^<]*", "", text)  # the run's time and duration


def test_a_reused_kernel_renders_what_a_fresh_one_renders(project, monkeypatch):
    reused = batch.run(batch.discover(SCENARIOS), n_jobs=1, progress=False, force=True)
    assert [o.kernel_reports_before for o in reused] == [0, 1, 2]
    pages = {(o.notebook, o.scenario): _page(project, o) for o in reused}
    monkeypatch.setattr(batch, "MAX_REPORTS_PER_KERNEL", 1)  # every report in a fresh kernel
    fresh = batch.run(batch.discover(SCENARIOS), n_jobs=1, progress=False, force=True)
    assert [o.kernel_reports_before for o in fresh] == [0, 0, 0]
    for r, f in zip(reused, fresh):
        assert r.ok and f.ok and r.key_results == f.key_results
        assert pages[(f.notebook, f.scenario)] == _page(project, f), f"{f.notebook}/{f.scenario} differs"


LEFT_BEHIND = [
    ("import pandas as pd\npd.set_option('display.max_rows', 7)", "pandas options"),
    ("import altair as alt\nalt.theme.enable('dark')", "altair settings"),
    ("import carepay.tariffs\ncarepay.tariffs.DAYS_PER_YEAR = 360", "carepay.tariffs"),
    ("import carepay.registry\ncarepay.registry.QUESTIONS.pop('sources')", "carepay.registry"),
    ("import os\nos.chdir('..')", "working folder"),
    ("import os\nos.environ['CAREPAY_X'] = '1'", "environment"),
    ("import warnings\nwarnings.simplefilter('ignore')", "warning filters"),
    ("import threading\nthreading.Timer(600, print).start()", "threads"),
]


@pytest.mark.usefixtures("project")
def test_a_kernel_a_report_changed_is_not_reused():
    """Each change, made one after the other in one kernel, shows in the reset's answer as its own aspect (the
    kernel is then never given another report)."""
    km = batch._start_kernel()
    try:
        kc = km.blocking_client()
        kc.start_channels()
        seen: list[str] = []
        for code, aspect in LEFT_BEHIND:
            reply = kc.execute_interactive(code, timeout=60, output_hook=lambda _: None)
            assert reply["content"]["status"] == "ok", code
            assert aspect not in seen
            seen = batch._reset_kernel(km).split(", ")
            assert aspect in seen, (code, seen)
        kc.stop_channels()
    finally:
        batch._shutdown(km)


@pytest.mark.usefixtures("project")
def test_a_reset_empties_the_namespace_and_history():
    km = batch._start_kernel()
    try:
        kc = km.blocking_client()
        kc.start_channels()
        kc.execute_interactive("x = 1\nimport numpy as np\ny = np.arange(3)", timeout=60, output_hook=lambda _: None)
        assert batch._reset_kernel(km) == ""
        names = "sorted(k for k in globals() if not k.startswith('_'))"
        reply = kc.execute_interactive("", user_expressions={"n": names, "c": "get_ipython().execution_count"}, timeout=60)
        kc.stop_channels()
        shown = reply["content"]["user_expressions"]
        assert shown["n"]["data"]["text/plain"] == "['In', 'Out', 'exit', 'get_ipython', 'open', 'quit']"
        assert shown["c"]["data"]["text/plain"] == "1"
    finally:
        batch._shutdown(km)


def test_the_kernel_of_a_failed_report_is_not_reused(project):
    """A report that fails (here: a broken data file it reads) ends its kernel; the next report gets a fresh one."""
    path = project / "data" / "vasteras_housing_support_2022" / "figures.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("figure,value,", "figure,valu,"), encoding="utf-8")
    failed, good = batch.run(batch.discover(["sources/default", "provider_payment/leksand_rattvik"]), n_jobs=1, progress=False)
    assert not failed.ok and "SourceDataError" in failed.error
    assert good.ok and good.kernel_reports_before == 0


@pytest.mark.usefixtures("project")
def test_a_kept_kernel_that_died_is_replaced():
    from jupyter_core.utils import run_sync

    km = batch._start_kernel()
    run_sync(km._kill_kernel)()  # as if it crashed
    batch._KERNELS[batch._where()] = (km, 3)
    fresh, runs = batch._take_kernel()
    try:
        assert fresh is not km and runs == 0 and run_sync(fresh.is_alive)()
    finally:
        batch._shutdown(fresh)
