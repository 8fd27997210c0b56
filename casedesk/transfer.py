"""Copying a whole register from one database to another, through the models.

Two things use it: ``casedesk-cli move-to`` (an office that started on one PC moves to its
server, or a server office comes back to one file), and the backups of a server office (a
copy of the PostgreSQL register into a SQLite file, verified by the same checks as any backup).

Everything a register is goes across, row for row with the same ids: meta (schema version,
``register_id``, the audit head), settings, departments, fields, users (password hashes
included), every catalogue version, the papers lists, cases, the whole audit trail, the day
counters, the office's holiday years and its receipt signing key (``office_key``).  Values pass through the peewee fields, so dates,
times, booleans and digests come out in the target engine's own types.  The copy is written in
one transaction on the target and checked before it commits: every table's count against the
source, and the audit hash chain walked end to end on the target.  A failed check leaves the
target as empty as it was.

The source is read in one transaction that holds its write lock (SQLite's ``BEGIN IMMEDIATE``;
on PostgreSQL an advisory lock every ``db.write()`` takes shared): no desk can write between the
copy and the moment the source is marked, and a desk's write that waited meanwhile then finds the
mark (``db.write`` reads it under the same lock) and is refused: nothing written is left behind.
A server backup reads one REPEATABLE READ snapshot instead, without stopping anyone.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse

import peewee

from . import audit, context
from .db import (MOVE_LOCK, MOVED_KEY, SCHEMA_VERSION, _make_database, database, is_sqlite, moved_mark, moved_sentence,
                 upgrade_schema)
from .errors import BadInput, ConnectionSetup, IntegrityProblem, NotAllowed, Unavailable
from .i18n import N_, _, format_int
from .models import (Agency, Case, Department, DayCounter, Duty, Event, Field, FormNumber, HolidayYear, IntakeRefusal,
                     Meta, OfficeKey, PaperList, Procedure, Setting, User)

# Every table of a register, in the order their foreign keys need (a test checks none is missing).
MODELS = [Meta, Setting, Department, Agency, Field, User, Procedure, PaperList, Case, Event, DayCounter,
          HolidayYear, IntakeRefusal, FormNumber, Duty, OfficeKey]
# Tables with a serial id (PostgreSQL's sequence is moved past the copied ids).
SERIAL = [User, Procedure, PaperList, Case, Event, IntakeRefusal, FormNumber, Duty, OfficeKey]
BATCH = 2000
# What people call each table in the progress lines and the count check.
LABELS = {
    "meta": N_("thông tin sổ"), "setting": N_("cài đặt"), "department": N_("phòng ban"), "field": N_("lĩnh vực"),
    "user": N_("người dùng"), "procedure": N_("thủ tục"), "paper_list": N_("danh sách giấy tờ"),
    "case": N_("hồ sơ"), "event": N_("dòng nhật ký"), "day_counter": N_("bộ đếm số hồ sơ"),
    "holiday_year": N_("lịch nghỉ"), "intake_refusal": N_("hồ sơ từ chối tiếp nhận"),
    "form_number": N_("số văn bản đã cấp"), "duty": N_("lịch trực"), "agency": N_("cơ quan giải quyết"),
    "office_key": N_("khóa ký giấy hẹn"),    # both halves: a server backup must be able to sign receipts again
}

Progress = Callable[[str, int, int], None]      # (table label, rows done, rows in that table)


@dataclass(frozen=True)
class CopyResult:
    counts: dict[str, int]          # rows copied, by table
    audit_rows: int


def describe(target: str) -> str:
    """A register's place as people read it: the file's path, or the server's URL without password."""
    text = os.fspath(target)
    if "://" in text and not text.startswith("sqlite"):
        p = urlparse(text)
        user = f"{p.username}@" if p.username else ""
        port = f":{p.port}" if p.port else ""
        return f"postgresql://{user}{p.hostname or 'localhost'}{port}{p.path}"
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///"):]
    return str(Path(text).expanduser().resolve())


def _label(model) -> str:
    return _(LABELS.get(model._meta.table_name, model._meta.table_name))


def _plain(row: dict) -> dict:
    """A row as the other engine takes it: PostgreSQL hands digests back as memoryview."""
    return {k: bytes(v) if isinstance(v, memoryview) else v for k, v in row.items()}


