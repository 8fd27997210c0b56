"""Importing an office's old Excel ledger: the real bulk intake.

``plan_import`` checks every row of a sheet read by ``ledger_sheet`` and says, line by line, why a row
is refused; ``run_import`` writes the good rows in batched transactions.  Each imported dossier keeps
its own code when the sheet gives one (else it gets the next code of its receiving day), its true dates,
and one audit row ``import`` in the chain holding everything its case row says, with the file and line
it came from.  A refused row is never half-imported; importing the same file again adds nothing (a row
whose code, or whose receiving time, name and procedure, is already in the register is counted as
already there).

What an old ledger cannot say is not made up: the papers handed in are unknown (none are listed), the
fee is recorded as 0, the officer is not named, and a dossier with neither a result nor a date of
hand-back is imported as received and waiting to be assigned.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Callable

from . import audit, context, search, workflow
from .db import database, is_sqlite, write
from .errors import BadInput, CaseDeskError, NotAllowed
from .i18n import _
from .ledger_sheet import FIELDS, Sheet
from .models import Case, Procedure
from .text import (clean_line, clean_note, fold, name_sort_key, nfc, normalize_phone, person_name,
                   validate_id_number)

BATCH = 2000
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9.\-/]{3,63}$")
_OUR_CODE = re.compile(r"^(?P<unit>.+)-(?P<day>\d{6})-(?P<n>\d{4,})$")
_TAIL_PHONE = re.compile(r"^(?P<address>.*?)[\s;,\-–]*(?P<phone>(?:\+?84|0)[\d .]{8,14}\d)\s*$")
_DATE_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%H:%M %d/%m/%Y", "%H:%M, %d/%m/%Y", "%d/%m/%Y",
                 "%d-%m-%Y %H:%M", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
                 "%d/%m/%y")
_WITHDRAWN = ("rut", "dung giai quyet", "tra lai ho so")
_REFUSED = ("tu choi", "khong giai quyet", "khong du dieu kien")
_DONE = ("da giai quyet", "co ket qua", "hoan thanh", "da xong", "xong", "da duyet", "da cap", "dat",
         "da tra", "giai quyet xong")


@dataclass(frozen=True)
class Problem:
    line: int
    message: str


@dataclass
class Row:
    line: int
    code: str | None
    proc: Procedure
    name: str
    folded: str
    id_number: str
    phone: str
    address: str
    sets: int
    received_at: dt.datetime
    due_date: dt.date
    state: str
    outcome: str | None = None             # approved / refused / withdrawn: what the result was
    resolved_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None
    note: str = ""


@dataclass
class Plan:
    sheet: Sheet
    mapping: dict[str, int]
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    already: int = 0                       # rows already in the register (a re-import)

    @property
    def total(self) -> int:
        return len(self.rows) + len(self.problems) + self.already


@dataclass(frozen=True)
class ImportResult:
    imported: int
    already: int
    refused: int
    first_code: str = ""
    last_code: str = ""
    seconds: float = 0.0


# ------------------------------------------------------------------ reading one row

def parse_when(value, *, label: str) -> dt.datetime | None:
    """A date or date and time as a ledger holds it: an Excel date, a number Excel counts days with, or
    text such as 05/02/2026, 05/02/2026 08:05, 08:05 05/02/2026 or 2026-02-05."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value <= 80000:        # 1954..2119 as Excel counts days
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).replace(microsecond=0)
        raise BadInput(_("{label}: {value} không phải ngày tháng.").format(label=label, value=value))
    text = " ".join(nfc(str(value)).replace("lúc", " ").replace("ngày", " ").replace("giờ", ":").split())
    text = text.replace(" :", ":").replace(": ", ":")
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise BadInput(_("{label}: “{value}” không đọc được là ngày (viết dd/mm/yyyy, có thể kèm giờ hh:mm).")
                   .format(label=label, value=str(value)[:40]))


def _text(values: tuple, mapping: dict[str, int], key: str) -> str:
    i = mapping.get(key)
    if i is None or i >= len(values) or values[i] is None:
        return ""
    value = values[i]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _raw(values: tuple, mapping: dict[str, int], key: str):
    i = mapping.get(key)
    return None if i is None or i >= len(values) else values[i]


