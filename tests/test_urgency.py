"""One urgency rule for every day of the week, days off and holidays included: the rows' words,
the counts (status bar, dashboard, filters) and the command line agree."""
from __future__ import annotations

import datetime as dt

import pytest

from casedesk import context, urgency, workflow
from casedesk.models import Case
from casedesk.services import queries
from casedesk.services.queries import CaseFilter

FIRST_DUE = dt.date(2026, 8, 14)
# Thu 20/08 .. Tue 08/09/2026: a Saturday made a working day (22/08), a swapped day off (Mon 31/08),
# National Day (Tue 01/09, Wed 02/09), and every weekday several times
TODAYS = [dt.date(2026, 8, 20) + dt.timedelta(days=i) for i in range(20)]


@pytest.fixture
def spread(receive):
    """One running case due on each day from 14/08 to 18/09, weekends and holidays included."""
    dues = [FIRST_DUE + dt.timedelta(days=i) for i in range(36)]
    for due in dues:
        code = receive().code
        Case.update(due_date=due, state=workflow.ASSIGNED).where(Case.code == code).execute()
    return dues


def test_every_day_of_the_week_one_rule(spread, clock):
    assert {d.weekday() for d in TODAYS} == set(range(7))
    cal = context.calendar()
    for today in TODAYS:
        clock.set(dt.datetime.combine(today, dt.time(9, 0)))
        rows = queries.list_cases(CaseFilter(), limit=None)
        assert len(rows) == len(spread)
        for row in rows:
            kind = urgency.kind(row.state, row.days_left)
            where = f"today {today:%a %d/%m}, due {row.due_date:%a %d/%m}: {row.days_left}"
            assert (kind == urgency.OVERDUE) == (row.due_date < today), where
            assert (row.days_left == 0) == (row.due_date == today), where
            assert row.days_left == queries.days_left(row.state, row.due_date, today), where
            if row.due_date > today:
                assert row.days_left == max(1, cal.working_days_between(today, row.due_date)), where
        overdue = sum(urgency.kind(r.state, r.days_left) == urgency.OVERDUE for r in rows)
        soon = sum(urgency.kind(r.state, r.days_left) == urgency.DUE_SOON for r in rows)
        counts = queries.queue_counts()
        assert counts.overdue == overdue == queries.count_cases(CaseFilter(overdue=True)), today
        assert counts.due_soon == soon, today
        assert counts.due_today == sum(r.days_left == 0 for r in rows) == (1 if today in spread else 0)
        listed = queries.list_cases(CaseFilter(due_within=1), limit=None)
        assert all(urgency.kind(r.state, r.days_left) == urgency.DUE_SOON for r in listed), today


def test_sunday_after_a_friday_due_date_is_overdue_not_due_today(spread, clock):
    clock.set(dt.datetime(2026, 8, 30, 10, 0))                  # Sunday
    friday = dt.date(2026, 8, 28)
    row = next(r for r in queries.list_cases(CaseFilter(), limit=None) if r.due_date == friday)
    assert row.days_left == -1 and urgency.kind(row.state, row.days_left) == urgency.OVERDUE
    # on Saturday a case due Monday has one day left, a case due Sunday (a moved date) one too
    clock.set(dt.datetime(2026, 8, 29, 10, 0))
    left = {r.due_date: r.days_left for r in queries.list_cases(CaseFilter(), limit=None)}
    assert left[dt.date(2026, 8, 30)] == 1
    assert left[dt.date(2026, 9, 3)] == 1               # Mon 31/08, Tue 01/09, Wed 02/09 are all off
    assert left[dt.date(2026, 9, 4)] == 2


def test_the_window_matches_the_rows_for_every_reach(clock, db):
    cal = context.calendar()
    for today in TODAYS:
        for within in range(0, 4):
            first, last = urgency.window(today, within, cal)
            for offset in range(0, 15):
                due = today + dt.timedelta(days=offset)
                left = urgency.days_left(workflow.ASSIGNED, due, today, cal)
                assert (first <= due <= last) == (left <= within), (today, within, due, left)


def test_waiting_and_resolved_cases_have_no_deadline_words(db):
    today = dt.date(2026, 8, 30)
    cal = context.calendar()
    assert urgency.kind(workflow.SUPPLEMENT, urgency.days_left(workflow.SUPPLEMENT, today, today, cal)) == \
        urgency.WAITING
    assert urgency.days_left(workflow.APPROVED, today, today, cal) is None
    assert urgency.kind(workflow.APPROVED, None) == urgency.DONE
