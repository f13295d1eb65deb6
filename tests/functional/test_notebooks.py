"""Every notebook in ``notebooks/`` runs top to bottom as a plain script.

Notebooks are kept as jupytext ``py:percent`` files, so they are ordinary Python: each one is
executed here with :func:`runpy.run_path` in a temporary working directory with a headless
matplotlib backend. New notebooks are picked up automatically.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.py"))


def _ids(path: Path) -> str:
    return path.name


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=_ids)
def test_notebook_runs(
    notebook: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setattr(sys, "argv", [str(notebook)])
    try:
        namespace = runpy.run_path(str(notebook), run_name="__main__")
    finally:
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
    # Every figure a notebook makes is saved next to it (figures/, relative to where it runs).
    if "fig" in namespace:
        saved = tmp_path / "figures" / f"{notebook.stem}.png"
        assert saved.is_file() and saved.stat().st_size > 1000, f"{notebook.name}: save {saved}"
    if notebook.stem == "front_door_options":
        check_front_door_options(tmp_path, capsys.readouterr().out)


def check_front_door_options(tmp_path: Path, out: str) -> None:
    """At the notebook's settings the options are told apart, in the full run's order, and the
    notebook states only what its intervals show."""
    for option in ("integrated_front_door", "simplified_partner_info", "combined"):
        assert f"{option} raises decisions within one working day" in out, out
    import pandas as pd

    diffs = pd.read_csv(tmp_path / "reports" / "front_door_options_notebook" / "differences.csv")
    kpi = diffs[diffs["kpi"] == "decision_within_1wd_pct"].set_index("option")
    assert (kpi["ci_high"] - kpi["ci_low"]).max() < 10, "intervals narrow enough to answer"
    assert kpi.loc["combined", "difference"] > kpi.loc["simplified_partner_info", "difference"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=_ids)
def test_notebook_has_jupytext_percent_header(notebook: Path) -> None:
    text = notebook.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines and lines[0] == "# ---", "a jupytext header must open the file"
    header = lines[1 : lines.index("# ---", 1)] if "# ---" in lines[1:] else []
    assert header, "the jupytext header is not closed by '# ---'"
    assert "# jupyter:" in header
    assert any(line.strip() == "#       format_name: percent" for line in header), (
        "the header must declare format_name: percent"
    )
    assert any(line.startswith("# %%") for line in lines), "no '# %%' cells"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=_ids)
def test_notebook_converts_with_jupytext(notebook: Path) -> None:
    jupytext = pytest.importorskip("jupytext")
    nb = jupytext.read(notebook)
    assert nb.metadata["jupytext"]["text_representation"]["format_name"] == "percent"
    kinds = {cell.cell_type for cell in nb.cells}
    assert kinds == {"code", "markdown"}
    assert jupytext.writes(nb, fmt="ipynb")
