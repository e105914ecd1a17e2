"""Capitation: rates from budgets, payments by provider, fairness measures and risk adjustment.

Units: kr, kr/person-month, hours, person-months. A *target* is what a fair payment would
match for each person-month: the cost at the hourly rate of the executed hours, or the
need (ordered hours x hourly rate). The standard risk-adjustment measures compare what a
model pays with the target:

- individual R²: 1 - sum (target - paid)² / sum (target - mean target)²;
- Cumming's prediction measure (CPM): 1 - sum |target - paid| / sum |target - mean target|;
- predictive ratio of a group: sum paid / sum target over its person-months (1 = fair);
- net over- or under-compensation of a group: sum (paid - target), kr.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carepay.i18n import N_, _


def rate_from_budget(budget: float, persons: float, months: int = 12) -> float:
    """Capitation rate (kr/person-month) that spends a yearly budget on a volume of persons."""
    if budget <= 0 or persons <= 0 or months <= 0:
        raise ValueError("budget, persons and months must be positive")
    return budget / (persons * months)


def budget_neutral_rate(hourly_total: float, person_months: float) -> float:
    """The rate at which capitation pays, for the same person-months, what hourly payment paid (kr/person-month)."""
    return hourly_total / person_months


def provider_comparison(hours: pd.DataFrame, persons: pd.DataFrame, hourly_rate: float, rate: float) -> pd.DataFrame:
    """Payment by provider and month under both models.

    hours: period, provider, executed_hours; persons: period, provider, persons (one row per active provider-month).
    Returns period, provider, executed_hours, persons, hourly_payment, capitation_payment, change (kr)."""
    df = persons.merge(hours, on=["period", "provider"], how="outer").fillna({"persons": 0, "executed_hours": 0.0})
    df["hourly_payment"] = df.executed_hours * hourly_rate
    df["capitation_payment"] = df.persons * rate
    df["change"] = df.capitation_payment - df.hourly_payment
    return df


def provider_totals(
    monthly: pd.DataFrame, execution_ratio: pd.Series | None = None, hourly_year: pd.Series | None = None
) -> pd.DataFrame:
    """Year totals by provider with the fairness figures: payment per person-month, per executed hour and,
    where the execution ratio (executed / ordered) is known, per ordered hour. hourly_year: each provider's year
    of hourly payment where it is known better than the sum of the months (a document's year row, kr)."""
    g = monthly.groupby("provider", sort=False)[["executed_hours", "persons", "hourly_payment", "capitation_payment"]].sum()
    g = g.rename(columns={"persons": "person_months"})
    if hourly_year is not None:
        g["hourly_payment"] = hourly_year.reindex(g.index).astype(float)
    g["change"] = g.capitation_payment - g.hourly_payment
    g["change_share"] = g.change / g.hourly_payment
    g["hours_per_person_month"] = g.executed_hours / g.person_months
    g["capitation_per_executed_hour"] = g.capitation_payment / g.executed_hours
    g["hourly_per_person_month"] = g.hourly_payment / g.person_months
    ratio = (execution_ratio if execution_ratio is not None else pd.Series(dtype=float)).reindex(g.index)
    g["execution_ratio"] = ratio
    g["ordered_hours"] = g.executed_hours / ratio
    g["capitation_per_ordered_hour"] = g.capitation_payment / g.ordered_hours
    g["hourly_per_ordered_hour"] = g.hourly_payment / g.ordered_hours
    return g.reset_index()


def decompose_change(totals: pd.DataFrame, hourly_rate: float, rate: float, reference_ratio: float) -> pd.DataFrame:
    """Split each provider's change per person-month into budget level, need and execution.

    Per person-month a provider gains rate - hourly_rate x h, where h = o x e is its executed hours,
    o its ordered hours (need) and e its execution ratio. Against the average provider
    (h̄ = all executed hours / all person-months, e_ref = reference_ratio, o_ref = h̄ / e_ref):

        change = (rate - p h̄)                      budget level: the rate against the budget-neutral rate
               - p (o - o_ref) (e + e_ref) / 2     need: more ordered hours per person than average
               - p (e - e_ref) (o + o_ref) / 2     execution: delivering more of what is ordered

    The three parts add up exactly. Providers with an unknown execution ratio get only the total."""
    t = totals.copy()
    h_bar = t.executed_hours.sum() / t.person_months.sum()
    o_ref = h_bar / reference_ratio
    o = t.hours_per_person_month / t.execution_ratio
    e = t.execution_ratio
    out = pd.DataFrame(
        {
            "provider": t.provider,
            "person_months": t.person_months,
            "hours_per_person_month": t.hours_per_person_month,
            "ordered_hours_per_person_month": o,
            "execution_ratio": e,
        }
    )
    out["change_per_person_month"] = rate - hourly_rate * t.hours_per_person_month
    out["budget_level"] = rate - hourly_rate * h_bar
    out["need"] = -hourly_rate * (o - o_ref) * (e + reference_ratio) / 2
    out["execution"] = -hourly_rate * (e - reference_ratio) * (o + o_ref) / 2
    out.attrs.update(h_bar=h_bar, o_ref=o_ref, e_ref=reference_ratio)
    return out


# --- fairness measures -------------------------------------------------------------------------


def r_squared(target, paid) -> float:
    """Individual-level R² of a payment against the target."""
    y, p = np.asarray(target, float), np.asarray(paid, float)
    ss_tot = ((y - y.mean()) ** 2).sum()
    return float(1 - ((y - p) ** 2).sum() / ss_tot) if ss_tot > 0 else float("nan")


def cumming_prediction_measure(target, paid) -> float:
    """Cumming's prediction measure: 1 - sum |target - paid| / sum |target - mean target|."""
    y, p = np.asarray(target, float), np.asarray(paid, float)
    denom = np.abs(y - y.mean()).sum()
    return float(1 - np.abs(y - p).sum() / denom) if denom > 0 else float("nan")


def _groups(frame: pd.DataFrame, by: str) -> tuple[np.ndarray, pd.Index, np.ndarray]:
    """A grouping column factorised once: codes (missing -1), the groups in sorted order, person-months per group."""
    codes, groups = pd.factorize(frame[by], sort=True)
    return codes, pd.Index(groups, name=by), np.bincount(codes[codes >= 0], minlength=len(groups))


def predictive_ratios(
    frame: pd.DataFrame, by: str, paid: str, target: str, groups: tuple[np.ndarray, pd.Index, np.ndarray] | None = None
) -> pd.DataFrame:
    """Per group: person-months, sum paid, sum target, predictive ratio and net over/under-compensation (kr).
    groups: the grouping factorised already (`_groups`), when several payments are compared over it."""
    codes, index, counts = groups if groups is not None else _groups(frame, by)
    kept = codes >= 0
    sums = [np.bincount(codes[kept], weights=frame[col].to_numpy(float)[kept], minlength=len(index)) for col in (paid, target)]
    g = pd.DataFrame({"person_months": counts, "paid": sums[0], "target": sums[1]}, index=index)
    g = g[g.person_months > 0]  # observed groups only
    g["predictive_ratio"] = g.paid / g.target
    g["net_compensation"] = g.paid - g.target
    return g.reset_index()


def evaluate(frame: pd.DataFrame, models: dict[str, str], target: str, groups: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fit measures per model, and predictive ratios per model and group.

    frame: one row per person-month with a column per model's payment and the target column."""
    fit = pd.DataFrame(
        [
            {
                "model": name,
                "r_squared": r_squared(frame[target], frame[col]),
                "cumming_prediction_measure": cumming_prediction_measure(frame[target], frame[col]),
                "paid": frame[col].sum(),
                "target": frame[target].sum(),
            }
            for name, col in models.items()
        ]
    )
    factorised = {g: _groups(frame, g) for g in groups}
    ratios = pd.concat(
        [
            predictive_ratios(frame, g, col, target, factorised[g]).rename(columns={g: "group"}).assign(model=name, grouping=g)
            for name, col in models.items()
            for g in groups
        ],
        ignore_index=True,
    )
    return fit, ratios


# --- risk adjustment with statsmodels ----------------------------------------------------------


def _design(groups: pd.Series) -> tuple[np.ndarray, list[str]]:
    """One dummy column per group (sorted), built from integer codes: no large temporary arrays."""
    codes, uniques = pd.factorize(groups, sort=True)
    x = np.zeros((len(codes), len(uniques)))
    x[np.arange(len(codes)), codes] = 1.0
    return x, [str(u) for u in uniques]


def estimate_weights(frame: pd.DataFrame, group: str, target: str) -> pd.Series:
    """Capitation weight per group (kr/person-month): OLS of the target on group dummies, no intercept (statsmodels)."""
    from statsmodels.regression.linear_model import OLS  # not statsmodels.api: a fraction of its import time

    x, levels = _design(frame[group])
    fit = OLS(frame[target].to_numpy(float), x).fit()
    return pd.Series(fit.params, index=levels, name="weight")


def calibrate(weights: pd.Series, counts: pd.Series, budget: float) -> pd.Series:
    """Weights scaled by one factor so that counts x weights spend exactly the budget."""
    total = float((weights * counts.reindex(weights.index).fillna(0)).sum())
    return (weights * budget / total).rename("weight")


def estimate_constrained(frame: pd.DataFrame, group: str, target: str, budget: float, fair_mask: pd.Series) -> pd.Series:
    """Weights by group fitted to the target by least squares subject to two linear constraints:
    the total paid equals the budget, and the chosen subgroup (fair_mask) is paid exactly its target
    (predictive ratio 1).

    Solved exactly from the Karush–Kuhn–Tucker system [[2 X'X, R'], [R, 0]] [b; l] = [2 X'y; q], which needs
    only k x k matrices (k groups); it gives the same weights as statsmodels' GLM.fit_constrained (a test checks)."""
    x, levels = _design(frame[group])
    y = frame[target].to_numpy(float)
    mask = np.asarray(fair_mask, bool)
    if not mask.any():
        raise ValueError("the fair group has no person-months")
    r = np.vstack([x.sum(axis=0), x[mask].sum(axis=0)])
    q = np.array([budget, y[mask].sum()])
    k, m = x.shape[1], r.shape[0]
    kkt = np.zeros((k + m, k + m))
    kkt[:k, :k] = 2 * x.T @ x
    kkt[:k, k:] = r.T
    kkt[k:, :k] = r
    rhs = np.concatenate([2 * x.T @ y, q])
    solution = np.linalg.lstsq(kkt, rhs, rcond=None)[0]
    return pd.Series(solution[:k], index=levels, name="weight")


def pay_by_group(groups: pd.Series, weights: pd.Series) -> np.ndarray:
    """Each person-month's payment from its group's weight."""
    return groups.map(weights).to_numpy(float)


# --- payment designs between hourly payment and capitation -------------------------------------
#
# Each design pays a provider from what hourly payment and capitation would pay the same person-months (kr). The
# references: blended payment (a share per person, the rest per activity) as in Cattel et al. 2020, "Bundled and
# blended payments"; risk corridors and stop-loss (outlier) protection as in the risk-sharing literature after van
# Barneveld et al. 1998-2001. The parameters are the board's to choose; carepay shows what each does.


def blended_payment(capitation_payment, hourly_payment, flat_share: float):
    """A blend (kr): flat_share of what capitation pays, the rest of what hourly payment pays. Budget-neutral when
    the capitation rate is (both parts then add up to the hourly total)."""
    if not 0 <= flat_share <= 1:
        raise ValueError(f"flat_share {flat_share}: must be from 0 (hourly payment) to 1 (capitation)")
    return flat_share * np.asarray(capitation_payment, float) + (1 - flat_share) * np.asarray(hourly_payment, float)


def corridor_payment(capitation_payment, hourly_payment, band: float, provider_share: float):
    """A risk corridor around hourly payment (kr): the provider is paid capitation, but a gain or loss against what
    hourly payment would have paid that exceeds band x the hourly payment is shared, the provider keeping
    provider_share of the part beyond the band (0: the corridor is a hard floor and ceiling; 1: no corridor)."""
    if band < 0 or not 0 <= provider_share <= 1:
        raise ValueError(f"band {band} must be 0 or more and provider_share {provider_share} from 0 to 1")
    cap, hourly = np.asarray(capitation_payment, float), np.asarray(hourly_payment, float)
    change = cap - hourly
    inside = np.clip(change, -band * hourly, band * hourly)
    return hourly + inside + provider_share * (change - inside)


def corridor_marginal_revenue(
    capitation_payment: float, hourly_payment: float, hourly_rate: float, band: float, provider_share: float
) -> float:
    """What one more executed hour brings a provider under a risk corridor (kr/hour), at its totals: nothing
    inside the corridor (capitation does not depend on hours); beyond it, hours raise the hourly payment the
    corridor is measured against, so each brings hourly_rate x (1 -/+ band) x (1 - provider_share)."""
    change = capitation_payment - hourly_payment
    if abs(change) <= band * hourly_payment:
        return 0.0
    edge = 1 - band if change < 0 else 1 + band
    return hourly_rate * edge * (1 - provider_share)


DESIGNS = ("hourly", "capitation", "blend", "corridor", "stop_loss")


def hours_above(person_months: pd.DataFrame, threshold_hours: float) -> pd.DataFrame:
    """By provider: executed hours above threshold_hours in a month, summed (hours), and the share of its
    person-months that have any (0-1): what capitation with stop-loss pays per hour."""
    h = person_months.executed_hours.to_numpy(float)
    frame = pd.DataFrame(
        {
            "provider": person_months.provider.to_numpy(),
            "hours_above": np.clip(h - threshold_hours, 0, None),
            "any": h > threshold_hours,
        }
    )
    return frame.groupby("provider", sort=True).agg(hours_above=("hours_above", "sum"), share_above=("any", "mean")).reset_index()


def design_comparison(
    totals: pd.DataFrame,
    above: pd.DataFrame,
    hourly_rate: float,
    flat_share: float,
    band: float,
    provider_share: float,
    cost_per_hour: float,
) -> pd.DataFrame:
    """Every design for every provider: payment and its change against hourly payment (kr, and as a share of the
    hourly payment), what one more executed hour brings (kr/hour), and the provider's monthly result from an
    average client of its own, which it loses when that client's support ends (kr/month).

    totals: by provider, person_months, executed_hours, hourly_payment and capitation_payment (kr), as the
    question's comparison has them; above: hours_above (see hours_above). Capitation with stop-loss pays the
    hours above the threshold per hour and the rest at the rate that keeps the total of hourly payment."""
    t = totals.set_index("provider")
    a = above.set_index("provider").reindex(t.index).fillna(0.0)
    paid_per_hour = hourly_rate * a.hours_above
    loss_rate = (t.hourly_payment.sum() - paid_per_hour.sum()) / t.person_months.sum()
    pay = pd.DataFrame(
        {
            "hourly": t.hourly_payment,
            "capitation": t.capitation_payment,
            "blend": blended_payment(t.capitation_payment, t.hourly_payment, flat_share),
            "corridor": corridor_payment(t.capitation_payment, t.hourly_payment, band, provider_share),
            "stop_loss": loss_rate * t.person_months + paid_per_hour,
        }
    )
    rows = []
    for provider in t.index:
        h, c = float(t.hourly_payment[provider]), float(t.capitation_payment[provider])
        marginal = {
            "hourly": hourly_rate,
            "capitation": 0.0,
            "blend": (1 - flat_share) * hourly_rate,
            "corridor": corridor_marginal_revenue(c, h, hourly_rate, band, provider_share),
            "stop_loss": hourly_rate * float(a.share_above[provider]),  # for an hour in a month drawn from its own
        }
        hours_per_month = float(t.executed_hours[provider] / t.person_months[provider])
        for design in DESIGNS:
            paid = float(pay.loc[provider, design])
            rows.append(
                {
                    "provider": provider,
                    "design": design,
                    "payment": paid,
                    "change": paid - h,
                    "change_share": (paid - h) / h if h else np.nan,
                    "revenue_one_more_hour": marginal[design],
                    "margin_per_client_month": paid / float(t.person_months[provider]) - hours_per_month * cost_per_hour,
                }
            )
    return pd.DataFrame(rows)


def designs_within_loss(comparison: pd.DataFrame, max_loss_share: float) -> pd.DataFrame:
    """Per design: the largest loss of any provider as a share of its hourly payment, whether every provider stays
    within max_loss_share, and the largest revenue of one more executed hour (the incentive to count time). The
    designs that keep every provider within the loss, with the least incentive to count time, come first."""
    by = comparison.groupby("design", sort=False).agg(
        worst_change_share=("change_share", "min"), revenue_one_more_hour=("revenue_one_more_hour", "max")
    )
    by["within_loss"] = by.worst_change_share >= -max_loss_share - 1e-12
    order = by.sort_values(["within_loss", "revenue_one_more_hour", "worst_change_share"], ascending=[False, True, False])
    return order.reset_index()


# --- transition: what protecting providers from a design's loss costs ---------------------------------------


def loss_cap(comparison: pd.DataFrame, max_loss_share: float) -> pd.DataFrame:
    """Every design with a cap on any provider's yearly loss: each provider paid at least (1 - max_loss_share) of
    what hourly payment paid it. Per provider and design: the payment with the cap (kr/year), whether the cap
    binds, and what it costs the board on top of the design (kr/year)."""
    out = comparison[["provider", "design", "payment", "change", "change_share"]].copy()
    hourly = out.payment - out.change
    floor = (1 - max_loss_share) * hourly
    out["capped_payment"] = np.maximum(out.payment, floor)
    out["cap_binds"] = out.payment < floor - 1e-9
    out["cap_cost"] = out.capped_payment - out.payment
    return out


def phase_in(comparison: pd.DataFrame, design: str, years: int) -> pd.DataFrame:
    """A design phased in over `years` equal steps: in year k of 1..years each provider is paid hourly payment
    plus k/years of the design's change (kr/year). Per provider and year: payment, change against hourly payment
    (kr, share), and the difference from paying the design at once (kr; summed over providers it is the cost to
    the board of phasing in, zero for a budget-neutral design since gainers wait as losers do)."""
    if years < 1:
        raise ValueError(f"years {years}: a phase-in takes at least 1 year")
    d = comparison[comparison.design == design]
    if d.empty:
        raise ValueError(f"design {design!r} is not in the comparison; designs: {', '.join(DESIGNS)}")
    rows = []
    for t in d.itertuples():
        hourly = t.payment - t.change
        for k in range(1, years + 1):
            paid = hourly + t.change * k / years
            rows.append(
                {
                    "provider": t.provider,
                    "year": k,
                    "payment": paid,
                    "change": paid - hourly,
                    "change_share": (paid - hourly) / hourly if hourly else np.nan,
                    "versus_design": paid - t.payment,
                }
            )
    return pd.DataFrame(rows)


# --- what clients stand to lose ----------------------------------------------------------------


def client_hours(totals: pd.DataFrame, lowest_ratio: float, safeguard_share: float, cost_per_hour: float) -> pd.DataFrame:
    """Hours per client and month by provider: executed today, ordered (executed / execution ratio), what a
    provider paid per person would deliver at the lowest execution ratio the document shows, and at a safeguard
    requiring at least safeguard_share of the ordered time; with what the safeguard's extra hours cost a year (kr,
    at cost_per_hour). totals: provider, person_months, executed_hours, execution_ratio (known or assumed)."""
    t = totals
    ordered = t.executed_hours / t.execution_ratio / t.person_months
    lowest = ordered * lowest_ratio
    guarded = ordered * max(lowest_ratio, safeguard_share)
    return pd.DataFrame(
        {
            "provider": t.provider,
            "executed_per_client_month": t.executed_hours / t.person_months,
            "ordered_per_client_month": ordered,
            "at_lowest_ratio": lowest,
            "with_safeguard": guarded,
            "safeguard_cost": (guarded - lowest) * t.person_months * cost_per_hour,
        }
    )


# --- risk-adjustment practice: out-of-sample fit ------------------------------------------------


def split_sample_fit(frame: pd.DataFrame, group: str, target: str, seed: int) -> pd.DataFrame:
    """R² of weights by group estimated on a random half of the persons and applied to the other half, against
    the R² in the half they were estimated on: a gap shows weights fitted to noise. Persons, not person-months,
    are split, so a person's months stay together."""
    persons = frame.person_id.unique()
    rng = np.random.default_rng(seed)
    half = set(rng.permutation(persons)[: len(persons) // 2])
    in_half = frame.person_id.isin(half).to_numpy()
    train, test = frame[in_half], frame[~in_half]
    weights = estimate_weights(train, group, target)
    rows = []
    for name, part in ((N_("estimation half"), train), (N_("other half"), test)):
        paid = part[group].map(weights).to_numpy(float)
        rows.append({"sample": name, "person_months": len(part), "r_squared": r_squared(part[target], paid)})
    return pd.DataFrame(rows)


# --- volume and administration: growth passed into cost, posts added and audits stopped ---------------

#: Whether a design still needs providers to report executed time: every design that pays or measures hours does;
#: capitation alone does not (Västerås 2022, section 3: no time would be reported, so none audited).
RECORDS_TIME = {"hourly": True, "capitation": False, "blend": True, "corridor": True, "stop_loss": True}


def observed_growth(first: float, last: float, months_between: int) -> float:
    """The yearly growth rate (share 0-1) that takes a count from `first` to `last` in `months_between` months."""
    if first <= 0 or last <= 0 or months_between < 1:
        raise ValueError(f"growth needs two positive counts a month or more apart (given {first}, {last}, {months_between})")
    return float((last / first) ** (12 / months_between) - 1)


def administration(designs: pd.Series | list[str], posts: float, cost_per_post: float, audit_saving: float) -> pd.DataFrame:
    """By design: the board's administrative cost against hourly payment (kr/year). Every design with a part paid per
    person adds the needs-assessment posts (posts x cost_per_post: someone must check that clients' needs are met
    when hours no longer show it); a design under which no time is reported also saves the audit of reported time
    (audit_saving, kr/year)."""
    rows = []
    for design in dict.fromkeys(designs):
        if design not in RECORDS_TIME:
            raise ValueError(f"design {design!r} unknown; designs: {', '.join(RECORDS_TIME)}")
        added = 0.0 if design == "hourly" else posts * cost_per_post
        saved = 0.0 if RECORDS_TIME[design] else audit_saving
        rows.append(
            {
                "design": design,
                "records_time": RECORDS_TIME[design],
                "posts_cost": added,
                "audit_saving": saved,
                "administration": added - saved,
            }
        )
    return pd.DataFrame(rows)


def volume_projection(
    comparison: pd.DataFrame, admin: pd.DataFrame, growth_per_year: float, base_year: int, years: list[int]
) -> pd.DataFrame:
    """Each design's cost to the board in each of `years` (kr/year, the base year's prices): the base year's
    payment to all providers (comparison, from design_comparison) grown with the number of clients at
    growth_per_year, hours per client held as they were, plus the design's administration (administration()).
    Per design and year: clients as a multiple of the base year's, payment, administration, total, and the total
    against hourly payment's total that year."""
    if growth_per_year <= -1:
        raise ValueError(f"growth_per_year {growth_per_year}: must be above -1 (a fall of 100 %)")
    pay = comparison.groupby("design", sort=False).payment.sum()
    extra = admin.set_index("design").administration.reindex(pay.index).fillna(0.0)
    rows = []
    for year in years:
        factor = (1 + growth_per_year) ** (year - base_year)
        hourly_total = float(pay["hourly"]) * factor + float(extra.get("hourly", 0.0))
        for design in pay.index:
            total = float(pay[design]) * factor + float(extra[design])
            rows.append(
                {
                    "design": design,
                    "year": year,
                    "clients_factor": factor,
                    "payment": float(pay[design]) * factor,
                    "administration": float(extra[design]),
                    "total": total,
                    "versus_hourly": total - hourly_total,
                }
            )
    return pd.DataFrame(rows)


# --- adjusters that do not depend on hours ----------------------------------------------------------

#: Columns an analyst's extract may carry that a needs assessment sets without counting hours (schema
#: housing_support_person_months): a score is used as a number, the others as groups.
ADJUSTERS = {"assessment_score": "number", "living_situation": "group", "diagnosis_group": "group"}


def adjuster_matrix(
    frame: pd.DataFrame, adjusters: list[str], levels: dict[str, list] | None = None
) -> tuple[np.ndarray, list[str], dict[str, list]]:
    """The regressors of a payment from adjusters: an intercept, each number as it is, each group as indicators
    (its first level, in sorted order, the reference). levels: each group's levels, as an earlier call on the
    person-months the payment was estimated on returned them (a level unseen there gets no indicator)."""
    columns, names, found = [np.ones(len(frame))], ["intercept"], {}
    for a in adjusters:
        if ADJUSTERS.get(a) == "number":
            columns.append(frame[a].to_numpy(float))
            names.append(a)
            continue
        codes, uniques = pd.factorize(frame[a], sort=True)
        found[a] = list(uniques) if levels is None else levels[a]
        position = {level: i for i, level in enumerate(uniques)}
        for level in found[a][1:]:
            k = position.get(level)
            columns.append((codes == k).astype(float) if k is not None else np.zeros(len(frame)))
            names.append(f"{a}={level}")
    return np.column_stack(columns), names, found


def adjuster_payment(train: pd.DataFrame, apply_to: pd.DataFrame, adjusters: list[str], target: str, budget: float) -> np.ndarray:
    """Payments (kr) from adjusters: least squares of the target on them in `train`, applied to `apply_to` and scaled
    by one factor to spend `budget` there (as calibrate() does for need groups)."""
    from statsmodels.regression.linear_model import OLS

    x, _names, levels = adjuster_matrix(train, adjusters)
    fit = OLS(train[target].to_numpy(float), x).fit()
    predicted = x @ fit.params if apply_to is train else adjuster_matrix(apply_to, adjusters, levels)[0] @ fit.params
    return predicted * budget / predicted.sum()


def ratios_by_decile(target, predicted) -> pd.DataFrame:
    """Predictive ratios (paid / target, 0-1 = underpaid) by tenth of predicted cost: person-months ranked by their
    payment, equal payments kept in one tenth (so a tenth may hold more or fewer than a tenth of them)."""
    y, p = np.asarray(target, float), np.asarray(predicted, float)
    one = p.min() == p.max()  # one payment for all: one tenth holds them all
    codes = np.zeros(len(p), int) if one else pd.qcut(pd.Series(p), 10, labels=False, duplicates="drop").to_numpy()
    frame = pd.DataFrame({"decile": codes + 1, "target": y, "paid": p})
    out = frame.groupby("decile").agg(person_months=("paid", "size"), paid=("paid", "sum"), target=("target", "sum"))
    out["predictive_ratio"] = out.paid / out.target
    return out.reset_index()


def adjuster_fit(frame: pd.DataFrame, adjusters: list[str], target: str, group: str, seed: int) -> pd.DataFrame:
    """How well payments from adjusters fit the target (R², Cumming's measure), in the person-months they were
    estimated on and out of sample (estimated on a random half of the persons, applied to the other half, as
    split_sample_fit does for need groups); the need groups (`group`) alongside as the yardstick. Budget: the
    target's total in each sample."""
    persons = frame.person_id.unique()
    rng = np.random.default_rng(seed)
    half = set(rng.permutation(persons)[: len(persons) // 2])
    in_half = frame.person_id.isin(half).to_numpy()
    train, test = frame[in_half], frame[~in_half]
    y_all, y_test = frame[target].to_numpy(float), test[target].to_numpy(float)
    rows = []
    for name, used in ((", ".join(adjusters), adjusters), (_("{group} (bands of ordered hours)", group=group), [group])):
        whole = adjuster_payment(frame, frame, used, target, float(y_all.sum()))
        out = adjuster_payment(train, test, used, target, float(y_test.sum()))
        rows.append(
            {
                "adjusters": name,
                "r_squared": r_squared(y_all, whole),
                "cumming": cumming_prediction_measure(y_all, whole),
                "r_squared_out_of_sample": r_squared(y_test, out),
            }
        )
    return pd.DataFrame(rows)
