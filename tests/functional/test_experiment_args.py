"""Experiments check every argument before simulating: a bad ``--out``, an unknown ``--target``
KPI, an override the experiment's own options would silently override, argparse errors — each
one line and exit 2, and nothing simulated or written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import experiments.budget_alignment as alignment
import experiments.budget_frontier as frontier
from experiments import common, staffing


@pytest.fixture(autouse=True)
def no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any simulation of an experiment fails the test: bad input must stop first."""

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("simulated before the arguments were checked")

    monkeypatch.setattr(common, "run_options", forbidden)
    monkeypatch.setattr(frontier, "run_options", forbidden)
    monkeypatch.setattr(frontier, "simulated", forbidden)  # main's one executor for all
    monkeypatch.setattr(alignment, "cheapest_staffing", forbidden)


def one_error_line(capsys: pytest.CaptureFixture[str], run: Any) -> str:
    with pytest.raises(SystemExit) as exited:
        run()
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_out_that_is_a_file_is_refused_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.txt"
    out.write_text("not a folder")
    line = one_error_line(
        capsys, lambda: common.main(staffing.experiment(True), ["--tiny", "--out", str(out)])
    )
    assert line.startswith(f"staffing: error: --out: '{out}' is not allowed; must be a folder")
    line = one_error_line(capsys, lambda: frontier.main(["--tiny", "--out", str(out / "x")]))
    assert "cannot be created" in line
    assert out.read_text() == "not a folder"


def test_an_override_the_options_set_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    line = one_error_line(
        capsys,
        lambda: common.main(
            staffing.experiment(True), ["--tiny", "staffing.pools.managers.staff=0"]
        ),
    )
    assert line.startswith("staffing: error: staffing.pools.managers.staff: '0' is not allowed")
    assert "set by the experiment's own options" in line


@pytest.mark.parametrize(
    "argv", [["--replications", "abc"], ["--nope"], ["--out"]], ids=["type", "unknown", "missing"]
)
def test_argparse_errors_are_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    line = one_error_line(capsys, lambda: common.main(staffing.experiment(True), argv))
    assert line.startswith("python -m experiments.staffing: error: ")
    assert "usage:" not in line
    line = one_error_line(capsys, lambda: alignment.main(argv))
    assert line.startswith("python -m experiments.budget_alignment: error: ")


def test_an_unknown_target_kpi_is_refused_before_the_search(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--tiny", "--target", "nope>=5", "--out", str(tmp_path / "r")]
    line = one_error_line(capsys, lambda: alignment.main(argv))
    assert line == (
        "budget_alignment: error: target: 'nope' is not allowed; "
        "must name a KPI of the run (see docs/kpis.md)"
    )
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("experiment", [alignment, frontier], ids=["alignment", "frontier"])
def test_the_documented_defaults_pass_every_check(
    experiment: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without ``--tiny`` (the full runs, a shared warm-up each) the arguments and the target
    KPIs are accepted and the experiment gets as far as simulating (which the fixture stops)."""
    with pytest.raises(AssertionError, match="simulated before"):
        experiment.main(["--out", str(tmp_path / "r")])
    assert capsys.readouterr().err == ""


def test_check_clashes_lets_other_keys_through() -> None:
    common.check_clashes([("a.b=1", "c=2")], ["a.bc=3", "run.seed=4"])
    with pytest.raises(common.ConfigError):
        common.check_clashes([("a.b=1",), ()], ["+a.b=3"])
