"""Budget alignment: the cheapest staffing that meets the statutory targets within a budget.

    python -m experiments.budget_alignment [--tiny] [--budget GBP] [--process NAME]
        [--target 'KPI>=VALUE' ...] [--replications N] [--confidence P] [--start current|low]
        [--confirm-replications N] [--confirm-step-ups K] [--out DIR] [override ...]

Default targets (met by the one-sided bound at ``--confidence``, default 95%, over the
replications; sim/optimise.py): at least 95% of decisions within one working day and at least
85% of assessments within 45 working days (``--tiny``: the decision target only, on short
front-door-only runs). ``--process`` picks a ``conf/scenario`` preset (today's process is
``baseline``). The search varies the front-door pools and the assessment teams' social
workers from today's staffing (``--start current``) or from the lower bounds (sim/optimise.py:
ceiling check, greedy add, then remove). The choice and today's staffing are then re-run on
``--confirm-replications`` fresh replications (default twice the search's; 0 skips it, with a
warning) from a seed derived from ``run.seed`` that the search never used, and the targets are
judged again there; a choice that misses is followed by at most ``--confirm-step-ups`` (default
2) staffings with more staff (sim/confirmation.py). Writes into ``DIR`` (default
``reports/budget_alignment/``; the wording in experiments/alignment_report.py):
``evaluations.csv`` (every staffing the search tried: cost, KPI means, 95% CIs and bounds, met
or not), ``confirmation.csv`` (each staffing confirmed: search beside fresh replications),
``recommendation.csv`` (the pick: both runs' KPIs and the verdict's ``status``), ``summary.md``
and ``frontier.png`` (cost against each target KPI's bound, the choice marked). Bad input (an
override, a target, a process, a count) is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import functools
import math
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from sim.compose import add_config_dir, conf_dir, load
from sim.confirmation import confirm, recommended
from sim.errors import ConfigError, bad_input_exits
from sim.optimise import (
    CONFIDENCE,
    Evaluation,
    Evaluator,
    Target,
    Variable,
    cheapest_staffing,
)
from sim.progress import clock, progress_mode
from sim.report.plots import search_figure as figure

from .alignment_report import (
    Alignment,
    confirmation_table,
    evaluations_table,
    kpi_columns,
    short,
    status,
    summary_markdown,
    verdict,
    write_report,
)
from .budget_frontier import TINY_RUN, gbp
from .common import OneLineParser, check_kpis, check_out, with_replications

# The report's names (experiments.alignment_report) stay importable from here.
__all__ = [
    "FULL_RUN",
    "FULL_TARGETS",
    "MAX_STEP_UPS",
    "POOL",
    "SCENARIOS",
    "STEP_UPS",
    "TARGET",
    "TEAM",
    "TINY_ALIGN_RUN",
    "TINY_TARGETS",
    "Alignment",
    "align",
    "confirmation_line",
    "confirmation_table",
    "current_staffing",
    "evaluations_table",
    "figure",
    "kpi_columns",
    "main",
    "parse_args",
    "parse_count",
    "parse_target",
    "process_overrides",
    "progress_line",
    "recommended",
    "short",
    "status",
    "summary_markdown",
    "variables",
    "verdict",
    "write_report",
]

# Six replications; one shared warm-up per staffing (run.warm_start=snapshot): the targets are
# the front door's and the assessments' timeliness, whose replications do not inherit the shared
# start (intra-class correlation ≈ 0, docs/performance.md#the-shared-warm-up), and it halves the
# simulation. Pass run.warm_start=empty to warm up every replication.
FULL_RUN = ["run.replications=6", "run.warm_start=snapshot"]
FULL_TARGETS = [
    Target("decision_within_1wd_pct", ">=", 95.0),
    Target("assessment_within_45wd_pct", ">=", 85.0),
]
TINY_TARGETS = [Target("decision_within_1wd_pct", ">=", 50.0)]
TINY_ALIGN_RUN = [o for o in TINY_RUN if not o.startswith("run.replications")] + [
    "run.replications=3"
]
POOL = "staffing.pools.{}.staff"
TEAM = "after_decision.assessment.teams.{}.social_workers"
SCENARIOS = conf_dir() / "scenario"  # conf/ in a checkout, sim/conf/ when installed
STEP_UPS, MAX_STEP_UPS = 2, 5  # staffings with more staff tried when the choice misses
TARGET = re.compile(r"^\s*([A-Za-z0-9_]+)\s*(>=|<=)\s*([-+0-9.eE]+)\s*$")


def variables(tiny: bool) -> list[Variable]:
    if tiny:
        return [Variable(POOL.format("managers"), 3, 6)]
    return [
        Variable(POOL.format("managers"), 3, 8),
        Variable(POOL.format("social_workers"), 8, 16),
        Variable(POOL.format("practice_support"), 5, 10),
        Variable(TEAM.format("north"), 28, 44),
        Variable(TEAM.format("south"), 22, 36),
    ]


def parse_target(text: str) -> Target:
    """``'decision_within_1wd_pct>=90'`` → a :class:`Target`; :class:`ConfigError` if malformed."""
    match = TARGET.match(text)
    if match is None:
        raise ConfigError("--target", text, "must be KPI>=VALUE or KPI<=VALUE")
    kpi, op, value = match.groups()
    try:
        number = float(value)
    except ValueError:
        raise ConfigError("--target", text, "VALUE must be a number") from None
    if not math.isfinite(number):
        raise ConfigError("--target", text, "VALUE must be a finite number")
    return Target(kpi, op, number)


def process_overrides(name: str) -> list[str]:
    """The overrides of a ``conf/scenario`` preset; :class:`ConfigError` if there is none."""
    known = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))
    if name not in known:
        raise ConfigError("--process", name, f"must be one of {', '.join(known)}")
    return [] if name == "baseline" else [f"+scenario@_global_={name}"]


def current_staffing(run: Sequence[str], vs: Sequence[Variable]) -> dict[str, int]:
    """Today's counts of the search variables in the composed config (the default start)."""
    cfg = load(list(run))
    values: dict[str, int] = {}
    for v in vs:
        node: object = cfg
        for part in v.key.split("."):
            node = node[part] if isinstance(node, dict) else getattr(node, part)
        values[v.key] = int(node)  # type: ignore[call-overload]
    return values


