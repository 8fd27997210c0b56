"""Mẫu 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ: the desk refuses a dossier at the counter,
signed by the receiving officer.  (The leader's refusal after processing is ``reply``.)"""
from __future__ import annotations

from reportlab.platypus import Flowable, Spacer

from ..i18n import _
from .data import RefusalData
from .frame import DocumentRenderer, b, dots, esc, signature_block
from .titles import FORMS, heading


class RefusalRenderer(DocumentRenderer):
    title = FORMS["intake-refusal"][1]

    def story(self, d: RefusalData) -> list[Flowable]:
        s = self.spec.pt
        out: list[Flowable] = [
            self.header(d.office, number=d.number, issued_on=d.issued_on),
            self.p(esc(heading("intake-refusal")), "Title"),
            self.line("Mã hồ sơ (nếu có): {code}", "Subtitle", code=b(d.code) if d.code else dots("", 16)),
            Spacer(1, s(6)),
            self.line("Tiếp nhận hồ sơ của: {name}", "BodyJustify", name=b(d.citizen_name)),
        ]
        if d.id_number:
            out.append(self.line("Số định danh cá nhân/tổ chức: {id}", id=esc(d.id_number)))
        out += [
            self.line("Địa chỉ: {address}", "BodyJustify", address=dots(d.address, 40)),
            self.line("Số điện thoại: {phone}      Email: {email}",
                      phone=dots(d.phone_display, 16), email=dots(d.email, 20)),
            self.line("Nội dung yêu cầu giải quyết: {procedure}", "BodyJustify",
                      procedure=b(d.procedure_name)),
            Spacer(1, s(4)),
            self.line("Qua xem xét, Bộ phận Một cửa ({desk}) thông báo không tiếp nhận, giải quyết hồ sơ này "
                      "với lý do cụ thể như sau:", "Prose", desk=esc(d.office.desk_name)),
            self.p(esc(d.reason) or "." * 80, "Prose"),
            self.line("Xin thông báo cho Ông/Bà được biết và thực hiện./.", "Prose"),
            signature_block(self.spec, [
                [],
                [(d.signer_title, "SignTitle"), (_("(Ký và ghi rõ họ tên)"), "SignHint"),
                 ("", ""), (d.signer_name, "SignName")],
            ]),
        ]
        return out


def render_refusal(data: RefusalData, paper: str = "a4") -> bytes:
    """Mẫu 03 as PDF bytes."""
    return RefusalRenderer(paper).render(data)
