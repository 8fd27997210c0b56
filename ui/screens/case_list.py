"""Tất cả hồ sơ: every case, filtered and sorted in SQL, exported to Excel.

The Excel export lives in the UI on purpose: it is "the list on screen, in a
file" (same columns, same filter, same order), not an official form, so it needs
nothing new in the core; it reads through ``queries.list_cases`` in batches on
the Runner, with progress and Cancel, and writes with openpyxl.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace

import shiboken6
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (QComboBox, QDateEdit, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QToolButton, QVBoxLayout, QWidget)

from casedesk import context, workflow
from casedesk.i18n import N_, _, format_int
from casedesk.services import auth, catalogue, queries
from casedesk.services.queries import CaseFilter
from casedesk.services.views import Changes

from ..appctx import AppContext
from ..models.cases_model import (DUE_SOON, OVERDUE, CasesTableModel, export_name, export_xlsx, urgency_icon)
from ..widgets.case_table import CaseTable, LiveMixin, run_with_progress, show_error, translated
from .base import Screen

OPEN = "open"
PERIODS = (
    ("", N_("Mọi ngày")),
    ("today", N_("Hôm nay")),
    ("week", N_("7 ngày qua")),
    ("month", N_("Tháng này")),
    ("last_month", N_("Tháng trước")),
    ("custom", N_("Khoảng ngày…")),
)


def period_range(kind: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    if kind == "today":
        return today, today
    if kind == "week":
        return today - dt.timedelta(days=6), today
    if kind == "month":
        return today.replace(day=1), today
    if kind == "last_month":
        last = today.replace(day=1) - dt.timedelta(days=1)
        return last.replace(day=1), last
    return None, None


def _qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


def labelled(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


class CaseListScreen(LiveMixin, Screen):
    key = "cases"
    title = translated(N_("Tất cả hồ sơ"))
    roles = ("admin", "clerk", "officer", "vice_chairman")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self._building = True
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Lọc theo mã, tên (gõ không dấu được), CCCD, SĐT"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(300)
        self.state = QComboBox()
        self.state.addItem(_("Đang giải quyết"), OPEN)
        self.state.addItem(_("Mọi trạng thái"), None)
        for state in workflow.STATES:
            self.state.addItem(workflow.state_label(state), state)
        self.field = QComboBox()
        self.field.addItem(_("Mọi lĩnh vực"), None)
        self.field.setMinimumContentsLength(18)
        self.field.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.officer = QComboBox()
        self.officer.addItem(_("Mọi cán bộ"), None)
        self._counts_asked = 0                # newer count requests overtake older answers
        self._when_loaded = None              # Enter in the search box: what to do with the new rows
        self.period = QComboBox()
        for kind, text in PERIODS:
            self.period.addItem(_(text), kind)
        today = context.today()
        self.date_from = QDateEdit(_qdate(today.replace(day=1)))
        self.date_to = QDateEdit(_qdate(today))
        for edit in (self.date_from, self.date_to):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
            edit.setEnabled(False)
        self.overdue = QToolButton()
        self.overdue.setCheckable(True)
        self.overdue.setIcon(urgency_icon(OVERDUE))
        self.overdue.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.due_soon = QToolButton()
        self.due_soon.setCheckable(True)
        self.due_soon.setIcon(urgency_icon(DUE_SOON))
        self.due_soon.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.count = QLabel()
        self.count.setMinimumWidth(110)
        self.count.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.export = QPushButton(_("Xuất &Excel…"))
        self.export.setToolTip(_("Ghi mọi hồ sơ của danh sách đang lọc ra một tệp Excel"))

        self.model = CasesTableModel(self._filter(), order="due_date", runner=self.ctx.runner)
        self.table = CaseTable(self.model)

        top = QHBoxLayout()
        top.addWidget(labelled(_("&Tìm:"), self.search))
        top.addWidget(self.search, 3)
        top.addWidget(labelled(_("T&rạng thái:"), self.state))
        top.addWidget(self.state, 1)
        top.addWidget(labelled(_("&Lĩnh vực:"), self.field))
        top.addWidget(self.field, 2)
        top.addWidget(labelled(_("Cán &bộ:"), self.officer))
        top.addWidget(self.officer, 1)
        second = QHBoxLayout()
        second.addWidget(labelled(_("&Ngày nhận:"), self.period))
        second.addWidget(self.period)
        second.addWidget(self.date_from)
        second.addWidget(QLabel("–"))
        second.addWidget(self.date_to)
        second.addSpacing(16)
        second.addWidget(self.overdue)
        second.addWidget(self.due_soon)
        second.addStretch(1)
        second.addWidget(self.count)
        second.addWidget(self.export)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(self.table, 1)
        for first, then in ((self.search, self.state), (self.state, self.field), (self.field, self.officer),
                            (self.officer, self.period), (self.period, self.date_from),
                            (self.date_from, self.date_to), (self.date_to, self.overdue),
                            (self.overdue, self.due_soon), (self.due_soon, self.export),
                            (self.export, self.table)):
            QWidget.setTabOrder(first, then)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._search_enter)
        for combo in (self.state, self.field, self.officer):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.period.currentIndexChanged.connect(self._period_changed)
        self.date_from.dateChanged.connect(self.apply_filter)
        self.date_to.dateChanged.connect(self.apply_filter)
        self.overdue.toggled.connect(lambda on: self._toggle(self.overdue, self.due_soon, on))
        self.due_soon.toggled.connect(lambda on: self._toggle(self.due_soon, self.overdue, on))
        self.export.clicked.connect(self.export_excel)
        self.table.open_requested.connect(self.ctx.signals.open_case.emit)
        self.model.totalChanged.connect(self._show_count)
        self.model.modelReset.connect(self._rows_arrived)
        self._building = False
        self._update_counts(self._base_filter())
        self._show_count(self.model.total())
        self._load_choices()

    # -------------------------------------------------- filters
    def _load_choices(self, *, fields: bool = True) -> None:
        """The fields and officers of the filter boxes, read on the runner."""
        def read():
            return (catalogue.fields() if fields else None), auth.list_users()

        self.ctx.runner.run(read, on_done=lambda got: self._fill_choices(*got), on_error=lambda _e: None)

    def _fill_choices(self, fields, users) -> None:
        if fields is not None:
            self._refill(self.field, _("Mọi lĩnh vực"), [(name, code) for code, name in fields])
        officers = [(u.full_name if u.active else _("{name} (đã khóa)").format(name=u.full_name), u.login)
                    for u in users if u.role == "officer"]
        self._refill(self.officer, _("Mọi cán bộ"), officers)

    def _refill(self, combo: QComboBox, everyone: str, items) -> None:
        """New items, the same choice kept (no filter change is announced)."""
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everyone, None)
        for text, data in items:
            combo.addItem(text, data)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def _base_filter(self) -> CaseFilter:
        state = self.state.currentData()
        kind = self.period.currentData()
        if kind == "custom":
            start, end = _pydate(self.date_from.date()), _pydate(self.date_to.date())
        else:
            start, end = period_range(kind, context.today())
        return CaseFilter(
            state=None if state in (None, OPEN) else state,
            states=workflow.OPEN_STATES if state == OPEN else (),
            field=self.field.currentData(), assignee=self.officer.currentData(),
            received_from=start, received_to=end, query=self.search.text().strip())

    def _filter(self) -> CaseFilter:
        base = self._base_filter()
        return replace(base, overdue=self.overdue.isChecked(),
                       due_within=1 if self.due_soon.isChecked() else None)

    def apply_filter(self) -> None:
        if self._building:
            return
        self._debounce.stop()
        base = self._base_filter()
        self.model.set_filter(self._filter())
        self._update_counts(base)

    def _update_counts(self, base: CaseFilter) -> None:
        self._counts_asked += 1
        asked = self._counts_asked

        def read() -> tuple[int, int]:
            return queries.count_cases(replace(base, overdue=True)), queries.count_cases(replace(base, due_within=1))

        def done(counts: tuple[int, int]) -> None:
            if asked == self._counts_asked and shiboken6.isValid(self):
                self._show_counts(*counts)

        self.ctx.runner.run(read, on_done=done, on_error=lambda _e: None)

    def _show_counts(self, overdue: int, soon: int) -> None:
        self.overdue.setText(_("Quá hạn ({n})").format(n=format_int(overdue)))
        self.due_soon.setText(_("Sắp đến hạn ({n})").format(n=format_int(soon)))
        self.overdue.setToolTip(_("Chỉ hồ sơ đã quá hẹn trả mà chưa giải quyết"))
        self.due_soon.setToolTip(_("Chỉ hồ sơ đến hạn trong hôm nay hoặc ngày làm việc kế tiếp"))

    def _toggle(self, button: QToolButton, other: QToolButton, on: bool) -> None:
        if on and other.isChecked():
            other.blockSignals(True)
            other.setChecked(False)
            other.blockSignals(False)
        self.apply_filter()

    def _period_changed(self) -> None:
        custom = self.period.currentData() == "custom"
        self.date_from.setEnabled(custom)
        self.date_to.setEnabled(custom)
        self.apply_filter()

    def _show_count(self, total: int) -> None:
        self.count.setText(_("{n} hồ sơ").format(n=format_int(total)))

    def _search_enter(self) -> None:
        self._when_loaded = self._open_the_one
        self.apply_filter()

    def _rows_arrived(self) -> None:
        then, self._when_loaded = self._when_loaded, None
        if then is not None:
            then()

    def _open_the_one(self) -> None:
        if self.model.total() == 1:
            self.ctx.signals.open_case.emit(self.model.row_at(0).code)
        elif self.model.rowCount():
            self.table.setFocus()
            self.table.select_first()

    # -------------------------------------------------- export
    def export_excel(self) -> None:
        case_filter = self.model.case_filter
        order, descending = self.model.order
        suggested = os.path.join(os.path.expanduser("~"), export_name(_("ho-so"), context.today()))
        path, _chosen = QFileDialog.getSaveFileName(self, _("Xuất danh sách ra Excel"), suggested,
                                                    _("Tệp Excel (*.xlsx)"))
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        self.export.setEnabled(False)

        def done(count: int) -> None:
            self.export.setEnabled(True)
            self.ctx.signals.status.emit(_("Đã xuất {n} hồ sơ ra {path}").format(n=format_int(count), path=path))

        def failed(exc: BaseException) -> None:
            self.export.setEnabled(True)
            show_error(self, exc)

        handle = run_with_progress(
            self, self.ctx.runner,
            lambda report: export_xlsx(path, case_filter, order=order, descending=descending, report=report),
            label=_("Xuất Excel"), on_done=done, on_error=failed)
        self._export_handle = handle
        # a cancelled export reports nothing: give the button back when the runner is idle
        self.ctx.runner.busy_changed.connect(self._export_idle)

    def _export_idle(self, busy: bool, _label: str) -> None:
        if not busy:
            self.export.setEnabled(True)
            self.ctx.runner.busy_changed.disconnect(self._export_idle)

    # -------------------------------------------------- screen protocol
    def activate(self) -> None:
        self.refresh_if_stale()
        self.search.setFocus()
        self.search.selectAll()

    def reload(self) -> None:
        self.model.refresh()
        self._update_counts(self._base_filter())

    def on_changed(self, changes: Changes) -> None:
        if changes.users or changes.procedures:
            self._load_choices(fields=bool(changes.procedures))
        if changes.cases or changes.calendar:
            self.mark_stale()
