"""The figures of form II.06a (Biểu số II.06a/VPCP/KSTT) for a period: plain data, no drawing.

Every figure is counted in SQL with ``GROUP BY`` over the indexed date columns of
``case`` (portable peewee: no SQLite-only SQL), so a period costs a few range scans
even with a million cases.  Dates are office-local.

The columns, for a period ``[date_from, date_to]`` (§7 of the domain brief):

(4)  received online in the period; (5) received in person or by post in the period;
(6)  carried over: received before the period and not resolved before it
     (``resolved_on`` is null or on/after ``date_from``); (3) = (4) + (5) + (6).
     "Resolved" means approved, refused or withdrawn: those actions set
     ``resolved_on`` and delivery keeps it, so a delivered case counts by the day it
     was decided, not the day it was handed over.
(7)  resolved in the period; (8) before its due date; (9) on its due date, plus every
     refused or withdrawn case (the form counts them as "đúng hạn"); (10) after it.
     The due date compared is the one stored now.  That is exact, not an
     approximation: only open cases can be resumed or extended, so a resolved
     case's due date never moves again after the day it was resolved.
(11) not resolved at the end of the period: received by ``date_to`` and
     ``resolved_on`` null or after ``date_to``.
(12) of those, within time: due on or after the day the period is judged at, or
     waiting for the citizen's supplement at that moment; (13) the rest (overdue).

The day in-hand cases are judged at (``Report.as_of``) is the period's last day, or
today while the period is still running (a case due next week is not "overdue"
in a mid-month report).  For a finished period both tests read history, so that a
report reprinted later gives the figures printed at the time:

* "waiting at the end" comes from the audit trail: a ``request_supplement`` before
  the end not followed by a ``resume`` before the end (``paused_on`` says the same
  thing for today, and cannot answer for a past day);
* the due date is the one in force at the end: cases whose due date moved later
  (a resume after the end) are re-judged on the due date their events give.

The officers' table is counted alongside (``report_officers``); the checks that the
figures add up are ``report_checks.check_invariants``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw
from peewee import fn

from . import context, workflow
from .documents.data import OfficerRow, ReportRow
from .i18n import _
from .models import Case, Event, Field
from .report_officers import OfficerTally
from .report_periods import Period

COLUMNS = ("c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11", "c12", "c13")
# the actions that move a case's due date (each records ``due_date: [old, new]``)
DUE_MOVES = ["resume", "extend", "verify_extend"]
_ONE_DAY = dt.timedelta(days=1)


# ------------------------------------------------------------------ the report

@dataclass(frozen=True)
class FieldRow(ReportRow):
    """A line of the form with its field's code in ``field`` and its name beside it."""

    field_name: str = ""


@dataclass(frozen=True)
class Report:
    period: Period
    rows: tuple[ReportRow, ...]          # FieldRow, one per field with any figure, by Field.position
    total: ReportRow
    officers: tuple[OfficerRow, ...]     # OfficerFigures, by Vietnamese name order
    as_of: dt.date | None = None         # the day in-hand cases were judged at
    computed_at: dt.datetime | None = None
    last_event_id: int = 0               # audit rows after this one were not seen
    agency: str | None = None            # None: the People's Committee's own procedures
    agency_name: str = ""

    def row(self, field_code: str) -> ReportRow | None:
        return next((r for r in self.rows if r.field == field_code), None)


def row_label(row: ReportRow) -> str:
    """The name a line is shown by: its field's name, its code, or "Tổng cộng" for the total."""
    return getattr(row, "field_name", "") or row.field or _("Tổng cộng")


def day_start(day: dt.date) -> dt.datetime:
    """The first moment of ``day`` (office-local)."""
    return dt.datetime.combine(day, dt.time())


def _sum_if(condition) -> pw.Node:
    return fn.SUM(pw.Case(None, [(condition, 1)], 0))


def _refused_or_withdrawn():
    """A resolved case that was refused or withdrawn (a refused case keeps no mark once delivered,
    so delivered cases look for their ``refuse`` event through the ``event_case`` index)."""
    refusal = Event.select(Event.id).where((Event.case == Case.id) & (Event.action == "refuse"))
    return (Case.state.in_([workflow.REFUSED, workflow.WITHDRAWN])
            | ((Case.state == workflow.DELIVERED) & fn.EXISTS(refusal)))


def _waiting_at(end: dt.datetime):
    """The case had asked the citizen for papers before ``end`` and had not resumed by then."""
    resumed = Event.alias("resumed")
    asked = Event.alias("asked")
    later_resume = resumed.select(resumed.id).where(
        (resumed.case == Case.id) & (resumed.action == "resume") & (resumed.id > asked.id)
        & (resumed.at < end))
    request = asked.select(asked.id).where(
        (asked.case == Case.id) & (asked.action == "request_supplement") & (asked.at < end)
        & ~fn.EXISTS(later_resume))
    return fn.EXISTS(request)


