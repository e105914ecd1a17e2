"""What a pilot can show: the power calculation against the textbook case, and the pilot's outcomes by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from carepay import evaluation


def test_the_textbook_case_a_medium_effect_needs_64_a_group():
    # Cohen (1988): d = 0.5 at alpha 0.05 (two-sided) and power 0.8 needs about 64 in each of two equal groups
    assert evaluation.minimum_detectable_difference(1.0, 64, 64) == pytest.approx(0.5, abs=0.005)
    assert evaluation.minimum_detectable_difference(10.0, 64, 64) == pytest.approx(5.0, abs=0.05)  # in the outcome's units
    assert evaluation.minimum_detectable_difference(1.0, 23, 500) > evaluation.minimum_detectable_difference(1.0, 64, 64)
    with pytest.raises(ValueError, match="at least 2 clients a side"):
        evaluation.minimum_detectable_difference(1.0, 1, 10)


def test_pilot_power_uses_the_last_months_and_the_other_providers_as_comparison():
    rows = []
    for i in range(6):  # 3 pilot clients (P), 3 others (O); two months, the first left out
        provider = "P" if i < 3 else "O"
        for period, hours in (("2021-01", 100.0), ("2021-02", 10.0 + i)):
            rows.append(
                {"person_id": f"c{i}", "provider": provider, "period": period, "executed_hours": hours, "ordered_hours": 20.0}
            )
    pm = pd.DataFrame(rows)
    t = evaluation.pilot_power(pm, "P", persons=3, months=1, alpha=0.05, power=0.8).set_index("outcome")
    sd = pd.Series([10.0, 11, 12, 13, 14, 15]).std(ddof=1)  # client means of February only
    assert t.sd_between_clients["executed_hours"] == pytest.approx(sd)
    assert t.comparison_clients["executed_hours"] == 3
    assert t.minimum_detectable_difference["executed_hours"] == pytest.approx(evaluation.minimum_detectable_difference(sd, 3, 3))
    assert t.as_share_of_mean["executed_hours"] == pytest.approx(t.minimum_detectable_difference["executed_hours"] / 14.0)
    assert t.sd_between_clients["share_of_ordered"] == pytest.approx(sd / 20.0)
