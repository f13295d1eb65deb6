"""Samplers built from config: moments match theory, validation names the key and the value."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from omegaconf import OmegaConf
from scipy import stats

from sim.config import DistributionConfig as D
from sim.engine.distributions import (
    BLOCK_SIZE,
    Sampler,
    make_sampler,
    validate_distribution,
)
from sim.engine.streams import make_generator
from sim.errors import ConfigError

KEY = "front_door.triage.duration"
N = 200_000  # draws per statistical check
Z = 4.0  # tolerance in standard errors: a correct sampler fails a check with probability ~6e-5


def rng(name: str = "test") -> np.random.Generator:
    return make_generator(2025, 0, name)


@dataclass
class Moments:
    """Theoretical mean, variance and 4th central moment of a family."""

    mean: float
    var: float
    mu4: float


def lognormal_moments(mu: float, sigma: float) -> Moments:
    s2 = sigma**2
    mean = math.exp(mu + s2 / 2)
    var = (math.exp(s2) - 1) * mean**2
    excess = math.exp(4 * s2) + 2 * math.exp(3 * s2) + 3 * math.exp(2 * s2) - 6
    return Moments(mean, var, var**2 * (excess + 3))


def gamma_moments(mean: float, cv: float) -> Moments:
    shape = 1 / cv**2
    var = (cv * mean) ** 2
    return Moments(mean, var, var**2 * (3 + 6 / shape))


def discrete_moments(values: list[float], weights: list[float]) -> Moments:
    x, p = np.array(values), np.array(weights) / sum(weights)
    mean = float(p @ x)
    return Moments(mean, float(p @ (x - mean) ** 2), float(p @ (x - mean) ** 4))


def triangular_moments(a: float, c: float, b: float) -> Moments:
    var = (a * a + b * b + c * c - a * b - a * c - b * c) / 18
    return Moments((a + b + c) / 3, var, var**2 * (3 - 3 / 5))  # excess kurtosis -3/5


SIGMA_MEDIAN = math.log(75 / 30) / stats.norm.ppf(0.9)

CASES: dict[str, tuple[D, Moments]] = {
    "exponential": (D(dist="exponential", mean=12.0), Moments(12.0, 144.0, 9 * 12.0**4)),
    "lognormal_mean_cv": (
        D(dist="lognormal", mean=30.0, cv=0.6),
        lognormal_moments(math.log(30) - math.log1p(0.36) / 2, math.sqrt(math.log1p(0.36))),
    ),
    "lognormal_median": (
        D(dist="lognormal", median=30.0, percentile=90.0, percentile_value=75.0),
        lognormal_moments(math.log(30), SIGMA_MEDIAN),
    ),
    "gamma": (D(dist="gamma", mean=10.0, cv=0.5), gamma_moments(10.0, 0.5)),
    "gamma_high_cv": (D(dist="gamma", mean=10.0, cv=2.0), gamma_moments(10.0, 2.0)),
    "triangular": (
        D(dist="triangular", low=5.0, mode=10.0, high=30.0),
        triangular_moments(5, 10, 30),
    ),
    "uniform": (D(dist="uniform", low=2.0, high=8.0), Moments(5.0, 36 / 12, 6.0**4 / 80)),
    "empirical": (
        D(dist="empirical", values=[1.0, 2.0, 5.0, 10.0]),
        discrete_moments([1, 2, 5, 10], [1, 1, 1, 1]),
    ),
    "empirical_weighted": (
        D(dist="empirical", values=[1.0, 2.0, 5.0, 10.0], weights=[4.0, 3.0, 0.0, 1.0]),
        discrete_moments([1, 2, 5, 10], [4, 3, 0, 1]),
    ),
}


def assert_moments(x: np.ndarray, m: Moments) -> None:
    """Sample mean and variance within Z standard errors of theory.

    SE of the mean is sqrt(var / n); SE of the sample variance is sqrt((mu4 - var²) / n), both
    from the *theoretical* moments, so the tolerance does not depend on the draws being checked.
    Matching the variance is matching the cv (cv = sqrt(var) / mean) for a given mean.
    """
    n = len(x)
    se_mean = math.sqrt(m.var / n)
    assert abs(x.mean() - m.mean) <= Z * se_mean, (x.mean(), m.mean, se_mean)
    se_var = math.sqrt(max(m.mu4 - m.var**2, 0.0) / n)
    assert abs(x.var(ddof=1) - m.var) <= Z * se_var + 1e-12, (x.var(ddof=1), m.var, se_var)


@pytest.mark.parametrize("name", list(CASES))
def test_sample_moments_match_theory(name: str) -> None:
    cfg, m = CASES[name]
    x = make_sampler(cfg, rng(name), KEY).sample(N)
    assert len(x) == N
    assert (x >= 0).all()
    assert_moments(x, m)


@pytest.mark.parametrize("name", list(CASES))
def test_mean_property_is_theoretical_mean(name: str) -> None:
    cfg, m = CASES[name]
    assert make_sampler(cfg, rng(), KEY).mean == pytest.approx(m.mean, rel=1e-12)


@pytest.mark.parametrize("name", list(CASES))
def test_call_continues_the_same_sequence_as_sample(name: str) -> None:
    cfg, m = CASES[name]
    one_by_one = make_sampler(cfg, rng(name), KEY)
    calls = np.array([one_by_one() for _ in range(N)])
    assert all(isinstance(one_by_one(), float) for _ in range(3))
    assert np.array_equal(calls, make_sampler(cfg, rng(name), KEY).sample(N))
    # mixing calls and sample() neither skips nor repeats a value
    mixed = make_sampler(cfg, rng(name), KEY)
    parts = [
        [mixed() for _ in range(7)],
        mixed.sample(3 * BLOCK_SIZE + 5),
        [mixed()],
        mixed.sample(0),
    ]
    assert np.array_equal(
        np.concatenate([np.asarray(p, dtype=float) for p in parts]), calls[: 3 * BLOCK_SIZE + 13]
    )
    assert_moments(calls, m)


@pytest.mark.parametrize(
    "median, percentile, value", [(30.0, 90.0, 75.0), (30.0, 10.0, 12.0), (5.0, 99.0, 60.0)]
)
def test_lognormal_by_median_reproduces_median_and_percentile(
    median: float, percentile: float, value: float
) -> None:
    cfg = D(dist="lognormal", median=median, percentile=percentile, percentile_value=value)
    x = make_sampler(cfg, rng(), KEY).sample(N)
    p = percentile / 100
    dist = stats.lognorm(s=math.log(value / median) / stats.norm.ppf(p), scale=median)
    for q, target in ((0.5, median), (p, value)):
        # SE of a sample q-quantile: sqrt(q(1-q)/n) / f(x_q), f the theoretical density.
        se = math.sqrt(q * (1 - q) / N) / dist.pdf(target)
        got = float(np.quantile(x, q))
        assert abs(got - target) <= Z * se, (q, got, target, se)


def test_deterministic_does_not_touch_rng() -> None:
    gen = rng()
    state = gen.bit_generator.state
    s = make_sampler(D(dist="deterministic", value=7.5), gen, KEY)
    assert [s() for _ in range(1000)] == [7.5] * 1000
    assert s.sample(4).tolist() == [7.5] * 4
    assert s.mean == 7.5
    assert gen.bit_generator.state == state


def test_zero_weight_value_never_drawn() -> None:
    s = make_sampler(D(dist="empirical", values=[1.0, 99.0], weights=[1.0, 0.0]), rng(), KEY)
    assert set(s.sample(10_000).tolist()) == {1.0}


def test_samplers_satisfy_protocol_and_have_repr() -> None:
    for cfg, _ in CASES.values():
        s = make_sampler(cfg, rng(), KEY)
        assert isinstance(s, Sampler)
        assert repr(s).startswith(type(s).__name__ + "(")
    assert (
        repr(make_sampler(D(dist="gamma", mean=10.0, cv=0.5), rng())) == "Gamma(mean=10.0, cv=0.5)"
    )


def test_works_with_omegaconf_dictconfig() -> None:
    cfg = OmegaConf.structured(D(dist="gamma", mean=10, cv=0.5))
    s = make_sampler(cfg, rng(), KEY)
    assert s.mean == 10.0
    assert_moments(s.sample(N), gamma_moments(10.0, 0.5))
    emp = OmegaConf.structured(D(dist="empirical", values=[1.0, 3.0], weights=[1.0, 1.0]))
    assert make_sampler(emp, rng(), KEY).mean == 2.0
    with pytest.raises(ConfigError, match=r"^front_door\.triage\.duration\.cv: 0\.5 "):
        make_sampler(OmegaConf.structured(D(dist="exponential", mean=3, cv=0.5)), rng(), KEY)


def test_works_with_plain_mapping() -> None:
    assert make_sampler({"dist": "uniform", "low": 1, "high": 3}, rng(), KEY).mean == 2.0


NAN, INF = float("nan"), float("inf")

# (config, key suffix the error must name, bad value the error must show)
INVALID: list[tuple[Any, str, Any]] = [
    # unknown or missing family
    (D(dist="expo", mean=1.0), "dist", "expo"),
    ({"mean": 1.0}, "dist", None),
    ({"dist": "exponential", "mean": 1.0, "cvv": 0.5}, "cvv", 0.5),
    # missing required parameters
    (D(dist="exponential"), "mean", None),
    (D(dist="gamma", mean=10.0), "cv", None),
    (D(dist="lognormal"), "mean", None),
    (D(dist="lognormal", mean=10.0), "cv", None),
    (D(dist="lognormal", median=30.0, percentile=90.0), "percentile_value", None),
    (D(dist="triangular", low=1.0, high=5.0), "mode", None),
    (D(dist="uniform", low=1.0), "high", None),
    (D(dist="deterministic"), "value", None),
    (D(dist="empirical", weights=[1.0]), "values", None),
    # parameters the family does not use
    (D(dist="exponential", mean=5.0, cv=0.5), "cv", 0.5),
    (D(dist="gamma", mean=5.0, cv=0.5, median=4.0), "median", 4.0),
    (D(dist="uniform", low=1.0, mode=2.0, high=3.0), "mode", 2.0),
    (D(dist="deterministic", value=1.0, mean=1.0), "mean", 1.0),
    (D(dist="empirical", values=[1.0], mean=1.0), "mean", 1.0),
    (D(dist="triangular", low=1.0, mode=2.0, high=3.0, value=2.0), "value", 2.0),
    # both lognormal parametrisations
    (D(dist="lognormal", mean=30.0, cv=0.5, median=30.0), "median", 30.0),
    (D(dist="lognormal", mean=30.0, percentile=90.0, percentile_value=75.0), "percentile", 90.0),
    # means, cvs, medians must be positive
    (D(dist="exponential", mean=0.0), "mean", 0.0),
    (D(dist="gamma", mean=-1.0, cv=0.5), "mean", -1.0),
    (D(dist="gamma", mean=1.0, cv=0.0), "cv", 0.0),
    (D(dist="lognormal", mean=1.0, cv=-0.1), "cv", -0.1),
    (D(dist="lognormal", median=0.0, percentile=90.0, percentile_value=75.0), "median", 0.0),
    # percentile in (0, 100), not 50, with its value on the right side of the median
    (D(dist="lognormal", median=30.0, percentile=0.0, percentile_value=75.0), "percentile", 0.0),
    (
        D(dist="lognormal", median=30.0, percentile=100.0, percentile_value=75.0),
        "percentile",
        100.0,
    ),
    (D(dist="lognormal", median=30.0, percentile=50.0, percentile_value=75.0), "percentile", 50.0),
    (
        D(dist="lognormal", median=30.0, percentile=90.0, percentile_value=20.0),
        "percentile_value",
        20.0,
    ),
    (
        D(dist="lognormal", median=30.0, percentile=10.0, percentile_value=40.0),
        "percentile_value",
        40.0,
    ),
    (
        D(dist="lognormal", median=30.0, percentile=90.0, percentile_value=30.0),
        "percentile_value",
        30.0,
    ),
    # triangular and uniform ordering
    (D(dist="triangular", low=5.0, mode=3.0, high=10.0), "mode", 3.0),
    (D(dist="triangular", low=1.0, mode=12.0, high=10.0), "high", 10.0),
    (D(dist="triangular", low=5.0, mode=5.0, high=5.0), "high", 5.0),
    (D(dist="uniform", low=5.0, high=5.0), "high", 5.0),
    (D(dist="uniform", low=6.0, high=5.0), "high", 5.0),
    # negative durations
    (D(dist="triangular", low=-1.0, mode=0.0, high=1.0), "low", -1.0),
    (D(dist="uniform", low=-1.0, high=1.0), "low", -1.0),
    (D(dist="deterministic", value=-1.0), "value", -1.0),
    (D(dist="empirical", values=[1.0, -2.0]), "values[1]", -2.0),
    # empirical values and weights
    (D(dist="empirical", values=[]), "values", []),
    (D(dist="empirical", values=[1.0, 2.0], weights=[1.0]), "weights", [1.0]),
    (D(dist="empirical", values=[1.0, 2.0], weights=[1.0, -1.0]), "weights[1]", -1.0),
    (D(dist="empirical", values=[1.0, 2.0], weights=[0.0, 0.0]), "weights", [0.0, 0.0]),
    # non-finite and non-numeric
    (D(dist="exponential", mean=NAN), "mean", NAN),
    (D(dist="gamma", mean=INF, cv=0.5), "mean", INF),
    (D(dist="uniform", low=NAN, high=1.0), "low", NAN),
    (D(dist="empirical", values=[1.0, NAN]), "values[1]", NAN),
    (D(dist="empirical", values=[1.0, 2.0], weights=[INF, 1.0]), "weights[0]", INF),
    (D(dist="exponential", mean="10"), "mean", "10"),  # type: ignore[arg-type]
    (D(dist="deterministic", value=True), "value", True),
]


@pytest.mark.parametrize("cfg, suffix, bad", INVALID, ids=[f"{c[1]}={c[2]!r}" for c in INVALID])
def test_invalid_config_names_key_and_value(cfg: Any, suffix: str, bad: Any) -> None:
    for call in (lambda: validate_distribution(cfg, KEY), lambda: make_sampler(cfg, rng(), KEY)):
        with pytest.raises(ConfigError) as info:
            call()
        message = str(info.value)
        assert info.value.key == f"{KEY}.{suffix}"
        assert message.startswith(f"{KEY}.{suffix}: {bad!r} is not allowed; "), message
        assert "\n" not in message


def test_unknown_family_lists_allowed_names() -> None:
    with pytest.raises(ConfigError) as info:
        validate_distribution(D(dist="normal", mean=1.0), KEY)
    for name in (
        "exponential",
        "lognormal",
        "gamma",
        "triangular",
        "uniform",
        "deterministic",
        "empirical",
    ):
        assert name in str(info.value)


def test_default_key_in_messages() -> None:
    with pytest.raises(ConfigError, match=r"^distribution\.mean: "):
        make_sampler(D(dist="exponential"), rng())
