"""KPIs in words: labels with units, possible ranges, targets, one colour per pool, the headline.

The page, the run folder's plots, the printed table and the experiments' reports all read a KPI
through these names, so a leader sees "decided within 1 working day (%)" everywhere rather than
``decision_within_1wd_pct`` in one place and a different phrase in another. Nothing here
computes a KPI: the numbers come from ``Results.summary`` and
:func:`sim.analysis.compare.paired_differences`.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping, Sequence

#: The KPI behind the headline sentence: the statutory one (docs/kpis.md).
HEADLINE_KPI = "decision_within_1wd_pct"
COST_KPI = "annual_staff_cost_gbp"

#: ``{kpi: (words, unit)}`` for the KPIs a leader is shown; others fall back to :func:`label`'s
#: reading of the name.
WORDS: dict[str, tuple[str, str]] = {
    "contacts": ("contacts in the measured period", "contacts"),
    "referrals": ("referrals in the measured period", "contacts"),
    "conversion_pct": ("contacts that became referrals", "%"),
    "referral_share_pct_police": ("referrals that came from the police", "%"),
    "out_of_hours_pct": ("contacts arriving out of hours", "%"),
    "decision_within_1wd_pct": ("decided within 1 working day", "%"),
    "decision_working_days_mean": ("time to decision, mean", "working days"),
    "decision_working_days_p90": ("time to decision, 90th percentile", "working days"),
    "decision_within_1wd_pct_red": ("red contacts decided within 1 working day", "%"),
    "triage_working_hours_mean": ("time to triage, mean", "working hours"),
    "clarification_pct": ("contacts needing clarification", "%"),
    "partner_info_pct": ("contacts needing partner information", "%"),
    "partner_info_wait_working_days_mean": ("wait for partner information, mean", "working days"),
    "inappropriate_contact_hours": ("staff time on contacts below the threshold", "hours a year"),
    "open_at_end": ("contacts still undecided at the end", "contacts"),
    "step_up_working_days_mean": ("step-up to early help, mean", "working days"),
    "strategy_discussion_working_days_mean": (
        "wait for a strategy discussion, mean",
        "working days",
    ),
    "strategy_discussion_within_target_pct": ("strategy discussions within 1 working day", "%"),
    "icpc_within_15wd_pct": ("child protection conferences within 15 working days", "%"),
    "assessment_within_45wd_pct": ("assessments within 45 working days", "%"),
    "assessment_working_days_median": ("assessment length, median", "working days"),
    "allocation_wait_working_days_mean": (
        "wait for an assessment social worker, mean",
        "working days",
    ),
    "re_referral_pct": ("re-referrals within 12 months", "%"),
    "annual_staff_cost_gbp": ("annual staff cost (council)", "£ a year"),
    "cost_per_contact_gbp": ("staff cost per contact", "£"),
    "cost_per_referral_gbp": ("staff cost per referral", "£"),
    "inappropriate_contact_cost_gbp": ("cost of contacts below the threshold", "£ a year"),
}

#: Targets drawn as lines: ``{kpi or axis: (value, words)}`` (1 WD, 15 WD, 45 WD, 95%).
TARGETS: dict[str, tuple[float, str]] = {
    "decision_working_days": (1.0, "target: 1 working day"),
    "decision_within_1wd_pct": (95.0, "95%"),
    "icpc_within_15wd_pct": (95.0, "95%"),
    "assessment_within_45wd_pct": (95.0, "95%"),
    "strategy_discussion_within_target_pct": (95.0, "95%"),
    "icpc_working_days": (15.0, "target: 15 working days"),
    "assessment_working_days": (45.0, "target: 45 working days"),
}

POOL_WORDS: dict[str, str] = {
    "managers": "managers",
    "social_workers": "screening social workers",
    "practice_support": "practice support officers",
    "edt": "Emergency Duty Team staff",
    "duty_social_workers": "duty social workers",
    "assessment_managers": "assessment managers",
    "police_partners": "police (strategy discussions)",
    "health_partners": "health (strategy discussions)",
    "conference_chairs": "conference chairs",
    "partner_staff": "partner staff in the hub",
}

#: One colour per pool in every chart (Paul Tol's muted scheme, colour-blind safe).
POOL_COLOURS: dict[str, str] = {
    "managers": "#332288",
    "social_workers": "#88CCEE",
    "practice_support": "#44AA99",
    "edt": "#117733",
    "duty_social_workers": "#999933",
    "assessment_managers": "#DDCC77",
    "police_partners": "#CC6677",
    "health_partners": "#882255",
    "conference_chairs": "#AA4499",
    "partner_staff": "#DDDDDD",
}
_SPARE = ("#777777", "#BBBBBB", "#000000", "#E69F00")


def pool_colour(pool: str) -> str:
    """The pool's colour; a pool of a council's own config gets a stable spare one."""
    return POOL_COLOURS.get(pool) or _SPARE[zlib.crc32(pool.encode()) % len(_SPARE)]


def pool_words(pool: str) -> str:
    return POOL_WORDS.get(pool, pool.replace("_", " "))


def unit(kpi: str) -> str:
    """The KPI's unit in words (``%``, ``working days``, ``£ a year`` …)."""
    if kpi in WORDS:
        return WORDS[kpi][1]
    if kpi.startswith("utilisation_"):
        return "% of on-duty time"
    if kpi.startswith("caseload_mean_"):
        return "cases per social worker"
    if kpi.startswith("annual_staff_cost") or kpi.endswith("cost_gbp"):
        return "£ a year"
    for suffix, words in (
        ("_pct", "%"),
        ("_gbp", "£"),
        ("_working_days", "working days"),
        ("_working_hours", "working hours"),
        ("_hours", "hours a year"),
    ):
        if kpi.endswith(suffix) or f"{suffix}_" in kpi:
            return words
    return ""


