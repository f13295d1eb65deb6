"""Warm start: begin a run from a backlog instead of an empty service.

A service planning its next quarter starts from today's queues and caseloads, not from an empty
front door; and a warm start saves simulating a long warm-up. :func:`start_from_backlog` puts
the backlog of ``cfg.backlog`` into a freshly built world at time 0; :func:`snapshot` reads the
same shape off a simulated service, so a warm-up run can hand its steady state to a warm-start
run (``tests/functional/test_warm_start.py`` checks that the two agree).

A backlog is given as a file (docs/backlog.md, ``conf/backlog/example.yaml``): a group option
``backlog=<name>``, or any path, ``backlog=path/to/file.yaml`` or ``backlog.file=…``.
:func:`backlog_overrides` reads it strictly — every bad entry named by its key path and value,
integers accepted where numbers are meant, an empty file refused — and hands Hydra the checked
backlog as a generated group option.

Backlog items are synthetic: their sources and attributes are drawn from the configured mixes
(stream ``backlog``), and nothing identifying is read or written — counts and ages only.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.calendar import _parse_opening_hours
from sim.choice import choose
from sim.config import CONCERNS, DEFAULT_CONCERN, DEFAULT_URGENCY, URGENCIES
from sim.pathway.after_decision import child_and_family_assessment, maybe_re_refer
from sim.pathway.front_door import STAGES, contact_journey, work_the_contact
from sim.pathway.steps import Process

if TYPE_CHECKING:
    from sim.model import Contact, FrontDoor


def working_minutes_per_day(opening_hours: Mapping[str, Sequence[str]]) -> float:
    """Average open minutes of a day the front door opens (``calendar.opening_hours``), to
    turn a case's age in working days into the work already done on it. ChECS's hours give
    (4 × 510 + 480) / 5 = 504."""
    # The calendar's own parser (already run by validation), so the hours are read one way.
    week = _parse_opening_hours(opening_hours)
    minutes = [sum(end - start for start, end in day) for day in week if day]
    return sum(minutes) / len(minutes)


def _backlog_contact(
    door: FrontDoor,
    seq: int,
    u: float,
    *,
    referral: bool,
    source: str | None = None,
    listed: bool = True,
) -> Contact:
    """A synthetic contact for backlog item ``seq``: source by share (uniform ``u``),
    attributes by that source's mixes from the item's own stream."""
    from sim.model import Contact

    demand = door.cfg.demand
    names = tuple(demand.sources)
    if source is None:
        # Never empty: validation requires the sources' shares to sum to 1.
        shares = {n: demand.sources[n].share for n in names}
        source = choose(u, shares, names, empty=names[0])
    spec = demand.sources[source]
    draws = door.streams(f"backlog:{seq}").random(4)
    urgency = choose(float(draws[0]), spec.urgency, URGENCIES, empty=DEFAULT_URGENCY)
    contact = Contact(
        id=len(door.contacts),
        source=source,
        seq=seq,
        arrival=0.0,
        urgency=urgency,
        concern=choose(float(draws[1]), spec.concern, CONCERNS, empty=DEFAULT_CONCERN),
        unclear=bool(draws[2] < spec.unclear),
        threshold_met=referral or bool(draws[3] < spec.threshold_met),
        known_family=True,
        priority=door.cfg.front_door.priority[urgency],
        key="backlog",
    )
    if listed:  # a child in the service now (not just the family a re-referral comes from)
        door.contacts.append(contact)
    else:
        contact.id = -1
    return contact


def start_from_backlog(door: FrontDoor) -> None:
    """Put the configured backlog into the world at time 0."""
    spec = door.cfg.backlog
    items = sum(spec.front_door.values()) + spec.step_up_panel
    items += sum(len(v) for v in spec.assessments.values())
    items += sum(len(v) for v in spec.awaiting_allocation.values())
    items += len(spec.re_referrals_due_days)
    if items == 0:
        return
    door.register_key("backlog", items)
    u = door.streams("backlog:source").random(items)
    seq = iter(range(items))
    env = door.env

    def item(*, referral: bool, source: str | None = None, listed: bool = True) -> Contact:
        k = next(seq)
        return _backlog_contact(
            door, k, float(u[k]), referral=referral, source=source, listed=listed
        )

    for stage in STAGES:
        for _ in range(spec.front_door.get(stage, 0)):
            contact = item(referral=False)
            env.process(_resume_front_door(door, contact, stage))
    panel = door.cfg.after_decision.step_up_panel
    for _ in range(spec.step_up_panel):
        source = panel.sources[0] if panel.sources else None
        contact = item(referral=False, source=source)
        contact.urgency, contact.priority = "green", door.cfg.front_door.priority["green"]
        env.process(contact_journey(door, contact))
    for under_way, table in ((True, spec.assessments), (False, spec.awaiting_allocation)):
        for team, ages in table.items():
            for age in ages:
                contact = item(referral=True)
                contact.age_at_start = float(age)
                env.process(_resume_assessment(door, contact, team, under_way))
    for days in spec.re_referrals_due_days:
        contact = item(referral=True, listed=False)
        env.process(_return_later(door, contact, float(days)))


def _resume_front_door(door: FrontDoor, contact: Contact, stage: str) -> Process:
    door.log.record(contact.id, "backlog_contact", door.env.now)
    yield from work_the_contact(door, contact, start_at=stage)


def _resume_assessment(door: FrontDoor, contact: Contact, team: str, under_way: bool) -> Process:
    door.log.record(contact.id, "backlog_referral", door.env.now)
    referred = float(door.calendar.working_day_clock(0.0)) - contact.age_at_start
    per_day = working_minutes_per_day(door.cfg.calendar.opening_hours)
    done = contact.age_at_start * per_day if under_way else 0.0
    yield from child_and_family_assessment(
        door, contact, referred, team_name=team, done_already=done
    )
    maybe_re_refer(door, contact)


def _return_later(door: FrontDoor, contact: Contact, days: float) -> Process:
    yield door.env.timeout(days * 1440.0)
    again = door.re_contact(contact)
    yield from contact_journey(door, again)


def snapshot(door: FrontDoor) -> dict[str, Any]:
    """The backlog of a simulated service now, in the shape of ``cfg.backlog``."""
    from sim.metrics import contact_table

    now = door.env.now
    table = contact_table(door.log.to_frame())
    events = door.log.to_frame()

    def has(name: str) -> np.ndarray:
        return table[name].notna().to_numpy() if name in table else np.zeros(len(table), bool)

    open_contacts = (has("contact") | has("backlog_contact")) & ~has("outcome")
    front_door: dict[str, int] = {}
    for contact_id in table.index[open_contacts]:
        stage = _stage_of(table.loc[contact_id])
        front_door[stage] = front_door.get(stage, 0) + 1
    waiting_panel = int(np.count_nonzero(has("step_up_request") & ~has("step_up_panel")))
    team_of = events[events["event"] == "allocation_queued"].groupby("contact_id")["pool"].last()
    clock_now = float(door.calendar.working_day_clock(now))
    ages = door.contact_frame().set_index("contact_id")["age_at_start"]
    assessments: dict[str, list[float]] = {}
    awaiting: dict[str, list[float]] = {}
    for contact_id in table.index[has("allocation_queued") & ~has("assessment_complete")]:
        referred = table.loc[contact_id].get("outcome", np.nan)
        if np.isnan(referred):
            start = float(door.calendar.working_day_clock(0.0)) - float(ages[contact_id])
        else:
            start = float(door.calendar.working_day_clock(referred))
        target = assessments if has_event(table, contact_id, "allocated") else awaiting
        target.setdefault(str(team_of[contact_id]), []).append(round(clock_now - start, 3))
    due = [round((t - now) / 1440.0, 3) for t in door.pending_returns if t > now]
    return {
        "front_door": front_door,
        "step_up_panel": waiting_panel,
        "assessments": assessments,
        "awaiting_allocation": awaiting,
        "re_referrals_due_days": sorted(due),
    }


def _stage_of(row: Any) -> str:
    """Where an open contact is waiting: the first stage it has not finished."""

    def done(name: str) -> bool:
        return name in row and not np.isnan(row[name])

    if not done("triage_end"):
        return "triage"
    if not done("screening_end"):
        return "screening"
    asked = any(
        done(name) for name in ("consent_queued", "partner_request_queued", "partner_check_start")
    )
    if asked and not done("partner_check_end"):
        return "partner_check"
    return "decision"


def has_event(table: Any, contact_id: int, name: str) -> bool:
    """Did the contact's ``name`` event happen?"""
    return name in table and not np.isnan(table.loc[contact_id, name])


