"""The papers a procedure asks for: a tick and the number of originals and copies each.

A form, not a data table: a handful of rows, each reachable with Tab (tick with
Space, counts with the arrow keys or digits).  Required papers start ticked with
the procedure's counts; optional ones ("nếu có") start unticked.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from casedesk.i18n import _
from casedesk.services.views import PaperView

from .fields import set_role


class _PaperName(QLabel):
    """The paper's name beside its tick: wraps when long, and a click toggles the tick."""

    def __init__(self, text: str, box: QCheckBox, parent: QWidget):
        super().__init__(text, parent)
        self.box = box
        self.setWordWrap(True)
        self.setTextFormat(Qt.PlainText)
        self.setBuddy(box)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.box.toggle()
        self.box.setFocus(Qt.MouseFocusReason)


class PapersChecklist(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.grid = QGridLayout()
        outer.addLayout(self.grid)
        outer.addStretch(1)
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(2)
        self.grid.setColumnStretch(1, 1)
        self._rows: list[tuple[PaperView, QCheckBox, QSpinBox, QSpinBox]] = []
        self._empty = QLabel(_("Chọn thủ tục để hiện thành phần hồ sơ."), self)
        set_role(self._empty, "field-hint")
        self.grid.addWidget(self._empty, 0, 0, 1, 4)

    def set_papers(self, papers: tuple[PaperView, ...] | list[PaperView]) -> None:
        self._clear()
        self._empty.setVisible(not papers)
        if not papers:
            return
        head_original = QLabel(_("Bản chính"), self)
        head_copies = QLabel(_("Bản sao"), self)
        for col, label in ((2, head_original), (3, head_copies)):
            label.setAlignment(Qt.AlignCenter)
            self.grid.addWidget(label, 1, col)
        for n, paper in enumerate(papers):
            text = paper.name
            if paper.optional and "(nếu " not in paper.name:       # "(nếu nộp thay)" says it already
                text = _("{name} (nếu có)").format(name=paper.name)
            box = QCheckBox(self)
            box.setChecked(not paper.optional)
            box.setAccessibleName(text)
            label = _PaperName(text, box, self)
            original = QSpinBox(self)
            copies = QSpinBox(self)
            for spin, value, what in ((original, paper.original, _("Số bản chính")),
                                      (copies, paper.copies, _("Số bản sao"))):
                spin.setRange(0, 99)
                spin.setValue(value)
                spin.setAccessibleName(what)
                spin.setFixedWidth(64)
                spin.valueChanged.connect(self.changed)
            box.toggled.connect(self.changed)
            row = n + 2
            for col, widget in enumerate((box, label, original, copies)):
                self.grid.addWidget(widget, row, col)
                widget.show()        # now, not at the layout's next pass: Tab must reach it at once
            self._rows.append((paper, box, original, copies))
        self.changed.emit()

    def _clear(self) -> None:
        while self.grid.count() > 1:
            item = self.grid.takeAt(1)
            widget = item.widget()
            if widget is not None and widget is not self._empty:
                widget.setParent(None)
                widget.deleteLater()
        self._rows = []

    def clear(self) -> None:
        self.set_papers(())

    def focus_widgets(self) -> list[QWidget]:
        """In tab order, for the screen to chain."""
        return [w for (_p, box, original, copies) in self._rows for w in (box, original, copies)]

    def papers(self) -> list[dict]:
        """What the core's ``receive_case(papers=...)`` takes."""
        return [{"name": p.name, "original": original.value(), "copies": copies.value(),
                 "received": box.isChecked() and original.value() + copies.value() > 0}
                for (p, box, original, copies) in self._rows]

    def set_state(self, papers: list[dict]) -> None:
        """Ticks and counts as ``papers()`` gave them (restoring a cleared form)."""
        by_name = {p.get("name"): p for p in papers}
        for (p, box, original, copies) in self._rows:
            given = by_name.get(p.name)
            if given is not None:
                original.setValue(int(given.get("original", 0)))
                copies.setValue(int(given.get("copies", 0)))
                box.setChecked(bool(given.get("received")) or (box.isChecked() and
                                                               int(given.get("original", 0)) +
                                                               int(given.get("copies", 0)) == 0))
        self.changed.emit()

    def missing(self) -> list[str]:
        """Required papers not handed in (unticked, or zero originals and copies)."""
        return [p.name for (p, box, original, copies) in self._rows
                if not p.optional and (not box.isChecked() or original.value() + copies.value() == 0)]
