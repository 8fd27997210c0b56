"""Backups and restore of the office's SQLite register.

A backup is a consistent copy made with SQLite's online backup API (never a
file copy of a live WAL database: the newest cases may still sit in ``-wal``).
The copy is turned into a single self-contained file (rollback journal mode),
written under a temporary name, synced, then *verified* on its own read-only
connection (SQLite integrity check, schema version, the whole audit hash chain)
before it gets its final name:

    casedesk_000.00.31.H26_2026-11-23_1705_v3.sqlite3
             unit code     date       time  schema version

Verification never touches the global ``DatabaseProxy``: it reads the copy with
plain ``sqlite3`` and recomputes each audit row's hash with ``audit.row_hash``,
so a backup taken on the desktop's worker thread does not disturb the open
register.

The automatic ones go to ``data_dir()/backups`` and are rotated like restic's
``forget --keep-daily 7 --keep-weekly 4 --keep-monthly 12``: for each of the
newest 7 days, 4 ISO weeks and 12 months that have a backup, the newest backup
of that period is kept; everything else of the same office is deleted.  A copy
that does not verify is kept as ``….sqlite3.unverified`` and stops rotation, so
a bad day never pushes good backups out.

Restore checks the file first, upgrades an older schema on a staged copy, keeps
the current register as a safety copy in ``backups/before-restore``, then swaps
the files (stale ``-wal``/``-shm`` removed first, atomic ``os.replace``) and
writes a ``restore`` row into the restored audit trail.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from . import audit, context
from .db import SCHEMA_VERSION, close_database, database, is_sqlite, open_database, schema_version, write
from .errors import BadInput, CaseDeskError, IntegrityProblem, NotAllowed, NotFound
from .i18n import _
from .paths import data_dir, default_db_path

KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_MONTHLY = 12
REASONS = ("manual", "daily", "close")
SAFETY_FOLDER = "before-restore"

_NAME = re.compile(
    r"^casedesk_(?P<unit>[A-Za-z0-9.\-]+)_(?P<date>\d{4}-\d{2}-\d{2})_(?P<time>\d{4})"
    r"(?:-(?P<n>\d+))?_v(?P<version>\d+)\.sqlite3$"
)
_SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(CaseDeskError):
    """The copy could not be written (disk full, no permission, missing folder...)."""

    exit_code = 1


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size: int
    verified: bool
    schema_version: int
    created_at: dt.datetime
    unit_code: str = ""
    reason: str = ""
    audit_rows: int = 0
    cases: int = 0
    problem: str = ""


@dataclass(frozen=True)
class FileCheck:
    """What a database file holds and whether it verifies; read-only."""

    ok: bool
    problems: tuple[str, ...]
    schema_version: int = 0
    unit_code: str = ""
    office_name: str = ""
    audit_rows: int = 0
    cases: int = 0
    first_bad_row: int | None = None
    newest_case: str = ""


@dataclass(frozen=True)
class RestoreInfo:
    database: Path
    source: Path
    safety_copy: Path | None
    schema_version: int
    upgraded_from: int | None
    audit_rows: int
    cases: int


# ------------------------------------------------------------------ files

def backup_dir() -> Path:
    """Where the automatic backups live: ``data_dir()/backups``."""
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _safe_unit(unit: str) -> str:
    text = re.sub(r"[^A-Za-z0-9.]", "-", unit or "").strip("-.")
    return text or "office"


def backup_name(unit: str, when: dt.datetime, version: int, n: int = 1) -> str:
    stamp = when.strftime("%Y-%m-%d_%H%M") + (f"-{n}" if n > 1 else "")
    return f"casedesk_{_safe_unit(unit)}_{stamp}_v{version}.sqlite3"


def parse_name(name: str) -> tuple[str, dt.datetime, int, int] | None:
    """``(unit, created_at, schema_version, n)`` of a backup file name, or None."""
    m = _NAME.match(name)
    if not m:
        return None
    try:
        when = dt.datetime.strptime(f"{m['date']} {m['time']}", "%Y-%m-%d %H%M")
    except ValueError:
        return None
    return m["unit"], when, int(m["version"]), int(m["n"] or 1)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":  # Windows cannot open a directory; NTFS journals the rename
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


# ------------------------------------------------------------------ reading a file

def _connect_ro(path: Path) -> sqlite3.Connection:
    """A read-only connection that creates nothing next to the file."""
    uri = Path(path).resolve().as_uri()
    try:
        conn = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=30)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        # a WAL-mode file on read-only media: read it as it is on disk
        conn = sqlite3.connect(uri + "?immutable=1", uri=True)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _setting(conn: sqlite3.Connection, key: str) -> str:
    try:
        row = conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    except sqlite3.DatabaseError:
        return ""
    if not row or row[0] is None:
        return ""
    try:
        value = json.loads(row[0])
    except ValueError:
        return ""
    return value if isinstance(value, str) else ""


def _walk_chain(conn: sqlite3.Connection) -> tuple[int, int | None, str]:
    """Recompute the audit hash chain of a file: (rows, first bad id, problem)."""
    prev = audit.GENESIS
    count = 0
    last_id = 0
    cursor = conn.execute(
        "SELECT id, case_id, actor, action, from_state, to_state, note, changes, at, recorded_at, "
        "late_entry, prev_hash, hash FROM event ORDER BY id"
    )
    for (row_id, case_id, actor, action, from_state, to_state, note, changes, at, recorded_at, late,
         prev_hash, digest) in cursor:
        count += 1
        last_id = row_id
        if prev_hash != prev:
            return count, row_id, _("Dòng nhật ký {id} không nối với dòng trước: có dòng đã bị xóa hoặc chèn vào.") \
                .format(id=row_id)
        try:
            expected = audit.row_hash(prev, case_id=case_id, actor=actor, action=action, from_state=from_state,
                                      to_state=to_state, note=note,
                                      changes=json.loads(changes) if changes else {}, at=at,
                                      recorded_at=recorded_at, late_entry=late)
        except (TypeError, ValueError):
            expected = None
        if expected != digest:
            return count, row_id, _("Dòng nhật ký {id} đã bị sửa sau khi ghi.").format(id=row_id)
        prev = digest
    head = _meta(conn, audit.HEAD_KEY) or audit.GENESIS
    if head != prev:
        return count, last_id or None, _("Đầu chuỗi nhật ký không khớp dòng cuối ({id}): "
                                         "có dòng cuối đã bị xóa hoặc chèn thêm.").format(id=last_id)
    return count, None, ""


def check_file(path: str | os.PathLike) -> FileCheck:
    """Check a CaseDesk database file without changing it: SQLite integrity, schema version,
    the audit hash chain.  ``ok`` is False (with reasons) for anything that is not a sound register."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            magic = fh.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        return FileCheck(False, (_("Không đọc được tệp {path}: {why}").format(path=path, why=exc.strerror or exc),))
    if magic != _SQLITE_MAGIC:
        return FileCheck(False, (_("Tệp {name} không phải cơ sở dữ liệu CaseDesk.").format(name=path.name),))
    conn = None
    try:
        conn = _connect_ro(path)
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        problems = [r[0] for r in rows if r[0] != "ok"]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"meta", "event", "case"} <= tables:
            return FileCheck(False, (_("Tệp {name} không phải cơ sở dữ liệu CaseDesk.").format(name=path.name),))
        version_text = _meta(conn, "schema_version") or "0"
        version = int(version_text) if version_text.isdigit() else 0
        unit = _setting(conn, "unit_code")
        office = _setting(conn, "office_name")
        cases = conn.execute('SELECT count(*) FROM "case"').fetchone()[0]
        newest = conn.execute('SELECT max(received_at) FROM "case"').fetchone()[0] or ""
        if problems:
            found = [_("Tệp dữ liệu hỏng: {what}").format(what="; ".join(problems[:3]))]
            return FileCheck(False, tuple(found), version, unit, office, 0, cases, None, str(newest))
        count, bad, why = _walk_chain(conn)
    except sqlite3.DatabaseError as exc:
        return FileCheck(False, (_("Tệp dữ liệu hỏng: {what}").format(what=exc),))
    finally:
        if conn is not None:
            conn.close()
    found = []
    if version < 1:
        found.append(_("Tệp {name} không có phiên bản cấu trúc dữ liệu.").format(name=path.name))
    if why:
        found.append(why)
    return FileCheck(not found, tuple(found), version, unit, office, count, cases, bad, str(newest))


