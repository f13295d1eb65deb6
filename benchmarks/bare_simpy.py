"""The yardstick: bare, idiomatic SimPy M/M/c, timed in the same process as the model.

A process per customer, ``with Resource.request()``, ``env.timeout(service)`` — the way the
SimPy documentation writes a queue. Its customers per second on this machine, in this process,
is what the model's stage-visits per second are compared with: a stage-visit (one service at
one staffed step) is the model's counterpart of one customer served, so the ratio says how much
the model's bookkeeping (calendars, rotas, the event log, the pathway's decisions) costs over
SimPy itself.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

from sim.analysis.theory import mmc_wait_mean


@dataclass(frozen=True)
class BareSimPyResult:
    servers: int
    rho: float
    customers: int
    repeats: int
    wall_best_s: float
    wall_median_s: float
    customers_per_s: float
    mean_wait: float  # a check that the queue is the one intended: Erlang C gives the mean
    theory_wait: float


def mmc_run(servers: int, rho: float, customers: int, seed: int = 1) -> tuple[float, float]:
    """Serve ``customers`` through M/M/``servers`` at load ``rho``; (wall seconds, mean wait)."""
    rng = np.random.default_rng(seed)
    service_mean = 1.0
    gaps = rng.exponential(service_mean / (servers * rho), customers).tolist()
    services = rng.exponential(service_mean, customers).tolist()
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=servers)
    waits: list[float] = []

    def customer(service: float) -> Generator[simpy.Event, Any, None]:
        arrive = env.now
        with desk.request() as request:
            yield request
            waits.append(env.now - arrive)
            yield env.timeout(service)

    def arrivals() -> Generator[simpy.Event, Any, None]:
        for gap, service in zip(gaps, services, strict=True):
            yield env.timeout(gap)
            env.process(customer(service))

    env.process(arrivals())
    gc.collect()
    start = time.perf_counter()
    env.run()
    wall = time.perf_counter() - start
    return wall, float(np.mean(waits))


def bare_simpy(
    servers: int = 8, rho: float = 0.85, customers: int = 200_000, repeats: int = 3
) -> BareSimPyResult:
    """Best and median of ``repeats`` runs of :func:`mmc_run`."""
    runs = [mmc_run(servers, rho, customers, seed) for seed in range(1, repeats + 1)]
    walls = [wall for wall, _ in runs]
    best = min(walls)
    return BareSimPyResult(
        servers=servers,
        rho=rho,
        customers=customers,
        repeats=repeats,
        wall_best_s=best,
        wall_median_s=statistics.median(walls),
        customers_per_s=customers / best,
        mean_wait=float(np.mean([wait for _, wait in runs])),
        theory_wait=mmc_wait_mean(servers * rho, 1.0, servers),
    )
