"""The code is clean as the linters see it, with the versions and settings of pyproject.toml:
ruff check (pyflakes, pycodestyle, isort, bugbear, pyupgrade, simplify, unused arguments), ruff format,
and mypy on lib/carepay. The same commands as `python3 tasks.py lint` and .pre-commit-config.yaml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

BIN = Path(sys.executable).parent
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tasks import LINTED  # noqa: E402


def _run(root: Path, *cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / cmd[0]), *cmd[1:]], cwd=root, capture_output=True, text=True)


def test_ruff_check_finds_nothing(root):
    out = _run(root, "ruff", "check", *LINTED)
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_format_changes_nothing(root):
    out = _run(root, "ruff", "format", "--check", *LINTED)
    assert out.returncode == 0, "run `.venv/bin/ruff format`:\n" + out.stdout + out.stderr


def test_mypy_finds_nothing(root):
    out = _run(root, "mypy")
    assert out.returncode == 0, out.stdout + out.stderr


def test_pre_commit_runs_the_same_lint(root):
    config = yaml.safe_load((root / ".pre-commit-config.yaml").read_text())
    entries = [h["entry"] for repo in config["repos"] for h in repo["hooks"]]
    assert entries == ["python3 tasks.py lint"]
