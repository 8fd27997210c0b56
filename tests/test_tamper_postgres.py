"""The same promises of ``check`` on PostgreSQL: read-only, the replay of the audit trail, anchors.

Runs when CASEDESK_TEST_PG names a server database (see tests/test_postgres.py).
"""
from __future__ import annotations

import json

import peewee
import pytest

from casedesk import anchors, audit
from casedesk.cli import main
from casedesk.db import SCHEMA_VERSION, close_database, database, open_database
from tests.test_postgres import URL, _receive, pg  # noqa: F401  (the fixture)

pytestmark = pytest.mark.skipif(not URL, reason="CASEDESK_TEST_PG is not set")


@pytest.fixture
def office(pg):  # noqa: F811
    from casedesk.services import cases

    codes = [_receive(name).code for name in ("Nguyễn Văn An", "Trần Thị Bình")]
    cases.assign_case(actor="mai", code=codes[0], to="hung")
    head = anchors.head_text()
    close_database()
    return codes, head


def run_sql(*sql):
    open_database(URL, upgrade=False)
    try:
        for statement in sql:
            if isinstance(statement, tuple):
                database.obj.execute_sql(*statement)
            else:
                database.obj.execute_sql(statement)
    finally:
        close_database()


def check(capsys, *extra):
    status = main(["--db", URL, "check", "--json", *extra])
    out, _err = capsys.readouterr()
    return status, json.loads(out)


def snapshot():
    open_database(URL, upgrade=False)
    try:
        db = database.obj
        return (db.execute_sql("SELECT count(*), max(id) FROM event").fetchone(),
                db.execute_sql("SELECT value FROM meta ORDER BY key").fetchall())
    finally:
        close_database()


def test_a_clean_register_checks_and_nothing_is_written(office, capsys):
    _codes, head = office
    before = snapshot()
    status, doc = check(capsys, "--anchor", head)
    assert status == 0 and doc["ok"] and doc["cases_checked"] == 2 and doc["head"] == head
    assert snapshot() == before


def test_the_session_refuses_writes(office):
    from casedesk.db import open_readonly

    open_readonly(URL)
    try:
        with pytest.raises(peewee.DatabaseError):
            database.obj.execute_sql("UPDATE meta SET value = value WHERE key = 'schema_version'")
    finally:
        close_database()


@pytest.mark.parametrize("sql,kind,field", [
    ("UPDATE \"case\" SET state = 'approved'", "case", "state"),
    ("UPDATE \"case\" SET due_date = '2027-06-30'", "case", "due_date"),
    ("UPDATE \"case\" SET citizen_name = 'Người Khác'", "case", "citizen_name"),
    ("UPDATE \"user\" SET role = 'admin' WHERE login = 'mai'", "user", "role"),
    ("UPDATE \"user\" SET password_hash = 'x' WHERE login = 'admin'", "user", "password"),
    ("UPDATE setting SET value = '\"Nơi khác\"' WHERE key = 'office_name'", "setting", "value"),
])
def test_state_edited_behind_the_programs_back(office, capsys, sql, kind, field):
    run_sql(sql)
    status, doc = check(capsys)
    assert status == 5 and doc["audit_ok"] is True
    assert any(d["kind"] == kind and d["field"] == field for d in doc["differences"])


def test_every_audit_row_deleted(office, capsys):
    codes, _head = office
    run_sql("DELETE FROM event", f"DELETE FROM meta WHERE key = '{audit.HEAD_KEY}'")
    status, doc = check(capsys)
    assert status == 5 and {d["key"] for d in doc["differences"] if d["field"] == "receive"} == set(codes)


def test_the_last_rows_cut_off_fail_the_anchor(office, capsys):
    _codes, head = office
    open_database(URL, upgrade=False)
    try:
        last = database.obj.execute_sql("SELECT max(id) FROM event").fetchone()[0]
        digest = database.obj.execute_sql("SELECT digest FROM event WHERE id < %s ORDER BY id DESC LIMIT 1",
                                          (last - 1,)).fetchone()[0]
    finally:
        close_database()
    run_sql(("DELETE FROM event WHERE id >= %s", (last - 1,)),
            ("UPDATE meta SET value = %s WHERE key = %s", (bytes(digest).hex(), audit.HEAD_KEY)))
    status, doc = check(capsys, "--anchor", head)
    assert status == 5 and doc["audit_ok"] is True
    assert doc["anchor_problems"][0]["kind"] == "truncated" and doc["anchor_problems"][0]["anchor"] == head


def test_an_older_schema_is_refused_and_not_upgraded(office, capsys):
    run_sql(f"UPDATE meta SET value = '{SCHEMA_VERSION - 1}' WHERE key = 'schema_version'")
    assert main(["--db", URL, "check"]) == 2
    assert "không nâng cấp" in capsys.readouterr().err
    open_database(URL, upgrade=False)
    try:
        found = database.obj.execute_sql("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    finally:
        close_database()
    assert found == str(SCHEMA_VERSION - 1)


def test_the_upgrade_baseline_on_postgresql(office, capsys):
    """Upgrade 13 on a server register: one baseline row, the register checks, an edit after it is found."""
    run_sql("UPDATE meta SET value = '12' WHERE key = 'schema_version'")      # before the baseline (13)
    open_database(URL)
    close_database()
    open_database(URL, upgrade=False)
    try:
        count = database.obj.execute_sql("SELECT count(*) FROM event WHERE action = 'audit_baseline'").fetchone()[0]
    finally:
        close_database()
    assert count == 1
    assert check(capsys)[0] == 0
    run_sql("UPDATE \"case\" SET address = 'Nơi khác'")
    status, doc = check(capsys)
    assert status == 5 and {d["field"] for d in doc["differences"]} == {"address"}
