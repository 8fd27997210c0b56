"""Importing an office's Excel ledger: form 07's layout and a plain one, refused rows named by line and
never half-imported, a second import adding nothing, the export read back unchanged."""
from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from openpyxl import Workbook, load_workbook

from casedesk import audit
from casedesk.models import Case, Event




def form07(path, rows):
    """A ledger as offices keep it: title lines, two header rows, the row numbering the columns."""
    book = Workbook()
    ws = book.active
    ws.append(["UBND XÃ AN PHÚ"])
    ws.append(["SỔ THEO DÕI HỒ SƠ"])
    ws.append(["TT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)", "Tên cá nhân, tổ chức",
               "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết", "Ngày, tháng, năm", None, None, None,
               None, "Ký nhận", "Ghi chú"])
    ws.append([None, None, None, None, None, None, None, "Nhận hồ sơ", "Hẹn trả kết quả",
               "Chuyển hồ sơ đến cơ quan giải quyết", "Nhận kết quả từ cơ quan giải quyết",
               "Trả kết quả cho cá nhân, tổ chức", None, None])
    ws.append([f"({i})" for i in range(1, 15)])
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def plain(path, head, rows):
    book = Workbook()
    ws = book.active
    ws.append(head)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


GOOD = [
    [1, "000.00.31.H26-261001-0007", "Đăng ký khai sinh", 1, "nguyễn thị hồng",
     "Thôn Đông, xã An Phú; 0912 345 678", "UBND xã", dt.datetime(2026, 10, 1, 8, 15), "02/10/2026",
     None, dt.datetime(2026, 10, 1, 15, 0), "05/10/2026 09:30", None, None],
    [2, None, "HT-09", 2, "Trần Văn Bình", "Xóm Chợ - 0987654321", "UBND xã", "01/10/2026 14:20", None,
     None, None, None, None, "nhận thay"],
]


def test_form07_sheet_imports_with_its_codes_dates_and_chain(db, cli, tmp_path):
    sheet = form07(tmp_path / "so-cu.xlsx", GOOD)
    status, out, err = cli("import", "ledger", sheet, "--as", "admin")
    assert status == 0, err
    assert "2 nhập được" in out
    kept = Case.get(Case.code == "000.00.31.H26-261001-0007")
    assert kept.citizen_name == "Nguyễn Thị Hồng"                  # all lower case: capitals given
    assert kept.received_at == dt.datetime(2026, 10, 1, 8, 15)
    assert kept.due_date == dt.date(2026, 10, 2)
    assert kept.state == "delivered" and kept.delivered_at == dt.datetime(2026, 10, 5, 9, 30)
    assert kept.resolved_on == dt.date(2026, 10, 1)
    assert kept.phone == "+84912345678" and kept.address == "Thôn Đông, xã An Phú"
    other = Case.get(Case.citizen_name == "Trần Văn Bình")
    assert other.code == "000.00.31.H26-261001-0008"               # after the kept code of that day
    assert other.state == "received" and other.sets == 2 and other.phone == "+84987654321"
    assert other.due_date > other.received_on                       # computed from the procedure
    row = Event.get(Event.case == kept.id)
    assert row.action == "import" and row.late_entry
    assert row.changes["source"] == "so-cu.xlsx:6" and row.changes["outcome"] == "approved"
    assert audit.verify_chain().ok
    from casedesk.services import queries
    assert [r.code for r in queries.search_cases("nguyen thi hong")] == [kept.code]   # in the name index


def test_the_counter_never_hands_out_a_kept_number_again(db, cli, tmp_path, receive, clock):
    sheet = form07(tmp_path / "so.xlsx", [[1, "000.00.31.H26-261102-0005", "HT-09", 1, "Lê Văn An",
                                           "Thôn Tây", None, "02/11/2026 08:00", None, None, None, None,
                                           None, None]])
    assert cli("import", "ledger", sheet, "--as", "admin")[0] == 0
    assert receive().code == "000.00.31.H26-261102-0006"


