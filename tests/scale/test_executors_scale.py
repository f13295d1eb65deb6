"""``run.executor=dask`` and ``run.executor=ray`` give the serial run's results bit for bit.

Replication *r* draws only from the streams (``run.seed``, *r*, name) and results are kept in
replication order, so the engine may change how fast results arrive but never what they are:
the per-replication KPI table, the decisions table and the summary must be *equal*, not close.
Each engine is checked on a cluster it starts itself and on one that already exists (which the
run must leave running).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import pandas as pd
import pytest

from sim.compose import load
from sim.runner import Results, simulate_replications
from tests.scale.engines import engine

pytestmark = pytest.mark.scale

TINY = [
    "run.replications=3",
    "run.horizon_days=14",
    "run.warmup_days=0",
    "run.drain_days=0",
    "run.plots=false",
    "run.event_log=false",
]


def run(*overrides: str) -> Results:
    return simulate_replications(load([*TINY, *overrides]), progress=False)


@cache
def serial() -> Results:
    """The reference run, made once, and only by a test whose engine is installed."""
    return run("run.executor=serial")


def assert_same_as_serial(other: Results) -> None:
    serial_ = serial()
    assert len(serial_.replications) == 3
    pd.testing.assert_frame_equal(serial_.replications, other.replications)
    pd.testing.assert_frame_equal(serial_.decisions, other.decisions)
    pd.testing.assert_frame_equal(pd.DataFrame(serial_.summary), pd.DataFrame(other.summary))


@pytest.fixture(scope="module")
def distributed() -> Any:
    return engine("dask.distributed", "dask")


def test_dask_local_cluster_gives_the_serial_results(distributed: Any) -> None:
    results = run("run.executor=dask", "run.jobs=2")
    assert results.config.run.executor == "dask"
    assert_same_as_serial(results)


def test_dask_existing_cluster_is_used_and_left_running(distributed: Any) -> None:
    import dask

    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        with dask.config.set({"scheduler-address": cluster.scheduler_address}):
            results = run("run.executor=dask", "run.jobs=2")
        assert_same_as_serial(results)
        # The replications ran on this cluster (tasks are named after the function) …
        assert "replicate" in cluster.scheduler.task_prefixes  # sim.runner._replicate
        # … and the run only disconnected: the cluster still has its workers.
        assert len(cluster.scheduler.workers) == 2


@pytest.fixture
def ray() -> Iterator[Any]:
    ray = engine("ray", "ray")
    assert not ray.is_initialized()
    yield ray
    if ray.is_initialized():  # a failed test must not leave Ray running for the next one
        ray.shutdown()


def test_ray_local_instance_gives_the_serial_results(ray: Any) -> None:
    results = run("run.executor=ray", "run.jobs=2")
    assert results.config.run.executor == "ray"
    assert_same_as_serial(results)
    assert not ray.is_initialized(), "the instance the run started is shut down"


def test_ray_instance_already_initialised_is_used_and_left_running(ray: Any) -> None:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    node = ray.get_runtime_context().get_node_id()
    results = run("run.executor=ray", "run.jobs=2")
    assert_same_as_serial(results)
    assert ray.is_initialized()
    assert ray.get_runtime_context().get_node_id() == node
