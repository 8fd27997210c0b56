"""Backups of the office's SQLite register: making, verifying, listing and rotating them.

A backup is a consistent copy of the open register (``backup_files.copy_database``),
written under a temporary name, synced, then *verified* on its own read-only
connection (``backup_check.check_file``: SQLite integrity check, schema version, the
whole audit hash chain) before it gets its final name (``backup_files.backup_name``).

The automatic ones go to ``data_dir()/backups`` and are rotated like restic's
``forget --keep-daily 7 --keep-weekly 4 --keep-monthly 12``: for each of the
newest 7 days, 4 ISO weeks and 12 months that have a backup, the newest backup
of that period is kept; everything else of the same office is deleted.  A copy
that does not verify is kept as ``….sqlite3.unverified`` and stops rotation, so
a bad day never pushes good backups out.

Restoring one is ``backup_restore.restore_backup``.  Everything callers use is
importable from here.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from . import context
from .backup_check import FileCheck, check_file, count_cases
from .backup_files import (BackupError, backup_dir, backup_name, copy_database, fsync_dir, parse_name,
                           remove_quietly, safe_unit, unused_name)
from .backup_restore import SAFETY_FOLDER, RestoreInfo, describe_problem, restore_backup
from .db import database, is_sqlite, schema_version
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


# ------------------------------------------------------------------ making one

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
        final = unused_name(folder, unit, when, version, suffixes=("", ".unverified"))
        partial = folder / (final.name + ".partial")
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
    except (OSError, ValueError) as exc:  # ValueError: a path with a NUL character
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
                      problem=problem)
    from .logs import logger

    if verified:
        logger().info("backup %s (%s, %d bytes, %d audit rows)", target, reason, size, check.audit_rows)
        if automatic:
            rotate(folder, unit_code=info.unit_code)
    else:
        logger().error("backup %s did NOT verify: %s", target, problem)
    return info


def maybe_daily_backup(*, reason: str = "daily") -> BackupInfo | None:
    """The automatic backup, at most once a (office-local) day; the desktop calls it when closing.

    Returns None when today's backup is already there, or the register is not a local SQLite file."""
    try:
        _live_path()
    except BadInput:
        return None
    today = context.today()
    unit = safe_unit(context.settings().unit_code)
    if any(b.created_at.date() == today and b.unit_code == unit for b in list_backups()):
        return None
    return backup_now(reason=reason)


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
                                    created_at=when, unit_code=unit, cases=count_cases(path)))
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
    """Delete the backups of one office that the rotation does not keep; returns them."""
    folder = backup_dir() if dest_dir is None else Path(dest_dir)
    backups = [b for b in list_backups(folder) if unit_code is None or b.unit_code == safe_unit(unit_code)]
    keep = keep_set(backups)
    removed = []
    for b in backups:
        if b.path not in keep:
            remove_quietly(b.path)
            removed.append(b.path)
    return removed


__all__ = [
    "KEEP_DAILY", "KEEP_WEEKLY", "KEEP_MONTHLY", "REASONS", "SAFETY_FOLDER",
    "BackupError", "BackupInfo", "FileCheck", "RestoreInfo",
    "backup_dir", "backup_name", "parse_name", "check_file", "describe_problem",
    "backup_now", "maybe_daily_backup", "list_backups", "keep_set", "rotate", "restore_backup",
]