class _Catalogue:
    """Procedures by code and by folded name, every version (an old dossier keeps the rules of its day)."""

    def __init__(self):
        self.versions: dict[str, list[Procedure]] = {}
        self.by_name: dict[str, str] = {}
        for proc in Procedure.select().order_by(Procedure.code, Procedure.effective_from, Procedure.version):
            self.versions.setdefault(proc.code, []).append(proc)
            self.by_name.setdefault(fold(proc.name), proc.code)
            self.by_name[fold(proc.name)] = proc.code          # the newest name wins

        self.codes: dict[str, str] = {}

    def find(self, text: str, on: dt.date) -> Procedure:
        wanted = text.strip()
        code = self.codes.get(wanted)
        if code is None:
            code = wanted.upper()
            if code not in self.versions:
                code = self.by_name.get(fold(wanted), "")
            self.codes[wanted] = code
        if not code:
            raise BadInput(_("Không tìm thấy thủ tục “{text}” trong danh mục (ghi mã thủ tục hoặc đúng tên "
                             "thủ tục).").format(text=wanted[:80]))
        versions = [p for p in self.versions[code] if p.effective_from <= on]
        return versions[-1] if versions else self.versions[code][0]


def _split_address_phone(text: str) -> tuple[str, str]:
    found = _TAIL_PHONE.match(text)
    if found and len(re.sub(r"\D", "", found["phone"])) >= 9:
        return found["address"].strip(" ;,-–"), found["phone"]
    return text.strip(" ;,"), ""


_OUTCOMES: dict[str, str | None] = {}


def _outcome(result: str) -> str | None:
    if result in _OUTCOMES:
        return _OUTCOMES[result]
    found = _read_outcome(result)
    if len(_OUTCOMES) < 10_000:
        _OUTCOMES[result] = found
    return found


def _read_outcome(result: str) -> str | None:
    folded = " ".join(re.sub(r"[^0-9a-z]+", " ", fold(result)).split())
    if not folded:
        return None
    padded = f" {folded} "
    if any(f" {w} " in padded for w in _REFUSED):
        return workflow.REFUSED
    if any(f" {w} " in padded for w in _WITHDRAWN):
        return workflow.WITHDRAWN
    if any(f" {w} " in padded for w in _DONE):
        return workflow.APPROVED
    return None


