"""StepLevel: exact time-weighted integrals and means of a piecewise-constant level."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim.engine.monitor import StepLevel


def staircase() -> StepLevel:
    """0 on [0, 10), 2 on [10, 20), 3 on [20, 30), 0 on [30, 40), 4 from 40 on."""
    level = StepLevel(0.0, 0.0)
    level.change(10, 2)
    level.change(20, 1)
    level.change(30, -3)
    level.change(40, 4)
    return level


@pytest.mark.parametrize(
    ("start", "end", "area"),
    [
        (0, 40, 2 * 10 + 3 * 10),
        (15, 25, 2 * 5 + 3 * 5),  # cuts through two steps
        (12, 18, 2 * 6),  # inside one step
        (30, 40, 0),
        (35, 100, 4 * 60),  # beyond the last change the level stays at 4
        (20, 20, 0),  # empty window
        (25, 15, 0),  # reversed window
    ],
)
def test_integral_over_windows(start: float, end: float, area: float) -> None:
    assert staircase().integral(start, end) == area


def test_mean_over_windows() -> None:
    level = staircase()
    assert level.mean(15, 25) == 2.5
    assert level.mean(0, 50) == (20 + 30 + 40) / 50
    assert np.isnan(level.mean(5, 5))


def test_changes_in_the_same_instant_combine() -> None:
    level = StepLevel(0.0, 1.0)
    level.change(5, 1)
    level.change(5, 1)
    level.change(5, -3)
    times, values = level.steps()
    np.testing.assert_array_equal(times, [0, 5])
    np.testing.assert_array_equal(values, [1, 0])
    assert level.level == 0
    assert level.integral(0, 10) == 5


def test_nothing_is_counted_before_the_start_time() -> None:
    level = StepLevel(10.0, 2.0)
    level.change(20, 1)
    assert level.integral(0, 30) == 2 * 10 + 3 * 10
    np.testing.assert_array_equal(level.integral_by_bins(np.array([0.0, 5, 10, 30])), [0, 0, 50])


def test_steps_are_copies_so_holding_them_neither_blocks_nor_corrupts_the_level() -> None:
    level = staircase()
    times, values = level.steps()
    level.change(50, 1)  # must not fail while the caller holds the arrays
    values[:] = 99.0
    assert level.integral(40, 60) == 4 * 10 + 5 * 10
    assert times.size == 5  # a snapshot: the later change is not in it


def test_integral_by_bins_beyond_the_last_change() -> None:
    level = staircase()
    np.testing.assert_array_equal(level.integral_by_bins(np.array([50.0, 60, 75])), [40, 60])
    np.testing.assert_array_equal(
        level.integral_by_bins(np.array([0.0, 10, 35, 45])), [0, 20 + 30, 20]
    )


def test_integral_by_bins_equals_integral_per_bin_for_random_steps() -> None:
    rng = np.random.default_rng(20250227)
    level = StepLevel(5.0, 1.0)
    times = 5.0 + np.cumsum(rng.exponential(3.0, size=300))
    for t, delta in zip(times, rng.integers(-3, 4, size=times.size), strict=True):
        level.change(float(t), float(delta))
    # Bins from before the start time to well after the last change, some cutting through
    # steps, some exactly on change times, one of zero width.
    edges = np.sort(np.concatenate([rng.uniform(0.0, times[-1] + 50.0, 60), times[[10, 20]]]))
    edges = np.concatenate([[0.0], edges, edges[[30]], [times[-1] + 100.0]])
    edges.sort()
    expected = [level.integral(a, b) for a, b in itertools.pairwise(edges)]
    got = level.integral_by_bins(edges)
    assert got.shape == (edges.size - 1,)
    # Same areas summed in a different order: equal up to floating-point round-off.
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-9)
    assert got.sum() == pytest.approx(level.integral(edges[0], edges[-1]), rel=1e-12)
