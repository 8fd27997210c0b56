"""The case window shows exactly the actions the core allows this user now, the timeline with
late entries marked, and runs an action through the runner."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from casedesk import workflow
from casedesk.services import cases, queries
from ui.screens.case_detail import CaseDetailDialog, CaseDetailPanel
from ui.widgets.action_dialogs import ReasonDialog


@pytest.fixture
def assigned(receive, clock):
    case = receive()
    clock.advance(hours=2)
    cases.assign_case(actor="mai", code=case.code, to="hung", at=dt.datetime(2026, 11, 2, 9, 30))
    return case.code


def open_panel(qtbot, make_ctx, keys, login, code) -> CaseDetailPanel:
    panel = CaseDetailPanel(make_ctx(login))
    qtbot.addWidget(panel)
    panel.show()
    panel.load(code)
    keys.idle()
    assert panel.case is not None and panel.case.code == code
    return panel


def test_an_officer_not_assigned_sees_no_submit(qtbot, make_ctx, keys, assigned):
    panel = open_panel(qtbot, make_ctx, keys, "duong", assigned)
    assert "submit" not in panel.action_buttons
    assert panel.action_buttons == {}
    assert panel.no_actions.isVisibleTo(panel)


def test_the_assigned_officer_sees_his_actions_and_nothing_else(qtbot, make_ctx, keys, assigned):
    panel = open_panel(qtbot, make_ctx, keys, "hung", assigned)
    # HT-09 allows a verification extension (up to 10 working days in all): its button shows too
    assert list(panel.action_buttons) == ["request_supplement", "submit", "extend", "verify_extend"]
    assert "approve" not in panel.action_buttons            # a vice-chairman's action is simply absent
    assert "Ctrl+Enter" in panel.action_buttons["submit"].text()
    assert panel.action_buttons["submit"].isVisibleTo(panel)


@pytest.mark.parametrize("login", ["mai", "thao", "admin"])
def test_buttons_are_exactly_the_core_allowed_actions(qtbot, make_ctx, keys, assigned, login):
    panel = open_panel(qtbot, make_ctx, keys, login, assigned)
    expected = queries.allowed_actions(queries.get_case(assigned), login=login)
    assert list(panel.action_buttons) == expected
    labels = [b.text().split("  ")[0] for b in panel.action_buttons.values()]
    assert labels == [workflow.label(a) for a in expected]


def test_header_timeline_and_late_entry(qtbot, make_ctx, keys, assigned):
    panel = open_panel(qtbot, make_ctx, keys, "hung", assigned)
    assert panel.code_label.text() == assigned
    assert panel.state_badge.text() == "Đang xử lý"
    assert "Lê Văn Hùng" in panel.assignee_label.text()
    assert "Hẹn trả" in panel.due_label.text()
    assert panel.why.text()                                  # the due date explains itself
    timeline = panel.timeline.toPlainText()
    assert "Trần Thị Mai" in timeline and "Chuyển xử lý" in timeline
    assert "nhập bù" in timeline                             # assigned at 09:30, recorded at 11:00


def test_submit_from_the_window_with_ctrl_enter(qtbot, make_ctx, keys, assigned):
    panel = open_panel(qtbot, make_ctx, keys, "hung", assigned)
    seen = []
    panel.ctx.signals.changed.connect(seen.append)
    panel.action_buttons["submit"].setFocus()
    keys.press(Qt.Key_Return, Qt.ControlModifier, widget=panel.action_buttons["submit"])
    keys.idle()
    assert queries.get_case(assigned).state == workflow.AWAITING
    assert seen and seen[0].case_code == assigned
    keys.idle()
    assert panel.case.state == workflow.AWAITING
    assert "submit" not in panel.action_buttons              # the bar follows the new state


def test_a_reason_is_required_before_asking_the_core(qtbot, make_ctx, keys, receive):
    ctx = make_ctx("thao")
    called = []
    dialog = ReasonDialog(None, ctx.runner, title="Trả lại", intro="", ok_text="Trả lại", required=True,
                          action=lambda values: called.append(values))
    qtbot.addWidget(dialog)
    dialog.submit()
    keys.idle()
    assert called == []
    assert dialog.messages["note"].text() == "Phải ghi lý do."
    dialog.note.setPlainText("Thiếu ý kiến thẩm định")
    dialog.submit()
    keys.idle()
    assert called == [{"note": "Thiếu ý kiến thẩm định"}]


def test_a_refused_reason_keeps_the_text_in_the_dialog(qtbot, make_ctx, keys, assigned):
    ctx = make_ctx("hung")
    dialog = ReasonDialog(None, ctx.runner, title="x", intro="", ok_text="x", required=False,
                          action=lambda values: cases.extend_case(actor="hung", code=assigned, to_date="",
                                                                  note=values["note"]))
    qtbot.addWidget(dialog)
    dialog.note.setPlainText("Chờ xác minh của Công an xã")
    dialog.submit()
    keys.idle()
    assert dialog.result() == 0                              # still open
    assert "Phải ghi ngày hẹn mới" in dialog.general.text()
    assert dialog.note.toPlainText() == "Chờ xác minh của Công an xã"


def test_opening_an_unknown_code_shows_the_message_not_the_window(qtbot, make_ctx, keys, no_dialogs, db):
    dialog = CaseDetailDialog(make_ctx("mai"))
    qtbot.addWidget(dialog)
    dialog.open_code("000.00.31.H26-261102-9999")
    keys.idle()
    assert not dialog.isVisible()
    (args, _kw), = no_dialogs["messages"].calls
    assert "Không tìm thấy hồ sơ" in args[2]


def test_the_search_box_opens_an_exact_code_and_lists_names(open_window, keys, assigned, receive):
    receive(citizen_name="Trần Thị Đào")
    window = open_window("mai", {})
    keys.press(Qt.Key_F3, widget=window)
    assert keys.focused() is window.search
    keys.type("tran thi dao")                                # no accents
    keys.press(Qt.Key_Return)
    keys.idle()
    assert window.case_detail().panel.case.citizen_name == "Trần Thị Đào"   # the only match opens
    window.search.setFocus()
    keys.type(assigned.lower())
    keys.press(Qt.Key_Return)
    keys.idle()
    assert window.case_detail().panel.case.code == assigned
    assert window.case_detail().isVisible()
    window.shutdown()


def test_documents_print_as_a4_pages(qtbot, receive, qapp, tmp_path, runner):
    from PySide6.QtPrintSupport import QPrinter

    from ui import printing
    from ui.widgets import documents

    if not documents.ready():
        pytest.skip("casedesk.documents.build is not in this build")
    code = receive().code
    pdf = runner.call(lambda: documents.render("receipt", code))
    rendered = printing.rasterise(pdf)
    assert rendered.page_count == 2                          # Liên 1 and Liên 2
    printer = QPrinter(QPrinter.HighResolution)
    printer.setOutputFormat(QPrinter.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    printing._setup_printer(printer, rendered, "x")
    printing.paint_pages(printer, rendered)
    import pypdfium2

    doc = pypdfium2.PdfDocument(out.read_bytes())
    assert len(doc) == 2
    width, height = doc[0].get_size()
    assert round(width) == 595 and round(height) == 842


def test_the_clerk_assigns_from_the_case_window(qtbot, make_ctx, keys, receive):
    """Chuyển xử lý: the dialog proposes an officer of the procedure's field, Enter assigns."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui.widgets.action_dialogs import AssignDialog

    code = receive(procedure="HT-09").code
    panel = open_panel(qtbot, make_ctx, keys, "mai", code)
    assert "assign" in panel.action_buttons
    seen = {}

    def answer():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, AssignDialog):
            QTimer.singleShot(50, answer)
            return
        seen["proposed"] = dialog.officer.currentData()
        seen["choices"] = [dialog.officer.itemText(i) for i in range(dialog.officer.count())]
        dialog.note.setPlainText("Giao anh Hùng xử lý")
        keys.press(Qt.Key_Return, Qt.ControlModifier, widget=dialog)

    QTimer.singleShot(0, answer)
    panel.action_buttons["assign"].click()
    keys.idle()
    assert seen["proposed"] == "hung"                          # Hộ tịch is his field
    assert len(seen["choices"]) == 1 and "Nguyễn Văn Đường" not in seen["choices"][0]   # not his field
    assert "0 hồ sơ lĩnh vực này" in seen["choices"][0]
    case = queries.get_case(code)
    assert (case.state, case.assignee) == (workflow.ASSIGNED, "hung")
    assert case.history[-1].note == "Giao anh Hùng xử lý"
    assert "Lê Văn Hùng" in panel.assignee_label.text()


def test_a_long_refusal_in_the_assign_dialog_is_shown_whole(qtbot, db, runner):
    """The core's refusal wraps onto several lines and pushes the note box down instead of overlapping it."""
    from ui.widgets.action_dialogs import AssignDialog
    from casedesk.services.assignment import OfficerLoad

    dialog = AssignDialog(None, runner, officers=[OfficerLoad("hung", "Lê Văn Hùng", 1, 2)], field_name="Hộ tịch",
                          current=None, action=lambda v: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    before = dialog.height()
    dialog.mark("to", "Lê Văn Hùng không phụ trách lĩnh vực của hồ sơ này; hãy chọn một công chức khác "
                      "được giao lĩnh vực Hộ tịch hoặc nhờ quản trị giao thêm lĩnh vực cho cán bộ này. " * 2)
    qtbot.wait(50)
    label = dialog.messages["to"]
    assert label.height() >= label.heightForWidth(label.width())          # not clipped
    top_of_note = dialog.note.mapTo(dialog, dialog.note.rect().topLeft()).y()
    bottom_of_label = label.mapTo(dialog, label.rect().bottomLeft()).y()
    assert bottom_of_label < top_of_note                                   # not over the note box
    assert dialog.height() >= before
