"""The bundled document font, registered with reportlab once per process, lazily.

reportlab's built-in Times/Helvetica drop Vietnamese letters, so every document
uses Liberation Serif 2 (metric-compatible with Times New Roman) from
``resources/fonts``; reportlab embeds a subset of it (``/FontFile2``) in each PDF.
"""
from __future__ import annotations

import threading

from ..paths import resource_path

FAMILY = "CDSerif"
REGULAR = FAMILY
BOLD = FAMILY + "-Bold"
ITALIC = FAMILY + "-Italic"
BOLD_ITALIC = FAMILY + "-BoldItalic"

_FILES = {
    REGULAR: "LiberationSerif-Regular.ttf",
    BOLD: "LiberationSerif-Bold.ttf",
    ITALIC: "LiberationSerif-Italic.ttf",
    BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}

_lock = threading.Lock()
_ready = False


def ensure_fonts() -> str:
    """Register the four faces and the family (first call only); return the family name."""
    global _ready
    if _ready:
        return FAMILY
    with _lock:
        if _ready:
            return FAMILY
        from reportlab import rl_config
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        for name, filename in _FILES.items():
            path = resource_path("fonts", filename)
            pdfmetrics.registerFont(TTFont(name, str(path)))
        # <b>/<i> inside paragraphs resolve through these mappings.
        addMapping(FAMILY, 0, 0, REGULAR)
        addMapping(FAMILY, 1, 0, BOLD)
        addMapping(FAMILY, 0, 1, ITALIC)
        addMapping(FAMILY, 1, 1, BOLD_ITALIC)
        # Binary (Flate only) streams instead of ASCII85 on top: valid PDF, files a
        # quarter smaller and several ms faster per document.  Process-wide setting;
        # CaseDesk uses reportlab only through this package.
        rl_config.useA85 = 0
        _ready = True
    return FAMILY
