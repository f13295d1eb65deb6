"""Which estimates matter? Sample the ESTIMATE parameters over their stated ranges, run the
baseline and the two front-door options on common random numbers, and measure how much each
parameter moves the headline KPIs, the options' advantages and the annual cost.

    python -m experiments.sensitivity                # 14 parameters, N=8: docs/experiments.md
    python -m experiments.sensitivity --samples 4        # a smaller Sobol design
    python -m experiments.sensitivity --tiny --parameters screening_effort_factor,salary_factor

Two designs, both on the same seed (every sample, and every option within it, sees the same
contacts, so a difference between runs is the parameters', not the noise's):

- *one at a time* (the tornado): every parameter at its low and high end, the others at their
  defaults; 2k + 1 points;
- *Sobol* (variance-based): a scrambled Sobol sequence (``scipy.stats.qmc.Sobol``) gives two
  N × k matrices A and B and the k matrices A_B^i (A with column i from B); first-order indices
  by Saltelli et al. (2010), total indices by Jansen (1999), with bootstrap 95% intervals; N(k+2)
  points. With small N the indices are rough; the tornado is exact for its question.

Per sample the *advantage* of an option is its paired difference from the baseline
(:func:`sim.analysis.compare.paired_differences`). Outputs (all atomic, one folder):
``tornado.png``, ``indices.csv``, ``samples.csv``, ``costs.csv`` (each option's annual cost
over the Sobol samples: min, 5%, median, 95%, max) and ``summary.md`` with the top five.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import qmc

from sim.analysis.compare import paired_differences
from sim.atomic import write_atomic
from sim.compose import add_config_dir, compose, load
from sim.errors import ConfigError, bad_input_exits
from sim.progress import Progress
from sim.runner import simulate_replications

from .common import OneLineParser, check_out, save_png, save_text
from .sensitivity_parameters import BY_NAME, Parameter

OPTIONS = {
    "baseline": "scenario=baseline",
    "integrated_front_door": "scenario=integrated_front_door",
    "simplified_partner_info": "scenario=simplified_partner_info",
}
KPIS = ["decision_within_1wd_pct", "decision_working_days_mean", "annual_staff_cost_gbp"]
OUTPUTS = {
    "decision_within_1wd_pct": "baseline: decided within 1 WD %",
    "decision_working_days_mean": "baseline: mean WD to decision",
    "annual_staff_cost_gbp": "baseline: annual staff cost £",
    "integrated_advantage_pp": "integrated door: +pp decided within 1 WD",
    "partner_info_advantage_pp": "simplified partner info: +pp decided within 1 WD",
}
FULL = ["run.replications=1", "run.warmup_days=56", "run.horizon_days=91", "run.drain_days=14"]
TINY = ["run.replications=1", "run.warmup_days=14", "run.horizon_days=28", "run.drain_days=7"]
QUIET = ["run.jobs=1", "run.event_log=false", "run.plots=false"]
SEED = 20251202  # the Sobol scramble's seed; the model's seed is run.seed, the same every run


def designs(params: Sequence[Parameter], n: int, seed: int = SEED) -> dict[str, np.ndarray]:
    """The one-at-a-time points and (n > 0) the Sobol matrices A, B, A_B^i, in real units."""
    k = len(params)
    base = np.array([p.base for p in params])
    lo, hi = np.array([p.low for p in params]), np.array([p.high for p in params])
    oat = [base]
    for i in range(k):
        for end in (lo, hi):
            point = base.copy()
            point[i] = end[i]
            oat.append(point)
    out = {"oat": np.array(oat)}
    if n > 0:
        unit = qmc.Sobol(2 * k, scramble=True, seed=seed).random(n)
        a, b = qmc.scale(unit[:, :k], lo, hi), qmc.scale(unit[:, k:], lo, hi)
        out["A"], out["B"] = a, b
        for i in range(k):
            ab = a.copy()
            ab[:, i] = b[:, i]
            out[f"AB{i}"] = ab
    return out


def evaluate(
    points: np.ndarray, params: Sequence[Parameter], settings: Sequence[str], counter: Progress
) -> pd.DataFrame:
    """Run every option at every point (common random numbers); one row of outputs per point."""
    bases = {name: compose([*settings, o]) for name, o in OPTIONS.items()}
    rows = []
    for point in points:
        results = {}
        for name, option in OPTIONS.items():
            extra = [
                o for p, x in zip(params, point, strict=True) for o in p.overrides(bases[name], x)
            ]
            results[name] = simulate_replications(
                load([*settings, option, *extra]), keep_events=False
            )
            counter.advance(name)
        base = results["baseline"]
        row = {p.name: x for p, x in zip(params, point, strict=True)}
        row.update({k: base.summary[k]["mean"] for k in KPIS})
        for output, name in (
            ("integrated_advantage_pp", "integrated_front_door"),
            ("partner_info_advantage_pp", "simplified_partner_info"),
        ):
            d = paired_differences(base.replications, results[name].replications, [KPIS[0]])
            row[output] = float(d["difference"].iloc[0])
        for name, res in results.items():
            row[f"cost_{name}"] = res.summary["annual_staff_cost_gbp"]["mean"]
            row[f"partner_cost_{name}"] = res.summary["partner_funded_cost_gbp"]["mean"]
        rows.append(row)
    return pd.DataFrame(rows)


def sobol_indices(
    f_a: npt.NDArray[np.float64], f_b: npt.NDArray[np.float64], f_ab: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """First-order (Saltelli 2010) and total (Jansen 1999) indices; ``f_ab`` is N × k. Zero
    output variance: every index is 0 (nothing to apportion)."""
    variance = np.var(np.concatenate([f_a, f_b]), ddof=1)
    if not variance > 0:
        zeros = np.zeros(f_ab.shape[1])
        return zeros, zeros
    first = np.mean(f_b[:, None] * (f_ab - f_a[:, None]), axis=0) / variance
    total = 0.5 * np.mean((f_a[:, None] - f_ab) ** 2, axis=0) / variance
    return first, total


def indices_table(
    samples: pd.DataFrame, params: Sequence[Parameter], n: int, boot: int = 200
) -> pd.DataFrame:
    """One row per output and parameter: tornado low/high/swing, and Sobol S1, ST with CIs."""
    k = len(params)
    oat = samples[samples["design"] == "oat"].reset_index(drop=True)
    rng = np.random.default_rng(SEED)
    rows = []
    for output in OUTPUTS:
        base = oat.loc[0, output]
        s1 = st = np.full(k, np.nan)
        s1_ci = st_ci = np.full((2, k), np.nan)
        if n > 0:
            f_a = samples.loc[samples["design"] == "A", output].to_numpy()
            f_b = samples.loc[samples["design"] == "B", output].to_numpy()
            f_ab = np.column_stack(
                [samples.loc[samples["design"] == f"AB{i}", output].to_numpy() for i in range(k)]
            )
            s1, st = sobol_indices(f_a, f_b, f_ab)
            draws = [
                sobol_indices(f_a[j], f_b[j], f_ab[j])
                for j in (rng.integers(0, n, n) for _ in range(boot))
            ]
            s1_ci = np.percentile([d[0] for d in draws], [2.5, 97.5], axis=0)
            st_ci = np.percentile([d[1] for d in draws], [2.5, 97.5], axis=0)
        for i, p in enumerate(params):
            low, high = oat.loc[1 + 2 * i, output], oat.loc[2 + 2 * i, output]
            rows.append(
                {
                    "output": output,
                    "parameter": p.name,
                    "range_low": p.low,
                    "range_high": p.high,
                    "base_value": base,
                    "at_low": low,
                    "at_high": high,
                    "swing": high - low,
                    "S1": s1[i],
                    "S1_ci_low": s1_ci[0, i],
                    "S1_ci_high": s1_ci[1, i],
                    "ST": st[i],
                    "ST_ci_low": st_ci[0, i],
                    "ST_ci_high": st_ci[1, i],
                }
            )
    table = pd.DataFrame(rows)
    largest = table.groupby("output")["swing"].transform(lambda s: s.abs().max())
    table["swing_share"] = (table["swing"].abs() / largest.where(largest > 0)).fillna(0.0)
    return table


def ranking(table: pd.DataFrame) -> pd.Series:
    """Overall importance: the mean over the outputs of each parameter's |swing| as a share of
    that output's largest swing (1 = the biggest mover of some output's every run)."""
    return table.groupby("parameter")["swing_share"].mean().sort_values(ascending=False)


def cost_ranges(samples: pd.DataFrame) -> pd.DataFrame:
    """Each option's annual cost over the sampled points (Sobol A and B if run, else all)."""
    rows = samples[samples["design"].isin(["A", "B"])]
    rows = rows if len(rows) else samples
    out = []
    for name in OPTIONS:
        for kind in ("cost", "partner_cost"):
            v = rows[f"{kind}_{name}"].to_numpy()
            q = np.percentile(v, [0, 5, 50, 95, 100])
            out.append(
                {
                    "option": name,
                    "who_pays": "council" if kind == "cost" else "partners",
                    "min": q[0],
                    "p05": q[1],
                    "median": q[2],
                    "p95": q[3],
                    "max": q[4],
                    "samples": len(v),
                }
            )
    return pd.DataFrame(out)


