"""Validation report: does the baseline reproduce what is published, and — given a council's
own Annex A extract — does the model fitted to it reproduce that council's figures?

    python -m experiments.validation                          # baseline vs published (≈1 min)
    python -m experiments.validation --extract data/synthetic_annex_a
    python -m experiments.validation --tiny                   # seconds-cheap settings (tests)

The published side is the aggregates of ``shared/domain/parameters.md``
(:mod:`experiments.validation_targets`), each with the tolerance agreed for it (``TOLERANCE``
there, the one place they live, each with why). The observed side is read, checked and fitted
by :func:`sim.fit.fit_extract` (the same reader and row checks as ``frontdoor-fit``: a bad
extract is the full listing and exit 2, unless ``--drop-bad-rows``), and the model is then run
on the fitted config, so the question is
"does the model, fed this council's lists, give back this council's figures?".

The report folder holds ``validation.csv``, ``validation.md`` and ``validation.png`` (each KPI:
the model's mean and 95% CI beside the target and its tolerance band). Only aggregates leave
the extract: counts below 5 are shown as ``<5`` and no identifier, date or name is written.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.atomic import write_atomic
from sim.compose import add_config_dir, load
from sim.errors import EXIT_BAD_INPUT, bad_input_exits
from sim.runner import Results, simulate_replications

from .common import OneLineParser, check_out, save_png, save_text
from .validation_targets import PUBLISHED, TOLERANCE

SUPPRESS_BELOW = 5
"""Counts below this are shown as ``<5`` (the Annex A / DfE small-number convention)."""

DEFAULT = ["run.event_log=false", "run.plots=false"]
"""The run's own defaults (5 replications, 560 warm-up days so re-referrals have settled —
docs/experiments.md — 182 measured days): about a minute on one core."""

TINY = [
    "run.replications=3",
    "run.warmup_days=365",
    "run.horizon_days=91",
    "run.drain_days=28",
    "run.jobs=1",
    "run.event_log=false",
    "run.plots=false",
]
"""Cheap settings for the tests (≈25 s). A year of warm-up is the least that lets the
12-month re-referral share build up at all; it is still short of settled (see the table)."""


LABELS = {t.kpi: t.label for t in PUBLISHED}

COLUMNS = [
    "kpi",
    "label",
    "model_mean",
    "model_ci95_low",
    "model_ci95_high",
    "target",
    "target_n",
    "source",
    "tolerance",
    "within_tolerance",
    "comparison",
]


def shown_count(n: int) -> str:
    """A count as it may appear in a report: ``<5`` when small (never the exact figure)."""
    return f"<{SUPPRESS_BELOW}" if n < SUPPRESS_BELOW else str(n)


def _row(
    res: Results, kpi: str, *, target: float, n: str, source: str, tol: float, kind: str
) -> dict:
    s = res.summary.get(kpi, {"mean": math.nan, "ci95_low": math.nan, "ci95_high": math.nan})
    within = math.isfinite(s["mean"]) and abs(s["mean"] - target) <= tol
    return {
        "kpi": kpi,
        "label": LABELS.get(kpi, kpi),
        "model_mean": s["mean"],
        "model_ci95_low": s["ci95_low"],
        "model_ci95_high": s["ci95_high"],
        "target": target,
        "target_n": n,
        "source": source,
        "tolerance": tol,
        "within_tolerance": "yes" if within else "no",
        "comparison": kind,
    }


def published_table(res: Results) -> pd.DataFrame:
    """The model's KPIs beside the published aggregates, each with its agreed tolerance."""
    rows = [
        _row(
            res,
            t.kpi,
            target=t.value,
            n="",
            source=t.source,
            tol=TOLERANCE[t.kpi][0],
            kind="published",
        )
        for t in PUBLISHED
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def observed_figures(fit: object) -> list[tuple[str, float, float, int]]:
    """(KPI, observed value, 95% half-width, rows it rests on) the extract gives, for the KPIs
    the model reports; a list the extract lacks gives no row."""
    from sim.fit.durations import wilson
    from sim.fit.estimates import Fit

    assert isinstance(fit, Fit)
    out: list[tuple[str, float, float, int]] = []

    def add(kpi: str, interval: object, n: int) -> None:
        if interval is not None and n:
            v, lo, hi = interval.value, interval.low, interval.high  # type: ignore[attr-defined]
            out.append((kpi, v, (hi - lo) / 2, n))

    total_contacts = sum(fit.contacts_by_source.values())
    add("conversion_pct", fit.conversion_all, total_contacts)
    referrals = sum(fit.referrals_by_source.values())
    for source in ("police", "schools", "health"):
        k = fit.referrals_by_source.get(source, 0)
        add(f"referral_share_pct_{source}", wilson(k, referrals) if referrals else None, referrals)
    nfa_n = next((e.n for e in fit.estimates if e.name == "referrals ending NFA"), 0)
    add("referral_nfa_pct", fit.nfa, nfa_n)
    if fit.assessment is not None:
        n = int(fit.assessment.days.size)
        add("assessment_working_days_median", fit.assessment.median, n)
        add("assessment_within_45wd_pct", fit.assessment.within, n)
    if fit.icpc_lead is not None:
        add("icpc_within_15wd_pct", fit.icpc_lead.within, int(fit.icpc_lead.days.size))
    return out


def observed_table(res: Results, fit: object) -> pd.DataFrame:
    """The fitted model's KPIs beside the council's own figures (see :data:`TOLERANCE`)."""
    rows = []
    for kpi, value, half, n in observed_figures(fit):
        s = res.summary.get(kpi)
        model_half = (s["ci95_high"] - s["ci95_low"]) / 2 if s else math.nan
        tol = half + (model_half if math.isfinite(model_half) else 0.0)
        small = n < SUPPRESS_BELOW
        row = _row(
            res,
            kpi,
            target=math.nan if small else value,
            n=shown_count(n),
            source="the council's Annex A extract",
            tol=tol,
            kind="observed",
        )
        if small:
            row["within_tolerance"] = "suppressed"
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def _fmt(value: float) -> str:
    return "–" if not math.isfinite(value) else f"{value:,.1f}"


def markdown(table: pd.DataFrame, settings: Sequence[str], notes: Sequence[str]) -> str:
    """The report: one table per comparison, then why each tolerance is what it is."""
    lines = ["# Validation: the model beside published and observed figures", ""]
    lines += [
        "A KPI is *within tolerance* when the model's mean is within the tolerance of the "
        "target. The 95% CI (Student-t over replications) shows how precisely the model's "
        "side is known; counts below 5 are shown as `<5`.",
        "",
    ]
    for kind, title in (
        ("published", "Published aggregates (England)"),
        ("observed", "This council's own figures (the Annex A extract)"),
    ):
        rows = table[table["comparison"] == kind]
        if rows.empty:
            continue
        lines += [
            f"## {title}",
            "",
            "| KPI | model mean (95% CI) | target | n | source | tolerance | within tolerance |",
            "|---|---|---|---|---|---|---|",
        ]
        for _, r in rows.iterrows():
            target = "<5" if r["within_tolerance"] == "suppressed" else _fmt(r["target"])
            lines.append(
                f"| {r['label']} | {_fmt(r['model_mean'])} ({_fmt(r['model_ci95_low'])}–"
                f"{_fmt(r['model_ci95_high'])}) | {target} | {r['target_n'] or '–'} | "
                f"{r['source']} | ±{_fmt(r['tolerance'])} | {r['within_tolerance']} |"
            )
        lines.append("")
    lines += ["## Why these tolerances", ""]
    lines += [f"- `{kpi}` ±{tol:g}: {why}." for kpi, (tol, why) in TOLERANCE.items()]
    lines += [
        "- Against the extract: the sum of the model's and the extract's 95% half-widths.",
        "",
        *(f"Note: {n}" for n in notes),
        "",
        f"Run settings: `{' '.join(settings)}`; written {dt.date.today().isoformat()}. "
        "Figure: `validation.png`; table: `validation.csv`.",
        "",
    ]
    return "\n".join(lines)


def figure(table: pd.DataFrame) -> plt.Figure:
    """One panel per comparison: the model's mean and 95% CI, the target and its band."""
    rows = table[table["within_tolerance"] != "suppressed"].reset_index(drop=True)
    fig, axes = plt.subplots(len(rows), 1, figsize=(8, 0.9 * len(rows) + 1), squeeze=False)
    for ax, (_, r) in zip(axes[:, 0], rows.iterrows(), strict=True):
        ax.axvspan(r["target"] - r["tolerance"], r["target"] + r["tolerance"], color="#dddddd")
        ax.axvline(r["target"], color="#222222", linewidth=1)
        err = np.nan_to_num(
            [[r["model_mean"] - r["model_ci95_low"]], [r["model_ci95_high"] - r["model_mean"]]]
        )
        colour = "#4477aa" if r["within_tolerance"] == "yes" else "#cc3311"
        ax.errorbar([r["model_mean"]], [0], xerr=err, fmt="o", color=colour, capsize=4)
        ax.set_yticks([0], [f"{r['label']} ({r['comparison']})"], fontsize="small")
        ax.tick_params(axis="x", labelsize="small")
    fig.suptitle(
        "Model mean and 95% CI (dot) against the target (line) and tolerance (band)",
        fontsize="medium",
    )
    fig.tight_layout()
    return fig


def validate(
    settings: Sequence[str],
    out: Path,
    extract: Path | None = None,
    *,
    drop_bad_rows: bool = False,
    config_dir: Sequence[str] = (),
    progress: bool | None = False,
    calibrate_rounds: int | None = None,
) -> pd.DataFrame:
    """Run the baseline (and the model fitted to ``extract``), write the report, return the
    table. Raises :class:`sim.fit.ExtractError` for a bad extract, before anything is run."""
    from sim.fit import fit_extract

    notes: list[str] = []
    staging = Path(tempfile.mkdtemp(prefix="frontdoor-validation-"))
    try:
        result = None
        if extract is not None:  # read and checked first: a bad extract costs no simulation
            rounds = {} if calibrate_rounds is None else {"calibrate_rounds": calibrate_rounds}
            result = fit_extract(extract, staging, "extract", drop_bad_rows=drop_bad_rows, **rounds)
            notes += [n for n in result.notes if "dropped" in n or "not fitted" in n]
        base = simulate_replications(load([*settings, *config_dir]), keep_events=False)
        frames = [published_table(base)]
        if result is not None:
            fitted = load(
                [*settings, *config_dir, "demand=extract", "after_decision=extract"],
                extra_config_dir=str(staging),
            )
            frames.append(
                observed_table(simulate_replications(fitted, keep_events=False), result.fit)
            )
            notes.append(
                "re-referrals are not compared with the extract (List 3's 12-month "
                "count is not fitted yet)"
            )
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    table = pd.concat(frames, ignore_index=True)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "validation.csv", lambda p: table.to_csv(p, index=False))
    save_text(out / "validation.md", markdown(table, [*settings, *config_dir], notes))
    save_png(out / "validation.png", figure(table))
    return table


