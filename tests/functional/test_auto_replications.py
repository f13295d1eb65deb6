"""Choosing the number of replications as the run goes (``run.auto_replications``).

A tiny front door (14 measured days) so each replication takes a fraction of a second.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis.replications import precision
from sim.compose import load
from sim.errors import ConfigError
from sim.runner import Results, simulate_replications

TINY = [
    "run.horizon_days=14",
    "run.warmup_days=3",
    "run.drain_days=3",
    "run.jobs=1",
    "run.plots=false",
    "run.event_log=false",
    "run.auto_replications.enabled=true",
]
KPIS = ["decision_working_days_mean", "decision_within_1wd_pct"]
LOOSE = 0.2


def auto(*overrides: str, keep_events: bool | None = None) -> Results:
    return simulate_replications(load([*TINY, *overrides]), keep_events=keep_events, progress=False)


@pytest.fixture(scope="module")
def loose() -> Results:
    return auto(f"run.auto_replications.precision={LOOSE}")


def test_loose_target_converges_and_meets_the_precision_rule(loose: Results) -> None:
    report = loose.replication_report
    assert report is not None and report.converged
    n = report.n
    assert 3 <= n < 50
    # The run keeps exactly the first n replications, and says so in its config.
    assert loose.replications["replication"].tolist() == list(range(n))
    assert loose.config.run.replications == n
    assert loose.decisions["replication"].unique().tolist() == list(range(n))
    # Recompute the precision rule from the kept replications and from the search table.
    table = report.table
    for kpi in KPIS:
        _, _, prec = precision(loose.replications[kpi].to_numpy(dtype=float))
        assert prec <= LOOSE, kpi
        # ... and it held at n and throughout the look-ahead (n + 5), as the table shows.
        rows = table[(table["kpi"] == kpi) & table["n"].between(n, n + 5)]
        assert len(rows) == 6
        assert (rows["precision"] <= LOOSE).all() and rows["met"].all()
        # the table's statistics at n match the kept replications
        at_n = rows[rows["n"] == n].iloc[0]
        assert at_n["mean"] == pytest.approx(loose.summary[kpi]["mean"])
        assert at_n["precision"] == pytest.approx(prec)
    # n is the first point after which the rule held for six replications running.
    met = table.groupby("n")["met"].all()
    for m in range(3, n):
        assert not met.loc[m : m + 5].all(), m


def test_search_values_are_the_kept_replications(loose: Results) -> None:
    report = loose.replication_report
    assert report is not None
    searched = report.values.iloc[: report.n].reset_index(drop=True)
    for kpi in KPIS:
        np.testing.assert_array_equal(searched[kpi], loose.replications[kpi])


def test_tight_target_hits_the_cap() -> None:
    results = auto("run.auto_replications.precision=0.001", "run.auto_replications.cap=4")
    report = results.replication_report
    assert report is not None
    assert not report.converged
    assert report.n == 4 and len(results.replications) == 4
    assert report.table["n"].max() == 4


def test_same_seed_same_n(loose: Results) -> None:
    again = auto(f"run.auto_replications.precision={LOOSE}")
    assert again.replication_report is not None and loose.replication_report is not None
    assert again.replication_report.n == loose.replication_report.n
    pd.testing.assert_frame_equal(again.replication_report.table, loose.replication_report.table)
    pd.testing.assert_frame_equal(again.replications, loose.replications)


def test_parallel_search_gives_the_same_answer(loose: Results) -> None:
    parallel = auto(f"run.auto_replications.precision={LOOSE}", "run.jobs=2")
    assert parallel.replication_report is not None and loose.replication_report is not None
    assert parallel.replication_report.n == loose.replication_report.n
    pd.testing.assert_frame_equal(parallel.replications, loose.replications)


def test_event_logs_of_exactly_the_kept_replications() -> None:
    results = auto("run.auto_replications.precision=0.5", keep_events=True)
    assert results.replication_report is not None and results.events is not None
    kept = sorted(results.events["replication"].unique().tolist())
    assert kept == list(range(results.replication_report.n))


def test_disabled_by_default() -> None:
    results = simulate_replications(
        load([*TINY[:-1], "run.replications=2"]), keep_events=False, progress=False
    )
    assert results.replication_report is None
    assert len(results.replications) == 2


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("run.auto_replications.precision=0", "precision"),
        ("run.auto_replications.precision=1", "precision"),
        ("run.auto_replications.cap=2", "cap"),
        ("run.auto_replications.kpis=[]", "kpis"),
        ("run.auto_replications.look_ahead=-1", "look_ahead"),
    ],
)
def test_invalid_settings_are_rejected(override: str, key: str) -> None:
    with pytest.raises(ConfigError, match=rf"run\.auto_replications\.{key}"):
        load([*TINY, override])


def test_unknown_kpi_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"run\.auto_replications\.kpis.*must be KPIs of the run"):
        auto("run.auto_replications.kpis=[no_such_kpi]")