def _row(line: int, values: tuple, mapping: dict[str, int], cat: _Catalogue, now: dt.datetime,
         labels: dict[str, str]) -> Row:
    code = nfc(_text(values, mapping, "code")).upper().replace(" ", "") or None
    if code is not None and not _CODE.match(code):
        raise BadInput(_("Mã hồ sơ “{code}” có ký tự không hợp lệ.").format(code=code[:70]))
    name = person_name(_text(values, mapping, "name"), label=labels["name"])
    received = parse_when(_raw(values, mapping, "received"), label=labels["received"])
    if received is None:
        raise BadInput(_("Thiếu ngày nhận hồ sơ."))
    if received > now:
        raise BadInput(_("Ngày nhận {d} ở tương lai.").format(d=f"{received:%d/%m/%Y}"))
    if received.year < 2000:
        raise BadInput(_("Ngày nhận {d} quá xa (trước năm 2000).").format(d=f"{received:%d/%m/%Y}"))
    procedure = _text(values, mapping, "procedure")
    if not procedure:
        raise BadInput(_("Thiếu thủ tục."))
    proc = cat.find(procedure, received.date())
    id_text = _text(values, mapping, "id_number")
    id_number = validate_id_number(id_text) if id_text else ""
    address = _text(values, mapping, "address")
    phone = _text(values, mapping, "phone")
    if "address_phone" in mapping:
        address, phone = _split_address_phone(_text(values, mapping, "address_phone"))
    phone = normalize_phone(phone)
    address = clean_line(address, field="address", label=labels["address"], max_len=300, required=False)
    sets_text = _text(values, mapping, "sets")
    try:
        sets = int(sets_text) if sets_text else 1
    except ValueError:
        raise BadInput(_("Số bộ hồ sơ “{n}” không phải số.").format(n=sets_text[:20])) from None
    if not 1 <= sets <= 99:
        raise BadInput(_("Số bộ hồ sơ phải từ 1 đến 99."))
    due_at = parse_when(_raw(values, mapping, "due"), label=labels["due"])
    if due_at is not None:
        due = due_at.date()
        if due < received.date():
            raise BadInput(_("Hẹn trả {due} sớm hơn ngày nhận {got}.").format(
                due=f"{due:%d/%m/%Y}", got=f"{received:%d/%m/%Y}"))
    else:
        due = context.calendar().due(received, proc.days, cutoff=context.settings().cutoff_time).due
    resolved = parse_when(_raw(values, mapping, "resolved"), label=labels["resolved"])
    delivered = parse_when(_raw(values, mapping, "delivered"), label=labels["delivered"])
    for when, label in ((resolved, labels["resolved"]), (delivered, labels["delivered"])):
        if when is not None and when < received.replace(hour=0, minute=0, second=0):
            raise BadInput(_("{label} {d} sớm hơn ngày nhận.").format(label=label, d=f"{when:%d/%m/%Y}"))
        if when is not None and when > now:
            raise BadInput(_("{label} {d} ở tương lai.").format(label=label, d=f"{when:%d/%m/%Y}"))
    outcome = _outcome(_text(values, mapping, "result"))
    note = clean_note(_text(values, mapping, "note"))
    row = Row(line=line, code=code, proc=proc, name=name, folded=fold(name), id_number=id_number, phone=phone, address=address,
              sets=sets, received_at=received, due_date=due, state=workflow.RECEIVED, note=note)
    if delivered is not None:
        row.delivered_at = max(delivered, received)
        row.resolved_at = max(min(resolved or row.delivered_at, row.delivered_at), received)
        row.outcome = outcome or workflow.APPROVED
        row.state = workflow.WITHDRAWN if row.outcome == workflow.WITHDRAWN else workflow.DELIVERED
    elif resolved is not None:
        row.resolved_at = max(resolved, received)
        row.outcome = outcome or workflow.APPROVED
        row.state = row.outcome
    elif outcome is not None:
        raise BadInput(_("Cột kết quả ghi “{text}” nhưng không có ngày có kết quả hay ngày trả: ghi ngày để "
                         "biết hồ sơ giải quyết khi nào.").format(text=_text(values, mapping, "result")[:40]))
    return row


# ------------------------------------------------------------------ planning

def plan_import(sheet: Sheet, mapping: dict[str, int]) -> Plan:
    """Every row checked; nothing written."""
    plan = Plan(sheet=sheet, mapping=mapping)
    cat = _Catalogue()
    now = context.now()
    seen_codes: dict[str, int] = {}
    seen_keys: dict[tuple, int] = {}
    labels = {k: _(v) for k, v in FIELDS}
    for line, values in sheet.rows:
        try:
            row = _row(line, values, mapping, cat, now, labels)
        except CaseDeskError as exc:
            plan.problems.append(Problem(line, exc.message))
            continue
        if row.code is not None:
            if row.code in seen_codes:
                plan.problems.append(Problem(line, _("Trùng mã hồ sơ {code} với dòng {other}.").format(
                    code=row.code, other=seen_codes[row.code])))
                continue
            seen_codes[row.code] = line
        else:
            key = (row.received_at, row.folded, row.proc.code)
            if key in seen_keys:
                plan.problems.append(Problem(line, _("Trùng dòng {other} (cùng người nộp, thủ tục và thời điểm "
                                                     "nhận).").format(other=seen_keys[key])))
                continue
            seen_keys[key] = line
        plan.rows.append(row)
    _drop_already_there(plan)
    return plan


def _drop_already_there(plan: Plan) -> None:
    db = database.obj
    p = db.param
    coded = [r.code for r in plan.rows if r.code]
    there: set[str] = set()
    for start in range(0, len(coded), 500):
        chunk = coded[start:start + 500]
        sql = f'SELECT code FROM "case" WHERE code IN ({", ".join([p] * len(chunk))})'
        there.update(c for (c,) in db.execute_sql(sql, chunk).fetchall())
    uncoded = [r for r in plan.rows if not r.code]
    keys: set[tuple] = set()
    if uncoded:
        first = min(r.received_at for r in uncoded).date()
        last = max(r.received_at for r in uncoded).date()
        query = (Case.select(Case.received_at, Case.name_folded, Procedure.code)
                 .join(Procedure, on=(Case.procedure == Procedure.id))
                 .where(Case.received_on.between(first, last)).tuples())
        keys = {(at.replace(microsecond=0), folded, code) for at, folded, code in query}
    kept = []
    for row in plan.rows:
        if (row.code and row.code in there) or (
                not row.code and (row.received_at, row.folded, row.proc.code) in keys):
            plan.already += 1
        else:
            kept.append(row)
    plan.rows = kept


