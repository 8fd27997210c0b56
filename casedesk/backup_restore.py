"""Restoring the register from a backup.

Restore checks the file first, upgrades an older schema on a staged copy, keeps
the current register as a safety copy in ``backups/before-restore``, then swaps
the files (stale ``-wal``/``-shm`` removed first, atomic ``os.replace``) and
writes a ``restore`` row into the restored audit trail.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from . import audit, context
from .backup_check import FileCheck, check_file, setting, stored_version
from .backup_files import (BackupError, backup_dir, copy_database, fsync_dir, fsync_file, remove_quietly,
                           sidecars, unused_name)
from .db import SCHEMA_VERSION, close_database, database, is_sqlite, open_database, write
from .errors import BadInput, IntegrityProblem, NotAllowed, NotFound
from .i18n import _
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
