"""The forms side of the law: the two refusals, named signers, and the rules a legal review found
(one supplement request, refunds only when recorded, Vietnamese documents, "Bộ phận Một cửa",
one title per form, per-year numbers, the unit code, the desk's hand-over limit)."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from casedesk import context, reports
from casedesk.cli import main
from casedesk.documents import build, titles
from casedesk.errors import BadInput, NotAllowed
from casedesk.models import Case, Event, FormNumber, IntakeRefusal
from casedesk.services import auth, forms, office, queries
from casedesk.services import cases as svc
from tests.conftest import PASSWORD
from tests.test_cli_documents import desk, flat, pdf_text  # noqa: F401  (``desk`` is a fixture)

T = dt.datetime
D = dt.date



def text_of(kind: str, code: str) -> str:
    return flat(pdf_text(build.render_case_document(kind, code)))


def set_setting(**values):
    office.update_settings(actor="admin", **values)


# ------------------------------------------------------------------ 4a. refusal at the counter

def test_refusal_at_the_counter_is_recorded_printed_and_never_a_case(cli, tmp_path, clock):
    from casedesk.reports import month_period

    before = reports.compute(month_period(2026, 11, "calendar")).total
    status, out, err = cli("case", "refuse-intake", "--as", "mai", "--procedure", "HT-09", "--name", "lê văn tám",
                           "--id-number", "001203012345", "--note", "Đăng ký thường trú thuộc thẩm quyền Công an xã")
    assert status == 0, err
    code = out.splitlines()[0]
    assert code == "000.00.31.H26-TC-261102-0001"
    row = IntakeRefusal.get(IntakeRefusal.code == code)
    assert (row.citizen_name, row.id_number, row.reason) == ("Lê Văn Tám", "001203012345",
                                                               "Đăng ký thường trú thuộc thẩm quyền Công an xã")
    audit = Event.select().where(Event.action == "refuse_intake").get()
    assert audit.actor == "mai" and audit.case_id is None and audit.changes["code"] == code
    # not a received dossier: no case, no ledger line, not in the lists, the search or form II.06a
    assert Case.select().count() == 0
    assert queries.list_cases(queries.CaseFilter()) == [] and queries.search_cases("Lê Văn Tám") == []
    after = reports.compute(month_period(2026, 11, "calendar")).total
    assert after.values() == before.values() and after.c3 == 0
    assert build.ledger_data("2026-11-01", "2026-11-30").rows == ()
    # the second refusal of the day continues its own series, apart from the dossier codes
    svc.receive_case(actor="mai", procedure="HT-09", citizen_name="Hà Thị Thu", id_number="001203012345",
                     phone="", address="Thôn Đông")
    second = forms.refuse_intake(actor="mai", procedure="HT-09", citizen_name="Hà Văn Hải", note="Không đủ điều kiện")
    assert second.code == "000.00.31.H26-TC-261102-0002"
    assert Case.get().code == "000.00.31.H26-261102-0001"
    status, out, err = cli("case", "refusals", "--from", "2026-11-02", "--to", "2026-11-02", "--json")
    listed = json.loads(out)
    assert status == 0 and [r["code"] for r in listed] == [second.code, code]
    assert listed[1]["refused_by"] == "mai" and listed[1]["reason"].startswith("Đăng ký thường trú")
    status, out, err = cli("case", "refusals", "--from", "2026-11-03")
    assert status == 0 and out == ""
    # form 03, signed by the receiving officer who refused, printed by `print refusal CODE`
    target = tmp_path / "03.pdf"
    status, out, err = cli("print", "refusal", code, "-o", target)
    assert status == 0, err
    assert "mẫu 03" in out
    text = flat(pdf_text(target.read_bytes()))
    for part in ("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Lê Văn Tám", "001203012345", "Số: 01/PTC",
                 "thuộc thẩm quyền Công an xã", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Trần Thị Mai", "Bộ phận Một cửa"):
        assert part in text, part


def test_refusal_at_the_counter_refuses_bad_input_and_other_roles(cli):
    with pytest.raises(BadInput) as err:
        forms.refuse_intake(actor="mai", procedure="HT-09", citizen_name="Lê Văn Tám", note="   ")
    assert err.value.field == "note"
    with pytest.raises(BadInput):
        forms.refuse_intake(actor="mai", procedure="HT-09", citizen_name="Lê Văn Tám", id_number="12",
                            note="Không đủ điều kiện")
    with pytest.raises(NotAllowed):
        forms.refuse_intake(actor="hung", procedure="HT-09", citizen_name="Lê Văn Tám", note="Không đủ điều kiện")
    denied = Event.select().where(Event.action == "denied").order_by(Event.id.desc()).first()
    assert denied.actor == "hung" and denied.changes["attempted"] == "refuse_intake"
    assert IntakeRefusal.select().count() == 0
    status, _out, err = cli("case", "refuse-intake", "--as", "mai", "--procedure", "HT-09", "--name", "Lê Văn Tám",
                            "--id-number", "001203012345")
    assert status == 2 and "--note" in err
    status, _out, err = cli("print", "refusal", "000.00.31.H26-TC-261102-0099", "-o", "x.pdf")
    assert status == 4


# ------------------------------------------------------------------ 4b. the committee's refusal

def test_refusal_after_processing_is_the_committee_reply_signed_by_who_refused(desk):
    auth.add_user(actor="admin", login="binh", role="vice_chairman", full_name="Đặng Văn Bình", password=PASSWORD)
    case = svc.receive_case(actor="mai", procedure="HT-09", citizen_name="Phan Văn Tú", id_number="001203012345",
                            phone="", address="Thôn Đông").case.code
    svc.assign_case(actor="mai", code=case, to="hung")
    svc.submit_case(actor="hung", code=case)
    svc.refuse_case(actor="binh", code=case, note="Người yêu cầu không cư trú tại xã")
    text = text_of("refusal", case)
    for part in ("ỦY BAN NHÂN DÂN XÃ AN PHÚ", "THÔNG BÁO TỪ CHỐI GIẢI QUYẾT HỒ SƠ", "Số: 01/TB-UBND",
                 "không cư trú tại xã", "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH", "Đặng Văn Bình"):
        assert part in text, part
    assert "Vũ Thị Thảo" not in text            # the setting's vice-chairman did not refuse this one
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" not in text and "PHIẾU TỪ CHỐI TIẾP NHẬN" not in text
    # the Chairman refusing signs as himself, for the committee, without "KT."
    set_setting(chairman_name="Đặng Văn Bình")
    text = text_of("refusal", case)
    assert "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH" in text and "KT. CHỦ TỊCH" not in text


# ------------------------------------------------------------------ 5. signers

def test_apology_and_report_name_the_signer(desk):
    text = text_of("apology", desk["extended"])
    for part in ("ỦY BAN NHÂN DÂN XÃ AN PHÚ", "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH", "Vũ Thị Thảo",
                 "Số: 01/VBXL"):
        assert part in text, part
    payload = build.render_report(reports.month_period(2026, 10, "calendar"), "pdf")
    text = flat(pdf_text(payload))
    assert "TM. ỦY BAN NHÂN DÂN" in text and "KT. CHỦ TỊCH" in text and "Vũ Thị Thảo" in text
    assert "NGƯỜI LẬP BIỂU" in text and "Trần Thị Mai" in text
    stop = text_of("stop", desk["withdrawn"])
    assert "GIÁM ĐỐC" in stop and "Bùi Thị Hạnh" in stop


def extended_by_officer() -> str:
    """A case whose apology the officer (not a leader) asked for: the setting's vice-chairman signs."""
    code = svc.receive_case(actor="mai", procedure="DD-01", citizen_name="Lê Thị Hằng", id_number="001203012345",
                            phone="", address="Thôn Đông").case.code
    svc.assign_case(actor="mai", code=code, to="duong")
    due = Case.get(Case.code == code).due_date
    svc.extend_case(actor="duong", code=code, to_date=context.calendar().add_working_days(due, 3).isoformat(),
                    note="Chờ đo đạc")
    return code


