"""Việc của tôi: the signed-in officer's open cases, the nearest due date first."""
from __future__ import annotations

from dataclasses import replace

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from casedesk import workflow
from casedesk.i18n import N_, _, format_int
from casedesk.services import queries
from casedesk.services.queries import CaseFilter
from casedesk.services.views import Changes

from ..appctx import AppContext
from ..models.cases_model import DUE_SOON, OVERDUE, WAITING, CasesTableModel, urgency_icon
from ..widgets.case_table import CaseTable, LiveMixin, translated
from .base import Screen

# (key, label, icon, how the filter narrows "my open cases")
VIEWS = (
    ("all", N_("Đang giải quyết"), None, {}),
    ("overdue", N_("Quá hạn"), OVERDUE, {"overdue": True}),
    ("due_soon", N_("Sắp đến hạn"), DUE_SOON, {"due_within": 1}),
    ("waiting", N_("Chờ bổ sung"), WAITING, {"states": (), "state": workflow.SUPPLEMENT}),
    ("submitted", N_("Đã trình phê duyệt"), None, {"states": (), "state": workflow.AWAITING}),
)


class WorklistScreen(LiveMixin, Screen):
    key = "mine"
    title = translated(N_("Việc của tôi"))
    roles = ("officer",)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.mine = CaseFilter(assignee=ctx.user.login, states=workflow.OPEN_STATES)
        heading = QLabel(_("Việc của tôi · {name}").format(name=ctx.user.full_name))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        heading.setFont(font)
        self.buttons: dict[str, QToolButton] = {}
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        bar = QHBoxLayout()
        bar.addWidget(heading)
        bar.addSpacing(16)
        for number, (key, _label, icon, _narrow) in enumerate(VIEWS):
            button = QToolButton()
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
            if icon:
                button.setIcon(urgency_icon(icon))
            self.group.addButton(button, number)
            self.buttons[key] = button
            bar.addWidget(button)
        bar.addStretch(1)
        self.buttons["all"].setChecked(True)
        self.model = CasesTableModel(self.mine, order="due_date", runner=self.ctx.runner)
        self.table = CaseTable(self.model, hidden=("assignee",), select_first=True)
        self._counts_asked = 0
        hint = QLabel(_("Enter: mở hồ sơ · nhấn vào tiêu đề cột để sắp xếp"))
        hint.setStyleSheet("color:#666")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        self.group.idClicked.connect(self._choose)
        self.table.open_requested.connect(self.ctx.signals.open_case.emit)
        self._update_counts()

    def current_view(self) -> str:
        return VIEWS[max(0, self.group.checkedId())][0]

    def _filter(self, key: str) -> CaseFilter:
        narrow = next(v[3] for v in VIEWS if v[0] == key)
        return replace(self.mine, **narrow)

    def _choose(self, number: int) -> None:
        self.table.select_first_when_loaded()
        self.model.set_filter(self._filter(VIEWS[number][0]))
        self._update_counts()

    def _update_counts(self) -> None:
        """Every view's count, read on the runner (the buttons keep their numbers until it answers)."""
        self._counts_asked += 1
        asked = self._counts_asked
        filters = {key: self._filter(key) for key, *_rest in VIEWS}

        def read() -> dict[str, int]:
            return {key: queries.count_cases(f) for key, f in filters.items()}

        def done(counts: dict[str, int]) -> None:
            if asked != self._counts_asked or not shiboken6.isValid(self):
                return
            for key, label, _icon, _narrow in VIEWS:
                self.buttons[key].setText(f"{_(label)} ({format_int(counts[key])})")

        for key, label, _icon, _narrow in VIEWS:
            if "(" not in self.buttons[key].text():
                self.buttons[key].setText(_(label))
        self.ctx.runner.run(read, on_done=done, on_error=lambda _e: None)

    def activate(self) -> None:
        self.refresh_if_stale()
        self.table.setFocus()
        if not self.table.selectionModel().hasSelection():
            self.table.select_first()

    def reload(self) -> None:
        self.model.refresh()
        self._update_counts()

    def on_changed(self, changes: Changes) -> None:
        if changes.cases or changes.calendar:
            self.mark_stale()
