"""Backup files on disk: their names, their folders, and writing them durably.

Every register (database file) has a permanent random id, its ``register_id`` in the
``meta`` table, and its automatic backups have a folder of their own named by it:

    backups/
        3f2a9c…e1/                                   one register (32 hex digits)
            casedesk_000.00.31.H26_2026-11-23_1705_v3.sqlite3
        8b0d47…5c/                                   another register, maybe with the same unit code
        before-restore/                              registers kept just before a restore replaced them
        casedesk_000.00.31.H26_2026-10-30_1702_v3.sqlite3     made before registers had ids

Two offices on one PC can share a unit code (a demo and the real office); their
backups never mix.  A backup is named by office, minute and schema version, so that a
folder sorts by date and a restore can tell an older register before opening it:

    casedesk_000.00.31.H26_2026-11-23_1705_v3.sqlite3
             unit code     date       time  schema version

A second backup in the same minute gets ``-2``, ``-3``… after the time.

``copy_database`` makes the copy itself: SQLite's online backup API (never a file
copy of a live WAL database: the newest cases may still sit in ``-wal``), turned
into a single self-contained file and synced.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import uuid
from pathlib import Path

from .errors import CaseDeskError
from .paths import data_dir

_NAME = re.compile(
    r"^casedesk_(?P<unit>[A-Za-z0-9.\-]+)_(?P<date>\d{4}-\d{2}-\d{2})_(?P<time>\d{4})"
    r"(?:-(?P<n>\d+))?_v(?P<version>\d+)\.sqlite3$"
)


class BackupError(CaseDeskError):
    """The copy could not be written (disk full, no permission, missing folder...)."""

    exit_code = 1


REGISTER_KEY = "register_id"
_REGISTER_ID = re.compile(r"^[0-9a-f]{32}$")


def backups_root() -> Path:
    """Where the automatic backups of every register on this PC live: ``data_dir()/backups``."""
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_register_id() -> str:
    return uuid.uuid4().hex


def valid_register_id(value: str | None) -> bool:
    """A register id as CaseDesk writes it (32 hex digits): the only text ever used as a folder name."""
    return bool(value) and _REGISTER_ID.match(value) is not None


# database file -> its register id, as last read or written (so that naming the folder of the open
# register needs no query on the desktop's GUI thread); a restore forgets the file it replaced
known_registers: dict[str, str] = {}


def register_dir(register_id: str, *, create: bool = True) -> Path:
    """The folder of one register's automatic backups: ``backups/<register id>``."""
    if not valid_register_id(register_id):
        raise ValueError(f"not a register id: {register_id!r}")
    path = backups_root() / register_id
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


# ------------------------------------------------------------------ names

def safe_unit(unit: str) -> str:
    """The office's unit code as it may stand in a file name."""
    text = re.sub(r"[^A-Za-z0-9.]", "-", unit or "").strip("-.")
    return text or "office"


def backup_name(unit: str, when: dt.datetime, version: int, n: int = 1) -> str:
    stamp = when.strftime("%Y-%m-%d_%H%M") + (f"-{n}" if n > 1 else "")
    return f"casedesk_{safe_unit(unit)}_{stamp}_v{version}.sqlite3"


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


def unused_name(folder: Path, unit: str, when: dt.datetime, version: int, *,
                suffixes: tuple[str, ...] = ("",)) -> Path:
    """The first backup name of that minute with no file in ``folder`` under it
    (nor under it plus any of ``suffixes``): backups never overwrite each other."""
    n = 1
    while True:
        path = folder / backup_name(unit, when, version, n)
        if not any(path.with_name(path.name + suffix).exists() for suffix in suffixes):
            return path
        n += 1


# ------------------------------------------------------------------ writing

_PARTIAL = re.compile(r"\.sqlite3(?:\.(?P<pid>\d+))?\.partial$")


def partial_name(final: Path) -> Path:
    """The name a backup is written under until it is verified: the final name, the writing
    process's id and ``.partial`` (never a backup's name: listing and rotation don't see it)."""
    return final.with_name(f"{final.name}.{os.getpid()}.partial")


def _writer_alive(pid: int) -> bool:
    if pid == os.getpid() or os.name != "posix":
        # this process writes one backup at a time; on Windows a file being written can't be deleted
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True       # a process of another user: alive
    return True


def remove_stale_partials(folder: Path) -> list[Path]:
    """Remove what interrupted backups left in ``folder`` (a ``….partial`` copy, maybe the size of the
    whole register, and its ``-journal``): every one whose writer is gone."""
    removed = []
    try:
        entries = list(folder.iterdir()) if folder.is_dir() else []
    except OSError:
        return removed
    for path in entries:
        name = path.name
        base = name[: -len("-journal")] if name.endswith("-journal") else name
        m = _PARTIAL.search(base)
        if m is None or not path.is_file():
            continue
        if m["pid"] and _writer_alive(int(m["pid"])):
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            pass          # still open (Windows) or not ours to remove: the next backup tries again
    return removed


def remove_partials_everywhere() -> list[Path]:
    """At start: the interrupted backups of every register on this PC (and of restores)."""
    root = backups_root()
    removed = remove_stale_partials(root)
    try:
        folders = [p for p in root.iterdir() if p.is_dir()]
    except OSError:
        folders = []
    for folder in folders:
        removed += remove_stale_partials(folder)
    return removed


def staged_name(live: Path) -> Path:
    """The name a restore stages the register under before swapping it in (the process's id in it)."""
    return live.with_name(f"{live.name}.{os.getpid()}.restoring")


def remove_stale_staging(live: Path) -> list[Path]:
    """Remove what a restore cut short left next to the register (a staged copy the size of the
    backup, and its journal): every one whose writer is gone."""
    removed = []
    try:
        entries = list(live.parent.iterdir()) if live.parent.is_dir() else []
    except OSError:
        return removed
    prefix = live.name + "."
    for path in entries:
        name = path.name
        for side in ("-journal", "-wal", "-shm"):
            if name.endswith(side):
                name = name[: -len(side)]
                break
        if not name.startswith(prefix) or not name.endswith(".restoring") or not path.is_file():
            continue
        middle = name[len(prefix): -len(".restoring")]     # the writer's id; "" in older versions' names
        if middle and (not middle.isdigit() or _writer_alive(int(middle))):
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed


def fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def fsync_dir(path: Path) -> None:
    if os.name != "posix":  # Windows cannot open a directory; NTFS journals the rename
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def sidecars(path: Path) -> list[Path]:
    """The files SQLite may keep next to a database: ``-wal``, ``-shm``, ``-journal``."""
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy through the online backup API, made a single file and synced.

    The backup runs in one step: it reads one snapshot of the source (WAL readers never
    block the desks writing meanwhile, and nothing committed later leaks in)."""
    for extra in [target, *sidecars(target)]:
        remove_quietly(extra)
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
    fsync_file(target)
