"""Test-session plumbing: the fuzz tests' counts in the terminal summary.

A fuzz test records ``("fuzz", "<name>: tried N, rejected cleanly R, legal L, crashes C")`` with
``record_property``; the line travels with the test's report (also from xdist workers) and is
printed in a "fuzz counts" section at the end of every run, with or without ``-s``.
"""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = [
        str(value)
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for key, value in getattr(report, "user_properties", [])
        if key == "fuzz"
    ]
    if lines:
        terminalreporter.section("fuzz counts")
        for line in sorted(lines):
            terminalreporter.write_line(line)
