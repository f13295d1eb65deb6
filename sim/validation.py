"""Domain validation: the rules a type cannot express, checked before any simulated minute.

The dataclass schemas in :mod:`sim.config` already reject unknown keys and wrong types. This
module checks meaning — staff and volumes that must be positive, probabilities in [0, 1], shares
that sum to 1, opening hours that do not overlap, distributions whose parameters make sense,
pools that exist. The first problem found is raised as a :class:`~sim.errors.ConfigError`
naming the config path, the value and what is allowed, so the CLI can print one line and exit 2.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from sim.analysis.theory import check_assumptions
from sim.bounds import check_bounds
from sim.config import (
    CONCERNS,
    URGENCIES,
    WEEKDAYS,
    AbsenceConfig,
    Config,
    DistributionConfig,
    StageConfig,
    WaitConfig,
    check_choices,
    is_unset,
)
from sim.demand import validate_demand_extras
from sim.engine.arrivals import HOURS_PER_WEEK
from sim.engine.distributions import validate_distribution
from sim.engine.opening_hours import validate_calendar_config
from sim.errors import ConfigError
from sim.ranges import check_ranges
from sim.validation_policies import validate_policies
from sim.vocabulary import BELOW_THRESHOLD, S47_OUTCOMES, STAGES

SHARE_TOLERANCE = 1e-6


def validate(cfg: Config) -> None:
    """Raise :class:`ConfigError` for the first domain rule ``cfg`` breaks."""
    check_choices(cfg)  # a Config built in Python skipped the enum checks of composing
    check_ranges(cfg)  # every number's own range, declared on its field (sim/ranges.py)
    _validate_run(cfg)
    check_bounds(cfg)  # plausibility limits (sim/bounds.py), before anything is built
    validate_calendar_config(cfg.calendar)
    _validate_demand(cfg)
    _validate_staffing(cfg)
    _validate_front_door(cfg)
    _validate_after_decision(cfg)
    _stage(cfg.after_decision.referral_nfa.review, cfg, "after_decision.referral_nfa.review")
    validate_policies(cfg)
    _validate_backlog(cfg)
    check_assumptions(cfg)
    _validate_costs(cfg)


def require(ok: bool, key: str, value: object, allowed: str) -> None:
    """Raise :class:`ConfigError` unless ``ok``."""
    if not ok:
        raise ConfigError(key, value, allowed)


def _names(names: Iterable[str]) -> str:
    return ", ".join(sorted(names))


def _validate_run(cfg: Config) -> None:
    run = cfg.run
    try:
        dt.date.fromisoformat(run.start_date)
    except ValueError:
        raise ConfigError(
            "run.start_date", run.start_date, "must be a date written YYYY-MM-DD"
        ) from None
    from sim.executors import require_available

    if run.jobs > 1:  # the executor is only used for parallel runs
        require_available(run.executor)
    auto = run.auto_replications
    key = "run.auto_replications"
    require(len(auto.kpis) > 0, f"{key}.kpis", auto.kpis, "must name at least one KPI")
    for i, name in enumerate(auto.kpis):
        require(bool(name), f"{key}.kpis[{i}]", name, "must be a KPI name")


def _subset(values: Iterable[str], allowed: Iterable[str], key: str) -> None:
    allowed = tuple(allowed)
    for i, value in enumerate(values):
        require(value in allowed, f"{key}[{i}]", value, f"must be one of {_names(allowed)}")


def _mix(mix: dict[str, float], allowed: Iterable[str], key: str) -> None:
    """A probability mix: known names summing to 1 (or empty: the default); each share ≥ 0 is
    its field's range."""
    if not mix:
        return
    allowed = tuple(allowed)
    for name, value in mix.items():
        require(name in allowed, f"{key}.{name}", value, f"must be one of {_names(allowed)}")
    total = sum(mix.values())
    require(abs(total - 1.0) <= SHARE_TOLERANCE, key, round(total, 9), "the shares must sum to 1")


