"""What the CLI relies on from Hydra beyond its public API. These tests fail on a Hydra upgrade
that changes it, rather than letting preflight and the app read the command line differently.

- :func:`sim.gather.expected_jobs` rebuilds the basic sweeper's job order from the public
  override parser; it must agree with ``BasicSweeper.split_arguments`` (private), since
  ``gathered.csv`` maps job numbers to overrides by it.
- :func:`sim.cli.hydra_arguments` is the one use of ``hydra._internal.utils.get_args_parser``.
"""

from __future__ import annotations

import pytest
from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.override_parser.overrides_parser import OverridesParser

from sim.cli import hydra_arguments, job_overrides
from sim.gather import expected_jobs

SWEEPS = [
    ["run.seed=1,2,3"],
    ["staffing=current,integrated_front_door", "run.seed=1,2", "run.replications=3"],
    ["run.seed=range(1,4)", "scenario=a,b"],
    ["run.seed=choice(5,6)", "run.seed=7,8"],  # a key given twice: its place, the last values
    ["+foo=1,2", "~bar", "baz=[1,2]"],
    ["front_door.decision.handoff.clock=working,calendar", "run.plots=false"],
]


@pytest.mark.parametrize("overrides", SWEEPS)
def test_expected_jobs_is_the_basic_sweepers_order(overrides: list[str]) -> None:
    parsed = OverridesParser.create().parse_overrides(overrides)
    hydra_jobs = [
        list(job) for batch in BasicSweeper.split_arguments(parsed, None) for job in batch
    ]
    assert expected_jobs(overrides) == hydra_jobs
    assert len(hydra_jobs) >= 1


def test_an_interval_sweep_is_refused_like_the_basic_sweeper_does() -> None:
    with pytest.raises(ValueError, match="intervals"):
        expected_jobs(["run.warmup_days=interval(1,2)"])


def test_hydra_arguments_reads_the_flags_the_cli_uses() -> None:
    args = hydra_arguments(["-m", "--config-dir", "/tmp/x", "run.seed=1,2", "a=b"])
    assert args.multirun and args.config_dir == "/tmp/x"
    assert args.overrides == ["run.seed=1,2", "a=b"]
    for flag in ("help", "hydra_help", "info", "cfg", "shell_completion"):
        assert hasattr(hydra_arguments([]), flag), flag
    assert hydra_arguments(["--cfg", "job"]).cfg == "job"
    assert hydra_arguments(["--bogus", "x=1"], known_only=True).overrides == ["x=1"]


def test_job_overrides_of_a_sweep_and_of_one_run() -> None:
    assert job_overrides(["-m", "run.seed=1,2", "x=3"]) == (
        [["run.seed=1", "x=3"], ["run.seed=2", "x=3"]],
        None,
    )
    assert job_overrides(["run.seed=1"]) == ([["run.seed=1"]], None)
    assert job_overrides(["--cfg", "job"]) == ([], None)
