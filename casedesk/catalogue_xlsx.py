"""The catalogue as a spreadsheet: ``procedures export`` writes it, ``procedures import`` reads it back
(or a province's published list laid out with the same column titles).

Columns are found by their title in the first row (accents and case ignored), so a province's list
with only some of them loads: a row needs a name, a field and a time limit.  A row without our code
is matched by its national code (mã TTHC), else gets the next free code of its field.  Every row is
checked before anything is written: the report says, line by line, what would be added, changed,
left as it is or refused and why; with ``dry_run`` nothing is written.  Otherwise the rows that
passed are applied in one transaction, one audit row each (``procedure_add`` / ``procedure_edit``).
"""
from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

from . import context
from .db import write
from .errors import BadInput, CaseDeskError
from .i18n import _
from .models import Procedure
from .text import fold, nfc

SHEET = "Danh mục TTHC"
# (key, title): the order export writes; import finds columns by title or key.
COLUMNS = (
    ("code", "Mã"), ("national_code", "Mã TTHC"), ("name", "Tên thủ tục"), ("field", "Lĩnh vực"),
    ("agency", "Cơ quan giải quyết"), ("days", "Thời hạn"), ("time_unit", "Đơn vị thời hạn"),
    ("extension_days", "Xác minh thêm (ngày làm việc)"), ("legal_basis", "Căn cứ pháp lý"),
    ("verified", "Đã đối chiếu"), ("source_note", "Ghi chú nguồn"), ("fee_kind", "Loại lệ phí"),
    ("fee", "Lệ phí (đồng)"), ("fee_note", "Ghi chú lệ phí"), ("result", "Kết quả"),
    ("papers", "Thành phần hồ sơ"), ("active", "Đang áp dụng"), ("effective_from", "Hiệu lực từ"),
)
UNIT_WORDS = {"working_days": "ngày làm việc", "days": "ngày theo lịch", "same_day": "trong ngày"}
FEE_WORDS = {"free": "miễn", "fixed": "cố định", "province": "theo Nghị quyết HĐND tỉnh",
             "per_page": "theo trang", "per_copy": "theo bản"}
YES = {"co", "x", "1", "true", "yes", "dung"}
NO = {"khong", "0", "false", "no", ""}
_PAPER = re.compile(r"^(?P<name>.+?)\s*\(bản chính:\s*(?P<o>\d+),\s*bản sao:\s*(?P<c>\d+)(?P<opt>,\s*tùy trường hợp)?\)$")


@dataclass(frozen=True)
class ImportLine:
    row: int                 # the spreadsheet's row number
    code: str
    status: str              # add | edit | same | refused
    reason: str = ""


# ------------------------------------------------------------------ export

def _paper_text(p: dict) -> str:
    opt = ", tùy trường hợp" if p.get("optional") else ""
    return f"{p['name']} (bản chính: {p.get('original', 1)}, bản sao: {p.get('copies', 0)}{opt})"


