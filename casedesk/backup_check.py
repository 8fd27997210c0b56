"""Checking a register file on its own, read-only: is it a sound CaseDesk database?

A backup is verified before it gets its name, and a file is checked before it is
restored: SQLite's integrity check, the schema version, and the whole audit hash
chain recomputed row by row.  ``identify`` reads only which register a file is (its
``register_id``, office, newest audit row) for listing backups and comparing registers.
This never touches the global ``DatabaseProxy``: it
reads the file with plain ``sqlite3`` and ``audit.row_hash``, so a check made on the
desktop's worker thread does not disturb the open register.
"""
from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from . import audit
from .backup_files import REGISTER_KEY
from .i18n import _

_SQLITE_MAGIC = b"SQLite format 3\x00"


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
    register_id: str = ""
    last_row: int = 0
    last_hash: str = ""


@dataclass(frozen=True)
class FileIdentity:
    """Which register a file is and what it holds, read without verifying anything."""

    register_id: str = ""
    office_name: str = ""
    unit_code: str = ""
    cases: int = 0
    newest_case: str = ""
    last_row: int = 0
    last_hash: str = ""
    users: int = 0
    schema_version: int = 0


# ------------------------------------------------------------------ reading a file

def connect_ro(path: Path) -> sqlite3.Connection:
    """A read-only connection that creates nothing next to the file."""
    from .db import busy_timeout

    uri = Path(path).resolve().as_uri()
    try:
        conn = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=busy_timeout())
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        # a WAL-mode file on read-only media: read it as it is on disk
        conn = sqlite3.connect(uri + "?immutable=1", uri=True)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn


def meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def stored_version(conn: sqlite3.Connection) -> int:
    """The schema version the file says it has (0 when it says nothing readable)."""
    text = meta(conn, "schema_version") or "0"
    return int(text) if text.isdigit() else 0


def setting(conn: sqlite3.Connection, key: str) -> str:
    """A text setting of the office stored in the file, "" when missing or not text."""
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


def last_row(conn: sqlite3.Connection) -> tuple[int, str]:
    """``(id, hash)`` of the newest audit row, ``(0, "")`` when there is none."""
    return audit.file_row(conn)


def holds_row(conn: sqlite3.Connection, row_id: int, digest: str) -> bool:
    """Whether the file has exactly this audit row: the whole chain up to it is then the same
    (each row's hash covers the one before), so the other file is this one's past."""
    if not row_id or not digest:
        return False
    try:
        return audit.file_row(conn, row_id) == (row_id, digest)
    except sqlite3.DatabaseError:
        return False


def identify(path: str | os.PathLike, *, details: bool = True) -> FileIdentity | None:
    """The register a file is, read-only and without the (slow) checks; None when it is no register.

    ``details`` adds the newest case (a scan on files older than schema 6) and the number of users."""
    conn = None
    try:
        with open(path, "rb") as fh:
            if fh.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
                return None
        conn = connect_ro(Path(path))
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"meta", "event", "case"} <= tables:
            return None
        register = meta(conn, REGISTER_KEY) or ""
        row_id, digest = last_row(conn)
        cases = conn.execute('SELECT count(*) FROM "case"').fetchone()[0]
        office = setting(conn, "office_name")
        newest = ""
        users = 0
        if details:
            newest = conn.execute('SELECT max(received_at) FROM "case"').fetchone()[0] or ""
            if "user" in tables:
                users = conn.execute('SELECT count(*) FROM "user"').fetchone()[0]
        return FileIdentity(register_id=register, office_name=office, unit_code=setting(conn, "unit_code"),
                            cases=cases, newest_case=str(newest), last_row=row_id, last_hash=digest, users=users,
                            schema_version=stored_version(conn))
    except (OSError, ValueError, sqlite3.Error):
        return None
    finally:
        if conn is not None:
            conn.close()


def _walk_chain(conn: sqlite3.Connection) -> tuple[int, int | None, str]:
    """Recompute the audit hash chain of a file: (rows, first bad id, problem)."""
    report = audit.verify_file(conn)
    return report.rows, report.first_bad_id, report.problem


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
        conn = connect_ro(path)
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        problems = [r[0] for r in rows if r[0] != "ok"]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"meta", "event", "case"} <= tables:
            return FileCheck(False, (_("Tệp {name} không phải cơ sở dữ liệu CaseDesk.").format(name=path.name),))
        version = stored_version(conn)
        unit = setting(conn, "unit_code")
        office = setting(conn, "office_name")
        cases = conn.execute('SELECT count(*) FROM "case"').fetchone()[0]
        newest = conn.execute('SELECT max(received_at) FROM "case"').fetchone()[0] or ""
        register = meta(conn, REGISTER_KEY) or ""
        if problems:
            found = [_("Tệp dữ liệu hỏng: {what}").format(what="; ".join(problems[:3]))]
            return FileCheck(False, tuple(found), version, unit, office, 0, cases, None, str(newest), register)
        count, bad, why = _walk_chain(conn)
        row_id, digest = last_row(conn)
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
    return FileCheck(not found, tuple(found), version, unit, office, count, cases, bad, str(newest), register,
                     row_id, digest)


def count_cases(path: Path) -> int:
    """How many dossiers a file holds (one indexed count, no verification; 0 when unreadable)."""
    conn = None
    try:
        conn = connect_ro(path)
        return conn.execute('SELECT count(*) FROM "case"').fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        if conn is not None:
            conn.close()
