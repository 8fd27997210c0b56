"""Upgrades 8 and 9 on a register really written at schema version 7: each case's papers copied into
its row, two SHA-256 digests a row as hex text (``prev_hash``, ``hash``), ``recorded_at`` always
stored, the receive row repeating the case's code, procedure and due date.  After the upgrade the
same chain still checks, and tampering with a converted row is still found and named."""
from __future__ import annotations

import dataclasses
import json
import sqlite3

from casedesk import audit
from casedesk.cli import main
from casedesk.db import SCHEMA_VERSION, close_database, database, open_database, schema_version

# The two tables as peewee created them at schema version 7.
CASE_V7 = (
    'CREATE TABLE "case_v7" ("id" INTEGER NOT NULL PRIMARY KEY, "code" VARCHAR(64) NOT NULL, '
    '"procedure_id" INTEGER NOT NULL, "field_code" VARCHAR(16) NOT NULL, "state" VARCHAR(24) NOT NULL, '
    '"channel" VARCHAR(12) NOT NULL, "citizen_name" VARCHAR(200) NOT NULL, "name_folded" VARCHAR(200) NOT NULL, '
    '"name_sort" VARCHAR(200) NOT NULL, "id_number" VARCHAR(16) NOT NULL, "phone" VARCHAR(20) NOT NULL, '
    '"address" TEXT NOT NULL, "email" VARCHAR(200) NOT NULL, "birth_date" DATE, "sets" INTEGER NOT NULL, '
    '"fee" INTEGER NOT NULL, "papers" TEXT NOT NULL, "pickup" VARCHAR(12) NOT NULL, '
    '"received_at" DATETIME NOT NULL, "received_on" DATE NOT NULL, "due_date" DATE NOT NULL, '
    '"original_due_date" DATE NOT NULL, "assignee_id" INTEGER, "received_by_id" INTEGER NOT NULL, '
    '"extended" INTEGER NOT NULL, "paused_on" DATE, "resolved_at" DATETIME, "resolved_on" DATE, '
    '"delivered_at" DATETIME, "receiver" VARCHAR(200) NOT NULL, "rating" VARCHAR(20), '
    '"ledger_book" VARCHAR(16) NOT NULL, "ledger_no" INTEGER, "last_event_at" DATETIME NOT NULL, '
    '"updated_at" DATETIME NOT NULL, FOREIGN KEY ("procedure_id") REFERENCES "procedure" ("id"), '
    'FOREIGN KEY ("field_code") REFERENCES "field" ("code"), FOREIGN KEY ("assignee_id") REFERENCES "user" ("id"), '
    'FOREIGN KEY ("received_by_id") REFERENCES "user" ("id"))')
EVENT_V7 = (
    'CREATE TABLE "event_v7" ("id" INTEGER NOT NULL PRIMARY KEY, "case_id" INTEGER, "actor" VARCHAR(64) NOT NULL, '
    '"action" VARCHAR(40) NOT NULL, "from_state" VARCHAR(24), "to_state" VARCHAR(24), "note" TEXT NOT NULL, '
    '"changes" TEXT NOT NULL, "at" DATETIME NOT NULL, "recorded_at" DATETIME NOT NULL, '
    '"late_entry" INTEGER NOT NULL, "prev_hash" VARCHAR(64) NOT NULL, "hash" VARCHAR(64) NOT NULL, '
    'FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE RESTRICT)')
CASE_COLUMNS = ("id, code, procedure_id, field_code, state, channel, citizen_name, name_folded, name_sort, id_number, "
                "phone, address, email, birth_date, sets, fee, {papers}, pickup, received_at, received_on, due_date, "
                "original_due_date, assignee_id, received_by_id, extended, paused_on, resolved_at, resolved_on, "
                "delivered_at, receiver, rating, ledger_book, ledger_no, last_event_at, updated_at")


