"""Time one replication of the model: the performance benchmark of record.

Performance is measured here, never by timed tests. Two cases:

- ``baseline``: the default scenario (``conf/config.yaml``) over a simulated year — warm-up 28 d,
  horizon 365 d, the default drain;
- ``mmc``: the M/M/c verification preset (``validation=mmc``) over 120 d.

Each case is timed end to end through :func:`sim.runner.run_replication` (build the world,
simulate, turn the event log into a DataFrame and compute every KPI), which is what one
replication costs inside ``sim.run``. Loading the config is not timed. One untimed warm-up run
precedes the timed repeats; a further run under :mod:`tracemalloc` measures peak memory (it is
slower, so it is never timed).

Usage (from the repository root)::

    python benchmarks/bench_replication.py [--repeats N] [--days D] [--out FILE]

Profile with::

    python -m cProfile -s cumtime benchmarks/bench_replication.py --repeats 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a plain script from a checkout
    sys.path.insert(0, str(REPO))

import sim  # noqa: E402
from benchmarks.bare_simpy import bare_simpy  # noqa: E402
from benchmarks.scale import experiment_wall, replication_years, rss_by_replications  # noqa: E402
from sim.runner import run_replication  # noqa: E402

MIB = 1024.0 * 1024.0


@dataclass(frozen=True)
class Case:
    """One benchmark case: a name and the overrides that configure it."""

    name: str
    description: str
    overrides: tuple[str, ...]


@dataclass
class CaseResult:
    """Figures for one case."""

    name: str
    description: str
    overrides: list[str]
    repeats: int
    wall_best_s: float
    wall_median_s: float
    wall_all_s: list[float]
    contacts_simulated: int
    contacts_measured: int
    event_rows: int
    stage_visits: int
    contacts_per_s: float
    event_rows_per_s: float
    stage_visits_per_s: float
    peak_traced_mib: float | None
    bytes_per_event_row: float | None


def cases(days: int, mmc_days: int, warmup_days: int) -> list[Case]:
    """The benchmark cases: the default baseline over ``days`` and M/M/c over ``mmc_days``."""
    common = ("run.replications=1", "run.jobs=1", "run.plots=false")
    return [
        Case(
            "baseline",
            f"default scenario, warm-up {warmup_days} d + horizon {days} d",
            (f"run.warmup_days={warmup_days}", f"run.horizon_days={days}", *common),
        ),
        Case(
            "mmc",
            f"validation=mmc preset, horizon {mmc_days} d",
            ("validation=mmc", f"run.horizon_days={mmc_days}", *common),
        ),
    ]


def time_case(case: Case, repeats: int, memory: bool = True) -> CaseResult:
    """Warm up once, time ``repeats`` replications, then measure peak memory in one more."""
    cfg = sim.load(list(case.overrides))
    description = f"{case.description} ({cfg.run.drain_days:g} d drain, seed {cfg.run.seed})"
    warm = run_replication(cfg, 0, keep_events=True)  # untimed: first-call costs, and the counts
    assert warm.events is not None
    event_rows = len(warm.events)
    contacts = int(warm.events["contact_id"].nunique())
    visits = stage_visits(warm.events)
    measured = int(warm.kpis.get("contacts", float("nan")))
    del warm

    walls: list[float] = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        result = run_replication(cfg, 0, keep_events=True)
        walls.append(time.perf_counter() - start)
        assert result.events is not None and len(result.events) == event_rows  # deterministic
        del result

    peak: float | None = None
    if memory:
        gc.collect()
        tracemalloc.start()
        run_replication(cfg, 0, keep_events=True)
        peak = tracemalloc.get_traced_memory()[1] / MIB
        tracemalloc.stop()

    best = min(walls)
    return CaseResult(
        name=case.name,
        description=description,
        overrides=list(case.overrides),
        repeats=repeats,
        wall_best_s=best,
        wall_median_s=statistics.median(walls),
        wall_all_s=walls,
        contacts_simulated=contacts,
        contacts_measured=measured,
        event_rows=event_rows,
        stage_visits=visits,
        contacts_per_s=contacts / best,
        event_rows_per_s=event_rows / best,
        stage_visits_per_s=visits / best,
        peak_traced_mib=peak,
        bytes_per_event_row=None if peak is None else peak * MIB / event_rows,
    )


def stage_visits(events: Any) -> int:
    """Services at staffed steps: the ``<step>_start`` rows that name a staff pool."""
    names = events["event"].astype(str)
    return int((names.str.endswith("_start") & (events["pool"].astype(str) != "")).sum())


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _max_rss_mib() -> float | None:
    """Peak resident set size of this process so far (Unix only)."""
    try:
        import resource
    except ImportError:
        return None
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / MIB if sys.platform == "darwin" else rss / 1024.0  # bytes on macOS, KiB on Linux


def _git_revision() -> str | None:
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def machine() -> dict[str, Any]:
    """Where the figures were measured."""
    import pandas as pd
    import simpy

    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": affinity,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "simpy": simpy.__version__,
        "frontdoor_sim": sim.__version__,
        "git": _git_revision(),
        "openblas_env": {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")},
    }


def table(results: list[CaseResult]) -> str:
    """A plain-text table of the figures, one row per case."""
    header = (
        "case",
        "best s",
        "median s",
        "contacts/s",
        "stage-visits",
        "visits/s",
        "event rows",
        "rows/s",
        "peak MiB",
        "B/row",
    )
    rows = [header]
    for r in results:
        rows.append(
            (
                r.name,
                f"{r.wall_best_s:.3f}",
                f"{r.wall_median_s:.3f}",
                f"{r.contacts_per_s:,.0f}",
                f"{r.stage_visits:,}",
                f"{r.stage_visits_per_s:,.0f}",
                f"{r.event_rows:,}",
                f"{r.event_rows_per_s:,.0f}",
                "-" if r.peak_traced_mib is None else f"{r.peak_traced_mib:.1f}",
                "-" if r.bytes_per_event_row is None else f"{r.bytes_per_event_row:.0f}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        return "  ".join(cells)

    return "\n".join([line(rows[0]), "  ".join("-" * w for w in widths), *map(line, rows[1:])])


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats per case (5)")
    parser.add_argument("--days", type=int, default=365, help="baseline horizon in days (365)")
    parser.add_argument("--mmc-days", type=int, default=120, help="M/M/c horizon in days (120)")
    parser.add_argument("--warmup-days", type=int, default=28, help="baseline warm-up (28)")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    parser.add_argument(
        "--replications", type=int, default=100, help="replication-years on all cores (100)"
    )
    parser.add_argument(
        "--one-core-replications",
        type=int,
        default=None,
        help="replication-years on one core, for the speedup (default: --replications)",
    )
    parser.add_argument("--no-scale", action="store_true", help="skip the many-replication runs")
    parser.add_argument(
        "--no-experiments", action="store_true", help="skip timing the budget experiments"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="JSON file (default benchmarks/results/<git>.json)"
    )
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.replications < 2:
        parser.error("--repeats must be at least 1 and --replications at least 2")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    host = machine()
    print(
        f"frontdoor-sim {host['frontdoor_sim']} ({host['git'] or 'no git'}) | "
        f"{host['python']} | numpy {host['numpy']} | pandas {host['pandas']} | "
        f"simpy {host['simpy']}"
    )
    print(f"{host['platform']} | {host['cpu']} | {host['cpu_count']} CPUs")
    print(f"(a) one replication, end to end (build + simulate + KPIs); {args.repeats} repeats\n")
    report: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": host,
    }
    results = [
        time_case(case, args.repeats, memory=not args.no_memory)
        for case in cases(args.days, args.mmc_days, args.warmup_days)
    ]
    report["cases"] = [asdict(r) for r in results]
    print(table(results))
    for r in results:
        print(f"{r.name}: {r.description}; {r.contacts_measured:,} contacts measured")

    bare = bare_simpy(repeats=3)
    report["bare_simpy"] = asdict(bare)
    ratio = results[0].stage_visits_per_s / bare.customers_per_s
    report["ratio_stage_visits_to_bare_simpy"] = ratio
    print(
        f"\n(b) bare SimPy M/M/{bare.servers}, rho {bare.rho}, {bare.customers:,} customers: "
        f"best {bare.wall_best_s:.3f} s, {bare.customers_per_s:,.0f} customers/s "
        f"(mean wait {bare.mean_wait:.4f}, Erlang C {bare.theory_wait:.4f})"
    )
    print(f"(c) ratio, baseline stage-visits/s to bare SimPy customers/s: {ratio:.2f}")

    if not args.no_scale:
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        one_core = args.one_core_replications or args.replications
        report["replication_years"] = {}
        for warm_start in ("empty", "snapshot"):
            many = replication_years(args.replications, jobs, warm_start=warm_start)
            one = replication_years(one_core, 1, warm_start=warm_start)
            speedup = many.replication_years_per_s / one.replication_years_per_s
            report["replication_years"][warm_start] = {
                "all_cores": asdict(many),
                "one_core": asdict(one),
                "speedup": speedup,
            }
            how = {"empty": "each warmed up from empty", "snapshot": "one shared warm-up"}
            print(
                f"(d) {many.replications} replications x 1 measured year, default 560-day "
                f"warm-up, {how[warm_start]} (run.warm_start={warm_start}): {many.wall_s:.1f} s "
                f"on {jobs} cores; {one.replications} on one core {one.wall_s:.1f} s; speedup "
                f"{speedup:.2f} (replication-years per second)"
            )
        points = rss_by_replications()
        report["rss_by_replications"] = [asdict(p) for p in points]
        print(
            "(e) peak memory per retained event-log row: "
            + ", ".join(
                f"{r.name} {r.bytes_per_event_row:.0f} B" for r in results if r.bytes_per_event_row
            )
            + "; process peak RSS by replications kept: "
            + ", ".join(f"{p.replications} reps {p.peak_rss_mib:.0f} MiB" for p in points)
        )
    if not args.no_experiments:
        walls = [experiment_wall("budget_frontier"), experiment_wall("budget_alignment")]
        report["experiments"] = [asdict(w) for w in walls]
        print(
            "(f) at their documented defaults: "
            + ", ".join(
                f"{w.experiment} {w.wall_s / 60:.1f} min (exit {w.exit_status})" for w in walls
            )
        )
    rss = _max_rss_mib()
    report["process_peak_rss_mib"] = rss
    if rss is not None:
        print(f"this process's peak RSS (everything, incl. imports): {rss:.0f} MiB")
    out = args.out or REPO / "benchmarks" / "results" / f"{host['git'] or 'unknown'}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