def _due_at(original: dt.date, moves: list[tuple[dt.datetime, dict]], end: dt.datetime) -> dt.date:
    """The due date in force at ``end``, replaying the resume/extend events before it."""
    due = original
    for at, changes in moves:
        if at >= end:
            break
        pair = (changes or {}).get("due_date")
        if isinstance(pair, list) and len(pair) == 2:
            due = dt.date.fromisoformat(pair[1])
    return due


def _smaller(a, b):
    """Of two index ranges whose intersection is wanted, ``(driver, other)`` with the smaller as driver.

    "Received by the end and resolved after it" is small, but each half alone is either
    everything before the period or everything after it; counting index entries (no table
    reads, capped) tells which half is the cheap one to walk."""
    for cap in (20_000, 200_000, 2_000_000, None):
        size_a = Case.select(Case.id).where(a).limit(cap).count()
        size_b = Case.select(Case.id).where(b).limit(cap).count()
        if cap is None or min(size_a, size_b) < cap:
            return (b, a) if size_b < size_a else (a, b)
    return a, b  # pragma: no cover


def _as_flag(condition):
    """``condition`` as a computed value, so that the planner filters on it instead of walking its index."""
    return pw.Case(None, [(condition, 1)], 0) == 1


def _rejudge(tally: "_Tally", moved: list[tuple], end: dt.datetime, as_of: dt.date) -> None:
    """Move cases between (12) and (13) when the due date in force at ``end`` says otherwise."""
    if not moved:
        return
    history: dict[int, list] = {}
    ids = [m[0] for m in moved]
    for start in range(0, len(ids), 500):
        for case_id, at, changes in (Event.select(Event.case, Event.at, Event.changes)
                                     .where(Event.case.in_(ids[start:start + 500])
                                            & Event.action.in_(DUE_MOVES))
                                     .order_by(Event.case, Event.id).tuples()):
            history.setdefault(case_id, []).append((at, changes))
    for case_id, field_code, due_now, original in moved:
        was_within = _due_at(original, history.get(case_id, []), end) >= as_of
        if was_within != (due_now >= as_of):
            shift = 1 if was_within else -1
            tally.add(field_code, "c12", shift)
            tally.add(field_code, "c13", -shift)


class _Tally:
    def __init__(self):
        self.by_field: dict[str, dict[str, int]] = {}

    def add(self, field_code, column: str, value) -> None:
        if not value:
            return
        row = self.by_field.setdefault(field_code or "", dict.fromkeys(COLUMNS, 0))
        row[column] += int(value)

    def add_in_hand(self, field_code, n_carried, n_held, n_within) -> None:
        """Cases carried in (6) and/or still in hand at the end (11), within time (12) or not (13)."""
        self.add(field_code, "c6", n_carried)
        self.add(field_code, "c11", n_held)
        self.add(field_code, "c12", n_within)
        self.add(field_code, "c13", (n_held or 0) - (n_within or 0))


def agency_scope(agency: str | None):
    """The cases a report or a ledger covers, and the agency's name.

    By default the People's Committee's own procedures: another agency's (the commune police's
    residence procedures, received on its behalf) are left out.  ``agency``: that agency's only.
    When no case of another agency exists the condition is ``True``, so the default report keeps its
    index-only passes; otherwise it tests each case's procedure (a short list of ids)."""
    from .errors import NotFound
    from .models import Agency, Procedure

    if agency:
        code = agency.strip().lower()
        row = Agency.get_or_none(Agency.code == code)
        if row is None:
            names = ", ".join(a.code for a in Agency.select().order_by(Agency.position))
            raise NotFound(_("Không có cơ quan {agency}; các mã cơ quan: {names}.").format(
                agency=code[:40], names=names))
        ids = [i for (i,) in Procedure.select(Procedure.id).where(Procedure.agency == code).tuples()]
        return Case.procedure.in_(ids or [-1]), code, row.name
    others = (Procedure.select(Procedure.id).join(Agency, on=(Procedure.agency == Agency.code))
              .where(Agency.own == False))  # noqa: E712
    if not Case.select(Case.id).where(Case.procedure.in_(others)).exists():
        return True, None, ""
    return Case.procedure.not_in(others), None, ""


