"""Back-test: the first draws of every family are pinned.

The values below were computed once with seed (1, 0, "backtest") and pasted in. They guard
against accidental changes to sampling (the stream derivation, the parametrisations, the block
draws or the order in which a sampler consumes its generator): any such change alters
published results and must be deliberate. ``rel=1e-12`` only absorbs last-digit libm
differences between platforms.
"""

from __future__ import annotations

import pytest

from sim.config import DistributionConfig as D
from sim.engine.distributions import make_sampler
from sim.engine.streams import make_generator

PINNED: dict[str, tuple[D, list[float]]] = {
    "exponential": (
        D(dist="exponential", mean=10),
        [
            5.2167650605515945,
            6.002995169399449,
            5.052720706737144,
            6.575019894418492,
            7.719465627355582,
        ],
    ),
    "lognormal_mean_cv": (
        D(dist="lognormal", mean=30, cv=0.8),
        [
            25.966471154867577,
            34.02585164397392,
            37.536929175352185,
            12.670831987365032,
            27.668857030796634,
        ],
    ),
    "lognormal_median": (
        D(dist="lognormal", median=30, percentile=90, percentile_value=75),
        [
            33.31001122272578,
            43.844338670325655,
            48.447238770464054,
            16.062401717496925,
            35.531163706209746,
        ],
    ),
    "gamma": (
        D(dist="gamma", mean=10, cv=0.5),
        [
            9.88542244855362,
            12.764658736189718,
            10.34693576981409,
            6.0573241709534855,
            6.258290441720508,
        ],
    ),
    "triangular": (
        D(dist="triangular", low=5, mode=10, high=30),
        [
            10.739329847231069,
            10.247527969476831,
            12.892141648811673,
            13.792626160825009,
            19.870027641621327,
        ],
    ),
    "uniform": (
        D(dist="uniform", low=2, high=8),
        [
            3.5483190231948334,
            3.318078184200799,
            4.487854191628111,
            4.8478523988467135,
            6.768603920221809,
        ],
    ),
    "deterministic": (D(dist="deterministic", value=7.5), [7.5, 7.5, 7.5, 7.5, 7.5]),
    "empirical": (D(dist="empirical", values=[1, 2, 5, 10]), [2.0, 1.0, 2.0, 2.0, 10.0]),
    "empirical_weighted": (
        D(dist="empirical", values=[1, 2, 5, 10], weights=[4, 3, 2, 1]),
        [1.0, 1.0, 2.0, 2.0, 5.0],
    ),
}


@pytest.mark.parametrize("name", list(PINNED))
def test_first_draws_are_pinned(name: str) -> None:
    cfg, expected = PINNED[name]
    sampler = make_sampler(cfg, make_generator(1, 0, "backtest"), f"backtest.{name}")
    assert [sampler() for _ in range(5)] == pytest.approx(expected, rel=1e-12)
    fresh = make_sampler(cfg, make_generator(1, 0, "backtest"), f"backtest.{name}")
    assert fresh.sample(5).tolist() == pytest.approx(expected, rel=1e-12)
