"""The table of cases behind every list (all cases, my work, approvals).

Lazy: only what the view has scrolled to is loaded, in batches of ``BATCH`` rows
(Qt's canFetchMore/fetchMore); the total comes from one COUNT.  Sorting and
filtering happen in SQL through ``casedesk.services.queries``; ``data()`` only
reads the ``CaseRow`` already in memory, so a million cases cost the same as a
hundred.  Deadline colours always come with a word (the "Còn" text and its
tooltip) and a shape (the icon), never colour alone.

Every read (the count, the first page, each further batch) runs on the app's
``runner`` and the rows arrive on the GUI thread; an answer that a newer filter,
order or refresh has overtaken is dropped.  A read that fails (the server went
away) keeps the rows shown and marks them stale (``stale()``, ``staleChanged``)
until a later read succeeds: the table says so rather than going blank.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from typing import Callable

import shiboken6
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap, QPolygonF

from casedesk import urgency as _urgency
from casedesk import workflow
from casedesk.errors import Unavailable
from casedesk.urgency import DONE, DUE_SOON, IN_TIME, OVERDUE, WAITING  # noqa: F401 - the one rule, re-exported
from casedesk.i18n import N_, _, short_date
from casedesk.services import queries
from casedesk.services.queries import CaseFilter
from casedesk.services.views import CaseRow
from casedesk.text import given_name_first

BATCH = 200
REFRESH_CAP = 2000          # a refresh reloads what was visible, up to this many rows

# (key, header, sort key in queries.list_cases)
COLUMNS = (
    ("code", N_("Mã hồ sơ"), "code"),
    ("citizen", N_("Người nộp"), "citizen_name"),
    ("procedure", N_("Thủ tục"), "procedure"),
    ("received", N_("Nhận"), "received_at"),
    ("due", N_("Hẹn trả"), "due_date"),
    ("left", N_("Còn"), "due_date"),
    ("assignee", N_("Cán bộ"), "assignee"),
    ("state", N_("Trạng thái"), "state"),
)
COL = {key: i for i, (key, _h, _s) in enumerate(COLUMNS)}

CODE_ROLE = Qt.UserRole
ROW_ROLE = Qt.UserRole + 1
URGENCY_ROLE = Qt.UserRole + 2

# data() is asked for every visible cell and role at each paint: plain ints compare fastest
_KEYS = tuple(key for key, _h, _s in COLUMNS)
_DISPLAY, _TOOLTIP, _BACKGROUND, _FOREGROUND, _FONT, _DECORATION, _ALIGN, _ACCESSIBLE = (int(r) for r in (
    Qt.DisplayRole, Qt.ToolTipRole, Qt.BackgroundRole, Qt.ForegroundRole, Qt.FontRole, Qt.DecorationRole,
    Qt.TextAlignmentRole, Qt.AccessibleTextRole))
_CODE, _ROW, _URGENCY = int(CODE_ROLE), int(ROW_ROLE), int(URGENCY_ROLE)
_CENTER = int(Qt.AlignCenter)

# ------------------------------------------------------------------ urgency


URGENCY_WORDS = {
    OVERDUE: N_("Quá hạn"),
    DUE_SOON: N_("Sắp đến hạn"),
    IN_TIME: N_("Trong hạn"),
    WAITING: N_("Chờ công dân bổ sung, thời hạn tạm dừng"),
    DONE: N_("Đã giải quyết"),
}
# row tint, strong text colour for the "Còn" cell
URGENCY_COLOURS = {
    OVERDUE: ("#fbe3e1", "#b3261e"),
    DUE_SOON: ("#fff3cd", "#8a5a00"),
    IN_TIME: ("#e6f4e4", "#1e6b2a"),
    WAITING: ("#ececec", "#555555"),
}


def urgency(row: CaseRow) -> str:
    """Overdue, due within one working day, in time, waiting for the citizen, or resolved
    (``casedesk.urgency.kind``: the same rule as the counts)."""
    return _urgency.kind(row.state, row.days_left)


def days_left_text(row: CaseRow) -> str:
    """``2 ngày``, ``Hạn hôm nay``, ``Quá 3 ngày``, ``Tạm dừng`` or a dash."""
    kind = urgency(row)
    if kind == WAITING:
        return _("Tạm dừng")
    if kind == DONE:
        return "—"
    if row.days_left < 0:
        return _("Quá 1 ngày") if row.days_left == -1 else _("Quá {n} ngày").format(n=-row.days_left)
    if row.days_left == 0:
        return _("Hạn hôm nay")
    return days_text(row.days_left)


def days_text(n: int) -> str:
    """``1 ngày`` / ``5 ngày`` (English needs the singular apart: there is no ngettext here)."""
    return _("1 ngày") if n == 1 else _("{n} ngày").format(n=n)


_icons: dict[str, QIcon] = {}
_paint: dict[str, object] = {}


def _brushes() -> dict[str, tuple[QBrush, QBrush]]:
    """(row tint, strong text) brushes per urgency, and "text" for ordinary cells: made once."""
    if "brushes" not in _paint:
        made = {kind: (QBrush(QColor(bg)), QBrush(QColor(fg))) for kind, (bg, fg) in URGENCY_COLOURS.items()}
        made["text"] = (QBrush(), QBrush(QColor("#1f1f1f")))
        _paint["brushes"] = made
    return _paint["brushes"]


def _bold() -> QFont:
    if "bold" not in _paint:               # a QFont needs the application: made at first paint
        font = QFont()
        font.setBold(True)
        _paint["bold"] = font
    return _paint["bold"]


def urgency_icon(kind: str) -> QIcon | None:
    """A shape per urgency (triangle, diamond, disc, pause bars) so colour is never alone."""
    if kind not in URGENCY_COLOURS:
        return None
    if kind not in _icons:
        size = 14
        pix = QPixmap(size, size)
        pix.fill(Qt.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.Antialiasing)
        colour = QColor(URGENCY_COLOURS[kind][1])
        p.setPen(Qt.NoPen)
        p.setBrush(colour)
        if kind == OVERDUE:
            p.drawPolygon(QPolygonF([QPointF(7, 1), QPointF(13.5, 13), QPointF(0.5, 13)]))
            p.setPen(QColor("white"))
            p.drawLine(7, 5, 7, 9)
            p.drawPoint(7, 11)
        elif kind == DUE_SOON:
            p.drawPolygon(QPolygonF([QPointF(7, 1), QPointF(13, 7), QPointF(7, 13), QPointF(1, 7)]))
        elif kind == IN_TIME:
            p.drawEllipse(2, 2, 10, 10)
        else:
            p.drawRect(3, 2, 3, 10)
            p.drawRect(8, 2, 3, 10)
        p.end()
        _icons[kind] = QIcon(pix)
    return _icons[kind]


def assignee_text(row: CaseRow) -> str:
    return row.assignee_name or _("Chưa phân công")


def received_text(row: CaseRow) -> str:
    return short_date(row.received_at.date())


# ------------------------------------------------------------------ model

class CasesTableModel(QAbstractTableModel):
    """Cases matching a ``CaseFilter``, sorted in SQL, fetched lazily."""

    totalChanged = Signal(int)
    loadingChanged = Signal(bool)       # a background read started / its rows arrived
    staleChanged = Signal(bool)         # the last read failed: the rows shown may be out of date

    def __init__(self, case_filter: CaseFilter | None = None, *, runner, order: str = "due_date",
                 descending: bool = False, parent=None, auto_load: bool = True):
        super().__init__(parent)
        if runner is None:
            raise TypeError("CasesTableModel reads on the runner: pass runner=")
        self._filter = case_filter or CaseFilter()
        self._order = order
        self._descending = descending
        self._rows: list[CaseRow] = []
        self._looks: dict[int, tuple] = {}     # row number -> (row, urgency, column texts), see data()
        self._total = 0
        self._runner = runner
        self._generation = 0            # bumped by every reload: older answers are dropped
        self._fetching = False
        self._loading = False
        self._stale = False
        self.loaded_at: dt.datetime | None = None    # wall-clock time of the last successful read
        if auto_load:
            self._reload(BATCH)

    # -------------------------------------------------- what the screens use
    @property
    def case_filter(self) -> CaseFilter:
        return self._filter

    @property
    def order(self) -> tuple[str, bool]:
        return self._order, self._descending

    def total(self) -> int:
        return self._total

    def loading(self) -> bool:
        """A background reload is on its way (the rows shown are the previous ones)."""
        return self._loading

    def loaded(self) -> int:
        return len(self._rows)

    def stale(self) -> bool:
        """The last read failed: what is shown is as of ``loaded_at``."""
        return self._stale

    def _set_stale(self, stale: bool) -> None:
        if stale != self._stale:
            self._stale = stale
            self.staleChanged.emit(stale)

    def row_at(self, row: int) -> CaseRow:
        return self._rows[row]

    def row_of(self, code: str) -> int:
        for i, r in enumerate(self._rows):
            if r.code == code:
                return i
        return -1

    def set_filter(self, case_filter: CaseFilter) -> None:
        self._filter = case_filter
        self._reload(BATCH)

    def set_order(self, order: str, descending: bool = False) -> None:
        self._order, self._descending = order, descending
        self._reload(BATCH)

    def refresh(self) -> None:
        """Re-read after a change, keeping about as many rows as were loaded."""
        self._reload(min(max(len(self._rows), BATCH), REFRESH_CAP))

    def _reload(self, count: int) -> None:
        self._generation += 1
        self._fetching = False
        case_filter, order, descending = self._filter, self._order, self._descending

        def read() -> tuple[int, list[CaseRow]]:
            total = queries.count_cases(case_filter)
            rows = queries.list_cases(case_filter, order=order, descending=descending,
                                      offset=0, limit=count) if total else []
            return total, rows

        generation = self._generation
        self._set_loading(True)
        self._runner.run(read, on_done=lambda result: self._loaded(generation, *result),
                         on_error=lambda exc: self._failed(generation, exc), label=_("Đang đọc danh sách hồ sơ…"))

    def _loaded(self, generation: int, total: int, rows: list[CaseRow]) -> None:
        if generation != self._generation or not shiboken6.isValid(self):    # overtaken, or its screen closed
            return
        self._set_loading(False)
        self.loaded_at = dt.datetime.now()
        self._set_stale(False)
        self.beginResetModel()
        self._total, self._rows = total, rows
        self._looks.clear()
        self.endResetModel()
        self.totalChanged.emit(self._total)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation and shiboken6.isValid(self):
            self._fetching = False
            self._set_loading(False)
            if isinstance(exc, Unavailable):
                self._set_stale(True)      # the window's banner says why; no dialog per list
                return
        elif isinstance(exc, Unavailable):
            return
        if self._runner.default_error is not None:
            self._runner.default_error(exc, "")

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loadingChanged.emit(loading)

    # -------------------------------------------------- Qt model interface
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:
        return not parent.isValid() and not self._fetching and len(self._rows) < self._total

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:
        if parent.isValid() or self._fetching:
            return
        start = len(self._rows)
        case_filter, order, descending = self._filter, self._order, self._descending

        def read() -> list[CaseRow]:
            return queries.list_cases(case_filter, order=order, descending=descending, offset=start, limit=BATCH)

        self._fetching = True
        generation = self._generation
        self._runner.run(read, on_done=lambda more: self._append(generation, start, more),
                         on_error=lambda exc: self._failed(generation, exc), label=_("Đang đọc danh sách hồ sơ…"))

    def _append(self, generation: int, start: int, more: list[CaseRow]) -> None:
        if generation != self._generation or start != len(self._rows) or not shiboken6.isValid(self):
            return                                           # a reload came in between: its rows stand
        self._fetching = False
        known = {r.id for r in self._rows[-BATCH:]}
        more = [r for r in more if r.id not in known]      # a case received meanwhile shifts the pages
        if not more:
            self._total = start                              # the list shrank meanwhile: stop asking
            self.totalChanged.emit(self._total)
            return
        self.beginInsertRows(QModelIndex(), start, start + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column][2]
        descending = order == Qt.DescendingOrder
        if (key, descending) == (self._order, self._descending):
            return
        self._order, self._descending = key, descending
        self._reload(BATCH)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole):
        if orientation == Qt.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.DisplayRole:
                return _(COLUMNS[section][1])
            if role == Qt.ToolTipRole and COLUMNS[section][0] == "left":
                return _("Số ngày làm việc còn lại đến hạn trả")
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlags:
        if not index.isValid():
            return Qt.NoItemFlags
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemNeverHasChildren

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        """Called for every visible cell and role at each paint: answers from the row's cached look."""
        r = index.row()
        if not 0 <= r < len(self._rows) or not index.isValid():
            return None
        look = self._looks.get(r)
        if look is None or look[0] is not self._rows[r]:
            look = self._looks[r] = self._look(self._rows[r])
        row, kind, texts = look
        col = index.column()
        role = int(role)
        if role == _DISPLAY:
            return texts[col]
        key = _KEYS[col]
        if role == _BACKGROUND:
            brushes = _brushes().get(kind)
            return brushes[0] if brushes else None
        if role == _FOREGROUND:
            brushes = _brushes().get(kind)
            if not brushes:
                return None
            return brushes[1] if key == "left" else _brushes()["text"][1]
        if role == _DECORATION:
            return urgency_icon(kind) if key == "left" else None
        if role == _FONT:
            return _bold() if key == "left" and kind in (OVERDUE, DUE_SOON) else None
        if role == _ALIGN:
            return _CENTER if key in ("received", "due") else None
        if role == _TOOLTIP:
            if key in ("left", "due"):
                return _(URGENCY_WORDS[kind])
            if key == "procedure":
                return row.procedure_name
            if key == "citizen":
                return row.citizen_name
            return None
        if role == _ACCESSIBLE and key == "left":
            return f"{texts[col]} ({_(URGENCY_WORDS[kind])})"
        if role == _CODE:
            return row.code
        if role == _ROW:
            return row
        if role == _URGENCY:
            return kind
        return None

    def _look(self, row: CaseRow) -> tuple[CaseRow, str, tuple[str, ...]]:
        """The row with its urgency and the text of every column, computed once per row."""
        return row, urgency(row), tuple(self._text(row, key) for key in _KEYS)

    def _text(self, row: CaseRow, key: str) -> str:
        if key == "code":
            return row.code
        if key == "citizen":
            return given_name_first(row.citizen_name) if self._order == "citizen_name" else row.citizen_name
        if key == "procedure":
            return row.procedure_name
        if key == "received":
            return received_text(row)
        if key == "due":
            return short_date(row.due_date)
        if key == "left":
            return days_left_text(row)
        if key == "assignee":
            if self._order == "assignee" and row.assignee_name:   # sorted by given name: show it first
                return given_name_first(row.assignee_name)
            return assignee_text(row)
        return workflow.state_label(row.state)