# ------------------------------------------------------------------ copying

def _copy_database(source: Path, target: Path) -> None:
    """A consistent copy through the online backup API, made a single file and synced.

    The backup runs in one step: it reads one snapshot of the source (WAL readers never
    block the desks writing meanwhile, and nothing committed later leaks in)."""
    for extra in [target, *_sidecars(target)]:
        _remove_quietly(extra)
    src = sqlite3.connect(str(source), timeout=30)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            dst.commit()
        finally:
            dst.close()
    finally:
        src.close()
    _fsync_file(target)


def _live_path() -> Path:
    db = database.obj
    if db is None:
        raise BadInput(_("Chưa mở cơ sở dữ liệu."))
    if not is_sqlite(db):
        raise BadInput(_("Sao lưu tự động chỉ dành cho cơ sở dữ liệu SQLite trên máy này; "
                         "với PostgreSQL hãy dùng pg_dump của máy chủ."))
    name = db.database
    if not name or name == ":memory:" or str(name).startswith("file:"):
        raise BadInput(_("Cơ sở dữ liệu này không nằm trong một tệp nên không sao lưu được."))
    return Path(name)


def backup_now(dest_dir: str | os.PathLike | None = None, *, reason: str = "manual") -> BackupInfo:
    """Copy the open register now, verify the copy, and (in the automatic folder) rotate.

    Returns the copy's details; ``verified`` False means the copy (so the register itself)
    failed its checks: it is then kept as ``….unverified`` and nothing is rotated away."""
    if reason not in REASONS:
        raise BadInput(_("Lý do sao lưu phải là manual, daily hoặc close."), field="reason")
    source = _live_path()
    automatic = dest_dir is None
    folder = backup_dir() if automatic else Path(dest_dir).expanduser()
    when = context.now()
    unit = context.settings().unit_code
    version = schema_version()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        n = 1
        while True:
            final = folder / backup_name(unit, when, version, n)
            if not final.exists() and not final.with_name(final.name + ".unverified").exists():
                break
            n += 1
        partial = folder / (final.name + ".partial")
        _copy_database(source, partial)
        check = check_file(partial)
        verified = check.ok and check.schema_version == version
        problem = "; ".join(check.problems)
        if check.ok and not verified:
            problem = _("Bản sao ghi phiên bản {found}, cơ sở dữ liệu đang ở phiên bản {ours}.").format(
                found=check.schema_version, ours=version)
        target = final if verified else final.with_name(final.name + ".unverified")
        os.replace(partial, target)
        _fsync_dir(folder)
        size = target.stat().st_size
    except (OSError, ValueError) as exc:  # ValueError: a path with a NUL character
        try:
            for leftover in folder.glob("*.partial"):
                _remove_quietly(leftover)
        except (OSError, ValueError):
            pass  # the folder itself is unusable: nothing was written there
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise BackupError(_("Không sao lưu được vào {folder}: {why}").format(
            folder=str(folder)[:200], why=why)) from None
    info = BackupInfo(path=target, size=size, verified=verified, schema_version=version, created_at=when,
                      unit_code=_safe_unit(unit), reason=reason, audit_rows=check.audit_rows, cases=check.cases,
                      problem=problem)
    from .logs import logger

    if verified:
        logger().info("backup %s (%s, %d bytes, %d audit rows)", target, reason, size, check.audit_rows)
        if automatic:
            rotate(folder, unit_code=info.unit_code)
    else:
        logger().error("backup %s did NOT verify: %s", target, problem)
    return info


