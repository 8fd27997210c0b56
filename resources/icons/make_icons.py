"""Draw CaseDesk's icon and write ``casedesk.png`` (256 px) and ``casedesk.ico`` (16–256 px) beside this file.

    QT_QPA_PLATFORM=offscreen python resources/icons/make_icons.py

The picture: a dossier folder (amber) on a deep blue rounded square, with a red round seal carrying a
white tick: "a dossier received and handled".  It is drawn with Qt (already a dependency) at each size,
so small sizes stay sharp instead of being shrunk from the big one.  The .ico is written here by hand:
32-bit BMP entries for 16–128 px (every Windows and every resource tool reads them) and a PNG entry for
256 px, as Windows Vista and later expect.  The generated files are committed; run this again only when
the drawing changes.
"""
from __future__ import annotations

import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
PNG_SIZE = 256


def draw(size: int):
    """The icon as a QImage (ARGB32, premultiplied) of ``size`` × ``size`` pixels."""
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen

    image = QImage(size, size, QImage.Format_ARGB32_Premultiplied)
    image.fill(Qt.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.Antialiasing, True)
    s = size / 256.0

    def r(x, y, w, h):
        return QRectF(x * s, y * s, w * s, h * s)

    # background: a rounded square in deep blue
    p.setPen(Qt.NoPen)
    p.setBrush(QColor("#1d4e89"))
    p.drawRoundedRect(r(8, 8, 240, 240), 44 * s, 44 * s)
    # the folder: a tab, then the body in two tones of amber
    p.setBrush(QColor("#e0a526"))
    tab = QPainterPath()
    tab.moveTo(QPointF(44 * s, 74 * s))
    tab.lineTo(QPointF(104 * s, 74 * s))
    tab.lineTo(QPointF(120 * s, 92 * s))
    tab.lineTo(QPointF(44 * s, 92 * s))
    tab.closeSubpath()
    p.drawPath(tab)
    p.drawRoundedRect(r(44, 86, 168, 116), 10 * s, 10 * s)
    # a sheet of paper peeking out, with three lines of text
    p.setBrush(QColor("#ffffff"))
    p.drawRect(r(60, 98, 136, 30))
    if size >= 32:
        p.setPen(QPen(QColor("#9aa7b8"), max(1.0, 5 * s)))
        for y in (108, 118):
            p.drawLine(QPointF(72 * s, y * s), QPointF(184 * s, y * s))
        p.setPen(Qt.NoPen)
    p.setBrush(QColor("#f2bd3f"))
    p.drawRoundedRect(r(44, 116, 168, 86), 10 * s, 10 * s)
    # the seal: a red disc with a white tick
    p.setBrush(QColor("#c8102e"))
    p.drawEllipse(r(142, 136, 88, 88))
    pen = QPen(QColor("#ffffff"), max(1.5, 13 * s))
    pen.setCapStyle(Qt.RoundCap)
    pen.setJoinStyle(Qt.RoundJoin)
    p.setPen(pen)
    tick = QPainterPath()
    tick.moveTo(QPointF(164 * s, 181 * s))
    tick.lineTo(QPointF(180 * s, 197 * s))
    tick.lineTo(QPointF(208 * s, 164 * s))
    p.setBrush(Qt.NoBrush)
    p.drawPath(tick)
    p.end()
    return image


def png_bytes(image) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def bmp_entry(image) -> bytes:
    """An ICO image entry as a BMP without its file header: BITMAPINFOHEADER (height doubled for the
    mask), BGRA rows bottom-up, then the 1-bit AND mask (all zero: the alpha channel decides)."""
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format_ARGB32)      # straight alpha, BGRA bytes on little endian
    w, h = image.width(), image.height()
    header = struct.pack("<IiiHHIIiiII", 40, w, h * 2, 1, 32, 0, w * h * 4, 0, 0, 0, 0)
    stride = image.bytesPerLine()
    bits = bytes(image.constBits())
    rows = b"".join(bits[y * stride:y * stride + w * 4] for y in range(h - 1, -1, -1))
    mask_stride = ((w + 31) // 32) * 4
    return header + rows + bytes(mask_stride * h)


def ico_bytes(images: list) -> bytes:
    """An .ico file holding ``images`` (QImages, square): PNG for 256 px, BMP below."""
    entries = [png_bytes(img) if img.width() >= 256 else bmp_entry(img) for img in images]
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for img, data in zip(images, entries):
        dim = 0 if img.width() >= 256 else img.width()         # 0 means 256 in the directory
        out += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return out + b"".join(entries)


def main(folder: Path = HERE) -> list[Path]:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])   # noqa: F841 (fonts, image plugins)
    folder.mkdir(parents=True, exist_ok=True)
    png = folder / "casedesk.png"
    png.write_bytes(png_bytes(draw(PNG_SIZE)))
    ico = folder / "casedesk.ico"
    ico.write_bytes(ico_bytes([draw(size) for size in ICO_SIZES]))
    return [png, ico]


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
