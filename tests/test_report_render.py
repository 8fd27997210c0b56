"""Form II.06a rendered: the PDF a director signs and the workbook the province collects."""
from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest

from casedesk.documents import (MonthlyReportData, OfficeHeader, OfficerRow, ReportRow,
                                render_monthly_pdf, render_monthly_xlsx)
from casedesk.i18n import set_language

OFFICE = OfficeHeader(
    superior="UBND XÃ AN PHÚ", unit="Trung tâm Phục vụ hành chính công", place="An Phú",
    commune="Xã An Phú", province="Tỉnh Tuyên Quang",
    desk_name="Trung tâm Phục vụ hành chính công xã An Phú")

FIELDS = ("Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Bảo trợ xã hội")


def _row(name: str, i: int) -> ReportRow:
    c4, c5, c6 = 10 + i, 20 + 2 * i, i
    c8, c9, c10 = 3 + i, 15 + i, i % 3
    c7 = c8 + c9 + c10
    c3 = c4 + c5 + c6
    c13 = i % 2
    return ReportRow(name, c3, c4, c5, c6, c7, c8, c9, c10, c3 - c7, c3 - c7 - c13, c13)


def report(rows: int = len(FIELDS)) -> MonthlyReportData:
    body = tuple(_row(FIELDS[i % len(FIELDS)] + ("" if i < len(FIELDS) else f" {i}"), i)
                 for i in range(rows))
    total = ReportRow("Tổng cộng", *[sum(getattr(r, f"c{k}") for r in body) for k in range(3, 14)])
    officers = (OfficerRow("Lê Thị Mai", 120, 110, 95.5, 1, 40, 60, 2, 98.0),
                OfficerRow("Nguyễn Văn Đường", 80, 70, 88.6, 3, 10, 50, 5, 92.3),
                OfficerRow("Đỗ Thị Hương", 0, 0, None, 0, 0, 0, 0, None))
    return MonthlyReportData(
        office=OFFICE, title_period="Tháng 10 năm 2026", date_from=dt.date(2026, 9, 15),
        date_to=dt.date(2026, 10, 14), rows=body, total=total, officers=officers,
        signer_title="GIÁM ĐỐC", signer_name="Phạm Văn Long", reported_to="UBND tỉnh Tuyên Quang",
        prepared_by="Lê Thị Mai")


@pytest.fixture(autouse=True)
def vietnamese():
    set_language("vi")
    yield
    set_language("vi")


def _text(pdf: bytes) -> list[str]:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [" ".join(unicodedata.normalize("NFC", p.extract_text() or "").split()) for p in reader.pages]


def test_pdf_has_the_form_heading_columns_and_figures():
    pypdf = pytest.importorskip("pypdf")
    data = report()
    pdf = render_monthly_pdf(data)
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    text = " ".join(_text(pdf))
    for part in ("Biểu số II.06a/VPCP/KSTT",
                 "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
                 "Kỳ báo cáo: Tháng 10 năm 2026 (Từ ngày 15/09/2026 đến ngày 14/10/2026)",
                 "Đơn vị tính: Số hồ sơ TTHC", "Số hồ sơ nhận giải quyết", "Trực tuyến",
                 "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước", "Trước hạn", "Đúng hạn", "Quá hạn",
                 "Số hồ sơ đang giải quyết", "Trong hạn", "Tổng cộng", "KẾT QUẢ THEO CÁN BỘ",
                 "Nguyễn Văn Đường", "95,5%", "GIÁM ĐỐC", "Phạm Văn Long",
                 "An Phú, ngày 14 tháng 10 năm 2026", "Đã giải quyết quá hạn (10)"):
        assert part in text, part
    assert " ".join(f"({i})" for i in range(1, 14)) in text
    for field in FIELDS:
        assert field in text
    total = data.total
    assert " ".join(str(v) for v in total.values()) in text


