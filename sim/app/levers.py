"""The page's levers, as plain data, and the one mapping from levers to ``frontdoor`` overrides.

The page, its AppTest and the unit tests all go through :func:`overrides`, and the run is
``sim.load(overrides)`` → ``sim.run`` like any command line, so what the page shows is exactly
what the ``frontdoor ...`` command it prints would compute. Today's lever positions are read from
the default config (:func:`today`), never written down here a second time.
"""

from __future__ import annotations

import dataclasses
import shlex
from collections.abc import Mapping
from dataclasses import dataclass

from sim.config import Config
from sim.config.run import RunConfig, snapshot_days
from sim.errors import ConfigError
from sim.report.words import pool_words

#: The front-door pools a leader can staff (the after-the-decision pools stay as configured).
POOLS = ("managers", "social_workers", "practice_support", "edt")

#: Opening hours a leader can choose: name → (words, Monday … Sunday). "today" is whatever the
#: config's calendar says; the others replace it.
WEEK = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
OPENING_HOURS: dict[str, tuple[str, tuple[tuple[str, ...], ...] | None]] = {
    "today": ("as today", None),
    "weekdays_8_to_6": (
        "weekdays 08:00–18:00",
        (("08:00-18:00",),) * 5 + ((), ()),
    ),
    "weekdays_and_saturday": (
        "as today, plus Saturday 09:00–13:00",
        (("08:30-17:00",),) * 4 + (("08:30-16:30",), ("09:00-13:00",), ()),
    ),
    "weekdays_9_to_5": (
        "weekdays 09:00–17:00",
        (("09:00-17:00",),) * 5 + ((), ()),
    ),
}

#: The first answer's run: 4 replications of a 13-week quarter after a year's warm-up, the
#: warm-up simulated once and shared (:data:`SETTLE_DAYS`). The CLI's own defaults (5 × 182 days
#: after 560, a warm-up per replication) give tighter intervals in about a minute and a half.
DEFAULT_REPLICATIONS = 4
DEFAULT_HORIZON_DAYS = 91
WARMUP_DAYS = 364
DRAIN_DAYS = 28
#: The page's runs share one warm-up (``run.warm_start=snapshot``, docs/performance.md "The
#: shared warm-up") and each replication settles for ``run.settle_days`` (its default, 28 days)
#: before it measures: the front door forgets its starting state within that, and a run of 4
#: simulates 364 + 4 × 147 days instead of 4 × 483.
SETTLE_DAYS = RunConfig().settle_days

#: What the page's "How long to simulate" widgets allow: ``{setting: (lowest, highest)}``.
SETTING_RANGES: dict[str, tuple[int, int]] = {
    "replications": (2, 50),
    "horizon_days": (7, 730),
    "warmup_days": (0, 1100),
}

#: How ``frontdoor-app --replications … --horizon-days … --warmup-days …`` tells the page (run
#: in the same process by Streamlit) its first settings: ``"replications,horizon,warmup"``.
SETTINGS_ENV = "FRONTDOOR_APP_SETTINGS"


@dataclass(frozen=True)
class Levers:
    """What a leader can change. Staff are establishment posts (heads in post)."""

    staff: Mapping[str, int]
    teams: Mapping[str, int]
    integrated_front_door: bool = False
    simplified_partner_info: bool = False
    growth_pct_per_year: float = 0.0
    police_training_pct: float = 0.0
    opening_hours: str = "today"


@dataclass(frozen=True)
class RunSettings:
    """How long and how often to simulate (both options use the same, so they pair)."""

    replications: int = DEFAULT_REPLICATIONS
    horizon_days: int = DEFAULT_HORIZON_DAYS
    warmup_days: int = WARMUP_DAYS
    drain_days: int = DRAIN_DAYS
    seed: int | None = None


def shares_warm_up(settings: RunSettings) -> bool:
    """Whether the page's run shares one warm-up (:data:`SETTLE_DAYS`): when the config's own
    rule (:mod:`sim.bounds`) allows one, a snapshot at least a week in. A shorter warm-up (a
    browser test's 14 days) warms up each replication, as the command line does."""
    return snapshot_days(RunConfig(warmup_days=float(settings.warmup_days))) >= 7.0


def first_settings(text: str | None) -> RunSettings:
    """The settings the page opens with: the defaults, or those ``frontdoor-app`` was given.

    ``text`` is :data:`SETTINGS_ENV`'s value. A short run lets a browser test (or a slow
    machine) get its first answer in seconds; a leader can still lengthen it on the page.
    """
    if not text:
        return RunSettings()
    parts = text.split(",")
    names = tuple(SETTING_RANGES)
    if len(parts) != len(names) or not all(p.strip().isdigit() for p in parts):
        raise ConfigError(
            SETTINGS_ENV, text, "must be three whole numbers: replications,horizon,warmup"
        )
    values = dict(zip(names, (int(p) for p in parts), strict=True))
    for name, value in values.items():
        low, high = SETTING_RANGES[name]
        if not low <= value <= high:
            raise ConfigError(f"run.{name}", value, f"must be {low}–{high} on the page")
    return RunSettings(**values)


def today(spec: Config) -> Levers:
    """The levers as the default config sets them: today's front door."""
    teams = spec.after_decision.assessment.teams if spec.after_decision.assessment.enabled else {}
    return Levers(
        staff={p: spec.staffing.pools[p].staff for p in POOLS if p in spec.staffing.pools},
        teams={name: team.social_workers for name, team in teams.items()},
        growth_pct_per_year=spec.demand.growth_pct_per_year,
    )


