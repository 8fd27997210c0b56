"""Receiving a dossier and every action on it: one function, one transaction,
one audit row.  Permissions come from ``workflow``; nothing is saved when an
action is refused (bad input or not allowed), and refusals are audited apart.
"""
from __future__ import annotations

import datetime as dt
import re

import peewee

from .. import audit, audit_state, context, search, workflow
from ..db import database, is_sqlite, write
from ..errors import BadInput, NotAllowed, NotFound
from ..i18n import _
from ..models import Case, Event, PaperList, User
from ..text import (clean_line, clean_note, fold, name_sort_key, nfc, normalize_phone, person_name,
                    validate_email, validate_id_number)
from . import auth, catalogue
from .queries import case_view
from .views import ActionResult, Changes

LATE_GRACE = dt.timedelta(minutes=2)
UNDO_APPROVE = "undo_approve"        # an audit action outside the workflow table: see undo_approval


# ------------------------------------------------------------------ helpers

def parse_time(value) -> dt.datetime | None:
    """``--at`` as typed: ``YYYY-MM-DD HH:MM`` (or ISO 8601), office-local."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None, microsecond=0)
    text = nfc(str(value)).strip().replace("T", " ")
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise BadInput(_("Thời điểm {value} không hợp lệ; hãy ghi dạng YYYY-MM-DD HH:MM.")
                       .format(value=str(value)[:40]), field="at") from None
    return parsed.replace(tzinfo=None, microsecond=0)


def parse_date(value, *, field: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(nfc(str(value or "")).strip())
    except ValueError:
        raise BadInput(_("Ngày {value} không hợp lệ; hãy ghi dạng YYYY-MM-DD.").format(
            value=str(value)[:40]), field=field) from None


def _effective_time(at, now: dt.datetime, not_before: dt.datetime | None) -> tuple[dt.datetime, bool]:
    """The time an action took effect, and whether it is a late (back-dated) entry."""
    when = parse_time(at)
    if when is None:
        when = now
        if not_before is not None and when < not_before:
            when = not_before  # a clock set back: keep the history in order
        return when, False
    if when > now + dt.timedelta(seconds=59):
        raise BadInput(_("Thời điểm {t} ở tương lai.").format(t=when.strftime("%d/%m/%Y %H:%M")), field="at")
    if not_before is not None and when < not_before:
        raise BadInput(_("Thời điểm {t} sớm hơn bước trước của hồ sơ ({p}).").format(
            t=when.strftime("%d/%m/%Y %H:%M"), p=not_before.strftime("%d/%m/%Y %H:%M")), field="at")
    return when, when < now - LATE_GRACE


def _next_number(unit: str, day: dt.date) -> int:
    """Next value of a counter (inside the write transaction; the write lock serialises it)."""
    db = database.obj
    p = db.param
    sql = ('INSERT INTO "day_counter" (unit_code, day, last) VALUES ({p}, {p}, 1) '
           'ON CONFLICT (unit_code, day) DO UPDATE SET last = "day_counter".last + 1 '
           'RETURNING last').format(p=p)
    value = day.isoformat() if is_sqlite(db) else day
    return db.execute_sql(sql, (unit, value)).fetchone()[0]


def _load(code: str) -> Case:
    text = nfc(code or "").strip().upper()
    case = Case.get_or_none(Case.code == text)
    if case is None:
        raise NotFound(_("Không tìm thấy hồ sơ {code}.").format(code=text or "?"))
    return case


def _clean_papers(given, proc_papers) -> list[dict]:
    """Papers received: the procedure's list, with the counts and ticks given."""
    if given is None:
        return [{"name": p.name, "original": p.original, "copies": p.copies, "optional": p.optional,
                 "received": not p.optional} for p in proc_papers]
    if not isinstance(given, (list, tuple)) or not all(isinstance(g, dict) for g in given):
        raise BadInput(_("Danh sách giấy tờ không hợp lệ."), field="papers")

    def counts(g: dict | None, original: int, copies: int) -> tuple[int, int]:
        try:
            original = int(g.get("original", original)) if g else original
            copies = int(g.get("copies", copies)) if g else copies
        except (TypeError, ValueError, OverflowError):
            raise BadInput(_("Số bản của giấy tờ phải là số nguyên."), field="papers") from None
        if not (0 <= original <= 99 and 0 <= copies <= 99):
            raise BadInput(_("Số bản của giấy tờ phải từ 0 đến 99."), field="papers")
        return original, copies

    by_name = {nfc(str(g.get("name", ""))).strip(): g for g in given}
    result = []
    missing = []
    for p in proc_papers:
        g = by_name.pop(p.name, None)
        received = bool(g.get("received", True)) if g is not None else False
        original, copies = counts(g, p.original, p.copies)
        if received and original + copies == 0:
            received = False
        if not received and not p.optional:
            missing.append(p.name)
        result.append({"name": p.name, "original": original, "copies": copies, "optional": p.optional,
                       "received": received})
    for name, g in by_name.items():  # extra papers the citizen brought
        name = clean_line(name, field="papers", label=_("Tên giấy tờ"), max_len=300)
        original, copies = counts(g, 1, 0)
        result.append({"name": name, "original": original, "copies": copies,
                       "optional": True, "received": bool(g.get("received", True))})
    if missing:
        raise BadInput(_("Hồ sơ chưa đủ giấy tờ bắt buộc: {papers}. Hãy in phiếu yêu cầu bổ sung (mẫu 02).")
                       .format(papers="; ".join(missing)), field="papers", details=missing)
    return result


