"""Cross-checks of the Leksand–Rättvik document (data/leksand_rattvik_home_care_2010): figures in the text."""

from __future__ import annotations

from collections.abc import Iterator

from carepay.checks import Row, compare
from carepay.i18n import N_
from carepay.sources import DataPackage


def leksand_text(pkg: DataPackage, _corrected: bool) -> Iterator[Row]:
    f = pkg.figure
    yield compare(
        "leksand.price_below_cost",
        "figures",
        "hourly_rate_2011",
        f("own_cost_2010"),
        f("hourly_rate_2011"),
        0,
        "kr/hour",
        N_("the 2011 price is below the 2010 own cost (the difference is to fund the choice model)"),
        relation="below",
    )


#: The checks of each data package this question uses (run by carepay.checks.run_checks).
CHECKS = {
    "leksand_rattvik_home_care_2010": [leksand_text],
}
