"""``python -m experiments.fit_ratios``: the command that measures the assessment ratios the fit
keeps (sim/fit/configs.py ``ASSESSMENT_RATIOS``), in its seconds-long version."""

from __future__ import annotations

import pytest

from experiments import fit_ratios


@pytest.mark.long  # ≈20 s: a developer's tool, run by make test-long
def test_the_ratios_command_prints_rows_the_fit_can_keep(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``python -m experiments.fit_ratios --tiny``: longer phases, longer assessments, more of
    them over 45 WD; the push brings fewer over (common random numbers make this sharp)."""
    fit_ratios.main(["--tiny"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("ASSESSMENT_RATIOS = {") and lines[-1] == "}"
    rows = {
        float(scale): tuple(float(v) for v in figures.strip(" (),").split(","))
        for scale, figures in (line.split(":", 1) for line in lines[1:-1])
    }
    assert set(rows) == {1.0, 1.3}
    (m0, _, o0, o1), (m0_long, _, o0_long, _) = rows[1.0], rows[1.3]
    assert m0_long > m0 and o0_long > o0 and o1 < o0
