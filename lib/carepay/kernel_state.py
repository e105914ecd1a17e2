"""A report kernel's state, so that carepay.batch runs a second report in a kernel only when the first left nothing
behind. Runs inside the kernel; carepay.batch calls it over the Jupyter protocol.

`warm()` runs once, when the kernel starts (IPKernelApp.exec_lines): it imports every carepay module, pandas,
altair, statsmodels' OLS and power functions and SALib, calls `report.setup()` (which every report calls first,
and which sets the same things each time) and draws one throwaway chart (vl-convert's engine starts once per
kernel, not once per report). A kernel kept between batches (CAREPAY_KERNEL_IDLE_S) also starts a watchdog that
ends it when idle. It moves what it made out of the garbage collector's sight (gc.freeze: it lives as long as
the kernel), then records a fingerprint of everything a report could change that would outlive its
namespace: pandas', numpy's and altair's settings, the working folder, the environment, sys.path, the warning
filters, the threads, and every module-level value of every carepay module.

`reset()` runs after a report: it empties the user namespace and the input and output history, sets the
execution count back to 1, clears carepay's function caches and seeds the global random generators from the
system's entropy (as a fresh kernel's are), then compares the fingerprint with the one
`warm()` recorded, and hands the memory the report freed back to the system (a garbage collection, then glibc's
malloc_trim). It returns what differs; carepay.batch reuses the kernel only when nothing does, and never
after a report that failed. A report in a reused kernel therefore sees what a report in a fresh kernel sees
(tests/test_batch.py renders the same scenario both ways and compares the HTML).
"""

from __future__ import annotations

import gc
import hashlib
import importlib
import os
import pkgutil
import sys
from typing import Any

_PRISTINE: dict[str, str] = {}

#: Modules the kernel does not need (the batch and the command line run outside the kernels).
_NOT_IN_KERNELS = ("carepay.batch", "carepay.cli", "carepay.kernel_state")


def _carepay_modules() -> list[str]:
    import carepay

    names = [m.name for m in pkgutil.walk_packages(carepay.__path__, "carepay.")]
    return sorted(n for n in names if n not in _NOT_IN_KERNELS and not n.endswith(".__main__"))


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "backslashreplace")).hexdigest()[:16]


def _module_values(name: str) -> str:
    """A module's top-level names with the identity of each value, and the contents of mutable containers."""
    module = sys.modules.get(name)
    if module is None:
        return "not imported"
    parts = []
    for key, value in sorted(vars(module).items()):
        if key.startswith("__"):
            continue
        shown = repr(value) if isinstance(value, (dict, list, set)) else ""
        parts.append(f"{key}={id(value)}{shown}")
    return _hash("\n".join(parts))


_KERNEL_OWN = ("ipykernel.", "IPython.", "zmq.", "threading._MainThread")


def _thread_kind(thread: Any) -> str:
    """'module.Class' of a thread, or the module and name of the function it runs."""
    target = getattr(thread, "_target", None)
    if target is not None:
        return f"{getattr(target, '__module__', '')}.{getattr(target, '__qualname__', '')}"
    return f"{type(thread).__module__}.{type(thread).__qualname__}"


def fingerprint() -> dict[str, str]:
    """What a report could change that would outlive its namespace, each aspect as a short hash."""
    import threading
    import warnings

    import altair as alt
    import numpy as np
    import pandas as pd

    try:
        pandas_options = repr(pd._config.config._global_config)  # every option and its value
    except AttributeError:  # a pandas without that table: the options a report may touch
        pandas_options = repr([pd.get_option(o) for o in ("display.max_rows", "mode.copy_on_write", "future.infer_string")])
    out = {
        "pandas options": pandas_options,
        "numpy settings": repr((np.geterr(), np.get_printoptions())),
        "altair settings": repr(
            (
                alt.theme.active,
                alt.renderers.active,
                alt.renderers.options,
                alt.data_transformers.active,
                alt.data_transformers.options,
            )
        ),
        "working folder": os.getcwd(),
        "environment": repr(sorted(os.environ.items())),
        "sys.path": repr(sys.path),
        "warning filters": repr(warnings.filters),
        # threads by kind, apart from the kernel's own (ipykernel's, IPython's, zmq's), which start with the kernel
        "threads": repr(sorted(_thread_kind(t) for t in threading.enumerate() if not _thread_kind(t).startswith(_KERNEL_OWN))),
        "carepay modules": repr(_carepay_modules()),
    }
    fingerprints = {k: _hash(v) for k, v in out.items()}
    for name in _carepay_modules():
        fingerprints[name] = _module_values(name)
    return fingerprints


