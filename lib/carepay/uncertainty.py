"""Uncertainty: inputs the documents do not give, declared with a distribution and a reason, and what they do to a
question's headline results.

A scenario's ``uncertainty`` block names parameters (dotted, as `carepay params --describe` lists them) and gives
each a distribution; the parameter's own value stays the central case. From these the library draws N seeded
samples and evaluates the question's headlines on all of them at once (each question's ``uncertainty`` module says
how, vectorised over the draws), then reports

- the central value (the scenario's own values) and the 90 % interval of the draws, with its Monte Carlo error;
- one-at-a-time swings: each input from its low to its high value, the others at their central values (a tornado);
- global indices (Sobol first-order and total, Saltelli sampling through SALib) when two or more inputs are
  uncertain, because inputs that interact are not seen one at a time.

Distributions: ``uniform`` (low, high), ``triangular`` (low, mode, high), ``normal`` (mean, sd; truncated to low and
high where given, else to the parameter's allowed range), ``choice`` (values, optional weights; any parameter,
text ones included). Every draw is a point in [0, 1) per input mapped through the distribution's quantile function,
so random draws, Sobol's design and the swings all use one mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from carepay.i18n import Text, _, cell, pick

#: Share of draws inside the interval reported on every headline.
LEVEL = 0.9

Headlines = Callable[[Any, pd.DataFrame], pd.DataFrame]


def _field(default: Any = ..., *, unit: str, description: str, **constraints: Any) -> Any:
    """A field with the unit and source every parameter carries (as carepay.params.param, which imports this)."""
    extra: dict[str, Any] = {"unit": unit, "source": "the analyst, with the reason given"}
    return Field(default, description=description, json_schema_extra=extra, **constraints)


class Distribution(BaseModel):
    """One uncertain input: its distribution and why it is uncertain (a source or a reason)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    distribution: Literal["uniform", "triangular", "normal", "choice"] = _field(
        unit="choice",
        description="uniform (low, high), triangular (low, mode, high), normal (mean, sd, truncated), choice (values).",
    )
    label: Text = _field(unit="text", description="What the input is, in a few words (one text, or {sv: ..., en: ...}).")
    reason: Text = _field(
        unit="text", description="Why the value is uncertain and where the range comes from (one text, or {sv: ..., en: ...})."
    )
    low: float | None = _field(
        None, unit="the parameter's", description="Lowest value (uniform, triangular; truncation for normal)."
    )
    high: float | None = _field(
        None, unit="the parameter's", description="Highest value (uniform, triangular; truncation for normal)."
    )
    mode: float | None = _field(None, unit="the parameter's", description="Most likely value (triangular).")
    mean: float | None = _field(None, unit="the parameter's", description="Mean before truncation (normal).")
    sd: float | None = _field(None, unit="the parameter's", description="Standard deviation before truncation (normal).", gt=0)
    values: list[Any] | None = _field(None, unit="the parameter's", description="The values a choice draws from.", min_length=2)
    weights: list[float] | None = _field(
        None, unit="relative weight", description="Weights of the values (choice); equal when omitted."
    )

    @field_validator("label", "reason")
    @classmethod
    def _some_text(cls, value: Text, info: Any) -> Text:
        texts = [value] if isinstance(value, str) else list(value.values())
        if not texts or not all(t.strip() for t in texts):
            raise ValueError("give a text, or one per language ({sv: ..., en: ...}), none empty")
        if info.field_name == "label" and any(len(t) > 80 for t in texts):
            raise ValueError("a label has at most 80 characters")
        return value

    def text(self, name: str) -> str:
        """The label or reason in the report's language, else in the one it is given in."""
        return pick(getattr(self, name))

    @model_validator(mode="after")
    def _complete(self) -> Distribution:
        need = {
            "uniform": ("low", "high"),
            "triangular": ("low", "mode", "high"),
            "normal": ("mean", "sd"),
            "choice": ("values",),
        }[self.distribution]
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(f"a {self.distribution} distribution needs {', '.join(missing)}")
        extra = [
            k
            for k in ("low", "high", "mode", "mean", "sd", "values", "weights")
            if getattr(self, k) is not None
            and k not in need
            and not (self.distribution == "normal" and k in ("low", "high"))
            and not (self.distribution == "choice" and k == "weights")
        ]
        if extra:
            raise ValueError(f"a {self.distribution} distribution does not take {', '.join(extra)}")
        if self.distribution in ("uniform", "triangular") and not self.low < self.high:  # type: ignore[operator]
            raise ValueError(f"need low < high, got low {self.low} and high {self.high}")
        if self.distribution == "triangular" and not self.low <= self.mode <= self.high:  # type: ignore[operator]
            raise ValueError(f"need low <= mode <= high, got {self.low}, {self.mode}, {self.high}")
        if self.distribution == "normal" and self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"need low < high, got low {self.low} and high {self.high}")
        if self.weights is not None:
            if len(self.weights) != len(self.values or []):
                raise ValueError(f"give one weight per value ({len(self.values or [])}), got {len(self.weights)}")
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError("weights must be at least 0 and not all 0")
        return self

    def truncated(self, low: float | None, high: float | None) -> Distribution:
        """A normal distribution truncated to a parameter's allowed range where the scenario gives no bounds."""
        if self.distribution != "normal":
            return self
        return self.model_copy(
            update={"low": self.low if self.low is not None else low, "high": self.high if self.high is not None else high}
        )

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """The values at probabilities u (0-1): the distribution's quantile function."""
        u = np.asarray(u, float)
        if self.distribution == "uniform":
            return self.low + u * (self.high - self.low)  # type: ignore[operator]
        if self.distribution == "triangular":
            a, c, b = float(self.low), float(self.mode), float(self.high)  # type: ignore[arg-type]
            f = (c - a) / (b - a)
            return np.where(u < f, a + np.sqrt(u * (b - a) * (c - a)), b - np.sqrt((1 - u) * (b - a) * (b - c)))
        if self.distribution == "normal":
            from scipy import stats

            lo = -np.inf if self.low is None else (self.low - self.mean) / self.sd  # type: ignore[operator]
            hi = np.inf if self.high is None else (self.high - self.mean) / self.sd  # type: ignore[operator]
            return np.asarray(stats.truncnorm.ppf(u, lo, hi, loc=self.mean, scale=self.sd), float)
        values = self.values or []
        w = np.asarray(self.weights if self.weights is not None else [1.0] * len(values), float)
        edges = np.cumsum(w) / w.sum()
        index = np.minimum(np.searchsorted(edges, u, side="right"), len(values) - 1)
        return np.asarray(values, dtype=object)[index]

    def ends(self) -> list[Any]:
        """The values a one-at-a-time swing tries: the ends of a bounded range, the 5 % and 95 % quantiles of a
        normal, every value of a choice."""
        if self.distribution in ("uniform", "triangular"):
            return [self.low, self.high]
        if self.distribution == "normal":
            return [float(v) for v in self.quantile(np.array([(1 - LEVEL) / 2, (1 + LEVEL) / 2]))]
        return list(self.values or [])

    def describe(self) -> str:
        """'uniform 25–300', 'triangular −0,4 … −0,3 … −0,2', 'normal 0,5 ± 0,1', 'one of a, b'."""
        from carepay.formats import value as readable

        if self.distribution == "uniform":
            return _("uniform {low} to {high}", low=readable(self.low), high=readable(self.high))
        if self.distribution == "triangular":
            return _(
                "triangular {low} to {high}, most likely {mode}",
                low=readable(self.low),
                high=readable(self.high),
                mode=readable(self.mode),
            )
        if self.distribution == "normal":
            return _("normal, mean {mean}, sd {sd}", mean=readable(self.mean), sd=readable(self.sd))
        return _("one of {values}", values=", ".join(cell(readable(v)) for v in self.values or []))


