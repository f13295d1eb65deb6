"""A staff pool's rota as the changes of heads wanted on duty, checked once when the pool is built.

A pool (:class:`sim.engine.staff.StaffPool`) takes people off duty by holding their slots;
these functions turn its rota — all-or-nothing off-duty intervals, or a schedule of
``(start, end, heads)`` rows — into the times at which the heads it wants on duty change, so the
pool's rota process only ever acts on a real change.
"""

from __future__ import annotations

import numpy as np


def off_duty_changes(
    name: str, staff: int, off_duty: np.ndarray | None
) -> tuple[list[float], list[int]]:
    """The changes of heads wanted on duty for an all-or-nothing rota."""
    off = np.empty((0, 2)) if off_duty is None else np.asarray(off_duty, dtype=float)
    if off.size == 0:
        return [], []
    if off.ndim != 2 or off.shape[1] != 2:
        raise ValueError(f"pool {name!r}: off_duty must be (start, end) rows, got {off.shape}")
    edges = off.reshape(-1)  # start0, end0, start1, end1, ...
    heads = np.tile(np.array([0, staff], dtype=np.int64), len(off))
    return _changes(name, staff, edges, heads)


def schedule_changes(
    name: str, staff: int, now: float, schedule: np.ndarray
) -> tuple[list[float], list[int]]:
    """The changes of heads wanted on duty for a schedule of ``(start, end, heads)`` rows."""
    rows = np.asarray(schedule, dtype=float)
    if rows.size == 0:
        rows = np.empty((0, 3))
    if rows.ndim != 2 or rows.shape[1] != 3:
        raise ValueError(
            f"pool {name!r}: schedule must be (start, end, heads) rows, got {rows.shape}"
        )
    heads = rows[:, 2]
    if not (np.all(heads == np.round(heads)) and np.all((heads >= 0) & (heads <= staff))):
        raise ValueError(f"pool {name!r}: schedule heads must be whole numbers in [0, {staff}]")
    # Nobody on duty before the first row or between rows: each row turns its heads on at its
    # start and off at its end; a row starting where the last ended overrides that "off".
    edges = np.maximum(np.concatenate(([now], rows[:, :2].reshape(-1))), now)  # past → now
    wanted = np.zeros(2 * len(rows) + 1, dtype=np.int64)
    wanted[1::2] = heads.astype(np.int64)
    return _changes(name, staff, edges, wanted)


def _changes(
    name: str, staff: int, times: np.ndarray, heads: np.ndarray
) -> tuple[list[float], list[int]]:
    """Keep the real changes of a step function given as ``heads[i]`` from ``times[i]`` on.

    Of several edges at one instant the last wins; edges that leave the heads as they were
    (starting from ``staff``) are dropped, so touching intervals with equal heads never place
    or lift a hold.
    """
    if np.isnan(times).any() or np.any(np.diff(times) < 0):
        raise ValueError(f"pool {name!r}: rota intervals must be sorted and must not overlap")
    last_at_time = np.append(times[1:] != times[:-1], True)
    keep_times: list[float] = []
    keep_heads: list[int] = []
    level = staff
    for time, wanted in zip(
        times[last_at_time].tolist(), heads[last_at_time].tolist(), strict=True
    ):
        if not np.isfinite(time):
            break  # an open-ended row: nothing changes after it
        if wanted != level:
            keep_times.append(time)
            keep_heads.append(wanted)
            level = wanted
    return keep_times, keep_heads
