"""What each job of a sweep left behind, read without ever raising on its contents.

Every job of a sweep runs into its own folder (``<sweep dir>/<job num>``), where Hydra writes the
job's overrides to ``.hydra/overrides.yaml`` *before* the job starts, and the job keeps
``status.json`` (:mod:`sim.lifecycle`). :func:`read_jobs` turns a sweep folder into one
:class:`Job` per job — found, or launched (``jobs.json``) but never started — with its status
(see :mod:`sim.gather`). Whatever the files hold (wrong shapes, bad encodings), a file that
cannot be read makes the job ``incomplete``; nothing here raises on a job's contents.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

MULTIRUN = "multirun.yaml"
STATUS = "status.json"
SUMMARY = "summary.json"
JOBS = "jobs.json"
REPLICATIONS_CSV = "replications.csv"
OVERRIDES = Path(".hydra") / "overrides.yaml"


class NotASweepError(ValueError):
    """The folder is not the folder of a Hydra multirun (it has no ``multirun.yaml``)."""


@dataclass
class Job:
    """One job of a sweep as gathering found it.

    ``settings`` maps each override key to the value given (``staffing`` → ``current``);
    ``summary`` is the job's ``summary.json`` (only for an ``ok`` job).
    """

    name: str
    folder: Path
    overrides: list[str]
    status: str
    error: str = ""
    scenario: str | None = None
    summary: dict[str, Any] | None = None
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def kpis(self) -> dict[str, dict[str, Any]]:
        """``{kpi: {mean, ci95_low, ci95_high, n}}`` from the summary (empty if none)."""
        kpis = (self.summary or {}).get("kpis")
        if not isinstance(kpis, dict):
            return {}
        return {str(k): v if isinstance(v, dict) else {} for k, v in kpis.items()}

    def provenance(self, name: str) -> Any:
        """A field of the summary's provenance block (``seed``, ``replications``), if any."""
        block = (self.summary or {}).get("provenance")
        return block.get(name) if isinstance(block, dict) else None

    def replications(self) -> pd.DataFrame | None:
        """The job's ``replications.csv`` (``replication`` + one column per KPI); ``None`` if the
        job is not ok or the file cannot be read."""
        import pandas as pd

        if self.status != "ok":
            return None
        try:
            table = pd.read_csv(self.folder / REPLICATIONS_CSV)
        except (OSError, ValueError):  # gone, empty, not CSV, not UTF-8
            return None
        return table if "replication" in table.columns else None


def natural_key(path: Path) -> list[Any]:
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
    return sorted(found, key=lambda p: natural_key(p.relative_to(sweep_dir)))


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object from ``path``; ``None`` if absent, unreadable, not UTF-8 or not an object."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    return document if isinstance(document, dict) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def number(value: Any) -> float | None:
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
    status = read_json(folder / STATUS)
    state = status.get("status") if status else None
    error = str(status.get("error", "")) if status else ""
    if state in ("failed", "interrupted"):
        return str(state), error, None
    if state != "ok" or status is None:
        return "incomplete", "", None
    outputs = status.get("outputs")
    names = [str(n) for n in outputs] if isinstance(outputs, list) else []
    summary = read_json(folder / SUMMARY)
    gone = [n for n in {*names, SUMMARY} if not (folder / n).is_file()]
    if summary is None or gone:
        return "incomplete", f"missing or unreadable: {', '.join(sorted(gone)) or SUMMARY}", None
    return "ok", "", summary


def read_job(
    folder: Path, name: str, launched: list[str] | None = None, missing: bool = False
) -> Job:
    """The job in ``folder`` as gathering finds it. ``missing``: the sweep launched the job
    (with the overrides ``launched``) but it left no folder."""
    overrides = launched if missing and launched is not None else _overrides(folder)
    if not overrides and launched:
        overrides = launched
    state, error, summary = ("missing", "", None) if missing else job_status(folder)
    return Job(
        name=name,
        folder=folder,
        overrides=list(overrides),
        status=state,
        error=error,
        scenario=None if missing else _scenario(folder),
        summary=summary,
        settings={override_key(o): o.partition("=")[2] for o in overrides},
    )


def launched_jobs(sweep_dir: Path) -> list[list[str]]:
    """The overrides of every job the sweep launched (``jobs.json``); empty if not recorded."""
    document = read_json(sweep_dir / JOBS) or {}
    jobs = document.get("jobs")
    if not isinstance(jobs, list):
        return []
    return [[str(o) for o in job] if isinstance(job, list) else [] for job in jobs]


def read_jobs(sweep_dir: Path) -> list[Job]:
    """Every job of the sweep in ``sweep_dir``, launched or found, in job order."""
    sweep_dir = Path(sweep_dir)
    launched = launched_jobs(sweep_dir)
    found = {folder.relative_to(sweep_dir).as_posix(): folder for folder in job_folders(sweep_dir)}
    jobs = [
        read_job(folder, name, launched[int(name)] if _is_job(name, launched) else None)
        for name, folder in found.items()
    ]
    jobs += [
        read_job(sweep_dir / str(num), str(num), overrides, missing=True)
        for num, overrides in enumerate(launched)
        if str(num) not in found
    ]
    return sorted(jobs, key=lambda job: natural_key(Path(job.name)))


def _is_job(name: str, launched: list[list[str]]) -> bool:
    return name.isdigit() and int(name) < len(launched)
