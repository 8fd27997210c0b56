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
from ..models import Agency, Department, Field, Procedure
from ..paths import resource_path
from ..text import clean_line, fold
from .views import Changes, PaperView, ProcedureView


def load_catalogue_file(path=None) -> dict:
    with open(path or resource_path("procedures.toml"), "rb") as fh:
        return tomllib.load(fh)


TIME_UNITS = ("working_days", "days", "same_day")
FEE_KINDS = ("free", "fixed", "province", "per_page", "per_copy")
# What the law says about each row: kept from the shipped file into rows made before upgrade 14.
SOURCE_KEYS = ("national_code", "agency", "legal_basis", "source_note", "verified", "fee_kind", "fee_rule",
               "extension_days")
# The limits the catalogue shipped before the December 2026 review, for the rows it corrected: a
# database still holding exactly these gets the corrected limit as a new version (upgrade 14).
OLD_LIMITS = {"CTR-04": 3, "LT-01": 15, "LT-02": 10, "DD-04": 22, "BTXH-03": 25}


def seed_agencies(data: dict) -> None:
    for pos, ag in enumerate(data.get("agency", [])):
        Agency.insert(code=ag["code"], name=ag["name"], own=bool(ag.get("own", True)),
                      book=ag.get("book", ""), unit_code=ag.get("unit_code", ""),
                      position=pos).on_conflict_ignore().execute()


def _law_values(proc: dict) -> dict:
    """The columns of upgrade 14 for one row of the shipped file."""
    days = int(proc["days"])
    unit = proc.get("time_unit") or ("same_day" if days == 0 else "working_days")
    return {"national_code": proc.get("national_code", ""), "agency": proc.get("agency", "ubnd_xa"),
            "time_unit": unit, "extension_days": int(proc.get("extension_days", 0)),
            "legal_basis": proc.get("legal_basis", ""), "source_note": proc.get("source_note", ""),
            "verified": bool(proc.get("verified", False)), "fee_kind": proc.get("fee_kind", "fixed"),
            "fee_rule": dict(proc.get("fee_rule", {}))}


def reconcile_shipped(data: dict | None = None) -> list[str]:
    """Bring rows made before upgrade 14 up to the shipped catalogue (inside the upgrade's write).

    Every version of a shipped procedure gets the file's sources (code, agency, legal basis…): they say
    where the rule comes from, not what it is.  A limit the review corrected is never changed in place
    (a case keeps the version it was received under): when the newest version still has the old limit,
    a new version with the corrected one takes effect today, with an audit row.  Returns those codes."""
    if not Procedure.select().exists():
        return []
    data = data or load_catalogue_file()
    seed_agencies(data)
    shipped = {p["code"]: p for p in data.get("procedure", [])}
    for code, proc in shipped.items():
        law = _law_values(proc)
        law.pop("time_unit")
        Procedure.update(**law).where((Procedure.code == code) & (Procedure.national_code == "")
                                      & (Procedure.legal_basis == "")).execute()
    corrected = []
    today = context.today()
    for code, old_days in OLD_LIMITS.items():
        proc = shipped.get(code)
        newest = (Procedure.select().where(Procedure.code == code)
                  .order_by(Procedure.effective_from.desc(), Procedure.version.desc()).first())
        if proc is None or newest is None or newest.days != old_days or newest.time_unit != "working_days":
            continue
        law = _law_values(proc)
        values = {f: getattr(newest, f) for f in ("code", "field", "department", "name", "name_folded", "fee",
                                                     "fee_note", "result", "papers", "active")}
        values.update(law, days=int(proc["days"]), version=newest.version + 1,
                      effective_from=max(today, newest.effective_from))
        if newest.effective_from >= today:
            values["version"] = newest.version
            Procedure.update(**{k: v for k, v in values.items() if k not in ("code", "version")}).where(
                Procedure.id == newest.id).execute()
        else:
            Procedure.create(**values)
        now = context.now()
        # the same shape as an admin's edit: the version, its date and the fields it set, new values only
        audit.record(case_id=None, actor="system", action="procedure_edit", at=now, recorded_at=now,
                     note=_("Sửa thời hạn theo rà soát pháp lý (bản phát hành)."),
                     changes={"code": code, "version": values["version"],
                              "effective_from": values["effective_from"].isoformat(),
                              "days": int(proc["days"]), **{("agency_code" if k == "agency" else k): v
                                                             for k, v in law.items()},
                              "previous_days": old_days})
        corrected.append(code)
    return corrected


def seed(data: dict | None = None) -> int:
    """Load agencies, departments, fields and procedures into an empty catalogue (inside a write)."""
    data = data or load_catalogue_file()
    effective = dt.date.fromisoformat(str(data.get("version_effective_from", "2025-07-01")))
    seed_agencies(data)
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
                         papers=[_paper_dict(p) for p in proc.get("papers", [])],
                         active=bool(proc.get("active", True)), **_law_values(proc))
        count += 1
    return count


def _paper_dict(p: dict) -> dict:
    return {"name": p["name"], "original": int(p.get("original", 1)), "copies": int(p.get("copies", 0)),
            "optional": bool(p.get("optional", False))}


