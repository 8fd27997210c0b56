"""From the database to the documents: build each form's data, then render it.

Habit 9: every ``*_data`` function reads the database and returns the renderer's
frozen dataclass; the renderers in this package then draw from that data alone.
``render_*`` do both steps and return the PDF (or XLSX) bytes.

Which documents a case has (``available_documents``):

============== ======================================================================
receipt        every case (Mẫu 01)
supplement     waiting for papers now, or papers were ever requested (Mẫu 02)
refusal        refused after processing: the committee's reasoned reply (a code of a dossier refused
               at the counter prints form 03 instead)
apology        the due date was extended with an apology (Mẫu 04)
stop           withdrawn at the citizen's request (Mẫu 05)
control-sheet  every case: its hand-overs read from the audit trail (Mẫu 06)
============== ======================================================================
"""
from __future__ import annotations

import datetime as dt

from .. import anchors, context, receipt_seal, workflow
from ..errors import BadInput, NotAllowed
from ..i18n import _, short_date, short_datetime
from ..models import Case, Department, Event, Procedure, User
from ..settings import PAPERS
from ..text import display_phone
from . import issue, titles
from .data import (ControlSheetData, HandOver, LedgerData, LedgerRow, OfficeHeader, PaperLine, ReceiptData,
                   SupplementData, SupplementItem)
from .issue import apology_data, intake_refusal_data, refusal_reply_data, stop_data

DOCUMENT_KINDS = ("receipt", "supplement", "refusal", "apology", "stop", "control-sheet")
# the kind on the command line and in the desktop's list -> the form it prints (``titles``)
DOCUMENT_FORMS = {"receipt": "receipt", "supplement": "supplement", "refusal": "refusal-reply", "apology": "apology",
                  "stop": "stop", "control-sheet": "control-sheet"}
REPORT_FORMATS = ("pdf", "xlsx")


# ------------------------------------------------------------------ shared pieces

def office_header() -> OfficeHeader:
    """The issuing office as the settings describe it."""
    s = context.settings()
    return OfficeHeader(
        superior=s.superior, unit=_unit_name(s.office_name, s.commune), place=s.place, commune=s.commune,
        province=s.province, desk_name=s.office_name, address=s.address, phone=s.phone, leader_title=s.leader_title,
        leader_name=s.leader_name, committee=issue.committee_name(s.commune), audit_anchor=anchors.head_text())


def _unit_name(office_name: str, commune: str) -> str:
    """The unit line under the parent body: "Trung tâm Phục vụ hành chính công", without repeating
    the commune ("UBND XÃ AN PHÚ" is printed just above it)."""
    name, place = (office_name or "").strip(), (commune or "").strip()
    if place and len(name) > len(place) and name.casefold().endswith(" " + place.casefold()):
        return name[: -len(place)].rstrip(" ,-")
    return name


def _case(code: str):
    from ..services.queries import get_case

    return get_case(code)


def _due_at(day: dt.date) -> dt.datetime:
    """Results are handed out until the office closes on the due day."""
    s = context.settings()
    try:
        hour, minute = (int(x) for x in s.office_close.split(":"))
        closing = dt.time(hour, minute)
    except (ValueError, AttributeError):
        closing = dt.time(17, 0)
    return dt.datetime.combine(day, closing)


def _last(case, action: str):
    return next((e for e in reversed(case.history) if e.action == action), None)


def _user_phone(login: str | None) -> str:
    if not login:
        return ""
    user = User.get_or_none(User.login == login)
    return display_phone(user.phone) if user and user.phone else ""


def _was_refused(case) -> bool:
    return case.state == workflow.REFUSED or any(e.action == "refuse" for e in case.history)


def _today() -> dt.date:
    return context.today()


# ------------------------------------------------------------------ which documents

