"""The batch: every notebook x scenario through papermill into a self-contained HTML report.

For each job the batch validates the scenario (before any kernel starts), executes
notebooks/<notebook>.ipynb with the scenario's values injected, exports HTML in the
same process with the carepay template (no scripts from the network; code hidden
unless asked) and writes, each by write-to-temporary-then-rename:

    reports/<notebook>/<scenario>.html    the report
    reports/<notebook>/<scenario>.ipynb   the executed notebook
    reports/<notebook>/<scenario>.json    status, timing and key results, for the index

A failing run writes reports/<notebook>/<scenario>.failed.ipynb and a failed status;
the last good .html and .ipynb stay as they were. reports/index.html is rebuilt from
all status files after every batch.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import functools
import hashlib
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from carepay import (
    ANSWER_MIME,
    CHART_CACHE_ENV,
    KEY_RESULTS_MIME,
    TABLE_MIME,
    UNTRANSLATED_MIME,
    __version__,
    accessibility,
    export,
    i18n,
    paths,
)
from carepay.i18n import N_, _, pick
from carepay.memo import RESULT_CACHE_ENV

CELL_TIMEOUT_S = 900
#: Notebook and scenario names: they become file names under reports/, so nothing that could leave it.
SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")


@dataclass
class Job:
    notebook: str
    scenario: str
    params_path: str
    values: dict[str, Any] = field(default_factory=dict)
    inputs: str = ""  # fingerprint of everything the report reads (see fingerprint)
    language: str = ""  # the report's language (carepay.i18n); set by prepare: the scenario's own or the batch's

    @property
    def folder(self) -> Path:
        return paths.reports_dir() / self.notebook

    @property
    def stem(self) -> str:
        """The report's file name without suffix: the scenario, then '.en' for a report in another language than
        Swedish (reports/<notebook>/default.html, default.en.html)."""
        return self.scenario + i18n.file_suffix(self.language)

    def out(self, suffix: str) -> Path:
        return self.folder / f"{self.stem}{suffix}"


@dataclass
class Outcome:
    notebook: str
    scenario: str
    ok: bool
    title: str = ""
    description: str = ""
    seconds: float = 0.0
    key_results: list[dict[str, Any]] = field(default_factory=list)
    answer: list[str] = field(default_factory=list)
    error: str = ""
    failing_cell: int | None = None
    executed: str = ""
    html: str = ""
    finished: str = ""
    params_file: str = ""
    inputs: str = ""
    reused: bool = False
    kernel_reports_before: int = 0  # reports the kernel had run before this one (0: a fresh kernel)
    cells_seconds: float = 0.0  # seconds the notebook's cells ran (papermill's cell durations): orders the next batch
    language: str = i18n.DEFAULT_LANGUAGE
    untranslated: list[str] = field(default_factory=list)  # texts the report asked for that the catalogue lacks

    @property
    def stem(self) -> str:
        return self.scenario + i18n.file_suffix(self.language)


def notebook_names() -> list[str]:
    return sorted(p.stem for p in paths.notebooks_dir().glob("*.ipynb"))


def discover(selection: list[str] | None = None) -> list[Job]:
    """Jobs for the selection: notebook names, 'notebook/scenario', or params file paths. Empty: all."""
    from carepay.params import ParameterError, scenario_files  # here, not at the top: workers need neither pandas nor pydantic

    selection = selection or []
    jobs: list[Job] = []
    names = notebook_names()
    wanted = selection or names
    for item in wanted:
        p = Path(item)
        if p.suffix in {".yaml", ".yml"}:
            p = (p if p.is_absolute() else (Path.cwd() / p)).resolve()
            if not p.is_file():
                raise ParameterError(f"{item}: params file not found")
            folder = paths.params_dir().resolve()
            if p.parent.parent != folder or not SAFE_NAME.fullmatch(p.stem):
                raise ParameterError(
                    f"{item}: a params file is rendered only from params/<notebook>/, with a name of letters, digits, "
                    "'_' and '-' (its report goes to reports/<notebook>/<name>.html and must not replace another "
                    "scenario's); copy it there"
                )
            jobs.append(Job(notebook=p.parent.name, scenario=p.stem, params_path=str(p)))
        elif "/" in item:
            nb, scenario = item.split("/", 1)
            if not (SAFE_NAME.fullmatch(nb) and SAFE_NAME.fullmatch(scenario)):
                raise ParameterError(f"{item!r}: write notebook/scenario with names of letters, digits, '_' and '-' (no paths)")
            jobs.append(Job(notebook=nb, scenario=scenario, params_path=str(paths.params_dir() / nb / f"{scenario}.yaml")))
        elif item in names:
            files = scenario_files(item)
            if not files:
                raise ParameterError(f"notebook {item!r} has no scenarios: add params/{item}/default.yaml")
            jobs.extend(Job(notebook=item, scenario=f.stem, params_path=str(f)) for f in files)
        else:
            raise ParameterError(f"{item!r} is neither a notebook ({', '.join(names)}) nor a params file")
    for job in jobs:
        if job.notebook not in names:
            raise ParameterError(
                f"{paths.relative(Path(job.params_path))}: there is no notebooks/{job.notebook}.ipynb "
                f"(a params file lives in params/<notebook>/)"
            )
    return jobs


def prepare(jobs: list[Job], languages: list[str] | None = None) -> tuple[list[Job], list[Outcome]]:
    """Validate every job's scenario before any kernel starts; invalid ones become failed outcomes. Each valid one
    becomes a job per language: the scenario's own (its `language`), or each of languages where the batch names them."""
    from dataclasses import replace

    from carepay.params import ParameterError, load

    ready, failed = [], []
    for job in jobs:
        try:
            model = load(job.notebook, job.params_path)
            values = model.model_dump(mode="json")
            for language in languages or [model.language]:
                ready.append(replace(job, values={**values, "language": language}, language=language))
        except ParameterError as err:
            failed.append(
                Outcome(
                    job.notebook,
                    job.scenario,
                    ok=False,
                    error=str(err),
                    params_file=paths.relative(Path(job.params_path)),
                    language=job.language or i18n.DEFAULT_LANGUAGE,
                )
            )
    return ready, failed


def _packages(notebook: str) -> list[str]:
    """The data packages a notebook reads: its question's documents; the sources notebook reads them all."""
    from carepay.registry import QUESTIONS

    question = QUESTIONS.get(notebook)
    return list(question.documents) if question and question.documents else paths.data_package_names()


def fingerprint(job: Job, show_code: bool = False) -> str:
    """A digest of everything a report's content depends on: the notebook, the scenario file and the default it
    merges onto, the validated values, every file of the data packages it reads, the analyst's extracts it
    names, the library, and how it is shown. Equal fingerprints: the report on disk is up to date."""

    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(label.encode() + b"\0" + hashlib.sha256(data).digest())

    add("notebook", (paths.notebooks_dir() / f"{job.notebook}.ipynb").read_bytes())
    add("scenario", Path(job.params_path).read_bytes())
    default = paths.params_dir() / job.notebook / "default.yaml"
    add("default", default.read_bytes() if default.exists() else b"")
    add("values", json.dumps(job.values, sort_keys=True, default=str).encode())
    for package in _packages(job.notebook):
        folder = paths.data_dir() / package
        for path in sorted(f for f in folder.rglob("*") if f.is_file()):
            add(f"data/{package}/{path.relative_to(folder).as_posix()}", path.read_bytes())
    for name, path in paths.scenario_files(job.values):
        add(f"extract {name}", path.read_bytes())
    add("library", f"{__version__} {paths.library_digest()}".encode())
    add("show", f"show_code={show_code}".encode())
    return digest.hexdigest()


