"""The documents a leader or the office signs, and what every issued document shares: its number
and its signer.

* the refusals: form 03 for a dossier refused at the counter (signed by the clerk who refused),
  and the People's Committee's reasoned reply for a dossier refused after processing (signed for
  the committee by the leader who refused, read from the audit trail);
* form 04 (apology and new date) on the committee's header, signed for it;
* form 05 (stop notice) signed by the centre's head, speaking of a refund only when one was recorded;
* ``issue``: the signer checked, the text built in Vietnamese whatever the screens speak, then the
  per-year number given (only to a document that will really print) and the page laid out.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from .. import context, receipt_seal, workflow
from ..errors import CaseDeskError, ReadOnly, Unavailable
from ..i18n import _, vietnamese
from ..models import User
from . import signers, titles
from .data import ApologyData, OfficeHeader, RefusalData, RefusalReplyData, StopData

# the case document kinds and the series their number is taken from (the control sheet has no "Số:")
NUMBER_KINDS = {"receipt": "receipt", "supplement": "supplement", "refusal": "refusal-reply",
                "apology": "apology", "stop": "stop", "intake-refusal": "intake-refusal"}
COMMUNE_WORDS = ("Xã ", "Phường ", "Thị trấn ", "Đặc khu ")


def committee_name(commune: str) -> str:
    """"Ủy ban nhân dân xã An Phú" (the kind of commune in lower case inside a sentence)."""
    place = (commune or "").strip()
    for word in COMMUNE_WORDS:
        if place.startswith(word):
            place = word.lower() + place[len(word):]
            break
    return f"Ủy ban nhân dân {place}".strip()


def committee_header(office: OfficeHeader) -> OfficeHeader:
    """The committee's own header (Decree 30: the issuing body's name, in capitals, on two lines)."""
    commune = (office.commune or "").strip().upper()
    unit = f"ỦY BAN NHÂN DÂN\n{commune}" if commune else "ỦY BAN NHÂN DÂN"
    return dataclasses.replace(office, superior="", unit=unit)


def _user_name(login: str) -> str:
    user = User.get_or_none(User.login == login)
    return user.full_name if user else ""


def _leader_acted(event) -> str:
    """The name of the leader who took ``event`` (a vice-chairman), or "" when someone else did."""
    if event is None:
        return ""
    user = User.get_or_none(User.login == event.actor)
    return user.full_name if user is not None and user.role == "vice_chairman" else ""


# ------------------------------------------------------------------ the two refusals

def intake_refusal_data(code: str) -> RefusalData:
    """Form 03: the dossier the desk refused at the counter, signed by the clerk who refused."""
    from ..services import forms
    from .build import office_header

    r = forms.get_intake_refusal(code)
    label = titles.label("intake-refusal")
    signer = signers.person(_("NGƯỜI TIẾP NHẬN HỒ SƠ"), r.refused_by_name, "refused_by", label)
    return RefusalData(
        office=office_header(), code=None, number=None, citizen_name=r.citizen_name, address=r.address,
        phone_display=r.phone_display, email=r.email, procedure_name=r.procedure_name, reason=r.reason,
        signer_title=signer.title, signer_name=signer.name, issued_on=r.refused_at.date(),
        id_number=r.id_number)


def refusal_reply_data(code: str) -> RefusalReplyData:
    """The committee's reasoned refusal after processing, signed for it by the leader who refused."""
    from .build import _case, _last, _require, office_header

    case = _case(code)
    _require("refusal", case)
    refusal = _last(case, "refuse")
    office = office_header()
    signer = signers.committee(_leader_acted(refusal), titles.title("refusal-reply"))
    return RefusalReplyData(
        office=committee_header(office), number=None, code=case.code, citizen_name=case.citizen_name,
        id_number=case.id_number, address=case.address, phone_display=case.phone_display,
        procedure_name=case.procedure.name, received_on=case.received_at.date(),
        reason=refusal.note if refusal else "", signer_authority=signer.authority, signer_title=signer.title,
        signer_name=signer.name, issued_on=refusal.at.date() if refusal else context.today(),
        desk_name=office.desk_name)


