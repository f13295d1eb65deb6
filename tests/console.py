"""Run a console entry point the way a user does: ``python -m <module> args`` in a folder.

Shared by the CLI, sweep and fault tests so all see the same environment: ``CI=1`` (no progress
bar), short Hydra errors. ``hooks`` runs ``frontdoor`` through :mod:`tests.hooked_frontdoor`
with those fault-injection hooks (test support; the production code has none).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.hooked_frontdoor import FAIL_IF, PAUSE_AT, STAGE_FILE

HOOKED = "tests.hooked_frontdoor"
ROOT = Path(__file__).resolve().parent.parent
TINY_RUN = [
    "run.replications=2",
    "run.horizon_days=7",
    "run.warmup_days=2",
    "run.drain_days=2",
    "run.plots=false",
    "run.event_log=false",
]
"""Two short replications: seconds per job, for the sweep tests of every launcher."""
TINY_SWEEP = ["staffing.pools.social_workers.staff=10,12", *TINY_RUN]
"""Two jobs of :data:`TINY_RUN` whose KPIs differ."""


PROGRESS_LINE = re.compile(r"^\S+: [a-z]+ \d+(/\d+)? done( \(.*\))?; \d+:\d\d:\d\d elapsed")
"""A line of :mod:`sim.progress` (one per replication, option or job when not at a terminal)."""


def without_progress(text: str) -> list[str]:
    """The lines of ``text`` (standard error) that are not progress lines."""
    return [line for line in text.strip().splitlines() if not PROGRESS_LINE.match(line)]


def environment(hooks: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a user's shell in CI, with ``hooks`` (and this checkout importable)."""
    env = {**os.environ, "CI": "1", "HYDRA_FULL_ERROR": "0"}
    for name in (FAIL_IF, PAUSE_AT, STAGE_FILE):
        env.pop(name, None)
    if hooks:
        env.update(hooks)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def run_module(
    module: str, *args: str, cwd: Path, hooks: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m <module> args`` with ``cwd`` as the working folder; never raises on failure."""
    return subprocess.run(
        [sys.executable, "-m", HOOKED if hooks else module, *args],
        cwd=cwd,
        env=environment(hooks),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def start_module(
    module: str, *args: str, cwd: Path, hooks: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """Start ``python -m <module> args`` without waiting (for signals and races)."""
    return subprocess.Popen(
        [sys.executable, "-m", HOOKED if hooks else module, *args],
        cwd=cwd,
        env=environment(hooks),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