def test_the_setting_signs_when_no_leader_acted(db):
    text = text_of("apology", extended_by_officer())
    assert "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text and "Vũ Thị Thảo" in text
    assert "Nguyễn Văn Đường" not in text


@pytest.mark.parametrize("key,kind", [("leader_name", "apology"), ("centre_head_name", "stop")])
def test_an_unsigned_document_is_refused_naming_the_setting(desk, cli, tmp_path, key, kind):
    code = extended_by_officer() if kind == "apology" else desk["withdrawn"]
    set_setting(**{key: ""})
    with pytest.raises(BadInput) as err:
        build.render_case_document(kind, code)
    assert err.value.field == key and key in err.value.message and "Cài đặt" in err.value.message
    assert FormNumber.select().count() == 0                       # no number spent on a refused document
    target = tmp_path / "x.pdf"
    status, _out, err_text = cli("--lang", "en", "print", kind, code, "-o", target)
    assert status == 2 and key in err_text and "Fill in the setting" in err_text and not target.exists()


def test_the_report_without_a_preparer_is_refused(desk, cli, tmp_path):
    set_setting(report_preparer="")
    status, _out, err = cli("report", "monthly", "--month", "2026-10", "--pdf", tmp_path / "r.pdf")
    assert status == 2 and "report_preparer" in err and "Người lập biểu" in err
    status, out, err = cli("report", "monthly", "--month", "2026-10", "--json")    # figures need no signer
    assert status == 0, err