class UncertaintySpec(BaseModel):
    """The scenario's uncertain inputs and how many draws to take."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    draws: int = _field(1000, unit="draws", ge=20, le=1_000_000, description="Monte Carlo draws (seeded).")
    seed: int = _field(20261122, unit="seed", ge=0, description="Seed of the draws: same seed, same interval, bit for bit.")
    inputs: dict[str, Distribution] = _field(
        {},
        unit="parameter -> distribution (null: not uncertain in this scenario)",
        description="Parameter (dotted name) -> its distribution; its own value stays central.",
    )
    settled: dict[str, Text] = _field(
        {},
        unit="parameter -> why",
        description="Filled in by carepay: declared inputs this scenario's own data settle (an extract), not drawn.",
    )

    @model_validator(mode="before")
    @classmethod
    def _dropped(cls, data: Any) -> Any:
        """A scenario drops an input the default declares by setting it to null."""
        if isinstance(data, dict) and isinstance(data.get("inputs"), dict):
            data = {**data, "inputs": {k: v for k, v in data["inputs"].items() if v is not None}}
        return data


# --- drawing -----------------------------------------------------------------------------------


def points(spec: UncertaintySpec, n: int | None = None, seed: int | None = None) -> np.ndarray:
    """n seeded points in [0, 1) per input (n x inputs), the same for the same seed."""
    rng = np.random.default_rng(spec.seed if seed is None else seed)
    return rng.random((spec.draws if n is None else n, len(spec.inputs)))


def draws_at(spec: UncertaintySpec, u: np.ndarray) -> pd.DataFrame:
    """Parameter values at points u (n x inputs): one column per uncertain input, named by its parameter."""
    return pd.DataFrame({name: dist.quantile(u[:, i]) for i, (name, dist) in enumerate(spec.inputs.items())})


def central(spec: UncertaintySpec, values: Mapping[str, Any]) -> pd.DataFrame:
    """One row: every uncertain input at the scenario's own value (the central case)."""
    return pd.DataFrame({name: [values[name]] for name in spec.inputs})