def _read_batches(src: peewee.Database, model, batch: int = BATCH):
    """The model's rows of ``src`` as dicts, in batches; large tables page by id."""
    pk = model._meta.primary_key
    keyed = isinstance(pk, peewee.AutoField)
    last = 0
    while True:
        with src.bind_ctx(MODELS, bind_refs=False, bind_backrefs=False):
            query = model.select()
            if keyed:
                query = query.where(pk > last).order_by(pk).limit(batch)
            rows = [_plain(r) for r in query.dicts()]
        if rows:
            yield rows
        if not keyed or len(rows) < batch:
            return
        last = rows[-1][pk.name]


def source_counts(src: peewee.Database) -> dict[str, int]:
    with src.bind_ctx(MODELS, bind_refs=False, bind_backrefs=False):
        return {m._meta.table_name: m.select().count() for m in MODELS}


def _insert(model, rows: list[dict]) -> None:
    """Rows as the model's fields make them for the database, written with the driver's executemany
    (peewee's insert_many spends most of a move building SQL text: 28 of 47 s for 10,000 cases)."""
    db = database.obj
    fields = model._meta.sorted_fields
    sqlite = is_sqlite(db)

    def value(field, raw):
        if raw is None:
            return None
        if isinstance(field, peewee.BlobField):
            return bytes(raw)
        converted = field.db_value(raw)
        if sqlite and isinstance(converted, (dt.date, dt.datetime)):
            return str(converted)              # as peewee stores them: "2026-11-02 09:00:00", "2026-11-02"
        return converted

    data = [tuple(value(f, r.get(f.name)) for f in fields) for r in rows]
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    table = model._meta.table_name
    cursor = db.cursor()
    if sqlite:
        marks = ", ".join("?" for _f in fields)
        cursor.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', data)
    else:
        from psycopg2.extras import execute_values

        execute_values(cursor, f'INSERT INTO "{table}" ({columns}) VALUES %s', data, page_size=1000)


def _fix_sequences(db: peewee.Database) -> None:
    if is_sqlite(db):
        return
    for model in SERIAL:
        table = model._meta.table_name
        db.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"COALESCE((SELECT max(id) FROM \"{table}\"), 1), (SELECT max(id) FROM \"{table}\") IS NOT NULL)")


def copy_into(src: peewee.Database, *, expected: dict[str, int], progress: Progress | None = None,
              skip_meta: tuple[str, ...] = (MOVED_KEY,), walk_chain: bool = True) -> CopyResult:
    """Copy every row of ``src`` into the open database (``database.obj``, schema made, tables empty)
    inside the caller's transaction, then check counts and the chain there.

    Raises ``IntegrityProblem`` (the caller rolls back) when the copy is not the source."""
    target = database.obj
    Meta.delete().execute()                 # the target's own schema_version: the source's comes across
    counts: dict[str, int] = {}
    for model in MODELS:
        table = model._meta.table_name
        total = expected.get(table, 0)
        done = 0
        if progress is not None:
            progress(_label(model), 0, total)
        for rows in _read_batches(src, model):
            if model is Meta:
                rows = [r for r in rows if r["key"] not in skip_meta]
            _insert(model, rows)
            done += len(rows)
            if progress is not None:
                progress(_label(model), done, total)
        counts[table] = done
    _fix_sequences(target)
    if is_sqlite(target):
        from . import search

        search.rebuild_index(target)
    context.reset()
    check = {m._meta.table_name: m.select().count() for m in MODELS}
    wrong = [f"{_(LABELS.get(t, t))}: {format_int(check[t])} / {format_int(n)}"
             for t, n in expected.items() if check.get(t) != n and t != "meta"]
    if wrong:
        raise IntegrityProblem(_("Bản chép không đủ dòng so với bản gốc ({what}); chưa ghi gì.").format(
            what="; ".join(wrong)))
    if not walk_chain:          # a backup: the backup's own check walks it once the file is written
        return CopyResult(counts=counts, audit_rows=check.get("event", 0))
    chain = audit.verify_chain()
    if not chain.ok:
        raise IntegrityProblem(_("Chuỗi nhật ký của bản chép không khớp: {why}; chưa ghi gì.").format(
            why=chain.problem))
    return CopyResult(counts=counts, audit_rows=chain.rows)


