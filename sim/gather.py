"""Gather a Hydra sweep (``frontdoor -m …``) into tables: one row per job, and tidy ones.

Every job of a sweep runs into its own folder (``<sweep dir>/<job num>``), where Hydra writes the
job's overrides to ``.hydra/overrides.yaml`` *before* the job starts, and the job keeps
``status.json`` (:mod:`sim.lifecycle`): ``running`` from its start, then ``ok`` with the list of
its outputs, or ``failed`` / ``interrupted`` with the reason. At the start of the sweep
:class:`GatherCallback` writes ``jobs.json``: the overrides of every job the sweep launches.

:func:`gather` reads those folders (:mod:`sim.sweep_jobs`) into one :class:`~pandas.DataFrame`:
``job``, ``overrides`` (one string, ``a=1 b=2``), one column per override key, ``status``,
``error``, ``scenario``, ``replications`` and, for every KPI, ``<kpi>`` (its mean),
``<kpi>_ci95_low`` and ``<kpi>_ci95_high`` (so ``decision_working_days_mean`` is that KPI's
mean, with no doubled suffix). Money is in whole pounds. ``status`` is

* ``ok`` — ``status.json`` says ``ok`` and every output it lists is there (only these rows
  have KPIs);
* ``failed`` / ``interrupted`` — the job raised, or was stopped by SIGINT / SIGTERM;
* ``incomplete`` — the job's folder exists but it has not finished: still running, killed
  outright (SIGKILL, power cut), or an output it listed is gone;
* ``missing`` — a job number in ``jobs.json`` that left no folder (the sweep stopped first).

:func:`report` writes it to ``<sweep dir>/gathered.csv``, beside the tidy tables of
:mod:`sim.sweep_tables` (``gathered_long``: job × KPI; ``gathered_replications``: job ×
replication × KPI; each as CSV and Parquet) and, given a baseline job, the paired differences
of :mod:`sim.sweep_differences` (``gathered_differences``, and ``gathered_interactions`` for a
factorial sweep). Whatever the files hold, gathering never raises on a job's contents: a file
it cannot read makes the job ``incomplete``.

It runs twice over: :class:`GatherCallback` (registered under ``hydra.callbacks`` in
``conf/config.yaml``; ``hydra.callbacks.gather.baseline`` names the baseline) gathers at the end
of every multirun, and the console script ``frontdoor-gather SWEEP_DIR [--baseline …]`` gathers
any sweep folder afterwards. The second is needed because Hydra skips ``on_multirun_end`` when
a job fails (facebookresearch/hydra#2284); ``frontdoor`` therefore also gathers a sweep whose
end-of-sweep callback did not run (:func:`gather_unfinished`).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hydra.experimental.callback import Callback

from sim.lifecycle import one_line
from sim.sweep_jobs import (
    JOBS,
    STATUS,
    Job,
    NotASweepError,
    job_folders,
    job_status,
    launched_jobs,
    number,
    read_jobs,
    read_json,
)

if TYPE_CHECKING:
    import pandas as pd
    from omegaconf import DictConfig

__all__ = ["NotASweepError", "expected_jobs", "gather", "job_folders", "job_status", "main"]

GATHERED = "gathered.csv"
LONG = "gathered_long"
REPLICATION_LEVEL = "gathered_replications"
DIFFERENCES = "gathered_differences"
INTERACTIONS = "gathered_interactions"
KPIS = "kpis"
STATUS_ORDER = ("ok", "failed", "interrupted", "incomplete", "missing")
CI_FIELDS = ("mean", "ci95_low", "ci95_high")
EXIT_NOT_A_SWEEP = 2


# ------------------------------------------------------------------------------------------------
# The job side: what a job leaves behind.


def expected_jobs(overrides: list[str]) -> list[list[str]]:
    """The overrides of every job of a multirun over ``overrides``, in launch order.

    The order of Hydra's basic sweeper (``BasicSweeper.split_arguments``, which is not public
    API): the cartesian product of each key's values, keys in the order first given (a key
    given twice keeps its place and takes its last value). Built here from the public override
    parser; ``tests/unit/test_hydra_api.py`` checks it against Hydra's own sweeper.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    choices: dict[str, list[str]] = {}
    for override in OverridesParser.create().parse_overrides(overrides):
        key = override.get_key_element()
        if not override.is_sweep_override():
            choices[key] = [f"{key}={override.get_value_element_as_str()}"]
        elif override.is_discrete_sweep():
            choices[key] = [f"{key}={value}" for value in override.sweep_string_iterator()]
        else:
            raise ValueError(f"{key}: a multirun sweeps lists, choice() or range(), not intervals")
    return [list(job) for job in itertools.product(*choices.values())]


