"""casedesk-cli: the exact interface other tools depend on."""
from __future__ import annotations

import json
import subprocess
import sys


from casedesk import context
from casedesk.cli import main
from tests.conftest import PASSWORD



RECEIVE = ["case", "receive", "--as", "mai", "--procedure", "HT-09", "--name", "Nguyễn Văn Đường",
           "--id-number", "001203012345", "--phone", "0912 345 678", "--address", "Thôn Đông, xã An Phú"]


def test_receive_prints_code_first(cli):
    status, out, err = cli(*RECEIVE)
    assert status == 0, err
    assert out.splitlines()[0] == "000.00.31.H26-261102-0001"


def test_case_show_json_keys(cli):
    code = cli(*RECEIVE)[1].splitlines()[0]
    assert cli("case", "assign", code, "--to", "hung", "--as", "mai")[0] == 0
    status, out, _ = cli("case", "show", code, "--json")
    doc = json.loads(out)
    for key in ("code", "state", "procedure", "citizen_name", "id_number", "phone", "channel", "received_at",
                "due_date", "assignee", "history"):
        assert key in doc
    assert doc["state"] == "assigned" and doc["assignee"] == "hung" and doc["phone"] == "+84912345678"
    assert doc["received_at"] == "2026-11-02T09:00:00" and doc["due_date"] == "2026-11-05"
    assert [h["action"] for h in doc["history"]] == ["receive", "assign"]
    assert set(doc["history"][0]) >= {"at", "actor", "action", "from_state", "to_state", "note"}


def test_exit_codes(cli):
    status, _, err = cli(*RECEIVE[:-1], "")  # empty address
    assert status == 2 and "địa chỉ" in err
    status, _, err = cli("case", "show", "000.00.31.H26-261102-9999")
    assert status == 4 and "Không tìm thấy" in err
    code = cli(*RECEIVE)[1].splitlines()[0]
    status, _, err = cli("case", "approve", code, "--as", "mai")
    assert status == 3
    status, _, err = cli("case", "extend", code, "--as", "thao", "--to-date", "2026-02-30", "--note", "x")
    assert status in (2, 3)


def test_wrong_password(cli, monkeypatch):
    monkeypatch.setenv("CASEDESK_PASSWORD", "sai-mat-khau")
    status, _, err = cli(*RECEIVE)
    assert status == 3 and "Sai tên đăng nhập hoặc mật khẩu" in err


def test_english_messages(cli):
    status, _, err = cli("--lang", "en", "case", "show", "NOPE-261102-0001")
    assert status == 4 and "not found" in err.lower()


def test_procedures_json(cli):
    status, out, _ = cli("procedures", "--json")
    procs = json.loads(out)
    assert len(procs) >= 32
    ks = {p["code"]: p for p in procs}
    assert ks["HT-01"]["processing_days"] == 0 and ks["HT-09"]["processing_days"] == 3
    assert {"code", "name", "field", "processing_days", "fee"} <= set(procs[0])


def test_list_and_search_json(cli):
    code = cli(*RECEIVE)[1].splitlines()[0]
    for args in (("case", "list", "--json"), ("search", "nguyen van duong", "--json"),
                 ("search", "0912345678", "--json")):
        status, out, _ = cli(*args)
        rows = json.loads(out)
        assert status == 0 and rows[0]["code"] == code
        assert {"code", "citizen_name", "state", "due_date"} <= set(rows[0])
    context.set_clock(lambda: __import__("datetime").datetime(2026, 11, 9, 9, 0))
    status, out, _ = cli("case", "list", "--overdue", "--json")
    assert [r["code"] for r in json.loads(out)] == [code]


def test_calendar_due_explain(cli):
    status, out, _ = cli("calendar", "due", "--received", "2026-02-13 10:00", "--days", "3", "--explain")
    lines = out.splitlines()
    assert status == 0 and lines[0] == "2026-02-25"
    assert any("Tết" in line for line in lines[1:])
    status, out, _ = cli("calendar", "due", "--received", "2026-11-02 15:30", "--same-day", "--json")
    assert json.loads(out)["due_date"] == "2026-11-03"
    status, out, _ = cli("calendar", "due", "--received", "2026-11-02 09:00", "--procedure", "HT-09")
    assert out.splitlines()[0] == "2026-11-05"


