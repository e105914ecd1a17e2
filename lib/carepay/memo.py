"""A question's analysis computed once per batch, not once per report that needs it.

Every scenario's report other than the default's compares itself with the default, and so computed the default's
analysis again: 37 times in a full batch, 0,2-0,5 s each. ``analysed(analyse, params, *packages)`` returns
``analyse(params, *packages)`` and, in the batch's kernels, keeps it in a folder the batch names
(``RESULT_CACHE_ENV``, reports/.cache/results), under a digest of everything the result depends on: the function,
the scenario's values, the report's language, the data packages' files, the analyst's extracts it names (their
contents, not only their names) and the carepay library itself. A result is a pickle, so each is
signed with a key only this user can read (HMAC-SHA256; ~/.cache/carepay/memo.key, mode 0600) and one whose
signature does not match is computed again, never loaded: a file placed in reports/ by anyone else cannot run code.
`carepay reports --force` empties the folder; results no report has used for 30 days go (carepay.batch).
Outside the batch (a notebook run by hand) nothing is kept.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

#: Environment variable naming the folder of kept results; the batch sets it for its kernels.
RESULT_CACHE_ENV = "CAREPAY_RESULT_CACHE"
T = TypeVar("T")


def _key() -> bytes:
    """This user's signing key, made on first use (readable by this user only)."""
    folder = Path.home() / ".cache" / "carepay"
    path = folder / "memo.key"
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    key = os.urandom(32)
    tmp = folder / f".memo.key.{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    os.replace(tmp, path)
    return key


def analysed(analyse: Callable[..., T], params: Any, *packages: Any) -> T:
    """analyse(params, *packages), read back where the batch computed it before for the same inputs."""
    folder = os.environ.get(RESULT_CACHE_ENV)
    if not folder:
        return analyse(params, *packages)
    from carepay import i18n, paths

    inputs = [
        f"{analyse.__module__}.{analyse.__qualname__}",
        params.values(),  # the parameters; not the scenario's title or description, which no analysis reads
        i18n.current(),  # an analysis words some of its table cells in the report's language
        [sorted(pkg.files().itertuples(index=False, name=None)) for pkg in packages],
        [(name, hashlib.sha256(path.read_bytes()).hexdigest()) for name, path in paths.scenario_files(params.values())],
        paths.library_digest(),
    ]
    name = hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()
    path = Path(folder) / f"{name}.pickle"
    key = _key()
    try:
        blob = path.read_bytes()
        signature, payload = blob[:32], blob[32:]
        if hmac.compare_digest(signature, hmac.new(key, payload, hashlib.sha256).digest()):
            path.touch()  # in use: kept when old results are cleared
            result: T = pickle.loads(payload)  # noqa: S301 (signed by this user's key: written by this user's batch)
            return result
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    result = analyse(params, *packages)
    try:
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_bytes(hmac.new(key, payload, hashlib.sha256).digest() + payload)
        os.replace(tmp, path)  # whole or not at all: another kernel may read it at once
    except (OSError, pickle.PicklingError):
        pass  # kept nothing: computed again next time
    return result
