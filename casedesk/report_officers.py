"""The officers' table of a report: what each officer received, resolved (early, on
time, late), holds overdue now, and how citizens rated the results they delivered.

The received and resolved figures come out of the same ``GROUP BY`` passes as the
II.06a columns (``report_figures.compute`` feeds them in through
``OfficerTally.person``); the overdue and rating figures are two queries of their own.
Every active officer has a line, with zeros when they did nothing in the period.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from . import workflow
from .documents.data import OfficerRow
from .models import Case, User
from .text import name_sort_key

FIGURES = ("received", "resolved", "early", "on_time", "late", "overdue", "very_satisfied", "satisfied",
           "unsatisfied")


@dataclass(frozen=True)
class OfficerFigures(OfficerRow):
    """An officer's line, with the login and the split of what they resolved."""

    login: str = ""
    early: int = 0
    on_time: int = 0
    late: int = 0


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


class OfficerTally:
    """The officers' counters while a report is computed, by user id."""

    def __init__(self):
        self.people: dict[int, dict[str, int]] = {}

    def person(self, user_id) -> dict[str, int] | None:
        """The counters of ``user_id`` (None for a case nobody holds)."""
        if user_id is None:
            return None
        return self.people.setdefault(user_id, dict.fromkeys(FIGURES, 0))

    def count_overdue(self, as_of: dt.date, scope=True) -> None:
        """Overdue in hand now (open, not waiting for the citizen), judged at the as-of day."""
        running = [s for s in workflow.OPEN_STATES if s != workflow.SUPPLEMENT]
        where = Case.state.in_(running) & (Case.due_date < as_of) & Case.assignee.is_null(False)
        for assignee, count in (Case.select(Case.assignee, fn.COUNT(Case.id))
                                .where(where if scope is True else where & scope)
                                .group_by(Case.assignee).tuples()):
            self.person(assignee)["overdue"] += count

    def count_ratings(self, since: dt.datetime, until: dt.datetime, scope=True) -> None:
        """Ratings of the results delivered in ``[since, until)``.

        No index holds delivered_at, so this is one plain pass over the table (about 0.2 s
        for a million cases); grouping by rating first keeps SQLite off the assignee index,
        whose random reads would cost three times that."""
        for rating, assignee, count in (Case.select(Case.rating, Case.assignee, fn.COUNT(Case.id))
                                        .where(((Case.delivered_at >= since) & (Case.delivered_at < until))
                                               if scope is True else
                                               ((Case.delivered_at >= since) & (Case.delivered_at < until) & scope))
                                        .group_by(Case.rating, Case.assignee).tuples()):
            if rating in workflow.RATINGS and assignee is not None:
                self.person(assignee)[rating] += count

    def rows(self) -> tuple[OfficerFigures, ...]:
        """One line per active officer and per anyone with a figure, in Vietnamese name order."""
        people = self.people
        users = {u.id: u for u in User.select(User.id, User.login, User.full_name, User.role, User.active)}
        ids = {uid for uid, u in users.items() if u.role == "officer" and u.active}
        ids |= {uid for uid, figures in people.items() if any(figures.values())}
        rows = []
        for uid in ids:
            user = users.get(uid)
            name = user.full_name if user else str(uid)
            f = people.get(uid) or dict.fromkeys(FIGURES, 0)
            rated = f["very_satisfied"] + f["satisfied"] + f["unsatisfied"]
            rows.append(OfficerFigures(
                name=name, received=f["received"], resolved=f["resolved"],
                on_time_pct=_pct(f["early"] + f["on_time"], f["resolved"]), overdue_in_hand=f["overdue"],
                very_satisfied=f["very_satisfied"], satisfied=f["satisfied"], unsatisfied=f["unsatisfied"],
                satisfaction_pct=_pct(f["very_satisfied"] + f["satisfied"], rated),
                login=user.login if user else "", early=f["early"], on_time=f["on_time"], late=f["late"]))
        rows.sort(key=lambda r: (name_sort_key(r.name), r.login))
        return tuple(rows)