def tornado_figure(table: pd.DataFrame) -> plt.Figure:
    """One panel per output: each parameter's run at its low (light) and high (dark) end,
    as the change from the all-defaults run, largest swing on top."""
    fig, axes = plt.subplots(len(OUTPUTS), 1, figsize=(8, 2.6 * len(OUTPUTS)), squeeze=False)
    for ax, (output, label) in zip(axes[:, 0], OUTPUTS.items(), strict=True):
        rows = table[table["output"] == output].assign(size=lambda t: t["swing"].abs())
        rows = rows.sort_values("size")
        y = np.arange(len(rows))
        ax.barh(y, rows["at_low"] - rows["base_value"], color="#99bbdd", label="at its low end")
        ax.barh(y, rows["at_high"] - rows["base_value"], color="#225588", label="at its high end")
        ax.axvline(0, color="#222222", linewidth=0.8)
        ax.set_yticks(y, rows["parameter"], fontsize="x-small")
        ax.set_title(f"{label} (change from the defaults' run)", fontsize="small")
    axes[0, 0].legend(fontsize="x-small")
    fig.tight_layout()
    return fig


def _money(v: float) -> str:
    return f"£{v / 1e6:,.2f}m"


def summary(
    table: pd.DataFrame,
    costs: pd.DataFrame,
    params: Sequence[Parameter],
    *,
    n: int,
    settings: Sequence[str],
    seconds: float,
    runs: int,
) -> str:
    """The report: the top five, the per-output leaders, the cost ranges, the ranges used."""
    top = ranking(table)
    lines = ["# Which estimates matter?", "", "## Top five (overall)", ""]
    lines += [
        f"{i}. `{name}` (mean share of the largest swing {v:.2f})"
        for i, (name, v) in enumerate(top.head(5).items(), start=1)
    ]
    lines += [
        "",
        "## What moves each output",
        "",
        "| output | largest swing (low → high) | second | ST of the largest (95% CI) |",
        "|---|---|---|---|",
    ]
    for output, label in OUTPUTS.items():
        rows = table[table["output"] == output].sort_values("swing", key=abs, ascending=False)
        a, b = rows.iloc[0], rows.iloc[1] if len(rows) > 1 else rows.iloc[0]
        st = "–" if n == 0 else f"{a['ST']:.2f} ({a['ST_ci_low']:.2f}–{a['ST_ci_high']:.2f})"
        lines.append(
            f"| {label} | `{a['parameter']}` {a['swing']:+,.2f} | "
            f"`{b['parameter']}` {b['swing']:+,.2f} | {st} |"
        )
    lines += [
        "",
        "## Annual cost of each option over the samples",
        "",
        "| option | paid by | min | 5% | median | 95% | max |",
        "|---|---|---|---|---|---|---|",
    ]
    for _, c in costs.iterrows():
        lines.append(
            f"| {c['option']} | {c['who_pays']} | {_money(c['min'])} | "
            f"{_money(c['p05'])} | {_money(c['median'])} | {_money(c['p95'])} | "
            f"{_money(c['max'])} |"
        )
    lines += [
        "",
        "## Parameters and ranges (uniform)",
        "",
        "| parameter | default | range | why |",
        "|---|---|---|---|",
    ]
    lines += [f"| `{p.name}` | {p.base:g} | {p.low:g}–{p.high:g} | {p.reason} |" for p in params]
    lines += [
        "",
        f"Design: {2 * len(params) + 1} one-at-a-time points"
        + (f" and a Sobol design of N={n} ({n * (len(params) + 2)} points)" if n else "")
        + f"; {runs} runs (3 options each, common random numbers) in {seconds:,.0f} s. "
        f"Settings: `{' '.join(settings)}`. Files: `tornado.png`, `indices.csv` (swing, S1, "
        "ST with bootstrap CIs), `samples.csv`, `costs.csv`.",
        "",
    ]
    return "\n".join(lines)


