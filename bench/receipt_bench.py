"""How long a receipt (Mẫu 01, two copies) takes to render, against plain reportlab.

``run(n)`` renders a receipt ``n`` times with ``casedesk.documents.render_receipt`` and
``n`` times with a straightforward reportlab version of the same content (canvas +
Platypus used directly: paragraphs, a table of papers, a table of signatures, the same
font, the same single-path QR and barcode).  Every render gets a dossier code of its own,
as every real receipt does, so neither side finds its QR code or barcode already drawn;
the two sides alternate, and which goes first alternates too, so a busy machine slows
both alike.  Both run after a warm-up (fonts registered, imports done).

Targets: under 20 ms per receipt, and within 1.3x of the plain version.
"""
from __future__ import annotations

import datetime as dt
import io
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from casedesk.documents import OfficeHeader, PaperLine, ReceiptData, render_receipt  # noqa: E402


def sample() -> ReceiptData:
    office = OfficeHeader(
        superior="UBND XÃ AN PHÚ", unit="TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", place="An Phú",
        commune="Xã An Phú", province="Tỉnh Tuyên Quang",
        desk_name="Trung tâm Phục vụ hành chính công xã An Phú")
    return ReceiptData(
        office=office, code="H15.50.05.13-260205-0975", number=None,
        citizen_name="Nguyễn Văn Đường", id_number="008095001234", phone_display="0912 345 678",
        email="duong@example.vn", address="Số 12, thôn Đồng Tâm, xã An Phú, tỉnh Tuyên Quang",
        procedure_name="Đăng ký khai sinh", field_name="Hộ tịch",
        papers=(PaperLine("Tờ khai đăng ký khai sinh", 1, 0), PaperLine("Giấy chứng sinh", 1, 0),
                PaperLine("Văn bản ủy quyền", 0, 1)),
        sets=1, processing_days=3, received_at=dt.datetime(2026, 2, 5, 8, 5),
        due_at=dt.datetime(2026, 2, 10, 16, 30), pickup="Trung tâm Phục vụ hành chính công xã An Phú",
        fee=8000, ledger_book="01/2026", ledger_no=175, clerk_name="Lê Thị Mai",
        issued_on=dt.date(2026, 2, 5))


# ---------------------------------------------------------------------- plain reportlab


