"""Báo cáo: form II.06a by month, quarter or year (calendar or 15→14 periods) and the
dossier ledger (Mẫu 07), previewed as pages, saved as PDF or Excel, printed.

The figures, the PDF and the page images are all made on the Runner; the GUI
thread only turns finished images into pixmaps.  When the figures do not add up
the core raises ``IntegrityProblem`` and its message is shown in place of the pages.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QKeySequence, QPixmap
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDateEdit, QFileDialog, QFormLayout, QFrame, QHBoxLayout,
                               QLabel, QMessageBox, QProgressBar, QPushButton, QRadioButton, QScrollArea, QSpinBox,
                               QVBoxLayout, QWidget)

from casedesk import context
from casedesk.errors import CaseDeskError
from casedesk.files import write_atomic
from casedesk.i18n import N_, _, format_int, short_date
from casedesk.report_periods import last_complete_month
from casedesk.services import queries
from casedesk.services.queries import CaseFilter
from casedesk.services.views import Changes

from ..appctx import AppContext
from ..widgets.case_table import LiveMixin, add_shortcut, show_error, translated
from .base import Screen

KINDS = (
    ("month", N_("Báo cáo tháng (II.06a)")),
    ("quarter", N_("Báo cáo quý (II.06a)")),
    ("year", N_("Báo cáo năm (II.06a)")),
    ("ledger", N_("Sổ theo dõi hồ sơ (Mẫu 07)")),
)
PREVIEW_DPI = 110
PREVIEW_PAGES = 12
LEDGER_ASK_ABOVE = 1500          # dossiers: a ledger this long takes a while to typeset


class NotInThisBuild(CaseDeskError):
    """The report renderers are not installed in this build."""


def _reports():
    try:
        from casedesk import reports
        from casedesk.documents import build
    except ImportError as exc:
        raise NotInThisBuild(_("Bản cài đặt này chưa có phần báo cáo.")) from exc
    return reports, build


@dataclass(frozen=True)
class Request:
    """What is asked for; the same request gives the same document."""

    kind: str
    year: int
    number: int = 0                  # month or quarter
    style: str = "calendar"
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    agency: str | None = None        # another agency's procedures received on its behalf; None: UBND xã's

    def period(self):
        reports, _build = _reports()
        if self.kind == "month":
            return reports.month_period(self.year, self.number, self.style)
        if self.kind == "quarter":
            return reports.quarter_period(self.year, self.number, self.style)
        return reports.year_period(self.year, self.style)

    def span(self) -> tuple[dt.date, dt.date]:
        if self.kind == "ledger":
            return self.date_from, self.date_to
        period = self.period()
        return period.date_from, period.date_to

    def file_stem(self) -> str:
        suffix = f"-{self.agency}" if self.agency else ""
        if self.kind == "ledger":
            return _("so-theo-doi-{a}-{b}").format(a=f"{self.date_from:%Y%m%d}", b=f"{self.date_to:%Y%m%d}") + suffix
        spec = {"month": f"{self.year}-{self.number:02d}", "quarter": f"{self.year}-Q{self.number}",
                "year": str(self.year)}[self.kind]
        return _("bao-cao-II06a-{spec}").format(spec=spec + ("-15-14" if self.style == "15-14" else "")) + suffix


def render(request: Request, fmt: str = "pdf") -> bytes:
    """The document's bytes (runs on the worker)."""
    reports, build = _reports()
    try:
        if request.kind == "ledger":
            if fmt != "pdf":
                raise NotInThisBuild(_("Sổ theo dõi chỉ in ra PDF."))
            return build.render_ledger(request.date_from, request.date_to, agency=request.agency)
        if request.agency:
            return build.render_report(reports.compute(request.period(), agency=request.agency), fmt)
        return build.render_report(request.period(), fmt)
    except ImportError as exc:              # a renderer module missing from this build
        raise NotInThisBuild(_("Bản cài đặt này chưa có mẫu in cho báo cáo này.")) from exc


