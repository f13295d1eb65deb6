"""Each named experiment runs from its one command (tiny version) and writes a complete report
whose summary opens with the answer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments import demand_growth, front_door_options, staffing
from experiments.common import Experiment, main
from sim.report.words import HEADLINE_KPI, words

EXPERIMENTS = {
    "front_door_options": front_door_options.EXPERIMENT,
    "staffing": staffing.experiment(tiny=True),
    "demand_growth": demand_growth.EXPERIMENT,
}
FILES = (
    "summary.md",
    "results.csv",
    "differences.csv",
    "replications.csv",
    "kpis.png",
    "decision_times.png",
    "queues.png",
    "utilisation.png",
)


# demand_growth is the longest (≈34 s), and front_door_options (≈22 s) also runs in make test as
# its notebook: both in make test-long, so make test stays under 10 minutes.
LONG = {"demand_growth", "front_door_options"}
TINY_PARAMS = [
    pytest.param(name, marks=pytest.mark.long) if name in LONG else name for name in EXPERIMENTS
]


@pytest.mark.parametrize("name", TINY_PARAMS)
def test_tiny_experiment_writes_its_report(name: str, tmp_path: Path) -> None:
    experiment: Experiment = EXPERIMENTS[name]
    summary = main(experiment, ["--tiny", "--out", str(tmp_path)])
    for filename in FILES:
        assert (tmp_path / filename).stat().st_size > 0, filename
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# ")
    paragraphs = text.split("\n\n")
    # It opens with the page's sentence for each option (when the headline KPI is reported).
    if HEADLINE_KPI in experiment.kpis or HEADLINE_KPI in results_kpis(tmp_path):
        assert paragraphs[1].startswith("With ")
        assert "percentage points" in paragraphs[1]
    answer = next(p for p in paragraphs if p.startswith("**Answer.**"))
    assert answer.startswith("**Answer.** Compared with the baseline, ")
    assert words(experiment.kpis[0]) in answer
    results = pd.read_csv(tmp_path / "results.csv")
    assert set(results["option"]) == {o.name for o in experiment.options}
    assert {"mean", "ci95_low", "ci95_high", "n"} <= set(results.columns)
    diffs = pd.read_csv(tmp_path / "differences.csv")
    assert set(diffs["option"]) == {o.name for o in experiment.options[1:]}
    assert {"difference", "ci_low", "ci_high", "real"} <= set(diffs.columns)
    assert_paired_by_replication(experiment, diffs, pd.read_csv(tmp_path / "replications.csv"))


def results_kpis(folder: Path) -> set[str]:
    return set(pd.read_csv(folder / "differences.csv")["kpi"])


def paired_interval(base: pd.Series, other: pd.Series) -> tuple[float, float, float]:
    """Mean and 95% Student-t interval of ``other − base``, by hand from the two series."""
    d = (other - base).to_numpy(dtype=float)
    half = stats.t.ppf(0.975, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size)
    return float(d.mean()), float(d.mean() - half), float(d.mean() + half)


def assert_paired_by_replication(
    experiment: Experiment, diffs: pd.DataFrame, replications: pd.DataFrame
) -> None:
    """The report's difference and CI are the paired ones, recomputed here from the report's
    own replication table with each option's replication r set against the baseline's r; pairing
    the same values any other way (one side shuffled) gives an interval the report does not."""
    kpi = experiment.kpis[0]
    by = replications.pivot(index="replication", columns="option", values=kpi)
    base = by[experiment.options[0].name]
    for option in experiment.options[1:]:
        row = diffs[(diffs["kpi"] == kpi) & (diffs["option"] == option.name)].iloc[0]
        mean, low, high = paired_interval(base, by[option.name])
        reported = (row["difference"], row["ci_low"], row["ci_high"])
        assert reported == pytest.approx((mean, low, high)), option.name
        shuffled = by[option.name].to_numpy()[::-1]  # replication r against R − 1 − r
        assert (shuffled != by[option.name].to_numpy()).any(), "replications all equal"
        _, low_s, high_s = paired_interval(base, pd.Series(shuffled, index=base.index))
        assert (low_s, high_s) != pytest.approx((low, high), rel=1e-6), (
            f"{option.name}: mis-paired replications give the same interval"
        )


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["--tiny", "foo=1"], "foo: '1' is not allowed"),
        (["--tiny", "--replications", "0"], "run.replications: 0 is not allowed"),
    ],
)
def test_experiment_bad_input_is_one_line_and_exit_2(
    argv: list[str], line: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every option's config is checked before any simulation; nothing is written."""
    with pytest.raises(SystemExit) as stop:
        main(front_door_options.EXPERIMENT, [*argv, "--out", str(tmp_path / "out")])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err == f"front_door_options: error: {err.split('error: ', 1)[1]}"
    assert "\n" not in err and line in err
    assert not (tmp_path / "out").exists()


def test_frontier_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from experiments import budget_frontier

    with pytest.raises(SystemExit) as stop:
        budget_frontier.main(["--tiny", "staffing.pools.managers.staff=-1", "--out", str(tmp_path)])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert err.startswith("budget_frontier: error: staffing.pools.managers.staff: -1")