def test_bad_rows_are_named_by_line_and_the_rest_imported(db, cli, tmp_path):
    rows = GOOD + [
        [3, None, "Thủ tục không có", 1, "Lê Thị Ba", "Thôn Bắc", None, "01/10/2026", None, None, None, None,
         None, None],
        [4, "000.00.31.H26-261001-0007", "HT-09", 1, "Lê Thị Bốn", "Thôn Bắc", None, "01/10/2026", None, None,
         None, None, None, None],
        [5, None, "HT-09", 1, "Lê Thị Năm", "Thôn Bắc", None, "01/12/2026", None, None, None, None, None, None],
        [6, None, "HT-09", 1, "Lê Thị Sáu", "Thôn Bắc; 0123 456 789", None, "01/10/2026", None, None, None, None, None,
         None],
        [7, None, "HT-09", 1, "", "Thôn Bắc", None, "01/10/2026", None, None, None, None, None, None],
        [8, None, "HT-09", 1, "Lê Thị Tám", "Thôn Bắc", None, "hôm qua", None, None, None, None, None, None],
    ]
    sheet = form07(tmp_path / "so.xlsx", rows)
    before = Event.select().count()
    status, out, err = cli("import", "ledger", sheet, "--as", "admin", "--json")
    assert status == 2
    doc = json.loads(out)
    lines = {r["line"]: r["reason"] for r in doc["refused"]}
    assert set(lines) == {8, 9, 10, 11, 12, 13}
    assert "Không tìm thấy thủ tục" in lines[8]
    assert "Trùng mã hồ sơ" in lines[9] and "dòng 6" in lines[9]
    assert "tương lai" in lines[10]
    assert "điện thoại" in lines[11].lower()
    assert "họ tên" in lines[12].lower()
    assert "không đọc được là ngày" in lines[13]
    assert doc["imported"] == 2 and doc["ready"] == 2
    assert Event.select().count() == before + 2                      # nothing of a refused row
    assert not Case.select().where(Case.citizen_name.startswith("Lê Thị")).exists()


def test_importing_the_same_file_again_adds_nothing(db, cli, tmp_path):
    sheet = form07(tmp_path / "so.xlsx", GOOD)
    assert cli("import", "ledger", sheet, "--as", "admin")[0] == 0
    cases, events = Case.select().count(), Event.select().count()
    status, out, _err = cli("import", "ledger", sheet, "--as", "admin", "--json")
    doc = json.loads(out)
    assert status == 0 and doc["already"] == 2 and doc["imported"] == 0
    assert (Case.select().count(), Event.select().count()) == (cases, events)


def test_dry_run_writes_nothing(db, cli, tmp_path):
    sheet = form07(tmp_path / "so.xlsx", GOOD)
    events = Event.select().count()
    status, out, _err = cli("import", "ledger", sheet, "--as", "admin", "--dry-run", "--json")
    doc = json.loads(out)
    assert status == 0 and doc["dry_run"] and doc["ready"] == 2
    assert doc["mapping"]["received"].startswith("H:") and doc["mapping"]["address_phone"].startswith("F:")
    assert Event.select().count() == events and Case.select().count() == 0


def test_only_an_admin_imports_and_a_refusal_is_audited(db, cli, tmp_path):
    sheet = form07(tmp_path / "so.xlsx", GOOD)
    status, _out, err = cli("import", "ledger", sheet, "--as", "mai")
    assert status == 3 and "quản trị" in err
    assert Case.select().count() == 0
    assert Event.select().order_by(Event.id.desc()).first().action == "denied"


