"""The ``frontdoor`` command: a thin Hydra app over :func:`sim.runner.run`.

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

Test hook: with the environment variable ``FRONTDOOR_FAIL_IF=<text>`` set, every job whose
overrides (joined as ``a=1 b=2``) contain ``<text>`` raises ``RuntimeError`` when it starts —
after validation, as a job that fails at run time would. It exists for the tests of failed
sweeps (``tests/functional/test_sweeps.py``); do not set it otherwise.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.compose import compose, conf_dir, to_spec
from sim.config import register_configs
from sim.errors import ConfigError, bad_input_exits
from sim.gather import clear_status, gather_unfinished, record_failure

if TYPE_CHECKING:
    from sim.runner import Results

HYDRA_INFO_FLAGS = ("help", "hydra_help", "info", "cfg", "shell_completion")
FAIL_IF = "FRONTDOOR_FAIL_IF"


def job_overrides(argv: list[str]) -> tuple[list[list[str]], str | None]:
    """The overrides of each job ``frontdoor argv`` would run, and any ``--config-dir``."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra._internal.utils import get_args_parser
    from hydra.core.override_parser.overrides_parser import OverridesParser

    args = get_args_parser().parse_args(argv)
    if any(getattr(args, flag, None) for flag in HYDRA_INFO_FLAGS):
        return [], None
    overrides = list(args.overrides)
    if not args.multirun:
        return [overrides], args.config_dir
    parsed = OverridesParser.create().parse_overrides(overrides)
    batches = BasicSweeper.split_arguments(parsed, max_batch_size=None)
    return [list(job) for batch in batches for job in batch], args.config_dir


def preflight(argv: list[str]) -> None:
    """Compose and validate every job's config; raise :class:`ConfigError` on the first problem."""
    try:
        jobs, config_dir = job_overrides(argv)
    except Exception as exc:  # Hydra's override grammar errors are plain exceptions
        raise ConfigError("command line", " ".join(argv), str(exc).splitlines()[0]) from None
    for overrides in jobs:
        to_spec(compose(overrides, config_dir), overrides)


def execute(
    cfg: DictConfig,
    folder: Path,
    overrides: list[str] | None = None,
    progress: bool | None = None,
) -> Results:
    """Run a composed config, write its run folder, print the KPI table: the app's work.

    ``progress``: show the replications' progress bar (``None``: only at a terminal).
    """
    # Imported here so that bad input is reported without loading pandas, SciPy and matplotlib.
    from sim.report.files import write_run
    from sim.report.table import print_kpis
    from sim.runner import simulate_replications
    from sim.theory import expected_kpis

    spec = to_spec(cfg)
    results = simulate_replications(spec, progress=progress)
    theory = expected_kpis(spec)
    write_run(results, folder, overrides, theory)
    print_kpis(results, theory)
    print(f"Outputs: {folder}")
    return results


register_configs()


@hydra.main(version_base="1.3", config_path=str(conf_dir()), config_name="config")
def app(cfg: DictConfig) -> None:
    """Hydra entry point: one job = one scenario with all its replications."""
    hydra_cfg = HydraConfig.get()
    folder = Path(hydra_cfg.runtime.output_dir)
    overrides = list(hydra_cfg.overrides.task)
    clear_status(folder)
    try:
        fail_if_asked(overrides)
        execute(cfg, folder, overrides, progress=False if in_parallel_launcher() else None)
    except Exception as exc:
        record_failure(folder, exc, overrides)
        raise


def in_parallel_launcher() -> bool:
    """Whether this job runs beside others (e.g. the joblib launcher), where progress bars from
    several processes would overwrite each other on one terminal."""
    from hydra.types import RunMode

    hydra_cfg = HydraConfig.get()
    launcher = str(hydra_cfg.launcher.get("_target_", ""))
    return hydra_cfg.mode == RunMode.MULTIRUN and not launcher.endswith(".BasicLauncher")


def fail_if_asked(overrides: list[str]) -> None:
    """The ``FRONTDOOR_FAIL_IF`` test hook (see the module docstring)."""
    pattern = os.environ.get(FAIL_IF)
    if pattern and pattern in " ".join(overrides):
        raise RuntimeError(f"{FAIL_IF} test hook: job with {pattern!r} in its overrides fails")


def main() -> None:
    """Console script ``frontdoor``: validate first, then hand over to Hydra."""
    with bad_input_exits("frontdoor"):
        preflight(sys.argv[1:])
    try:
        app()
    finally:
        gather_unfinished()  # Hydra skips on_multirun_end when a job fails (hydra#2284)
