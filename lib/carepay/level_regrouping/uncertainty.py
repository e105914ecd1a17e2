"""Level regrouping under uncertainty: the cost and who gains or loses over the scenario's draws of how straddling
levels split (carepay.uncertainty).

The split is a choice among a few readings, so each distinct one is computed once, with the whole question, and
every draw reuses it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from carepay import tariffs, uncertainty
from carepay.level_regrouping.analysis import Regrouping, analyse
from carepay.level_regrouping.answer import key_results
from carepay.level_regrouping.params import LevelRegroupingParams
from carepay.sources import DataPackage

#: The key results that draws can move (the persons counted do not depend on how levels split).
HEADLINES = ("cost_new_levels", "cost_change", "cost_change_share", "persons_gaining", "persons_losing")


@dataclass
class Prepared:
    params: LevelRegroupingParams
    pkg: DataPackage
    done: dict[tuple, Mapping[str, float]] = field(default_factory=dict)  # a draw's values -> its headlines


def prepare(_result: Regrouping, params: LevelRegroupingParams, pkg: DataPackage) -> Prepared:
    return Prepared(params, pkg)


def _headlines(r: Regrouping) -> dict[str, float]:
    return {rid: float(value) for rid, _, value, _ in key_results(r) if rid in HEADLINES}


def headlines(prep: Prepared, draws: pd.DataFrame) -> pd.DataFrame:
    """Cost with the new levels and its change (kr/year, share 0-1), persons gaining and losing, one row per draw;
    columns named by the key results' ids."""

    def evaluate(row: dict[str, Any]) -> dict[str, float]:
        return _headlines(analyse(uncertainty.with_values(prep.params, row), prep.pkg))

    return uncertainty.per_draw(draws, evaluate, prep.done)


def tariff_sweep(prepared: tuple[pd.DataFrame, pd.Series], variants: pd.DataFrame) -> pd.DataFrame:
    """Cost before and after, its change (kr/year) and persons gaining and losing for many candidate tariffs at
    once (rows of new amounts by (housing_form, level), kr/year); prepared: (flows, old amounts). The shape
    carepay.sweep maps over a cluster."""
    flows, old_amounts = prepared
    return tariffs.amount_sweep(flows, old_amounts, variants)