# ------------------------------------------------------------------ listing and rotation

def list_backups(dest_dir: str | os.PathLike | None = None, *, verify: bool = False) -> list[BackupInfo]:
    """Backups in a folder (the automatic one by default), newest first, with their number of cases.

    ``verified`` says the copy passed its checks when it was written (an unverified copy
    never gets a backup's name); ``verify=True`` checks each file again now."""
    folder = backup_dir() if dest_dir is None else Path(dest_dir).expanduser()
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        parsed = parse_name(path.name)
        if parsed is None or not path.is_file():
            continue
        unit, when, version, _n = parsed
        if verify:
            check = check_file(path)
            found.append(BackupInfo(path=path, size=path.stat().st_size, verified=check.ok,
                                    schema_version=check.schema_version or version, created_at=when,
                                    unit_code=unit, audit_rows=check.audit_rows, cases=check.cases,
                                    problem="; ".join(check.problems)))
        else:
            found.append(BackupInfo(path=path, size=path.stat().st_size, verified=True, schema_version=version,
                                    created_at=when, unit_code=unit, cases=_count_cases(path)))
    found.sort(key=_newest_first_key, reverse=True)
    return found


def _count_cases(path: Path) -> int:
    """How many dossiers a backup holds (one indexed count, no verification)."""
    conn = None
    try:
        conn = _connect_ro(path)
        return conn.execute('SELECT count(*) FROM "case"').fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        if conn is not None:
            conn.close()


