"""The validation report (experiments/validation.py): the baseline beside the published
aggregates within the agreed tolerances, and the model fitted to the synthetic extract beside
the extract's own figures; nothing from the extract but aggregates in the outputs.

One run at the cheap settings (3 replications, 365 warm-up + 91 measured days, fixed seed;
≈35 s). At those settings the CI half-widths of the KPIs asserted to be within tolerance are
well inside their tolerance (conversion ±1.2 vs 4 pp, police share ±3.9 vs 5, health ±0.7 vs 5,
re-referrals ±0.9 vs 5, assessment median ±0.4 vs 4 WD), so "within" is a finding, not noise;
the others (NFA ±4, 45-WD ±4.6, ICPC ±7.8 at three replications) are only required to be
consistent with their band (the CI overlaps it).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from experiments import validation
from experiments.validation import TINY, validate
from experiments.validation_targets import PUBLISHED, TOLERANCE

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "synthetic_annex_a"
pytestmark = pytest.mark.slow

PRECISE = [
    "conversion_pct",
    "referral_share_pct_police",
    "referral_share_pct_health",
    "re_referral_pct",
    "assessment_working_days_median",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, Path]:
    out = tmp_path_factory.mktemp("validation")
    return validate(TINY, out, SHIPPED), out


def test_every_published_comparison_has_its_agreed_tolerance() -> None:
    assert {t.kpi for t in PUBLISHED} == set(TOLERANCE)
    assert all(tol > 0 and len(why) > 20 for tol, why in TOLERANCE.values())


def test_the_baseline_is_within_the_agreed_tolerances(report: tuple[pd.DataFrame, Path]) -> None:
    table = report[0].set_index("kpi")
    published = table[table["comparison"] == "published"]
    for kpi in PRECISE:
        r = published.loc[kpi]
        half = (r["model_ci95_high"] - r["model_ci95_low"]) / 2
        assert half < r["tolerance"], (kpi, half)  # the settings are precise enough to judge
        assert abs(r["model_mean"] - r["target"]) <= r["tolerance"], (kpi, r.to_dict())
        assert r["within_tolerance"] == "yes"
    for kpi, r in published.iterrows():  # the rest: the CI at least meets the band
        assert r["model_ci95_high"] >= r["target"] - r["tolerance"], kpi
        assert r["model_ci95_low"] <= r["target"] + r["tolerance"], kpi


def test_the_fitted_model_reproduces_the_extracts_own_shares(
    report: tuple[pd.DataFrame, Path],
) -> None:
    observed = report[0][report[0]["comparison"] == "observed"].set_index("kpi")
    assert {"conversion_pct", "referral_nfa_pct", "assessment_within_45wd_pct"} <= set(
        observed.index
    )
    for kpi in (
        "conversion_pct",
        "referral_share_pct_police",
        "assessment_within_45wd_pct",
        "assessment_working_days_median",  # the fit calibrates it on the model
    ):
        assert observed.loc[kpi, "within_tolerance"] == "yes", observed.loc[kpi].to_dict()
    assert all(n == "<5" or int(n) >= 5 for n in observed["target_n"])


def test_the_report_files_exist_and_hold_no_identifiers(report: tuple[pd.DataFrame, Path]) -> None:
    out = report[1]
    for name in ("validation.csv", "validation.md", "validation.png"):
        assert (out / name).stat().st_size > 0
    text = (out / "validation.csv").read_text() + (out / "validation.md").read_text()
    for needle in ("SYN0", "Synthetic Worker", "Synthetic Team", "/20"):
        assert needle not in text


def test_small_counts_are_suppressed() -> None:
    assert validation.shown_count(4) == "<5"
    assert validation.shown_count(5) == "5"


def test_a_bad_extract_is_listed_exit_2_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "extract"
    shutil.copytree(SHIPPED, bad)
    path = bad / "List_4_assessments.csv"
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace("01/04/2023", "31/02/2023", 1)
    path.write_text("\n".join(lines) + "\n")
    out = tmp_path / "report"
    with pytest.raises(SystemExit) as exit_:
        validation.main(
            [
                "--tiny",
                "--extract",
                str(bad),
                "--out",
                str(out),
                "run.horizon_days=7",
                "run.warmup_days=0",
                "run.replications=2",
            ]
        )
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "31/02/2023" in err and "List 4" in err and "Traceback" not in err
    assert not (out / "validation.csv").exists()


def test_a_missing_extract_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        validation.main(["--tiny", "--extract", str(tmp_path / "nope"), "--out", str(tmp_path)])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1
