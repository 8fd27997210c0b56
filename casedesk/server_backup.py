"""Backups of a server office (PostgreSQL): the newest one as every desk sees it, the reminder, restore.

A server backup is a *logical copy into a SQLite file* made through the same models
(``transfer.copy_to_file``), not ``pg_dump``: pg_dump must be the server's major version or newer
on every desk that makes a backup (a Windows desk has no PostgreSQL client at all), and its output
can only be checked by restoring it into a server.  The SQLite copy needs nothing beyond CaseDesk,
is verified by the very checks of every backup (integrity, schema version, the whole audit chain),
restores onto a server or onto one PC, and is named, foldered and rotated like the SQLite backups.

The files stay on the desk that made them, so the server remembers the newest verified one in its
``meta`` (``last_backup``: when, which desk, the file name): every desk can tell whether the office
has a backup of today, and remind when the newest is over a day old.

Restore on a server replaces the register's contents *in one transaction* (the tables emptied, the
backup's rows copied in, the chain and counts checked, a ``restore`` row written, then commit):
the desks keep their connection settings, see the restored register at their next refresh, and a
failure anywhere leaves the server as it was.  The register there before is first kept as a
safety copy (a server backup in ``backups/before-restore``).  An empty database restores the same
way (no safety copy needed): that is how an office moves its backup onto a new server.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path

import peewee

from . import audit, context
from .backup_check import check_file
from .backup_files import REGISTER_KEY, BackupError, backups_root, valid_register_id
from .db import SCHEMA_VERSION, _make_database, database, is_sqlite, upgrade_schema, write
from .errors import BadInput, NotAllowed, NotFound
from .i18n import _, format_int

LAST_KEY = "last_backup"
REMIND_AFTER = dt.timedelta(days=1)


@dataclass(frozen=True)
class ServerBackup:
    at: dt.datetime
    desk: str
    file: str


def note_backup(info) -> None:
    """Remember on the server that a verified backup was made (by this desk, into ``info.path``)."""
    from .models import Meta

    value = json.dumps({"at": info.created_at.replace(microsecond=0).isoformat(), "desk": socket.gethostname(),
                        "file": str(info.path)}, ensure_ascii=False)
    try:
        with write():
            Meta.insert(key=LAST_KEY, value=value).on_conflict(
                conflict_target=[Meta.key], update={Meta.value: value}).execute()
    except (NotAllowed, peewee.DatabaseError):
        pass          # a register marked as moved, or the server gone: the backup itself is made


def last_server_backup() -> ServerBackup | None:
    """The newest verified backup of the open server register, made by any desk; None when none was."""
    from .models import Meta

    row = Meta.get_or_none(Meta.key == LAST_KEY)
    if row is None:
        return None
    try:
        data = json.loads(row.value)
        return ServerBackup(at=dt.datetime.fromisoformat(data["at"]), desk=str(data.get("desk", "")),
                            file=str(data.get("file", "")))
    except (ValueError, KeyError, TypeError):
        return None


def reminder() -> str:
    """A line for the desks' status bar when the server's newest backup is over a day old ("" otherwise,
    and always "" for an office on one PC, whose backup is made as the desk closes)."""
    db = database.obj
    if db is None or is_sqlite(db):
        return ""
    last = last_server_backup()
    if last is None:
        return _("Máy chủ chưa có bản sao lưu nào: hãy sao lưu (Cài đặt → Sao lưu, hoặc casedesk-cli backup).")
    if context.now() - last.at <= REMIND_AFTER:
        return ""
    return _("Bản sao lưu mới nhất của máy chủ đã cũ: {when} (máy {desk}). Hãy sao lưu ngay "
             "(Cài đặt → Sao lưu, hoặc casedesk-cli backup).").format(when=f"{last.at:%d/%m/%Y %H:%M}",
                                                                     desk=last.desk or "?")


# ------------------------------------------------------------------ restore

@dataclass(frozen=True)
class ServerRestore:
    source: Path
    safety_copy: Path | None
    cases: int
    audit_rows: int
    upgraded_from: int | None
    other_office: bool


def server_register() -> tuple[str, int, int, str]:
    """The open server register: (register id, users, newest audit row id, its digest as hex)."""
    from .models import Event, Meta, User

    row = Meta.get_or_none(Meta.key == REGISTER_KEY)
    last = Event.select(Event.id, Event.digest).order_by(Event.id.desc()).first()
    digest = bytes(last.digest).hex() if last is not None else ""
    return (row.value if row else ""), User.select().count(), (last.id if last else 0), digest


def same_register(check) -> bool | None:
    """Whether a checked backup file is the open server register's (None: nothing there to compare)."""
    from .models import Event

    register, users, last_id, last_digest = server_register()
    if not users:
        return None
    if valid_register_id(register) and valid_register_id(check.register_id):
        return register == check.register_id
    # one of them predates register ids: the older one's newest audit row is a row of the newer
    if check.last_row and check.last_row <= last_id:
        row = Event.get_or_none(Event.id == check.last_row)
        return row is not None and bytes(row.digest).hex() == check.last_hash
    return False


