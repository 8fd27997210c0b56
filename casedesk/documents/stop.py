"""Mẫu 05: Thông báo dừng giải quyết hồ sơ (the person asked to stop / withdrew).

The official TT 03/2025 wording was not available: the fields follow Art. 7
(request date, stage reached, decision, fee refunded or not); keep it editable.
"""
from __future__ import annotations

from reportlab.platypus import Flowable, Spacer

from ..i18n import _, admin_date, admin_datetime, format_money
from .data import StopData
from .frame import DocumentRenderer, b, dots, esc, signature_block
from .titles import FORMS, heading


class StopRenderer(DocumentRenderer):
    title = FORMS["stop"][1]

    def story(self, d: StopData) -> list[Flowable]:
        s = self.spec.pt
        # a refund is spoken of only when one was recorded at the withdrawal (``withdraw --refund``)
        fee = ([self.line("Phí, lệ phí đã nộp ({fee}) được hoàn trả cho Ông/Bà.", "Prose",
                          fee=esc(format_money(d.refund)))] if d.refund else [])
        return [
            self.header(d.office, number=d.number, issued_on=d.issued_on),
            self.p(esc(heading("stop")), "Title"),
            self.line("Mã hồ sơ: {code}", "Subtitle", code=b(d.code)),
            Spacer(1, s(8)),
            self.line("Kính gửi: {name}", "Subtitle", name=b(d.citizen_name)),
            Spacer(1, s(6)),
            self.line("Số định danh cá nhân/tổ chức: {id}", id=dots(d.id_number, 20)),
            self.line("Địa chỉ: {address}", "BodyJustify", address=dots(d.address, 40)),
            self.line("Số điện thoại: {phone}", phone=dots(d.phone_display, 16)),
            self.line("Nội dung yêu cầu giải quyết: {procedure}", "BodyJustify",
                      procedure=b(d.procedure_name)),
            self.line("Thời gian nhận hồ sơ: {when}", when=esc(admin_datetime(d.received_at))),
            Spacer(1, s(4)),
            self.line("Ngày {date}, Ông/Bà có yêu cầu dừng giải quyết hồ sơ nêu trên. Tại thời điểm "
                      "nhận được yêu cầu, hồ sơ đang ở bước: {stage}.", "Prose",
                      date=esc(admin_date(d.request_date).removeprefix("ngày ")),
                      stage=b(d.stage_reached)),
            self.line("{desk} thông báo: {decision}", "Prose", desk=esc(d.office.desk_name),
                      decision=esc(d.decision_text)),
            *fee,
            self.line("Xin thông báo để Ông/Bà được biết./.", "Prose"),
            signature_block(self.spec, [
                [],
                [*((line, "SignTitle") for line in d.signer_authority), (d.signer_title, "SignTitle"),
                 (_("(Ký, ghi rõ họ tên và đóng dấu)"), "SignHint"), ("", ""), (d.signer_name, "SignName")],
            ]),
        ]


def render_stop(data: StopData, paper: str = "a4") -> bytes:
    """Mẫu 05 as PDF bytes."""
    return StopRenderer(paper).render(data)