def words(kpi: str) -> str:
    """The KPI in words, without its unit."""
    if kpi in WORDS:
        return WORDS[kpi][0]
    if kpi.startswith("utilisation_"):
        return f"utilisation of {pool_words(kpi.removeprefix('utilisation_'))}"
    if kpi.startswith("caseload_mean_"):
        return f"caseload, {kpi.removeprefix('caseload_mean_')} assessment team, mean"
    return kpi.replace("_gbp", "").replace("_pct", "").replace("_", " ")


def label(kpi: str) -> str:
    """``words (unit)``: how a KPI is named on an axis, in a table or a report."""
    u = unit(kpi)
    return f"{words(kpi)} ({u})" if u else words(kpi)


def possible_range(kpi: str) -> tuple[float, float]:
    """The values a KPI can take: shares 0–100, utilisation 0–1, everything else ≥ 0."""
    if kpi.startswith("utilisation_"):
        return 0.0, 1.0
    if unit(kpi) == "%":
        return 0.0, 100.0
    return 0.0, math.inf


def clipped(kpi: str, low: float, high: float) -> tuple[float, float]:
    """A confidence interval cut to the KPI's possible range (no utilisation of 1.6)."""
    floor, ceiling = possible_range(kpi)
    return max(low, floor), min(high, ceiling)


# -- numbers as a leader reads them: the one formatter of the page, the printed tables and the
# reports (so 81.3% in the terminal is 81.3% in summary.md and on the page) ---------------------
def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def plain(value: object, signed: bool = False) -> str:
    """A number with no unit known: whole thousands with commas, else one or two decimals."""
    if not _finite(value):
        return "–"
    v = float(value)  # type: ignore[arg-type]
    sign = "+" if signed else ""
    if abs(v) >= 1000:
        return f"{v:{sign},.0f}"
    if abs(v) >= 10:
        return f"{v:{sign}.1f}"
    return f"{v:{sign}.2f}"


def pounds(value: object) -> str:
    """Whole pounds: ``£5,689,662`` (a cost in a table or a finance report)."""
    return f"£{float(value):,.0f}" if _finite(value) else "–"  # type: ignore[arg-type]