def render_plain(d: ReceiptData) -> bytes:
    """The same receipt written the way one would with reportlab alone."""
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer,
                                    Table, TableStyle)

    from casedesk.documents import fonts
    from casedesk.documents.frame import BarcodePath, draw_qr, qr_runs
    from casedesk.i18n import admin_datetime, format_money, place_date

    fonts.ensure_fonts()
    body = ParagraphStyle("b", fontName=fonts.REGULAR, fontSize=13, leading=15.2, spaceAfter=1)
    just = ParagraphStyle("j", parent=body, alignment=TA_JUSTIFY)
    title = ParagraphStyle("t", parent=body, fontName=fonts.BOLD, fontSize=14, leading=17,
                           alignment=TA_CENTER, spaceBefore=8)
    centre = ParagraphStyle("c", parent=body, alignment=TA_CENTER)
    italic = ParagraphStyle("i", parent=centre, fontName=fonts.ITALIC)
    cellst = ParagraphStyle("cell", parent=body, fontSize=12, leading=14, spaceAfter=0)
    head = ParagraphStyle("h", parent=cellst, fontName=fonts.BOLD, alignment=TA_CENTER)
    sign = ParagraphStyle("s", parent=centre, fontName=fonts.BOLD)
    hint = ParagraphStyle("sh", parent=centre, fontName=fonts.ITALIC, fontSize=12)
    note = ParagraphStyle("n", parent=just, fontSize=11, leading=13)
    notehead = ParagraphStyle("nh", parent=body, fontName=fonts.BOLD_ITALIC, fontSize=12)
    footer = ParagraphStyle("f", parent=centre, fontName=fonts.BOLD_ITALIC, fontSize=12)
    width = A4[0] - 45 * mm

    class Header(Flowable):
        def wrap(self, aw, ah):
            return aw, 80

        def draw(self):
            c = self.canv
            lx, rx = aw_left / 2, aw_left + (width - aw_left) / 2
            c.setFont(fonts.REGULAR, 12.5)
            c.drawCentredString(lx, 66, d.office.superior)
            c.setFont(fonts.BOLD, 12.5)
            c.drawCentredString(lx, 51, "TRUNG TÂM PHỤC VỤ")
            c.drawCentredString(lx, 36, "HÀNH CHÍNH CÔNG")
            c.line(lx - 25, 32, lx + 25, 32)
            c.drawCentredString(rx, 66, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
            c.setFont(fonts.BOLD, 13.5)
            c.drawCentredString(rx, 51, "Độc lập - Tự do - Hạnh phúc")
            c.line(rx - 85, 47, rx + 85, 47)
            c.setFont(fonts.REGULAR, 13)
            c.drawCentredString(lx, 6, "Số: ……/TTPVHCC")
            c.setFont(fonts.ITALIC, 13)
            c.drawCentredString(rx, 6, place_date(d.office.place, d.issued_on))

    class Qr(Flowable):
        def wrap(self, aw, ah):
            return 60, 60

        def draw(self):
            ops, modules = qr_runs(d.code)
            draw_qr(self.canv, ops, modules, 0, 0, 60)

    aw_left = width * 0.42
    story = []
    for i, label in enumerate(("Liên 1: Lưu", "Liên 2: Giao người nộp hồ sơ")):
        if i:
            story.append(PageBreak())
        story.append(Header())
        story.append(Paragraph("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", title))
        inner = [Paragraph(f"Mã hồ sơ: <b>{d.code}</b>", centre), Paragraph(f"({label})", italic),
                 BarcodePath(d.code, 240, 17)]
        code_table = Table([["", inner, Qr()]], colWidths=[64, width - 128, 64])
        story.append(code_table)
        story.append(Paragraph(f"Bộ phận tiếp nhận và trả kết quả: {d.office.desk_name}", body))
        story.append(Paragraph(f"Tiếp nhận hồ sơ của: <b>{d.citizen_name}</b>", just))
        story.append(Paragraph(f"Số định danh cá nhân/tổ chức: {d.id_number}", body))
        story.append(Paragraph(f"Địa chỉ: {d.address}", just))
        story.append(Paragraph(f"Số điện thoại: {d.phone_display}&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;"
                               f"Email: {d.email}", body))
        story.append(Paragraph(f"Nội dung yêu cầu giải quyết: <b>{d.procedure_name}</b> "
                               f"(lĩnh vực: {d.field_name})", just))
        story.append(Paragraph("1. Thành phần hồ sơ, yêu cầu và số lượng mỗi loại giấy tờ gồm:", body))
        rows = [[Paragraph(t, head) for t in ("STT", "Tên giấy tờ", "Bản chính", "Bản sao")]]
        for n, p in enumerate(d.papers, 1):
            rows.append([Paragraph(str(n), cellst), Paragraph(p.name, cellst),
                         Paragraph(str(p.original), cellst), Paragraph(str(p.copies), cellst)])
        papers = Table(rows, colWidths=[36, width - 160, 62, 62], repeatRows=1)
        papers.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"),
                                    ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 12)]))
        story.append(papers)
        story.append(Spacer(1, 3))
        story.append(Paragraph(f"2. Số lượng hồ sơ: <b>{d.sets:02d}</b> (bộ)", body))
        story.append(Paragraph(f"3. Thời gian giải quyết hồ sơ theo quy định là: "
                               f"<b>{d.processing_days:02d}</b> ngày làm việc", body))
        story.append(Paragraph(f"4. Thời gian nhận hồ sơ: {admin_datetime(d.received_at)}", body))
        story.append(Paragraph(f"5. Thời gian trả kết quả giải quyết hồ sơ: "
                               f"<b>{admin_datetime(d.due_at)}</b>", body))
        story.append(Paragraph(f"6. Đăng ký nhận kết quả tại: {d.pickup}", just))
        story.append(Paragraph(f"Phí, lệ phí (nếu có): {format_money(d.fee)}", body))
        story.append(Paragraph(f"Vào Sổ theo dõi hồ sơ (nếu có), Quyển số: {d.ledger_book} "
                               f"Số thứ tự: {d.ledger_no}", body))
        signs = Table([[[Paragraph("NGƯỜI NỘP HỒ SƠ", sign), Paragraph("(Ký và ghi rõ họ tên)", hint),
                         Spacer(1, 44), Paragraph(d.citizen_name, sign)],
                        [Paragraph("NGƯỜI TIẾP NHẬN HỒ SƠ", sign), Paragraph("(Ký và ghi rõ họ tên)", hint),
                         Spacer(1, 44), Paragraph(d.clerk_name, sign)]]], colWidths=[width / 2] * 2)
        signs.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), fonts.REGULAR, 12)]))
        story.append(signs)
        story.append(Paragraph("Ghi chú:", notehead))
        story.append(Paragraph("- Giấy tiếp nhận và hẹn trả kết quả được lập thành 2 liên; một liên chuyển "
                               "kèm theo Phiếu kiểm soát quá trình giải quyết hồ sơ và được lưu tại Bộ "
                               "phận tiếp nhận và trả kết quả; một liên giao cho cá nhân, tổ chức nộp hồ "
                               "sơ;", note))
        story.append(Paragraph("- Cá nhân, tổ chức có thể đăng ký nhận kết quả tại Bộ phận tiếp nhận và trả "
                               "kết quả hoặc tại nhà (trụ sở tổ chức) qua dịch vụ bưu chính.", note))
        story.append(Paragraph("Công dân đến nhận kết quả mang theo phiếu hẹn, CCCD, lệ phí và giấy ủy "
                               "quyền (nếu không chính chủ).", footer))

    def number(canv, doc):
        if canv.getPageNumber() > 1:
            canv.setFont(fonts.REGULAR, 12)
            canv.drawCentredString(A4[0] / 2, A4[1] - 10 * mm, str(canv.getPageNumber()))

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, topMargin=20 * mm, bottomMargin=20 * mm,
                            leftMargin=30 * mm, rightMargin=15 * mm, initialFontName=fonts.REGULAR)
    doc.build(story, onLaterPages=number)
    return buf.getvalue()


