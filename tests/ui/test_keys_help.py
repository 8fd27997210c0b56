"""F1: the keys table starts at the top of its dialog, which is as tall as the table, in Vietnamese."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from ui.widgets.keys_help import KeysDialog


def test_no_blank_band_and_the_close_button_is_vietnamese(qtbot, qapp):
    dialog = KeysDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    label = dialog.findChild(QLabel)
    assert label.alignment() & Qt.AlignTop
    spare = label.height() - label.sizeHint().height()
    assert spare <= 12, spare                                    # the table fills its box: no empty band
    assert dialog.height() <= 660                                # fits a 1366x768 screen
    close = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Close)
    assert close.text() == "Đóng"
    assert "Ctrl+Z" in label.text() and "Alt+L" in label.text()
