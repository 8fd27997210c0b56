"""The procedure catalogue: shipped as data, editable, versioned by effective date.

A case keeps the version it was received under; a new version takes effect from
a date and never changes cases received before it.
"""
from __future__ import annotations

import datetime as dt
import tomllib

from .. import audit, audit_state, context
from ..db import write
from ..errors import BadInput, NotFound
from ..i18n import _
from ..models import Department, Field, Procedure
from ..paths import resource_path
from ..text import clean_line, fold
from .views import Changes, PaperView, ProcedureView


def load_catalogue_file(path=None) -> dict:
    with open(path or resource_path("procedures.toml"), "rb") as fh:
        return tomllib.load(fh)


def seed(data: dict | None = None) -> int:
    """Load departments, fields and procedures into an empty catalogue (inside a write)."""
    data = data or load_catalogue_file()
    effective = dt.date.fromisoformat(str(data.get("version_effective_from", "2025-07-01")))
    for dep in data.get("department", []):
        Department.insert(code=dep["code"], name=dep["name"]).on_conflict_ignore().execute()
    for pos, fld in enumerate(data.get("field", [])):
        Field.insert(code=fld["code"], name=fld["name"], department=fld.get("department"),
                     position=pos).on_conflict_ignore().execute()
    fields = {f.code: f for f in Field.select()}
    count = 0
    for proc in data.get("procedure", []):
        if Procedure.select().where(Procedure.code == proc["code"]).exists():
            continue
        department = proc.get("department") or (fields[proc["field"]].department_code)
        Procedure.create(code=proc["code"], version=1, effective_from=effective, field=proc["field"],
                         department=department, name=proc["name"], name_folded=fold(proc["name"]),
                         days=int(proc["days"]), fee=int(proc.get("fee", 0)),
                         fee_note=proc.get("fee_note", ""), result=proc.get("result", ""),
                         papers=[_paper_dict(p) for p in proc.get("papers", [])])
        count += 1
    return count


def _paper_dict(p: dict) -> dict:
    return {"name": p["name"], "original": int(p.get("original", 1)), "copies": int(p.get("copies", 0)),
            "optional": bool(p.get("optional", False))}


def to_view(proc: Procedure, fields: dict | None = None, departments: dict | None = None) -> ProcedureView:
    fld = (fields or {}).get(proc.field_code) or proc.field
    dep_code = proc.department_code or ""
    dep = (departments or {}).get(dep_code) if departments is not None else proc.department
    return ProcedureView(
        id=proc.id, code=proc.code, version=proc.version, effective_from=proc.effective_from,
        field_code=proc.field_code, field_name=fld.name, department_code=dep_code,
        department_name=dep.name if dep else "", name=proc.name, days=proc.days, fee=proc.fee,
        fee_note=proc.fee_note, result=proc.result,
        papers=tuple(PaperView(name=p["name"], original=p["original"], copies=p["copies"],
                               optional=p.get("optional", False), received=not p.get("optional", False))
                     for p in proc.papers or ()),
        active=proc.active,
    )


def _current_rows(on: dt.date) -> dict[str, Procedure]:
    """The version of each procedure in force on a date (latest effective_from ≤ on)."""
    best: dict[str, Procedure] = {}
    for proc in Procedure.select().where(Procedure.effective_from <= on).order_by(
            Procedure.code, Procedure.effective_from, Procedure.version):
        best[proc.code] = proc
    return best


def list_procedures(*, on: dt.date | None = None, include_inactive: bool = False) -> list[ProcedureView]:
    on = on or context.today()
    fields = {f.code: f for f in Field.select()}
    departments = {d.code: d for d in Department.select()}
    rows = [p for p in _current_rows(on).values() if include_inactive or p.active]
    order = {code: f.position for code, f in fields.items()}
    rows.sort(key=lambda p: (order.get(p.field_code, 99), p.code))
    return [to_view(p, fields, departments) for p in rows]


