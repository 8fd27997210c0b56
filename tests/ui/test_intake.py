"""Receiving a dossier entirely from the keyboard, in Vietnamese; errors keep what was typed;
a missing paper turns the main button into the supplement request; the CCCD QR fills the person."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from casedesk.services import queries
from ui.screens.intake import IntakeScreen
from ui.widgets import documents
from ui.widgets.cccd import parse_cccd

NAME = "Nguyễn Thị Ánh Tuyết"
ADDRESS = "Số 5, thôn Đông, xã An Phú"


@pytest.fixture
def window(open_window, keys):
    """A clerk's main window with the intake screen, F2 pressed."""
    win = open_window("mai", {"intake": IntakeScreen})
    keys.press(Qt.Key_F2, widget=win)
    return win


@pytest.fixture
def receipt(monkeypatch):
    """The receipt renderer, or a stand-in PDF while casedesk.documents.build is not there."""
    if not documents.ready():
        monkeypatch.setattr(documents, "render", lambda kind, code, paper=None: b"%PDF-1.7 stand-in " +
                            code.encode())
    return documents


def choose_procedure(keys, text="dang ky khai sinh"):
    keys.type(text)                          # without accents
    keys.press(Qt.Key_Return)                # at once: the first match, when the search comes back
    keys.idle()


def test_receive_a_case_from_the_keyboard_alone(window, keys, no_dialogs, receipt):
    screen = window.screens["intake"]
    assert keys.focused() is screen.picker.edit
    choose_procedure(keys)
    assert screen.picker.procedure().code == "HT-01"
    assert "Miễn phí" in screen.fee.text()
    assert "Hẹn trả" in screen.due_label.text() and "02/11/2026" in screen.due_label.text()
    # Tab through the papers (all required ones come ticked) and the sets to the name
    for _ in range(30):
        if keys.focused() is screen.name.edit:
            break
        keys.press(Qt.Key_Tab)
    assert keys.focused() is screen.name.edit
    keys.type(NAME)
    keys.press(Qt.Key_Tab)
    keys.type("001203012345")
    assert screen.id_number.mark.text() == "✓"
    keys.press(Qt.Key_Tab)
    keys.type("15/08/1990")
    keys.press(Qt.Key_Tab)
    keys.type("0912 345 678")
    keys.press(Qt.Key_Tab)
    keys.press(Qt.Key_Tab)                   # no email
    keys.type(ADDRESS)
    keys.press(Qt.Key_Return, Qt.ControlModifier)
    keys.idle()

    rows = queries.search_cases("nguyen thi anh tuyet")
    assert len(rows) == 1
    case = queries.get_case(rows[0].code)
    assert (case.citizen_name, case.id_number, case.phone, case.address) == (
        NAME, "001203012345", "+84912345678", ADDRESS)
    assert case.birth_date.isoformat() == "1990-08-15"
    assert case.procedure.code == "HT-01" and case.channel == "in_person"
    (args, kwargs), = no_dialogs["previews"].calls             # the receipt, in print preview
    assert args[1].startswith(b"%PDF")
    assert case.code in args[2]
    # ready for the next citizen
    assert screen.name.text() == "" and screen.picker.text() == ""
    assert keys.focused() is screen.picker.edit
    assert no_dialogs["messages"].calls == []


def test_a_bad_id_keeps_every_field_and_says_why(window, keys, no_dialogs):
    screen = window.screens["intake"]
    choose_procedure(keys)
    screen.name.edit.setFocus()
    keys.type(NAME)
    keys.press(Qt.Key_Tab)
    keys.type("999203012345")                # not a province code
    keys.press(Qt.Key_Tab)
    keys.press(Qt.Key_Tab)
    keys.type("0912345678")
    keys.press(Qt.Key_Tab)
    keys.type("tuyet@example.vn")
    keys.press(Qt.Key_Tab)
    keys.type(ADDRESS)
    keys.press(Qt.Key_Return, Qt.ControlModifier)
    keys.idle()
    assert screen.id_number.has_error()
    assert "Ba số đầu 999" in screen.id_number.message.text()
    assert screen.id_number.message.isVisible()
    assert keys.focused() is screen.id_number.edit
    values = (screen.picker.procedure().code, screen.name.text(), screen.id_number.text(), screen.phone.text(),
              screen.email.text(), screen.address.text())
    assert values == ("HT-01", NAME, "999203012345", "0912345678", "tuyet@example.vn", ADDRESS)
    assert queries.count_cases() == 0
    # fixing the ID and saving again works, with nothing retyped
    screen.id_number.edit.selectAll()
    keys.type("001203012345")
    keys.press(Qt.Key_Return, Qt.ControlModifier)
    keys.idle()
    assert queries.count_cases() == 1


