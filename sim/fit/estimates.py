"""From the checked lists to the estimates, each with its 95% interval and what it drives.

List 1 gives arrivals (:mod:`sim.fit.arrivals`). Lists 1 and 3 give the contact → referral
conversion by source (referrals from a source over its contacts in the period both lists
cover) and List 3 the share of referrals ending NFA. List 4 gives assessment durations and the
45-working-day share; List 5 the section 47 share of referrals (List 5 over List 3), the ICPC
share of section 47 enquiries and the conference lead time (the 15-working-day share).
A list that is absent leaves its estimates out, and the model keeps its defaults for them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from sim.fit.arrivals import ArrivalFit, Interval, fit_arrivals
from sim.fit.checks import parse_date, yes_no
from sim.fit.codes import code_of
from sim.fit.durations import DurationFit, fit_durations, wilson, working_days

ASSESSMENT_LIMIT = 45  # working days (Working Together 2023)
ICPC_LIMIT = 15


@dataclass
class Estimate:
    """One fitted figure: its value and interval, how many rows it rests on, and the config
    key it sets (empty: shown in the report only)."""

    name: str
    value: float
    low: float
    high: float
    n: int
    unit: str
    drives: str = ""


@dataclass
class Fit:
    """Everything fitted from one extract."""

    first: dt.date | None = None
    last: dt.date | None = None
    arrivals: ArrivalFit | None = None
    conversion: dict[str, Interval] = field(default_factory=dict)
    conversion_all: Interval | None = None
    referrals_by_source: dict[str, int] = field(default_factory=dict)
    contacts_by_source: dict[str, int] = field(default_factory=dict)
    nfa: Interval | None = None
    s47_share: Interval | None = None
    icpc_share: Interval | None = None
    assessment: DurationFit | None = None
    icpc_lead: DurationFit | None = None
    open_assessments: int = 0
    referrals_per_year: float | None = None
    estimates: list[Estimate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def typed(number: int, frame: pd.DataFrame, codes: dict[str, str]) -> pd.DataFrame:
    """A list's checked rows with dates as timestamps, sources as the model's and Yes/No as
    booleans (the child digest dropped: nothing below needs it)."""
    out = pd.DataFrame(index=frame.index)
    for key in ("date", "start", "authorised", "icpc"):
        if key in frame:
            out[key] = pd.to_datetime(frame[key].map(parse_date))
    if "source" in frame:
        out["source"] = frame["source"].map(lambda v: codes[str(code_of(v))])
    if "nfa" in frame:
        out["nfa"] = frame["nfa"].map(yes_no).astype(bool)
    return out


def _share(k: int, n: int, name: str, drives: str) -> tuple[Interval, Estimate]:
    share = wilson(k, n)
    return share, Estimate(name, share.value, share.low, share.high, n, "%", drives)


def fit_lists(
    good: dict[int, pd.DataFrame], codes: dict[str, str], sources: list[str], school_terms: object
) -> Fit:
    """Fit every estimate the lists present allow."""
    fit = Fit()
    lists = {number: typed(number, frame, codes) for number, frame in good.items()}
    contacts, referrals = lists.get(1), lists.get(3)
    if contacts is not None and len(contacts):
        first, last = contacts["date"].min().date(), contacts["date"].max().date()
        fit.first, fit.last = first, last
        fit.arrivals = fit_arrivals(contacts, first, last, school_terms, sources)
        total = sum(s.count for s in fit.arrivals.sources.values())
        fit.estimates.append(
            Estimate(
                "contacts a year",
                total / fit.arrivals.years,
                sum(s.annual.low for s in fit.arrivals.sources.values()),
                sum(s.annual.high for s in fit.arrivals.sources.values()),
                total,
                "contacts",
                "demand.annual_contacts",
            )
        )
        g = fit.arrivals.growth_pct
        fit.estimates.append(
            Estimate(
                "growth a year", g.value, g.low, g.high, total, "%", "demand.growth_pct_per_year"
            )
        )
        for source, s in fit.arrivals.sources.items():
            fit.estimates.append(
                Estimate(
                    f"{source}: contacts a year",
                    s.annual.value,
                    s.annual.low,
                    s.annual.high,
                    s.count,
                    "contacts",
                    f"demand.sources.{source}.share",
                )
            )
            for label, factor in (
                ("school-holiday", s.school_holiday),
                ("bank-holiday", s.bank_holiday),
            ):
                key = label.replace("-", "_")
                fit.estimates.append(
                    Estimate(
                        f"{source}: {label} factor",
                        factor.value,
                        factor.low,
                        factor.high,
                        s.count,
                        "×",
                        f"demand.sources.{source}.{key}_factor",
                    )
                )
    elif 1 in good:
        fit.notes.append("List 1 has no rows that passed the checks: arrivals not fitted")
    if referrals is not None and len(referrals):
        nfa, estimate = _share(
            int(referrals["nfa"].sum()),
            len(referrals),
            "referrals ending NFA",
            "after_decision.referral_nfa.probability",
        )
        fit.nfa = nfa
        span = (referrals["date"].max() - referrals["date"].min()).days + 1
        fit.referrals_per_year = len(referrals) / (span / 365.25)
        fit.estimates.append(estimate)
    if contacts is not None and referrals is not None and len(contacts) and len(referrals):
        _conversion(fit, contacts, referrals, sources)
    elif referrals is not None:
        fit.notes.append("conversion by source needs Lists 1 and 3: not fitted, the defaults kept")
    assessments = lists.get(4)
    if assessments is not None and len(assessments):
        done = assessments[assessments["authorised"].notna()]
        fit.open_assessments = len(assessments) - len(done)
        fit.assessment = fit_durations(
            working_days(done["start"], done["authorised"]), ASSESSMENT_LIMIT
        )
        w, m = fit.assessment.within, fit.assessment.median
        fit.estimates.append(
            Estimate(
                "assessments within 45 WD",
                w.value,
                w.low,
                w.high,
                len(done),
                "%",
                "after_decision.assessment.deadline_push_probability",
            )
        )
        fit.estimates.append(Estimate("assessment median", m.value, m.low, m.high, len(done), "WD"))
    s47 = lists.get(5)
    if s47 is not None and len(s47):
        held = s47[s47["icpc"].notna()]
        share, estimate = _share(
            len(held),
            len(s47),
            "ICPCs per section 47 enquiry",
            "after_decision.section47.outcomes.icpc",
        )
        fit.icpc_share = share
        fit.estimates.append(estimate)
        if len(held):
            fit.icpc_lead = fit_durations(working_days(held["start"], held["icpc"]), ICPC_LIMIT)
            w = fit.icpc_lead.within
            fit.estimates.append(
                Estimate(
                    "ICPCs within 15 WD",
                    w.value,
                    w.low,
                    w.high,
                    len(held),
                    "%",
                    "after_decision.section47.icpc_lead_working_days",
                )
            )
        if referrals is not None and len(referrals):
            k, n = _within(s47["start"], referrals["date"])
            share, estimate = _share(
                k,
                n,
                "section 47 enquiries per referral",
                "after_decision.strategy_discussion.s47_probability",
            )
            fit.s47_share = share
            fit.estimates.append(estimate)
    return fit


def _window(a: pd.Series, b: pd.Series) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The period both lists cover (whole days)."""
    return max(a.min(), b.min()).normalize(), min(a.max(), b.max()).normalize() + pd.Timedelta(
        days=1
    )


