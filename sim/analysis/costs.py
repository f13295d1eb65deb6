"""Staff costs: what a configuration's establishment costs a year, and what an hour costs.

The arithmetic (docs/finance.md, parameters.md §1g), for a pool of ``staff`` posts of a role:

- *filled* posts = staff × (1 − vacancy_factor) — an unfilled post is not paid;
- fully loaded cost of a permanent post = salary × on_cost;
- of the filled posts, ``agency_share`` are held by agency workers at ``agency_premium`` times
  that cost, so

  permanent = staff × (1 − v) × salary × on_cost × (1 − a)
  agency    = staff × (1 − v) × salary × on_cost × a × premium
  total     = staff × (1 − v) × salary × on_cost × [(1 − a) + a × premium]

- an hour of a filled post's productive time costs
  salary × on_cost × [(1 − a) + a × premium] / productive_hours_per_fte.

Pools get their role from ``costs.pool_roles`` (else ``costs.default_role``); assessment teams'
social workers are ``costs.team_role``. Roles paid by partner agencies (``paid_by``, or ``null``
following ``costs.partner_staff_paid_by``) are left out of the council's cost and reported as
``partner_funded_cost_gbp``. Everything here is deterministic given the config; nothing knows
about SimPy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sim.config import Config, RoleCostConfig

LOCAL_AUTHORITY = "local_authority"
TEAM_PREFIX = "team_"
"""Assessment teams appear in the cost tables as ``team_<name>``."""


@dataclass(frozen=True)
class PostCost:
    """The annual cost of some posts of one role, split permanent / agency."""

    role: str
    staff: float
    permanent_gbp: float
    agency_gbp: float
    paid_by: str

    @property
    def total_gbp(self) -> float:
        return self.permanent_gbp + self.agency_gbp


def blend(role: RoleCostConfig) -> float:
    """Cost of a filled post relative to a permanent one: (1 − a) + a × premium."""
    return (1.0 - role.agency_share) + role.agency_share * role.agency_premium


def annual_cost(role: RoleCostConfig, staff: float) -> tuple[float, float]:
    """(permanent, agency) annual cost in £ of ``staff`` establishment posts of ``role``."""
    filled_loaded = staff * (1.0 - role.vacancy_factor) * role.salary_gbp * role.on_cost
    return (
        filled_loaded * (1.0 - role.agency_share),
        filled_loaded * role.agency_share * role.agency_premium,
    )


def hourly_cost(role: RoleCostConfig) -> float:
    """£ per productive hour of a filled post of ``role`` (agency mix included)."""
    return role.salary_gbp * role.on_cost * blend(role) / role.productive_hours_per_fte


def payer(cfg: Config, role: str) -> str:
    """Who pays for ``role``: its ``paid_by``, or ``costs.partner_staff_paid_by`` if null."""
    paid_by = cfg.costs.roles[role].paid_by
    return paid_by if paid_by is not None else cfg.costs.partner_staff_paid_by


def pool_role(cfg: Config, pool: str) -> str | None:
    """The role a staffing pool is costed as (``None``: no mapping and no default)."""
    return cfg.costs.pool_roles.get(pool, cfg.costs.default_role)


def costed(cfg: Config) -> bool:
    """Whether the config has a costs group at all (a bare ``Config()`` has no roles)."""
    return bool(cfg.costs.roles)


def establishment(cfg: Config) -> dict[str, tuple[str, float]]:
    """``{unit: (role, staff)}``: every staffing pool, and every assessment team if enabled."""
    units: dict[str, tuple[str, float]] = {}
    for name, pool in cfg.staffing.pools.items():
        role = pool_role(cfg, name)
        if role is None:
            raise KeyError(f"staffing pool {name!r} has no role in costs.pool_roles")
        units[name] = (role, float(pool.staff))
    assessment = cfg.after_decision.assessment
    if assessment.enabled:
        for name, team in assessment.teams.items():
            units[f"{TEAM_PREFIX}{name}"] = (cfg.costs.team_role, float(team.social_workers))
    return units


def post_costs(cfg: Config) -> dict[str, PostCost]:
    """The annual cost of every pool and team (``{unit: PostCost}``)."""
    table: dict[str, PostCost] = {}
    for unit, (role, staff) in establishment(cfg).items():
        permanent, agency = annual_cost(cfg.costs.roles[role], staff)
        table[unit] = PostCost(role, staff, permanent, agency, payer(cfg, role))
    return table


def annual_staff_cost(cfg: Config) -> float:
    """The council's annual staff cost in £ (partner-funded posts excluded)."""
    return sum(c.total_gbp for c in post_costs(cfg).values() if c.paid_by == LOCAL_AUTHORITY)


def staff_cost_kpis(cfg: Config) -> dict[str, float]:
    """Deterministic cost KPIs of the establishment (no simulation needed)."""
    if not costed(cfg):
        return {}
    costs = post_costs(cfg)
    council = [c for c in costs.values() if c.paid_by == LOCAL_AUTHORITY]
    kpis = {
        "annual_staff_cost_gbp": sum(c.total_gbp for c in council),
        "annual_staff_cost_permanent_gbp": sum(c.permanent_gbp for c in council),
        "annual_staff_cost_agency_gbp": sum(c.agency_gbp for c in council),
        "partner_funded_cost_gbp": sum(
            c.total_gbp for c in costs.values() if c.paid_by != LOCAL_AUTHORITY
        ),
    }
    for role in cfg.costs.roles:
        if payer(cfg, role) == LOCAL_AUTHORITY:
            kpis[f"annual_staff_cost_gbp_{role}"] = sum(
                c.total_gbp for c in council if c.role == role
            )
    return kpis


def cost_kpis(
    cfg: Config,
    contacts_per_year: float,
    referrals_per_year: float,
    inappropriate_hours: Mapping[str, float],
) -> dict[str, float]:
    """Every cost KPI of a run.

    ``inappropriate_hours``: staff hours a year by pool on contacts that did not meet the
    threshold; each is priced at its pool's role's :func:`hourly_cost` (council-paid roles only,
    like ``annual_staff_cost_gbp``).
    """
    kpis = staff_cost_kpis(cfg)
    if not kpis:
        return kpis
    total = kpis["annual_staff_cost_gbp"]
    nan = float("nan")
    kpis["cost_per_contact_gbp"] = total / contacts_per_year if contacts_per_year > 0 else nan
    kpis["cost_per_referral_gbp"] = total / referrals_per_year if referrals_per_year > 0 else nan
    inappropriate = 0.0
    for pool, hours in inappropriate_hours.items():
        role = pool_role(cfg, pool)
        if role is None or payer(cfg, role) != LOCAL_AUTHORITY:
            continue
        inappropriate += hours * hourly_cost(cfg.costs.roles[role])
    kpis["inappropriate_contact_cost_gbp"] = inappropriate
    return kpis
