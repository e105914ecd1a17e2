"""Shared timing helper for the benchmark scripts: wall time and peak memory of each step."""

from __future__ import annotations

import os
import resource
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

#: BENCH_TRACE=0 skips the tracemalloc pass: then the process's peak resident memory is the real one
#: (tracemalloc's own bookkeeping for a million allocations adds hundreds of MiB).
TRACE = os.environ.get("BENCH_TRACE", "1") != "0"


def step(label: str, fn: Callable[[], Any]) -> Any:
    """Run fn twice: once timed, once under tracemalloc for the peak memory it allocates (numpy included).

    Two runs because tracing slows allocation-heavy code (strings) several times over."""
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    if not TRACE:
        print(f"  {label:<58}{seconds:8.3f} s")
        return result
    del result  # not two copies alive at once
    tracemalloc.start()
    result = fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  {label:<58}{seconds:8.3f} s{peak / 2**20:10.1f} MiB")
    return result


def footer() -> None:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"  {'peak resident memory of the whole process':<58}{'':10}{rss:10.1f} MiB")