def _guard(actor: User, case: Case | None, action: str) -> None:
    """Role, assignment and state checks for an action, from the workflow table."""
    try:
        _check(actor, case, action)
    except NotAllowed as exc:
        exc.case_id = case.id if case is not None else None
        raise


def _check(actor: User, case: Case | None, action: str) -> None:
    state = case.state if case is not None else None
    is_assignee = case is not None and case.assignee_id == actor.id
    if not workflow.role_may(actor.role, action, is_assignee=is_assignee):
        if workflow.ASSIGNEE in workflow.ACTIONS[action].roles and actor.role == "officer":
            raise NotAllowed(_("Hồ sơ {code} không được giao cho {name}.").format(
                code=case.code, name=actor.full_name))
        raise NotAllowed(_("{name} ({role}) không được {action}.").format(
            name=actor.full_name, role=_(workflow.ROLE_LABELS[actor.role]),
            action=workflow.label(action).lower()))
    if not workflow.state_allows(state, action):
        raise NotAllowed(_("Không thể {action} hồ sơ đang ở trạng thái “{state}”.").format(
            action=workflow.label(action).lower(), state=workflow.state_label(state)))


def _run(action: str, actor: str, func):
    """Run a write; audit a refusal in its own transaction after the rollback."""
    try:
        return func()
    except NotAllowed as exc:  # a deactivated account (AuthError) included
        auth.record_refusal(nfc(actor or "").strip().lower()[:64], action, exc.message,
                            getattr(exc, "case_id", None))
        raise


# ------------------------------------------------------------------ receive

