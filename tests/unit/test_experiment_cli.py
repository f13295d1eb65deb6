"""``frontdoor-experiment NAME``: the named experiments by name (sim/experiment_cli.py)."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import pytest

from sim.experiment_cli import EXPERIMENTS, experiment_module, main

ROOT = Path(__file__).resolve().parents[2]


def test_every_experiment_module_is_listed_and_has_a_main() -> None:
    helpers = {"__init__", "common", "attribution", "attribution_report", "alignment_report"}
    helpers |= {"sensitivity_parameters", "validation_targets"}
    modules = {p.stem for p in (ROOT / "experiments").glob("*.py")} - helpers
    assert modules == set(EXPERIMENTS)
    for name in EXPERIMENTS:
        assert callable(experiment_module(name).main), name


def test_an_unknown_experiment_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["nope", "--tiny"])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "frontdoor-experiment: error: experiment 'nope' is not allowed; must be one of "
        + ", ".join(EXPERIMENTS)
    ]


def test_no_name_lists_the_experiments(capsys: pytest.CaptureFixture[str]) -> None:
    main([])
    out = capsys.readouterr().out
    assert all(f"  {name}" in out for name in EXPERIMENTS)


def test_the_rest_of_the_line_reaches_the_experiment(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:  # its own parser refuses its bad option
        main(["budget_frontier", "--replications", "abc"])
    assert stop.value.code == 2
    assert "python -m experiments.budget_frontier: error: argument --replications" in (
        capsys.readouterr().err
    )


def test_frontdoor_experiment_is_a_console_script() -> None:
    (script,) = entry_points(group="console_scripts", name="frontdoor-experiment")
    assert script.load() is main