# ------------------------------------------------------------------ the source's write lock

class source_lock:
    """A transaction on the source that keeps every desk from writing until it ends."""

    def __init__(self, src: peewee.Database, *, lock: bool = True):
        self.src = src
        self.lock = lock
        self.txn = None

    def __enter__(self):
        if is_sqlite(self.src):
            self.txn = self.src.atomic("IMMEDIATE" if self.lock else "DEFERRED")
            try:
                self.txn.__enter__()
            except peewee.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                raise Unavailable(_("Sổ hồ sơ đang có máy khác ghi suốt 30 giây: hãy đóng CaseDesk trên các máy "
                                    "khác rồi chạy lại; chưa chuyển gì.")) from None
        else:
            self.txn = self.src.atomic()
            self.txn.__enter__()
            if self.lock:
                # every desk's write takes MOVE_LOCK shared first: once this holds it, no write is under way
                # and none can start, so each statement here reads the same register (and the writers, let
                # in after the mark is committed, see it and are refused)
                self.src.execute_sql("SELECT pg_advisory_xact_lock(%s)", (MOVE_LOCK,))
                self.src.execute_sql("SELECT value FROM meta WHERE key = %s FOR UPDATE", (audit.HEAD_KEY,))
            else:   # a backup: one snapshot, the desks writing meanwhile
                self.src.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return self

    def mark(self, mark: dict) -> None:
        value = json.dumps(mark, ensure_ascii=False)
        p = self.src.param
        self.src.execute_sql(f"DELETE FROM meta WHERE key = {p}", (MOVED_KEY,))
        self.src.execute_sql(f"INSERT INTO meta (key, value) VALUES ({p}, {p})", (MOVED_KEY, value))

    def __exit__(self, *exc):
        return self.txn.__exit__(*exc)


# ------------------------------------------------------------------ the target

def _is_url(text: str) -> bool:
    return "://" in text and not text.startswith("sqlite")


def _connect_target(target: str, password: str | None = None) -> peewee.Database:
    db = _make_database(target, password=password)
    try:
        db.connect(reuse_if_open=True)
    except peewee.OperationalError as exc:
        raise ConnectionSetup(_("Không kết nối được tới {where}: {why}").format(
            where=describe(target), why=str(exc).strip().splitlines()[0] if str(exc).strip() else exc)) from None
    except ImportError:
        raise ConnectionSetup(_("Máy này thiếu thư viện kết nối PostgreSQL (psycopg2).")) from None
    return db


