"""Cost arithmetic against hand-worked examples (docs/finance.md)."""

from __future__ import annotations

import math

import pytest

from sim.analysis.costs import annual_cost, cost_kpis, hourly_cost, post_costs, staff_cost_kpis
from sim.compose import load
from sim.config import RoleCostConfig
from sim.errors import ConfigError
from sim.optimise import Target, one_sided_bound, shortfall


def test_permanent_only_no_vacancy() -> None:
    # 10 posts × £40,000 × 1.30 = £520,000
    role = RoleCostConfig(salary_gbp=40000, on_cost=1.3, agency_share=0.0, vacancy_factor=0.0)
    assert annual_cost(role, 10) == pytest.approx((520000.0, 0.0))


def test_vacancy_factor_means_unfilled_posts_are_not_paid() -> None:
    # 10 posts, 5% vacant: 9.5 filled × £52,000 = £494,000
    role = RoleCostConfig(salary_gbp=40000, on_cost=1.3, agency_share=0.0, vacancy_factor=0.05)
    assert sum(annual_cost(role, 10)) == pytest.approx(494000.0)


def test_agency_share_and_premium() -> None:
    # 10 posts, 5% vacant → 9.5 filled; 20% agency: 7.6 permanent × 52,000 = 395,200 and
    # 1.9 agency × 52,000 × 1.4 = 138,320; total 533,520
    role = RoleCostConfig(
        salary_gbp=40000, on_cost=1.3, agency_share=0.2, agency_premium=1.4, vacancy_factor=0.05
    )
    permanent, agency = annual_cost(role, 10)
    assert permanent == pytest.approx(395200.0)
    assert agency == pytest.approx(138320.0)


def test_hourly_cost() -> None:
    # £40,000 × 1.3 × (0.8 + 0.2 × 1.4 = 1.08) / 1,300 h = £43.20 an hour
    role = RoleCostConfig(
        salary_gbp=40000,
        on_cost=1.3,
        agency_share=0.2,
        agency_premium=1.4,
        productive_hours_per_fte=1300,
    )
    assert hourly_cost(role) == pytest.approx(43.2)


def test_baseline_social_workers_by_hand() -> None:
    cfg = load(["after_decision=none"])
    # 12 SWs × 0.95 × 41,000 × 1.3 × (0.83 + 0.17 × 1.4 = 1.068)
    expected = 12 * 0.95 * 41000 * 1.3 * 1.068
    assert post_costs(cfg)["social_workers"].total_gbp == pytest.approx(expected)


def test_assessment_teams_are_costed_as_social_workers() -> None:
    with_teams = staff_cost_kpis(load([]))["annual_staff_cost_gbp_social_worker"]
    without = staff_cost_kpis(load(["after_decision=none"]))["annual_staff_cost_gbp_social_worker"]
    teams = load([]).after_decision.assessment.teams
    n = sum(t.social_workers for t in teams.values())
    assert with_teams - without == pytest.approx(n * 0.95 * 41000 * 1.3 * 1.068)


def test_partner_staff_paid_by_switch() -> None:
    hub = ["staffing=integrated_front_door", "after_decision=none"]
    partner_only = 3 * 0.95 * 41000 * 1.3  # 3 hub posts, no agency
    strategy = 4 * 1.0 * 41000 * 1.3  # police/health at strategy discussions: always partners'
    partners = staff_cost_kpis(load(hub))
    council = staff_cost_kpis(load([*hub, "costs.partner_staff_paid_by=local_authority"]))
    assert partners["partner_funded_cost_gbp"] == pytest.approx(partner_only + strategy)
    assert council["partner_funded_cost_gbp"] == pytest.approx(strategy)
    assert council["annual_staff_cost_gbp"] - partners["annual_staff_cost_gbp"] == pytest.approx(
        partner_only
    )


def test_per_contact_and_inappropriate_cost() -> None:
    cfg = load(["after_decision=none"])
    total = staff_cost_kpis(cfg)["annual_staff_cost_gbp"]
    kpis = cost_kpis(cfg, 1000.0, 250.0, {"social_workers": 100.0, "police_partners": 50.0})
    assert kpis["cost_per_contact_gbp"] == pytest.approx(total / 1000)
    assert kpis["cost_per_referral_gbp"] == pytest.approx(total / 250)
    # Only council-paid staff: 100 SW hours × 41,000 × 1.3 × 1.068 / 1,325
    assert kpis["inappropriate_contact_cost_gbp"] == pytest.approx(100 * 41000 * 1.3 * 1.068 / 1325)


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("costs.roles.social_worker.on_cost=0.9", "costs.roles.social_worker.on_cost"),
        ("costs.roles.social_worker.agency_share=1.5", "costs.roles.social_worker.agency_share"),
        ("costs.roles.social_worker.vacancy_factor=1", "costs.roles.social_worker.vacancy_factor"),
        ("costs.pool_roles.managers=wizard", "costs.pool_roles.managers"),
        ("costs.partner_staff_paid_by=nobody", "costs.partner_staff_paid_by"),
    ],
)
def test_bad_costs_are_rejected(override: str, key: str) -> None:
    with pytest.raises(ConfigError) as err:
        load([override])
    assert key in str(err.value)


def test_one_sided_bounds() -> None:
    values = [90.0, 92.0, 94.0]  # mean 92, sd 2, t(0.95, 2) = 2.919986
    low = one_sided_bound(values, ">=")
    assert low == pytest.approx(92 - 2.919986 * 2 / math.sqrt(3), rel=1e-6)
    assert one_sided_bound(values, "<=") == pytest.approx(92 + 2.919986 * 2 / math.sqrt(3), 1e-6)
    assert shortfall([Target("k", ">=", 95.0)], {"k": low}) > 0
    assert shortfall([Target("k", ">=", 80.0)], {"k": low}) == 0
