"""Gather a Hydra sweep (``frontdoor -m …``) into one table: one row per job.

Every job of a sweep runs into its own folder (``<sweep dir>/<job num>``), where Hydra writes the
job's overrides to ``.hydra/overrides.yaml`` *before* the job starts, and the job keeps
``status.json`` (:mod:`sim.lifecycle`): ``running`` from its start, then ``ok`` with the list of
its outputs, or ``failed`` / ``interrupted`` with the reason. At the start of the sweep
:class:`GatherCallback` writes ``jobs.json``: the overrides of every job the sweep launches.

:func:`gather` reads those folders into one :class:`~pandas.DataFrame`: ``job``, ``overrides``
(one string, ``a=1 b=2``), one column per override key, ``status``, ``error``, ``scenario``,
``replications`` and ``<kpi>_mean``, ``<kpi>_ci95_low``, ``<kpi>_ci95_high`` for every KPI.
``status`` is

* ``ok`` — ``status.json`` says ``ok`` and every output it lists is there (only these rows
  have KPIs);
* ``failed`` / ``interrupted`` — the job raised, or was stopped by SIGINT / SIGTERM;
* ``incomplete`` — the job's folder exists but it has not finished: still running, killed
  outright (SIGKILL, power cut), or an output it listed is gone;
* ``missing`` — a job number in ``jobs.json`` that left no folder (the sweep stopped first).

:func:`write_gather` writes it to ``<sweep dir>/gathered.csv``. Whatever the files hold (wrong
shapes, bad encodings), gathering never raises on a job's contents: a file it cannot read makes
the job ``incomplete``.

It runs twice over: :class:`GatherCallback` (registered under ``hydra.callbacks`` in
``conf/config.yaml``) gathers at the end of every multirun, and the console script
``frontdoor-gather SWEEP_DIR`` gathers any sweep folder afterwards. The second is needed because
Hydra skips ``on_multirun_end`` when a job fails (facebookresearch/hydra#2284); ``frontdoor``
therefore also gathers a sweep whose end-of-sweep callback did not run (:func:`gather_unfinished`).
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hydra.experimental.callback import Callback

from sim.lifecycle import one_line

if TYPE_CHECKING:
    import pandas as pd
    from omegaconf import DictConfig

GATHERED = "gathered.csv"
MULTIRUN = "multirun.yaml"
KPIS = "kpis"
STATUS = "status.json"
SUMMARY = "summary.json"
JOBS = "jobs.json"
STATUS_ORDER = ("ok", "failed", "interrupted", "incomplete", "missing")
OVERRIDES = Path(".hydra") / "overrides.yaml"
CI_FIELDS = ("mean", "ci95_low", "ci95_high")
EXIT_NOT_A_SWEEP = 2


class NotASweepError(ValueError):
    """The folder is not the folder of a Hydra multirun (it has no ``multirun.yaml``)."""


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


def _natural_key(path: Path) -> list[Any]:
    """Sort ``2`` before ``10``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.as_posix())]


def job_folders(sweep_dir: Path) -> list[Path]:
    """Every job folder under ``sweep_dir`` (any depth, for a custom ``hydra.sweep.subdir``), in
    job order; none yet for a sweep that has just started.

    A sweep folder is one where Hydra wrote ``multirun.yaml``; a job folder is one where it wrote
    ``.hydra/overrides.yaml``. Raises :class:`NotASweepError` for any other folder.
    """
    if not sweep_dir.is_dir():
        raise NotASweepError(f"{sweep_dir} is not a folder")
    if not (sweep_dir / MULTIRUN).is_file():
        kind = "a single run's folder, not" if (sweep_dir / OVERRIDES).is_file() else "not"
        raise NotASweepError(
            f"{sweep_dir} is {kind} a sweep folder: it has no {MULTIRUN} "
            "(give the folder of a `frontdoor -m` run, e.g. outputs/sweeps/<date>/<time>)"
        )
    found = [
        marker.parent.parent
        for marker in sweep_dir.rglob(OVERRIDES.name)
        if marker.parent.name == OVERRIDES.parent.name
    ]
    return sorted(found, key=lambda p: _natural_key(p.relative_to(sweep_dir)))