def main(argv: Sequence[str] | None = None) -> Path:
    """``python -m experiments.validation [--extract PATH] [--tiny] [--out DIR] [overrides]``."""
    parser = OneLineParser(prog="python -m experiments.validation")
    parser.add_argument("--extract", type=Path, help="an Annex A workbook (.xlsx) or CSV folder")
    parser.add_argument(
        "--drop-bad-rows",
        action="store_true",
        help="drop the extract's bad rows (counted) instead of refusing",
    )
    parser.add_argument(
        "--calibrate-rounds",
        type=int,
        default=None,
        help="the fit's calibration runs (as frontdoor-fit; default 3)",
    )
    parser.add_argument("--tiny", action="store_true", help="cheap settings (tests)")
    parser.add_argument("--out", type=Path, default=Path("reports") / "validation")
    add_config_dir(parser)
    parser.add_argument("overrides", nargs="*", help="config overrides for the runs")
    args = parser.parse_args(argv)
    settings = [*(TINY if args.tiny else DEFAULT), *args.overrides]
    from sim.fit import ExtractError

    with bad_input_exits("validation"):
        check_out(args.out)
        if args.extract is not None and not args.extract.exists():
            from sim.errors import ConfigError

            raise ConfigError("--extract", str(args.extract), "must be an existing .xlsx or folder")
        load([*settings, *args.config_dir])  # every key checked before a simulated minute
        try:
            table = validate(
                settings,
                args.out,
                args.extract,
                drop_bad_rows=args.drop_bad_rows,
                config_dir=args.config_dir,
                calibrate_rounds=args.calibrate_rounds,
            )
        except ExtractError as error:
            print(
                "validation: error: the extract has bad rows; nothing was written", file=sys.stderr
            )
            print(str(error), file=sys.stderr)
            raise SystemExit(EXIT_BAD_INPUT) from None
    print(table[["label", "model_mean", "target", "within_tolerance", "comparison"]].to_string())
    print(f"Report: {args.out}")
    return args.out / "validation.md"


if __name__ == "__main__":
    main()
