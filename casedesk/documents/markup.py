"""Text on its way into a document: NFC-normalised, XML-escaped into paragraph markup.

reportlab does no shaping: decomposed accents would print detached, so every string
is composed (NFC) first; data is escaped before it goes into paragraph markup (a name
may contain '&' or '<'), and translated templates are filled with ready-made markup.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any
from xml.sax.saxutils import escape

from ..i18n import _

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
