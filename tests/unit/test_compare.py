"""Paired (CRN) and unpaired scenario differences on small hand-computable tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis.compare import (
    COLUMNS,
    compare_scenarios,
    independent_differences,
    paired_differences,
    tost,
)
from sim.engine.streams import make_generator

T_975_2DF = 4.302652729749464  # Student t, 97.5% quantile, 2 degrees of freedom


def table(replications: list[int], **kpis: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"replication": replications, **kpis})


@pytest.fixture
def base() -> pd.DataFrame:
    return table([0, 1, 2], wait=[10.0, 20.0, 30.0], up=[1.0, 1.0, 1.0], down=[9.0, 9.0, 9.0])


@pytest.fixture
def other() -> pd.DataFrame:
    # wait: differences 1, 2, 3; up: 5, 6, 7; down: -5, -6, -7.
    return table([0, 1, 2], wait=[11.0, 22.0, 33.0], up=[6.0, 7.0, 8.0], down=[4.0, 3.0, 2.0])


def test_hand_computed_paired_interval(base: pd.DataFrame, other: pd.DataFrame) -> None:
    result = paired_differences(base, other).set_index("kpi")
    assert list(result.reset_index().columns) == COLUMNS
    wait = result.loc["wait"]
    # Differences 1, 2, 3: mean 2, sd 1, half-width t(0.975, 2) × 1/√3 ≈ 2.484.
    half = T_975_2DF * 1.0 / math.sqrt(3)
    assert wait["base_mean"] == pytest.approx(20.0)
    assert wait["other_mean"] == pytest.approx(22.0)
    assert wait["difference"] == pytest.approx(2.0)
    assert wait["ci_low"] == pytest.approx(2.0 - half)
    assert wait["ci_high"] == pytest.approx(2.0 + half)
    assert wait["n"] == 3
    assert not wait["real"]  # [-0.48, 4.48] contains 0


def test_real_flags_an_interval_excluding_zero_on_either_side(
    base: pd.DataFrame, other: pd.DataFrame
) -> None:
    result = paired_differences(base, other).set_index("kpi")
    half = T_975_2DF / math.sqrt(3)
    assert result.loc["up", "difference"] == pytest.approx(6.0)
    assert result.loc["up", "ci_low"] == pytest.approx(6.0 - half)
    assert bool(result.loc["up", "real"])
    assert result.loc["down", "difference"] == pytest.approx(-6.0)
    assert bool(result.loc["down", "real"])
    assert result["real"].dtype == bool


def test_level_changes_the_quantile(base: pd.DataFrame, other: pd.DataFrame) -> None:
    result = paired_differences(base, other, kpis=["wait"], level=0.9).iloc[0]
    half = stats.t.ppf(0.95, 2) / math.sqrt(3)
    assert result["ci_high"] - result["difference"] == pytest.approx(half)


def test_rows_are_paired_by_replication_number_not_position(
    base: pd.DataFrame, other: pd.DataFrame
) -> None:
    shuffled = other.iloc[[2, 0, 1]].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        paired_differences(base, shuffled), paired_differences(base, other)
    )


def test_different_replication_sets_are_refused(base: pd.DataFrame) -> None:
    other = table([0, 1, 3], wait=[1.0, 2.0, 3.0])
    with pytest.raises(
        ValueError, match=r"same replications.*only in base \[2\].*only in other \[3\]"
    ):
        paired_differences(base, other)
    with pytest.raises(ValueError, match="same replications"):
        paired_differences(base, table([0, 1], wait=[1.0, 2.0]))


def test_bad_tables_and_kpis_are_refused(base: pd.DataFrame, other: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="no 'replication' column"):
        paired_differences(base.drop(columns="replication"), other)
    with pytest.raises(ValueError, match="repeats replications"):
        paired_differences(base, table([0, 0, 2], wait=[1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="not in both"):
        paired_differences(base, other, kpis=["queue"])
    with pytest.raises(ValueError, match="level"):
        paired_differences(base, other, level=95)


def test_default_kpis_are_the_shared_columns_in_base_order(base: pd.DataFrame) -> None:
    other = table([0, 1, 2], down=[1.0, 2.0, 3.0], wait=[1.0, 2.0, 3.0], extra=[0.0, 0.0, 0.0])
    assert paired_differences(base, other)["kpi"].tolist() == ["wait", "down"]
    assert paired_differences(base, other, kpis="wait")["kpi"].tolist() == ["wait"]


def test_nan_drops_the_pair_for_that_kpi_only() -> None:
    base = table([0, 1, 2, 3], wait=[10.0, 20.0, 30.0, 40.0], other_kpi=[1.0, 2.0, 3.0, 4.0])
    other = table([0, 1, 2, 3], wait=[11.0, np.nan, 33.0, 44.0], other_kpi=[2.0, 3.0, 4.0, 5.0])
    result = paired_differences(base, other).set_index("kpi")
    # wait: pairs 0, 2, 3 → differences 1, 3, 4; means over those pairs only.
    assert result.loc["wait", "n"] == 3
    assert result.loc["wait", "base_mean"] == pytest.approx((10 + 30 + 40) / 3)
    assert result.loc["wait", "other_mean"] == pytest.approx((11 + 33 + 44) / 3)
    assert result.loc["wait", "difference"] == pytest.approx(8 / 3)
    sd = np.std([1.0, 3.0, 4.0], ddof=1)
    assert result.loc["wait", "ci_high"] == pytest.approx(8 / 3 + T_975_2DF * sd / math.sqrt(3))
    assert result.loc["other_kpi", "n"] == 4


def test_too_few_pairs_give_no_interval_and_are_never_real() -> None:
    base = table([0, 1, 2], none=[np.nan] * 3, one=[1.0, np.nan, np.nan])
    other = table([0, 1, 2], none=[1.0, 2.0, 3.0], one=[5.0, 6.0, 7.0])
    result = paired_differences(base, other)
    rows = result.set_index("kpi").to_dict("index")
    assert rows["none"]["n"] == 0
    assert math.isnan(rows["none"]["difference"])
    assert rows["one"]["n"] == 1
    assert rows["one"]["difference"] == 4.0
    assert math.isnan(rows["one"]["ci_low"])
    assert not result["real"].any()


def test_identical_tables_give_exact_zero_differences(base: pd.DataFrame) -> None:
    result = paired_differences(base, base.copy())
    assert (result[["difference", "ci_low", "ci_high"]] == 0.0).all().all()
    assert not result["real"].any()


def test_welch_interval_matches_scipy() -> None:
    base = table([0, 1, 2, 3], wait=[10.0, 12.0, 9.0, 15.0])
    other = table([5, 6, 7], wait=[20.0, 14.0, 18.0])  # unpaired: replications may differ
    result = independent_differences(base, other).iloc[0]
    reference = stats.ttest_ind(other["wait"], base["wait"], equal_var=False).confidence_interval(
        0.95
    )
    assert result["difference"] == pytest.approx(other["wait"].mean() - base["wait"].mean())
    assert result["ci_low"] == pytest.approx(reference.low)
    assert result["ci_high"] == pytest.approx(reference.high)
    assert result["n"] == 3
    assert list(independent_differences(base, other).columns) == COLUMNS


def test_welch_edge_cases() -> None:
    base = table([0, 1, 2], flat=[1.0, 1.0, 1.0], short=[1.0, np.nan, np.nan])
    other = table([0, 1, 2], flat=[2.0, 2.0, 2.0], short=[1.0, 2.0, 3.0])
    rows = independent_differences(base, other).set_index("kpi").to_dict("index")
    assert rows["flat"]["ci_low"] == rows["flat"]["ci_high"] == 1.0
    assert rows["flat"]["real"]
    assert math.isnan(rows["short"]["ci_low"])
    assert rows["short"]["n"] == 1


def test_pairing_narrows_the_interval_on_positively_correlated_data() -> None:
    """CRN-like data: a large shared replication effect plus small scenario-specific noise.

    Var(D) = 2 × 0.5² against Var(base) + Var(other) ≈ 2 × (5² + 0.5²): the paired half-width
    should be about 10 times smaller than Welch's.
    """
    n = 20
    shared = np.array([make_generator(1, r, "shared").normal(0.0, 5.0) for r in range(n)])
    own_b = np.array([make_generator(1, r, "base").normal(0.0, 0.5) for r in range(n)])
    own_o = np.array([make_generator(1, r, "other").normal(0.0, 0.5) for r in range(n)])
    base = table(list(range(n)), wait=list(10.0 + shared + own_b))
    other = table(list(range(n)), wait=list(9.0 + shared + own_o))
    paired = paired_differences(base, other).iloc[0]
    independent = independent_differences(base, other).iloc[0]
    assert paired["difference"] == pytest.approx(independent["difference"])
    paired_half = (paired["ci_high"] - paired["ci_low"]) / 2
    independent_half = (independent["ci_high"] - independent["ci_low"]) / 2
    assert paired_half < independent_half / 5
    assert paired["real"] and not independent["real"]


def test_compare_scenarios_stacks_each_scenario_against_the_baseline(
    base: pd.DataFrame, other: pd.DataFrame
) -> None:
    more = other.assign(wait=other["wait"] + 10)
    result = compare_scenarios({"base": base, "plus": other, "more": more}, baseline="base")
    assert list(result.columns) == ["scenario", *COLUMNS]
    assert result["scenario"].tolist() == ["plus"] * 3 + ["more"] * 3
    plus = result[result["scenario"] == "plus"].drop(columns="scenario").reset_index(drop=True)
    pd.testing.assert_frame_equal(plus, paired_differences(base, other))
    assert result.set_index(["scenario", "kpi"]).loc[("more", "wait"), "difference"] == 12.0


def test_compare_scenarios_edge_cases(base: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="baseline 'missing'"):
        compare_scenarios({"base": base}, baseline="missing")
    alone = compare_scenarios({"base": base}, baseline="base")
    assert alone.empty and list(alone.columns) == ["scenario", *COLUMNS]


# -- equivalence (TOST) --------------------------------------------------------------------------
T_95_2DF = 2.919985580355516  # Student t, 95% quantile, 2 degrees of freedom (90% interval)


def test_tost_hand_computed_paired() -> None:
    """Differences 1, 2, 3: mean 2, SE 1/√3; the 90% interval 2 ± 2.920/√3 = [0.314, 3.686]
    lies inside ±4 (equivalent) but not inside ±3."""
    base, other = [10.0, 20.0, 30.0], [11.0, 22.0, 33.0]
    result = tost(base, other, margin=4.0, paired=True)
    half = T_95_2DF / math.sqrt(3)
    assert result.difference == pytest.approx(2.0)
    assert (result.ci_low, result.ci_high) == pytest.approx((2.0 - half, 2.0 + half))
    # The binding one-sided test is the upper one: t = (2 − 4)/(1/√3) on 2 dof.
    assert result.p_value == pytest.approx(stats.t.cdf(-2.0 * math.sqrt(3), 2))
    assert result.equivalent
    assert not tost(base, other, margin=3.0, paired=True).equivalent


def test_tost_fails_when_the_interval_is_too_wide() -> None:
    """Means equal (difference 0), yet too noisy to exclude a difference of 1: not equivalent.
    "The CI contains 0" would have passed this; TOST does not."""
    base = [0.0, 10.0, -10.0, 5.0]
    other = [10.0, -5.0, 5.0, -5.0]
    result = tost(base, other, margin=1.0)
    assert result.difference == pytest.approx(0.0)
    assert result.ci_low < -1.0 and result.ci_high > 1.0
    assert result.p_value > 0.05
    assert not result.equivalent


def test_tost_fails_when_the_difference_is_real() -> None:
    """A precise difference of 2 against a margin of 1: the interval is narrow but outside."""
    base = [10.0, 11.0, 12.0, 13.0, 14.0]
    other = [12.0, 13.1, 13.9, 15.0, 16.0]
    result = tost(base, other, margin=1.0, paired=True)
    assert result.difference == pytest.approx(2.0)
    assert result.ci_high - result.ci_low < 0.5
    assert result.ci_low > 1.0
    assert not result.equivalent
    assert tost(base, other, margin=2.5, paired=True).equivalent


def test_tost_unpaired_is_welch_and_agrees_with_its_interval() -> None:
    """Unpaired TOST uses the Welch interval at 1 − 2α; equivalence iff it lies inside ±margin."""
    rng = make_generator(1, 0, "tost")
    base, other = rng.normal(10.0, 1.0, 8), rng.normal(10.2, 2.0, 6)
    welch = independent_differences(
        table(list(range(8)), x=base.tolist()), table(list(range(6)), x=other.tolist()), level=0.9
    ).iloc[0]
    for margin in (0.5, 1.0, 2.0, 4.0):
        result = tost(base, other, margin)
        assert (result.ci_low, result.ci_high) == pytest.approx((welch["ci_low"], welch["ci_high"]))
        inside = -margin < result.ci_low and result.ci_high < margin
        assert result.equivalent == inside


def test_tost_pairing_matters_on_correlated_samples() -> None:
    """On positively correlated samples the paired test shows equivalence the unpaired one
    cannot (it ignores the correlation)."""
    base = np.array([10.0, 20.0, 30.0, 40.0, 50.0])
    other = base + np.array([0.1, -0.1, 0.2, 0.0, -0.2])
    assert tost(base, other, margin=0.5, paired=True).equivalent
    assert not tost(base, other, margin=0.5).equivalent


def test_tost_edge_cases() -> None:
    assert tost([1.0, 1.0], [1.5, 1.5], margin=1.0, paired=True).equivalent  # exact, inside
    assert not tost([1.0, 1.0], [2.5, 2.5], margin=1.0, paired=True).equivalent
    assert not tost([1.0], [1.0], margin=1.0).equivalent  # too few values
    assert math.isnan(tost([1.0, float("nan")], [1.0, 2.0], margin=1.0, paired=True).p_value)
    with pytest.raises(ValueError, match="margin"):
        tost([1.0, 2.0], [1.0, 2.0], margin=0.0)
    with pytest.raises(ValueError, match="differ in length"):
        tost([1.0, 2.0], [1.0, 2.0, 3.0], margin=1.0, paired=True)