def test_the_desktop_shows_the_same_sentence(desk):
    from ui.widgets import documents

    code = extended_by_officer()
    set_setting(leader_name="")
    with pytest.raises(BadInput) as err:
        documents.render("apology", code)
    assert "leader_name" in err.value.message


def test_settings_show_and_set(cli):
    status, out, err = cli("settings", "show", "--json")
    assert status == 0, err
    shown = json.loads(out)
    from casedesk.settings import SETTING_FIELDS

    assert set(shown) == set(SETTING_FIELDS) and shown["leader_name"] == "Vũ Thị Thảo"
    # permission before anything else: a clerk is refused even for a key that does not exist
    status, _out, err = cli("settings", "set", "no_such_key", "x", "--as", "mai")
    assert status == 3
    denied = Event.select().where(Event.action == "denied").order_by(Event.id.desc()).first()
    assert denied.actor == "mai" and denied.changes["attempted"] == "settings"
    status, _out, err = cli("settings", "set", "no_such_key", "x", "--as", "admin")
    assert status == 2
    status, _out, err = cli("settings", "set", "unit_code", "ABC", "--as", "admin")
    assert status == 2 and "000.00.12.H21" in err
    status, _out, err = cli("settings", "set", "culture_day_off", "maybe", "--as", "admin")
    assert status == 2
    status, out, err = cli("settings", "set", "culture_day_off", "false", "--as", "admin")
    assert status == 0 and context.settings().culture_day_off is False
    status, out, err = cli("settings", "set", "centre_head_name", "Lý Thị Hoa", "--as", "admin", "--json")
    assert status == 0 and json.loads(out) == {"centre_head_name": "Lý Thị Hoa"}
    row = Event.select().where(Event.action == "settings").order_by(Event.id.desc()).first()
    assert row.actor == "admin" and row.changes["centre_head_name"] == ["Bùi Thị Hạnh", "Lý Thị Hoa"]
    status, _out, err = cli("settings", "set", "lockout_minutes", "0", "--as", "admin")
    assert status == 2


# ------------------------------------------------------------------ 6. the review's rules