def _available(kind: str, case) -> bool:
    if kind in ("receipt", "control-sheet"):
        return True
    if kind == "supplement":
        return case.state == workflow.SUPPLEMENT or any(e.action == "request_supplement" for e in case.history)
    if kind == "refusal":
        return _was_refused(case)
    if kind == "apology":
        return bool(case.extended)
    if kind == "stop":
        return case.state == workflow.WITHDRAWN
    return False


def available_documents(case_view) -> list[str]:
    """The documents that make sense for this case now, in ``DOCUMENT_KINDS`` order."""
    return [kind for kind in DOCUMENT_KINDS if _available(kind, case_view)]


def document_label(kind: str) -> str:
    """The document's one name (``titles``): the same on the page, the command line and the desktop."""
    return titles.label(DOCUMENT_FORMS.get(kind, kind))


def _known(kind: str) -> None:
    if kind not in DOCUMENT_KINDS:
        raise BadInput(_("Không có mẫu giấy tờ “{kind}”; chọn một trong: {kinds}.").format(
            kind=kind, kinds=", ".join(DOCUMENT_KINDS)), field="kind")


def _require(kind: str, case) -> None:
    _known(kind)
    if not _available(kind, case):
        raise NotAllowed(_("Hồ sơ {code} ({state}) không có {document}.").format(
            code=case.code, state=workflow.state_label(case.state), document=document_label(kind)))


# ------------------------------------------------------------------ Mẫu 01..05

def receipt_data(code: str) -> ReceiptData:
    """Mẫu 01. The appointment printed is the due date in force now (moved by a supplement or extension)."""
    case = _case(code)
    pickup = (_("Bộ phận Một cửa") if case.pickup == "desk"
              else _("Qua dịch vụ bưu chính, tại địa chỉ của người nộp hồ sơ"))
    return ReceiptData(
        office=office_header(), code=case.code, number=None, citizen_name=case.citizen_name,
        id_number=case.id_number, phone_display=case.phone_display, email=case.email, address=case.address,
        procedure_name=case.procedure.name, field_name=case.procedure.field_name,
        papers=tuple(PaperLine(p.name, p.original, p.copies) for p in case.papers if p.received),
        sets=case.sets, processing_days=case.procedure.days, received_at=case.received_at,
        due_at=_due_at(case.due_date), pickup=pickup, fee=case.fee, ledger_book=case.ledger_book,
        ledger_no=case.ledger_no, clerk_name=case.received_by_name, issued_on=case.received_at.date(),
        time_unit=case.procedure.time_unit, fee_text=fee_text(case),
        qr_text=receipt_seal.case_seal(case))


def fee_text(case) -> str:
    """What the receipt prints for the fee when the amount alone would mislead: an exemption chosen at
    intake, or a fee the province sets that the admin has not entered (never a figure presented as law)."""
    if case.exemption:
        return _("Miễn ({reason})").format(reason=case.exemption_label)
    if case.fee == 0 and case.procedure.fee_pending:
        return _("theo Nghị quyết HĐND tỉnh")
    return ""


def supplement_data(code: str) -> SupplementData:
    """Mẫu 02: the papers not handed in, and the officer's reason from the latest request."""
    case = _case(code)
    _require("supplement", case)
    request = _last(case, "request_supplement")
    reason = request.note if request else ""
    items = tuple(SupplementItem(name=p.name, original=p.original, certified=p.copies)
                  for p in case.papers if not p.received)
    if not items:
        items = (SupplementItem(name=reason or _("Hoàn thiện hồ sơ theo hướng dẫn của công chức"),
                                note=""),)
    guide = request.actor_name if request else case.assignee_name
    return SupplementData(
        office=office_header(), code=case.code, number=None, citizen_name=case.citizen_name,
        address=case.address, phone_display=case.phone_display, email=case.email,
        procedure_name=case.procedure.name, items=items, reason=reason,
        contact_name=case.assignee_name or guide, contact_phone=_user_phone(case.assignee) or
        display_phone(context.settings().phone) or context.settings().phone,
        guide_name=guide, issued_on=request.at.date() if request else _today(), id_number=case.id_number)


