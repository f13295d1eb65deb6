"""Measure the ratios ``frontdoor-fit`` uses to turn List 4's assessment figures into inputs.

    python -m experiments.fit_ratios [--tiny] [--replications N] [--scale S] [--config-dir DIR]
                                     [override ...]

The model's assessment length is an output: allocation, visits, gaps that widen with the
worker's caseload, a write-up (long for some), the push to finish before 45 working days and a
sign-off. The fit sets two inputs from List 4's two figures (docs/fit.md "From figures to
inputs"): a scale ``s`` on the visit gaps, write-up and long write-up, from the **median**, and
``deadline_push_probability`` p, from the **share over 45 WD**. Each figure moves with both
(a push frees caseload, so other children's gaps shorten).

This runs the default baseline at scales 1 and ``S`` with p = 0 and p = 0.75 on the same seed
and prints, per scale, the row :data:`sim.fit.configs.ASSESSMENT_RATIOS` keeps: the median at
p = 0 and 0.75, and the % over 45 WD at p = 0 and 0.75.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.compose import add_config_dir, load
from sim.errors import bad_input_exits
from sim.fit.configs import RATIO_PUSH, scaled_phase_overrides
from sim.runner import simulate_replications

from .common import OneLineParser

PUSH = RATIO_PUSH
TINY = ["run.warmup_days=28", "run.horizon_days=56", "run.jobs=1"]


def measure(
    scale: float, push: float, replications: int, extra: Sequence[str] = ()
) -> tuple[float, float]:
    """The baseline's (with ``extra`` overrides) assessment median (WD) and share over 45 WD (%)
    at phase scale ``scale`` and deadline push ``push``."""
    base = load(list(extra))
    overrides = [
        *extra,
        *scaled_phase_overrides(base.after_decision.assessment, scale),
        f"after_decision.assessment.deadline_push_probability={push}",
        f"run.replications={replications}",
        "run.event_log=false",
        "run.plots=false",
    ]
    summary = simulate_replications(load(overrides), keep_events=False, progress=False).summary
    return (
        summary["assessment_working_days_median"]["mean"],
        100.0 - summary["assessment_within_45wd_pct"]["mean"],
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = OneLineParser(prog="python -m experiments.fit_ratios", description=__doc__)
    parser.add_argument("--tiny", action="store_true", help="a seconds-long version for tests")
    parser.add_argument("--replications", type=int, default=None, help="default 3 (tiny: 1)")
    parser.add_argument("--scale", type=float, default=1.3, help="the second scale (default 1.3)")
    add_config_dir(parser)
    parser.add_argument("overrides", nargs="*", help="config overrides, key=value")
    args = parser.parse_args(argv)
    extra = [*(TINY if args.tiny else []), *args.overrides, *args.config_dir]
    replications = args.replications or (1 if args.tiny else 3)
    print("ASSESSMENT_RATIOS = {  # scale: (median p=0, median p=0.75, over p=0, over p=0.75)")
    with bad_input_exits("fit_ratios"):
        for scale in (1.0, args.scale):
            median_0, over_0 = measure(scale, 0.0, replications, extra)
            median_1, over_1 = measure(scale, PUSH, replications, extra)
            print(
                f"    {scale:g}: ({median_0:.2f}, {median_1:.2f}, {over_0:.2f}, {over_1:.2f}),",
                flush=True,
            )
    print("}")


if __name__ == "__main__":
    main()
