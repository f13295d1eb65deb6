"""Many options' replications on one executor: what a budget experiment runs.

An experiment that compares options (the budget frontier's 92 staffings, the alignment's
neighbours of a staffing) used to run them one after another, each with
:func:`sim.runner.simulate_replications`: every option composed its config in the parent, started
a pool of workers, waited for its own shared warm-up on one core while the other idled, and
ended with a wave of replications that left a worker idle when their number was odd.
:func:`simulate_options` instead starts the workers once and gives them everything as one stream
of tasks — first each option's preparation (its config composed from overrides, and with
``run.warm_start=snapshot`` its shared warm-up), then its replications — so both cores stay busy
from the first option to the last.

The answers are those of :func:`~sim.runner.simulate_replications` on each option, bit for bit:
a replication depends only on its config, its number and the children due back, never on where
or when it ran (``tests/functional/test_option_runs.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from sim.compose import load
from sim.config import Config
from sim.executors import executor
from sim.runner import (
    ReplicationResult,
    Results,
    parallelism,
    run_replication,
    simulate_replications,
    starting_point,
    summarised,
)
from sim.shared_warm_up import WarmState

Option = Config | Sequence[str]
"""An option: a validated config, or the overrides that compose one (:func:`sim.compose.load`)."""


@dataclass(frozen=True)
class _Prepared:
    config: Config  # the option's own config (what its Results report)
    start: WarmState  # what its replications run


def _config(option: Option) -> Config:
    return option if isinstance(option, Config) else load(list(option))


def _prepare(option: Option) -> _Prepared:
    """In a worker: compose the option (if given as overrides) and warm it up (if shared)."""
    cfg = _config(option)
    return _Prepared(cfg, starting_point(cfg))


_Task = tuple[int, WarmState, int]


def _replicate(task: _Task) -> tuple[int, ReplicationResult]:
    index, start, replication = task
    return index, run_replication(start.config, replication, False, start.due_back)


def simulate_options(
    options: Sequence[Option], on_replication: Callable[[], None] | None = None
) -> Iterator[Results]:
    """Each option's :class:`~sim.runner.Results` (without event logs), in the options' order.

    The run settings that decide how — the executor (``run.executor``, ``run.jobs``) and
    ``run.auto_replications`` — are the first option's; every option should share them. With
    auto-replications each option chooses its own number of replications as it runs, so then
    every option is run in turn by ``simulate_replications``.
    ``on_replication`` is called after each replication (an experiment's progress).
    """
    if not options:
        return
    first = _config(options[0])  # its run settings, read here
    if first.run.auto_replications.enabled:
        for option in options:
            yield simulate_replications(
                _config(option), keep_events=False, progress=False, on_replication=on_replication
            )
        return
    kind, jobs = parallelism(first, len(options) * first.run.replications)
    prepared: list[_Prepared] = []
    with executor(kind, jobs) as pool:

        def tasks() -> Iterator[_Task]:
            for option in pool.map(_prepare, list(options)):
                prepared.append(option)
                index = len(prepared) - 1
                for replication in range(option.config.run.replications):
                    yield index, option.start, replication

        done: list[ReplicationResult] = []
        shown = 0
        for index, result in pool.map(_replicate, tasks()):
            done.append(result)
            if on_replication is not None:
                on_replication()
            if len(done) == prepared[shown].config.run.replications:
                assert index == shown, "replications came back out of the options' order"
                yield summarised(prepared[shown].config, done)
                done, shown = [], shown + 1
