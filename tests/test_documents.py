"""The desk's documents (Mẫu 01-07) as a reader would check them: text, pages, fonts, codes."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import unicodedata

import pytest

pypdf = pytest.importorskip("pypdf")

from casedesk.documents import (ApologyData, ControlSheetData, HandOver, LedgerData,  # noqa: E402
                                LedgerRow, OfficeHeader, PaperLine, ReceiptData, RefusalData,
                                Representative, StopData, SupplementData, SupplementItem,
                                render_apology, render_control_sheet, render_ledger,
                                render_receipt, render_refusal, render_stop, render_supplement)
from casedesk.i18n import set_language  # noqa: E402

CODE = "H15.50.05.13-260205-0975"
OFFICE = OfficeHeader(
    superior="UBND XÃ AN PHÚ", unit="TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", place="An Phú",
    commune="Xã An Phú", province="Tỉnh Tuyên Quang",
    desk_name="Trung tâm Phục vụ hành chính công xã An Phú", leader_name="Trần Thị Hạnh")


@pytest.fixture(autouse=True)
def vietnamese():
    set_language("vi")
    yield
    set_language("vi")


def receipt(papers: int = 3, address: str = "Số 12, thôn Đồng Tâm, xã An Phú", **kw) -> ReceiptData:
    values = dict(
        office=OFFICE, code=CODE, number=None, citizen_name="Nguyễn Văn Đường",
        id_number="008095001234", phone_display="0912 345 678", email="duong@example.vn",
        address=address, procedure_name="Đăng ký khai sinh", field_name="Hộ tịch",
        papers=tuple(PaperLine(f"Tờ khai số {i}", 1, i % 2) for i in range(1, papers + 1)),
        sets=1, processing_days=3, received_at=dt.datetime(2026, 2, 5, 8, 5),
        due_at=dt.datetime(2026, 3, 22, 16, 30), pickup="Trung tâm Phục vụ hành chính công",
        fee=8000, ledger_book="01/2026", ledger_no=175, clerk_name="Lê Thị Mai",
        issued_on=dt.date(2026, 2, 5))
    values.update(kw)
    return ReceiptData(**values)


def pages_text(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [unicodedata.normalize("NFC", p.extract_text() or "") for p in reader.pages]


def squash(text: str) -> str:
    return " ".join(text.split())


def font_files(pdf: bytes) -> set[str]:
    """Base names of fonts whose descriptor embeds a TrueType program (/FontFile2)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            desc = font.get("/FontDescriptor")
            if desc is not None and "/FontFile2" in desc.get_object():
                found.add(str(font["/BaseFont"]))
            assert font.get("/Subtype") != "/Type1", "a built-in (non-embedded) font was used"
    return found


# ---------------------------------------------------------------------- receipt

def test_receipt_has_the_form_text_with_diacritics_and_two_copies():
    pdf = render_receipt(receipt())
    pages = pages_text(pdf)
    assert len(pages) == 2
    for page, label in zip(pages, ("Liên 1: Lưu", "Liên 2: Giao người nộp hồ sơ")):
        text = squash(page)
        assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert "UBND XÃ AN PHÚ" in text and "TRUNG TÂM PHỤC VỤ" in text
        assert "Số: ……/TTPVHCC" in text
        assert "An Phú, ngày 05 tháng 02 năm 2026" in text
        assert label in text
        assert "Nguyễn Văn Đường" in text
        assert "Số định danh cá nhân" in text and "008095001234" in text
        assert f"Mã hồ sơ: {CODE}" in text
        for item in ("1. Thành phần hồ sơ", "2. Số lượng hồ sơ: 01 (bộ)",
                     "3. Thời gian giải quyết hồ sơ theo quy định là: 03 ngày làm việc",
                     "4. Thời gian nhận hồ sơ: 08 giờ 05 phút, ngày 05 tháng 02 năm 2026",
                     "5. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 22 tháng 3 năm 2026",
                     "6. Đăng ký nhận kết quả tại:"):
            assert item in text, item
        assert "Phí, lệ phí (nếu có): 8.000 đ" in text
        assert "Quyển số: 01/2026 - Số thứ tự: 175" in text and "(nếu có)" in text
        assert "STT" in text and "Tên giấy tờ" in text and "Bản chính" in text and "Bản sao" in text
        assert "Tờ khai số 3" in text
        assert "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
        assert "Lê Thị Mai" in text
        assert "Ghi chú:" in text
        assert "Công dân đến nhận kết quả mang theo phiếu hẹn, CCCD" in text


def test_receipt_embeds_the_bundled_font():
    embedded = font_files(render_receipt(receipt()))
    assert embedded, "no embedded TrueType font"
    assert all("LiberationSerif" in name for name in embedded)