def receive_case(*, actor: str, procedure: str, citizen_name: str, id_number: str, phone: str,
                 address: str, email: str = "", channel: str = "in_person", sets: int = 1,
                 papers: list[dict] | None = None, pickup: str = "desk",
                 birth_date: dt.date | str | None = None, at=None, note: str = "",
                 fee: int | str | None = None, token: str | None = None) -> ActionResult:
    """The clerk logs a complete dossier: it gets its code, due date and ledger number.

    ``fee``: what is collected when the procedure's fee depends on the dossier (per page, per copy);
    the procedure's own fee when None.  ``token``: the intake form's own id; the same form sent again
    (its first answer lost with the connection) returns the case it made, never a second one."""
    token = _intake_token(token)
    citizen_name = person_name(citizen_name)
    id_number = validate_id_number(id_number)
    phone = normalize_phone(phone)
    address = clean_line(address, field="address", label=_("Địa chỉ"), max_len=300)
    email = validate_email(email)
    note = clean_note(note)
    if channel not in workflow.CHANNELS:
        raise BadInput(_("Hình thức nộp phải là trực tiếp, bưu chính hoặc trực tuyến."), field="channel")
    if pickup not in ("desk", "post"):
        raise BadInput(_("Nơi nhận kết quả phải là tại bộ phận một cửa hoặc qua bưu chính."), field="pickup")
    try:
        sets = int(sets)
    except (TypeError, ValueError, OverflowError):
        raise BadInput(_("Số bộ hồ sơ phải là số nguyên."), field="sets") from None
    if not 1 <= sets <= 99:
        raise BadInput(_("Số bộ hồ sơ phải từ 1 đến 99."), field="sets")
    if fee not in (None, ""):
        try:
            fee = int(str(fee).replace(".", "").replace(",", "").strip())
        except (TypeError, ValueError, OverflowError):
            raise BadInput(_("Lệ phí phải là số đồng, ví dụ 12000."), field="fee") from None
        if not 0 <= fee <= 100_000_000:
            raise BadInput(_("Lệ phí phải từ 0 đến 100.000.000 đồng."), field="fee")
    else:
        fee = None
    if birth_date not in (None, ""):
        birth_date = parse_date(birth_date, field="birth_date")
    else:
        birth_date = None
    settings = context.settings()
    now = context.now()
    received_at, late = _effective_time(at, now, None)

    def work() -> ActionResult:
        with write():
            user = auth.acting_user(actor)
            _guard(user, None, "receive")
            if token is not None:
                saved = _already_received(token, id_number)
                if saved is not None:
                    return saved
            proc = catalogue.procedure_row(procedure, on=received_at.date())
            view = catalogue.to_view(proc)
            paper_papers = _clean_papers(papers, view.papers)
            paper_list = PaperList.id_for(paper_papers)
            due = context.calendar().due(received_at, proc.days, cutoff=settings.cutoff_time)
            day = received_at.date()
            seq = _next_number(settings.unit_code, day)
            code = f"{settings.unit_code}-{day:%y%m%d}-{seq:04d}"
            book = settings.ledger_book or str(day.year)
            ledger_no = _next_number(f"LEDGER:{book}", dt.date(day.year, 1, 1))
            folded = fold(citizen_name)
            case = Case.create(
                code=code, procedure=proc.id, field=proc.field_code, state=workflow.RECEIVED, channel=channel,
                citizen_name=citizen_name, name_folded=folded, name_sort=name_sort_key(citizen_name),
                id_number=id_number, phone=phone, address=address, email=email, birth_date=birth_date,
                sets=sets, fee=proc.fee if fee is None else fee, paper_list=paper_list, pickup=pickup, received_at=received_at,
                received_on=day, due_date=due.due, original_due_date=due.due, received_by=user.id,
                ledger_book=book, ledger_no=ledger_no, last_event_at=received_at, updated_at=now,
                intake_token=token)
            search.index_case(case.id, folded)
            # the code, procedure and first due date are hashed with the row but kept by the case row
            changes = audit.receive_changes(code=code, procedure=proc.code, version=proc.version,
                                            due_date=due.due)
            if fee is not None and fee != proc.fee:
                changes["fee"] = fee           # not the procedure's: the trail says what was charged
            # what the citizen gave, as a fingerprint: check compares the case row with it
            changes["intake"] = audit_state.fingerprint(audit_state.INTAKE_FIELDS, {
                **{name: getattr(case, name) for name in audit_state.INTAKE_FIELDS
                   if name not in ("papers", "field_code")},
                "papers": audit_state.papers_digest(paper_papers), "field_code": proc.field_code})
            audit.record(case_id=case.id, actor=user.login, action="receive", at=received_at,
                         recorded_at=now, to_state=workflow.RECEIVED, note=note, late_entry=late,
                         changes=changes, kept=audit.RECEIVE_KEYS)
        return ActionResult(case_view(case.id), Changes(cases=True, case_code=code))

    try:
        return _run("receive", actor, work)
    except peewee.IntegrityError:
        # another process sent the same form at the same moment and its insert won
        saved = _already_received(token, id_number) if token is not None else None
        if saved is None:
            raise
        return saved


