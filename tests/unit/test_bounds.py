"""Plausibility limits (sim/bounds.py), empty-mapping overrides, safe scenario names and lazy
replication tasks: values that used to pass validation and then crash or run away."""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import time
from collections.abc import Iterator
from typing import Any

import pytest
from omegaconf import DictConfig

from sim import runner
from sim.compose import compose, load, refuse_empty_mappings
from sim.config import Config
from sim.errors import ConfigError
from sim.executors import executor, windowed
from sim.shared_warm_up import WarmState
from sim.validation import validate


@pytest.fixture(scope="module")
def composed() -> DictConfig:
    return compose([])


@pytest.fixture(scope="module")
def spec() -> Config:
    return load([])


def with_run(spec: Config, **run: Any) -> Config:
    return dataclasses.replace(spec, run=dataclasses.replace(spec.run, **run))


@pytest.mark.parametrize(
    ("run", "key"),
    [
        ({"start_date": "9999-12-30"}, "run.start_date"),  # OverflowError in the calendar
        ({"start_date": "0001-01-01"}, "run.start_date"),
        ({"warmup_days": 3_000_000.0}, "run.warmup_days"),  # OverflowError in the calendar
        ({"horizon_days": 1e6}, "run.horizon_days"),
        ({"warmup_days": 3000.0, "horizon_days": 3000.0, "drain_days": 3000.0}, "run.warmup_days"),
        ({"replications": 1_000_000_000}, "run.replications"),  # built the task list up front
        ({"jobs": 100_000}, "run.jobs"),
    ],
)
def test_implausible_run_settings_are_refused(spec: Config, run: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as raised:
        validate(with_run(spec, **run))
    assert raised.value.key.startswith(key)
    assert "at most" in str(raised.value) or "ending by 2200-12-31" in str(raised.value)


def test_contact_volume_is_bounded(spec: Config) -> None:
    huge = dataclasses.replace(spec, demand=dataclasses.replace(spec.demand, annual_contacts=1e9))
    with pytest.raises(ConfigError, match=r"demand.annual_contacts: 1000000000.0 .* at most"):
        validate(huge)
    long_and_busy = with_run(
        dataclasses.replace(spec, demand=dataclasses.replace(spec.demand, annual_contacts=9e5)),
        horizon_days=3000.0,
    )
    with pytest.raises(ConfigError, match="expected contacts"):
        validate(long_and_busy)


@pytest.mark.parametrize(
    "backlog",
    [
        {"front_door": {"triage": 10**20}},  # numpy dimension error
        {"step_up_panel": 10**9},
        {"re_referrals_due_days": [1e12]},
        {"front_door": {"triage": 150_000, "screening": 150_000}},
    ],
)
def test_backlog_counts_are_bounded(spec: Config, backlog: dict[str, Any]) -> None:
    bad = dataclasses.replace(spec, backlog=dataclasses.replace(spec.backlog, **backlog))
    with pytest.raises(ConfigError, match="at most"):
        validate(bad)


@pytest.mark.parametrize("name", ["../../../../elsewhere", "/tmp/x", "a/b", "", "..", "-x"])
def test_a_scenario_name_cannot_be_a_path(spec: Config, name: str) -> None:
    with pytest.raises(ConfigError, match="it names the run folder"):
        validate(dataclasses.replace(spec, scenario=name))


def test_the_defaults_are_within_every_bound(spec: Config) -> None:
    validate(with_run(spec, replications=100_000, warmup_days=365.0, horizon_days=3650.0))


@pytest.mark.parametrize(
    "override",
    ["demand.sources={}", "staffing.pools={}", "front_door.partner_check.agencies={}"],
)
def test_an_empty_mapping_override_is_refused(composed: DictConfig, override: str) -> None:
    with pytest.raises(ConfigError, match="changes nothing") as raised:
        refuse_empty_mappings(composed, [override])
    assert raised.value.key == override.partition("=")[0]


def test_windowed_submits_lazily_from_an_endless_generator() -> None:
    submitted: list[int] = []

    def submit(item: int) -> int:
        submitted.append(item)
        return item * 10

    results = windowed(submit, lambda x: x, itertools.count(), window=4)
    assert list(itertools.islice(results, 3)) == [0, 10, 20]
    assert len(submitted) == 6, "never more than the window ahead"


@pytest.mark.parametrize("kind", ["serial", "process"])
def test_a_large_replication_count_streams(
    spec: Config, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "_replicate", _fake_replicate)
    cfg = with_run(spec, replications=100_000, jobs=2, executor=kind)
    started = time.monotonic()
    ordered = runner._results_in_order(cfg, WarmState(cfg, ()), False, lambda: None)
    first = list(itertools.islice(ordered, 3))
    assert first == [0, 1, 2]
    assert time.monotonic() - started < 30, "the task list was built up front"


def test_replication_tasks_are_never_listed_up_front(
    spec: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[object] = []

    @contextlib.contextmanager
    def recording(kind: str, jobs: int) -> Iterator[Any]:
        class Pool:
            def map(self, fn: Any, items: Any) -> Iterator[Any]:
                seen.append(items)
                return iter(())

        yield Pool()

    monkeypatch.setattr(runner, "executor", recording)
    cfg = with_run(spec, replications=50_000)
    list(runner._results_in_order(cfg, WarmState(cfg, ()), False, lambda: None))
    assert not isinstance(seen[0], list | tuple), "a list of every task, built before the first"


def _fake_replicate(args: runner.Task) -> int:
    return args[1]


def test_executor_process_keeps_the_order() -> None:
    with executor("process", 2) as pool:
        assert list(pool.map(abs, range(-5, 0))) == [5, 4, 3, 2, 1]
