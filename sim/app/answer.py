"""The page's answer: an option run beside today's front door on common random numbers.

Both runs go through ``sim.load`` → ``sim.run`` with the same seed and replications, so
replication *r* of each sees the same children and
:func:`sim.analysis.compare.paired_differences` gives the paired change. Runs are kept in a
:class:`RunCache` keyed by their overrides, so a setting seen before (by anyone using the page)
answers at once. Nothing here imports Streamlit: the page,
its AppTest and the unit tests share it.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

import pandas as pd
from omegaconf import OmegaConf

from sim.analysis.compare import compare_scenarios, paired_differences
from sim.app.levers import PAGE_ONLY, Levers, RunSettings, cli_command, run_overrides
from sim.app.levers import today as today_positions
from sim.compose import compose, load, run
from sim.config import Config
from sim.report.words import COST_KPI, HEADLINE_KPI, clipped, headline_sentence, label
from sim.runner import Results

#: KPIs the page shows, in its order: timeliness, after the decision, cost, then utilisation.
SHOWN = (
    "decision_within_1wd_pct",
    "decision_working_days_mean",
    "decision_working_days_p90",
    "decision_within_1wd_pct_red",
    "step_up_working_days_mean",
    "strategy_discussion_working_days_mean",
    "strategy_discussion_within_target_pct",
    "icpc_within_15wd_pct",
    "assessment_within_45wd_pct",
    "re_referral_pct",
    "contacts",
    "referrals",
    "annual_staff_cost_gbp",
    "cost_per_contact_gbp",
    "inappropriate_contact_cost_gbp",
)

#: The four presets of the mission's central comparison (conf/scenario/).
PRESETS = ("baseline", "integrated_front_door", "simplified_partner_info", "combined")

Progress = Callable[[int, int], None]


class RunCache:
    """Finished runs by their overrides, the oldest dropped beyond ``size`` (thread-safe).

    One cache serves every browser tab of a page (Streamlit holds it as a resource), so two
    leaders asking the same question share one run.
    """

    def __init__(self, size: int = 24) -> None:
        self.size = size
        self._runs: OrderedDict[tuple[str, ...], Results] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Sequence[str]) -> Results | None:
        with self._lock:
            found = self._runs.get(tuple(key))
            if found is not None:
                self._runs.move_to_end(tuple(key))
            return found

    def put(self, key: Sequence[str], results: Results) -> None:
        with self._lock:
            self._runs[tuple(key)] = results
            self._runs.move_to_end(tuple(key))
            while len(self._runs) > self.size:
                self._runs.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, list | tuple) and self.get(key) is not None


def page_key(option: Sequence[str], settings: RunSettings) -> list[str]:
    """Every override of a page's run: the option's, the run's length, no event log or plots."""
    return [*option, *run_overrides(settings), *PAGE_ONLY]


@functools.cache
def today_levers() -> Levers:
    """The levers at today's positions, read from the default config once per process (a
    composition costs 1.5–2 s; ``frontdoor-app`` reads it before it serves)."""
    return today_positions(load([]))


def page_run(
    option: Sequence[str],
    settings: RunSettings,
    cache: RunCache,
    on_replication: Progress | None = None,
    spec: Config | None = None,
) -> Results:
    """The option's run with the page's settings, from the cache or through ``sim.run``.

    ``spec``, if given, is ``load(page_key(option, settings))`` already composed (composing
    costs 1.5–2 s). Raises :class:`sim.errors.ConfigError` (before anything runs) for a refused
    combination.
    """
    key = page_key(option, settings)
    found = cache.get(key)
    if found is not None:
        return found
    if spec is None:
        spec = load(key)
    results = run(spec, progress=False, on_replication=on_replication)
    cache.put(key, results)
    return results