_TOKEN = re.compile(r"[A-Za-z0-9_-]{8,64}")


def _intake_token(token: str | None) -> str | None:
    if token in (None, ""):
        return None
    token = str(token).strip()
    if not _TOKEN.fullmatch(token):
        raise BadInput(_("Mã phiếu nhập phải gồm 8 đến 64 chữ cái, chữ số hoặc dấu gạch (ví dụ một UUID)."),
                       field="token")
    return token


def _already_received(token: str, id_number: str) -> ActionResult | None:
    """The case an earlier sending of the same form made, if it reached the register."""
    row = Case.select(Case.id, Case.code, Case.id_number).where(Case.intake_token == token).first()
    if row is None:
        return None
    if row.id_number != id_number:
        raise BadInput(_("Mã phiếu nhập {token} đã dùng cho hồ sơ {code} của người khác; mỗi lần tiếp nhận "
                         "cần một mã phiếu mới.").format(token=token, code=row.code), field="token")
    return ActionResult(case_view(row.id), Changes(cases=True, case_code=row.code))


# ------------------------------------------------------------------ actions

def _transition(action: str, *, actor: str, code: str, at=None, note: str = "", extra=None) -> ActionResult:
    """The shared shape of every action after receive."""
    spec = workflow.ACTIONS[action]
    note = clean_note(note)
    if spec.needs_note and not note:
        raise BadInput(_("Phải ghi lý do để {action}.").format(action=workflow.label(action).lower()),
                       field="note")
    now = context.now()

    def work() -> ActionResult:
        with write():
            user = auth.acting_user(actor)
            case = _load(code)
            _guard(user, case, action)
            when, late = _effective_time(at, now, case.last_event_at)
            updates: dict = {}
            changes: dict = {}
            if extra is not None:
                extra(case, user, when, updates, changes)
            to_state = spec.target or case.state
            if to_state != case.state:
                updates["state"] = to_state
            if to_state in workflow.RESOLVED_STATES and case.state not in workflow.RESOLVED_STATES:
                updates["resolved_at"] = when
                updates["resolved_on"] = when.date()
            updates["last_event_at"] = when
            updates["updated_at"] = now
            Case.update(**updates).where(Case.id == case.id).execute()
            audit.record(case_id=case.id, actor=user.login, action=action, at=when, recorded_at=now,
                         from_state=case.state, to_state=to_state, note=note, changes=changes,
                         late_entry=late)
        return ActionResult(case_view(case.id), Changes(cases=True, case_code=case.code))

    return _run(action, actor, work)


def assign_case(*, actor: str, code: str, to: str, at=None, note: str = "") -> ActionResult:
    def extra(case, user, when, updates, changes):
        officer = auth.get_user(to)
        if officer.role != "officer" or not officer.active:
            raise BadInput(_("{name} không phải công chức chuyên môn đang làm việc.").format(
                name=officer.full_name), field="to")
        if officer.fields and case.field_code not in officer.fields:
            raise BadInput(_("{name} không phụ trách lĩnh vực của hồ sơ này.").format(
                name=officer.full_name), field="to")
        if case.assignee_id == officer.id:
            raise BadInput(_("Hồ sơ đã được giao cho {name}.").format(name=officer.full_name), field="to")
        previous = User.get_by_id(case.assignee_id).login if case.assignee_id else None
        updates["assignee"] = officer.id
        changes["assignee"] = [previous, officer.login]

    return _transition("assign", actor=actor, code=code, at=at, note=note, extra=extra)


