"""Handing over a result: scan the code, key 2 for "Hài lòng", Ctrl+Enter saves."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from casedesk import workflow
from casedesk.services import cases, queries
from ui.screens.delivery import DeliveryScreen
from ui.screens.intake import IntakeScreen


@pytest.fixture
def approved(receive):
    code = receive().code
    cases.assign_case(actor="mai", code=code, to="hung")
    cases.submit_case(actor="hung", code=code)
    cases.approve_case(actor="thao", code=code)
    return code


@pytest.fixture
def window(open_window):
    return open_window("mai", {"intake": IntakeScreen, "delivery": DeliveryScreen})


def test_deliver_with_a_rating_from_key_2(window, keys, approved):
    keys.press(Qt.Key_2, Qt.AltModifier, widget=window)           # Alt+2: the second section
    screen = window.screens["delivery"]
    assert window.current_key() == "delivery"
    assert keys.focused() is screen.code
    keys.type(approved)
    keys.press(Qt.Key_Return)
    keys.idle()
    assert screen.case is not None and screen.case.code == approved
    assert screen.receiver.text() == "Nguyễn Văn Đường"            # the citizen by default
    assert "Miễn phí" not in screen.fee.text() or screen.case.fee == 0
    keys.press(Qt.Key_2)
    assert screen.rating() == "satisfied"
    keys.press(Qt.Key_Return, Qt.ControlModifier)
    keys.idle()
    case = queries.get_case(approved)
    assert case.state == workflow.DELIVERED
    assert case.rating == "satisfied" and case.receiver == "Nguyễn Văn Đường"
    assert screen.case is None and keys.focused() is screen.code   # ready for the next one


def test_the_waiting_list_is_read_on_the_worker(window, keys, approved, receive, monkeypatch):
    """Results not collected pile up over the years: their list never stalls the desk."""
    import threading

    threads = []

    def spy(real):
        def read(*args, **kwargs):
            threads.append(threading.current_thread())
            return real(*args, **kwargs)
        return read

    monkeypatch.setattr(queries, "list_cases", spy(queries.list_cases))
    monkeypatch.setattr(queries, "count_cases", spy(queries.count_cases))
    receive()                                                       # not approved: not waiting
    screen = window.screens["delivery"]
    window.show_screen("delivery")
    keys.idle()
    model = screen.waiting_model
    assert [model.row_at(r).code for r in range(model.rowCount())] == [approved]
    assert not model.loading()
    screen.load_code(approved)
    keys.idle()
    screen.set_rating("satisfied")
    screen.deliver()
    keys.idle()
    assert model.rowCount() == 0 and model.total() == 0             # handed over: off the list
    assert len(threads) >= 3 and threading.main_thread() not in threads  # two counts, one page


def test_someone_else_collects_with_an_id(window, keys, approved):
    screen = window.screens["delivery"]
    window.show_screen("delivery")
    screen.load_code(approved)
    keys.idle()
    screen.receiver.edit.selectAll()
    screen.receiver.edit.setFocus()
    keys.type("Trần Văn Ánh")
    keys.press(Qt.Key_Tab)
    keys.type("001203099999")
    screen.rating_buttons["very_satisfied"].setFocus()
    keys.press(Qt.Key_1)
    keys.press(Qt.Key_Return, Qt.ControlModifier)
    keys.idle()
    case = queries.get_case(approved)
    assert case.receiver == "Trần Văn Ánh" and case.rating == "very_satisfied"
    assert "001203099999" in case.history[-1].note


def test_a_case_without_a_result_cannot_be_handed_over(window, keys, receive):
    code = receive().code
    screen = window.screens["delivery"]
    window.show_screen("delivery")
    screen.load_code(code)
    keys.idle()
    assert not screen.deliver_button.isEnabled()
    assert "chưa có kết quả" in screen.message.text()


def test_an_unknown_code_is_marked_at_the_field(window, keys, db):
    screen = window.screens["delivery"]
    window.show_screen("delivery")
    keys.type("000.00.31.H26-261102-0042")
    keys.press(Qt.Key_Return)
    keys.idle()
    assert "Không tìm thấy hồ sơ" in screen.code_message.text()
    assert screen.code.text() == "000.00.31.H26-261102-0042"


def test_deliver_from_the_case_window_opens_delivery(window, keys, approved):
    detail = window.case_detail()
    window.open_case(approved)
    keys.idle()
    assert list(detail.panel.action_buttons) == ["deliver"]
    detail.panel.action_buttons["deliver"].click()
    keys.idle()
    assert window.current_key() == "delivery"
    assert window.screens["delivery"].case.code == approved


def test_a_scanned_code_opens_the_case_from_any_field(window, keys, approved, monkeypatch):
    """A keyboard-wedge reader types the code and Enter into whatever has focus."""
    window.show_screen("intake")
    intake = window.screens["intake"]
    intake.name.edit.setFocus()
    now = [100.0]
    window.scanner.clock = lambda: now[0]
    keys.type("Lê")                                                # a person typing...
    now[0] += 2.0                                                  # ...then the reader, keys ms apart
    opened = []
    window.scanner.scanned.disconnect()
    window.scanner.scanned.connect(opened.append)
    keys.type(approved)
    keys.press(Qt.Key_Return)
    assert opened == [approved]
    assert intake.name.text() == "Lê"                              # the scan was taken back out
    # the same characters typed at a person's pace are just text
    intake.name.edit.clear()
    for ch in approved:
        now[0] += 0.2
        keys.type(ch)
    keys.press(Qt.Key_Return)
    assert opened == [approved]
    assert intake.name.text() == approved


@pytest.mark.parametrize("form", ["tail", "tail_spaced", "lower", "id"])
def test_every_form_search_accepts_finds_the_case(window, keys, approved, form):
    screen = window.screens["delivery"]
    window.show_screen("delivery")
    tail = approved.split("-", 1)[1]                               # 261102-0001
    typed = {"tail": tail, "tail_spaced": " " + tail.replace("-", " - ") + " ", "lower": approved.lower(),
             "id": "001203012345"}[form]
    keys.type(typed, widget=screen.code)
    keys.press(Qt.Key_Return, widget=screen.code)
    keys.idle()
    assert screen.case is not None and screen.case.code == approved, screen.code_message.text()
    assert keys.focused() is screen.rating_buttons["very_satisfied"]


def test_several_matches_narrow_the_waiting_list_and_arrows_choose(window, keys, receive):
    codes = []
    for _ in range(3):
        code = receive(citizen_name="Phạm Thị Hoa", id_number="001203055555").code
        cases.assign_case(actor="mai", code=code, to="hung")
        cases.submit_case(actor="hung", code=code)
        cases.approve_case(actor="thao", code=code)
        codes.append(code)
    other = receive(citizen_name="Lê Văn Tám").code                   # not approved: never a candidate
    screen = window.screens["delivery"]
    window.show_screen("delivery")
    keys.idle()
    keys.type("001203055555", widget=screen.code)
    keys.press(Qt.Key_Return, widget=screen.code)
    keys.idle()
    assert screen.case is None and "3 hồ sơ" in screen.code_message.text()
    model = screen.waiting_model
    assert sorted(model.row_at(r).code for r in range(model.rowCount())) == sorted(codes)
    assert keys.focused() is screen.waiting
    keys.press(Qt.Key_Down, widget=screen.waiting)
    picked = screen.waiting.current_code()
    keys.press(Qt.Key_Return, widget=screen.waiting)
    keys.idle()
    assert screen.case.code == picked and other not in codes
    keys.press(Qt.Key_3)
    keys.press(Qt.Key_Return, Qt.ControlModifier)
    keys.idle()
    assert queries.get_case(picked).state == workflow.DELIVERED
    assert model.total() == 2                                      # the whole list again, less the one


def test_the_waiting_list_is_reached_from_the_keyboard(window, keys, approved):
    screen = window.screens["delivery"]
    window.show_screen("delivery")
    keys.idle()
    assert keys.focused() is screen.code
    keys.press(Qt.Key_Down, widget=screen.code)
    assert keys.focused() is screen.waiting and screen.waiting.current_code() == approved
    keys.press(Qt.Key_Escape, widget=screen.waiting)
    assert keys.focused() is screen.code
    keys.press(Qt.Key_L, Qt.AltModifier, widget=screen.code)
    assert keys.focused() is screen.waiting
    keys.press(Qt.Key_Return, widget=screen.waiting)
    keys.idle()
    assert screen.case.code == approved
