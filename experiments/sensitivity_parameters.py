"""The ESTIMATE parameters the sensitivity experiment samples, each with its range and why.

A parameter turns one number into config overrides *relative to the composed config of the
option being run*: a factor scales the option's own values (so the simplified-partner-request
scenario's shorter efforts stay shorter, only scaled), a value sets them. Ranges are the
parameters.md ranges where it gives one (§ cited), else a stated judgement. Every parameter is
tagged ESTIMATE in parameters.md: these are the numbers a council replaces with its own data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from omegaconf import DictConfig, OmegaConf

DURATION_KEYS = ("low", "mode", "high", "mean", "median", "percentile_value")
"""The keys of a duration spec that carry time (``cv`` and ``percentile`` do not)."""


@dataclass(frozen=True)
class Parameter:
    """One sampled parameter: its default, range and reason, and how a value becomes overrides."""

    name: str
    base: float
    low: float
    high: float
    reason: str
    overrides: Callable[[DictConfig, float], list[str]]


def _num(value: float) -> str:
    return repr(round(float(value), 6))


def _scale_durations(cfg: DictConfig, paths: list[str], factor: float) -> list[str]:
    out = []
    for path in paths:
        node = OmegaConf.select(cfg, path)
        if node is None:
            continue
        out += [
            f"{path}.{k}={_num(node[k] * factor)}" for k in DURATION_KEYS if node.get(k) is not None
        ]
    return out


def _sources(cfg: DictConfig) -> list[str]:
    return list(cfg.demand.sources)


def _pools(cfg: DictConfig) -> list[str]:
    return [p for p, pool in cfg.staffing.pools.items() if pool.get("absence") is not None]


def _roles(cfg: DictConfig) -> list[str]:
    return list(cfg.costs.roles)


def police_share(cfg: DictConfig, x: float) -> list[str]:
    """Police share of contacts set to ``x``; the other sources keep their proportions."""
    sources = cfg.demand.sources
    rest = 1.0 - sources.police.share
    others = [s for s in sources if s != "police"]
    x = float(x)
    shares = {s: round(float(sources[s].share) * (1.0 - x) / rest, 6) for s in others[:-1]}
    shares[others[-1]] = 1.0 - round(x, 6) - sum(shares.values())  # sums to 1 exactly
    out = [f"demand.sources.police.share={_num(x)}"]
    return out + [f"demand.sources.{s}.share={v!r}" for s, v in shares.items()]


def unclear(cfg: DictConfig, f: float) -> list[str]:
    return [
        f"demand.sources.{s}.unclear={_num(min(0.99, cfg.demand.sources[s].unclear * f))}"
        for s in _sources(cfg)
    ]


def screening(cfg: DictConfig, f: float) -> list[str]:
    return _scale_durations(
        cfg, ["front_door.screening.duration", "front_door.screening.complex_duration"], f
    )


def partner_effort(cfg: DictConfig, f: float) -> list[str]:
    base = "front_door.partner_check"
    return _scale_durations(
        cfg, [f"{base}.request_effort", f"{base}.collation_effort", f"{base}.chase_effort"], f
    )


def partner_response(cfg: DictConfig, f: float) -> list[str]:
    agencies = cfg.front_door.partner_check.agencies
    paths = [f"front_door.partner_check.agencies.{a}.response.duration" for a in agencies]
    return _scale_durations(cfg, paths, f)


def sickness(cfg: DictConfig, x: float) -> list[str]:
    return [f"staffing.pools.{p}.absence.sickness_pct={_num(x)}" for p in _pools(cfg)]


def vacancy(cfg: DictConfig, x: float) -> list[str]:
    """Vacancy both ways it acts: fewer heads on duty (staffing) and unpaid posts (costs)."""
    out = [
        f"staffing.pools.{p}.absence.vacancy_pct={_num(100 * x)}"
        for p in _pools(cfg)
        if cfg.staffing.pools[p].absence.vacancy_pct > 0
    ]
    return out + [
        f"costs.roles.{r}.vacancy_factor={_num(x)}"
        for r in _roles(cfg)
        if cfg.costs.roles[r].vacancy_factor > 0
    ]


def role_key(key: str, *, scale: bool = False, only_positive: bool = False) -> Callable:
    def overrides(cfg: DictConfig, x: float) -> list[str]:
        roles = cfg.costs.roles
        return [
            f"costs.roles.{r}.{key}={_num(roles[r][key] * x if scale else x)}"
            for r in roles
            if not only_positive or roles[r][key] > 0
        ]

    return overrides


def source_key(source: str, key: str) -> Callable[[DictConfig, float], list[str]]:
    return lambda cfg, x: [f"demand.sources.{source}.{key}={_num(x)}"]


PARAMETERS = [
    Parameter(
        "police_share",
        0.35,
        0.25,
        0.45,
        "§1b default police share of contacts 35% is an ESTIMATE (referral share 28% READ; "
        "police contacts are screened out more): ±10 points",
        police_share,
    ),
    Parameter(
        "police_conversion",
        0.136,
        0.076,
        0.189,
        "§1c police conversion 0.18 (0.10–0.25), × 0.756 as in conf/demand (the share of "
        "threshold-met contacts that become referrals): the inappropriate share",
        source_key("police", "threshold_met"),
    ),
    Parameter(
        "clarification_factor",
        1.0,
        0.85,
        1.15,
        "§1f P(needs clarification) 0.55–0.65 around 0.6: ×0.85–1.15 on every source's "
        "unclear share",
        unclear,
    ),
    Parameter(
        "screening_effort_factor",
        1.0,
        0.75,
        1.5,
        "§1f screening PSO 30–60 min, SW 60–150 min; conf is calibrated below the middle "
        "(docs/model.md): −25% to +50%",
        screening,
    ),
    Parameter(
        "partner_info_probability",
        0.4,
        0.4,
        0.6,
        "§1f P(partner information needed) 0.4–0.6",
        lambda cfg, x: [f"front_door.partner_check.probability={_num(x)}"],
    ),
    Parameter(
        "partner_effort_factor",
        1.0,
        0.7,
        1.5,
        "§1f 45–90 min SW time per partner request: −30% to +50% on request, collation and chase",
        partner_effort,
    ),
    Parameter(
        "partner_response_factor",
        1.0,
        0.5,
        2.0,
        "§1f partner replies '1–3 WD'; conf medians under a day: halved to doubled",
        partner_response,
    ),
    Parameter(
        "step_up_conversion",
        0.416,
        0.302,
        0.529,
        "§1c early-help step-up conversion 0.55 (0.4–0.7) × 0.756",
        source_key("early_help", "threshold_met"),
    ),
    Parameter(
        "sickness_pct",
        3.2,
        2.0,
        5.0,
        "§1g 2.9–3.2% nationally (READ); a council's own runs higher or lower: 2–5%",
        sickness,
    ),
    Parameter(
        "vacancy",
        0.05,
        0.02,
        0.10,
        "§1g MTFS vacancy factor 5%; derived uncovered vacancy 4.9%, regions up to twice "
        "that: 2–10% (heads on duty and unpaid posts)",
        vacancy,
    ),
    Parameter(
        "salary_factor",
        1.0,
        0.93,
        1.07,
        "§1g default salaries are ranges (SW £38–44k around £41k): ±7% on every role",
        role_key("salary_gbp", scale=True),
    ),
    Parameter(
        "on_cost", 1.30, 1.28, 1.35, "§1g on-cost multiplier 1.30 (1.28–1.35)", role_key("on_cost")
    ),
    Parameter(
        "agency_share",
        0.17,
        0.10,
        0.25,
        "§1g agency share England 16–17.8%, North West 20.5%: 10–25% (roles with agency)",
        role_key("agency_share", only_positive=True),
    ),
    Parameter(
        "agency_premium",
        1.4,
        1.25,
        1.6,
        "§1g agency cost multiplier 1.4 (1.25–1.6)",
        role_key("agency_premium"),
    ),
]
"""The sampled parameters (14): demand and front-door effort, absence, and cost."""

BY_NAME = {p.name: p for p in PARAMETERS}
