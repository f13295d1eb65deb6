"""Samplers for durations and delays, built from a :class:`~sim.config.DistributionConfig`.

:func:`make_sampler` validates a config (one clear :class:`~sim.errors.ConfigError` per mistake,
naming the key and the value) and returns a :class:`Sampler`: ``sampler()`` is one draw,
``sampler.sample(n)`` is ``n`` draws, ``sampler.mean`` is the theoretical mean that the
verification suite compares with queueing theory.

Parameters a family does not use are rejected, not ignored: ``cv`` on an exponential, or both
lognormal parametrisations at once, means someone misunderstood the config, and silently
dropping a number would hide it. All families here give non-negative values.

**Block draws.** SimPy processes call ``sampler()`` 10^5–10^6 times per simulated year, and a
numpy call per draw would dominate the run time. Each sampler therefore draws
:data:`BLOCK_SIZE` values at a time from its own generator and hands them out one by one;
``sample(n)`` continues the *same* sequence (it consumes the buffer and then further whole
blocks), so mixing the two never skips or repeats a value. The block size is a fixed constant,
so runs stay reproducible; and because every activity owns its own stream
(:mod:`sim.engine.streams`), the buffering can only ever affect that one stream's sequence, never
another's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from numbers import Real
from statistics import NormalDist
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from sim.errors import ConfigError

#: Values drawn per numpy call by each sampler; fixed so sequences are reproducible.
BLOCK_SIZE = 512

FloatArray = npt.NDArray[np.float64]

#: Every parameter key of ``DistributionConfig`` other than ``dist``.
PARAMETERS = (
    "mean",
    "cv",
    "median",
    "percentile",
    "percentile_value",
    "low",
    "mode",
    "high",
    "value",
    "values",
    "weights",
)

#: family -> its alternative parametrisations, each (required keys, optional keys).
FAMILIES: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = {
    "exponential": ((("mean",), ()),),
    "lognormal": ((("mean", "cv"), ()), (("median", "percentile", "percentile_value"), ())),
    "gamma": ((("mean", "cv"), ()),),
    "triangular": ((("low", "mode", "high"), ()),),
    "uniform": ((("low", "high"), ()),),
    "deterministic": ((("value",), ()),),
    "empirical": ((("values",), ("weights",)),),
}


@runtime_checkable
class Sampler(Protocol):
    """A source of non-negative draws with a known theoretical mean."""

    def __call__(self) -> float: ...

    def sample(self, n: int) -> FloatArray: ...

    @property
    def mean(self) -> float: ...


# --- samplers ------------------------------------------------------------------------------


class _BlockSampler:
    """Hands out draws from blocks of :data:`BLOCK_SIZE`; subclasses define ``_draw``."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._buffer: list[float] = []
        self._pos = 0

    def _draw(self, n: int) -> FloatArray:
        raise NotImplementedError

    def __call__(self) -> float:
        pos = self._pos
        if pos >= len(self._buffer):
            self._buffer = self._draw(BLOCK_SIZE).tolist()
            pos = 0
        self._pos = pos + 1
        return self._buffer[pos]

    def sample(self, n: int) -> FloatArray:
        """The next ``n`` values of the same sequence ``__call__`` hands out (whole blocks)."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        left = np.asarray(self._buffer[self._pos : self._pos + n], dtype=float)
        self._pos += len(left)
        need = n - len(left)
        if need == 0:
            return left
        blocks = [self._draw(BLOCK_SIZE) for _ in range(-(-need // BLOCK_SIZE))]
        self._buffer, self._pos = blocks[-1].tolist(), need - (len(blocks) - 1) * BLOCK_SIZE
        return np.concatenate([left, *blocks])[:n]


class Exponential(_BlockSampler):
    def __init__(self, rng: np.random.Generator, mean: float) -> None:
        super().__init__(rng)
        self._mean = mean

    def _draw(self, n: int) -> FloatArray:
        return self._rng.exponential(self._mean, n)

    @property
    def mean(self) -> float:
        return self._mean

    def __repr__(self) -> str:
        return f"Exponential(mean={self._mean!r})"


class Lognormal(_BlockSampler):
    """``exp(N(mu, sigma²))``; build it with :meth:`from_mean_cv` or :meth:`from_median`."""

    def __init__(self, rng: np.random.Generator, mu: float, sigma: float) -> None:
        super().__init__(rng)
        self.mu, self.sigma = mu, sigma

    @classmethod
    def from_mean_cv(cls, rng: np.random.Generator, mean: float, cv: float) -> Lognormal:
        sigma2 = math.log1p(cv * cv)
        return cls(rng, math.log(mean) - sigma2 / 2, math.sqrt(sigma2))

    @classmethod
    def from_median(
        cls, rng: np.random.Generator, median: float, percentile: float, percentile_value: float
    ) -> Lognormal:
        """E.g. median 30, 90th percentile 75 → sigma = ln(75/30) / z_0.9."""
        z = NormalDist().inv_cdf(percentile / 100)
        return cls(rng, math.log(median), math.log(percentile_value / median) / z)

    def _draw(self, n: int) -> FloatArray:
        return self._rng.lognormal(self.mu, self.sigma, n)

    @property
    def mean(self) -> float:
        return math.exp(self.mu + self.sigma**2 / 2)

    def __repr__(self) -> str:
        return f"Lognormal(mu={self.mu!r}, sigma={self.sigma!r}, mean={self.mean!r})"


class Gamma(_BlockSampler):
    """Gamma by mean and cv: shape 1/cv², scale mean·cv²."""

    def __init__(self, rng: np.random.Generator, mean: float, cv: float) -> None:
        super().__init__(rng)
        self._mean, self.cv = mean, cv
        self.shape, self.scale = 1 / cv**2, mean * cv**2

    def _draw(self, n: int) -> FloatArray:
        return self._rng.gamma(self.shape, self.scale, n)

    @property
    def mean(self) -> float:
        return self._mean

    def __repr__(self) -> str:
        return f"Gamma(mean={self._mean!r}, cv={self.cv!r})"


class Triangular(_BlockSampler):
    def __init__(self, rng: np.random.Generator, low: float, mode: float, high: float) -> None:
        super().__init__(rng)
        self.low, self.mode, self.high = low, mode, high

    def _draw(self, n: int) -> FloatArray:
        return self._rng.triangular(self.low, self.mode, self.high, n)

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    def __repr__(self) -> str:
        return f"Triangular(low={self.low!r}, mode={self.mode!r}, high={self.high!r})"


class Uniform(_BlockSampler):
    def __init__(self, rng: np.random.Generator, low: float, high: float) -> None:
        super().__init__(rng)
        self.low, self.high = low, high

    def _draw(self, n: int) -> FloatArray:
        return self._rng.uniform(self.low, self.high, n)

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    def __repr__(self) -> str:
        return f"Uniform(low={self.low!r}, high={self.high!r})"


class Empirical(_BlockSampler):
    """Resamples ``values`` with replacement, with probabilities ``weights`` (normalised).

    Uses one uniform per draw and a cumulative-probability lookup, so each value's draw is
    independent of how the block is cut.
    """

    def __init__(
        self, rng: np.random.Generator, values: Sequence[float], weights: Sequence[float] | None
    ) -> None:
        super().__init__(rng)
        self.values = np.asarray(values, dtype=float)
        w = np.ones(len(self.values)) if weights is None else np.asarray(weights, dtype=float)
        self.probabilities = w / w.sum()
        cumulative = np.cumsum(w)
        # Dividing by the last entry makes the final cdf value exactly 1.0 (and trailing
        # zero-weight values share it), so a uniform in [0, 1) always lands on a weighted value.
        self._cdf = cumulative / cumulative[-1]

    def _draw(self, n: int) -> FloatArray:
        index = np.searchsorted(self._cdf, self._rng.random(n), side="right")
        return self.values[index]

    @property
    def mean(self) -> float:
        return float(self.probabilities @ self.values)

    def __repr__(self) -> str:
        return f"Empirical(n_values={len(self.values)}, mean={self.mean!r})"


class Deterministic:
    """Always ``value``; never touches a random generator."""

    def __init__(self, value: float) -> None:
        self.value = value

    def __call__(self) -> float:
        return self.value

    def sample(self, n: int) -> FloatArray:
        return np.full(n, self.value, dtype=float)

    @property
    def mean(self) -> float:
        return self.value

    def __repr__(self) -> str:
        return f"Deterministic(value={self.value!r})"


# --- validation ----------------------------------------------------------------------------


def _read(cfg: Any, name: str) -> Any:
    if isinstance(cfg, Mapping):
        return cfg.get(name, None)
    return getattr(cfg, name, None)


def _number(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ConfigError(key, value, "must be a finite number")
    return float(value)


def _numbers(key: str, value: Any, what: str) -> list[float]:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, str | bytes) or not isinstance(value, Sequence) or len(value) == 0:
        raise ConfigError(key, value, f"must be a non-empty list of {what}")
    out = [_number(f"{key}[{i}]", v) for i, v in enumerate(value)]
    for i, v in enumerate(out):
        if v < 0:
            raise ConfigError(f"{key}[{i}]", v, f"{key.rsplit('.', 1)[-1]} must be >= 0")
    return out


def _parse(cfg: Any, key: str) -> tuple[str, dict[str, Any]]:
    """Check ``cfg`` and return ``(family, {parameter: value})`` with numbers as floats."""
    if isinstance(cfg, Mapping):
        for name in cfg:
            if name != "dist" and name not in PARAMETERS:
                raise ConfigError(f"{key}.{name}", cfg[name], "not a distribution parameter")
    dist = _read(cfg, "dist")
    if not isinstance(dist, str) or dist not in FAMILIES:
        raise ConfigError(f"{key}.dist", dist, f"must be one of {', '.join(FAMILIES)}")
    given = {name: _read(cfg, name) for name in PARAMETERS}
    given = {name: v for name, v in given.items() if v is not None}
    options = FAMILIES[dist]
    used = {name for required, optional in options for name in (*required, *optional)}
    for name, v in given.items():
        if name not in used:
            raise ConfigError(f"{key}.{name}", v, f"{dist} does not use {name}; remove it")
    chosen = [opt for opt in options if any(n in given for n in (*opt[0], *opt[1]))]
    if len(chosen) > 1:
        name = next(n for n in options[1][0] if n in given)
        raise ConfigError(
            f"{key}.{name}", given[name], f"{dist} takes {_describe(options)}, not both"
        )
    required = (chosen or options)[0][0]
    for name in required:
        if name not in given:
            raise ConfigError(f"{key}.{name}", None, f"{dist} requires {_describe(options)}")

    p: dict[str, Any] = {}
    for name, v in given.items():
        if name in ("values", "weights"):
            p[name] = _numbers(f"{key}.{name}", v, "numbers >= 0")
        else:
            p[name] = _number(f"{key}.{name}", v)
    _check_ranges(dist, p, key)
    return dist, p


def _describe(options: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]) -> str:
    return ", or ".join(" and ".join(required) for required, _ in options)


def _check_ranges(dist: str, p: dict[str, Any], key: str) -> None:
    def bad(name: str, allowed: str) -> ConfigError:
        return ConfigError(f"{key}.{name}", p[name], allowed)

    for name in ("mean", "cv", "median", "percentile_value"):
        if name in p and p[name] <= 0:
            raise bad(name, f"{name} must be > 0")
    for name in ("low", "value"):
        if name in p and p[name] < 0:
            raise bad(name, f"{name} must be >= 0 (durations are non-negative)")
    if "percentile" in p:
        q, median, pv = p["percentile"], p["median"], p["percentile_value"]
        if not 0 < q < 100 or q == 50:
            raise bad("percentile", "percentile must be in (0, 100) and not 50 (the median)")
        if (q > 50) != (pv > median) or pv == median:
            side = "above" if q > 50 else "below"
            raise bad("percentile_value", f"the {q:g}th percentile must be {side} median {median}")
    if dist == "triangular":
        low, mode, high = p["low"], p["mode"], p["high"]
        if mode < low:
            raise bad("mode", f"mode must be >= low ({low})")
        if high < mode:
            raise bad("high", f"high must be >= mode ({mode})")
        if high == low:
            raise bad("high", f"high must be > low ({low})")
    if dist == "uniform" and p["high"] <= p["low"]:
        raise bad("high", f"high must be > low ({p['low']})")
    if "weights" in p:
        weights, n = p["weights"], len(p["values"])
        if len(weights) != n:
            raise bad("weights", f"weights must have one entry per value ({n})")
        if sum(weights) <= 0:
            raise bad("weights", "weights must not all be zero")


def validate_distribution(cfg: Any, key: str) -> None:
    """Raise :class:`ConfigError` (naming e.g. ``f"{key}.cv"`` and the value) if ``cfg`` is bad.

    ``cfg`` is a ``DistributionConfig``, an OmegaConf ``DictConfig`` or a plain mapping.
    """
    _parse(cfg, key)


def make_sampler(cfg: Any, rng: np.random.Generator, key: str = "distribution") -> Sampler:
    """Validate ``cfg`` and build its sampler, drawing from ``rng`` (the activity's own stream).

    ``key`` is the config path used in error messages, e.g. ``front_door.triage.duration``.
    """
    dist, p = _parse(cfg, key)
    if dist == "exponential":
        return Exponential(rng, p["mean"])
    if dist == "lognormal":
        if "mean" in p:
            return Lognormal.from_mean_cv(rng, p["mean"], p["cv"])
        return Lognormal.from_median(rng, p["median"], p["percentile"], p["percentile_value"])
    if dist == "gamma":
        return Gamma(rng, p["mean"], p["cv"])
    if dist == "triangular":
        return Triangular(rng, p["low"], p["mode"], p["high"])
    if dist == "uniform":
        return Uniform(rng, p["low"], p["high"])
    if dist == "empirical":
        return Empirical(rng, p["values"], p.get("weights"))
    return Deterministic(p["value"])
