"""What a pilot can show: the smallest difference between the pilot's clients and a comparison group that a
standard power calculation says the pilot could detect, and what keeping a record of time alongside capitation
(shadow registration) costs.

Units: as the outcome (hours per client-month, or a share 0-1 of ordered time); kr for costs. The power
calculation is the two-sided two-sample t-test of statsmodels (TTestIndPower) on client means: it assumes clients
independent of one another, outcomes roughly normal, and the comparison group like the pilot's clients in all
but the payment; it is the textbook calculation (Cohen 1988), not a design for a particular evaluation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carepay.i18n import N_, _, term


def minimum_detectable_difference(sd: float, n_pilot: int, n_comparison: int, alpha: float = 0.05, power: float = 0.8) -> float:
    """The smallest true difference in a mean (in the outcome's units) that a two-sided two-sample t-test at level
    alpha detects with the given power, for n_pilot and n_comparison clients and a standard deviation sd of the
    outcome between clients."""
    if n_pilot < 2 or n_comparison < 2:
        raise ValueError(f"a comparison needs at least 2 clients a side (given {n_pilot} and {n_comparison})")
    from statsmodels.stats.power import TTestIndPower

    d = TTestIndPower().solve_power(
        effect_size=None, nobs1=n_pilot, ratio=n_comparison / n_pilot, alpha=alpha, power=power, alternative="two-sided"
    )
    return float(d) * sd


def client_means(person_months: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    """Each client's mean over the given months: executed hours a month and, where ordered hours are known, the
    share of ordered time executed; with the client's provider."""
    pm = person_months[person_months.period.isin(periods)]
    agg: dict[str, tuple[str, str]] = {"provider": ("provider", "first"), "executed_hours": ("executed_hours", "mean")}
    if "ordered_hours" in pm.columns:
        agg["ordered_hours"] = ("ordered_hours", "mean")
    out = pm.groupby("person_id", sort=True).agg(**agg).reset_index()
    if "ordered_hours" in out.columns:
        out["share_of_ordered"] = np.where(out.ordered_hours > 0, out.executed_hours / out.ordered_hours, np.nan)
    return out


def pilot_power(
    person_months: pd.DataFrame, provider: str, persons: int, months: int, alpha: float, power: float
) -> pd.DataFrame:
    """Per outcome: the standard deviation between clients' means over the last `months` months of the data, the
    pilot's clients (persons) and the comparison group (the other providers' clients in those months), and the
    smallest difference the pilot could detect, in the outcome's units and as a share of the comparison group's mean."""
    periods = sorted(person_months.period.unique())[-months:]
    means = client_means(person_months, periods)
    others = means[means.provider != provider]
    rows = []
    for outcome, unit in (("executed_hours", "hours/client-month"), ("share_of_ordered", N_("share of ordered time"))):
        if outcome not in means.columns:
            continue
        values = means[outcome].dropna()
        sd = float(values.std(ddof=1))
        n_comparison = int(others[outcome].notna().sum())
        mdd = minimum_detectable_difference(sd, persons, n_comparison, alpha, power)
        rows.append(
            {
                "outcome": outcome,
                "unit": unit,
                "sd_between_clients": sd,
                "pilot_clients": persons,
                "comparison_clients": n_comparison,
                "minimum_detectable_difference": mdd,
                "as_share_of_mean": mdd / float(others[outcome].mean()),
            }
        )
    return pd.DataFrame(rows)


def comparison_group(person_months: pd.DataFrame, provider: str, months: int, by: str = "need_group") -> pd.DataFrame:
    """The pilot's clients against a comparison group drawn from the other providers' clients, over the last `months`
    months of the data: clients, and the mean executed and ordered hours a client-month and share of ordered time
    executed; once as the other providers' clients are, once reweighted to the pilot's mix of `by` (direct
    standardisation), so that a difference in mix is not read as an effect of the payment."""
    periods = sorted(person_months.period.unique())[-months:]
    means = client_means(person_months, periods)
    if by in person_months.columns:
        first = person_months[person_months.period.isin(periods)].groupby("person_id", sort=True)[by].first()
        means[by] = means.person_id.map(first).astype(str)
    pilot, others = means[means.provider == provider], means[means.provider != provider]
    if pilot.empty or others.empty:
        raise ValueError(f"a comparison needs clients of {provider!r} and of other providers in {periods[0]} to {periods[-1]}")
    outcomes = [c for c in ("executed_hours", "ordered_hours", "share_of_ordered") if c in means.columns]

    def row(name: str, frame: pd.DataFrame, weights: np.ndarray | None = None) -> dict:
        out: dict = {"group": name, "clients": len(frame)}
        for c in outcomes:
            v = frame[c].to_numpy(float)
            ok = ~np.isnan(v)
            w = np.ones(len(v)) if weights is None else weights
            out[c] = float(np.average(v[ok], weights=w[ok])) if ok.any() and w[ok].sum() > 0 else np.nan
        return out

    rows = [row(N_("pilot provider's clients"), pilot), row(N_("other providers' clients"), others)]
    if by in means.columns:
        target = pilot[by].value_counts(normalize=True)
        have = others[by].value_counts(normalize=True)
        w = others[by].map(target / have).fillna(0.0).to_numpy(float)
        rows.append(
            row(
                _("other providers' clients, weighted to the pilot's {replace} mix", replace=term(by.replace("_", " "))),
                others,
                w,
            )
        )
    return pd.DataFrame(rows)