def intake_supplement_data(*, clerk: str, procedure: str, citizen_name: str, id_number: str = "",
                           phone: str = "", email: str = "", address: str = "",
                           missing: list[str] | tuple[str, ...] = ()) -> SupplementData:
    """Mẫu 02 for a dossier turned back at the desk: it has no code yet, and nothing is saved.

    Values are printed as typed (tidied): the citizen needs the list even when a phone
    number is mistyped."""
    from ..services import catalogue
    from ..text import clean_line, nfc, normalize_phone

    proc = catalogue.get_procedure(procedure)
    name = clean_line(citizen_name, field="citizen_name", label=_("Họ và tên"), max_len=120)
    try:
        phone_display = display_phone(normalize_phone(phone, required=False))
    except BadInput:
        phone_display = nfc(phone or "").strip()
    wanted = [nfc(m).strip() for m in missing if nfc(m or "").strip()]
    if not wanted:
        raise BadInput(_("Chưa chọn giấy tờ nào còn thiếu."), field="papers")
    counts = {p.name: p for p in proc.papers}
    items = tuple(SupplementItem(name=m, original=counts[m].original if m in counts else 1,
                                 certified=counts[m].copies if m in counts else 0) for m in wanted)
    user = User.get_or_none(User.login == (clerk or "").strip().lower())
    clerk_name = user.full_name if user else (clerk or "")
    s = context.settings()
    return SupplementData(
        office=office_header(), code="", number=None, citizen_name=name, address=nfc(address or "").strip(),
        phone_display=phone_display, email=nfc(email or "").strip(), procedure_name=proc.name, items=items,
        reason=_("Hồ sơ chưa có đủ giấy tờ bắt buộc của thủ tục nên chưa được tiếp nhận."),
        contact_name=clerk_name, contact_phone=_user_phone(user.login if user else None) or s.phone,
        guide_name=clerk_name, issued_on=_today(), id_number=nfc(id_number or "").strip())


# ------------------------------------------------------------------ Mẫu 06 control sheet

def _judge(day: dt.date, due: dt.date) -> str:
    if day < due:
        return "early"
    return "on_time" if day == due else "late"


def _address_phone(address: str, phone: str) -> str:
    """``Thôn Đông; 0912 345 678``: no separator left hanging when one is missing, and the number's
    groups joined by no-break spaces so a line never ends inside it."""
    parts = [address.strip().rstrip(";").strip(), display_phone(phone).replace(" ", "\u00a0") if phone else ""]
    return "; ".join(p for p in parts if p)


def _without_undone(history) -> list:
    """The trail without an approval taken back at once and its undo row: the case never left the leader."""
    kept: list = []
    for e in history:
        if e.action == "undo_approve":
            if kept and kept[-1].action == "approve":
                kept.pop()
            continue
        if e.action != "denied":
            kept.append(e)
    return kept


HANDOVER_CUTOFF = dt.time(15, 0)     # received later: handed over at the start of the next working day
HANDOVER_MORNING = dt.time(12, 0)    # "đầu giờ" read as "during the morning": the hand-over's own limit


def handover_limit(received_at: dt.datetime) -> dt.datetime:
    """When the desk must have handed a paper dossier to the officer: the same working day, or the next
    working day's morning when it came in after 15:00 or on a day off (Decree 61/2018 as amended by
    Decree 107/2021; docs/law.md)."""
    cal = context.calendar()
    day = received_at.date()
    if cal.is_working_day(day) and received_at.time() < HANDOVER_CUTOFF:
        return dt.datetime.combine(day, _closing_time())
    return dt.datetime.combine(cal.next_working_day(day), HANDOVER_MORNING)


def _closing_time() -> dt.time:
    return _due_at(dt.date(2000, 1, 1)).time()


