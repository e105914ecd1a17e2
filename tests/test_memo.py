"""The batch computes the default scenario's analysis once (carepay.memo): read back for the same inputs, computed
again for others, and never loaded from a file it did not sign."""

from __future__ import annotations

import pickle

from carepay import i18n, memo, params


class Package:
    """A stand-in data package: its files are what the result depends on."""

    def __init__(self, digest: str) -> None:
        self.digest = digest

    def files(self):
        import pandas as pd

        return pd.DataFrame({"file": ["a.csv"], "sha256": [self.digest]})


def test_a_result_is_computed_once_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # a signing key of this test's own
    monkeypatch.setenv(memo.RESULT_CACHE_ENV, str(tmp_path / "results"))
    calls = []

    def analyse(_params, pkg):
        calls.append(pkg.digest)
        return {"cost": 1.0, "digest": pkg.digest}

    p = params.load("capitation_fairness")
    assert memo.analysed(analyse, p, Package("x")) == memo.analysed(analyse, p, Package("x")) and calls == ["x"]
    memo.analysed(analyse, p, Package("y"))  # other data: computed
    with i18n.language("sv"):  # another language: computed (an analysis words some cells in it)
        memo.analysed(analyse, p, Package("x"))
    assert calls == ["x", "y", "x"]
    kept = sorted((tmp_path / "results").glob("*.pickle"))
    assert len(kept) == 3
    # a file not signed with this user's key is never loaded: computed again, and replaced
    payload = pickle.dumps({"cost": 666.0})
    for f in kept:
        f.write_bytes(b"\0" * 32 + payload)
    assert memo.analysed(analyse, p, Package("x"))["cost"] == 1.0 and calls[-1] == "x"
    assert (tmp_path / "home" / ".cache" / "carepay" / "memo.key").stat().st_mode & 0o077 == 0


def test_outside_the_batch_nothing_is_kept(monkeypatch):
    monkeypatch.delenv(memo.RESULT_CACHE_ENV, raising=False)
    calls = []
    p = params.load("capitation_fairness")
    for _ in range(2):
        memo.analysed(lambda *_: calls.append(1), p, Package("x"))
    assert len(calls) == 2


class Scenario:
    """A stand-in scenario whose values name an analyst's extract."""

    def values(self) -> dict:
        return {"individuals": {"source": "extract", "extract_file": "extract.csv"}}


def test_an_extract_changed_under_the_same_name_is_computed_again(project, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv(memo.RESULT_CACHE_ENV, str(tmp_path / "results"))
    extract = project / "extract.csv"
    seen = []

    def analyse(_params, _pkg):
        seen.append(extract.read_text())
        return len(seen)

    for contents in ("person,hours\n1,10\n", "person,hours\n1,10\n", "person,hours\n1,12\n"):
        extract.write_text(contents)
        memo.analysed(analyse, Scenario(), Package("x"))
    assert seen == ["person,hours\n1,10\n", "person,hours\n1,12\n"]