def _within(numerator: pd.Series, denominator: pd.Series) -> tuple[int, int]:
    lo, hi = _window(numerator, denominator)
    k = int(((numerator >= lo) & (numerator < hi)).sum())
    n = int(((denominator >= lo) & (denominator < hi)).sum())
    return min(k, n), n


def _conversion(
    fit: Fit, contacts: pd.DataFrame, referrals: pd.DataFrame, sources: list[str]
) -> None:
    """Referrals over contacts by source, in the period both lists cover (the two lists are
    not linked row to row: a council's lists rarely carry a contact ID into List 3)."""
    lo, hi = _window(contacts["date"], referrals["date"])
    c = contacts[(contacts["date"] >= lo) & (contacts["date"] < hi)]
    r = referrals[(referrals["date"] >= lo) & (referrals["date"] < hi)]
    total_k, total_n = 0, 0
    for source in sources:
        n = int((c["source"] == source).sum())
        k = int((r["source"] == source).sum())
        fit.contacts_by_source[source] = n
        fit.referrals_by_source[source] = k
        if n == 0:
            continue
        total_k, total_n = total_k + min(k, n), total_n + n
        share = wilson(min(k, n), n)
        fit.conversion[source] = share
        fit.estimates.append(
            Estimate(
                f"{source}: conversion to referral",
                share.value,
                share.low,
                share.high,
                n,
                "%",
                f"demand.sources.{source}.threshold_met",
            )
        )
    fit.conversion_all = wilson(total_k, total_n)
    a = fit.conversion_all
    fit.estimates.append(Estimate("conversion to referral", a.value, a.low, a.high, total_n, "%"))