def restore_server(file: str | os.PathLike, *, actor: str, other_office: bool = False) -> ServerRestore:
    """Replace the open server register's contents with a verified backup, in one transaction."""
    from .backup import backup_now
    from .backup_restore import describe_problem
    from .models import Meta
    from .transfer import MODELS, copy_into, source_counts

    server = database.obj
    if server is None or is_sqlite(server):
        raise BadInput(_("Chưa mở cơ sở dữ liệu trên máy chủ."))
    source = Path(file).expanduser().resolve()
    if not source.is_file():
        raise NotFound(_("Không có tệp sao lưu {path}.").format(path=file))
    check = check_file(source)
    problem = describe_problem(check)
    if problem is not None:
        raise problem
    same = same_register(check)
    if same is False and not other_office:
        raise BadInput(_("Bản sao lưu {name} là của một cơ sở dữ liệu khác ({office}, {unit}), không phải của sổ "
                         "trên máy chủ. Chỉ khi thật sự muốn thay dữ liệu này bằng dữ liệu của văn phòng kia, hãy "
                         "chạy lại với --other-office.").format(name=source.name, office=check.office_name or "?",
                                                                unit=check.unit_code or "?"), field="other_office")
    register, users, _last, _digest = server_register()
    safety = None
    if users:        # the register there now, kept first (as a verified server backup)
        folder = backups_root() / "before-restore"
        info = backup_now(folder, reason="manual")
        if not info.verified:
            raise BackupError(_("Bản an toàn của sổ trên máy chủ không đạt kiểm tra ({why}); chưa khôi phục gì.")
                              .format(why=info.problem))
        safety = info.path
    keep_register = register if (users and valid_register_id(register)) else ""
    staging = Path(tempfile.mkdtemp(prefix="casedesk-restore-"))
    staged = staging / "restore.sqlite3"
    upgraded_from = None
    try:
        shutil.copyfile(source, staged)
        backup_db = _make_database(staged)
        backup_db.connect()
        try:
            if check.schema_version < SCHEMA_VERSION:
                database.initialize(backup_db)
                try:
                    upgrade_schema(backup_db)
                finally:
                    database.initialize(server)
                upgraded_from = check.schema_version
            expected = source_counts(backup_db)
            now = context.now()
            with write():
                tables = ", ".join(f'"{m._meta.table_name}"' for m in MODELS)
                server.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
                result = copy_into(backup_db, expected=expected)
                if keep_register:
                    Meta.insert(key=REGISTER_KEY, value=keep_register).on_conflict(
                        conflict_target=[Meta.key], update={Meta.value: keep_register}).execute()
                changes = {"from": source.name, "schema_version": check.schema_version,
                           "upgraded_from": upgraded_from, "safety_copy": safety.name if safety else None,
                           "server": True}
                if same is False:
                    changes["other_office"] = {"office": check.office_name, "unit_code": check.unit_code,
                                               "register_id": check.register_id or None}
                audit.record(case_id=None, actor=actor, action="restore", at=now, recorded_at=now,
                             changes=changes)
        finally:
            backup_db.close()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        context.reset()
    from .logs import logger

    logger().info("server register restored from %s by %s (safety copy %s)", source, actor, safety)
    return ServerRestore(source=source, safety_copy=safety, cases=result.counts.get("case", 0),
                         audit_rows=result.audit_rows + 1, upgraded_from=upgraded_from, other_office=same is False)


def restore_summary(info: ServerRestore) -> str:
    return _("Đã khôi phục sổ trên máy chủ: {cases} hồ sơ, {rows} dòng nhật ký (chuỗi băm khớp).").format(
        cases=format_int(info.cases), rows=format_int(info.audit_rows))


