"""One categorical chooser: the scalar and vectorised forms agree, and an empty mix means what
the caller says it means (not whichever name stands first or last)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import CONCERNS, URGENCIES
from sim.engine.choice import choose, choose_many

MIXES = [
    ({"red": 0.12, "amber": 0.38, "green": 0.50}, URGENCIES),
    (
        {"domestic_abuse": 0.5, "neglect": 0.1, "missing_exploitation": 0.15, "abuse": 0.1},
        CONCERNS,
    ),
    ({"icpc": 0.31, "cin_plan": 0.39, "nfa": 0.30}, ("icpc", "cin_plan", "nfa")),
    ({"amber": 0.0, "green": 0.3, "red": 0.7}, URGENCIES),  # keys out of order, a zero share
]


@pytest.mark.parametrize(("mix", "names"), MIXES)
def test_scalar_and_vectorised_choosers_agree(
    mix: dict[str, float], names: tuple[str, ...]
) -> None:
    shares = np.array([mix.get(n, 0.0) for n in names]) / sum(mix.values())
    edges = np.cumsum(shares)
    # Random uniforms, plus each edge and its neighbours one ulp either side.
    u = np.concatenate(
        [np.random.default_rng(7).random(20_000), edges, np.nextafter(edges, 0), [0.0]]
    )
    u = u[u < 1.0]
    many = choose_many(u, mix, names, empty=names[0])
    one = [choose(float(x), mix, names, empty=names[0]) for x in u]
    assert list(many) == one
    # The frequencies follow the mix (20 000 draws: a share's standard error is ≤ 0.0036).
    counts = np.array([np.mean(many[:20_000] == n) for n in names])
    assert np.abs(counts - shares).max() < 0.015
    # A zero-share category is never chosen.
    assert not set(many) & {n for n in names if mix.get(n, 0.0) == 0.0}


def test_a_uniform_on_an_edge_goes_to_the_next_category() -> None:
    mix = {"red": 0.25, "amber": 0.25, "green": 0.5}
    assert choose(0.25, mix, URGENCIES, empty="green") == "amber"
    assert choose(np.nextafter(0.25, 0), mix, URGENCIES, empty="green") == "red"
    assert list(choose_many(np.array([0.0, 0.25, 0.5, 0.999]), mix, URGENCIES, empty="red")) == [
        "red",
        "amber",
        "green",
        "green",
    ]


def test_beyond_the_last_edge_goes_to_the_last_positive_share() -> None:
    """Rounding can leave the last cumulative share a hair under 1: a uniform there must not
    land on a trailing category the mix gives nothing."""
    mix = {"red": 0.1, "amber": 0.9, "green": 0.0}
    assert choose(1.0, mix, URGENCIES, empty="green") == "amber"
    assert list(choose_many(np.array([1.0]), mix, URGENCIES, empty="green")) == ["amber"]


@pytest.mark.parametrize("empty", ["red", "amber", "green"])
def test_an_empty_mix_means_what_the_caller_passes(empty: str) -> None:
    u = np.array([0.0, 0.5, 0.99])
    assert choose(0.3, {}, URGENCIES, empty=empty) == empty
    assert list(choose_many(u, {}, URGENCIES, empty=empty)) == [empty] * 3


def test_an_empty_default_must_be_a_category() -> None:
    with pytest.raises(ValueError, match="blue"):
        choose(0.3, {}, URGENCIES, empty="blue")
    with pytest.raises(ValueError, match="blue"):
        choose_many(np.array([0.3]), {}, URGENCIES, empty="blue")
