"""The benchmark's whole-run figures: many replications on all cores, memory as runs grow, and
the budget experiments end to end.

Each is what a user waits for, timed the way they would meet it:

- :func:`replication_years`: ``R`` replications of the default baseline with its default warm-up
  and a measured year, through :func:`sim.runner.simulate_replications` on ``jobs`` worker
  processes (started once for the run) — and the same on one core, for the speedup; each
  replication warmed up from empty, or all from one shared warm-up (``run.warm_start=snapshot``);
- :func:`rss_by_replications`: the peak resident memory of a fresh process that runs ``R``
  replications keeping their event logs, for two values of ``R`` — flat if retained logs are
  streamed to disk rather than held;
- :func:`experiment_wall`: an experiment's command at its documented defaults, in a fresh
  process, as an analyst runs it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ReplicationYears:
    replications: int
    jobs: int
    overrides: list[str]
    wall_s: float
    replication_years_per_s: float


def replication_years(
    replications: int, jobs: int, days: int = 365, warm_start: str = "empty"
) -> ReplicationYears:
    """Wall time of ``replications`` × ``days`` measured days of the default baseline, each
    replication warmed up from empty (``warm_start="empty"``, the default 560 days) or all of
    them from one shared warm-up of the same length (``"snapshot"``, :mod:`sim.shared_warm_up`)."""
    import sim
    from sim.runner import simulate_replications

    overrides = [
        f"run.replications={replications}",
        f"run.horizon_days={days}",
        f"run.jobs={jobs}",
        f"run.warm_start={warm_start}",
        "run.executor=process" if jobs > 1 else "run.executor=serial",
        "run.event_log=false",
        "run.plots=false",
    ]
    cfg = sim.load(overrides)
    start = time.perf_counter()
    simulate_replications(cfg, keep_events=False, progress=False)
    wall = time.perf_counter() - start
    years = replications * days / 365.0
    return ReplicationYears(replications, jobs, overrides, wall, years / wall)


# The child reads its peak RSS from /proc (VmHWM: this address space's high-water mark, which
# starts afresh at exec), not from getrusage, whose ru_maxrss Linux carries over from the parent
# that forked it. It counts the rows written without loading the file.
_RSS_CHILD = """
import json, sys
import pyarrow.parquet as pq
import sim
from sim.runner import simulate_replications
cfg = sim.load(sys.argv[2:])
results = simulate_replications(cfg, keep_events=True, progress=False)
rows = 0 if results.event_log is None else pq.ParquetFile(results.event_log.path).metadata.num_rows
peak = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")][0]
print(json.dumps({"rss_mib": int(peak.split()[1]) / 1024, "event_rows": rows}))
"""


@dataclass(frozen=True)
class RssPoint:
    replications: int
    event_rows: int
    peak_rss_mib: float


def rss_by_replications(counts: tuple[int, ...] = (2, 8), days: int = 182) -> list[RssPoint]:
    """Peak RSS of a fresh process running each number of replications, event logs kept."""
    points = []
    for count in counts:
        overrides = [
            f"run.replications={count}",
            f"run.horizon_days={days}",
            "run.warmup_days=28",
            "run.jobs=1",
            "run.plots=false",
        ]
        out = subprocess.run(
            [sys.executable, "-c", _RSS_CHILD, "--", *overrides],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        points.append(RssPoint(count, int(figures["event_rows"]), float(figures["rss_mib"])))
    return points


@dataclass(frozen=True)
class ExperimentWall:
    experiment: str
    args: list[str]
    wall_s: float
    exit_status: int


def experiment_wall(name: str, args: tuple[str, ...] = ()) -> ExperimentWall:
    """Wall time of ``python -m experiments.<name> ARGS`` in a fresh process."""
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", f"experiments.{name}", "--out", out, *args]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:]
        print(f"experiments.{name} exited {done.returncode}: {tail}", file=sys.stderr)
    return ExperimentWall(name, list(args), wall, done.returncode)
