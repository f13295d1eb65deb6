"""Paired differences across the jobs of a sweep, and the interactions of a factorial sweep.

Every job of a sweep runs with the same ``run.seed``, so replication *r* of every job sees the
same children arriving at the same times (common random numbers). Pairing each job with a
*baseline* job replication by replication therefore gives a much narrower interval for "what
did this change do?" than comparing the two jobs' own intervals. The arithmetic is
:func:`sim.analysis.compare.paired_differences`'s, the intervals
:mod:`sim.analysis.intervals`' — one implementation for the experiments and the sweeps.

* :func:`find_baseline` — the one ok job whose overrides include every ``key=value`` given
  (``scenario=baseline staffing=current``), or the job number;
* :func:`paired_table` — every other ok job minus the baseline: ``job``, the swept keys,
  ``kpi``, ``base_mean``, ``other_mean``, ``difference``, ``ci_low``, ``ci_high``, ``n``,
  ``real`` (the 95% CI excludes zero). A job that does not share the baseline's seed and
  replication count cannot be paired: it is refused with one line (:class:`Refusal`);
* :func:`interaction_table` — for every two swept keys A and B, and every change of each from
  its baseline value that the sweep ran in all four combinations, the effect of B's change with
  A at its baseline value, the effect with A changed, and their difference (the interaction),
  each with its paired 95% CI. In a 2×2 of ``scenario`` × ``staffing``: what +2 social workers
  add under the integrated front door against what they add under today's door.

Differences are ``other − base``; money is in whole pounds (:func:`sim.sweep_tables.whole_pounds`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from sim.analysis.compare import COLUMNS, paired_differences
from sim.sweep_tables import Job, swept_keys, whole_pounds

DIFFERENCE_STATS = ("base_mean", "other_mean", "difference", "ci_low", "ci_high")
PAIRING_KEYS = "run.seed and run.replications"


class BaselineError(ValueError):
    """The baseline named does not pick out exactly one ok job of the sweep, or jobs cannot be
    paired with it: one line (one ``args`` entry) per problem."""


@dataclass(frozen=True)
class Refusal:
    """A job that cannot be paired with the baseline, and why (one line)."""

    job: str
    reason: str

    def __str__(self) -> str:
        return f"job {self.job}: not paired with the baseline: {self.reason}"


def parse_baseline(text: str) -> dict[str, str]:
    """``'scenario=baseline staffing=current'`` → ``{scenario: baseline, staffing: current}``.

    A bare job number (``'0'``) is returned as ``{"": "0"}``.
    """
    words = text.split()
    if len(words) == 1 and words[0].isdigit():
        return {"": words[0]}
    bad = [w for w in words if "=" not in w or not w.partition("=")[0]]
    if not words or bad:
        raise BaselineError(
            f"--baseline {text!r}: give key=value words naming one job "
            "(e.g. 'scenario=baseline staffing=current') or a job number"
        )
    return {w.partition("=")[0].lstrip("+"): w.partition("=")[2] for w in words}


def find_baseline(jobs: Sequence[Job], baseline: Mapping[str, str]) -> Job:
    """The one ok job that ``baseline`` names (see :func:`parse_baseline`)."""
    ok = [job for job in jobs if job.status == "ok"]
    if "" in baseline:
        matches = [job for job in ok if job.name == baseline[""]]
    else:
        matches = [job for job in ok if all(job.settings.get(k) == v for k, v in baseline.items())]
    wanted = " ".join(f"{k}={v}" if k else f"job {v}" for k, v in baseline.items())
    if len(matches) == 1:
        return matches[0]
    if not matches:
        keys = swept_keys(jobs)
        names = "; ".join(
            f"{job.name}: " + " ".join(f"{k}={job.settings.get(k)}" for k in keys) for job in ok
        )
        raise BaselineError(
            f"--baseline {wanted!r} names no ok job of the sweep (ok jobs: {names or 'none'})"
        )
    which = ", ".join(job.name for job in matches)
    raise BaselineError(
        f"--baseline {wanted!r} matches jobs {which}: add the key=value that tells them apart"
    )


def pairing_problem(job: Job, base: Job) -> str | None:
    """Why ``job`` cannot be paired with ``base`` replication by replication, or ``None``."""
    seed, base_seed = job.provenance("seed"), base.provenance("seed")
    count, base_count = job.provenance("replications"), base.provenance("replications")
    if seed is None or count is None or seed != base_seed or count != base_count:
        return (
            f"seed {seed} with {count} replications, the baseline (job {base.name}) seed "
            f"{base_seed} with {base_count}; paired differences need the same {PAIRING_KEYS}"
        )
    return None


def paired_tables(jobs: Sequence[Job], base: Job) -> tuple[dict[str, pd.DataFrame], list[Refusal]]:
    """The replication tables of the baseline and of every ok job that pairs with it, by job
    name, and the refusals of the ok jobs that do not."""
    tables: dict[str, pd.DataFrame] = {}
    refused: list[Refusal] = []
    base_table = base.replications()
    if base_table is None:
        raise BaselineError(f"the baseline (job {base.name}) has no readable replications.csv")
    tables[base.name] = base_table
    for job in jobs:
        if job.status != "ok" or job is base:
            continue
        problem = pairing_problem(job, base)
        table = job.replications() if problem is None else None
        if problem is None and table is None:
            problem = "its replications.csv cannot be read"
        elif (
            problem is None
            and table is not None
            and sorted(table["replication"]) != sorted(base_table["replication"])
        ):
            problem = "its replication numbers differ from the baseline's"
        if problem is not None:
            refused.append(Refusal(job.name, f"[{' '.join(job.overrides)}] {problem}"))
        elif table is not None:
            tables[job.name] = table
    return tables, refused


def paired_table(
    jobs: Sequence[Job], base: Job, tables: Mapping[str, pd.DataFrame]
) -> pd.DataFrame:
    """Every paired job minus the baseline, for every KPI (see the module docstring)."""
    keys = swept_keys(jobs)
    frames = []
    for job in jobs:
        if job is base or job.name not in tables:
            continue
        table = paired_differences(tables[base.name], tables[job.name])
        for key in reversed(keys):
            table.insert(0, key, job.settings.get(key))
        table.insert(0, "job", job.name)
        frames.append(table)
    columns = ["job", *keys, *COLUMNS]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    whole_pounds(frame, "kpi", DIFFERENCE_STATS)
    return frame


INTERACTION_COLUMNS = [
    "change",
    "under",
    "instead_of",
    "kpi",
    "effect_instead_of",
    "effect_instead_of_ci_low",
    "effect_instead_of_ci_high",
    "effect_under",
    "effect_under_ci_low",
    "effect_under_ci_high",
    "interaction",
    "ci_low",
    "ci_high",
    "n",
    "real",
]


def interaction_table(
    jobs: Sequence[Job], base: Job, tables: Mapping[str, pd.DataFrame]
) -> pd.DataFrame:
    """Two-factor interaction contrasts wherever the sweep ran all four combinations.

    For swept keys A (first in the sweep) and B, values a₁ ≠ a₀ and b₁ ≠ b₀ (a₀, b₀ the
    baseline's, every other key at the baseline's value), ``change`` is ``B: b₀ -> b₁``,
    ``under`` ``A=a₁`` and ``instead_of`` ``A=a₀``; ``effect_under`` is the paired effect of the
    change with A at a₁, ``effect_instead_of`` with A at a₀, and ``interaction`` their
    difference, from the per-replication contrast ``(Y₁₁ − Y₁₀) − (Y₀₁ − Y₀₀)`` and its
    Student-t interval. ``real``: that interval excludes zero (the change does not add the same
    under both).
    """
    keys = [k for k in swept_keys(jobs) if k in base.settings]
    paired = [job for job in jobs if job.name in tables]
    frames = []
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            for a1 in _levels(paired, a, base):
                for b1 in _levels(paired, b, base):
                    frame = _contrast(paired, base, tables, (a, a1), (b, b1))
                    if frame is not None:
                        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=INTERACTION_COLUMNS)
    frame = pd.concat(frames, ignore_index=True)[INTERACTION_COLUMNS]
    whole_pounds(frame, "kpi", [c for c in INTERACTION_COLUMNS[4:13] if c != "n"])
    return frame


def _levels(jobs: Sequence[Job], key: str, base: Job) -> list[str]:
    values = [job.settings.get(key) for job in jobs]
    return [v for v in dict.fromkeys(values) if v is not None and v != base.settings[key]]


def _cell(jobs: Sequence[Job], want: Mapping[str, str]) -> Job | None:
    keys = swept_keys(jobs)
    found = [j for j in jobs if all(j.settings.get(k) == want.get(k) for k in keys)]
    return found[0] if len(found) == 1 else None


def _contrast(
    jobs: Sequence[Job],
    base: Job,
    tables: Mapping[str, pd.DataFrame],
    first: tuple[str, str],
    second: tuple[str, str],
) -> pd.DataFrame | None:
    (a, a1), (b, b1) = first, second
    at = dict(base.settings)
    cells = {}
    for name, change in (("00", {}), ("10", {a: a1}), ("01", {b: b1}), ("11", {a: a1, b: b1})):
        job = _cell(jobs, {**at, **change})
        if job is None:
            return None
        cells[name] = tables[job.name]
    effect_before = _minus(cells["01"], cells["00"])  # B's change with A at a0
    effect_after = _minus(cells["11"], cells["10"])  # B's change with A at a1
    before = paired_differences(cells["00"], cells["01"]).set_index("kpi")
    after = paired_differences(cells["10"], cells["11"]).set_index("kpi")
    contrast = paired_differences(effect_before, effect_after).set_index("kpi")
    return pd.DataFrame(
        {
            "change": f"{b}: {base.settings[b]} -> {b1}",
            "under": f"{a}={a1}",
            "instead_of": f"{a}={base.settings[a]}",
            "kpi": contrast.index,
            "effect_instead_of": before["difference"].reindex(contrast.index).to_numpy(),
            "effect_instead_of_ci_low": before["ci_low"].reindex(contrast.index).to_numpy(),
            "effect_instead_of_ci_high": before["ci_high"].reindex(contrast.index).to_numpy(),
            "effect_under": after["difference"].reindex(contrast.index).to_numpy(),
            "effect_under_ci_low": after["ci_low"].reindex(contrast.index).to_numpy(),
            "effect_under_ci_high": after["ci_high"].reindex(contrast.index).to_numpy(),
            "interaction": contrast["difference"].to_numpy(),
            "ci_low": contrast["ci_low"].to_numpy(),
            "ci_high": contrast["ci_high"].to_numpy(),
            "n": contrast["n"].to_numpy(),
            "real": contrast["real"].to_numpy(),
        }
    )


def _minus(other: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
    """``other − base`` per replication, for every KPI column the two share."""
    o, b = other.set_index("replication"), base.set_index("replication")
    shared = [c for c in b.columns if c in o.columns]
    values = o[shared].to_numpy(dtype=float) - b.loc[o.index, shared].to_numpy(dtype=float)
    diff = pd.DataFrame(values, columns=shared)
    diff.insert(0, "replication", o.index.to_numpy())
    return diff