def warm() -> None:
    """Import what the reports import, set up as every report does, start vl-convert; then record the fingerprint."""
    # statsmodels' OLS and SALib's Sobol design too, though not every report uses them: importing them adds warning
    # filters (scipy's), which after a report would read as something the report left behind
    warmed = (
        "pandas",
        "altair",
        "vl_convert",
        "statsmodels.regression.linear_model",
        "statsmodels.stats.power",
        "SALib.sample.sobol",
        "SALib.analyze.sobol",
    )
    for name in (*warmed, *_carepay_modules()):
        importlib.import_module(name)
    from carepay import i18n, report

    report.setup()
    for language in i18n.LANGUAGES:  # the catalogues are read once per kernel, not once per report
        i18n.catalogue(language)
    import vl_convert

    vl_convert.vegalite_to_svg({"mark": "point", "data": {"values": [{"x": 1}]}, "encoding": {"x": {"field": "x"}}})
    idle = os.environ.get("CAREPAY_KERNEL_IDLE_S", "")
    if idle.isdigit() and int(idle) > 0:
        _end_when_idle(int(idle))
    # what the warm-up made (the modules, their classes and tables: about 160 000 objects) is kept for the
    # kernel's life: the garbage collector stops looking through it, in the reports' full collections and in
    # reset()'s (0,1 s each before, 20 microseconds after; measured), and looks only at what reports make
    gc.collect()
    gc.freeze()
    _PRISTINE.clear()
    _PRISTINE.update(fingerprint())


#: When the kernel last finished a cell (time.monotonic()), and whether one is running.
_ACTIVITY: dict[str, float | bool] = {"last": 0.0, "busy": False}


def _end_when_idle(seconds: int) -> None:
    """A kernel kept between batches (carepay.batch.keep_kernel_seconds) ends itself, removing its connection file
    and sockets, once no cell has run for `seconds`; a running cell is never cut short."""
    import threading
    import time

    from IPython import get_ipython

    def started(*_: Any) -> None:
        _ACTIVITY["busy"] = True

    def finished(*_: Any) -> None:
        _ACTIVITY.update(busy=False, last=time.monotonic())

    ip: Any = get_ipython()
    ip.events.register("pre_run_cell", started)
    ip.events.register("post_run_cell", finished)
    finished()

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if not _ACTIVITY["busy"] and time.monotonic() - float(_ACTIVITY["last"]) > seconds:
                from ipykernel.kernelapp import IPKernelApp

                app = IPKernelApp.instance()
                app.cleanup_connection_file()
                app.cleanup_ipc_files()
                os._exit(0)

    threading.Thread(target=watch, name="carepay-idle", daemon=True).start()


def reset() -> str:
    """Empty the user namespace and history, clear carepay's caches; '' when the kernel is then as `warm()` left
    it, else the aspects that differ (the kernel must not run another report)."""
    if not _PRISTINE:
        return "the kernel was not warmed"
    from IPython import get_ipython

    ip: Any = get_ipython()
    ns = ip.user_ns
    for key in [k for k in ns if k not in ip.user_ns_hidden]:
        del ns[key]
    ip.history_manager.reset(new_session=True)  # kernels run without a history database (batch: HistoryManager)
    for key in ("_", "__", "___"):
        ns[key] = ""
    ip.execution_count = 1
    if _ACTIVITY["last"]:
        import time

        _ACTIVITY["last"] = time.monotonic()
    # a fresh kernel's global generators are seeded from the system's entropy: so are a reused kernel's
    import random

    import numpy as np

    random.seed()
    np.random.seed()
    from carepay import i18n, report

    i18n.reset()  # the source language, nothing recorded missing: as a fresh kernel has it
    report.PROTECTION.min_persons = None  # no small-cell rule until the next report's setup sets its own
    for name in _carepay_modules():
        for value in vars(sys.modules.get(name, object())).values():
            if callable(value) and hasattr(value, "cache_clear"):
                value.cache_clear()
    now = fingerprint()
    _give_memory_back()
    return ", ".join(k for k in sorted(set(now) | set(_PRISTINE)) if now.get(k) != _PRISTINE.get(k))


def _give_memory_back() -> None:
    """Hand the memory a report freed back to the system (glibc keeps freed heap pages otherwise), so that a kept
    kernel does not grow report by report. Where there is no glibc, nothing happens."""
    import contextlib
    import ctypes

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # by name: ctypes.util.find_library would fork to run ldconfig
        ctypes.CDLL("libc.so.6").malloc_trim(0)


#: What the kernel runs at start-up: no name is left in the user namespace.
EXEC_LINE = "import importlib as _carepay_i; _carepay_i.import_module('carepay.kernel_state').warm(); del _carepay_i"
#: The expression carepay.batch evaluates after a report.
RESET_EXPRESSION = "__import__('carepay.kernel_state').kernel_state.reset()"