def compute(period: Period, agency: str | None = None) -> Report:
    """The II.06a figures and the officers' table for ``period``: the People's Committee's own
    procedures, or ``agency``'s only (``report monthly --agency``)."""
    scope, agency, agency_name = agency_scope(agency)

    def w(condition):
        return condition if scope is True else condition & scope

    now = context.now()
    today = now.date()
    first, last = period.date_from, period.date_to
    as_of = min(last, today)
    end = day_start(as_of + _ONE_DAY)     # "at the end": before midnight after the as-of day
    last_event_id = Event.select(fn.MAX(Event.id)).scalar() or 0
    tally = _Tally()
    officers = OfficerTally()
    person = officers.person

    # (4), (5): received in the period, by channel
    query = (Case.select(Case.field, Case.channel, Case.assignee, fn.COUNT(Case.id))
             .where(w(Case.received_on.between(first, last)))
             .group_by(Case.field, Case.channel, Case.assignee).tuples())
    for field_code, channel, assignee, count in query:
        if channel == "online":
            tally.add(field_code, "c4", count)
        elif channel in ("in_person", "post"):
            tally.add(field_code, "c5", count)
        if (p := person(assignee)) is not None:
            p["received"] += count

    # (6)-(13) in three passes, each walking one index range: the cases still open, the cases
    # resolved in the period, and the cases resolved after it but received before its end.  The
    # other conditions sit inside the sums, so the plan cannot drift to a whole-table scan (SQLite
    # prefers the field_code index for GROUP BY over a one-sided range).
    other = _refused_or_withdrawn()
    waiting = _waiting_at(end)
    within = (Case.due_date >= as_of) | waiting
    carried = Case.received_on < first
    held = Case.received_on <= last

    query = (Case.select(Case.field, _sum_if(carried), _sum_if(held), _sum_if(held & within))
             .where(w(Case.resolved_on.is_null())).group_by(Case.field).tuples())
    for field_code, n_carried, n_held, n_within in query:
        tally.add_in_hand(field_code, n_carried, n_held, n_within)

    query = (Case.select(Case.field, Case.assignee, _sum_if(carried), fn.COUNT(Case.id),
                         _sum_if(~other & (Case.resolved_on < Case.due_date)),
                         _sum_if(other | (Case.resolved_on == Case.due_date)),
                         _sum_if(~other & (Case.resolved_on > Case.due_date)))
             .where(w(Case.resolved_on.between(first, last)))
             .group_by(Case.field, Case.assignee).tuples())
    for field_code, assignee, n_carried, n_done, n_early, n_on_time, n_late in query:
        tally.add(field_code, "c6", n_carried)
        tally.add(field_code, "c7", n_done)
        tally.add(field_code, "c8", n_early)
        tally.add(field_code, "c9", n_on_time)
        tally.add(field_code, "c10", n_late)
        if (p := person(assignee)) is not None:
            p["resolved"] += n_done or 0
            p["early"] += n_early or 0
            p["on_time"] += n_on_time or 0
            p["late"] += n_late or 0

    # resolved after the period but received before its end: carried into it and/or still in hand
    after = Case.resolved_on.between(last + _ONE_DAY, dt.date.max)
    upto = Case.received_on.between(dt.date.min, last)
    driver, condition = _smaller(after, upto)
    query = (Case.select(Case.field, _sum_if(condition & carried), _sum_if(condition),
                         _sum_if(condition & within))
             .where(w(driver)).group_by(Case.field).tuples())
    for field_code, n_carried, n_held, n_within in query:
        tally.add_in_hand(field_code, n_carried, n_held, n_within)

    # ... re-judged on the due date in force at the end when it moved after it (a resume later on).
    # Actions are never dated in the future, so a period judged at today has none.
    if end <= now:
        moved_since = Event.select(Event.id).where(
            (Event.case == Case.id) & Event.action.in_(DUE_MOVES) & (Event.at >= end))
        moved = []
        for where in (Case.resolved_on.is_null() & held, driver & _as_flag(condition)):
            moved += list(Case.select(Case.id, Case.field, Case.due_date, Case.original_due_date)
                          .where(w(where & fn.EXISTS(moved_since) & ~waiting)).tuples())
        _rejudge(tally, moved, end, as_of)

    # officers: overdue in hand now, and the ratings of the results delivered in the period
    officers.count_overdue(as_of, scope)
    officers.count_ratings(day_start(first), day_start(last + _ONE_DAY), scope)

    rows = _field_rows(tally)
    total = FieldRow(field="", field_name=_("Tổng cộng"),
                     **{c: sum(getattr(r, c) for r in rows) for c in COLUMNS})
    return Report(period=period, rows=rows, total=total, officers=officers.rows(), as_of=as_of,
                  computed_at=now, last_event_id=last_event_id, agency=agency, agency_name=agency_name)


def _field_rows(tally: _Tally) -> tuple[FieldRow, ...]:
    known = {f.code: (f.position, f.name) for f in Field.select(Field.code, Field.name, Field.position)}
    rows = []
    for code, values in tally.by_field.items():
        values["c3"] = values["c4"] + values["c5"] + values["c6"]
        if not any(values.values()):
            continue
        position, name = known.get(code, (10 ** 6, code))
        rows.append(((position, code), FieldRow(field=code, field_name=name, **values)))
    rows.sort(key=lambda item: item[0])
    return tuple(r for _key, r in rows)
