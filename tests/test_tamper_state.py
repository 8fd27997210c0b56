"""The audit covers the state: an edit of a table behind the program's back fails ``check`` even when
the hash chain itself is left intact.  Each difference names the case (or user, setting, year,
procedure) and the field, in the text and in ``--json``.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from casedesk import audit
from casedesk.cli import main
from casedesk.db import close_database
from casedesk.services import auth, cases, catalogue, office
from tests.conftest import PASSWORD
from tests.test_tamper import tamper


@pytest.fixture
def register(db, receive, clock):
    """Three cases in different states, a user, a setting, a holiday year and a procedure version edited."""
    import datetime as dt

    a = receive(citizen_name="Nguyễn Văn An").code
    b = receive(citizen_name="Trần Thị Bình", fee="15000").code
    c = receive(citizen_name="Lê Văn Cường").code
    cases.assign_case(actor="mai", code=a, to="hung")
    cases.assign_case(actor="mai", code=b, to="hung")
    cases.submit_case(actor="hung", code=a, note="Đủ điều kiện")
    clock.advance(hours=1)
    cases.request_supplement(actor="hung", code=b, note="Thiếu giấy khai sinh")
    office.update_settings(actor="admin", phone="0210 3812 345")
    auth.update_user(actor="admin", login="duong", phone="0912 000 111")
    auth.set_password(actor="admin", login="thao", password="mat-khau-moi-99")
    text = office.holiday_year_text(2027)
    office.save_holiday_year(actor="admin", year=2027, text=text)
    catalogue.new_version(actor="admin", code="HT-09", effective_from=dt.date(2026, 12, 1), fee=9000)
    close_database()
    return db, {"approval": a, "paused": b, "received": c}


def check(path, capsys, *extra):
    status = main(["--db", str(path), "check", "--json", *extra])
    out, _err = capsys.readouterr()
    return status, json.loads(out)


def found(doc, kind, key, field):
    return [d for d in doc["differences"] if d["kind"] == kind and d["key"] == key and d["field"] == field]


def test_an_untouched_register_replays_clean(register, capsys):
    path, _codes = register
    status, doc = check(path, capsys)
    assert status == 0 and doc["ok"] and doc["differences"] == []
    assert doc["cases_checked"] == 3 and doc["cases_uncovered"] == 0


def test_state_changed_with_no_audit_row(register, capsys):
    path, codes = register
    tamper(path, ("UPDATE \"case\" SET state = 'approved' WHERE code = ?", (codes["approval"],)))
    status, doc = check(path, capsys)
    assert status == 5 and doc["audit_ok"] is True          # the chain itself is intact
    hit = found(doc, "case", codes["approval"], "state")
    assert hit and hit[0]["recorded"] == "awaiting_approval" and hit[0]["found"] == "approved"
    status = main(["--db", str(path), "check"])
    err = capsys.readouterr().err
    assert status == 5 and codes["approval"] in err and "(state)" in err and "approved" in err


def test_due_date_edited(register, capsys):
    path, codes = register
    tamper(path, ("UPDATE \"case\" SET due_date = '2027-06-30' WHERE code = ?", (codes["received"],)))
    status, doc = check(path, capsys)
    assert status == 5 and found(doc, "case", codes["received"], "due_date")[0]["found"] == "2027-06-30"


def test_citizen_name_edited(register, capsys):
    path, codes = register
    tamper(path, ("UPDATE \"case\" SET citizen_name = 'Người Khác' WHERE code = ?", (codes["received"],)))
    status, doc = check(path, capsys)
    assert status == 5
    assert [d["field"] for d in doc["differences"]] == ["citizen_name"]
    assert doc["differences"][0]["key"] == codes["received"]


@pytest.mark.parametrize("column,value,field", [
    ("id_number", "001203099999", "id_number"), ("address", "Nơi khác", "address"), ("fee", 0, "fee"),
    ("sets", 3, "sets"), ("ledger_no", 999, "ledger_no"), ("assignee_id", None, "assignee"),
    ("paused_on", None, "paused_on"), ("extended", 1, "extended"), ("received_at", "2026-10-01 08:00:00",
                                                                      "received_at"),
])
def test_other_case_fields_edited(register, capsys, column, value, field):
    path, codes = register
    tamper(path, (f'UPDATE "case" SET {column} = ? WHERE code = ?', (value, codes["paused"])))
    status, doc = check(path, capsys)
    assert status == 5 and found(doc, "case", codes["paused"], field), doc["differences"]


def test_papers_swapped_for_another_list(register, capsys):
    path, codes = register
    tamper(path, "INSERT INTO paper_list (digest, papers) VALUES (X'01', '[]')",
           ("UPDATE \"case\" SET paper_list_id = (SELECT max(id) FROM paper_list) WHERE code = ?",
            (codes["received"],)))
    status, doc = check(path, capsys)
    assert status == 5 and found(doc, "case", codes["received"], "papers")


def test_a_paper_list_edited_in_place(register, capsys):
    path, codes = register
    tamper(path, ("UPDATE paper_list SET papers = '[]' WHERE id = (SELECT paper_list_id FROM \"case\" "
                  "WHERE code = ?)", (codes["received"],)))
    status, doc = check(path, capsys)
    assert status == 5 and found(doc, "case", codes["received"], "papers")


def test_a_case_with_no_receive_row(register, capsys):
    path, codes = register
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute('SELECT * FROM "case" WHERE code = ?', (codes["received"],)).fetchone())
    row.pop("id")
    row["code"] = row["code"][:-4] + "0999"
    row["ledger_no"] = 999
    tamper(path, (f'INSERT INTO "case" ({", ".join(row)}) VALUES ({", ".join("?" for _ in row)})',
                  tuple(row.values())))
    status, doc = check(path, capsys)
    assert status == 5 and found(doc, "case", row["code"], "receive")


def test_a_deleted_case_leaves_its_rows_behind(register, capsys):
    path, codes = register
    tamper(path, "PRAGMA foreign_keys = OFF", ("DELETE FROM \"case\" WHERE code = ?", (codes["received"],)))
    status, doc = check(path, capsys)
    assert status == 5 and any(d["kind"] == "case" and d["field"] == "*" for d in doc["differences"])


def test_every_audit_row_and_the_head_deleted(register, capsys):
    """"0 rows, hash chain verified" was the answer: now every case and user lacks its rows."""
    path, codes = register
    tamper(path, "DELETE FROM event", f"DELETE FROM meta WHERE key = '{audit.HEAD_KEY}'")
    status, doc = check(path, capsys)
    assert status == 5 and doc["audit_rows"] == 0
    for code in codes.values():
        assert found(doc, "case", code, "receive")
    assert found(doc, "user", "admin", "*") and found(doc, "setting", "office_name", "value")
    assert found(doc, "audit", "", "*")
    assert main(["--db", str(path), "check"]) == 5
    assert "nhật ký đã bị xóa" in capsys.readouterr().err


def test_last_ten_rows_deleted_and_the_head_moved(register, capsys):
    """The chain is consistent again; the tables still say what the deleted rows did."""
    path, codes = register
    with sqlite3.connect(path) as conn:
        last = conn.execute("SELECT max(id) FROM event").fetchone()[0]
        keep = conn.execute("SELECT digest FROM event WHERE id = ?", (last - 10,)).fetchone()[0]
    tamper(path, ("DELETE FROM event WHERE id > ?", (last - 10,)),
           ("UPDATE meta SET value = ? WHERE key = ?", (keep.hex(), audit.HEAD_KEY)))
    status, doc = check(path, capsys)
    assert status == 5 and doc["audit_ok"] is True
    kinds = {(d["kind"], d["field"]) for d in doc["differences"]}
    assert ("setting", "value") in kinds and ("user", "password") in kinds and ("procedure", "*") in kinds


def test_a_users_role_edited(register, capsys):
    path, _codes = register
    tamper(path, "UPDATE \"user\" SET role = 'admin' WHERE login = 'mai'")
    status, doc = check(path, capsys)
    hit = found(doc, "user", "mai", "role")
    assert status == 5 and hit[0]["recorded"] == "clerk" and hit[0]["found"] == "admin"


def test_a_password_hash_replaced(register, capsys):
    """Someone sets a password they know (the hash of another account) straight into the file."""
    path, _codes = register
    tamper(path, "UPDATE \"user\" SET password_hash = (SELECT password_hash FROM \"user\" WHERE login = 'mai') "
                 "WHERE login = 'admin'")
    status, doc = check(path, capsys)
    hit = found(doc, "user", "admin", "password")
    assert status == 5 and hit and hit[0]["recorded"] is None and hit[0]["found"] is None   # no hash shown


@pytest.mark.parametrize("sql,field", [
    ("UPDATE \"user\" SET active = 0 WHERE login = 'hung'", "active"),
    ("UPDATE \"user\" SET must_change_password = 1 WHERE login = 'hung'", "must_change_password"),
    ("UPDATE \"user\" SET fields = '[\"DD\"]' WHERE login = 'hung'", "fields"),
    ("UPDATE \"user\" SET full_name = 'Ai Đó' WHERE login = 'hung'", "full_name"),
])
def test_other_user_fields(register, capsys, sql, field):
    path, _codes = register
    tamper(path, sql)
    status, doc = check(path, capsys)
    assert status == 5 and found(doc, "user", "hung", field)


def test_a_user_added_behind_the_programs_back(register, capsys):
    path, _codes = register
    tamper(path, "INSERT INTO \"user\" (login, full_name, role, fields, active, must_change_password, "
                 "failed_logins, created_at) VALUES ('ghost', 'Ma', 'admin', '[]', 1, 0, 0, '2026-11-02 09:00:00')")
    status, doc = check(path, capsys)
    assert status == 5 and found(doc, "user", "ghost", "*")


def test_a_setting_edited(register, capsys):
    path, _codes = register
    tamper(path, "UPDATE setting SET value = '\"0999 999 999\"' WHERE key = 'phone'")
    status, doc = check(path, capsys)
    hit = found(doc, "setting", "phone", "value")
    assert status == 5 and hit[0]["recorded"] == "0210 3812 345" and hit[0]["found"] == "0999 999 999"


def test_a_setting_added(register, capsys):
    path, _codes = register
    tamper(path, "INSERT INTO setting (key, value) VALUES ('lockout_attempts', '1000')")
    status, doc = check(path, capsys)
    assert status == 5 and found(doc, "setting", "lockout_attempts", "value")


def test_a_holiday_year_edited_or_added(register, capsys):
    path, _codes = register
    tamper(path, "UPDATE holiday_year SET data = data || '\n# sửa' WHERE year = 2027",
           "INSERT INTO holiday_year (year, data, updated_at) VALUES (2028, 'year = 2028', '2026-11-02 09:00:00')")
    status, doc = check(path, capsys)
    assert status == 5 and found(doc, "calendar", "2027", "data") and found(doc, "calendar", "2028", "*")


@pytest.mark.parametrize("where,key", [("version = 1", "HT-09/1"), ("version = 2", "HT-09/2")])
def test_a_procedure_edited(register, capsys, where, key):
    """The shipped version (a fingerprint at set-up) and the edited one (its changes and fingerprint)."""
    path, _codes = register
    tamper(path, f"UPDATE procedure SET days = 99, name = name || ' (sửa)' WHERE code = 'HT-09' AND {where}")
    status, doc = check(path, capsys)
    fields = {d["field"] for d in doc["differences"] if d["key"] == key}
    assert status == 5 and {"days", "name"} <= fields


def test_the_catalogue_replay_is_generic_over_recorded_fields(register, capsys):
    """An action of the catalogue this branch does not know (another's ``procedure_edit`` with a new
    column): the replay compares whatever columns its changes name."""
    import datetime as dt

    from casedesk.db import open_database
    from casedesk.models import Procedure

    path, _codes = register
    open_database(path)
    from casedesk.db import database, write

    database.obj.execute_sql("ALTER TABLE procedure ADD COLUMN agency TEXT NOT NULL DEFAULT ''")
    with write():
        Procedure.update(fee=7000).where((Procedure.code == "HT-01") & (Procedure.version == 1)).execute()
        database.obj.execute_sql("UPDATE procedure SET agency = 'UBND xã' WHERE code = 'HT-01'")
        now = dt.datetime(2026, 11, 2, 9, 0)
        audit.record(case_id=None, actor="admin", action="procedure_edit", at=now, recorded_at=now,
                     changes={"code": "HT-01", "fee": 7000, "agency": "UBND xã"})
    close_database()
    assert check(path, capsys)[0] == 0
    tamper(path, "UPDATE procedure SET agency = 'Ai đó' WHERE code = 'HT-01'")
    status, doc = check(path, capsys)
    assert status == 5 and found(doc, "procedure", "HT-01/1", "agency")


def test_a_password_changed_through_the_program_is_not_a_difference(register, capsys):
    from casedesk.db import open_database

    path, _codes = register
    open_database(path)
    auth.set_password(actor="hung", login="hung", password="mat-khau-khac-77", old_password=PASSWORD)
    auth.set_active(actor="admin", login="duong", active=False)
    close_database()
    assert check(path, capsys)[0] == 0


def test_a_password_rehashed_at_login_is_recorded(register, capsys, monkeypatch):
    """Stronger hashing settings re-hash the password at the next login: an audit row says so, with
    the new hash's digest, and the register still checks."""
    from casedesk.db import open_database

    path, _codes = register
    open_database(path)
    real = auth._hasher

    class Stronger:                          # the same hasher, whose settings say every hash is old
        verify, hash = real.verify, real.hash

        @staticmethod
        def check_needs_rehash(_hash):
            return True

    monkeypatch.setattr(auth, "_hasher", Stronger)
    auth.login("hung", PASSWORD)
    close_database()
    monkeypatch.undo()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM event WHERE action = 'password_rehash'").fetchone()[0] == 1
    assert check(path, capsys)[0] == 0