def _read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object from ``path``; ``None`` if absent, unreadable, not UTF-8 or not an object."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    return document if isinstance(document, dict) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _overrides(folder: Path) -> list[str]:
    import yaml

    try:
        loaded = yaml.safe_load((folder / OVERRIDES).read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):  # being written by Hydra, or not UTF-8
        return []
    return [str(item) for item in loaded] if isinstance(loaded, list) else []


def _scenario(folder: Path) -> str | None:
    """The job's ``scenario``, from the config Hydra saved before the job started."""
    import yaml

    try:
        config = yaml.safe_load((folder / ".hydra" / "config.yaml").read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError):
        return None
    scenario = config.get("scenario") if isinstance(config, dict) else None
    return None if scenario is None else str(scenario)


def override_key(override: str) -> str:
    """``staffing.pools.x.staff`` for ``staffing.pools.x.staff=12`` (also ``+key=…``, ``~key``)."""
    return override.partition("=")[0].lstrip("+~")


def job_status(folder: Path) -> tuple[str, str, dict[str, Any] | None]:
    """``(status, error, summary)`` of the job in ``folder`` (see the module docstring)."""
    status = _read_json(folder / STATUS)
    state = status.get("status") if status else None
    error = str(status.get("error", "")) if status else ""
    if state in ("failed", "interrupted"):
        return str(state), error, None
    if state != "ok" or status is None:
        return "incomplete", "", None
    outputs = status.get("outputs")
    names = [str(n) for n in outputs] if isinstance(outputs, list) else []
    summary = _read_json(folder / SUMMARY)
    gone = [n for n in {*names, SUMMARY} if not (folder / n).is_file()]
    if summary is None or gone:
        return "incomplete", f"missing or unreadable: {', '.join(sorted(gone)) or SUMMARY}", None
    return "ok", "", summary


def job_row(
    folder: Path, name: str, launched: list[str] | None = None, missing: bool = False
) -> dict[str, Any]:
    """One row of the gathered table: the job's overrides, status and (under ``KPIS``, to be
    flattened by :func:`gather`) its KPIs. ``missing``: the sweep launched the job (with the
    overrides ``launched``) but it left no folder."""
    overrides = launched if missing and launched is not None else _overrides(folder)
    if not overrides and launched:
        overrides = launched
    row: dict[str, Any] = {"job": name, "overrides": " ".join(overrides)}
    for override in overrides:
        row[override_key(override)] = override.partition("=")[2]
    state, error, summary = ("missing", "", None) if missing else job_status(folder)
    row.update(status=state, error=error)
    row.setdefault("scenario", None if missing else _scenario(folder))
    row["replications"] = None
    kpis: dict[str, Any] = {}
    if summary is not None:
        replications = _number(_dict(summary.get("provenance")).get("replications"))
        row["replications"] = None if replications is None else int(replications)
        for kpi, stats in _dict(summary.get("kpis")).items():
            for field in CI_FIELDS:
                kpis[f"{kpi}_{field}"] = _number(_dict(stats).get(field))
    row[KPIS] = kpis
    return row


def launched_jobs(sweep_dir: Path) -> list[list[str]]:
    """The overrides of every job the sweep launched (``jobs.json``); empty if not recorded."""
    document = _read_json(sweep_dir / JOBS) or {}
    jobs = document.get("jobs")
    if not isinstance(jobs, list):
        return []
    return [[str(o) for o in job] if isinstance(job, list) else [] for job in jobs]


def gather(sweep_dir: Path) -> pd.DataFrame:
    """One row per job of the sweep in ``sweep_dir`` (see the module docstring for columns)."""
    import pandas as pd

    sweep_dir = Path(sweep_dir)
    launched = launched_jobs(sweep_dir)
    found = {folder.relative_to(sweep_dir).as_posix(): folder for folder in job_folders(sweep_dir)}
    rows = [
        job_row(folder, name, launched[int(name)] if _is_job(name, launched) else None)
        for name, folder in found.items()
    ]
    rows += [
        job_row(sweep_dir / str(num), str(num), overrides, missing=True)
        for num, overrides in enumerate(launched)
        if str(num) not in found
    ]
    rows.sort(key=lambda r: _natural_key(Path(str(r["job"]))))
    first, last = ["job", "overrides"], ["status", "error"]
    # Override keys and scenario in the order met, then status, then every KPI any job reported.
    middle = list(dict.fromkeys(k for r in rows for k in r if k not in (*first, *last, KPIS)))
    kpis = list(dict.fromkeys(k for r in rows for k in r[KPIS]))
    frame = pd.DataFrame([{**r, **r.pop(KPIS)} for r in rows])
    frame = frame.reindex(columns=[*first, *middle, *last, *kpis])
    frame["replications"] = frame["replications"].astype("Int64")
    for kpi in kpis:
        frame[kpi] = pd.to_numeric(frame[kpi])
    return frame