# ---------------------------------------------------------------------- timing


def run(n: int = 200) -> dict:
    """Median milliseconds per receipt for CaseDesk and for plain reportlab, and their ratio."""
    import dataclasses

    data = sample()
    serial = iter(range(1, 10**6))

    def fresh() -> ReceiptData:         # a code never rendered before in this process
        return dataclasses.replace(data, code=f"H15.50.05.13-260205-{next(serial):04d}")

    for _ in range(5):  # warm-up: fonts, style sheets, imports (each with a code of its own)
        render_receipt(fresh())
        render_plain(fresh())
    ours: list[float] = []
    plain: list[float] = []
    ours_cpu: list[float] = []
    plain_cpu: list[float] = []
    for i in range(n):
        sides = [(render_receipt, ours, ours_cpu), (render_plain, plain, plain_cpu)]
        if i % 2:
            sides.reverse()
        for fn, wall, cpu in sides:
            one = fresh()
            t0, c0 = time.perf_counter(), time.process_time()
            fn(one)
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
    casedesk_ms = statistics.median(ours)
    raw_ms = statistics.median(plain)
    return {
        "casedesk_ms": round(casedesk_ms, 2),
        "raw_ms": round(raw_ms, 2),
        "ratio": round(casedesk_ms / raw_ms, 3),
        # CPU time is steadier than wall time when other work shares the machine.
        "casedesk_cpu_ms": round(statistics.median(ours_cpu), 2),
        "raw_cpu_ms": round(statistics.median(plain_cpu), 2),
        "n": n,
    }


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    print(run(count))
