"""Kernels reused between reports: a report in a reused kernel is the report a fresh kernel gives, and nothing one
report leaves behind (a name, a setting, a changed module value, a thread, an exception) reaches the next."""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import pytest

from carepay import batch

pytestmark = pytest.mark.notebooks

SCENARIOS = ["sources/default", "provider_payment/leksand_rattvik", "capitation_fairness/default"]  # the last: OLS, Sobol


def _page(project, outcome) -> str:
    text = (project / outcome.html).read_text(encoding="utf-8")
    return re.sub(r"<time class='run'>[^<]*</time>", "", text)  # the run's time and duration


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


@pytest.mark.usefixtures("project")
def test_a_client_is_ready_when_the_kernel_has_answered_on_both_channels():
    """The client papermill's engine uses (batch._ready_client) waits for a kernel still warming up, then returns
    with nothing of its own request left on IOPub, and the kernel runs code; a kernel that died is an error."""
    from queue import Empty

    from jupyter_core.utils import run_sync

    km = batch._start_kernel()  # asked at once: the kernel is still importing, IOPub perhaps not yet connected
    try:
        kc = km.client()
        assert isinstance(kc, batch._ready_client())
        kc.start_channels()
        run_sync(kc.wait_for_ready)(timeout=60)
        with pytest.raises(Empty):  # its request's busy and idle were read: nothing waits on IOPub
            run_sync(kc.get_iopub_msg)(timeout=0.5)
        kc.execute("1 + 1")
        reply = run_sync(kc.get_shell_msg)(timeout=60)
        assert reply["content"]["status"] == "ok"
        kc.stop_channels()
        run_sync(km._kill_kernel)()
        kc = km.client()
        kc.start_channels()
        with pytest.raises(RuntimeError, match="died"):
            run_sync(kc.wait_for_ready)(timeout=10)
        kc.stop_channels()
    finally:
        batch._shutdown(km)


@pytest.mark.usefixtures("project")
def test_a_batch_that_keeps_no_kernel_leaves_no_folder_for_one():
    """CAREPAY_KEEP_KERNEL=0 (as in the suite): nothing is made in the temporary folder for a kept kernel."""
    [outcome] = batch.run(batch.discover(["sources/default"]), n_jobs=1, progress=False, force=True)
    assert outcome.ok
    assert not Path(batch._kept_folder(make=False)).exists()


@pytest.mark.usefixtures("project")
def test_a_parallel_batch_hands_out_the_longest_reports_first():
    """batch.longest_first: by the cells' time each report took when last rendered; one never rendered first."""
    import json

    names = ["sources/default", "provider_payment/default", "provider_payment/capitation", "fee_incentives/default"]
    jobs, _failed = batch.prepare(batch.discover(names))
    for job, seconds in zip(jobs, [0.7, 1.4, 2.9]):  # fee_incentives/default: never rendered
        job.out(".json").parent.mkdir(parents=True, exist_ok=True)
        job.out(".json").write_text(json.dumps({"ok": True, "cells_seconds": seconds}), encoding="utf-8")
    order = [f"{j.notebook}/{j.scenario}" for j in batch.longest_first(jobs)]
    assert order == ["fee_incentives/default", "provider_payment/capitation", "provider_payment/default", "sources/default"]


def _kept() -> dict:
    import json

    record = Path(batch._kept_folder()) / "kernel.json"
    return json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}


def _alive(record: dict) -> bool:
    return bool(record) and batch._kernel_alive(record["pid"], record["connection_file"])