def export_bytes() -> bytes:
    """Every procedure in force today, active or not, one row each."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from .services import catalogue

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([title for _key, title in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for p in catalogue.list_procedures(include_inactive=True):
        values = {
            "code": p.code, "national_code": p.national_code, "name": p.name, "field": p.field_code,
            "agency": p.agency, "days": p.days, "time_unit": UNIT_WORDS[p.time_unit],
            "extension_days": p.extension_days, "legal_basis": p.legal_basis,
            "verified": "có" if p.verified else "không", "source_note": p.source_note,
            "fee_kind": FEE_WORDS.get(p.fee_kind, p.fee_kind), "fee": p.fee, "fee_note": p.fee_note,
            "result": p.result,
            "papers": "\n".join(_paper_text({"name": x.name, "original": x.original, "copies": x.copies,
                                             "optional": x.optional}) for x in p.papers),
            "active": "có" if p.active else "không", "effective_from": p.effective_from.isoformat(),
        }
        ws.append([values[key] for key, _title in COLUMNS])
    widths = {"name": 60, "legal_basis": 40, "source_note": 50, "papers": 70, "fee_note": 30, "result": 30}
    for i, (key, _title) in enumerate(COLUMNS, start=1):
        letter = ws.cell(row=1, column=i).column_letter
        ws.column_dimensions[letter].width = widths.get(key, 14)
        for cell in ws[letter][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "C2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ------------------------------------------------------------------ import

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return nfc(str(value)).strip()


def _header(cells) -> dict[str, int]:
    by_title = {fold(title): key for key, title in COLUMNS}
    by_title.update({key: key for key, _title in COLUMNS})
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = by_title.get(fold(_text(cell)))
        if key and key not in found:
            found[key] = i
    return found


def _unit(text: str) -> str:
    folded = fold(text)
    for unit, words in UNIT_WORDS.items():
        if folded in (unit, fold(words)):
            return unit
    if folded in ("ngay", "ngay lich"):
        return "days"
    if folded in ("lv", "ngay lam viec"):
        return "working_days"
    raise BadInput(_("Đơn vị thời hạn “{unit}” không rõ (ngày làm việc, ngày theo lịch, trong ngày).").format(
        unit=text[:40]))


def _fee_kind(text: str) -> str:
    folded = fold(text)
    for kind, words in FEE_WORDS.items():
        if folded in (kind, fold(words)):
            return kind
    raise BadInput(_("Loại lệ phí “{kind}” không rõ.").format(kind=text[:40]))


def _flag(text: str, label: str) -> bool:
    folded = fold(text)
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise BadInput(_("Cột “{label}” phải là có hoặc không.").format(label=label))


def _papers(text: str) -> list[dict]:
    papers = []
    for line in text.splitlines():
        line = line.strip().lstrip("-•").strip()
        if not line:
            continue
        m = _PAPER.match(line)
        if m:
            papers.append({"name": m["name"], "original": int(m["o"]), "copies": int(m["c"]),
                           "optional": bool(m["opt"])})
        else:
            papers.append({"name": line, "original": 1, "copies": 0, "optional": False})
    return papers


def _row_values(cells, columns: dict[str, int]) -> dict:
    raw = {key: _text(cells[i]) if i < len(cells) else "" for key, i in columns.items()}
    values: dict = {}
    for key in ("name", "field", "national_code", "agency", "legal_basis", "source_note", "fee_note", "result"):
        if raw.get(key):
            values[key] = raw[key]
    if raw.get("days"):
        values["days"] = raw["days"]
    if raw.get("time_unit"):
        values["time_unit"] = _unit(raw["time_unit"])
        if values["time_unit"] == "same_day" and not raw.get("days"):
            values["days"] = 0
    if raw.get("extension_days"):
        values["extension_days"] = raw["extension_days"]
    if "verified" in raw and raw["verified"]:
        values["verified"] = _flag(raw["verified"], _("Đã đối chiếu"))
    if "active" in raw and raw["active"]:
        values["active"] = _flag(raw["active"], _("Đang áp dụng"))
    fee = raw.get("fee", "")
    if raw.get("fee_kind"):
        values["fee_kind"] = _fee_kind(raw["fee_kind"])
    elif fee:
        folded = fold(fee)
        if folded in ("mien", "0", "khong"):
            values["fee_kind"] = "free"
        elif "hdnd" in folded or "nghi quyet" in folded:
            values["fee_kind"] = "province"
        else:
            values["fee_kind"] = "fixed"
    if fee and re.fullmatch(r"[\d.,\s]+", fee):
        values["fee"] = re.sub(r"[.,\s]", "", fee)
    elif "fee_kind" in values and values["fee_kind"] in ("free", "province"):
        values.setdefault("fee", 0)
    if raw.get("papers"):
        values["papers"] = _papers(raw["papers"])
    if values.get("time_unit") is None and "days" in values:
        values["time_unit"] = "same_day" if str(values["days"]).strip() in ("0", "") else "working_days"
    return values, raw.get("code", "").upper(), raw.get("effective_from", "")


def _read_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise BadInput(_("Tệp không phải bảng tính Excel (.xlsx) đọc được.")) from None
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    return rows


def import_bytes(data: bytes, *, actor: str, dry_run: bool = False) -> list[ImportLine]:
    """Check every row, then (unless ``dry_run``) apply the ones that passed; the report, line by line."""
    from .services import catalogue_admin as admin

    rows = _read_rows(data)
    if not rows:
        raise BadInput(_("Bảng tính trống."))
    columns = _header(rows[0])
    missing = [title for key, title in COLUMNS if key in ("name", "field") and key not in columns]
    if missing or ("days" not in columns and "time_unit" not in columns):
        raise BadInput(_("Dòng đầu của bảng tính phải có các cột Tên thủ tục, Lĩnh vực và Thời hạn."))
    report: list[ImportLine] = []
    plan: list[tuple[str, str, dict, str]] = []
    taken: set[str] = set()
    with write():
        admin._admin(actor, "procedure_import")
        for number, cells in enumerate(rows[1:], start=2):
            if not any(_text(c) for c in cells or ()):
                continue
            code = ""
            try:
                values, code, effective = _row_values(cells, columns)
                if not code and values.get("national_code"):
                    match = Procedure.select(Procedure.code).where(
                        Procedure.national_code == values["national_code"]).first()
                    code = match.code if match else ""
                cleaned = admin.clean(values)
                if code in taken:
                    raise BadInput(_("Mã {code} có ở một dòng trước trong bảng tính.").format(code=code))
                exists = bool(code) and Procedure.select().where(Procedure.code == code).exists()
                if exists:
                    newest = admin._newest(code)
                    if effective == newest.effective_from.isoformat():
                        effective = ""          # the version in force, as exported: a change starts today
                    admin._effective(effective)
                    current = admin._row_values(newest)
                    changed = {k: v for k, v in cleaned.items() if current.get(k) != v}
                    merged = dict(current, **changed)
                    admin._consistent(merged)
                    status = "edit" if changed else "same"
                    plan.append((status, code, changed, effective))
                else:
                    admin._effective(effective)
                    for key in ("name", "field", "days"):
                        if key not in cleaned:
                            raise BadInput(_("Thiếu {key} của thủ tục mới.").format(key=key))
                    if not code:
                        code = admin.next_code(cleaned["field"], taken)
                    elif not admin.CODE_RE.match(code):
                        raise BadInput(_("Mã thủ tục “{code}” không đúng dạng: mã lĩnh vực, gạch ngang, số "
                                         "(ví dụ HT-16).").format(code=code[:40]))
                    full = {"agency": "ubnd_xa", "time_unit": "working_days", "fee_kind": "free", "fee": 0}
                    full.update(cleaned)
                    for key in ("national_code", "legal_basis", "source_note", "fee_note", "result"):
                        full.setdefault(key, "")
                    full.setdefault("extension_days", 0)
                    full.setdefault("papers", [])
                    full.setdefault("fee_rule", {})
                    full.setdefault("verified", False)
                    full.setdefault("active", True)
                    admin._consistent(full)
                    status = "add"
                    plan.append((status, code, full, effective))
                taken.add(code)
                report.append(ImportLine(number, code, status))
            except CaseDeskError as exc:
                report.append(ImportLine(number, code, "refused", exc.message))
    if dry_run:
        return report
    with write():
        user = admin._admin(actor, "procedure_import")
        for status, code, values, effective in plan:
            if status == "add":
                admin_add(admin, actor, code, values, effective)
            elif status == "edit":
                base = admin._newest(code)
                admin._new_version(user, base, admin._effective(effective), values, "procedure_edit",
                                   _("Nhập từ bảng tính"), extra={"source": "import"})
    context.reset()
    return report


def admin_add(admin, actor: str, code: str, values: dict, effective) -> None:
    values = dict(values)
    admin.add_procedure(actor=actor, code=code, effective_from=effective or None, **values)