# ------------------------------------------------------------------ forms 04 and 05

def apology_data(code: str) -> ApologyData:
    """Form 04: the due date before and after the (single) extension, on the committee's header and
    signed for it: by the vice-chairman who extended, else the vice-chairman in charge (setting)."""
    from .build import _case, _last, _require, office_header

    case = _case(code)
    _require("apology", case)
    extension = _last(case, "extend")
    old_due, new_due = case.original_due_date, case.due_date
    moved = (extension.changes or {}).get("due_date") if extension else None
    if isinstance(moved, list) and len(moved) == 2:
        old_due, new_due = (dt.date.fromisoformat(x) for x in moved)
    signer = signers.committee(_leader_acted(extension), titles.label("apology"))
    return ApologyData(
        office=committee_header(office_header()), number=None, citizen_name=case.citizen_name,
        address=case.address, phone_display=case.phone_display, received_on=case.received_at.date(),
        procedure_name=case.procedure.name, id_number=case.id_number, code=case.code, old_due=old_due,
        reason=extension.note if extension else "", new_due=new_due, signer_title=signer.title,
        signer_name=signer.name, issued_on=extension.at.date() if extension else context.today(),
        signer_authority=signer.authority,
        qr_text=receipt_seal.seal(case.code, case.received_at.date(), new_due, case.citizen_name,
                                  case.id_number))


def stop_data(code: str) -> StopData:
    """Form 05: when the citizen asked to stop and how far the case had gone; the centre's notice,
    signed by its head.  A refund is printed only when the withdrawal recorded one."""
    from .build import _case, _last, _require, office_header

    case = _case(code)
    _require("stop", case)
    stop = _last(case, "withdraw")
    stage = workflow.state_label(stop.from_state) if stop and stop.from_state else ""
    refund = (stop.changes or {}).get("refund") if stop else None
    signer = signers.centre_head(titles.label("stop"))
    return StopData(
        office=office_header(), number=None, code=case.code, citizen_name=case.citizen_name,
        id_number=case.id_number, address=case.address, procedure_name=case.procedure.name,
        received_at=case.received_at, request_date=stop.at.date() if stop else context.today(),
        stage_reached=stage,
        decision_text=_("Dừng giải quyết hồ sơ theo đề nghị của người nộp hồ sơ và trả lại hồ sơ đã nộp."),
        refund=int(refund) if isinstance(refund, int) and refund > 0 else None,
        signer_title=signer.title, signer_name=signer.name, signer_authority=signer.authority,
        issued_on=stop.at.date() if stop else context.today(), fee=case.fee, phone_display=case.phone_display)


# ------------------------------------------------------------------ issuing

def in_vietnamese(func, *args, **kwargs):
    """``func``'s data built in Vietnamese (the page); a refusal is re-raised in the user's language."""
    try:
        with vietnamese():
            return func(*args, **kwargs)
    except CaseDeskError as first:
        try:
            func(*args, **kwargs)          # read-only: the same refusal, now in the screens' language
        except CaseDeskError as again:
            raise again from None
        raise first


def numbered(kind: str, data, owner: str, *, actor: str = ""):
    """``data`` with its "Số:" filled from the per-year series of ``kind`` (given once, then kept).
    On media that can't be written the document still prints, with the dotted blank."""
    from ..services import forms

    series = NUMBER_KINDS.get(kind)
    if series is None or not hasattr(data, "number"):
        return data
    try:
        number = forms.form_number(series, owner, data.issued_on, actor=actor)
    except (ReadOnly, Unavailable):
        number = forms.stored_number(series, owner)
    return dataclasses.replace(data, number=forms.number_text(series, number))


def render(render_func, data, **kwargs) -> bytes:
    with vietnamese():
        return render_func(data, **kwargs)
