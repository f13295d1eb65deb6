"""``frontdoor-fit``: fit the model to an Annex A extract from the command line (docs/fit.md).

Bad input (a missing file, a bad option) is one line and exit 2; a bad extract is the complete
listing of its bad rows, a count, and exit 2, with nothing written — unless ``--drop-bad-rows``,
which drops them, says how many, and goes on. Only what the fit wrote and its notes are printed:
never a cell of the extract beyond what :func:`sim.fit.checks.shown` allows.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sim.errors import EXIT_BAD_INPUT, bad_input_exits

PROG = "frontdoor-fit"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Fit frontdoor-sim's demand and after-decision parameters to an Ofsted ILACS "
        "Annex A extract (an .xlsx workbook, one sheet per list, or a folder of CSV files).",
    )
    p.add_argument("extract", help="the workbook (.xlsx) or folder of CSVs")
    p.add_argument(
        "--out", required=True, help="config folder to write into (OUT/demand/NAME.yaml ...)"
    )
    p.add_argument("--name", default="local", help="the config name: demand=NAME (default: local)")
    p.add_argument(
        "--drop-bad-rows", action="store_true", help="drop bad rows (counted) instead of refusing"
    )
    p.add_argument(
        "--codes", help="YAML of Annex A source code: model source, overriding the default table"
    )
    p.add_argument(
        "--calibrate-rounds",
        type=int,
        default=None,
        help="short model runs to calibrate the assessment on (0 to 10; 0: none; default 3, "
        "sim.fit.calibrate.ROUNDS)",
    )
    p.add_argument("--demand", default="cheshire_east", help="demand option to start from")
    p.add_argument(
        "--after-decision", default="cheshire_east", help="after_decision option to start from"
    )
    return p


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    from sim.fit.run import ExtractError, fit_extract

    with bad_input_exits(PROG):
        try:
            result = fit_extract(
                args.extract,
                args.out,
                args.name,
                drop_bad_rows=args.drop_bad_rows,
                codes=args.codes,
                base_demand=args.demand,
                base_after_decision=args.after_decision,
                **(
                    {}
                    if args.calibrate_rounds is None
                    else {"calibrate_rounds": args.calibrate_rounds}
                ),
            )
        except ExtractError as error:
            print(f"{PROG}: error: the extract has bad rows; nothing was written", file=sys.stderr)
            print(str(error), file=sys.stderr)
            print("Correct them, or run with --drop-bad-rows to fit without them.", file=sys.stderr)
            raise SystemExit(EXIT_BAD_INPUT) from None
    if result.problems:
        print(f"{len(result.problems)} problem(s) found; the rows with them were dropped:")
        for problem in result.problems:
            print(f"  {problem.line()}")
    for note in result.notes:
        print(f"note: {note}")
    for path in result.files:
        print(f"wrote {path}")
    print(
        f"Run it: frontdoor --config-dir {args.out} demand={args.name} after_decision={args.name}"
    )


if __name__ == "__main__":
    main()
