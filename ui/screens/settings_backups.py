"""Cài đặt → Sao lưu: the list of this register's backups, each one's check, "back up now" and
"check every copy again" (reads run on the worker).  A part of ``SettingsScreen``, kept apart because
the backups are one idea and the screen's other tabs another."""
from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView,
                               QVBoxLayout, QWidget)

from casedesk.i18n import N_, _, short_datetime

from .. import errors as ui_errors
from ..models.rows_model import Column, RowsModel
from ..widgets.case_table import show_error

PROBLEM_COLOUR = "#b71c1c"


def backup_check_text(b, read_back: bool = True) -> str:
    """The "Kiểm tra" cell: good (read back now, or when it was written), or what is wrong with
    the copy (never just a cross)."""
    if b.verified:
        return _("✓ Đọc lại tốt") if read_back else _("✓ Tốt lúc sao lưu")
    return _("✗ {why}").format(why=b.problem) if b.problem else _("✗ Không đọc lại được")


def backup_problem_line(b) -> str:
    return _("{name}: {why}").format(name=b.path.name, why=b.problem or _("không đọc lại được."))


def table_view(model, *, stretch: int = 1) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.setSelectionMode(QAbstractItemView.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    view.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.Stretch)
    return view


def buttons_row(*buttons) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row



class BackupsTab:
    """The backups tab of ``SettingsScreen`` (which gives ``ctx``, ``backup`` and ``_run``)."""

    @staticmethod
    def _backup_module():
        try:
            from casedesk import backup
        except ImportError:
            return None
        return backup if hasattr(backup, "backup_now") and hasattr(backup, "list_backups") else None

    def _backups_tab(self) -> QWidget:
        tab = QWidget()
        self._failed_copies = []
        self._read_back: set = set()          # copies read back and found sound while this screen is open
        self.backups = RowsModel([
            Column(N_("Lúc"), get=lambda b: short_datetime(b.created_at)),
            Column(N_("Tệp"), get=lambda b: b.path.name),
            Column(N_("Dung lượng"), get=lambda b: _("{n} MB").format(n=f"{b.size / 1_048_576:.1f}")),
            Column(N_("Hồ sơ"), get=lambda b: str(b.cases)),
            Column(N_("Kiểm tra"), get=lambda b: backup_check_text(b, b.path in self._read_back),
                   tooltip=lambda b: b.problem if not b.verified else None if b.path in self._read_back else _(
                       "Đã kiểm tra khi tạo bản sao. Bấm “Kiểm tra lại các bản sao lưu” để đọc lại từng bản."),
                   colour=lambda b: None if b.verified else PROBLEM_COLOUR),
        ])
        self.backups_view = table_view(self.backups, stretch=4)     # a long problem is cut, shown in full below
        now = QPushButton(_("&Sao lưu ngay"))
        self.verify_button = QPushButton(_("&Kiểm tra lại các bản sao lưu"))
        self.verify_button.setToolTip(_("Đọc lại từng bản: tệp còn nguyên vẹn, đúng phiên bản, "
                                        "chuỗi nhật ký không bị sửa. Có thể mất vài phút."))
        folder = QPushButton(_("Mở &thư mục sao lưu"))
        now.clicked.connect(self.back_up_now)
        self.verify_button.clicked.connect(self.verify_backups)
        folder.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.backup.backup_dir()))))
        self.backup_problems = QLabel()
        self.backup_problems.setWordWrap(True)
        self.backup_problems.setTextFormat(Qt.PlainText)
        self.backup_problems.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.backup_problems.setStyleSheet(f"color:{PROBLEM_COLOUR}")
        self.backup_problems.hide()
        self.backup_note = QLabel()
        self.backup_note.setStyleSheet("color:#555")
        box = QVBoxLayout(tab)
        box.addLayout(buttons_row(now, self.verify_button, folder))
        box.addWidget(self.backups_view, 1)
        box.addWidget(self.backup_problems)
        box.addWidget(self.backup_note)
        self.load_backups()
        return tab

    def load_backups(self, *, verify: bool = False) -> None:
        """The list of backups; ``verify`` reads every file again (on the worker: minutes for a big office)."""
        backup = self.backup

        def failed(exc) -> None:
            self.verify_button.setEnabled(True)
            show_error(self, exc)

        def done(items) -> None:
            if verify:
                self._read_back = {b.path for b in items if b.verified}
            self._backups_loaded(items)

        label = _("Đang kiểm tra các bản sao lưu…") if verify else _("Đang đọc danh sách sao lưu…")
        self.ctx.runner.run(lambda: backup.list_backups(verify=verify), on_done=done, on_error=failed, label=label)

    def verify_backups(self) -> None:
        self.verify_button.setEnabled(False)
        self.backup_note.setText(_("Đang kiểm tra các bản sao lưu…"))
        self.load_backups(verify=True)

    def _backups_loaded(self, items) -> None:
        # a copy made here that failed its checks is not a backup (the list leaves it out): keep it in view
        listed = {b.path for b in items}
        items = [b for b in self._failed_copies if b.path not in listed and b.path.exists()] + list(items)
        self.verify_button.setEnabled(True)
        self.backups.set_rows(items)
        bad = [b for b in items if not b.verified]
        self.backup_problems.setText("\n".join(backup_problem_line(b) for b in bad))
        self.backup_problems.setVisible(bool(bad))
        self.backup_note.setText(_("{n} bản sao lưu trong {path}").format(n=len(items),
                                                                       path=str(self.backup.backup_dir())))

    def back_up_now(self) -> None:
        backup = self.backup

        def done(info) -> None:
            if info.verified:
                self._read_back.add(info.path)           # backup_now reads every copy back before naming it
                self.ctx.signals.status.emit(_("Đã sao lưu: {name}").format(name=info.path.name))
                self.load_backups()
                return
            self.ctx.signals.status.emit(_("Bản sao lưu vừa tạo không đọc lại được."))
            self._failed_copies.append(info)
            self.load_backups()
            ui_errors.show_message(self, _("Sao lưu chưa dùng được"), _(
                "Bản sao {name} không đọc lại được nên chưa được coi là bản sao lưu; các bản cũ vẫn giữ "
                "nguyên.\n\n{why}\n\nCơ sở dữ liệu đang dùng có thể bị hỏng: hãy chạy “casedesk-cli check” "
                "hoặc gọi người hỗ trợ.").format(name=info.path.name, why=info.problem or _("Không rõ lý do.")))

        self._run(lambda: backup.backup_now(), done, _("Đang sao lưu…"))
