"""Calibrate the fitted assessment inputs by running the model on the fitted config.

Why: List 4's median and share over 45 working days are outputs of the model (allocation,
visits, gaps that widen with a worker's caseload, write-up, the push before the deadline,
sign-off). :func:`sim.fit.configs.assessment_inputs` turns them into two inputs — a scale on the
phases and the deadline push — with ratios measured on the *default* council. A council whose
teams, demand and caseloads differ lands a few working days off (the synthetic extract: 28.4 WD
against its 26.0). So the fit runs the model on the config it is about to write, measures the
two figures and corrects the two inputs, a few rounds, before anything is written.

Each round is one short run (:data:`CALIBRATION_RUN`) on the run's default seed, so the same
extract always gives the same config. The correction is a Newton step whose slopes are the
default model's (:data:`sim.fit.configs.ASSESSMENT_RATIOS`); it stops when both figures are
within the run's own 95% half-width of the extract's (closer cannot be told apart) or after
the rounds allowed, and the report says where it ended.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.fit.configs import SCALE_RANGE, assessment_at, scale_phases
from sim.fit.durations import DurationFit

REPLICATIONS, WARMUP_DAYS, HORIZON_DAYS = 3, 365, 182
CALIBRATION_RUN = (
    f"run.replications={REPLICATIONS}",
    f"run.warmup_days={WARMUP_DAYS}",
    f"run.horizon_days={HORIZON_DAYS}",
    "run.event_log=false",
    "run.plots=false",
)
"""One calibration round: three replications of half a year after a year's warm-up (caseloads
and re-referrals settle), as the round-trip test runs the fitted config."""
ROUNDS = 3
STEP = 1e-3  # the finite difference of the default model's slopes


@dataclass(frozen=True)
class Round:
    """One calibration round: the inputs it ran and what the model gave with them."""

    scale: float
    push: float
    median: float
    median_half: float
    over: float
    over_half: float

    def misses(self, median: float, over: float, extract: DurationFit) -> tuple[float, float]:
        """How far the extract's median and share over 45 WD are from the model's, each 0 when
        within the run's 95% half-width plus the extract's own (closer cannot be told apart)."""
        m, w = extract.median, extract.within
        d_median, d_over = median - self.median, over - self.over
        return (
            0.0 if abs(d_median) <= self.median_half + (m.high - m.low) / 2 else d_median,
            0.0 if abs(d_over) <= self.over_half + (w.high - w.low) / 2 else d_over,
        )

    def close_to(self, median: float, over: float, extract: DurationFit) -> bool:
        """Both figures within the half-widths (:meth:`misses`)."""
        return self.misses(median, over, extract) == (0.0, 0.0)


def measure(config_dir: Path, name: str, extra: tuple[str, ...] = ()) -> tuple[float, ...]:
    """The model on ``config_dir``'s ``demand=name after_decision=name``: its assessment median
    (WD) and % over 45 WD, each with its 95% half-width."""
    from sim.compose import load
    from sim.runner import simulate_replications

    cfg = load(
        [f"demand={name}", f"after_decision={name}", *CALIBRATION_RUN, *extra],
        extra_config_dir=str(config_dir),
    )
    summary = simulate_replications(cfg, keep_events=False, progress=False).summary
    median = summary["assessment_working_days_median"]
    within = summary["assessment_within_45wd_pct"]
    return (
        median["mean"],
        (median["ci95_high"] - median["ci95_low"]) / 2,
        100.0 - within["mean"],
        (within["ci95_high"] - within["ci95_low"]) / 2,
    )


def newton_step(scale: float, push: float, d_median: float, d_over: float) -> tuple[float, float]:
    """The inputs that move the median by ``d_median`` WD and the share over 45 WD by
    ``d_over`` points, by the default model's slopes at (``scale``, ``push``), kept in range."""
    m0, o0 = assessment_at(scale, push)
    ms, os_ = assessment_at(scale + STEP, push)
    mp, op = assessment_at(scale, push + STEP)
    a, b, c, d = (ms - m0) / STEP, (mp - m0) / STEP, (os_ - o0) / STEP, (op - o0) / STEP
    det = a * d - b * c
    ds = (d * d_median - b * d_over) / det
    dp = (a * d_over - c * d_median) / det
    return (
        round(min(max(scale + ds, SCALE_RANGE[0]), SCALE_RANGE[1]), 3),
        round(min(max(push + dp, 0.0), 1.0), 4),
    )


