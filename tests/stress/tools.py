"""Helpers shared by the trust tests (crash, concurrency, fuzz, backup, tamper).

Nothing here touches the global database proxy unless it says so: dumps and
checks read a file with plain ``sqlite3`` so that they can look at a register
another process is writing.
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Monday 2 November 2026, 09:00 office time (as tests/conftest.py): HT-09 is in force.
OFFICE_NOW = dt.datetime(2026, 11, 2, 9, 0)
UNIT = "000.00.31.H26"
GIVEN = ("Đường", "Hùng", "Mai", "Thảo", "Ngọc Ánh", "Quỳnh", "Bảo", "Tuấn", "Yến", "Khoa")


def intake(i: int, *, actor: str = "mai") -> dict:
    """Arguments of a complete HT-09 dossier, different for each ``i``."""
    return dict(actor=actor, procedure="HT-09", citizen_name=f"Nguyễn Văn {GIVEN[i % len(GIVEN)]} {i}",
                id_number=f"0012030{i % 100000:05d}", phone="0912 345 678", address="Thôn Đông, xã An Phú",
                note=f"intake {i}")


def dump(path_or_conn) -> dict[str, list[tuple]]:
    """The logical content of a register: every table's rows, in a stable order."""
    conn = path_or_conn if isinstance(path_or_conn, sqlite3.Connection) else sqlite3.connect(
        Path(path_or_conn).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        content = {}
        for name in names:
            rows = conn.execute(f'SELECT * FROM "{name}"').fetchall()
            content[name] = sorted(rows, key=repr)
        return content
    finally:
        if conn is not path_or_conn:
            conn.close()


def read_acks(path: Path) -> list[str]:
    """Codes written to an acknowledgement file (a last line cut by a kill is not one)."""
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    return [line for line in lines[:-1] if line]  # the part after the last newline is incomplete


def register_state(path: Path) -> dict:
    """Integrity, chain and the dossier facts of a register file, read with sqlite3 only."""
    from casedesk.backup import check_file

    check = check_file(path)
    conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        codes = [r[0] for r in conn.execute('SELECT code FROM "case" ORDER BY id')]
        received = {r[0] for r in conn.execute(
            "SELECT c.code FROM event e JOIN \"case\" c ON c.id = e.case_id WHERE e.action = 'receive'")}
        ledger = [r[0] for r in conn.execute('SELECT ledger_no FROM "case" ORDER BY ledger_no')]
    finally:
        conn.close()
    return {"check": check, "codes": codes, "received": received, "ledger": ledger}


def sequences_by_day(codes) -> dict[str, list[int]]:
    days: dict[str, list[int]] = {}
    for code in codes:
        _unit, day, seq = code.rsplit("-", 2)
        days.setdefault(day, []).append(int(seq))
    return {day: sorted(seqs) for day, seqs in days.items()}


def child_env(home: Path) -> dict:
    env = dict(os.environ)
    env["CASEDESK_HOME"] = str(home)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env
