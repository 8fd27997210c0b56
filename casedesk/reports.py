"""Figures for form II.06a (Biểu số II.06a/VPCP/KSTT) and the officers' table: plain data, no drawing.

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

Checks (``check_invariants``): (3) = (4)+(5)+(6) = (7)+(11), (7) = (8)+(9)+(10),
(11) = (12)+(13), the total is the sum of the fields, and (6) of a period equals
(11) of the previous one.  A failure raises ``IntegrityProblem`` naming the cases
that explain it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, fields as dc_fields

import peewee as pw
from peewee import fn

from . import context, workflow
from .documents.data import MonthlyReportData, OfficerRow, ReportRow
from .errors import BadInput, IntegrityProblem
from .i18n import _, pad_month
from .models import Case, Event, Field, User
from .settings import PERIOD_STYLES
from .text import name_sort_key

KINDS = ("month", "quarter", "year")
COLUMNS = ("c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11", "c12", "c13")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
MAX_NAMED = 20
_ONE_DAY = dt.timedelta(days=1)


# ------------------------------------------------------------------ periods

@dataclass(frozen=True)
class Period:
    kind: str          # 'month' | 'quarter' | 'year'
    style: str         # 'calendar' | '15-14'
    label: str         # "Tháng 10 năm 2026"
    date_from: dt.date
    date_to: dt.date

    @property
    def spec(self) -> str:
        """What ``parse_period`` reads back: ``2026-10``, ``2026-Q3`` or ``2026``.

        A 15→14 period is named by the month, quarter or year it ends in."""
        end = self.date_to
        if self.kind == "month":
            return f"{end.year}-{end.month:02d}"
        if self.kind == "quarter":
            return f"{end.year}-Q{(end.month - 1) // 3 + 1}"
        return str(end.year)

    def contains(self, day: dt.date) -> bool:
        return self.date_from <= day <= self.date_to


def _style(style: str | None) -> str:
    if style is None:
        style = context.settings().period_style or "calendar"
    if style not in PERIOD_STYLES:
        raise BadInput(_("Kỳ báo cáo phải là calendar hoặc 15-14."), field="period")
    return style


def _year(year) -> int:
    try:
        value = int(year)
    except (TypeError, ValueError):
        value = 0
    if not 1900 <= value <= 2999:
        raise BadInput(_("Năm {year} không hợp lệ.").format(year=year), field="period")
    return value


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - _ONE_DAY


def _months_back(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) - n
    return index // 12, index % 12 + 1


def _span(first: tuple[int, int], last: tuple[int, int], style: str) -> tuple[dt.date, dt.date]:
    """Dates of the months ``first``..``last``: whole months, or the 15th of the month
    before ``first`` to the 14th of ``last``."""
    if style == "calendar":
        return dt.date(first[0], first[1], 1), _month_end(*last)
    y, m = _months_back(first[0], first[1], 1)
    return dt.date(y, m, 15), dt.date(last[0], last[1], 14)


def month_period(year, month, style: str | None = None) -> Period:
    """A month; in the 15→14 style ``2026-10`` is 15/09/2026–14/10/2026."""
    year = _year(year)
    try:
        month = int(month)
    except (TypeError, ValueError):
        month = 0
    if not 1 <= month <= 12:
        raise BadInput(_("Tháng {month} không hợp lệ; tháng phải từ 1 đến 12.").format(month=month),
                       field="period")
    style = _style(style)
    start, end = _span((year, month), (year, month), style)
    label = _("Tháng {month} năm {year}").format(month=pad_month(month), year=year)
    return Period("month", style, label, start, end)


def quarter_period(year, quarter, style: str | None = None) -> Period:
    """A quarter; in the 15→14 style from the 15th of the month before it to the 14th of its last month."""
    year = _year(year)
    try:
        quarter = int(quarter)
    except (TypeError, ValueError):
        quarter = 0
    if not 1 <= quarter <= 4:
        raise BadInput(_("Quý {quarter} không hợp lệ; quý phải từ 1 đến 4.").format(quarter=quarter),
                       field="period")
    style = _style(style)
    start, end = _span((year, 3 * quarter - 2), (year, 3 * quarter), style)
    label = _("Quý {quarter} năm {year}").format(quarter=ROMAN[quarter], year=year)
    return Period("quarter", style, label, start, end)


def year_period(year, style: str | None = None) -> Period:
    """A year; in the 15→14 style 15/12 of the year before to 14/12."""
    year = _year(year)
    style = _style(style)
    start, end = _span((year, 1), (year, 12), style)
    return Period("year", style, _("Năm {year}").format(year=year), start, end)


_SPECS = {
    "month": re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$"),
    "quarter": re.compile(r"^\s*(\d{4})-[Qq]([1-4])\s*$"),
    "year": re.compile(r"^\s*(\d{4})\s*$"),
}


def parse_period(kind: str, spec: str, style: str | None = None) -> Period:
    """``('month', '2026-10')``, ``('quarter', '2026-Q3')`` or ``('year', '2026')``."""
    if kind not in KINDS:
        raise BadInput(_("Loại kỳ báo cáo phải là month, quarter hoặc year."), field="period")
    match = _SPECS[kind].match(str(spec or ""))
    if match is None:
        text = str(spec or "")[:40]
        if kind == "month":
            message = _("Tháng báo cáo “{spec}” không hợp lệ; hãy ghi dạng YYYY-MM (ví dụ 2026-10).")
        elif kind == "quarter":
            message = _("Quý báo cáo “{spec}” không hợp lệ; hãy ghi dạng YYYY-Qn (ví dụ 2026-Q3).")
        else:
            message = _("Năm báo cáo “{spec}” không hợp lệ; hãy ghi dạng YYYY (ví dụ 2026).")
        raise BadInput(message.format(spec=text), field="period")
    if kind == "month":
        return month_period(match.group(1), match.group(2), style)
    if kind == "quarter":
        return quarter_period(match.group(1), match.group(2), style)
    return year_period(match.group(1), style)


def previous(period: Period) -> Period:
    """The period just before, of the same kind and style (its last day is the day before ``date_from``)."""
    end = period.date_to
    if period.kind == "month":
        y, m = _months_back(end.year, end.month, 1)
        return month_period(y, m, period.style)
    if period.kind == "quarter":
        q = (end.month - 1) // 3 + 1
        return quarter_period(end.year - (q == 1), 4 if q == 1 else q - 1, period.style)
    return year_period(end.year - 1, period.style)


# ------------------------------------------------------------------ the report

@dataclass(frozen=True)
class FieldRow(ReportRow):
    """A line of the form with its field's code in ``field`` and its name beside it."""

    field_name: str = ""


