"""The demo office a first run builds: realistic staff, and cases in every state a desk meets."""
from __future__ import annotations

from casedesk import context, workflow
from casedesk.db import close_database, open_database
from casedesk.demo import build_demo
from casedesk.models import Case, Event


def test_the_demo_has_every_state_in_office_hours(tmp_path, clock):
    open_database(tmp_path / "demo.sqlite3")
    try:
        info = build_demo(cases=150, seed=1)
        context.set_clock(clock)
        assert info["cases"] == 150
        assert {login for login, *_rest in info["users"]} >= {"admin", "mai", "hung", "thao"}
        states = {c.state for c in Case.select(Case.state)}
        assert states == set(workflow.STATES)
        hours = {e.at.hour for e in Event.select(Event.at).where(Event.case.is_null(False))}
        assert min(hours) >= 7 and max(hours) <= 16
    finally:
        close_database()
