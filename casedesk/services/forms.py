"""Refusing a dossier at the counter (form 03), and the per-year numbers printed on forms.

A dossier refused at the counter is not received: it gets no dossier code, no ledger line and
is not counted in form II.06a.  What the desk did is still recorded (who refused, whose dossier,
for which procedure, why) in its own table and series of codes, and audited.

Form numbers ("Số: 12/PTN"): one series per form kind and calendar year, starting at 1, with
no gaps.  A document gets its number the first time it is made (printed, previewed, saved);
the number is stored, so every later print shows the same one.  The counter and the number
row are written in one transaction, so a number is never taken without being kept.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import audit, context, workflow
from ..db import is_sqlite, write
from ..errors import BadInput, NotAllowed, NotFound
from ..i18n import _
from ..models import FormNumber, IntakeRefusal, User
from ..text import clean_line, clean_note, display_phone, nfc, normalize_phone, person_name, validate_email
from . import auth, catalogue
from .cases import _effective_time, _next_number, _run

# The suffix after the number, per form kind ("Số: 05/PTN").  Abbreviations of each form's name;
# TT 03/2025 prints "Số: …/…" and leaves the letters to the issuing office.
NUMBER_SUFFIXES = {
    "receipt": "PTN",           # 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả
    "supplement": "PBS",        # 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
    "intake-refusal": "PTC",    # 03 Phiếu từ chối tiếp nhận giải quyết hồ sơ
    "apology": "VBXL",          # 04 Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết
    "stop": "TB-DGQ",           # 05 Thông báo dừng giải quyết hồ sơ
    "refusal-reply": "TB-UBND",  # the People's Committee's reasoned refusal after processing
}
REFUSAL_SERIES = "TC"


@dataclass(frozen=True)
class IntakeRefusalView:
    code: str
    procedure: str
    procedure_name: str
    citizen_name: str
    id_number: str
    phone: str
    phone_display: str
    address: str
    email: str
    reason: str
    refused_by: str
    refused_by_name: str
    refused_at: dt.datetime


def _view(row: IntakeRefusal) -> IntakeRefusalView:
    from ..models import Procedure

    proc = Procedure.get_by_id(row.procedure_id)
    clerk = User.get_by_id(row.refused_by_id)
    return IntakeRefusalView(
        code=row.code, procedure=proc.code, procedure_name=proc.name, citizen_name=row.citizen_name,
        id_number=row.id_number, phone=row.phone, phone_display=display_phone(row.phone) if row.phone else "",
        address=row.address, email=row.email, reason=row.reason, refused_by=clerk.login,
        refused_by_name=clerk.full_name, refused_at=row.refused_at)


def is_refusal_code(code: str) -> bool:
    text = nfc(code or "").strip().upper()
    return f"-{REFUSAL_SERIES}-" in text


def get_intake_refusal(code: str) -> IntakeRefusalView:
    text = nfc(code or "").strip().upper()
    row = IntakeRefusal.get_or_none(IntakeRefusal.code == text)
    if row is None:
        raise NotFound(_("Không tìm thấy phiếu từ chối tiếp nhận {code}.").format(code=text or "?"))
    return _view(row)


def list_intake_refusals(*, date_from: dt.date | None = None, date_to: dt.date | None = None,
                         limit: int = 200) -> list[IntakeRefusalView]:
    query = IntakeRefusal.select().order_by(IntakeRefusal.refused_at.desc(), IntakeRefusal.id.desc())
    if date_from is not None:
        query = query.where(IntakeRefusal.refused_at >= dt.datetime.combine(date_from, dt.time()))
    if date_to is not None:
        query = query.where(IntakeRefusal.refused_at < dt.datetime.combine(date_to + dt.timedelta(days=1),
                                                                           dt.time()))
    return [_view(r) for r in query.limit(max(1, min(int(limit), 10_000)))]


def refuse_intake(*, actor: str, procedure: str, citizen_name: str, id_number: str = "", phone: str = "",
                  address: str = "", email: str = "", note: str, at=None) -> IntakeRefusalView:
    """The desk refuses to receive a dossier (not this agency's, conditions not met): form 03.

    The reason is required (it is printed on the form); the ID number, when given, must be valid:
    the form is handed to the person and names them."""
    from ..text import validate_id_number

    citizen_name = person_name(citizen_name)
    id_number = validate_id_number(id_number) if nfc(id_number or "").strip() else ""
    phone = normalize_phone(phone, required=False)
    address = clean_line(address, field="address", label=_("Địa chỉ"), max_len=300, required=False)
    email = validate_email(email)
    reason = clean_note(note)
    if not reason:
        raise BadInput(_("Phải ghi lý do từ chối tiếp nhận hồ sơ (in trên phiếu mẫu 03)."), field="note")
    now = context.now()
    when, late = _effective_time(at, now, None)

    def work() -> IntakeRefusalView:
        with write():
            user = auth.acting_user(actor)
            if user.role not in workflow.ACTIONS["receive"].roles:
                raise NotAllowed(_("{name} ({role}) không được từ chối tiếp nhận hồ sơ: việc này của "
                                   "người tiếp nhận hồ sơ.").format(
                    name=user.full_name, role=_(workflow.ROLE_LABELS[user.role])))
            proc = catalogue.procedure_row(procedure, on=when.date())
            unit = context.settings().unit_code
            day = when.date()
            seq = _next_number(f"{unit}-{REFUSAL_SERIES}", day)
            code = f"{unit}-{REFUSAL_SERIES}-{day:%y%m%d}-{seq:04d}"
            row = IntakeRefusal.create(
                code=code, procedure=proc.id, citizen_name=citizen_name, id_number=id_number, phone=phone,
                address=address, email=email, reason=reason, refused_by=user.id, refused_at=when)
            audit.record(case_id=None, actor=user.login, action="refuse_intake", at=when, recorded_at=now,
                         note=reason, late_entry=late,
                         changes={"code": code, "procedure": proc.code, "version": proc.version,
                                  "citizen_name": citizen_name, "id_number": id_number})
            return _view(row)

    return _run("refuse_intake", actor, work)


# ------------------------------------------------------------------ form numbers

def stored_number(kind: str, owner: str) -> int | None:
    found = FormNumber.get_or_none((FormNumber.kind == kind) & (FormNumber.owner == owner))
    return found.number if found else None


def form_number(kind: str, owner: str, issued_on: dt.date, *, actor: str = "") -> int:
    """The number of ``kind`` for ``owner`` (a case or refusal code): the stored one, or the next of
    ``issued_on``'s year, stored with an audit row.  Two desks printing at once get different numbers
    and no number is skipped: the write lock (SQLite) or the audit head's row lock (PostgreSQL) is
    taken before looking, so the look and the count happen one desk at a time."""
    if kind not in NUMBER_SUFFIXES:
        raise BadInput(_("Không có loại giấy tờ {kind}.").format(kind=kind), field="kind")
    known = stored_number(kind, owner)
    if known is not None:
        return known
    now = context.now()
    with write():
        if not is_sqlite():
            audit.lock_chain()
        known = stored_number(kind, owner)
        if known is not None:
            return known
        year = issued_on.year
        number = _next_number(f"FORM:{kind}", dt.date(year, 1, 1))
        FormNumber.create(kind=kind, owner=owner, year=year, number=number, issued_at=now)
        # an office row (the owner is named in it), not a step of the case: the case's history stays its workflow
        audit.record(case_id=None, actor=(actor or "system")[:64], action="form_number",
                     at=now, recorded_at=now,
                     changes={"kind": kind, "owner": owner, "year": year, "number": number})
    return number


def number_text(kind: str, number: int | None) -> str | None:
    """``05/PTN`` (Decree 30: numbers below 10 get a leading zero); None prints the dotted blank."""
    if number is None:
        return None
    return f"{number:02d}/{NUMBER_SUFFIXES[kind]}"
