"""The sensitivity experiment (experiments/sensitivity.py) at cheap settings: two parameters,
one known to matter for the front door's timeliness (screening effort: every screened contact
takes longer) and one known not to (salaries: they change the cost, never a simulated minute),
a Sobol design of N=2, one replication of 28 measured days (≈1 min).

On common random numbers the salary run is the very same simulation as the defaults' run, so
its swing on every timeliness output is exactly zero; screening effort's is not.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments import sensitivity
from experiments.sensitivity import OUTPUTS, QUIET, TINY, designs, ranking, sobol_indices
from experiments.sensitivity_parameters import BY_NAME, PARAMETERS

pytestmark = pytest.mark.slow
NAMES = ["screening_effort_factor", "salary_factor"]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, Path]:
    out = tmp_path_factory.mktemp("sensitivity")
    params = [BY_NAME[n] for n in NAMES]
    return sensitivity.sensitivity(params, 2, [*TINY, *QUIET], out, progress=False), out


@pytest.mark.long  # the cheap experiment takes ≈75 s: in make test-long, so make test stays short
def test_a_parameter_known_to_matter_outranks_one_known_not_to(
    run: tuple[pd.DataFrame, Path],
) -> None:
    table = run[0].set_index(["output", "parameter"])
    for output in ("decision_within_1wd_pct", "decision_working_days_mean"):
        assert table.loc[(output, "salary_factor"), "swing"] == 0.0
        assert abs(table.loc[(output, "screening_effort_factor"), "swing"]) > 0.0
    assert table.loc[("decision_within_1wd_pct", "screening_effort_factor"), "swing"] < 0
    cost = "annual_staff_cost_gbp"
    assert table.loc[(cost, "screening_effort_factor"), "swing"] == 0.0
    assert table.loc[(cost, "salary_factor"), "swing"] > 0.0
    order = list(ranking(run[0]).index)
    assert order[0] == "screening_effort_factor"


@pytest.mark.long
def test_the_indices_are_finite_and_the_files_exist(run: tuple[pd.DataFrame, Path]) -> None:
    table, out = run
    assert set(table["output"]) == set(OUTPUTS)
    assert np.isfinite(table[["swing", "S1", "ST", "swing_share"]].to_numpy()).all()
    for name in ("tornado.png", "indices.csv", "samples.csv", "costs.csv", "summary.md"):
        assert (out / name).stat().st_size > 0, name
    text = (out / "summary.md").read_text()
    assert "## Top five" in text and "screening_effort_factor" in text
    costs = pd.read_csv(out / "costs.csv")
    council = costs[costs["who_pays"] == "council"]
    assert (council["min"] < council["max"]).all()  # salaries vary: a range, not a figure


def test_the_sobol_estimators_recover_a_known_function() -> None:
    # f = x1 + 2 x2 on U(0,1)^2 (additive): S1 = ST = 1/5 and 4/5.
    from scipy.stats import qmc

    unit = qmc.Sobol(4, scramble=True, seed=1).random(1024)
    a, b = unit[:, :2], unit[:, 2:]

    def f(x: np.ndarray) -> np.ndarray:
        return x[:, 0] + 2 * x[:, 1]

    f_ab = np.column_stack(
        [f(np.column_stack([b[:, 0], a[:, 1]])), f(np.column_stack([a[:, 0], b[:, 1]]))]
    )
    first, total = sobol_indices(f(a), f(b), f_ab)
    assert np.allclose(first, [0.2, 0.8], atol=0.03)
    assert np.allclose(total, [0.2, 0.8], atol=0.03)


def test_the_designs_have_the_documented_sizes() -> None:
    k = len(PARAMETERS)
    points = designs(PARAMETERS, 4)
    assert len(points["oat"]) == 2 * k + 1
    assert sum(len(p) for d, p in points.items() if d != "oat") == 4 * (k + 2)
    for p, column in zip(PARAMETERS, points["A"].T, strict=True):
        assert p.low <= column.min() and column.max() <= p.high
        assert p.low <= p.base <= p.high and len(p.reason) > 10
    assert all(math.isfinite(p.base) for p in PARAMETERS)


def test_an_unknown_parameter_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        sensitivity.main(["--tiny", "--parameters", "nope", "--out", str(tmp_path / "s")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope" in err and "police_share" in err