def empty_problem(db: peewee.Database) -> str:
    """Why a database cannot receive a register ("" when it can): it must hold no register at all
    (tables made by a desk that opened it, with no office in them yet, are fine)."""
    tables = set(db.get_tables())
    if not tables:
        return ""
    ours = {m._meta.table_name for m in MODELS}
    foreign = sorted(tables - ours - {"case_search", "case_search_term"}
                     - {t for t in tables if t.startswith("case_search_")})
    if foreign:
        return _("cơ sở dữ liệu đã có các bảng khác ({names})").format(names=", ".join(foreign[:5]))
    for table in ("user", "case", "event"):
        if table in tables and db.execute_sql(f'SELECT count(*) FROM "{table}"').fetchone()[0]:
            return _("cơ sở dữ liệu đã có một sổ hồ sơ (bảng {table} có dữ liệu)").format(table=table)
    version = db.execute_sql("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() \
        if "meta" in tables else None
    if version and int(version[0] or 0) > SCHEMA_VERSION:
        return _("cơ sở dữ liệu thuộc phiên bản CaseDesk mới hơn")
    return ""


@dataclass(frozen=True)
class MoveResult:
    source: str
    target: str
    counts: dict[str, int]
    audit_rows: int


def move_register(target: str, *, actor: str, progress: Progress | None = None,
                  password: str | None = None) -> MoveResult:
    """Copy the open register to ``target`` (an empty PostgreSQL database, or a new SQLite file),
    verify it there, record the move in the target's audit trail, and mark the source as moved.

    The open database stays bound to the source when this returns (marked: it refuses writes)."""
    src = database.obj
    if src is None:
        raise BadInput(_("Chưa mở cơ sở dữ liệu."))
    mark = moved_mark(src)
    if mark:
        raise NotAllowed(moved_sentence(mark))
    text = os.fspath(target).strip()
    if not text:
        raise BadInput(_("Chưa nói chuyển sổ đến đâu (tệp .sqlite3 mới hoặc postgresql://…)."), field="target")
    if is_sqlite(src) == (not _is_url(text)):
        raise BadInput(_("Chuyển sổ là từ SQLite lên PostgreSQL hoặc từ PostgreSQL về một tệp SQLite; "
                         "để có một bản sao cùng loại, hãy dùng casedesk-cli backup."), field="target")
    where = describe(text)
    new_file = None
    if not _is_url(text):
        path = Path(text.replace("sqlite:///", "")).expanduser().resolve()
        if path.exists():
            raise BadInput(_("Đã có tệp {path}: chỉ chuyển sổ vào một tệp mới.").format(path=path), field="target")
        new_file = path
    tgt = _connect_target(text, password)
    try:
        problem = empty_problem(tgt)
        if problem:
            raise BadInput(_("Không chuyển được sổ đến {where}: {why}. Chỉ chuyển vào một cơ sở dữ liệu trống.")
                           .format(where=where, why=problem), field="target")
        source_where = describe(src.database) if is_sqlite(src) else _server_of(src)
        with source_lock(src) as lock:
            expected = source_counts(src)
            database.initialize(tgt)
            context.reset()
            try:
                upgrade_schema(tgt)
                with tgt.atomic():
                    result = copy_into(src, expected=expected, progress=progress)
                    now = context.now()
                    audit.record(case_id=None, actor=actor, action="move_in", at=now, recorded_at=now,
                                 changes={"from": source_where, "to": where, "cases": expected.get("case", 0),
                                          "audit_rows": result.audit_rows})
            finally:
                database.initialize(src)
                context.reset()
            lock.mark({"to": where, "at": context.now().replace(microsecond=0).isoformat(), "by": actor})
        src.casedesk_moved_to = moved_mark(src)
        new_file = None            # done: the new file is the register now
    finally:
        if not tgt.is_closed():
            tgt.close()
        if new_file is not None:
            for leftover in (new_file, *[new_file.with_name(new_file.name + s) for s in ("-wal", "-shm")]):
                try:
                    leftover.unlink()
                except FileNotFoundError:
                    pass
    from .logs import logger

    logger().info("register moved from %s to %s by %s (%d audit rows)", source_where, where, actor,
                  result.audit_rows)
    return MoveResult(source=source_where, target=where, counts=result.counts, audit_rows=result.audit_rows + 1)


def _server_of(db: peewee.Database) -> str:
    if getattr(db, "server", None):          # CaseDeskPostgres: host:port/dbname, never the password
        return f"postgresql://{db.server}"
    params = db.connect_params
    user = f"{params.get('user')}@" if params.get("user") else ""
    port = f":{params.get('port')}" if params.get("port") else ""
    return f"postgresql://{user}{params.get('host') or 'localhost'}{port}/{db.database}"


def copy_to_file(path: Path, *, skip_meta: tuple[str, ...] = (), progress: Progress | None = None) -> CopyResult:
    """The open register (a server's) copied into a new SQLite file at ``path``, its counts checked there,
    made one self-contained file and synced: a server backup (``backup_now`` then checks the file:
    integrity, schema version, the whole chain).  The source is read in one
    snapshot (REPEATABLE READ) without stopping the desks."""
    src = database.obj
    path = Path(path)
    for extra in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
                  path.with_name(path.name + "-journal")):
        try:
            extra.unlink()
        except FileNotFoundError:
            pass
    tgt = _make_database(path)
    tgt.connect()
    done = False
    try:
        with source_lock(src, lock=False):
            expected = source_counts(src)
            database.initialize(tgt)
            context.reset()
            try:
                upgrade_schema(tgt)
                with tgt.atomic():
                    result = copy_into(src, expected=expected, progress=progress, skip_meta=skip_meta,
                                       walk_chain=False)
            finally:
                database.initialize(src)
                context.reset()
        tgt.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        tgt.execute_sql("PRAGMA journal_mode=DELETE")
        done = True
    finally:
        tgt.close()
        if not done:       # the server went away, or the copy did not hold every row: no half file left
            for extra in (path, *[path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal")]):
                extra.unlink(missing_ok=True)
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())
    return result
