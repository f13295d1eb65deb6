"""The event log: one row per thing that happened to a contact, in long format.

Columns: ``replication``, ``contact_id``, ``event``, ``time`` (simulation minutes), ``pool``
(the staff pool involved, empty if none). The layout follows the HSMA/vidigi event-log schema so
the log can feed process-mining or animation tools.

It is append-only and columnar from the start (typed ``array`` buffers, events and pools stored
as small integer codes), because a simulated year holds a few hundred thousand rows per
replication: Python objects per row would cost more than the simulation itself. Every KPI is
computed from this log by :mod:`sim.analysis.metrics`.
"""

from __future__ import annotations

from array import array
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


class EventLog:
    """Append-only columnar record of one replication."""

    def __init__(self) -> None:
        self._contact = array("q")
        self._event = array("h")
        self._time = array("d")
        self._pool = array("h")
        self._event_codes: dict[str, int] = {}
        self._pool_codes: dict[str, int] = {"": 0}
        self._steps: dict[str, tuple[int, int, int]] = {}
        self._spans: dict[str, tuple[int, int]] = {}

    def __len__(self) -> int:
        return len(self._contact)

    def record(self, contact_id: int, event: str, time: float, pool: str = "") -> None:
        """Append one row."""
        codes = self._event_codes
        event_code = codes.get(event)
        if event_code is None:
            event_code = codes[event] = len(codes)
        self._contact.append(contact_id)
        self._event.append(event_code)
        self._time.append(time)
        self._pool.append(self._pool_codes.setdefault(pool, len(self._pool_codes)) if pool else 0)

    def step(self, name: str) -> tuple[int, int, int]:
        """The codes of a staffed step's ``<name>_queued``, ``_start`` and ``_end`` events, for
        :meth:`add` (the simulation's hot path: no string is built per row)."""
        codes = self._steps.get(name)
        if codes is None:
            events = self._event_codes
            queued = events.setdefault(f"{name}_queued", len(events))
            start = events.setdefault(f"{name}_start", len(events))
            codes = (queued, start, events.setdefault(f"{name}_end", len(events)))
            self._steps[name] = codes
        return codes

    def span(self, name: str) -> tuple[int, int]:
        """The codes of a timed step's ``<name>_start`` and ``<name>_end`` events (no queue)."""
        codes = self._spans.get(name)
        if codes is None:
            events = self._event_codes
            start = events.setdefault(f"{name}_start", len(events))
            codes = (start, events.setdefault(f"{name}_end", len(events)))
            self._spans[name] = codes
        return codes

    def pool(self, pool: str) -> int:
        """The code of staff pool ``pool``, for :meth:`add`."""
        return self._pool_codes.setdefault(pool, len(self._pool_codes))

    def add(self, contact_id: int, event: int, time: float, pool: int = 0) -> None:
        """Append one row given the codes of its event and pool (:meth:`step`, :meth:`pool`)."""
        self._contact.append(contact_id)
        self._event.append(event)
        self._time.append(time)
        self._pool.append(pool)

    def to_frame(self, replication: int = 0) -> pd.DataFrame:
        """The log as a DataFrame with categorical ``event`` and ``pool`` columns."""
        n = len(self)
        # Typed ``str`` categories, so an empty log has the same dtypes as a full one; an empty
        # log has no categories at all (Parquet could not keep them for a column with no rows).
        events = pd.Index(list(self._event_codes), dtype=str)
        pools = pd.Index(list(self._pool_codes) if n else [], dtype=str)
        return pd.DataFrame(
            {
                "replication": np.full(n, replication, dtype=np.int32),
                "contact_id": np.frombuffer(self._contact, dtype=np.int64).copy(),
                "event": pd.Categorical.from_codes(
                    np.frombuffer(self._event, dtype=np.int16), categories=events
                ),
                "time": np.frombuffer(self._time, dtype=float).copy(),
                "pool": pd.Categorical.from_codes(
                    np.frombuffer(self._pool, dtype=np.int16), categories=pools
                ),
            }
        )


#: The Parquet schema of an event log (every replication's table is cast to it, so row groups
#: with different category lists still make one file).
SCHEMA = pa.schema(
    [
        ("replication", pa.int32()),
        ("contact_id", pa.int64()),
        ("event", pa.dictionary(pa.int16(), pa.string())),
        ("time", pa.float64()),
        ("pool", pa.dictionary(pa.int16(), pa.string())),
    ]
)


class EventLogFile:
    """Replications' event logs streamed to one Parquet file, a row group per replication.

    A run of many replications never holds more than one replication's log in memory: each
    is appended as it arrives (:meth:`append`) and dropped. :meth:`read` loads the whole file
    when someone asks for it, with ``event`` and ``pool`` categories sorted (each replication
    lists them in the order it first met them).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = 0
        self._writer: pq.ParquetWriter | None = pq.ParquetWriter(path, SCHEMA, compression="zstd")

    def append(self, frame: pd.DataFrame) -> None:
        """Append one replication's log (a frame of :meth:`EventLog.to_frame`)."""
        if self._writer is None:
            raise ValueError(f"{self.path}: the event log file is closed")
        table = pa.Table.from_pandas(frame, preserve_index=False).cast(SCHEMA)
        self._writer.write_table(table)
        self.rows += len(frame)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def read(self) -> pd.DataFrame:
        """The whole log (close first)."""
        self.close()
        frame = read_parquet(self.path)
        for name in ("event", "pool"):
            frame[name] = frame[name].cat.set_categories(sorted(frame[name].cat.categories))
        return frame


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write an event log as Parquet (dictionary-encoded categories, zstd-compressed)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, path, compression="zstd")


def read_parquet(path: Path) -> pd.DataFrame:
    """Read an event log written by :func:`write_parquet`."""
    frame = pq.read_table(path).to_pandas()
    for name in ("event", "pool"):
        column = frame.get(name)
        if (
            isinstance(column, pd.Series)
            and isinstance(column.dtype, pd.CategoricalDtype)
            and column.cat.categories.empty
        ):
            # An empty dictionary comes back with untyped (object) categories.
            frame[name] = column.cat.set_categories(pd.Index([], dtype=str))
    return frame