# --- summaries ---------------------------------------------------------------------------------


def interval(samples: np.ndarray, level: float = LEVEL) -> tuple[float, float]:
    """The central `level` interval of samples: its (1-level)/2 and (1+level)/2 quantiles."""
    lo, hi = np.quantile(np.asarray(samples, float), [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def monte_carlo_error(samples: np.ndarray, level: float = LEVEL, resamples: int = 200, seed: int = 0) -> float:
    """Standard error of the interval's ends from the finite number of draws (bootstrap; the larger of the two)."""
    x = np.asarray(samples, float)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(x), size=(resamples, len(x)))
    q = np.quantile(x[idx], [(1 - level) / 2, (1 + level) / 2], axis=1)
    return float(np.max(np.std(q, axis=1, ddof=1)))


@dataclass
class Ranges:
    """What the uncertain inputs do to the headlines: intervals (one row per headline), swings (one row per
    headline and input: the headline at the input's low and high ends, others central) and, with two or more
    inputs, Sobol indices (first-order and total, shares 0-1 of the headline's variance)."""

    intervals: pd.DataFrame
    swings: pd.DataFrame
    indices: pd.DataFrame
    inputs: pd.DataFrame
    draws: int
    seed: int
    spec: UncertaintySpec | None = None
    evaluation: tuple[Mapping[str, Any], Headlines, Any] | None = field(default=None, repr=False)
    sobol_runs: int = 0  # evaluations behind the Sobol indices: base samples x (inputs + 2)

    def curve(self, over: str, grid: Sequence[float], headline: str, draws: int = 100) -> pd.DataFrame:
        """The headline over a grid of one input, the other uncertain inputs as a band (see `curve`)."""
        if self.spec is None or self.evaluation is None:
            raise ValueError("these ranges were not made by ranges(); no curve")
        values, headlines, prepared = self.evaluation
        return curve(self.spec, values, headlines, prepared, over, grid, headline, draws)

    def drivers(self, headline: str, top: int = 3) -> list[str]:
        """The inputs that move a headline most (by the width of their swing), largest first."""
        s = self.swings[self.swings.headline == headline]
        s = s[s.width > 0].sort_values("width", ascending=False, kind="stable")
        return list(s.parameter.head(top))

    def moves(self, headline: str) -> bool:
        """Whether any declared input moves the headline at all."""
        row = self.intervals.set_index("headline")
        return headline in row.index and bool(row.loc[headline, "high"] > row.loc[headline, "low"])

    def label(self, parameter: str) -> str:
        return str(self.inputs.set_index("parameter").loc[parameter, "label"])


def of_question(notebook: str, result: Any, params: Any, *packages: Any) -> Ranges | None:
    """The ranges of a question's headlines under the scenario's uncertain inputs (None when it declares none):
    carepay.<notebook>.uncertainty says how its headlines are evaluated over draws."""
    import importlib

    from carepay.params import flatten

    spec = params.uncertainty
    if not spec.inputs:
        return None
    module = importlib.import_module(f"carepay.{notebook}.uncertainty")
    prepared = module.prepare(result, params, *packages)
    values = dict(flatten(params.values()))
    if hasattr(module, "central_values"):  # parameters whose value the question computes when the scenario gives none
        values = module.central_values(prepared, values)
    return ranges(spec, values, module.headlines, prepared)


def ranges(
    spec: UncertaintySpec,
    values: Mapping[str, Any],
    headlines: Headlines,
    prepared: Any,
    sobol_base: int = 256,
    scheduler: str | None = None,
) -> Ranges:
    """Evaluate the headlines over the scenario's draws; see the module's docstring. values: the scenario's
    parameter values by dotted name (the central case). headlines(prepared, draws) -> one row per draw, one column
    per headline id, in the order of draws. scheduler: where the draws are evaluated (carepay.sweep)."""
    from carepay.sweep import evaluate

    names = list(spec.inputs)
    centre = headlines(prepared, central(spec, values)).iloc[0]
    sample = evaluate(headlines, prepared, draws_at(spec, points(spec)), scheduler=scheduler)
    rows = []
    for hid in sample.columns:
        x = sample[hid].to_numpy(float)
        lo, hi = interval(x)
        rows.append(
            {
                "headline": hid,
                "central": float(centre[hid]),
                "low": lo,
                "high": hi,
                "median": float(np.median(x)),
                "monte_carlo_error": monte_carlo_error(x, seed=spec.seed),
            }
        )
    intervals = pd.DataFrame(rows)
    swings = _swings(spec, values, headlines, prepared, centre)
    indices = _sobol(spec, headlines, prepared, sobol_base) if len(names) >= 2 else pd.DataFrame()
    inputs = pd.DataFrame(
        [
            {
                "parameter": n,
                "label": d.text("label"),
                "central": values[n],
                "distribution": d.describe(),
                "reason": d.text("reason"),
            }
            for n, d in spec.inputs.items()
        ]
    )
    runs = sobol_base * (len(names) + 2) if len(names) >= 2 else 0
    return Ranges(intervals, swings, indices, inputs, spec.draws, spec.seed, spec, (values, headlines, prepared), runs)


def _swings(
    spec: UncertaintySpec, values: Mapping[str, Any], headlines: Headlines, prepared: Any, centre: pd.Series
) -> pd.DataFrame:
    rows, frames = [], []
    for name, dist in spec.inputs.items():
        for end in dist.ends():
            row = central(spec, values)
            row[name] = pd.Series([end], dtype=object) if not isinstance(end, (int, float)) else end
            frames.append(row)
            rows.append((name, end))
    if not frames:
        return pd.DataFrame(columns=["headline", "parameter", "low_value", "high_value", "low", "high", "width"])
    result = headlines(prepared, pd.concat(frames, ignore_index=True))
    out = []
    for hid in result.columns:
        for name in spec.inputs:
            at = [i for i, (n, _row) in enumerate(rows) if n == name]
            got = result[hid].to_numpy(float)[at]
            ends = [rows[i][1] for i in at]
            i_lo, i_hi = int(np.argmin(got)), int(np.argmax(got))
            out.append(
                {
                    "headline": hid,
                    "parameter": name,
                    "central": float(centre[hid]),
                    "low": float(got[i_lo]),
                    "high": float(got[i_hi]),
                    "value_at_low": ends[i_lo],
                    "value_at_high": ends[i_hi],
                    "width": float(got[i_hi] - got[i_lo]),
                }
            )
    return pd.DataFrame(out)


def _sobol(spec: UncertaintySpec, headlines: Headlines, prepared: Any, base: int) -> pd.DataFrame:
    """Sobol first-order and total indices by Saltelli's design (SALib), each input as a point in [0, 1] mapped
    through its own quantile function."""
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    names = list(spec.inputs)
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    u = sample.sample(problem, base, calc_second_order=False, seed=spec.seed)
    u = np.clip(u, 0.0, np.nextafter(1.0, 0.0))
    result = headlines(prepared, draws_at(spec, u))
    out = []
    for hid in result.columns:
        y = result[hid].to_numpy(float)
        if np.ptp(y) == 0:
            s1 = st = s1_conf = st_conf = np.zeros(len(names))
        else:
            si = analyze.analyze(problem, y, calc_second_order=False, print_to_console=False, seed=spec.seed)
            s1, st = np.clip(si["S1"], 0, 1), np.clip(si["ST"], 0, 1)
            s1_conf, st_conf = si["S1_conf"], si["ST_conf"]  # half-widths of SALib's 95 % bootstrap intervals
        for i, name in enumerate(names):
            out.append(
                {
                    "headline": hid,
                    "parameter": name,
                    "first_order": float(s1[i]),
                    "first_order_conf": float(s1_conf[i]),
                    "total": float(st[i]),
                    "total_conf": float(st_conf[i]),
                }
            )
    return pd.DataFrame(out)


def curve(
    spec: UncertaintySpec,
    values: Mapping[str, Any],
    headlines: Headlines,
    prepared: Any,
    over: str,
    grid: Sequence[float],
    headline: str,
    draws: int = 100,
) -> pd.DataFrame:
    """A headline over a grid of one input (kr, hours, ... as the headline), with the other uncertain inputs as a
    band: for each grid value, the headline at the scenario's values (central) and the 90 % interval over `draws`
    seeded draws of the others (low, high). One row per grid value."""
    others = UncertaintySpec(draws=draws, seed=spec.seed, inputs={k: v for k, v in spec.inputs.items() if k != over})
    base = draws_at(others, points(others)) if others.inputs else pd.DataFrame(index=range(1))
    frames = [central(spec, values).drop(columns=[over], errors="ignore").assign(**{over: g}) for g in grid]
    frames += [base.assign(**{over: g}) for g in grid]
    result = headlines(prepared, pd.concat(frames, ignore_index=True))[headline].to_numpy(float)
    centre, band = result[: len(grid)], result[len(grid) :].reshape(len(grid), len(base))
    low, high = np.quantile(band, [(1 - LEVEL) / 2, (1 + LEVEL) / 2], axis=1)
    return pd.DataFrame({over: list(grid), "central": centre, "low": low, "high": high})


def crossing(x: Sequence[float], y: Sequence[float], level: float = 0.0) -> float | None:
    """The first x at which y reaches `level` (linear between grid points); None when it never does."""
    xs, ys = np.asarray(x, float), np.asarray(y, float) - level
    for i in range(len(xs) - 1):
        if ys[i] == 0:
            return float(xs[i])
        if ys[i] * ys[i + 1] < 0:
            return float(xs[i] + (xs[i + 1] - xs[i]) * ys[i] / (ys[i] - ys[i + 1]))
    return float(xs[-1]) if len(ys) and ys[-1] == 0 else None


# --- applying draws to parameters ----------------------------------------------------------------


def with_values(params: Any, updates: Mapping[str, Any]) -> Any:
    """A copy of a (frozen) parameter model with dotted parameters set: {'elasticity.central': -0.4}."""
    changes: dict[str, Any] = {}
    for name, value in updates.items():
        head, _dot, rest = name.partition(".")
        changes.setdefault(head, {})
        if rest:
            changes[head][rest] = value
        else:
            changes[head] = value
    update = {}
    for head, value in changes.items():
        current = params[head] if isinstance(params, dict) else getattr(params, head)
        nested = isinstance(value, dict) and isinstance(current, (BaseModel, dict))
        update[head] = with_values(current, value) if nested else value
    return {**params, **update} if isinstance(params, dict) else params.model_copy(update=update)


def draw_key(row: Mapping[str, Any]) -> tuple:
    """A draw's values as a key for caching what they give (the same values, the same key)."""
    return tuple(sorted((k, repr(v)) for k, v in row.items()))


def per_draw(
    draws: pd.DataFrame,
    evaluate: Callable[[dict[str, Any]], Mapping[str, float]],
    cache: dict[tuple, Mapping[str, float]] | None = None,
) -> pd.DataFrame:
    """Headlines of draws one by one, each distinct combination once (choices repeat): for questions whose steps
    do not vectorise over draws, and whose uncertain inputs take few values. cache: kept by the caller to reuse
    results across calls (the draws, the swings and Sobol's design repeat the same few combinations)."""
    cache = {} if cache is None else cache
    rows = []
    for row in draws.to_dict("records"):
        key = draw_key(row)
        if key not in cache:
            cache[key] = evaluate(row)
        rows.append(cache[key])
    return pd.DataFrame(rows)


def chunked(n: int, size: int) -> Sequence[slice]:
    """Slices of 0..n in chunks of `size` rows: draws evaluated as matrices without holding all of them at once."""
    return [slice(i, min(i + size, n)) for i in range(0, n, size)]
