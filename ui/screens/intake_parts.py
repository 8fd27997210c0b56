"""Parts of the intake form kept apart from its layout: the field checks, the due-date preview,
the identity warnings, late entry of a paper dossier, and the snapshot that undoes Esc Esc."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtGui import QKeySequence
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


def due_preview(proc, at: dt.datetime | None = None):
    """The due date a dossier of ``proc`` received now (or at ``at``, a late entry) would get, in the law's
    unit: working days, calendar days or the same day (runs on the runner).  A bare number is working days."""
    if isinstance(proc, int):
        return context.calendar().due(at or context.now(), proc, cutoff=context.settings().cutoff_time)
    from casedesk.services import catalogue

    return catalogue.due_for(proc, at or context.now())


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


class FormMemory:
    """The intake screen's Esc Esc that can be taken back, and its identity warnings (a part of
    ``IntakeScreen``, kept here to keep that module readable)."""

    # ------------------------------------------------------------ Esc Esc, and taking it back
    def snapshot(self) -> FormSnapshot:
        texts = {name: w.text() for name, w in (("name", self.name), ("id_number", self.id_number),
                                                 ("birth", self.birth), ("phone", self.phone),
                                                 ("email", self.email), ("address", self.address),
                                                 ("note", self.note))}
        return FormSnapshot(procedure=self.picker.procedure(), papers=self.papers.papers(), texts=texts,
                            sets=self.sets.value(),
                            fee=None if self.fee_amount.isHidden() else self.fee_amount.value(),
                            channel=self.channels.checkedId(), pickup=self.pickups.checkedId(), late=self.late.at())

    def clear_form(self) -> None:
        """Esc Esc (or "Làm lại"): empty the form, and offer what was there back."""
        had = self.has_unsaved()
        self._cleared = self.snapshot() if had else None
        self.reset()
        self.restore_button.setVisible(had)
        self.ctx.signals.status.emit(_("Đã xóa phiếu. Ctrl+Z hoặc “Khôi phục” để lấy lại.") if had else "")

    def restore(self) -> None:
        snap = self._cleared
        if snap is None:
            return
        self._cleared = None
        self.restore_button.hide()
        self.picker.set_procedure(snap.procedure)
        self._procedure_chosen(snap.procedure)
        self.papers.set_state(snap.papers)
        self.sets.setValue(snap.sets)
        if snap.fee is not None:
            self.fee_amount.setValue(snap.fee)
        fields = {"name": self.name, "id_number": self.id_number, "birth": self.birth, "phone": self.phone,
                  "email": self.email, "address": self.address, "note": self.note}
        for name, text in snap.texts.items():
            fields[name].setText(text)
        self.channels.button(max(snap.channel, 0)).setChecked(True)
        self.pickups.button(max(snap.pickup, 0)).setChecked(True)
        if snap.late is not None:
            self.late.check.setChecked(True)
            self.late.set_time(snap.late)
        self._update_button()
        self.ctx.signals.status.emit(_("Đã khôi phục phiếu."))
        self.name.setFocus(Qt.OtherFocusReason)

    def _typed_anew(self, *_args) -> None:
        """Something new typed: the cleared form is gone for good."""
        if self._cleared is not None:
            self._cleared = None
            self.restore_button.hide()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        # the empty procedure box would swallow Ctrl+Z as its own (empty) undo
        if (watched is self.picker.edit and self._cleared is not None
                and event.type() in (event.Type.ShortcutOverride, event.Type.KeyPress)
                and event.matches(QKeySequence.Undo)):
            if event.type() == event.Type.KeyPress:
                self.restore()
            event.accept()
            return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------ identity warnings
    def _check_identity(self) -> None:
        id_number, name, birth = self.id_number.text(), self.name.text(), self.birth.text()
        if self.id_number.has_error() or len(id_number.strip()) < 9:
            self.identity_note.hint("")
            return
        self.ctx.runner.run(lambda: identity_warnings(id_number, name, birth),
                            on_done=lambda notes: self._show_identity(id_number, notes), on_error=lambda e: None)

    def _show_identity(self, id_number: str, notes: list[str]) -> None:
        if id_number != self.id_number.text():
            return                                         # typed on since: a newer check is coming
        if notes:
            self.identity_note.warn("⚠ " + "\n⚠ ".join(notes))
        else:
            self.identity_note.hint("")
