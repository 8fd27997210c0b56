"""Pieces the case lists share: the table view over ``CasesTableModel``, the case
preview pane, the progress dialog for long tasks, and the "refresh when shown" habit."""
from __future__ import annotations

import html

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QProgressDialog, QTableView, QTextBrowser, QWidget

from casedesk import workflow
from casedesk.i18n import _, format_money, short_date, short_datetime
from casedesk.services.views import CaseView

from ..errors import show_error  # noqa: F401 - the one error dialog, re-exported for the list screens
from ..models.cases_model import COL, CODE_ROLE, COLUMNS, CasesTableModel


class CaseTable(QTableView):
    """A sortable, lazily filled table of cases; Enter or double-click asks to open the case."""

    open_requested = Signal(str)

    def __init__(self, model: CasesTableModel, parent: QWidget | None = None, *, hidden: tuple[str, ...] = (),
                 multi: bool = False, select_first: bool = False):
        super().__init__(parent)
        self.setModel(model)
        self._select_first = select_first       # the first load puts the cursor on the first row
        self._first_next = False                # the next load does (a new view was chosen)
        # "these rows may be out of date": over the bottom of the rows while the register can't be read
        self.stale_note = QLabel(self.viewport())
        self.stale_note.setObjectName("staleNote")
        self.stale_note.setWordWrap(True)
        self.stale_note.setStyleSheet("QLabel#staleNote { background:#fff3cd; color:#5c3b00; "
                                      "border:1px solid #e0c36a; padding:4px 8px; }")
        self.stale_note.hide()
        model.staleChanged.connect(self._stale_changed)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.ExtendedSelection if multi else QAbstractItemView.SingleSelection)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setAlternatingRowColors(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.ElideRight)
        self.setTabKeyNavigation(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(QFontMetrics(self.font()).height() + 10)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(False)
        header.setSortIndicatorShown(True)
        order, descending = model.order
        column = next((i for i, c in enumerate(COLUMNS) if c[2] == order), COL["due"])
        header.setSortIndicator(column, Qt.DescendingOrder if descending else Qt.AscendingOrder)
        self.setSortingEnabled(True)
        fm = QFontMetrics(self.font())
        widths = {"code": fm.horizontalAdvance("000.00.31.H26-261023-0007") + 14,
                  "citizen": fm.horizontalAdvance("Nguyễn Thị Thanh Hương") + 20,
                  "received": fm.horizontalAdvance("00/00/0000") + 20,
                  "due": fm.horizontalAdvance("00/00/0000") + 20,
                  "left": max(fm.horizontalAdvance(_("Hạn hôm nay")),
                              fm.horizontalAdvance(_("Quá {n} ngày").format(n=9999))) + 44,
                  "assignee": fm.horizontalAdvance("Đường, Nguyễn Văn") + 16,      # as shown when sorted by it
                  "state": fm.horizontalAdvance("Đã phê duyệt, chờ trả") + 16}
        for key, width in widths.items():
            self.setColumnWidth(COL[key], width)
        header.setSectionResizeMode(COL["procedure"], QHeaderView.Stretch)
        header.setMinimumSectionSize(40)
        for key in hidden:
            self.setColumnHidden(COL[key], True)
        self.activated.connect(self._activated)
        model.modelReset.connect(self._after_reset)
        self._keep: str | None = None
        self._keep_row = -1
        model.modelAboutToBeReset.connect(self._before_reset)

    # Enter on the table opens the case; on some platforms 'activated' comes only from a click
    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and not event.modifiers() & Qt.ControlModifier:
            code = self.current_code()
            if code:
                self.open_requested.emit(code)
                event.accept()
                return
        super().keyPressEvent(event)

    def _activated(self, index: QModelIndex) -> None:
        code = index.data(CODE_ROLE)
        if code and not self.signalsBlocked():
            self.open_requested.emit(code)

    def mouseDoubleClickEvent(self, event) -> None:
        index = self.indexAt(event.position().toPoint())
        if index.isValid():
            self.open_requested.emit(index.data(CODE_ROLE))
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def current_code(self) -> str | None:
        index = self.currentIndex()
        if not index.isValid() and self.selectionModel() and self.selectionModel().selectedRows():
            index = self.selectionModel().selectedRows()[0]
        return index.data(CODE_ROLE) if index.isValid() else None

    def selected_codes(self) -> list[str]:
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        if not rows and self.currentIndex().isValid():
            rows = [self.currentIndex().row()]
        return [self.model().index(r, 0).data(CODE_ROLE) for r in rows]

    def select_first(self) -> None:
        if self.model().rowCount():
            self.select_row(0)

    def select_first_when_loaded(self) -> None:
        """Put the cursor on the first row of the rows the model is reading now (on the runner)."""
        self._first_next = True

    def select_row(self, row: int) -> None:
        index = self.model().index(row, 0)
        self.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        self.scrollTo(index)

    def _before_reset(self) -> None:
        self._keep = self.current_code()
        self._keep_row = self.currentIndex().row()

    def _after_reset(self) -> None:
        """After a refresh keep the same case selected, or the row where it was."""
        model: CasesTableModel = self.model()
        first, self._first_next = self._first_next, False
        if not model.rowCount():
            return
        row = model.row_of(self._keep) if self._keep else -1
        if row < 0 and self._keep is not None and self._keep_row >= 0:
            row = min(self._keep_row, model.rowCount() - 1)
        if first or row < 0 and self._keep is None and self._select_first:
            row = 0
        if row >= 0:                       # the view's own reset ran first (connected in setModel)
            self.select_row(row)

    def _stale_changed(self, stale: bool) -> None:
        model: CasesTableModel = self.model()
        if stale:
            when = model.loaded_at.strftime("%H:%M") if model.loaded_at else "—"
            self.stale_note.setText(_("Danh sách có thể đã cũ (đọc lần cuối lúc {time}): chưa đọc lại được dữ "
                                      "liệu. Danh sách tự cập nhật khi kết nối trở lại.").format(time=when))
            self._place_note()
        self.stale_note.setVisible(stale)
        self.setAccessibleDescription(self.stale_note.text() if stale else "")

    def _place_note(self) -> None:
        area = self.viewport().rect()
        width = area.width() - 16
        self.stale_note.setFixedWidth(max(100, width))
        self.stale_note.adjustSize()
        self.stale_note.move(8, max(0, area.height() - self.stale_note.height() - 8))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.stale_note.isVisible():
            self._place_note()


class LiveMixin:
    """Refresh now when shown, later when hidden (``on_changed`` from the app's signals)."""

    _stale = False

    def mark_stale(self) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def refresh_if_stale(self) -> None:
        if self._stale:
            self._stale = False
            self.reload()

    def reload(self) -> None:  # pragma: no cover - each screen defines it
        raise NotImplementedError


def case_html(case: CaseView, *, proposal: bool = True) -> str:
    """The case as a short HTML page for a preview pane (every value escaped)."""
    e = html.escape
    p = case.procedure
    rows = [
        (_("Thủ tục"), f"{e(p.name)} <span style='color:#666'>({e(p.code)})</span>"),
        (_("Người nộp"), e(case.citizen_name)),
        (_("Số định danh"), e(case.id_number)),
        (_("Điện thoại"), e(case.phone_display)),
        (_("Địa chỉ"), e(case.address)),
        (_("Nhận lúc"), e(short_datetime(case.received_at))),
        (_("Hẹn trả"), f"<b>{e(short_date(case.due_date))}</b>"
                       + (f" <i>({e(_('đã gia hạn'))})</i>" if case.extended else "")),
        (_("Cán bộ xử lý"), e(case.assignee_name or _("Chưa phân công"))),
        (_("Lệ phí"), e(format_money(case.fee))),
    ]
    parts = [f"<h3 style='margin:0'>{e(case.code)}</h3>",
             f"<p style='margin:2px 0 8px 0'><b>{e(workflow.state_label(case.state))}</b></p>"]
    if proposal:
        submit = next((ev for ev in reversed(case.history) if ev.action == "submit"), None)
        if submit is not None:
            note = e(submit.note) if submit.note else e(_("(không ghi ý kiến)"))
            parts.append(
                f"<p style='background:#eef3fb;padding:6px'><b>{e(_('Đề xuất của cán bộ'))}</b> "
                f"{e(submit.actor_name)}, {e(short_datetime(submit.at))}:<br>{note}</p>")
    parts.append("<table cellspacing='0' cellpadding='2'>")
    parts += [f"<tr><td style='color:#555;padding-right:8px'>{k}</td><td>{v}</td></tr>" for k, v in rows]
    parts.append("</table>")
    if case.papers:
        parts.append(f"<p style='margin:8px 0 2px 0'><b>{e(_('Thành phần hồ sơ'))}</b></p><ul style='margin:0'>")
        for paper in case.papers:
            mark = "✓" if paper.received else "✗"
            parts.append(f"<li>{mark} {e(paper.name)}</li>")
        parts.append("</ul>")
    if case.history:
        parts.append(f"<p style='margin:8px 0 2px 0'><b>{e(_('Diễn biến'))}</b></p><table cellpadding='1'>")
        for ev in case.history[-8:]:
            label = workflow.event_label(ev.action)
            late = f" <i>({e(_('nhập bù'))})</i>" if ev.late_entry else ""
            note = f"<br><span style='color:#444'>{e(ev.note)}</span>" if ev.note else ""
            parts.append(f"<tr><td style='color:#555;padding-right:6px' valign='top'>{e(short_datetime(ev.at))}"
                         f"</td><td>{e(label)} · {e(ev.actor_name)}{late}{note}</td></tr>")
        parts.append("</table>")
    return "".join(parts)


class CasePreview(QTextBrowser):
    """A read-only pane showing one case."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setFocusPolicy(Qt.ClickFocus)
        self.clear_case()

    def show_case(self, case: CaseView) -> None:
        self.setHtml(case_html(case))

    def clear_case(self, text: str | None = None) -> None:
        self.setHtml(f"<p style='color:#777'>{html.escape(text or _('Chọn một hồ sơ để xem.'))}</p>")


def add_shortcut(widget: QWidget, keys, slot) -> QShortcut:
    """A key for ``slot`` while the focus is anywhere inside ``widget``."""
    shortcut = QShortcut(QKeySequence(keys), widget)
    shortcut.setContext(Qt.WidgetWithChildrenShortcut)
    shortcut.activated.connect(slot)
    return shortcut


class translated:
    """A class attribute read in the current language (``title = translated(N_("Tất cả hồ sơ"))``)."""

    def __init__(self, text: str):
        self.text = text

    def __get__(self, obj, owner=None) -> str:
        return _(self.text)


def run_with_progress(parent: QWidget, runner, fn, *, label: str, on_done, on_error=None):
    """Run ``fn(report)`` on the Runner behind a progress dialog with a Cancel button."""
    dialog = QProgressDialog(label, _("Hủy"), 0, 0, parent)
    dialog.setWindowTitle(label)
    dialog.setWindowModality(Qt.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    state = {"open": True}

    def progress(done: int, total: int, text: str) -> None:
        if total:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))
        if text:
            dialog.setLabelText(text)

    def finish() -> None:
        if state["open"]:
            state["open"] = False
            runner.progress.disconnect(progress)
            dialog.hide()                      # close() would emit canceled
            dialog.deleteLater()

    def done(result) -> None:
        finish()
        on_done(result)

    def failed(exc: BaseException) -> None:
        finish()
        (on_error or (lambda err: show_error(parent, err)))(exc)

    runner.progress.connect(progress)
    handle = runner.run(fn, on_done=done, on_error=failed, label=label, progress=True)

    def cancel() -> None:
        handle.cancel()
        finish()

    dialog.canceled.connect(cancel)
    return handle
