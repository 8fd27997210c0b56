"""Mẫu 07: Sổ theo dõi hồ sơ, A4 landscape.

Two header rows (the dates are grouped under "Ngày, tháng, năm") and a numbering
row repeat on every page; one book per field or group of fields.
"""
from __future__ import annotations

import datetime as dt

from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from ..i18n import N_, _, short_date
from . import fonts
from .data import LedgerData, LedgerRow
from .frame import DocumentRenderer, b, esc, grid_style, nfc, styles

COLUMNS = (  # (header, share of the width); a date is 43 pt wide at 9 pt, so the notes ("Gia hạn đến
    # 24/11/2026") get room for one, and no column is narrower than the numbers it holds
    (N_("TT"), 0.03), (N_("Mã hồ sơ"), 0.09), (N_("Tên thủ tục hành chính"), 0.11),
    (N_("Số lượng hồ sơ (bộ)"), 0.04), (N_("Tên cá nhân, tổ chức"), 0.0885),
    (N_("Địa chỉ, số điện thoại"), 0.095), (N_("Cơ quan chủ trì giải quyết"), 0.07),
    (N_("Nhận hồ sơ"), 0.0675), (N_("Hẹn trả kết quả"), 0.0675),
    (N_("Chuyển hồ sơ đến cơ quan giải quyết"), 0.0675), (N_("Nhận kết quả từ cơ quan giải quyết"), 0.0675),
    (N_("Trả kết quả cho cá nhân, tổ chức"), 0.0675), (N_("Ký nhận"), 0.04), (N_("Ghi chú"), 0.075),
)
DATE_COLUMNS = (7, 12)  # columns 7..11 sit under "Ngày, tháng, năm"


class LedgerRenderer(DocumentRenderer):
    anchor_footer = True
    landscape = True
    title = N_("Sổ theo dõi hồ sơ")

    def __init__(self, paper: str | None = None):
        super().__init__("a4")  # the ledger is always A4 landscape
        st = styles(self.spec)
        from reportlab.lib.styles import ParagraphStyle

        # splitLongWords off: a date, a code or a phone number is never cut in two
        self.small = ParagraphStyle("LedgerCell", parent=st["Cell"], fontSize=self.spec.pt(9.5),
                                    leading=self.spec.pt(11), splitLongWords=0)
        self.small_c = ParagraphStyle("LedgerCellC", parent=self.small, alignment=1)
        self.small_h = ParagraphStyle("LedgerHead", parent=self.small_c, fontName=fonts.BOLD)
        self.date_style = ParagraphStyle("LedgerDate", parent=self.small_c,
                                         fontSize=self.spec.pt(9), leading=self.spec.pt(10.5))

    def subject(self, d: LedgerData) -> str:
        return d.book

    def story(self, d: LedgerData) -> list[Flowable]:
        s = self.spec.pt
        out: list[Flowable] = [
            self.header(d.office, with_number=False),
            self.p(esc(_("SỔ THEO DÕI HỒ SƠ")), "Title"),
        ]
        if d.field_name:
            out.append(self.line("Lĩnh vực: {field}", "Subtitle", field=b(d.field_name)))
        out += [
            self.line("Quyển số: {book}", "Subtitle", book=b(d.book)),
            self.line("(Từ ngày {start} đến ngày {end})", "SubtitleItalic",
                      start=esc(short_date(d.date_from)), end=esc(short_date(d.date_to))),
            Spacer(1, s(6)),
            self.table(d),
        ]
        return out

    def _p(self, text: str, style) -> Flowable:
        from reportlab.platypus import Paragraph

        return Paragraph(esc(text), style)

    def table(self, d: LedgerData) -> Flowable:
        w = self.spec.frame_width
        widths = [w * share for _h, share in COLUMNS]
        top = [self._p(_(h), self.small_h) for h, _s in COLUMNS]
        second = [""] * len(COLUMNS)
        for i in range(*DATE_COLUMNS):
            second[i] = top[i]
            top[i] = ""
        top[DATE_COLUMNS[0]] = self._p(_("Ngày, tháng, năm"), self.small_h)
        numbers = [f"({i})" for i in range(1, len(COLUMNS) + 1)]
        rows: list[list] = [top, second, numbers]
        for r in d.rows:
            rows.append(self.row(r))
        if not d.rows:
            rows.append([""] * len(COLUMNS))
        span = [("SPAN", (i, 0), (i, 1)) for i in range(len(COLUMNS))
                if not DATE_COLUMNS[0] <= i < DATE_COLUMNS[1]]
        span.append(("SPAN", (DATE_COLUMNS[0], 0), (DATE_COLUMNS[1] - 1, 0)))
        table = Table(rows, colWidths=widths, repeatRows=3)
        table.setStyle(TableStyle(grid_style(self.spec) + span + [
            ("FONT", (0, 2), (-1, 2), fonts.ITALIC, self.small.fontSize, self.small.leading),
            ("FONT", (0, 3), (-1, -1), fonts.REGULAR, self.small.fontSize, self.small.leading),
            ("ALIGN", (0, 2), (-1, 2), "CENTER"),
            ("VALIGN", (0, 3), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("LEFTPADDING", (7, 3), (11, -1), 1), ("RIGHTPADDING", (7, 3), (11, -1), 1),
        ]))
        return table

    def _when(self, t: dt.datetime | None) -> Flowable | str:
        if t is None:
            return ""
        from reportlab.platypus import Paragraph

        return Paragraph(f"{short_date(t.date())}<br/>{t:%H:%M}", self.date_style)

    def _code(self, code: str) -> Flowable:
        """Dossier codes have no spaces: break after the unit prefix, not mid-number."""
        from reportlab.platypus import Paragraph

        head, sep, tail = nfc(code).partition("-")
        return Paragraph(esc(head + sep) + ("<br/>" + esc(tail) if tail else ""), self.small)

    def row(self, r: LedgerRow) -> list:
        p, pc = self.small, self.small_c
        return [
            self._p(str(r.no), pc), self._code(r.code), self._p(r.procedure_name, p),
            self._p(str(r.sets), pc), self._p(r.citizen_name, p), self._p(r.address_phone, p),
            self._p(r.department, p), self._when(r.received), self._when(r.due),
            self._when(r.transferred), self._when(r.result_back), self._when(r.delivered),
            "", self._p(r.note, p),
        ]


def render_ledger(data: LedgerData) -> bytes:
    """Mẫu 07 as PDF bytes (A4 landscape)."""
    return LedgerRenderer().render(data)