def longest_first(jobs: list[Job]) -> list[Job]:
    """The jobs in the order a parallel batch hands them to its workers: the longest first, by how long each
    report's cells ran when it was last rendered (its status record's cells_seconds), so that no worker is left
    with a long report while the other has finished (the longest-processing-time rule). A job never rendered
    comes first, in the given order (it may be long). The 5 defaults on two workers: the regrouping (4 s of
    cells) first; in alphabetical order it came third, and its worker ended 1,2 s after the other (measured)."""

    def seconds(job: Job) -> float:
        try:
            record = json.loads(job.out(".json").read_text(encoding="utf-8"))
            return float(record.get("cells_seconds") or 0.0) or float("inf")
        except (OSError, ValueError, TypeError, AttributeError):
            return float("inf")

    return sorted(jobs, key=lambda job: -seconds(job))  # stable: equal times keep the given order


def up_to_date(job: Job) -> Outcome | None:
    """The outcome on disk when the report there was rendered from exactly these inputs, else None."""
    status = job.out(".json")
    if not all(job.out(s).exists() for s in (".json", ".html", ".ipynb", ".xlsx", ".data")):
        return None
    try:
        record = json.loads(status.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(record, dict) and record.get("ok") and record.get("inputs") == job.inputs):
        return None
    return Outcome(**{k: v for k, v in record.items() if k in Outcome.__dataclass_fields__})


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)  # a failed write leaves nothing behind


def _staged(path: Path) -> Path:
    """Where a report file waits until its whole set (HTML, notebook, status) is ready to replace the old one."""
    return path.with_name(f".{path.name}.staged")


def _journal(folder: Path, stem: str) -> Path:
    return folder / f".{stem}.commit"


def _commit(folder: Path, stem: str, files: list[Path]) -> None:
    """Replace a report's files as one set. Each file was first written in full next to its target (see _staged);
    a journal listing the set is written atomically, then each staged file replaces its target, then the journal
    goes. A run interrupted before the journal exists leaves the old set (the staged files are removed later); one
    interrupted after it is finished by the next run (`_roll_forward`): a reader never gets a new HTML beside an
    old notebook or status."""
    journal = _journal(folder, stem)
    _atomic_write(journal, json.dumps([f.name for f in files]))
    _roll_forward(journal)


def _roll_forward(journal: Path) -> None:
    try:
        names = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        names = []  # a journal is only ever written whole; an unreadable one commits nothing
    for name in names if isinstance(names, list) else []:
        target = journal.parent / str(name)
        staged = _staged(target)
        if staged.parent == journal.parent and staged.exists():
            if staged.is_dir() and target.is_dir():  # a folder (the report's data) is replaced whole
                shutil.rmtree(target)
            os.replace(staged, target)
    journal.unlink(missing_ok=True)


class BatchBusyError(RuntimeError):
    """Another batch is writing the same reports/ folder."""