# ------------------------------------------------------------------ export

EXPORT_BATCH = 2000


def export_xlsx(path: str, case_filter: CaseFilter, *, order: str = "due_date", descending: bool = False,
                report: Callable[[int, int, str], None] | None = None) -> int:
    """Write every case of the filter to ``path`` as an Excel sheet; returns the row count.

    Runs on the Runner's worker: ``report`` raises ``Cancelled`` when the user
    pressed Cancel, and the half-written file is removed.  The columns are the
    list's own (this is "the list on screen, in Excel"), with real dates and
    numbers so the sheet can be filtered and summed.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    total = queries.count_cases(case_filter)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Hồ sơ"))
    widths = (28, 26, 48, 16, 12, 10, 18, 22, 24, 24)
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    from openpyxl.cell import WriteOnlyCell

    def header_cell(text):
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        return cell

    ws.append([header_cell(t) for t in (
        _("Mã hồ sơ"), _("Người nộp"), _("Thủ tục"), _("Nhận"), _("Hẹn trả"), _("Còn (ngày làm việc)"),
        _("Hạn"), _("Cán bộ"), _("Trạng thái"), _("Lĩnh vực"))])

    def dated(value, fmt):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = fmt
        return cell

    done = 0
    if report:
        report(0, total, _("Đang xuất {n} hồ sơ…").format(n=total))
    while done < total:
        rows = queries.list_cases(case_filter, order=order, descending=descending, offset=done,
                                  limit=EXPORT_BATCH)
        if not rows:
            break
        for r in rows:
            ws.append([r.code, r.citizen_name, r.procedure_name,
                       dated(r.received_at, "dd/mm/yyyy hh:mm"), dated(r.due_date, "dd/mm/yyyy"),
                       r.days_left, _(URGENCY_WORDS[urgency(r)]), assignee_text(r),
                       workflow.state_label(r.state), r.field_code])
        done += len(rows)
        if report:
            report(done, total, _("Đã xuất {done}/{total} hồ sơ").format(done=done, total=total))
    folder = os.path.dirname(os.path.abspath(path)) or "."
    fd, temp = tempfile.mkstemp(suffix=".xlsx", dir=folder)
    os.close(fd)
    try:
        wb.save(temp)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise
    return done


def export_name(prefix: str, today: dt.date) -> str:
    return f"{prefix}-{today:%Y%m%d}.xlsx"