# ------------------------------------------------------------------------------------------------
# Backlog files: read strictly, every bad entry named, then handed to Hydra as a group file.

BACKLOG_KEYS = (
    "front_door",
    "step_up_panel",
    "assessments",
    "awaiting_allocation",
    "re_referrals_due_days",
)
GENERATED = "_file_"
"""Prefix of the group options written for backlog files (see :func:`backlog_overrides`)."""


def _label(key: Any) -> str:
    """A key as it can be shown on one line (a control character or an empty key quoted)."""
    text = str(key)
    return text if text and text.isprintable() else repr(text)


def _count(value: Any, key: str) -> int:
    from sim.errors import ConfigError

    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise ConfigError(key, value, "must be a whole number of items ≥ 0")
    if value < 0:
        raise ConfigError(key, value, "must be a count ≥ 0")
    return int(value)


def _days(values: Any, key: str, what: str) -> list[float]:
    from sim.errors import ConfigError

    if not isinstance(values, list):
        raise ConfigError(key, values, f"must be a list of {what}, e.g. [1, 10.5, 30]")
    out = []
    for i, value in enumerate(values):
        number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
        if number is None or not np.isfinite(number) or number < 0:
            raise ConfigError(f"{key}[{i}]", value, f"must be a number ≥ 0 ({what})")
        out.append(float(number))  # integers are numbers too: 30 is 30.0 days
    return out


