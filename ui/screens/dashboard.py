"""Trang chủ: today's queues at a glance, this month's on-time rate by field, who works today.

Everything is read in one task on the Runner (the month's figures are a few
GROUP BYs, but a big office should never wait on the GUI thread).  An officer's
own figures come first and larger; the vice-chairman and the desk see the office's.
"""
from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSizePolicy, QVBoxLayout,
                               QWidget)

from casedesk import context, workflow
from casedesk.errors import CaseDeskError
from casedesk.i18n import N_, _, format_int
from casedesk.services import auth, queries, roster
from casedesk.services.queries import CaseFilter
from casedesk.services.views import Changes, QueueCounts

from ..appctx import AppContext
from ..models.cases_model import DUE_SOON, OVERDUE, URGENCY_COLOURS
from ..widgets.case_table import LiveMixin, translated
from ..widgets.charts import Bar, OnTimeChart, percent_text
from .base import Screen


@dataclass(frozen=True)
class Staff:
    login: str
    name: str
    role: str
    open_cases: int | None = None
    overdue: int | None = None
    duty: tuple[tuple[str, str], ...] = ()      # today's roster: (half, place name)


@dataclass(frozen=True)
class DashboardData:
    counts: QueueCounts
    mine_overdue: int = 0
    mine_due_soon: int = 0
    period_label: str = ""
    rate: float | None = None
    resolved: int = 0
    bars: tuple[Bar, ...] = ()
    report_problem: str = ""
    staff: tuple[Staff, ...] = field(default_factory=tuple)
    my_figures: object | None = None       # reports.OfficerFigures of the signed-in officer
    on_time_by_login: dict = field(default_factory=dict)   # login -> (resolved, on-time %) this month


def load_dashboard(login: str, role: str, today: dt.date) -> DashboardData:
    """All the dashboard reads (runs on the Runner's worker)."""
    officer = role == "officer"
    counts = queries.queue_counts(login=login if officer else None)
    mine_overdue = mine_soon = 0
    if officer:
        mine_overdue = queries.count_cases(CaseFilter(assignee=login, overdue=True))
        mine_soon = queries.count_cases(CaseFilter(assignee=login, due_within=1))
    staff = []
    duty: dict[str, list[tuple[str, str]]] = {}
    for entry in roster.entries(today, today):
        duty.setdefault(entry.login, []).append((entry.half, entry.place_name))
    for user in auth.list_users(include_inactive=False):
        mine = tuple(duty.get(user.login, ()))
        if user.role == "officer":
            staff.append(Staff(user.login, user.full_name, user.role,
                               queries.count_cases(CaseFilter(assignee=user.login, states=workflow.OPEN_STATES)),
                               queries.count_cases(CaseFilter(assignee=user.login, overdue=True)), duty=mine))
        elif user.role in ("clerk", "vice_chairman"):
            staff.append(Staff(user.login, user.full_name, user.role, duty=mine))
    values = dict(counts=counts, mine_overdue=mine_overdue, mine_due_soon=mine_soon, staff=tuple(staff))
    try:
        from casedesk import reports
    except ImportError:                       # reports not in this build yet
        return DashboardData(**values)
    try:
        period = reports.month_period(today.year, today.month)
        report = reports.compute(period)
    except CaseDeskError as exc:
        return DashboardData(**values, report_problem=str(exc))
    total = report.total
    on_time = total.c8 + total.c9
    bars = tuple(Bar(getattr(r, "field_name", "") or r.field, r.c8 + r.c9, r.c10) for r in report.rows if r.c7)
    mine = next((o for o in report.officers if getattr(o, "login", "") == login), None)
    by_login = {o.login: (o.resolved, o.on_time_pct) for o in report.officers if getattr(o, "login", "")}
    return DashboardData(**values, period_label=period.label, resolved=total.c7,
                         rate=(100.0 * on_time / total.c7) if total.c7 else None, bars=bars, my_figures=mine,
                         on_time_by_login=by_login)