def test_decomposed_input_prints_composed():
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn Đường")
    assert nfd != "Nguyễn Văn Đường"
    text = squash(pages_text(render_receipt(receipt(citizen_name=nfd)))[0])
    assert "Nguyễn Văn Đường" in text


def test_markup_characters_in_data_are_printed_not_parsed():
    text = squash(pages_text(render_receipt(receipt(citizen_name="Công ty A & B <Việt>")))[0])
    assert "Công ty A & B <Việt>" in text


def test_long_receipt_flows_and_each_copy_starts_on_its_own_page():
    pdf = render_receipt(receipt(papers=30, address="Thôn Đồng Tâm " * 22))
    pages = pages_text(pdf)
    assert len(pages) > 2
    starts = [i for i, p in enumerate(pages) if "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in p]
    assert len(starts) == 2 and starts[0] == 0
    first, second = starts
    assert "Liên 2: Giao người nộp hồ sơ" in pages[second]
    assert "Liên 2" not in "".join(pages[:second])
    # the whole of copy 1 is before copy 2: its last paper and footer too
    assert "Tờ khai số 30" in squash(" ".join(pages[:second]))
    assert "Công dân đến nhận kết quả" in squash(" ".join(pages[:second]))
    assert len(pages) - second == second  # both copies take the same number of pages
    # continuation pages carry a page number ("2") at the top
    assert squash(pages[1]).startswith("2") or " 2 " in f" {squash(pages[1])} "


@pytest.mark.parametrize("paper", ["a4", "a5"])
def test_a_usual_receipt_is_one_page_a_copy(paper):
    """Five papers with names long enough to wrap, a full name and a two-line address: two pages."""
    papers = tuple(PaperLine(name, 1, 1) for name in (
        "Dự thảo văn bản thỏa thuận phân chia di sản",
        "Giấy tờ tùy thân của những người thừa kế",
        "Trích lục khai tử hoặc giấy tờ chứng minh người để lại di sản đã chết",
        "Giấy tờ chứng minh quan hệ giữa người để lại di sản và người thừa kế",
        "Giấy chứng nhận quyền sở hữu, quyền sử dụng tài sản là di sản"))
    data = receipt(papers=0, citizen_name="Nguyễn Thị Phương Thảo",
                   address="Số 125 đường Trần Hưng Đạo, tổ dân phố Đông Tiến, xã An Phú, tỉnh Phú Thọ",
                   procedure_name="Chứng thực văn bản thỏa thuận phân chia di sản", field_name="Chứng thực")
    data = dataclasses.replace(data, papers=papers)
    pages = pages_text(render_receipt(data, paper))
    assert len(pages) == 2
    assert all("Công dân đến nhận kết quả" in squash(p) for p in pages)


def test_receipt_a5_is_a5_and_keeps_its_text():
    pdf = render_receipt(receipt(), paper="a5")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 420 and round(float(box.height)) == 595
    text = squash(pages_text(pdf)[0])
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Nguyễn Văn Đường" in text
    assert len(reader.pages) == 2


def test_receipt_with_representative_and_same_day():
    rep = Representative("Trần Văn Bình", id_number="001090004321", address="Hà Nội",
                         authorisation="Giấy ủy quyền ngày 02/02/2026")
    text = squash(" ".join(pages_text(render_receipt(receipt(representative=rep, processing_days=0,
                                                             fee=0, ledger_no=None)))))
    assert "Trần Văn Bình" in text and "001090004321" in text
    assert "trong ngày làm việc" in text
    assert "Miễn phí" in text


def test_unknown_paper_is_refused():
    with pytest.raises(ValueError):
        render_receipt(receipt(), paper="letter")


def _decode(pdf: bytes, page: int = 0, scale: float = 3.0):
    pdfium = pytest.importorskip("pypdfium2")
    zxingcpp = pytest.importorskip("zxingcpp")
    doc = pdfium.PdfDocument(pdf)
    image = doc[page].render(scale=scale).to_pil()
    return zxingcpp.read_barcodes(image)


def test_receipt_qr_and_barcode_hold_exactly_the_code():
    for paper in ("a4", "a5"):
        found = _decode(render_receipt(receipt(), paper=paper))
        import zxingcpp

        formats = {b.format: b.text for b in found}
        assert formats.get(zxingcpp.BarcodeFormat.QRCode) == CODE, (paper, formats)
        assert formats.get(zxingcpp.BarcodeFormat.Code128) == CODE, (paper, formats)


def test_english_labels_come_from_the_catalogue():
    set_language("en")
    text = squash(" ".join(pages_text(render_receipt(receipt()))))
    assert "RECEIPT" in text.upper()
    assert "Nguyễn Văn Đường" in text  # data is never translated


# ---------------------------------------------------------------------- forms 02-07

def test_supplement():
    data = SupplementData(
        office=OFFICE, code=CODE, number="7", citizen_name="Nguyễn Văn Đường", address="Thôn Đồng Tâm",
        phone_display="0912 345 678", email="", procedure_name="Đăng ký khai sinh",
        items=(SupplementItem("Giấy chứng sinh", 1, 0, 0), SupplementItem("Văn bản ủy quyền", 0, 1, 0)),
        reason="Thiếu giấy chứng sinh bản chính", contact_name="Lê Thị Mai",
        contact_phone="0207 3822 123", guide_name="Lê Thị Mai", issued_on=dt.date(2026, 3, 22))
    pdf = render_supplement(data)
    assert b"/Helvetica" not in pdf and b"/FontFile2" in pdf
    text = squash(" ".join(pages_text(pdf)))
    for part in ("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Số: 07/TTPVHCC",
                 "An Phú, ngày 22 tháng 3 năm 2026", "Giấy chứng sinh", "Bản chứng thực",
                 "Lý do: Thiếu giấy chứng sinh bản chính", "0207 3822 123", "NGƯỜI HƯỚNG DẪN",
                 "Độc lập - Tự do - Hạnh phúc"):
        assert part in text, part


def test_refusal():
    data = RefusalData(
        office=OFFICE, code=None, number=None, citizen_name="Nguyễn Văn Đường", address="Thôn Đồng Tâm",
        phone_display="0912 345 678", email="", procedure_name="Cấp giấy phép xây dựng",
        reason="Thửa đất nằm trong hành lang an toàn giao thông.", signer_title="NGƯỜI TIẾP NHẬN HỒ SƠ",
        signer_name="Lê Thị Mai", issued_on=dt.date(2026, 2, 5))
    text = squash(" ".join(pages_text(render_refusal(data, paper="a5"))))
    for part in ("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Mã hồ sơ (nếu có)",
                 "không tiếp nhận, giải quyết hồ sơ này", "hành lang an toàn giao thông",
                 "Xin thông báo cho Ông/Bà được biết và thực hiện./.", "ngày 05 tháng 02 năm 2026"):
        assert part in text, part


def test_apology():
    data = ApologyData(
        office=OFFICE, number="3", citizen_name="Nguyễn Văn Đường", address="Thôn Đồng Tâm",
        phone_display="0912 345 678", received_on=dt.date(2026, 2, 5), procedure_name="Đăng ký biến động",
        id_number="008095001234", code=CODE, old_due=dt.date(2026, 3, 2), reason="Cần xác minh thêm.",
        new_due=dt.date(2026, 3, 22), signer_title="PHÓ CHỦ TỊCH", signer_name="Trần Thị Hạnh",
        issued_on=dt.date(2026, 2, 27), signer_authority="KT. CHỦ TỊCH")
    pdf = render_apology(data)
    assert b"/Helvetica" not in pdf and b"/FontFile2" in pdf
    text = squash(" ".join(pages_text(pdf)))
    for part in ("Số: 03/PXL", "Kính gửi: Nguyễn Văn Đường", CODE, "ngày 02 tháng 3 năm 2026",
                 "ngày 22 tháng 3 năm 2026", "Lý do: Cần xác minh thêm.", "xin lỗi Ông/Bà",
                 "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Thị Hạnh", "Nơi nhận:"):
        assert part in text, part


def test_stop_notice():
    data = StopData(
        office=OFFICE, number=None, code=CODE, citizen_name="Nguyễn Văn Đường", id_number="008095001234",
        address="Thôn Đồng Tâm", procedure_name="Đăng ký kết hôn",
        received_at=dt.datetime(2026, 2, 5, 9, 0), request_date=dt.date(2026, 2, 9),
        stage_reached="Đang thẩm định hồ sơ", decision_text="dừng giải quyết hồ sơ.",
        refund=20000, fee=20000, signer_title="GIÁM ĐỐC", signer_name="Phạm Văn Long",
        issued_on=dt.date(2026, 2, 10))
    text = squash(" ".join(pages_text(render_stop(data))))
    for part in ("THÔNG BÁO", "dừng giải quyết hồ sơ", "Đang thẩm định hồ sơ", "09 tháng 02 năm 2026",
                 "20.000 đ", "được hoàn trả", "GIÁM ĐỐC"):
        assert part in text, part


def test_control_sheet():
    t = dt.datetime
    rows = (HandOver("Trung tâm PVHCC", "Lê Thị Mai", "Phòng Kinh tế", "Hoàng Văn Nam", t(2026, 2, 5, 10), "on_time"),
            HandOver("Phòng Kinh tế", "Hoàng Văn Nam", "Lãnh đạo UBND xã", "Trần Thị Hạnh", t(2026, 2, 9, 15, 30), "late", "Chậm"))
    data = ControlSheetData(office=OFFICE, code=CODE, citizen_name="Nguyễn Văn Đường",
                            department="Phòng Kinh tế", received_at=t(2026, 2, 5, 8, 5),
                            due_at=t(2026, 2, 10, 16, 30), rows=rows)
    pdf = render_control_sheet(data)
    assert b"/Helvetica" not in pdf and b"/FontFile2" in pdf
    text = squash(" ".join(pages_text(pdf)))
    for part in ("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "Kèm theo hồ sơ của:", "Nguyễn Văn Đường",
                 "TÊN CƠ QUAN", "THỜI GIAN GIAO, NHẬN HỒ SƠ", "KẾT QUẢ GIẢI QUYẾT HỒ SƠ", "GHI CHÚ",
                 "1. Giao: Trung tâm PVHCC", "2. Nhận: Phòng Kinh tế", "Đúng hạn", "Quá hạn",
                 "Người giao", "Người nhận", "Hoàng Văn Nam", "Hẹn trả kết quả vào 16 giờ 30 phút"):
        assert part in text, part
    found = _decode(pdf)
    assert CODE in {b.text for b in found}


def test_ledger_is_landscape_with_header_on_every_page():
    t = dt.datetime
    rows = tuple(LedgerRow(i, f"H15.50.05.13-260205-{i:04d}", "Đăng ký khai sinh", 1, "Nguyễn Văn Đường",
                           "Thôn Đồng Tâm; 0912 345 678", "Văn phòng HĐND-UBND", t(2026, 2, 5, 8, 5),
                           t(2026, 2, 6, 16), t(2026, 2, 5, 9), None, None) for i in range(1, 61))
    data = LedgerData(office=OFFICE, date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 2, 28),
                      book="01/2026", rows=rows)
    pdf = render_ledger(data)
    assert b"/Helvetica" not in pdf and b"/FontFile2" in pdf
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)
    pages = pages_text(pdf)
    assert len(pages) > 1
    assert "SỔ THEO DÕI HỒ SƠ" in pages[0]
    for page in pages:
        text = squash(page)
        assert "Ngày, tháng, năm" in text and "Mã hồ sơ" in text and "(14)" in text
    everything = squash(" ".join(pages))
    assert "0060" in everything and "05/02/2026" in everything
    for head in ("Nhận hồ sơ", "Hẹn trả kết quả", "Chuyển hồ sơ đến cơ quan giải quyết",
                 "Nhận kết quả từ cơ quan giải quyết", "Trả kết quả cho cá nhân, tổ chức", "Ký nhận"):
        assert head in everything, head