def _pool(name: str | None, cfg: Config, key: str, required: bool = False) -> None:
    pools = cfg.staffing.pools
    if name is None:
        require(not required, key, None, f"must name one of staffing.pools: {_names(pools)}")
        return
    require(name in pools, key, name, f"must name one of staffing.pools: {_names(pools)}")


def _duration(dist: DistributionConfig, key: str, required: bool = False) -> None:
    """Validate a duration; an unset one (no family parameters) means zero unless required."""
    if is_unset(dist):
        require(
            not required,
            key,
            "unset",
            "a duration is needed here (e.g. {dist: exponential, mean: 30})",
        )
        return
    validate_distribution(dist, key)


def _wait(wait: WaitConfig, key: str, required: bool = False) -> None:
    _duration(wait.duration, f"{key}.duration", required)


def _stage(spec: StageConfig, cfg: Config, key: str) -> None:
    """A task: who does it, how often, how long."""
    if not spec.enabled:
        return
    _pool(spec.pool, cfg, f"{key}.pool")
    _duration(spec.duration, f"{key}.duration", required=True)


def _validate_demand(cfg: Config) -> None:
    demand = cfg.demand
    for name, profile in demand.profiles.items():
        key = f"demand.profiles.{name}"
        require(
            len(profile) in (1, 24, HOURS_PER_WEEK),
            key,
            f"{len(profile)} values",
            "must have 1 (flat), 24 (hour of day) or 168 (hour of week) weights",
        )
        require(sum(profile) > 0, key, list(profile), "must have at least one weight > 0")
    require(len(demand.sources) > 0, "demand.sources", {}, "must name at least one source")
    for name, source in demand.sources.items():
        key = f"demand.sources.{name}"
        require(
            source.profile in demand.profiles,
            f"{key}.profile",
            source.profile,
            f"must name one of demand.profiles: {_names(demand.profiles)}",
        )
        _mix(source.urgency, URGENCIES, f"{key}.urgency")
        _mix(source.concern, CONCERNS, f"{key}.concern")
    total = sum(source.share for source in demand.sources.values())
    require(
        abs(total - 1.0) <= SHARE_TOLERANCE,
        "demand.sources.*.share",
        round(total, 9),
        "the shares of all sources must sum to 1",
    )
    validate_demand_extras(demand)


def _validate_staffing(cfg: Config) -> None:
    for name, pool in cfg.staffing.pools.items():
        _validate_absence(pool.absence, f"staffing.pools.{name}.absence")


def _validate_absence(absence: AbsenceConfig, akey: str) -> None:
    """A staff pool's or an assessment team's ``absence`` (sim/engine/capacity.py): the hours
    away together, which no one field's range can say."""
    from sim.engine.capacity import away_share

    away = away_share(absence)
    require(
        away < 1,
        akey,
        f"{away:.0%} of contracted hours in supervision, training and leave",
        "supervision, training and annual leave must take under 100% of contracted hours",
    )


def _validate_front_door(cfg: Config) -> None:
    fd = cfg.front_door
    sources = tuple(cfg.demand.sources)
    require(
        set(fd.priority) == set(URGENCIES),
        "front_door.priority",
        dict(fd.priority),
        f"must give a priority for each of {_names(URGENCIES)}",
    )
    ooh = fd.out_of_hours
    if ooh.enabled:
        _subset(ooh.emergency_urgencies, URGENCIES, "front_door.out_of_hours.emergency_urgencies")
        _stage(ooh.emergency, cfg, "front_door.out_of_hours.emergency")
        _stage(ooh.handover, cfg, "front_door.out_of_hours.handover")
    _subset(fd.step_up.sources, sources, "front_door.step_up.sources")
    _stage(fd.step_up.documentation, cfg, "front_door.step_up.documentation")
    _stage(fd.triage, cfg, "front_door.triage")
    _validate_clarification(cfg)
    _stage(fd.history_check, cfg, "front_door.history_check")
    _validate_screening(cfg)
    _stage(fd.consent, cfg, "front_door.consent")
    _subset(fd.consent.not_needed_urgencies, URGENCIES, "front_door.consent.not_needed_urgencies")
    _validate_partner_check(cfg)
    _validate_decision(cfg)
    _stage(fd.feedback, cfg, "front_door.feedback")