class Card(QPushButton):
    """A big number over its caption; Enter, Space or a click opens the list behind it."""

    def __init__(self, caption: str, target: str | None, *, big: bool = False, accent: str | None = None,
                 mark: str = ""):
        super().__init__()
        self.caption, self.target, self.mark, self.value = caption, target, mark, None
        self.setCursor(Qt.PointingHandCursor if target else Qt.ArrowCursor)
        self.setFocusPolicy(Qt.StrongFocus if target else Qt.NoFocus)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setMinimumHeight(88)
        colour = accent or "#1f4e79"
        self.setStyleSheet(
            f"QPushButton {{ border:1px solid #c8c8c8; border-radius:6px; border-left:6px solid {colour};"
            f" background:{'#f3f7fc' if big else 'white'}; }}"
            f"QPushButton:focus {{ border:2px solid #1a73e8; border-left:6px solid {colour}; }}")
        self.number = QLabel("…")
        font = self.number.font()
        font.setPointSize(24 if big else 18)
        font.setBold(True)
        self.number.setFont(font)
        self.number.setStyleSheet(f"color:{colour}; border:none; background:transparent")
        self.label = QLabel(caption)
        self.label.setWordWrap(True)
        self.label.setStyleSheet("color:#333; border:none; background:transparent")
        if big:
            bold = self.label.font()
            bold.setBold(True)
            self.label.setFont(bold)
        box = QVBoxLayout(self)
        box.setContentsMargins(14, 6, 10, 8)
        box.setSpacing(0)
        box.addWidget(self.number)
        box.addWidget(self.label)
        for child in (self.number, self.label):
            child.setAttribute(Qt.WA_TransparentForMouseEvents)

    def set_value(self, value: int | None) -> None:
        self.value = value
        number = "…" if value is None else format_int(value)
        self.number.setText(f"{self.mark} {number}" if self.mark and value else number)
        self.setAccessibleName(f"{self.caption}: {number}")
        self.setToolTip(f"{self.caption}: {number}")


