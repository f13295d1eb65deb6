"""Where replications run: one small interface over serial, process-pool, Dask and Ray execution.

:func:`executor` is a context manager yielding an :class:`Executor`, whose ``map(fn, items)``
returns an iterator over ``fn(item)`` **in the order of** ``items``, whichever worker finished
first. Items are taken lazily, a few per worker ahead (:func:`windowed`), so a long generator of
tasks streams instead of being listed up front. Replication *r* draws only from the streams
(``run.seed``, *r*, name), so with results kept in order every kind gives identical results; the
kind only changes how fast they arrive.

Kinds (``run.executor``; used only when ``run.jobs > 1``, one process otherwise):

``serial``
    Everything in this process, one replication after another (``jobs`` is ignored).
``process``
    A :class:`concurrent.futures.ProcessPoolExecutor` of ``jobs`` worker processes on this
    machine: the default, nothing to install.
``dask``
    A local Dask cluster (``dask.distributed.LocalCluster``) of ``jobs`` single-threaded worker
    processes, or, when Dask's ``scheduler-address`` setting is given (environment variable
    ``DASK_SCHEDULER_ADDRESS=tcp://host:8786``), the existing cluster at that address, which is
    left running. Optional: ``pip install 'dask[distributed]'`` (extra ``dask``).
``ray``
    Ray tasks on a local Ray instance started with ``jobs`` CPUs; or the instance already
    initialised in this process (e.g. ``ray.init(address=...)`` to a cluster), which is left
    running; or the cluster named by ``RAY_ADDRESS``, connected to and disconnected from.
    Optional: ``pip install 'ray[default]'`` (extra ``ray``).

On an existing cluster every worker must have ``frontdoor-sim`` installed: tasks refer to the
functions of :mod:`sim.runner` by name, they do not carry their code (docs/scaling.md).

The optional packages are imported only when their kind is used; if one is missing the error is
a :class:`~sim.errors.ConfigError` on ``run.executor`` saying what to install.
"""

from __future__ import annotations

import importlib.util
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from sim.errors import ConfigError

AHEAD = 2
"""Tasks in flight per worker: enough to keep every worker busy, few enough to stay small."""
T = TypeVar("T")
R = TypeVar("R")

#: Every kind of executor, and for the optional ones the module to import and how to install it.
KINDS = ("serial", "process", "dask", "ray")
OPTIONAL = {
    "dask": ("distributed", "pip install 'dask[distributed]'"),
    "ray": ("ray", "pip install 'ray[default]'"),
}


class Executor(Protocol):
    """Maps a function over items, yielding results in the items' order."""

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]: ...


class SerialExecutor:
    """Runs each item in this process, lazily, in order."""

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        for item in items:
            yield fn(item)


def windowed(submit: Callable[[T], Any], result: Callable[[Any], R], items: Iterable[T],
             window: int) -> Iterator[R]:  # fmt: skip
    """Submit ``items`` lazily, at most ``window`` in flight, yielding results in order.

    ``items`` may be a generator of any length (``run.replications`` tasks are never listed up
    front): memory holds ``window`` pending tasks, not all of them.
    """
    pending: deque[Any] = deque()
    for item in items:
        pending.append(submit(item))
        if len(pending) >= window:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


class ProcessExecutor:
    """A process pool: items are submitted a few per worker ahead, results come back in order."""

    def __init__(self, pool: ProcessPoolExecutor, jobs: int = 1) -> None:
        self._pool = pool
        self._window = AHEAD * max(jobs, 1)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        return windowed(
            lambda item: self._pool.submit(fn, item), lambda f: f.result(), items, self._window
        )


class DaskExecutor:
    """Dask futures on a ``distributed`` client, gathered in submission order."""

    def __init__(self, client: Any, jobs: int = 1) -> None:
        self._client = client
        self._window = AHEAD * max(jobs, 1)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        # pure=False: every call is a new task (no deduplication by argument hash).
        return windowed(
            lambda item: self._client.submit(fn, item, pure=False),
            lambda future: future.result(),
            items,
            self._window,
        )


class RayExecutor:
    """Ray remote tasks, fetched in submission order."""

    def __init__(self, ray: Any, jobs: int = 1) -> None:
        self._ray = ray
        self._window = AHEAD * max(jobs, 1)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        remote = self._ray.remote(fn)
        return windowed(remote.remote, self._ray.get, items, self._window)


def require_available(kind: str) -> None:
    """Raise :class:`ConfigError` if ``kind`` is unknown or needs a package that is missing.

    Cheap (no import): used by config validation so a run fails before it starts.
    """
    if kind not in KINDS:
        raise ConfigError("run.executor", kind, f"must be one of {', '.join(KINDS)}")
    if kind in OPTIONAL and importlib.util.find_spec(OPTIONAL[kind][0]) is None:
        raise _missing(kind)


def _missing(kind: str) -> ConfigError:
    module, install = OPTIONAL[kind]
    return ConfigError("run.executor", kind, f"needs the optional package {module} ({install})")


@contextmanager
def executor(kind: str, jobs: int) -> Iterator[Executor]:
    """An executor of ``kind`` with ``jobs`` workers, shut down on leaving the block.

    ``kind`` is one of :data:`KINDS`; ``jobs`` must be at least 1.

    Raises
    ------
    ConfigError
        For an unknown kind, ``jobs < 1``, or an optional kind whose package is not installed.
    """
    if kind not in KINDS:
        raise ConfigError("run.executor", kind, f"must be one of {', '.join(KINDS)}")
    if jobs < 1:
        raise ConfigError("run.jobs", jobs, "must be an integer ≥ 1 (worker processes)")
    if kind == "serial":
        yield SerialExecutor()
    elif kind == "process":
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            yield ProcessExecutor(pool, jobs)
    elif kind == "dask":
        with _dask_client(jobs) as client:
            yield DaskExecutor(client, jobs)
    else:
        with _ray_session(jobs) as ray:
            yield RayExecutor(ray, jobs)


@contextmanager
def _dask_client(jobs: int) -> Iterator[Any]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise _missing("dask") from None
    address = _dask_scheduler_address()
    if address:  # an existing cluster: connect, and leave it running afterwards
        with Client(address) as client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _dask_scheduler_address() -> str | None:
    """Dask's own ``scheduler-address`` setting (``DASK_SCHEDULER_ADDRESS``), if given."""
    import dask

    address = dask.config.get("scheduler-address", None)
    return str(address) if address else None


@contextmanager
def _ray_session(jobs: int) -> Iterator[Any]:
    try:
        import ray
    except ImportError:
        raise _missing("ray") from None
    started = not ray.is_initialized()
    if started and os.environ.get("RAY_ADDRESS"):
        # ray.init reads the address itself; sizing options are refused for an existing cluster.
        ray.init(log_to_driver=False)
    elif started:
        ray.init(num_cpus=jobs, include_dashboard=False, log_to_driver=False)
    try:
        yield ray
    finally:
        if started:
            ray.shutdown()
