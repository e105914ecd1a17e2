"""Time the batch of all default reports against the naive way, and their peak memory.

    .venv/bin/python benchmarks/bench_reports.py [--jobs 2] [--repeat 1]

Naive: for each default report, the papermill command-line tool, then `jupyter nbconvert --to html`,
one after another. Batch: `carepay reports` on the same scenarios (in-process HTML export, parallel
kernels). Peak memory is the largest total resident memory of the process and all its children,
sampled every 50 ms. Both write into a scratch folder, not reports/.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def measure(commands: list[list[str]], env: dict[str, str], cwd: Path) -> tuple[float, int]:
    """Run commands one after another; wall time (s) and peak tree memory (bytes)."""
    peak = 0
    start = time.perf_counter()
    for cmd in commands:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        ps = psutil.Process(proc.pid)
        done = threading.Event()

        def sample(done: threading.Event = done, ps: psutil.Process = ps) -> None:
            nonlocal peak
            while not done.is_set():
                with contextlib.suppress(psutil.Error):
                    peak = max(peak, tree_rss(ps))
                time.sleep(0.05)

        t = threading.Thread(target=sample)
        t.start()
        _, err = proc.communicate()
        done.set()
        t.join()
        if proc.returncode != 0:
            raise SystemExit(f"failed: {' '.join(cmd)}\n{err[-3000:]}")
    return time.perf_counter() - start, peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--all-scenarios", action="store_true", help="every scenario, not only the defaults")
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
    t_naive, m_naive = measure(naive, env, scratch)
    t_batch, m_batch = measure(batch, env, scratch)
    mib = 1024 * 1024
    print(f"{'way':<44}{'total s':>9}{'s/report':>10}{'peak MiB':>10}")
    print(f"{'naive: papermill CLI + nbconvert CLI, serial':<44}{t_naive:9.1f}{t_naive / n:10.1f}{m_naive / mib:10.0f}")
    print(f"{f'carepay reports --jobs {args.jobs}':<44}{t_batch:9.1f}{t_batch / n:10.1f}{m_batch / mib:10.0f}")
    print(f"speed-up: {t_naive / t_batch:.1f}x")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
