"""The admin manages the catalogue: add, edit (a new version from a date), retire and re-enable a
procedure.  Each change is one transaction and one audit row whose action names what was done
(``procedure_add``, ``procedure_edit``, ``procedure_retire``, ``procedure_enable``) and whose changes
hold the procedure's code, version, effective date and every field set, so the catalogue can be
replayed from the chain.  A case keeps the version it was received under: nothing here changes a
version a case points at.
"""
from __future__ import annotations

import datetime as dt
import re

from .. import audit, context
from ..db import write
from ..errors import BadInput, NotFound
from ..i18n import _
from ..models import Agency, Case, Field, Procedure
from ..text import clean_line, fold, nfc
from . import catalogue
from .views import Changes, ProcedureView

CODE_RE = re.compile(r"^[A-Z0-9]{1,8}-\d{2,4}$")
NATIONAL_RE = re.compile(r"^\d\.\d{6}$")        # mã TTHC: 1.001193, 2.000806
# Every field a version holds, in the order the audit row and the spreadsheet list them.
FIELDS = ("name", "field", "national_code", "agency", "time_unit", "days", "extension_days", "legal_basis",
          "verified", "source_note", "fee_kind", "fee", "fee_rule", "fee_note", "result", "papers", "active")


def _int(value, *, field: str, label: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip().replace(".", "")) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        raise BadInput(_("{label} phải là số nguyên.").format(label=label), field=field) from None
    if not low <= number <= high:
        raise BadInput(_("{label} phải từ {low} đến {high}.").format(label=label, low=low, high=high), field=field)
    return number


