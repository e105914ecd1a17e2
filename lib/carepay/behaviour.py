"""Demand response: executed hours that react to the price of an hour, and estimating that reaction.

The response is a constant elasticity with respect to the *generalised price* of an hour: the fee
the individual pays for one more hour plus a non-fee cost of receiving it (time, effort), both in
kr/hour. The non-fee cost keeps the elasticity defined where the fee price is zero (above the fee
cap today) and is a parameter: the larger it is, the smaller the response to a given fee change.

    hours_after = hours x ((price_after + c) / (price_before + c)) ** elasticity

applied only where the price changes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def respond(hours, price_before, price_after, elasticity: float, nonfee_cost: float):
    """Executed hours after a price change, hours/month (unchanged where the price does not change)."""
    h = np.asarray(hours, float)
    p0, p1 = np.asarray(price_before, float), np.asarray(price_after, float)
    if nonfee_cost <= 0 and ((p0 <= 0) | (p1 <= 0)).any():
        raise ValueError("a zero fee price needs a positive non-fee cost of an hour")
    ratio = (p1 + nonfee_cost) / (p0 + nonfee_cost)
    return np.where(np.isclose(p0, p1), h, h * ratio**elasticity)


def synthetic_panel(
    persons: int, months: int, elasticity: float, seed: int, price_sd: float = 0.4, noise_sd: float = 0.15
) -> pd.DataFrame:
    """SYNTHETIC panel with a known elasticity: log hours = person effect + elasticity x log price + noise."""
    rng = np.random.default_rng(seed)
    person = np.repeat(np.arange(persons), months)
    effect = rng.normal(np.log(20), 0.8, persons)[person]
    log_price = np.log(150) + rng.normal(0, price_sd, persons * months) + 0.3 * (effect - np.log(20))
    log_hours = effect + elasticity * log_price + rng.normal(0, noise_sd, persons * months)
    return pd.DataFrame(
        {
            "person_id": person,
            "month": np.tile(np.arange(months), persons),
            "price": np.exp(log_price),
            "hours": np.exp(log_hours),
            "synthetic": True,
        }
    )


def estimate_elasticity(
    panel: pd.DataFrame, person: str = "person_id", price: str = "price", hours: str = "hours"
) -> dict[str, float]:
    """Log-log regression with person effects (within estimator, statsmodels OLS), standard errors
    clustered by person. Returns the elasticity, its standard error and a 95 % interval."""
    from statsmodels.regression.linear_model import OLS  # not statsmodels.api: a fraction of its import time

    df = panel[[person, price, hours]].copy()
    if (df[price] <= 0).any() or (df[hours] <= 0).any():
        raise ValueError("prices and hours must be positive for a log-log regression")
    df["y"] = np.log(df[hours])
    df["x"] = np.log(df[price])
    g = df.groupby(person)
    y = df.y - g.y.transform("mean")
    x = df.x - g.x.transform("mean")
    fit = OLS(y.to_numpy(), x.to_numpy()[:, None]).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(df[person])[0]})
    est, se = float(fit.params[0]), float(fit.bse[0])
    return {
        "elasticity": est,
        "std_error": se,
        "low_95": est - 1.96 * se,
        "high_95": est + 1.96 * se,
        "observations": int(len(df)),
        "persons": int(df[person].nunique()),
    }


def solve_break_even(net_effect, low: float = -3.0, high: float = 0.0) -> float | None:
    """The elasticity at which a net budget effect (a function of the elasticity) is zero, by bisection;
    None when it does not change sign on [low, high]."""
    f_low, f_high = net_effect(low), net_effect(high)
    if np.sign(f_low) == np.sign(f_high):
        return None
    for _ in range(80):
        mid = (low + high) / 2
        f_mid = net_effect(mid)
        if np.sign(f_mid) == np.sign(f_low):
            low, f_low = mid, f_mid
        else:
            high = mid
    return (low + high) / 2