def request_supplement(*, actor: str, code: str, note: str, at=None) -> ActionResult:
    """The officer asks the citizen for more papers; the clock stops until resume.

    Once per dossier: the agency asks for everything missing in one request (Decree 61/2018 as amended
    by Decree 107/2021; the article's text was not read: see docs/law.md)."""
    def extra(case, user, when, updates, changes):
        asked = (Event.select(Event.at).where((Event.case == case.id) & (Event.action == "request_supplement"))
                 .order_by(Event.id).first())
        if asked is not None:
            exc = NotAllowed(_("Hồ sơ {code} đã được yêu cầu bổ sung một lần (ngày {date}); chỉ được yêu cầu "
                               "bổ sung, hoàn thiện hồ sơ một lần. Nếu hồ sơ vẫn không đủ điều kiện, hãy trình "
                               "từ chối giải quyết có nêu lý do.").format(code=case.code,
                                                                           date=asked.at.strftime("%d/%m/%Y")))
            exc.case_id = case.id
            raise exc
        updates["paused_on"] = when.date()
        changes["paused_on"] = when.date().isoformat()

    return _transition("request_supplement", actor=actor, code=code, at=at, note=note, extra=extra)


def resume_case(*, actor: str, code: str, at=None, note: str = "") -> ActionResult:
    """Papers completed: the due date moves by the working days spent waiting."""
    def extra(case, user, when, updates, changes):
        cal = context.calendar()
        waited = cal.working_days_between(case.paused_on, when.date()) if case.paused_on else 0
        new_due = case.due_date
        if waited > 0:
            new_due = cal.add_working_days(cal.next_working_day(case.due_date), waited)
        updates["paused_on"] = None
        updates["due_date"] = new_due
        changes["waited_days"] = waited
        changes["due_date"] = [case.due_date.isoformat(), new_due.isoformat()]

    return _transition("resume", actor=actor, code=code, at=at, note=note, extra=extra)


def submit_case(*, actor: str, code: str, at=None, note: str = "") -> ActionResult:
    return _transition("submit", actor=actor, code=code, at=at, note=note)


def approve_case(*, actor: str, code: str, at=None, note: str = "") -> ActionResult:
    return _transition("approve", actor=actor, code=code, at=at, note=note)


def undo_approval(*, actor: str, code: str, note: str = "") -> ActionResult:
    """Take back an approval just given: only its own approver, only while nothing followed it.

    The case goes back to "Chờ phê duyệt" and its resolution is cleared; the approval row stays in the
    trail and an ``undo_approve`` row is appended after it."""
    note = clean_note(note)
    now = context.now()

    def work() -> ActionResult:
        with write():
            user = auth.acting_user(actor)
            case = _load(code)
            last = (Event.select().where((Event.case == case.id) & (Event.action != "denied"))
                    .order_by(Event.id.desc()).first())
            if case.state != workflow.APPROVED or last is None or last.action != "approve":
                exc = NotAllowed(_("Hồ sơ {code} đã chuyển bước sau khi phê duyệt; không hoàn tác được.").format(
                    code=case.code))
                exc.case_id = case.id
                raise exc
            if last.actor != user.login:
                exc = NotAllowed(_("Chỉ người đã phê duyệt hồ sơ {code} mới hoàn tác được.").format(code=case.code))
                exc.case_id = case.id
                raise exc
            when = max(now, case.last_event_at)
            Case.update(state=workflow.AWAITING, resolved_at=None, resolved_on=None, last_event_at=when,
                        updated_at=now).where(Case.id == case.id).execute()
            audit.record(case_id=case.id, actor=user.login, action=UNDO_APPROVE, at=when, recorded_at=now,
                         from_state=workflow.APPROVED, to_state=workflow.AWAITING, note=note,
                         changes={"undone": last.id})
        return ActionResult(case_view(case.id), Changes(cases=True, case_code=case.code))

    return _run(UNDO_APPROVE, actor, work)


