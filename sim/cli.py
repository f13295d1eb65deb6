"""The ``frontdoor`` command: a thin Hydra app over :func:`sim.compose.run`.

Before Hydra runs, :func:`preflight` composes and validates the config for every job the command
would run. Bad input — an unknown key, a wrong type, a probability of 1.5 — therefore stops the
command with **one line** naming the key, the value and what is allowed, and exit status 2,
instead of Hydra's multi-line report (exit 1) or a traceback from inside a job.

A multirun (``frontdoor -m scenario=a,b staffing=x,y``) runs each job into its own folder. A job
that fails writes ``status.json`` with its error before Hydra records the failure, and every sweep
is gathered into ``<sweep dir>/gathered.csv`` (:mod:`sim.gather`) — by the Hydra callback at the
end of the sweep, or, when a job failed and Hydra skipped that callback, by :func:`main`.
Run jobs in parallel with the joblib launcher, chosen on the command line (hydra#2946):
``frontdoor -m hydra/launcher=joblib hydra.launcher.n_jobs=2 run.seed=1,2,3,4``.

Every run folder is owned by one run and has a lifecycle (:mod:`sim.lifecycle`): ``status.json``
says ``running`` from the start, ``ok`` only once every output is in place, else ``failed`` or
``interrupted``. SIGINT (Ctrl-C) and SIGTERM stop the command with one line and exit 130 / 143.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.backlog import backlog_overrides
from sim.compose import compose, conf_dir, register_resolvers, to_spec, with_searchpath
from sim.config import Config, register_configs
from sim.errors import EXIT_BAD_INPUT, ConfigError, bad_input_exits
from sim.gather import expected_jobs, gather_unfinished
from sim.lifecycle import FolderInUse, Interrupted, catch_signals, finish, lifecycle, one_line

if TYPE_CHECKING:
    from sim.runner import Results

HYDRA_INFO_FLAGS = ("help", "hydra_help", "info", "cfg", "shell_completion")
EXIT_OS_ERROR = 1  # the run could not write its folder (status.json says failed, if it could)


def hydra_arguments(argv: list[str], *, known_only: bool = False) -> argparse.Namespace:
    """``argv`` read by the command-line parser of ``@hydra.main`` itself.

    Hydra has no public API for its parser; this is the one place that reaches into
    ``hydra._internal``, so that preflight reads the command line exactly as Hydra will
    (``-m``, ``--config-dir``, ``--cfg`` …). ``tests/unit/test_hydra_api.py`` fails if a Hydra
    upgrade moves or changes it.
    """
    from hydra._internal.utils import get_args_parser

    parser = get_args_parser()
    return parser.parse_known_args(argv)[0] if known_only else parser.parse_args(argv)


def job_overrides(argv: list[str]) -> tuple[list[list[str]], str | None]:
    """The overrides of each job ``frontdoor argv`` would run, and any ``--config-dir``."""
    args = hydra_arguments(argv)
    if any(getattr(args, flag, None) for flag in HYDRA_INFO_FLAGS):
        return [], None
    overrides = list(args.overrides)
    if not args.multirun:
        return [overrides], args.config_dir
    return expected_jobs(overrides), args.config_dir


@contextmanager
def backlog_files(argv: list[str]) -> Iterator[list[str]]:
    """``argv`` with a backlog file (``backlog=path/to/file.yaml``, ``backlog.file=…`` or a
    group option) replaced by the checked, generated group option of :mod:`sim.backlog`."""
    args = hydra_arguments(argv, known_only=True)
    folders = [Path(args.config_dir).resolve()] if args.config_dir else []
    words = set(getattr(args, "overrides", None) or [])
    overrides = [a for a in argv if a in words]
    with backlog_overrides(overrides, [*folders, conf_dir()]) as (rewritten, generated):
        if generated is None:
            yield argv
            return
        mapping = dict(zip(overrides, rewritten, strict=True))
        out = [mapping.get(a, a) for a in argv]
        yield with_searchpath(out, [generated])


def preflight(argv: list[str]) -> dict[tuple[str, ...], Config]:
    """Compose and validate every job's config; raise :class:`ConfigError` on the first problem.

    Returns each job's validated spec by :func:`job_key`, so the job itself need not validate
    again. (Hydra still composes each job once more in ``@hydra.main``: it must, to make the
    run folder and its ``.hydra/`` record, and an error there would be its multi-line report.)
    """
    try:
        jobs, config_dir = job_overrides(argv)
    except Exception as exc:  # Hydra's override grammar errors are plain exceptions
        raise ConfigError("command line", " ".join(argv), str(exc).splitlines()[0]) from None
    check_baseline(jobs)
    return {
        job_key(overrides): to_spec(compose(overrides, config_dir), overrides) for overrides in jobs
    }


BASELINE_KEY = "hydra.callbacks.gather.baseline"


def check_baseline(jobs: Sequence[Sequence[str]]) -> None:
    """Refuse a sweep's ``hydra.callbacks.gather.baseline`` that names no single job, before
    the sweep runs rather than after it (``frontdoor-gather --baseline`` can name another)."""
    given = [o.partition("=")[2] for o in (jobs[0] if jobs else []) if o.startswith(BASELINE_KEY)]
    text = given[-1].strip().strip("'\"") if given else ""
    if not text or text == "null":
        return
    # Only now: it imports pandas and SciPy, ≈1 s a command that a bad override need not pay.
    from sim.sweep_differences import BaselineError, parse_baseline

    try:
        wanted = parse_baseline(text)
    except BaselineError as error:
        raise ConfigError(BASELINE_KEY, text, str(error).split(": ", 1)[1]) from None
    settings = [{o.partition("=")[0].lstrip("+"): o.partition("=")[2] for o in j} for j in jobs]
    if "" in wanted:
        found = 1 if int(wanted[""]) < len(jobs) else 0
    else:
        found = sum(all(s.get(k) == v for k, v in wanted.items()) for s in settings)
    if found != 1:
        raise ConfigError(
            BASELINE_KEY,
            text,
            f"must name exactly one job of the sweep by its key=value overrides (it names "
            f"{found} of {len(jobs)})",
        )


def job_key(overrides: Sequence[str]) -> tuple[str, ...]:
    """A job's overrides as Hydra records them for the job (``hydra.*`` ones are Hydra's)."""
    return tuple(o for o in overrides if not o.lstrip("+~").startswith(("hydra.", "hydra/")))


def execute(
    cfg: DictConfig,
    folder: Path,
    overrides: list[str] | None = None,
    progress: bool | None = None,
    spec: Config | None = None,
) -> Results:
    """Run a composed config, write its run folder, print the KPI table: the app's work.

    ``progress``: show the replications' progress bar (``None``: only at a terminal).
    ``spec``: the config already validated by :func:`preflight` (else validated here).
    """
    # Imported here so that bad input is reported without loading pandas, SciPy and matplotlib.
    from sim.analysis.theory import expected_kpis
    from sim.report.files import write_run
    from sim.report.table import print_kpis
    from sim.runner import simulate_replications

    spec = spec if spec is not None else to_spec(cfg)
    with lifecycle(folder, overrides or []) as started:
        results = simulate_replications(spec, progress=progress)
        theory = expected_kpis(spec)
        written = write_run(results, folder, overrides, theory)
        finish(folder, overrides or [], started, sorted(p.name for p in written.values()))
    print_kpis(results, theory, job_key(overrides or []))
    print(f"Outputs: {folder.resolve()}")
    return results


register_configs()
register_resolvers()


def hydra_app(specs: Mapping[tuple[str, ...], Config]) -> Callable[[], None]:
    """The Hydra app, handed the specs :func:`preflight` validated (by :func:`job_key`)."""

    @hydra.main(version_base="1.3", config_path=str(conf_dir()), config_name="config")
    def app(cfg: DictConfig) -> None:
        run_job(cfg, specs)

    return app


def run_job(cfg: DictConfig, specs: Mapping[tuple[str, ...], Config]) -> None:
    """One Hydra job = one scenario with all its replications."""
    hydra_cfg = HydraConfig.get()
    folder = Path(hydra_cfg.runtime.output_dir)
    overrides = list(hydra_cfg.overrides.task)
    progress = False if in_parallel_launcher() else None
    try:
        execute(cfg, folder, overrides, progress, spec=specs.get(job_key(overrides)))
    except FolderInUse as exc:
        print(f"frontdoor: error: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from None
    except OSError as exc:  # a full disk, a folder that cannot be written: one line, not a trace
        print(f"frontdoor: error: {folder}: {one_line(exc)} (run failed)", file=sys.stderr)
        raise SystemExit(EXIT_OS_ERROR) from None


def in_parallel_launcher() -> bool:
    """Whether this job runs beside others (e.g. the joblib launcher), where progress bars from
    several processes would overwrite each other on one terminal."""
    from hydra.types import RunMode

    hydra_cfg = HydraConfig.get()
    launcher = str(hydra_cfg.launcher.get("_target_", ""))
    return hydra_cfg.mode == RunMode.MULTIRUN and not launcher.endswith(".BasicLauncher")


def main() -> None:
    """Console script ``frontdoor``: validate first, then hand over to Hydra.

    A signal anywhere (while validating, running or writing) ends the command with one line and
    exit 128 + its number; the run's folder says ``interrupted`` (:mod:`sim.lifecycle`).
    """
    try:
        with catch_signals(), ExitStack() as files:  # generated backlog files live to the end
            with bad_input_exits("frontdoor"):
                argv = files.enter_context(backlog_files(sys.argv[1:]))
                specs = preflight(argv)
            sys.argv[1:] = argv  # Hydra reads the command line itself
            try:
                hydra_app(specs)()
            finally:
                gather_unfinished()  # Hydra skips on_multirun_end when a job fails (hydra#2284)
    except Interrupted as stop:
        print(f"frontdoor: interrupted by {stop.name}; nothing more was run", file=sys.stderr)
        raise SystemExit(stop.exit_code) from None


# Signals whose exit status main() reports (128 + number), for the docs and tests.
EXIT_ON_SIGNAL = {signal.SIGINT: 130, signal.SIGTERM: 143}
