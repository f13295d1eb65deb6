"""The event-name registry (sim/vocabulary.py) against both sides that use it.

- Writing: short runs that exercise every mechanism (the combined front door, a warm start from
  the example backlog, the default pathway with its downstream teams) write only registered
  events, and between them write every registered one — so a renamed task, or a stale name left
  in the registry, fails here by name.
- Reading: every event name that the KPI and warm-start code looks up in a contact table is a
  registered one, so a KPI cannot silently become NaN because its event was renamed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sim.compose import load
from sim.runner import run_replication
from sim.vocabulary import EVENTS

SIM = Path(__file__).resolve().parents[2] / "sim"
RUNS = {  # seeded, short; between them every mechanism that writes an event
    "default": ["run.warmup_days=60", "run.horizon_days=120"],
    "combined": ["scenario=combined", "run.warmup_days=28", "run.horizon_days=60"],
    "backlog": ["backlog=example", "run.warmup_days=0", "run.horizon_days=30"],
}
READERS = (
    "analysis/metrics.py",
    "analysis/downstream.py",
    "backlog.py",
    "analysis/costs.py",
    "engine/log_tables.py",
)
LOOKUPS = {"_column": 1, "has_event": 2, "done": 0}  # function -> index of the event argument
EVENT_LIKE = re.compile(r"[a-z0-9_]+_(start|end|queued)")
NOT_EVENTS = {"open_at_end", "age_at_start"}  # contact attributes whose names look like events


@pytest.fixture(scope="module")
def written() -> dict[str, set[str]]:
    names = {}
    for run, overrides in RUNS.items():
        result = run_replication(load([*overrides, "run.replications=1"]), 0, keep_events=True)
        assert result.events is not None
        names[run] = set(map(str, result.events["event"].cat.categories))
    return names


def test_runs_write_only_registered_events(written: dict[str, set[str]]) -> None:
    for run, names in written.items():
        unknown = sorted(names - EVENTS)
        assert not unknown, f"{run} wrote events missing from sim/vocabulary.py: {unknown}"


def test_every_registered_event_is_written_by_some_run(written: dict[str, set[str]]) -> None:
    stale = sorted(EVENTS - set().union(*written.values()))
    assert not stale, f"registered but never written (renamed or removed?): {stale}"


def _names_read(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            where = LOOKUPS.get(node.func.id)
            if where is not None and len(node.args) > where:
                argument = node.args[where]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    names.add(argument.value)
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and EVENT_LIKE.fullmatch(node.value)
            and node.value not in NOT_EVENTS
        ):
            names.add(node.value)
    return names


def test_the_kpi_code_reads_only_registered_events() -> None:
    read = {name: _names_read(SIM / name) for name in READERS}
    # the scan finds the KPI code's lookups, in the front door's KPIs and in those after it
    assert len(read["analysis/metrics.py"]) > 8
    assert len(read["analysis/downstream.py"]) > 10
    for module, names in read.items():
        unknown = sorted(names - EVENTS)
        assert not unknown, f"sim/{module} reads events the pathway never writes: {unknown}"
