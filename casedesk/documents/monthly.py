"""Biểu số II.06a/VPCP/KSTT as PDF (A4 landscape): the period table by field, the
per-officer table and a bar chart of resolved on time (c8 + c9) against late (c10)."""
from __future__ import annotations

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table, TableStyle

from ..i18n import N_, _, format_int, place_date, short_date
from . import fonts
from .data import MonthlyReportData, OfficerRow, ReportRow
from .frame import FONT_RESET, DocumentRenderer, b, esc, grid_style, nfc, signature_block

FORM_CODE = N_("Biểu số II.06a/VPCP/KSTT")
ON_TIME_COLOUR = colors.HexColor("#2E7D32")
LATE_COLOUR = colors.HexColor("#C62828")


def percent(value: float | None) -> str:
    """``95.5`` -> ``95,5%`` (vi) / ``95.5%`` (en); None -> ``-``."""
    if value is None:
        return "-"
    from babel.numbers import format_decimal

    from ..i18n import babel_locale

    return f"{format_decimal(round(value, 1), format='0.0', locale=babel_locale())}%"


class MonthlyReportRenderer(DocumentRenderer):
    anchor_footer = True
    landscape = True
    title = N_("Tình hình, kết quả giải quyết thủ tục hành chính")

    def __init__(self, paper: str | None = None):
        super().__init__("a4")

    def subject(self, d: MonthlyReportData) -> str:
        return d.title_period

    def story(self, d: MonthlyReportData) -> list[Flowable]:
        s = self.spec.pt
        return [
            self.heading(d),
            Spacer(1, s(4)),
            self.p(esc(_("Đơn vị tính: Số hồ sơ TTHC")), "Running"),
            Spacer(1, s(2)),
            self.main_table(d),
            Spacer(1, s(12)),
            # the officers' annex, then the signatures under it: kept together, so the signatures never
            # stand alone on a page and never come before the figures they sign
            KeepTogether([
                self.p(esc(_("KẾT QUẢ THEO CÁN BỘ")), "Title"),
                Spacer(1, s(4)),
                self.officer_table(d.officers),
                self.signatures(d),
            ]),
            Spacer(1, s(12)),
            CondPageBreak(s(120)),
            KeepTogether([          # the chart with its title, never the title alone at a page's foot
                self.p(esc(_("SỐ HỒ SƠ ĐÃ GIẢI QUYẾT ĐÚNG HẠN VÀ QUÁ HẠN THEO LĨNH VỰC")), "Title"),
                *self.chart_note(d.rows),
                Spacer(1, s(4)),
                self.chart(d.rows),
            ]),
        ]

    # -- heading -------------------------------------------------------------
    def heading(self, d: MonthlyReportData) -> Flowable:
        w = self.spec.frame_width
        left = [self.p(b(_(FORM_CODE)), "Cell")]
        centre = [
            self.line("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI {unit}", "Title",
                      unit=esc(nfc(d.office.unit).upper())),
            self.line("Kỳ báo cáo: {period} (Từ ngày {start} đến ngày {end})", "Subtitle",
                      period=b(d.title_period), start=esc(short_date(d.date_from)),
                      end=esc(short_date(d.date_to))),
        ]
        right = [
            self.line("- Đơn vị báo cáo: {unit}", "Cell", unit=esc(d.office.unit)),
            self.line("- Đơn vị nhận báo cáo: {unit}", "Cell", unit=esc(d.reported_to)),
        ]
        table = Table([[left, centre, right]], colWidths=[w * 0.2, w * 0.55, w * 0.25])
        table.setStyle(TableStyle([FONT_RESET, ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 2),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 2)]))
        return table

    # -- II.06a table --------------------------------------------------------
    def main_table(self, d: MonthlyReportData) -> Flowable:
        w = self.spec.frame_width
        s = self.spec.pt
        cell = self.st["Cell"]

        def h(text: str) -> Flowable:
            return self.p(esc(_(text)), "CellHead")

        top = [h("STT"), h("Lĩnh vực, công việc giải quyết theo cấp"),
               h("Số hồ sơ nhận giải quyết"), "", "", "",
               h("Kết quả giải quyết: số hồ sơ đã giải quyết"), "", "", "",
               h("Số hồ sơ đang giải quyết"), "", ""]
        sub = ["", "", h("Tổng số"), h("Trực tuyến"), h("Trực tiếp, dịch vụ bưu chính"),
               h("Từ kỳ trước"), h("Tổng số"), h("Trước hạn"), h("Đúng hạn"), h("Quá hạn"),
               h("Tổng số"), h("Trong hạn"), h("Quá hạn")]
        numbers = [f"({i})" for i in range(1, 14)]
        rows: list[list] = [top, sub, numbers]
        for i, r in enumerate(d.rows, 1):
            rows.append([str(i), self.p(esc(r.field), "Cell")] + [format_int(v) for v in r.values()])
        rows.append(["", self.p(b(_("Tổng cộng")), "Cell")] + [format_int(v) for v in d.total.values()])
        num_w = (w * 0.68) / 11
        widths = [w * 0.04, w * 0.28] + [num_w] * 11
        table = Table(rows, colWidths=widths, repeatRows=3)
        last = len(rows) - 1
        table.setStyle(TableStyle(grid_style(self.spec) + [
            ("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1)),
            ("SPAN", (2, 0), (5, 0)), ("SPAN", (6, 0), (9, 0)), ("SPAN", (10, 0), (12, 0)),
            ("FONT", (0, 2), (-1, -1), fonts.REGULAR, cell.fontSize, cell.leading),
            ("FONT", (0, 2), (-1, 2), fonts.ITALIC, s(10.5), s(12)),
            ("FONT", (0, last), (-1, last), fonts.BOLD, cell.fontSize, cell.leading),
            ("ALIGN", (0, 2), (-1, -1), "CENTER"),
            ("ALIGN", (2, 3), (-1, -1), "RIGHT"),
            ("BACKGROUND", (0, 0), (-1, 1), colors.HexColor("#EEEEEE")),
        ]))
        return table

    # -- officers ------------------------------------------------------------
    def officer_table(self, officers: tuple[OfficerRow, ...]) -> Flowable:
        w = self.spec.frame_width
        cell = self.st["Cell"]

        def h(text: str) -> Flowable:
            return self.p(esc(_(text)), "CellHead")

        rows: list[list] = [[h("STT"), h("Cán bộ"), h("Tiếp nhận"), h("Đã giải quyết"),
                             h("Tỉ lệ đúng hạn"), h("Quá hạn đang giữ"), h("Rất hài lòng"),
                             h("Hài lòng"), h("Không hài lòng"), h("Tỉ lệ hài lòng")]]
        for i, o in enumerate(officers, 1):
            rows.append([str(i), self.p(esc(o.name), "Cell"), format_int(o.received),
                         format_int(o.resolved), percent(o.on_time_pct),
                         format_int(o.overdue_in_hand), format_int(o.very_satisfied),
                         format_int(o.satisfied), format_int(o.unsatisfied),
                         percent(o.satisfaction_pct)])
        if not officers:
            rows.append(["", self.p(esc(_("(không có số liệu)")), "Cell")] + [""] * 8)
        num_w = (w * 0.7) / 8
        table = Table(rows, colWidths=[w * 0.05, w * 0.25] + [num_w] * 8, repeatRows=1)
        table.setStyle(TableStyle(grid_style(self.spec) + [
            ("FONT", (0, 1), (-1, -1), fonts.REGULAR, cell.fontSize, cell.leading),
            ("ALIGN", (0, 1), (0, -1), "CENTER"),
            ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
        ]))
        return table

    # -- chart ---------------------------------------------------------------
    chart_limit = 15  # more fields than this: chart the busiest ones, the table has them all

    def chart(self, rows: tuple[ReportRow, ...]) -> Flowable:
        s = self.spec.pt
        w = self.spec.frame_width
        if len(rows) > self.chart_limit:
            busiest = sorted(rows, key=lambda r: r.c7, reverse=True)[: self.chart_limit]
            rows = tuple(r for r in rows if r in busiest)[: self.chart_limit]
        n = max(1, len(rows))
        bar_area = min(self.spec.frame_height - s(90), max(s(60), n * s(26)))
        height = bar_area + s(50)
        drawing = Drawing(w, height)
        drawing.initialFontName = fonts.REGULAR  # renderPDF starts from Helvetica otherwise
        chart = HorizontalBarChart()
        label_w = w * 0.3
        chart.x = label_w + s(6)
        chart.y = s(30)
        chart.width = w - label_w - s(40)
        chart.height = bar_area
        on_time = [r.c8 + r.c9 for r in rows] or [0]
        late = [r.c10 for r in rows] or [0]
        # Categories are listed top-down in the table; the chart draws bottom-up.
        chart.data = [list(reversed(on_time)), list(reversed(late))]
        names = [_shorten(nfc(r.field), 48) for r in rows] or [""]
        chart.categoryAxis.categoryNames = list(reversed(names))
        chart.categoryAxis.labels.fontName = fonts.REGULAR
        chart.categoryAxis.labels.fontSize = s(10)
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dx = -s(4)
        chart.valueAxis.labels.fontName = fonts.REGULAR
        chart.valueAxis.labels.fontSize = s(9)
        chart.valueAxis.valueMin = 0
        top = max(on_time + late + [1])
        chart.valueAxis.valueMax = _nice_ceiling(top)
        chart.valueAxis.valueStep = max(1, chart.valueAxis.valueMax // 5)
        chart.valueAxis.visibleGrid = True
        chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
        chart.bars[0].fillColor = ON_TIME_COLOUR
        chart.bars[1].fillColor = LATE_COLOUR
        chart.bars.strokeColor = None
        chart.barLabelFormat = "%d"
        chart.barLabels.fontName = fonts.REGULAR
        chart.barLabels.fontSize = s(8.5)
        chart.barLabels.boxAnchor = "w"
        chart.barLabels.dx = s(2)
        chart.groupSpacing = s(6)
        drawing.add(chart)
        legend = Legend()
        legend.fontName = fonts.REGULAR
        legend.fontSize = s(10)
        legend.x = chart.x
        legend.y = s(10)
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.deltax = s(150)
        legend.dxTextSpace = s(4)
        legend.colorNamePairs = [
            (ON_TIME_COLOUR, nfc(_("Đã giải quyết trước hạn, đúng hạn (8)+(9)"))),
            (LATE_COLOUR, nfc(_("Đã giải quyết quá hạn (10)"))),
        ]
        drawing.add(legend)
        if not rows:
            drawing.add(String(w / 2, height / 2, nfc(_("(không có số liệu)")),
                               fontName=fonts.ITALIC, fontSize=s(11), textAnchor="middle"))
        return drawing

    def chart_note(self, rows: tuple[ReportRow, ...]) -> list[Flowable]:
        if len(rows) <= self.chart_limit:
            return []
        return [self.line("({count} lĩnh vực có nhiều hồ sơ đã giải quyết nhất)", "SubtitleItalic",
                          count=str(self.chart_limit))]

    # -- signatures ----------------------------------------------------------
    def signatures(self, d: MonthlyReportData) -> Flowable:
        """Decree 30's block on the right (authority lines, title, name), the preparer on the left with the
        two names on one line; no "(Ký …)" hints, which an official report does not print, so that the
        block still fits under a short table."""
        issued = d.issued_on or d.date_to
        pad = [("\u00a0", "SignTitle")] * len(d.signer_authority)
        left = [("\u00a0", "PlaceDate"), *pad, (_("NGƯỜI LẬP BIỂU"), "SignTitle"), ("", ""),
                (d.prepared_by, "SignName")]
        right = [(place_date(nfc(d.office.place), issued), "PlaceDate"),
                 *((line, "SignTitle") for line in d.signer_authority),
                 (d.signer_title, "SignTitle"), ("", ""), (d.signer_name, "SignName")]
        return signature_block(self.spec, [left, right], before=6, space=44)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _nice_ceiling(value: int) -> int:
    """Round an axis maximum up to 1, 2 or 5 times a power of ten (at least 5)."""
    value = max(5, int(value * 1.1) + 1)
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def render_monthly_pdf(data: MonthlyReportData) -> bytes:
    """Form II.06a with the per-officer table and chart, as PDF bytes (A4 landscape)."""
    return MonthlyReportRenderer().render(data)
