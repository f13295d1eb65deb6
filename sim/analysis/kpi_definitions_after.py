"""The KPIs after the decision and the costs, in words (see :mod:`sim.analysis.kpi_definitions`).

Apart from the front door's so that each module stays readable; the registry
(:mod:`sim.analysis.kpis`) joins the two.
"""

from __future__ import annotations

from sim.analysis.kpi_definitions import (
    ASSESSMENT,
    COSTS,
    KPI,
    RE_REFERRAL,
    STEP_UP,
    STRATEGY,
)

PUBLISHED_C2 = "§1e C2 2025"
AFTER_DECISION_KPIS: tuple[KPI, ...] = (
    # Step-up panel
    KPI(
        "step_up_requests",
        "step_up",
        "requests",
        "panel requests whose outcome fell in the window. If the panel stepped the family up, the"
        " outcome is the front door's decision. If the panel kept the family in early help, the"
        " outcome (`early_help`) is recorded at the panel sitting, and the request is never a"
        " contact",
        condition=STEP_UP,
    ),
    KPI(
        "step_up_working_days_mean",
        "step_up",
        "working days",
        "request (`step_up_request`) → that outcome, over those requests: the wait for the panel,"
        " plus the whole front door if stepped up",
        "lower",
        condition=STEP_UP,
    ),
    KPI(
        "step_up_working_days_p90",
        "step_up",
        "working days",
        "its 90th percentile",
        "lower",
        condition=STEP_UP,
    ),
    # Strategy discussions, section 47 enquiries and conferences
    KPI(
        "strategy_discussions",
        "strategy",
        "meetings",
        "strategy discussions that started in the window (`strategy_start`: a member of every"
        " attendee pool was free)",
        condition=STRATEGY,
    ),
    KPI(
        "strategy_discussion_working_days_mean",
        "strategy",
        "working days",
        "the front door's decision → the start of the meeting. Includes the hand-off, the"
        " scheduling lead time and the wait for all attendees at once (that wait alone:"
        " `strategy_meeting_wait_working_hours_mean`, [Meeting waits](#meeting-waits))",
        "lower",
        condition=STRATEGY,
    ),
    KPI(
        "strategy_discussion_within_target_pct",
        "strategy",
        "%",
        "of those meetings, the share that started ≤ `strategy_discussion.target_working_days`"
        " (default 1) after the decision",
        "higher",
        condition=STRATEGY,
        published='"usually happen quickly" (letter, row 14)',
    ),
    KPI(
        "s47_enquiries",
        "strategy",
        "enquiries",
        "section 47 enquiries started in the window (`s47_start`, at the end of their strategy"
        " discussion)",
        condition=STRATEGY,
    ),
    KPI(
        "s47_child_seen_working_days_mean",
        "strategy",
        "working days",
        "enquiry start → child seen (`s47_see_child_end`), over enquiries whose child was seen in"
        " the window",
        "lower",
        condition=STRATEGY,
    ),
    KPI(
        "icpcs",
        "strategy",
        "conferences",
        "initial child protection conferences that started in the window (`icpc_start`). A"
        " conference starts once the enquiry has concluded, the booked time has come and a chair"
        " is free (`section47.conference` on)",
        condition=STRATEGY,
    ),
    KPI(
        "icpc_working_days_mean",
        "strategy",
        "working days",
        "end of the strategy discussion (the instant the enquiry starts) → start of the"
        " conference, over those conferences. Includes any wait for a chair",
        "lower",
        condition=STRATEGY,
    ),
    KPI(
        "icpc_within_15wd_pct",
        "strategy",
        "%",
        "of those conferences, the share that started ≤ 15 working days after the strategy"
        " discussion",
        "higher",
        condition=STRATEGY,
        published="81.4 (§1e C4 2025)",
    ),
    # Assessments and caseloads
    KPI(
        "assessments_completed",
        "assessment",
        "assessments",
        "assessments signed off in the window (`assessment_complete`, after the manager's"
        " sign-off)",
        condition=ASSESSMENT,
    ),
    KPI(
        "assessment_working_days_mean",
        "assessment",
        "working days",
        "referral → sign-off, over those assessments. The referral is the front door's decision"
        " (D at `outcome`). For a warm-start backlog assessment it is D(start of run) − its age."
        " Hand-off and allocation wait are included",
        "lower",
        condition=ASSESSMENT,
    ),
    KPI(
        "assessment_working_days_median",
        "assessment",
        "working days",
        "the median of the same durations",
        "lower",
        condition=ASSESSMENT,
        published=f"33 ({PUBLISHED_C2})",
    ),
    KPI(
        "assessment_working_days_p25",
        "assessment",
        "working days",
        "their 25th percentile",
        "lower",
        condition=ASSESSMENT,
        published=f"17 ({PUBLISHED_C2})",
    ),
    KPI(
        "assessment_working_days_p75",
        "assessment",
        "working days",
        "their 75th percentile",
        "lower",
        condition=ASSESSMENT,
        published=f"43 ({PUBLISHED_C2})",
    ),
    KPI(
        "assessment_within_45wd_pct",
        "assessment",
        "%",
        "of those assessments, the share signed off ≤ 45 working days after the referral",
        "higher",
        condition=ASSESSMENT,
        published="85.7",
    ),
    KPI(
        "allocation_wait_working_days_mean",
        "assessment",
        "working days",
        "joining the team's allocation queue (`allocation_queued`, after the hand-off) →"
        " allocated to a social worker, over allocations made in the window. An allocation made"
        " at once counts as 0",
        "lower",
        condition=ASSESSMENT,
    ),
    KPI(
        "last_visit_to_completion_working_days_mean",
        "assessment",
        "working days",
        "last visit → sign-off (write-up, then sign-off), over assessments completed in the"
        " window whose last visit was after time 0. This leaves out warm-start assessments whose"
        " last visit is recorded at the start of the run",
        "lower",
        condition=ASSESSMENT,
    ),
    KPI(
        "caseload_mean_<team>",
        "caseloads",
        "cases per social worker",
        "the team's mean caseload per social worker: `other_cases` (long-term cases that are not"
        " simulated) + the assessments the team holds ÷ its social workers. A case is held from"
        " allocation to sign-off",
        "lower",
        condition=ASSESSMENT,
        published="16.0 (§1g CSWW)",
    ),
    KPI(
        "allocation_queue_mean_<team>",
        "caseloads",
        "referrals",
        "referrals waiting for a social worker with room under `caseload_cap`",
        "lower",
        condition=ASSESSMENT,
    ),
    # Re-referrals and what became of referrals
    KPI(
        "re_referrals",
        "re_referrals",
        "contacts",
        "contacts of a returning child (`generation` > 0: a closed case or a missed need) that"
        " arrived at the front door in the window. They are measured contacts too, so they are"
        " in `contacts`",
        "lower",
    ),
    KPI(
        "re_referral_pct",
        "re_referrals",
        "%",
        "of contacts decided as a referral in the window, the share decided within 365 days of"
        " the child's previous referral (a `re_referred` event): the DfE's definition. Referrals"
        " are selected by the time of the decision (`to_strategy_discussion` or"
        " `to_assessment`), not by arrival as in `referrals`",
        "lower",
        condition=RE_REFERRAL,
        published="22.6 (§1d C1 2025)",
    ),
    KPI(
        "referral_nfa_pct",
        "re_referrals",
        "%",
        "referral NFA events (an over-referral closed by the assessment team's manager before"
        " assessment) in the window, per referral decided in the window",
        "lower",
        condition=RE_REFERRAL,
        published="6.5 (§1d C1 2025)",
    ),
    KPI(
        "assessment_not_in_need_pct",
        "re_referrals",
        "%",
        'assessments completed in the window that ended "not in need", per referral decided in'
        " the window",
        "lower",
        condition=RE_REFERRAL,
        published="30.8 (§1d C1 2025)",
    ),
    KPI(
        "missed_need_re_referral_pct",
        "re_referrals",
        "%",
        "of referrals decided in the window, those of a child who came back after the front door"
        " missed the need",
        "lower",
        condition=RE_REFERRAL,
        published="– (not published)",
    ),
    # Costs
    KPI(
        "annual_staff_cost_gbp",
        "costs",
        "£ a year",
        "cost to the council of the establishment. It covers every pool in `staffing.pools` and,"
        " when assessments are simulated, every assessment team's social workers (role"
        " `costs.team_role`). Only roles the council pays count",
        "lower",
        condition=COSTS,
    ),
    KPI(
        "annual_staff_cost_permanent_gbp",
        "costs",
        "£ a year",
        "its permanent part",
        condition=COSTS,
    ),
    KPI(
        "annual_staff_cost_agency_gbp",
        "costs",
        "£ a year",
        "its agency part; with the permanent part it adds up to `annual_staff_cost_gbp`",
        "lower",
        condition=COSTS,
    ),
    KPI(
        "annual_staff_cost_gbp_<role>",
        "costs",
        "£ a year",
        "its part for one role. There is one for every council-paid role in `costs.roles`, which"
        " is 0 if no pool or team has that role",
        condition=COSTS,
    ),
    KPI(
        "partner_funded_cost_gbp",
        "costs",
        "£ a year",
        "the same cost for posts whose role partner agencies pay; not in `annual_staff_cost_gbp`",
        condition=COSTS,
    ),
    KPI(
        "cost_per_contact_gbp",
        "costs",
        "£ per contact",
        "`annual_staff_cost_gbp` ÷ (`contacts` × 365 / `run.horizon_days`); NaN if there are no"
        " contacts. The numerator includes the after-the-decision pools and, when simulated, the"
        " assessment teams",
        "lower",
        condition=COSTS,
    ),
    KPI(
        "cost_per_referral_gbp",
        "costs",
        "£ per referral",
        "`annual_staff_cost_gbp` ÷ (`referrals` × 365 / `run.horizon_days`); NaN if there are no"
        " referrals",
        "lower",
        condition=COSTS,
    ),
    KPI(
        "inappropriate_contact_cost_gbp",
        "costs",
        "£ a year",
        "the sum over pools of `inappropriate_contact_hours_<pool>` × the £ per hour of the"
        " pool's role. Pools whose role partner agencies pay are left out",
        "lower",
        condition=COSTS,
    ),
)
"""After the decision (``sim/analysis/downstream.py``) and costs (``sim/analysis/costs.py``)."""
