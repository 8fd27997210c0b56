"""The duty roster of a week, printed: A4 landscape, one row per person, a column per half-day."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from ..i18n import N_, _, short_date, weekday_name
from . import fonts
from .data import OfficeHeader
from .frame import P, DocumentRenderer, esc, grid_style


@dataclass(frozen=True)
class RosterData:
    office: OfficeHeader
    monday: dt.date
    days: int                                   # how many days from Monday are printed
    people: tuple[tuple[str, str], ...]          # (name, role label), in print order
    cells: dict                                 # (name, day offset, "am"|"pm") -> place name


class RosterRenderer(DocumentRenderer):
    landscape = True
    title = N_("Lịch trực tuần")

    def __init__(self, paper: str | None = None):
        super().__init__("a4")
        from reportlab.lib.styles import ParagraphStyle

        self.small = ParagraphStyle("RosterCell", parent=self.st["CellCenter"], fontSize=self.spec.pt(9.5),
                                    leading=self.spec.pt(11))

    def subject(self, d: RosterData) -> str:
        return short_date(d.monday)

    def story(self, d: RosterData) -> list[Flowable]:
        s = self.spec.pt
        last = d.monday + dt.timedelta(days=d.days - 1)
        return [
            self.header(d.office, with_number=False),
            self.p(esc(_("LỊCH TRỰC TUẦN")), "Title"),
            self.line("(Từ ngày {start} đến ngày {end})", "SubtitleItalic", start=esc(short_date(d.monday)),
                      end=esc(short_date(last))),
            Spacer(1, s(6)),
            self.table(d),
        ]

    def table(self, d: RosterData) -> Flowable:
        w = self.spec.frame_width
        name_w = w * 0.2
        cell_w = (w - name_w) / (d.days * 2)
        top: list = [self.p(esc(_("Cán bộ")), "CellHead")]
        second: list = [""]
        for i in range(d.days):
            day = d.monday + dt.timedelta(days=i)
            name = weekday_name(day)
            top += [self.p(esc(f"{name[:1].upper()}{name[1:]} {day:%d/%m}"), "CellHead"), ""]
            second += [self.p(esc(_("Sáng")), "CellHead"), self.p(esc(_("Chiều")), "CellHead")]
        rows = [top, second]
        for name, role in d.people:
            row: list = [self.p(f"{esc(name)}<br/><font size='8'>{esc(role)}</font>", "Cell")]
            for i in range(d.days):
                for half in ("am", "pm"):
                    row.append(P(esc(d.cells.get((name, i, half), "")), self.small))
            rows.append(row)
        if not d.people:
            rows.append([self.p(esc(_("(chưa có lịch trực)")), "Cell")] + [""] * (d.days * 2))
        spans = [("SPAN", (0, 0), (0, 1))] + [("SPAN", (1 + 2 * i, 0), (2 + 2 * i, 0)) for i in range(d.days)]
        table = Table(rows, colWidths=[name_w] + [cell_w] * (d.days * 2), repeatRows=2)
        table.setStyle(TableStyle(grid_style(self.spec) + spans + [
            ("FONT", (0, 2), (-1, -1), fonts.REGULAR, self.st["Cell"].fontSize, self.st["Cell"].leading),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, 1), colors.HexColor("#EEEEEE")),
        ]))
        return table


def roster_data(monday: dt.date, days: int = 6) -> RosterData:
    """The week's roster as the printed table needs it (reads the register)."""
    from .. import workflow
    from ..services import roster
    from ..text import name_sort_key
    from .build import office_header

    monday = roster.week_start(monday)
    found = roster.entries(monday, monday + dt.timedelta(days=days - 1))
    people: dict[str, str] = {}
    cells = {}
    for e in found:
        people.setdefault(e.full_name, _(workflow.ROLE_LABELS.get(e.role, e.role)))
        cells[(e.full_name, (e.day - monday).days, e.half)] = e.place_name
    order = tuple(sorted(people.items(), key=lambda p: (p[1], name_sort_key(p[0]))))
    return RosterData(office=office_header(), monday=monday, days=days, people=order, cells=cells)


def render_roster(monday: dt.date, days: int = 6) -> bytes:
    """The printable week (PDF bytes)."""
    return RosterRenderer().render(roster_data(monday, days))