def test_cases_imported_from_an_old_ledger_replay_too(db, capsys, tmp_path, monkeypatch):
    """A case from the office's Excel ledger starts with its import row, which records the values
    themselves: the case checks, and an edit of it afterwards is named with what the row recorded."""
    from tests.test_ledger_import import GOOD, form07

    monkeypatch.setenv("CASEDESK_PASSWORD", PASSWORD)
    close_database()
    sheet = form07(tmp_path / "so-cu.xlsx", GOOD)
    assert main(["--db", str(db), "import", "ledger", str(sheet), "--as", "admin"]) == 0
    capsys.readouterr()
    status, doc = check(db, capsys)
    assert status == 0 and doc["differences"] == [], doc["differences"]
    tamper(db, "UPDATE \"case\" SET citizen_name = 'Người Khác', due_date = '2027-01-01' "
               "WHERE code = '000.00.31.H26-261001-0007'")
    status, doc = check(db, capsys)
    fields = {d["field"]: d for d in doc["differences"] if d["key"] == "000.00.31.H26-261001-0007"}
    assert status == 5 and fields["citizen_name"]["recorded"] == "Nguyễn Thị Hồng"
    assert fields["due_date"]["recorded"] == "2026-10-02"


def test_a_procedure_added_by_an_action_without_a_version(register, capsys):
    """Another branch's ``procedure_add`` naming only the code and its fields: the row is version 1."""
    import datetime as dt

    from casedesk.db import database, open_database, write
    from casedesk.models import Procedure

    path, _codes = register
    open_database(path)
    with write():
        Procedure.create(code="XX-01", version=1, effective_from=dt.date(2026, 11, 2), field="HT", name="Thử",
                         name_folded="thu", days=3, fee=0, papers=[])
        now = dt.datetime(2026, 11, 2, 9, 0)
        audit.record(case_id=None, actor="admin", action="procedure_add", at=now, recorded_at=now,
                     changes={"code": "XX-01", "name": "Thử", "days": 3, "field_code": "HT"})
    assert database.obj is not None
    close_database()
    assert check(path, capsys)[0] == 0
    tamper(path, "UPDATE procedure SET days = 30 WHERE code = 'XX-01'")
    status, doc = check(path, capsys)
    assert status == 5 and found(doc, "procedure", "XX-01/1", "days")[0]["recorded"] == 3


