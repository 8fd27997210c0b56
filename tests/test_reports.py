"""Form II.06a: periods, every column on a hand-built office, the checks, the officers' table.

The office below is built through the real services with the clock moved from
September to December 2026, so that October has a case in every column (4)…(13)
in both period styles.  A plain-Python reference (no SQL) recomputes the same
definitions from the cases and their audit events, to check the GROUP BY queries.
"""
from __future__ import annotations

import datetime as dt

import pytest

from casedesk import context, reports, workflow
from casedesk.errors import BadInput, IntegrityProblem
from casedesk.models import Case, Event, User
from casedesk.services import cases as svc
from casedesk.services import office

D = dt.date
T = dt.datetime
COLS = reports.COLUMNS


# ------------------------------------------------------------------ periods

@pytest.mark.parametrize("make,expected", [
    (lambda: reports.month_period(2026, 10, "calendar"), (D(2026, 10, 1), D(2026, 10, 31), "Tháng 10 năm 2026")),
    (lambda: reports.month_period(2026, 10, "15-14"), (D(2026, 9, 15), D(2026, 10, 14), "Tháng 10 năm 2026")),
    (lambda: reports.month_period(2026, 1, "15-14"), (D(2025, 12, 15), D(2026, 1, 14), "Tháng 01 năm 2026")),
    (lambda: reports.month_period(2028, 2, "calendar"), (D(2028, 2, 1), D(2028, 2, 29), "Tháng 02 năm 2028")),
    (lambda: reports.quarter_period(2026, 3, "calendar"), (D(2026, 7, 1), D(2026, 9, 30), "Quý III năm 2026")),
    (lambda: reports.quarter_period(2026, 3, "15-14"), (D(2026, 6, 15), D(2026, 9, 14), "Quý III năm 2026")),
    (lambda: reports.quarter_period(2026, 1, "15-14"), (D(2025, 12, 15), D(2026, 3, 14), "Quý I năm 2026")),
    (lambda: reports.quarter_period(2026, 4, "calendar"), (D(2026, 10, 1), D(2026, 12, 31), "Quý IV năm 2026")),
    (lambda: reports.year_period(2026, "calendar"), (D(2026, 1, 1), D(2026, 12, 31), "Năm 2026")),
    (lambda: reports.year_period(2026, "15-14"), (D(2025, 12, 15), D(2026, 12, 14), "Năm 2026")),
])
def test_period_dates_and_labels(make, expected):
    period = make()
    assert (period.date_from, period.date_to, period.label) == expected


def test_15_14_periods_are_named_by_the_month_they_end_in():
    p = reports.parse_period("month", "2026-10", "15-14")
    assert (p.date_from, p.date_to, p.spec, p.style) == (D(2026, 9, 15), D(2026, 10, 14), "2026-10", "15-14")
    assert reports.parse_period("quarter", "2026-q1", "15-14").spec == "2026-Q1"
    assert reports.parse_period("year", "2027", "15-14").date_from == D(2026, 12, 15)
    for kind, spec in (("month", "2026-01"), ("quarter", "2026-Q1"), ("year", "2026")):
        for style in ("calendar", "15-14"):
            assert reports.parse_period(kind, spec, style).spec == spec


@pytest.mark.parametrize("kind,spec,style", [
    ("month", "2026-01", "15-14"), ("month", "2026-03", "calendar"), ("quarter", "2026-Q1", "15-14"),
    ("quarter", "2027-Q1", "calendar"), ("year", "2026", "15-14"), ("year", "2026", "calendar"),
])
def test_previous_periods_are_contiguous(kind, spec, style):
    period = reports.parse_period(kind, spec, style)
    for _ in range(14):
        before = reports.previous(period)
        assert (before.kind, before.style) == (period.kind, period.style)
        assert before.date_to + dt.timedelta(days=1) == period.date_from
        assert before.date_from < before.date_to
        period = before


