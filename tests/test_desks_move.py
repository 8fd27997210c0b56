"""An office moves its register to the server and back, backs the server up and restores it.

``casedesk-cli move-to`` SQLite → PostgreSQL → SQLite gives the same register (every table, the
chain, search); the sources are marked and refuse writes with a sentence naming where the register
lives; a target that is not empty, a file that exists, a non-admin, a copy that does not verify are
all refused with nothing left behind.  A server backup is a SQLite file that verifies; it restores
onto the server (replacing the register in one transaction, after a safety copy) and into an
empty database.  Runs when CASEDESK_TEST_PG names a PostgreSQL database (``.ci/run``).
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3

import pytest

from casedesk import audit, backup, context
from casedesk.db import close_database, database, open_database
from casedesk.errors import BadInput, IntegrityProblem, NotAllowed
from tests.conftest import PASSWORD

URL = os.environ.get("CASEDESK_TEST_PG")
pytestmark = pytest.mark.skipif(not URL, reason="CASEDESK_TEST_PG is not set")

TABLES = ["setting", "department", "field", "user", "procedure", "paper_list", "case", "event", "day_counter",
          "holiday_year", "intake_refusal", "form_number", "duty", "office_key"]


def _wipe():
    from tests.test_postgres import _wipe as wipe

    close_database()
    wipe()


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEDESK_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def office_file(db, clock, home):
    """The test office on one PC with a few cases in every shape (supplement, approval, delivery, a holiday
    year, a procedure's second version), so that every table has rows to carry."""
    from casedesk.services import cases, catalogue, office

    codes = []
    for n, name in enumerate(["Nguyễn Văn Đường", "Trần Thị Hoà", "Lê Quang Vinh", "Phạm Thị Ánh"]):
        clock.advance(minutes=7)
        codes.append(cases.receive_case(actor="mai", procedure="HT-01" if n % 2 else "CT-01", citizen_name=name,
                                        id_number=f"07920301234{n}", phone="0912345678",
                                        address="Xã An Phú").case.code)
    clock.advance(minutes=5)
    cases.assign_case(actor="mai", code=codes[0], to="hung")
    cases.submit_case(actor="hung", code=codes[0])
    cases.approve_case(actor="thao", code=codes[0])
    cases.deliver_case(actor="mai", code=codes[0], rating="satisfied")
    office.save_holiday_year(actor="admin", year=2027, text=office.holiday_year_text(2027))
    proc = catalogue.get_procedure("HT-01")
    catalogue.new_version(actor="admin", code="HT-01", effective_from=dt.date(2026, 12, 1), days=proc.days + 1)
    from casedesk.services import forms

    forms.refuse_intake(actor="mai", procedure="HT-01", citizen_name="Hoàng Văn Từ", note="Không thuộc thẩm quyền")
    forms.form_number("receipt", codes[0], clock.now.date(), actor="mai")
    from casedesk.services import roster

    roster.set_duty(actor="admin", day=clock.now.date(), half="am", login="mai", place="desk")
    backup.register_id(create=True)
    return db, codes


def snapshot() -> dict:
    """Everything a register is, table by table, as comparable Python values (the open database)."""
    from casedesk.transfer import MODELS

    found = {}
    for model in MODELS:
        rows = []
        for row in model.select().dicts():
            rows.append(tuple(sorted((k, bytes(v) if isinstance(v, memoryview) else v) for k, v in row.items())))
        found[model._meta.table_name] = sorted(rows, key=repr)
    found["meta"] = [r for r in found["meta"] if dict(r)["key"] not in ("moved_to",)]
    return found


def _cli(*args):
    from casedesk.cli import main

    return main([str(a) for a in args])


def test_move_to_postgres_and_back_gives_the_same_register(office_file, home, capsys, monkeypatch):
    from casedesk.services import queries

    from casedesk import receipt_seal
    from casedesk.models import Case

    path, codes = office_file
    before = snapshot()
    sealed = receipt_seal.case_seal(Case.get(Case.code == codes[0]))      # a receipt printed before the move
    close_database()
    _wipe()
    monkeypatch.setenv("CASEDESK_PASSWORD", PASSWORD)
    assert _cli("--db", path, "move-to", URL, "--as", "admin", "--yes") == 0
    out, err = capsys.readouterr()
    assert "chuỗi băm khớp" in out and "hồ sơ: 4 / 4" in err              # progress, table by table

    open_database(URL)
    on_server = snapshot()
    assert audit.verify_chain().ok
    moved_in = [e for e in on_server["event"] if dict(e)["action"] == "move_in"]
    assert len(moved_in) == 1 and dict(moved_in[0])["actor"] == "admin"
    for table in TABLES:
        if table == "event":
            assert len(on_server[table]) == len(before[table]) + 1
        else:
            assert on_server[table] == before[table], table
    assert dict(on_server["meta"][0]) and {dict(r)["key"] for r in on_server["meta"]} >= {"register_id", "audit_head"}
    assert [r.code for r in queries.search_cases("nguyen van duong")] == [codes[0]]
    assert receipt_seal.verify(sealed).status == "valid"                 # the key came along
    assert receipt_seal.case_seal(Case.get(Case.code == codes[0])) == sealed
    # the server's sequences run on from the copied ids: the next case gets the next number
    from casedesk.services import cases

    new = cases.receive_case(actor="mai", procedure="HT-01", citizen_name="Đỗ Thị Hạnh", id_number="079203099999",
                             phone="0912345678", address="Xã An Phú").case
    assert new.code.endswith("-0005") and queries.get_case(new.code).citizen_name == "Đỗ Thị Hạnh"
    close_database()

    # the register's own check on the server: the chain, and every table replayed from its audit rows
    assert _cli("--db", URL, "check") == 0, capsys.readouterr().err
    capsys.readouterr()
    # the file it left says where the register is, and refuses to write there
    assert _cli("--db", path, "case", "list") == 0
    _out, err = capsys.readouterr()
    assert "đã được chuyển sang postgresql://" in err
    status = _cli("--db", path, "case", "receive", "--as", "mai", "--procedure", "HT-01", "--name", "Lê Văn A",
                  "--id-number", "079203012399", "--address", "Xã An Phú")
    _out, err = capsys.readouterr()
    assert status == 3 and "hãy mở sổ ở đó" in err
    assert sqlite3.connect(path).execute('SELECT count(*) FROM "case"').fetchone()[0] == 4   # untouched

    back = path.parent / "back" / "office.sqlite3"
    assert _cli("--db", URL, "move-to", back, "--as", "admin", "--yes", "--json") == 0
    capsys.readouterr()
    open_database(back)
    returned = snapshot()
    assert audit.verify_chain().ok
    for table in TABLES:
        if table not in ("event", "case", "day_counter", "paper_list"):
            assert returned[table], table                     # every table had rows to carry
            assert returned[table] == before[table], table
    assert len(returned["case"]) == 5 and len(returned["event"]) == len(before["event"]) + 3
    assert [r.code for r in queries.search_cases("hanh")] == [new.code]
    assert backup.check_file(back).ok
    close_database()
    assert _cli("--db", back, "check") == 0, capsys.readouterr().err
    open_database(back)
    assert dict(next(r for r in returned["meta"] if dict(r)["key"] == "register_id"))["value"] == \
        dict(next(r for r in before["meta"] if dict(r)["key"] == "register_id"))["value"]
    close_database()
    # the server is the one marked now: opening it says so, and a desk's write is refused
    open_database(URL)
    with pytest.raises(NotAllowed, match=str(back)):
        cases.receive_case(actor="mai", procedure="HT-01", citizen_name="Đỗ Thị Hạnh", id_number="079203099998",
                           phone="0912345678", address="Xã An Phú")
    close_database()


def test_move_refuses_what_would_lose_or_mix_anything(office_file, home, monkeypatch, tmp_path):
    from casedesk.transfer import move_register

    path, _codes = office_file
    close_database()
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(path.read_bytes())
    _wipe()
    open_database(path)
    with pytest.raises(BadInput, match="SQLite lên PostgreSQL"):
        move_register(tmp_path / "other.sqlite3", actor="admin")          # SQLite to SQLite: that is a backup
    assert not (tmp_path / "other.sqlite3").exists()
    # a server database that already holds a register
    close_database()
    open_database(URL)
    from casedesk.services import office

    office.init_office(office="TT khác", commune="Xã Khác", province="Tỉnh Khác", unit_code="000.00.01.H01",
                       admin_login="admin", admin_password=PASSWORD)
    close_database()
    open_database(path)
    with pytest.raises(BadInput, match="Chỉ chuyển vào một cơ sở dữ liệu trống"):
        move_register(URL, actor="admin")
    assert database.obj is not None and not getattr(database.obj, "casedesk_moved_to", None)
    # a copy that does not verify: nothing kept on the server, the source not marked, a second try works
    _wipe()
    open_database(path)
    real = audit.verify_chain
    monkeypatch.setattr(audit, "verify_chain", lambda: audit.ChainReport(False, 1, 1, "giả lập hỏng"))
    with pytest.raises(IntegrityProblem, match="giả lập hỏng"):
        move_register(URL, actor="admin")
    monkeypatch.setattr(audit, "verify_chain", real)
    assert not getattr(database.obj, "casedesk_moved_to", None)
    from casedesk.services import cases

    cases.receive_case(actor="mai", procedure="HT-01", citizen_name="Vẫn Ghi Được", id_number="079203012377",
                       phone="0912345678", address="Xã An Phú")           # the source still works
    result = move_register(URL, actor="admin")
    assert result.counts["case"] == 5
    # a non-admin is refused by the command, and the refusal is audited on the source
    close_database()
    monkeypatch.setenv("CASEDESK_PASSWORD", PASSWORD)
    status = _cli("--db", URL, "move-to", tmp_path / "x.sqlite3", "--as", "mai", "--yes")
    assert status == 3 and not (tmp_path / "x.sqlite3").exists()
    # a server database that is not there: the connection problem, exit 7, the file left as it was
    missing = URL.rsplit("/", 1)[0] + "/khong_co_csdl_nay"
    status = _cli("--db", copy, "move-to", missing, "--as", "admin", "--yes")
    assert status == 7
    open_database(copy)
    assert not getattr(database.obj, "casedesk_moved_to", None)
    close_database()


def test_a_server_backup_verifies_restores_and_reminds(office_file, home, clock, monkeypatch, tmp_path, capsys):
    from casedesk import server_backup
    from casedesk.services import cases, queries
    from casedesk.transfer import move_register

    path, codes = office_file
    _wipe()
    open_database(path)
    move_register(URL, actor="admin")
    close_database()
    open_database(URL)
    assert "chưa có bản sao lưu" in server_backup.reminder()
    info = backup.backup_now()
    assert info.verified and info.path.parent == home / "backups" / backup.register_id()
    check = backup.check_file(info.path)
    assert check.ok and check.cases == 4 and check.audit_rows == info.audit_rows
    assert server_backup.last_server_backup().at == info.created_at and server_backup.reminder() == ""
    assert backup.maybe_daily_backup() is None                         # today's is made (by any desk)
    assert [b.path for b in backup.list_backups()] == [info.path]
    close_database()
    assert _cli("--db", URL, "backups", "--json") == 0                 # the command line sees the same
    assert str(info.path) in capsys.readouterr().out
    open_database(URL)
    clock.advance(days=1, hours=2)
    assert "đã cũ" in server_backup.reminder()

    # a case after the backup, then the restore: gone again, the chain whole, the old register kept aside
    late = cases.receive_case(actor="mai", procedure="HT-01", citizen_name="Sau Sao Lưu", id_number="079203012366",
                              phone="0912345678", address="Xã An Phú").case.code
    restored = server_backup.restore_server(info.path, actor="admin")
    assert restored.cases == 4 and restored.safety_copy is not None
    assert audit.verify_chain().ok
    assert [e.action for e in audit.Event.select().order_by(audit.Event.id.desc()).limit(1)] == ["restore"]
    with pytest.raises(Exception):
        queries.get_case(late)
    assert queries.get_case(codes[0]).state == "delivered"
    safety = backup.check_file(restored.safety_copy)
    assert safety.ok and safety.cases == 5
    new = cases.receive_case(actor="mai", procedure="HT-01", citizen_name="Sau Khôi Phục", id_number="079203012355",
                             phone="0912345678", address="Xã An Phú").case
    assert new.id == 5 and audit.verify_chain().ok            # the sequences run on from the restored ids

    # a tampered backup is refused and the server is left as it was
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(info.path.read_bytes())
    conn = sqlite3.connect(bad)
    conn.execute("UPDATE event SET note = 'sửa lén' WHERE id = (SELECT min(id) FROM event)")
    conn.commit()
    conn.close()
    with pytest.raises(IntegrityProblem):
        server_backup.restore_server(bad, actor="admin")
    assert queries.get_case(new.code).citizen_name == "Sau Khôi Phục" and audit.verify_chain().ok
    close_database()


def test_a_server_backup_restores_into_an_empty_database(office_file, home, monkeypatch, capsys):
    from casedesk.services import queries
    from casedesk.transfer import move_register

    path, codes = office_file
    _wipe()
    open_database(path)
    move_register(URL, actor="admin")
    close_database()
    open_database(URL)
    info = backup.backup_now()
    register = backup.register_id()
    close_database()
    _wipe()                                                   # the server PC replaced: an empty database
    monkeypatch.setenv("CASEDESK_PASSWORD", "sai-mat-khau")
    assert _cli("--db", URL, "restore", info.path, "--as", "admin", "--yes") == 3      # checked against the file
    monkeypatch.setenv("CASEDESK_PASSWORD", PASSWORD)
    assert _cli("--db", URL, "restore", info.path, "--as", "admin", "--yes") == 0
    out, _err = capsys.readouterr()
    assert "Đã khôi phục sổ trên máy chủ: 4 hồ sơ" in out
    open_database(URL)
    assert audit.verify_chain().ok and backup.register_id() == register
    assert [r.code for r in queries.search_cases("tran thi hoa")] == [codes[1]]
    close_database()


def test_another_offices_backup_is_refused_on_the_server(office_file, home, tmp_path):
    from casedesk import server_backup
    from casedesk.services import office

    path, _codes = office_file
    other = tmp_path / "other.sqlite3"
    close_database()
    open_database(other)
    office.init_office(office="UBND xã Khác", commune="Xã Khác", province="Tỉnh Khác", unit_code="000.00.01.H01",
                       admin_login="admin", admin_password=PASSWORD)
    other_backup = backup.backup_now(tmp_path / "b")
    close_database()
    _wipe()
    open_database(path)
    from casedesk.transfer import move_register

    move_register(URL, actor="admin")
    close_database()
    open_database(URL)
    with pytest.raises(BadInput, match="--other-office"):
        server_backup.restore_server(other_backup.path, actor="admin")
    assert context.settings().unit_code == "000.00.31.H26"
    close_database()


WRITER = """
import sys, time
from casedesk import context
from casedesk.db import open_database
from casedesk.errors import NotAllowed
from casedesk.services import cases
from tests.stress.tools import OFFICE_NOW, intake
open_database(sys.argv[1])
context.set_clock(lambda: OFFICE_NOW)
for i in range(100000):
    try:
        code = cases.receive_case(**intake(i)).case.code
    except NotAllowed as exc:
        print("REFUSED", exc.message, flush=True)
        break
    print("ACK", code, flush=True)
"""


@pytest.mark.parametrize("direction", ["to_server", "from_server"])
def test_a_desk_writing_during_the_move_loses_nothing(office_file, home, tmp_path, direction):
    """Another process keeps receiving dossiers while the register moves: every acknowledged one is in the
    new place, and the first write after the move is refused with the sentence (none lands behind)."""
    import subprocess
    import sys

    from casedesk.transfer import move_register
    from tests.stress.tools import ROOT

    path, _codes = office_file
    close_database()
    _wipe()
    if direction == "from_server":
        open_database(path)
        move_register(URL, actor="admin")
        close_database()
        source, target = URL, tmp_path / "back.sqlite3"
    else:
        source, target = str(path), URL
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen([sys.executable, "-c", WRITER, source], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        while len(lines) < 20:                                   # it is writing
            line = child.stdout.readline()
            assert line, child.stderr.read()
            lines.append(line.strip())
        open_database(source)
        result = move_register(target, actor="admin")
        close_database()
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    lines += out.splitlines()
    acked = [line.split()[1] for line in lines if line.startswith("ACK")]
    assert lines[-1].startswith("REFUSED") and "hãy mở sổ ở đó" in lines[-1], (lines[-3:], err[-500:])
    open_database(target)
    from casedesk.models import Case

    here = {c.code for c in Case.select(Case.code)}
    assert set(acked) <= here, "an acknowledged dossier was left behind"
    assert result.counts["case"] == len(here) and audit.verify_chain().ok
    close_database()


def test_the_command_line_opens_the_desks_server(office_file, home, monkeypatch, capsys):
    from urllib.parse import urlparse

    from casedesk import desk_config
    from casedesk.transfer import move_register

    path, codes = office_file
    _wipe()
    open_database(path)
    move_register(URL, actor="admin")
    close_database()
    url = urlparse(URL)
    monkeypatch.delenv("CASEDESK_DB", raising=False)
    desk_config.save(desk_config.DeskConnection(kind="server", host=url.hostname, port=url.port,
                                                database=url.path.lstrip("/"), user=url.username))
    assert _cli("search", "nguyen van duong", "--json") == 0
    assert codes[0] in capsys.readouterr().out


def test_the_connection_check_names_a_moved_register_and_a_foreign_database(office_file, home, tmp_path):
    from urllib.parse import urlparse

    import peewee

    from casedesk import desk_config
    from casedesk.errors import ConnectionSetup
    from casedesk.transfer import move_register

    url = urlparse(URL)
    server = desk_config.DeskConnection(kind="server", host=url.hostname, port=url.port,
                                        database=url.path.lstrip("/"), user=url.username)
    path, _codes = office_file
    close_database()
    _wipe()
    raw = peewee.PostgresqlDatabase(url.path.lstrip("/"), user=url.username, host=url.hostname, port=url.port)
    raw.execute_sql('CREATE TABLE "user" (name text)')           # another program's tables
    with pytest.raises(ConnectionSetup, match="không phải của CaseDesk"):
        desk_config.check_server(server, None)
    raw.close()
    _wipe()
    assert desk_config.check_server(server, None) == (desk_config.check_server(server, None)[0], False)
    open_database(path)
    move_register(URL, actor="admin")
    close_database()
    text, has_office = desk_config.check_server(server, None)
    assert has_office and "Trung tâm Phục vụ hành chính công xã An Phú" in text
    open_database(URL)
    move_register(tmp_path / "back.sqlite3", actor="admin")
    close_database()
    with pytest.raises(ConnectionSetup, match="back.sqlite3"):
        desk_config.check_server(server, None)


def test_a_register_held_by_another_writer_is_not_moved(office_file, home, monkeypatch):
    """SQLite's write lock held elsewhere past the wait: exit 6 with a sentence, nothing moved or marked."""
    from casedesk.errors import Unavailable
    from casedesk.transfer import move_register

    path, _codes = office_file
    _wipe()
    open_database(path)
    database.obj.execute_sql("PRAGMA busy_timeout = 100")
    other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(Unavailable, match="chưa chuyển gì"):
            move_register(URL, actor="admin")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not getattr(database.obj, "casedesk_moved_to", None)
    close_database()
    open_database(URL)
    from casedesk.services import office

    assert not office.is_initialised()
    close_database()


def test_a_server_backup_that_fails_half_way_leaves_nothing(office_file, home, monkeypatch):
    from casedesk import server_backup, transfer
    from casedesk.transfer import move_register

    path, _codes = office_file
    _wipe()
    open_database(path)
    move_register(URL, actor="admin")
    close_database()
    open_database(URL)
    real = transfer._insert

    def cut(model, rows):          # the server gone in the middle of the cases
        if model._meta.table_name == "case":
            from casedesk.errors import Unavailable

            raise Unavailable("mất kết nối giữa chừng")
        real(model, rows)

    monkeypatch.setattr(transfer, "_insert", cut)
    with pytest.raises(Exception, match="giữa chừng"):
        backup.backup_now()
    folder = home / "backups" / backup.register_id()
    assert not any(folder.glob("*")) if folder.exists() else True
    assert server_backup.last_server_backup() is None and "chưa có bản sao lưu" in server_backup.reminder()
    monkeypatch.setattr(transfer, "_insert", real)
    assert backup.backup_now().verified
    close_database()
