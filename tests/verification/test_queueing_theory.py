"""The real model, reduced by config, must reproduce textbook queueing results.

Each test loads a verification preset from ``conf/validation/`` (the same files a user runs with
``frontdoor validation=mmc``), changes λ, μ and c only through ordinary config keys, and asserts
that the theoretical value lies inside the simulation's own confidence interval. Seeds are
fixed, so each assertion is deterministic; the interval is what justifies the tolerance.

The module makes about ``COMPARISONS`` such comparisons. At 95% each, one of them would miss by
chance most of the time (1 − 0.95²⁹ ≈ 77%), so each interval is widened to the Bonferroni level
1 − 0.05 / COMPARISONS: the whole module then misses by chance less than 5% of the time. A
biased model still fails: the intervals stay a few standard errors wide (see docs/verification.md
for the plain 95% figures).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.analysis.theory import erlang_c, expected_kpis, mmc_wait_mean, priority_mmc_wait_means
from sim.compose import load
from sim.errors import ConfigError
from sim.runner import Results, confidence_interval, simulate_replications

HOURS_PER_YEAR = 8760
COMPARISONS = 29
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


def test_cobham_priority_formula_against_textbook_values() -> None:
    """Cobham's W_k = C/(cμ) / ((1 − σ_{k−1})(1 − σ_k)) by hand, and its two limits."""
    # c = 1, μ = 1, λ = (0.2, 0.3, 0.3): ρ = 0.8, W0 = ρ/μ = 0.8; σ = 0.2, 0.5, 0.8.
    waits = priority_mmc_wait_means([0.2, 0.3, 0.3], 1.0, 1)
    assert waits == pytest.approx([0.8 / 0.8, 0.8 / (0.8 * 0.5), 0.8 / (0.5 * 0.2)])
    # One class: the M/M/c (Erlang C) mean wait, for several c.
    for servers, rate in ((1, 0.5), (2, 1.5), (5, 4.2)):
        (alone,) = priority_mmc_wait_means([rate], 1.0, servers)
        assert alone == pytest.approx(mmc_wait_mean(rate, 1.0, servers))
    # c = 2, 1/μ = 30, λ = 3.2/h split 0.2/0.3/0.5 (the preset): C = 2ρ²/(1+ρ) = 0.7111.
    rates = [3.2 / 60 * share for share in (0.2, 0.3, 0.5)]
    base = (1.28 / 1.8) * 15.0  # C / (cμ) in minutes
    expected = [base / 0.84, base / (0.84 * 0.6), base / (0.6 * 0.2)]
    assert priority_mmc_wait_means(rates, 30.0, 2) == pytest.approx(expected)
    # Kleinrock's conservation law: the rate-weighted mean wait is the FCFS (Erlang C) wait.
    mean_wait = sum(r * w for r, w in zip(rates, expected, strict=True)) / sum(rates)
    assert mean_wait == pytest.approx(mmc_wait_mean(3.2 / 60, 30.0, 2))
    # Saturated overall: the top class is still stable, the bottom one waits for ever.
    # The server is always busy, so the residual service is 1/μ = 1: W_1 = 1 / (1 − 0.5).
    assert priority_mmc_wait_means([0.5, 0.6], 1.0, 1) == pytest.approx([2.0, np.inf])


def test_priority_preset_refuses_what_cobham_does_not_cover() -> None:
    """The preset's theory holds for one queue with one exponential service time for every
    urgency; a complex route (another pool) or another service family is refused."""
    complex_route = [
        "front_door.screening.complex_pool=servers",
        "front_door.screening.complex_duration.dist=exponential",
        "front_door.screening.complex_duration.mean=30",
    ]
    with pytest.raises(ConfigError, match="one pool and one service time for every urgency"):
        load(["validation=priority_mmc", *complex_route])
    gamma = ["front_door.screening.duration.dist=gamma", "front_door.screening.duration.cv=0.5"]
    with pytest.raises(ConfigError, match="exponential service"):
        load(["validation=priority_mmc", *gamma])
    decision = [
        "front_door.decision.enabled=true",
        "front_door.decision.pool=null",
        "front_door.decision.duration.dist=exponential",
        "front_door.decision.duration.mean=10",
    ]
    with pytest.raises(ConfigError, match="screening only"):
        load(["validation=priority_mmc", *decision])


