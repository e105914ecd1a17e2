"""The one place that knows where the project's folders are.

The project root is, in order: the environment variable CAREPAY_HOME; the nearest
folder at or above the current directory that holds both data/ and params/; the
folder the package was installed from (lib/carepay -> ../..).
"""

from __future__ import annotations

import os
from pathlib import Path

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
