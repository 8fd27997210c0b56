"""The People's Committee's reasoned refusal after processing (not a TT 03/2025 form).

A dossier received and processed, then refused by the leader, is answered in writing with the
reasons, on the committee's own header and signed for it ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH /
PHÓ CHỦ TỊCH" and the name of the leader who refused).  Wording kept plain; the law gives the duty
(a written reply with reasons), not a template: see docs/law.md.
"""
from __future__ import annotations

from reportlab.platypus import Flowable, Spacer

from ..i18n import admin_date
from .apology import closing_block
from .data import RefusalReplyData
from .frame import DocumentRenderer, b, dots, esc
from .titles import FORMS, heading


class RefusalReplyRenderer(DocumentRenderer):
    title = FORMS["refusal-reply"][1]

    def story(self, d: RefusalReplyData) -> list[Flowable]:
        s = self.spec.pt
        body = d.office.committee
        return [
            self.header(d.office, number=d.number, suffix="TB-UBND", issued_on=d.issued_on),
            self.p(esc(heading("refusal-reply")), "Title"),
            Spacer(1, s(8)),
            self.line("Kính gửi: {name}", "Subtitle", name=b(d.citizen_name)),
            self.line("Địa chỉ: {address}; số điện thoại: {phone}", "Subtitle",
                      address=dots(d.address, 30), phone=dots(d.phone_display, 14)),
            Spacer(1, s(8)),
            self.line("Ngày {date}, {body} nhận được hồ sơ đề nghị giải quyết thủ tục {procedure} của Ông/Bà "
                      "(số định danh cá nhân/tổ chức: {id}; mã hồ sơ: {code}).", "Prose",
                      date=esc(admin_date(d.received_on).removeprefix("ngày ")), body=esc(body),
                      procedure=b(d.procedure_name), id=esc(d.id_number), code=b(d.code)),
            self.line("Sau khi xem xét, {body} không giải quyết hồ sơ của Ông/Bà với lý do như sau:", "Prose",
                      body=esc(body)),
            self.p(esc(d.reason) or "." * 80, "Prose"),
            self.line("Ông/Bà nhận lại hồ sơ đã nộp tại Bộ phận Một cửa ({desk}). Nếu không đồng ý với "
                      "thông báo này, Ông/Bà có quyền khiếu nại, khởi kiện theo quy định của pháp luật./.",
                      "Prose", desk=esc(d.desk_name)),
            closing_block(self, d.signer_authority, d.signer_title, d.signer_name),
        ]

    def subject(self, d: RefusalReplyData) -> str:
        return d.code


def render_refusal_reply(data: RefusalReplyData, paper: str = "a4") -> bytes:
    """The leader's refusal after processing, as PDF bytes."""
    return RefusalReplyRenderer(paper).render(data)
