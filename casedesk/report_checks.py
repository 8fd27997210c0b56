"""The checks that a report's figures add up, naming the cases that explain a failure.

(3) = (4)+(5)+(6) = (7)+(11), (7) = (8)+(9)+(10), (11) = (12)+(13), the total is the
sum of the fields, and (6) of a period equals (11) of the previous one.  A failure
raises ``IntegrityProblem`` naming the cases involved.
"""
from __future__ import annotations

import datetime as dt

from . import workflow
from .documents.data import ReportRow
from .errors import BadInput, IntegrityProblem
from .i18n import _
from .models import Case, Event
from .report_figures import COLUMNS, Report, compute, day_start, row_label
from .report_periods import previous

MAX_NAMED = 20
_ONE_DAY = dt.timedelta(days=1)


def _row_problems(row: ReportRow) -> list[str]:
    problems = []
    for column, value, other, expr in (
        (3, row.c3, row.c4 + row.c5 + row.c6, "(4)+(5)+(6)"),
        (3, row.c3, row.c7 + row.c11, "(7)+(11)"),
        (7, row.c7, row.c8 + row.c9 + row.c10, "(8)+(9)+(10)"),
        (11, row.c11, row.c12 + row.c13, "(12)+(13)"),
    ):
        if value != other:
            problems.append(_("{row}: cột ({column}) = {value} nhưng {expr} = {other}").format(
                row=row_label(row), column=column, value=value, expr=expr, other=other))
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
        pairs = [(report.row(code), previous_report.row(code)) for code in sorted(codes)]
        pairs.append((report.total, previous_report.total))
        for now_row, then_row in pairs:
            c6 = now_row.c6 if now_row else 0
            c11 = then_row.c11 if then_row else 0
            if c6 != c11:
                problems.append(_("{row}: cột (6) = {value} nhưng cột (11) kỳ trước = {other}").format(
                    row=row_label(now_row or then_row), value=c6, other=c11))
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
            (Event.id > since) & (Event.at < day_start(report.period.date_from))).distinct())
    return found


def check_report(report: Report) -> None:
    """Every check before a report is printed or saved, the previous period's (11) included
    (computed here: the carried-over column (6) must be what the last report left open)."""
    before = previous(report.period)
    check_invariants(report, compute(before, agency=report.agency) if report.agency else compute(before))