def test_a_kept_kernel_serves_the_next_batch_only_if_nothing_changed_and_ends_itself_when_idle(project, monkeypatch):
    """An analyst's re-run after one change takes the warm kernel the batch before kept (as Quarto's execute-daemon);
    a changed library (or Python, or environment) does not, and a kept kernel ends itself when idle."""
    import os
    import signal
    import time

    monkeypatch.setenv("CAREPAY_KEEP_KERNEL", "60")
    scenario = project / "params" / "sources" / "default.yaml"
    started: list[int] = []
    try:
        [first] = batch.run(batch.discover(["sources/default"]), n_jobs=1, progress=False, force=True)
        kept = _kept()
        started.append(kept["pid"])
        assert first.ok and first.kernel_reports_before == 0 and _alive(kept)
        scenario.write_text(scenario.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
        [second] = batch.run(batch.discover(["sources/default"]), n_jobs=1, progress=False)
        assert second.ok and not second.reused and second.kernel_reports_before == 1
        assert _kept()["pid"] == kept["pid"]

        monkeypatch.setattr(batch.paths, "library_digest", lambda: "another library")
        [third] = batch.run(batch.discover(["sources/default"]), n_jobs=1, progress=False, force=True)
        assert third.ok and third.kernel_reports_before == 0  # not the kernel with the old library's modules
        assert not _alive(kept)
        started.append(_kept()["pid"])

        monkeypatch.setenv("CAREPAY_KEEP_KERNEL", "2")
        [fourth] = batch.run(batch.discover(["sources/default"]), n_jobs=1, progress=False, force=True)
        short = _kept()
        started.append(short["pid"])
        assert fourth.ok and fourth.kernel_reports_before == 0 and _alive(short)  # another environment
        folder = Path(batch._kept_folder())
        sockets = [p for p in folder.iterdir() if not p.name.endswith(".json")] + [Path(short["connection_file"])]
        assert sockets
        deadline = time.monotonic() + 30
        while _alive(short) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not _alive(short), "the kept kernel did not end itself when idle"
        assert not [p for p in sockets if p.exists()], "its sockets stayed"
    finally:
        for pid in started:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(batch._kept_folder(), ignore_errors=True)


def test_a_parallel_batch_warms_a_kernel_for_the_next_one_when_a_core_is_free(project, monkeypatch):
    import os
    import signal

    monkeypatch.setenv("CAREPAY_KEEP_KERNEL", "60")
    pids: list[int] = []
    try:
        outcomes = batch.run(
            batch.discover(["sources/default", "provider_payment/leksand_rattvik"]), n_jobs=2, progress=False, force=True
        )
        kept = _kept()
        pids.append(kept["pid"])
        assert all(o.ok for o in outcomes) and _alive(kept)
        scenario = project / "params" / "sources" / "default.yaml"
        scenario.write_text(scenario.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
        [again] = batch.run(batch.discover(["sources/default"]), n_jobs=2, progress=False)
        assert again.ok and _kept()["pid"] == kept["pid"] and _kept()["runs"] == 1  # taken, used, kept again
    finally:
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(batch._kept_folder(), ignore_errors=True)


def test_keeping_a_kernel_is_refused_with_a_clear_message_for_a_bad_setting(monkeypatch):
    monkeypatch.setenv("CAREPAY_KEEP_KERNEL", "five minutes")
    with pytest.raises(ValueError, match=r"CAREPAY_KEEP_KERNEL='five minutes': give whole seconds from 0"):
        batch.keep_kernel_seconds()


def test_the_report_exporter_writes_the_page_nbconverts_own_exporter_writes():
    """batch._exporter skips nbconvert's BeautifulSoup pass and sets its attributes itself: the same page."""
    import nbformat
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    from carepay import paths

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": "<table><tr><td>1 000 kr</td></tr></table>"}),
        nbformat.v4.new_output("stream", text="printed"),
        nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# Title\n\nText with <br> a break."), cell]
    theirs = HTMLExporter(template_name="carepay", extra_template_basedirs=[str(paths.TEMPLATES_DIR)])
    for show_code in (False, True):
        ours = batch._exporter(show_code)
        theirs.exclude_input, theirs.exclude_input_prompt, theirs.exclude_output_prompt = not show_code, True, True
        theirs.language_code = "sv"  # the default report language (batch._exporter)
        page, _ = ours.from_notebook_node(nb, resources={"metadata": {"name": "t"}})
        expected, _ = theirs.from_notebook_node(nb, resources={"metadata": {"name": "t"}})
        assert str(BeautifulSoup(page, features="html.parser")) == expected
        assert page.count('tabindex="0"') == expected.count('tabindex="0"') > 0
    with_image = nbformat.v4.new_notebook()
    with_image.cells = [nbformat.v4.new_markdown_cell('<img src="data:image/png;base64,AA==">')]
    page, _ = batch._exporter(False).from_notebook_node(with_image, resources={"metadata": {"name": "t"}})
    assert 'alt="No description has been provided for this image"' in page  # the usual way, for a page with an image


def test_workers_forked_by_the_command_line_render_what_a_kernel_of_this_process_renders(project, monkeypatch):
    """On Linux the command line's batch forks its workers from a process that has started no kernel
    (batch._start_method); a process that has run a kernel, or a notebook, starts fresh interpreters. Both give the
    same pages."""
    import subprocess
    import sys

    if sys.platform != "linux":
        pytest.skip("workers are forked on Linux only")
    monkeypatch.setenv("CAREPAY_KEEP_KERNEL", "0")
    probe = [sys.executable, "-c", "from carepay import batch; print(batch._start_method())"]
    assert subprocess.run(probe, capture_output=True, text=True, check=True).stdout.strip() == "fork"
    scenarios = ["sources/default", "provider_payment/leksand_rattvik"]
    command = [sys.executable, "-c", "import sys; from carepay import cli; sys.exit(cli.main(sys.argv[1:]))", "reports"]
    done = subprocess.run([*command, *scenarios, "--jobs", "2", "--no-progress", "--force"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    forked = {o.scenario: _page(project, o) for o in batch.outcomes_from_reports(scenarios)}
    here = batch.run(batch.discover(scenarios), n_jobs=1, progress=False, force=True)
    assert batch._start_method() == "spawn"  # this process has now run a kernel
    assert len(forked) == len(here) == 2
    for o in here:
        assert o.ok and _page(project, o) == forked[o.scenario], f"{o.notebook}/{o.scenario} differs"
