"""The real model, reduced by config, must reproduce textbook queueing results.

Each test loads a verification preset from ``conf/validation/`` (the same files a user runs with
``frontdoor validation=mmc``), changes λ, μ and c only through ordinary config keys, and asserts
that the theoretical value lies inside the simulation's own confidence interval. Seeds are
fixed, so each assertion is deterministic; the interval is what justifies the tolerance.

The module makes about ``COMPARISONS`` such comparisons. At 95% each, one of them would miss by
chance most of the time (1 − 0.95²⁵ ≈ 72%), so each interval is widened to the Bonferroni level
1 − 0.05 / COMPARISONS: the whole module then misses by chance less than 5% of the time. A
biased model still fails: the intervals stay a few standard errors wide (see docs/verification.md
for the plain 95% figures).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.compose import load
from sim.runner import Results, confidence_interval, simulate_replications
from sim.theory import erlang_c, expected_kpis, mmc_wait_mean

HOURS_PER_YEAR = 8760
COMPARISONS = 25
LEVEL = 1 - 0.05 / COMPARISONS


def _run(overrides: list[str], keep_events: bool = False) -> tuple[Results, dict[str, float]]:
    cfg = load([*overrides, "run.jobs=2", "run.plots=false"])
    return simulate_replications(cfg, keep_events=keep_events, progress=False), expected_kpis(cfg)


def _assert_inside_ci(results: Results, theory: dict[str, float], kpi: str) -> None:
    mean, low, high = confidence_interval(results.replications[kpi].to_numpy(), LEVEL)
    assert low <= theory[kpi] <= high, (
        f"{kpi}: theory {theory[kpi]:.4g} outside simulated {100 * LEVEL:.2f}% CI "
        f"[{low:.4g}, {high:.4g}] (mean {mean:.4g})"
    )


def test_erlang_c_against_textbook_values() -> None:
    # M/M/1: P(wait) = ρ. M/M/2 with a = 1: C = 1/3 (hand: B = 1/5, C = B / (1 - ρ + ρB)).
    assert erlang_c(1, 0.9) == pytest.approx(0.9)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    # M/M/1 mean wait ρ/(1-ρ)/μ: λ = 0.5, 1/μ = 1 → 1.0.
    assert mmc_wait_mean(0.5, 1.0, 1) == pytest.approx(1.0)
    assert erlang_c(3, 3.0) == 1.0 and mmc_wait_mean(1.0, 3.0, 3) == np.inf


MMC_CASES = [
    # (λ per hour, mean service minutes, c, replications, horizon days)
    pytest.param(4.0, 40.0, 3, 12, 150, id="c3-rho0.89"),
    pytest.param(2.0, 27.0, 1, 16, 240, id="c1-rho0.90"),
    pytest.param(10.0, 33.0, 6, 12, 100, id="c6-rho0.92"),
    pytest.param(3.0, 30.0, 2, 10, 90, id="c2-rho0.75"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("lam", "mean", "servers", "reps", "days"), MMC_CASES)
def test_mmc_matches_erlang_c(lam: float, mean: float, servers: int, reps: int, days: int) -> None:
    results, theory = _run(
        [
            "validation=mmc",
            f"demand.annual_contacts={lam * HOURS_PER_YEAR}",
            f"front_door.screening.duration.mean={mean}",
            f"staffing.pools.servers.staff={servers}",
            f"run.replications={reps}",
            f"run.horizon_days={days}",
            "run.warmup_days=20",
        ]
    )
    assert theory["utilisation_servers"] == pytest.approx(lam * mean / 60 / servers)
    for kpi in ("screening_wait_minutes_mean", "screening_waited_pct", "utilisation_servers"):
        _assert_inside_ci(results, theory, kpi)


@pytest.mark.slow
def test_tandem_network_matches_jackson_product_form() -> None:
    results, theory = _run(["validation=tandem", "run.replications=12", "run.horizon_days=100"])
    for stage in ("triage", "screening", "decision"):
        _assert_inside_ci(results, theory, f"{stage}_sojourn_minutes_mean")
        _assert_inside_ci(results, theory, f"{stage}_wait_minutes_mean")
    _assert_inside_ci(results, theory, "partner_check_sojourn_minutes_mean")
    _assert_inside_ci(results, theory, "time_in_system_minutes_mean")


def test_deterministic_service_without_contention_gives_exact_time_in_system() -> None:
    results, _ = _run(
        ["validation=deterministic", "run.replications=2", "run.horizon_days=10"], keep_events=True
    )
    events = results.events
    assert events is not None
    times = events.pivot_table(index=["replication", "contact_id"], columns="event", values="time")
    in_system = (times["outcome"] - times["contact"]).to_numpy()
    assert in_system.size > 1000
    np.testing.assert_allclose(in_system, 10 + 45 + 300 + 15, rtol=0, atol=1e-9)
    for stage in ("triage", "screening", "decision"):
        waits = (times[f"{stage}_start"] - times[f"{stage}_queued"]).to_numpy()
        assert np.all(waits == 0.0)


def test_unlimited_staff_means_zero_waits() -> None:
    results, theory = _run(["validation=unlimited", "run.replications=10", "run.horizon_days=30"])
    for stage in ("triage", "screening", "decision"):
        assert results.summary[f"{stage}_wait_minutes_mean"]["mean"] == 0.0
        assert results.summary[f"{stage}_waited_pct"]["mean"] == 0.0
    _assert_inside_ci(results, theory, "time_in_system_minutes_mean")


@pytest.mark.parametrize("preset", ["mmc", "tandem"])
def test_littles_law_holds_on_the_outputs(preset: str) -> None:
    """L = λW: time-average contacts in the system against arrival rate × mean time in system.

    Per replication the difference L − λW is computed; its 95% CI must contain 0.
    """
    results, _ = _run([f"validation={preset}", "run.replications=12", "run.horizon_days=90"])
    table = results.replications
    lam_per_minute = table["arrivals_per_hour"] / 60.0
    difference = (
        table["contacts_in_system_mean"] - lam_per_minute * table["time_in_system_minutes_mean"]
    )
    _, low, high = confidence_interval(difference.to_numpy(), LEVEL)
    assert low <= 0.0 <= high, f"L - λW has {100 * LEVEL:.2f}% CI [{low:.4f}, {high:.4f}]"


def test_stage_probability_routes_that_share_of_contacts() -> None:
    """A staffed stage's ``probability`` is the share of contacts that go through it (the
    theory's thinning); here half of them, within four binomial standard errors."""
    results, _ = _run(
        [
            "validation=deterministic",
            "front_door.screening.probability=0.5",
            "run.replications=2",
            "run.horizon_days=10",
        ],
        keep_events=True,
    )
    events = results.events
    assert events is not None
    names = events["event"].astype(str)
    contacts = events.loc[names == "contact", ["replication", "contact_id"]].drop_duplicates()
    screened = events.loc[names == "screening_start", ["replication", "contact_id"]]
    share = len(screened) / len(contacts)
    se = np.sqrt(0.25 / len(contacts))
    assert abs(share - 0.5) < 4 * se, f"share screened {share:.4f} (SE {se:.4f})"
