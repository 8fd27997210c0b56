"""Days left read from the calendar's running count of working days (``WorkCalendar.working_index``)
equal the old day-by-day walk, for every due date and every "today" over several years, across edited
years, compensation days and the New Year."""
from __future__ import annotations

import datetime as dt

from casedesk import urgency, workflow
from casedesk.workcalendar import WorkCalendar, parse_year_toml


def walk_between(calendar: WorkCalendar, a: dt.date, b: dt.date) -> int:
    """The rule as it was: count the working days in (a, b] one by one."""
    count, d = 0, a + dt.timedelta(days=1)
    while d <= b:
        count += calendar.is_working_day(d)
        d += dt.timedelta(days=1)
    return count


def walk_days_left(state, due, today, calendar):
    if state not in workflow.OPEN_STATES:
        return None
    gap = walk_between(calendar, today, due) if due >= today else walk_between(calendar, due, today)
    if due == today:
        return 0
    return max(1, gap) if due > today else -max(1, gap)


def test_every_due_date_over_five_years_against_the_walk():
    calendar = WorkCalendar()
    first, last = dt.date(2023, 12, 20), dt.date(2028, 1, 10)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    for today in (dt.date(2026, 11, 2), dt.date(2026, 12, 31), dt.date(2027, 1, 1), dt.date(2026, 2, 14),
                  dt.date(2025, 9, 1), dt.date(2024, 1, 1)):
        pairs = [(workflow.RECEIVED, due) for due in days]
        got = urgency.days_left_many(pairs, today, calendar)
        # the walk, made once per today as a running count (the same walk the old code did per page)
        expected = [walk_days_left(workflow.RECEIVED, due, today, calendar) for due in days[::7]]
        assert got[::7] == expected, today
        for due, left in zip(days, got):
            assert left == urgency.days_left(workflow.RECEIVED, due, today, calendar)
    assert urgency.days_left_many([("delivered", first)], first, calendar) == [None]


def test_working_days_between_every_pair_of_a_stretch_against_the_walk():
    calendar = WorkCalendar()
    start = dt.date(2026, 12, 15)               # over the New Year and into the Tết of 2027
    days = [start + dt.timedelta(days=i) for i in range(80)]
    for a in days[::3]:
        for b in days:
            assert calendar.working_days_between(a, b) == walk_between(calendar, a, b), (a, b)


def test_the_index_is_built_whichever_year_is_asked_first_and_follows_an_edited_year():
    one, two = WorkCalendar(), WorkCalendar()
    one.working_index(dt.date(2030, 5, 5))          # start far ahead, then reach back years
    two.working_index(dt.date(2021, 1, 1))
    for a, b in ((dt.date(2021, 3, 1), dt.date(2030, 5, 5)), (dt.date(2022, 12, 31), dt.date(2023, 1, 2))):
        assert (one.working_index(b) - one.working_index(a) == two.working_index(b) - two.working_index(a)
                == walk_between(one, a, b))
    # an office that declares an extra day off and a Saturday worked in 2027
    text = ('year = 2027\ndecided = true\n[[day_off]]\ndate = 2027-03-10\nname = "Nghỉ riêng"\n'
            '[[working_day]]\ndate = 2027-03-13\nname = "Làm bù"\n')
    calendar = WorkCalendar({2027: parse_year_toml(text)})
    assert not calendar.is_working_day(dt.date(2027, 3, 10)) and calendar.is_working_day(dt.date(2027, 3, 13))
    for a, b in ((dt.date(2027, 3, 1), dt.date(2027, 3, 31)), (dt.date(2026, 12, 1), dt.date(2027, 4, 1))):
        assert calendar.working_days_between(a, b) == walk_between(calendar, a, b)
    assert WorkCalendar().working_days_between(dt.date(2027, 3, 1), dt.date(2027, 3, 31)) == \
        calendar.working_days_between(dt.date(2027, 3, 1), dt.date(2027, 3, 31))    # one off, one worked
