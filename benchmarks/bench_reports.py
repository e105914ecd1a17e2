"""Time the batch of reports against the naive way, side by side over several rounds, and their peak memory;
then a re-run with nothing changed and re-runs after one scenario changed: twice taking the kernel the batch before
kept warm (carepay.batch.keep_kernel_seconds), twice with none kept (CAREPAY_KEEP_KERNEL=0).

    .venv/bin/python benchmarks/bench_reports.py [--jobs 2] [--rounds 3] [--all-scenarios]

Naive: for each report, the papermill command-line tool, then `jupyter nbconvert --to html`, one after
another. Batch: `carepay reports --force` on the same scenarios (in-process HTML export, parallel kernels), each
round started cold: the kernel an earlier round kept for a next batch is ended first.
Each round runs both, naive first, and prints the load average before it; the summary gives the minimum and
the median of each and the ratio of the medians. Time and memory are measured in separate runs: sampling every
process's memory every 50 ms costs CPU (1,4-3,2 s of a 13 s batch of the 5 defaults on a 2-core machine,
measured), and more in the batch's five processes than in the naive way's two, so a sampled run would understate
the speed-up. After the timed rounds, one more run of each way is sampled: peak memory is the largest total
proportional set size (PSS) of the process and all its children, with the resident set size (RSS) beside it (see
tree_memory). Everything is written into a scratch folder, not reports/.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def tree_memory(proc: psutil.Process) -> tuple[int, int]:
    """The memory of a process and all its children, bytes: (proportional set size, resident set size). The PSS
    shares each page among the processes that map it; the RSS counts a shared page once per process, so a kernel's
    momentary child (git, for the provenance block, forked from a 400 MiB kernel) adds the kernel's size again."""
    pss = rss = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            info = p.memory_full_info()
            pss += getattr(info, "pss", info.rss)
            rss += info.rss
    return pss, rss


def measure(commands: list[list[str]], env: dict[str, str], cwd: Path, memory: bool = False) -> tuple[float, int, int]:
    """Run commands one after another; wall time (s) and, with memory, peak tree memory sampled every 50 ms (bytes:
    PSS, RSS; see tree_memory; 0, 0 without: the sampling costs CPU that the timed run should not pay)."""
    peak_pss = peak_rss = 0
    start = time.perf_counter()
    for cmd in commands:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if not memory:
            _, err = proc.communicate()
            if proc.returncode != 0:
                raise SystemExit(f"failed: {' '.join(cmd)}\n{err[-3000:]}")
            continue
        ps = psutil.Process(proc.pid)
        done = threading.Event()

        def sample(done: threading.Event = done, ps: psutil.Process = ps) -> None:
            nonlocal peak_pss, peak_rss
            while not done.is_set():
                with contextlib.suppress(psutil.Error):
                    pss, rss = tree_memory(ps)
                    peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
                time.sleep(0.05)

        t = threading.Thread(target=sample)
        t.start()
        _, err = proc.communicate()
        done.set()
        t.join()
        if proc.returncode != 0:
            raise SystemExit(f"failed: {' '.join(cmd)}\n{err[-3000:]}")
    return time.perf_counter() - start, peak_pss, peak_rss


