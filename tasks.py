#!/usr/bin/env python3
"""The project's commands, needing nothing but python3.

    python3 tasks.py reports [carepay reports options]   install, then render every default report
    python3 tasks.py test [pytest options]               install with test tools, then run the tests
    python3 tasks.py lab                                 install JupyterLab too, then open it
    python3 tasks.py pin [carepay pin options]           install, render, rewrite tests/pinned/ and print what moved
    python3 tasks.py lint                                install with test tools, then ruff check, ruff format --check, mypy
    python3 tasks.py check-data                          install, then cross-check the source data

Each command creates .venv/ on first use and installs the project into it
(again only when pyproject.toml changes).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
#: What ruff checks and formats (notebooks included: ruff reads their code cells); mypy's files are in pyproject.toml.
LINTED = ["lib", "tests", "benchmarks", "tasks.py", "notebooks"]


def install(extras: str = "") -> None:
    """Create .venv and install the project with the given extras, if not done already."""
    if not PY.exists():
        print(f"creating {VENV.name}/ ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    spec = (ROOT / "pyproject.toml").read_bytes() + extras.encode()
    stamp = VENV / f".carepay-installed-{extras or 'core'}"
    digest = hashlib.sha256(spec).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    target = f".[{extras}]" if extras else "."
    print(f"installing carepay{f'[{extras}]' if extras else ''} and its dependencies into {VENV.name}/ ...", flush=True)
    subprocess.run(
        [str(PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target], cwd=ROOT, check=True
    )
    stamp.write_text(digest)


def run(args: list[str]) -> int:
    return subprocess.run(args, cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "reports":
        install()
        return run([str(BIN / "carepay"), "reports", *rest])
    if command in ("check-data", "pin"):
        install()
        return run([str(BIN / "carepay"), command, *rest])
    if command == "test":
        install("test")
        return run([str(PY), "-m", "pytest", *rest])
    if command == "lint":
        install("test")
        checks = [[str(BIN / "ruff"), "check", *LINTED], [str(BIN / "ruff"), "format", "--check", *LINTED], [str(BIN / "mypy")]]
        return max(run(c) for c in checks)
    if command == "lab":
        install("lab")
        return run([str(BIN / "jupyter"), "lab", "notebooks", *rest])
    print(f"unknown command {command!r}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