def agencies() -> dict[str, Agency]:
    return {a.code: a for a in Agency.select().order_by(Agency.position, Agency.code)}


def own_agency_codes() -> list[str]:
    """The agencies that are the People's Committee itself (its report, its ledger, its code series)."""
    codes = [a.code for a in Agency.select(Agency.code).where(Agency.own == True)]  # noqa: E712
    return codes or ["ubnd_xa"]


def to_view(proc: Procedure, fields: dict | None = None, departments: dict | None = None,
            agency_rows: dict | None = None) -> ProcedureView:
    fld = (fields or {}).get(proc.field_code) or proc.field
    dep_code = proc.department_code or ""
    dep = (departments or {}).get(dep_code) if departments is not None else proc.department
    agency = (agency_rows if agency_rows is not None else agencies()).get(proc.agency)
    return ProcedureView(
        id=proc.id, code=proc.code, version=proc.version, effective_from=proc.effective_from,
        field_code=proc.field_code, field_name=fld.name, department_code=dep_code,
        department_name=dep.name if dep else "", name=proc.name, days=proc.days, fee=proc.fee,
        fee_note=proc.fee_note, result=proc.result,
        papers=tuple(PaperView(name=p["name"], original=p["original"], copies=p["copies"],
                               optional=p.get("optional", False), received=not p.get("optional", False))
                     for p in proc.papers or ()),
        active=proc.active, national_code=proc.national_code or "", agency=proc.agency,
        agency_name=agency.name if agency else proc.agency, agency_own=agency.own if agency else True,
        time_unit=proc.time_unit, extension_days=proc.extension_days, legal_basis=proc.legal_basis or "",
        source_note=proc.source_note or "", verified=bool(proc.verified), fee_kind=proc.fee_kind,
        fee_rule=dict(proc.fee_rule or {}),
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
    agency_rows = agencies()
    rows = [p for p in _current_rows(on).values() if include_inactive or p.active]
    order = {code: f.position for code, f in fields.items()}
    rows.sort(key=lambda p: (order.get(p.field_code, 99), p.code))
    return [to_view(p, fields, departments, agency_rows) for p in rows]


def procedure_row(code: str, *, on: dt.date | None = None) -> Procedure:
    on = on or context.today()
    code = (code or "").strip().upper()
    proc = (Procedure.select().where((Procedure.code == code) & (Procedure.effective_from <= on))
            .order_by(Procedure.effective_from.desc(), Procedure.version.desc()).first())
    if proc is None:
        raise NotFound(_("Không có thủ tục mã {code}.").format(code=code or "?"))
    if not proc.active:
        agency = Agency.get_or_none(Agency.code == proc.agency)
        if agency is not None and not agency.own:
            raise BadInput(_("Thủ tục {code} thuộc thẩm quyền của {agency} và chưa được bật tại đơn vị này; "
                             "quản trị bật khi đơn vị tiếp nhận thay {agency} (casedesk-cli procedures enable "
                             "{code}).").format(code=code, agency=agency.name), field="procedure")
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
            try:
                fee = int(fee)
            except (TypeError, ValueError, OverflowError):
                raise BadInput(_("Lệ phí phải là số đồng, ví dụ 12000."), field="fee") from None
            if fee < 0:
                raise BadInput(_("Lệ phí không được âm."), field="fee")
            if fee > 100_000_000:       # as at intake; and a number the register can hold (2**63 was not)
                raise BadInput(_("Lệ phí phải từ 0 đến 100.000.000 đồng."), field="fee")
            changes["fee"] = fee
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
                      papers=base.papers, active=base.active,
                      **{k: getattr(base, k) for k in ("national_code", "agency", "time_unit", "extension_days",
                                                       "legal_basis", "source_note", "verified", "fee_kind",
                                                       "fee_rule")})
        if "days" in changes and base.time_unit == "same_day" and changes["days"]:
            values["time_unit"] = "working_days"
        if "days" in changes and base.time_unit == "working_days" and not changes["days"]:
            values["time_unit"] = "same_day"
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


def due_for(proc, received: dt.datetime, *, extra_days: int = 0):
    """The due date of a dossier of ``proc`` (a row or a view) received at ``received``, in the law's unit."""
    unit = proc.time_unit
    days = proc.days + extra_days
    if unit == "same_day" and extra_days:
        unit = "working_days"           # the verification extension counts working days
    return context.calendar().due(received, days, cutoff=context.settings().cutoff_time, unit=unit)


def series_for(view: ProcedureView, settings, day: dt.date) -> tuple[str, str]:
    """The dossier-code series and the ledger book of a dossier of ``view`` received on ``day``.

    The People's Committee's own procedures use the office's unit code and ledger book; another
    agency's use the agency's unit code (or the office's followed by the agency's book tag) and a
    book of their own, so they never mix into the committee's numbering."""
    base_book = settings.ledger_book or str(day.year)
    if view.agency_own:
        return settings.unit_code, base_book
    agency = Agency.get_or_none(Agency.code == view.agency)
    tag = (agency.book if agency and agency.book else view.agency.upper())[:8]
    series = agency.unit_code if agency and agency.unit_code else f"{settings.unit_code}-{tag}"
    return series, f"{base_book}-{tag}"[:16]
