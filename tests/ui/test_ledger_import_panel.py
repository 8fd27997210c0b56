"""Cài đặt → Nhập sổ cũ driven as an admin would: a sheet chosen, its columns shown and one corrected,
refused rows listed first with their line, the import run with its progress, a second run adding nothing."""
from __future__ import annotations

import datetime as dt

from openpyxl import Workbook
from PySide6.QtCore import Qt

from casedesk.models import Case
from ui.screens.settings import SettingsScreen



def idle(qtbot, runner, timeout: int = 5000) -> None:
    qtbot.waitUntil(lambda: runner.pending() == 0, timeout=timeout)
    qtbot.wait(50)


def _sheet(path):
    book = Workbook()
    ws = book.active
    ws.append(["Sổ tiếp nhận năm 2026"])
    ws.append(["STT", "Người", "Thủ tục", "Ngày nhận", "Số CCCD", "SĐT", "Địa chỉ", "Ngày trả", "Kết quả"])
    ws.append([1, "Phạm Văn Cường", "HT-09", dt.datetime(2026, 9, 3, 10, 0), "001203012345", "0912345678",
               "Thôn Nam", dt.datetime(2026, 9, 10, 9, 0), "Đã giải quyết"])
    ws.append([2, "Đỗ Thị Hoa", "HT-09", "04/09/2026 08:30", None, None, "Thôn Bắc", None, None])
    ws.append([3, "Lý Văn Tư", "không có thủ tục này", "05/09/2026", None, None, "Thôn Bắc", None, None])
    book.save(path)
    return path


def test_an_admin_imports_a_sheet_from_settings(qtbot, make_ctx, tmp_path):
    ctx = make_ctx("admin")
    screen = SettingsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    screen.show()
    panel = screen.ledger_import
    screen.tabs.setCurrentWidget(panel)
    panel.load(str(_sheet(tmp_path / "so.xlsx")))
    idle(qtbot, ctx.runner, 15000)
    assert panel.plan is None                                 # "Người" is not a header it knows
    assert "Họ tên người nộp" in panel.summary.text()
    assert not panel.start.isEnabled()
    combo = panel.combos["name"]
    combo.setCurrentIndex(combo.findData(1))                  # column B
    idle(qtbot, ctx.runner, 15000)
    assert panel.plan is not None and len(panel.plan.rows) == 2 and len(panel.plan.problems) == 1
    first = panel.table.item(0, 0).text(), panel.table.item(0, 1).text()
    assert first[0] == "5" and "Không tìm thấy thủ tục" in first[1]      # refused rows first, by sheet line
    assert panel.start.isEnabled() and "2" in panel.start.text()
    qtbot.keyClick(panel, Qt.Key_Return, Qt.ControlModifier)
    idle(qtbot, ctx.runner, 15000)
    assert Case.select().count() == 2
    assert Case.get(Case.citizen_name == "Phạm Văn Cường").state == "delivered"
    assert "Đã nhập 2 hồ sơ" in panel.summary.text()
    panel.load(panel.path, dict(panel.mapping))
    idle(qtbot, ctx.runner, 15000)
    assert panel.plan.already == 2 and not panel.start.isEnabled()
