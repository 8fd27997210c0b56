"""Scanning a receipt's QR code at the desk opens the case with whether the receipt is genuine."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from casedesk import context, receipt_seal
from casedesk.models import Case
from casedesk.services import cases
from ui.screens.case_detail import CaseDetailDialog


def test_a_genuine_receipt_opens_its_case_with_a_green_line(qtbot, make_ctx, keys, receive):
    text = receipt_seal.case_seal(Case.get(Case.code == receive().code))
    dialog = CaseDetailDialog(make_ctx("mai"))
    qtbot.addWidget(dialog)
    dialog.open_receipt(text)
    keys.idle()
    line = dialog.panel.receipt_line
    assert dialog.isVisible() and dialog.panel.case.code == text.split("\n")[0]
    assert not line.isHidden() and line.property("verdict") == "valid"
    assert "Giấy hẹn hợp lệ" in line.text()
    dialog.open_code(receive(citizen_name="Trần Thị Đào").code)   # another case: no line left over
    keys.idle()
    assert line.isHidden()


def test_a_receipt_with_the_old_date_shows_the_red_line(qtbot, make_ctx, keys, receive):
    code = receive(procedure="DD-01").code
    old = receipt_seal.case_seal(Case.get(Case.code == code))
    cases.assign_case(actor="mai", code=code, to="duong")
    due = Case.get(Case.code == code).due_date
    cases.extend_case(actor="duong", code=code, to_date=context.calendar().add_working_days(due, 3).isoformat(),
                      note="Chờ đo đạc")
    dialog = CaseDetailDialog(make_ctx("mai"))
    qtbot.addWidget(dialog)
    dialog.open_receipt(old)
    keys.idle()
    line = dialog.panel.receipt_line
    assert line.property("verdict") == "dates_differ"
    assert "Giấy hẹn không do bộ phận này cấp / sai ngày hẹn" in line.text() and "Sai ngày hẹn" in line.text()
    assert dialog.panel.case.code == code


def test_a_wedge_scanner_typing_the_receipt_into_the_search_box(open_window, keys, receive):
    text = receipt_seal.case_seal(Case.get(Case.code == receive().code))
    code, seal = text.split("\n")
    window = open_window("mai", {})
    keys.press(Qt.Key_F3, widget=window)
    assert keys.focused() is window.search
    keys.type(code)                   # the reader types the code, the newline as Enter, the signature, Enter
    keys.press(Qt.Key_Return)
    keys.type(seal)
    keys.press(Qt.Key_Return)
    keys.idle()
    panel = window.case_detail().panel
    assert panel.case.code == code and panel.receipt_line.property("verdict") == "valid"
    assert window.search.text() == ""                   # nothing left in the box
    window.shutdown()


def test_a_forged_receipt_pasted_into_the_search_box(open_window, keys, receive):
    text = receipt_seal.case_seal(Case.get(Case.code == receive().code))
    code, seal = text.split("\n")
    forged = code + " " + seal[:-3] + ("000" if seal[-3:] != "000" else "111")
    window = open_window("mai", {})
    window.search.setText(forged)           # a scanner that sends the newline as a space
    window.search.setFocus()
    keys.press(Qt.Key_Return, widget=window.search)
    keys.idle()
    panel = window.case_detail().panel
    assert panel.case.code == code and panel.receipt_line.property("verdict") == "bad_signature"
    assert "không do bộ phận này cấp" in panel.receipt_line.text()
    window.shutdown()


def test_screenshot_of_the_verdict_lines(qtbot, make_ctx, keys, receive, tmp_path):
    """Both verdicts as the desk shows them (docs/screenshots/receipt-*.png when STATUS_PAGE_SCREENSHOTS
    names the folder)."""
    import os

    out = os.environ.get("STATUS_PAGE_SCREENSHOTS") or str(tmp_path)
    code = receive(procedure="DD-01").code
    old = receipt_seal.case_seal(Case.get(Case.code == code))
    dialog = CaseDetailDialog(make_ctx("mai"))
    qtbot.addWidget(dialog)
    dialog.open_receipt(old)
    keys.idle()
    assert dialog.panel.receipt_line.property("verdict") == "valid"
    good = os.path.join(out, "receipt-valid.png")
    assert dialog.grab().save(good)
    cases.assign_case(actor="mai", code=code, to="duong")
    due = Case.get(Case.code == code).due_date
    cases.extend_case(actor="duong", code=code, to_date=context.calendar().add_working_days(due, 3).isoformat(),
                      note="Chờ đo đạc")
    dialog.open_receipt(old)
    keys.idle()
    assert dialog.panel.receipt_line.property("verdict") == "dates_differ"
    bad = os.path.join(out, "receipt-wrong-date.png")
    assert dialog.grab().save(bad)
