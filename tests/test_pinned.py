"""The pinned-results machinery: comparisons that can fail, rewrites that keep hand-set tolerances."""

from __future__ import annotations

from dataclasses import dataclass, field

from carepay import pinned


def _results(**values):
    return [{"id": k, "result": k.replace("_", " "), "value": v, "unit": "kr/year"} for k, v in values.items()]


def test_compare_flags_a_result_outside_its_tolerance():
    pins = pinned.updated(None, _results(cost=1000.0, change=-20.0))
    assert pinned.compare("nb", "s", pins, _results(cost=1000.4, change=-20.0)) == []
    [problem] = pinned.compare("nb", "s", pins, _results(cost=1001.0, change=-20.0))
    assert problem.startswith("nb/s: cost") and "expected 1,000 kr/year" in problem and "got 1,001 kr/year" in problem


def test_compare_flags_missing_extra_unpinned_and_text():
    pins = pinned.updated(None, _results(cost=1.0) + [{"id": "winner", "result": "w", "value": "A", "unit": ""}])
    problems = pinned.compare("nb", "s", pins, _results(other=1.0) + [{"id": "winner", "result": "w", "value": "B", "unit": ""}])
    assert any("'cost' is pinned but the report no longer shows it" in p for p in problems)
    assert any("'other' is shown but not pinned" in p for p in problems)
    assert any("expected 'A', got 'B'" in p for p in problems)
    assert pinned.compare("nb", "s", None, _results(cost=1.0))[0].startswith("nb/s: no pinned results")
    assert pinned.compare("nb", "s", pins, _results(cost=float("nan")) + [{"id": "winner", "value": "A"}])


def test_default_tolerance_by_unit():
    assert pinned.default_tolerance(300e6, "kr/year") == 0.5
    assert pinned.default_tolerance(1.0, "hours/year") == 0.005
    assert pinned.default_tolerance(0.5, "%") == 1e-6
    assert pinned.default_tolerance(1709, "persons") == 0.0
    assert pinned.default_tolerance(1709.5, "persons") == 2e-6
    assert pinned.default_tolerance(3e12, "kr") == 3e3


@dataclass
class _Outcome:
    notebook: str
    scenario: str
    key_results: list = field(default_factory=list)
    ok: bool = True


def test_pin_writes_reports_moves_and_keeps_hand_set_tolerance(tmp_path):
    first = pinned.pin(
        [_Outcome("nb", "default", _results(cost=100.0)), _Outcome("nb", "old", _results(cost=1.0))], folder=tmp_path
    )
    assert first == ["nb/default: cost pinned at 100 kr/year (new)", "nb/old: cost pinned at 1 kr/year (new)"]
    pins = pinned.read("nb", tmp_path)
    pins["default"]["cost"]["tolerance"] = 5.0
    pinned.write("nb", pins, tmp_path)
    moved = pinned.pin([_Outcome("nb", "default", _results(cost=103.0))], {"nb": ["default"]}, folder=tmp_path)
    assert moved == [
        "nb/default: cost moved from 100 kr/year to 103 kr/year (difference 3 kr/year)",
        "nb/old: scenario no longer exists, its pins removed",
    ]
    again = pinned.read("nb", tmp_path)
    assert again == {"default": {"cost": {"label": "cost", "value": 103, "unit": "kr/year", "tolerance": 5.0}}}
    assert (tmp_path / "nb.yaml").read_text().startswith("# Pinned key results of notebooks/nb.ipynb")


def test_the_90_percent_range_is_pinned_beside_the_value():
    ranged = [{**r, "low": 900.0, "high": 1100.0} for r in _results(cost=1000.0)]
    pins = pinned.updated(None, ranged)
    assert pins["cost"]["low"] == 900.0 and pins["cost"]["high"] == 1100.0
    assert pinned.compare("nb", "s", pins, ranged) == []
    moved = [{**ranged[0], "high": 1102.0}]
    [problem] = pinned.compare("nb", "s", pins, moved)
    assert problem.startswith("nb/s: cost (high end of its 90 % range)") and "got 1,102 kr/year" in problem
    assert pinned.compare("nb", "s", pins, _results(cost=1000.0)) == [
        "nb/s: cost (low end of its 90 % range) is pinned but not shown",
        "nb/s: cost (high end of its 90 % range) is pinned but not shown",
    ]
    lines = pinned._moves("nb", "s", pins, pinned.updated(pins, moved))
    assert lines == ["nb/s: cost high end of its 90 % range moved from 1,100 kr/year to 1,102 kr/year"]
    assert pinned._moves("nb", "s", pinned.updated(None, _results(cost=1000.0)), pins) == [
        "nb/s: cost low end of its 90 % range pinned at 900 kr/year (new)",
        "nb/s: cost high end of its 90 % range pinned at 1,100 kr/year (new)",
    ]