def test_the_core_names_the_field_even_when_the_live_check_passed(window, keys, no_dialogs):
    screen = window.screens["intake"]
    choose_procedure(keys)
    screen.id_number.edit.setFocus()
    keys.type("001203012345")
    keys.press(Qt.Key_Return, Qt.ControlModifier)          # no name, no phone, no address
    keys.idle()
    assert screen.name.has_error() and "họ và tên" in screen.name.message.text()
    assert screen.id_number.text() == "001203012345"


def test_a_missing_paper_turns_the_button_into_the_supplement_request(window, keys, no_dialogs, monkeypatch):
    screen = window.screens["intake"]
    choose_procedure(keys)
    assert "Lưu và in giấy hẹn" in screen.save_button.text()
    assert keys.focused() is screen.papers.focus_widgets()[0]     # Enter on the procedure went to its papers
    keys.press(Qt.Key_Space)                 # untick it
    assert screen.missing_papers()
    assert "phiếu yêu cầu bổ sung" in screen.save_button.text()
    asked = []
    monkeypatch.setattr(documents, "render_intake_supplement",
                        lambda values, clerk, paper=None: asked.append(values) or b"%PDF-1.7 form 02")
    keys.press(Qt.Key_Return, Qt.ControlModifier)
    keys.idle()
    assert asked and asked[0]["missing"] == screen.missing_papers()
    (args, _kw), = no_dialogs["previews"].calls
    assert args[1].startswith(b"%PDF")
    assert queries.count_cases() == 0        # not received until complete


def test_the_popup_lists_matches_and_arrow_keys_choose(window, keys):
    screen = window.screens["intake"]
    keys.type("khai sinh")
    keys.qtbot.waitUntil(lambda: screen.picker.model.rowCount() > 1)
    keys.idle()
    popup = screen.picker.completer.popup()
    assert popup.isVisible()
    keys.press(Qt.Key_Down, widget=popup)
    keys.press(Qt.Key_Return, widget=popup)
    assert screen.picker.procedure() is not None
    assert screen.picker.procedure().code != "HT-01"     # the second line was taken
    assert not popup.isVisible()


def test_scanning_the_cccd_qr_into_a_field_fills_the_person(window, keys):
    screen = window.screens["intake"]
    choose_procedure(keys)
    screen.name.edit.setFocus()
    keys.type("001203012345|123456789|Nguyễn Văn Đường|15081990|Nam|Thôn Đông, xã An Phú, tỉnh Phú Thọ|20042021")
    assert screen.name.text() == "Nguyễn Văn Đường"
    assert screen.id_number.text() == "001203012345"
    assert screen.birth.text() == "15/08/1990"
    assert screen.address.text() == "Thôn Đông, xã An Phú, tỉnh Phú Thọ"
    assert keys.focused() is screen.phone.edit


@pytest.mark.parametrize("text,expected", [
    ("001203012345|123456789|Nguyễn Văn Đường|15081990|Nam|Thôn Đông|20042021",
     ("001203012345", "Nguyễn Văn Đường", "1990-08-15", "Thôn Đông")),
    ("001203012345||NGUYỄN THỊ ÁNH|01021985|Nữ|Số 5 phố Huế, Hà Nội|20042021|extra\n",
     ("001203012345", "Nguyễn Thị Ánh", "1985-02-01", "Số 5 phố Huế, Hà Nội")),
    ("001203012345|Trần Văn An|01021985|Nam|Xóm 3",
     ("001203012345", "Trần Văn An", "1985-02-01", "Xóm 3")),
])
def test_cccd_parser_is_tolerant(text, expected):
    data = parse_cccd(text)
    assert (data.id_number, data.full_name, data.birth_date.isoformat(), data.address) == expected


def test_cccd_parser_refuses_what_is_not_a_card():
    assert parse_cccd("000.00.31.H26-261102-0001") is None
    assert parse_cccd("abc|def|ghi") is None