def scenario(levers: Levers) -> str | None:
    """The preset scenario the two process switches select (``None``: today's process)."""
    if levers.integrated_front_door and levers.simplified_partner_info:
        return "combined"
    if levers.integrated_front_door:
        return "integrated_front_door"
    if levers.simplified_partner_info:
        return "simplified_partner_info"
    return None


def overrides(levers: Levers, base: Levers) -> list[str]:
    """The ``frontdoor`` overrides that turn today's front door (``base``) into ``levers``.

    Only what differs is written, so the command shown is the shortest that reproduces the run.
    """
    out: list[str] = []
    chosen = scenario(levers)
    if chosen is not None:
        out.append(f"scenario={chosen}")
    if levers.police_training_pct > 0:
        out += [
            "demand=police_threshold_training",
            f"demand.threshold_training.police.reduction_pct={_number(levers.police_training_pct)}",
        ]
    if levers.growth_pct_per_year != base.growth_pct_per_year:
        out.append(f"demand.growth_pct_per_year={_number(levers.growth_pct_per_year)}")
    for pool, staff in levers.staff.items():
        if staff != base.staff.get(pool):
            out.append(f"staffing.pools.{pool}.staff={staff}")
    for team, social_workers in levers.teams.items():
        if social_workers != base.teams.get(team):
            out.append(f"after_decision.assessment.teams.{team}.social_workers={social_workers}")
    week = opening_week(levers.opening_hours)
    if week is not None:
        for day, spans in zip(WEEK, week, strict=True):
            out.append(f"calendar.opening_hours.{day}=[{','.join(spans)}]")
    return out


def opening_week(name: str) -> tuple[tuple[str, ...], ...] | None:
    """The week of opening spans a named choice sets (``None``: the config's own)."""
    if name not in OPENING_HOURS:
        raise ConfigError("opening hours", name, f"must be one of {', '.join(OPENING_HOURS)}")
    return OPENING_HOURS[name][1]


def run_overrides(settings: RunSettings) -> list[str]:
    """The ``run.*`` overrides of a page's run (no event log or plots: the page draws its own)."""
    out = [
        f"run.replications={settings.replications}",
        f"run.horizon_days={settings.horizon_days}",
        f"run.warmup_days={settings.warmup_days}",
        f"run.drain_days={settings.drain_days}",
    ]
    if shares_warm_up(settings):
        out.append("run.warm_start=snapshot")
    if settings.seed is not None:
        out.append(f"run.seed={settings.seed}")
    return out


#: Added to a page's run only: the event log and the PNGs are for run folders.
PAGE_ONLY = ("run.event_log=false", "run.plots=false")


def cli_command(option: list[str], settings: RunSettings) -> str:
    """The exact command that reproduces the option's run on the command line."""
    words = [*option, *run_overrides(settings)]
    return " ".join(["frontdoor", *(shlex.quote(w) for w in words)])


def describe(levers: Levers, base: Levers) -> str:
    """The option in words, for titles and the headline: ``2 more screening social workers``."""
    parts: list[str] = []
    for pool, staff in levers.staff.items():
        parts += _more_or_fewer(staff - base.staff.get(pool, staff), pool_words(pool))
    for team, social_workers in levers.teams.items():
        change = social_workers - base.teams.get(team, social_workers)
        parts += _more_or_fewer(change, f"{team} assessment social workers")
    if levers.integrated_front_door:
        parts.append("an integrated front door")
    if levers.simplified_partner_info:
        parts.append("simplified partner information")
    if levers.growth_pct_per_year != base.growth_pct_per_year:
        parts.append(f"demand growing {_number(levers.growth_pct_per_year)}% a year")
    if levers.police_training_pct > 0:
        parts.append(f"police threshold training (−{_number(levers.police_training_pct)}%)")
    if levers.opening_hours != "today":
        parts.append(f"opening {OPENING_HOURS[levers.opening_hours][0]}")
    if not parts:
        return "today's front door"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def lever_sentence(error: ConfigError) -> str:
    """A refused config as one sentence naming the lever, the value and what is allowed."""
    key = error.key
    name = key
    pieces = key.split(".")
    if key.startswith("staffing.pools.") and key.endswith(".staff"):
        name = f"{_capital(pool_words(pieces[2]))} in post"
    elif key.startswith("after_decision.assessment.teams.") and key.endswith(".social_workers"):
        name = f"Social workers in the {pieces[3]} assessment team"
    elif key.startswith("run."):
        name = f"Simulation setting {key.removeprefix('run.')}"
    allowed = error.allowed.rstrip(".")
    return f"{name}: {error.value!r} is not allowed; {allowed}."


def replace(levers: Levers, **changes: object) -> Levers:
    """A copy of ``levers`` with some changed (``staff``/``teams`` entries by ``pool=n``)."""
    staff = dict(levers.staff)
    teams = dict(levers.teams)
    rest: dict[str, object] = {}
    for key, value in changes.items():
        if key in staff:
            staff[key] = int(value)  # type: ignore[call-overload]
        elif key in teams:
            teams[key] = int(value)  # type: ignore[call-overload]
        else:
            rest[key] = value
    return dataclasses.replace(levers, staff=staff, teams=teams, **rest)  # type: ignore[arg-type]


def _more_or_fewer(change: int, what: str) -> list[str]:
    if change == 0:
        return []
    count = _COUNT.get(abs(change), str(abs(change)))
    return [f"{count} {'more' if change > 0 else 'fewer'} {_singular(what, abs(change))}"]


_COUNT = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def _singular(what: str, n: int) -> str:
    if n != 1:
        return what
    return (
        what.replace("workers", "worker")
        .replace("officers", "officer")
        .replace("managers", "manager")
    )


def _number(value: float) -> str:
    return f"{value:g}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
