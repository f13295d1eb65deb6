"""Queueing theory the real model must reproduce when a verification preset reduces it.

- M/M/c: Erlang C probability of waiting and mean wait.
- Non-preemptive priority M/M/c with one service rate for every class (Cobham 1954): the mean
  wait of each priority class — the theory of the front door's main lever, urgent work first.
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
from collections.abc import Sequence

import numpy as np

from sim.config import Config, DistributionConfig, StageConfig, is_unset
from sim.engine.capacity import availability
from sim.engine.distributions import make_sampler
from sim.errors import ConfigError

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


def priority_mmc_wait_means(
    arrival_rates: Sequence[float], mean_service: float, servers: int
) -> list[float]:
    """Mean wait in queue of each class of a non-preemptive priority M/M/c (Cobham's formula).

    ``arrival_rates`` are the classes' Poisson rates, highest priority first, per the time unit
    of ``mean_service``; every class has the same exponential service. With
    ``σ_k = Σ_{i≤k} λ_i / (cμ)`` and ``C`` the Erlang C probability at the total load,

        W_k = C(c, a) / (cμ) / ((1 − σ_{k−1}) (1 − σ_k)).

    A class with ``σ_k ≥ 1`` waits for ever (``inf``); a higher class can still be stable. With
    one class this is :func:`mmc_wait_mean`; with ``c = 1`` it is Cobham's M/M/1 result
    ``W_k = ρ/μ / ((1 − σ_{k−1})(1 − σ_k))``. The load-weighted mean of the ``W_k`` equals the
    FCFS mean wait (Kleinrock's conservation law), so priority only reshuffles waiting.
    """
    if servers < 1 or mean_service <= 0:
        raise ValueError(f"need servers ≥ 1 and mean_service > 0, got {servers}, {mean_service}")
    if any(rate < 0 for rate in arrival_rates):
        raise ValueError(f"arrival rates must be ≥ 0, got {list(arrival_rates)}")
    capacity = servers / mean_service  # cμ
    load = sum(arrival_rates) * mean_service
    # Saturated overall, C = 1: every server is always busy and an arrival always waits.
    wait_factor = erlang_c(servers, load) / capacity
    waits = []
    below = 0.0  # σ_{k−1}
    for rate in arrival_rates:
        upto = below + rate / capacity  # σ_k
        waits.append(math.inf if upto >= 1.0 else wait_factor / ((1.0 - below) * (1.0 - upto)))
        below = upto
    return waits


def priority_classes(cfg: Config) -> dict[str, float]:
    """Each urgency's share of the contacts of a one-source verification preset."""
    (source,) = cfg.demand.sources.values()
    mix = source.urgency or {"green": 1.0}
    total = sum(mix.values())
    return {urgency: share / total for urgency, share in mix.items() if share > 0}


def mean_minutes(dist: DistributionConfig) -> float:
    """The theoretical mean of a configured duration (0 if unset)."""
    if is_unset(dist):
        return 0.0
    return make_sampler(dist, np.random.default_rng(0)).mean


def _external_mean(cfg: Config) -> float:
    """Mean time at the partner check when it is a single external wait (infinite server)."""
    spec = cfg.front_door.partner_check
    if len(spec.agencies) != 1 or spec.hub.enabled or spec.timeout_working_minutes is not None:
        raise ValueError("theory covers a partner check with one agency, no hub and no timeout")
    (agency,) = spec.agencies.values()
    return mean_minutes(agency.response.duration)


def _staffed(cfg: Config) -> dict[str, StageConfig]:
    """The staffed stages of a verification preset (screening's simple route)."""
    fd = cfg.front_door
    return {
        name: stage
        for name, stage in (
            ("triage", fd.triage),
            ("screening", fd.screening),
            ("decision", fd.decision),
        )
        if stage.enabled
    }


def check_assumptions(cfg: Config) -> None:
    """Raise :class:`ConfigError` if the config breaks an assumption of its theory.

    Erlang C and the Jackson product form need Poisson arrivals (one flat source, no growth),
    exponential service at staffed stations and staff on duty round the clock; the partner
    check must be a single external wait. Without this check a changed key would silently be
    compared with a formula that does not apply to it.
    """
    kind = cfg.verification.kind
    if kind == "none":
        return
    demand = cfg.demand
    for name, source in demand.sources.items():
        flat = len(set(demand.profiles[source.profile])) == 1
        _assume(flat, f"demand.sources.{name}.profile", source.profile, "a flat profile")
    _assume(
        demand.growth_pct_per_year == 0,
        "demand.growth_pct_per_year",
        demand.growth_pct_per_year,
        "no growth",
    )
    used: dict[str, str] = {}
    for name, stage in _staffed(cfg).items():
        if stage.pool is None:
            continue
        pool = cfg.staffing.pools[stage.pool]
        key = f"staffing.pools.{stage.pool}"
        _assume(pool.rota == "always", f"{key}.rota", pool.rota, "staff on duty 24/7")
        _assume(pool.time_factor == 1.0, f"{key}.time_factor", pool.time_factor, "time_factor 1")
        _assume(
            availability(pool.absence) == 1.0,
            f"{key}.absence",
            "some absence",
            "no absence (every member always on duty)",
        )
        if kind in ("mmc", "tandem", "priority_mmc"):
            _assume(
                stage.pool not in used,
                f"front_door.{name}.pool",
                stage.pool,
                f"a pool of its own (it is also used by {used.get(stage.pool)})",
            )
        used[stage.pool] = name
        if kind in ("mmc", "tandem", "priority_mmc"):
            dist = stage.duration.dist
            _assume(
                dist == "exponential",
                f"front_door.{name}.duration.dist",
                dist,
                "exponential service",
            )
    if kind == "priority_mmc":
        _check_priority_mmc(cfg)
    partner = cfg.front_door.partner_check
    if partner.enabled and partner.probability > 0:
        single = len(partner.agencies) == 1 and not partner.hub.enabled
        _assume(
            single and partner.timeout_working_minutes is None and partner.pool is None,
            "front_door.partner_check",
            "staffed or several agencies",
            "one external agency, no staff effort, no timeout",
        )


def _check_priority_mmc(cfg: Config) -> None:
    """Cobham's formula needs one queue (screening only, one source) and one service time for
    every class: no complex route or fallback that would give an urgency other work."""
    stages = list(_staffed(cfg))
    _assume(stages == ["screening"], "front_door", "stages " + "+".join(stages), "screening only")
    n_sources = len(cfg.demand.sources)
    _assume(n_sources == 1, "demand.sources", f"{n_sources} sources", "one source")
    screening = cfg.front_door.screening
    _assume(
        screening.complex_pool is None and screening.fallback_pool is None,
        "front_door.screening",
        "a complex or fallback pool",
        "one pool and one service time for every urgency",
    )


def _assume(ok: bool, key: str, value: object, what: str) -> None:
    if not ok:
        raise ConfigError(key, value, f"verification.kind needs {what} for its theory")


def expected_kpis(cfg: Config) -> dict[str, float]:
    """Theoretical KPI values for the verification preset named by ``cfg.verification.kind``."""
    kind = cfg.verification.kind
    if kind == "none":
        return {}
    arrival_rate = cfg.demand.annual_contacts / MINUTES_PER_YEAR  # per minute
    expected: dict[str, float] = {"arrivals_per_hour": arrival_rate * 60.0}
    partner = cfg.front_door.partner_check
    p_partner = partner.probability if partner.enabled else 0.0
    total = 0.0
    if p_partner > 0:
        external = _external_mean(cfg)
        expected["partner_check_sojourn_minutes_mean"] = external
        total += p_partner * external
    for name, stage in _staffed(cfg).items():
        mean = mean_minutes(stage.duration)
        rate = arrival_rate * stage.probability
        if kind in ("deterministic", "unlimited"):
            wait = 0.0
        else:
            assert stage.pool is not None
            servers = cfg.staffing.pools[stage.pool].staff
            wait = mmc_wait_mean(rate, mean, servers)
            expected[f"{name}_waited_pct"] = 100.0 * erlang_c(servers, rate * mean)
            expected[f"utilisation_{stage.pool}"] = min(1.0, rate * mean / servers)
        expected[f"{name}_wait_minutes_mean"] = wait
        expected[f"{name}_sojourn_minutes_mean"] = wait + mean
        total += stage.probability * (wait + mean)
    expected["time_in_system_minutes_mean"] = total
    if kind == "priority_mmc":
        expected.update(_priority_waits(cfg, arrival_rate))
    return expected


def _priority_waits(cfg: Config, arrival_rate: float) -> dict[str, float]:
    """Cobham's mean screening wait per urgency (``screening_wait_minutes_mean_<urgency>``;
    theory only — the simulated value is read off the event log, see docs/verification.md).
    Urgencies that share a priority number are one class."""
    stage = cfg.front_door.screening
    assert stage.pool is not None  # check_assumptions
    shares = priority_classes(cfg)
    priority = cfg.front_door.priority
    levels = sorted({priority[u] for u in shares})
    rates = [
        arrival_rate * stage.probability * sum(s for u, s in shares.items() if priority[u] == lvl)
        for lvl in levels
    ]
    servers = cfg.staffing.pools[stage.pool].staff
    waits = priority_mmc_wait_means(rates, mean_minutes(stage.duration), servers)
    by_level = dict(zip(levels, waits, strict=True))
    return {f"screening_wait_minutes_mean_{u}": by_level[priority[u]] for u in shares}