# ------------------------------------------------------------------ writing

def _reserve(counter: str, day: dt.date, n: int) -> int:
    """Take ``n`` numbers of a day counter at once; the first of them."""
    db = database.obj
    p = db.param
    sql = (f'INSERT INTO "day_counter" (unit_code, day, last) VALUES ({p}, {p}, {p}) '
           f'ON CONFLICT (unit_code, day) DO UPDATE SET last = "day_counter".last + {p} RETURNING last')
    value = day.isoformat() if is_sqlite(db) else day
    return db.execute_sql(sql, (counter, value, n, n)).fetchone()[0] - n + 1


def _raise_to(counter: str, day: dt.date, number: int) -> None:
    """A kept code of this office's own series: the day's counter must not hand its number out again."""
    db = database.obj
    p = db.param
    value = day.isoformat() if is_sqlite(db) else day
    db.execute_sql(f'INSERT INTO "day_counter" (unit_code, day, last) VALUES ({p}, {p}, {p}) '
                   f'ON CONFLICT (unit_code, day) DO UPDATE SET last = CASE WHEN "day_counter".last < {p} '
                   f'THEN {p} ELSE "day_counter".last END', (counter, value, number, number, number))


_COLUMNS = ("code", "procedure_id", "field_code", "state", "channel", "citizen_name", "name_folded", "name_sort",
            "id_number", "phone", "address", "email", "sets", "fee", "pickup", "received_at", "received_on",
            "due_date", "original_due_date", "received_by_id", "extended", "resolved_at", "resolved_on",
            "delivered_at", "receiver", "ledger_book", "ledger_no", "last_event_at", "updated_at")


def _write_batch(rows: list[Row], *, admin, unit: str, book_setting: str, source: str, now: dt.datetime) -> list[str]:
    db = database.obj
    sqlite = is_sqlite(db)
    p = db.param
    with write():
        # codes: kept, or the next of the receiving day; this office's kept codes move its counters on
        by_day: dict[dt.date, list[Row]] = {}
        for row in rows:
            if row.code is None:
                by_day.setdefault(row.received_at.date(), []).append(row)
            else:
                ours = _OUR_CODE.match(row.code)
                if ours and ours["unit"] == unit:
                    try:
                        day = dt.datetime.strptime(ours["day"], "%y%m%d").date()
                    except ValueError:
                        continue
                    _raise_to(unit, day, int(ours["n"]))
        for day, group in by_day.items():
            first = _reserve(unit, day, len(group))
            for i, row in enumerate(group):
                row.code = f"{unit}-{day:%y%m%d}-{first + i:04d}"
        ordered = sorted(rows, key=lambda r: (r.received_at, r.line))
        books: dict[str, list[Row]] = {}
        for row in ordered:
            books.setdefault(book_setting or str(row.received_at.year), []).append(row)
        numbers: dict[int, tuple[str, int]] = {}
        for book, group in books.items():
            first = _reserve(f"LEDGER:{book}", dt.date(group[0].received_at.year, 1, 1), len(group))
            for i, row in enumerate(group):
                numbers[row.line] = (book, first + i)
        values = []
        for row in ordered:
            book, number = numbers[row.line]
            last = max(t for t in (row.received_at, row.resolved_at, row.delivered_at) if t is not None)
            resolved_on = row.resolved_at.date() if row.resolved_at else None
            values.append((row.code, row.proc.id, row.proc.field_code, row.state, "in_person", row.name, row.folded,
                           name_sort_key(row.name), row.id_number, row.phone, row.address, "", row.sets, 0, "desk",
                           row.received_at, row.received_at.date(), row.due_date, row.due_date, admin.id, False,
                           row.resolved_at, resolved_on, row.delivered_at,
                           row.name if row.delivered_at else "", book, number, last, now))
        if sqlite:       # the dates and times as peewee writes them to SQLite; the flag as 0/1
            dated = [i for i, name in enumerate(_COLUMNS) if name in _DATED or name == "extended"]
            values = [list(value) for value in values]
            for value in values:
                for i in dated:
                    value[i] = _sqlite_value(value[i])
        sql = (f'INSERT INTO "case" ({", ".join(_COLUMNS)}) VALUES ({", ".join([p] * len(_COLUMNS))})')
        cursor = db.cursor()
        cursor.executemany(sql, values)
        ids: dict[str, int] = {}
        codes = [row.code for row in ordered]
        for start in range(0, len(codes), 500):
            chunk = codes[start:start + 500]
            found = db.execute_sql(f'SELECT code, id FROM "case" WHERE code IN ({", ".join([p] * len(chunk))})', chunk)
            ids.update(found.fetchall())
        search.index_cases([(ids[row.code], row.folded) for row in ordered])
        entries = []
        for row in ordered:
            book, number = numbers[row.line]
            changes = {"code": row.code, "procedure": row.proc.code, "version": row.proc.version,
                       "state": row.state, "due_date": row.due_date.isoformat(), "citizen_name": row.name,
                       "received_at": row.received_at.isoformat(sep=" "), "sets": row.sets,
                       "ledger": f"{book}/{number}", "source": f"{source}:{row.line}"}
            for key, value in (("id_number", row.id_number), ("phone", row.phone), ("address", row.address),
                               ("outcome", row.outcome),
                               ("resolved_at", row.resolved_at and row.resolved_at.isoformat(sep=" ")),
                               ("delivered_at", row.delivered_at and row.delivered_at.isoformat(sep=" "))):
                if value:
                    changes[key] = value
            entries.append(dict(case_id=ids[row.code], actor=admin.login, action="import", at=row.received_at,
                                recorded_at=now, to_state=row.state, note=row.note, changes=changes,
                                late_entry=True))
        audit.record_many(entries)
    return [row.code for row in ordered]


