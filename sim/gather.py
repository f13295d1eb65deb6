"""Gather a Hydra sweep (``frontdoor -m …``) into one table: one row per job.

Every job of a sweep runs into its own folder (``<sweep dir>/<job num>``), where Hydra writes the
job's overrides to ``.hydra/overrides.yaml`` *before* the job starts. The job then leaves

* ``summary.json`` when it succeeded (:func:`sim.report.files.write_run`), or
* ``status.json`` — ``{"status": "failed", "error": "<one line>", "overrides": [...]}`` — when
  it raised (written by the ``frontdoor`` app, :func:`record_failure`, before re-raising), or
* neither, while it is still running or after it was killed: status ``missing``.

:func:`gather` reads those folders into one :class:`~pandas.DataFrame`: ``job``, ``overrides``
(one string, ``a=1 b=2``), one column per override key, ``status`` (``ok`` / ``failed`` /
``missing``), ``error``, ``scenario``, ``replications`` and ``<kpi>_mean``, ``<kpi>_ci95_low``,
``<kpi>_ci95_high`` for every KPI. :func:`write_gather` writes it to ``<sweep dir>/gathered.csv``.

It runs twice over: :class:`GatherCallback` (registered under ``hydra.callbacks`` in
``conf/config.yaml``) gathers at the end of every multirun, and the console script
``frontdoor-gather SWEEP_DIR`` gathers any sweep folder afterwards. The second is needed because
Hydra skips ``on_multirun_end`` when a job fails (facebookresearch/hydra#2284); ``frontdoor``
therefore also gathers a sweep whose end-of-sweep callback did not run (:func:`gather_unfinished`).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hydra.experimental.callback import Callback

if TYPE_CHECKING:
    import pandas as pd
    from omegaconf import DictConfig

GATHERED = "gathered.csv"
MULTIRUN = "multirun.yaml"
KPIS = "kpis"
STATUS = "status.json"
SUMMARY = "summary.json"
OVERRIDES = Path(".hydra") / "overrides.yaml"
CI_FIELDS = ("mean", "ci95_low", "ci95_high")
EXIT_NOT_A_SWEEP = 2


class NotASweepError(ValueError):
    """The folder is not the folder of a Hydra multirun (it has no ``multirun.yaml``)."""


# ------------------------------------------------------------------------------------------------
# The job side: what a job leaves behind.


def one_line(exc: BaseException) -> str:
    """``Type: first line of the message`` — the error as one line."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0].strip()}" if lines else type(exc).__name__


def clear_status(folder: Path) -> None:
    """Remove the outcome files of an earlier job in ``folder`` (a reused sweep directory), so a
    job that is killed this time is reported as missing, not with the old outcome."""
    for name in (STATUS, SUMMARY):
        (folder / name).unlink(missing_ok=True)


def record_failure(folder: Path, exc: BaseException, overrides: list[str]) -> Path:
    """Write ``status.json`` for a failed job, atomically."""
    from sim.report.files import write_atomic

    document = {"status": "failed", "error": one_line(exc), "overrides": list(overrides)}
    text = json.dumps(document, indent=2) + "\n"

    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    return write_atomic(folder / STATUS, write)


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
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def _overrides(folder: Path) -> list[str]:
    import yaml

    try:
        loaded = yaml.safe_load((folder / OVERRIDES).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):  # being written by Hydra just now
        return []
    return [str(item) for item in loaded] if isinstance(loaded, list) else []


def _scenario(folder: Path) -> str | None:
    """The job's ``scenario``, from the config Hydra saved before the job started."""
    import yaml

    try:
        config = yaml.safe_load((folder / ".hydra" / "config.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    scenario = config.get("scenario") if isinstance(config, dict) else None
    return None if scenario is None else str(scenario)


def override_key(override: str) -> str:
    """``staffing.pools.x.staff`` for ``staffing.pools.x.staff=12`` (also ``+key=…``, ``~key``)."""
    return override.partition("=")[0].lstrip("+~")


def job_row(folder: Path, name: str) -> dict[str, Any]:
    """One row of the gathered table: the job's overrides, status and (under ``KPIS``, to be
    flattened by :func:`gather`) its KPIs."""
    overrides = _overrides(folder)
    row: dict[str, Any] = {"job": name, "overrides": " ".join(overrides)}
    for override in overrides:
        row[override_key(override)] = override.partition("=")[2]
    status = _read_json(folder / STATUS)
    summary = _read_json(folder / SUMMARY)
    if status is not None and status.get("status") == "failed":
        row.update(status="failed", error=str(status.get("error", "")))
    elif summary is not None:
        row.update(status="ok", error="")
    else:
        row.update(status="missing", error="")
    row.setdefault("scenario", _scenario(folder))
    row["replications"] = None
    kpis: dict[str, Any] = {}
    if row["status"] == "ok" and summary is not None:
        row["replications"] = summary.get("provenance", {}).get("replications")
        for kpi, stats in summary.get("kpis", {}).items():
            for field in CI_FIELDS:
                kpis[f"{kpi}_{field}"] = (stats or {}).get(field)
    row[KPIS] = kpis
    return row


def gather(sweep_dir: Path) -> pd.DataFrame:
    """One row per job of the sweep in ``sweep_dir`` (see the module docstring for columns)."""
    import pandas as pd

    sweep_dir = Path(sweep_dir)
    rows = [
        job_row(folder, folder.relative_to(sweep_dir).as_posix())
        for folder in job_folders(sweep_dir)
    ]
    first, last = ["job", "overrides"], ["status", "error"]
    # Override keys and scenario in the order met, then status, then every KPI any job reported.
    middle = list(dict.fromkeys(k for r in rows for k in r if k not in (*first, *last, KPIS)))
    kpis = list(dict.fromkeys(k for r in rows for k in r[KPIS]))
    frame = pd.DataFrame([{**r, **r.pop(KPIS)} for r in rows])
    frame = frame.reindex(columns=[*first, *middle, *last, *kpis])
    frame["replications"] = frame["replications"].astype("Int64")
    return frame


def write_gather(sweep_dir: Path, table: pd.DataFrame | None = None) -> Path:
    """Write ``<sweep_dir>/gathered.csv`` (atomically) — ``table``, or :func:`gather` of the
    folder — and return its path."""
    from sim.report.files import write_atomic

    frame = gather(Path(sweep_dir)) if table is None else table
    return write_atomic(Path(sweep_dir) / GATHERED, lambda p: frame.to_csv(p, index=False))


def counts(table: pd.DataFrame) -> str:
    """``3 jobs: 2 ok, 1 failed`` — the statuses of a gathered table."""
    tally = table["status"].value_counts()
    parts = [f"{tally[s]} {s}" for s in ("ok", "failed", "missing") if s in tally]
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
        _unfinished.append(Path(str(config.hydra.sweep.dir)).resolve())

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
        "per job with its overrides, status (ok / failed / missing), error and KPIs with 95% CIs.",
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