@dataclass(frozen=True)
class OfficerFigures(OfficerRow):
    """An officer's line, with the login and the split of what they resolved."""

    login: str = ""
    early: int = 0
    on_time: int = 0
    late: int = 0


@dataclass(frozen=True)
class Report:
    period: Period
    rows: tuple[ReportRow, ...]          # FieldRow, one per field with any figure, by Field.position
    total: ReportRow
    officers: tuple[OfficerRow, ...]     # OfficerFigures, by Vietnamese name order
    as_of: dt.date | None = None         # the day in-hand cases were judged at
    computed_at: dt.datetime | None = None
    last_event_id: int = 0               # audit rows after this one were not seen

    def row(self, field_code: str) -> ReportRow | None:
        return next((r for r in self.rows if r.field == field_code), None)


def _start(day: dt.date) -> dt.datetime:
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
                                            & Event.action.in_(["resume", "extend"]))
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


def compute(period: Period) -> Report:
    """The II.06a figures and the officers' table for ``period``."""
    now = context.now()
    today = now.date()
    first, last = period.date_from, period.date_to
    as_of = min(last, today)
    end = _start(as_of + _ONE_DAY)        # "at the end": before midnight after the as-of day
    last_event_id = Event.select(fn.MAX(Event.id)).scalar() or 0
    tally = _Tally()
    people: dict[int, dict[str, int]] = {}

    def person(user_id) -> dict[str, int] | None:
        if user_id is None:
            return None
        return people.setdefault(user_id, dict.fromkeys(
            ("received", "resolved", "early", "on_time", "late", "overdue", "very_satisfied", "satisfied",
             "unsatisfied"), 0))

    # (4), (5): received in the period, by channel
    query = (Case.select(Case.field, Case.channel, Case.assignee, fn.COUNT(Case.id))
             .where(Case.received_on.between(first, last))
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
             .where(Case.resolved_on.is_null()).group_by(Case.field).tuples())
    for field_code, n_carried, n_held, n_within in query:
        tally.add(field_code, "c6", n_carried)
        tally.add(field_code, "c11", n_held)
        tally.add(field_code, "c12", n_within)
        tally.add(field_code, "c13", (n_held or 0) - (n_within or 0))

    query = (Case.select(Case.field, Case.assignee, _sum_if(carried), fn.COUNT(Case.id),
                         _sum_if(~other & (Case.resolved_on < Case.due_date)),
                         _sum_if(other | (Case.resolved_on == Case.due_date)),
                         _sum_if(~other & (Case.resolved_on > Case.due_date)))
             .where(Case.resolved_on.between(first, last))
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
             .where(driver).group_by(Case.field).tuples())
    for field_code, n_carried, n_held, n_within in query:
        tally.add(field_code, "c6", n_carried)
        tally.add(field_code, "c11", n_held)
        tally.add(field_code, "c12", n_within)
        tally.add(field_code, "c13", (n_held or 0) - (n_within or 0))

    # ... re-judged on the due date in force at the end when it moved after it (a resume later on).
    # Actions are never dated in the future, so a period judged at today has none.
    if end <= now:
        moved_since = Event.select(Event.id).where(
            (Event.case == Case.id) & Event.action.in_(["resume", "extend"]) & (Event.at >= end))
        moved = []
        for where in (Case.resolved_on.is_null() & held, driver & _as_flag(condition)):
            moved += list(Case.select(Case.id, Case.field, Case.due_date, Case.original_due_date)
                          .where(where & fn.EXISTS(moved_since) & ~waiting).tuples())
        _rejudge(tally, moved, end, as_of)

    # officers: overdue in hand now (open, not waiting), judged at the as-of day
    running = [s for s in workflow.OPEN_STATES if s != workflow.SUPPLEMENT]
    for assignee, count in (Case.select(Case.assignee, fn.COUNT(Case.id))
                            .where(Case.state.in_(running) & (Case.due_date < as_of)
                                   & Case.assignee.is_null(False))
                            .group_by(Case.assignee).tuples()):
        person(assignee)["overdue"] += count

    # officers: ratings of the results delivered in the period.  No index holds delivered_at, so this
    # is one plain pass over the table (about 0.2 s for a million cases); grouping by rating first
    # keeps SQLite off the assignee index, whose random reads would cost three times that.
    for rating, assignee, count in (Case.select(Case.rating, Case.assignee, fn.COUNT(Case.id))
                                    .where((Case.delivered_at >= _start(first))
                                           & (Case.delivered_at < _start(last + _ONE_DAY)))
                                    .group_by(Case.rating, Case.assignee).tuples()):
        if rating in workflow.RATINGS and assignee is not None:
            person(assignee)[rating] += count

    rows = _field_rows(tally)
    total = FieldRow(field="", field_name=_("Tổng cộng"),
                     **{c: sum(getattr(r, c) for r in rows) for c in COLUMNS})
    return Report(period=period, rows=rows, total=total, officers=_officer_rows(people), as_of=as_of,
                  computed_at=now, last_event_id=last_event_id)


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


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _officer_rows(people: dict[int, dict[str, int]]) -> tuple[OfficerFigures, ...]:
    users = {u.id: u for u in User.select(User.id, User.login, User.full_name, User.role, User.active)}
    ids = {uid for uid, u in users.items() if u.role == "officer" and u.active}
    ids |= {uid for uid, figures in people.items() if any(figures.values())}
    rows = []
    for uid in ids:
        user = users.get(uid)
        name = user.full_name if user else str(uid)
        f = people.get(uid) or dict.fromkeys(("received", "resolved", "early", "on_time", "late", "overdue",
                                              "very_satisfied", "satisfied", "unsatisfied"), 0)
        rated = f["very_satisfied"] + f["satisfied"] + f["unsatisfied"]
        rows.append(OfficerFigures(
            name=name, received=f["received"], resolved=f["resolved"],
            on_time_pct=_pct(f["early"] + f["on_time"], f["resolved"]), overdue_in_hand=f["overdue"],
            very_satisfied=f["very_satisfied"], satisfied=f["satisfied"], unsatisfied=f["unsatisfied"],
            satisfaction_pct=_pct(f["very_satisfied"] + f["satisfied"], rated),
            login=user.login if user else "", early=f["early"], on_time=f["on_time"], late=f["late"]))
    rows.sort(key=lambda r: (name_sort_key(r.name), r.login))
    return tuple(rows)