def control_sheet_data(code: str) -> ControlSheetData:
    """Mẫu 06: one row per hand-over in the audit trail, judged against the due date then in force.

    receive→assign: desk → officer; submit: officer → leader; approve/refuse: leader → desk;
    return: leader → officer; request_supplement/resume: officer ↔ desk; withdraw: → citizen;
    deliver: desk → citizen (judged by the day the result was ready)."""
    case = _case(code)
    s = context.settings()
    desk = _("Bộ phận Một cửa")
    department = case.procedure.department_name or _("Công chức chuyên môn")
    leader = _("Lãnh đạo UBND")
    citizen = _("Tổ chức, cá nhân")
    history = _without_undone(case.history)
    holder = (desk, case.received_by_name)
    officer = (department, "")
    due = case.original_due_date
    ready_on: dt.date | None = None
    rows: list[HandOver] = []

    def ahead(index: int, actions: tuple[str, ...]) -> str:
        return next((e.actor_name for e in history[index + 1:] if e.action in actions), "")

    for i, e in enumerate(history):
        moved = (e.changes or {}).get("due_date")
        if isinstance(moved, list) and len(moved) == 2:
            due = dt.date.fromisoformat(moved[1])
        to = note = None
        if e.action == "assign":
            first = holder[0] == desk
            to = officer = (department, _assignee_name(e) or case.assignee_name)
            if first:            # the desk's own limit, not the case's due date
                limit = handover_limit(case.received_at)
                late = e.at > limit
                note = (_("Chuyển hồ sơ chậm: hạn chuyển {limit}").format(limit=short_datetime(limit)) if late
                        else None)
        elif e.action == "submit":
            to = (leader, ahead(i, ("approve", "refuse", "return")) or s.leader_name)
        elif e.action in ("approve", "refuse"):
            to = (desk, ahead(i, ("deliver",)) or case.received_by_name)
            ready_on = e.at.date()
            note = workflow.label(e.action)
        elif e.action == "return":
            to = officer
            note = e.note
        elif e.action == "request_supplement":
            to, note = (desk, case.received_by_name), _("Yêu cầu bổ sung: {reason}").format(reason=e.note)
        elif e.action == "resume":
            to, note = officer, _("Đã bổ sung hồ sơ")
        elif e.action == "withdraw":
            to, note = (citizen, case.citizen_name), workflow.label("withdraw")
        elif e.action == "deliver":
            to = (citizen, case.receiver or case.citizen_name)
        if to is None:
            continue
        from_unit, from_person = holder
        if e.action in ("approve", "refuse", "return"):
            from_unit, from_person = leader, e.actor_name
        elif e.action in ("deliver", "withdraw"):
            from_unit, from_person = desk, e.actor_name
        day = ready_on if e.action == "deliver" and ready_on else e.at.date()
        result = _judge(day, due)
        if e.action == "assign" and first:
            result = "late" if late else "on_time"
        rows.append(HandOver(from_unit=from_unit, from_person=from_person or "", to_unit=to[0],
                             to_person=to[1] or "", at=e.at, result=result, note=note or ""))
        holder = to
    warning = ""
    if not any(e.action == "assign" for e in history) and case.state == workflow.RECEIVED:
        limit = handover_limit(case.received_at)
        if context.now() > limit:
            warning = _("Chưa chuyển hồ sơ cho công chức xử lý: đã quá hạn chuyển ({limit}).").format(
                limit=short_datetime(limit))
    return ControlSheetData(
        office=office_header(), code=case.code, citizen_name=case.citizen_name, department=department,
        received_at=case.received_at, due_at=_due_at(case.due_date), rows=tuple(rows),
        procedure_name=case.procedure.name, issued_on=case.received_at.date(), warning=warning)


def _assignee_name(event) -> str:
    pair = (event.changes or {}).get("assignee")
    if isinstance(pair, list) and len(pair) == 2 and pair[1]:
        user = User.get_or_none(User.login == pair[1])
        return user.full_name if user else pair[1]
    return ""