def test_calendar_holidays(cli):
    status, out, _ = cli("calendar", "holidays", "--year", "2026", "--json")
    doc = json.loads(out)
    dates = {d["date"] for d in doc["days_off"]}
    assert {"2026-01-02", "2026-02-17", "2026-04-27", "2026-08-31"} <= dates and not doc["provisional"]


def test_check_passes(cli):
    cli(*RECEIVE)
    status, out, _ = cli("check")
    assert status == 0 and "khớp" in out


def test_init_and_user_add(tmp_path, monkeypatch, capsys):
    path = tmp_path / "new.sqlite3"
    monkeypatch.setenv("CASEDESK_PASSWORD", PASSWORD)
    monkeypatch.setenv("CASEDESK_NEW_PASSWORD", "mat-khau-moi-99")
    assert main(["--db", str(path), "init", "--office", "TT PVHCC xã Bình Minh", "--commune", "Xã Bình Minh",
                 "--province", "Tỉnh Vĩnh Long", "--unit-code", "000.00.12.H60", "--admin-user", "quantri"]) == 0
    assert main(["--db", str(path), "user", "add", "lan", "--role", "officer", "--full-name", "Phạm Thị Lan",
                 "--field", "HT", "--as", "quantri"]) == 0
    assert main(["--db", str(path), "init", "--office", "x", "--commune", "x", "--province", "x",
                 "--unit-code", "X", "--admin-user", "x"]) == 3
    out = capsys.readouterr()
    assert "Phạm Thị Lan" in out.out and "đã được khởi tạo" in out.err


def test_missing_database_is_a_clear_error(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "none.sqlite3"), "case", "list"]) == 2
    assert "casedesk-cli init" in capsys.readouterr().err


def test_python_dash_m(tmp_path):
    result = subprocess.run([sys.executable, "-m", "casedesk", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "CaseDesk" in result.stdout


def test_version_and_help_speak_the_users_language(tmp_path):
    import os

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-m", "casedesk", "--version"], capture_output=True, text=True, env=env)
    assert out.returncode == 0 and out.stdout.startswith("CaseDesk phiên bản ")
    out = subprocess.run([sys.executable, "-m", "casedesk", "--lang", "en", "--version"], capture_output=True,
                         text=True, env=env)
    assert out.stdout.startswith("CaseDesk version ")
    gui = "import sys; from ui.app import main; sys.exit(main(sys.argv[1:]))"
    out = subprocess.run([sys.executable, "-c", gui, "--help"], capture_output=True, text=True, env=env)
    assert out.returncode == 0
    assert "cách dùng: casedesk" in out.stdout and "in hướng dẫn này rồi thoát" in out.stdout
    assert "show this help" not in out.stdout and "usage:" not in out.stdout
    out = subprocess.run([sys.executable, "-c", gui, "--version"], capture_output=True, text=True, env=env)
    assert out.stdout.startswith("CaseDesk phiên bản ") and "in số phiên bản" not in out.stdout
    out = subprocess.run([sys.executable, "-c", gui, "--lang", "en", "--help"], capture_output=True, text=True,
                         env=env)
    assert "usage: casedesk" in out.stdout
    out = subprocess.run([sys.executable, "-c", gui, "--khong-co"], capture_output=True, text=True, env=env)
    assert out.returncode == 2 and "không hiểu các tham số" in out.stderr


def test_history_names_a_refused_attempt_in_words(cli):
    code = cli(*RECEIVE)[1].splitlines()[0]
    assert cli("case", "approve", code, "--as", "mai")[0] == 3          # a clerk may not approve: audited
    status, out, _ = cli("case", "show", code)
    assert status == 0 and "Thao tác bị từ chối" in out and "denied" not in out
    status, out, _ = cli("--lang", "en", "case", "show", code)
    assert "Action refused" in out
    status, out, _ = cli("case", "show", code, "--json")
    assert "denied" in [e["action"] for e in json.loads(out)["history"]]  # the JSON keeps the machine name