def test_esc_esc_clears_the_form(window, keys):
    screen = window.screens["intake"]
    choose_procedure(keys)
    screen.name.edit.setFocus()
    keys.type(NAME)
    keys.press(Qt.Key_Escape)
    assert screen.name.text() == NAME        # one Esc only warns
    keys.press(Qt.Key_Escape)
    assert screen.name.text() == "" and screen.picker.procedure() is None
    assert keys.focused() is screen.picker.edit


def test_a_fee_that_depends_on_the_dossier_can_be_entered(window, keys):
    """A procedure whose fee depends on the dossier shows a field for what is collected; others do not."""
    from casedesk.services import catalogue

    screen = window.screens["intake"]
    screen.picker.set_procedure(catalogue.get_procedure("HT-09"))
    keys.idle()
    fixed = catalogue.get_procedure("HT-09")
    assert screen.fee_amount.isHidden() == (not fixed.fee_note)
    per_page = catalogue.get_procedure("CT-01")
    assert per_page.fee_note                     # "2.000 đồng/trang cho 2 trang đầu…"
    screen.picker.set_procedure(per_page)
    keys.idle()
    assert not screen.fee_amount.isHidden() and screen.fee_amount.value() == per_page.fee
    screen.fee_amount.setValue(12000)
    assert screen.values()["fee"] == 12000


def test_counts_give_the_per_page_fee_and_an_exemption_makes_it_zero(window, keys):
    from casedesk.services import catalogue

    screen = window.screens["intake"]
    screen.picker.set_procedure(catalogue.get_procedure("CT-01"))
    keys.idle()
    assert not screen.fee_pages.isHidden() and not screen.fee_copies.isHidden()
    screen.fee_pages.setValue(5)
    screen.fee_copies.setValue(2)
    assert screen.fee_amount.value() == 2 * (2000 * 2 + 1000 * 3)
    values = screen.values()
    assert (values["pages"], values["copies"], values["fee"], values["exemption"]) == (5, 2, 14000, None)
    screen.exemption.setCurrentIndex(screen.exemption.findData("ho_ngheo"))
    assert screen.fee_amount.isHidden() and "hộ nghèo" in screen.fee.text()
    values = screen.values()
    assert values["exemption"] == "ho_ngheo" and values["fee"] is None
    screen.exemption.setCurrentIndex(0)
    screen.picker.set_procedure(catalogue.get_procedure("HT-07"))       # a fee the province sets
    keys.idle()
    assert "Nghị quyết HĐND tỉnh" in screen.fee.text() and screen.fee_pages.isHidden()


def test_the_due_preview_counts_calendar_days_for_a_calendar_day_procedure(window, keys):
    from casedesk.services import catalogue

    screen = window.screens["intake"]
    screen.picker.set_procedure(catalogue.get_procedure("DD-04"))
    keys.idle()
    import time
    for _ in range(50):
        keys.idle()
        if screen._due is not None and screen._due.unit == "days":
            break
        time.sleep(0.05)
    assert screen._due.unit == "days" and screen._due.days == 30


def test_an_exemption_never_carries_over_to_the_next_citizen(window, keys):
    from casedesk.services import catalogue

    screen = window.screens["intake"]
    screen.picker.set_procedure(catalogue.get_procedure("CT-02"))
    keys.idle()
    screen.exemption.setCurrentIndex(screen.exemption.findData("tre_em"))
    screen.reset()
    keys.idle()
    assert screen.exemption.currentData() == "" and screen.values()["exemption"] is None


def test_tam_tru_enter_picks_temporary_residence(window, keys):
    from casedesk.services import catalogue_admin

    # the commune police's procedure ships turned off; this office receives it on the police's behalf
    catalogue_admin.enable_procedure(actor="admin", code="CTR-02")
    screen = window.screens["intake"]
    choose_procedure(keys, "tam tru")
    assert screen.picker.procedure().code == "CTR-02"


def test_choosing_with_enter_goes_to_the_first_paper(window, keys):
    screen = window.screens["intake"]
    choose_procedure(keys)
    keys.qtbot.wait(20)
    assert keys.focused() is screen.papers.focus_widgets()[0]