def write_jobs(sweep_dir: Path, overrides: list[str]) -> Path:
    """Write ``<sweep dir>/jobs.json``: every job the sweep will launch, by job number."""
    from sim.atomic import write_text_atomic

    text = json.dumps({"jobs": expected_jobs(overrides)}, indent=2) + "\n"
    return write_text_atomic(sweep_dir / JOBS, text)


# ------------------------------------------------------------------------------------------------
# The gathering side.


def job_row(job: Job) -> dict[str, Any]:
    """One row of the wide table: the job's overrides, status and (under ``KPIS``, by
    ``(kpi, field)``, to be named and flattened by :func:`wide_table`) its KPIs."""
    row: dict[str, Any] = {"job": job.name, "overrides": " ".join(job.overrides)}
    row.update(job.settings)
    row.update(status=job.status, error=job.error)
    row.setdefault("scenario", job.scenario)
    replications = number(job.provenance("replications"))
    row["replications"] = None if replications is None else int(replications)
    kpis: dict[tuple[str, str], float | None] = {}
    for kpi, stats in job.kpis.items():
        for field in CI_FIELDS:
            kpis[(kpi, field)] = number(stats.get(field))
    row[KPIS] = kpis
    return row


def wide_table(jobs: list[Job]) -> pd.DataFrame:
    """One row per job (see the module docstring for columns)."""
    import pandas as pd

    from sim.sweep_tables import whole_pounds

    rows = [job_row(job) for job in jobs]
    first, last = ["job", "overrides"], ["status", "error"]
    # Override keys and scenario in the order met, then status, then every KPI any job reported.
    middle = list(dict.fromkeys(k for r in rows for k in r if k not in (*first, *last, KPIS)))

    # ``<kpi>`` is the mean, so no name ends ``_mean_mean``; ``<kpi>_mean`` only for a KPI named
    # like an override key (which a test's made-up key can be; the model's config paths are not).
    def column(kpi: str, field: str) -> str:
        return kpi if field == "mean" and kpi not in middle else f"{kpi}_{field}"

    named = [{column(*key): value for key, value in r.pop(KPIS).items()} for r in rows]
    kpis = list(dict.fromkeys(k for r in named for k in r))
    frame = pd.DataFrame([{**r, **n} for r, n in zip(rows, named, strict=True)])
    frame = frame.reindex(columns=[*first, *middle, *last, *kpis])
    frame["replications"] = frame["replications"].astype("Int64")
    for kpi in kpis:
        frame[kpi] = pd.to_numeric(frame[kpi])
    whole_pounds(frame, None, kpis)
    return frame


def gather(sweep_dir: Path) -> pd.DataFrame:
    """One row per job of the sweep in ``sweep_dir`` (see the module docstring for columns)."""
    return wide_table(read_jobs(Path(sweep_dir)))


def write_gather(sweep_dir: Path, table: pd.DataFrame | None = None) -> Path:
    """Write ``<sweep_dir>/gathered.csv`` (atomically) — ``table``, or :func:`gather` of the
    folder — and return its path."""
    from sim.atomic import write_atomic

    frame = gather(Path(sweep_dir)) if table is None else table
    return write_atomic(Path(sweep_dir) / GATHERED, lambda p: frame.to_csv(p, index=False))


def write_tables(sweep_dir: Path, tables: dict[str, pd.DataFrame]) -> list[Path]:
    """Write each table as ``<name>.csv`` and ``<name>.parquet`` in ``sweep_dir``, atomically."""
    from sim.atomic import write_atomic

    def csv(frame: pd.DataFrame) -> Callable[[Path], None]:
        return lambda path: frame.to_csv(path, index=False)

    def parquet(frame: pd.DataFrame) -> Callable[[Path], None]:
        return lambda path: frame.to_parquet(path, index=False)

    written = []
    for name, frame in tables.items():
        written.append(write_atomic(sweep_dir / f"{name}.csv", csv(frame)))
        written.append(write_atomic(sweep_dir / f"{name}.parquet", parquet(frame)))
    return written


