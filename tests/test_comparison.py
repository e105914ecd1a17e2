"""The comparison page's own chart (carepay.comparison): its axis."""

from __future__ import annotations

import pytest

from carepay.comparison import nice_ticks


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        (-86_500_000, 2_100_000, [-100_000_000, -75_000_000, -50_000_000, -25_000_000, 0, 25_000_000]),
        (-3, 7, [-5.0, -2.5, 0.0, 2.5, 5.0, 7.5]),
        (0.5, 0.58, [0.5, 0.52, 0.54, 0.56, 0.58]),
    ],
)
def test_axis_ticks_are_round_cover_the_range_and_hold_zero_where_it_is_crossed(lo, hi, expected):
    ticks = nice_ticks(lo, hi)
    assert ticks == pytest.approx(expected)
    assert ticks[0] <= lo and ticks[-1] >= hi
    if lo < 0 < hi:
        assert 0 in ticks