def set_inputs(after: dict[str, Any], base: dict[str, Any], scale: float, push: float) -> None:
    """``after``'s assessment phases = ``base``'s (the starting group's) × ``scale``, and its
    deadline push = ``push``."""
    scale_phases(after["assessment"], base["assessment"], scale)
    after["assessment"]["deadline_push_probability"] = push


def calibrate_assessment(
    after: dict[str, Any],
    base: dict[str, Any],
    extract: DurationFit,
    scale: float,
    write: Callable[[], Path],
    *,
    name: str,
    rounds: int = ROUNDS,
) -> tuple[list[Round], float]:
    """Correct ``after``'s assessment inputs (starting at phase ``scale`` and its push) until
    the model on the written config reproduces ``extract``'s median and share over 45 WD.

    ``write()`` stages the config as ``after`` now stands and returns its folder. Returns the
    rounds run and the phase scale left in ``after``: that of the first round close enough, or
    of the closest round when none was.
    """
    median, over = extract.median.value, 100.0 - extract.within.value
    push = float(after["assessment"]["deadline_push_probability"])
    start = (scale, push)
    done: list[Round] = []
    for _ in range(rounds):
        m, m_half, o, o_half = measure(write(), name)
        if not all(map(math.isfinite, (m, m_half, o, o_half))):
            break  # no assessment finished in the run (or one only): nothing to steer by
        done.append(Round(scale, push, m, m_half, o, o_half))
        d_median, d_over = done[-1].misses(median, over, extract)
        if d_median == d_over == 0.0:
            return done, scale
        # A figure already within its half-widths is held where it is, not chased into noise.
        scale, push = newton_step(scale, push, d_median, d_over)
        set_inputs(after, base, scale, push)
    if not done:  # not measurable: the ratios' inputs stand, and the notes say so
        set_inputs(after, base, start[0], start[1])
        return done, start[0]
    # Out of rounds: keep the closest inputs measured (the last step is untried).
    best = min(
        done, key=lambda r: abs(r.median - median) / max(median, 1.0) + abs(r.over - over) / 100
    )
    set_inputs(after, base, best.scale, best.push)
    return done, best.scale


def calibration_notes(done: list[Round], extract: DurationFit) -> list[str]:
    """What the calibration did, for the report and the command's notes."""
    if not done:
        return [
            "assessment not calibrated: the model's run on the fitted config finished too few "
            "assessments to measure; the inputs from the default's ratios were written"
        ]
    median, over = extract.median.value, 100.0 - extract.within.value
    lines = [
        f"assessment calibrated on the model ({len(done)} run(s) of {REPLICATIONS} "
        f"replications, {WARMUP_DAYS} + {HORIZON_DAYS} days): extract median {median:.1f} WD, "
        f"{over:.1f}% over 45 WD"
    ]
    for i, r in enumerate(done, 1):
        lines.append(
            f"  round {i}: phases × {r.scale:g}, push {r.push:.3f} → median {r.median:.1f} "
            f"± {r.median_half:.1f} WD, {r.over:.1f} ± {r.over_half:.1f}% over 45 WD"
        )
    if not any(r.close_to(median, over, extract) for r in done):
        lines.append(
            "  not within the run's and the extract's 95% half-widths after these rounds: "
            "the closest round's inputs were written"
        )
    return lines
