"""Parts of the intake form kept apart from its layout: the field checks, the due-date preview,
the identity warnings, late entry of a paper dossier, and the snapshot that undoes Esc Esc."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QCheckBox, QDateTimeEdit, QHBoxLayout, QRadioButton, QWidget

from casedesk import context
from casedesk.errors import BadInput
from casedesk.i18n import _
from casedesk.services import queries

_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")


def field_message(check, text: str) -> str | None:
    """Run one of the core's validators; its BadInput message, or None when the text is fine."""
    try:
        check(text)
    except BadInput as exc:
        return exc.message
    return None


def parse_birth_date(text: str) -> dt.date | None:
    """``15/08/1990`` (or 15.08.1990, 15-8-1990) -> date; empty -> None; raises BadInput."""
    if not text.strip():
        return None
    match = _DATE.match(text)
    try:
        if not match:
            raise ValueError
        day = dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        raise BadInput(_("Ngày sinh phải có dạng ngày/tháng/năm, ví dụ 15/08/1990."), field="birth_date") from None
    if day > dt.date.today() or day.year < 1900:
        raise BadInput(_("Ngày sinh {d} không hợp lý.").format(d=text.strip()), field="birth_date")
    return day


def due_preview(days: int, at: dt.datetime | None = None):
    """The due date a dossier received now (or at ``at``, a late entry) would get (runs on the runner)."""
    return context.calendar().due(at or context.now(), days, cutoff=context.settings().cutoff_time)


def identity_warnings(id_number: str, name: str, birth_text: str) -> list[str]:
    """The core's identity warnings for what is typed (reads the register: run on the runner)."""
    try:
        birth = parse_birth_date(birth_text)
    except BadInput:
        birth = None
    return queries.identity_warnings(id_number, name, birth)


def aligned(edit: QWidget, parent: QWidget) -> QWidget:
    """A plain field as wide as the checked ones above it (they keep room for their ✓ mark)."""
    holder = QWidget(parent)
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 22, 0)
    row.addWidget(edit)
    return holder


def radios(parent: QWidget, group: QButtonGroup, options: list[tuple[str, str]]) -> QWidget:
    """A row of radio buttons, each carrying its value."""
    row = QWidget(parent)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for n, (value, text) in enumerate(options):
        button = QRadioButton(text, row)
        button.setProperty("value", value)
        group.addButton(button, n)
        layout.addWidget(button)
    layout.addStretch(1)
    return row


class LateEntry(QWidget):
    """"Nhập bù": a paper dossier received during an outage, saved later with its true time."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.check = QCheckBox(_("&Nhập bù, tiếp nhận lúc"), self)
        self.check.setToolTip(_("Hồ sơ giấy đã nhận khi máy không dùng được: ghi thời điểm tiếp nhận thực tế. "
                                "Hồ sơ được đánh dấu nhập bù trong lịch sử."))
        self.when = QDateTimeEdit(self)
        self.when.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.when.setCalendarPopup(True)
        self.when.setAccessibleName(_("Thời điểm tiếp nhận thực tế"))
        self.when.setEnabled(False)
        self.when.setVisible(False)                  # shown once ticked: no meaningless date before
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.check)
        row.addWidget(self.when)
        self.check.toggled.connect(self._toggled)
        self.when.dateTimeChanged.connect(lambda _v: self.changed.emit())

    def _toggled(self, on: bool) -> None:
        self.when.setEnabled(on)
        self.when.setVisible(on)
        if on:
            now = context.now()
            self.when.setMaximumDateTime(QDateTime(now.date(), now.time()))
            if self.when.dateTime() > self.when.maximumDateTime() or self.when.date().year() < 2000:
                self.set_time(now - dt.timedelta(hours=1))
            self.when.setFocus(Qt.OtherFocusReason)
        self.changed.emit()

    def set_time(self, when: dt.datetime) -> None:
        self.when.setDateTime(QDateTime(when.date(), when.time().replace(second=0, microsecond=0)))

    def at(self) -> dt.datetime | None:
        """The true time when ticked, else None (now)."""
        if not self.check.isChecked():
            return None
        value = self.when.dateTime().toPython()
        return value.replace(second=0, microsecond=0, tzinfo=None)

    def clear(self) -> None:
        self.check.setChecked(False)


@dataclass
class FormSnapshot:
    """Everything typed on the form, so Esc Esc can be undone."""
    procedure: object = None
    papers: list = field(default_factory=list)
    texts: dict = field(default_factory=dict)
    sets: int = 1
    fee: int | None = None
    channel: int = 0
    pickup: int = 0
    late: dt.datetime | None = None