def _validate_clarification(cfg: Config) -> None:
    spec = cfg.front_door.clarification
    key = "front_door.clarification"
    _stage(spec, cfg, key)
    if spec.enabled:
        _wait(spec.wait, f"{key}.wait")


def _validate_screening(cfg: Config) -> None:
    spec = cfg.front_door.screening
    key = "front_door.screening"
    _stage(spec, cfg, key)
    if not spec.enabled:
        return
    _pool(spec.complex_pool, cfg, f"{key}.complex_pool")
    if spec.complex_pool is not None:
        _duration(spec.complex_duration, f"{key}.complex_duration", required=True)
    _subset(spec.complex_concerns, CONCERNS, f"{key}.complex_concerns")
    _subset(spec.complex_sources, cfg.demand.sources, f"{key}.complex_sources")
    _subset(spec.complex_urgencies, URGENCIES, f"{key}.complex_urgencies")
    _pool(spec.fallback_pool, cfg, f"{key}.fallback_pool")


def _validate_partner_check(cfg: Config) -> None:
    spec = cfg.front_door.partner_check
    key = "front_door.partner_check"
    if not spec.enabled:
        return
    _pool(spec.pool, cfg, f"{key}.pool")
    for name in ("request_effort", "collation_effort", "chase_effort"):
        _duration(getattr(spec, name), f"{key}.{name}")
    require(len(spec.agencies) > 0, f"{key}.agencies", {}, "must name at least one agency")
    for agency, agency_spec in spec.agencies.items():
        akey = f"{key}.agencies.{agency}"
        hubbed = spec.hub.enabled and (not spec.hub.agencies or agency in spec.hub.agencies)
        _wait(agency_spec.response, f"{akey}.response", required=not hubbed)
    hub = spec.hub
    if hub.enabled:
        _pool(hub.pool, cfg, f"{key}.hub.pool", required=True)
        _subset(hub.agencies, spec.agencies, f"{key}.hub.agencies")
        _duration(hub.effort, f"{key}.hub.effort", required=True)
        for urgency, hours in hub.rag_target_working_hours.items():
            hkey = f"{key}.hub.rag_target_working_hours.{urgency}"
            require(urgency in URGENCIES, hkey, hours, f"must be one of {_names(URGENCIES)}")


def _validate_decision(cfg: Config) -> None:
    spec = cfg.front_door.decision
    key = "front_door.decision"
    _stage(spec, cfg, key)
    _pool(spec.partner_pool, cfg, f"{key}.partner_pool")
    _subset(spec.partner_urgencies, URGENCIES, f"{key}.partner_urgencies")
    for urgency, share in spec.strategy_discussion_share.items():
        skey = f"{key}.strategy_discussion_share.{urgency}"
        require(urgency in URGENCIES, skey, share, f"must be one of {_names(URGENCIES)}")
    _mix(spec.below_threshold_outcomes, BELOW_THRESHOLD, f"{key}.below_threshold_outcomes")
    _wait(spec.handoff, f"{key}.handoff")


_CLOCK_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _clock_time(value: str, key: str) -> None:
    require(bool(_CLOCK_TIME.match(value)), key, value, "must be a time of day HH:MM")


