"""F8 on the intake screen: the clerk refuses the dossier with what was typed; form 03 opens in
preview; nothing is received.  A document with no signer shows the sentence that names the setting."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from casedesk.models import Case, IntakeRefusal
from ui.screens.intake import IntakeScreen
from ui.widgets import action_dialogs

NAME = "Nguyễn Thị Ánh Tuyết"


def test_f8_refuses_at_the_counter_with_what_was_typed(open_window, keys, no_dialogs, monkeypatch, tmp_path):
    asked = []

    def answer(dialog):            # the clerk types the reason and confirms (the real submit, on the runner)
        asked.append(dialog.windowTitle())
        dialog.note.setPlainText("Đăng ký thường trú thuộc thẩm quyền Công an xã")
        dialog.submit()
        keys.idle()
        return QDialog.Accepted if dialog.result_value is not None else QDialog.Rejected

    monkeypatch.setattr(action_dialogs.ReasonDialog, "exec", answer)
    win = open_window("mai", {"intake": IntakeScreen})
    keys.press(Qt.Key_F2, widget=win)
    screen = win.screens["intake"]
    keys.press(Qt.Key_F8)                      # nothing chosen yet: a sentence at the procedure, no dialog
    keys.idle()
    assert asked == [] and screen.picker.info.text() == "Chưa chọn thủ tục."
    keys.type("dang ky khai sinh")
    keys.press(Qt.Key_Return)
    keys.idle()
    screen.name.edit.setFocus()
    keys.type(NAME)
    screen.id_number.edit.setFocus()
    keys.type("001203012345")
    screen.grab().save(str(tmp_path / "intake.png"))
    keys.press(Qt.Key_F8)
    keys.idle()
    assert asked == ["Từ chối tiếp nhận hồ sơ (mẫu 03)"]
    refusal = IntakeRefusal.get()
    assert (refusal.citizen_name, refusal.id_number) == (NAME, "001203012345")
    assert Case.select().count() == 0
    (args, _kw), = no_dialogs["previews"].calls            # form 03 in print preview
    assert args[1].startswith(b"%PDF") and refusal.code in args[2]
    assert screen.name.text() == "" and no_dialogs["messages"].calls == []


def test_withdraw_dialog_records_a_refund_only_when_ticked(qtbot, make_ctx, keys, receive):
    from casedesk.services import cases
    from casedesk.models import Event

    ctx = make_ctx("mai")
    paid = receive(procedure="CT-04", fee=20000).code
    dialog = action_dialogs.WithdrawDialog(None, ctx.runner, title="Rút", intro="", ok_text="Rút", fee_text="20.000 đ",
                                           action=lambda v: cases.withdraw_case(actor="mai", code=paid, **v))
    qtbot.addWidget(dialog)
    assert "20.000 đ" in dialog.refund.text() and not dialog.refund.isChecked()
    dialog.refund.setChecked(True)
    dialog.submit()
    keys.idle()
    assert dialog.result_value is not None
    assert Event.select().where(Event.action == "withdraw").get().changes["refund"] == 20000
