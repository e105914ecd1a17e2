"""Shared fixtures: a throwaway copy of the project, so tests never touch the real reports/ or data/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# no test leaves a warm kernel behind for the next batch (tests/test_batch.py turns it on where it is tested)
os.environ["CAREPAY_KEEP_KERNEL"] = "0"
# every chart of every report the suite renders is checked against Altair's schema (carepay.charts.VALIDATE_ENV)
os.environ["CAREPAY_VALIDATE_CHARTS"] = "1"


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of data/, params/ and notebooks/ in a temporary folder, made the project root."""
    for name in ("data", "params", "notebooks"):
        shutil.copytree(ROOT / name, tmp_path / name)
    monkeypatch.setenv("CAREPAY_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
