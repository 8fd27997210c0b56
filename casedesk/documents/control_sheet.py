"""Mẫu 06: Phiếu kiểm soát quá trình giải quyết hồ sơ (the internal audit trail).

One table row per hand-over: "1. Giao: unit / 2. Nhận: unit", the time, the
signatures of the giver and the receiver, the result (early / on time / late)
filled in by the receiving side, and a note.  A few blank rows are left for
hand-overs written by pen.
"""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from ..i18n import N_, _, admin_date, admin_datetime
from . import fonts
from .data import ControlSheetData, HandOver
from .titles import FORMS, heading
from .frame import FONT_RESET, CodeBlock, DocumentRenderer, b, dots, esc, grid_style

RESULTS = {"early": N_("Trước hạn"), "on_time": N_("Đúng hạn"), "late": N_("Quá hạn")}


class _PenRowsTable(Table):
    """The hand-over table whose last ``blank`` rows are for the pen: when a page break would carry only
    such rows (and the repeated heading) onto a new page, they are left out instead."""

    def __init__(self, *args, blank: int = 0, **kw):
        super().__init__(*args, **kw)
        self._blank = blank

    def split(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        parts = super().split(availWidth, availHeight)
        if len(parts) == 2 and self._blank:
            carried = len(parts[1]._cellvalues) - self.repeatRows
            if 0 < carried <= self._blank:
                return [parts[0]]
            parts[1]._blank = min(self._blank, carried)
        return parts


class ControlSheetRenderer(DocumentRenderer):
    anchor_footer = True
    title = FORMS["control-sheet"][1]

    def story(self, d: ControlSheetData) -> list[Flowable]:
        s = self.spec.pt
        before, _sep, after = _("Mã hồ sơ: {code}").partition("{code}")
        out: list[Flowable] = [
            self.header(d.office, issued_on=d.issued_on or d.received_at.date(), with_number=False),
            self.p(esc(heading("control-sheet")), "Title"),
            CodeBlock(self.spec, [[(before, fonts.REGULAR), (d.code, fonts.BOLD),
                                   (after, fonts.REGULAR)]],
                      code=d.code, qr_size=17 * mm * self.spec.scale ** 0.5, bar_height=14),
            self.line("(Kèm theo hồ sơ của: {name})", "SubtitleItalic", name=b(d.citizen_name)),
            Spacer(1, s(4)),
        ]
        if d.procedure_name:
            out.append(self.line("Thủ tục: {procedure}", "BodyJustify", procedure=b(d.procedure_name)))
        out += [
            self.line("Ngày nhận: {date}", date=esc(admin_date(d.received_at.date()))),
            self.line("Hẹn trả kết quả vào {when}", when=b(admin_datetime(d.due_at))),
            self.line("Cơ quan (bộ phận) giải quyết hồ sơ: {dept}", "BodyJustify",
                      dept=dots(d.department, 40)),
            self.line("Cơ quan phối hợp giải quyết hồ sơ: {dept}", "BodyJustify",
                      dept=dots(d.coordinating, 40)),
            Spacer(1, s(4)),
        ]
        if d.warning:
            out.append(self.p(b(d.warning), "BodyJustify"))
        out.append(self.table(d))
        return out

    def table(self, d: ControlSheetData) -> Flowable:
        w = self.spec.frame_width
        s = self.spec.pt
        widths = [w * 0.26, w * 0.40, w * 0.19, w * 0.15]
        head = [self.p(esc(_("TÊN CƠ QUAN")), "CellHead"),
                self.p(esc(_("THỜI GIAN GIAO, NHẬN HỒ SƠ")), "CellHead"),
                [self.p(esc(_("KẾT QUẢ GIẢI QUYẾT HỒ SƠ")), "CellHead"),
                 self.p(esc(_("(Trước hạn/Đúng hạn/Quá hạn)")), "CellNumber")],
                self.p(esc(_("GHI CHÚ")), "CellHead")]
        rows: list[list] = [head]
        for h in d.rows:
            rows.append(self.row(h, widths[1]))
        for _i in range(max(0, d.blank_rows)):
            rows.append(self.row(None, widths[1]))
        table = _PenRowsTable(rows, colWidths=widths, repeatRows=1, blank=max(0, d.blank_rows))
        table.setStyle(TableStyle(grid_style(self.spec) + [
            ("VALIGN", (0, 1), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 1), (-1, -1), s(4)),
        ]))
        return table

    def row(self, h: HandOver | None, time_width: float) -> list:
        s = self.spec.pt
        if h is None:
            units = [self.line("1. Giao: {unit}", "Cell", unit="." * 22),
                     self.line("2. Nhận: {unit}", "Cell", unit="." * 22)]
            when = self.line("{when}", "CellCenter", when=esc(_("… giờ … phút, ngày … /… /…")))
            giver, taker, result, note = "", "", "", ""
        else:
            units = [self.line("1. Giao: {unit}", "Cell", unit=b(h.from_unit)),
                     self.line("2. Nhận: {unit}", "Cell", unit=b(h.to_unit))]
            when = self.p(esc(admin_datetime(h.at)), "CellCenter")
            giver, taker = h.from_person, h.to_person
            result = _(RESULTS[h.result]) if h.result else ""
            note = h.note
        signs = Table(
            [[self.p(esc(_("Người giao")), "CellHead"), self.p(esc(_("Người nhận")), "CellHead")],
             [Spacer(1, s(24)), Spacer(1, s(24))],
             [self.p(esc(giver), "CellCenter"), self.p(esc(taker), "CellCenter")]],
            colWidths=[time_width / 2 - s(4)] * 2)
        signs.setStyle(TableStyle([FONT_RESET, ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                   ("TOPPADDING", (0, 0), (-1, -1), 1),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
        return [units, [when, signs], self.p(esc(result), "CellCenter"), self.p(esc(note), "Cell")]


def render_control_sheet(data: ControlSheetData, paper: str = "a4") -> bytes:
    """Mẫu 06 as PDF bytes."""
    return ControlSheetRenderer(paper).render(data)
