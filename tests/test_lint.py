"""The code has no unused or undefined names (ruff, settings in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def test_ruff_finds_nothing(root):
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    out = subprocess.run([ruff, "check", "lib", "tests", "benchmarks", "tasks.py"], cwd=root, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