def test_refusals_at_the_counter_and_form_numbers_replay(register, capsys):
    """A dossier refused at the counter (form 03) and the number a printed form was given are rows of
    the same chain: an edit of either table behind the program's back is named."""
    from casedesk.db import open_database
    from casedesk.services import forms

    path, codes = register
    open_database(path)
    refusal = forms.refuse_intake(actor="mai", procedure="HT-09", citizen_name="Lê Thị Hoa",
                                  id_number="001303012345", note="Thiếu tờ khai").code
    number = forms.form_number("receipt", codes["received"], dt.date(2026, 11, 2), actor="mai")
    close_database()
    assert check(path, capsys)[0] == 0
    tamper(path, ("UPDATE intake_refusal SET reason = 'Công dân tự rút', citizen_name = 'Ai Đó' WHERE code = ?",
                  (refusal,)),
           ("UPDATE form_number SET number = ? WHERE owner = ?", (number + 5, codes["received"])))
    status, doc = check(path, capsys)
    assert status == 5
    assert found(doc, "refusal", refusal, "reason")[0]["recorded"] == "Thiếu tờ khai"
    assert found(doc, "refusal", refusal, "citizen_name")
    assert [d for d in doc["differences"] if d["kind"] == "form_number"]
    tamper(path, ("DELETE FROM intake_refusal WHERE code = ?", (refusal,)))
    status, doc = check(path, capsys)
    assert status == 5 and found(doc, "refusal", refusal, "*")


