"""The leaders' page in Streamlit's AppTest: levers change what it shows; a refused one is a
sentence. The page runs short simulations here (3 replications, 14 measured days), set through
its own "How long to simulate" widgets, so each answer takes seconds."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("streamlit", reason="the app extra is not installed (make test installs it)")
from streamlit.testing.v1 import AppTest

PAGE = Path(__file__).resolve().parents[2] / "sim" / "app" / "page.py"
SHORT = {"replications": 3, "horizon": 14, "warmup": 14}
TIMEOUT = 240  # seconds per script run: two short runs, with the machine's other work


def headline(at: AppTest) -> str:
    lines = [m.value for m in at.markdown if m.value.startswith("#### ")]
    assert len(lines) == 1, [m.value for m in at.markdown]
    return lines[0].removeprefix("#### ")


@pytest.fixture
def page() -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=TIMEOUT)
    for key, value in SHORT.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_lever_changes_the_kpis_shown(page: AppTest) -> None:
    first = headline(page)
    assert first.startswith("Today's front door: ")
    assert "of contacts are decided within one working day" in first
    today_metric = page.metric[0].value
    fewer = page.number_input(key="staff_managers").value - 2
    page.number_input(key="staff_managers").set_value(fewer).run()
    assert not page.exception, [e.value for e in page.exception]
    second = headline(page)
    assert second != first
    assert second.startswith("With two fewer managers, ")
    assert "down from" in second and "percentage points" in second
    assert "this saves £" in second  # fewer posts cost less
    assert page.metric[0].value != today_metric  # the share decided within 1 WD moved
    assert page.metric[0].delta.startswith("-")
    command = [c.value for c in page.code if c.value.startswith("frontdoor ")]
    assert command == [
        f"frontdoor staffing.pools.managers.staff={fewer} run.replications=3 "
        "run.horizon_days=14 run.warmup_days=14 run.drain_days=28"
    ]


def test_a_refused_lever_shows_its_sentence_and_the_page_stays_usable(page: AppTest) -> None:
    page.number_input(key="staff_practice_support").set_value(0).run()
    assert not page.exception
    assert [e.value for e in page.error] == [
        "Practice support officers in post: 0 is not allowed; must be an integer ≥ 1 and at most "
        "10,000 (people)."
    ]
    page.number_input(key="staff_practice_support").set_value(8).run()
    assert not page.error
    assert headline(page).startswith("Today's front door: ")