def test_esc_esc_can_be_taken_back_until_something_new_is_typed(window, keys):
    screen = window.screens["intake"]
    choose_procedure(keys)
    screen.papers.focus_widgets()[0].setChecked(False)                # a paper unticked on purpose
    screen.name.edit.setFocus()
    keys.type(NAME)
    screen.note.setFocus()
    keys.type("CMND cũ 123456789")
    screen.channels.button(1).setChecked(True)
    before = screen.values()
    keys.press(Qt.Key_Escape)
    keys.press(Qt.Key_Escape)
    assert screen.name.text() == "" and screen.picker.procedure() is None and screen.note.text() == ""
    assert screen.restore_button.isVisible()
    assert keys.focused() is screen.picker.edit
    keys.press(Qt.Key_Z, Qt.ControlModifier)
    assert screen.values() == before
    assert not screen.restore_button.isVisible()
    # cleared again, then a new citizen typed: the old form is gone for good
    keys.press(Qt.Key_Escape)
    keys.press(Qt.Key_Escape)
    keys.type("khai tu", widget=screen.picker.edit)
    assert not screen.restore_button.isVisible()
    screen.picker.edit.clear()
    keys.press(Qt.Key_Z, Qt.ControlModifier, widget=screen.picker.edit)
    assert screen.name.text() == ""


def test_the_note_field_reaches_the_register_and_phone_says_optional(window, keys, no_dialogs, receipt):
    screen = window.screens["intake"]
    assert "không bắt buộc" in screen.phone.edit.placeholderText()
    choose_procedure(keys)
    screen.name.setText(NAME)
    screen.id_number.setText("001203012345")
    screen.address.setText(ADDRESS)
    screen.note.setText("Số CMND cũ: 123456789")
    keys.press(Qt.Key_Return, Qt.ControlModifier, widget=screen.name.edit)
    keys.idle()
    case = queries.get_case(queries.search_cases("nguyen thi anh tuyet")[0].code)
    assert case.phone == ""                                        # no phone: still received
    assert case.history[0].note == "Số CMND cũ: 123456789"


def test_id_birth_year_and_a_second_name_are_flagged_not_refused(window, keys, receive):
    receive(citizen_name="Trần Văn Bảy", id_number="001090012345")  # the register knows this ID
    screen = window.screens["intake"]
    choose_procedure(keys)
    screen.name.setText("Trần Văn Tám")
    screen.id_number.setText("001090012345")                          # 4th digit 0, "90": born 1990
    screen.birth.setText("15/08/1985")
    keys.qtbot.waitUntil(lambda: "1990" in screen.identity_note.text(), timeout=3000)
    note = screen.identity_note.text()
    assert "15/08/1985" in note and "Trần Văn Bảy" in note
    assert screen.identity_note.property("role") == "field-warning"
    screen.name.setText("Trần Văn Bảy")
    screen.birth.setText("15/08/1990")
    keys.qtbot.waitUntil(lambda: screen.identity_note.text() == "", timeout=3000)


def test_a_paper_dossier_entered_late_keeps_its_true_time(window, keys, no_dialogs, receipt):
    import datetime as dt

    screen = window.screens["intake"]
    choose_procedure(keys, "xac nhan thong tin ho tich")
    screen.name.setText(NAME)
    screen.id_number.setText("001203012345")
    screen.address.setText(ADDRESS)
    screen.late.check.setChecked(True)
    screen.late.set_time(dt.datetime(2026, 10, 30, 14, 10))          # Friday afternoon, during an outage
    keys.idle()
    assert "04/11/2026" in screen.due_label.text()                   # 3 working days from Friday
    keys.press(Qt.Key_Return, Qt.ControlModifier, widget=screen.name.edit)
    keys.idle()
    case = queries.get_case(queries.search_cases("nguyen thi anh tuyet")[0].code)
    assert case.received_at == dt.datetime(2026, 10, 30, 14, 10)
    assert case.history[0].late_entry
    assert not screen.late.check.isChecked()                          # the next dossier is live again


def test_a_paper_that_says_when_it_is_needed_is_not_marked_twice(window, keys):
    screen = window.screens["intake"]
    choose_procedure(keys)
    texts = [w.accessibleName() for w in screen.papers.focus_widgets()[::3]]
    assert any("(nếu nộp thay)" in t for t in texts)
    assert not any("(nếu nộp thay) (nếu có)" in t for t in texts)
