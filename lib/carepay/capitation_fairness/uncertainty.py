"""Capitation fairness under uncertainty: the pilot provider's margins over draws of the provider's cost of an hour,
and the fit of risk-adjusted capitation over draws of the synthetic persons' spread (carepay.uncertainty).

The margins are linear in the cost of an hour, so they are vectorised over draws; the fit needs the persons drawn
again, so it is computed once per distinct population (the spread is declared as a few values, not a continuum).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from carepay import capitation, uncertainty
from carepay.capitation_fairness.analysis import MODELS, TARGETS, CapitationFairness, paid
from carepay.capitation_fairness.params import CapitationFairnessParams
from carepay.sources import DataPackage

#: Headlines that need the persons drawn again, and the key results they come from.
FIT = {
    "r_squared_risk_adjusted": ("cost_at_hourly_rate", "risk-adjusted"),
    "r_squared_constrained": ("cost_at_hourly_rate", "fairness-constrained"),
}


@dataclass
class Prepared:
    params: CapitationFairnessParams
    pkg: DataPackage
    central: CapitationFairness
    fits: dict[tuple, dict[str, float]] = field(default_factory=dict)  # population values -> the fit headlines


def prepare(r: CapitationFairness, params: CapitationFairnessParams, pkg: DataPackage) -> Prepared:
    return Prepared(params, pkg, r)


def _fit(r: CapitationFairness) -> dict[str, float]:
    fit = r.fit.set_index(["target", "model"]).r_squared
    return {hid: float(fit[key]) for hid, key in FIT.items()}


def _fit_of(pm: pd.DataFrame) -> dict[str, float]:
    """The fit headlines from the person-months' payments alone (what fit_measures gives, without its other measures)."""
    return {hid: capitation.r_squared(pm[TARGETS[target]], pm[MODELS[model]]) for hid, (target, model) in FIT.items()}


def headlines(prep: Prepared, draws: pd.DataFrame) -> pd.DataFrame:
    """The pilot provider's margins under capitation and hourly payment (kr) and the R² of the risk-adjusted and
    constrained weights against cost (0-1), one row per draw; columns named by the key results' ids."""
    pilot = prep.central.pilot
    cost = draws["cost_per_hour"].to_numpy(float) if "cost_per_hour" in draws else np.full(len(draws), prep.params.cost_per_hour)
    out = pd.DataFrame(
        {
            "pilot_margin_capitation": pilot.payment.iloc[0] - pilot.hours.iloc[0] * cost,
            "pilot_margin_hourly": pilot.payment.iloc[1] - pilot.hours.iloc[1] * cost,
        }
    )
    population = [c for c in draws.columns if c.startswith("population.")]
    keys: list[tuple[Any, ...]] = [tuple(row) for row in draws[population].itertuples(index=False)] if population else []
    fits = []
    for key in keys or [()] * len(draws):
        if key not in prep.fits:
            changed = uncertainty.with_values(prep.params, dict(zip(population, key, strict=True)))
            prep.fits[key] = _fit(prep.central) if not population else _fit_of(paid(changed, prep.pkg).person_months)
        fits.append(prep.fits[key])
    return pd.concat([out, pd.DataFrame(fits, index=out.index)], axis=1)
