"""What staff cost, and who pays: ``costs.*`` (docs/finance.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.choices import Payer
from sim.ranges import HOURS_IN_A_YEAR, PROBABILITY, number, ranged, share

PAYERS = tuple(Payer)
"""Who pays a role's staff (``costs.roles.<role>.paid_by``, ``costs.partner_staff_paid_by``)."""


@dataclass
class RoleCostConfig:
    """What one full-time post of a role costs a year (``costs.roles.<role>``; docs/finance.md).

    ``salary_gbp``: gross salary excluding on-costs; ``on_cost``: multiplier for employer NI,
    pension and levy; ``agency_share``: share (0–1) of *filled* posts held by agency workers,
    who cost ``agency_premium`` × a permanent post's fully loaded cost; ``vacancy_factor``:
    share (0–1) of the establishment unfilled and so not paid; ``productive_hours_per_fte``:
    hours a year a filled post spends on casework (for the cost of an hour of staff time).
    ``paid_by``: ``local_authority``, ``partner_agencies``, or ``null`` to follow
    ``costs.partner_staff_paid_by`` (partner-agency staff in an integrated front door).
    """

    salary_gbp: float = ranged(41000.0, number(ge=0, what="an amount", unit="£ a year"))
    on_cost: float = ranged(1.30, number(ge=1, what="a multiplier", unit="e.g. 1.30"))
    agency_share: float = ranged(0.0, PROBABILITY)
    agency_premium: float = ranged(1.4, number(ge=1, what="a multiplier", unit="e.g. 1.4"))
    vacancy_factor: float = ranged(
        0.05, share(0, 1, high_open=True, what="a share", unit="0.05 = 5%")
    )
    productive_hours_per_fte: float = ranged(
        1325.0, number(gt=0, at_most=HOURS_IN_A_YEAR, unit="hours")
    )
    paid_by: Payer | None = Payer.local_authority


@dataclass
class CostsConfig:
    """Staff costs (``costs.*``): roles, which role each pool is, and who pays partner staff.

    ``pool_roles.<pool>`` names the role of a staffing pool; pools not listed are costed as
    ``default_role`` (``null``: every pool must be listed). Assessment teams' social workers
    (``after_decision.assessment.teams.*.social_workers``) are costed as ``team_role``.
    ``partner_staff_paid_by`` decides whether roles with ``paid_by: null`` count in the
    council's ``annual_staff_cost_gbp`` (``local_authority``) or are reported separately as
    ``partner_funded_cost_gbp`` (``partner_agencies``).
    """

    roles: dict[str, RoleCostConfig] = field(default_factory=dict)
    pool_roles: dict[str, str] = field(default_factory=dict)
    default_role: str | None = "social_worker"
    team_role: str = "social_worker"
    partner_staff_paid_by: Payer = Payer.partner_agencies
