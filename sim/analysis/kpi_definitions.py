"""Every KPI a run can report, in words: the content of docs/kpis.md's tables.

One :class:`KPI` per name, or per family (``contacts_<source>``: one KPI per source in the
config). :mod:`sim.analysis.kpis` matches a run's KPI names against these entries, so a KPI
added to ``sim/analysis/metrics.py`` (``downstream.py``, ``costs.py``) without an entry here
fails ``tests/functional/test_kpi_registry.py``. docs/kpis.md's tables are written from these
entries by ``python -m sim.reference`` (:mod:`sim.report.kpi_page`), and
``tests/functional/test_reference_docs.py`` fails when the page is not what it would write; the
prose between the tables stays hand-written on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Better = Literal["higher", "lower"] | None


@dataclass(frozen=True)
class KPI:
    """One KPI or one family of KPIs.

    ``name``: the KPI's name, or a pattern whose ``<placeholder>`` stands for a name from the
    config or the vocabulary (see ``sim.analysis.kpis.PLACEHOLDERS``). ``section``: the page's
    table it belongs to. ``better``: which way is better, where that means something (a share
    of contacts from the police is neither). ``condition``: why the KPI may be absent from a run
    (only with a mechanism on); ``None`` means every run reports it. ``published``: the figure
    the council publishes for it, where there is one (docs/model.md's calibration).
    """

    name: str
    section: str
    unit: str
    definition: str
    better: Better = None
    condition: str | None = None
    published: str | None = None


HUB = "only when `front_door.partner_check.hub.enabled`"
PARTNER_POOL = "only with `decision.partner_pool` set"
STEP_UP = "only when `after_decision.step_up_panel.enabled`"
STRATEGY = "only when `after_decision.strategy_discussion.enabled`"
ASSESSMENT = "only when `after_decision.assessment.enabled`"
RE_REFERRAL = "only when a referral was decided in the window (else only `re_referrals`)"
COSTS = "only when the config has cost roles (`costs=cheshire_east`, the default)"
STAGE_DONE = "only when a measured contact finished the stage"
STAFFED_STAGE = "only for a staffed stage that a measured contact finished"
TASK_DONE = "only for pool–task pairs that occurred in the replication"
FRONT_DOOR_KPIS: tuple[KPI, ...] = (
    # Demand and conversion
    KPI("contacts", "demand", "contacts", "measured contacts"),
    KPI(
        "contacts_averted",
        "demand",
        "contacts",
        "contacts never made (threshold training, feedback learning) whose arrival time fell in"
        " the window",
    ),
    KPI(
        "out_of_hours_pct",
        "demand",
        "%",
        "measured contacts that arrived while the calendar was closed (evenings, weekends, bank"
        " holidays, extra closures), whether or not out-of-hours handling is on",
    ),
    KPI("referrals", "demand", "contacts", "measured contacts decided as a referral"),
    KPI(
        "conversion_pct",
        "demand",
        "%",
        "`referrals` ÷ `contacts` (undecided contacts stay in the denominator)",
    ),
    KPI(
        "outcome_pct_<outcome>",
        "demand",
        "%",
        "share of **decided** measured contacts with that outcome (`strategy_discussion`,"
        " `assessment`, `nfa_advice`, `universal_services`, `early_help`); the five add up to 100",
    ),
    KPI("contacts_<source>", "by_source", "contacts", "measured contacts from the source"),
    KPI(
        "conversion_pct_<source>",
        "by_source",
        "%",
        "the source's referrals ÷ its measured contacts",
    ),
    KPI(
        "referral_share_pct_<source>",
        "by_source",
        "%",
        "the source's referrals ÷ all referrals (0 when there are none)",
    ),
    # Decision timeliness
    KPI(
        "open_at_end",
        "decision",
        "contacts",
        "measured contacts with no decision when the run stopped",
        "lower",
    ),
    KPI(
        "decision_open_pct",
        "decision",
        "%",
        "the same, as a share of measured contacts: how much of the timeliness KPIs below is"
        " censored",
        "lower",
    ),
    KPI(
        "decision_working_days_mean",
        "decision",
        "working days",
        "mean of D(decision) − D(arrival) over **decided** measured contacts only (biased low"
        " when many are open: see the next row)",
        "lower",
    ),
    KPI(
        "decision_working_days_mean_incl_open",
        "decision",
        "working days",
        "the same mean over **all** measured contacts, an open one counted at its working days"
        " from arrival to the end of the run — a lower bound on the true mean (equal to the one"
        " above when nothing is open)",
        "lower",
    ),
    KPI(
        "decision_working_days_p90",
        "decision",
        "working days",
        "its 90th percentile over **all** measured contacts, open ones counted as later than"
        " every decided one (numpy, linear interpolation); NaN when the percentile falls among"
        " the open ones — it is then beyond what the run saw",
        "lower",
    ),
    KPI(
        "decision_within_1wd_pct",
        "decision",
        "%",
        "measured contacts with D(decision) − D(arrival) ≤ 1 (+10⁻⁹ for round-off), out of"
        " **all** measured contacts: an undecided contact counts as late",
        "higher",
    ),
    KPI(
        "time_in_system_minutes_mean",
        "decision",
        "minutes",
        "mean elapsed time from arrival to decision, over decided measured contacts",
        "lower",
    ),
    KPI(
        "decision_working_days_mean_<urgency>",
        "by_urgency",
        "working days",
        "`decision_working_days_mean` over the measured contacts of that urgency",
        "lower",
    ),
    KPI(
        "decision_working_days_p90_<urgency>",
        "by_urgency",
        "working days",
        "`decision_working_days_p90` over the measured contacts of that urgency",
        "lower",
    ),
    KPI(
        "decision_within_1wd_pct_<urgency>",
        "by_urgency",
        "%",
        "`decision_within_1wd_pct` over the measured contacts of that urgency",
        "higher",
    ),
    # Process
    KPI(
        "triage_working_hours_mean",
        "process",
        "working hours",
        "arrival → end of triage, over measured contacts that were triaged (EDT-decided contacts"
        " are not). Includes the morning handover and step-up documentation before triage",
        "lower",
    ),
    KPI(
        "clarification_pct",
        "process",
        "%",
        "measured contacts whose first clarification task started",
    ),
    KPI(
        "partner_info_pct",
        "process",
        "%",
        "measured contacts whose partner-information requests went out and came back (both"
        " `partner_check_start` and `partner_check_end`). A contact that needed partner"
        " information but had no agency asked is not counted",
    ),
    KPI(
        "partner_info_wait_working_days_mean",
        "process",
        "working days",
        "requests sent → last reply or the timeout (with the hub: → the last hub check done),"
        " over those contacts. Excludes the request, chase and collation effort",
        "lower",
    ),
    KPI(
        "partner_info_within_rag_pct",
        "process",
        "%",
        "partner-checked measured contacts whose hub checks took ≤"
        " `hub.rag_target_working_hours[urgency]` working hours",
        "higher",
        condition=HUB,
    ),
    # Quality and parallel outflows
    KPI(
        "consent_recorded_pct",
        "quality",
        "%",
        "of measured contacts that completed the consent task, those whose consent was recorded"
        " (`consent.recorded_probability`)",
        "higher",
    ),
    KPI(
        "outcome_appropriate_pct",
        "quality",
        "%",
        "of decided measured contacts, those whose decision matches the latent need (referred"
        " when `threshold_met`, not referred otherwise; `front_door.decision.accuracy`)",
        "higher",
    ),
    KPI(
        "missed_need_pct",
        "quality",
        "%",
        "of decided measured contacts whose need was there, those not referred (a missed need;"
        " it may come back, `after_decision.missed_need`)",
        "lower",
    ),
    KPI(
        "over_referral_pct",
        "quality",
        "%",
        "of decided measured contacts that were referred, those whose need was not there (they"
        ' end in referral NFA or an assessment "not in need")',
        "lower",
    ),
    KPI(
        "idva_referrals",
        "quality",
        "contacts",
        "decided measured contacts with a domestic-abuse concern referred to an IDVA"
        " (`decision.idva_probability`)",
    ),
    KPI(
        "exploitation_panel_referrals",
        "quality",
        "contacts",
        "decided measured contacts with a missing/exploitation concern referred to the panel",
    ),
    # Verification stages
    KPI(
        "<stage>_sojourn_minutes_mean",
        "stages",
        "minutes",
        "joining the queue (or, with no queue, starting) → end",
        "lower",
        condition=STAGE_DONE,
    ),
    KPI(
        "<stage>_wait_minutes_mean",
        "stages",
        "minutes",
        "joining the queue → a member of staff starts",
        "lower",
        condition=STAFFED_STAGE,
    ),
    KPI(
        "<stage>_waited_pct",
        "stages",
        "%",
        "contacts whose wait was > 10⁻⁹ min",
        "lower",
        condition=STAFFED_STAGE,
    ),
    # System
    KPI(
        "arrivals_per_hour",
        "system",
        "contacts/hour",
        "contacts arriving in the window ÷ the window's length in hours",
    ),
    KPI(
        "contacts_in_system_mean",
        "system",
        "contacts",
        "time average over the window of the contacts between arrival and decision, counting"
        " contacts that arrived in the warm-up and any still open at the stop",
        "lower",
    ),
    # Staff hours per year
    KPI(
        "hours_<pool>_<task>",
        "staff_hours",
        "hours a year",
        "hours a year that the pool spent on that task",
        condition=TASK_DONE,
    ),
    KPI(
        "hours_<pool>",
        "staff_hours",
        "hours a year",
        "hours a year that the pool spent on all tasks; present for every pool",
    ),
    KPI(
        "inappropriate_contact_hours",
        "staff_hours",
        "hours a year",
        "hours a year, all pools, spent on contacts that do not meet the threshold",
        "lower",
    ),
    KPI(
        "inappropriate_contact_hours_<pool>",
        "staff_hours",
        "hours a year",
        "the same for one pool; present for every pool, and they add up to"
        " `inappropriate_contact_hours`. Priced by `inappropriate_contact_cost_gbp`"
        " ([Costs](#costs))",
        "lower",
    ),
    # Utilisation and queues
    KPI(
        "utilisation_<pool>",
        "utilisation",
        "fraction 0–1",
        "busy staff-minutes ÷ on-duty staff-minutes. On duty follows the rota; a task that runs"
        " past closing keeps its worker on duty until it ends",
    ),
    KPI(
        "queue_mean_<pool>",
        "utilisation",
        "tasks",
        "time-average number of tasks waiting for the pool, nights and weekends included",
        "lower",
    ),
    # Meeting waits
    KPI(
        "strategy_meeting_wait_working_hours_mean",
        "meeting_waits",
        "working hours",
        "strategy discussions that started in the window (as `strategy_discussions`): queued,"
        " after the scheduling lead time (`strategy_queued`) → every attendee seized"
        " (`strategy_start`)",
        "lower",
        condition=STRATEGY,
    ),
    KPI(
        "strategy_meeting_waited_pct",
        "meeting_waits",
        "%",
        "of those meetings, the share that could not start at once (wait > 10⁻⁹ min)",
        "lower",
        condition=STRATEGY,
    ),
    KPI(
        "decision_meeting_wait_minutes_mean",
        "meeting_waits",
        "minutes",
        "measured contacts decided with a partner, `decision_meeting_queued` → `decision_start`"
        " (a manager and a partner seized at once). Elapsed minutes, nights included, like"
        " `decision_wait_minutes_mean`",
        "lower",
        condition=PARTNER_POOL,
    ),
)
"""The front door's KPIs (``sim/analysis/metrics.py``); after the decision and costs follow."""