@pytest.mark.parametrize("kind,spec", [
    ("month", "2026-13"), ("month", "2026-0"), ("month", "10/2026"), ("month", ""), ("quarter", "2026-Q5"),
    ("quarter", "2026-3"), ("year", "26"), ("year", "1800"), ("week", "2026-40"),
])
def test_bad_period_specs_are_bad_input(kind, spec):
    with pytest.raises(BadInput) as err:
        reports.parse_period(kind, spec, "calendar")
    assert err.value.message and err.value.exit_code == 2


def test_bad_style_and_office_default_style(db):
    with pytest.raises(BadInput):
        reports.month_period(2026, 10, "weekly")
    assert reports.month_period(2026, 10).style == "calendar"
    office.update_settings(actor="admin", period_style="15-14")
    period = reports.month_period(2026, 10)
    assert (period.style, period.date_from) == ("15-14", D(2026, 9, 15))


# ------------------------------------------------------------------ the hand-built office

NAMES = {
    "J": "Bùi Thị Nguyệt", "K": "Hoàng Văn Khải", "C": "Đinh Công Chứ", "A": "Nguyễn Thị Ánh",
    "B": "Trần Văn Bình", "D": "Lê Đức Dũng", "E": "Phạm Thị Ếnh", "F": "Võ Thị Phượng",
    "H": "Đặng Thu Hà", "I": "Ngô Quốc Ích", "M": "Dương Minh Mẫn", "L": "Lý Thị Lụa",
    "G": "Trịnh Văn Giang", "N": "Mạc Thị Nụ",
}


class Desk:
    """Receive and act through the services at chosen times."""

    def __init__(self, clock, receive):
        self.clock = clock
        self._receive = receive
        self.codes: dict[str, str] = {}

    def receive(self, key, when, *, channel="in_person", procedure="HT-09"):
        self.clock.set(when)
        case = self._receive(citizen_name=NAMES[key], channel=channel, procedure=procedure)
        self.codes[key] = case.code
        return case

    def act(self, key, action, when, actor, **kw):
        self.clock.set(when)
        return svc.ACTION_FUNCS[action](actor=actor, code=self.codes[key], **kw).case

    def due(self, key) -> dt.date:
        return Case.get(Case.code == self.codes[key]).due_date

    def handle(self, key, when, officer="hung"):
        self.act(key, "assign", when + dt.timedelta(minutes=30), "mai", to=officer)


def _working_after(day: dt.date, n: int = 1) -> dt.date:
    cal = context.calendar()
    for _ in range(n):
        day = cal.next_working_day(day)
    return day


