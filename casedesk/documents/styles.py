"""How text and tables look: the named paragraph styles, paragraphs, table grids and cells.

* ``styles(spec)``: the named paragraph styles (Decree 30 sizes), built once per page spec.
* ``P(markup, style)``: a paragraph; simple markup that fits on one line is drawn as a few
  strings (``Line``) instead of going through reportlab's paragraph machinery.
* ``grid_style(spec)``, ``cell(...)``, ``FONT_RESET``: the tables' thin grid and cheap cells.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from . import fonts
from .markup import nfc
from .page import PageSpec

# ------------------------------------------------------------------ paragraph styles

@lru_cache(maxsize=None)
def styles(spec: PageSpec) -> StyleSheet1:
    """The named paragraph styles for one page spec (sizes scaled for A5)."""
    fonts.ensure_fonts()
    f = fonts.FAMILY
    s = spec.pt
    sheet = StyleSheet1()

    def add(name: str, **kw: Any) -> None:
        size = kw.pop("size", 13)
        kw.setdefault("fontName", f)
        kw.setdefault("leading", size * 1.2)
        kw["fontSize"] = s(size)
        kw["leading"] = s(kw["leading"])
        for key in ("spaceBefore", "spaceAfter", "firstLineIndent", "leftIndent"):
            if key in kw:
                kw[key] = s(kw[key])
        sheet.add(ParagraphStyle(name, **kw))

    add("Body", size=13, leading=15.2, spaceAfter=1, alignment=TA_LEFT)
    add("BodyJustify", size=13, leading=15.2, spaceAfter=1, alignment=TA_JUSTIFY)
    add("Prose", size=13, spaceAfter=6, alignment=TA_JUSTIFY, firstLineIndent=1 * mm * 10)
    add("Item", size=13, spaceAfter=2, alignment=TA_JUSTIFY, leftIndent=0)
    add("Title", size=14, leading=17, fontName=fonts.BOLD, alignment=TA_CENTER,
        spaceBefore=8, spaceAfter=1)
    add("Subtitle", size=13, alignment=TA_CENTER, spaceAfter=1)
    add("SubtitleItalic", size=13, fontName=fonts.ITALIC, alignment=TA_CENTER, spaceAfter=1)
    add("Small", size=11, alignment=TA_LEFT)
    add("Cell", size=12, leading=14, alignment=TA_LEFT)
    add("CellCenter", size=12, leading=14, alignment=TA_CENTER)
    add("CellRight", size=12, leading=14, alignment=TA_RIGHT)
    add("CellHead", size=12, leading=14, fontName=fonts.BOLD, alignment=TA_CENTER)
    add("CellNumber", size=11, leading=13, fontName=fonts.ITALIC, alignment=TA_CENTER)
    add("SignTitle", size=13, leading=15.5, fontName=fonts.BOLD, alignment=TA_CENTER)
    add("SignHint", size=12, leading=14, fontName=fonts.ITALIC, alignment=TA_CENTER)
    add("SignName", size=13, leading=15.5, fontName=fonts.BOLD, alignment=TA_CENTER)
    add("PlaceDate", size=13, fontName=fonts.ITALIC, alignment=TA_CENTER)
    add("NoteHead", size=12, fontName=fonts.BOLD_ITALIC, alignment=TA_LEFT, spaceBefore=6)
    add("Note", size=11, leading=13, alignment=TA_JUSTIFY)
    add("Footer", size=10.5, fontName=fonts.BOLD_ITALIC, alignment=TA_CENTER, spaceBefore=3)
    add("Running", size=10, fontName=fonts.ITALIC, alignment=TA_RIGHT)
    return sheet


# ------------------------------------------------------------------ paragraphs

_SIMPLE_MARKUP = re.compile(r"(</?b>|&amp;|&lt;|&gt;|&quot;|&apos;|&nbsp;|&#160;)")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'",
             "&nbsp;": "\u00a0", "&#160;": "\u00a0"}
_BOLD_OF = {fonts.REGULAR: fonts.BOLD, fonts.ITALIC: fonts.BOLD_ITALIC,
            fonts.BOLD: fonts.BOLD, fonts.BOLD_ITALIC: fonts.BOLD_ITALIC}


def _simple_runs(markup: str, font: str) -> list[tuple[str, str]] | None:
    """Split markup that uses only <b> and the XML entities into (text, font) runs;
    None for anything richer (the caller then uses a real Paragraph)."""
    runs: list[tuple[str, str]] = []
    bold = False
    for piece in _SIMPLE_MARKUP.split(markup):
        if not piece:
            continue
        if piece == "<b>":
            bold = True
        elif piece == "</b>":
            bold = False
        elif piece in _ENTITIES:
            runs.append((_ENTITIES[piece], _BOLD_OF.get(font, font) if bold else font))
        elif "<" in piece or "&" in piece or "\n" in piece:
            return None
        else:
            runs.append((piece, _BOLD_OF.get(font, font) if bold else font))
    return runs


class Line(Flowable):
    """A paragraph that is usually one line.

    When the text fits the frame on one line it is drawn directly as a few strings
    (no paragraph parsing and line breaking); otherwise it becomes a reportlab
    ``Paragraph`` and wraps, justifies and splits across pages as usual.  Only plain
    text with ``<b>`` runs takes the short path.
    """

    def __init__(self, markup: str, style: ParagraphStyle, runs: list[tuple[str, str]]):
        super().__init__()
        self.markup = markup
        self.style = style
        self.runs = runs
        self._para: Paragraph | None = None
        self._text_width = sum(stringWidth(t, f, style.fontSize) for t, f in runs)

    def _paragraph(self) -> Paragraph:
        if self._para is None:
            self._para = Paragraph(self.markup, self.style)
        return self._para

    def _fits(self, avail_width: float) -> bool:
        st = self.style
        return (self._text_width + st.firstLineIndent + st.leftIndent + st.rightIndent
                <= avail_width)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if self._fits(avail_width):
            self._long = False
            self.width, self.height = avail_width, self.style.leading
            return self.width, self.height
        self._long = True
        return self._paragraph().wrap(avail_width, avail_height)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        if self._fits(avail_width):
            return [] if avail_height < self.style.leading else [self]
        return self._paragraph().split(avail_width, avail_height)

    def getSpaceBefore(self) -> float:
        return self.style.spaceBefore

    def getSpaceAfter(self) -> float:
        return self.style.spaceAfter

    def draw(self) -> None:
        if self._long:
            self._paragraph().drawOn(self.canv, 0, 0)
            return
        st = self.style
        c = self.canv
        if st.alignment == TA_CENTER:
            x = (self.width - self._text_width) / 2
        elif st.alignment == TA_RIGHT:
            x = self.width - st.rightIndent - self._text_width
        else:
            x = st.leftIndent + st.firstLineIndent
        draw_runs(c, self.runs, x, self.height - st.fontSize, st.fontSize)


def draw_runs(canv: Any, runs: Sequence[tuple[str, str]], x: float, y: float, size: float) -> None:
    """Draw (text, font) runs one after another on a baseline, starting at ``x``."""
    for text, font in runs:
        canv.setFont(font, size)
        canv.drawString(x, y, text)
        x += stringWidth(text, font, size)


def P(markup: str, style: ParagraphStyle) -> Flowable:
    """A paragraph from markup (already escaped), NFC-normalised.  Simple markup
    becomes a ``Line`` (fast when it fits on one line), anything else a Paragraph."""
    markup = nfc(markup)
    runs = _simple_runs(markup, style.fontName)
    if runs is None:
        return Paragraph(markup, style)
    return Line(markup, style, runs)


# ------------------------------------------------------------------ tables

# Every table starts from the bundled font: reportlab's default cell font is Helvetica,
# which would otherwise be referenced (unembedded) by each table on the page.
FONT_RESET = ("FONT", (0, 0), (-1, -1), fonts.REGULAR, 12)


def grid_style(spec: PageSpec) -> list[tuple]:
    """Thin black grid, vertically centred cells, compact padding (scaled with the paper)."""
    s = spec.pt
    return [
        FONT_RESET,
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), s(3)),
        ("RIGHTPADDING", (0, 0), (-1, -1), s(3)),
        ("TOPPADDING", (0, 0), (-1, -1), s(1.5)),
        ("BOTTOMPADDING", (0, 0), (-1, -1), s(3)),
    ]


def cell(text: Any, style: ParagraphStyle, width: float) -> Any:
    """A table cell: the plain string when it fits on one line (cheap to lay out),
    a wrapping paragraph otherwise.  The table's FONT/ALIGN commands must match
    ``style`` for plain cells."""
    text = nfc(text)
    if "\n" not in text and stringWidth(text, style.fontName, style.fontSize) <= width:
        return text
    return Paragraph(escape(text), style)
