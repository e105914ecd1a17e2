"""Demand response: executed hours that react to the price of an hour, and estimating that reaction.

The price of an hour (kr/hour) is what the caller passes; the fee question passes the fee a person pays per executed
hour, today and under the proposal (carepay.fee_incentives.analysis.response_inputs). Two price concepts:

- out_of_pocket (default): the published home-care elasticities (about -0,4, Roquebert & Tenand; about -0,55,
  Bourreau-Dubois and co-authors) are with respect to the out-of-pocket price. Applied as an arc (midpoint)
  elasticity, so a move from or to a zero price (no fee today, as within free hours) is defined:

      (h1 - h0) / mean(h0, h1) = e x (p1 - p0) / mean(p0, p1),  i.e.  h1 = h0 x (2 + e d) / (2 - e d)

  with d = 2 (p1 - p0) / (p1 + p0), between -2 and 2; bounded for elasticities above -1.
- generalised: a constant elasticity with respect to that price plus a non-fee cost c of receiving an hour (time,
  effort), h1 = h0 x ((p1 + c) / (p0 + c)) ** e; the larger c, the smaller the response.

Either applies only where the price changes, and never takes hours above the hours granted (where known): a
client cannot be executed more than the needs decision grants because the fee fell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PRICE_CONCEPTS = ("out_of_pocket", "generalised")


def factor(price_before, price_after, elasticity, concept: str = "out_of_pocket", nonfee_cost=0.0):
    """Hours after / hours before for a price change (kr/hour), under the price concept; broadcasts (one elasticity
    per row against prices per column works)."""
    p0, p1 = np.asarray(price_before, float), np.asarray(price_after, float)
    e = np.asarray(elasticity, float)
    if concept == "generalised":
        c = np.asarray(nonfee_cost, float)
        if np.any(c <= 0) and ((p0 <= 0) | (p1 <= 0)).any():
            raise ValueError("a zero fee price needs a positive non-fee cost of an hour")
        return ((p1 + c) / (p0 + c)) ** e
    if concept != "out_of_pocket":
        raise ValueError(f"price concept {concept!r}; allowed: {', '.join(PRICE_CONCEPTS)}")
    total = p0 + p1
    d = np.divide(2 * (p1 - p0), total, out=np.zeros(np.broadcast(p0, p1).shape), where=total > 0)
    s = e * d
    return (2 + s) / (2 - s)


def capped(hours_before, hours_after, granted=None):
    """Hours after a response, never above the hours granted where they rise (hours/month); hours already above
    granted (a temporary extension) are not cut by the cap."""
    if granted is None:
        return hours_after
    h0 = np.asarray(hours_before, float)
    return np.minimum(hours_after, np.maximum(np.asarray(granted, float), h0))


def respond(
    hours, price_before, price_after, elasticity: float, nonfee_cost: float = 0.0, concept: str = "generalised", granted=None
):
    """Executed hours after a price change, hours/month (unchanged where the price does not change), capped at the
    hours granted where given."""
    h = np.asarray(hours, float)
    p0, p1 = np.asarray(price_before, float), np.asarray(price_after, float)
    after = np.where(np.isclose(p0, p1), h, h * factor(p0, p1, elasticity, concept, nonfee_cost))
    return capped(h, after, granted)


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
