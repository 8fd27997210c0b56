"""Cài đặt (admin): the office printed on every document, users and roles, the
procedure catalogue, the working calendar per year, paper and language, backups.

Every save is one service call on the Runner; the screen then tells the others
what changed (``ctx.notify``).  Users are deactivated, never deleted: the audit
trail names them.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import shiboken6
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QSpinBox, QTableView, QTabWidget, QVBoxLayout, QWidget)

from casedesk import context, workflow
from casedesk.errors import CaseDeskError, Unavailable
from casedesk.i18n import N_, _, short_date
from casedesk.services import auth, office
from casedesk.services.views import Changes
from casedesk.settings import setting_label
from casedesk.text import display_phone
from casedesk.workcalendar import DAY_OFF_KINDS, YearData, dump_year_toml, parse_year_toml

from ..appctx import AppContext
from ..models.rows_model import ChoiceDelegate, Column, RowsModel
from ..widgets.case_table import show_error, translated
from . import settings_dialogs as dialogs
from .base import Screen
from .settings_backups import BackupsTab, buttons_row, table_view
from .settings_catalogue import CatalogueTab
from .settings_connection import ConnectionTab
from .settings_status import StatusPageTab
from .settings_import import LedgerImportPanel
from .settings_roster import RosterTab

OFFICE_FIELDS = (
    ("office_name", N_("Tên đơn vị")),
    ("superior", N_("Cơ quan chủ quản (dòng đầu văn bản)")),
    ("commune", N_("Xã/phường")),
    ("province", N_("Tỉnh/thành phố")),
    ("place_name", N_("Địa danh ghi ngày tháng")),
    ("unit_code", N_("Mã đơn vị (đầu mã hồ sơ)")),
    ("address", N_("Địa chỉ")),
    ("phone", N_("Điện thoại")),
    ("office_open", N_("Giờ mở cửa")),
    ("office_close", N_("Giờ đóng cửa")),
    ("cutoff", N_("Giờ chốt nhận trong ngày")),
    ("ledger_book", N_("Quyển số sổ theo dõi")),
)
# who signs (documents/signers.py); labelled as the sentence that asks to fill one names them
SIGNER_FIELDS = ("leader_title", "leader_name", "chairman_name", "centre_head_title", "centre_head_name",
                 "report_preparer")
KIND_LABELS = (("holiday", N_("Nghỉ lễ, Tết")), ("compensatory", N_("Nghỉ bù")), ("day_off", N_("Nghỉ hoán đổi")))
assert tuple(k for k, _l in KIND_LABELS) == DAY_OFF_KINDS


class SettingsScreen(CatalogueTab, BackupsTab, ConnectionTab, Screen):
    key = "settings"
    title = translated(N_("Cài đặt"))
    roles = ("admin",)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self._select_login: str | None = None      # select this user when the table is next read
        self._fields: list[tuple[str, str]] = []     # (code, name), read with the procedures
        self._all_procedures = []
        self._agencies: list[tuple[str, str, bool]] = []   # (code, name, own), read with the procedures
        self._year_asked = None
        self._office_shown: dict | None = None       # the settings as filled in (see has_unsaved)
        self._year_shown: tuple | None = None        # the holiday year as read
        self.tabs = QTabWidget()
        self.tabs.addTab(self._office_tab(), _("Đơn vị"))
        self.tabs.addTab(self._users_tab(), _("Người dùng"))
        self.tabs.addTab(self._procedures_tab(), _("Thủ tục"))
        self.tabs.addTab(self._calendar_tab(), _("Lịch làm việc"))
        self.roster = RosterTab(ctx)                  # the duty roster (settings_roster.py)
        self.tabs.addTab(self.roster, _("Lịch trực"))
        self.tabs.addTab(self._print_tab(), _("In ấn và ngôn ngữ"))
        self.backup = self._backup_module()
        if self.backup is not None:
            self.tabs.addTab(self._backups_tab(), _("Sao lưu"))
        self.tabs.addTab(self._connection_tab(), _("Kết nối"))
        self.ledger_import = LedgerImportPanel(ctx)
        self.tabs.addTab(self.ledger_import, _("Nhập sổ cũ"))
        self.status_page = StatusPageTab(ctx)         # the LAN status page (settings_status.py)
        self.tabs.addTab(self.status_page, _("Trang tra cứu"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addWidget(self.tabs)
        self._fill_office()                          # every tab built: the form and its snapshot
        self.load_users()
        self.roster.reload()
        self.load_procedures()
        self.load_year()

    @property
    def actor(self) -> str:
        return self.ctx.user.login

    def _run(self, fn, done, label: str) -> None:
        self.ctx.runner.run(fn, on_done=done, on_error=lambda exc: show_error(self, exc), label=label)

    # ================================================== office, paper, language
    def _office_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout()
        self.office_edits: dict[str, QLineEdit] = {}
        for key, label in OFFICE_FIELDS:
            edit = QLineEdit()
            edit.setMaximumWidth(560)
            self.office_edits[key] = edit
            form.addRow(_(label) + ":", edit)
        self.lockout_attempts = QSpinBox()
        self.lockout_attempts.setRange(1, 50)
        self.lockout_minutes = QSpinBox()
        self.lockout_minutes.setRange(1, 1440)
        self.lockout_minutes.setSuffix(_(" phút"))
        lock = QHBoxLayout()
        lock.addWidget(QLabel(_("Khóa sau")))
        lock.addWidget(self.lockout_attempts)
        lock.addWidget(QLabel(_("lần sai mật khẩu, trong")))
        lock.addWidget(self.lockout_minutes)
        lock.addStretch(1)
        form.addRow(_("Đăng nhập:"), lock)
        self.culture_day_off = QCheckBox(_("Nghỉ ngày 24/11 (Ngày Văn hóa Việt Nam)"))
        form.addRow("", self.culture_day_off)
        self.office_save = QPushButton(_("&Lưu thông tin đơn vị"))
        self.office_save.clicked.connect(self.save_office)
        note = QLabel(_("Những thông tin này in trên mọi giấy tờ và báo cáo."))
        note.setStyleSheet("color:#555")
        box = QVBoxLayout(tab)
        box.addWidget(note)
        box.addLayout(form)
        box.addLayout(buttons_row(self.office_save))
        box.addStretch(1)
        self._fill_office()
        return tab

    def _fill_office(self) -> None:
        current = self.ctx.settings
        for key, edit in self.office_edits.items():
            edit.setText(str(getattr(current, key)))
        self.lockout_attempts.setValue(current.lockout_attempts)
        self.lockout_minutes.setValue(current.lockout_minutes)
        self.culture_day_off.setChecked(current.culture_day_off)
        if hasattr(self, "paper"):
            self.paper.setCurrentIndex(max(0, self.paper.findData(current.paper)))
            self.language.setCurrentIndex(max(0, self.language.findData(current.language)))
            self.period_style.setCurrentIndex(max(0, self.period_style.findData(current.period_style)))
            for key, edit in self.signer_edits.items():
                edit.setText(str(getattr(current, key)))
            self._office_shown = self._office_state()

    def _office_state(self) -> dict:
        """Every setting as the form shows it now (compared with what was filled in: unsaved edits)."""
        values = {key: edit.text() for key, edit in self.office_edits.items()}
        values.update(lockout_attempts=self.lockout_attempts.value(), lockout_minutes=self.lockout_minutes.value(),
                      culture_day_off=self.culture_day_off.isChecked())
        if hasattr(self, "paper"):
            values.update(paper=self.paper.currentData(), language=self.language.currentData(),
                          period_style=self.period_style.currentData())
            values.update({key: edit.text() for key, edit in self.signer_edits.items()})
        return values

    def _year_state(self) -> tuple:
        return ([dict(r) for r in self.days_off.rows()], [dict(r) for r in self.working_days.rows()],
                self.decided.isChecked())

    def has_unsaved(self) -> bool:
        """Settings or a holiday year edited and not saved (another desk's changes wait for them)."""
        if getattr(self, "_office_shown", None) is not None and self._office_state() != self._office_shown:
            return True
        if hasattr(self, "status_page") and self.status_page.has_unsaved():
            return True
        return self._year_shown is not None and self._year_state() != self._year_shown

    def _save_settings(self, values: dict, message: str) -> None:
        # only what was edited here: another desk's change to a field left alone is kept
        shown = self._office_shown or dataclasses.asdict(self.ctx.settings)
        changed = {k: v for k, v in values.items() if shown.get(k) != v}
        if not changed:
            self.ctx.signals.status.emit(_("Không có gì thay đổi."))
            return
        actor = self.actor

        def done(result) -> None:
            settings, changes = result
            self.ctx.settings = settings
            self._fill_office()
            self.ctx.signals.status.emit(message)
            self.ctx.notify(changes)

        self._run(lambda: office.update_settings(actor=actor, **changed), done, message)

    def save_office(self) -> None:
        values = {key: edit.text() for key, edit in self.office_edits.items()}
        values.update(lockout_attempts=self.lockout_attempts.value(), lockout_minutes=self.lockout_minutes.value(),
                      culture_day_off=self.culture_day_off.isChecked())
        self._save_settings(values, _("Đã lưu thông tin đơn vị."))

    def _print_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout()
        self.paper = QComboBox()
        self.paper.addItem(_("A4 (210 × 297 mm)"), "a4")
        self.paper.addItem(_("A5 (148 × 210 mm)"), "a5")
        self.language = QComboBox()
        self.language.addItem("Tiếng Việt", "vi")
        self.language.addItem("English", "en")
        self.period_style = QComboBox()
        self.period_style.addItem(_("Tháng dương lịch (1 → cuối tháng)"), "calendar")
        self.period_style.addItem(_("Từ ngày 15 tháng trước đến ngày 14"), "15-14")
        form.addRow(_("&Khổ giấy giấy hẹn, phiếu:"), self.paper)
        form.addRow(_("&Ngôn ngữ giao diện:"), self.language)
        form.addRow(_("Kỳ &báo cáo mặc định:"), self.period_style)
        self.signer_edits: dict[str, QLineEdit] = {}
        for key in SIGNER_FIELDS:
            edit = QLineEdit()
            edit.setMaximumWidth(420)
            edit.setAccessibleName(setting_label(key))
            self.signer_edits[key] = edit
            form.addRow(setting_label(key) + ":", edit)
        note = QLabel(_("Ngôn ngữ mới có hiệu lực từ lần mở chương trình sau. Văn bản hành chính luôn in "
                        "bằng tiếng Việt. Người ký là người đã phê duyệt hoặc từ chối hồ sơ; khi không có, "
                        "giấy tờ ghi tên người ở các ô trên. Giấy tờ thiếu tên người ký không in được."))
        note.setWordWrap(True)
        note.setStyleSheet("color:#555")
        save = QPushButton(_("&Lưu"))
        save.clicked.connect(self.save_print)
        box = QVBoxLayout(tab)
        box.addLayout(form)
        box.addWidget(note)
        box.addLayout(buttons_row(save))
        box.addStretch(1)
        self._fill_office()
        return tab

    def save_print(self) -> None:
        values = {"paper": self.paper.currentData(), "language": self.language.currentData(),
                  "period_style": self.period_style.currentData()}
        values.update({key: edit.text() for key, edit in self.signer_edits.items()})
        self._save_settings(values, _("Đã lưu cài đặt in ấn."))

    # ================================================== users
    def _users_tab(self) -> QWidget:
        tab = QWidget()
        self.users = RowsModel([
            Column(N_("Tên đăng nhập"), key="login"),
            Column(N_("Họ và tên"), key="full_name"),
            Column(N_("Vai trò"), get=lambda u: _(workflow.ROLE_LABELS.get(u.role, u.role))),
            Column(N_("Lĩnh vực"), get=lambda u: ", ".join(u.fields)),
            Column(N_("Điện thoại"), get=lambda u: display_phone(u.phone)),
            Column(N_("Tình trạng"), get=lambda u: _("Đang làm việc") if u.active else _("Đã khóa")),
        ])
        self.users_view = table_view(self.users, stretch=1)
        self.users_view.doubleClicked.connect(lambda _i: self.edit_user())
        add = QPushButton(_("&Thêm người dùng…"))
        edit = QPushButton(_("&Sửa…"))
        self.toggle_active = QPushButton(_("&Khóa tài khoản"))
        reset = QPushButton(_("Đặt lại &mật khẩu…"))
        add.clicked.connect(self.add_user)
        edit.clicked.connect(self.edit_user)
        self.toggle_active.clicked.connect(self.toggle_user)
        reset.clicked.connect(self.reset_password)
        self.users_view.selectionModel().currentRowChanged.connect(lambda *_a: self._user_selected())
        note = QLabel(_("Người dùng không bao giờ bị xóa (nhật ký ghi tên họ): người nghỉ việc thì khóa tài khoản."))
        note.setStyleSheet("color:#555")
        box = QVBoxLayout(tab)
        box.addLayout(buttons_row(add, edit, self.toggle_active, reset))
        box.addWidget(self.users_view, 1)
        box.addWidget(note)
        return tab

    def load_users(self) -> None:
        """The users' table, read on the runner; the selection stays on the same person."""
        current = self.selected_user()
        keep = self._select_login or (current.login if current else None)
        self._select_login = None

        def show(users) -> None:
            if not shiboken6.isValid(self):
                return
            self.users.set_rows(users)
            rows = self.users.rows()
            pick = next((i for i, u in enumerate(rows) if keep and u.login == keep), 0)
            if rows:
                self.users_view.selectRow(pick)
            self._user_selected()

        self.ctx.runner.run(auth.list_users, on_done=show, on_error=self._read_failed)

    def _read_failed(self, exc: BaseException) -> None:
        """A list that could not be read stays as it was; the window's banner says why when it is the server."""
        if not isinstance(exc, Unavailable) and shiboken6.isValid(self):
            show_error(self, exc)

    def selected_user(self):
        index = self.users_view.currentIndex() if hasattr(self, "users_view") else None
        return self.users.row_at(index.row()) if index is not None and index.isValid() else None

    def _user_selected(self) -> None:
        user = self.selected_user()
        self.toggle_active.setText(_("&Mở lại tài khoản") if user and not user.active else _("&Khóa tài khoản"))
        self.toggle_active.setEnabled(bool(user) and user.login != self.actor)

    def _user_dialog(self, dialog, message: str) -> None:
        if dialogs.exec_dialog(dialog):
            self.ctx.signals.status.emit(message)
            self._select_login = getattr(dialog.result_value, "login", None)
            self.ctx.notify(Changes(users=True))          # reloads the table (on_changed)
            changed = dialog.result_value
            login = getattr(changed, "login", None)
            row = next((i for i, u in enumerate(self.users.rows()) if login == u.login), -1)
            if row >= 0:
                self.users_view.selectRow(row)
            self._select_login = login          # the reload the notice asked for selects it too

    def add_user(self) -> None:
        self._user_dialog(dialogs.UserDialog(self, self.ctx.runner, self.actor, fields=self._fields), _("Đã thêm người dùng."))

    def edit_user(self) -> None:
        user = self.selected_user()
        if user is not None:
            self._user_dialog(dialogs.UserDialog(self, self.ctx.runner, self.actor, user, fields=self._fields),
                              _("Đã lưu người dùng {login}.").format(login=user.login))

    def reset_password(self) -> None:
        user = self.selected_user()
        if user is not None:
            self._user_dialog(dialogs.PasswordDialog(self, self.ctx.runner, self.actor, user),
                              _("Đã đặt lại mật khẩu cho {login}.").format(login=user.login))

    def toggle_user(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        actor, active = self.actor, not user.active

        def done(view) -> None:
            self.ctx.signals.status.emit(
                (_("Đã mở lại tài khoản {login}.") if active else _("Đã khóa tài khoản {login}.")).format(
                    login=view.login))
            self.ctx.notify(Changes(users=True))

        self._run(lambda: auth.set_active(actor=actor, login=user.login, active=active), done,
                  _("Đang lưu…"))

    # ================================================== working calendar
    def _calendar_tab(self) -> QWidget:
        tab = QWidget()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(context.today().year)
        self.year.valueChanged.connect(lambda _v: self.load_year())
        self.decided = QCheckBox(_("Đã có quyết định chính thức cho năm này"))
        self.provisional = QLabel()
        self.provisional.setWordWrap(True)
        self.days_off = RowsModel([Column(N_("Ngày"), key="date", kind="date"),
                                   Column(N_("Tên ngày nghỉ"), key="name"),
                                   Column(N_("Loại"), key="kind", kind="choice", choices=KIND_LABELS)],
                                  editable=True)
        self.working_days = RowsModel([Column(N_("Ngày"), key="date", kind="date"),
                                       Column(N_("Lý do làm bù"), key="name")], editable=True)
        self.days_off_view = table_view(self.days_off)
        self.days_off_view.setItemDelegateForColumn(2, ChoiceDelegate(KIND_LABELS, self.days_off_view))
        self.working_view = table_view(self.working_days)
        self.calendar_error = QLabel()
        self.calendar_error.setWordWrap(True)
        self.calendar_error.setStyleSheet("color:#b3261e")
        tables = QHBoxLayout()
        for title, model, view in ((_("Ngày nghỉ (ngoài thứ Bảy, Chủ nhật)"), self.days_off, self.days_off_view),
                                   (_("Thứ Bảy, Chủ nhật làm bù"), self.working_days, self.working_view)):
            column = QVBoxLayout()
            column.addWidget(QLabel(f"<b>{title}</b>"))
            column.addWidget(view, 1)
            add, remove = QPushButton(_("Thêm ngày")), QPushButton(_("Bỏ ngày đã chọn"))
            add.clicked.connect(lambda _c=False, m=model, v=view: self._add_day(m, v))
            remove.clicked.connect(lambda _c=False, m=model, v=view: self._remove_day(m, v))
            column.addLayout(buttons_row(add, remove))
            tables.addLayout(column, 3 if model is self.days_off else 2)
        save = QPushButton(_("&Lưu lịch năm"))
        save.clicked.connect(self.save_year)
        top = QHBoxLayout()
        year_label = QLabel(_("&Năm:"))
        year_label.setBuddy(self.year)
        top.addWidget(year_label)
        top.addWidget(self.year)
        top.addSpacing(16)
        top.addWidget(self.decided)
        top.addStretch(1)
        top.addWidget(save)
        box = QVBoxLayout(tab)
        box.addLayout(top)
        box.addWidget(self.provisional)
        box.addLayout(tables, 1)
        box.addWidget(self.calendar_error)
        return tab

    def load_year(self) -> None:
        """The year's days off and working days, read on the runner."""
        year = self.year.value()
        self._year_asked = year

        def show(text: str) -> None:
            if shiboken6.isValid(self) and self._year_asked == year:
                self._show_year(text)

        def failed(exc: BaseException) -> None:
            if shiboken6.isValid(self) and self._year_asked == year:
                if isinstance(exc, CaseDeskError):
                    self.calendar_error.setText(str(exc))
                else:
                    show_error(self, exc)

        self.ctx.runner.run(lambda: office.holiday_year_text(year), on_done=show, on_error=failed)

    def _show_year(self, text: str) -> None:
        self.calendar_error.clear()
        try:
            data = parse_year_toml(text)
        except (ValueError, CaseDeskError) as exc:
            self.calendar_error.setText(str(exc))
            return
        # the names are the office's data (printed in Vietnamese): shown and saved as stored, never translated
        self.days_off.set_rows([{"date": d, "name": name, "kind": data.kind_of(d)}
                                for d, name in data.days_off.items()])
        self.working_days.set_rows([{"date": d, "name": name} for d, name in data.working_days.items()])
        self.decided.setChecked(data.decided)
        self._show_provisional(data.decided)
        self._year_shown = self._year_state()

    def _show_provisional(self, decided: bool) -> None:
        if decided:
            self.provisional.setText(_("Lịch năm {y} theo quyết định chính thức.").format(y=self.year.value()))
            self.provisional.setStyleSheet("color:#1e6b2a")
        else:
            self.provisional.setText(_("◆ TẠM TÍNH: lịch năm {y} được tính theo quy định (Tết âm lịch, nghỉ bù); "
                                       "khi có quyết định chính thức, hãy sửa lại và đánh dấu ô trên.").format(
                y=self.year.value()))
            self.provisional.setStyleSheet("color:#8a5a00; font-weight:bold")

    def _add_day(self, model: RowsModel, view: QTableView) -> None:
        year = self.year.value()
        row = {"date": dt.date(year, 1, 1), "name": _("Ngày nghỉ") if model is self.days_off else _("Làm bù")}
        if model is self.days_off:
            row["kind"] = "holiday"
        index = model.index(model.append(row), 0)
        view.setCurrentIndex(index)
        view.edit(index)

    def _remove_day(self, model: RowsModel, view: QTableView) -> None:
        if view.currentIndex().isValid():
            model.remove(view.currentIndex().row())

    def year_data(self) -> YearData:
        """What the editor holds; the core's YearData checks it again."""
        year = self.year.value()
        days_off, working, kinds = {}, {}, {}
        for rows, target in ((self.days_off.rows(), days_off), (self.working_days.rows(), working)):
            for r in rows:
                day = r["date"]
                if day.year != year:
                    raise ValueError(_("Ngày {d} không thuộc năm {y}.").format(d=short_date(day), y=year))
                if not r["name"].strip():
                    raise ValueError(_("Ngày {d} chưa ghi tên.").format(d=short_date(day)))
                if day in target:
                    raise ValueError(_("Ngày {d} được ghi hai lần.").format(d=short_date(day)))
                target[day] = r["name"].strip()
                if "kind" in r:
                    kinds[day] = r["kind"]
        both = sorted(set(days_off) & set(working))
        if both:
            raise ValueError(_("Ngày {d} vừa là ngày nghỉ vừa là ngày làm bù.").format(d=short_date(both[0])))
        return YearData(year, days_off, working, self.decided.isChecked(), kinds)

    def save_year(self) -> None:
        self.calendar_error.clear()
        try:
            text = dump_year_toml(self.year_data())
        except ValueError as exc:
            self.calendar_error.setText(_("Lịch chưa hợp lệ: {why}").format(why=str(exc)))
            return
        year, actor = self.year.value(), self.actor

        def done(changes) -> None:
            self._year_shown = self._year_state()
            self._show_provisional(self.decided.isChecked())
            self.ctx.signals.status.emit(_("Đã lưu lịch làm việc năm {y}.").format(y=year))
            self.ctx.notify(changes)

        self._run(lambda: office.save_holiday_year(actor=actor, year=year, text=text), done, _("Đang lưu…"))

    # ================================================== screen protocol
    def activate(self) -> None:
        self.tabs.currentWidget().setFocus()

    def on_changed(self, changes: Changes) -> None:
        if changes.users:
            self.load_users()
            self.roster.reload()
        if changes.procedures:
            self.load_procedures()
        if changes.settings:
            self._fill_office()
            self.status_page.fill()
        if changes.calendar:
            self.load_year()
