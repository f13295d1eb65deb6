"""Categorical choices: which category of a probability mix a uniform falls in.

Every mix in the config (a source's urgency and concern, the below-threshold outcomes, the
section 47 outcomes, the sources' shares) is turned into a category the same way, whether one
uniform is drawn (:func:`choose`) or a whole array (:func:`choose_many`), so the two can never
disagree (in 0.1.x the scalar chooser sent an empty mix to the *first* name and the vectorised
one to the *last*):

- ``names`` fixes the order of the categories; the mix is normalised by its total and the
  uniform ``u`` falls in the first category whose cumulative share exceeds it;
- a uniform at or beyond the last cumulative share (rounding) goes to the last category with a
  positive share, never to one the mix gives nothing;
- an **empty** mix means ``empty``, which every caller passes explicitly: what "empty" means is
  a documented property of each config key (``demand.sources.<s>.urgency``: green; ``.concern``:
  other; ``front_door.decision.below_threshold_outcomes``: nfa_advice;
  ``after_decision.section47.outcomes``: nfa), not of where the name happens to stand in
  ``names``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=512)
def _edges(
    items: tuple[tuple[str, float], ...], names: tuple[str, ...]
) -> tuple[tuple[float, ...], int]:
    """The cumulative shares of ``names`` and the index of the last name with a share > 0.

    Cached (mixes are few and fixed for a run) so the per-contact scalar choice stays cheap.
    """
    mix = dict(items)
    probabilities = np.array([mix.get(name, 0.0) for name in names], dtype=float)
    edges = np.cumsum(probabilities / probabilities.sum())
    positive = np.flatnonzero(probabilities > 0)
    last = int(positive[-1]) if positive.size else len(names) - 1
    return tuple(edges.tolist()), last


def _check_empty(empty: str, names: tuple[str, ...]) -> None:
    if empty not in names:
        raise ValueError(f"empty={empty!r} is not one of {names}")


def choose(u: float, mix: Mapping[str, float], names: tuple[str, ...], *, empty: str) -> str:
    """The category of ``names`` that uniform ``u`` falls in under ``mix`` (empty: ``empty``)."""
    if not mix:
        _check_empty(empty, names)
        return empty
    edges, last = _edges(tuple(mix.items()), names)
    return names[min(bisect_right(edges, u), last)]


def choose_many(
    u: np.ndarray, mix: Mapping[str, float], names: tuple[str, ...], *, empty: str
) -> np.ndarray:
    """:func:`choose` for each uniform of ``u`` at once (an object array of names)."""
    if not mix:
        _check_empty(empty, names)
        return np.full(u.shape, empty, dtype=object)
    edges, last = _edges(tuple(mix.items()), names)
    index = np.minimum(np.searchsorted(np.asarray(edges), u, side="right"), last)
    return np.asarray(names, dtype=object)[index]
