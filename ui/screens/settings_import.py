"""Cài đặt → Nhập sổ cũ: bring an office's Excel ledger into the register.

Choose the file; the panel says which column it took for each field (each one a drop-down the admin can
correct), checks every row on the worker and shows the refused ones first with their sheet line and why,
then the first good ones; "Nhập" writes the good rows in batches with a progress bar.  Nothing is
written before that press, and importing the same file again adds nothing."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QGridLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QMessageBox, QProgressBar, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from casedesk.i18n import _, format_int
from casedesk.ledger_sheet import FIELDS, REQUIRED
from casedesk.services.views import Changes

from ..appctx import AppContext
from ..widgets.case_table import show_error

PREVIEW_ROWS = 300
REFUSED_COLOUR = QColor("#b71c1c")


def _plan(path: str, mapping: dict[str, int] | None):
    """On the worker: read the sheet (once per file) and check every row against the register."""
    from casedesk import ledger_import, ledger_sheet

    sheet = ledger_sheet.read_sheet(path)
    chosen = dict(sheet.mapping if mapping is None else mapping)
    missing = [k for k in REQUIRED if k not in chosen]
    plan = ledger_import.plan_import(sheet, chosen) if not missing else None
    return sheet, chosen, plan


class LedgerImportPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.sheet = None
        self.plan = None
        self.mapping: dict[str, int] = {}
        self._filling = False
        intro = QLabel(_("Nhập sổ theo dõi hồ sơ đang giữ bằng Excel (.xlsx): mẫu 07 hoặc bảng tính riêng của "
                         "bộ phận. Mỗi hồ sơ giữ mã và ngày tháng thật; dòng sai được chỉ rõ và không nhập; "
                         "nhập lại cùng tệp không thêm gì."))
        intro.setWordWrap(True)
        self.choose = QPushButton(_("&Chọn tệp Excel…"))
        self.choose.setToolTip("Ctrl+O")
        self.choose.clicked.connect(self.pick_file)
        QShortcut(QKeySequence("Ctrl+O"), self, activated=self.pick_file)
        self.file_label = QLabel(_("Chưa chọn tệp."))
        self.file_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(self.choose)
        top.addWidget(self.file_label, 1)

        self.columns = QGroupBox(_("Cột của từng trường (sửa nếu đoán sai)"))
        grid = QGridLayout(self.columns)
        self.combos: dict[str, QComboBox] = {}
        for i, (key, label) in enumerate(FIELDS):
            combo = QComboBox()
            combo.setMinimumContentsLength(16)
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.currentIndexChanged.connect(self._mapping_changed)
            name = QLabel(_(label) + (" *" if key in REQUIRED else ""))
            name.setBuddy(combo)
            grid.addWidget(name, i // 3, (i % 3) * 2)
            grid.addWidget(combo, i // 3, (i % 3) * 2 + 1)
            self.combos[key] = combo
        self.columns.setEnabled(False)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([_("Dòng"), _("Kiểm tra"), _("Mã hồ sơ"), _("Người nộp"),
                                              _("Thủ tục"), _("Ngày nhận")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        self.progress = QProgressBar()
        self.progress.hide()
        self.start = QPushButton(_("&Nhập"))
        self.start.setEnabled(False)
        self.start.setToolTip(_("Ctrl+Enter"))
        self.start.clicked.connect(self.run_import)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.run_import)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress, 1)
        bottom.addStretch()
        bottom.addWidget(self.start)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.columns)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    # ---------------------------------------------------------------- choosing and checking
    def pick_file(self) -> None:
        path, _chosen = QFileDialog.getOpenFileName(self, _("Chọn sổ theo dõi bằng Excel"), str(Path.home()),
                                                    _("Tệp Excel (*.xlsx *.xlsm)"))
        if path:
            self.load(path)

    def load(self, path: str, mapping: dict[str, int] | None = None) -> None:
        self.path = path
        self.file_label.setText(path)
        self.start.setEnabled(False)
        self.summary.setText(_("Đang đọc và kiểm tra từng dòng…"))
        self.progress.setRange(0, 0)
        self.progress.show()
        self.ctx.runner.run(lambda: _plan(path, mapping), on_done=self._planned, on_error=self._failed,
                            label=_("Đang đọc sổ cũ…"))

    def _planned(self, result) -> None:
        self.progress.hide()
        self.sheet, self.mapping, self.plan = result
        self._fill_combos()
        self._show_plan()

    def _failed(self, exc: BaseException) -> None:
        self.progress.hide()
        self.summary.setText("")
        show_error(self, exc)

    def _fill_combos(self) -> None:
        self._filling = True
        try:
            for key, combo in self.combos.items():
                combo.clear()
                combo.addItem(_("(không có)"), -1)
                for i in range(len(self.sheet.headers)):
                    combo.addItem(self.sheet.column_label(i), i)
                combo.setCurrentIndex(combo.findData(self.mapping.get(key, -1)))
            self.columns.setEnabled(True)
        finally:
            self._filling = False

    def _mapping_changed(self) -> None:
        if self._filling or self.sheet is None:
            return
        mapping = {key: combo.currentData() for key, combo in self.combos.items() if combo.currentData() not in (None, -1)}
        self.load(self.path, mapping)

    def _show_plan(self) -> None:
        plan = self.plan
        self.table.setRowCount(0)
        if plan is None:
            labels = dict(FIELDS)
            missing = [_(labels[k]) for k in REQUIRED if k not in self.mapping]
            self.summary.setText(_("Chưa biết cột nào là: {fields}. Hãy chọn ở trên.").format(fields=", ".join(missing)))
            return
        self.summary.setText(_("{rows} dòng: {ready} nhập được, {already} đã có trong sổ, {bad} bị từ chối (xem "
                               "lý do từng dòng bên dưới; sửa trong Excel rồi chọn lại tệp).").format(
            rows=format_int(plan.total), ready=format_int(len(plan.rows)), already=format_int(plan.already),
            bad=format_int(len(plan.problems))))
        lines = [(p.line, p.message, None) for p in plan.problems[:PREVIEW_ROWS]]
        lines += [(r.line, _("Nhập được"), r) for r in plan.rows[:max(0, PREVIEW_ROWS - len(lines))]]
        self.table.setRowCount(len(lines))
        for n, (line, status, row) in enumerate(lines):
            cells = [str(line), status]
            if row is not None:
                cells += [row.code or _("(cấp mã mới)"), row.name, row.proc.code,
                          row.received_at.strftime("%d/%m/%Y %H:%M")]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if row is None:
                    item.setForeground(QBrush(REFUSED_COLOUR))
                self.table.setItem(n, c, item)
        self.start.setText(_("&Nhập {n} hồ sơ").format(n=format_int(len(plan.rows))))
        self.start.setEnabled(bool(plan.rows))

    # ---------------------------------------------------------------- importing
    def run_import(self) -> None:
        plan = self.plan
        if plan is None or not plan.rows or not self.start.isEnabled():
            return
        answer = QMessageBox.question(
            self, _("Nhập sổ cũ"),
            _("Nhập {n} hồ sơ từ {file} vào sổ? Các dòng bị từ chối ({bad}) không được nhập.").format(
                n=format_int(len(plan.rows)), file=plan.sheet.path.name, bad=format_int(len(plan.problems))))
        if answer != QMessageBox.Yes:
            return
        from casedesk import ledger_import

        self.start.setEnabled(False)
        self.choose.setEnabled(False)
        self.columns.setEnabled(False)
        self.progress.setRange(0, len(plan.rows))
        self.progress.setValue(0)
        self.progress.show()
        self.ctx.runner.progress.connect(self._progress)
        actor = self.ctx.user.login
        self.ctx.runner.run(lambda report: ledger_import.run_import(plan, actor=actor, progress=report),
                            on_done=self._imported, on_error=self._import_failed,
                            label=_("Đang nhập sổ cũ…"), progress=True)

    def _progress(self, done: int, total: int, _text: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _finish(self) -> None:
        try:
            self.ctx.runner.progress.disconnect(self._progress)
        except (RuntimeError, TypeError):
            pass
        self.progress.hide()
        self.choose.setEnabled(True)
        self.columns.setEnabled(True)

    def _imported(self, result) -> None:
        self._finish()
        self.ctx.notify(Changes(cases=True))
        self.summary.setText(_("Đã nhập {n} hồ sơ ({first} … {last}) trong {s:.1f} giây; {already} đã có sẵn, "
                               "{bad} dòng bị từ chối.").format(
            n=format_int(result.imported), first=result.first_code, last=result.last_code, s=result.seconds,
            already=format_int(result.already), bad=format_int(result.refused)))
        self.plan = None
        self.start.setText(_("&Nhập"))

    def _import_failed(self, exc: BaseException) -> None:
        self._finish()
        self.start.setEnabled(True)
        show_error(self, exc)
