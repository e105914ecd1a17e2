"""The one place that knows where the project's folders are.

The project root is, in order: the environment variable CAREPAY_HOME; the nearest
folder at or above the current directory that holds both data/ and params/; the
folder the package was installed from (lib/carepay -> ../..).
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"


def _is_root(path: Path) -> bool:
    return (path / "data").is_dir() and (path / "params").is_dir()


def project_root() -> Path:
    """The project folder (holds data/, params/, notebooks/)."""
    env = os.environ.get("CAREPAY_HOME")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if _is_root(candidate):
            return candidate
    return PACKAGE_DIR.parents[1]


def data_dir() -> Path:
    return project_root() / "data"


def params_dir() -> Path:
    return project_root() / "params"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def reports_dir() -> Path:
    return project_root() / "reports"


def relative(path: Path) -> str:
    """Path as shown to a user: relative to the project root when inside it."""
    try:
        return str(Path(path).resolve().relative_to(project_root()))
    except ValueError:
        return str(path)


def data_package_names(data: Path | None = None) -> list[str]:
    """Names of the data packages under data/ (folders with a datapackage.json)."""
    root = Path(data) if data else data_dir()
    return sorted(p.parent.name for p in root.glob("*/datapackage.json"))


#: Folders besides the project folder from which extracts may be read (os.pathsep between them).
EXTRACT_DIRS_VARIABLE = "CAREPAY_EXTRACT_DIRS"
#: The largest extract read, in MiB; an analyst can raise it.
EXTRACT_MAX_MB_VARIABLE = "CAREPAY_EXTRACT_MAX_MB"
EXTRACT_MAX_MB = 500


def extract_path(value: str) -> Path:
    """The file an analyst's extract names, checked: a regular file (after following links) under the project
    folder or a folder named in CAREPAY_EXTRACT_DIRS, and no larger than CAREPAY_EXTRACT_MAX_MB (500 MiB).
    ValueError saying which rule is broken."""
    import stat

    given = Path(value).expanduser()
    path = (given if given.is_absolute() else project_root() / given).resolve()
    allowed = [project_root().resolve()]
    allowed += [Path(d).expanduser().resolve() for d in os.environ.get(EXTRACT_DIRS_VARIABLE, "").split(os.pathsep) if d]
    if not any(path == a or a in path.parents for a in allowed):
        raise ValueError(
            f"{value}: extracts are read only from the project folder or a folder named in {EXTRACT_DIRS_VARIABLE}; "
            f"this resolves to {path}"
        )
    if not path.exists():
        raise ValueError(f"{value}: file not found")
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        raise ValueError(f"{value}: not a regular file (a folder, device or pipe cannot be an extract)")
    limit = float(os.environ.get(EXTRACT_MAX_MB_VARIABLE) or EXTRACT_MAX_MB)
    size = path.stat().st_size / 2**20
    if size > limit:
        raise ValueError(f"{value}: {size:.0f} MiB, larger than the {limit:g} MiB allowed; raise {EXTRACT_MAX_MB_VARIABLE}")
    return path


@functools.lru_cache(maxsize=1)
def library_digest() -> str:
    """A digest of the carepay library as installed here (its modules, schemas, templates and catalogues): what the
    batch computed with another library is computed again."""
    digest = hashlib.sha256()
    for path in sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


#: How a parameter naming one of the analyst's own files ends (an extract the report reads).
EXTRACT_PARAMETERS = ("extract_file", "individuals_file")


def scenario_files(values: Any, prefix: str = "") -> list[tuple[str, Path]]:
    """The analyst's files a scenario's values name (its extracts), as (parameter, checked path), in order."""
    found: list[tuple[str, Path]] = []
    items = values.items() if isinstance(values, dict) else enumerate(values) if isinstance(values, list) else ()
    for key, value in items:
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, (dict, list)):
            found.extend(scenario_files(value, name))
        elif name.endswith(EXTRACT_PARAMETERS) and value:
            found.append((name, extract_path(str(value))))
    return found
