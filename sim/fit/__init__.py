"""Fitting the model to a council's own Ofsted ILACS Annex A lists (``frontdoor-fit``, docs/fit.md).

The layers, top down: :mod:`sim.fit.cli` (the command) › :mod:`sim.fit.run` (``fit_extract``:
read, check, fit, write) › :mod:`sim.fit.report`, :mod:`sim.fit.plots`, :mod:`sim.fit.configs` ›
:mod:`sim.fit.estimates` › :mod:`sim.fit.arrivals`, :mod:`sim.fit.durations`, :mod:`sim.fit.checks`
› :mod:`sim.fit.annex_a`, :mod:`sim.fit.codes`. :mod:`sim.fit.synthetic` writes the synthetic
extract shipped in ``data/synthetic_annex_a`` from known parameters. The model never imports
this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["ExtractError", "FitResult", "fit_extract"]

if TYPE_CHECKING:
    from sim.fit.run import ExtractError, FitResult, fit_extract


def __getattr__(name: str) -> Any:
    """Import lazily: ``import sim.fit`` stays cheap (no pandera, scipy or matplotlib)."""
    if name in __all__:
        from sim.fit import run

        return getattr(run, name)
    raise AttributeError(name)