@pytest.fixture
def office_log(db, clock, receive):
    """September to December 2026; the clock ends on Tuesday 01/12/2026."""
    desk = Desk(clock, receive)
    # September
    desk.receive("J", T(2026, 9, 10, 9))
    desk.handle("J", T(2026, 9, 10, 9))
    desk.act("J", "submit", T(2026, 9, 11, 9), "hung")
    desk.act("J", "approve", T(2026, 9, 21, 9), "thao")                      # late, in Sep
    desk.receive("K", T(2026, 9, 22, 9), channel="online")
    desk.handle("K", T(2026, 9, 22, 9))
    desk.act("K", "submit", T(2026, 9, 23, 9), "hung")
    desk.receive("C", T(2026, 9, 28, 9))
    desk.handle("C", T(2026, 9, 28, 9))                                      # left over past its due date
    # October
    desk.receive("A", T(2026, 10, 1, 9), channel="online")
    desk.handle("A", T(2026, 10, 1, 9))
    desk.act("A", "submit", T(2026, 10, 1, 14), "hung")
    desk.act("K", "approve", T(2026, 10, 2, 8), "thao")                      # carried over, late
    desk.act("A", "approve", T(2026, 10, 2, 9), "thao")                      # early
    desk.act("K", "deliver", T(2026, 10, 5, 8), "mai", rating="satisfied")
    desk.act("A", "deliver", T(2026, 10, 5, 8, 30), "mai", rating="very_satisfied")
    desk.receive("B", T(2026, 10, 5, 9))
    desk.handle("B", T(2026, 10, 5, 9))
    desk.act("B", "submit", T(2026, 10, 6, 8), "hung")
    desk.receive("D", T(2026, 10, 6, 9))
    desk.handle("D", T(2026, 10, 6, 9))
    desk.receive("E", T(2026, 10, 7, 9), channel="post")
    desk.handle("E", T(2026, 10, 7, 9))
    desk.act("D", "submit", T(2026, 10, 7, 10), "hung")
    desk.act("E", "submit", T(2026, 10, 7, 11), "hung")
    desk.receive("F", T(2026, 10, 8, 9))
    desk.act("E", "refuse", T(2026, 10, 8, 10), "thao", note="Không đủ điều kiện")  # refused early: "on time"
    b_due = desk.due("B")
    desk.act("B", "approve", T.combine(b_due, dt.time(10)), "thao")          # on its due date
    desk.act("F", "withdraw", T(2026, 10, 9, 9), "mai", note="Công dân xin rút")
    desk.act("E", "deliver", T(2026, 10, 9, 10), "mai")
    desk.act("B", "deliver", T.combine(b_due, dt.time(15)), "mai", rating="satisfied")
    desk.receive("H", T(2026, 10, 12, 9))
    desk.handle("H", T(2026, 10, 12, 9))
    d_late = _working_after(desk.due("D"))
    assert d_late <= D(2026, 10, 14)
    desk.act("D", "approve", T.combine(d_late, dt.time(8)), "thao")          # late
    desk.act("H", "request_supplement", T(2026, 10, 13, 9), "hung", note="Thiếu bản sao CCCD")
    desk.act("D", "deliver", T(2026, 10, 15, 9), "mai", rating="unsatisfied")
    desk.receive("I", T(2026, 10, 19, 9))
    desk.handle("I", T(2026, 10, 19, 9))
    desk.receive("M", T(2026, 10, 20, 9), channel="online")
    desk.handle("M", T(2026, 10, 20, 9))                                     # never touched again
    desk.receive("L", T(2026, 10, 20, 10))
    desk.handle("L", T(2026, 10, 20, 10))
    desk.act("L", "submit", T(2026, 10, 21, 9), "hung")                      # waits for the leader
    desk.receive("G", T(2026, 10, 26, 9), channel="online", procedure="DD-01")
    desk.handle("G", T(2026, 10, 26, 9), officer="duong")
    g_new = _working_after(desk.due("G"), 3)
    desk.act("G", "extend", T(2026, 10, 27, 9), "thao", to_date=g_new.isoformat(), note="Chờ xác minh")
    # November and after
    desk.receive("N", T(2026, 11, 2, 8))
    desk.act("H", "resume", T(2026, 11, 2, 10), "hung")
    desk.act("C", "submit", T(2026, 11, 2, 11), "hung")
    desk.act("I", "request_supplement", T(2026, 11, 2, 14), "hung", note="Thiếu giấy xác nhận")
    desk.act("C", "approve", T(2026, 11, 3, 9), "thao")
    desk.act("I", "resume", T(2026, 11, 20, 9), "hung")                      # moves I's due date past October
    clock.set(T(2026, 12, 1, 9))
    return desk


def _row(report, field="HT"):
    row = report.row(field)
    return {c: getattr(row, c) for c in COLS} if row else dict.fromkeys(COLS, 0)


def _expect(**values):
    out = dict.fromkeys(COLS, 0)
    out.update(values)
    out["c3"] = out["c4"] + out["c5"] + out["c6"]
    return out


def test_october_every_column_calendar(office_log):
    desk = office_log
    i_case = Case.get(Case.code == desk.codes["I"])
    assert i_case.due_date > D(2026, 10, 31) > i_case.original_due_date    # moved after the period
    assert Case.get(Case.code == desk.codes["H"]).paused_on is None          # no longer waiting today
    report = reports.compute(reports.month_period(2026, 10, "calendar"))
    assert report.as_of == D(2026, 10, 31)
    # HT: received A,M online; B,D,E,F,H,I,L in person/post; K,C carried over.
    # Resolved: A early; B on time, E refused, F withdrawn; K, D late.
    # In hand: H waiting (within); C, I (due then 22/10), M, L overdue.
    assert _row(report) == _expect(c4=2, c5=7, c6=2, c7=6, c8=1, c9=3, c10=2, c11=5, c12=1, c13=4)
    assert _row(report, "DD") == _expect(c4=1, c11=1, c12=1)
    assert [r.field for r in report.rows] == ["HT", "DD"]                      # Field.position order
    assert report.rows[0].field_name == "Hộ tịch"
    assert all(getattr(report.total, c) > 0 for c in COLS)
    reports.check_invariants(report, reports.compute(reports.month_period(2026, 9, "calendar")))


