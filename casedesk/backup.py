"""Backups of the office's register: making, verifying, listing and rotating them.

A server office's (PostgreSQL) backup is the same kind of file: its register copied into a
SQLite file through the models (``transfer.copy_to_file``; why not pg_dump: ``server_backup``),
then checked, named, foldered and rotated exactly as below.

A backup is a consistent copy of the open register (``backup_files.copy_database``),
written under a temporary name, synced, then *verified* on its own read-only
connection (``backup_check.check_file``: SQLite integrity check, schema version, the
whole audit hash chain) before it gets its final name (``backup_files.backup_name``).

Every register has a permanent random id (``register_id`` in its ``meta`` table, written
the first time a backup needs it), and a backup, being a copy, carries it.  The
automatic backups go to that register's own folder, ``data_dir()/backups/<register id>``:
two offices on one PC never share a folder, even with the same unit code (a demo and
the real office).  The once-a-day rule, the rotation, the listing and "last backup"
only ever see the open register's backups.

Rotation works like restic's ``forget --keep-daily 7 --keep-weekly 4 --keep-monthly 12``:
for each of the newest 7 days, 4 ISO weeks and 12 months that have a backup, the newest
backup of that period is kept; the register's other backups are deleted.  A copy that
does not verify is kept as ``….sqlite3.unverified`` and stops rotation, so a bad day
never pushes good backups out.

Backups made before registers had ids lie directly in ``data_dir()/backups``.  Such a
backup belongs to a register when its newest audit row is a row of that register (the
hash chain makes the whole history up to it the same): it is listed and rotated with
that register's backups, and never by another's.  One that belongs to no register in
use is left alone (``casedesk-cli backups --all`` lists it).

Restoring one is ``backup_restore.restore_backup``.  Everything callers use is
importable from here.
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import peewee

from . import context
from .anchors import sidecar_path, write_sidecar
from .backup_check import FileCheck, FileIdentity, check_file, connect_ro, holds_row, identify
from .backup_files import (REGISTER_KEY, BackupError, backup_name, backups_root, copy_database, fsync_dir,
                           known_registers, new_register_id, parse_name, register_dir, remove_quietly, safe_unit,
                           unused_name, valid_register_id)
from .backup_restore import (SAFETY_FOLDER, RestoreInfo, RestoreTarget, admin_in_file, describe_problem,
                             other_office_error, restore_backup, restore_target)
from .db import database, is_sqlite, schema_version, write
from .errors import BadInput
from .i18n import _

KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_MONTHLY = 12
REASONS = ("manual", "daily", "close")


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
    register_id: str = ""
    office_name: str = ""


# ------------------------------------------------------------------ the register's identity

def _sqlite_file(db) -> Path | None:
    """The file of an open SQLite register (None for PostgreSQL, memory, URIs)."""
    if db is None or not is_sqlite(db):
        return None
    name = db.database
    if not name or name == ":memory:" or str(name).startswith("file:"):
        return None
    return Path(name)


def _remember(file: Path | str | None, register: str) -> None:
    if file is not None:
        known_registers[str(file)] = register if valid_register_id(register) else ""


def _known_key(db) -> str | None:
    """Under what the open register's id is remembered: its file, or its server (never the password)."""
    file = _sqlite_file(db)
    if file is not None:
        return str(file)
    server = getattr(db, "server", None)
    return f"postgresql://{server}" if server else None


def register_id(*, create: bool = False) -> str:
    """The open register's permanent id; "" while it has none.  ``create`` gives it one, once:
    every later backup (a copy, so its ``meta`` too) carries it."""
    db = database.obj
    if db is None:
        raise BadInput(_("Chưa mở cơ sở dữ liệu."))
    from .models import Meta

    def stored() -> str:
        row = Meta.get_or_none(Meta.key == REGISTER_KEY)
        return row.value if row is not None else ""

    value = stored()
    if not valid_register_id(value) and create:
        try:
            with write():  # two desks may get here at once: the one that writes first gives the id
                value = stored()
                if not valid_register_id(value):
                    Meta.delete().where(Meta.key == REGISTER_KEY).execute()
                    Meta.insert(key=REGISTER_KEY, value=new_register_id()).on_conflict_ignore().execute()
            value = stored()
        except peewee.DatabaseError as exc:
            raise BackupError(_("Không ghi được mã của cơ sở dữ liệu: {why}").format(why=exc)) from None
    value = value if valid_register_id(value) else ""
    _remember(_known_key(db), value)
    return value


@dataclass(frozen=True)
class _Register:
    id: str               # "" while it has none
    file: Path | None     # its SQLite file: recognises its backups made before registers had ids


def _open_register() -> _Register | None:
    db = database.obj
    if db is None:
        return None
    return _Register(register_id(), _sqlite_file(db))


def _file_register(path: str | os.PathLike) -> _Register | None:
    found = identify(path, details=False)
    if found is None:
        return None
    register = found.register_id if valid_register_id(found.register_id) else ""
    file = Path(path).expanduser().resolve()
    _remember(file, register)
    return _Register(register, file)