def test_ledger_never_cuts_a_date_or_a_phone_number_and_leaves_no_stray_separator():
    from casedesk.documents.build import _address_phone
    from casedesk.documents.ledger import COLUMNS, LedgerRenderer

    assert _address_phone("Thôn Đông;", "") == "Thôn Đông"
    assert _address_phone("Thôn Đông", "+84912345678") == "Thôn Đông; 0912\u00a0345\u00a0678"
    assert _address_phone("", "+84912345678") == "0912\u00a0345\u00a0678"
    renderer = LedgerRenderer()
    width = renderer.spec.frame_width
    for column, text in ((13, "Đã gia hạn; Gia hạn đến 24/11/2026"), (5, _address_phone(
            "Số 154 Đường Trần Hưng Đạo, xã An Phú, tỉnh Phú Thọ", "+84912921380")), (8, "24/11/2026")):
        para = renderer._p(text, renderer.small)
        para.wrap(width * COLUMNS[column][1] - 4, 1000)
        lines = [" ".join(w.text if hasattr(w, "text") else str(w) for w in (line[1] if isinstance(line, tuple)
                          else line.words)) for line in para.blPara.lines]
        joined = "\n".join(lines)
        for whole in ("24/11/2026", "0912\u00a0345\u00a0678"):
            if whole in text:
                assert any(whole in line for line in lines), joined


def test_control_sheet_never_carries_only_blank_rows_to_a_new_page():
    t = dt.datetime
    for count in range(1, 9):
        rows = tuple(HandOver("Bộ phận tiếp nhận và trả kết quả", "Lê Thị Mai", "Văn phòng HĐND và UBND",
                              "Hoàng Văn Nam", t(2026, 2, 5, 10), "on_time") for _ in range(count))
        data = ControlSheetData(office=OFFICE, code=CODE, citizen_name="Nguyễn Văn Đường",
                                department="Văn phòng HĐND và UBND", received_at=t(2026, 2, 5, 8, 5),
                                due_at=t(2026, 2, 10, 16, 30), rows=rows, procedure_name="Đăng ký khai sinh")
        pages = pages_text(render_control_sheet(data))
        last = squash(pages[-1])
        assert "Hoàng Văn Nam" in last, (count, len(pages))      # a last page always holds a real hand-over