# ------------------------------------------------------------------ checks

def _label(row: ReportRow) -> str:
    return getattr(row, "field_name", "") or row.field or _("Tổng cộng")


def _row_problems(row: ReportRow) -> list[str]:
    problems = []
    label = _label(row)
    for left, right, expr in (
        (row.c3, row.c4 + row.c5 + row.c6, "(4)+(5)+(6)"),
        (row.c3, row.c7 + row.c11, "(7)+(11)"),
    ):
        if left != right:
            problems.append(_("{row}: cột ({column}) = {value} nhưng {expr} = {other}").format(
                row=label, column=3, value=left, expr=expr, other=right))
    if row.c7 != row.c8 + row.c9 + row.c10:
        problems.append(_("{row}: cột ({column}) = {value} nhưng {expr} = {other}").format(
            row=label, column=7, value=row.c7, expr="(8)+(9)+(10)", other=row.c8 + row.c9 + row.c10))
    if row.c11 != row.c12 + row.c13:
        problems.append(_("{row}: cột ({column}) = {value} nhưng {expr} = {other}").format(
            row=label, column=11, value=row.c11, expr="(12)+(13)", other=row.c12 + row.c13))
    return problems


def check_invariants(report: Report, previous_report: Report | None = None) -> None:
    """Raise ``IntegrityProblem`` (naming the cases involved) when the figures do not add up."""
    problems: list[str] = []
    for row in (*report.rows, report.total):
        problems.extend(_row_problems(row))
    for column in COLUMNS:
        if sum(getattr(r, column) for r in report.rows) != getattr(report.total, column):
            problems.append(_("Dòng tổng cộng khác tổng các lĩnh vực ở cột ({column}).").format(
                column=column[1:]))
    if previous_report is not None:
        before = previous_report.period
        if before.date_to + _ONE_DAY != report.period.date_from:
            raise BadInput(_("Kỳ trước ({before}) không liền với kỳ báo cáo ({period}).").format(
                before=f"{before.date_from:%d/%m/%Y}–{before.date_to:%d/%m/%Y}",
                period=f"{report.period.date_from:%d/%m/%Y}–{report.period.date_to:%d/%m/%Y}"))
        codes = {r.field for r in report.rows} | {r.field for r in previous_report.rows}
        for code in sorted(codes):
            now_row, then_row = report.row(code), previous_report.row(code)
            c6 = now_row.c6 if now_row else 0
            c11 = then_row.c11 if then_row else 0
            if c6 != c11:
                problems.append(_("{row}: cột (6) = {value} nhưng cột (11) kỳ trước = {other}").format(
                    row=_label(now_row or then_row), value=c6, other=c11))
        if report.total.c6 != previous_report.total.c11:
            problems.append(_("{row}: cột (6) = {value} nhưng cột (11) kỳ trước = {other}").format(
                row=_label(report.total), value=report.total.c6, other=previous_report.total.c11))
    if not problems:
        return
    codes = _cases_involved(report, previous_report)
    shown = "; ".join(problems[:10])
    if codes:
        message = _("Báo cáo {period} không khớp: {problems}. Hồ sơ liên quan: {codes}.").format(
            period=report.period.label, problems=shown, codes=", ".join(codes))
    else:
        message = _("Báo cáo {period} không khớp: {problems}. Không tìm ra hồ sơ gây sai lệch; "
                    "hãy chạy “casedesk-cli check”.").format(period=report.period.label, problems=shown)
    raise IntegrityProblem(message, details={"problems": problems, "cases": codes})


