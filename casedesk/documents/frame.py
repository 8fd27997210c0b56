"""The page frame every document shares (Decree 30/2020 presentation).

* ``PageSpec``: paper, orientation, margins and a font scale (A5 is A4 scaled).
* ``styles(spec)``: the named paragraph styles, built once per spec.
* ``OfficeHeaderFlowable``: the two header blocks (issuing body | national title and
  motto), the number line and the italic place-and-date line.
* ``DocumentRenderer``: base class of every form.  ``render(data) -> bytes`` builds
  the story with ``story(data)`` and lays it out; page numbers are centred at the
  top from the second page of each copy.  A province's variant or a new paper
  size is a small subclass that overrides sizes or single blocks.

Every string is NFC-normalised on its way to the page (reportlab does no shaping:
decomposed accents would print detached), and data is XML-escaped before it goes
into paragraph markup.
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate,
                                Paragraph, Spacer, Table, TableStyle)

from ..i18n import _, place_date
from . import fonts

# ------------------------------------------------------------------ text helpers

_MULTISPACE = re.compile(r"  +")  # deliberate gaps in a template survive as no-break spaces


def nfc(text: Any) -> str:
    """Composed Unicode (NFC): the only form reportlab prints correctly."""
    return unicodedata.normalize("NFC", "" if text is None else str(text))


def esc(text: Any) -> str:
    """Data -> paragraph markup: NFC, then XML-escaped (a name may contain '&' or '<')."""
    return escape(nfc(text))


def b(text: Any) -> str:
    return f"<b>{esc(text)}</b>"


def fmt(message: str, **values: str) -> str:
    """Translate ``message`` and fill ``{placeholders}`` with ready-made markup.

    The template is escaped; the values are expected to be escaped already
    (use ``esc``/``b``), so markup such as ``<b>`` survives.
    """
    template = _MULTISPACE.sub(lambda m: "&nbsp;" * len(m.group()), escape(nfc(_(message))))
    return template.format(**values)


def dots(value: Any, width: int = 12) -> str:
    """A value, or a dotted blank for the pen when it is empty."""
    text = nfc(value).strip()
    return esc(text) if text else "." * width


def doc_number(number: str | None, suffix: str) -> str:
    """``Số: 05/TTPVHCC``; no number prints a dotted blank; numbers below 10 get a 0."""
    if not number:
        return _("Số: {number}/{suffix}").format(number="……", suffix=suffix)
    number = nfc(number).strip()
    if "/" in number:  # already a full number such as "125/PXL-UBND"
        return _("Số: {number}").format(number=number)
    if number.isdigit() and int(number) < 10:
        number = f"{int(number):02d}"
    return _("Số: {number}/{suffix}").format(number=number, suffix=suffix)


# ------------------------------------------------------------------ page specs


@dataclass(frozen=True)
class PageSpec:
    name: str
    width: float
    height: float
    top: float
    bottom: float
    left: float
    right: float
    scale: float = 1.0  # font scale relative to the A4 sizes of Decree 30

    @property
    def frame_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def frame_height(self) -> float:
        return self.height - self.top - self.bottom

    def pt(self, size: float) -> float:
        """A font size or gap given for A4, scaled to this paper."""
        return round(size * self.scale, 2)


def page_spec(paper: str = "a4", *, landscape_: bool = False) -> PageSpec:
    """A4 portrait (Decree 30 margins 20/20/30/15 mm), A5 (scaled), or A4 landscape."""
    paper = (paper or "a4").lower()
    if paper == "a4" and landscape_:
        w, h = landscape(A4)
        # Landscape tables: the binding edge stays on the left, a little narrower.
        return PageSpec("a4-landscape", w, h, 20 * mm, 15 * mm, 25 * mm, 15 * mm, 1.0)
    if paper == "a4":
        w, h = A4
        return PageSpec("a4", w, h, 20 * mm, 20 * mm, 30 * mm, 15 * mm, 1.0)
    if paper == "a5":
        w, h = A5
        k = A5[0] / A4[0]  # 0.705: A5 is the A4 layout reduced, margins and type alike
        return PageSpec("a5", w, h, 20 * mm * k, 20 * mm * k, 30 * mm * k, 15 * mm * k, k)
    raise ValueError(f"unknown paper size {paper!r} (use 'a4' or 'a5')")


# ------------------------------------------------------------------ styles


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
    add("Footer", size=12, fontName=fonts.BOLD_ITALIC, alignment=TA_CENTER, spaceBefore=6)
    add("Running", size=10, fontName=fonts.ITALIC, alignment=TA_RIGHT)
    return sheet


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
        y = self.height - st.fontSize
        size = st.fontSize
        for text, font in self.runs:
            c.setFont(font, size)
            c.drawString(x, y, text)
            x += stringWidth(text, font, size)


def P(markup: str, style: ParagraphStyle) -> Flowable:
    """A paragraph from markup (already escaped), NFC-normalised.  Simple markup
    becomes a ``Line`` (fast when it fits on one line), anything else a Paragraph."""
    markup = nfc(markup)
    runs = _simple_runs(markup, style.fontName)
    if runs is None:
        return Paragraph(markup, style)
    return Line(markup, style, runs)


# ------------------------------------------------------------------ header


def _balanced_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """Wrap a caps line into the fewest lines that fit, with the widths balanced.

    "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" in a narrow column prints as
    "TRUNG TÂM PHỤC VỤ / HÀNH CHÍNH CÔNG", not with one word left alone.
    """
    words = text.split()
    if not words or stringWidth(text, font, size) <= width:
        return [text] if text else []
    best: list[str] | None = None
    best_width = None
    for cut in range(1, len(words)):
        first, second = " ".join(words[:cut]), " ".join(words[cut:])
        wmax = max(stringWidth(first, font, size), stringWidth(second, font, size))
        if wmax <= width and (best_width is None or wmax < best_width):
            best, best_width = [first, second], wmax
    if best:
        return best
    from reportlab.lib.utils import simpleSplit

    return simpleSplit(text, font, size, width)


class OfficeHeaderFlowable(Flowable):
    """Left: parent body (caps), unit (caps bold), short rule, number line.
    Right: national title (caps bold), motto (bold) with a rule as long as the text,
    italic place-and-date line.  Both columns are centred on themselves.
    """

    left_share = 0.42

    def __init__(self, spec: PageSpec, superior: str, unit: str, *, number_line: str | None,
                 date_line: str | None, national: bool = True):
        super().__init__()
        fonts.ensure_fonts()
        self.spec = spec
        self.superior = nfc(superior).upper()
        self.unit = nfc(unit).upper()
        self.number_line = nfc(number_line) if number_line else None
        self.date_line = nfc(date_line) if date_line else None
        self.national = national
        self.title_text = nfc(_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
        self.motto_text = nfc(_("Độc lập - Tự do - Hạnh phúc"))

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        s = self.spec.pt
        self.width = avail_width
        lw = avail_width * self.left_share - 4
        rw = avail_width * (1 - self.left_share) - 4
        self._lw, self._rw = lw, rw
        self._left: list[tuple[str, str, float]] = []  # (text, font, size)
        for text, font, size in ((self.superior, fonts.REGULAR, s(12.5)),
                                 (self.unit, fonts.BOLD, s(12.5))):
            for line in _balanced_lines(text, font, size, lw):
                self._left.append((line, font, size))
        self._right: list[tuple[str, str, float]] = []
        if self.national:
            for text, font, size in ((self.title_text, fonts.BOLD, s(12.5)),
                                     (self.motto_text, fonts.BOLD, s(13.5))):
                # Never wrap the national title: shrink it to the column if needed.
                size = min(size, rw / max(stringWidth(text, font, 1), 1))
                self._right.append((text, font, size))
        self._lead = s(15.5)
        self._rule_gap = s(9)
        block = max(len(self._left), len(self._right)) * self._lead + self._rule_gap
        lines = 1 if (self.number_line or self.date_line) else 0
        self.height = block + lines * (self._lead + s(3)) + s(2)
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        s = self.spec.pt
        top = self.height
        lx = self._lw / 2
        rx = self.width * self.left_share + 4 + self._rw / 2
        y = top
        unit_width = 0.0
        for text, font, size in self._left:
            y -= self._lead
            c.setFont(font, size)
            c.drawCentredString(lx, y + s(3.5), text)
            if font == fonts.BOLD:
                unit_width = max(unit_width, stringWidth(text, font, size))
        left_bottom = y
        if self._left:  # short rule: 40 % of the unit line, centred, under the descenders
            rule = (unit_width or self._lw * 0.5) * 0.4
            c.setLineWidth(0.6)
            c.line(lx - rule / 2, left_bottom - s(2.5), lx + rule / 2, left_bottom - s(2.5))
        y = top
        motto_width = 0.0
        for text, font, size in self._right:
            y -= self._lead
            c.setFont(font, size)
            c.drawCentredString(rx, y + s(3.5), text)
            motto_width = stringWidth(text, font, size)
        if self._right:  # rule as long as the motto
            c.setLineWidth(0.6)
            c.line(rx - motto_width / 2, y - s(1.5), rx + motto_width / 2, y - s(1.5))
        base = top - max(len(self._left), len(self._right)) * self._lead - self._rule_gap - self._lead
        if self.number_line:
            c.setFont(fonts.REGULAR, s(13))
            c.drawCentredString(lx, base + s(3), self.number_line)
        if self.date_line:
            c.setFont(fonts.ITALIC, s(13))
            size = min(s(13), self._rw / max(stringWidth(self.date_line, fonts.ITALIC, 1), 1))
            c.setFont(fonts.ITALIC, size)
            c.drawCentredString(rx, base + s(3), self.date_line)


# ------------------------------------------------------------------ small flowables


class CopyStart(Flowable):
    """Zero-size marker: a new copy (liên) starts here; page numbers restart."""

    def __init__(self, running: str = ""):
        super().__init__()
        self.running = nfc(running)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._cd_copy_start = self.canv.getPageNumber()
        self.canv._cd_running = self.running


class QrPath(Flowable):
    """A QR code of ``text`` drawn as one filled path (segno builds the matrix).

    reportlab's QrCodeWidget draws one shape per module (12-25 ms); here horizontal
    runs of dark modules become rectangles of a single path.  The flowable
    includes the 4-module quiet zone, which must stay white for scanners.
    """

    def __init__(self, text: str, size: float, error: str = "m"):
        super().__init__()
        self.text = nfc(text)
        self.size = size
        self.runs, self.modules = qr_runs(self.text, error)
        self.hAlign = "CENTER"

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        draw_qr(self.canv, self.runs, self.modules, 0, 0, self.size)


@lru_cache(maxsize=256)
def qr_runs(text: str, error: str = "m") -> tuple[str, int]:
    """The dark modules of ``text``'s QR code as PDF path operators in module units
    (horizontal runs merged into one ``re`` each, y pointing up), and the side in
    modules including the 4-module quiet zone."""
    import segno

    matrix = segno.make(text, error=error, micro=False, boost_error=False).matrix
    border = 4
    side = len(matrix) + 2 * border
    ops = []
    for r, row in enumerate(matrix):
        y = side - border - r - 1
        c, n = 0, len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                ops.append(f"{start + border} {y} {c - start} 1 re")
            else:
                c += 1
    ops.append("f")
    return "\n".join(ops), side


def draw_qr(canv: Any, ops: str, modules: int, x: float, y: float, size: float) -> None:
    """Draw the QR path from ``qr_runs`` at (x, y) with side ``size`` (points)."""
    m = size / modules
    canv.saveState()
    canv.setFillColor(colors.black)
    canv.transform(m, 0, 0, m, x, y)  # integer module grid -> page
    canv.addLiteral(ops)
    canv.restoreState()


@lru_cache(maxsize=256)
def code128_ops(text: str) -> tuple[str, int]:
    """Code128 bars of ``text`` as PDF path operators in module units (bar height 1),
    and the width in modules including a 10-module quiet zone on each side.

    reportlab's Code128 computes the symbol; drawing it bar by bar through the
    canvas costs ~150 rectangles per code, so the bars become one literal path.
    """
    from reportlab.graphics.barcode.code128 import Code128

    symbol = Code128(text, barWidth=1, quiet=False, humanReadable=False)
    _ = symbol.width  # computes ``decomposed``: A-Z are bars, a-z spaces, 1-26 modules
    quiet = 10
    x = quiet
    ops = []
    for ch in symbol.decomposed:
        if "A" <= ch <= "Z":
            w = ord(ch) - ord("A") + 1
            ops.append(f"{x} 0 {w} 1 re")
            x += w
        elif "a" <= ch <= "z":
            x += ord(ch) - ord("a") + 1
    ops.append("f")
    return "\n".join(ops), x + quiet


class BarcodePath(Flowable):
    """A Code128 barcode drawn as one path, bars narrowed (down to 0.45 pt) to fit."""

    def __init__(self, text: str, max_width: float, height: float, bar: float = 0.75):
        super().__init__()
        self.ops, self.modules = code128_ops(nfc(text))
        self.bar = max(0.45, min(bar, max_width / self.modules))
        self.width = self.modules * self.bar
        self.height = height
        self.hAlign = "CENTER"

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setFillColor(colors.black)
        c.transform(self.bar, 0, 0, self.height, 0, 0)
        c.addLiteral(self.ops)
        c.restoreState()


def code128(text: str, max_width: float, height: float) -> Flowable:
    """A centred Code128 barcode of ``text`` that fits ``max_width`` if it can."""
    return BarcodePath(text, max_width, height)


class SignatureBlock(Flowable):
    """Side-by-side signature blocks drawn as centred lines (kept on one page).

    Each column is a list of (text, style name); the style name ``""`` leaves the
    blank space for the signature and seal.  Long names wrap inside their column.
    Drawing strings directly costs a fraction of a table of paragraphs.
    """

    def __init__(self, spec: PageSpec, columns: Sequence[Sequence[tuple[str, str]]],
                 *, space: float = 44, before: float = 4, widths: Sequence[float] | None = None):
        super().__init__()
        self.spec = spec
        self.columns = [[(nfc(t), st) for t, st in col] for col in columns]
        self.space = spec.pt(space)
        self.before = spec.pt(before)
        self.shares = widths

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        from reportlab.lib.utils import simpleSplit

        sheet = styles(self.spec)
        n = len(self.columns)
        shares = self.shares or [1 / n] * n
        self.width = avail_width
        self._cols = []
        height = 0.0
        x = 0.0
        for col, share in zip(self.columns, shares):
            w = avail_width * share
            lines: list[tuple[float, str, str, float] | None] = []
            h = 0.0
            for text, name in col:
                if not name:
                    lines.append((self.space, "", "", 0))
                    h += self.space
                    continue
                st = sheet[name]
                for piece in simpleSplit(text, st.fontName, st.fontSize, w - 4) or [""]:
                    lines.append((st.leading, piece, st.fontName, st.fontSize))
                    h += st.leading
            self._cols.append((x + w / 2, lines))
            height = max(height, h)
            x += w
        self.height = height + self.before
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        for cx, lines in self._cols:
            y = self.height - self.before
            for leading, text, font, size in lines:
                y -= leading
                if text:
                    c.setFont(font, size)
                    c.drawCentredString(cx, y + leading - size, text)


def signature_block(spec: PageSpec, columns: Sequence[Sequence[tuple[str, str]]],
                    *, space: float = 44, before: float = 4,
                    widths: Sequence[float] | None = None) -> Flowable:
    """Signature blocks side by side; see ``SignatureBlock``."""
    return SignatureBlock(spec, columns, space=space, before=before, widths=widths)


class CodeBlock(Flowable):
    """Centred lines under a title (mixed regular/bold runs), an optional Code128
    barcode under them, and the QR code of the dossier code at the right margin."""

    def __init__(self, spec: PageSpec, lines: Sequence[Sequence[tuple[str, str]]], *,
                 code: str, qr_size: float, barcode: bool = True, bar_height: float = 17):
        super().__init__()
        self.spec = spec
        self.lines = [[(nfc(t), font) for t, font in line] for line in lines]
        self.code = nfc(code)
        self.qr_size = qr_size
        self.qr = qr_runs(self.code) if qr_size else None
        self.barcode = barcode
        self.bar_height = spec.pt(bar_height)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        s = self.spec.pt
        self.width = avail_width
        self._size = s(13)
        self._lead = s(15.5)
        centre = avail_width - 2 * (self.qr_size + 4)
        self._bc = code128(self.code, centre - 8, self.bar_height) if self.barcode else None
        text_h = len(self.lines) * self._lead + (self.bar_height + s(3) if self._bc else 0)
        self.height = max(text_h, self.qr_size) + s(5)
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        s = self.spec.pt
        size = self._size
        top = self.height - s(1)
        body_h = len(self.lines) * self._lead + (self.bar_height + s(3) if self._bc else 0)
        y = top - max(0.0, (self.qr_size - body_h) / 2)  # centred against the QR code
        cx = self.width / 2
        for runs in self.lines:
            y -= self._lead
            total = sum(stringWidth(t, f, size) for t, f in runs)
            x = cx - total / 2
            for text, font in runs:
                c.setFont(font, size)
                c.drawString(x, y + s(3.5), text)
                x += stringWidth(text, font, size)
        if self._bc is not None:
            y -= self.bar_height + s(3)
            self._bc.drawOn(c, cx - self._bc.width / 2, y + s(2))
        if self.qr:
            ops, modules = self.qr
            draw_qr(c, ops, modules, self.width - self.qr_size,
                    top - self.qr_size, self.qr_size)


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


# ------------------------------------------------------------------ renderer base


class DocumentRenderer:
    """Base of every form: paper handling, the header and the build into bytes."""

    paper_default = "a4"
    landscape = False
    title = "CaseDesk"

    def __init__(self, paper: str | None = None):
        self.spec = page_spec(paper or self.paper_default, landscape_=self.landscape)
        self.st = styles(self.spec)

    # -- pieces -----------------------------------------------------------
    def header(self, office: Any, *, number: str | None = None, suffix: str | None = None,
               issued_on: Any = None, with_number: bool = True) -> Flowable:
        number_line = doc_number(number, suffix or office.number_suffix) if with_number else None
        date_line = place_date(nfc(office.place), issued_on) if issued_on is not None else None
        return OfficeHeaderFlowable(self.spec, office.superior, office.unit,
                                    number_line=number_line, date_line=date_line)

    def p(self, markup: str, style: str = "Body") -> Flowable:
        return P(markup, self.st[style])

    def fits(self, text: str, style: str = "Body", *, bold: bool = False) -> bool:
        """Would ``text`` fit on one line of the frame (measured in bold to be safe)?"""
        st = self.st[style]
        font = fonts.BOLD if bold else st.fontName
        return stringWidth(nfc(text), font, st.fontSize) <= self.spec.frame_width

    def line(self, message: str, style: str = "Body", **values: str) -> Flowable:
        return P(fmt(message, **values), self.st[style])

    # -- build -------------------------------------------------------------
    def story(self, data: Any) -> list[Flowable]:  # pragma: no cover - abstract
        raise NotImplementedError

    def metadata(self, data: Any) -> dict[str, str]:
        return {"title": _(self.title)}

    def render(self, data: Any) -> bytes:
        return build_pdf(self.story(data), self.spec, **self.metadata(data))


def _page_end(canv: Any, doc: Any) -> None:
    """From the second page of each copy: page number centred in the top margin."""
    spec: PageSpec = doc._cd_spec
    page = canv.getPageNumber() - getattr(canv, "_cd_copy_start", 1) + 1
    if page < 2:
        return
    y = spec.height - spec.top / 2
    canv.setFont(fonts.REGULAR, spec.pt(12))
    canv.drawCentredString(spec.left + spec.frame_width / 2, y, str(page))
    running = getattr(canv, "_cd_running", "")
    if running:
        canv.setFont(fonts.ITALIC, spec.pt(9))
        canv.drawRightString(spec.width - spec.right, y, running)


def build_pdf(story: Iterable[Flowable], spec: PageSpec, *, title: str = "",
              subject: str = "", author: str = "") -> bytes:
    """Lay out ``story`` on ``spec`` pages and return the PDF bytes."""
    fonts.ensure_fonts()
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf, pagesize=(spec.width, spec.height), leftMargin=spec.left, rightMargin=spec.right,
        topMargin=spec.top, bottomMargin=spec.bottom, title=nfc(title), subject=nfc(subject),
        author=nfc(author), creator="CaseDesk", producer="CaseDesk (reportlab)",
        initialFontName=fonts.REGULAR,  # no stray Helvetica resource on any page
    )
    doc._cd_spec = spec
    frame = Frame(spec.left, spec.bottom, spec.frame_width, spec.frame_height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=_page_end)])
    doc.build(list(story))
    return buf.getvalue()


__all__ = [
    "PageSpec", "page_spec", "styles", "nfc", "esc", "b", "fmt", "dots", "doc_number", "P", "Line",
    "OfficeHeaderFlowable", "CopyStart", "QrPath", "qr_runs", "draw_qr", "code128", "code128_ops", "BarcodePath",
    "SignatureBlock", "signature_block", "CodeBlock", "grid_style", "FONT_RESET", "cell", "DocumentRenderer", "build_pdf",
]