_DATED = {"received_at", "received_on", "due_date", "original_due_date", "resolved_at", "resolved_on",
          "delivered_at", "last_event_at", "updated_at"}


def _sqlite_value(value):
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def run_import(plan: Plan, *, actor: str, batch: int = BATCH,
               progress: Callable[[int, int, str], None] | None = None) -> ImportResult:
    """Write the plan's good rows, ``batch`` a transaction; an administrator's work."""
    import time

    from .services import auth

    started = time.perf_counter()
    user = auth.acting_user(actor)
    if user.role != "admin":
        auth.record_refusal(user.login, "import", _("chỉ quản trị được làm"))
        raise NotAllowed(_("Chỉ quản trị được nhập sổ cũ."))
    settings = context.settings()
    now = context.now()
    total = len(plan.rows)
    written: list[str] = []
    for start in range(0, total, batch):
        chunk = plan.rows[start:start + batch]
        written += _write_batch(chunk, admin=user, unit=settings.unit_code, book_setting=settings.ledger_book,
                                source=plan.sheet.path.name, now=now)
        if progress is not None:
            progress(min(start + batch, total), total, _("Đã nhập {n} / {total} hồ sơ").format(
                n=min(start + batch, total), total=total))
    return ImportResult(imported=len(written), already=plan.already, refused=len(plan.problems),
                        first_code=written[0] if written else "", last_code=written[-1] if written else "",
                        seconds=time.perf_counter() - started)


def plan_json(plan: Plan, result: ImportResult | None = None) -> dict:
    """What ``import ledger --json`` prints."""
    labels = dict(FIELDS)
    doc = {
        "file": str(plan.sheet.path), "sheet": plan.sheet.name, "header_line": plan.sheet.header_line,
        "mapping": {key: plan.sheet.column_label(i) for key, i in plan.mapping.items()},
        "unmapped": [_(labels[k]) for k in labels if k not in plan.mapping],
        "rows": plan.total, "ready": len(plan.rows), "already": plan.already,
        "refused": [{"line": pr.line, "reason": pr.message} for pr in plan.problems],
        "dry_run": result is None,
    }
    if result is not None:
        doc.update(imported=result.imported, first_code=result.first_code, last_code=result.last_code,
                   seconds=round(result.seconds, 2))
    return doc
