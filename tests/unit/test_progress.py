"""Progress of long commands (sim.progress): a bar at a terminal, plain lines elsewhere."""

from __future__ import annotations

import io

import pytest

from sim.progress import ENVIRONMENT, Progress, clock, progress_line, progress_mode
from tests.console import PROGRESS_LINE


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_lines_when_not_at_a_terminal_with_elapsed_and_time_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ENVIRONMENT, raising=False)
    fake = Clock()
    monkeypatch.setattr("sim.progress.time.monotonic", fake)
    out = io.StringIO()  # not a TTY
    with Progress("baseline", 4, "replication", stream=out) as progress:
        assert progress.mode == "lines"
        fake.now += 30
        progress.advance()
        fake.now += 30
        progress.advance("option b")
        fake.now += 60
        progress.advance()
        progress.advance()
    assert out.getvalue().splitlines() == [
        "baseline: replication 1/4 done; 0:00:30 elapsed, about 0:01:30 left",
        "baseline: replication 2/4 done (option b); 0:01:00 elapsed, about 0:01:00 left",
        "baseline: replication 3/4 done; 0:02:00 elapsed, about 0:00:40 left",
        "baseline: replication 4/4 done; 0:02:00 elapsed",
    ]
    assert all(PROGRESS_LINE.match(line) for line in out.getvalue().splitlines())


def test_an_unknown_total_gives_no_estimate() -> None:
    assert progress_line("search", "staffing", 3, None, 75.0) == (
        "search: staffing 3 done; 0:01:15 elapsed"
    )
    assert clock(3725.4) == "1:02:05"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_mode_follows_the_terminal_the_caller_and_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ENVIRONMENT, raising=False)
    assert progress_mode(None, Terminal()) == "bar"
    assert progress_mode(None, io.StringIO()) == "lines"
    assert progress_mode(False, Terminal()) == "off"
    monkeypatch.setenv(ENVIRONMENT, "off")
    assert progress_mode(None, io.StringIO()) == "off"
    monkeypatch.setenv(ENVIRONMENT, "lines")
    assert progress_mode(None, Terminal()) == "lines"


def test_the_bar_draws_on_its_stream_and_prints_no_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENVIRONMENT, raising=False)
    out = Terminal()
    with Progress("baseline", 2, stream=out) as progress:
        assert progress.mode == "bar"
        progress.advance()
        progress.advance()
    assert progress.done == 2
    assert "replication 1/2 done" not in out.getvalue()


def test_off_is_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    with Progress("baseline", 2, show=False, stream=out) as progress:
        progress.advance()
    assert out.getvalue() == ""
