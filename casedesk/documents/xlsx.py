"""Biểu số II.06a/VPCP/KSTT as an Excel workbook (openpyxl).

Sheets: "Biểu II.06a" (the form: merged two-level header, numbering row, one row per
field with real numbers, total row as SUM formulas, frozen header, A4 landscape
fit to width), "Theo cán bộ" (per-officer figures) and "Biểu đồ" (on-time vs late
per field with a native bar chart).
"""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..anchors import footer_line
from ..i18n import N_, _, short_date
from .data import MonthlyReportData
from .frame import nfc

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="EEEEEE")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)

MAIN_SHEET = N_("Biểu II.06a")
OFFICER_SHEET = N_("Theo cán bộ")
CHART_SHEET = N_("Biểu đồ")
FIRST_DATA_ROW = 9  # rows 1-5 title block, 6-7 header, 8 numbering


def _font(bold: bool = False, italic: bool = False, size: float = 12) -> Font:
    return Font(name=FONT, bold=bold, italic=italic, size=size)


def _head_row(ws, row: int, heads) -> None:
    """Column headings (translated) across ``row``: bold, centred, boxed and shaded."""
    for k, h in enumerate(heads, 1):
        c = ws.cell(row=row, column=k, value=nfc(_(h)))
        c.font = _font(bold=True, size=11)
        c.alignment = CENTRE
        c.border = BOX
        c.fill = HEAD_FILL


