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
def test_notebook_runs(notebook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setattr(sys, "argv", [str(notebook)])
    try:
        runpy.run_path(str(notebook), run_name="__main__")
    finally:
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")


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