def test_pdf_embeds_the_font_and_long_reports_repeat_the_header():
    pdf = render_monthly_pdf(report(rows=45))
    assert b"/FontFile2" in pdf and b"/Helvetica" not in pdf
    pages = _text(pdf)
    assert len(pages) > 1
    table_pages = [p for p in pages if "Lĩnh vực, công việc giải quyết theo cấp" in p]
    assert len(table_pages) >= 2  # the two-level header and numbering row repeat
    assert all("(13)" in p and "Trực tuyến" in p for p in table_pages)
    assert "Hộ tịch 40" in " ".join(pages)


def test_pdf_with_no_rows_still_renders():
    empty = MonthlyReportData(
        office=OFFICE, title_period="Tháng 1 năm 2026", date_from=dt.date(2026, 1, 1),
        date_to=dt.date(2026, 1, 31), rows=(), total=ReportRow("Tổng cộng"), officers=(),
        signer_title="GIÁM ĐỐC", signer_name="", reported_to="")
    text = " ".join(_text(render_monthly_pdf(empty)))
    assert "Tổng cộng" in text and "(không có số liệu)" in text


def test_xlsx_numbers_formulas_layout():
    openpyxl = pytest.importorskip("openpyxl")
    data = report()
    wb = openpyxl.load_workbook(io.BytesIO(render_monthly_xlsx(data)))
    assert wb.sheetnames[:2] == ["Biểu II.06a", "Theo cán bộ"]
    ws = wb["Biểu II.06a"]
    # the numbered header row, then one row per field with real numbers
    header = [c.value for c in ws[8]]
    assert header == [f"({i})" for i in range(1, 14)]
    for offset, row in enumerate(data.rows):
        cells = [c.value for c in ws[9 + offset]]
        assert cells[1] == row.field
        assert cells[2:] == list(row.values())
        assert all(isinstance(v, int) for v in cells[2:])
    total_row = 9 + len(data.rows)
    assert ws.cell(row=total_row, column=2).value == "Tổng cộng"
    last = total_row - 1
    for k, letter in enumerate("CDEFGHIJKLM", 3):
        assert ws.cell(row=total_row, column=k).value == f"=SUM({letter}9:{letter}{last})"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A6:A7", "B6:B7", "C6:F6", "G6:J6", "K6:M6"} <= merged
    assert ws["C6"].value == "Số hồ sơ nhận giải quyết" and ws["H7"].value == "Trước hạn"
    assert ws["C9"].border.left.style == "thin"
    assert ws.freeze_panes == "C9"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage

    officers = wb["Theo cán bộ"]
    names = [officers.cell(row=r, column=2).value for r in range(4, 7)]
    assert names == ["Lê Thị Mai", "Nguyễn Văn Đường", "Đỗ Thị Hương"]
    assert officers.cell(row=4, column=3).value == 120
    assert officers.cell(row=4, column=5).value == pytest.approx(0.955)
    assert officers.cell(row=6, column=5).value is None

    charts = [ch for sheet in wb.worksheets for ch in sheet._charts]
    assert charts, "the workbook has no chart"


def test_xlsx_in_english_uses_translated_sheet_names():
    openpyxl = pytest.importorskip("openpyxl")
    set_language("en")
    wb = openpyxl.load_workbook(io.BytesIO(render_monthly_xlsx(report())))
    assert wb.sheetnames[0] == "Form II.06a"
    assert wb.worksheets[0].cell(row=9, column=2).value == "Hộ tịch"  # data untranslated


@pytest.mark.parametrize("rows", [1, 5, 9, 14, 30])
def test_table_then_officers_annex_then_signatures_kept_together(rows):
    pages = _text(render_monthly_pdf(report(rows)))
    signed = [i for i, text in enumerate(pages) if "NGƯỜI LẬP BIỂU" in text]
    annex = [i for i, text in enumerate(pages) if "KẾT QUẢ THEO CÁN BỘ" in text]
    assert len(signed) == 1 and len(annex) == 1
    page = pages[signed[0]]
    assert annex[0] == signed[0]                                  # the annex and its signatures together
    assert page.index("KẾT QUẢ THEO CÁN BỘ") < page.index("NGƯỜI LẬP BIỂU")
    assert "Đỗ Thị Hương" in page                                # the annex's last row sits above them
    first_table_page = next(i for i, text in enumerate(pages) if "Tổng cộng" in text)
    assert first_table_page <= signed[0]
