"""How urgent an open case is: one rule, computed here only, for every screen, list, count,
status bar and the command line.

A case is due at the end of its due date.

* due date before today: **overdue**, by the working days since then, and never by less
  than one (on a Sunday a case due on Friday is one day late, not "due today");
* due date today: **due today** (0 days left);
* due date later: the working days left until it, and never less than one (on a Saturday a
  case due on Monday has one day left).

"Due soon" is 0 or 1 day left; a case waiting for the citizen's papers has its clock stopped
and is neither; a resolved case has no urgency.  ``window`` gives the same "at most N days
left" as a date range, so the counts made in SQL agree with the rows.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from . import workflow

OVERDUE, DUE_SOON, IN_TIME, WAITING, DONE = "overdue", "due_soon", "in_time", "waiting", "done"
SOON_DAYS = 1          # due today or on the next working day

# open cases whose clock runs
RUNNING = tuple(s for s in workflow.OPEN_STATES if s != workflow.SUPPLEMENT)


def _signed(worked_between: int, due: dt.date, today: dt.date) -> int:
    if due == today:
        return 0
    if due > today:
        return max(1, worked_between)
    return -max(1, worked_between)


def days_left(state: str, due: dt.date, today: dt.date, calendar) -> int | None:
    """Working days left (0: due today; negative: overdue by that many); None for a resolved case."""
    if state not in workflow.OPEN_STATES:
        return None
    if due >= today:
        return _signed(calendar.working_days_between(today, due), due, today)
    return _signed(calendar.working_days_between(due, today), due, today)


def days_left_many(pairs: Iterable[tuple[str, dt.date]], today: dt.date, calendar) -> list[int | None]:
    """``days_left`` for a page of (state, due) in one walk over the calendar (a row overdue by years
    would otherwise walk it once per row)."""
    pairs = list(pairs)
    dues = [due for state, due in pairs if state in workflow.OPEN_STATES]
    if not dues:
        return [None] * len(pairs)
    day, last = min(min(dues), today), max(max(dues), today)
    count, worked = 0, {}                  # working days in (first day - 1, day]
    while day <= last:
        count += calendar.is_working_day(day)
        worked[day] = count
        day += dt.timedelta(days=1)
    return [_signed(abs(worked[due] - worked[today]), due, today) if state in workflow.OPEN_STATES else None
            for state, due in pairs]


def kind(state: str, left: int | None) -> str:
    """Overdue, due soon, in time, waiting for the citizen, or done."""
    if state == workflow.SUPPLEMENT:
        return WAITING
    if state not in workflow.OPEN_STATES or left is None:
        return DONE
    if left < 0:
        return OVERDUE
    if left <= SOON_DAYS:
        return DUE_SOON
    return IN_TIME


def window(today: dt.date, within: int, calendar) -> tuple[dt.date, dt.date]:
    """The due dates with at most ``within`` working days left, as an inclusive range from today."""
    if within <= 0:
        return today, today
    # at most N left  <=>  due before the (N+1)-th working day after today
    beyond = calendar.add_working_days(calendar.next_working_day(today), within + 1)
    return today, beyond - dt.timedelta(days=1)