def _print_landscape(ws) -> None:
    """Print on A4 landscape, as wide as the page and as many pages long as it takes."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _sheet_title(name: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    for ch in "[]:*?/\\":
        name = name.replace(ch, "-")
    return nfc(name)[:31]


def render_monthly_xlsx(data: MonthlyReportData) -> bytes:
    """The II.06a report as XLSX bytes."""
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(_(MAIN_SHEET))
    _main_sheet(ws, data)
    _officer_sheet(wb.create_sheet(_sheet_title(_(OFFICER_SHEET))), data)
    _chart_sheet(wb.create_sheet(_sheet_title(_(CHART_SHEET))), data)
    if data.office.audit_anchor:       # printed at the foot of every page, as on the PDF (anchors)
        for sheet in wb.worksheets:
            sheet.oddFooter.right.text = nfc(footer_line(data.office.audit_anchor))
            sheet.oddFooter.right.size = 7
    wb.properties.title = nfc(_("Tình hình, kết quả giải quyết thủ tục hành chính"))
    wb.properties.subject = nfc(data.title_period)
    wb.properties.creator = "CaseDesk"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _main_sheet(ws, d: MonthlyReportData) -> int:
    ncol = 13
    end = get_column_letter(ncol)
    ws["A1"] = nfc(_("Biểu số II.06a/VPCP/KSTT"))
    ws["A1"].font = _font(bold=True, size=11)
    ws["J1"] = nfc(_("Đơn vị báo cáo: {unit}").format(unit=d.office.unit))
    ws["J2"] = nfc(_("Đơn vị nhận báo cáo: {unit}").format(unit=d.reported_to))
    for ref in ("J1", "J2"):
        ws[ref].font = _font(size=11)
    ws.merge_cells(f"A3:{end}3")
    ws["A3"] = nfc(_("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI {unit}").format(
        unit=nfc(d.office.unit).upper()))
    ws["A3"].font = _font(bold=True, size=14)
    ws["A3"].alignment = CENTRE
    ws.merge_cells(f"A4:{end}4")
    ws["A4"] = nfc(_("Kỳ báo cáo: {period} (Từ ngày {start} đến ngày {end})").format(
        period=d.title_period, start=short_date(d.date_from), end=short_date(d.date_to)))
    ws["A4"].font = _font(size=12)
    ws["A4"].alignment = CENTRE
    ws.merge_cells(f"K5:{end}5")
    ws["K5"] = nfc(_("Đơn vị tính: Số hồ sơ TTHC"))
    ws["K5"].font = _font(italic=True, size=11)
    ws["K5"].alignment = Alignment(horizontal="right")

    top = {1: N_("STT"), 2: N_("Lĩnh vực, công việc giải quyết theo cấp"), 3: N_("Số hồ sơ nhận giải quyết"),
           7: N_("Kết quả giải quyết: số hồ sơ đã giải quyết"), 11: N_("Số hồ sơ đang giải quyết")}
    sub = {3: N_("Tổng số"), 4: N_("Trực tuyến"), 5: N_("Trực tiếp, dịch vụ bưu chính"), 6: N_("Từ kỳ trước"),
           7: N_("Tổng số"), 8: N_("Trước hạn"), 9: N_("Đúng hạn"), 10: N_("Quá hạn"),
           11: N_("Tổng số"), 12: N_("Trong hạn"), 13: N_("Quá hạn")}
    for col in range(1, ncol + 1):
        for row in (6, 7, 8):
            c = ws.cell(row=row, column=col)
            c.border = BOX
            c.alignment = CENTRE
            c.font = _font(bold=row < 8, italic=row == 8, size=11)
            if row < 8:
                c.fill = HEAD_FILL
        if col in top:
            ws.cell(row=6, column=col, value=nfc(_(top[col])))
        if col in sub:
            ws.cell(row=7, column=col, value=nfc(_(sub[col])))
        ws.cell(row=8, column=col, value=f"({col})")
    ws.merge_cells("A6:A7")
    ws.merge_cells("B6:B7")
    ws.merge_cells("C6:F6")
    ws.merge_cells("G6:J6")
    ws.merge_cells("K6:M6")

    row = FIRST_DATA_ROW
    for i, r in enumerate(d.rows, 1):
        ws.cell(row=row, column=1, value=i)
        ws.cell(row=row, column=2, value=nfc(r.field))
        for k, v in enumerate(r.values(), 3):
            ws.cell(row=row, column=k, value=int(v))
        row += 1
    total_row = row
    ws.cell(row=total_row, column=2, value=nfc(_("Tổng cộng")))
    for k in range(3, ncol + 1):
        letter = get_column_letter(k)
        if d.rows:
            formula = f"=SUM({letter}{FIRST_DATA_ROW}:{letter}{total_row - 1})"
        else:
            formula = 0
        ws.cell(row=total_row, column=k, value=formula)
    for rr in range(FIRST_DATA_ROW, total_row + 1):
        for k in range(1, ncol + 1):
            c = ws.cell(row=rr, column=k)
            c.border = BOX
            c.font = _font(bold=rr == total_row, size=12)
            c.alignment = LEFT if k == 2 else (CENTRE if k == 1 else Alignment(horizontal="right",
                                                                                 vertical="center"))
            if k >= 3:
                c.number_format = "#,##0"

    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 38
    for k in range(3, ncol + 1):
        ws.column_dimensions[get_column_letter(k)].width = 10.5
    ws.row_dimensions[6].height = 32
    ws.row_dimensions[7].height = 48
    ws.freeze_panes = f"C{FIRST_DATA_ROW}"

    sign = total_row + 2
    ws.cell(row=sign, column=2, value=nfc(_("NGƯỜI LẬP BIỂU"))).font = _font(bold=True)
    ws.cell(row=sign + 4, column=2, value=nfc(d.prepared_by)).font = _font(bold=True)
    ws.merge_cells(start_row=sign, start_column=9, end_row=sign, end_column=13)
    title = "\n".join(nfc(line) for line in (*d.signer_authority, d.signer_title))
    ws.cell(row=sign, column=9, value=title).font = _font(bold=True)
    ws.cell(row=sign, column=9).alignment = CENTRE
    ws.row_dimensions[sign].height = 16 * (len(d.signer_authority) + 1)
    ws.merge_cells(start_row=sign + 4, start_column=9, end_row=sign + 4, end_column=13)
    ws.cell(row=sign + 4, column=9, value=nfc(d.signer_name)).font = _font(bold=True)
    ws.cell(row=sign + 4, column=9).alignment = CENTRE

    _print_landscape(ws)
    ws.print_title_rows = "6:8"
    ws.page_margins.left = 0.6
    ws.page_margins.right = 0.4
    ws.print_options.horizontalCentered = True
    return total_row


def _officer_sheet(ws, d: MonthlyReportData) -> None:
    heads = [N_("STT"), N_("Cán bộ"), N_("Tiếp nhận"), N_("Đã giải quyết"), N_("Tỉ lệ đúng hạn"), N_("Quá hạn đang giữ"),
             N_("Rất hài lòng"), N_("Hài lòng"), N_("Không hài lòng"), N_("Tỉ lệ hài lòng")]
    ws.merge_cells("A1:J1")
    ws["A1"] = nfc(_("KẾT QUẢ THEO CÁN BỘ - {period}").format(period=d.title_period))
    ws["A1"].font = _font(bold=True, size=13)
    ws["A1"].alignment = CENTRE
    _head_row(ws, 3, heads)
    for i, o in enumerate(d.officers, 1):
        values = [i, nfc(o.name), o.received, o.resolved,
                  None if o.on_time_pct is None else o.on_time_pct / 100, o.overdue_in_hand,
                  o.very_satisfied, o.satisfied, o.unsatisfied,
                  None if o.satisfaction_pct is None else o.satisfaction_pct / 100]
        for k, v in enumerate(values, 1):
            c = ws.cell(row=3 + i, column=k, value=v)
            c.border = BOX
            c.font = _font(size=12)
            if k in (5, 10):
                c.number_format = "0.0%"
            elif k > 2:
                c.number_format = "#,##0"
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 30
    for k in range(3, 11):
        ws.column_dimensions[get_column_letter(k)].width = 13
    ws.row_dimensions[3].height = 32
    ws.freeze_panes = "C4"
    _print_landscape(ws)


def _chart_sheet(ws, d: MonthlyReportData) -> None:
    """Numbers behind the chart are values (not formulas) so every viewer draws it."""
    heads = [N_("Lĩnh vực"), N_("Trước hạn, đúng hạn (8)+(9)"), N_("Quá hạn (10)")]
    _head_row(ws, 1, heads)
    for i, r in enumerate(d.rows, 2):
        for k, v in enumerate((nfc(r.field), r.c8 + r.c9, r.c10), 1):
            c = ws.cell(row=i, column=k, value=v)
            c.border = BOX
            c.font = _font(size=12)
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 14
    n = len(d.rows)
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.title = nfc(_("Số hồ sơ đã giải quyết đúng hạn và quá hạn theo lĩnh vực"))
    chart.y_axis.title = nfc(_("Số hồ sơ"))
    chart.height = max(7.5, 1.2 * n + 3)
    chart.width = 22
    if n:
        values = Reference(ws, min_col=2, max_col=3, min_row=1, max_row=n + 1)
        cats = Reference(ws, min_col=1, min_row=2, max_row=n + 1)
        chart.add_data(values, titles_from_data=True)
        chart.set_categories(cats)
        chart.series[0].graphicalProperties.solidFill = "2E7D32"
        chart.series[1].graphicalProperties.solidFill = "C62828"
    ws.add_chart(chart, "E2")
