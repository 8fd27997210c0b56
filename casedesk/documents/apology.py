"""Mẫu 04: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (hẹn lại ngày trả).

Rules the service layer enforces (not this renderer): sent at least one working
day before the due date, and only one re-appointment per dossier.
"""
from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from ..i18n import _, admin_date
from .data import ApologyData
from .frame import FONT_RESET, DocumentRenderer, QrPath, b, dots, esc, nfc, signature_block
from .titles import FORMS, heading


class ApologyRenderer(DocumentRenderer):
    title = FORMS["apology"][1]

    def story(self, d: ApologyData) -> list[Flowable]:
        s = self.spec.pt
        unit = nfc(d.office.committee or d.office.desk_name)
        return [
            self.header(d.office, number=d.number, suffix=d.number_suffix, issued_on=d.issued_on),
            self.p(esc(heading("apology")), "Title"),
            Spacer(1, s(8)),
            self.line("Kính gửi: {name}", "Subtitle", name=b(d.citizen_name)),
            self.line("Địa chỉ: {address}; số điện thoại: {phone}", "Subtitle",
                      address=dots(d.address, 30), phone=dots(d.phone_display, 14)),
            Spacer(1, s(8)),
            self.line("Ngày {date}, {unit} tiếp nhận hồ sơ đề nghị giải quyết thủ tục {procedure} của "
                      "Ông/Bà (số định danh cá nhân: {id}); mã hồ sơ: {code}. Thời hạn trả kết quả ghi "
                      "trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả là {due}.", "Prose",
                      date=esc(admin_date(d.received_on).removeprefix("ngày ")), unit=esc(unit),
                      procedure=b(d.procedure_name), id=esc(d.id_number), code=b(d.code),
                      due=esc(admin_date(d.old_due))),
            self.line("Tuy nhiên, đến nay {unit} chưa trả kết quả giải quyết hồ sơ cho Ông/Bà đúng thời "
                      "hạn quy định ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.", "Prose",
                      unit=esc(unit)),
            self.line("Lý do: {reason}", "Prose", reason=dots(d.reason, 60)),
            self.line("Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của Ông/Bà. {unit} "
                      "xin lỗi Ông/Bà và sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà vào {due}.",
                      "Prose", unit=esc(unit), due=b(admin_date(d.new_due))),
            self.line("Xin trân trọng cảm ơn sự hợp tác của Ông/Bà./.", "Prose"),
            *self.new_receipt_line(d),
            closing_block(self, d.signer_authority, d.signer_title, d.signer_name, d.recipients),
        ]

    def new_receipt_line(self, d: ApologyData) -> list[Flowable]:
        """The new appointment as a receipt line: the QR code signs the new date (``receipt_seal``),
        so the desk scanning this letter finds the case and a receipt in force."""
        if not d.qr_text:
            return []
        s = self.spec.pt
        size = 21 * mm * self.spec.scale ** 0.5
        text = self.line("Giấy hẹn mới: hồ sơ {code}, hẹn trả kết quả {due}. Mã QR bên cạnh mang chữ ký của "
                         "Bộ phận Một cửa cho ngày hẹn mới; xuất trình thư này khi đến nhận kết quả.", "Prose",
                         code=b(d.code), due=b(admin_date(d.new_due)))
        table = Table([[text, QrPath(d.qr_text, size)]], colWidths=[self.spec.frame_width - size - s(6),
                                                                       size + s(6)])
        table.setStyle(TableStyle([
            FONT_RESET, ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), s(4)), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]))
        return [table]


def closing_block(renderer: DocumentRenderer, authority, title: str, name: str,
                  recipients: tuple[str, ...] = ()) -> Flowable:
    """"Nơi nhận" on the left; on the right the Decree 30 block: the authority lines ("TM. ỦY BAN NHÂN
    DÂN", "KT. CHỦ TỊCH"), the title, room for the signature and seal, the full name."""
    s = renderer.spec.pt
    recipients = recipients or (_("Như trên;"), _("Lưu: VT."))
    left = [(_("Nơi nhận:"), "NoteHead")] + [(f"- {nfc(r)}", "Note") for r in recipients]
    if isinstance(authority, str):
        authority = (authority,) if authority else ()
    right = [(line, "SignTitle") for line in authority]
    right += [(title or _("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"), "SignTitle"),
              (_("(Ký, ghi rõ họ tên và đóng dấu)"), "SignHint"), ("", ""), (name, "SignName")]
    block = signature_block(renderer.spec, [right], space=60)
    notes = [renderer.p(esc(t), st) for t, st in left]
    w = renderer.spec.frame_width
    table = Table([[notes, block]], colWidths=[w * 0.42, w * 0.58])
    table.setStyle(TableStyle([
        FONT_RESET,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), s(6)),
    ]))
    return table


def render_apology(data: ApologyData, paper: str = "a4") -> bytes:
    """Mẫu 04 as PDF bytes."""
    return ApologyRenderer(paper).render(data)
