"""A small horizontal bar chart drawn with QPainter (no chart library).

Each bar is one field: the share resolved on time (green) and late (red), with
the percentage and the counts written beside it, so the colours are never the
only carrier of the figure.  Horizontal bars leave room for long Vietnamese
field names.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from casedesk.i18n import _, babel_locale, format_int

ON_TIME = QColor("#2e7d32")
LATE = QColor("#c62828")
TRACK = QColor("#e6e6e6")


@dataclass(frozen=True)
class Bar:
    label: str
    on_time: int
    late: int

    @property
    def total(self) -> int:
        return self.on_time + self.late

    @property
    def percent(self) -> float | None:
        return 100.0 * self.on_time / self.total if self.total else None


def percent_text(value: float | None) -> str:
    """``96,5 %`` in Vietnamese, ``96.5%`` in English; a dash when there is nothing to measure."""
    if value is None:
        return "—"
    from babel.numbers import format_decimal

    return _("{p} %").format(p=format_decimal(round(value, 1), format="#,##0.#", locale=babel_locale()))


class OnTimeChart(QWidget):
    """Bars of on-time/late shares, one per field."""

    ROW = 26

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._bars: list[Bar] = []
        self._empty = _("Chưa có hồ sơ nào giải quyết trong kỳ.")
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.setMinimumHeight(80)

    def set_bars(self, bars: list[Bar], empty_text: str | None = None) -> None:
        self._bars = list(bars)
        if empty_text:
            self._empty = empty_text
        lines = [f"{b.label}: {self._value_text(b)}" for b in self._bars]
        self.setToolTip("\n".join(lines))
        self.setAccessibleDescription("; ".join(lines) or self._empty)
        self.updateGeometry()
        self.update()

    def bars(self) -> list[Bar]:
        return list(self._bars)

    def sizeHint(self) -> QSize:
        return QSize(420, 28 + self.ROW * max(1, len(self._bars)))

    @staticmethod
    def _value_text(bar: Bar) -> str:
        return f"{percent_text(bar.percent)} ({format_int(bar.on_time)}/{format_int(bar.total)})"

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        fm = QFontMetrics(self.font())
        width = self.width()
        if not self._bars:
            p.setPen(QColor("#666"))
            p.drawText(self.rect(), Qt.AlignCenter | Qt.TextWordWrap, self._empty)
            return
        # legend
        y = 2
        x = 0
        for colour, text in ((ON_TIME, _("đúng hạn")), (LATE, _("trễ hạn"))):
            p.fillRect(QRectF(x, y + 3, 10, 10), colour)
            p.setPen(QColor("#333"))
            p.drawText(int(x + 14), y + fm.ascent(), text)
            x += 14 + fm.horizontalAdvance(text) + 16
        label_w = min(max(fm.horizontalAdvance(b.label) for b in self._bars) + 10, int(width * 0.42))
        value_w = max(fm.horizontalAdvance(self._value_text(b)) for b in self._bars) + 8
        bar_w = max(40, width - label_w - value_w)
        top = 24
        for i, bar in enumerate(self._bars):
            y = top + i * self.ROW
            p.setPen(QColor("#222"))
            label = fm.elidedText(bar.label, Qt.ElideRight, label_w - 10)
            p.drawText(QRectF(0, y, label_w - 8, self.ROW - 6), Qt.AlignRight | Qt.AlignVCenter, label)
            track = QRectF(label_w, y + 4, bar_w, self.ROW - 14)
            p.fillRect(track, TRACK)
            if bar.total:
                good = bar_w * bar.on_time / bar.total
                p.fillRect(QRectF(track.x(), track.y(), good, track.height()), ON_TIME)
                p.fillRect(QRectF(track.x() + good, track.y(), bar_w - good, track.height()), LATE)
            p.setPen(QPen(QColor("#222")))
            text = self._value_text(bar)
            p.drawText(QRectF(label_w + bar_w + 6, y, value_w, self.ROW - 6), Qt.AlignLeft | Qt.AlignVCenter,
                       text)
        p.end()
