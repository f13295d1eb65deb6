"""The fitted estimates as config group files the model runs directly.

``<out>/demand/<name>.yaml`` and ``<out>/after_decision/<name>.yaml`` are whole group files: the
defaults they start from (``demand=cheshire_east``, ``after_decision=cheshire_east`` unless told
otherwise) with the fitted keys replaced, each fitted key commented with its estimate and
interval, so ``frontdoor --config-dir <out> demand=<name> after_decision=<name>`` runs on them.
What the extract cannot give (urgency and concern mixes, unclear requests, staffing, the steps
inside the front door) stays at its default and says so.

Some Annex A figures are outputs of the model, not inputs, so the fit turns them into the inputs
that produce them with the ratios the default model shows (3 replications of the baseline;
docs/fit.md "From figures to inputs"):

- conversion by source → ``threshold_met`` (the latent need): the decision over-refers and the
  children who come back are mostly referred, so the model converts more than its latent need:
  need = conversion × :data:`NEED_PER_CONVERSION`;
- contacts in List 1 include the children who come back, which the model makes itself:
  first-time contacts = contacts × (1 − :data:`RETURNS_PER_REFERRAL` × conversion);
- the NFA share of referrals = :data:`NFA_PCT_PER_PROBABILITY` × ``referral_nfa.probability``;
- section 47 enquiries per referral = :data:`STRATEGY_PCT` × ``s47_probability``;
- Annex A gives no establishment, so the assessment teams are scaled to the referrals a year
  (:data:`REFERRALS_PER_YEAR` in the default), keeping the default's caseloads;
- the assessment median → a scale on the visit gaps, write-up and long write-up, and the share
  over 45 working days → ``deadline_push_probability`` at that scale (the model's durations
  bunch under the deadline by that push): :data:`ASSESSMENT_RATIOS`, then corrected by running
  the model on the fitted config (:mod:`sim.fit.calibrate`).
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Callable, Mapping
from typing import Any

from sim.fit.arrivals import weekly_profile
from sim.fit.durations import DurationFit, lead_distribution
from sim.fit.estimates import ICPC_LIMIT, Fit

NEED_PER_CONVERSION = 0.756 * 23.7 / 24.03  # defaults: need = 0.756 × §1c; the run converts 24.03%
RETURNS_PER_REFERRAL = 0.246  # 946 returning contacts a year per 3,844 referrals
NFA_PCT_PER_PROBABILITY = 6.66 / 0.7  # referral_nfa_pct 6.66 at probability 0.7
STRATEGY_PCT = 100 * 469.7 / 1916.7  # % of referrals that go to a strategy discussion
#: The assessment's phases that ``s`` scales, and the keys of a duration that scale with it.
ASSESSMENT_PHASES = ("visit_gap", "write_up", "long_write_up")
SCALE_KEYS = ("mean", "median", "percentile_value", "low", "mode", "high", "value", "values")
#: ``python -m experiments.fit_ratios`` on the default baseline (3 replications, the default run):
#: at each phase scale s, the assessment median (WD) and the % over 45 WD, each at
#: ``deadline_push_probability`` 0 and :data:`RATIO_PUSH`. Both move with s and with the push (a
#: push frees caseload, and so shortens other children's visit gaps); between the points they are
#: taken as linear in each, and beyond them extrapolated so.
RATIO_PUSH = 0.75
ASSESSMENT_RATIOS = {  # scale: (median at p=0, median at p=0.75, over at p=0, over at p=0.75)
    1.0: (30.45, 30.32, 25.68, 15.13),
    1.3: (41.84, 39.76, 45.51, 29.03),
}
SCALE_RANGE = (0.5, 2.0)  # the phase scales the fit writes; beyond, the report says so
REFERRALS_PER_YEAR = 3844  # the default's referrals a year, for the assessment teams' sizes


def _clip(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return min(max(value, low), high)


def assessment_at(scale: float, push: float) -> tuple[float, float]:
    """The default model's assessment median (WD) and % over 45 WD at phase scale ``scale`` and
    deadline push ``push`` (:data:`ASSESSMENT_RATIOS`, linear in each)."""
    (s1, r1), (s2, r2) = sorted(ASSESSMENT_RATIOS.items())
    w, q = (scale - s1) / (s2 - s1), push / RATIO_PUSH
    at = [a + w * (b - a) for a, b in zip(r1, r2, strict=True)]  # the four figures at ``scale``
    return at[0] + q * (at[1] - at[0]), at[2] + q * (at[3] - at[2])


def assessment_inputs(median: float, over: float) -> tuple[float, float]:
    """The phase scale and deadline push at which the default model gives ``median`` WD and
    ``over`` % over 45 WD, unclipped: each is linear given the other, so alternate until they
    settle (the push moves the median little, so a few rounds do)."""
    (s1, _), (s2, _) = sorted(ASSESSMENT_RATIOS.items())
    scale, push = 1.0, RATIO_PUSH
    for _ in range(50):
        m1, m2 = (assessment_at(s, push)[0] for s in (s1, s2))
        scale = s1 + (median - m1) * (s2 - s1) / (m2 - m1)
        push = push_for(scale, over)
    return scale, push


def push_for(scale: float, over: float) -> float:
    """The deadline push (unclipped) giving ``over`` % over 45 WD at phase scale ``scale``."""
    over_0, over_pushed = (assessment_at(scale, p)[1] for p in (0.0, RATIO_PUSH))
    return (over_0 - over) * RATIO_PUSH / (over_0 - over_pushed)


def scaled_duration(duration: Mapping[str, Any], scale: float) -> dict[str, Any]:
    """``duration`` (a config mapping) with its time keys × ``scale``: the same shape, longer."""
    out = dict(duration)
    for key in SCALE_KEYS:
        value = out.get(key)
        if isinstance(value, list):
            out[key] = [round(v * scale, 1) for v in value]
        elif value is not None:
            out[key] = round(float(value) * scale, 1)
    return out


def scale_phases(assessment: dict[str, Any], base: Mapping[str, Any], scale: float) -> None:
    """``assessment``'s phases (a config mapping) = ``base``'s × ``scale`` (one rule: the fit, its
    calibration)."""
    for phase in ASSESSMENT_PHASES:
        assessment[phase]["duration"] = scaled_duration(base[phase]["duration"], scale)


def scaled_phase_overrides(assessment: Any, scale: float) -> list[str]:
    """Overrides that scale the default assessment's phases (``assessment``: its typed config)."""
    out = []
    for phase in ASSESSMENT_PHASES:
        duration = dataclasses.asdict(getattr(assessment, phase).duration)
        for key, value in scaled_duration(duration, scale).items():
            if key in SCALE_KEYS and value is not None:
                out.append(f"after_decision.assessment.{phase}.duration.{key}={value}")
    return out


