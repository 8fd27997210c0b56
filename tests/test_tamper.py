"""Tamper evidence: ``casedesk-cli check`` finds an audit row altered, deleted or inserted
behind the program's back (plain sqlite3), names the row and exits 5.

A backup's own verification (casedesk.backup.check_file) must reach the same verdict,
so a tampered register never becomes a "verified" backup.
"""
from __future__ import annotations

import json
import re
import sqlite3

import pytest

from casedesk import audit, backup
from casedesk.cli import main
from casedesk.db import close_database


@pytest.fixture
def register(db, receive):
    """An office with a dozen audit rows: three cases, assigned, one submitted."""
    from casedesk.services import cases

    codes = [receive(citizen_name=name).code for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường")]
    for code in codes:
        cases.assign_case(actor="mai", code=code, to="hung")
    cases.submit_case(actor="hung", code=codes[0], note="Đủ điều kiện")
    close_database()
    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM event ORDER BY id")]
    assert len(ids) >= 12
    return db, ids


def tamper(path, *sql):
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in sql:
            if isinstance(statement, tuple):
                conn.execute(*statement)
            else:
                conn.execute(statement)
    finally:
        conn.close()


def run_check(path, capsys, *extra):
    status = main(["--db", str(path), "check", *extra])
    out, err = capsys.readouterr()
    return status, out, err


def names_row(text: str, row_id: int) -> bool:
    return re.search(rf"(?<!\d){row_id}(?!\d)", text) is not None


def test_an_untouched_register_checks_ok(register, capsys):
    path, ids = register
    status, out, _ = run_check(path, capsys)
    assert status == 0 and f"{len(ids)} dòng" in out
    assert backup.check_file(path).ok


@pytest.mark.parametrize("column,value", [("note", "đã sửa"), ("actor", "admin"), ("at", "2026-11-01 08:00:00"),
                                          ("changes", '{"code": "giả"}'), ("to_state", "approved")])
def test_an_altered_row_is_found_and_named(register, capsys, column, value):
    path, ids = register
    victim = ids[len(ids) // 2]
    tamper(path, (f"UPDATE event SET {column} = ? WHERE id = ?", (value, victim)))
    status, _, err = run_check(path, capsys)
    assert status == 5
    assert names_row(err, victim) and "sửa" in err
    status, out, _ = run_check(path, capsys, "--json")
    doc = json.loads(out)
    assert status == 5 and doc["ok"] is False and doc["first_bad_row"] == victim
    assert backup.check_file(path).first_bad_row == victim


def test_a_deleted_middle_row_is_found(register, capsys):
    path, ids = register
    victim = ids[4]
    tamper(path, ("DELETE FROM event WHERE id = ?", (victim,)))
    status, out, err = run_check(path, capsys)
    assert status == 5 and names_row(err, ids[5])  # the row that no longer links
    assert "xóa" in err
    check = backup.check_file(path)
    assert not check.ok and check.first_bad_row == ids[5]


def test_a_deleted_last_row_is_found(register, capsys):
    path, ids = register
    tamper(path, ("DELETE FROM event WHERE id = ?", (ids[-1],)))
    status, out, err = run_check(path, capsys, "--json")
    doc = json.loads(out)
    assert status == 5 and doc["first_bad_row"] == ids[-2]
    assert names_row(doc["problem"], ids[-2]) and "xóa" in doc["problem"]
    assert not backup.check_file(path).ok


def test_the_last_two_rows_deleted_is_found(register, capsys):
    path, ids = register
    tamper(path, ("DELETE FROM event WHERE id >= ?", (ids[-2],)))
    assert run_check(path, capsys)[0] == 5


def _row(conn, row_id):
    conn.row_factory = sqlite3.Row
    return dict(conn.execute("SELECT * FROM event WHERE id = ?", (row_id,)).fetchone())


def test_an_inserted_row_is_found(register, capsys):
    """A row appended with sqlite3, with a made-up hash."""
    path, ids = register
    tamper(path, "INSERT INTO event (case_id, actor, action, note, changes, at, recorded_at, late_entry, "
                 "digest) VALUES (1, 'mai', 'deliver', '', '{}', '2026-11-02 09:30:00', "
                 "'2026-11-02 09:30:00', 0, X'00')")
    status, _, err = run_check(path, capsys)
    assert status == 5 and names_row(err, ids[-1] + 1)


def test_an_inserted_row_with_a_correct_hash_is_found(register, capsys):
    """A forger who knows the hash recipe links a new row to the last one: the chain head kept
    in ``meta`` (updated only by the program, in the same transaction) no longer matches."""
    path, ids = register
    with sqlite3.connect(path) as conn:
        last = _row(conn, ids[-1])
    at = "2026-11-02 10:00:00"
    forged = audit.row_hash(last["digest"].hex(), case_id=1, actor="thao", action="approve", from_state="awaiting_approval",
                            to_state="approved", note="", changes={}, at=at, recorded_at=at, late_entry=False)
    tamper(path, ("INSERT INTO event (case_id, actor, action, from_state, to_state, note, changes, at, recorded_at, "
                  "late_entry, digest) VALUES (1, 'thao', 'approve', 'awaiting_approval', 'approved', '', "
                  "'{}', ?, ?, 0, ?)", (at, at, bytes.fromhex(forged))))
    status, out, err = run_check(path, capsys, "--json")
    doc = json.loads(out)
    assert status == 5 and doc["first_bad_row"] == ids[-1] + 1
    assert not backup.check_file(path).ok


def test_a_row_replaced_in_the_middle_is_found(register, capsys):
    """Delete a row and insert another under the same id."""
    path, ids = register
    victim = ids[3]
    with sqlite3.connect(path) as conn:
        old = _row(conn, victim)
    old["note"] = "thay thế"
    cols = ", ".join(old)
    tamper(path, ("DELETE FROM event WHERE id = ?", (victim,)),
           (f"INSERT INTO event ({cols}) VALUES ({', '.join('?' for _ in old)})", tuple(old.values())))
    status, _, err = run_check(path, capsys)
    assert status == 5 and names_row(err, victim)


def test_a_tampered_register_never_becomes_a_verified_backup(register, capsys, tmp_path):
    from casedesk.cli import main as cli_main

    path, ids = register
    tamper(path, ("UPDATE event SET note = 'x' WHERE id = ?", (ids[2],)))
    usb = tmp_path / "usb"
    assert cli_main(["--db", str(path), "backup", "--to", str(usb)]) == 5
    assert not list(usb.glob("*.sqlite3"))
    assert list(usb.glob("*.sqlite3.unverified"))