def _newest_first_key(b: BackupInfo) -> tuple[dt.datetime, int]:
    parsed = parse_name(b.path.name)
    return b.created_at, parsed[3] if parsed else 0


def keep_set(backups: list[BackupInfo], *, daily: int = KEEP_DAILY, weekly: int = KEEP_WEEKLY,
             monthly: int = KEEP_MONTHLY) -> set[Path]:
    """The backups a 7-daily / 4-weekly / 12-monthly rotation keeps: the newest of each period."""
    ordered = sorted(backups, key=_newest_first_key, reverse=True)
    periods = (
        (daily, lambda b: b.created_at.date()),
        (weekly, lambda b: tuple(b.created_at.isocalendar())[:2]),
        (monthly, lambda b: (b.created_at.year, b.created_at.month)),
    )
    keep: set[Path] = set()
    for count, key in periods:
        seen: set = set()
        for b in ordered:
            period = key(b)
            if period in seen:
                continue
            if len(seen) >= count:
                break
            seen.add(period)
            keep.add(b.path)
    return keep


def rotate(dest_dir: str | os.PathLike | None = None, *, unit_code: str | None = None) -> list[Path]:
    """Delete the backups of one office that the rotation does not keep; returns them."""
    folder = backup_dir() if dest_dir is None else Path(dest_dir)
    backups = [b for b in list_backups(folder) if unit_code is None or b.unit_code == _safe_unit(unit_code)]
    keep = keep_set(backups)
    removed = []
    for b in backups:
        if b.path not in keep:
            _remove_quietly(b.path)
            removed.append(b.path)
    return removed


def maybe_daily_backup(*, reason: str = "daily") -> BackupInfo | None:
    """The automatic backup, at most once a (office-local) day; the desktop calls it when closing.

    Returns None when today's backup is already there, or the register is not a local SQLite file."""
    db = database.obj
    if db is None or not is_sqlite(db) or db.database in (":memory:", "") or str(db.database).startswith("file:"):
        return None
    today = context.today()
    unit = _safe_unit(context.settings().unit_code)
    if any(b.created_at.date() == today and b.unit_code == unit for b in list_backups()):
        return None
    return backup_now(reason=reason)


# ------------------------------------------------------------------ restore

def _busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _office_now(zone: str) -> dt.datetime:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("Asia/Ho_Chi_Minh")
    return dt.datetime.now(tz).replace(tzinfo=None, microsecond=0)


def _safety_copy(live: Path, when: dt.datetime | None) -> Path:
    """Keep the current register before it is replaced; refuse if another program has it open."""
    folder = backup_dir() / SAFETY_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    unit, version, sound, zone = "office", 0, True, "Asia/Ho_Chi_Minh"
    conn = sqlite3.connect(str(live), timeout=2, isolation_level=None)
    try:
        try:
            conn.execute("PRAGMA busy_timeout = 2000")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            # leaving WAL mode needs every other connection closed: that is the check
            mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            if str(mode).lower() == "wal":
                raise sqlite3.OperationalError("database is locked")
            unit = _setting(conn, "unit_code") or unit
            zone = _setting(conn, "timezone") or zone
            version_text = _meta(conn, "schema_version") or "0"
            version = int(version_text) if version_text.isdigit() else 0
        except sqlite3.OperationalError as exc:
            if _busy(exc):
                raise NotAllowed(_("Cơ sở dữ liệu {path} đang được mở ở chương trình khác (CaseDesk trên máy này?). "
                                   "Hãy đóng nó rồi khôi phục lại.").format(path=live)) from None
            sound = False
        except sqlite3.DatabaseError:
            sound = False
    finally:
        conn.close()
    if when is None:
        when = _office_now(zone)
    n = 1
    while (folder / backup_name(unit, when, version, n)).exists():
        n += 1
    target = folder / backup_name(unit, when, version, n)
    try:
        if sound:
            _copy_database(live, target)
        else:  # a damaged register: keep its files exactly as they are
            shutil.copy2(live, target)
            for side in _sidecars(live):
                if side.exists():
                    shutil.copy2(side, target.with_name(target.name + side.name[len(live.name):]))
            _fsync_file(target)
        _fsync_dir(folder)
    except (OSError, sqlite3.Error) as exc:
        _remove_quietly(target)
        raise BackupError(_("Không giữ được bản an toàn của cơ sở dữ liệu hiện tại ({why}); chưa khôi phục gì.")
                          .format(why=exc)) from None
    return target