def backup_dir(register_file: str | os.PathLike | None = None) -> Path:
    """The folder of a register's automatic backups: the open register's (or that of the database
    file given), ``data_dir()/backups/<register id>``; ``data_dir()/backups`` itself while the
    register has no id yet (its only backups are the ones made before registers had ids)."""
    register = ""
    if register_file is not None:
        found = _file_register(register_file)
        register = found.id if found else ""
    else:
        key = _known_key(database.obj) if database.obj is not None else None
        known = known_registers.get(key) if key is not None else None
        if known is not None:  # read on the worker already: no query on the desktop's GUI thread
            register = known
        elif database.obj is not None:
            register = register_id()
    return register_dir(register) if register else backups_root()


# ------------------------------------------------------------------ making one

def _live_path() -> Path:
    db = database.obj
    if db is None:
        raise BadInput(_("Chưa mở cơ sở dữ liệu."))
    path = _sqlite_file(db)
    if path is None:
        raise BadInput(_("Cơ sở dữ liệu này không nằm trong một tệp nên không sao lưu được."))
    return path


def backup_now(dest_dir: str | os.PathLike | None = None, *, reason: str = "manual") -> BackupInfo:
    """Copy the open register now, verify the copy, and (in the automatic folder) rotate.

    Returns the copy's details; ``verified`` False means the copy (so the register itself)
    failed its checks: it is then kept as ``….unverified`` and nothing is rotated away."""
    if reason not in REASONS:
        raise BadInput(_("Lý do sao lưu phải là manual, daily hoặc close."), field="reason")
    server = database.obj is not None and not is_sqlite(database.obj)
    source = None if server else _live_path()
    automatic = dest_dir is None
    if automatic:
        register = register_id(create=True)
        folder = backups_root() / register
    else:
        register = ""
        folder = Path(dest_dir).expanduser()
    when = context.now()
    unit = context.settings().unit_code
    version = schema_version()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not automatic:  # only once the folder is there: a refused backup changes nothing
            register = register_id(create=True)
        final = unused_name(folder, unit, when, version, suffixes=("", ".unverified"))
        partial = folder / (final.name + ".partial")
        if server:   # a logical copy of the server's register into a SQLite file (see server_backup)
            from .transfer import copy_to_file

            copy_to_file(partial)
        else:
            copy_database(source, partial)
        check = check_file(partial)
        verified = check.ok and check.schema_version == version
        problem = "; ".join(check.problems)
        if check.ok and not verified:
            problem = _("Bản sao ghi phiên bản {found}, cơ sở dữ liệu đang ở phiên bản {ours}.").format(
                found=check.schema_version, ours=version)
        target = final if verified else final.with_name(final.name + ".unverified")
        os.replace(partial, target)
        fsync_dir(folder)
        size = target.stat().st_size
    except (OSError, ValueError, peewee.DatabaseError) as exc:  # ValueError: a path with a NUL character
        try:
            for leftover in folder.glob("*.partial"):
                remove_quietly(leftover)
        except (OSError, ValueError):
            pass  # the folder itself is unusable: nothing was written there
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise BackupError(_("Không sao lưu được vào {folder}: {why}").format(
            folder=str(folder)[:200], why=why)) from None
    info = BackupInfo(path=target, size=size, verified=verified, schema_version=version, created_at=when,
                      unit_code=safe_unit(unit), reason=reason, audit_rows=check.audit_rows, cases=check.cases,
                      problem=problem, register_id=register, office_name=check.office_name)
    from .logs import logger

    if verified:
        _write_anchor(target, register, when)
        logger().info("backup %s (%s, %d bytes, %d audit rows)", target, reason, size, check.audit_rows)
        if server:
            from .server_backup import note_backup

            note_backup(info)
        if automatic:
            rotate()
    else:
        logger().error("backup %s did NOT verify: %s", target, problem)
    return info


def _write_anchor(target: Path, register: str, when: dt.datetime) -> None:
    """The backup's chain head in a sidecar file next to it (``anchors``): ``check`` compares the live
    chain with it.  A sidecar that cannot be written leaves a good backup (its own chain is an anchor)."""
    from . import audit

    try:
        conn = connect_ro(target)
        try:
            row, digest = audit.file_row(conn)
            rows = conn.execute("SELECT count(*) FROM event").fetchone()[0]
        finally:
            conn.close()
        if row:
            write_sidecar(target, register_id=register, row=row, digest=digest, rows=rows, created_at=when)
    except (OSError, sqlite3.DatabaseError) as exc:
        from .logs import logger

        logger().warning("backup %s: anchor not written: %r", target, exc)


def maybe_daily_backup(*, reason: str = "daily") -> BackupInfo | None:
    """The automatic backup, at most once a (office-local) day; the desktop calls it when closing.

    Returns None when this register's backup of today is already there (on a server: made by any
    desk, as the server's ``meta`` records it), or the register is in memory."""
    db = database.obj
    if db is not None and not is_sqlite(db):     # a server office: one desk a day makes it, for all
        from .server_backup import last_server_backup

        last = last_server_backup()
        if last is not None and last.at.date() == context.today():
            return None
        return backup_now(reason=reason)
    try:
        _live_path()
    except BadInput:
        return None
    today = context.today()
    if any(b.created_at.date() == today for b in list_backups()):
        return None
    return backup_now(reason=reason)


