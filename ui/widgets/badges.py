"""A case's state and its deadline as a coloured word: never colour alone."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from casedesk import workflow
from casedesk.i18n import _, short_date, weekday_name
from casedesk.services.views import CaseRow, CaseView

from ..models.cases_model import URGENCY_COLOURS, URGENCY_WORDS, days_left_text, urgency

# background, text
STATE_COLOURS = {
    workflow.RECEIVED: ("#e3f2fd", "#0d47a1"),
    workflow.ASSIGNED: ("#e8eaf6", "#283593"),
    workflow.SUPPLEMENT: ("#ececec", "#444444"),
    workflow.AWAITING: ("#f3e5f5", "#6a1b9a"),
    workflow.APPROVED: ("#e6f4e4", "#1e6b2a"),
    workflow.REFUSED: ("#fbe3e1", "#b3261e"),
    workflow.WITHDRAWN: ("#ececec", "#444444"),
    workflow.DELIVERED: ("#e0f2f1", "#00695c"),
}


def as_row(case: CaseView, days_left: int | None) -> CaseRow:
    """The list row of a case, so the deadline words and colours are the lists' own."""
    return CaseRow(id=case.id, code=case.code, citizen_name=case.citizen_name, state=case.state,
                   procedure_name=case.procedure.name, field_code=case.procedure.field_code,
                   received_at=case.received_at, due_date=case.due_date, assignee=case.assignee,
                   assignee_name=case.assignee_name, days_left=days_left)


class Badge(QLabel):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTextFormat(Qt.PlainText)
        self.setAlignment(Qt.AlignCenter)
        self.setSizePolicy(QSizePolicy.Maximum, QSizePolicy.Fixed)     # a badge, not a bar
        self.hide()

    def show_word(self, text: str, background: str, colour: str, tooltip: str = "") -> None:
        self.setText(text)
        self.setToolTip(tooltip or text)
        self.setAccessibleName(text)
        self.setStyleSheet(f"QLabel {{ background: {background}; color: {colour}; border: 1px solid {colour};"
                           f" border-radius: 9px; padding: 2px 10px; font-weight: bold; }}")
        self.setVisible(bool(text))


class StateBadge(Badge):
    def set_state(self, state: str) -> None:
        background, colour = STATE_COLOURS.get(state, ("#ececec", "#333333"))
        self.show_word(workflow.state_label(state), background, colour)


class DeadlineBadge(Badge):
    """``▲ Quá 2 ngày`` red, ``◆ Hạn hôm nay`` amber, ``● 3 ngày`` green, ``❚❚ Tạm dừng`` grey."""

    SHAPES = {"overdue": "▲", "due_soon": "◆", "in_time": "●", "waiting": "❚❚"}

    def set_case(self, case: CaseView, days_left: int | None) -> None:
        row = as_row(case, days_left)
        kind = urgency(row)
        if kind not in URGENCY_COLOURS:
            self.hide()
            return
        background, colour = URGENCY_COLOURS[kind]
        self.show_word(f"{self.SHAPES.get(kind, '')} {days_left_text(row)}", background, colour,
                       _(URGENCY_WORDS[kind]))


def due_line(due: dt.date) -> str:
    """``thứ Tư 25/02/2026``."""
    return f"{weekday_name(due)} {short_date(due)}"