def counts(table: pd.DataFrame) -> str:
    """``3 jobs: 2 ok, 1 failed`` — the statuses of a gathered table."""
    tally = table["status"].value_counts()
    parts = [f"{tally[s]} {s}" for s in STATUS_ORDER if s in tally]
    jobs = f"{len(table)} job{'s' if len(table) != 1 else ''}"
    return f"{jobs}: {', '.join(parts)}" if parts else jobs


def report(sweep_dir: Path, baseline: str | None = None) -> Path:
    """Gather ``sweep_dir``: write ``gathered.csv``, the long tables and, with a ``baseline``,
    the paired differences; print one line per job that is not ok or cannot be paired.

    Raises :class:`~sim.sweep_differences.BaselineError` (after writing the tables) when the
    baseline names no single ok job or some job cannot be paired with it.
    """
    from sim.sweep_tables import long_table, replication_table

    sweep_dir = Path(sweep_dir)
    jobs = read_jobs(sweep_dir)
    table = wide_table(jobs)
    path = write_gather(sweep_dir, table)
    write_tables(sweep_dir, {LONG: long_table(jobs), REPLICATION_LEVEL: replication_table(jobs)})
    for _, row in table[table["status"] != "ok"].iterrows():
        detail = f": {row['error']}" if row["error"] else ""
        print(f"  job {row['job']} {row['status']}{detail} [{row['overrides']}]")
    print(f"Gathered {counts(table)} -> {path} (long tables: {LONG}, {REPLICATION_LEVEL})")
    if baseline is not None:
        write_differences(sweep_dir, jobs, baseline)
    return path


def write_differences(sweep_dir: Path, jobs: list[Job], baseline: str) -> None:
    """Pair every job with the baseline and write the differences and interactions."""
    from sim.report.sweep import print_differences
    from sim.sweep_differences import (
        BaselineError,
        find_baseline,
        interaction_table,
        paired_table,
        paired_tables,
        parse_baseline,
    )
    from sim.sweep_tables import swept_keys

    for name in (DIFFERENCES, INTERACTIONS):  # a baseline that fails leaves none stale
        for suffix in (".csv", ".parquet"):
            (sweep_dir / f"{name}{suffix}").unlink(missing_ok=True)
    base = find_baseline(jobs, parse_baseline(baseline))
    tables, refused = paired_tables(jobs, base)
    differences = paired_table(jobs, base, tables)
    interactions = interaction_table(jobs, base, tables)
    write_tables(sweep_dir, {DIFFERENCES: differences, INTERACTIONS: interactions})
    keys = swept_keys(jobs)
    print_differences(base, differences, interactions, keys)
    named = " ".join(f"{k}={base.settings.get(k)}" for k in keys)
    print(
        f"Paired differences from job {base.name} [{named}]: "
        f"{differences['job'].nunique()} jobs -> {sweep_dir / DIFFERENCES}.csv"
        + (f", {INTERACTIONS}.csv" if not interactions.empty else "")
    )
    if refused:
        raise BaselineError(*(str(r) for r in refused))


# ------------------------------------------------------------------------------------------------
# Hydra's end of sweep, and the standalone command.

# Sweeps started in this process whose ``on_multirun_end`` has not run yet (a job failed).
_unfinished: list[tuple[Path, str | None]] = []


class GatherCallback(Callback):
    """Gather every multirun at its end (``hydra.callbacks.gather`` in ``conf/config.yaml``).

    ``baseline``: ``hydra.callbacks.gather.baseline='scenario=baseline staffing=current'``
    pairs every job with that one (:func:`write_differences`).
    """

    def __init__(self, baseline: str | None = None) -> None:
        self.baseline = baseline or None

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(str(config.hydra.sweep.dir)).resolve()
        _unfinished.append((sweep_dir, self.baseline))
        write_jobs(sweep_dir, list(config.hydra.overrides.task))

    def on_job_end(self, config: DictConfig, job_return: Any = None, **kwargs: Any) -> None:
        """One line per finished job of a sweep (:func:`job_done_line`), in any launcher."""
        from hydra.core.hydra_config import HydraConfig
        from hydra.types import RunMode

        from sim.progress import progress_mode

        hydra_cfg = HydraConfig.get()
        if hydra_cfg.mode != RunMode.MULTIRUN or progress_mode() == "off":
            return
        line = job_done_line(Path(str(hydra_cfg.sweep.dir)), list(hydra_cfg.overrides.task))
        if line:
            print(line, file=sys.stderr, flush=True)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(str(config.hydra.sweep.dir)).resolve()
        if (sweep_dir, self.baseline) in _unfinished:
            _unfinished.remove((sweep_dir, self.baseline))
        _report_or_say(sweep_dir, self.baseline)