def procedure_row(code: str, *, on: dt.date | None = None) -> Procedure:
    on = on or context.today()
    code = (code or "").strip().upper()
    proc = (Procedure.select().where((Procedure.code == code) & (Procedure.effective_from <= on))
            .order_by(Procedure.effective_from.desc(), Procedure.version.desc()).first())
    if proc is None:
        raise NotFound(_("Không có thủ tục mã {code}.").format(code=code or "?"))
    if not proc.active:
        raise BadInput(_("Thủ tục {code} đã ngừng áp dụng.").format(code=code), field="procedure")
    return proc


def get_procedure(code: str, *, on: dt.date | None = None) -> ProcedureView:
    return to_view(procedure_row(code, on=on))


def find_procedures(text: str, *, on: dt.date | None = None) -> list[ProcedureView]:
    """Procedures matching the typed text, best first (``procedure_search.rank``: code, whole words,
    word starts, substrings; exact tones, then the office's most used, among equals)."""
    from ..procedure_search import office_usage, rank

    on = on or context.today()
    return rank(list_procedures(on=on), text, office_usage(on))


def fields() -> list[tuple[str, str]]:
    return [(f.code, f.name) for f in Field.select().order_by(Field.position, Field.code)]


def new_version(*, actor: str, code: str, effective_from: dt.date, name: str | None = None,
                days: int | None = None, fee: int | None = None, fee_note: str | None = None,
                papers: list[dict] | None = None, active: bool | None = None) -> tuple[ProcedureView, Changes]:
    """A new version of a procedure, in force from ``effective_from`` (today or later)."""
    from .auth import _deny_unless, acting_user

    now = context.now()
    if effective_from < now.date():
        raise BadInput(_("Phiên bản mới chỉ có hiệu lực từ hôm nay trở đi."), field="effective_from")
    with write():
        admin = acting_user(actor)
        _deny_unless(admin, "admin", "procedure_edit")
        base = (Procedure.select().where(Procedure.code == code.upper())
                .order_by(Procedure.version.desc()).first())
        if base is None:
            raise NotFound(_("Không có thủ tục mã {code}.").format(code=code))
        changes = {}
        if name is not None:
            changes["name"] = clean_line(name, field="name", label=_("Tên thủ tục"), max_len=300)
        if days is not None:
            if not 0 <= int(days) <= 365:
                raise BadInput(_("Thời hạn giải quyết phải từ 0 đến 365 ngày làm việc."), field="days")
            changes["days"] = int(days)
        if fee is not None:
            if int(fee) < 0:
                raise BadInput(_("Lệ phí không được âm."), field="fee")
            changes["fee"] = int(fee)
        if fee_note is not None:
            changes["fee_note"] = clean_line(fee_note, field="fee_note", label=_("Ghi chú lệ phí"),
                                             max_len=300, required=False)
        if papers is not None:
            cleaned = []
            for p in papers:
                cleaned.append({"name": clean_line(p.get("name"), field="papers", label=_("Tên giấy tờ"),
                                                   max_len=300),
                                "original": max(0, int(p.get("original", 1))),
                                "copies": max(0, int(p.get("copies", 0))),
                                "optional": bool(p.get("optional", False))})
            changes["papers"] = cleaned
        if active is not None:
            changes["active"] = bool(active)
        same_day = Procedure.get_or_none((Procedure.code == base.code) &
                                         (Procedure.effective_from == effective_from))
        values = dict(code=base.code, version=base.version + 1, effective_from=effective_from,
                      field=base.field_code, department=base.department_code, name=base.name,
                      days=base.days, fee=base.fee, fee_note=base.fee_note, result=base.result,
                      papers=base.papers, active=base.active)
        values.update(changes)
        values["name_folded"] = fold(values["name"])
        if same_day is not None:
            Procedure.update(**{k: v for k, v in values.items() if k not in ("code", "version")}).where(
                Procedure.id == same_day.id).execute()
            proc = Procedure.get_by_id(same_day.id)
        else:
            proc = Procedure.create(**values)
        audit.record(case_id=None, actor=admin.login, action="procedure_version", at=now, recorded_at=now,
                     changes={"code": base.code, "version": proc.version,
                              "effective_from": effective_from.isoformat(), **{
                                  k: v for k, v in changes.items() if k != "papers"},
                              "row": audit_state.procedure_fingerprint(proc)})
    return to_view(proc), Changes(procedures=True)