def _resolve_live(db_path) -> Path:
    if db_path is not None:
        text = os.fspath(db_path)
    elif database.obj is not None and is_sqlite(database.obj):
        text = database.obj.database
    else:
        text = os.environ.get("CASEDESK_DB") or str(default_db_path())
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///"):]
    if "://" in text or text == ":memory:":
        raise BadInput(_("Chỉ khôi phục được vào cơ sở dữ liệu SQLite trên máy này."))
    return Path(text).expanduser().resolve()


def describe_problem(check: FileCheck) -> IntegrityProblem | None:
    """The reason a file cannot be restored, as the error to raise (None when it can)."""
    if check.schema_version > SCHEMA_VERSION:
        return IntegrityProblem(_("Bản sao lưu thuộc phiên bản dữ liệu mới hơn ({found}) so với chương trình "
                                  "({ours}). Hãy cập nhật CaseDesk rồi khôi phục.").format(
                                      found=check.schema_version, ours=SCHEMA_VERSION))
    if not check.ok:
        return IntegrityProblem(_("Bản sao lưu không dùng được: {why}").format(why="; ".join(check.problems)),
                                details=check.first_bad_row)
    return None


def restore_backup(file: str | os.PathLike, *, db_path: str | os.PathLike | None = None,
                   actor: str = "system") -> RestoreInfo:
    """Replace the register with a verified backup; the current one is kept as a safety copy.

    The database is closed when this returns (open it again with ``open_database``)."""
    source = Path(file).expanduser().resolve()
    if not source.is_file():
        raise NotFound(_("Không có tệp sao lưu {path}.").format(path=file))
    live = _resolve_live(db_path)
    if source == live:
        raise BadInput(_("Tệp sao lưu chính là cơ sở dữ liệu đang dùng."))
    check = check_file(source)
    problem = describe_problem(check)
    if problem is not None:
        raise problem
    # the safety copy is named by office time (read from the file itself when no register is open)
    when = context.now() if database.obj is not None else None
    close_database()
    live.parent.mkdir(parents=True, exist_ok=True)
    staged = live.with_name(live.name + ".restoring")
    try:
        _copy_database(source, staged)
        upgraded_from = None
        if check.schema_version < SCHEMA_VERSION:
            db = open_database(staged)
            db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute_sql("PRAGMA journal_mode=DELETE")
            close_database()
            upgraded_from = check.schema_version
        staged_check = check_file(staged)
        if not staged_check.ok:
            raise IntegrityProblem(_("Bản sao lưu không dùng được: {why}").format(
                why="; ".join(staged_check.problems)))
        _fsync_file(staged)
        safety = _safety_copy(live, when) if live.exists() else None
        for side in _sidecars(live):  # a stale WAL must never be replayed onto the restored file
            _remove_quietly(side)
        os.replace(staged, live)
        _fsync_dir(live.parent)
        for side in _sidecars(live):
            _remove_quietly(side)
    except OSError as exc:
        raise BackupError(_("Không khôi phục được: {why}").format(why=exc.strerror or exc)) from None
    finally:
        close_database()
        for leftover in [staged, *_sidecars(staged)]:
            _remove_quietly(leftover)
    open_database(live)
    try:
        now = context.now()
        with write():
            audit.record(case_id=None, actor=actor, action="restore", at=now, recorded_at=now,
                         changes={"from": source.name, "schema_version": check.schema_version,
                                  "upgraded_from": upgraded_from,
                                  "safety_copy": safety.name if safety else None})
        final = (check.audit_rows + 1, check.cases)
    finally:
        close_database()
    from .logs import logger

    logger().info("restored %s from %s (safety copy %s)", live, source, safety)
    return RestoreInfo(database=live, source=source, safety_copy=safety, schema_version=SCHEMA_VERSION,
                       upgraded_from=upgraded_from, audit_rows=final[0], cases=final[1])