def rewrite_as_v7(path) -> None:
    """Turn a current register into exactly what version 7 of the program wrote for the same history."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN")
    indexes = [r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                                          "AND tbl_name IN ('case', 'event') AND name != 'case_intake_token'")]   # upgrade 12's
    conn.execute(CASE_V7)
    conn.execute(f'INSERT INTO case_v7 ({CASE_COLUMNS.format(papers="papers")}) '
                 f'SELECT {CASE_COLUMNS.format(papers="l.papers").replace("id, code", "c.id, c.code", 1)} '
                 'FROM "case" c JOIN paper_list l ON l.id = c.paper_list_id')
    conn.execute(EVENT_V7)
    prev = audit.GENESIS
    rows = conn.execute(f"SELECT {audit.CHAIN_COLUMNS} FROM {audit.CHAIN_FROM} ORDER BY e.id").fetchall()
    for row in rows:
        (row_id, case_id, actor, action, from_state, to_state, note, changes, at, recorded_at, late, digest,
         code, proc, version, first_due) = row
        changes = json.loads(changes)
        if action == "receive":
            changes.update(audit.receive_changes(code=code, procedure=proc, version=version, due_date=first_due))
        assert audit.expected_digest(prev, row) == digest.hex()
        conn.execute("INSERT INTO event_v7 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (row_id, case_id, actor, action, from_state, to_state, note,
                      json.dumps(changes, ensure_ascii=False, sort_keys=True), at, recorded_at or at, late,
                      prev, digest.hex()))
        prev = digest.hex()
    for table in ("event", "case", "paper_list"):
        conn.execute(f'DROP TABLE "{table}"')
    conn.execute('ALTER TABLE case_v7 RENAME TO "case"')
    conn.execute('ALTER TABLE event_v7 RENAME TO "event"')
    for sql in indexes + ['CREATE INDEX "case_received_by_id" ON "case" ("received_by_id")',
                          "CREATE INDEX event_case ON event (case_id, id)"]:
        conn.execute(sql)
    conn.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    conn.execute("COMMIT")
    conn.close()


def layout(db) -> dict:
    tables = ("case", "event", "paper_list")
    columns = {t: sorted((c.name, c.data_type.upper(), c.null) for c in db.get_columns(t)) for t in tables}
    indexes = sorted(r[0] for r in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('case', 'event', 'paper_list')"))
    return {"columns": columns, "indexes": indexes}


def history(db, receive, clock):
    """Cases in every kind of step, a late entry, a citizen's own papers, a second procedure version."""
    from casedesk.services import cases, catalogue

    proc = catalogue.get_procedure("HT-09")
    mine = [{"name": p.name, "original": p.original, "copies": p.copies + 1, "received": True} for p in proc.papers]
    codes = [receive().code, receive(citizen_name="Trần Thị Bình", papers=mine + [{"name": "Giấy khen", "copies": 1}]).code,
             receive(procedure="CT-01", citizen_name="Lê Văn Cường").code]
    for code in codes:
        cases.assign_case(actor="mai", code=code, to="hung")
    cases.request_supplement(actor="hung", code=codes[0], note="Thiếu bản sao")
    clock.advance(days=1)
    cases.resume_case(actor="hung", code=codes[0])
    cases.submit_case(actor="hung", code=codes[1], note="Đủ điều kiện")
    cases.approve_case(actor="thao", code=codes[1])
    clock.advance(hours=3)
    cases.deliver_case(actor="mai", code=codes[1], rating="satisfied", at=clock.now.replace(hour=9))  # late entry
    return codes


