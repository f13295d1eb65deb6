"""Named random streams: reproducible, independent of creation order, stable across processes."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from sim.engine.streams import Streams, make_generator, stream_key


def draws(gen: np.random.Generator, n: int = 5) -> list[float]:
    return gen.random(n).tolist()


def test_same_seed_replication_name_gives_identical_draws() -> None:
    assert draws(make_generator(7, 2, "triage")) == draws(make_generator(7, 2, "triage"))
    assert draws(Streams(7, 2)("triage")) == draws(make_generator(7, 2, "triage"))


@pytest.mark.parametrize(
    "other", [(7, 2, "screening"), (7, 3, "triage"), (8, 2, "triage"), (7, 2, "Triage")]
)
def test_different_name_replication_or_seed_gives_different_draws(
    other: tuple[int, int, str],
) -> None:
    assert draws(make_generator(*other)) != draws(make_generator(7, 2, "triage"))


def test_order_independence() -> None:
    first = Streams(11, 0)
    a, b, c = (draws(first(name)) for name in ("a", "b", "c"))
    second = Streams(11, 0)
    c2 = draws(second("c"))
    draws(second("new_name"))
    a2, b2 = draws(second("a")), draws(second("b"))
    assert (a2, b2, c2) == (a, b, c)


def test_adding_a_stream_leaves_others_unchanged() -> None:
    before = Streams(3, 1)
    old = {name: draws(before(name), 100) for name in ("arrivals.police", "triage")}
    after = Streams(3, 1)
    after("a.new.activity").random(1000)  # the new activity draws heavily first
    assert {name: draws(after(name), 100) for name in old} == old


def test_streams_caches_generator_and_records_names() -> None:
    streams = Streams(1, 0)
    gen = streams("x")
    assert streams("x") is gen
    streams("y")
    assert streams.names == ("x", "y")
    # a cached stream continues its sequence rather than restarting
    first = gen.random()
    assert streams("x").random() != first


def test_name_hashing_is_stable_across_processes() -> None:
    code = "from sim.engine.streams import stream_key; print(stream_key('arrivals.police'))"
    runs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    }
    assert runs == {f"{stream_key('arrivals.police')}\n"}


def test_stream_derivation_is_pinned() -> None:
    # Back-test value computed once and pasted: it pins the stream derivation
    # (seed, replication, SHA-256 of the name -> SeedSequence -> PCG64). Changing it breaks
    # common random numbers with every published run, so do not update it casually.
    expected = [0.5794902683075921, 0.42883781457898595, 0.9079830551399585]
    assert make_generator(42, 0, "arrivals.police").random(3).tolist() == expected


def test_stream_key_is_four_uint32_words() -> None:
    key = stream_key("arrivals.police")
    assert len(key) == 4
    assert all(0 <= word < 2**32 for word in key)


@pytest.mark.parametrize("seed, replication", [(-1, 0), (0, -1), (0, 2**32)])
def test_negative_seed_or_replication_rejected(seed: int, replication: int) -> None:
    with pytest.raises(ValueError):
        Streams(seed, replication)
    with pytest.raises(ValueError):
        make_generator(seed, replication, "x")


def test_empty_name_rejected() -> None:
    with pytest.raises(ValueError):
        Streams(0, 0)("")


def test_large_seed_accepted() -> None:
    big = 2**100 + 5
    assert draws(make_generator(big, 0, "x")) != draws(make_generator(5, 0, "x"))
