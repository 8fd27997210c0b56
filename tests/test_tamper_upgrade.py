"""A register written by an older version: its audit rows did not record a password's digest, a
holiday year's text, the shipped catalogue or a case's intake.  The upgrade to this version appends
one ``audit_baseline`` row recording what the tables hold then; from there on ``check`` catches an
edit of any of them (a case's intake placed within its block of cases)."""
from __future__ import annotations

import json
import sqlite3

import pytest

from casedesk import audit
from casedesk.cli import main
from casedesk.db import close_database, open_database
from casedesk.services import cases, office
from tests.test_tamper import tamper

# the schema before upgrade 13 (the audit baseline); later upgrades (14: the receipt key) find nothing to do
BEFORE_BASELINE = 12

# what the rows of each action did not hold before this version
NEW_KEYS = {"receive": {"intake"}, "user_add": {"phone", "active", "must_change_password", "password"},
            "password_set": {"password", "must_change_password"}, "office_init": {"catalogue"},
            "calendar_year": {"data"}, "procedure_version": {"row"}}


def rewrite_as_previous_version(path) -> None:
    """The same history as the previous version wrote it: the new keys gone, every digest as it hashed."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    prev = audit.GENESIS
    for row in conn.execute(f"SELECT {audit.CHAIN_COLUMNS} FROM {audit.CHAIN_FROM} ORDER BY e.id").fetchall():
        changes = {k: v for k, v in json.loads(row[7]).items() if k not in NEW_KEYS.get(row[3], ())}
        stored = json.dumps(changes, ensure_ascii=False, sort_keys=True)
        row = (*row[:7], stored, *row[8:])
        digest = audit.expected_digest(prev, row)
        conn.execute("UPDATE event SET changes = ?, digest = ? WHERE id = ?", (stored, bytes.fromhex(digest), row[0]))
        prev = digest
    conn.execute("UPDATE meta SET value = ? WHERE key = ?", (prev, audit.HEAD_KEY))
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(BEFORE_BASELINE),))
    conn.execute("COMMIT")
    conn.close()


@pytest.fixture
def upgraded(db, receive):
    codes = [receive(citizen_name=f"Nguyễn Văn {name}").code for name in ("An", "Bình", "Cường")]
    cases.assign_case(actor="mai", code=codes[0], to="hung")
    office.save_holiday_year(actor="admin", year=2027, text=office.holiday_year_text(2027))
    close_database()
    rewrite_as_previous_version(db)
    return db, codes


def check(path, capsys):
    status = main(["--db", str(path), "check", "--json"])
    out, _err = capsys.readouterr()
    return status, json.loads(out)


def test_without_the_upgrade_check_refuses_and_changes_nothing(upgraded, capsys):
    path, _codes = upgraded
    assert main(["--db", str(path), "check"]) == 2
    assert "không nâng cấp" in capsys.readouterr().err


def upgrade(path):
    open_database(path)
    close_database()


def test_the_upgrade_records_a_baseline_and_the_register_checks(upgraded, capsys):
    path, codes = upgraded
    upgrade(path)
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT changes FROM event WHERE action = 'audit_baseline'").fetchall()
    assert len(rows) == 1
    baseline = json.loads(rows[0][0])
    assert set(baseline["users"]) >= {"admin", "mai", "hung"} and baseline["cases"][0][2] == 3
    status, doc = check(path, capsys)
    assert status == 0 and doc["cases_uncovered"] == 0 and doc["differences"] == []
    upgrade(path)                    # opened again: no second baseline
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM event WHERE action = 'audit_baseline'").fetchone()[0] == 1


@pytest.mark.parametrize("sql,kind,field", [
    ("UPDATE \"case\" SET citizen_name = 'Người Khác' WHERE id = 2", "case", "intake_block"),
    ("DELETE FROM \"case\" WHERE id = 3", "case", "intake_block"),
    ("UPDATE \"case\" SET state = 'approved' WHERE id = 1", "case", "state"),
    ("UPDATE \"user\" SET password_hash = 'x' WHERE login = 'thao'", "user", "password"),
    ("UPDATE \"user\" SET role = 'admin' WHERE login = 'mai'", "user", "role"),
    ("UPDATE setting SET value = '\"X\"' WHERE key = 'office_name'", "setting", "value"),
    ("UPDATE holiday_year SET data = data || '\n' WHERE year = 2027", "calendar", "data"),
    ("UPDATE procedure SET days = 99 WHERE code = 'HT-09'", "procedure", "days"),
])
def test_after_the_upgrade_an_edit_is_found(upgraded, capsys, sql, kind, field):
    path, codes = upgraded
    upgrade(path)
    tamper(path, "PRAGMA foreign_keys = OFF", sql)
    status, doc = check(path, capsys)
    assert status == 5
    assert any(d["kind"] == kind and d["field"] == field for d in doc["differences"]), doc["differences"]
    if field == "intake_block":
        hit = [d for d in doc["differences"] if d["field"] == "intake_block"][0]
        assert codes[0] in hit["key"]           # the block named by its first and last case


def test_cases_received_after_the_upgrade_have_their_own_fingerprint(upgraded, capsys, receive, clock):
    path, codes = upgraded
    open_database(path)
    new = receive(citizen_name="Trần Thị Mới").code
    close_database()
    tamper(path, ("UPDATE \"case\" SET citizen_name = 'Người Khác' WHERE code = ?", (new,)))
    status, doc = check(path, capsys)
    assert status == 5 and [(d["key"], d["field"]) for d in doc["differences"]] == [(new, "citizen_name")]