def _teams(value: Any, key: str) -> dict[str, list[float]]:
    from sim.errors import ConfigError

    if not isinstance(value, dict):
        raise ConfigError(key, value, "must map each assessment team to a list of ages")
    return {
        str(team): _days(ages, f"{key}.{_label(team)}", "working days since referral")
        for team, ages in value.items()
    }


def parse_backlog(document: Any, where: str) -> dict[str, Any]:
    """The backlog of a parsed YAML document, normalised; :class:`ConfigError` naming the key
    path and value of the first bad entry. ``where`` names the file in messages."""
    from sim.errors import ConfigError

    if document is None or document == {}:
        raise ConfigError(
            where,
            "an empty file",
            f"a backlog file must give at least one of {', '.join(BACKLOG_KEYS)} "
            "(for no backlog, use backlog=empty)",
        )
    if not isinstance(document, dict):
        raise ConfigError(where, document, "must be a mapping of backlog parts (docs/backlog.md)")
    document = {k: v for k, v in document.items() if k != "defaults"}
    unknown = [k for k in document if k not in BACKLOG_KEYS]
    if unknown:
        raise ConfigError(
            f"backlog.{_label(unknown[0])}",
            document[unknown[0]],
            f"must be one of {', '.join(BACKLOG_KEYS)}",
        )
    front_door = document.get("front_door", {}) or {}
    if not isinstance(front_door, dict):
        raise ConfigError("backlog.front_door", front_door, "must map each stage to a count")
    for stage in front_door:
        if stage not in STAGES:
            raise ConfigError(
                f"backlog.front_door.{_label(stage)}",
                front_door[stage],
                f"must be one of {', '.join(STAGES)}",
            )
    return {
        "front_door": {str(s): _count(n, f"backlog.front_door.{s}") for s, n in front_door.items()},
        "step_up_panel": _count(document.get("step_up_panel", 0), "backlog.step_up_panel"),
        "assessments": _teams(document.get("assessments", {}) or {}, "backlog.assessments"),
        "awaiting_allocation": _teams(
            document.get("awaiting_allocation", {}) or {}, "backlog.awaiting_allocation"
        ),
        "re_referrals_due_days": _days(
            document.get("re_referrals_due_days", []) or [],
            "backlog.re_referrals_due_days",
            "days from the start",
        ),
    }