def job_done_line(sweep_dir: Path, overrides: list[str]) -> str | None:
    """``sweep: job 2/4 done (staffing=x: ok); 0:00:40 elapsed, about 0:00:40 left``.

    Counted from the sweep folder itself (the jobs whose ``status.json`` is no longer
    ``running``; the time since ``jobs.json`` was written), so it is right whichever process
    runs the job (the joblib launcher's workers, a cluster's nodes).
    """
    import time

    from sim.progress import progress_line

    try:
        started = (sweep_dir / JOBS).stat().st_mtime
        folders = job_folders(sweep_dir)
    except (OSError, NotASweepError):
        return None
    states = {folder: (read_json(folder / STATUS) or {}).get("status") for folder in folders}
    finished = [f for f, state in states.items() if state in ("ok", "failed", "interrupted")]
    total = len(launched_jobs(sweep_dir)) or len(folders)
    detail = " ".join(o for o in overrides if not o.startswith("hydra"))
    elapsed = time.time() - started
    return progress_line("sweep", "job", len(finished), total, elapsed, detail=detail)


def _report_or_say(sweep_dir: Path, baseline: str | None) -> None:
    """:func:`report`, with a baseline that cannot be used said in one line, not raised: the
    sweep's own results are written and must not look like a failed run."""
    from sim.sweep_differences import BaselineError

    try:
        report(sweep_dir, baseline)
    except BaselineError as error:
        for line in error.args:
            print(f"frontdoor: {line}", file=sys.stderr)


def gather_unfinished() -> None:
    """Gather the sweeps Hydra left without ``on_multirun_end`` — a job failed (hydra#2284).

    Called by ``frontdoor`` after Hydra returns or raises; never raises itself, so the job's own
    error stays the one reported.
    """
    while _unfinished:
        sweep_dir, baseline = _unfinished.pop()
        try:
            _report_or_say(sweep_dir, baseline)
        except Exception as exc:
            print(f"frontdoor: could not gather {sweep_dir}: {one_line(exc)}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    """Console script ``frontdoor-gather SWEEP_DIR [--baseline 'key=value …']``.

    Exit status 0 when the tables were written (even if some jobs failed: see their ``status``
    column), 2 with one line when ``SWEEP_DIR`` is not a sweep folder, and 2 with one line per
    problem when the baseline names no single ok job or a job cannot be paired with it (the
    tables that could be written are written).
    """
    from sim.sweep_differences import BaselineError

    parser = argparse.ArgumentParser(
        prog="frontdoor-gather",
        description="Gather a `frontdoor -m` sweep folder into SWEEP_DIR/gathered.csv (one row "
        "per job with its overrides, status, error and KPIs with 95%% CIs), gathered_long "
        "(job x KPI) and gathered_replications (job x replication x KPI), as CSV and Parquet.",
    )
    parser.add_argument("sweep_dir", metavar="SWEEP_DIR", type=Path)
    parser.add_argument(
        "--baseline",
        metavar="'KEY=VALUE ...'",
        help="pair every job with this one, replication by replication (common random "
        "numbers): writes gathered_differences (every KPI's paired difference and 95%% CI, "
        "'real' where it excludes 0) and, for a factorial sweep, gathered_interactions",
    )
    args = parser.parse_args(argv)
    try:
        report(args.sweep_dir, args.baseline)
    except NotASweepError as error:
        print(f"frontdoor-gather: error: {error}", file=sys.stderr)
        raise SystemExit(EXIT_NOT_A_SWEEP) from None
    except BaselineError as error:
        for line in error.args:
            print(f"frontdoor-gather: error: {line}", file=sys.stderr)
        raise SystemExit(EXIT_NOT_A_SWEEP) from None


if __name__ == "__main__":
    main()
