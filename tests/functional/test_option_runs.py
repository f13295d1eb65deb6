"""Options run on one executor give each option's own run, bit for bit (sim.option_runs)."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.compose import load
from sim.option_runs import simulate_options
from sim.runner import simulate_replications

RUN = [
    "after_decision=none",
    "run.replications=3",
    "run.warmup_days=14",
    "run.horizon_days=7",
    "run.drain_days=2",
]
OPTIONS = [
    ["staffing.pools.social_workers.staff=10"],
    ["staffing.pools.social_workers.staff=12", "staffing.pools.managers.staff=3"],
]


@pytest.mark.parametrize(
    "settings",
    [["run.jobs=2", "run.warm_start=snapshot", "run.settle_days=7"], ["run.jobs=1"]],
    ids=["two workers, shared warm-up", "serial"],
)
def test_options_on_one_executor_equal_their_own_runs(settings: list[str]) -> None:
    options = [[*RUN, *settings, *option] for option in OPTIONS]
    counted: list[None] = []
    together = list(simulate_options(options, on_replication=lambda: counted.append(None)))
    assert len(together) == len(OPTIONS)
    assert len(counted) == 3 * len(OPTIONS)
    for overrides, results in zip(options, together, strict=True):
        alone = simulate_replications(load(overrides), keep_events=False, progress=False)
        assert results.config == alone.config
        pd.testing.assert_frame_equal(results.replications, alone.replications)
        pd.testing.assert_frame_equal(results.decisions, alone.decisions)
        pd.testing.assert_frame_equal(results.queues, alone.queues)
        assert results.summary == alone.summary
    first, second = (r.replications["decision_within_1wd_pct"] for r in together)
    assert not first.equals(second)  # the options differ: a mix-up would show


def test_configs_and_overrides_are_the_same_option() -> None:
    overrides = [*RUN, "run.jobs=2", *OPTIONS[0]]  # and two workers warming up from empty
    by_config, by_overrides = simulate_options([load(overrides), overrides])
    pd.testing.assert_frame_equal(by_config.replications, by_overrides.replications)