def first_pages(pdf: bytes, limit: int) -> tuple[bytes, int]:
    """The first ``limit`` pages as a PDF of their own, and how many pages the whole has."""
    import io

    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        count = len(doc)
        if count <= limit:
            return pdf, count
        part = pdfium.PdfDocument.new()
        try:
            part.import_pages(doc, pages=list(range(limit)))
            buffer = io.BytesIO()
            part.save(buffer)
            return buffer.getvalue(), count
        finally:
            part.close()
    finally:
        doc.close()


def render_preview(request: Request, report) -> tuple[bytes, list, int]:
    """PDF bytes, a grey QImage for each of the first pages (QImage is safe off the GUI
    thread) and the page count.  A ledger of a busy office runs to hundreds of pages:
    only the first ``PREVIEW_PAGES`` are drawn; saving and printing use the whole PDF."""
    report(0, 3, _("Đang tính số liệu…"))
    pdf = render(request, "pdf")
    report(1, 3, _("Đang dựng trang xem trước…"))
    from ..printing import rasterise

    shown, count = first_pages(pdf, PREVIEW_PAGES)
    rendered = rasterise(shown, dpi=PREVIEW_DPI)
    report(3, 3, "")
    return pdf, list(rendered.pages), count


def confirm_long(parent: QWidget, text: str) -> bool:
    """Yes/No before a long job (tests replace this)."""
    return QMessageBox.question(parent, _("Việc này sẽ lâu"), text,
                                QMessageBox.Yes | QMessageBox.No, QMessageBox.No) == QMessageBox.Yes


def _qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