def sensitivity(
    params: Sequence[Parameter],
    n: int,
    settings: Sequence[str],
    out: Path,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Run both designs, write the report folder, return the indices table."""
    points = designs(params, n)
    total = sum(len(p) for p in points.values()) * len(OPTIONS)
    start = time.monotonic()
    with Progress("sensitivity", total, "run", show=progress) as counter:
        frames = [
            evaluate(p, params, settings, counter).assign(design=d) for d, p in points.items()
        ]
    seconds = time.monotonic() - start
    samples = pd.concat(frames, ignore_index=True)
    table = indices_table(samples, params, n)
    costs = cost_ranges(samples)
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in (("samples.csv", samples), ("indices.csv", table), ("costs.csv", costs)):
        write_atomic(out / name, lambda p, f=frame: f.to_csv(p, index=False))
    save_png(out / "tornado.png", tornado_figure(table))
    save_text(
        out / "summary.md",
        summary(table, costs, params, n=n, settings=settings, seconds=seconds, runs=total),
    )
    return table


def main(argv: Sequence[str] | None = None) -> Path:
    """``python -m experiments.sensitivity [--tiny] [--samples N] [--parameters a,b] ...``."""
    parser = OneLineParser(prog="python -m experiments.sensitivity")
    parser.add_argument("--tiny", action="store_true", help="seconds-cheap settings (tests)")
    parser.add_argument("--samples", type=int, default=8, help="Sobol base N (0: tornado only)")
    parser.add_argument("--parameters", default="", help="comma-separated subset of the table")
    parser.add_argument("--out", type=Path, default=Path("reports") / "sensitivity")
    add_config_dir(parser)
    parser.add_argument("overrides", nargs="*", help="config overrides for every run")
    args = parser.parse_args(argv)
    settings = [*(TINY if args.tiny else FULL), *QUIET, *args.overrides, *args.config_dir]
    with bad_input_exits("sensitivity"):
        check_out(args.out)
        if args.samples < 0:
            raise ConfigError("--samples", args.samples, "must be 0 or more")
        names = [n for n in args.parameters.split(",") if n] or list(BY_NAME)
        for name in names:
            if name not in BY_NAME:
                raise ConfigError("--parameters", name, f"must be one of {', '.join(BY_NAME)}")
        params = [BY_NAME[n] for n in names]
        for option in OPTIONS.values():  # every option at both ends, before any simulated day
            cfg = compose([*settings, option])
            for end in ("low", "high"):
                load(
                    [
                        *settings,
                        option,
                        *(o for p in params for o in p.overrides(cfg, getattr(p, end))),
                    ]
                )
        sensitivity(params, args.samples, settings, args.out)
    print((args.out / "summary.md").read_text(encoding="utf-8").split("## What")[0])
    print(f"Report: {args.out}")
    return args.out / "summary.md"


if __name__ == "__main__":
    main()
