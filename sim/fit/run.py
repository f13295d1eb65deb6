"""``fit_extract``: an Annex A extract in, config group files and a fit report out.

Nothing is written until everything has been read, checked and fitted and the new group files
have been composed and validated as the model would (:func:`sim.load`); then each file goes in
atomically (:mod:`sim.atomic`). A bad extract therefore leaves the output folder as it was.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim.errors import ConfigError
from sim.fit.annex_a import read_extract
from sim.fit.calibrate import ROUNDS, calibrate_assessment, calibration_notes
from sim.fit.checks import Checked, Problem, check_extract
from sim.fit.codes import read_code_table
from sim.fit.configs import (
    assessment_start,
    fitted_after_decision,
    fitted_demand,
    phase_note,
)
from sim.fit.estimates import Fit, fit_lists

NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


class ExtractError(ValueError):
    """A bad extract: every problem, one a line, and the count (``str`` is the listing)."""

    def __init__(self, checked: Checked) -> None:
        self.problems: list[Problem] = checked.problems
        super().__init__(checked.listing())


@dataclass
class FitResult:
    """What a fit wrote, what it fitted, and what it dropped or could not do."""

    fit: Fit
    files: list[Path]
    dropped: dict[str, int]
    problems: list[Problem]
    notes: list[str] = field(default_factory=list)


def _dump(document: dict[str, Any], heading: list[str]) -> str:
    body = yaml.safe_dump(
        document, sort_keys=False, default_flow_style=None, width=100, allow_unicode=True
    )
    return "".join(f"# {line}\n".replace("# \n", "#\n") for line in heading) + body


def _heading(what: str, name: str, base: str, notes: dict[str, str]) -> list[str]:
    lines = [
        f"{what} fitted by frontdoor-fit from an Annex A extract (docs/fit.md).",
        f"Run: frontdoor --config-dir <this folder's parent> demand={name} after_decision={name}",
        f"Keys not listed below are the defaults of {what.split(maxsplit=1)[0]}={base}.",
        "",
    ]
    lines += [f"{key}: {note}" for key, note in notes.items()] or [
        "(nothing fitted: the list it needs was absent)"
    ]
    return lines


def fit_extract(
    extract: str | Path,
    out: str | Path,
    name: str = "local",
    *,
    drop_bad_rows: bool = False,
    codes: str | Path | None = None,
    base_demand: str = "cheshire_east",
    base_after_decision: str = "cheshire_east",
    calibrate_rounds: int = ROUNDS,
) -> FitResult:
    """Fit the model to an Annex A extract and write ``<out>/demand/<name>.yaml``,
    ``<out>/after_decision/<name>.yaml`` and ``<out>/fit_report/<name>/`` (report.md, PNGs).

    With List 4, the assessment inputs are then calibrated on the model, up to
    ``calibrate_rounds`` short runs of the staged config (:mod:`sim.fit.calibrate`; 0: none).

    Raises :class:`ExtractError` listing every bad row (unless ``drop_bad_rows``: then they are
    dropped and counted), :class:`~sim.errors.ConfigError` for a bad argument.
    """
    from omegaconf import OmegaConf

    from sim.compose import compose, load

    if not isinstance(calibrate_rounds, int) or not 0 <= calibrate_rounds <= 10:
        raise ConfigError("--calibrate-rounds", str(calibrate_rounds), "must be 0 to 10")
    if not NAME.match(name):
        raise ConfigError(
            "--name", name, "must be a letter then letters, digits, _ or - (a config name)"
        )
    base = compose([f"demand={base_demand}", f"after_decision={base_after_decision}"])
    demand_base: dict[str, Any] = OmegaConf.to_container(
        base.demand, resolve=True, enum_to_str=True
    )  # type: ignore[assignment]
    after_base: dict[str, Any] = OmegaConf.to_container(
        base.after_decision, resolve=True, enum_to_str=True
    )  # type: ignore[assignment]
    sources = list(demand_base["sources"])
    table = read_code_table(codes, sources)
    extract_read = read_extract(extract)
    if not extract_read.lists:
        raise ConfigError(
            "extract",
            str(extract),
            "must hold at least one of Lists 1, 3, 4, 5 (sheets or files named 'List 1' …)",
        )
    checked = check_extract(extract_read.lists)
    if checked.problems and not drop_bad_rows:
        raise ExtractError(checked)
    labels = {n: t.spec.label for n, t in extract_read.lists.items()}
    dropped = {labels[n]: k for n, k in checked.dropped.items()}
    fit = fit_lists(checked.good, table, sources, base.demand.school_terms)
    notes = [*extract_read.notes, *fit.notes]
    notes += [
        f"{label}: {k} bad row(s) dropped (--drop-bad-rows)" for label, k in dropped.items() if k
    ]
    demand, demand_notes = fitted_demand(demand_base, fit, name)
    after, after_notes, warnings = fitted_after_decision(after_base, fit)
    notes += warnings
    after_heading = (
        "after_decision (after the front door's decision)",
        name,
        base_after_decision,
        after_notes,
    )
    documents = {
        Path("demand") / f"{name}.yaml": _dump(
            {"defaults": ["schema", "_self_"], **demand},
            _heading("demand (contacts)", name, base_demand, demand_notes),
        ),
        Path("after_decision") / f"{name}.yaml": "",
    }
    staging = Path(tempfile.mkdtemp(prefix="frontdoor-fit-"))

    def stage() -> Path:
        """Write the documents as they now stand into ``staging``, and check they run."""
        documents[Path("after_decision") / f"{name}.yaml"] = _dump(
            {"defaults": ["schema", "_self_"], **after}, _heading(*after_heading)
        )
        for relative, text in documents.items():
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            (staging / relative).write_text(text, encoding="utf-8")
        load([f"demand={name}", f"after_decision={name}"], extra_config_dir=str(staging))
        return staging

    try:
        stage()
        if calibrate_rounds and fit.assessment is not None and fit.assessment.days.size:
            _, scale, _ = assessment_start(fit.assessment)
            done, scale = calibrate_assessment(
                after, after_base, fit.assessment, scale, stage, name=name, rounds=calibrate_rounds
            )
            after_notes["assessment.visit_gap/write_up/long_write_up"] = phase_note(
                fit.assessment, scale
            ) + (", calibrated on the model (fit report)" if done else "")
            notes += calibration_notes(done, fit.assessment)
            stage()
        report_dir = staging / "fit_report" / name
        report_dir.mkdir(parents=True)
        _report(
            fit, name, report_dir, notes=notes, dropped=dropped, files=list(map(str, documents))
        )
        return FitResult(fit, _install(staging, Path(out)), dropped, checked.problems, notes)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _report(
    fit: Fit,
    name: str,
    folder: Path,
    *,
    notes: list[str],
    dropped: dict[str, int],
    files: list[str],
) -> None:
    from sim.fit.plots import arrivals_figures, duration_figure
    from sim.fit.report import report_markdown

    figures: dict[str, str] = {}
    if fit.arrivals is not None:
        for path in arrivals_figures(fit.arrivals, folder):
            figures[path.stem] = path.name
    if fit.assessment is not None and fit.assessment.days.size:
        figures["assessment"] = duration_figure(
            fit.assessment, "Assessment: start to authorisation", folder / "assessment_duration.png"
        ).name
    if fit.icpc_lead is not None and fit.icpc_lead.days.size:
        figures["icpc"] = duration_figure(
            fit.icpc_lead, "Strategy discussion to ICPC", folder / "icpc_lead_time.png"
        ).name
    text = report_markdown(fit, name, figures, notes=notes, dropped=dropped, files=files)
    (folder / "report.md").write_text(text, encoding="utf-8")


def _install(staging: Path, out: Path) -> list[Path]:
    """Each staged file into ``out``, atomically (an existing file is replaced whole)."""
    from sim.atomic import write_atomic

    def copy(source: Path) -> Callable[[Path], None]:
        def write(tmp: Path) -> None:
            shutil.copyfile(source, tmp)

        return write

    written = []
    for path in sorted(p for p in staging.rglob("*") if p.is_file()):
        written.append(write_atomic(out / path.relative_to(staging), copy(path)))
    return written