def return_case(*, actor: str, code: str, note: str, at=None) -> ActionResult:
    return _transition("return", actor=actor, code=code, at=at, note=note)


def refuse_case(*, actor: str, code: str, note: str, at=None) -> ActionResult:
    return _transition("refuse", actor=actor, code=code, at=at, note=note)


def withdraw_case(*, actor: str, code: str, at=None, note: str = "", refund: bool = False) -> ActionResult:
    """The citizen asks to stop (form 05).  ``refund``: the fee paid is handed back, recorded with the
    amount; form 05 speaks of a refund only when one was recorded here."""
    def extra(case, user, when, updates, changes):
        if refund:
            if not case.fee:
                raise BadInput(_("Hồ sơ {code} không thu phí, lệ phí nên không có gì để hoàn trả.").format(
                    code=case.code), field="refund")
            changes["refund"] = case.fee

    return _transition("withdraw", actor=actor, code=code, at=at, note=note, extra=extra)


def extend_case(*, actor: str, code: str, to_date, note: str, at=None) -> ActionResult:
    """Apology and a new date (form 04): once per case, at least a working day before the due date."""
    new_date = parse_date(to_date, field="to_date") if to_date not in (None, "") else None
    if new_date is None:
        raise BadInput(_("Phải ghi ngày hẹn mới."), field="to_date")

    def extra(case, user, when, updates, changes):
        cal = context.calendar()
        if case.extended:
            exc = NotAllowed(_("Hồ sơ {code} đã được gia hạn một lần; chỉ được gia hạn một lần.").format(
                code=case.code))
            exc.case_id = case.id
            raise exc
        if cal.working_days_between(when.date(), case.due_date) < 1:
            raise BadInput(_("Phải xin lỗi và gia hạn chậm nhất 1 ngày làm việc trước hạn trả ({due}).")
                           .format(due=case.due_date.strftime("%d/%m/%Y")), field="to_date")
        if new_date <= case.due_date:
            raise BadInput(_("Ngày hẹn mới phải sau hạn trả hiện tại ({due}).").format(
                due=case.due_date.strftime("%d/%m/%Y")), field="to_date")
        try:
            working = cal.is_working_day(new_date)
        except ValueError:  # beyond the years the calendar can compute
            raise BadInput(_("Ngày hẹn mới {d} nằm ngoài phạm vi lịch làm việc.").format(
                d=new_date.strftime("%d/%m/%Y")), field="to_date") from None
        if not working:
            raise BadInput(_("Ngày hẹn mới {d} không phải ngày làm việc.").format(
                d=new_date.strftime("%d/%m/%Y")), field="to_date")
        updates["due_date"] = new_date
        updates["extended"] = True
        changes["due_date"] = [case.due_date.isoformat(), new_date.isoformat()]

    return _transition("extend", actor=actor, code=code, at=at, note=note, extra=extra)


def deliver_case(*, actor: str, code: str, receiver: str = "", rating: str | None = None, at=None,
                 note: str = "") -> ActionResult:
    """The result is handed over; the receiver defaults to the citizen."""
    if rating in ("", None):
        rating = None
    elif rating not in workflow.RATINGS:
        raise BadInput(_("Mức hài lòng phải là very_satisfied, satisfied hoặc unsatisfied."), field="rating")

    def extra(case, user, when, updates, changes):
        name = clean_line(receiver or case.citizen_name, field="receiver", label=_("Người nhận"), max_len=120)
        updates.update(receiver=name, rating=rating, delivered_at=when)
        changes.update(receiver=name, rating=rating)

    return _transition("deliver", actor=actor, code=code, at=at, note=note, extra=extra)


ACTION_FUNCS = {
    "assign": assign_case, "request_supplement": request_supplement, "resume": resume_case,
    "submit": submit_case, "approve": approve_case, "return": return_case, "refuse": refuse_case,
    "extend": extend_case, "withdraw": withdraw_case, "deliver": deliver_case,
}
