"""Level regrouping under uncertainty: the cost and who gains or loses over the scenario's draws of how straddling
levels split and of how the residents' mix moved between August 2022 and 2024 (carepay.uncertainty).

The split is a choice among a few readings, so each distinct one is computed once, with the whole question. The
mix shift is continuous, but the amounts are set on the August 2022 counts and the shifted persons are linear in
the shift on each side of zero (tariffs.shift_mix), so every headline total is too: each reading is costed at
shifts 0, +1 and -1 once and every draw is a weighted sum of those three, exact and vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from carepay import tariffs, uncertainty
from carepay.level_regrouping.analysis import Regrouping, headline_inputs
from carepay.level_regrouping.params import LevelRegroupingParams
from carepay.sources import DataPackage

#: The key results that draws can move (the number of persons depends on neither the split nor the mix).
HEADLINES = (
    "cost_current_levels",
    "cost_new_levels",
    "cost_change",
    "cost_change_share",
    "persons_gaining",
    "persons_losing",
    "resident_cap_cost",
    "phase_in_cost_total",
)
#: The totals every headline is made of, each linear in the persons of the flows (the amounts held).
_TOTALS = ("cost_current_levels", "cost_new_levels", "persons_gaining", "persons_losing", "resident_cap_cost", "losses")
MIX = "mix_shift"


@dataclass
class Prepared:
    params: LevelRegroupingParams
    pkg: DataPackage
    done: dict[tuple, np.ndarray] = field(default_factory=dict)  # a draw's other values -> totals at shifts 0, +1, -1


def prepare(_result: Regrouping, params: LevelRegroupingParams, pkg: DataPackage) -> Prepared:
    return Prepared(params, pkg)


def _totals(flows: pd.DataFrame, old_amounts: pd.Series, new_amounts: pd.Series, max_loss_share: float) -> np.ndarray:
    """Cost with the current and the new levels (kr/year), persons gaining and losing, what a cap on a resident's
    loss at max_loss_share costs and the residents' losses in all (kr/year; carepay.exposure), for one population."""
    from carepay import exposure

    changes = tariffs.person_changes(flows, old_amounts, new_amounts)
    cap = exposure.loss_cap_cost(changes.old_amount, changes.change, changes.persons, max_loss_share)
    return np.array(
        [
            float((changes.persons * changes.old_amount).sum()),
            float((changes.persons * changes.new_amount).sum()),
            float(changes.persons[changes.change > 0].sum()),
            float(changes.persons[changes.change < 0].sum()),
            cap["cost"],
            float((changes.persons * (-changes.change).clip(lower=0)).sum()),
        ]
    )


def _at_shifts(prep: Prepared, row: dict[str, Any]) -> np.ndarray:
    """The totals at mix shifts 0, +1 and -1 (3 x 4) for one combination of the other inputs."""
    pop, old, new = headline_inputs(uncertainty.with_values(prep.params, {**row, MIX: 0.0}), prep.pkg)
    cap = prep.params.transition.max_loss_share
    return np.array([_totals(tariffs.shift_mix(pop.flows, pop.old, pop.new, s), old, new, cap) for s in (0.0, 1.0, -1.0)])


def headlines(prep: Prepared, draws: pd.DataFrame) -> pd.DataFrame:
    """Cost with the current and the new levels and its change (kr/year, share 0-1), persons gaining and losing, and
    the cost of a cap on a resident's loss and of phasing losses in (kr), one row per draw; columns named by the
    key results' ids."""
    shift = draws[MIX].to_numpy(dtype=float) if MIX in draws else np.full(len(draws), prep.params.mix_shift)
    others = draws.drop(columns=[MIX], errors="ignore").to_dict("records")
    at = np.empty((len(draws), 3, len(_TOTALS)))  # each draw's totals at shifts 0, +1, -1
    for i, row in enumerate(others):
        key = uncertainty.draw_key(row)
        if key not in prep.done:
            prep.done[key] = _at_shifts(prep, row)
        at[i] = prep.done[key]
    up, down = np.clip(shift, 0, None)[:, None], np.clip(-shift, 0, None)[:, None]
    totals = at[:, 0] + up * (at[:, 1] - at[:, 0]) + down * (at[:, 2] - at[:, 0])
    out = pd.DataFrame(totals, columns=list(_TOTALS), index=draws.index)
    out["cost_change"] = out.cost_new_levels - out.cost_current_levels
    out["cost_change_share"] = out.cost_change / out.cost_current_levels
    # losses phased in over n years cost n/2 years of them (carepay.exposure.phase_in_cost)
    out["phase_in_cost_total"] = out.losses * prep.params.transition.phase_in_years / 2
    return out[list(HEADLINES)].reset_index(drop=True)


def tariff_sweep(prepared: tuple[pd.DataFrame, pd.Series], variants: pd.DataFrame) -> pd.DataFrame:
    """Cost before and after, its change (kr/year) and persons gaining and losing for many candidate tariffs at
    once (rows of new amounts by (housing_form, level), kr/year); prepared: (flows, old amounts). The shape
    carepay.sweep maps over a cluster."""
    flows, old_amounts = prepared
    return tariffs.amount_sweep(flows, old_amounts, variants)
