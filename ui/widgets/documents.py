"""The documents of a case that can be printed now, and the bar that previews, saves or opens them.

The renderers live in the core (``casedesk.documents.build``); this module only
asks for bytes on the runner and hands them to ``ui.printing``.  The import is
looked up when needed, so the desk keeps working (without printing) in a build
where the documents module is missing.
"""
from __future__ import annotations

import importlib
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from casedesk.errors import CaseDeskError
from casedesk.i18n import _
from casedesk.services.views import CaseView

from .. import printing

FILE_STEMS = {
    "receipt": "giay-tiep-nhan", "supplement": "phieu-yeu-cau-bo-sung", "refusal": "thong-bao-tu-choi",
    "apology": "van-ban-xin-loi", "stop": "thong-bao-dung", "control-sheet": "phieu-kiem-soat",
}


class DocumentsUnavailable(CaseDeskError):
    """This build has no renderer for the document asked for."""


def _build():
    try:
        return importlib.import_module("casedesk.documents.build")
    except ModuleNotFoundError as exc:      # only "not there yet"; a broken renderer must show
        if exc.name in ("casedesk.documents.build", "casedesk.documents"):
            return None
        raise


def ready() -> bool:
    return _build() is not None


def label(kind: str) -> str:
    """The document's name as the core labels it (``mẫu 01`` …)."""
    build = _build()
    if build is not None and hasattr(build, "document_label"):
        try:
            return build.document_label(kind)
        except KeyError:
            pass
    return kind


def file_name(kind: str, code: str) -> str:
    return f"{FILE_STEMS.get(kind, kind)}-{code}.pdf"


def render(kind: str, code: str, paper: str | None = None) -> bytes:
    """PDF bytes of a case's document (call on the runner)."""
    build = _build()
    if build is None or not hasattr(build, "render_case_document"):
        raise DocumentsUnavailable(_("Bản này chưa có phần in {name}.").format(name=label(kind)))
    return build.render_case_document(kind, code, paper=paper)


def render_intake_supplement(values: dict, *, clerk: str, paper: str | None = None) -> bytes:
    """Form 02 for a dossier turned back at the desk before it is received (call on the runner).

    ``values``: procedure code, citizen_name, id_number, phone, email, address and ``missing``
    (the names of the papers still needed)."""
    build = _build()
    if build is None or not hasattr(build, "render_intake_supplement"):
        raise DocumentsUnavailable(_("Bản này chưa in được phiếu yêu cầu bổ sung cho hồ sơ chưa tiếp nhận. "
                                     "Giấy tờ còn thiếu: {papers}.").format(papers="; ".join(values["missing"])))
    return build.render_intake_supplement(clerk=clerk, paper=paper, **values)


def available(case: CaseView) -> list[str]:
    """The kinds that can be printed for this case now (call on the runner)."""
    build = _build()
    if build is None or not hasattr(build, "available_documents"):
        return []
    kinds = []
    for item in build.available_documents(case) or ():
        kind = item if isinstance(item, str) else getattr(item, "kind", None) or (
            item[0] if isinstance(item, (tuple, list)) and item else None)
        if kind and kind not in kinds:
            kinds.append(kind)
    return kinds


def preview(parent: QWidget, runner, kind: str, code: str, *, paper: str | None = None,
            on_error: Callable[[BaseException], None] | None = None) -> None:
    """Render on the runner, then the print preview (rasterised on the runner too)."""
    title = label(kind)
    runner.run(lambda: render(kind, code, paper),
               on_done=lambda pdf: printing.preview_pdf(parent, pdf, title, runner=runner),
               on_error=on_error, label=_("Đang tạo {name}…").format(name=title))


class DocumentsBar(QWidget):
    """A list of the case's printable documents with Xem và in / Lưu PDF / Mở."""

    def __init__(self, runner, parent: QWidget | None = None, *, paper: str | None = None,
                 on_error: Callable[[BaseException], None] | None = None):
        super().__init__(parent)
        self.runner = runner
        self.paper = paper
        self.on_error = on_error
        self.code = ""
        self.list = QListWidget(self)
        self.list.setAccessibleName(_("Giấy tờ in được"))
        self.list.itemActivated.connect(lambda _item: self.preview_selected())
        self.list.setMaximumHeight(120)
        self.preview_button = QPushButton(_("&Xem và in"), self)
        self.save_button = QPushButton(_("Lưu &PDF…"), self)
        self.open_button = QPushButton(_("Mở bằng trình &xem PDF"), self)
        self.preview_button.clicked.connect(self.preview_selected)
        self.save_button.clicked.connect(self.save_selected)
        self.open_button.clicked.connect(self.open_selected)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for b in (self.preview_button, self.save_button, self.open_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.list)
        box.addLayout(buttons)
        self.set_documents("", [])

    def set_documents(self, code: str, kinds: list[str]) -> None:
        self.code = code
        self.list.clear()
        for kind in kinds:
            item = QListWidgetItem(label(kind))
            item.setData(Qt.UserRole, kind)
            self.list.addItem(item)
        if kinds:
            self.list.setCurrentRow(0)
        elif not ready():
            item = QListWidgetItem(_("(Bản này chưa có phần in giấy tờ.)"))
            item.setFlags(Qt.NoItemFlags)
            self.list.addItem(item)
        for b in (self.preview_button, self.save_button, self.open_button):
            b.setEnabled(bool(kinds))

    def selected(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.UserRole) if item is not None else None

    def preview_selected(self) -> None:
        kind = self.selected()
        if kind and self.code:
            preview(self, self.runner, kind, self.code, paper=self.paper, on_error=self.on_error)

    def save_selected(self) -> None:
        kind, code = self.selected(), self.code
        if kind and code:
            self.runner.run(lambda: render(kind, code, self.paper),
                            on_done=lambda pdf: printing.save_pdf(self, pdf, file_name(kind, code)),
                            on_error=self.on_error, label=_("Đang tạo {name}…").format(name=label(kind)))

    def open_selected(self) -> None:
        kind, code = self.selected(), self.code
        if kind and code:
            self.runner.run(lambda: render(kind, code, self.paper),
                            on_done=lambda pdf: printing.open_in_viewer(pdf, file_name(kind, code)),
                            on_error=self.on_error, label=_("Đang tạo {name}…").format(name=label(kind)))