def _is_job(name: str, launched: list[list[str]]) -> bool:
    return name.isdigit() and int(name) < len(launched)


def write_gather(sweep_dir: Path, table: pd.DataFrame | None = None) -> Path:
    """Write ``<sweep_dir>/gathered.csv`` (atomically) — ``table``, or :func:`gather` of the
    folder — and return its path."""
    from sim.atomic import write_atomic

    frame = gather(Path(sweep_dir)) if table is None else table
    return write_atomic(Path(sweep_dir) / GATHERED, lambda p: frame.to_csv(p, index=False))


def counts(table: pd.DataFrame) -> str:
    """``3 jobs: 2 ok, 1 failed`` — the statuses of a gathered table."""
    tally = table["status"].value_counts()
    parts = [f"{tally[s]} {s}" for s in STATUS_ORDER if s in tally]
    jobs = f"{len(table)} job{'s' if len(table) != 1 else ''}"
    return f"{jobs}: {', '.join(parts)}" if parts else jobs


def report(sweep_dir: Path) -> Path:
    """Gather ``sweep_dir``, write ``gathered.csv`` and print one line per job that is not ok."""
    table = gather(Path(sweep_dir))
    path = write_gather(sweep_dir, table)
    for _, row in table[table["status"] != "ok"].iterrows():
        detail = f": {row['error']}" if row["error"] else ""
        print(f"  job {row['job']} {row['status']}{detail} [{row['overrides']}]")
    print(f"Gathered {counts(table)} -> {path}")
    return path


# ------------------------------------------------------------------------------------------------
# Hydra's end of sweep, and the standalone command.

# Sweeps started in this process whose ``on_multirun_end`` has not run yet (a job failed).
_unfinished: list[Path] = []


class GatherCallback(Callback):
    """Gather every multirun at its end (``hydra.callbacks.gather`` in ``conf/config.yaml``)."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(str(config.hydra.sweep.dir)).resolve()
        _unfinished.append(sweep_dir)
        write_jobs(sweep_dir, list(config.hydra.overrides.task))

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(str(config.hydra.sweep.dir)).resolve()
        if sweep_dir in _unfinished:
            _unfinished.remove(sweep_dir)
        report(sweep_dir)


def gather_unfinished() -> None:
    """Gather the sweeps Hydra left without ``on_multirun_end`` — a job failed (hydra#2284).

    Called by ``frontdoor`` after Hydra returns or raises; never raises itself, so the job's own
    error stays the one reported.
    """
    while _unfinished:
        sweep_dir = _unfinished.pop()
        try:
            report(sweep_dir)
        except Exception as exc:
            print(f"frontdoor: could not gather {sweep_dir}: {one_line(exc)}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    """Console script ``frontdoor-gather SWEEP_DIR``: write ``SWEEP_DIR/gathered.csv``.

    Exit status 0 when the table was written (even if some jobs failed: see its ``status``
    column), 2 with one line when ``SWEEP_DIR`` is not a sweep folder.
    """
    parser = argparse.ArgumentParser(
        prog="frontdoor-gather",
        description="Gather a `frontdoor -m` sweep folder into SWEEP_DIR/gathered.csv: one row "
        "per job with its overrides, status (ok / failed / interrupted / incomplete / missing), "
        "error and KPIs with 95% CIs.",
    )
    parser.add_argument("sweep_dir", metavar="SWEEP_DIR", type=Path)
    args = parser.parse_args(argv)
    try:
        report(args.sweep_dir)
    except NotASweepError as error:
        print(f"frontdoor-gather: error: {error}", file=sys.stderr)
        raise SystemExit(EXIT_NOT_A_SWEEP) from None


if __name__ == "__main__":
    main()