def test_the_duty_roster_replays(register, capsys):
    """Half-days set, a week copied onto the next (the people active then), and an edit of the table."""
    from casedesk.db import open_database
    from casedesk.services import roster

    path, _codes = register
    monday = dt.date(2026, 11, 2)
    open_database(path)
    roster.set_duty(actor="admin", day=monday, half="am", login="mai", place="desk")
    roster.set_duty(actor="admin", day=monday + dt.timedelta(days=1), half="pm", login="hung", place="HT")
    roster.set_duty(actor="admin", day=monday + dt.timedelta(days=7), half="am", login="duong", place="DD")
    auth.set_active(actor="admin", login="hung", active=False)
    roster.copy_week(actor="admin", source=monday, target=monday + dt.timedelta(days=7))
    roster.set_duty(actor="admin", day=monday, half="am", login="mai", place="")
    close_database()
    status, doc = check(path, capsys)
    assert status == 0, doc["differences"]
    tamper(path, "UPDATE duty SET place = 'HT' WHERE place = 'desk'",
           "INSERT INTO duty (day, half, user_id, place) VALUES ('2026-11-20', 'am', "
           "(SELECT id FROM \"user\" WHERE login = 'hung'), 'HT')")
    status, doc = check(path, capsys)
    keys = {d["key"] for d in doc["differences"] if d["kind"] == "duty"}
    assert status == 5 and keys == {"2026-11-09 am mai", "2026-11-20 am hung"}