def test_october_every_column_15_14(office_log):
    report = reports.compute(reports.parse_period("month", "2026-10", "15-14"))
    assert (report.period.date_from, report.period.date_to, report.as_of) == (
        D(2026, 9, 15), D(2026, 10, 14), D(2026, 10, 14))
    # J carried over (received 10/09, resolved 21/09); K, C, A, B, D, E, F, H received.
    assert _row(report) == _expect(c4=2, c5=6, c6=1, c7=7, c8=1, c9=3, c10=3, c11=2, c12=1, c13=1)
    assert all(getattr(report.total, c) > 0 for c in COLS)
    reports.check_invariants(report, reports.compute(reports.previous(report.period)))


def test_carried_over_equals_previous_in_hand(office_log):
    for style in ("calendar", "15-14"):
        period = reports.month_period(2026, 8, style)
        before = reports.compute(period)
        for _ in range(4):
            period = _next_month(period)
            now = reports.compute(period)
            assert now.total.c6 == before.total.c11
            for code in {r.field for r in now.rows} | {r.field for r in before.rows}:
                assert _row(now, code)["c6"] == _row(before, code)["c11"], (style, period.spec, code)
            reports.check_invariants(now, before)
            before = now
    sep = reports.compute(reports.month_period(2026, 9, "calendar"))
    assert _row(sep) == _expect(c4=1, c5=2, c7=1, c10=1, c11=2, c12=1, c13=1)


def _next_month(period):
    end = period.date_to
    y, m = (end.year + 1, 1) if end.month == 12 else (end.year, end.month + 1)
    return reports.month_period(y, m, period.style)


def test_officers_table(office_log):
    report = reports.compute(reports.month_period(2026, 10, "calendar"))
    officers = {o.login: o for o in report.officers}
    assert [o.login for o in report.officers] == ["duong", "hung"]           # Đường before Hùng
    hung = officers["hung"]
    assert (hung.name, hung.received, hung.resolved) == ("Lê Văn Hùng", 8, 5)
    assert (hung.early, hung.on_time, hung.late, hung.on_time_pct) == (1, 2, 2, 60.0)
    assert hung.overdue_in_hand == 2                                           # M and L, still open
    assert (hung.very_satisfied, hung.satisfied, hung.unsatisfied, hung.satisfaction_pct) == (1, 2, 1, 75.0)
    duong = officers["duong"]
    assert (duong.received, duong.resolved, duong.on_time_pct, duong.satisfaction_pct) == (1, 0, None, None)
    # November: C and nothing else resolved by hung; B's rating was given in October.
    nov = {o.login: o for o in reports.compute(reports.month_period(2026, 11, "calendar")).officers}
    assert (nov["hung"].resolved, nov["hung"].late, nov["hung"].on_time_pct) == (1, 1, 0.0)
    assert nov["hung"].satisfaction_pct is None


def test_an_inactive_user_with_cases_still_has_a_row(office_log):
    User.update(active=False).where(User.login == "duong").execute()
    logins = [o.login for o in reports.compute(reports.month_period(2026, 10, "calendar")).officers]
    assert "duong" in logins
    assert "duong" not in [o.login for o in reports.compute(reports.month_period(2026, 8, "calendar")).officers]


def test_running_period_is_judged_today(db, clock, receive):
    """Mid-month, a case due next week is within time, not "overdue by the end of the month"."""
    clock.set(T(2026, 10, 26, 9))
    old = receive(citizen_name="Nguyễn Thị Ánh")                              # due 29/10
    svc.assign_case(actor="mai", code=old.code, to="hung")
    clock.set(T(2026, 11, 2, 9))
    new = receive(citizen_name="Trần Văn Bình")                               # due 05/11
    report = reports.compute(reports.month_period(2026, 11, "calendar"))
    assert report.as_of == D(2026, 11, 2)
    assert _row(report) == _expect(c5=1, c6=1, c11=2, c12=1, c13=1)
    assert {o.login: o.overdue_in_hand for o in report.officers}["hung"] == 1
    assert new.due_date == D(2026, 11, 5) and old.due_date == D(2026, 10, 29)
    reports.check_invariants(report, reports.compute(reports.month_period(2026, 10, "calendar")))