# ------------------------------------------------------------------ listing and rotation

def _named(folder: Path) -> list[tuple[Path, tuple]]:
    """The files in a folder that carry a backup's name."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        parsed = parse_name(path.name)
        if parsed is not None and path.is_file():
            found.append((path, parsed))
    return found


def _info(path: Path, parsed: tuple, *, verify: bool, found: FileIdentity | None) -> BackupInfo | None:
    unit, when, version, _n = parsed
    try:
        size = path.stat().st_size
    except FileNotFoundError:  # rotated away meanwhile (another desk of the same register)
        return None
    if verify:
        check = check_file(path)
        return BackupInfo(path=path, size=size, verified=check.ok, schema_version=check.schema_version or version,
                          created_at=when, unit_code=unit, audit_rows=check.audit_rows, cases=check.cases,
                          problem="; ".join(check.problems),
                          register_id=check.register_id or (found.register_id if found else ""),
                          office_name=check.office_name or (found.office_name if found else ""))
    return BackupInfo(path=path, size=size, verified=True, schema_version=version, created_at=when, unit_code=unit,
                      cases=found.cases if found else 0, register_id=found.register_id if found else "",
                      office_name=found.office_name if found else "")


def _folder_backups(folder: Path, *, verify: bool) -> list[BackupInfo]:
    found = [_info(path, parsed, verify=verify, found=identify(path, details=False))
             for path, parsed in _named(folder)]
    return [b for b in found if b is not None]


def _register_backups(register: _Register, *, verify: bool = False) -> list[BackupInfo]:
    """One register's backups: its own folder, and the ones made before registers had ids that
    are its past (their newest audit row is one of its rows)."""
    found = _folder_backups(backups_root() / register.id, verify=verify) if register.id else []
    live = None
    try:
        if register.file is not None and register.file.is_file():
            try:
                live = connect_ro(register.file)
            except sqlite3.Error:
                live = None
        for path, parsed in _named(backups_root()):
            other = identify(path, details=False)
            if other is None:
                continue  # unreadable: nobody can tell whose it is, so nobody rotates it away
            if valid_register_id(other.register_id):
                mine = other.register_id == register.id
            else:
                mine = live is not None and holds_row(live, other.last_row, other.last_hash)
            if mine:
                info = _info(path, parsed, verify=verify, found=other)
                if info is not None:
                    found.append(info)
    finally:
        if live is not None:
            live.close()
    return found


def _every_backup(*, verify: bool) -> list[BackupInfo]:
    root = backups_root()
    found = _folder_backups(root, verify=verify)
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and valid_register_id(folder.name):
            found += _folder_backups(folder, verify=verify)
    return found


def list_backups(dest_dir: str | os.PathLike | None = None, *, verify: bool = False,
                 register_file: str | os.PathLike | None = None, every_register: bool = False) -> list[BackupInfo]:
    """Backups, newest first, with their number of cases: the open register's automatic ones by
    default (or those of the database file ``register_file``), every register's on this PC with
    ``every_register`` or when no register can be read, or all those in a folder ``dest_dir``.

    ``verified`` says the copy passed its checks when it was written (an unverified copy
    never gets a backup's name); ``verify=True`` checks each file again now."""
    if dest_dir is not None:
        found = _folder_backups(Path(dest_dir).expanduser(), verify=verify)
    else:
        register = None
        if not every_register:
            register = _file_register(register_file) if register_file is not None else _open_register()
        found = _every_backup(verify=verify) if register is None else _register_backups(register, verify=verify)
    found.sort(key=_newest_first_key, reverse=True)
    return found


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
    """Delete the backups the rotation does not keep; returns them.

    By default those of the open register (its folder, and its backups from before registers had
    ids), never another register's; with ``dest_dir``, that folder's (of one office: ``unit_code``)."""
    if dest_dir is None:
        register = _open_register()
        if register is None:
            return []
        backups = _register_backups(register)
    else:
        backups = _folder_backups(Path(dest_dir), verify=False)
    if unit_code is not None:
        backups = [b for b in backups if b.unit_code == safe_unit(unit_code)]
    keep = keep_set(backups)
    removed = []
    for b in backups:
        if b.path not in keep:
            remove_quietly(b.path)
            remove_quietly(sidecar_path(b.path))      # its anchor goes with it: newer ones cover it
            removed.append(b.path)
    return removed


__all__ = [
    "KEEP_DAILY", "KEEP_WEEKLY", "KEEP_MONTHLY", "REASONS", "SAFETY_FOLDER", "REGISTER_KEY",
    "BackupError", "BackupInfo", "FileCheck", "FileIdentity", "RestoreInfo", "RestoreTarget",
    "backup_dir", "backups_root", "register_dir", "register_id", "backup_name", "parse_name", "check_file",
    "identify", "describe_problem", "backup_now", "maybe_daily_backup", "list_backups", "keep_set", "rotate",
    "restore_target", "other_office_error", "admin_in_file", "restore_backup",
]
