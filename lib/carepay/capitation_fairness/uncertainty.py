"""Capitation fairness under uncertainty: the pilot provider's margins, the safeguard's and shadow registration's
cost over draws of the provider's cost of an hour; the proposed design's cost in the last projected year over
draws of growth and administration; and the fit of risk-adjusted capitation over draws of the synthetic persons'
spread (carepay.uncertainty).

The margins are linear in the cost of an hour, so they are vectorised over draws; the fit needs the persons drawn
again, so it is computed once per distinct population (the spread is declared as a few values, not a continuum).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from carepay import capitation, uncertainty
from carepay.capitation_fairness.analysis import BASE_YEAR, MODELS, TARGETS, CapitationFairness, paid
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


def central_values(prep: Prepared, values: dict[str, Any]) -> dict[str, Any]:
    """The growth in clients the result used where the scenario gives none (the persons table's)."""
    if values.get("volume.growth_per_year") is None:
        values = {**values, "volume.growth_per_year": prep.central.growth_per_year}
    return values


def _column(draws: pd.DataFrame, name: str, central: float) -> np.ndarray:
    return draws[name].to_numpy(float) if name in draws else np.full(len(draws), float(central))


def _volume(prep: Prepared, draws: pd.DataFrame) -> dict[str, np.ndarray]:
    """The proposed design's cost to the board in the last projected year and against hourly payment (kr/year),
    over draws of growth and administration: as carepay.capitation.volume_projection, in closed form."""
    p, r = prep.params, prep.central
    design = p.designs.proposed
    pay = r.designs.groupby("design", sort=False).payment.sum()
    growth = _column(draws, "volume.growth_per_year", r.growth_per_year)
    post = _column(draws, "administration.cost_per_post", p.administration.cost_per_post)
    audit = _column(draws, "administration.audit_saving", p.administration.audit_saving)
    factor = (1 + growth) ** (max(p.volume.years) - BASE_YEAR)
    admin = p.administration.posts * post - (0.0 if capitation.RECORDS_TIME[design] else audit)
    total = float(pay[design]) * factor + admin
    return {"proposed_cost_last_year": total, "proposed_versus_hourly_last_year": total - float(pay["hourly"]) * factor}


def headlines(prep: Prepared, draws: pd.DataFrame) -> pd.DataFrame:
    """The pilot provider's margins under capitation and hourly payment (kr), the safeguard's cost (kr/year), shadow
    registration's (kr), the proposed design's cost in the last projected year (kr/year) and the R² of the
    risk-adjusted and constrained weights against cost (0-1), one row per draw; columns named by the key results' ids."""
    pilot = prep.central.pilot
    cost = draws["cost_per_hour"].to_numpy(float) if "cost_per_hour" in draws else np.full(len(draws), prep.params.cost_per_hour)
    out = pd.DataFrame(
        {
            "pilot_margin_capitation": pilot.payment.iloc[0] - pilot.hours.iloc[0] * cost,
            "pilot_margin_hourly": pilot.payment.iloc[1] - pilot.hours.iloc[1] * cost,
            # the safeguard's hours and the pilot's shadow registration are valued at the cost of an hour
            "safeguard_cost": float(prep.central.clients.safeguard_cost.sum()) / prep.params.cost_per_hour * cost,
            "shadow_registration_cost": prep.central.shadow_registration_cost / prep.params.cost_per_hour * cost,
            "pilot_cost_to_board": pilot.payment.iloc[0]
            + (
                prep.central.shadow_registration_cost / prep.params.cost_per_hour * cost
                if prep.params.pilot.shadow_registration
                else 0.0
            ),
            **_volume(prep, draws),
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