def _validate_after_decision(cfg: Config) -> None:
    spec = cfg.after_decision
    key = "after_decision"
    panel = spec.step_up_panel
    if panel.enabled:
        pkey = f"{key}.step_up_panel"
        _subset(panel.sources, cfg.demand.sources, f"{pkey}.sources")
        _subset(panel.urgent_urgencies, URGENCIES, f"{pkey}.urgent_urgencies")
        require(
            panel.weekday in WEEKDAYS,
            f"{pkey}.weekday",
            panel.weekday,
            f"must be one of {', '.join(WEEKDAYS)}",
        )
        _clock_time(panel.time, f"{pkey}.time")
        _clock_time(panel.deadline_time, f"{pkey}.deadline_time")
        if panel.first_date is not None:
            try:
                dt.date.fromisoformat(panel.first_date)
            except ValueError:
                raise ConfigError(
                    f"{pkey}.first_date",
                    panel.first_date,
                    "must be null or a date written YYYY-MM-DD",
                ) from None
    strategy = spec.strategy_discussion
    if strategy.enabled:
        skey = f"{key}.strategy_discussion"
        require(len(strategy.attendees) > 0, f"{skey}.attendees", [], "must name at least one pool")
        for i, name in enumerate(strategy.attendees):
            _pool(name, cfg, f"{skey}.attendees[{i}]", required=True)
        _wait(strategy.lead_time, f"{skey}.lead_time")
        _duration(strategy.duration, f"{skey}.duration", required=True)
        s47 = spec.section47
        qkey = f"{key}.section47"
        _wait(s47.see_child, f"{qkey}.see_child")
        _duration(s47.outcome_working_days, f"{qkey}.outcome_working_days", required=True)
        _mix(s47.outcomes, S47_OUTCOMES, f"{qkey}.outcomes")
        _duration(s47.icpc_lead_working_days, f"{qkey}.icpc_lead_working_days", required=True)
        _stage(s47.conference, cfg, f"{qkey}.conference")
    _validate_assessment(cfg)


def _validate_assessment(cfg: Config) -> None:
    spec = cfg.after_decision.assessment
    key = "after_decision.assessment"
    if not spec.enabled:
        return
    require(len(spec.teams) > 0, f"{key}.teams", {}, "must name at least one team")
    for name, team in spec.teams.items():
        tkey = f"{key}.teams.{name}"
        require(
            team.other_cases < team.caseload_cap,
            f"{tkey}.other_cases",
            team.other_cases,
            "must be ≥ 0 and below caseload_cap (cases)",
        )
        _validate_absence(team.absence, f"{tkey}.absence")
    total = sum(team.share for team in spec.teams.values())
    require(
        abs(total - 1.0) <= SHARE_TOLERANCE,
        f"{key}.teams.*.share",
        round(total, 9),
        "the shares of all teams must sum to 1",
    )
    _wait(spec.first_visit, f"{key}.first_visit")
    require(
        spec.visits_max >= spec.visits_min,
        f"{key}.visits_max",
        spec.visits_max,
        f"must be ≥ visits_min ({spec.visits_min})",
    )
    _wait(spec.visit_gap, f"{key}.visit_gap")
    _wait(spec.write_up, f"{key}.write_up")
    _wait(spec.long_write_up, f"{key}.long_write_up")
    _stage(spec.sign_off, cfg, f"{key}.sign_off")


def _validate_backlog(cfg: Config) -> None:
    spec = cfg.backlog
    for stage, count in spec.front_door.items():
        key = f"backlog.front_door.{stage}"
        require(stage in STAGES, key, count, f"must be one of {', '.join(STAGES)}")
    teams = cfg.after_decision.assessment.teams
    for part in ("assessments", "awaiting_allocation"):
        for team in getattr(spec, part):
            key = f"backlog.{part}.{team}"
            require(
                team in teams,
                key,
                team,
                f"must name one of after_decision.assessment.teams: {_names(teams)}",
            )


def _validate_costs(cfg: Config) -> None:
    """``costs.*``: every pool and team has a known role (each role's money and shares are
    their fields' ranges).

    A config without roles (a bare ``Config()``) has no costs group and is not costed.
    """
    costs = cfg.costs
    if not costs.roles:
        return
    known = f"must be one of costs.roles: {_names(costs.roles)}"
    for pool, role_name in costs.pool_roles.items():
        require(role_name in costs.roles, f"costs.pool_roles.{pool}", role_name, known)
    if costs.default_role is not None:
        require(costs.default_role in costs.roles, "costs.default_role", costs.default_role, known)
    for pool in cfg.staffing.pools:
        require(
            pool in costs.pool_roles or costs.default_role is not None,
            f"costs.pool_roles.{pool}",
            "missing",
            "every staffing pool needs a role (or set costs.default_role)",
        )
    if cfg.after_decision.assessment.enabled and cfg.after_decision.assessment.teams:
        require(costs.team_role in costs.roles, "costs.team_role", costs.team_role, known)