class ReportsScreen(LiveMixin, Screen):
    key = "reports"
    title = translated(N_("Báo cáo"))
    roles = ("admin", "clerk", "officer", "vice_chairman")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        today = context.today()
        self.kind = QComboBox()
        for key, label in KINDS:
            self.kind.addItem(_(label), key)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today.year)
        self.month = QComboBox()
        for m in range(1, 13):
            self.month.addItem(_("Tháng {m}").format(m=m), m)
        self.month.setCurrentIndex(today.month - 1)
        self.quarter = QComboBox()
        for q, roman in enumerate(("I", "II", "III", "IV"), start=1):
            self.quarter.addItem(_("Quý {q}").format(q=roman), q)
        self.quarter.setCurrentIndex((today.month - 1) // 3)
        self.date_from = QDateEdit(_qdate(today.replace(day=1)))
        self.date_to = QDateEdit(_qdate(today))
        for edit in (self.date_from, self.date_to):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
        self.calendar_style = QRadioButton(_("Tháng dương lịch (1 → cuối tháng)"))
        self.cut_style = QRadioButton(_("Từ ngày 15 tháng trước đến ngày 14"))
        self.styles = QButtonGroup(self)
        self.styles.addButton(self.calendar_style)
        self.styles.addButton(self.cut_style)
        (self.cut_style if ctx.settings.period_style == "15-14" else self.calendar_style).setChecked(True)
        # open on the last month already over, not the one still running (nor its unfinished quarter)
        year, month = last_complete_month(today, ctx.settings.period_style or "calendar")
        self.year.setValue(year)
        self.month.setCurrentIndex(month - 1)
        holding = (month - 1) // 3                  # the quarter that month is in, 0-based
        complete = holding if month % 3 == 0 else holding - 1
        self.quarter.setCurrentIndex(complete if complete >= 0 else holding)   # same year as the spin box
        # whose figures: the People's Committee's, or another agency's received on its behalf (never mixed)
        self.agency = QComboBox()
        self.agency.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.agency.setMinimumContentsLength(16)
        self.agency.addItem(_("UBND xã"), None)

        def others():        # read on the runner: the other agencies whose procedures may be received here
            from casedesk.services import catalogue

            return [(a.code, a.name) for a in catalogue.agencies().values() if not a.own]

        def fill(rows) -> None:
            if shiboken6.isValid(self.agency):
                for code, name in rows:
                    self.agency.addItem(_("{agency} (tiếp nhận thay)").format(agency=name), code)

        ctx.runner.run(others, on_done=fill, on_error=lambda exc: None)
        self.agency.setToolTip(_("Thủ tục của cơ quan khác (Công an xã…) tiếp nhận thay không tính vào báo cáo "
                                 "và sổ của UBND xã; chọn cơ quan đó để xem riêng."))
        self.span = QLabel()
        self.span.setStyleSheet("color:#444")
        self.span.setWordWrap(True)

        self.preview_button = QPushButton(_("Xem trước  (F5)"))
        self.save_pdf = QPushButton(_("Lưu &PDF…"))
        self.save_xlsx = QPushButton(_("Xuất &Excel…"))
        self.print_button = QPushButton(_("&In…  (Ctrl+P)"))
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.hide()
        self.cancel = QPushButton(_("Hủy"))
        self.cancel.hide()

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignLeft)
        form.addRow(_("&Loại:"), self.kind)
        form.addRow(_("&Cơ quan:"), self.agency)
        form.addRow(_("&Năm:"), self.year)
        self.month_row = (QLabel(_("&Tháng:")), self.month)
        self.quarter_row = (QLabel(_("&Quý:")), self.quarter)
        self.from_row = (QLabel(_("&Từ ngày:")), self.date_from)
        self.to_row = (QLabel(_("Đế&n ngày:")), self.date_to)
        for label, field in (self.month_row, self.quarter_row, self.from_row, self.to_row):
            label.setBuddy(field)
            form.addRow(label, field)
        style_box = QVBoxLayout()
        style_box.setSpacing(2)
        self.style_title = QLabel(_("Cách tính kỳ:"))
        style_box.addWidget(self.style_title)
        style_box.addWidget(self.calendar_style)
        style_box.addWidget(self.cut_style)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addLayout(style_box)
        left.addWidget(self.span)
        left.addSpacing(8)
        for button in (self.preview_button, self.save_pdf, self.save_xlsx, self.print_button):
            left.addWidget(button)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel)
        left.addLayout(progress_row)
        left.addStretch(1)
        panel = QFrame()
        panel.setLayout(left)
        panel.setFixedWidth(320)

        self.pages_box = QWidget()
        self.pages_layout = QVBoxLayout(self.pages_box)
        self.pages_layout.setAlignment(Qt.AlignHCenter | Qt.AlignTop)
        self.pages_layout.setSpacing(12)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.pages_box)
        self.scroll.setWidgetResizable(True)
        self.scroll.setStyleSheet("QScrollArea { background:#8a8a8a; } QScrollArea > QWidget > QWidget "
                                  "{ background:#8a8a8a; }")
        self.page_info = QLabel()
        self.page_info.setStyleSheet("color:#444")
        right = QVBoxLayout()
        right.addWidget(self.scroll, 1)
        right.addWidget(self.page_info)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addWidget(panel)
        layout.addLayout(right, 1)

        self.pdf: bytes | None = None
        self.images: list = []
        self.page_count = 0
        self.page_labels: list[QLabel] = []
        self._shown: Request | None = None
        self._job = 0
        self._handle = None
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(350)
        self._debounce.timeout.connect(self._auto_preview)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for signal in (self.year.valueChanged, self.month.currentIndexChanged, self.quarter.currentIndexChanged,
                       self.agency.currentIndexChanged,
                       self.date_from.dateChanged, self.date_to.dateChanged, self.styles.buttonToggled):
            signal.connect(self._changed)
        self.preview_button.clicked.connect(self.make_preview)
        self.save_pdf.clicked.connect(self.save_as_pdf)
        self.save_xlsx.clicked.connect(self.export_excel)
        self.print_button.clicked.connect(self.print_report)
        self.cancel.clicked.connect(self._cancel)
        add_shortcut(self, "F5", self.make_preview)
        add_shortcut(self, QKeySequence.Print, self.print_report)
        add_shortcut(self, QKeySequence.Save, self.save_as_pdf)
        ctx.runner.progress.connect(self._progress)
        self._kind_changed()

    # -------------------------------------------------- what is asked
    def request(self) -> Request:
        kind = self.kind.currentData()
        style = "15-14" if self.cut_style.isChecked() else "calendar"
        agency = self.agency.currentData() or None
        if kind == "ledger":
            return Request("ledger", 0, date_from=_pydate(self.date_from.date()),
                           date_to=_pydate(self.date_to.date()), agency=agency)
        number = self.month.currentData() if kind == "month" else self.quarter.currentData() \
            if kind == "quarter" else 0
        return Request(kind, self.year.value(), number, style, agency=agency)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        for (label, field), visible in ((self.month_row, kind == "month"), (self.quarter_row, kind == "quarter"),
                                        (self.from_row, kind == "ledger"), (self.to_row, kind == "ledger")):
            label.setVisible(visible)
            field.setVisible(visible)
        self.year.setEnabled(kind != "ledger")
        for widget in (self.style_title, self.calendar_style, self.cut_style):
            widget.setVisible(kind != "ledger")
        self.save_xlsx.setEnabled(kind != "ledger")
        self.save_xlsx.setToolTip(_("Sổ theo dõi chỉ in ra PDF.") if kind == "ledger" else "")
        self._changed()

    def _changed(self, *_args) -> None:
        try:
            start, end = self.request().span()
            self.span.setText(_("Kỳ báo cáo: {a} – {b}").format(a=short_date(start), b=short_date(end)))
        except CaseDeskError as exc:
            self.span.setText(str(exc))
        self._update_buttons()
        if self.isVisible():
            self._debounce.start()

    def _update_buttons(self) -> None:
        ready = self.pdf is not None and self._shown == self.request()
        self.save_pdf.setEnabled(ready)
        self.print_button.setEnabled(ready)

    # -------------------------------------------------- preview
    def _auto_preview(self) -> None:
        """After a change of period: reports redraw by themselves, a ledger waits for F5."""
        if self.request().kind == "ledger":
            self._clear_pages()
            self.page_info.setText(_("Nhấn Xem trước (F5) để lập sổ theo dõi."))
            return
        self.make_preview()

    def make_preview(self) -> None:
        self._debounce.stop()
        request = self.request()
        if request.kind == "ledger":
            if request.date_to < request.date_from:
                self._show_problem(_("Ngày cuối phải sau ngày đầu."))
                return
            self._job += 1
            job = self._job
            span = CaseFilter(received_from=request.date_from, received_to=request.date_to)
            self.page_info.setText(_("Đang đếm hồ sơ của sổ…"))
            self.ctx.runner.run(lambda: queries.count_cases(span),
                                on_done=lambda count: self._ledger_counted(job, request, count),
                                on_error=lambda exc: self._preview_failed(job, exc))
            return
        self._render(request)

    def _ledger_counted(self, job: int, request: Request, count: int) -> None:
        """A long ledger is made only if the user agrees (the count was read on the runner)."""
        if job != self._job or not shiboken6.isValid(self):
            return
        if count > LEDGER_ASK_ABOVE and not confirm_long(
                self, _("Sổ theo dõi có {n} hồ sơ (khoảng {p} trang); lập sổ có thể mất vài phút và trong "
                        "lúc đó các việc khác phải chờ. Tiếp tục?").format(
                    n=format_int(count), p=format_int(count // 5 + 1))):
            self.page_info.setText(_("Nhấn Xem trước (F5) để lập sổ theo dõi."))
            return
        self._render(request)

    def _render(self, request: Request) -> None:
        self._job += 1
        job = self._job
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel.show()
        self.page_info.setText(_("Đang chuẩn bị báo cáo…"))
        self._handle = self.ctx.runner.run(
            lambda report: render_preview(request, report),
            on_done=lambda result: self._preview_done(job, request, result),
            on_error=lambda exc: self._preview_failed(job, exc),
            label=_("Đang lập báo cáo…"), progress=True)

    def _progress(self, done: int, total: int, _text: str) -> None:
        if self.progress.isVisible() and total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _finish_job(self) -> None:
        self.progress.hide()
        self.cancel.hide()
        self._handle = None

    def _cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self._job += 1                      # whatever comes back now is not wanted
        self._finish_job()
        self.page_info.setText(_("Đã hủy."))

    def _preview_done(self, job: int, request: Request, result) -> None:
        if job != self._job:
            return
        self._finish_job()
        self.pdf, self.images, self.page_count = result
        self._shown = request
        self._show_pages()
        self._update_buttons()

    def _preview_failed(self, job: int, exc: BaseException) -> None:
        if job != self._job:
            return
        self._finish_job()
        if isinstance(exc, CaseDeskError):
            self._show_problem(str(exc))
        else:
            self._show_problem(_("Không lập được báo cáo."))
            show_error(self, exc)

    def _show_problem(self, text: str) -> None:
        self.pdf, self.images, self._shown = None, [], None
        self._clear_pages()
        note = QLabel(text)
        note.setWordWrap(True)
        note.setTextInteractionFlags(Qt.TextSelectableByMouse)
        note.setTextFormat(Qt.PlainText)
        note.setStyleSheet("background:white; color:#b3261e; padding:16px; font-size:11pt")
        note.setMinimumWidth(min(560, max(320, self.scroll.viewport().width() - 60)))
        note.setMaximumWidth(640)
        self.pages_layout.addWidget(note)
        self.page_labels.append(note)
        self.page_info.setText("")
        self._update_buttons()

    def _clear_pages(self) -> None:
        for label in self.page_labels:
            label.deleteLater()
        self.page_labels = []

    def _show_pages(self) -> None:
        self._clear_pages()
        width = max(400, self.scroll.viewport().width() - 40)
        for image in self.images:
            pixmap = QPixmap.fromImage(image)
            if pixmap.width() > width:
                pixmap = pixmap.scaledToWidth(width, Qt.SmoothTransformation)
            label = QLabel()
            label.setPixmap(pixmap)
            label.setStyleSheet("background:white; border:1px solid #555")
            self.pages_layout.addWidget(label)
            self.page_labels.append(label)
        name = self._shown.file_stem()
        if self.page_count > len(self.images):
            self.page_info.setText(_("{n} trang · {name}.pdf · xem trước {k} trang đầu; lưu và in có đủ").format(
                n=self.page_count, name=name, k=len(self.images)))
        else:
            self.page_info.setText(_("{n} trang · {name}.pdf").format(n=self.page_count, name=name))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.images:
            QTimer.singleShot(0, self._show_pages)

    # -------------------------------------------------- output
    def save_as_pdf(self) -> None:
        if not self.save_pdf.isEnabled():
            return
        from ..printing import save_pdf

        path = save_pdf(self, self.pdf, self._shown.file_stem())
        if path:
            self.ctx.signals.status.emit(_("Đã lưu {path}").format(path=str(path)))

    def print_report(self) -> None:
        if not self.print_button.isEnabled():
            return
        from ..printing import print_pdf

        print_pdf(self, self.pdf, self._shown.file_stem(), runner=self.ctx.runner)

    def export_excel(self) -> None:
        request = self.request()
        if request.kind == "ledger":
            return
        import os

        suggested = os.path.join(os.path.expanduser("~"), request.file_stem() + ".xlsx")
        path, _chosen = QFileDialog.getSaveFileName(self, _("Xuất báo cáo ra Excel"), suggested,
                                                    _("Tệp Excel (*.xlsx)"))
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"

        def work():
            return str(write_atomic(path, render(request, "xlsx")))

        self.save_xlsx.setEnabled(False)

        def done(written: str) -> None:
            self.save_xlsx.setEnabled(True)
            self.ctx.signals.status.emit(_("Đã lưu {path}").format(path=written))

        def failed(exc: BaseException) -> None:
            self.save_xlsx.setEnabled(True)
            show_error(self, exc)

        self.ctx.runner.run(work, on_done=done, on_error=failed, label=_("Đang xuất báo cáo ra Excel…"))

    # -------------------------------------------------- screen protocol
    def activate(self) -> None:
        if self._stale or self._shown != self.request():
            self._stale = False
            self._auto_preview()
        self.kind.setFocus()

    def reload(self) -> None:
        self._auto_preview()

    def on_changed(self, changes: Changes) -> None:
        if changes.cases or changes.settings or changes.calendar:
            if self.isVisible() and self._shown is not None:
                self._debounce.start()
            else:
                self._stale = True
