"""A synthetic Annex A extract from known parameters: no real child, no real data.

``python -m sim.fit.synthetic --out data/synthetic_annex_a`` writes the extract shipped in the
repository (one CSV per list, the template's headers and child columns, every value invented
from a seeded generator); ``--xlsx FILE`` writes the same lists as one workbook. The parameters
it is drawn from are :data:`KNOWN` — the round-trip test fits the extract and checks that the
fit recovers them within its intervals.

How it is drawn: each source's contacts on each day are Poisson, with the rate of
:func:`daily_rates` (a level, day-of-week multipliers, school- and bank-holiday factors and a
trend); each contact becomes a referral with its source's conversion, on the same day; a
referral ends NFA with :attr:`Known.nfa`, else it is assessed (a lognormal number of working
days, whole days kept); a referral starts a section 47 enquiry with :attr:`Known.s47`, which
reaches an ICPC with :attr:`Known.icpc` after :attr:`Known.icpc_lead` working days.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import holidays
import numpy as np
import numpy.typing as npt
from scipy import stats

from sim.engine.terms import school_holiday_days
from sim.fit.durations import add_working_days

# The template's dropdown letters, in its order (5D, added later, comes last).
LETTERED = [
    "1A",
    "1B",
    "1C",
    "1D",
    "2A",
    "2B",
    "3A",
    "3B",
    "3C",
    "3D",
    "3E",
    "3F",
    "4",
    "5A",
    "5B",
    "5C",
    "6",
    "7",
    "8",
    "9",
    "10",
    "5D",
]
SOURCE_CODES = {
    "police": ["6"],
    "schools": ["2A", "2A", "2A", "2B"],
    "health": ["3A", "3B", "3C", "3D", "3E", "3F"],
    "early_help": ["5D"],
    "la_internal": ["5A", "5B"],
    "family": ["1A", "1B", "1C", "1D"],
    "other_la": ["5C"],
    "anonymous": ["9"],
    "other": ["4", "7", "8", "10"],
}
WEEKDAY_ONLY = [1.2, 1.15, 1.1, 1.1, 1.0, 0.08, 0.06]


@dataclass(frozen=True)
class Known:
    """The parameters the synthetic extract is drawn from."""

    start: dt.date = dt.date(2023, 4, 1)
    days: int = 731
    annual: dict[str, float] = field(
        default_factory=lambda: {
            "police": 2100.0,
            "schools": 1080.0,
            "health": 780.0,
            "early_help": 300.0,
            "la_internal": 300.0,
            "family": 540.0,
            "other_la": 180.0,
            "anonymous": 120.0,
            "other": 660.0,
        }
    )
    growth_pct: float = 5.0
    weekday: dict[str, list[float]] = field(
        default_factory=lambda: {
            "police": [1.05, 1.0, 1.0, 1.0, 1.05, 0.95, 0.95],
            "family": [1.1, 1.1, 1.1, 1.1, 1.0, 0.8, 0.8],
            "anonymous": [1.1, 1.1, 1.1, 1.1, 1.0, 0.8, 0.8],
        }
    )
    school_holiday: dict[str, float] = field(default_factory=lambda: {"schools": 0.15})
    bank_holiday: dict[str, float] = field(
        default_factory=lambda: {
            "schools": 0.05,
            "health": 0.3,
            "early_help": 0.05,
            "la_internal": 0.1,
            "other_la": 0.1,
            "other": 0.2,
            "family": 0.8,
            "anonymous": 0.8,
        }
    )
    conversion: dict[str, float] = field(
        default_factory=lambda: {
            "police": 0.16,
            "schools": 0.29,
            "health": 0.25,
            "early_help": 0.52,
            "la_internal": 0.24,
            "family": 0.19,
            "other_la": 0.36,
            "anonymous": 0.11,
            "other": 0.21,
        }
    )
    nfa: float = 0.06
    s47: float = 0.21
    icpc: float = 0.30
    assessment_median: float = 27.0  # working days, lognormal
    assessment_sigma: float = 0.55
    icpc_lead: dict[int, float] = field(
        default_factory=lambda: {
            7: 0.04,
            9: 0.05,
            11: 0.1,
            12: 0.12,
            13: 0.15,
            14: 0.18,
            15: 0.17,
            17: 0.08,
            19: 0.05,
            23: 0.04,
            30: 0.02,
        }
    )
    seed: int = 20250324

    def weekdays(self, source: str) -> list[float]:
        return self.weekday.get(source, WEEKDAY_ONLY)

    @property
    def assessment_within_45(self) -> float:
        """P(whole working days ≤ 45) = P(lognormal < 46)."""
        return float(stats.lognorm(self.assessment_sigma, scale=self.assessment_median).cdf(46.0))

    @property
    def icpc_within_15(self) -> float:
        return sum(p for d, p in self.icpc_lead.items() if d <= 15) / sum(self.icpc_lead.values())


KNOWN = Known()


def _bank(known: Known) -> set[dt.date]:
    last = known.start + dt.timedelta(days=known.days + 400)
    return set(
        holidays.country_holidays("GB", subdiv="ENG", years=range(known.start.year, last.year + 1))
    )


def daily_rates(known: Known, source: str) -> npt.NDArray[np.float64]:
    """The expected contacts from ``source`` on each day of the period."""
    from sim.config import SchoolTermsConfig

    dates = [known.start + dt.timedelta(days=i) for i in range(known.days)]
    bank = _bank(known)
    w = np.asarray(known.weekdays(source))
    w = w / w.mean()
    rate = np.array([w[d.weekday()] for d in dates])
    rate *= np.where(
        school_holiday_days(SchoolTermsConfig(), known.start, known.days),
        known.school_holiday.get(source, 1.0),
        1.0,
    )
    rate *= np.array([known.bank_holiday.get(source, 1.0) if d in bank else 1.0 for d in dates])
    t = (np.arange(known.days) - (known.days - 1) / 2) / 365.25
    rate *= np.exp(math.log1p(known.growth_pct / 100) * t)
    return rate * known.annual[source] * known.days / 365.25 / rate.sum()


def _cell(code: str) -> str:
    from sim.fit.codes import CODES

    letter = "abcdefghijklmnopqrstuvwxyz"[LETTERED.index(code)]
    return f"{letter}) {code}: {CODES[code][0]}"


def _yes(flag: bool) -> str:
    return "a) Yes" if flag else "b) No"


CHILD_HEADERS = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
HEADERS = {
    1: [*CHILD_HEADERS, "Date of Contact", "Contact Source"],
    3: [
        *CHILD_HEADERS,
        "Date of referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        "Allocated Team",
        "Allocated Worker",
    ],
    4: [
        *CHILD_HEADERS,
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        "Allocated Team",
        "Allocated Worker",
    ],
    5: [
        *CHILD_HEADERS,
        "Allocated Team",
        "Allocated Worker",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
    ],
}
FILES = {
    1: "List_1_contacts.csv",
    3: "List_3_referrals.csv",
    4: "List_4_assessments.csv",
    5: "List_5_section_47.csv",
}
TEAMS = ["Synthetic Team North", "Synthetic Team South"]


def generate(known: Known = KNOWN) -> dict[int, list[list[str]]]:
    """The four lists' rows (header first), drawn from ``known`` with its seed."""
    rng = np.random.default_rng(known.seed)
    bank = _bank(known)
    rows: dict[int, list[list[str]]] = {n: [HEADERS[n]] for n in HEADERS}
    hour_weights = np.array([0.2] * 8 + [2.0] * 9 + [0.6] * 5 + [0.3] * 2)
    hour_weights /= hour_weights.sum()
    contacts: list[tuple[dt.date, str]] = []
    for source in known.annual:
        counts = rng.poisson(daily_rates(known, source))
        for offset, n in enumerate(counts):
            contacts += [(known.start + dt.timedelta(days=offset), source)] * int(n)
    contacts.sort(key=lambda c: c[0])
    for number, (day, source) in enumerate(contacts):
        child = f"SYN{number:06d}"
        born = day - dt.timedelta(days=int(rng.integers(30, 17 * 365)))
        age = (day - born).days // 365
        front = [
            child,
            str(rng.choice(["a) Male", "b) Female"])),
            str(rng.choice(["WBRI", "WOTH", "MWBC", "ASIN", "BAFR"])),
            f"{born:%d/%m/%Y}",
            str(age),
        ]
        code = str(rng.choice(SOURCE_CODES[source]))
        when = dt.datetime.combine(
            day, dt.time(int(rng.choice(24, p=hour_weights)), int(rng.integers(60)))
        )
        rows[1].append([*front, f"{when:%d/%m/%Y %H:%M}", _cell(code)])
        if rng.random() >= known.conversion[source]:
            continue
        team, worker = str(rng.choice(TEAMS)), f"Synthetic Worker {int(rng.integers(1, 40)):02d}"
        nfa = bool(rng.random() < known.nfa)
        rows[3].append(
            [
                *front,
                f"{day:%d/%m/%Y}",
                _cell(code),
                _yes(nfa),
                str(int(rng.integers(0, 3))),
                team,
                worker,
            ]
        )
        if not nfa:
            wd = int(
                stats.lognorm(known.assessment_sigma, scale=known.assessment_median).rvs(
                    random_state=rng
                )
            )
            done = add_working_days(day, wd, bank)
            authorised = "" if rng.random() < 0.01 else f"{done:%d/%m/%Y}"
            rows[4].append(
                [
                    *front,
                    f"{day:%d/%m/%Y}",
                    _yes(True),
                    authorised,
                    _yes(bool(rng.random() < 0.7)),
                    team,
                    worker,
                ]
            )
        if rng.random() < known.s47:
            icpc = bool(rng.random() < known.icpc)
            leads, p = zip(*known.icpc_lead.items(), strict=True)
            lead = int(rng.choice(leads, p=np.asarray(p) / sum(p)))
            date = f"{add_working_days(day, lead, bank):%d/%m/%Y}" if icpc else ""
            plan = _yes(bool(rng.random() < 0.8)) if icpc else ""
            rows[5].append(
                [
                    *front,
                    team,
                    worker,
                    f"{day:%d/%m/%Y}",
                    _yes(not icpc),
                    date,
                    plan,
                    "1",
                    "1" if icpc else "0",
                ]
            )
    return rows


