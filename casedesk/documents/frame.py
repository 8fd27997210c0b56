"""The frame every document shares (Decree 30/2020 presentation), and the renderer base.

* ``OfficeHeaderFlowable``: the two header blocks (issuing body | national title and
  motto), the number line and the italic place-and-date line.
* ``SignatureBlock``: the signature areas side by side at the foot of a form.
* ``DocumentRenderer``: base class of every form.  ``render(data) -> bytes`` builds
  the story with ``story(data)`` and lays it out (``page.build_pdf``).  A province's
  variant or a new paper size is a small subclass that overrides sizes or single blocks.

The pieces they are made of live beside this module, and every name renderers use
is importable from here too:

* ``markup``: NFC and escaping on the way to the page (``nfc``, ``esc``, ``b``, ``fmt``, ``dots``);
* ``page``: paper and margins (``PageSpec``), copies and page numbers, ``build_pdf``;
* ``styles``: the named paragraph styles, ``P``, the tables' grid and cells;
* ``codes``: the QR code, the Code128 barcode and the code block under a title.
"""
from __future__ import annotations

from typing import Any, Sequence

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from ..anchors import footer_line
from ..i18n import _, place_date
from . import fonts
from .codes import BarcodePath, CodeBlock, QrPath, code128, code128_ops, draw_qr, qr_runs
from .markup import b, doc_number, dots, esc, fmt, nfc
from .page import CopyStart, PageSpec, build_pdf, page_spec
from .styles import FONT_RESET, P, Line, cell, grid_style, styles

# ------------------------------------------------------------------ header


def _balanced_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """Wrap a caps line into the fewest lines that fit, with the widths balanced.

    "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" in a narrow column prints as
    "TRUNG TÂM PHỤC VỤ / HÀNH CHÍNH CÔNG", not with one word left alone.
    """
    if "\n" in text:  # lines the caller chose ("ỦY BAN NHÂN DÂN" / "XÃ AN PHÚ"), each kept whole if it fits
        return [line for part in text.split("\n") for line in _balanced_lines(part.strip(), font, size, width)]
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

    def _column(self, lines: list[tuple[str, str, float]], x: float) -> tuple[float, list[float]]:
        """Draw a column's lines centred on ``x`` from the top; the last baseline and each line's width."""
        c = self.canv
        s = self.spec.pt
        y = self.height
        widths = []
        for text, font, size in lines:
            y -= self._lead
            c.setFont(font, size)
            c.drawCentredString(x, y + s(3.5), text)
            widths.append(stringWidth(text, font, size))
        return y, widths

    def draw(self) -> None:
        c = self.canv
        s = self.spec.pt
        top = self.height
        lx = self._lw / 2
        rx = self.width * self.left_share + 4 + self._rw / 2
        left_bottom, widths = self._column(self._left, lx)
        if self._left:  # short rule: 40 % of the unit line, centred, under the descenders
            unit_width = max((w for (_t, font, _s), w in zip(self._left, widths) if font == fonts.BOLD),
                             default=0.0)
            rule = (unit_width or self._lw * 0.5) * 0.4
            c.setLineWidth(0.6)
            c.line(lx - rule / 2, left_bottom - s(2.5), lx + rule / 2, left_bottom - s(2.5))
        y, widths = self._column(self._right, rx)
        if self._right:  # rule as long as the motto
            motto_width = widths[-1]
            c.setLineWidth(0.6)
            c.line(rx - motto_width / 2, y - s(1.5), rx + motto_width / 2, y - s(1.5))
        base = top - max(len(self._left), len(self._right)) * self._lead - self._rule_gap - self._lead
        if self.number_line:
            c.setFont(fonts.REGULAR, s(13))
            c.drawCentredString(lx, base + s(3), self.number_line)
        if self.date_line:
            size = min(s(13), self._rw / max(stringWidth(self.date_line, fonts.ITALIC, 1), 1))
            c.setFont(fonts.ITALIC, size)
            c.drawCentredString(rx, base + s(3), self.date_line)


# ------------------------------------------------------------------ signatures


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


# ------------------------------------------------------------------ renderer base


class DocumentRenderer:
    """Base of every form: paper handling, the header and the build into bytes."""

    paper_default = "a4"
    landscape = False
    title = "CaseDesk"
    anchor_footer = False   # registers and reports print the audit chain's head at the foot of each page

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

    def subject(self, data: Any) -> str:
        """The PDF's subject: the dossier code (a register or a report names its book or period)."""
        return data.code

    def metadata(self, data: Any) -> dict[str, str]:
        return {"title": _(self.title), "subject": nfc(self.subject(data)), "author": nfc(data.office.unit)}

    def render(self, data: Any) -> bytes:
        footer = footer_line(getattr(data.office, "audit_anchor", "")) if self.anchor_footer else ""
        return build_pdf(self.story(data), self.spec, footer=footer, **self.metadata(data))


__all__ = [
    "PageSpec", "page_spec", "styles", "nfc", "esc", "b", "fmt", "dots", "doc_number", "P", "Line",
    "OfficeHeaderFlowable", "CopyStart", "QrPath", "qr_runs", "draw_qr", "code128", "code128_ops", "BarcodePath",
    "SignatureBlock", "signature_block", "CodeBlock", "grid_style", "FONT_RESET", "cell", "DocumentRenderer", "build_pdf",
]
