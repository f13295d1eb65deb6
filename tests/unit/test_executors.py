"""The executor interface (sim.executors): order kept, optional kinds fail helpfully, an existing
Dask or Ray cluster is connected to rather than started, and a run gives the same replications
table on a process pool as serially (on Dask and Ray too: tests/scale, run by make test-scale)."""

from __future__ import annotations

import sys
import types
from typing import Any

import pandas as pd
import pytest

from sim.compose import load
from sim.errors import ConfigError
from sim.executors import KINDS, executor, require_available
from sim.runner import simulate_replications

TINY = [
    "run.horizon_days=14",
    "run.warmup_days=3",
    "run.drain_days=3",
    "run.replications=3",
    "run.plots=false",
    "run.event_log=false",
]


def _square(x: int) -> int:
    return x * x


@pytest.mark.parametrize("kind", ["serial", "process"])
def test_map_keeps_order(kind: str) -> None:
    items = list(range(12))
    with executor(kind, 3) as pool:
        assert list(pool.map(_square, items)) == [x * x for x in items]


def test_serial_map_is_lazy() -> None:
    seen: list[int] = []

    def record(x: int) -> int:
        seen.append(x)
        return x

    with executor("serial", 4) as pool:
        results = pool.map(record, [1, 2, 3])
        assert seen == []
        assert next(iter(results)) == 1
        assert seen == [1]


def test_unknown_kind_and_bad_jobs_are_config_errors() -> None:
    with pytest.raises(ConfigError, match=r"run\.executor"), executor("threads", 2):
        pass
    with pytest.raises(ConfigError, match=r"run\.jobs"), executor("process", 0):
        pass


@pytest.mark.parametrize(("kind", "module"), [("dask", "distributed"), ("ray", "ray")])
def test_missing_optional_package_names_what_to_install(
    kind: str, module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A None entry in sys.modules makes the import fail as if the package were not installed.
    monkeypatch.setitem(sys.modules, module, None)
    if kind == "dask":
        monkeypatch.setitem(sys.modules, "dask.distributed", None)
    expected = rf"needs the optional package {module} \(pip install"
    with pytest.raises(ConfigError, match=expected), executor(kind, 2):
        pass


def test_validation_rejects_unknown_and_uninstalled_executors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ConfigError, match=r"run\.executor"):
        load([*TINY, "run.executor=threads"])
    monkeypatch.setattr("importlib.util.find_spec", lambda name, *a, **k: None)
    with pytest.raises(ConfigError, match="needs the optional package"):
        require_available("ray")
    # Only parallel runs use the executor, so one job needs nothing installed.
    assert load([*TINY, "run.executor=ray", "run.jobs=1"]).run.executor == "ray"
    with pytest.raises(ConfigError, match="needs the optional package ray"):
        load([*TINY, "run.executor=ray", "run.jobs=2"])


def test_kinds() -> None:
    assert KINDS == ("serial", "process", "dask", "ray")
    assert load(TINY).run.executor == "process"  # conf/run/default.yaml


@pytest.mark.parametrize("kind", ["process"])  # dask and ray: tests/scale (make test-scale)
def test_every_executor_gives_the_serial_results(kind: str) -> None:
    serial = simulate_replications(load([*TINY, "run.jobs=1"]), progress=False)
    parallel = simulate_replications(
        load([*TINY, "run.jobs=2", f"run.executor={kind}"]), progress=False
    )
    assert parallel.config.run.executor == kind
    pd.testing.assert_frame_equal(serial.replications, parallel.replications)
    pd.testing.assert_frame_equal(serial.decisions, parallel.decisions)
    pd.testing.assert_frame_equal(pd.DataFrame(serial.summary), pd.DataFrame(parallel.summary))


class FakeRay:
    """Stands in for the ``ray`` module: records how it was initialised and shut down."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.initialised = False

    def is_initialized(self) -> bool:
        return self.initialised

    def init(self, **kwargs: Any) -> None:
        self.calls.append(("init", kwargs))
        self.initialised = True

    def shutdown(self) -> None:
        self.calls.append(("shutdown", {}))
        self.initialised = False


def test_ray_address_is_connected_to_without_sizing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # ray.init refuses num_cpus for an existing cluster; it reads RAY_ADDRESS itself.
    fake = FakeRay()
    monkeypatch.setitem(sys.modules, "ray", fake)
    monkeypatch.setenv("RAY_ADDRESS", "ray://head:10001")
    with executor("ray", 2):
        assert fake.calls == [("init", {"log_to_driver": False})]
    assert fake.calls[-1] == ("shutdown", {}), "the driver disconnects; the cluster runs on"
    monkeypatch.delenv("RAY_ADDRESS")
    with executor("ray", 2):
        assert fake.calls[-1][1]["num_cpus"] == 2, "no address: a local instance of jobs CPUs"


def test_dask_scheduler_address_is_connected_to_not_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clients: list[object] = []

    class Client:
        def __init__(self, address: object) -> None:
            clients.append(address)

        def __enter__(self) -> Client:
            return self

        def __exit__(self, *exc: object) -> None:
            clients.append("closed")

    def no_cluster(**kwargs: Any) -> None:
        raise AssertionError("a LocalCluster was started despite a scheduler address")

    settings = {"scheduler-address": "tcp://scheduler:8786"}
    dask = types.SimpleNamespace(
        config=types.SimpleNamespace(get=lambda k, d=None: settings.get(k, d))
    )
    monkeypatch.setitem(sys.modules, "dask", dask)
    monkeypatch.setitem(
        sys.modules,
        "dask.distributed",
        types.SimpleNamespace(Client=Client, LocalCluster=no_cluster),
    )
    with executor("dask", 2):
        assert clients == ["tcp://scheduler:8786"]
    assert clients[-1] == "closed"
