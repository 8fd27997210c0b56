"""The page: paper, orientation and margins, page numbers, and laying a story out into PDF bytes.

* ``PageSpec``: paper, orientation, margins and a font scale (A5 is A4 scaled).
* ``CopyStart``: a document printed in several copies (liên) numbers each copy's pages from 1.
* ``build_pdf(story, spec)``: the story on ``spec`` pages, page numbers centred at the top
  from the second page of each copy, as PDF bytes.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Iterable

from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from . import fonts
from .markup import nfc


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


def _page_end(canv: Any, doc: Any) -> None:
    """From the second page of each copy: page number centred in the top margin."""
    _footer(canv, doc)
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


def _footer(canv: Any, doc: Any) -> None:
    """A small line in the bottom margin of every page (the audit anchor, ``casedesk.anchors``)."""
    text = getattr(doc, "_cd_footer", "")
    if text:
        spec: PageSpec = doc._cd_spec
        canv.setFont(fonts.ITALIC, spec.pt(7))
        canv.setFillGray(0.35)
        canv.drawRightString(spec.width - spec.right, spec.bottom / 2, nfc(text))
        canv.setFillGray(0)


def build_pdf(story: Iterable[Flowable], spec: PageSpec, *, title: str = "",
              subject: str = "", author: str = "", footer: str = "") -> bytes:
    """Lay out ``story`` on ``spec`` pages and return the PDF bytes; ``footer``: a small line at the
    foot of every page."""
    fonts.ensure_fonts()
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf, pagesize=(spec.width, spec.height), leftMargin=spec.left, rightMargin=spec.right,
        topMargin=spec.top, bottomMargin=spec.bottom, title=nfc(title), subject=nfc(subject),
        author=nfc(author), creator="CaseDesk", producer="CaseDesk (reportlab)",
        initialFontName=fonts.REGULAR,  # no stray Helvetica resource on any page
    )
    doc._cd_spec = spec
    doc._cd_footer = footer
    frame = Frame(spec.left, spec.bottom, spec.frame_width, spec.frame_height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=_page_end)])
    doc.build(list(story))
    return buf.getvalue()