# ------------------------------------------------------------------ Mẫu 07 ledger

def _as_date(value, name: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise BadInput(_("Ngày {value} không hợp lệ; hãy ghi dạng YYYY-MM-DD.").format(
            value=str(value)[:40]), field=name) from None


def ledger_data(date_from, date_to, agency: str | None = None) -> LedgerData:
    """Mẫu 07: the dossiers received between the two days (inclusive), in ledger order: the People's
    Committee's own book, or ``agency``'s (another agency's procedures received on its behalf)."""
    from ..report_figures import agency_scope
    first, last = _as_date(date_from, "from"), _as_date(date_to, "to")
    if last < first:
        raise BadInput(_("Ngày cuối ({to}) phải sau ngày đầu ({start}).").format(
            to=short_date(last), start=short_date(first)), field="to")
    if (last - first).days > 366:
        raise BadInput(_("Mỗi lần chỉ in sổ theo dõi tối đa một năm."), field="to")
    scope, agency, agency_name = agency_scope(agency)
    within = Case.received_on.between(first, last)
    cases = list(Case.select().where(within if scope is True else within & scope)
                 .order_by(Case.received_at, Case.id))
    procedures = {p.id: p for p in Procedure.select(Procedure.id, Procedure.name, Procedure.department)
                  .where(Procedure.id.in_({c.procedure_id for c in cases} or {-1}))}
    departments = {d.code: d.name for d in Department.select()}
    events: dict[int, dict[str, dt.datetime]] = {}
    ids = [c.id for c in cases]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for case_id, action, at in (Event.select(Event.case, Event.action, Event.at)
                                    .where(Event.case.in_(chunk)
                                           & Event.action.in_(["assign", "approve", "refuse", "withdraw",
                                                                "undo_approve"]))
                                    .order_by(Event.id).tuples()):
            seen = events.setdefault(case_id, {})
            if action == "assign":
                seen.setdefault("assign", at)          # sent to the officer: the first time
            elif action == "undo_approve":             # the approval was taken back: no result yet
                seen.pop("result", None)
                seen.pop("approve", None)
            else:
                seen["result"] = at                    # the result came back: the latest decision
                seen[action] = at
    rows = []
    for n, c in enumerate(cases, start=1):
        proc = procedures.get(c.procedure_id)
        seen = events.get(c.id, {})
        notes = []
        if c.state == workflow.WITHDRAWN:
            notes.append(workflow.state_label(workflow.WITHDRAWN))
        elif "refuse" in seen:
            notes.append(workflow.label("refuse"))
        if c.extended:
            notes.append(_("Gia hạn đến {date}").format(date=short_date(c.due_date)))
        rows.append(LedgerRow(
            no=c.ledger_no or n, code=c.code, procedure_name=proc.name if proc else "", sets=c.sets,
            citizen_name=c.citizen_name, address_phone=_address_phone(c.address, c.phone),
            department=departments.get(proc.department_code, "") if proc else "",
            received=c.received_at, due=_due_at(c.due_date), transferred=seen.get("assign"),
            result_back=seen.get("result"), delivered=c.delivered_at, note="; ".join(notes)))
    books = {c.ledger_book for c in cases if c.ledger_book}
    book = ", ".join(sorted(books)) or context.settings().ledger_book or str(first.year)
    if agency and not books:
        book = f"{book}-{agency.upper()}"
    return LedgerData(office=office_header(), date_from=first, date_to=last, book=book, rows=tuple(rows),
                      agency_name=agency_name if agency else "")


# ------------------------------------------------------------------ rendering

def _paper(paper: str | None) -> str:
    value = (paper or context.settings().paper or "a4").lower()
    if value not in PAPERS:
        raise BadInput(_("Khổ giấy phải là a4 hoặc a5."), field="paper")
    return value


def _renderer(kind: str):
    """The renderer for ``kind``, looked up in this package (it imports reportlab/openpyxl on use)."""
    from importlib import import_module

    return getattr(import_module(__package__), RENDERERS[kind])


RENDERERS = {
    "receipt": "render_receipt", "supplement": "render_supplement", "refusal": "render_refusal_reply",
    "intake-refusal": "render_refusal",
    "apology": "render_apology", "stop": "render_stop", "control-sheet": "render_control_sheet",
    "ledger": "render_ledger", "report-pdf": "render_monthly_pdf", "report-xlsx": "render_monthly_xlsx",
}

BUILDERS = {
    "receipt": receipt_data, "supplement": supplement_data, "refusal": refusal_reply_data, "apology": apology_data,
    "stop": stop_data, "control-sheet": control_sheet_data,
}
refusal_data = refusal_reply_data      # the name the desktop and older callers know


def render_case_document(kind: str, code: str, *, paper: str | None = None, actor: str = "") -> bytes:
    """One of ``DOCUMENT_KINDS`` for a case, as PDF bytes, always in Vietnamese.

    ``refusal`` prints the one that matches how the dossier was refused: form 03 for a code of the
    counter's refusals, the committee's reasoned reply for a case refused after processing.  A
    document with no signer is refused (the sentence names the setting); one that prints gets its
    per-year number the first time."""
    from ..services import forms

    _known(kind)
    paper = _paper(paper)
    if kind == "refusal" and forms.is_refusal_code(code):
        return render_intake_refusal(code, paper=paper, actor=actor)
    data = issue.in_vietnamese(BUILDERS[kind], code)   # refuses a document the case does not have
    data = issue.numbered(kind, data, data.code, actor=actor)
    return issue.render(_renderer(kind), data, paper=paper)


def render_intake_refusal(code: str, *, paper: str | None = None, actor: str = "") -> bytes:
    """Form 03 for a dossier refused at the counter (its ``…-TC-…`` code), as PDF bytes."""
    from ..services import forms

    paper = _paper(paper)
    owner = forms.get_intake_refusal(code).code
    data = issue.in_vietnamese(intake_refusal_data, owner)
    data = issue.numbered("intake-refusal", data, owner, actor=actor)
    return issue.render(_renderer("intake-refusal"), data, paper=paper)


def render_intake_supplement(*, clerk: str, paper: str | None = None, **values) -> bytes:
    """Mẫu 02 for a dossier not received yet (see ``intake_supplement_data``), as PDF bytes."""
    import secrets

    paper = _paper(paper)
    data = issue.in_vietnamese(intake_supplement_data, clerk=clerk, **values)
    # nothing is kept of a dossier turned back at the counter but this printed form: it takes the next
    # number of form 02's series under a one-off owner (there is no re-print to show it again)
    data = issue.numbered("supplement", data, f"counter:{secrets.token_hex(8)}", actor=clerk)
    return issue.render(_renderer("supplement"), data, paper=paper)


def render_ledger(date_from, date_to, agency: str | None = None) -> bytes:
    """Mẫu 07 (A4 landscape) as PDF bytes."""
    data = issue.in_vietnamese(ledger_data, date_from, date_to, agency)
    return issue.render(_renderer("ledger"), data)


def render_report(period, fmt: str, *, checked: bool = False) -> bytes:
    """Form II.06a for a period (or an already computed ``reports.Report``) as PDF or XLSX bytes.

    The figures are checked first, against the previous period too (``checked``: the caller just did):
    a report that does not add up raises ``IntegrityProblem``."""
    from .. import reports

    fmt = (fmt or "").lower()
    if fmt not in REPORT_FORMATS:
        raise BadInput(_("Định dạng báo cáo phải là pdf hoặc xlsx."), field="format")
    report = period if isinstance(period, reports.Report) else reports.compute(period)
    if not checked:
        reports.check_report(report)
    data = issue.in_vietnamese(reports.data_from, report)
    return issue.render(_renderer(f"report-{fmt}"), data)
