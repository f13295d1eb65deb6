"""Each named experiment runs from its one command (tiny version) and writes a complete report
whose summary opens with the answer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from experiments import demand_growth, front_door_options, staffing
from experiments.common import Experiment, main

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


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_tiny_experiment_writes_its_report(name: str, tmp_path: Path) -> None:
    experiment: Experiment = EXPERIMENTS[name]
    summary = main(experiment, ["--tiny", "--out", str(tmp_path)])
    for filename in FILES:
        assert (tmp_path / filename).stat().st_size > 0, filename
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# ")
    answer = text.split("\n\n")[2]
    assert answer.startswith("**Answer.** Compared with the baseline, ")
    assert experiment.kpis[0] in answer
    results = pd.read_csv(tmp_path / "results.csv")
    assert set(results["option"]) == {o.name for o in experiment.options}
    assert {"mean", "ci95_low", "ci95_high", "n"} <= set(results.columns)
    diffs = pd.read_csv(tmp_path / "differences.csv")
    assert set(diffs["option"]) == {o.name for o in experiment.options[1:]}
    assert {"difference", "ci_low", "ci_high", "real"} <= set(diffs.columns)
    # The paired difference is exactly the difference of the option means.
    row = diffs[diffs["kpi"] == experiment.kpis[0]].iloc[0]
    means = results[results["kpi"] == experiment.kpis[0]].set_index("option")["mean"]
    assert row["difference"] == pytest.approx(
        means[row["option"]] - means[experiment.options[0].name]
    )