def read_backlog(path: str | Path) -> dict[str, Any]:
    """Read and check a backlog file (the format of docs/backlog.md)."""
    from sim.yamlfile import display, read_yaml

    return parse_backlog(read_yaml(path), display(path))


def _is_path(value: str) -> bool:
    return value.endswith((".yaml", ".yml")) or "/" in value or os.sep in value


def backlog_source(override: str, folders: Sequence[Path]) -> Path | None:
    """The file an override selects the backlog from, or ``None`` if it does not.

    ``backlog=path/to/file.yaml`` and ``backlog.file=path/to/file.yaml`` name a file;
    ``backlog=<name>`` the group file ``backlog/<name>.yaml`` of the config folders (so its
    entries are checked and its integers accepted too).
    """
    from sim.errors import ConfigError

    name, sep, value = override.partition("=")
    if not sep or name not in ("backlog", "backlog.file") or "," in value or not value:
        return None  # a sweep is split into its choices by backlog_overrides
    if name == "backlog.file" or _is_path(value):
        path = Path(value).expanduser()
        if not path.is_file():
            raise ConfigError(name, value, "must be an existing backlog file (docs/backlog.md)")
        return path
    if value.startswith(GENERATED):
        return None
    for folder in folders:
        candidate = folder / "backlog" / f"{value}.yaml"
        if candidate.is_file():
            return candidate
    return None  # not a group option: Hydra lists the options


@contextmanager
def backlog_overrides(
    overrides: Sequence[str], folders: Sequence[Path]
) -> Iterator[tuple[list[str], Path | None]]:
    """``overrides`` with a backlog file replaced by a generated group option, and the folder to
    add to Hydra's search path for it (``None`` if no file was named); the folder is removed on
    leaving the block. The generated ``backlog/_file_<digest>.yaml`` holds the checked,
    normalised backlog, so the run's saved config shows what was simulated."""
    import hashlib
    import json
    import shutil
    import tempfile

    out: list[str] = []
    generated: dict[str, dict[str, Any]] = {}
    for override in overrides:
        name, _, value = override.partition("=")
        # A sweep over backlogs (backlog=a,b.yaml): each choice is read and generated alike.
        choices = [f"{name}={v.strip()}" for v in value.split(",")] if "," in value else [override]
        paths = [backlog_source(choice, folders) for choice in choices]
        if any(path is None for path in paths):
            out.append(override)
            continue
        names = []
        for path in paths:
            assert path is not None
            backlog = read_backlog(path)
            digest = hashlib.sha256(json.dumps(backlog, sort_keys=True).encode()).hexdigest()[:12]
            generated[f"{GENERATED}{digest}"] = backlog
            names.append(f"{GENERATED}{digest}")
        out.append(f"backlog={','.join(names)}")
    if not generated:
        yield out, None
        return
    root = Path(tempfile.mkdtemp(prefix="frontdoor-backlog-"))
    try:
        (root / "backlog").mkdir()
        for name, backlog in generated.items():
            document = {"defaults": ["schema", "_self_"], **backlog}
            text = json.dumps(document, indent=1)  # JSON is YAML
            (root / "backlog" / f"{name}.yaml").write_text(text + "\n", encoding="utf-8")
        yield out, root
    finally:
        shutil.rmtree(root, ignore_errors=True)
