"""The table of cases behind every list (all cases, my work, approvals).

A window over the list: ``rowCount`` is the true total (one COUNT), so the scroll bar
is the list's real length, but only a window of at most ``WINDOW`` rows around what
the view has painted is held; rows the view asks for outside it show "…" and are read
on the runner, a page at a time, by keyset from the nearest row known (the window's
edges, or either end of the list), and rows far from them are dropped: memory stays
flat however far the user scrolls a million cases.  Sorting and filtering happen in SQL
through ``casedesk.services.queries.page_cases``; ``data()`` only reads the ``CaseRow``
already in memory.  Deadline colours always come with a word (the "Còn" text and its
tooltip) and a shape (the icon), never colour alone.

Every read (the count, the first page, each further page) runs on the app's
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
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPointF, Qt, QTimer, Signal
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

BATCH = 200                 # rows read at a time
WINDOW = 5 * BATCH          # rows held at most: the rest of the list is dropped and read again when shown
PLACEHOLDER = "…"           # a row painted while its page is on its way

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
    """Cases matching a ``CaseFilter``, sorted in SQL: every row counted, a window of them held."""

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
        self._start = 0                        # list position of _rows[0]
        self._rows: list[CaseRow] = []         # the window: rows _start .. _start + len - 1
        self._keys: list[tuple] = []           # each held row's place in the order (queries.page_cases)
        self._looks: dict[int, tuple] = {}     # row number -> (row, urgency, column texts), see data()
        self._total = 0
        self._runner = runner
        self._generation = 0            # bumped by every reload: older answers are dropped
        self._fetching = False
        self._wanted: tuple[int, int] | None = None      # rows painted outside the window, first and last
        self._scheduled = False                          # a read of them is about to be asked
        self._loading = False
        self._stale = False
        self.loaded_at: dt.datetime | None = None    # wall-clock time of the last successful read
        if auto_load:
            self._reload()

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
        """How many rows are held now (at most ``WINDOW``)."""
        return len(self._rows)

    def window(self) -> tuple[int, int]:
        """The list positions held: first, and one past the last."""
        return self._start, self._start + len(self._rows)

    def busy(self) -> bool:
        """A read is asked for or on its way (the first page, a refresh, or a page outside the window)."""
        return self._loading or self._fetching or self._scheduled

    def stale(self) -> bool:
        """The last read failed: what is shown is as of ``loaded_at``."""
        return self._stale

    def _set_stale(self, stale: bool) -> None:
        if stale != self._stale:
            self._stale = stale
            self.staleChanged.emit(stale)

    def row_at(self, row: int) -> CaseRow | None:
        """The case at list position ``row``, or None while it is outside the window."""
        i = row - self._start
        return self._rows[i] if 0 <= i < len(self._rows) else None

    def row_of(self, code: str) -> int:
        """The list position of the case ``code`` if it is held, else -1."""
        for i, r in enumerate(self._rows):
            if r.code == code:
                return self._start + i
        return -1

    def set_filter(self, case_filter: CaseFilter) -> None:
        self._filter = case_filter
        self._reload()

    def set_order(self, order: str, descending: bool = False) -> None:
        self._order, self._descending = order, descending
        self._reload()

    def refresh(self) -> None:
        """Re-read after a change (here or at another desk), keeping the user's place: the window is
        read again from its first case (or the one after it, if that one went)."""
        self._reload(keep=True)

    def _reload(self, *, keep: bool = False) -> None:
        self._generation += 1
        self._fetching = False
        self._wanted = None
        case_filter, order, descending = self._filter, self._order, self._descending
        start = self._start if keep and self._rows else 0
        after = self._keys[0] if keep and self._keys else None
        count = min(max(len(self._rows), BATCH), WINDOW) if keep else BATCH

        def read() -> tuple[int, int, queries.CasePage]:
            total = queries.count_cases(case_filter)
            page = queries.page_cases(case_filter, order=order, descending=descending, after=after,
                                      inclusive=True, limit=count) if total else queries.CasePage([], [])
            if total and after is not None and not page.rows:        # nothing from there on: the list's end
                page = queries.page_cases(case_filter, order=order, descending=not descending, limit=count)
                return total, max(0, total - len(page.rows)), queries.CasePage(page.rows[::-1], page.keys[::-1])
            return total, start, page

        generation = self._generation
        self._set_loading(True)
        self._runner.run(read, on_done=lambda result: self._loaded(generation, *result),
                         on_error=lambda exc: self._failed(generation, exc), label=_("Đang đọc danh sách hồ sơ…"))

    def _loaded(self, generation: int, total: int, start: int, page) -> None:
        if generation != self._generation or not shiboken6.isValid(self):    # overtaken, or its screen closed
            return
        self._set_loading(False)
        self.loaded_at = dt.datetime.now()
        self._set_stale(False)
        self.beginResetModel()
        self._total = max(total, len(page.rows))
        self._start = max(0, min(start, self._total - len(page.rows)))
        self._rows, self._keys = list(page.rows), list(page.keys)
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

    # -------------------------------------------------- the window
    def ensure(self, first: int, last: int | None = None) -> None:
        """Rows ``first`` .. ``last`` are about to be shown: read them if they are not held (on the
        runner, shortly: every row painted in one go is gathered into one read)."""
        last = first if last is None else last
        first, last = max(0, first), min(last, self._total - 1)
        if first > last or (self._start <= first and last < self._start + len(self._rows)):
            return
        wanted = self._wanted
        if wanted is None or first > wanted[1] + BATCH or last < wanted[0] - BATCH:
            self._wanted = (first, last)         # painted elsewhere since: the older rows are no longer shown
        else:                                    # the rest of the same screenful
            self._wanted = (min(first, wanted[0]), max(last, wanted[1]))
        if not self._fetching and not self._scheduled:
            self._scheduled = True
            QTimer.singleShot(0, self._fetch_wanted)

    def _plan(self, lo: int, hi: int) -> tuple[int, int, tuple | None, bool, int]:
        """Which rows to read for ``lo`` .. ``hi`` and from where: (first, end, cursor, backwards, skip).
        Next to the window: the page before or after it, from its edge.  Elsewhere (a jump): a page
        around them, walking from the nearest row whose key is known, the window's edges or either
        end of the list."""
        total, start, end = self._total, self._start, self._start + len(self._rows)
        if self._rows and end <= lo < end + BATCH:
            return end, min(total, max(hi + 1, end + BATCH)), self._keys[-1], False, 0
        if self._rows and start - BATCH <= hi < start:
            return max(0, min(lo, start - BATCH)), start, self._keys[0], True, 0
        first = max(0, min(lo - (BATCH - (hi - lo + 1)) // 2, total - BATCH))
        last = min(total, max(first + BATCH, hi + 1))
        ways = [(first, None, False), (total - last, None, True)]
        if self._rows and first >= end:
            ways.append((first - end, self._keys[-1], False))
        if self._rows and last <= start:
            ways.append((start - last, self._keys[0], True))
        skip, cursor, backwards = min(ways, key=lambda w: w[0])
        return first, last, cursor, backwards, skip

    def _fetch_wanted(self) -> None:
        if not shiboken6.isValid(self):
            return
        self._scheduled = False
        if self._fetching or self._wanted is None or not shiboken6.isValid(self):
            return
        lo, hi = self._wanted
        self._wanted = None
        hi = min(hi, self._total - 1, lo + WINDOW - 1)      # never more than a window in one read
        if lo > hi or (self._start <= lo and hi < self._start + len(self._rows)):
            return
        first, last, cursor, backwards, skip = self._plan(lo, hi)
        case_filter, order, descending = self._filter, self._order, self._descending

        def read():
            page = queries.page_cases(case_filter, order=order, descending=descending != backwards,
                                      after=cursor, skip=skip, limit=last - first)
            return queries.CasePage(page.rows[::-1], page.keys[::-1]) if backwards else page

        self._fetching = True
        generation = self._generation
        self._runner.run(read, on_done=lambda page: self._arrived(generation, first, last, page),
                         on_error=lambda exc: self._failed(generation, exc), label=_("Đang đọc danh sách hồ sơ…"))

    def _arrived(self, generation: int, first: int, last: int, page) -> None:
        if generation != self._generation or not shiboken6.isValid(self):
            return                                           # a reload came in between: its rows stand
        self._fetching = False
        if len(page.rows) < last - first:                    # the list shrank meanwhile: count it again
            self.refresh()
            return
        start, end = self._start, self._start + len(self._rows)
        if self._rows and first == end:                      # read on: the oldest rows go
            rows, keys = self._rows + page.rows, self._keys + page.keys
            drop = max(0, len(rows) - WINDOW)
            self._start, self._rows, self._keys = start + drop, rows[drop:], keys[drop:]
        elif self._rows and last == start:                   # read back: the furthest rows go
            rows, keys = page.rows + self._rows, page.keys + self._keys
            self._start, self._rows, self._keys = first, rows[:WINDOW], keys[:WINDOW]
        else:                                                # a jump: the window moves there
            self._start, self._rows, self._keys = first, list(page.rows), list(page.keys)
        low, high = self._start, self._start + len(self._rows)
        self._looks = {r: look for r, look in self._looks.items() if low <= r < high}
        self.dataChanged.emit(self.index(first, 0), self.index(last - 1, len(COLUMNS) - 1))
        if self._wanted is not None:
            self._fetch_wanted()

    # -------------------------------------------------- Qt model interface
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:
        return False                 # every row is counted from the start; the window reads what is shown

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column][2]
        descending = order == Qt.DescendingOrder
        if (key, descending) == (self._order, self._descending):
            return
        self._order, self._descending = key, descending
        self._reload()

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
        if not index.isValid() or not 0 <= r < self._total:
            return None
        i = r - self._start
        if not 0 <= i < len(self._rows):                 # outside the window: asked for, "…" meanwhile
            self.ensure(r)
            if int(role) == _DISPLAY:
                return PLACEHOLDER if index.column() == 0 else ""
            return _("Đang đọc…") if int(role) == _TOOLTIP else None
        look = self._looks.get(r)
        if look is None or look[0] is not self._rows[i]:
            look = self._looks[r] = self._look(self._rows[i])
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
    after = None
    while done < total:
        page = queries.page_cases(case_filter, order=order, descending=descending, after=after,
                                  limit=EXPORT_BATCH)            # read on from the last row: no OFFSET walk
        rows = page.rows
        if not rows:
            break
        after = page.keys[-1]
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
