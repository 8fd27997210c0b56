"""Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả, in two copies (liên).

Liên 1 stays with the control sheet at the desk, Liên 2 goes to the person who
filed.  Each copy starts on its own page; a long paper list or address flows onto
further pages, numbered from 2 within the copy.  The QR code holds the dossier code, a
newline and the office's signature over the code, the dates and the person (``receipt_seal``);
a Code128 barcode of the code alone sits under the title.
"""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, PageBreakIfNotEmpty, Spacer, Table, TableStyle

from ..i18n import N_, _, admin_datetime, format_money
from .data import ReceiptData, Representative
from .titles import FORMS, heading
from .frame import (CodeBlock, CopyStart, DocumentRenderer, b, cell, dots, esc, grid_style, nfc,
                    signature_block)

COPIES = (
    (N_("Liên 1: Lưu"), N_("Liên 1")),
    (N_("Liên 2: Giao người nộp hồ sơ"), N_("Liên 2")),
)


class ReceiptRenderer(DocumentRenderer):
    paper_default = "a4"
    title = FORMS["receipt"][1]
    qr_size_mm = 21.0

    def story(self, data: ReceiptData) -> list[Flowable]:
        out: list[Flowable] = []
        for index, (label, short) in enumerate(COPIES):
            if index:
                out.append(PageBreakIfNotEmpty())
            running = _("Mã hồ sơ: {code} - {copy}").format(code=nfc(data.code), copy=_(short))
            out.append(CopyStart(running))
            out.extend(self.copy(data, _(label)))
        return out

    # -- one copy ------------------------------------------------------------
    def copy(self, d: ReceiptData, label: str) -> list[Flowable]:
        s = self.spec.pt
        out: list[Flowable] = [
            self.header(d.office, number=d.number, issued_on=d.issued_on),
            self.p(esc(heading("receipt")), "Title"),
            self.code_block(d, label),
        ]
        out.append(self.line("Bộ phận Một cửa: {desk}", desk=esc(d.office.desk_name)))
        out.extend(self.applicant(d))
        if d.field_name:
            out.append(self.line("Nội dung yêu cầu giải quyết: {procedure} (lĩnh vực: {field})",
                                 "BodyJustify", procedure=b(d.procedure_name), field=esc(d.field_name)))
        else:
            out.append(self.line("Nội dung yêu cầu giải quyết: {procedure}", "BodyJustify",
                                 procedure=b(d.procedure_name)))
        out.append(self.line("1. Thành phần hồ sơ, yêu cầu và số lượng mỗi loại giấy tờ gồm:"))
        out.append(self.papers_table(d))
        out.append(Spacer(1, s(3)))
        out.append(self.line("2. Số lượng hồ sơ: {sets} (bộ)", sets=b(f"{d.sets:02d}")))
        if d.processing_days > 0 and d.time_unit == "days":
            out.append(self.line("3. Thời gian giải quyết hồ sơ theo quy định là: {days} ngày",
                                 days=b(f"{d.processing_days:02d}")))
        elif d.processing_days > 0:
            out.append(self.line("3. Thời gian giải quyết hồ sơ theo quy định là: {days} ngày làm việc",
                                 days=b(f"{d.processing_days:02d}")))
        else:
            out.append(self.line("3. Thời gian giải quyết hồ sơ theo quy định là: {days}",
                                 days=b(_("trong ngày làm việc"))))
        out.append(self.line("4. Thời gian nhận hồ sơ: {when}", when=esc(admin_datetime(d.received_at))))
        out.append(self.line("5. Thời gian trả kết quả giải quyết hồ sơ: {when}",
                             when=b(admin_datetime(d.due_at))))
        out.append(self.line("6. Đăng ký nhận kết quả tại: {place}", "BodyJustify", place=esc(d.pickup)))
        out.append(self.line("Phí, lệ phí (nếu có): {fee}", fee=esc(d.fee_text or format_money(d.fee))))
        out.append(self.line("Vào Sổ theo dõi hồ sơ (nếu có), Quyển số: {book} - Số thứ tự: {no}",
                             book=dots(d.ledger_book, 8),
                             no=dots("" if d.ledger_no is None else f"{d.ledger_no:02d}", 8)))
        out.append(self.signatures(d))
        out.append(KeepTogether(self.notes()))     # if the copy runs over, the notes go over whole
        return out

    def code_block(self, d: ReceiptData, label: str) -> Flowable:
        """Code, copy label and barcode centred under the title; the QR code on the right."""
        from . import fonts

        code_line = _("Mã hồ sơ: {code}")
        before, _sep, after = code_line.partition("{code}")
        return CodeBlock(
            self.spec,
            [[(before, fonts.REGULAR), (d.code, fonts.BOLD), (after, fonts.REGULAR)],
             [(f"({label})", fonts.ITALIC)]],
            code=d.code, qr_size=self.qr_size_mm * mm * self.spec.scale ** 0.5, qr_text=d.qr_text,
        )

    def applicant(self, d: ReceiptData) -> list[Flowable]:
        one_line = _("Tiếp nhận hồ sơ của: {name}    Số định danh cá nhân/tổ chức: {id}")
        plain = one_line.format(name=nfc(d.citizen_name), id=nfc(d.id_number) or "." * 20)
        if self.fits(plain, bold=True):  # TT 03/2025: the ID number next to the name
            out = [self.line("Tiếp nhận hồ sơ của: {name}    Số định danh cá nhân/tổ chức: {id}",
                             name=b(d.citizen_name), id=dots(d.id_number, 20))]
        else:
            out = [self.line("Tiếp nhận hồ sơ của: {name}", "BodyJustify", name=b(d.citizen_name)),
                   self.line("Số định danh cá nhân/tổ chức: {id}", id=dots(d.id_number, 20))]
        out += [
            self.line("Địa chỉ: {address}", "BodyJustify", address=dots(d.address, 40)),
            self.line("Số điện thoại: {phone}      Email: {email}",
                      phone=dots(d.phone_display, 16), email=dots(d.email, 20)),
        ]
        rep = d.representative
        if isinstance(rep, str) and rep.strip():
            out.append(self.line("Người nộp hồ sơ (đại diện): {name}", "BodyJustify", name=b(rep)))
        elif isinstance(rep, Representative):
            out.append(self.line("Người nộp hồ sơ (đại diện): {name}; số định danh: {id}",
                                 "BodyJustify", name=b(rep.name), id=dots(rep.id_number, 14)))
            if rep.address:
                out.append(self.line("Địa chỉ người nộp: {address}", "BodyJustify",
                                     address=esc(rep.address)))
            if rep.phone_display or rep.email:
                out.append(self.line("Điện thoại: {phone}      Email: {email}",
                                     phone=dots(rep.phone_display, 14), email=dots(rep.email, 16)))
            if rep.authorisation:
                out.append(self.line("Giấy tờ ủy quyền: {paper}", "BodyJustify",
                                     paper=esc(rep.authorisation)))
        return out

    def papers_table(self, d: ReceiptData) -> Flowable:
        from . import fonts

        w = self.spec.frame_width
        s = self.spec.pt
        n, num = s(30), s(58)          # narrow number columns: paper names wrap less
        name_w = w - n - 2 * num
        base = self.st["Cell"]            # one point smaller than other tables: most lists fit one page
        cell_style = ParagraphStyle("ReceiptCell", parent=base, fontSize=base.fontSize * 11 / 12,
                                    leading=base.leading * 13 / 14)
        rows: list[list] = [[_("STT"), _("Tên giấy tờ"), _("Bản chính"), _("Bản sao")]]
        for i, paper in enumerate(d.papers, 1):
            rows.append([str(i), cell(paper.name, cell_style, name_w - s(7)),
                         str(paper.original), str(paper.copies)])
        if not d.papers:
            rows.append(["", _("(không có)"), "", ""])
        table = Table(rows, colWidths=[n, name_w, num, num], repeatRows=1)
        table.setStyle(TableStyle(grid_style(self.spec) + [
            ("FONT", (0, 0), (-1, -1), fonts.REGULAR, cell_style.fontSize, cell_style.leading),
            ("FONT", (0, 0), (-1, 0), fonts.BOLD, cell_style.fontSize, cell_style.leading),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("ALIGN", (1, 1), (1, -1), "LEFT"),
        ]))
        return table

    def signatures(self, d: ReceiptData) -> Flowable:
        rep = d.representative
        filer = rep.name if isinstance(rep, Representative) else (rep or d.citizen_name)
        return signature_block(self.spec, [
            [(_("NGƯỜI NỘP HỒ SƠ"), "SignTitle"),
             (_("(Ký và ghi rõ họ tên)"), "SignHint"), ("", ""), (filer, "SignName")],
            [(_("NGƯỜI TIẾP NHẬN HỒ SƠ"), "SignTitle"),
             (_("(Ký và ghi rõ họ tên)"), "SignHint"), ("", ""), (d.clerk_name, "SignName")],
        ], space=40)        # room to sign; a copy with five or six papers still fits on one page

    def notes(self) -> list[Flowable]:
        return [
            self.p(esc(_("Ghi chú:")), "NoteHead"),
            self.p(esc(_("- Giấy tiếp nhận và hẹn trả kết quả được lập thành 2 liên; một liên chuyển "
                         "kèm theo Phiếu kiểm soát quá trình giải quyết hồ sơ và được lưu tại Bộ phận "
                         "Một cửa; một liên giao cho cá nhân, tổ chức nộp hồ sơ;")), "Note"),
            self.p(esc(_("- Cá nhân, tổ chức có thể đăng ký nhận kết quả tại Bộ phận Một cửa hoặc tại nhà "
                         "(trụ sở tổ chức) qua dịch vụ bưu chính.")), "Note"),
            self.p(esc(_("Công dân đến nhận kết quả mang theo phiếu hẹn, CCCD, lệ phí và giấy ủy quyền "
                         "(nếu không chính chủ).")), "Footer"),
        ]


def render_receipt(data: ReceiptData, paper: str = "a4") -> bytes:
    """Mẫu 01 as PDF bytes: two copies, each from a new page; ``paper`` is "a4" or "a5"."""
    return ReceiptRenderer(paper).render(data)
