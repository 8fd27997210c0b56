"""Cài đặt → Thủ tục: the admin's catalogue.  Each procedure shows its deciding agency, the law's time
unit, its national code and whether its source was checked; the admin adds a procedure, edits one (a
new version from a date), retires and re-enables it (another agency's procedures are turned on here
when the office receives them on that agency's behalf), and imports or exports the catalogue as an
Excel workbook with a preview of what the import would do, line by line.  A part of
``SettingsScreen``: every change goes through ``casedesk.services.catalogue_admin`` on the runner."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import shiboken6
from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QFileDialog, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPushButton, QSpinBox, QTableView,
                               QVBoxLayout, QWidget)

from casedesk import catalogue_xlsx, context
from casedesk.i18n import N_, _, format_money
from casedesk.services import catalogue, catalogue_admin
from casedesk.services.views import ProcedureView
from casedesk.text import fold

from ..models.rows_model import Column, RowsModel
from . import settings_dialogs as dialogs
from .settings_backups import buttons_row, table_view

UNIT_CHOICES = (("working_days", N_("ngày làm việc")), ("days", N_("ngày theo lịch")),
                ("same_day", N_("trong ngày (giờ chốt)")))
FEE_CHOICES = (("free", N_("Miễn phí")), ("fixed", N_("Mức cố định")),
               ("province", N_("Theo Nghị quyết HĐND tỉnh")), ("per_page", N_("Theo trang")),
               ("per_copy", N_("Theo bản")))


def limit_text(p: ProcedureView) -> str:
    if p.same_day:
        return _("Trong ngày")
    if p.time_unit == "days":
        return _("{n} ngày (theo lịch)").format(n=p.days)
    return _("{n} ngày làm việc").format(n=p.days)


def fee_text(p: ProcedureView) -> str:
    if p.fee_pending:
        return _("Theo NQ HĐND tỉnh")
    if p.fee_kind == "free":
        return _("Miễn phí")
    text = format_money(p.fee)
    return text + (_("/trang") if p.fee_kind == "per_page" else _("/bản") if p.fee_kind == "per_copy" else "")


class ProcedureDialog(dialogs.ServiceDialog):
    """Add a procedure (``proc`` None) or make a new version of one, in force from a date."""

    def __init__(self, parent: QWidget | None, runner, actor: str, proc: ProcedureView | None, *,
                 fields: list[tuple[str, str]] = (), agencies: list[tuple[str, str, bool]] = ()):
        """``fields``: (code, name); ``agencies``: (code, name, own) — read on the runner by the tab."""
        title = (_("Phiên bản mới của thủ tục {code}").format(code=proc.code) if proc
                 else _("Thêm thủ tục"))
        super().__init__(parent, runner, title)
        self.actor, self.proc = actor, proc
        self.setMinimumWidth(760)
        today = context.today()
        self.effective = QDateEdit(QDate(today.year, today.month, today.day))
        self.effective.setMinimumDate(QDate(today.year, today.month, today.day))
        self.effective.setDisplayFormat("dd/MM/yyyy")
        self.effective.setCalendarPopup(True)
        self.code = QLineEdit(proc.code if proc else "")
        self.code.setEnabled(proc is None)
        self.code.setPlaceholderText(_("ví dụ HT-16"))
        self.field_box = QComboBox()
        for code, name in fields:
            self.field_box.addItem(f"{code} — {name}", code)
        self.agency = QComboBox()
        for code, name, own in agencies:
            self.agency.addItem(name if own else _("{name} (cơ quan khác)").format(name=name), code)
        self.name = QLineEdit(proc.name if proc else "")
        self.national_code = QLineEdit(proc.national_code if proc else "")
        self.national_code.setPlaceholderText(_("mã TTHC, ví dụ 1.001193"))
        self.unit = QComboBox()
        for key, label in UNIT_CHOICES:
            self.unit.addItem(_(label), key)
        self.days = QSpinBox()
        self.days.setRange(0, 365)
        self.extension = QSpinBox()
        self.extension.setRange(0, 60)
        self.extension.setSuffix(_(" ngày làm việc"))
        self.legal_basis = QLineEdit(proc.legal_basis if proc else "")
        self.legal_basis.setPlaceholderText(_("văn bản, điều, khoản"))
        self.verified = QCheckBox(_("Đã đối chiếu văn bản gốc"))
        self.source_note = QLineEdit(proc.source_note if proc else "")
        self.fee_kind = QComboBox()
        for key, label in FEE_CHOICES:
            self.fee_kind.addItem(_(label), key)
        self.fee = QSpinBox()
        self.fee.setRange(0, 100_000_000)
        self.fee.setSingleStep(1000)
        self.fee.setGroupSeparatorShown(True)
        self.fee.setSuffix(" đ")
        self.fee_note = QLineEdit(proc.fee_note if proc else "")
        self.active = QCheckBox(_("Đang áp dụng"))
        if proc is not None:
            self.field_box.setCurrentIndex(max(0, self.field_box.findData(proc.field_code)))
            self.field_box.setEnabled(False)
            self.agency.setCurrentIndex(max(0, self.agency.findData(proc.agency)))
            self.unit.setCurrentIndex(max(0, self.unit.findData(proc.time_unit)))
            self.days.setValue(proc.days)
            self.extension.setValue(proc.extension_days)
            self.verified.setChecked(proc.verified)
            self.fee_kind.setCurrentIndex(max(0, self.fee_kind.findData(proc.fee_kind)))
            self.fee.setValue(proc.fee)
            self.active.setChecked(proc.active)
            note = QLabel(_("Phiên bản hiện hành: {v}, từ {d}. Hồ sơ đã nhận giữ nguyên phiên bản cũ.").format(
                v=proc.version, d=proc.effective_from.strftime("%d/%m/%Y")))
            note.setWordWrap(True)
            note.setStyleSheet("color:#555")
            self.form.addRow(note)
        else:
            self.active.setChecked(True)
            self.fee_kind.setCurrentIndex(0)
        for edit in (self.name, self.legal_basis, self.source_note, self.fee_note):
            edit.setCursorPosition(0)           # long sources read from their beginning
        self.unit.currentIndexChanged.connect(self._unit_changed)
        self._unit_changed()
        self.form.addRow(_("Hiệu lực &từ ngày:"), self.effective)
        self.form.addRow(_("&Mã thủ tục:"), self.code)
        self.form.addRow(_("Lĩnh vực:"), self.field_box)
        self.form.addRow(_("&Tên thủ tục:"), self.name)
        self.form.addRow(_("Mã TTHC:"), self.national_code)
        self.form.addRow(_("Cơ quan giải quyết:"), self.agency)
        limit = QHBoxLayout()
        limit.addWidget(self.days)
        limit.addWidget(self.unit)
        limit.addWidget(QLabel(_("xác minh thêm tối đa")))
        limit.addWidget(self.extension)
        limit.addStretch(1)
        self.form.addRow(_("Thời hạn:"), limit)
        self.form.addRow(_("Căn cứ pháp lý:"), self.legal_basis)
        self.form.addRow("", self.verified)
        self.form.addRow(_("Ghi chú nguồn:"), self.source_note)
        fee = QHBoxLayout()
        fee.addWidget(self.fee_kind)
        fee.addWidget(self.fee)
        fee.addStretch(1)
        self.form.addRow(_("Lệ phí:"), fee)
        self.form.addRow(_("Ghi chú lệ phí:"), self.fee_note)
        self.form.addRow("", self.active)
        self.papers = RowsModel(dialogs.PAPER_COLUMNS, [
            {"name": p.name, "original": p.original, "copies": p.copies, "optional": p.optional}
            for p in (proc.papers if proc else ())], editable=True)
        self.paper_view = QTableView()
        self.paper_view.setModel(self.papers)
        self.paper_view.verticalHeader().hide()
        self.paper_view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.paper_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.paper_view.setMinimumHeight(130)
        add, remove = QPushButton(_("Thêm giấy tờ")), QPushButton(_("Bỏ giấy tờ đã chọn"))
        add.clicked.connect(self._add_paper)
        remove.clicked.connect(self._remove_paper)
        self.body.addWidget(QLabel(_("Thành phần hồ sơ:")))
        self.body.addWidget(self.paper_view)
        self.body.addLayout(buttons_row(add, remove))
        self.finish_layout()

    def _unit_changed(self) -> None:
        same_day = self.unit.currentData() == "same_day"
        if same_day:
            self.days.setValue(0)
        self.days.setEnabled(not same_day)
        self.days.setMinimum(0 if same_day else 1)

    def _add_paper(self) -> None:
        row = self.papers.append({"name": _("Giấy tờ mới"), "original": 1, "copies": 0, "optional": False})
        index = self.papers.index(row, 0)
        self.paper_view.setCurrentIndex(index)
        self.paper_view.edit(index)

    def _remove_paper(self) -> None:
        index = self.paper_view.currentIndex()
        if index.isValid():
            self.papers.remove(index.row())

    def values(self) -> dict:
        values = dict(name=self.name.text(), national_code=self.national_code.text(),
                      agency=self.agency.currentData(), time_unit=self.unit.currentData(),
                      days=self.days.value(), extension_days=self.extension.value(),
                      legal_basis=self.legal_basis.text(), verified=self.verified.isChecked(),
                      source_note=self.source_note.text(), fee_kind=self.fee_kind.currentData(),
                      fee=self.fee.value(), fee_note=self.fee_note.text(),
                      papers=[dict(p) for p in self.papers.rows()], active=self.active.isChecked())
        if self.proc is None:
            values["field"] = self.field_box.currentData()
        return values

    def work(self):
        q = self.effective.date()
        effective = dt.date(q.year(), q.month(), q.day())
        values, actor = self.values(), self.actor
        if self.proc is None:
            code = self.code.text()
            return lambda: catalogue_admin.add_procedure(actor=actor, code=code, effective_from=effective, **values)
        code = self.proc.code
        return lambda: catalogue_admin.edit_procedure(actor=actor, code=code, effective_from=effective, **values)


class CatalogueTab:
    """The procedures tab of ``SettingsScreen`` (a mixin: it uses the screen's ctx, runner and actor)."""

    def _procedures_tab(self) -> QWidget:
        tab = QWidget()
        self.procedures = RowsModel([
            Column(N_("Mã"), key="code"),
            Column(N_("Tên thủ tục"), key="name"),
            Column(N_("Cơ quan"), key="agency_name"),
            Column(N_("Thời hạn"), get=limit_text),
            Column(N_("Lệ phí"), get=fee_text),
            Column(N_("Mã TTHC"), key="national_code"),
            Column(N_("Nguồn"), get=lambda p: _("Đã đối chiếu") if p.verified else _("Chưa đối chiếu")),
            Column(N_("Phiên bản"), key="version", kind="int"),
            Column(N_("Từ ngày"), key="effective_from", kind="date"),
            Column(N_("Áp dụng"), get=lambda p: _("Có") if p.active else _("Ngừng")),
        ])
        self.procedure_filter = QLineEdit()
        self.procedure_filter.setPlaceholderText(_("Lọc theo mã, tên hoặc cơ quan (gõ không dấu được)"))
        self.procedure_filter.setClearButtonEnabled(True)
        self.procedure_filter.textChanged.connect(lambda _t: self._filter_procedures())
        self.procedures_view = table_view(self.procedures, stretch=1)
        self.procedures_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.procedures_view.doubleClicked.connect(lambda _i: self.new_procedure_version())
        self.procedures_view.selectionModel().currentRowChanged.connect(lambda *_a: self._show_source())
        self.procedure_source = QLabel()
        self.procedure_source.setWordWrap(True)
        self.procedure_source.setStyleSheet("color:#444")
        add = QPushButton(_("&Thêm thủ tục…"))
        add.clicked.connect(self.add_procedure)
        new = QPushButton(_("&Phiên bản mới…"))
        new.setToolTip(_("Sửa thủ tục bằng một phiên bản mới có hiệu lực từ một ngày"))
        new.clicked.connect(self.new_procedure_version)
        self.retire_button = QPushButton(_("&Ngừng / bật lại"))
        self.retire_button.setToolTip(_("Ngừng áp dụng thủ tục từ hôm nay, hoặc bật lại (kể cả thủ tục của cơ "
                                        "quan khác khi đơn vị tiếp nhận thay)"))
        self.retire_button.clicked.connect(self.toggle_procedure)
        imp = QPushButton(_("&Nhập từ Excel…"))
        imp.clicked.connect(self.import_procedures)
        exp = QPushButton(_("&Xuất Excel…"))
        exp.clicked.connect(self.export_procedures)
        box = QVBoxLayout(tab)
        top = QHBoxLayout()
        top.addWidget(self.procedure_filter, 1)
        for button in (add, new, self.retire_button, imp, exp):
            top.addWidget(button)
        box.addLayout(top)
        box.addWidget(self.procedures_view, 1)
        box.addWidget(self.procedure_source)
        return tab

    def load_procedures(self) -> None:
        """Every procedure in force (on or off) and the fields (for the user dialog), read on the runner."""
        def read():
            agencies = [(a.code, a.name, a.own) for a in catalogue.agencies().values()]
            return catalogue.list_procedures(include_inactive=True), catalogue.fields(), agencies

        def show(got) -> None:
            if shiboken6.isValid(self):
                self._all_procedures, self._fields, self._agencies = got
                self._filter_procedures()

        self.ctx.runner.run(read, on_done=show, on_error=self._read_failed)

    def _filter_procedures(self) -> None:
        words = fold(self.procedure_filter.text()).split()
        rows = [p for p in self._all_procedures
                if all(w in f"{fold(p.name)} {p.code.lower()} {fold(p.field_name)} {fold(p.agency_name)}"
                       for w in words)]
        self.procedures.set_rows(rows)
        self._show_source()

    def _selected_procedure(self) -> ProcedureView | None:
        index = self.procedures_view.currentIndex()
        return self.procedures.row_at(index.row()) if index.isValid() else None

    def _show_source(self) -> None:
        p = self._selected_procedure()
        if p is None:
            self.procedure_source.setText(_("Chọn một thủ tục để xem căn cứ pháp lý và nguồn."))
            return
        self.procedure_source.setText(_("{code}: {basis}. {note}").format(
            code=p.code, basis=p.legal_basis or _("chưa ghi căn cứ"), note=p.source_note))

    def _after_change(self, result, message: str) -> None:
        view, changes = result
        self.load_procedures()
        self.ctx.signals.status.emit(message.format(code=view.code, v=view.version,
                                                    d=view.effective_from.strftime("%d/%m/%Y")))
        self.ctx.notify(changes)

    def add_procedure(self) -> None:
        dialog = ProcedureDialog(self, self.ctx.runner, self.actor, None, fields=self._fields,
                                 agencies=getattr(self, "_agencies", []))
        if dialogs.exec_dialog(dialog) and dialog.result_value:
            self._after_change(dialog.result_value, _("Đã thêm thủ tục {code}, hiệu lực từ {d}."))

    def new_procedure_version(self) -> None:
        proc = self._selected_procedure()
        if proc is None:
            return
        dialog = ProcedureDialog(self, self.ctx.runner, self.actor, proc, fields=self._fields,
                                 agencies=getattr(self, "_agencies", []))
        if dialogs.exec_dialog(dialog) and dialog.result_value:
            self._after_change(dialog.result_value,
                               _("Đã tạo phiên bản {v} của thủ tục {code}, hiệu lực từ {d}."))

    def toggle_procedure(self) -> None:
        proc = self._selected_procedure()
        if proc is None:
            return
        actor, code = self.actor, proc.code
        if proc.active:
            question = _("Ngừng áp dụng thủ tục {code} từ hôm nay? Hồ sơ đã nhận vẫn giải quyết tiếp.")
            func, message = catalogue_admin.retire_procedure, _("Đã ngừng áp dụng thủ tục {code} từ {d}.")
        elif not proc.agency_own:
            question = _("Bật thủ tục {code} của {agency}: đơn vị tiếp nhận thay {agency}, vào sổ và dãy mã hồ "
                         "sơ riêng, không tính vào báo cáo của UBND xã?")
            func, message = catalogue_admin.enable_procedure, _("Đã bật thủ tục {code} từ {d}.")
        else:
            question = _("Áp dụng lại thủ tục {code} từ hôm nay?")
            func, message = catalogue_admin.enable_procedure, _("Đã bật thủ tục {code} từ {d}.")
        if not dialogs.confirm_dialog(self, self.retire_button.text().replace("&", ""),
                                      question.format(code=code, agency=proc.agency_name)):
            return
        self._run(lambda: func(actor=actor, code=code), lambda r: self._after_change(r, message), _("Đang lưu…"))

    def export_procedures(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(self, _("Xuất danh mục thủ tục"), "danh-muc-thu-tuc.xlsx",
                                                    _("Bảng tính Excel (*.xlsx)"))
        if not path:
            return

        def work():
            from casedesk.files import write_atomic

            return write_atomic(path, catalogue_xlsx.export_bytes())

        self._run(work, lambda target: self.ctx.signals.status.emit(
            _("Đã lưu danh mục thủ tục vào {path}.").format(path=str(target))), _("Đang xuất…"))

    def import_procedures(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Nhập danh mục thủ tục"), "",
                                                    _("Bảng tính Excel (*.xlsx)"))
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Preview first (nothing written), then apply the rows that passed if the admin agrees."""
        actor = self.actor

        def preview():
            data = path.read_bytes()
            return data, catalogue_xlsx.import_bytes(data, actor=actor, dry_run=True)

        def show(result) -> None:
            data, report = result
            if not any(line.status in ("add", "edit") for line in report):
                dialogs.confirm_dialog(self, _("Nhập danh mục thủ tục"), import_summary(report), ok_only=True)
                return
            if dialogs.confirm_dialog(self, _("Nhập danh mục thủ tục"),
                                      import_summary(report) + "\n\n" + _("Ghi các dòng hợp lệ vào danh mục?")):
                self._run(lambda: catalogue_xlsx.import_bytes(data, actor=actor),
                          lambda r: (self.load_procedures(), self.ctx.signals.status.emit(import_summary(r, short=True))),
                          _("Đang nhập…"))

        self._run(preview, show, _("Đang đọc bảng tính…"))


def import_summary(report, *, short: bool = False) -> str:
    counts = {s: sum(1 for r in report if r.status == s) for s in ("add", "edit", "same", "refused")}
    head = _("Thêm {add}, sửa {edit}, không đổi {same}, từ chối {refused}.").format(**counts)
    if short:
        return head
    lines = [_("Dòng {row} ({code}): {reason}").format(row=r.row, code=r.code or "?", reason=r.reason)
             for r in report if r.status == "refused"]
    return "\n".join([head] + lines[:30] + ([_("… và {n} dòng khác.").format(n=len(lines) - 30)]
                                            if len(lines) > 30 else []))


__all__ = ["CatalogueTab", "ProcedureDialog", "import_summary"]
