"""The event log: columnar records to a typed DataFrame and through Parquet unchanged."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.engine.eventlog import EventLog, read_parquet, write_parquet

COLUMNS = ["replication", "contact_id", "event", "time", "pool"]
DTYPES = {"replication": "int32", "contact_id": "int64", "time": "float64"}

ROWS = [
    (0, "contact", 0.5, ""),
    (0, "triage_queued", 0.5, "managers"),
    (1, "contact", 2.25, ""),
    (0, "triage_start", 3.0, "managers"),
    (1, "triage_queued", 2.25, "managers"),
    (0, "triage_end", 13.0, "managers"),
    (0, "partner_check_start", 13.0, ""),
    (12_345_678_901, "contact", 1e7, ""),  # beyond 32 bits
]


def filled_log() -> EventLog:
    log = EventLog()
    for contact_id, event, time, pool in ROWS:
        if pool:
            log.record(contact_id, event, time, pool)
        else:
            log.record(contact_id, event, time)
    return log


def assert_schema(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == COLUMNS
    for name, dtype in DTYPES.items():
        assert frame[name].dtype == np.dtype(dtype), name
    for name in ("event", "pool"):
        assert isinstance(frame[name].dtype, pd.CategoricalDtype), name


def test_record_to_frame_round_trip() -> None:
    log = filled_log()
    assert len(log) == len(ROWS)
    frame = log.to_frame(replication=7)
    assert_schema(frame)
    assert (frame["replication"] == 7).all()
    assert frame["contact_id"].tolist() == [row[0] for row in ROWS]
    assert frame["event"].astype(str).tolist() == [row[1] for row in ROWS]
    assert frame["time"].tolist() == [row[2] for row in ROWS]
    assert frame["pool"].astype(str).tolist() == [row[3] for row in ROWS]
    # Categories in order of first appearance; "" is the pool of events without staff.
    assert frame["event"].cat.categories.tolist() == [
        "contact",
        "triage_queued",
        "triage_start",
        "triage_end",
        "partner_check_start",
    ]
    assert frame["pool"].cat.categories.tolist() == ["", "managers"]


def test_to_frame_is_a_snapshot_and_recording_can_continue() -> None:
    log = filled_log()
    before = log.to_frame()
    log.record(99, "outcome", 50.0)  # must not fail while the frame exists
    assert len(before) == len(ROWS)
    after = log.to_frame()
    assert len(after) == len(ROWS) + 1
    assert after["event"].iloc[-1] == "outcome"
    pd.testing.assert_frame_equal(after.iloc[: len(ROWS)], before, check_categorical=False)


def test_parquet_round_trip_is_equal(tmp_path: Path) -> None:
    frame = pd.concat([filled_log().to_frame(replication=r) for r in range(3)], ignore_index=True)
    path = tmp_path / "events.parquet"
    write_parquet(frame, path)
    back = read_parquet(path)
    assert_schema(back)
    pd.testing.assert_frame_equal(back, frame)


def test_empty_log(tmp_path: Path) -> None:
    frame = EventLog().to_frame(replication=3)
    assert len(frame) == 0
    assert_schema(frame)
    # Same category type as a full log, so logs concatenate and compare cleanly.
    full = filled_log().to_frame()
    for name in ("event", "pool"):
        assert frame[name].cat.categories.dtype == full[name].cat.categories.dtype
    path = tmp_path / "empty.parquet"
    write_parquet(frame, path)
    pd.testing.assert_frame_equal(read_parquet(path), frame)


@pytest.mark.parametrize("replication", [0, 41])
def test_replication_column_is_constant(replication: int) -> None:
    frame = filled_log().to_frame(replication)
    assert frame["replication"].unique().tolist() == [replication]