def _cases_involved(report: Report, previous_report: Report | None) -> list[str]:
    """Cases that make figures disagree: dated resolved before received, an unknown channel,
    or (against a previous report) changed afterwards with an effect dated before this period."""
    first = previous_report.period.date_from if previous_report else report.period.date_from
    last = report.period.date_to
    found: list[str] = []

    def take(query) -> None:
        for (code,) in query.order_by(Case.code).limit(MAX_NAMED).tuples():
            if code not in found and len(found) < MAX_NAMED:
                found.append(code)

    take(Case.select(Case.code).where(
        Case.resolved_on.is_null(False) & (Case.resolved_on < Case.received_on)
        & (Case.resolved_on <= last) & (Case.received_on >= first)))
    take(Case.select(Case.code).where(
        Case.received_on.between(first, last) & Case.channel.not_in(list(workflow.CHANNELS))))
    if previous_report is not None and previous_report.last_event_id:
        since = previous_report.last_event_id
        take(Case.select(Case.code).join(Event, on=(Event.case == Case.id)).where(
            (Event.id > since) & (Event.at < _start(report.period.date_from))).distinct())
    return found


# ------------------------------------------------------------------ for the renderer

def report_data(period: Period) -> MonthlyReportData:
    """What the II.06a renderer prints for ``period`` (no database access while drawing)."""
    return data_from(compute(period))