@contextlib.contextmanager
def batch_lock() -> Iterator[None]:
    """One batch at a time writes reports/: a lock the system drops when its holder dies, however it dies; the
    holder first removes what an interrupted run left (temporary and half-written files, stale socket folders)."""
    import fcntl

    root = paths.reports_dir()
    root.mkdir(parents=True, exist_ok=True)
    handle = (root / ".lock").open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise BatchBusyError(
                f"another carepay batch (process {holder}) is writing {paths.relative(root)}/; wait for it to finish"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        clean_leftovers()
        yield
    finally:
        handle.close()


def clean_leftovers() -> list[Path]:
    """Remove what an interrupted batch left: temporary writes, running notebooks, kernel socket folders of
    processes that no longer exist. Returns what was removed."""
    import psutil

    root = paths.reports_dir()
    for journal in root.glob("*/.*.commit"):  # a report set whose replacement was under way: finish it
        _roll_forward(journal)
    removed = [
        *root.glob("*/.*.tmp*"),
        *root.glob("*/.*.staged"),  # written, but never committed: the old set stays
        *root.glob("*/*.running*.ipynb"),
    ]
    for p in removed:
        if p.is_dir():  # a staged data folder
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
    for folder in Path(tempfile.gettempdir()).glob("carepay-kernels-*"):
        pid = folder.name.split("-")[2] if folder.name.count("-") >= 3 else ""
        if pid.isdigit() and not psutil.pid_exists(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _outputs(nb: Any, mime: str) -> list[Any]:
    """Each output the notebook's cells displayed under one carepay output type, in order."""
    return [out["data"][mime] for cell in nb.cells for out in cell.get("outputs", []) if mime in out.get("data", {})]


def _emitted(nb: Any, mime: str) -> list[Any]:
    """Everything the notebook's cells displayed under one carepay output type whose outputs are lists, joined."""
    return [item for output in _outputs(nb, mime) for item in output]


def _key_results(nb: Any) -> list[dict[str, Any]]:
    return _emitted(nb, KEY_RESULTS_MIME)


_SOCKETS: list[str] = []


@functools.cache
def _ipc_kernel_manager():
    """Kernels that talk over local IPC sockets, not TCP (nothing listens on the network), and whose
    console chatter (an interrupt logged at shutdown, for one) does not reach the analyst's terminal:
    what a cell prints or raises is in the executed notebook."""
    from jupyter_client import AsyncKernelManager
    from traitlets import Bool, default

    if not _SOCKETS:
        _SOCKETS.append(tempfile.mkdtemp(prefix=f"carepay-kernels-{os.getpid()}-"))
        atexit.register(shutil.rmtree, _SOCKETS[0], True)

    class IPCKernelManager(AsyncKernelManager):
        # a kernel kept for the next batch: its connection file stays when this manager goes (the kernel reads it
        # at start, perhaps after this process has ended, and removes it when it ends; _shutdown removes it too)
        kept = Bool(False)

        def cleanup_connection_file(self) -> None:
            if not self.kept:
                super().cleanup_connection_file()

        @default("client_factory")
        def _default_client_factory(self) -> type:
            return _ready_client()

        @default("transport")
        def _default_transport(self) -> str:
            return "ipc"

        @default("ip")
        def _default_ip(self) -> str:
            return os.path.join(_kept_folder() if _KEEP_NEXT else _SOCKETS[0], uuid.uuid4().hex[:12])

        async def start_kernel(self, **kw: Any) -> None:  # type: ignore[override]  # jupyter_client declares it sync
            kw.setdefault("stdout", subprocess.DEVNULL)
            kw.setdefault("stderr", subprocess.DEVNULL)
            await super().start_kernel(**kw)

    return IPCKernelManager


@functools.cache
def _ready_client():
    """The kernel client papermill's engine uses, ready as soon as the kernel has answered on both channels.
    jupyter_client's wait_for_ready then listens to IOPub until it has been quiet for 0,2 s: a fixed 0,2 s before
    every report's first cell (measured: 8 s of the 42 reports' batch, the worker and its kernel both waiting).
    This one waits instead for the kernel's status message for its own kernel_info request to come on IOPub
    (proof that IOPub is connected); what came before it is read, and later messages carry other parents, which
    nbclient sets aside. Asked again while IOPub is not yet connected (a fresh kernel's first request)."""
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient

    def idle_after(msg: dict[str, Any], msg_id: str) -> bool:
        return (
            msg.get("parent_header", {}).get("msg_id") == msg_id
            and msg.get("msg_type") == "status"
            and msg.get("content", {}).get("execution_state") == "idle"
        )

    class ReadyKernelClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                msg_id = self.kernel_info()
                try:
                    while (reply := await self.get_shell_msg(timeout=1))["parent_header"].get("msg_id") != msg_id:
                        pass
                    while not idle_after(await self.get_iopub_msg(timeout=0.2), msg_id):
                        pass
                except Empty:  # no answer yet, or IOPub not yet connected: ask again
                    if not await self._async_is_alive():
                        raise RuntimeError("Kernel died before replying to kernel_info") from None
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"Kernel didn't respond in {timeout} seconds") from None
                    continue
                self._handle_kernel_info_reply(reply)
                return

    return ReadyKernelClient


@functools.cache
def _attached_kernel_manager():
    """A manager for a kernel another carepay process started and kept (see _claim_kept): it has no process handle,
    so it knows the kernel by its process id."""
    from traitlets import Integer

    class AttachedKernelManager(_ipc_kernel_manager()):  # type: ignore[misc]
        pid = Integer(0)

        @property
        def has_kernel(self) -> bool:
            return _kernel_alive(self.pid, self.connection_file)

        async def _async_is_alive(self) -> bool:
            return _kernel_alive(self.pid, self.connection_file)

        is_alive = _async_is_alive

        async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:  # noqa: ARG002 (always at once)
            with contextlib.suppress(OSError):
                if _kernel_alive(self.pid, self.connection_file):
                    os.kill(self.pid, signal.SIGKILL)

    return AttachedKernelManager


def _kernel_alive(pid: int, connection_file: str) -> bool:
    """Whether process pid is running and is the kernel started with this connection file (not a reused id)."""
    if pid <= 0:  # os.kill(0, ...) would reach this process's own group
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.exists():  # no /proc: the process id alone
        return True
    with contextlib.suppress(OSError):
        return Path(connection_file).name.encode() in cmdline.read_bytes()
    return False


#: Seconds a warmed kernel is kept after a batch for the next one, unless CAREPAY_KEEP_KERNEL says otherwise.
KEEP_KERNEL_S = 300
#: A kept kernel this close to ending itself is not taken (it could end during the report).
KEEP_MARGIN_S = 10
#: Whether the kernels this process starts from now on are to be kept after it (independent, in _kept_folder()).
_KEEP_NEXT: list[bool] = []


def keep_kernel_seconds() -> int:
    """How long a kernel is kept warm after a batch for the next one (an analyst's re-run after changing one
    scenario), as Quarto's execute-daemon keeps one between renders: CAREPAY_KEEP_KERNEL seconds, 0 for none."""
    raw = os.environ.get("CAREPAY_KEEP_KERNEL", str(KEEP_KERNEL_S)).strip()
    if not raw.isdigit() or int(raw) > 86_400:
        raise ValueError(f"environment variable CAREPAY_KEEP_KERNEL={raw!r}: give whole seconds from 0 (no kernel kept) to 86400")
    return int(raw)


def _kept_folder(make: bool = True) -> str:
    """This user's folder for the project's kept kernel: its record and its sockets (private: mode 0700). Made only
    to keep a kernel (make): a batch that only looks for one leaves nothing in the temporary folder."""
    digest = hashlib.sha256(str(paths.project_root()).encode()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"carepay-kept-{os.getuid()}-{digest}"
    if make:
        folder.mkdir(mode=0o700, exist_ok=True)
    elif not folder.exists():
        return str(folder)  # nothing kept: reading from it finds nothing
    info = folder.stat()
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise PermissionError(f"{folder}: not this user's private folder; remove it")
    return str(folder)


def _kernel_identity() -> dict[str, Any]:
    """What a kept kernel must share with the batch that takes it: project, notebooks, Python, library, environment."""
    volatile = {"PWD", "OLDPWD", "SHLVL", "_", "COLUMNS", "LINES"}
    environment = json.dumps(sorted((k, v) for k, v in os.environ.items() if k not in volatile))
    return {
        "where": list(_where()),
        "python": sys.executable,
        "library": paths.library_digest(),
        "environment": hashlib.sha256(environment.encode()).hexdigest(),
    }


def _keep(km: Any, runs: int) -> bool:
    """Leave a reset kernel running after this process, recorded for the next batch; False if it cannot be."""
    pid = getattr(getattr(km, "provisioner", None), "pid", None) or getattr(km, "pid", None)
    if not (pid and getattr(km, "kept", False)):  # one started to end with this process is not kept
        return False
    ends = time.time() + keep_kernel_seconds()  # when its watchdog ends it at the earliest, unless it is taken
    record = {**_kernel_identity(), "pid": int(pid), "connection_file": km.connection_file, "runs": runs, "ends": ends}
    try:
        _atomic_write(Path(_kept_folder()) / "kernel.json", json.dumps(record))
    except OSError:
        return False
    return True


def _usable(record: dict[str, Any]) -> bool:
    """Whether a kept kernel's record allows this batch to take it: the same project, Python, library and
    environment (else the kernel would run stale code), not about to end itself, and its process alive."""
    fresh = time.time() < float(record.get("ends", 0)) - KEEP_MARGIN_S
    same = all(record.get(k) == v for k, v in _kernel_identity().items())
    return fresh and same and _kernel_alive(int(record.get("pid", 0)), str(record.get("connection_file", "")))


def _kept_waiting() -> bool:
    """Whether an earlier batch's kernel is kept for this project and usable; one that is not is shut down."""
    try:
        record = json.loads((Path(_kept_folder(make=False)) / "kernel.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    _kernel_environment()
    if _usable(record):
        return True
    _claim_kept()  # takes it, finds it unusable and shuts it down
    return False


def _claim_kept() -> tuple[Any, int] | None:
    """The kernel an earlier batch kept for this project, if it is usable (_usable); it is taken (no other batch
    can), and one that is not usable is shut down. It was reset when it was kept and nothing else can reach it, so
    it needs no second reset."""
    try:
        folder = Path(_kept_folder(make=False))
    except OSError:
        return None
    claimed = folder / f"kernel.claimed-{os.getpid()}.json"
    try:
        os.replace(folder / "kernel.json", claimed)
        record = json.loads(claimed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    finally:
        claimed.unlink(missing_ok=True)
    _kernel_environment()
    try:
        km = _attached_kernel_manager()(kernel_name="python3", connection_file=str(record["connection_file"]), kept=True)
        km.pid = int(record["pid"])
        km.load_connection_file()
    except Exception:  # a record or connection file that cannot be read: nothing to take
        return None
    if not _usable(record):
        _shutdown(km)
        return None
    return km, int(record.get("runs", 0))


#: Kernels kept for the next report in this process, by project: (kernel manager, reports it has run). A kernel is
#: kept only after a report that succeeded and left nothing behind (carepay.kernel_state.reset).
_KERNELS: dict[tuple[str, str], tuple[Any, int]] = {}
#: A kernel runs at most this many reports, then a fresh one starts, so that what a reset cannot give back (the
#: chart engine's heap grows by about 10 MiB a report) cannot build up. Twelve: every scenario on two workers
#: (23 reports) starts one kernel per worker, about 500 MiB each at the end.
MAX_REPORTS_PER_KERNEL = 12


def _kernel_environment() -> None:
    """What a report kernel inherits: the project root, and this Python first on PATH."""
    os.environ["CAREPAY_HOME"] = str(paths.project_root())
    here, path = str(Path(sys.executable).parent), os.environ.get("PATH", "")
    if path.split(os.pathsep)[0] != here:
        os.environ["PATH"] = here + os.pathsep + path
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    os.environ[export.LINKS_ENV] = "1"  # the batch writes each table's files: the report links to them
    # what a kernel computed once the others read back: charts drawn (carepay.charts._svg) and the default scenarios'
    # analyses (carepay.memo); "off" leaves either out (to measure what it saves)
    for variable, folder in ((CHART_CACHE_ENV, "charts"), (RESULT_CACHE_ENV, "results")):
        if os.environ.get(variable) != "off":
            os.environ[variable] = str(paths.reports_dir() / ".cache" / folder)


#: Days a drawn chart or a kept analysis no report has used stays in reports/.cache.
CACHE_DAYS = 30


def prune_caches(everything: bool = False) -> None:
    """Forget what the kernels kept in reports/.cache (drawn charts, analyses) that no report has used for
    CACHE_DAYS (each use touches its file), or all of it (`--force`: everything is computed and drawn again)."""
    folder = paths.reports_dir() / ".cache"
    if everything:
        shutil.rmtree(folder, ignore_errors=True)
        return
    cutoff = time.time() - CACHE_DAYS * 86_400
    for path in folder.glob("*/*") if folder.is_dir() else []:
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()


def _where() -> tuple[str, str]:
    return str(paths.project_root()), str(paths.notebooks_dir())


def _start_kernel() -> Any:
    """A kernel started in the notebooks' folder, warmed up (carepay.kernel_state.warm) before its first report."""
    from jupyter_core.utils import run_sync

    from carepay.kernel_state import EXEC_LINE

    _kernel_environment()
    km = _ipc_kernel_manager()(kernel_name="python3", kept=bool(_KEEP_NEXT))
    # no history database: a report's cells need none, and a reset kernel would reuse its line numbers
    arguments = [f"--IPKernelApp.exec_lines={EXEC_LINE}", "--HistoryManager.enabled=False"]
    if _KEEP_NEXT:  # it may outlive this process: it ends itself after the keeping time without a report
        env = {**os.environ, "CAREPAY_KERNEL_IDLE_S": str(keep_kernel_seconds())}
        run_sync(km.start_kernel)(cwd=_where()[1], extra_arguments=arguments, independent=True, env=env)
    else:
        run_sync(km.start_kernel)(cwd=_where()[1], extra_arguments=arguments)
    return km


def _take_kernel() -> tuple[Any, int]:
    """This project's kept kernel if it is still alive, else a fresh one; and the reports it has run."""
    from jupyter_core.utils import run_sync

    km, runs = _KERNELS.pop(_where(), (None, 0))
    if km is not None and run_sync(km.is_alive)():
        return km, runs
    if km is not None:  # it died while kept: release its sockets and files before starting another
        _shutdown(km)
    if _KEEP_NEXT and (kept := _claim_kept()) is not None:
        return kept
    return _start_kernel(), 0


def _reset_kernel(km: Any) -> str:
    """Empty a kernel after a report; '' when it is as it was before its first report, else what differs."""
    kc = km.blocking_client()
    kc.start_channels()
    try:
        from carepay.kernel_state import RESET_EXPRESSION

        reply = kc.execute_interactive(
            "", user_expressions={"left": RESET_EXPRESSION}, store_history=False, timeout=60, output_hook=lambda _msg: None
        )
        left = reply["content"].get("user_expressions", {}).get("left", {})
        if left.get("status") != "ok":
            return f"the reset failed ({left.get('ename', 'no reply')})"
        return str(ast.literal_eval(left["data"]["text/plain"]))
    except Exception as err:  # a kernel that does not answer is not reused
        return f"the reset failed ({type(err).__name__})"
    finally:
        kc.stop_channels()


def _shutdown(km: Any) -> None:
    """End a kernel at once (no graceful wait) and remove its connection file and sockets, even if it died."""
    from jupyter_core.utils import run_sync

    with contextlib.suppress(Exception):
        run_sync(km.shutdown_kernel)(now=True)
    with contextlib.suppress(Exception):
        run_sync(km.cleanup_resources)()
    with contextlib.suppress(Exception):  # a kept kernel's manager leaves it (see IPCKernelManager.kept)
        Path(km.connection_file).unlink(missing_ok=True)


def _give_back(km: Any, runs: int, ok: bool) -> None:
    """Keep the kernel for the next report if it may run one (ok: the report succeeded and another may follow),
    the kernel has run fewer than the maximum and its reset left nothing behind; otherwise shut it down."""
    if ok and runs + 1 < MAX_REPORTS_PER_KERNEL and not _reset_kernel(km):
        _KERNELS[_where()] = (km, runs + 1)
    else:
        _shutdown(km)


def shutdown_kernels(keep: bool = False) -> None:
    """Shut down the kernels kept for reports that did not come (the end of a batch, or an interrupted one); keep:
    leave this project's reset kernel running for the next batch instead (keep_kernel_seconds)."""
    while _KERNELS:
        where, (km, runs) = _KERNELS.popitem()
        if not (keep and _KEEP_NEXT and where == _where() and _keep(km, runs)):
            _shutdown(km)


atexit.register(shutdown_kernels)


@functools.cache
def _engine() -> str:
    """papermill's nbclient engine, run in a kernel carepay started: the same client, which leaves the kernel
    running for carepay to reset or shut down, and closes its own channels."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class StartedKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: int = 60,
            execution_timeout: int | None = None,
            **kwargs: Any,
        ) -> Any:
            kwargs = remove_args(["input_path"], **kwargs)
            final = merge_kwargs(
                remove_args(["timeout", "startup_timeout"], **kwargs),
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            client = PapermillNotebookClient(nb_man, **final)
            try:
                return client.execute(cleanup_kc=False)
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()
                    client.kc = None

    papermill_engines.register("carepay-started-kernel", StartedKernelEngine)
    return "carepay-started-kernel"


_EXPORTERS: dict[tuple[bool, str], Any] = {}


#: The elements nbconvert's HTML exporter makes focusable (tabindex="0") after rendering, by their class.
_FOCUSABLE = re.compile(r'<div class="((?:[^"]* )?(?:jp-Cell-inputWrapper|jp-OutputArea-output)(?: [^"]*)?)"([^>]*)>')


@functools.cache
def _html_exporter_class() -> type:
    """nbconvert's HTML exporter without its last pass, which parses the whole page with BeautifulSoup to give images
    a missing alt text and make inputs and outputs focusable (a quarter of a second for a report of 750 kB): the same
    attributes are set on the template's own tags as they are written. A page with an image goes the usual way.
    tests/test_batch.py checks that both ways give the same page."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportHTMLExporter(HTMLExporter):
        def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any) -> tuple[str, dict[str, Any]]:  # type: ignore[override]
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            resources = self._init_resources(resources)
            self.register_filter(
                "highlight_code", self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            )
            self.register_filter(
                "filter_data_type", WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources)
            )
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            if "<img" in page:
                return super().from_notebook_node(nb, resources, **kw)
            return _FOCUSABLE.sub(_focusable, page), resources

    return ReportHTMLExporter


def _focusable(match: re.Match[str]) -> str:
    classes, rest = match.group(1), match.group(2)
    if "tabindex=" in rest:
        return match.group(0)
    return f'<div class="{classes}"{rest} tabindex="0">'


def _exporter(show_code: bool, language: str = i18n.DEFAULT_LANGUAGE):
    """One HTML exporter per worker process, setting and language, its templates read and compiled (by exporting an
    empty notebook): run_job builds it while the kernel warms up, not after the report. A report in one language
    leaves out the Markdown cells written in the other (tagged lang-sv, lang-en: nbconvert's TagRemovePreprocessor)
    and says its language to the browser (html lang)."""
    key = (show_code, language)
    if key not in _EXPORTERS:
        import nbformat
        from nbconvert.preprocessors import TagRemovePreprocessor

        exporter = _html_exporter_class()(template_name="carepay", extra_template_basedirs=[str(paths.TEMPLATES_DIR)])
        exporter.exclude_input = not show_code
        exporter.optimistic_validation = True  # the notebook checked once, after the last preprocessor, not after each
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
        exporter.language_code = language
        other = {tag for lang, tag in i18n.CELL_TAGS.items() if lang != language}
        exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=other, enabled=True), enabled=True)
        exporter.from_notebook_node(nbformat.v4.new_notebook(), resources={"metadata": {"name": ""}})
        _EXPORTERS[key] = exporter
    return _EXPORTERS[key]


def run_job(job: Job, show_code: bool = False, last: bool = False) -> Outcome:
    """Execute one notebook with one scenario and write its report. Never raises. last: no report follows in this
    process, so the kernel is shut down rather than reset for another."""
    import papermill as pm

    start = time.perf_counter()
    job.folder.mkdir(parents=True, exist_ok=True)
    outcome = Outcome(
        job.notebook,
        job.scenario,
        ok=False,
        title=pick(job.values.get("title"), job.language),
        description=pick(job.values.get("description"), job.language),
        params_file=paths.relative(Path(job.params_path)),
        inputs=job.inputs,
        language=job.language,
    )
    tmp_nb = job.out(f".running{os.getpid()}.ipynb")
    parameters = {**job.values, "scenario": job.params_path}
    km, runs = None, 0
    try:
        # the HTML exporter is built (its templates read and compiled) while the kernel warms up and runs
        building = threading.Thread(target=_exporter, args=(show_code, job.language), name="carepay-exporter")
        building.start()
        km, runs = _take_kernel()
        outcome.kernel_reports_before = runs
        nb = pm.execute_notebook(
            str(paths.notebooks_dir() / f"{job.notebook}.ipynb"),
            str(tmp_nb),
            parameters=parameters,
            kernel_name="python3",
            cwd=str(paths.notebooks_dir()),
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            execution_timeout=CELL_TIMEOUT_S,
            engine_name=_engine(),
            km=km,
        )
        _give_back(km, runs, ok=not last)  # reset for the next report, or shut down at once (no graceful wait)
        km = None
        for i, cell in enumerate(nb.cells):  # papermill gives its injected cell a random id: make every id stable
            cell["id"] = f"cell-{i:03d}"
        building.join()
        body, _resources = _exporter(show_code, job.language).from_notebook_node(
            nb, resources={"metadata": {"name": outcome.title}}
        )
        body = export.link_to(accessibility.mark_languages(body, job.language), job.stem)
        try:
            _write_data(job, nb)
            _atomic_write(_staged(job.out(".html")), body)
            os.replace(tmp_nb, _staged(job.out(".ipynb")))
        except OSError as err:
            raise _unwritable(job, err) from err
        outcome.ok = True
        outcome.cells_seconds = round(sum(c.metadata.get("papermill", {}).get("duration") or 0.0 for c in nb.cells), 2)
        outcome.key_results = _key_results(nb)
        outcome.answer = _emitted(nb, ANSWER_MIME)
        outcome.untranslated = _emitted(nb, UNTRANSLATED_MIME)
        outcome.executed = paths.relative(job.out(".ipynb"))
        outcome.html = paths.relative(job.out(".html"))
    except Exception as err:  # a failing report must not stop the batch; the reason is recorded
        failed = job.out(".failed.ipynb")
        if tmp_nb.exists():
            os.replace(tmp_nb, failed)
            outcome.executed = paths.relative(failed)
        cell = getattr(err, "cell_index", None)
        outcome.failing_cell = None if cell is None else int(cell)
        ename = getattr(err, "ename", None)
        if ename:  # papermill's PapermillExecutionError: the cell's exception
            outcome.error = f"{ename}: {getattr(err, 'evalue', '')}"
        elif isinstance(err, ReportWriteError):
            outcome.error = str(err)
        else:
            outcome.error = "".join(traceback.format_exception_only(type(err), err)).strip()
        if job.out(".html").exists():
            outcome.html = paths.relative(job.out(".html"))
    finally:
        tmp_nb.unlink(missing_ok=True)
        if km is not None:  # the report failed: its kernel is never reused
            _give_back(km, runs, ok=False)
    outcome.seconds = round(time.perf_counter() - start, 2)
    outcome.finished = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    try:
        if outcome.ok:  # the HTML, the notebook and the status replace the old ones as one set
            _atomic_write(_staged(job.out(".json")), _status_text(outcome))
            _commit(job.folder, job.stem, [job.out(s) for s in (".data", ".xlsx", ".html", ".ipynb", ".json")])
            job.out(".failed.ipynb").unlink(missing_ok=True)
        else:
            write_status(outcome)
    except OSError as err:  # a read-only or full reports folder: this report failed, the batch goes on
        outcome.ok = False
        outcome.error = str(_unwritable(job, err))
    for suffix in (".html", ".ipynb", ".json", ".xlsx"):
        _staged(job.out(suffix)).unlink(missing_ok=True)
    shutil.rmtree(_staged(job.out(".data")), ignore_errors=True)
    return outcome


def _write_data(job: Job, nb: Any) -> None:
    """The data behind the report's tables and charts, staged beside it (committed with the report): the workbook
    <scenario>.xlsx and the folder <scenario>.data/ with two CSV files per table (carepay.export)."""
    records = _outputs(nb, TABLE_MIME)
    folder = _staged(job.out(".data"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    from carepay.params import HEADER_KEYS, flatten

    with i18n.language(job.language):  # the files' headers and first sheet in the report's language
        for rec in records:
            export.write_csv(rec, folder)
        about: list[tuple[str, Any]] = [
            (_("Scenario"), job.scenario),
            (_("Title"), pick(job.values.get("title"), job.language)),
            (_("What it is"), pick(job.values.get("description"), job.language)),
            (_("Language"), i18n.NAMES[job.language]),
            (_("Parameters file"), paths.relative(Path(job.params_path))),
            (_("Notebook"), f"notebooks/{job.notebook}.ipynb"),
            (_("carepay version"), __version__),
            (_("Inputs (digest of notebook, scenario, data and library)"), job.inputs),
            (_("Rendered"), datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ]
        parameters = {k: v for k, v in job.values.items() if k not in HEADER_KEYS}
        about += [
            (
                _("parameter: {name}", name=name),
                value if isinstance(value, (int, float, str)) or value is None else json.dumps(value),
            )
            for name, value in flatten(parameters)
        ]
        _staged(job.out(".xlsx")).write_bytes(export.workbook(records, about))


class ReportWriteError(OSError):
    """A report's files could not be written under reports/."""


def _unwritable(job: Job, err: OSError) -> ReportWriteError:
    return ReportWriteError(f"could not write the report to {paths.relative(job.folder)}/: {err.strerror or err}")


def write_status(outcome: Outcome) -> None:
    folder = paths.reports_dir() / outcome.notebook
    folder.mkdir(parents=True, exist_ok=True)
    _atomic_write(folder / f"{outcome.stem}.json", _status_text(outcome))


def _status_text(outcome: Outcome) -> str:
    """The status record beside a report, as JSON; a failed run keeps what the last good run said."""
    previous = paths.reports_dir() / outcome.notebook / f"{outcome.stem}.json"
    record = asdict(outcome)
    if not outcome.ok and previous.exists():
        # keep what the last good run said, so the index can still show it (marked out of date)
        try:
            old = json.loads(previous.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            old = {}  # a corrupt status file from an interrupted run: nothing to keep
        last_good = old if old.get("ok") else old.get("last_good")
        if last_good:
            record["last_good"] = {k: last_good.get(k) for k in ("key_results", "answer", "finished", "html", "title")}
    return json.dumps(record, indent=2, ensure_ascii=False)


def _die_with_parent() -> None:
    """On Linux, end this worker when the batch that started it dies (kill -9 included), instead of writing on."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):  # not Linux: workers end when their queue closes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _start_method() -> str:
    """How the batch's workers start: on Linux, when this process has started no kernel (so it has no kernel
    sockets, kernel manager or event loop of its own) and runs in no event loop (a notebook's), each worker is a
    fork of it, which has imported what a worker needs (measured: 0,4 s of CPU saved a worker, and its kernel
    starts that much sooner); otherwise (macOS and Windows, a notebook, a process that has run kernels) a fresh
    interpreter."""
    if sys.platform != "linux" or _SOCKETS or _KERNELS:
        return "spawn"
    asyncio = sys.modules.get("asyncio")  # not imported: no event loop runs
    with contextlib.suppress(RuntimeError):  # get_running_loop raises when none runs
        if asyncio is not None and asyncio.get_running_loop():
            return "spawn"
    return "fork"


def _init_worker() -> None:
    _die_with_parent()
    _KEEP_NEXT.clear()  # a forked worker's kernels end with it (only the batch's own process keeps one)
    # the worker's kernel starts and warms up while the worker imports papermill and nbconvert (once, not per report)
    _KERNELS[_where()] = (_start_kernel(), 0)
    from multiprocessing.util import Finalize

    Finalize(None, _end_worker, exitpriority=100)  # the first thing the worker does when the batch lets it go
    import nbconvert  # noqa: F401
    import nbformat  # noqa: F401
    import papermill  # noqa: F401


def _end_worker() -> None:
    """A worker's end, when the batch has no more reports for it: its kernel shut down and its sockets' folder
    removed (what the exit handlers of a process would do; a forked worker runs none), then the process leaves
    without the interpreter's final garbage collection of everything it imported, which took about 1 s on the
    batch's critical path (measured: the batch waits for its workers to end)."""
    shutdown_kernels()
    for folder in _SOCKETS:
        shutil.rmtree(folder, ignore_errors=True)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)


def run(
    jobs: list[Job],
    n_jobs: int = 1,
    show_code: bool = False,
    progress: bool = True,
    force: bool = False,
    languages: list[str] | None = None,
) -> list[Outcome]:
    """Run the jobs, n_jobs at a time, with a progress bar; returns one outcome per job and language. A report whose
    inputs have not changed since it was rendered (fingerprint) is reused, unless force. languages: render each
    scenario in these (default: each in its own, its `language`). One batch at a time (batch_lock); a worker that
    dies fails its reports, and the index is still written."""
    with batch_lock():
        return _run(jobs, n_jobs, show_code, progress, force, languages)


def _run(
    jobs: list[Job], n_jobs: int, show_code: bool, progress: bool, force: bool = False, languages: list[str] | None = None
) -> list[Outcome]:
    prune_caches(everything=force)
    ready, outcomes = prepare(jobs, languages)
    for o in outcomes:
        write_status(o)
    stale = []
    for job in ready:
        job.inputs = fingerprint(job, show_code)
        kept = None if force else up_to_date(job)
        if kept is None:
            stale.append(job)
            continue
        kept.reused = True
        write_status(kept)  # the index says it was reused, and when it was rendered
        outcomes.append(kept)
    ready = stale
    serial = n_jobs <= 1 or len(ready) == 1
    keep = keep_kernel_seconds() > 0
    _KEEP_NEXT[:] = [True] if keep else []
    if ready and serial and _where() not in _KERNELS:
        # the first kernel: one an earlier batch kept, or one that starts and warms up now, while this process
        # imports papermill and nbconvert
        _KERNELS[_where()] = _claim_kept() or (_start_kernel(), 0)
    if ready:
        from tqdm import tqdm

        bar = tqdm(total=len(ready), desc="reports", unit="report", disable=not progress, file=sys.stderr)
        if serial:
            for i, job in enumerate(ready):
                bar.set_postfix_str(f"{job.notebook}/{job.scenario}")
                outcomes.append(run_job(job, show_code, last=i == len(ready) - 1 and not keep))
                bar.update()
            shutdown_kernels(keep=keep)
        else:
            workers = min(n_jobs, len(ready))
            with ProcessPoolExecutor(
                max_workers=workers, mp_context=get_context(_start_method()), initializer=_init_worker
            ) as pool:
                futures = {pool.submit(run_job, job, show_code): job for job in longest_first(ready)}
                for finished, future in enumerate(as_completed(futures), 1):
                    if keep and len(futures) - finished < workers and _where() not in _KERNELS and not _kept_waiting():
                        # a worker has no more reports: on its core a kernel starts for the next batch (an analyst's
                        # re-run after one change) and warms up while the last reports run
                        _KERNELS[_where()] = (_start_kernel(), 0)
                    job = futures[future]
                    try:
                        outcomes.append(future.result())
                    except BrokenProcessPool:  # a worker was killed: its reports failed, the others still count
                        failed = Outcome(
                            job.notebook,
                            job.scenario,
                            ok=False,
                            params_file=paths.relative(Path(job.params_path)),
                            language=job.language,
                        )
                        failed.error = N_("the worker process running this report was killed before it finished")
                        write_status(failed)
                        outcomes.append(failed)
                    bar.set_postfix_str(f"{job.notebook}/{job.scenario}")
                    bar.update()
            shutdown_kernels(keep=keep)
        bar.close()
    write_comparisons(sorted({(o.notebook, o.language) for o in outcomes if o.ok and not o.reused}))
    write_index()
    order = {(j.notebook, j.scenario): i for i, j in enumerate(jobs)}
    return sorted(outcomes, key=lambda o: (order.get((o.notebook, o.scenario), 0), i18n.LANGUAGES.index(o.language)))


def write_comparisons(rendered: list[tuple[str, str]]) -> list[Path]:
    """The comparison page of each question and language with more than one rendered scenario (carepay.comparison):
    again for those this batch rendered a report of, and where the page is missing."""
    from carepay import comparison

    written = []
    for nb in notebook_names():
        folder = paths.reports_dir() / nb
        for language in i18n.LANGUAGES:
            page = folder / f"all.compared{i18n.file_suffix(language)}.html"
            statuses = [f for f in folder.glob("*.json") if _status_language(f) == language]
            if len(statuses) < 2 or ((nb, language) not in rendered and page.exists()):
                continue
            with contextlib.suppress(FileNotFoundError):  # no rendered report of it yet
                written.append(comparison.write(nb, language=language))
    return written


def _status_language(status: Path) -> str:
    """The language of a status file by its name: default.json is Swedish, default.en.json English."""
    stem = status.name[: -len(".json")]
    return stem.rpartition(".")[2] if "." in stem else i18n.DEFAULT_LANGUAGE


def outcomes_from_reports(selection: list[str] | None = None) -> list[Outcome]:
    """The outcomes of the last runs of the selected jobs, read back from their status files in reports/."""
    outcomes = []
    for job in discover(selection):
        status = job.out(".json")
        if not status.exists():
            outcomes.append(
                Outcome(
                    job.notebook,
                    job.scenario,
                    ok=False,
                    error=f"{paths.relative(status)} not found: render it first (python3 tasks.py reports)",
                )
            )
            continue
        record = json.loads(status.read_text(encoding="utf-8"))
        known = {k: v for k, v in record.items() if k in Outcome.__dataclass_fields__}
        outcomes.append(Outcome(**known))
    return outcomes


# --- the index ---------------------------------------------------------------------------


def _statuses() -> list[dict[str, Any]]:
    """The status of every report whose scenario still exists; the outputs of deleted scenarios are removed."""
    records = []
    notebooks = set(notebook_names())
    for f in sorted(paths.reports_dir().glob("*/*.json")):
        try:
            record = json.loads(f.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            continue
        params_file = record.get("params_file") or ""
        source = Path(params_file) if Path(params_file).is_absolute() else paths.project_root() / params_file
        if record.get("notebook") not in notebooks or not params_file or not source.exists():
            for suffix in (".json", ".html", ".ipynb", ".failed.ipynb", ".xlsx", ".pdf"):
                f.with_name(f.stem + suffix).unlink(missing_ok=True)
            shutil.rmtree(f.with_name(f.stem + ".data"), ignore_errors=True)
            continue
        records.append(record)
    return records


def _answers(records: list[dict[str, Any]], rel: Any) -> str:
    """One block per question, the default scenario's answer, in the registry's order."""
    from carepay.registry import QUESTIONS
    from carepay.report import inline_html

    blocks = []
    for name, question in QUESTIONS.items():
        r = next((r for r in records if r["notebook"] == name and r["scenario"] == "default"), None)
        if r is None:
            continue
        last = r.get("last_good") or {}
        answer = r.get("answer") or last.get("answer")
        if not answer:
            continue
        title = i18n.term(question.title)
        stale = (
            f' <span class="failed">{html.escape(_("(last good report; the latest run failed)"))}</span>'
            if not r.get("ok")
            else ""
        )
        link = r.get("html") or last.get("html") or ""
        blocks.append(
            f'<section class="answer"><h2>{html.escape(title)}{stale}</h2>'
            + "".join(f"<p>{inline_html(s)}</p>" for s in answer)
            + (
                f'<p class="small"><a href="{html.escape(rel(link))}">{html.escape(_("The full report: {title}", title=title))}</a></p>'
                if link
                else ""
            )
            + "</section>"
        )
    return "".join(blocks)


def _fmt_result(r: dict[str, Any]) -> str:
    from carepay.report import auto_decimals, auto_percent_decimals, number, percent

    def shown(v: Any, unit: bool = True) -> str:
        if not isinstance(v, (int, float)):
            return i18n.cell(str(v))
        if r.get("unit") == "%":
            return percent(v, auto_percent_decimals(v))
        return number(v, auto_decimals(v)) + ("\u00a0" + i18n.term(r.get("unit", "")) if unit and r.get("unit") else "")

    text = shown(r.get("value")).strip()
    low, high = r.get("low"), r.get("high")
    span = (
        " (" + _("90 %: {low} to {high}", low=shown(low, unit=False), high=shown(high).strip()) + ")"
        if low is not None and high is not None
        else ""
    )
    return f"<li>{html.escape(r.get('result', ''))}: <b>{html.escape(text)}</b>{html.escape(span)}</li>"


def local_time(finished: str) -> str:
    """A status file's time ('2026-11-23 10:59 UTC') as a Swedish reader reads it: Swedish local time (CET or CEST),
    its zone's name in the active language (CLDR: 'CET', or 'normaltid' in Swedish where CLDR names it so)."""
    from zoneinfo import ZoneInfo

    try:
        when = datetime.strptime(finished, "%Y-%m-%d %H:%M UTC").replace(tzinfo=UTC)
    except ValueError:
        return finished
    local = when.astimezone(ZoneInfo("Europe/Stockholm"))
    return local.strftime("%Y-%m-%d %H:%M ") + (local.tzname() or "")


def index_name(language: str) -> str:
    """reports/index.html in Swedish, reports/index.en.html in English."""
    return f"index{i18n.file_suffix(language)}.html"


def write_index() -> Path:
    """reports/index.html (Swedish) and, where any report is in English, reports/index.en.html: every question's
    answer, then every report with its title, description, status and headline results, in the page's language; a
    scenario with no report in that language links the one it has. Returns the Swedish index's path."""
    records = _statuses()
    languages = [
        i18n.DEFAULT_LANGUAGE,
        *sorted({r.get("language") or i18n.DEFAULT_LANGUAGE for r in records} - {i18n.DEFAULT_LANGUAGE}),
    ]
    written = []
    for language in languages:
        with i18n.language(language):
            written.append(_write_index(records, language, languages))
    for other in i18n.LANGUAGES:  # an index of a language with no reports any more goes
        if other not in languages:
            (paths.reports_dir() / index_name(other)).unlink(missing_ok=True)
    return written[0]


def _write_index(all_records: list[dict[str, Any]], language: str, languages: list[str]) -> Path:
    from carepay.registry import QUESTIONS

    root = paths.reports_dir()
    root.mkdir(parents=True, exist_ok=True)
    e = html.escape

    def rel(p: str) -> str:
        return os.path.relpath(paths.project_root() / p, root) if p else ""

    # one record per report of this language; a scenario rendered only in another language is listed in that one
    by_scenario: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for r in all_records:
        by_scenario.setdefault((r["notebook"], r["scenario"]), {})[r.get("language") or i18n.DEFAULT_LANGUAGE] = r
    records = [versions.get(language) or next(iter(versions.values())) for versions in by_scenario.values()]
    sections = []
    for nb in sorted({r["notebook"] for r in records}):
        rows = []
        for r in sorted((r for r in records if r["notebook"] == nb), key=lambda r: (r["scenario"] != "default", r["scenario"])):
            r_language = r.get("language") or i18n.DEFAULT_LANGUAGE
            other_versions = [
                f'<a class="small" href="{e(rel(o["html"]))}" hreflang="{e(lang)}" lang="{e(lang)}">{e(i18n.NAMES[lang])}</a>'
                for lang, o in by_scenario[(nb, r["scenario"])].items()
                if lang != r_language and o.get("html")
            ]
            in_other = f" <span class='small'>({e(i18n.NAMES[r_language])})</span>" if r_language != language else ""
            if r["ok"]:
                state = "reused" if r.get("reused") else "rendered"
                status = f'<span class="ok" data-status="{state}">{e(_("reused") if r.get("reused") else _("rendered"))}</span>'
                results = r.get("key_results", [])
                link = f'<a href="{e(rel(r["html"]))}">{e(r["title"] or r["scenario"])}</a>{in_other}'
                extra = f'<a class="small" href="{e(rel(r["executed"]))}">{e(_("executed notebook"))}</a>'
            else:
                where = _(" in cell {cell}", cell=r["failing_cell"]) if r.get("failing_cell") is not None else ""
                status = f'<span class="failed" data-status="failed">{e(_("failed") + where)}</span>'
                last = r.get("last_good") or {}
                results = last.get("key_results", [])
                title = e(r.get("title") or r["scenario"])
                link = (
                    f'{title}<br><a class="small" href="{e(rel(last["html"]))}">'
                    f"{e(_('last good report ({when}, out of date)', when=local_time(last.get('finished') or '')))}</a>"
                    if last.get("html")
                    else title
                )
                error = i18n.known(r["error"])  # the batch's own messages in the page's language; an exception's as raised
                first = error.strip().splitlines()[0] if error.strip() else _("failed")
                extra = (
                    f"<details><summary>{e(first[:160])}</summary><pre>{e(error)}</pre></details>"
                    if len(error) > 160 or "\n" in error.strip()
                    else f"<pre>{e(error)}</pre>"
                ) + (
                    f'<a class="small" href="{e(rel(r["executed"]))}">{e(_("failed notebook"))}</a>' if r.get("executed") else ""
                )
            items = "".join(_fmt_result(x) for x in results)
            when = (
                _("rendered {when}", when=local_time(r.get("finished", "")))
                if r.get("reused")
                else local_time(r.get("finished", ""))
            )
            versions_html = f"<div class='small'>{' · '.join(other_versions)}</div>" if other_versions else ""
            rows.append(
                f"<tr><td>{link}<div class='small' translate='no'>{e(r['scenario'])} · {e(r.get('params_file', ''))}</div>{versions_html}</td>"
                f"<td>{e(r.get('description', ''))}</td><td>{status}<div class='small'>{e(when)}"
                f"{' · ' + str(r['seconds']).replace('.', ',') + ' s' if r.get('seconds') else ''}</div>{extra}</td>"
                f"<td><ul>{items}</ul></td></tr>"
            )
        name = i18n.term(QUESTIONS[nb].title) if nb in QUESTIONS else nb
        compared = f"all.compared{i18n.file_suffix(language)}.html"
        compare_link = (
            f'<p><a href="{e(nb)}/{compared}">{e(_("Compare the scenarios of {question} side by side", question=name))}</a></p>'
            if (root / nb / compared).exists()
            else ""
        )
        sections.append(
            f'<h2 id="{e(nb)}">{e(name)}</h2>{compare_link}<div class="scroll" tabindex="0" role="region" '
            f'aria-label="{e(_("{question}: every scenario", question=name))}"><table><caption>'
            f"{e(_('{question}: one report per scenario (notebook {notebook})', question=name, notebook=nb))}</caption>"
            f'<thead><tr><th scope="col">{e(_("Report"))}</th><th scope="col">{e(_("What it is"))}</th>'
            f'<th scope="col">{e(_("Status"))}</th><th scope="col">{e(_("Headline results"))}</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )
    n_fail = sum(not r["ok"] for r in records)
    answers = _answers([r for r in records if (r.get("language") or i18n.DEFAULT_LANGUAGE) == language] or records, rel)
    switch = " · ".join(
        f'<a href="{index_name(lang)}" hreflang="{lang}" lang="{lang}">{e(i18n.NAMES[lang])}</a>'
        for lang in languages
        if lang != language
    )
    intro = _(
        "{reports} reports, {failed} failed. Each report was computed by the carepay library from data/ and the "
        "scenario's parameters in params/; its last section records the parameters, data checksums and versions used. "
        "Times are Swedish local time.",
        reports=len(records),
        failed=n_fail,
    )
    empty = _("No reports yet: run {command}.", command="<code>python3 tasks.py reports</code>")
    page = f"""<!DOCTYPE html>
<html lang="{language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{e(_("carepay reports"))}</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; max-width: 1100px; margin: 2rem auto; padding: 0 1rem; color: #222; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 0.5rem; font-size: 14px; min-width: 640px; }}
.scroll {{ overflow-x: auto; margin-bottom: 2rem; }} .scroll:focus-visible {{ outline: 3px solid #0072B2; }}
th {{ text-align: left; border-bottom: 2px solid #333; padding: 6px; }} td {{ border-bottom: 1px solid #ddd; padding: 6px; vertical-align: top; }}
td ul {{ margin: 0; padding-left: 1.1rem; }} .small {{ font-size: 12px; color: #555; }}
.ok {{ color: #1b7a3a; font-weight: bold; }} .failed {{ color: #b00020; font-weight: bold; }}
pre {{ white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12px; background: #fff4f4; padding: 4px; }}
td {{ overflow-wrap: anywhere; }} details summary {{ cursor: pointer; font-size: 12px; }}
.answer {{ border-left: 4px solid #1f4e79; background: #f3f7fb; padding: 0.4rem 1rem; margin: 0 0 1rem 0; }}
.answer h2 {{ font-size: 1.1rem; margin: 0.4rem 0; }} .answer p {{ margin: 0.4rem 0; line-height: 1.45; }}
.synthetic {{ background: #E69F00; color: #000; font-weight: bold; font-size: 11px; padding: 1px 4px; border-radius: 3px; }}
:focus-visible {{ outline: 3px solid #0072B2; outline-offset: 2px; }} caption {{ text-align: left; font-size: 13px; color: #555; padding-bottom: 4px; }}
.lang {{ float: right; font-size: 13px; }}
</style></head><body>
{f'<p class="lang">{switch}</p>' if switch else ""}<h1>{e(_("carepay reports"))}</h1>
<p>{e(intro)}</p>
{(f'<h2 class="answers">{e(_("The answers"))}</h2>' + answers) if answers else ""}
{(f'<h2 class="answers">{e(_("Every report"))}</h2>' if answers else "") + "".join(sections) or f"<p>{empty}</p>"}
</body></html>
"""
    index = root / index_name(language)
    _atomic_write(index, page)
    return index