class DashboardScreen(LiveMixin, Screen):
    key = "home"
    title = translated(N_("Trang chủ"))
    roles = ("admin", "clerk", "officer", "vice_chairman")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        role = ctx.user.role
        self.officer = role == "officer"
        self.greeting = QLabel()
        font = self.greeting.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.greeting.setFont(font)
        self.cards: dict[str, Card] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(self.greeting)
        red, amber = URGENCY_COLOURS[OVERDUE][1], URGENCY_COLOURS[DUE_SOON][1]
        if self.officer:
            mine = QHBoxLayout()
            for key, caption, target, accent, mark in (
                    ("mine", _("Hồ sơ của tôi đang giải quyết"), "mine", None, ""),
                    ("mine_overdue", _("Của tôi đã quá hạn"), "mine", red, "▲"),
                    ("mine_due_soon", _("Của tôi sắp đến hạn"), "mine", amber, "◆")):
                self.cards[key] = Card(caption, target, big=True, accent=accent, mark=mark)
                mine.addWidget(self.cards[key])
            layout.addLayout(mine)
            office_title = QLabel(_("Cả bộ phận"))
            office_title.setStyleSheet("color:#555")
            layout.addWidget(office_title)
        row = QHBoxLayout()
        approvals_target = "approvals" if role == "vice_chairman" else "cases"
        for key, caption, target, accent, mark in (
                ("received_today", _("Nhận hôm nay"), "cases", None, ""),
                ("due_today", _("Đến hạn hôm nay"), "cases", amber, "◆"),
                ("overdue", _("Quá hạn"), "cases", red, "▲"),
                ("awaiting_approval", _("Chờ phê duyệt"), approvals_target, "#6a1b9a", ""),
                ("awaiting_delivery", _("Chờ trả kết quả"), "delivery" if role == "clerk" else "cases",
                 "#2e7d32", "")):
            self.cards[key] = Card(caption, target, big=not self.officer and key in (
                "awaiting_approval" if role == "vice_chairman" else "overdue",), accent=accent, mark=mark)
            row.addWidget(self.cards[key])
        layout.addLayout(row)
        for card in self.cards.values():
            if card.target:
                card.clicked.connect(lambda _c=False, t=card.target: self.ctx.signals.show_screen.emit(t))

        bottom = QHBoxLayout()
        bottom.setSpacing(16)
        month = QFrame()
        month.setFrameShape(QFrame.StyledPanel)
        month_layout = QVBoxLayout(month)
        self.rate_title = QLabel(_("Tỷ lệ giải quyết đúng hạn tháng này"))
        self.rate_title.setStyleSheet("color:#444")
        self.rate = QLabel("…")
        rate_font = self.rate.font()
        rate_font.setPointSize(24)
        rate_font.setBold(True)
        self.rate.setFont(rate_font)
        self.rate_note = QLabel()
        self.rate_note.setWordWrap(True)
        self.rate_note.setStyleSheet("color:#555")
        self.chart = OnTimeChart()
        month_layout.addWidget(self.rate_title)
        month_layout.addWidget(self.rate)
        month_layout.addWidget(self.rate_note)
        month_layout.addWidget(self.chart, 1)
        staff = QFrame()
        staff.setFrameShape(QFrame.StyledPanel)
        staff_layout = QVBoxLayout(staff)
        staff_title = QLabel(_("Cán bộ làm việc hôm nay"))
        staff_title.setStyleSheet("color:#444")
        self.staff = QLabel()
        self.staff.setTextFormat(Qt.RichText)
        self.staff.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.staff.setWordWrap(True)
        staff_scroll = QScrollArea()
        staff_scroll.setWidget(self.staff)
        staff_scroll.setWidgetResizable(True)
        staff_scroll.setFrameShape(QFrame.NoFrame)
        staff_layout.addWidget(staff_title)
        staff_layout.addWidget(staff_scroll, 1)
        bottom.addWidget(month, 3)
        bottom.addWidget(staff, 2)
        layout.addLayout(bottom, 1)

        self.data: DashboardData | None = None
        self._loading = False
        self._again = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(400)
        self._debounce.timeout.connect(self.reload)
        self._set_greeting()
        self.reload()

    def _set_greeting(self) -> None:
        today = context.today()
        self.greeting.setText(_("Chào {name} · {day}").format(
            name=self.ctx.user.full_name, day=today.strftime("%d/%m/%Y")))

    # -------------------------------------------------- loading
    def reload(self) -> None:
        if self._loading:
            self._again = True
            return
        self._loading = True
        user = self.ctx.user
        today = context.today()
        self.ctx.runner.run(lambda: load_dashboard(user.login, user.role, today), on_done=self._loaded,
                            on_error=self._failed, label=_("Đang tính số liệu trang chủ…"))

    def _failed(self, exc: BaseException) -> None:
        self._loading = False
        self.rate.setText("—")
        self.rate_note.setText(str(exc))

    def _loaded(self, data: DashboardData) -> None:
        self._loading = False
        self.data = data
        counts = data.counts
        values = {"received_today": counts.received_today, "due_today": counts.due_today,
                  "overdue": counts.overdue, "awaiting_approval": counts.awaiting_approval,
                  "awaiting_delivery": counts.awaiting_delivery, "mine": counts.mine,
                  "mine_overdue": data.mine_overdue, "mine_due_soon": data.mine_due_soon}
        for key, card in self.cards.items():
            card.set_value(values.get(key))
        self._set_greeting()
        if data.period_label:
            self.rate_title.setText(_("Tỷ lệ giải quyết đúng hạn · {period}").format(period=data.period_label))
        if data.report_problem:
            self.rate.setText("—")
            self.rate_note.setText(data.report_problem)
        else:
            self.rate.setText(percent_text(data.rate))
            note = _("{n} hồ sơ đã giải quyết trong tháng").format(n=format_int(data.resolved))
            mine = data.my_figures
            if mine is not None and self.officer:
                note += " · " + _("của tôi: {n} hồ sơ, đúng hạn {p}").format(
                    n=format_int(mine.resolved), p=percent_text(mine.on_time_pct))
            self.rate_note.setText(note)
        self.chart.set_bars(list(data.bars))
        self.staff.setText(self._staff_html(data.staff, data.on_time_by_login))
        if self._again:
            self._again = False
            self.reload()

    def _staff_html(self, staff: tuple[Staff, ...], on_time: dict) -> str:
        e = html.escape
        items = []
        rostered = any(p.duty for p in staff)
        # me first, then those on duty today (when there is a roster)
        for person in sorted(staff, key=lambda p: (p.login != self.ctx.user.login, rostered and not p.duty)):
            me = person.login == self.ctx.user.login
            name = f"<b>{e(person.name)}</b>" if me else e(person.name)
            role = e(_(workflow.ROLE_LABELS.get(person.role, person.role)))
            parts = []
            if person.open_cases is not None:
                parts.append(e(_("giữ {n} hồ sơ").format(n=format_int(person.open_cases))))
                if person.overdue:
                    parts.append(f"<span style='color:{URGENCY_COLOURS[OVERDUE][1]}'>▲ "
                                 f"{e(_('{n} quá hạn').format(n=format_int(person.overdue)))}</span>")
                resolved, pct = on_time.get(person.login, (0, None))
                if resolved:
                    parts.append(e(_("tháng này đúng hạn {p}").format(p=percent_text(pct))))
            if person.duty:
                parts.insert(0, "<span style='color:#1e6b2a'>● " + e(_("trực {where}").format(where=", ".join(
                    _("{half} {place}").format(half=_(roster.HALF_LABELS[half]).lower(), place=place)
                    for half, place in person.duty))) + "</span>")
            elif rostered:
                parts.insert(0, e(_("không trực hôm nay")))
            detail = f"<br><span style='color:#444'>{' · '.join(parts)}</span>" if parts else ""
            items.append(f"<p style='margin:0 0 6px 0'>{name} <span style='color:#666'>· {role}</span>"
                         f"{detail}</p>")
        if not items:
            return f"<p style='color:#777'>{e(_('Chưa có cán bộ nào đang hoạt động.'))}</p>"
        return "".join(items)

    # -------------------------------------------------- screen protocol
    def activate(self) -> None:
        self.refresh_if_stale()
        first = next((c for c in self.cards.values() if c.target), None)
        if first:
            first.setFocus()

    def on_changed(self, changes: Changes) -> None:
        if changes.cases or changes.users or changes.calendar:
            if self.isVisible():
                self._debounce.start()
            else:
                self._stale = True