def test_a_plain_sheet_and_a_corrected_mapping(db, cli, tmp_path):
    sheet = plain(tmp_path / "excel.xlsx", ["STT", "Người", "Thủ tục", "Ngày nhận", "Số CCCD", "SĐT", "Địa chỉ"],
                  [[1, "Phạm Văn Cường", "HT-09", dt.datetime(2026, 9, 3, 10, 0), "001203012345", "0912345678",
                    "Thôn Nam"]])
    status, _out, err = cli("import", "ledger", sheet, "--as", "admin", "--dry-run")
    assert status == 2 and "Họ tên người nộp" in err and "--map" in err       # "Người" is not a header we know
    status, out, err = cli("import", "ledger", sheet, "--as", "admin", "--map", "name=B")
    assert status == 0, err
    case = Case.get(Case.citizen_name == "Phạm Văn Cường")
    assert case.id_number == "001203012345" and case.address == "Thôn Nam"
    status, _out, err = cli("import", "ledger", sheet, "--as", "admin", "--map", "name=Z")
    assert status == 2 and "ngoài bảng" in err
    status, _out, err = cli("import", "ledger", sheet, "--as", "admin", "--map", "ten=B")
    assert status == 2 and "TRƯỜNG=CỘT" in err


@pytest.mark.parametrize("name, content", [("so.xls", b"old"), ("so.xlsx", b"not a zip at all"),
                                           ("khong-co.xlsx", None)])
def test_a_file_that_is_not_a_ledger_gets_a_sentence(db, cli, tmp_path, name, content):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    status, _out, err = cli("import", "ledger", path, "--as", "admin")
    assert status == 2 and err.startswith("Lỗi:") and "Traceback" not in err


def test_a_sheet_without_headers_gets_a_sentence(db, cli, tmp_path):
    sheet = plain(tmp_path / "so.xlsx", ["a", "b", "c"], [[1, 2, 3]])
    status, _out, err = cli("import", "ledger", sheet, "--as", "admin")
    assert status == 2 and "dòng tiêu đề" in err


def test_exported_ledger_reads_back_unchanged(db, cli, tmp_path, receive, clock, template_db):
    from casedesk.services import cases

    a = receive(at="2026-10-05 08:30")
    b = receive(citizen_name="Trần Thị Lan", id_number="001303012345", phone="", at="2026-10-06 10:00")
    cases.assign_case(actor="mai", code=a.code, to="hung")
    cases.submit_case(actor="hung", code=a.code)
    cases.approve_case(actor="thao", code=a.code)
    cases.deliver_case(actor="mai", code=a.code, rating="satisfied")
    cases.withdraw_case(actor="mai", code=b.code, note="công dân xin rút")
    out_file = tmp_path / "so.xlsx"
    status, _out, err = cli("print", "ledger", "--from", "2026-10-01", "--to", "2026-11-02", "-o", out_file)
    assert status == 0, err
    exported = list(load_workbook(out_file).active.iter_rows(values_only=True))
    fresh = tmp_path / "other.sqlite3"
    shutil.copy(template_db, fresh)
    status, out, err = cli("--db", fresh, "import", "ledger", out_file, "--as", "admin", "--json")
    assert status == 0, err
    assert json.loads(out)["imported"] == 2
    status, _out, err = cli("--db", fresh, "print", "ledger", "--from", "2026-10-01", "--to", "2026-11-02",
                            "-o", tmp_path / "again.xlsx")
    again = list(load_workbook(tmp_path / "again.xlsx").active.iter_rows(values_only=True))
    assert [r[1:] for r in again] == [r[1:] for r in exported]       # all but the ledger number (TT)
    assert exported[1][13] == "Đã giải quyết" and exported[2][13] == "Rút hồ sơ"


def test_imported_cases_count_in_the_monthly_report(db, cli, tmp_path):
    from casedesk import reports

    sheet = form07(tmp_path / "so.xlsx", GOOD)
    assert cli("import", "ledger", sheet, "--as", "admin")[0] == 0
    report = reports.compute(reports.parse_period("month", "2026-10", "calendar"))
    total = report.total
    assert (total.c3, total.c5, total.c7, total.c8, total.c11) == (2, 2, 1, 1, 1)   # one early, one in hand
    reports.check_report(report)