def test_a_version_7_register_upgrades_and_its_chain_still_checks(db, receive, clock, tmp_path, capsys):
    from casedesk.services import queries

    codes = history(db, receive, clock)
    before = {c: queries.get_case(c) for c in codes}
    fresh = layout(database.obj)
    close_database()
    rewrite_as_v7(db)
    with sqlite3.connect(db) as conn:
        assert {r[1] for r in conn.execute("PRAGMA table_info(event)")} >= {"prev_hash", "hash"}
        assert audit.verify_file(conn).ok      # the old layout checks as it did (a backup of version 7)
        late = conn.execute("SELECT COUNT(*) FROM event WHERE recorded_at != at").fetchone()[0]
    assert late >= 1

    upgraded = open_database(db)
    assert schema_version(upgraded) == SCHEMA_VERSION
    assert layout(upgraded) == fresh                          # same tables and indexes as a new register
    assert audit.verify_chain().ok
    after = {c: queries.get_case(c) for c in codes}
    for code in codes:       # what callers read is unchanged (papers, history with both times)
        assert dataclasses.asdict(after[code]) == dataclasses.asdict(before[code])
    assert [p.copies for p in after[codes[1]].papers][-1] == 1 and after[codes[1]].papers[-1].name == "Giấy khen"
    rows = upgraded.execute_sql("SELECT action, changes, recorded_at, length(digest) FROM event "
                                "WHERE case_id IS NOT NULL ORDER BY id").fetchall()
    assert all(r[3] == 32 for r in rows)
    # only the intake fingerprint is left (check compares the case with it: audit_state)
    assert {tuple(json.loads(r[1])) for r in rows if r[0] == "receive"} == {("intake",)}
    assert sum(r[2] is not None for r in rows) == late
    close_database()
    assert main(["--db", str(db), "check"]) == 0
    capsys.readouterr()

    with sqlite3.connect(db) as conn:
        victim = conn.execute("SELECT id FROM event WHERE action = 'resume'").fetchone()[0]
        conn.execute("UPDATE event SET note = 'sửa lén' WHERE id = ?", (victim,))
    assert main(["--db", str(db), "check", "--json"]) == 5
    doc = json.loads(capsys.readouterr().out)
    assert doc["first_bad_row"] == victim and "sửa" in doc["problem"]


def test_a_case_row_altered_breaks_its_receive_row(db, receive, capsys):
    """The receive row no longer stores the case's code, procedure and first due date, but still
    covers them: changing them in the case row is found, at that receive row."""
    case = receive()
    receive(citizen_name="Trần Thị Bình")
    row = database.obj.execute_sql("SELECT id FROM event WHERE case_id = ? AND action = 'receive'",
                                   (case.id,)).fetchone()[0]
    close_database()
    for column, value in (("original_due_date", "2030-01-01"), ("code", case.code[:-1] + "9"),
                          ("procedure_id", 1)):
        with sqlite3.connect(db) as conn:
            old = conn.execute(f'SELECT {column} FROM "case" WHERE id = ?', (case.id,)).fetchone()[0]
            conn.execute(f'UPDATE "case" SET {column} = ? WHERE id = ?', (value, case.id))
        assert main(["--db", str(db), "check", "--json"]) == 5
        assert json.loads(capsys.readouterr().out)["first_bad_row"] == row
        with sqlite3.connect(db) as conn:
            conn.execute(f'UPDATE "case" SET {column} = ? WHERE id = ?', (old, case.id))
        assert main(["--db", str(db), "check"]) == 0
        capsys.readouterr()
    open_database(db)


def test_the_same_list_of_papers_is_stored_once(db, receive):
    from casedesk.models import Case, PaperList

    first, second = receive(), receive(citizen_name="Trần Thị Bình")
    other = receive(procedure="CT-01")
    assert Case.get_by_id(first.id).paper_list_id == Case.get_by_id(second.id).paper_list_id
    assert Case.get_by_id(other.id).paper_list_id != Case.get_by_id(first.id).paper_list_id
    assert PaperList.select().count() == 2
    assert Case.get_by_id(first.id).papers == [dataclasses.asdict(p) for p in first.papers]


def test_a_file_is_read_through_the_audit_module(db, receive):
    """What a backup's reader asks of a file (its chain, its newest row, a given row) it asks ``audit``."""
    receive()
    newest = database.obj.execute_sql("SELECT MAX(id) FROM event").fetchone()[0]
    close_database()
    with sqlite3.connect(db) as conn:
        assert audit.verify_file(conn).ok
        row_id, digest = audit.file_row(conn)
        assert row_id == newest and len(digest) == 64
        assert audit.file_row(conn, newest) == (row_id, digest)
        assert audit.file_row(conn, newest + 1) == (0, "")
        head = conn.execute("SELECT value FROM meta WHERE key = ?", (audit.HEAD_KEY,)).fetchone()[0]
    assert digest == head
    open_database(db)