def number(value: object, kpi: str) -> str:
    """A KPI's value in its unit: whole pounds, one decimal for shares, two for days."""
    if not _finite(value):
        return "–"
    v = float(value)  # type: ignore[arg-type]
    u = unit(kpi)
    if u.startswith("£"):
        return pounds(v)
    if kpi.startswith("utilisation_"):
        return f"{100 * v:.1f}%"
    if u == "%":
        return f"{v:.1f}%"
    if u in ("contacts", "hours a year"):
        return f"{v:,.0f}"
    if u in ("working days", "working hours"):
        return f"{v:.2f}"
    return plain(v)


def change(value: object, kpi: str) -> str:
    """A (paired) change in a KPI: percentage points (pp) for shares, pounds for costs."""
    if not _finite(value):
        return "–"
    v = float(value)  # type: ignore[arg-type]
    u = unit(kpi)
    if kpi.startswith("utilisation_"):
        return f"{100 * v:+.1f} pp"
    if u == "%":
        return f"{v:+.1f} pp"
    if u.startswith("£"):
        return f"{'+' if v >= 0 else '−'}£{abs(v):,.0f}"
    if u in ("contacts", "hours a year"):
        return f"{v:+,.0f}"
    if u in ("working days", "working hours"):
        return f"{v:+.2f}"
    return plain(v, signed=True)


def percent(value: float) -> str:
    return f"{value:.0f}%"


def money(value: float) -> str:
    """£ to the nearest thousand (nearest pound below £1,000)."""
    if abs(value) >= 1000:
        return f"£{round(value, -3):,.0f}"
    return f"£{value:,.0f}"


#: Overrides that say how long or where a run went, not which option it is.
_NOT_THE_OPTION = ("run.", "hydra.", "scenario=")


def run_name(scenario: str, overrides: Sequence[str] = ()) -> str:
    """A run folder's option in its titles: the scenario and what its overrides changed.

    Two runs of one scenario with different staffing must not carry the same title, so every
    override that changes the model (not ``run.*`` or ``hydra.*``) is named.
    """
    changed = [o for o in overrides if not o.lstrip("+~").startswith(_NOT_THE_OPTION)]
    return f"{scenario} with {', '.join(changed)}" if changed else scenario


def headline_sentence(
    option: str,
    other: Mapping[str, float],
    base: Mapping[str, float] | None = None,
    difference: Mapping[str, float] | None = None,
    cost_change_gbp: float | None = None,
) -> str:
    """The plain sentence a leader reads first, built from the numbers and their intervals.

    ``other`` is the option's summary of :data:`HEADLINE_KPI` (``mean``, ``ci95_low``,
    ``ci95_high``); ``base`` today's, ``difference`` the paired difference row
    (``difference``, ``ci_low``, ``ci_high``) and ``cost_change_gbp`` the change in the annual
    staff cost. Without a base it describes one run on its own.
    """
    low, high = clipped(HEADLINE_KPI, other["ci95_low"], other["ci95_high"])
    share = f"{percent(other['mean'])} ({low:.0f}–{high:.0f}%)"
    if base is None or difference is None:
        return f"{_capital(option)}: {share} of contacts are decided within one working day."
    change = difference["difference"]
    ci = f"95% CI {difference['ci_low']:+.1f} to {difference['ci_high']:+.1f}"
    if not difference["ci_low"] > 0 and not difference["ci_high"] < 0:
        moved = (
            f"against {percent(base['mean'])} today: no clear change "
            f"({change:+.1f} percentage points, {ci})"
        )
    else:
        direction = "up" if change > 0 else "down"
        moved = f"{direction} from {percent(base['mean'])} ({change:+.1f} percentage points, {ci})"
    decided = f"{share} of contacts are decided within one working day"
    return f"With {option}, {decided}, {moved}; {cost_words(cost_change_gbp)}."


def cost_words(change: float | None) -> str:
    """``this costs £108,000 a year more`` / ``this saves …`` / ``the staff cost is unchanged``."""
    if change is None or not math.isfinite(change):
        return "its cost is not known (no costs group)"
    if abs(change) < 500:
        return "the staff cost is unchanged"
    if change > 0:
        return f"this costs {money(change)} a year more"
    return f"this saves {money(-change)} a year"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
