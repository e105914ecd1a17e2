#!/usr/bin/env python3
"""The project's commands, needing nothing but python3.

    python3 tasks.py reports [carepay reports options]   install, then render every default report
    python3 tasks.py test [pytest options]               install with test tools, then run the tests
    python3 tasks.py lab                                 install JupyterLab in its own .venv-lab/, then open it
    python3 tasks.py pin [carepay pin options]           install, render, rewrite tests/pinned/ and print what moved
    python3 tasks.py lint                                install with test tools, then ruff check, ruff format --check, mypy
    python3 tasks.py check-data                          install, then cross-check the source data

Each command creates .venv/ on first use and installs the project into it
(again only when pyproject.toml changes).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
#: JupyterLab lives in its own environment: it brings jsonschema's format extras, which would add about 1,8 s to
#: every report kernel's imports (README, Design).
LAB_VENV = ROOT / ".venv-lab"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
TEMPLATE = ROOT / "lib" / "carepay" / "templates" / "carepay"
#: What ruff checks and formats (notebooks included: ruff reads their code cells); mypy's files are in pyproject.toml.
LINTED = ["lib", "tests", "benchmarks", "tasks.py", "notebooks"]


def bin_dir(env: Path) -> Path:
    return env / ("Scripts" if os.name == "nt" else "bin")


def install(extras: str = "", env: Path = VENV) -> None:
    """Create the environment and install the project with the given extras, if not done already; make the
    carepay nbconvert template findable there (`jupyter nbconvert --template carepay`)."""
    python = bin_dir(env) / "python"
    if not python.exists():
        print(f"creating {env.name}/ ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(env)
    spec = (ROOT / "pyproject.toml").read_bytes() + extras.encode()
    stamp = env / f".carepay-installed-{extras or 'core'}"
    digest = hashlib.sha256(spec).hexdigest()
    if not (stamp.exists() and stamp.read_text() == digest):
        target = f".[{extras}]" if extras else "."
        print(f"installing carepay{f'[{extras}]' if extras else ''} and its dependencies into {env.name}/ ...", flush=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target], cwd=ROOT, check=True
        )
        stamp.write_text(digest)
    link_template(env)


def link_template(env: Path) -> Path:
    """env/share/jupyter/nbconvert/templates/carepay -> lib/carepay/templates/carepay (a copy where links fail)."""
    target = env / "share" / "jupyter" / "nbconvert" / "templates" / "carepay"
    if target.is_symlink() or target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        target.symlink_to(TEMPLATE, target_is_directory=True)
    except OSError:
        shutil.copytree(TEMPLATE, target)
    return target


def lab_command(rest: list[str]) -> list[str]:
    """JupyterLab from its own environment, on the notebooks; as root (a container) it must be told it may run."""
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    return [str(bin_dir(LAB_VENV) / "jupyter"), "lab", "notebooks", *(["--allow-root"] if root else []), *rest]


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
        install("lab", LAB_VENV)
        return run(lab_command(rest))
    print(f"unknown command {command!r}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
