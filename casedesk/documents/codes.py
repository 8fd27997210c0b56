"""The dossier code in machine-readable form: QR codes and Code128 barcodes drawn as one path each,
and the code block under a form's title (code lines, barcode, QR code at the right margin).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Sequence

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from .markup import nfc
from .page import PageSpec
from .styles import draw_runs


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

    matrix = segno.make(qr_segments(text), error=error, micro=False, boost_error=False).matrix
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


def qr_segments(text: str):
    """``text`` itself, or for a sealed receipt (code, newline, ``CD1-`` and digits) four segments:
    the code and the prefix in alphanumeric mode where they can be, the digits in numeric mode
    (3.3 bits a digit instead of 8): the code stays a version or two smaller and scans at 21 mm."""
    import re

    found = re.fullmatch(r"([^\n]+)(\n)(CD\d-)(\d+)", text)
    if not found:
        return text
    code, newline, prefix, digits = found.groups()
    from segno import consts

    return [(code, None), (newline, consts.MODE_BYTE), (prefix, consts.MODE_ALPHANUMERIC),
            (digits, consts.MODE_NUMERIC)]


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


class CodeBlock(Flowable):
    """Centred lines under a title (mixed regular/bold runs), an optional Code128
    barcode under them, and the QR code of the dossier code (or ``qr_text``, which starts with it)
    at the right margin."""

    def __init__(self, spec: PageSpec, lines: Sequence[Sequence[tuple[str, str]]], *,
                 code: str, qr_size: float, barcode: bool = True, bar_height: float = 17,
                 qr_text: str = ""):
        super().__init__()
        self.spec = spec
        self.lines = [[(nfc(t), font) for t, font in line] for line in lines]
        self.code = nfc(code)
        self.qr_size = qr_size
        self.qr = qr_runs(nfc(qr_text) or self.code) if qr_size else None
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
            draw_runs(c, runs, cx - total / 2, y + s(3.5), size)
        if self._bc is not None:
            y -= self.bar_height + s(3)
            self._bc.drawOn(c, cx - self._bc.width / 2, y + s(2))
        if self.qr:
            ops, modules = self.qr
            draw_qr(c, ops, modules, self.width - self.qr_size,
                    top - self.qr_size, self.qr_size)
