"""The fee part of the intake form: what the procedure charges, the counts a per-page or per-copy fee
is computed from, the amount collected (editable where it depends on the dossier) and an exemption.

The amount shown comes from ``casedesk.fees.compute`` (the same rule the service applies); an exemption
hides the amount and sends ``exemption`` instead, so the receive row records why nothing was charged."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QSpinBox, QWidget

from casedesk import fees
from casedesk.errors import BadInput
from casedesk.i18n import _, format_money


class FeeFields(QObject):
    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.proc = None
        self.fee = QLabel(parent)
        self.fee.setTextFormat(Qt.PlainText)
        self.fee.setWordWrap(True)
        # what is collected, for fees that depend on the dossier (per page, per copy): shown only then
        self.fee_amount = QSpinBox(parent)
        self.fee_amount.setRange(0, 100_000_000)
        self.fee_amount.setSingleStep(1000)
        self.fee_amount.setGroupSeparatorShown(True)
        self.fee_amount.setSuffix(" đ")
        self.fee_amount.setAccessibleName(_("Lệ phí thu"))
        self.fee_amount.setToolTip(_("Lệ phí của thủ tục này tính theo hồ sơ: ghi số tiền thu thực tế."))
        self.fee_amount_label = QLabel(_("Số tiền &thu:"), parent)
        self.fee_amount_label.setBuddy(self.fee_amount)
        self.fee_amount.hide()
        self.fee_amount_label.hide()
        self.fee_pages = QSpinBox(parent)
        self.fee_pages.setRange(1, fees.MAX_COUNT)
        self.fee_pages.setPrefix(_("Số trang: "))
        self.fee_pages.setAccessibleName(_("Số trang"))
        self.fee_copies = QSpinBox(parent)
        self.fee_copies.setRange(1, fees.MAX_COUNT)
        self.fee_copies.setPrefix(_("Số bản: "))
        self.fee_copies.setAccessibleName(_("Số bản"))
        for box in (self.fee_pages, self.fee_copies):
            box.hide()
            box.valueChanged.connect(lambda _v: self.recompute())
        self.exemption = QComboBox(parent)
        self.exemption.addItem(_("Không miễn"), "")
        for kind, label in fees.EXEMPTIONS.items():
            self.exemption.addItem(_(label), kind)
        self.exemption.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.exemption.setMinimumContentsLength(28)        # the longest kind is cut in the closed box only
        self.exemption.setAccessibleName(_("Diện miễn phí, lệ phí"))
        self.exemption.setToolTip(_("Người được miễn phí, lệ phí: lệ phí thành 0 và lý do được ghi vào nhật ký."))
        self.exemption.currentIndexChanged.connect(lambda _i: self.update())
        self.exemption_label = QLabel(_("&Miễn phí, lệ phí:"), parent)
        self.exemption_label.setBuddy(self.exemption)

    def add_to(self, grid: QGridLayout, row: int) -> None:
        """Four rows of ``grid`` from ``row``: the fee, the counts, the amount, the exemption."""
        grid.addWidget(QLabel(_("Lệ phí:"), self.fee.parentWidget()), row, 0, Qt.AlignTop)
        grid.addWidget(self.fee, row, 1)
        counts = QHBoxLayout()
        counts.addWidget(self.fee_pages)
        counts.addWidget(self.fee_copies)
        counts.addStretch(1)
        grid.addLayout(counts, row + 1, 1)
        grid.addWidget(self.fee_amount_label, row + 2, 0)
        grid.addWidget(self.fee_amount, row + 2, 1, Qt.AlignLeft)
        grid.addWidget(self.exemption_label, row + 3, 0)
        grid.addWidget(self.exemption, row + 3, 1, Qt.AlignLeft)

    def focus_widgets(self) -> list[QWidget]:
        return [self.fee_pages, self.fee_copies, self.fee_amount, self.exemption]

    def set_procedure(self, proc) -> None:
        self.proc = proc
        self.update()

    def reset(self) -> None:
        self.exemption.setCurrentIndex(0)
        self.fee_pages.setValue(1)
        self.fee_copies.setValue(1)

    def update(self) -> None:
        proc = self.proc
        exempt = bool(self.exemption.currentData())
        variable = bool(proc and (proc.fee_note or proc.fee_kind in ("per_page", "per_copy"))) and not exempt
        self.fee_amount.setHidden(not variable)
        self.fee_amount_label.setHidden(not variable)
        self.fee_pages.setHidden(not (variable and proc.fee_kind == "per_page"))
        self.fee_copies.setHidden(not (variable and proc.fee_kind in ("per_page", "per_copy")))
        if proc is None:
            self.fee.setText("—")
            return
        if exempt:
            self.fee.setText(_("Miễn ({reason})").format(reason=self.exemption.currentText()))
            return
        text = _("Theo Nghị quyết HĐND tỉnh (chưa nhập mức thu)") if proc.fee_pending else format_money(proc.fee)
        if proc.fee_note:
            text = f"{text} ({proc.fee_note})"
        self.fee.setText(text)
        if variable:
            self.recompute()

    def recompute(self) -> None:
        """The amount the counts give (the clerk may still type another)."""
        proc = self.proc
        if proc is None or self.fee_amount.isHidden():
            return
        try:
            amount, _basis = fees.compute(
                proc, pages=None if self.fee_pages.isHidden() else self.fee_pages.value(),
                copies=None if self.fee_copies.isHidden() else self.fee_copies.value())
        except BadInput:
            amount = proc.fee
        self.fee_amount.setValue(amount)

    def values(self) -> dict:
        """``fee``, ``pages``, ``copies`` and ``exemption`` as ``receive_case`` takes them."""
        if self.proc is None:
            return dict(fee=None, pages=None, copies=None, exemption=None)
        exemption = self.exemption.currentData() or None
        return dict(
            fee=self.fee_amount.value() if not self.fee_amount.isHidden() and not exemption else None,
            pages=self.fee_pages.value() if not self.fee_pages.isHidden() else None,
            copies=self.fee_copies.value() if not self.fee_copies.isHidden() else None,
            exemption=exemption)