@dataclass(frozen=True)
class Answer:
    """An option beside today's front door: both runs and their paired differences."""

    option: str
    overrides: tuple[str, ...]
    settings: RunSettings
    today: Results
    other: Results
    differences: pd.DataFrame

    @property
    def changed(self) -> bool:
        return bool(self.overrides)

    def sentence(self) -> str:
        """The headline (docs/app.md): the 1-WD share with its CI, its paired change, the cost."""
        other = self.other.summary[HEADLINE_KPI]
        if not self.changed:
            return headline_sentence("today's front door", other)
        row = self.differences.set_index("kpi")
        cost = row["difference"].get(COST_KPI)
        return headline_sentence(
            self.option,
            other,
            self.today.summary[HEADLINE_KPI],
            {str(k): float(cast(float, v)) for k, v in row.loc[HEADLINE_KPI].items()},
            None if cost is None else float(cost),
        )

    def table(self) -> pd.DataFrame:
        """One row per KPI shown: today and the option (mean, 95% CI cut to the possible range)
        and the paired difference with its 95% CI."""
        rows = []
        diffs = self.differences.set_index("kpi")
        kpis = [k for k in SHOWN if k in self.other.summary]
        kpis += [k for k in self.other.summary if k.startswith("utilisation_")]
        for kpi in kpis:
            row: dict[str, object] = {"kpi": kpi, "measure": label(kpi)}
            for name, res in (("today", self.today), ("option", self.other)):
                s = res.summary.get(kpi)
                if s is None:
                    continue
                low, high = clipped(kpi, s["ci95_low"], s["ci95_high"])
                row |= {name: s["mean"], f"{name}_ci95_low": low, f"{name}_ci95_high": high}
            if kpi in diffs.index:
                d = diffs.loc[kpi]
                row |= {
                    "change": d["difference"],
                    "change_ci95_low": d["ci_low"],
                    "change_ci95_high": d["ci_high"],
                }
            rows.append(row)
        return pd.DataFrame(rows)

    def command(self) -> str:
        return cli_command(list(self.overrides), self.settings)

    def config_yaml(self) -> str:
        """The option's composed config, as ``frontdoor --cfg job`` would print it."""
        return config_yaml((*self.overrides, *run_overrides(self.settings)))


@functools.lru_cache(maxsize=64)
def config_yaml(overrides: tuple[str, ...]) -> str:
    """``frontdoor <overrides> --cfg job``'s YAML, kept per overrides: the page shows it for its
    download on every redraw, and composing costs 1.5–2 s."""
    return OmegaConf.to_yaml(compose(list(overrides)))


def answer(
    option_words: str,
    option: Sequence[str],
    settings: RunSettings,
    cache: RunCache,
    on_progress: Progress | None = None,
) -> Answer:
    """Run (or fetch) today's front door and the option, and pair them.

    ``on_progress(done, total)`` counts replications over both runs (a cached run counts as
    done at once).
    """
    total = 2 * settings.replications
    key = page_key(option, settings)
    # A refused option is refused before today runs; the spec is kept for the option's run.
    spec = None if key in cache else load(key)

    def told(offset: int) -> Progress | None:
        if on_progress is None:
            return None
        return lambda done, _total: on_progress(offset + done, total)

    today = page_run([], settings, cache, told(0), None if option else spec)
    if on_progress is not None:
        on_progress(settings.replications, total)
    other = (
        today
        if not option
        else page_run(option, settings, cache, told(settings.replications), spec)
    )
    kpis = [k for k in today.replications.columns if k != "replication" and k in other.replications]
    diffs = paired_differences(today.replications, other.replications, kpis)
    return Answer(option_words, tuple(option), settings, today, other, diffs)


def presets(
    settings: RunSettings, cache: RunCache, on_progress: Progress | None = None
) -> tuple[dict[str, Results], pd.DataFrame]:
    """The four preset scenarios with today's staffing, and each against the baseline (paired)."""
    total = len(PRESETS) * settings.replications
    runs: dict[str, Results] = {}
    for i, name in enumerate(PRESETS):
        offset = i * settings.replications
        step = None if on_progress is None else (lambda d, _t, o=offset: on_progress(o + d, total))
        runs[name] = page_run(
            [] if name == "baseline" else [f"scenario={name}"], settings, cache, step
        )
    tables = {name: r.replications for name, r in runs.items()}
    return runs, compare_scenarios(
        tables, "baseline", [k for k in SHOWN if k in runs["baseline"].summary]
    )
