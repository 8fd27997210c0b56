"""Cài đặt → Lịch trực: the week's duty roster, edited from the keyboard.

One row per desk clerk and officer, a column per half-day from Monday to Saturday.  Arrows move,
Enter (or F2, or typing) opens the cell's choices — nobody, the desk, or one of the person's
fields — and Enter saves it at once (``roster.set_duty``, audited); Delete takes the person off.
"Chép sang tuần sau" copies the week onto the next; "In lịch tuần" prints it.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QStyledItemDelegate, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from casedesk import context, workflow
from casedesk.i18n import _, short_date, weekday_name
from casedesk.services import auth, roster

from .. import printing
from ..errors import show_error
from ..widgets.action_dialogs import confirm

PLACE_ROLE = Qt.UserRole + 1
CHOICES_ROLE = Qt.UserRole + 2


def load_week(monday: dt.date):
    """People who can be on duty, the places each may take, and the week's roster (runs on the runner)."""
    names = roster.place_names()
    people = []
    for user in auth.list_users(include_inactive=False):
        if user.role not in ("clerk", "officer"):
            continue
        places = [roster.DESK]
        if user.role == "officer":
            places += [code for code in names if code != roster.DESK and (not user.fields or code in user.fields)]
        people.append((user, [(code, names[code]) for code in places]))
    return people, roster.week(monday)


class PlaceDelegate(QStyledItemDelegate):
    """The cell's editor: a list of the places this person may be on duty at."""

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt's name
        combo = QComboBox(parent)
        combo.addItem("—", "")
        for code, name in index.data(CHOICES_ROLE) or ():
            combo.addItem(name, code)
        return combo

    def setEditorData(self, editor, index):  # noqa: N802
        editor.setCurrentIndex(max(0, editor.findData(index.data(PLACE_ROLE) or "")))
        editor.showPopup()

    def setModelData(self, editor, model, index):  # noqa: N802
        model.setData(index, editor.currentData(), PLACE_ROLE)