PRIORITY_REPLICATIONS = 10


@pytest.mark.slow
def test_priority_mmc_matches_cobham_by_urgency() -> None:
    """The main lever — red before amber before green in every queue — against theory.

    The real model reduced to one screening queue (``validation=priority_mmc``: c = 2,
    1/μ = 30 min, λ = 3.2/h, ρ = 0.8) with red/amber/green at priorities 0/1/2 and shares
    0.2/0.3/0.5. Each urgency's mean screening wait, per replication from the event log and the
    measured contacts' urgencies, must hold Cobham's value inside its Bonferroni-widened CI; so
    must the overall mean wait (Erlang C: priority reshuffles waiting, it does not remove it).
    A model serving FCFS gives every class about 57 min here and fails each class by far
    (docs/verification.md has the figures).
    """
    results, theory = _run(
        [
            "validation=priority_mmc",
            f"run.replications={PRIORITY_REPLICATIONS}",
            "run.horizon_days=120",
            "run.warmup_days=14",
        ],
        keep_events=True,
    )
    events = results.events
    assert events is not None
    names = events["event"].astype(str)
    times = events[names.isin(["screening_queued", "screening_start"])].pivot_table(
        index=["replication", "contact_id"], columns="event", values="time", observed=True
    )
    waits = (times["screening_start"] - times["screening_queued"]).rename("wait").reset_index()
    measured = waits.merge(results.decisions, on=["replication", "contact_id"], how="inner")
    per_replication = measured.groupby(["urgency", "replication"])["wait"].mean().unstack(0)
    assert len(per_replication) == PRIORITY_REPLICATIONS
    for urgency in ("red", "amber", "green"):
        expected = theory[f"screening_wait_minutes_mean_{urgency}"]
        mean, low, high = confidence_interval(per_replication[urgency].to_numpy(), LEVEL)
        assert low <= expected <= high, (
            f"{urgency}: Cobham {expected:.3g} min outside simulated {100 * LEVEL:.2f}% CI "
            f"[{low:.3g}, {high:.3g}] (mean {mean:.3g})"
        )
    _assert_inside_ci(results, theory, "screening_wait_minutes_mean")


LITTLE_RELATIVE = 0.01
"""Little's law must hold to within 1% of L: the interval of (L − λW)/L must lie inside ±1%."""


@pytest.mark.parametrize("preset", ["mmc", "tandem"])
def test_littles_law_from_two_independent_records(preset: str) -> None:
    """L = λW at each staffed station, with L and W read off *different* records.

    L is the time-average number at the station from its pool's own level monitors (contacts
    waiting plus staff busy, ``queue_mean_<pool> + c · utilisation_<pool>``: the pool is on duty
    24/7 with all c staff); W is the mean sojourn at the stage from the event log, contact by
    contact; λ is the count of measured arrivals over the window. Nothing in the code makes the
    two sides equal — a contact lost from the monitors, a wait logged at the wrong time or a
    monitor that misses a release would break it. Per replication the relative gap (L − λW)/L
    is computed; its Bonferroni-widened CI must contain 0 *and* lie inside ±1%, so a noisy run
    cannot pass by being noisy.
    """
    results, _ = _run([f"validation={preset}", "run.replications=12", "run.horizon_days=90"])
    table = results.replications
    cfg = load([f"validation={preset}"])
    lam_per_minute = table["arrivals_per_hour"] / 60.0
    stages = {
        name: getattr(cfg.front_door, name)
        for name in ("triage", "screening", "decision")
        if getattr(cfg.front_door, name).enabled
    }
    assert stages, preset
    for name, stage in stages.items():
        pool = stage.pool
        servers = cfg.staffing.pools[pool].staff
        in_station = table[f"queue_mean_{pool}"] + servers * table[f"utilisation_{pool}"]
        little = lam_per_minute * stage.probability * table[f"{name}_sojourn_minutes_mean"]
        gap = ((in_station - little) / in_station).to_numpy()
        mean, low, high = confidence_interval(gap, LEVEL)
        assert low <= 0.0 <= high and low > -LITTLE_RELATIVE and high < LITTLE_RELATIVE, (
            f"{preset} {name}: (L - λW)/L = {mean:+.4f}, {100 * LEVEL:.2f}% CI "
            f"[{low:+.4f}, {high:+.4f}] (L {in_station.mean():.3f})"
        )


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
