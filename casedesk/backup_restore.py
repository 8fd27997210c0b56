"""Restoring the register from a backup.

Restore checks the file first and refuses a backup of *another* register (another
``register_id``: another office, maybe with the same unit code) unless the caller says
so (``other_office``).  It upgrades an older schema on a staged copy, keeps the current
register as a safety copy in ``backups/before-restore``, then swaps the files (stale
``-wal``/``-shm`` removed first, atomic ``os.replace``) and writes a ``restore`` row,
by the admin who asked for it, into the restored audit trail.

The register that was there keeps its id (so its backup folder): restoring another
office's backup over it makes it hold that data, it does not make it the other register.
On a new PC (no register yet) the restored one goes on as the backup's register.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from . import audit, context
from .backup_check import FileCheck, FileIdentity, check_file, connect_ro, holds_row, identify, setting, stored_version
from .backup_files import (REGISTER_KEY, BackupError, backups_root, copy_database, fsync_dir, fsync_file,
                           known_registers, new_register_id, remove_quietly, remove_stale_staging, sidecars,
                           staged_name, unused_name, valid_register_id)
from .db import SCHEMA_VERSION, close_database, database, is_sqlite, open_database, write
from .errors import AuthError, BadInput, IntegrityProblem, NotAllowed, NotFound
from .i18n import _, format_int
from .paths import default_db_path

SAFETY_FOLDER = "before-restore"


@dataclass(frozen=True)
class RestoreInfo:
    database: Path
    source: Path
    safety_copy: Path | None
    schema_version: int
    upgraded_from: int | None
    audit_rows: int
    cases: int
    register_id: str = ""
    other_office: bool = False


@dataclass(frozen=True)
class RestoreTarget:
    """Where a backup would be restored, and whether it is the same register."""

    path: Path
    current: FileIdentity | None   # the register there now; None: no file there, or not a readable register
    same_register: bool | None     # None when there is nothing to compare with


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
    folder = backups_root() / SAFETY_FOLDER
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
            unit = setting(conn, "unit_code") or unit
            zone = setting(conn, "timezone") or zone
            version = stored_version(conn)
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
    target = unused_name(folder, unit, when, version)
    try:
        if sound:
            copy_database(live, target)
        else:  # a damaged register: keep its files exactly as they are
            shutil.copy2(live, target)
            for side in sidecars(live):
                if side.exists():
                    shutil.copy2(side, target.with_name(target.name + side.name[len(live.name):]))
            fsync_file(target)
        fsync_dir(folder)
    except (OSError, sqlite3.Error) as exc:
        remove_quietly(target)
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


# ------------------------------------------------------------------ which register

def _file_holds(path: Path, row_id: int, digest: str) -> bool:
    if not row_id or not digest:
        return False
    try:
        conn = connect_ro(path)
    except sqlite3.Error:
        return False
    try:
        return holds_row(conn, row_id, digest)
    finally:
        conn.close()


def restore_target(file: str | os.PathLike, check: FileCheck,
                   db_path: str | os.PathLike | None = None) -> RestoreTarget:
    """The register a backup (already checked: ``check``) would replace, and whether it is the same one.

    Same when both have the same register id; when one of them predates register ids, when one's
    newest audit row is a row of the other (the hash chain makes their history the same up to it)."""
    source = Path(file).expanduser().resolve()
    live = _resolve_live(db_path)
    current = identify(live) if live.is_file() else None
    if current is None:
        return RestoreTarget(live, None, None)
    if valid_register_id(check.register_id) and valid_register_id(current.register_id):
        same = check.register_id == current.register_id
    else:
        same = (_file_holds(live, check.last_row, check.last_hash)
                or _file_holds(source, current.last_row, current.last_hash))
    return RestoreTarget(live, current, same)


def received_text(value: str) -> str:
    """``2026-11-02 09:00:00`` as ``02/11/2026 09:00``; "—" when there is none."""
    if not value:
        return "—"
    try:
        return dt.datetime.fromisoformat(str(value)).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return str(value)


def other_office_error(file: str | os.PathLike, check: FileCheck, target: RestoreTarget) -> BadInput:
    """The refusal of a backup of another register, naming both offices."""
    current = target.current or FileIdentity()
    return BadInput(_(
        "Bản sao lưu {name} là của một cơ sở dữ liệu khác, không phải của {path}:\n"
        "  bản sao lưu: {office} ({unit}), {cases} hồ sơ, hồ sơ mới nhất nhận lúc {newest};\n"
        "  đang dùng:   {current_office} ({current_unit}), {current_cases} hồ sơ, "
        "hồ sơ mới nhất nhận lúc {current_newest}.\n"
        "Hai văn phòng có thể trùng mã đơn vị. Chỉ khi thật sự muốn thay dữ liệu này bằng dữ liệu "
        "của văn phòng kia, hãy chạy lại với --other-office.").format(
            name=Path(file).name, path=target.path, office=check.office_name or "?", unit=check.unit_code or "?",
            cases=format_int(check.cases), newest=received_text(check.newest_case),
            current_office=current.office_name or "?", current_unit=current.unit_code or "?",
            current_cases=format_int(current.cases), current_newest=received_text(current.newest_case)),
        field="other_office")


def _register_after(check: FileCheck, target: RestoreTarget) -> str:
    """The id the restored register gets written ("" keeps the backup's own)."""
    if target.current is None:
        return ""  # a new PC, or a register that cannot be read: the backup's register goes on
    if valid_register_id(target.current.register_id):
        return target.current.register_id
    if target.same_register:
        return ""
    return new_register_id()  # never the other register's id: their backups would mix


def live_problems(path: str | os.PathLike) -> list[str]:
    """What is wrong with the register file at ``path`` as a register to log into: [] when it is a
    sound CaseDesk register with users; else SQLite's integrity problems, or why it is no register.

    Only damage counts: a register that is busy (another desk holds its lock), on a drive that
    can't be read, or out of reach raises that fault (``Unavailable``, ``ReadOnly``) instead, so
    that nobody can get a restore past the live register's admins by keeping it busy."""
    from .db import busy_timeout
    from .db_errors import classify

    uri = Path(path).resolve().as_uri()
    try:
        conn = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=busy_timeout())
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout() * 1000)}")
            problems = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall() if r[0] != "ok"]
            if problems:
                return problems[:5]
            try:
                users = conn.execute('SELECT count(*) FROM "user" WHERE active').fetchone()[0]
            except sqlite3.OperationalError as exc:
                if "no such" not in str(exc):
                    raise
                return [_("không phải cơ sở dữ liệu CaseDesk")]
            return [] if users else [_("không có người dùng nào")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        found = classify(exc)
        if found is not None:
            raise found from None
        return [str(exc)]


def admin_in_file(file: str | os.PathLike, login: str, password: str) -> str:
    """Check an admin's password against a register file, read-only (no register to log into
    yet: a new PC, or a register that cannot be opened); returns the login."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    from .services.auth import clean_login

    name = clean_login(login)
    try:
        conn = connect_ro(Path(file))
        try:
            row = conn.execute('SELECT login, role, active, password_hash FROM "user" WHERE login = ?',
                               (name,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        row = None
    ok = False
    if row is not None and row[3]:
        try:
            ok = PasswordHasher().verify(row[3], password or "")
        except (VerificationError, InvalidHashError):
            ok = False
    if not ok or not row[2]:
        raise AuthError(_("Sai tên đăng nhập hoặc mật khẩu."))
    if row[1] != "admin":
        raise NotAllowed(_("Chỉ quản trị được khôi phục cơ sở dữ liệu."))
    return row[0]


# ------------------------------------------------------------------ restoring

def restore_backup(file: str | os.PathLike, *, db_path: str | os.PathLike | None = None, actor: str,
                   other_office: bool = False, damaged: list[str] | None = None) -> RestoreInfo:
    """Replace the register with a verified backup; the current one is kept as a safety copy.

    ``actor`` is the admin asking (the caller has checked who they are); a backup of another
    register is refused unless ``other_office``.  ``damaged``: the live register failed its
    integrity check (these problems) and the admin was checked against the backup instead
    (``--damaged``): said in the restore's audit row and the log.  The database is closed when
    this returns (open it again with ``open_database``)."""
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
    target = restore_target(source, check, live)
    if target.same_register is False and not other_office:
        raise other_office_error(source, check, target)
    register = _register_after(check, target)
    # the safety copy is named by office time (read from the file itself when no register is open)
    when = context.now() if database.obj is not None else None
    close_database()
    live.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(live)             # a restore killed half-way left its staged copy
    staged = staged_name(live)
    try:
        copy_database(source, staged)
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
        fsync_file(staged)
        safety = _safety_copy(live, when) if live.exists() else None
        for side in sidecars(live):  # a stale WAL must never be replayed onto the restored file
            remove_quietly(side)
        os.replace(staged, live)
        fsync_dir(live.parent)
        for side in sidecars(live):
            remove_quietly(side)
    except OSError as exc:
        raise BackupError(_("Không khôi phục được: {why}").format(why=exc.strerror or exc)) from None
    finally:
        close_database()
        for leftover in [staged, *sidecars(staged)]:
            remove_quietly(leftover)
    known_registers.pop(str(live), None)
    open_database(live)
    try:
        from .models import Meta

        now = context.now()
        changes = {"from": source.name, "schema_version": check.schema_version, "upgraded_from": upgraded_from,
                   "safety_copy": safety.name if safety else None}
        if damaged:
            changes["damaged"] = {"problems": [str(p)[:200] for p in damaged[:5]], "admin_checked_in": "backup"}
        if target.same_register is False:
            replaced = target.current or FileIdentity()
            changes["other_office"] = {"office": check.office_name, "unit_code": check.unit_code,
                                       "register_id": check.register_id or None,
                                       "replaced_office": replaced.office_name,
                                       "replaced_unit_code": replaced.unit_code}
        with write():
            if register:
                Meta.insert(key=REGISTER_KEY, value=register).on_conflict(
                    conflict_target=[Meta.key], update={Meta.value: register}).execute()
            audit.record(case_id=None, actor=actor, action="restore", at=now, recorded_at=now, changes=changes)
        row = Meta.get_or_none(Meta.key == REGISTER_KEY)
        final = (check.audit_rows + 1, check.cases, row.value if row is not None else "")
    finally:
        close_database()
    from .logs import logger

    logger().info("restored %s from %s (safety copy %s)", live, source, safety)
    if damaged:
        logger().warning("restore --damaged of %s by %s, checked against the backup's admins: %s", live, actor,
                         "; ".join(map(str, damaged[:5])))
    return RestoreInfo(database=live, source=source, safety_copy=safety, schema_version=SCHEMA_VERSION,
                       upgraded_from=upgraded_from, audit_rows=final[0], cases=final[1], register_id=final[2],
                       other_office=target.same_register is False)