# ------------------------------------------------------------------ reference, no SQL

def reference(period: reports.Period, today: dt.date) -> dict[str, dict[str, int]]:
    first, last = period.date_from, period.date_to
    as_of = min(last, today)
    end = T.combine(as_of + dt.timedelta(days=1), dt.time())
    events: dict[int, list] = {}
    for e in Event.select().where(Event.case.is_null(False)).order_by(Event.id):
        events.setdefault(e.case_id, []).append(e)
    out: dict[str, dict[str, int]] = {}
    for c in Case.select():
        row = out.setdefault(c.field_code, dict.fromkeys(COLS, 0))
        evs = events.get(c.id, [])
        if first <= c.received_on <= last:
            row["c4" if c.channel == "online" else "c5"] += 1
        if c.received_on < first and (c.resolved_on is None or c.resolved_on >= first):
            row["c6"] += 1
        if c.resolved_on and first <= c.resolved_on <= last:
            row["c7"] += 1
            other = c.state in (workflow.REFUSED, workflow.WITHDRAWN) or any(e.action == "refuse" for e in evs)
            if other or c.resolved_on == c.due_date:
                row["c9"] += 1
            elif c.resolved_on < c.due_date:
                row["c8"] += 1
            else:
                row["c10"] += 1
        if c.received_on <= last and (c.resolved_on is None or c.resolved_on > last):
            row["c11"] += 1
            waiting = False
            due = c.original_due_date
            for e in evs:
                if e.at >= end:
                    break
                if e.action == "request_supplement":
                    waiting = True
                elif e.action == "resume":
                    waiting = False
                pair = (e.changes or {}).get("due_date")
                if isinstance(pair, list) and len(pair) == 2:
                    due = D.fromisoformat(pair[1])
            row["c12" if waiting or due >= as_of else "c13"] += 1
    for row in out.values():
        row["c3"] = row["c4"] + row["c5"] + row["c6"]
    return {k: v for k, v in out.items() if any(v.values())}


@pytest.mark.parametrize("style", ["calendar", "15-14"])
def test_sql_matches_the_plain_reference(office_log, style):
    periods = [reports.month_period(2026, m, style) for m in (8, 9, 10, 11, 12)]
    periods += [reports.quarter_period(2026, q, style) for q in (3, 4)] + [reports.year_period(2026, style)]
    today = context.today()
    for period in periods:
        report = reports.compute(period)
        got = {r.field: {c: getattr(r, c) for c in COLS} for r in report.rows}
        assert got == reference(period, today), period
        reports.check_invariants(report)


# ------------------------------------------------------------------ the checks fail loudly

def test_tampered_dates_are_named(office_log):
    code = office_log.codes["A"]                       # resolved 02/10
    Case.update(received_on=D(2026, 11, 5)).where(Case.code == code).execute()
    report = reports.compute(reports.month_period(2026, 10, "calendar"))
    with pytest.raises(IntegrityProblem) as err:
        reports.check_invariants(report)
    assert code in err.value.message and err.value.details["cases"] == [code]
    assert "(7)+(11)" in err.value.message and err.value.exit_code == 5


def test_tampered_channel_is_named(office_log):
    code = office_log.codes["M"]
    Case.update(channel="fax").where(Case.code == code).execute()
    reports.check_invariants(reports.compute(reports.month_period(2026, 10, "15-14")))  # M came on 20/10
    with pytest.raises(IntegrityProblem) as err:
        reports.check_invariants(reports.compute(reports.month_period(2026, 10, "calendar")))
    assert err.value.details["cases"] == [code]