def fitted_demand(
    base: dict[str, Any], fit: Fit, name: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """The demand group with the fitted keys, and a comment for each key set."""
    demand = copy.deepcopy(base)
    notes: dict[str, str] = {}
    arrivals = fit.arrivals
    if arrivals is None:
        return demand, notes
    total = sum(s.annual.value for s in arrivals.sources.values())
    conversion = fit.conversion_all.value / 100 if fit.conversion_all else 0.24
    first_time = total * (1 - RETURNS_PER_REFERRAL * conversion)
    demand["annual_contacts"] = round(first_time, 1)
    notes["annual_contacts"] = (
        f"List 1: {total:,.0f} contacts a year, less the ≈{total - first_time:,.0f} who come back, "
        "which the model makes itself"
    )
    g = arrivals.growth_pct
    demand["growth_pct_per_year"] = round(g.value, 2)
    notes["growth_pct_per_year"] = (
        f"List 1 trend: {g.value:.1f}% a year (95% CI {g.low:.1f} to {g.high:.1f})"
    )
    for source, cfg in demand["sources"].items():
        s = arrivals.sources.get(source)
        if s is None:
            cfg["share"] = 0.0
            notes[f"sources.{source}.share"] = "no contacts from this source in List 1"
            continue
        cfg["share"] = round(s.annual.value / total, 5)
        cfg["school_holiday_factor"] = round(_clip(s.school_holiday.value, 0.0, 10.0), 4)
        cfg["bank_holiday_factor"] = round(_clip(s.bank_holiday.value, 0.0, 10.0), 4)
        profile = f"{name}_{source}"
        hours = arrivals.hour_of_day.get(source) if arrivals.hour_of_day else None
        demand["profiles"][profile] = weekly_profile(
            base["profiles"][cfg["profile"]], s.weekday, hours
        )
        cfg["profile"] = profile
        conv = fit.conversion.get(source)
        if conv is not None and math.isfinite(conv.value):
            cfg["threshold_met"] = round(_clip(conv.value / 100 * NEED_PER_CONVERSION), 4)
            notes[f"sources.{source}.threshold_met"] = (
                f"conversion {conv.value:.1f}% (95% CI {conv.low:.1f}–{conv.high:.1f})"
                f" × {NEED_PER_CONVERSION:.3f}"
            )
    _sum_to_one(demand["sources"])
    return demand, notes


def _sum_to_one(sources: dict[str, Any]) -> None:
    """Rounded shares, the largest taking up the rounding so they sum to 1 (as validated)."""
    largest = max(sources, key=lambda s: sources[s]["share"])
    rest = sum(cfg["share"] for s, cfg in sources.items() if s != largest)
    sources[largest]["share"] = round(1.0 - rest, 9)


def fitted_after_decision(
    base: dict[str, Any], fit: Fit
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """The after-decision group with the fitted keys, a comment for each, and notes on any
    figure the model cannot reach (the nearest input is written, and the note says so)."""
    after = copy.deepcopy(base)
    notes: dict[str, str] = {}
    warnings: list[str] = []

    def reach(key: str, wanted: float, what: str) -> float:
        value = _clip(wanted)
        if abs(value - wanted) > 1e-9:
            warnings.append(f"{what}: {key} would need {wanted:.2f}; {value:.2f} written")
        return round(value, 4)

    if fit.nfa is not None:
        after["referral_nfa"]["probability"] = reach(
            "referral_nfa.probability",
            fit.nfa.value / NFA_PCT_PER_PROBABILITY,
            f"NFA {fit.nfa.value:.1f}%",
        )
        notes["referral_nfa.probability"] = (
            f"List 3: {fit.nfa.value:.1f}% of referrals end NFA "
            f"({fit.nfa.low:.1f}–{fit.nfa.high:.1f})"
        )
    if fit.s47_share is not None:
        s = fit.s47_share
        after["strategy_discussion"]["s47_probability"] = reach(
            "strategy_discussion.s47_probability",
            s.value / STRATEGY_PCT,
            f"section 47 share {s.value:.1f}%",
        )
        notes["strategy_discussion.s47_probability"] = (
            f"Lists 3, 5: {s.value:.1f}% of referrals start a section 47 enquiry "
            f"({s.low:.1f}–{s.high:.1f})"
        )
    if fit.icpc_share is not None:
        icpc = _clip(fit.icpc_share.value / 100)
        outcomes = after["section47"]["outcomes"]
        rest = sum(v for k, v in outcomes.items() if k != "icpc") or 1.0
        for key in outcomes:
            outcomes[key] = round(icpc if key == "icpc" else outcomes[key] / rest * (1 - icpc), 4)
        outcomes["icpc"] = round(1 - sum(v for k, v in outcomes.items() if k != "icpc"), 4)
        notes["section47.outcomes"] = (
            f"List 5: {fit.icpc_share.value:.1f}% of enquiries reach an ICPC; "
            "the rest keep their split"
        )
    if fit.icpc_lead is not None and fit.icpc_lead.days.size:
        after["section47"]["icpc_lead_working_days"] = {
            "dist": "empirical",
            **lead_distribution(fit.icpc_lead.days, ICPC_LIMIT),
        }
        w = fit.icpc_lead.within
        notes["section47.icpc_lead_working_days"] = (
            f"List 5: {w.value:.1f}% within 15 WD ({w.low:.1f}–{w.high:.1f}); "
            "values pooled so each stands for ≥ 5"
        )
    if fit.assessment is not None and fit.assessment.days.size:
        _fit_assessment(after["assessment"], fit.assessment, notes, warnings, reach)
    if fit.referrals_per_year:
        scale = fit.referrals_per_year / REFERRALS_PER_YEAR
        for team, cfg in after["assessment"]["teams"].items():
            cfg["social_workers"] = max(1, round(cfg["social_workers"] * scale))
            notes[f"assessment.teams.{team}.social_workers"] = (
                f"scaled to List 3's {fit.referrals_per_year:,.0f} referrals a year "
                f"(the default's {REFERRALS_PER_YEAR:,} at these team sizes), so caseloads stay "
                "as in the default: Annex A gives no establishment, so replace it with yours"
            )
    return after, notes, warnings


def assessment_start(durations: DurationFit) -> tuple[float, float, float]:
    """The phase scale wanted for List 4's median and share over 45 WD, the scale written (kept
    in :data:`SCALE_RANGE`) and the push at the written scale, by the default model's ratios."""
    over = 100 - durations.within.value
    wanted, push = assessment_inputs(durations.median.value, over)
    scale = round(_clip(wanted, *SCALE_RANGE), 3)
    if abs(scale - wanted) > 5e-4:
        push = push_for(scale, over)
    return wanted, scale, push


def phase_note(durations: DurationFit, scale: float) -> str:
    """The comment on the scaled phases: List 4's median and the scale written."""
    m = durations.median
    return (
        f"List 4: median {m.value:.1f} WD ({m.low:.1f}–{m.high:.1f}); "
        f"the starting group's phases × {scale:g}"
    )


def _fit_assessment(
    assessment: dict[str, Any],
    durations: DurationFit,
    notes: dict[str, str],
    warnings: list[str],
    reach: Callable[[str, float, str], float],
) -> None:
    """List 4's median and share over 45 WD set two inputs together: the scale of the visit
    gaps and write-ups, and the deadline push (:func:`assessment_inputs`)."""
    median, over = durations.median, 100 - durations.within.value
    wanted, scale, push = assessment_start(durations)
    if abs(scale - wanted) > 5e-4:
        warnings.append(
            f"assessment median {median.value:.1f} WD: the phases would need × {wanted:.2f}; "
            f"× {scale:g} written (the fit's range is × {SCALE_RANGE[0]:g}–{SCALE_RANGE[1]:g})"
        )
    scale_phases(assessment, assessment, scale)  # from the starting group it was copied from
    notes["assessment.visit_gap/write_up/long_write_up"] = phase_note(durations, scale)
    over_0, over_1 = (assessment_at(scale, p)[1] for p in (0.0, 1.0))
    assessment["deadline_push_probability"] = reach(
        "assessment.deadline_push_probability",
        push,
        f"{over:.1f}% of assessments over 45 WD (at phases × {scale:g} the push alone reaches "
        f"{over_1:.1f}–{over_0:.1f}%)",
    )
    notes["assessment.deadline_push_probability"] = (
        f"List 4: {durations.within.value:.1f}% within 45 WD"
    )