class RosterTab(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.monday = roster.week_start(context.today())
        self.people: list = []
        self._filling = False
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.previous = QPushButton(_("◀ Tuần trước"))
        self.this_week = QPushButton(_("Tuần này"))
        self.next = QPushButton(_("Tuần sau ▶"))
        self.copy = QPushButton(_("Chép sang tuần sau"))
        self.print_button = QPushButton(_("In lịch tuần…"))
        self.table = QTableWidget(0, roster.DAYS * 2)
        self.table.setItemDelegate(PlaceDelegate(self.table))
        self.table.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                                   | QAbstractItemView.AnyKeyPressed)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() * 2 + 12)  # 2 lines
        self.table.setWordWrap(True)
        self.table.itemChanged.connect(self._changed)
        hint = QLabel(_("Mũi tên chọn ô · Enter hoặc F2 chọn nơi trực · Delete bỏ trực · Ctrl+PgUp / Ctrl+PgDown "
                        "đổi tuần"))
        hint.setStyleSheet("color:#666")
        hint.setWordWrap(True)
        bar = QHBoxLayout()
        for widget in (self.previous, self.this_week, self.next):
            bar.addWidget(widget)
        bar.addSpacing(12)
        bar.addWidget(self.title, 1)
        bar.addWidget(self.copy)
        bar.addWidget(self.print_button)
        box = QVBoxLayout(self)
        box.addLayout(bar)
        box.addWidget(self.table, 1)
        box.addWidget(hint)
        self.previous.clicked.connect(lambda: self.go(-7))
        self.next.clicked.connect(lambda: self.go(7))
        self.this_week.clicked.connect(lambda: self.go(None))
        self.copy.clicked.connect(self.copy_to_next)
        self.print_button.clicked.connect(self.print_week)
        for keys, step in (("Ctrl+PgUp", -7), ("Ctrl+PgDown", 7)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda s=step: self.go(s))
        self.table.installEventFilter(self)
        self.setFocusProxy(self.table)

    # ------------------------------------------------------------ loading
    def go(self, step: int | None) -> None:
        self.monday = roster.week_start(context.today()) if step is None else self.monday + dt.timedelta(days=step)
        self.reload()

    def reload(self) -> None:
        monday = self.monday
        self.ctx.runner.run(lambda: load_week(monday), on_done=lambda found: self._fill(monday, *found),
                            on_error=lambda exc: show_error(self, exc), label=_("Đang đọc lịch trực…"))

    def _fill(self, monday: dt.date, people, entries) -> None:
        if monday != self.monday:
            return
        last = monday + dt.timedelta(days=roster.DAYS - 1)
        self.title.setText(_("Tuần từ {start} đến {end}").format(start=short_date(monday), end=short_date(last)))
        headers = []
        for i in range(roster.DAYS):
            day = monday + dt.timedelta(days=i)
            name = weekday_name(day)
            for half in roster.HALVES:
                headers.append(f"{name[:1].upper()}{name[1:]}\n{day:%d/%m}\n{_(roster.HALF_LABELS[half])}")
        self._filling = True
        current = (self.table.currentRow(), self.table.currentColumn())
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(people))
        self.table.setVerticalHeaderLabels([u.full_name for u, _p in people])
        self.people = people
        placed = {(e.login, (e.day - monday).days, e.half): (e.place, e.place_name) for e in entries}
        for row, (user, choices) in enumerate(people):
            for col in range(roster.DAYS * 2):
                place, name = placed.get((user.login, col // 2, roster.HALVES[col % 2]), ("", ""))
                item = QTableWidgetItem(name)
                item.setData(PLACE_ROLE, place)
                item.setData(CHOICES_ROLE, choices)
                item.setTextAlignment(Qt.AlignCenter)
                item.setToolTip(_("{name} · {role}").format(name=user.full_name,
                                                            role=_(workflow.ROLE_LABELS[user.role])))
                self.table.setItem(row, col, item)
        self._filling = False
        if people:
            self.table.setCurrentCell(max(0, min(current[0], len(people) - 1)), max(0, current[1]))

    # ------------------------------------------------------------ editing
    def _changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        row, col = item.row(), item.column()
        user = self.people[row][0]
        day = self.monday + dt.timedelta(days=col // 2)
        half = roster.HALVES[col % 2]
        place = item.data(PLACE_ROLE) or ""
        actor = self.ctx.user.login

        def done(changes) -> None:
            self.ctx.notify(changes)          # the settings screen reloads the roster (and the home screen)
            if not changes.users:
                self.reload()

        def failed(exc) -> None:
            show_error(self, exc)
            self.reload()

        self.ctx.runner.run(lambda: roster.set_duty(actor=actor, day=day, half=half, login=user.login, place=place),
                            on_done=done, on_error=failed, label=_("Đang lưu lịch trực…"))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if (watched is self.table and event.type() == event.Type.KeyPress
                and event.key() in (Qt.Key_Delete, Qt.Key_Backspace) and self.table.state() !=
                QAbstractItemView.EditingState):
            item = self.table.currentItem()
            if item is not None and item.data(PLACE_ROLE):
                item.setData(PLACE_ROLE, "")          # itemChanged saves it
            return True
        if (watched is self.table and event.type() == event.Type.KeyPress
                and event.key() in (Qt.Key_Return, Qt.Key_Enter)
                and self.table.state() != QAbstractItemView.EditingState and self.table.currentItem()):
            self.table.editItem(self.table.currentItem())
            return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------ week actions
    def copy_to_next(self) -> None:
        source, target = self.monday, self.monday + dt.timedelta(days=7)
        if not confirm(self, _("Chép lịch trực"), _("Chép lịch tuần từ {a} sang tuần từ {b}? Lịch đã có của tuần "
                                                    "sau sẽ được thay.").format(a=short_date(source),
                                                                                  b=short_date(target))):
            return
        actor = self.ctx.user.login

        def done(n: int) -> None:
            self.ctx.signals.status.emit(_("Đã chép {n} buổi trực sang tuần sau.").format(n=n))
            self.monday = target
            self.reload()

        self.ctx.runner.run(lambda: roster.copy_week(actor=actor, source=source, target=target), on_done=done,
                            on_error=lambda exc: show_error(self, exc), label=_("Đang chép lịch trực…"))

    def print_week(self) -> None:
        from casedesk.documents.roster import render_roster

        monday = self.monday
        self.ctx.runner.run(lambda: render_roster(monday),
                            on_done=lambda pdf: printing.preview_pdf(self, pdf, _("Lịch trực tuần"),
                                                                     runner=self.ctx.runner),
                            on_error=lambda exc: show_error(self, exc), label=_("Đang tạo lịch trực…"))
