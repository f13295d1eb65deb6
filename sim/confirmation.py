"""Confirmation: the search's choice judged again on fresh replications (the winner's curse).

:func:`sim.optimise.cheapest_staffing` tests many staffings on the same seeds and keeps
removing posts while the bound still clears the target, so the staffing it stops at is the one
whose noise happened to favour it: its bound overstates the confidence. :func:`confirm`
therefore re-runs the choice (and today's staffing, for the comparison) on fresh replications,
from :func:`confirmation_seed` of ``run.seed``, which the search never used, and judges the
targets again there. If it misses, step back up the search's path (the staffing before the
last removal, then the one before that …), or, when the path is used up, add the post that
best helps the missed targets on the search's seeds; each is judged on the same fresh
replications, at most ``step_ups`` times. The fresh replications only accept or reject; they
never choose the next candidate.

Imports one way: this module builds on :mod:`sim.optimise`; the search knows nothing of it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.optimise import Evaluation, Evaluator, SearchResult, Target, Variable

CONFIRM_WORD = 0x636F6E66  # "conf": the confirmation seed's own tag in the SeedSequence


def confirmation_seed(seed: int) -> int:
    """The base seed of the confirmation run: a fixed function of the search's ``run.seed``.

    One 32-bit word of ``SeedSequence([seed, CONFIRM_WORD])``, never ``seed`` itself. A
    stream's entropy is ``[base seed, replication, name words]`` (:mod:`sim.engine.streams`), so no
    confirmation stream shares its entropy with a search stream: no random number the search
    saw is drawn again, and the same ``run.seed`` always gives the same confirmation.
    """
    word = int(np.random.SeedSequence([seed, CONFIRM_WORD]).generate_state(1, np.uint32)[0])
    return word if word != seed else word ^ 1


def target_met(target: Target, bound: float) -> bool:
    return bound >= target.value if target.op == ">=" else bound <= target.value


def margin(target: Target, bound: float) -> float:
    """The bound's signed relative distance past the threshold (0 when the bound is unknown)."""
    if not math.isfinite(bound):
        return 0.0
    gap = bound - target.value if target.op == ">=" else target.value - bound
    return gap / max(abs(target.value), 1.0)


@dataclass
class ConfirmTry:
    """One staffing judged on the fresh replications, beside its search-seed evaluation."""

    how: str  # "search's choice", "search path" (one removal undone) or "added post"
    search: Evaluation | None  # on the search's seeds (None: the search never simulated it)
    confirmed: Evaluation  # on the confirmation seeds


@dataclass
class Confirmation:
    """The search's choice re-run on fresh replications, and any steps back up that were tried."""

    search_seed: int
    seed: int
    replications: int
    tries: list[ConfirmTry] = field(default_factory=list)
    today: ConfirmTry | None = None  # today's staffing on the same fresh replications

    @property
    def held(self) -> bool:
        """Did the search's own choice meet every target on the fresh replications?"""
        return bool(self.tries) and self.tries[0].confirmed.meets

    @property
    def accepted(self) -> ConfirmTry | None:
        """The first staffing tried that met every target on the fresh replications."""
        return next((t for t in self.tries if t.confirmed.meets), None)


def recommended(result: SearchResult, check: Confirmation | None) -> Evaluation | None:
    """The first staffing that held on fresh replications, else the search's choice."""
    accepted = check.accepted if check is not None and result.feasible else None
    return accepted.search if accepted is not None else result.best


def _step_up(
    evaluate: Evaluator,
    variables: Sequence[Variable],
    here: Evaluation,
    missed: Sequence[Target],
    budget_gbp: float,
) -> Evaluation | None:
    """One more post, chosen on the *search's* seeds: the best gain per pound on ``missed``.

    If no post moves the missed targets' bounds, the cheapest post; None if none fits.
    """
    options: list[tuple[float, float, Evaluation]] = []
    for var in variables:
        if here.staffing[var.key] >= var.high:
            continue
        trial = {**here.staffing, var.key: here.staffing[var.key] + 1}
        extra = evaluate.cost(trial) - here.cost_gbp
        if here.cost_gbp + extra > budget_gbp:
            continue
        result = evaluate(trial)
        gain = sum(margin(t, result.bounds[t.kpi]) - margin(t, here.bounds[t.kpi]) for t in missed)
        options.append((gain / max(extra, 1.0), -extra, result))
    if not options:
        return None
    best = max(options, key=lambda o: (o[0], o[1]))
    return best[2] if best[0] > 0 else max(options, key=lambda o: o[1])[2]


def confirm(
    result: SearchResult,
    evaluate: Evaluator,
    variables: Sequence[Variable],
    replications: int,
    *,
    budget_gbp: float = math.inf,
    step_ups: int = 2,
    today: dict[str, int] | None = None,
    report: Callable[[Evaluation], None] | None = None,
) -> Confirmation:
    """Judge the search's choice again on ``replications`` fresh ones (module docstring).

    A choice that misses is followed, if the search found it feasible, by at most ``step_ups``
    staffings with more staff: first back up the search's path, then one added post at a time.
    Today's staffing is run on the same fresh replications last, for the comparison.
    """
    if result.best is None:
        raise ValueError("the search chose no staffing to confirm")
    if replications < 2:
        raise ValueError(f"confirmation needs at least 2 replications, not {replications}")
    search_seed = evaluate.run().seed
    seed = confirmation_seed(search_seed)
    fresh = evaluate.fresh(seed, replications, report)
    out = Confirmation(search_seed, seed, replications)
    here = result.best
    out.tries.append(ConfirmTry("search's choice", here, fresh(here.staffing)))
    # Back up the path: the staffings before each removal, latest first (each one post more).
    chain = [e for e in result.path if e.meets and e is not here][::-1]
    while result.feasible and not out.tries[-1].confirmed.meets and len(out.tries) <= step_ups:
        bounds = out.tries[-1].confirmed.bounds
        missed = [t for t in evaluate.targets if not target_met(t, bounds[t.kpi])]
        if chain:
            how, step = "search path", chain.pop(0)
        else:
            how, found = "added post", _step_up(evaluate, variables, here, missed, budget_gbp)
            if found is None:
                break
            step = found
        out.tries.append(ConfirmTry(how, step, fresh(step.staffing)))
        here = step
    if today is not None:
        out.today = ConfirmTry("today", evaluate.known(today), fresh(today))
    return out
