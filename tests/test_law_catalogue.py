"""The sourced catalogue: units the law uses, other agencies' procedures, the admin's changes, fees."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from casedesk import context
from casedesk.errors import BadInput, NotAllowed, NotFound
from casedesk.models import Event, Procedure
from casedesk.services import catalogue, catalogue_admin
from casedesk.workcalendar import WorkCalendar



# ------------------------------------------------------------------ part 1: units and sources

def test_calendar_days_are_not_converted_to_working_days():
    cal = WorkCalendar()
    # the two findings: 30 days received 25/01/2027 and 02/02/2026
    assert cal.due(dt.datetime(2027, 1, 25, 9), 30, unit="days").due == dt.date(2027, 2, 24)
    assert cal.due(dt.datetime(2026, 2, 2, 9), 30, unit="days").due == dt.date(2026, 3, 4)
    # working days stay as they were
    assert cal.due(dt.datetime(2026, 2, 2, 9), 30).due > dt.date(2026, 3, 4)


def test_calendar_day_limit_ending_on_sunday_rolls_to_monday_and_says_so():
    cal = WorkCalendar()
    due = cal.due(dt.datetime(2026, 11, 5, 16, 30), 3, unit="days")      # Thursday, after 15:00
    assert due.due == dt.date(2026, 11, 9)                                # Sunday 08/11 -> Monday 09/11
    assert due.rolled_from == dt.date(2026, 11, 8)
    assert any("Chủ nhật 08/11/2026" in line for line in due.explanation)
    assert any("ngày nghỉ" in line and "tiếp theo" in line for line in due.explanation)
    # a last day that is a working day does not move, even with days off inside the span
    plain = cal.due(dt.datetime(2026, 11, 2, 9), 4, unit="days")
    assert plain.due == dt.date(2026, 11, 6) and plain.rolled_from is None
    assert not any("rơi vào ngày nghỉ" in line for line in plain.explanation)


def test_calendar_due_cli_explains_calendar_days(cli):
    status, out, err = cli("calendar", "due", "--received", "2026-11-05 10:00", "--days", "3", "--unit", "days",
                           "--explain")
    assert status == 0, err
    assert out.splitlines()[0] == "2026-11-09"
    assert "Chủ nhật" in out and "theo lịch" in out
    status, out, _err = cli("calendar", "due", "--received", "2027-01-25 09:00", "--procedure", "DD-04", "--json")
    doc = json.loads(out)
    assert doc["due_date"] == "2027-02-24" and doc["time_unit"] == "days"


def test_corrected_rows_carry_agency_unit_and_source(db):
    rows = {p.code: p for p in catalogue.list_procedures(include_inactive=True)}
    assert rows["CTR-04"].days == 5 and rows["CTR-04"].time_unit == "working_days"
    assert "Điều 25" in rows["CTR-04"].legal_basis
    for code in ("CTR-01", "CTR-02", "CTR-03", "CTR-04", "CTR-05"):
        assert rows[code].agency == "cong_an_xa" and rows[code].agency_name == "Công an xã"
        assert not rows[code].active and not rows[code].agency_own
    assert (rows["LT-01"].days, rows["LT-01"].extension_days) == (3, 2)
    assert not rows["LT-01"].verified and "296" in rows["LT-01"].legal_basis
    assert rows["LT-02"].days == 2 and rows["LT-02"].national_code == "1.007073"
    assert rows["DD-04"].time_unit == "days" and rows["DD-04"].days == 30
    assert rows["BTXH-03"].time_unit == "days" and rows["BTXH-03"].days == 30
    assert rows["HT-01"].national_code == "1.001193"
    for p in rows.values():
        assert p.legal_basis, p.code                     # every row names its basis …
        assert p.verified or p.source_note, p.code       # … and says what was not verified
        assert p.time_unit in catalogue.TIME_UNITS
        assert not (p.fee_kind == "province" and p.fee), p.code   # no provincial figure shipped as law


def test_procedures_json_has_the_law_keys(cli):
    status, out, err = cli("procedures", "--json")
    assert status == 0, err
    doc = json.loads(out)
    assert {"national_code", "agency", "time_unit", "legal_basis"} <= set(doc[0])
    assert "CTR-01" not in {p["code"] for p in doc}          # shipped turned off
    status, out, _ = cli("procedures", "--json", "--all", "--agency", "cong_an_xa")
    assert {p["code"] for p in json.loads(out)} == {"CTR-01", "CTR-02", "CTR-03", "CTR-04", "CTR-05"}


def test_receiving_a_calendar_day_procedure_uses_calendar_days(db, receive, clock):
    clock.set(dt.datetime(2026, 11, 2, 9, 0))
    case = receive(procedure="DD-04")
    assert case.due_date == dt.date(2026, 12, 2)
    assert any("theo lịch" in line for line in case.due_explanation)


def test_verification_extension_once_with_reason_and_audited(db, receive):
    from casedesk.services import cases as svc

    code = receive(procedure="HT-09").code                    # 3 working days, up to 10 with verification
    svc.assign_case(actor="mai", code=code, to="hung")
    with pytest.raises(BadInput):
        svc.verify_extend_case(actor="hung", code=code, note="")
    with pytest.raises(BadInput):
        svc.verify_extend_case(actor="hung", code=code, note="Xác minh tại nơi sinh", days=8)
    result = svc.verify_extend_case(actor="hung", code=code, note="Xác minh tại nơi sinh", days=7)
    assert result.case.due_date == dt.date(2026, 11, 16)      # 05/11 + 7 working days
    row = Event.select().where(Event.action == "verify_extend").get()
    assert row.note == "Xác minh tại nơi sinh" and row.changes["days"] == 7
    assert any("xác minh" in line for line in result.case.due_explanation)
    with pytest.raises(NotAllowed):
        svc.verify_extend_case(actor="hung", code=code, note="lần hai")


def test_procedure_without_extension_refuses_it(db, receive):
    from casedesk.services import cases as svc

    code = receive(procedure="HT-11").code
    svc.assign_case(actor="mai", code=code, to="hung")
    with pytest.raises(BadInput, match="không có thời hạn xác minh"):
        svc.verify_extend_case(actor="hung", code=code, note="x")


# ------------------------------------------------------------------ part 2: other agencies

def _enable_police():
    catalogue_admin.enable_procedure(actor="admin", code="CTR-02", note="Trung tâm tiếp nhận thay Công an xã")


def test_police_procedure_is_refused_until_enabled_then_gets_its_own_series_and_book(db, receive):
    with pytest.raises(BadInput, match="Công an xã"):
        receive(procedure="CTR-02")
    _enable_police()
    police = receive(procedure="CTR-02")
    ours = receive(procedure="HT-09")
    assert police.code == "000.00.31.H26-CA-261102-0001"
    assert ours.code == "000.00.31.H26-261102-0001"           # the committee's series is not used up
    assert police.ledger_book == "2026-CA" and police.ledger_no == 1
    assert ours.ledger_book == "2026" and ours.ledger_no == 1


def test_police_procedure_absent_from_ii06a_unless_asked(db, receive):
    from casedesk import reports

    _enable_police()
    receive(procedure="CTR-02")
    receive(procedure="HT-09")
    period = reports.month_period(2026, 11, "calendar")
    own = reports.compute(period)
    assert own.total.c3 == 1 and {r.field for r in own.rows} == {"HT"}
    reports.check_report(own)
    police = reports.compute(period, agency="cong_an_xa")
    assert police.total.c3 == 1 and {r.field for r in police.rows} == {"CTR"}
    reports.check_report(police)
    with pytest.raises(NotFound):
        reports.compute(period, agency="khong_co")


def test_report_and_ledger_cli_with_agency(cli, receive, tmp_path):
    _enable_police()
    receive(procedure="CTR-02")
    status, out, err = cli("report", "monthly", "--month", "2026-11", "--json")
    assert status == 0, err
    assert json.loads(out)["total"]["c3"] == 0 and "agency" not in json.loads(out)
    status, out, err = cli("report", "monthly", "--month", "2026-11", "--agency", "cong_an_xa", "--json")
    assert status == 0, err
    doc = json.loads(out)
    assert doc["total"]["c3"] == 1 and doc["agency"] == "cong_an_xa"
    status, out, err = cli("print", "ledger", "--from", "2026-11-01", "--to", "2026-11-30", "--agency",
                           "cong_an_xa", "-o", tmp_path / "ca.pdf")
    assert status == 0, err
    assert (tmp_path / "ca.pdf").read_bytes().startswith(b"%PDF")


# ------------------------------------------------------------------ part 3: the admin's changes

def test_retired_procedure_is_refused_at_intake_and_enable_brings_it_back(db, receive, clock):
    old = receive(procedure="HT-09")
    catalogue_admin.retire_procedure(actor="admin", code="HT-09", note="Bãi bỏ theo quyết định của tỉnh")
    with pytest.raises(BadInput, match="ngừng áp dụng"):
        receive(procedure="HT-09")
    assert Procedure.get((Procedure.code == "HT-09") & (Procedure.version == 1)).active   # never edited
    actions = [e.action for e in Event.select().where(Event.case.is_null()).order_by(Event.id)]
    assert actions[-1] == "procedure_retire"
    catalogue_admin.enable_procedure(actor="admin", code="HT-09")
    # the same day and no case on the retired version: it is turned back on in place, both steps audited
    assert receive(procedure="HT-09").procedure.version == 2
    assert [e.action for e in Event.select().where(Event.case.is_null()).order_by(Event.id)][-2:] == [
        "procedure_retire", "procedure_enable"]
    assert cases_view(old.code).procedure.version == 1


def test_edit_makes_a_version_from_a_date_and_only_the_admin_may(db, receive, clock):
    first = receive(procedure="HT-07")
    with pytest.raises(NotAllowed):
        catalogue_admin.edit_procedure(actor="mai", code="HT-07", days=5)
    with pytest.raises(BadInput):
        catalogue_admin.edit_procedure(actor="admin", code="HT-07", days=5, effective_from="2026-10-01")
    view, _ = catalogue_admin.edit_procedure(actor="admin", code="HT-07", days=5, effective_from="2026-11-09",
                                             legal_basis="Nghị định 123/2015/NĐ-CP, Điều 22", note="đối chiếu")
    assert view.days == 5 and view.effective_from == dt.date(2026, 11, 9)
    assert receive(procedure="HT-07").due_date == first.due_date          # still the old limit today
    clock.set(dt.datetime(2026, 11, 9, 9, 0))
    assert receive(procedure="HT-07").due_date == dt.date(2026, 11, 16)   # 5 working days
    row = Event.select().where(Event.action == "procedure_edit").order_by(Event.id.desc()).get()
    assert row.changes["days"] == 5 and row.changes["code"] == "HT-07" and row.actor == "admin"


def test_add_refuses_bad_values(db):
    with pytest.raises(BadInput):
        catalogue_admin.add_procedure(actor="admin", code="HT-99", name="X", field="HT", days=0,
                                      time_unit="working_days")
    with pytest.raises(BadInput):
        catalogue_admin.add_procedure(actor="admin", code="bad code", name="X", field="HT", days=3)
    with pytest.raises(BadInput):
        catalogue_admin.add_procedure(actor="admin", code="HT-99", name="X", field="HT", days=3,
                                      national_code="abc")
    with pytest.raises(BadInput):
        catalogue_admin.add_procedure(actor="admin", code="HT-01", name="X", field="HT", days=3)
    view, _ = catalogue_admin.add_procedure(actor="admin", code="HT-16", name="Đăng ký khai sinh lưu động",
                                            field="HT", days=5, time_unit="working_days", fee_kind="free",
                                            national_code="1.000419", legal_basis="Nghị định 123/2015/NĐ-CP")
    assert view.national_code == "1.000419" and view.active
    assert Event.select().where(Event.action == "procedure_add").count() == 1


def _sheet(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_reports_bad_rows_line_by_line_and_dry_run_writes_nothing(db):
    from casedesk import catalogue_xlsx

    data = _sheet([
        ["Mã TTHC", "Tên thủ tục", "Lĩnh vực", "Cơ quan giải quyết", "Thời hạn", "Đơn vị thời hạn", "Lệ phí (đồng)"],
        ["1.000419", "Đăng ký khai sinh lưu động", "Hộ tịch", "UBND xã", 5, "ngày làm việc", "Miễn"],
        ["", "Thủ tục lĩnh vực lạ", "Thiên văn", "UBND xã", 3, "ngày làm việc", "0"],
        ["9.99", "Mã TTHC sai", "HT", "UBND xã", 3, "ngày làm việc", "0"],
        ["", "Thời hạn âm", "HT", "UBND xã", -2, "ngày làm việc", "0"],
        ["", "Đơn vị lạ", "HT", "UBND xã", 3, "tuần", "0"],
        ["", "Cơ quan lạ", "HT", "Bộ Ngoại giao", 3, "ngày", "0"],
        ["", "Phí theo tỉnh", "KT", "UBND xã", 3, "ngày làm việc", "theo Nghị quyết HĐND tỉnh"],
    ])
    before = Procedure.select().count()
    report = catalogue_xlsx.import_bytes(data, actor="admin", dry_run=True)
    assert [(r.row, r.status) for r in report] == [(2, "add"), (3, "refused"), (4, "refused"), (5, "refused"),
                                                   (6, "refused"), (7, "refused"), (8, "add")]
    assert all(r.reason for r in report if r.status == "refused")
    assert "Thiên văn" in report[1].reason
    assert Procedure.select().count() == before
    report = catalogue_xlsx.import_bytes(data, actor="admin")
    assert Procedure.select().count() == before + 2
    added = {r.code for r in report if r.status == "add"}
    assert added == {"HT-16", "KT-05"}
    assert catalogue.get_procedure("KT-05").fee_pending
    with pytest.raises(NotAllowed):
        catalogue_xlsx.import_bytes(data, actor="mai", dry_run=True)


def test_export_reads_back_unchanged_and_an_edit_round_trips(db, tmp_path):
    from openpyxl import load_workbook

    from casedesk import catalogue_xlsx

    data = catalogue_xlsx.export_bytes()
    report = catalogue_xlsx.import_bytes(data, actor="admin", dry_run=True)
    assert report and {r.status for r in report} == {"same"}, [r for r in report if r.status != "same"][:3]
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    titles = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "XD-01":
            row[titles.index("Lệ phí (đồng)")].value = 75000
    out = io.BytesIO()
    wb.save(out)
    report = catalogue_xlsx.import_bytes(out.getvalue(), actor="admin")
    assert [(r.code, r.status) for r in report if r.status != "same"] == [("XD-01", "edit")]
    view = catalogue.get_procedure("XD-01")
    assert view.fee == 75000 and view.fee_kind == "province" and not view.fee_pending


def test_procedures_cli_add_edit_retire_enable_import_export(cli, tmp_path):
    status, out, err = cli("procedures", "enable", "CTR-04", "--as", "admin")
    assert status == 0, err
    status, out, err = cli("procedures", "retire", "CTR-04", "--as", "admin", "--note", "thôi tiếp nhận")
    assert status == 0, err
    status, out, err = cli("procedures", "retire", "CTR-04", "--as", "admin")
    assert status == 2 and "đã ngừng" in err
    status, out, err = cli("procedures", "edit", "HT-07", "--days", "4", "--as", "mai")
    assert status == 3
    status, out, err = cli("procedures", "edit", "HT-07", "--extension-days", "2", "--as", "admin", "--json")
    assert status == 0, err
    assert json.loads(out)["extension_days"] == 2
    status, out, err = cli("procedures", "add", "HT-16", "--name", "Đăng ký khai sinh lưu động", "--field", "HT",
                           "--days", "5", "--as", "admin")
    assert status == 0, err
    status, out, err = cli("procedures", "export", "-o", tmp_path / "dm.xlsx")
    assert status == 0, err
    status, out, err = cli("procedures", "import", tmp_path / "dm.xlsx", "--dry-run", "--as", "admin")
    assert status == 0, err
    assert "Xem trước" in out and "từ chối 0" in out
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    status, out, err = cli("procedures", "import", bad, "--as", "admin")
    assert status == 2 and "Excel" in err


# ------------------------------------------------------------------ part 3: fees and exemptions

def test_per_page_fee_is_computed_from_counts_at_intake(db, receive):
    assert receive(procedure="CT-01", pages=1).fee == 2000
    assert receive(procedure="CT-01", pages=5).fee == 2000 * 2 + 1000 * 3
    assert receive(procedure="CT-01", pages=500, copies=2).fee == 400000         # 200.000 a copy at most
    assert receive(procedure="HT-08", copies=3).fee == 24000
    with pytest.raises(BadInput):
        receive(procedure="HT-09", pages=3)
    with pytest.raises(BadInput):
        receive(procedure="CT-01", pages=0)


def test_exemption_sets_fee_to_zero_and_records_the_reason(db, receive):
    case = receive(procedure="CT-02", exemption="nguoi_co_cong")
    assert case.fee == 0 and case.exemption == "nguoi_co_cong"
    row = Event.select().where(Event.action == "receive").order_by(Event.id.desc()).get()
    assert row.changes["exemption"] == "nguoi_co_cong" and row.changes["fee_waived"] == 10000
    with pytest.raises(BadInput):
        receive(procedure="CT-02", exemption="vip")
    with pytest.raises(BadInput):
        receive(procedure="CT-02", exemption="khac")              # "other" needs its reason
    with pytest.raises(BadInput):
        receive(procedure="CT-02", exemption="ho_ngheo", fee=5000)


def test_receipt_prints_province_fee_and_exemption_in_words(db, receive):
    from casedesk.documents import build

    pending = receive(procedure="HT-07")
    assert build.receipt_data(pending.code).fee_text == "theo Nghị quyết HĐND tỉnh"
    free = receive(procedure="CT-02", exemption="tre_em")
    assert "trẻ em" in build.receipt_data(free.code).fee_text
    assert build.receipt_data(receive(procedure="CT-02").code).fee_text == ""


def test_cli_receive_with_exemption_and_pages(cli):
    base = ["case", "receive", "--as", "mai", "--name", "Nguyễn Văn Đường", "--id-number", "001203012345",
            "--address", "Thôn Đông", "--json"]
    status, out, err = cli(*base, "--procedure", "CT-01", "--pages", "4", "--copies", "2")
    assert status == 0, err
    assert json.loads(out)["fee"] == 12000
    status, out, err = cli(*base, "--procedure", "CT-02", "--exemption", "ho_ngheo")
    assert status == 0, err
    doc = json.loads(out)
    assert doc["fee"] == 0 and doc["exemption"] == "ho_ngheo"


# ------------------------------------------------------------------ upgrade 14

def test_upgrade_keeps_old_cases_on_old_limits_and_corrects_from_today(db, receive, clock):
    from casedesk import db as dbmod
    from casedesk.audit import verify_chain
    from casedesk.db import database

    # make the catalogue look like one shipped before the review: household split 3 days, no sources
    Procedure.update(days=3, time_unit="working_days", national_code="", legal_basis="", source_note="",
                     agency="ubnd_xa").where(Procedure.code == "CTR-04").execute()
    Procedure.update(active=True).where(Procedure.code == "CTR-04").execute()
    old = receive(procedure="CTR-04")
    assert old.due_date == dt.date(2026, 11, 5)
    with dbmod.write():
        corrected = catalogue.reconcile_shipped()
    assert corrected == ["CTR-04"]
    context.reset()
    assert cases_view(old.code).due_date == dt.date(2026, 11, 5)          # the old case keeps its limit
    new = receive(procedure="CTR-04")
    assert new.due_date == dt.date(2026, 11, 9) and new.procedure.agency == "cong_an_xa"
    assert verify_chain().ok
    assert database.obj is not None


def cases_view(code):
    from casedesk.services import queries

    return queries.get_case(code)


def test_the_verification_button_shows_only_where_the_law_allows_it(db, receive):
    from casedesk.services import cases as svc
    from casedesk.services import queries

    with_ext = receive(procedure="HT-09").code
    without = receive(procedure="HT-11").code
    for code in (with_ext, without):
        svc.assign_case(actor="mai", code=code, to="hung")
    assert "verify_extend" in queries.allowed_actions(queries.get_case(with_ext), login="hung")
    assert "verify_extend" not in queries.allowed_actions(queries.get_case(without), login="hung")
    svc.verify_extend_case(actor="hung", code=with_ext, note="Xác minh", days=1)
    assert "verify_extend" not in queries.allowed_actions(queries.get_case(with_ext), login="hung")


def test_another_agency_gets_its_own_unit_code_series(cli, receive):
    _enable_police()
    status, out, err = cli("procedures", "agency", "cong_an_xa", "--unit-code", "000.00.31.H26.CA", "--as", "mai")
    assert status == 3
    status, out, err = cli("procedures", "agency", "ubnd_xa", "--unit-code", "000.00.31.H27", "--as", "admin")
    assert status == 2                                       # the committee uses the office's own code
    status, out, err = cli("procedures", "agency", "cong_an_xa", "--unit-code", "khong hop le", "--as", "admin")
    assert status == 2
    status, out, err = cli("procedures", "agency", "cong_an_xa", "--unit-code", "000.00.31.H26", "--as", "admin")
    assert status == 2 and "dãy" in err                      # the office's own series: never shared
    status, out, err = cli("procedures", "agency", "cong_an_xa", "--unit-code", "000.00.31.H27", "--as", "admin")
    assert status == 0, err
    assert receive(procedure="CTR-02").code == "000.00.31.H27-261102-0001"
    status, out, err = cli("procedures", "agency", "--json")
    assert {"code": "cong_an_xa", "name": "Công an xã", "own": False, "book": "CA",
            "unit_code": "000.00.31.H27"} in json.loads(out)
    assert Event.select().where(Event.action == "agency_edit").count() == 1


def test_a_supplement_pause_moves_a_calendar_day_limit_by_calendar_days(db, receive, clock):
    from casedesk.services import cases as svc

    case = receive(procedure="DD-04")                     # Monday 02/11/2026: due Wednesday 02/12/2026
    assert case.due_date == dt.date(2026, 12, 2)
    svc.assign_case(actor="mai", code=case.code, to="duong")
    clock.set(dt.datetime(2026, 11, 5, 9, 0))             # Thursday
    svc.request_supplement(actor="duong", code=case.code, note="Thiếu sơ đồ thửa đất")
    clock.set(dt.datetime(2026, 11, 9, 9, 0))             # Monday: 4 calendar days later (2 working days)
    resumed = svc.resume_case(actor="duong", code=case.code).case
    assert resumed.due_date == dt.date(2026, 12, 7)      # 02/12 + 4 = Sunday 06/12 -> Monday 07/12
    assert any("4 ngày (theo lịch)" in line for line in resumed.due_explanation)


def test_a_past_report_judges_the_due_date_in_force_before_a_later_verification_extension(db, receive):
    from casedesk import reports
    from casedesk.services import cases as svc

    code = receive(procedure="HT-09", at="2026-10-26 09:00").code            # due Thursday 29/10
    svc.assign_case(actor="mai", code=code, to="hung", at="2026-10-26 10:00")
    moved = svc.verify_extend_case(actor="hung", code=code, note="Xác minh tại nơi đăng ký cũ").case
    assert moved.due_date == dt.date(2026, 11, 9)                           # extended on 02/11
    october = reports.compute(reports.month_period(2026, 10, "calendar"))
    assert (october.total.c11, october.total.c12, october.total.c13) == (1, 0, 1)   # overdue on 31/10
    november = reports.compute(reports.month_period(2026, 11, "calendar"))
    assert november.total.c12 == 1                                          # within its new date now
    reports.check_report(november)


def test_check_replays_every_catalogue_change_from_the_chain(db, receive, clock):
    """add, edit, retire, enable, import, agency codes, fees and exemptions at intake: the replay of the
    audit trail (``casedesk-cli check``) finds the tables as the rows say, and a row edited behind the
    software's back is named."""
    from casedesk import catalogue_xlsx
    from casedesk.replay import replay_register

    catalogue_admin.add_procedure(actor="admin", code="HT-16", name="Đăng ký khai sinh lưu động", field="HT",
                                  days=5, fee_kind="per_page", fee=2000,
                                  papers=[{"name": "Tờ khai", "original": 1, "copies": 0}])
    catalogue_admin.edit_procedure(actor="admin", code="HT-07", days=4, extension_days=2,
                                   legal_basis="Nghị định 123/2015/NĐ-CP, Điều 22", effective_from="2026-11-09")
    catalogue_admin.edit_procedure(actor="admin", code="XD-01", fee=75000)
    catalogue_admin.retire_procedure(actor="admin", code="KT-04")
    _enable_police()
    catalogue_admin.set_agency(actor="admin", code="cong_an_xa", unit_code="000.00.31.H27")
    data = _sheet([["Mã", "Tên thủ tục", "Lĩnh vực", "Thời hạn", "Đơn vị thời hạn", "Lệ phí (đồng)"],
                   ["", "Thủ tục mới từ bảng tính", "KT", 3, "ngày làm việc", "theo Nghị quyết HĐND tỉnh"],
                   ["HT-11", "Đăng ký giám hộ", "HT", 4, "ngày làm việc", "Miễn"]])
    catalogue_xlsx.import_bytes(data, actor="admin")
    receive(procedure="CTR-02")
    receive(procedure="CT-01", pages=5, copies=2)
    receive(procedure="CT-02", exemption="tre_em")
    result = replay_register()
    assert result.differences == [], result.differences[:5]
    Procedure.update(days=9).where((Procedure.code == "HT-16")).execute()       # behind the software's back
    found = replay_register().differences
    assert any(d.kind == "procedure" and d.key.startswith("HT-16") and d.field == "days" for d in found)