def data_from(report: Report) -> MonthlyReportData:
    from .documents.build import office_header

    settings = context.settings()

    def plain(row: ReportRow, name: str) -> ReportRow:
        return ReportRow(field=name, **{c: getattr(row, c) for c in COLUMNS})

    officers = tuple(OfficerRow(**{f.name: getattr(o, f.name) for f in dc_fields(OfficerRow)})
                     for o in report.officers)
    # the report names the full unit ("… xã An Phú"): its title reads "tình hình … tại {unit}"
    office = dataclasses.replace(office_header(), unit=settings.office_name or office_header().unit)
    return MonthlyReportData(
        office=office, title_period=report.period.label, date_from=report.period.date_from,
        date_to=report.period.date_to,
        rows=tuple(plain(r, _label(r)) for r in report.rows),
        total=plain(report.total, _("Tổng cộng")), officers=officers,
        signer_title=settings.leader_title, signer_name=settings.leader_name,
        reported_to=settings.superior, issued_on=min(report.period.date_to, context.today()))


def report_json(report: Report) -> dict:
    """The ``report … --json`` document."""
    def row_doc(row: ReportRow, total: bool = False) -> dict:
        doc = {"field": None if total else row.field, "field_name": _label(row)}
        doc.update({c: getattr(row, c) for c in COLUMNS})
        return doc

    p = report.period
    return {
        "period": {"kind": p.kind, "spec": p.spec, "from": p.date_from.isoformat(),
                   "to": p.date_to.isoformat(), "label": p.label, "style": p.style,
                   "as_of": report.as_of.isoformat() if report.as_of else None},
        "rows": [row_doc(r) for r in report.rows],
        "total": row_doc(report.total, total=True),
        "officers": [{"login": getattr(o, "login", ""), "name": o.name, "received": o.received,
                      "resolved": o.resolved, "early": getattr(o, "early", None),
                      "on_time": getattr(o, "on_time", None), "late": getattr(o, "late", None),
                      "on_time_pct": o.on_time_pct, "overdue_in_hand": o.overdue_in_hand,
                      "very_satisfied": o.very_satisfied, "satisfied": o.satisfied,
                      "unsatisfied": o.unsatisfied, "satisfaction_pct": o.satisfaction_pct}
                     for o in report.officers],
    }