def test_a_hand_made_report_that_does_not_add_up(office_log):
    report = reports.compute(reports.month_period(2026, 10, "calendar"))
    bad_row = reports.FieldRow(**{**{c: getattr(report.rows[0], c) for c in COLS}, "c9": 99},
                               field="HT", field_name="Hộ tịch")
    broken = reports.Report(report.period, (bad_row, *report.rows[1:]), report.total, report.officers)
    with pytest.raises(IntegrityProblem) as err:
        reports.check_invariants(broken)
    problems = err.value.details["problems"]
    assert any("Hộ tịch: cột (7)" in p for p in problems)
    assert any("cột (9)" in p for p in problems)               # the total no longer matches the fields


def test_previous_report_changed_by_a_back_dated_entry(office_log):
    october = reports.compute(reports.month_period(2026, 10, "calendar"))
    code = office_log.codes["L"]
    svc.approve_case(actor="thao", code=code, at="2026-10-30 10:00")          # a late entry, dated in October
    november = reports.compute(reports.month_period(2026, 11, "calendar"))
    assert november.total.c6 == october.total.c11 - 1
    with pytest.raises(IntegrityProblem) as err:
        reports.check_invariants(november, october)
    assert err.value.details["cases"] == [code]
    assert "cột (11) kỳ trước" in err.value.message
    reports.check_invariants(november, reports.compute(reports.month_period(2026, 10, "calendar")))
    with pytest.raises(BadInput):
        reports.check_invariants(november, reports.compute(reports.month_period(2026, 9, "calendar")))


# ------------------------------------------------------------------ output shapes

def test_report_json_and_renderer_data(office_log):
    report = reports.compute(reports.month_period(2026, 10, "calendar"))
    doc = reports.report_json(report)
    assert doc["period"] == {"kind": "month", "spec": "2026-10", "from": "2026-10-01", "to": "2026-10-31",
                             "label": "Tháng 10 năm 2026", "style": "calendar", "as_of": "2026-10-31"}
    assert [r["field"] for r in doc["rows"]] == ["HT", "DD"]
    assert set(doc["rows"][0]) == {"field", "field_name", *COLS}
    assert doc["total"]["c3"] == 12 and doc["total"]["field"] is None
    assert {o["login"] for o in doc["officers"]} == {"hung", "duong"}
    data = reports.report_data(reports.month_period(2026, 10, "calendar"))
    assert data.title_period == "Tháng 10 năm 2026"
    assert [r.field for r in data.rows] == ["Hộ tịch", "Đất đai"]
    assert data.total.values() == report.total.values()
    assert data.office.superior == "UBND XÃ AN PHÚ"
    assert type(data.officers[0]).__name__ == "OfficerRow"


def test_compute_uses_a_fixed_number_of_queries(office_log):
    """No per-case or per-field query: the count does not grow with the office."""
    from casedesk.db import database

    period = reports.month_period(2026, 10, "calendar")
    counted = []
    real = database.obj.execute_sql

    def spy(sql, params=None, *a, **kw):
        counted.append(sql)
        return real(sql, params, *a, **kw)

    database.obj.execute_sql = spy
    try:
        reports.compute(period)
        small = len(counted)
        for n in range(30):
            office_log.receive("N", T(2026, 11, 30, 8, n), channel="online")
        counted.clear()
        reports.compute(period)
    finally:
        database.obj.execute_sql = real
    assert len(counted) == small <= 16


def test_printing_checks_the_carried_over_column_against_the_previous_period(office_log, monkeypatch):
    from casedesk import report_checks
    from casedesk.documents import build

    november = reports.month_period(2026, 11, "calendar")
    reports.check_report(reports.compute(november))          # consistent data: passes
    october = reports.compute(reports.month_period(2026, 10, "calendar"))
    code = office_log.codes["L"]
    svc.approve_case(actor="thao", code=code, at="2026-10-30 10:00")
    # a previous report that no longer matches (as a stale or wrongly counted one would)
    monkeypatch.setattr(report_checks, "compute", lambda period: october)
    for fmt in ("pdf", "xlsx"):
        with pytest.raises(IntegrityProblem) as err:
            build.render_report(november, fmt)
        assert "cột (11) kỳ trước" in err.value.message and err.value.details["cases"] == [code]