def progress_line(e: Evaluation, prefix: str = "", started: float | None = None) -> None:
    """One line per staffing simulated, so a search of many minutes shows where it is (with
    the time since ``started``, a :func:`time.monotonic` reading; the search's length is not
    known in advance, so there is no estimate of the time left)."""
    staff = " ".join(f"{short(k)}={v}" for k, v in e.staffing.items())
    kpis = " ".join(f"{k}={e.means[k]:.1f} (bound {e.bounds[k]:.1f})" for k in e.means)
    verdict = "meets" if e.meets else "misses"
    when = "" if started is None else f"; {clock(time.monotonic() - started)} elapsed"
    line = f"  {prefix}{staff}: {gbp(e.cost_gbp)}; {kpis}; {verdict}{when}"
    if progress_mode() != "off":
        print(line, file=sys.stderr, flush=True)


def confirmation_line(e: Evaluation, started: float | None = None) -> None:
    progress_line(e, "fresh replications: ", started)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = OneLineParser(
        prog="python -m experiments.budget_alignment", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--tiny", action="store_true", help="a few short runs (tests)")
    parser.add_argument("--budget", type=float, default=math.inf, help="annual £ (default none)")
    parser.add_argument("--process", default="baseline", help="a conf/scenario preset")
    parser.add_argument(
        "--target", action="append", default=None, help="KPI>=VALUE or KPI<=VALUE (repeatable)"
    )
    parser.add_argument("--replications", type=int, default=None)
    parser.add_argument("--confidence", type=float, default=CONFIDENCE)
    parser.add_argument("--start", choices=("current", "low"), default="current")
    parser.add_argument(
        "--confirm-replications",
        default=None,
        help="fresh replications to judge the choice on (default 2 × the search's; 0 skips)",
    )
    parser.add_argument(
        "--confirm-step-ups",
        default=str(STEP_UPS),
        help=f"staffings with more staff tried if the choice misses (0–{MAX_STEP_UPS})",
    )
    parser.add_argument("--out", type=Path, default=Path("reports/budget_alignment"))
    add_config_dir(parser)
    parser.add_argument("overrides", nargs="*", help="extra config overrides for every run")
    args = parser.parse_args(argv)
    args.overrides = [*args.overrides, *args.config_dir]
    return args


def parse_count(flag: str, text: str, allowed: str, ok: Callable[[int], bool]) -> int:
    """A whole number from the command line; :class:`ConfigError` (one line) if not ``ok``."""
    try:
        number = int(text)
    except ValueError:
        raise ConfigError(flag, text, allowed) from None
    if not ok(number):
        raise ConfigError(flag, number, allowed)
    return number


def align(args: argparse.Namespace) -> Alignment:
    """Run the search the arguments describe, confirm it, and write the report folder."""
    if not 0.5 <= args.confidence < 1:
        raise ConfigError("--confidence", args.confidence, "must be in [0.5, 1)")
    if math.isnan(args.budget) or args.budget <= 0:
        raise ConfigError("--budget", args.budget, "must be a positive amount of £ a year")
    confirm_reps = None
    if args.confirm_replications is not None:
        allowed = "must be 0 (skip the confirmation) or a whole number of at least 2"
        confirm_reps = parse_count(
            "--confirm-replications", args.confirm_replications, allowed, lambda n: n == 0 or n >= 2
        )
    step_ups = parse_count(
        "--confirm-step-ups",
        args.confirm_step_ups,
        f"must be a whole number from 0 to {MAX_STEP_UPS}",
        lambda n: 0 <= n <= MAX_STEP_UPS,
    )
    run = with_replications(TINY_ALIGN_RUN if args.tiny else FULL_RUN, args.replications)
    run += process_overrides(args.process) + list(args.overrides)
    targets = (
        [parse_target(t) for t in args.target]
        if args.target
        else (TINY_TARGETS if args.tiny else FULL_TARGETS)
    )
    check_out(args.out)  # every argument checked before the first simulated minute
    check_kpis([t.kpi for t in targets], run, key="target")
    vs = variables(args.tiny)
    today = current_staffing(run, vs)
    started = time.monotonic()
    evaluate = Evaluator(
        run,
        targets,
        confidence=args.confidence,
        report=functools.partial(progress_line, started=started),
    )
    search_run = evaluate.run()
    start = today if args.start == "current" else None
    result = cheapest_staffing(evaluate, vs, args.budget, start=start)
    if confirm_reps is None:
        confirm_reps = 2 * search_run.replications
    check = None
    if confirm_reps and result.best is not None:
        check = confirm(
            result,
            evaluate,
            vs,
            confirm_reps,
            budget_gbp=args.budget,
            step_ups=step_ups,
            today=today,
            report=functools.partial(confirmation_line, started=started),
        )
    alignment = Alignment(result, check, recommended(result, check))
    text = write_report(args, alignment, evaluate, run, today)
    print(text.split("![search]")[0].rstrip())
    print(f"\nReport: {args.out}/summary.md")
    return alignment


def main(argv: Sequence[str] | None = None) -> Alignment:
    args = parse_args(argv)
    with bad_input_exits("budget_alignment"):
        return align(args)


if __name__ == "__main__":
    main()