def test_a_second_supplement_request_is_refused(desk, cli):
    code = desk["waiting"]
    svc.resume_case(actor="hung", code=code)
    with pytest.raises(NotAllowed) as err:
        svc.request_supplement(actor="hung", code=code, note="Thiếu thêm sổ hộ khẩu")
    assert "một lần" in err.value.message and code in err.value.message
    assert Case.get(Case.code == code).state == "assigned"
    status, _out, err = cli("case", "request-supplement", code, "--as", "hung", "--note", "Lần hai")
    assert status == 3 and "một lần" in err
    assert Event.select().where((Event.action == "request_supplement")).count() == 1


def test_form_05_speaks_of_a_refund_only_when_one_was_recorded(db, receive):
    paid = receive(procedure="CT-04", fee=20000).code
    other = receive(procedure="CT-04", fee=20000).code
    free = receive(fee=0).code
    svc.withdraw_case(actor="mai", code=paid)
    svc.withdraw_case(actor="mai", code=other, refund=True)
    with pytest.raises(BadInput):
        svc.withdraw_case(actor="mai", code=free, refund=True)
    assert "hoàn trả" not in text_of("stop", paid)
    text = text_of("stop", other)
    assert "được hoàn trả" in text and "20.000" in text


def test_documents_print_in_vietnamese_under_lang_en(desk, cli, tmp_path):
    for kind, key, words in (("apology", "extended", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN"),
                             ("receipt", "done", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
                             ("stop", "withdrawn", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"),
                             ("control-sheet", "done", "Đúng hạn")):
        target = tmp_path / f"{kind}.pdf"
        status, out, err = cli("--lang", "en", "print", kind, desk[key], "-o", target)
        assert status == 0, err
        assert out.startswith("Saved")                      # the command line speaks English
        text = flat(pdf_text(target.read_bytes()))
        assert words in text, kind
        assert "Dossier" not in text and "On time" not in text and "APOLOGY" not in text, kind
    status, out, err = cli("--lang", "en", "report", "monthly", "--month", "2026-10", "--pdf", tmp_path / "r.pdf")
    assert status == 0, err
    text = flat(pdf_text((tmp_path / "r.pdf").read_bytes()))
    assert "NGƯỜI LẬP BIỂU" in text and "Tổng cộng" in text and "Total" not in text


def test_one_stop_wording_and_one_title_per_form(desk):
    receipt = text_of("receipt", desk["done"])
    assert "Bộ phận Một cửa" in receipt and "Bộ phận tiếp nhận và trả kết quả" not in receipt
    assert "Bộ phận Một cửa" in flat(pdf_text(build.render_case_document("control-sheet", desk["done"])))
    pairs = (("receipt", "done"), ("supplement", "waiting"), ("refusal", "refused"), ("apology", "extended"),
             ("stop", "withdrawn"), ("control-sheet", "done"))
    for kind, key in pairs:
        form = build.DOCUMENT_FORMS[kind]
        label = build.document_label(kind)
        assert label.startswith(titles.title(form)), kind
        assert titles.heading(form) in text_of(kind, desk[key]), kind
    assert build.document_label("apology") == "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (mẫu 04)"
    assert build.document_label("stop").endswith("(mẫu 05)") and build.document_label("control-sheet").endswith("(mẫu 06)")


def test_numbers_per_form_and_year_kept_on_reprint(desk, clock):
    assert "Số: 01/PTN" in text_of("receipt", desk["done"])
    assert "Số: 02/PTN" in text_of("receipt", desk["refused"])
    assert "Số: 01/PTN" in text_of("receipt", desk["done"])          # a re-print shows the same number
    assert "Số: 01/PBS" in text_of("supplement", desk["waiting"])    # each form its own series
    from casedesk.services import catalogue

    counter = build.render_intake_supplement(clerk="mai", procedure="HT-09", citizen_name="Hà Thị Thu",
                                             missing=[catalogue.get_procedure("HT-09").papers[0].name])
    assert "Số: 02/PBS" in flat(pdf_text(counter))                # turned back at the counter: the same series
    assert "Số: 01/TB-DGQ" in text_of("stop", desk["withdrawn"])
    assert "Số: ……" not in text_of("apology", desk["extended"])
    # a document issued in 2027 starts the 2027 series at 1
    clock.set(T(2027, 1, 5, 9))
    code = svc.receive_case(actor="mai", procedure="HT-09", citizen_name="Lê Thị Xuân", id_number="001203012345",
                            phone="", address="Thôn Đông").case.code
    assert "Số: 01/PTN" in text_of("receipt", code)
    numbers = [(r.year, r.number) for r in FormNumber.select().where(FormNumber.kind == "receipt")
               .order_by(FormNumber.id)]
    assert numbers == [(2026, 1), (2026, 2), (2027, 1)]
    assert Event.select().where(Event.action == "form_number").count() == FormNumber.select().count()


def test_unit_code_format(tmp_path, monkeypatch, capsys):
    from casedesk.settings import check_unit_code

    assert check_unit_code("000.00.12.h21") == "000.00.12.H21" and check_unit_code("H15.50.05.13") == "H15.50.05.13"
    for bad in ("ABC", "000.00.12", "000.00.12.H2", "0000.00.12.H21", "000-00-12-H21", ""):
        with pytest.raises(BadInput):
            check_unit_code(bad)
    monkeypatch.setenv("CASEDESK_PASSWORD", PASSWORD)
    db = tmp_path / "new.sqlite3"
    status = main(["--db", str(db), "init", "--office", "Trung tâm", "--commune", "Xã Mới", "--province", "Tỉnh Mới",
                   "--unit-code", "ABC", "--admin-user", "admin"])
    err = capsys.readouterr().err
    assert status == 2 and "ABC" in err and "000.00.12.H21" in err


def test_control_sheet_judges_the_hand_over_by_its_own_limit(db, clock, receive):
    def first_row(received: dt.datetime, handed: dt.datetime):
        clock.set(received)
        code = receive().code
        clock.set(handed)
        svc.assign_case(actor="mai", code=code, to="hung")
        return build.control_sheet_data(code).rows[0]

    # before 15:00: the same working day
    assert first_row(T(2026, 11, 2, 10), T(2026, 11, 2, 16, 30)).result == "on_time"
    late = first_row(T(2026, 11, 2, 10), T(2026, 11, 3, 8))
    assert late.result == "late" and "Chuyển hồ sơ chậm" in late.note and "17:00 02/11/2026" in late.note
    # after 15:00: the next working day's morning (Friday afternoon -> Monday morning)
    assert first_row(T(2026, 11, 6, 15, 30), T(2026, 11, 9, 9)).result == "on_time"
    late = first_row(T(2026, 11, 6, 15, 30), T(2026, 11, 9, 14))
    assert late.result == "late" and "12:00 09/11/2026" in late.note
    assert build.handover_limit(T(2026, 11, 7, 9)) == T(2026, 11, 9, 12)          # a Saturday: Monday morning


def test_control_sheet_flags_a_dossier_not_handed_over_in_time(db, clock, receive):
    clock.set(T(2026, 11, 2, 16))                                   # after 15:00
    code = receive().code
    clock.set(T(2026, 11, 3, 11, 59))
    assert build.control_sheet_data(code).warning == ""              # still the next morning
    clock.set(T(2026, 11, 3, 12, 1))
    sheet = build.control_sheet_data(code)
    assert "quá hạn chuyển" in sheet.warning and "12:00 03/11/2026" in sheet.warning
    assert "Chưa chuyển hồ sơ cho công chức xử lý" in text_of("control-sheet", code)
    svc.assign_case(actor="mai", code=code, to="hung")
    sheet = build.control_sheet_data(code)
    assert sheet.warning == "" and sheet.rows[0].result == "late"