def end_kept_kernels(scratch: Path) -> None:
    """End the kernel a batch kept for the next one (its working folder is in the scratch project)."""
    for proc in psutil.process_iter(["cwd"]):
        if str(proc.info.get("cwd") or "").startswith(str(scratch)):
            with contextlib.suppress(psutil.Error):
                proc.kill()
                proc.wait(5)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--all-scenarios", action="store_true", help="every scenario, not only the defaults")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of naive and batch, side by side")
    args = ap.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="carepay-bench-"))
    for name in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / name, scratch / name)
    env = {**os.environ, "CAREPAY_HOME": str(scratch), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    notebooks = sorted(p.stem for p in (scratch / "notebooks").glob("*.ipynb"))
    jobs = [
        (nb, f.stem)
        for nb in notebooks
        for f in sorted((scratch / "params" / nb).glob("*.yaml"))
        if args.all_scenarios or f.stem == "default"
    ]
    n = len(jobs)

    naive = []
    out = scratch / "naive"
    out.mkdir()
    for nb, scenario in jobs:
        executed = out / f"{nb}-{scenario}.ipynb"
        naive.append(
            [
                str(BIN / "papermill"),
                str(scratch / "notebooks" / f"{nb}.ipynb"),
                str(executed),
                "-p",
                "scenario",
                str(scratch / "params" / nb / f"{scenario}.yaml"),
                "--cwd",
                str(scratch / "notebooks"),
                "-k",
                "python3",
                "--no-progress-bar",
            ]
        )
        naive.append([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
    batch = [
        [
            str(BIN / "carepay"),
            "reports",
            *[f"{nb}/{sc}" for nb, sc in jobs],
            "--jobs",
            str(args.jobs),
            "--no-progress",
            "--force",
        ]
    ]

    what = "reports (every scenario)" if args.all_scenarios else "default reports"
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; {n} {what} of {', '.join(notebooks)}")
    mib = 1024 * 1024
    times: dict[str, list[float]] = {"naive": [], "batch": []}
    peaks: dict[str, int] = {"naive": 0, "batch": 0}
    resident: dict[str, int] = {"naive": 0, "batch": 0}
    for round_ in range(1, args.rounds + 2):
        memory = round_ > args.rounds  # the last run of each way: memory sampled, time not counted
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        for way, commands in (("naive", naive), ("batch", batch)):
            end_kept_kernels(scratch)
            seconds, pss, rss = measure(commands, env, scratch, memory=memory)
            if memory:
                peaks[way], resident[way] = pss, rss
                print(f"  memory run (load average before: {load}) {way:<6}{pss / mib:8.0f} MiB PSS{rss / mib:8.0f} MiB RSS")
            else:
                times[way].append(seconds)
                print(f"  round {round_} (load average before: {load}) {way:<6}{seconds:8.1f} s")
    print(f"{'way':<44}{'min s':>8}{'median s':>10}{'s/report':>10}{'peak MiB':>10}{'(RSS)':>8}")
    for way, label in (
        ("naive", "naive: papermill CLI + nbconvert CLI, serial"),
        ("batch", f"carepay reports --jobs {args.jobs}"),
    ):
        med = statistics.median(times[way])
        print(f"{label:<44}{min(times[way]):8.1f}{med:10.1f}{med / n:10.1f}{peaks[way] / mib:10.0f}{resident[way] / mib:8.0f}")
    ratio = statistics.median(times["naive"]) / statistics.median(times["batch"])
    print(f"speed-up (ratio of medians): {ratio:.2f}x")  # two decimals: 3.47 is not printed as a target's 3.5
    rerun = [c for c in batch[0] if c != "--force"]
    seconds, _, _ = measure([rerun], env, scratch)
    print(f"re-run with nothing changed: {seconds:.1f} s")
    changed = scratch / "params" / jobs[0][0] / f"{jobs[0][1]}.yaml"
    for kept, run_env in (("the kernel the batch before kept", env), ("no kernel kept", {**env, "CAREPAY_KEEP_KERNEL": "0"})):
        for _ in range(2):
            changed.write_text(changed.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
            seconds, _, _ = measure([rerun], run_env, scratch)
            status = json.loads((scratch / "reports" / jobs[0][0] / f"{jobs[0][1]}.json").read_text(encoding="utf-8"))
            print(
                f"re-run after one scenario changed ({jobs[0][0]}/{jobs[0][1]}), {kept}: {seconds:.1f} s "
                f"(its kernel had run {status.get('kernel_reports_before', 0)} reports before)"
            )
    end_kept_kernels(scratch)  # the kernel kept for a next batch that will not come, and its folder
    os.environ["CAREPAY_HOME"] = str(scratch)
    from carepay import batch as carepay_batch

    shutil.rmtree(carepay_batch._kept_folder(make=False), ignore_errors=True)
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