def clean(values: dict) -> dict:
    """Check the fields given (any subset of ``FIELDS``); returns them cleaned.  Unknown keys are refused."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise BadInput(_("Không có trường {key} trong danh mục thủ tục.").format(key=sorted(unknown)[0]))
    out: dict = {}
    for key, value in values.items():
        if key == "name":
            out[key] = clean_line(value, field=key, label=_("Tên thủ tục"), max_len=300)
        elif key == "field":
            code = nfc(str(value or "")).strip()
            row = Field.get_or_none(Field.code == code.upper()) or next(
                (f for f in Field.select() if fold(f.name) == fold(code)), None)
            if row is None:
                raise BadInput(_("Không có lĩnh vực “{field}”.").format(field=code[:60]), field=key)
            out[key] = row.code
        elif key == "national_code":
            code = nfc(str(value or "")).strip()
            if code and not NATIONAL_RE.match(code):
                raise BadInput(_("Mã TTHC “{code}” không đúng dạng (ví dụ 1.001193).").format(code=code[:40]),
                               field=key)
            out[key] = code
        elif key == "agency":
            text = nfc(str(value or "")).strip()
            row = Agency.get_or_none(Agency.code == text.lower()) or next(
                (a for a in Agency.select() if fold(a.name) == fold(text)), None)
            if row is None:
                raise BadInput(_("Không có cơ quan giải quyết “{agency}”.").format(agency=text[:60]), field=key)
            out[key] = row.code
        elif key == "time_unit":
            if value not in catalogue.TIME_UNITS:
                raise BadInput(_("Đơn vị thời hạn phải là working_days (ngày làm việc), days (ngày theo lịch) "
                                 "hoặc same_day (trong ngày)."), field=key)
            out[key] = value
        elif key == "days":
            out[key] = _int(value, field=key, label=_("Thời hạn"), low=0, high=365)
        elif key == "extension_days":
            out[key] = _int(value, field=key, label=_("Số ngày xác minh thêm"), low=0, high=60)
        elif key in ("legal_basis", "source_note", "fee_note", "result"):
            out[key] = clean_line(value, field=key, label=key, max_len=1000, required=False)
        elif key in ("verified", "active"):
            out[key] = bool(value)
        elif key == "fee_kind":
            if value not in catalogue.FEE_KINDS:
                raise BadInput(_("Loại lệ phí phải là free, fixed, province, per_page hoặc per_copy."), field=key)
            out[key] = value
        elif key == "fee":
            out[key] = _int(value, field=key, label=_("Lệ phí"), low=0, high=100_000_000)
        elif key == "fee_rule":
            if not isinstance(value, dict) or set(value) - {"first_pages", "after", "cap"}:
                raise BadInput(_("Cách tính lệ phí theo trang không hợp lệ."), field=key)
            out[key] = {k: _int(v, field=key, label=k, low=0, high=100_000_000) for k, v in value.items()}
        elif key == "papers":
            out[key] = _papers(value)
    return out


def _papers(papers) -> list[dict]:
    if not isinstance(papers, (list, tuple)):
        raise BadInput(_("Danh sách giấy tờ không hợp lệ."), field="papers")
    cleaned = []
    for p in papers:
        cleaned.append({"name": clean_line(p.get("name"), field="papers", label=_("Tên giấy tờ"), max_len=300),
                        "original": _int(p.get("original", 1), field="papers", label=_("Số bản chính"),
                                         low=0, high=99),
                        "copies": _int(p.get("copies", 0), field="papers", label=_("Số bản sao"), low=0, high=99),
                        "optional": bool(p.get("optional", False))})
    return cleaned


def _consistent(values: dict) -> None:
    """The limit and its unit agree; a province fee is the only kind that may wait for its amount."""
    unit, days = values["time_unit"], values["days"]
    if unit == "same_day" and days != 0:
        raise BadInput(_("Thủ tục giải quyết trong ngày thì thời hạn là 0."), field="days")
    if unit != "same_day" and days == 0:
        raise BadInput(_("Thời hạn 0 chỉ dùng cho thủ tục giải quyết trong ngày (same_day)."), field="days")
    if values["fee_kind"] == "free" and values["fee"]:
        raise BadInput(_("Thủ tục miễn phí thì lệ phí là 0."), field="fee")
    if values["fee_kind"] in ("fixed", "per_page", "per_copy") and not values["fee"]:
        raise BadInput(_("Lệ phí cố định, theo trang hoặc theo bản phải có số tiền."), field="fee")


def _effective(value) -> dt.date:
    today = context.today()
    if value in (None, ""):
        return today
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            raise BadInput(_("Ngày hiệu lực {value} không hợp lệ; hãy ghi dạng YYYY-MM-DD.").format(
                value=str(value)[:40]), field="effective_from") from None
    if value < today:
        raise BadInput(_("Phiên bản mới chỉ có hiệu lực từ hôm nay trở đi."), field="effective_from")
    return value


def _admin(actor: str, action: str):
    from .auth import _deny_unless, acting_user

    user = acting_user(actor)
    _deny_unless(user, "admin", action)
    return user


def _newest(code: str) -> Procedure:
    code = nfc(code or "").strip().upper()
    row = (Procedure.select().where(Procedure.code == code)
           .order_by(Procedure.effective_from.desc(), Procedure.version.desc()).first())
    if row is None:
        raise NotFound(_("Không có thủ tục mã {code}.").format(code=code or "?"))
    return row


def _row_values(row: Procedure) -> dict:
    values = {k: getattr(row, k) for k in FIELDS if k != "field"}
    values["field"] = row.field_code
    values["papers"] = list(row.papers or [])
    values["fee_rule"] = dict(row.fee_rule or {})
    return values


# An audit row names a procedure's values by the table's columns, so that ``check`` can replay them.
AUDIT_COLUMNS = {"field": "field_code", "agency": "agency_code"}


def audit_values(values: dict) -> dict:
    return {AUDIT_COLUMNS.get(k, k): v for k, v in values.items()}


def add_procedure(*, actor: str, code: str, effective_from=None, **values) -> tuple[ProcedureView, Changes]:
    """A new procedure, in force from ``effective_from`` (today by default)."""
    code = nfc(code or "").strip().upper()
    if not CODE_RE.match(code):
        raise BadInput(_("Mã thủ tục “{code}” không đúng dạng: mã lĩnh vực, gạch ngang, số (ví dụ HT-16).")
                       .format(code=code[:40]), field="code")
    effective = _effective(effective_from)
    now = context.now()
    with write():
        admin = _admin(actor, "procedure_add")
        if Procedure.select().where(Procedure.code == code).exists():
            raise BadInput(_("Đã có thủ tục mã {code}; dùng “sửa” để tạo phiên bản mới.").format(code=code),
                           field="code")
        given = clean(values)
        for required in ("name", "field", "days"):
            if required not in given:
                raise BadInput(_("Thiếu {key} của thủ tục mới.").format(key=required), field=required)
        full = {"national_code": "", "agency": "ubnd_xa",
                "time_unit": "same_day" if given["days"] == 0 else "working_days", "extension_days": 0,
                "legal_basis": "", "verified": False, "source_note": "", "fee_kind": "free", "fee": 0,
                "fee_rule": {}, "fee_note": "", "result": "", "papers": [], "active": True}
        full.update(given)
        _consistent(full)
        department = Field.get_by_id(full["field"]).department_code
        proc = Procedure.create(code=code, version=1, effective_from=effective, department=department,
                                name_folded=fold(full["name"]), **full)
        audit.record(case_id=None, actor=admin.login, action="procedure_add", at=now, recorded_at=now,
                     changes={"code": code, "version": 1, "effective_from": effective.isoformat(),
                              **audit_values(full)})
    return catalogue.to_view(proc), Changes(procedures=True)


def _new_version(admin, base: Procedure, effective: dt.date, changed: dict, action: str, note: str,
                 extra: dict | None = None) -> Procedure:
    values = _row_values(base)
    values.update(changed)
    _consistent(values)
    now = context.now()
    same_day = (Procedure.select().where((Procedure.code == base.code) & (Procedure.effective_from == effective))
                .order_by(Procedure.version.desc()).first())
    newest_version = Procedure.select(Procedure.version).where(Procedure.code == base.code).order_by(
        Procedure.version.desc()).scalar()
    row = dict(values, name_folded=fold(values["name"]), department=base.department_code)
    if same_day is not None and not Case.select().where(Case.procedure == same_day.id).exists():
        Procedure.update(**row).where(Procedure.id == same_day.id).execute()
        proc = Procedure.get_by_id(same_day.id)
    else:
        proc = Procedure.create(code=base.code, version=newest_version + 1, effective_from=effective, **row)
    audit.record(case_id=None, actor=admin.login, action=action, at=now, recorded_at=now, note=note,
                 changes={"code": base.code, "version": proc.version, "effective_from": effective.isoformat(),
                          **audit_values(changed), **(extra or {})})
    return proc


def edit_procedure(*, actor: str, code: str, effective_from=None, note: str = "",
                   **values) -> tuple[ProcedureView, Changes]:
    """A new version of a procedure with the fields given, in force from ``effective_from``."""
    effective = _effective(effective_from)
    with write():
        admin = _admin(actor, "procedure_edit")
        base = _newest(code)
        given = clean(values)
        if "days" in given and "time_unit" not in given and base.time_unit == "same_day" and given["days"]:
            given["time_unit"] = "working_days"
        if given.get("time_unit") == "same_day" and "days" not in given:
            given["days"] = 0
        current = _row_values(base)
        changed = {k: v for k, v in given.items() if current.get(k) != v}
        if not changed:
            raise BadInput(_("Không có gì thay đổi so với phiên bản hiện hành của thủ tục {code}.").format(
                code=base.code))
        proc = _new_version(admin, base, effective, changed, "procedure_edit", note)
    return catalogue.to_view(proc), Changes(procedures=True)


def _set_active(actor: str, code: str, effective_from, active: bool, note: str) -> tuple[ProcedureView, Changes]:
    effective = _effective(effective_from)
    action = "procedure_enable" if active else "procedure_retire"
    with write():
        admin = _admin(actor, action)
        base = _newest(code)
        if bool(base.active) == active:
            raise BadInput((_("Thủ tục {code} đang được áp dụng.") if active
                            else _("Thủ tục {code} đã ngừng áp dụng.")).format(code=base.code))
        proc = _new_version(admin, base, effective, {"active": active}, action, note)
    return catalogue.to_view(proc), Changes(procedures=True)


def retire_procedure(*, actor: str, code: str, effective_from=None, note: str = "") -> tuple[ProcedureView, Changes]:
    """Stop receiving a procedure from a date: a new version, turned off.  Cases already received go on."""
    return _set_active(actor, code, effective_from, False, note)


def enable_procedure(*, actor: str, code: str, effective_from=None, note: str = "") -> tuple[ProcedureView, Changes]:
    """Receive a procedure again (or, for another agency's, receive it on that agency's behalf)."""
    return _set_active(actor, code, effective_from, True, note)


def next_code(field_code: str, taken: set[str] | None = None) -> str:
    """The next free code of a field (``HT-16`` after ``HT-15``)."""
    taken = set(taken or ())
    taken |= {c for (c,) in Procedure.select(Procedure.code).where(Procedure.field == field_code).tuples()}
    n = 1
    while f"{field_code}-{n:02d}" in taken:
        n += 1
    return f"{field_code}-{n:02d}"


def set_agency(*, actor: str, code: str, unit_code: str | None = None, name: str | None = None):
    """Another agency's own unit code (its dossier-code series) or name; one audit row ``agency_edit``."""
    from ..settings import check_unit_code

    now = context.now()
    with write():
        admin = _admin(actor, "agency_edit")
        row = Agency.get_or_none(Agency.code == nfc(code or "").strip().lower())
        if row is None:
            raise NotFound(_("Không có cơ quan giải quyết “{agency}”.").format(agency=(code or "")[:40]))
        changes: dict = {}
        if unit_code is not None:
            text = nfc(unit_code).strip()
            if text and row.own:
                raise BadInput(_("{agency} dùng mã đơn vị của văn phòng (thiết lập unit_code).").format(
                    agency=row.name), field="unit_code")
            changes["unit_code"] = check_unit_code(text) if text else ""
            taken = {a.unit_code for a in Agency.select() if a.code != row.code and a.unit_code}
            if changes["unit_code"] and changes["unit_code"] in taken | {context.settings().unit_code}:
                raise BadInput(_("Mã đơn vị {code} đã là dãy mã hồ sơ của đơn vị khác; mỗi cơ quan một dãy riêng.")
                               .format(code=changes["unit_code"]), field="unit_code")
        if name is not None:
            changes["name"] = clean_line(name, field="name", label=_("Tên cơ quan"), max_len=200)
        changes = {k: v for k, v in changes.items() if getattr(row, k) != v}
        if not changes:
            raise BadInput(_("Không có gì thay đổi."))
        Agency.update(**changes).where(Agency.code == row.code).execute()
        audit.record(case_id=None, actor=admin.login, action="agency_edit", at=now, recorded_at=now,
                     changes={"code": row.code, **changes})
    return Agency.get_by_id(row.code)