def write_csvs(rows: dict[int, list[list[str]]], folder: Path) -> list[Path]:
    from sim.atomic import write_atomic

    def writer(table: list[list[str]]) -> Callable[[Path], None]:
        def write(path: Path) -> None:
            with path.open("w", newline="", encoding="utf-8") as handle:
                csv.writer(handle, lineterminator="\n").writerows(table)

        return write

    return [write_atomic(folder / FILES[n], writer(table)) for n, table in rows.items()]


def write_workbook(rows: dict[int, list[list[str]]], path: Path) -> Path:
    from openpyxl import Workbook

    from sim.atomic import write_atomic

    book = Workbook()
    book.remove(book.active)
    for number, table in rows.items():
        sheet = book.create_sheet(f"List {number}")
        for row in table:
            sheet.append(row)
    return write_atomic(path, book.save)


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(
        prog="python -m sim.fit.synthetic", description=__doc__.splitlines()[0]
    )
    p.add_argument("--out", default="data/synthetic_annex_a", help="folder for the CSVs")
    p.add_argument("--xlsx", help="also write the lists as one workbook")
    args = p.parse_args(argv)
    rows = generate()
    for path in write_csvs(rows, Path(args.out)):
        print(f"wrote {path} ({len(rows[int(path.name[5])]) - 1} rows)")
    if args.xlsx:
        print(f"wrote {write_workbook(rows, Path(args.xlsx))}")


if __name__ == "__main__":
    main()
