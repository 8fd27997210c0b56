"""Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""
from __future__ import annotations

from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from ..i18n import N_, _
from . import fonts
from .data import SupplementData
from .titles import FORMS, heading
from .frame import DocumentRenderer, b, cell, dots, esc, grid_style, signature_block


class SupplementRenderer(DocumentRenderer):
    title = FORMS["supplement"][1]

    def story(self, d: SupplementData) -> list[Flowable]:
        s = self.spec.pt
        out: list[Flowable] = [
            self.header(d.office, number=d.number, issued_on=d.issued_on),
            self.p(esc(heading("supplement")), "Title"),
            self.line("Mã hồ sơ: {code}", "Subtitle", code=b(d.code) if d.code else dots("", 16)),
            Spacer(1, s(6)),
            self.line("Tiếp nhận hồ sơ của Ông/Bà: {name}", "BodyJustify", name=b(d.citizen_name)),
        ]
        if d.id_number:
            out.append(self.line("Số định danh cá nhân/tổ chức: {id}", id=esc(d.id_number)))
        out += [
            self.line("Nội dung yêu cầu giải quyết: {procedure}", "BodyJustify",
                      procedure=b(d.procedure_name)),
            self.line("Địa chỉ: {address}", "BodyJustify", address=dots(d.address, 40)),
            self.line("Số điện thoại: {phone}      Email: {email}",
                      phone=dots(d.phone_display, 16), email=dots(d.email, 20)),
            self.line("Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung như sau:", "BodyJustify"),
            self.items_table(d),
            Spacer(1, s(4)),
            self.line("Lý do: {reason}", "BodyJustify", reason=dots(d.reason, 60)),
            self.line("Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ công chức "
                      "{officer}, số điện thoại {phone} để được hướng dẫn./.", "Prose",
                      officer=b(d.contact_name), phone=b(d.contact_phone)),
            signature_block(self.spec, [
                [],
                [(_("NGƯỜI HƯỚNG DẪN"), "SignTitle"), (_("(Ký và ghi rõ họ tên)"), "SignHint"),
                 ("", ""), (d.guide_name, "SignName")],
            ]),
        ]
        return out

    def items_table(self, d: SupplementData) -> Flowable:
        w = self.spec.frame_width
        s = self.spec.pt
        st = self.st["Cell"]
        n, num = s(30), s(66)
        name_w = w - n - 3 * num
        rows: list[list] = [
            [_("TT"), _("Thành phần hồ sơ"), _("Số lượng"), "", ""],
            ["", "", N_("Bản chính"), N_("Bản chứng thực"), N_("Bản photo")],
        ]
        for i, item in enumerate(d.items, 1):
            text = item.name if not item.note else _("{name} ({note})").format(name=item.name,
                                                                             note=item.note)
            rows.append([str(i), cell(text, st, name_w - s(7)), str(item.original or ""),
                         str(item.certified or ""), str(item.photocopy or "")])
        rows[1] = ["", ""] + [self.p(esc(_(t)), "CellHead") for t in rows[1][2:]]
        table = Table(rows, colWidths=[n, name_w, num, num, num], repeatRows=2)
        table.setStyle(TableStyle(grid_style(self.spec) + [
            ("FONT", (0, 0), (-1, -1), fonts.REGULAR, st.fontSize, st.leading),
            ("FONT", (0, 0), (-1, 1), fonts.BOLD, st.fontSize, st.leading),
            ("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1)), ("SPAN", (2, 0), (4, 0)),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("ALIGN", (1, 2), (1, -1), "LEFT"),
        ]))
        return table


def render_supplement(data: SupplementData, paper: str = "a4") -> bytes:
    """Mẫu 02 as PDF bytes."""
    return SupplementRenderer(paper).render(data)
