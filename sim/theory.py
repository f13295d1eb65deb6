"""Queueing theory the real model must reproduce when a verification preset reduces it.

- M/M/c: Erlang C probability of waiting and mean wait.
- Tandem (Jackson) network: with Poisson arrivals and exponential service every staffed station
  behaves as an independent M/M/c with the same arrival rate (Burke's theorem); the external
  wait is an infinite-server station, whose output is again Poisson, so the decision station
  downstream of the split-and-merge is M/M/c too.
- Deterministic durations with no contention: time in system is the sum of the durations.

:func:`expected_kpis` maps a verification preset's *own config* to theoretical values of KPIs,
so anyone can change λ, μ and c on the command line and still get the matching theory.
"""

from __future__ import annotations

import math

from sim.config import Config, StageConfig
from sim.pathway.front_door import STAGES

MINUTES_PER_YEAR = 8760.0 * 60.0


def erlang_c(servers: int, offered_load: float) -> float:
    """P(an arrival waits) in M/M/c with ``offered_load`` = λ/μ erlangs; 1 if unstable."""
    if offered_load >= servers:
        return 1.0
    # Erlang B by the stable recursion, then C from B.
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered_load * blocking / (k + offered_load * blocking)
    rho = offered_load / servers
    return blocking / (1.0 - rho + rho * blocking)


def mmc_wait_mean(arrival_rate: float, mean_service: float, servers: int) -> float:
    """Mean wait in queue (same time unit as ``mean_service``; ``arrival_rate`` per that unit)."""
    load = arrival_rate * mean_service
    if load >= servers:
        return math.inf
    return erlang_c(servers, load) * mean_service / (servers - load)


def _mean_duration(stage: StageConfig) -> float:
    d = stage.duration
    if d.dist == "deterministic":
        return float(d.value or 0.0)
    if d.dist in ("exponential", "gamma") or (d.dist == "lognormal" and d.mean is not None):
        return float(d.mean or 0.0)
    if d.dist == "uniform":
        return (float(d.low or 0.0) + float(d.high or 0.0)) / 2.0
    if d.dist == "triangular":
        return (float(d.low or 0) + float(d.mode or 0) + float(d.high or 0)) / 3.0
    raise ValueError(f"no closed-form mean used here for {d.dist!r}")


def expected_kpis(cfg: Config) -> dict[str, float]:
    """Theoretical KPI values for the verification preset named by ``cfg.verification.kind``."""
    kind = cfg.verification.kind
    arrival_rate = cfg.demand.annual_contacts / MINUTES_PER_YEAR  # per minute
    expected: dict[str, float] = {}
    if kind == "none":
        return expected
    if kind in ("mmc", "tandem"):
        total = 0.0
        for name in STAGES:
            stage = getattr(cfg.front_door, name)
            if not stage.enabled:
                continue
            mean = _mean_duration(stage)
            if stage.pool is None:
                expected[f"{name}_sojourn_minutes_mean"] = mean
                total += stage.probability * mean
                continue
            servers = cfg.staffing.pools[stage.pool].staff
            rate = arrival_rate * stage.probability
            wait = mmc_wait_mean(rate, mean, servers)
            expected[f"{name}_wait_minutes_mean"] = wait
            expected[f"{name}_waited_pct"] = 100.0 * erlang_c(servers, rate * mean)
            expected[f"{name}_sojourn_minutes_mean"] = wait + mean
            expected[f"utilisation_{stage.pool}"] = rate * mean / servers
            total += stage.probability * (wait + mean)
        expected["time_in_system_minutes_mean"] = total
    if kind in ("deterministic", "unlimited"):
        total = 0.0
        for name in STAGES:
            stage = getattr(cfg.front_door, name)
            if not stage.enabled:
                continue
            total += stage.probability * _mean_duration(stage)
            if stage.pool is not None:
                expected[f"{name}_wait_minutes_mean"] = 0.0
        expected["time_in_system_minutes_mean"] = total
    expected["arrivals_per_hour"] = arrival_rate * 60.0
    return expected
