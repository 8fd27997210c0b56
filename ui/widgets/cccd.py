"""The QR code on a chip ID card (CCCD / thẻ căn cước), as a scanner types it.

The usual text is seven fields separated by "|":
``ID|old ID|full name|birth ddmmyyyy|sex|address|issue ddmmyyyy``, e.g.
``001203012345|123456789|Nguyễn Văn Đường|15081990|Nam|Thôn Đông, An Phú, Phú Thọ|20042021``.
Real cards differ: the old-ID field is empty or missing, newer cards add fields
at the end, some readers send a trailing newline or spaces, and a scanner set to
the wrong layout may send NFD text.  The parser therefore looks at what each
field is (12 digits, 9 digits, 8-digit date, Nam/Nữ, words) rather than at its
position, and refuses only when no 12-digit ID is there.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from casedesk.i18n import _

from .fields import MessageLabel

_DIGITS12 = re.compile(r"^\d{12}$")
_DIGITS9 = re.compile(r"^\d{9}$")
_DATE8 = re.compile(r"^\d{8}$")
_SEXES = {"nam": "Nam", "nữ": "Nữ", "nu": "Nữ", "male": "Nam", "female": "Nữ"}


@dataclass(frozen=True)
class CccdData:
    id_number: str
    old_id: str = ""
    full_name: str = ""
    birth_date: dt.date | None = None
    sex: str = ""
    address: str = ""
    issued_on: dt.date | None = None


def _date(text: str) -> dt.date | None:
    try:
        return dt.date(int(text[4:8]), int(text[2:4]), int(text[0:2]))
    except ValueError:
        return None


def looks_like_cccd(text: str) -> bool:
    """Worth trying to parse: at least two separators and a 12-digit field."""
    return text.count("|") >= 2 and any(_DIGITS12.match(p.strip()) for p in text.split("|"))


def is_complete(text: str) -> bool:
    """The scanner has finished typing: seven fields and the last one a full date (or more fields)."""
    parts = [p.strip() for p in text.strip().split("|")]
    if len(parts) > 7:
        return True
    return len(parts) == 7 and bool(_DATE8.match(parts[6]))


def parse_cccd(text: str) -> CccdData | None:
    """The card's fields from the scanned text, or None when it is not a card's QR code."""
    text = unicodedata.normalize("NFC", text or "").strip()
    if "|" not in text:
        return None
    parts = [re.sub(r"\s+", " ", p).strip() for p in text.split("|")]
    id_number = next((p for p in parts if _DIGITS12.match(p)), None)
    if id_number is None:
        return None
    rest = list(parts)
    rest.remove(id_number)
    old_id = next((p for p in rest if _DIGITS9.match(p)), "")
    if old_id:
        rest.remove(old_id)
    dates = [d for d in (_date(p) for p in rest if _DATE8.match(p)) if d is not None]
    birth = dates[0] if dates else None
    issued = dates[1] if len(dates) > 1 else None
    words = [p for p in rest if p and not p.isdigit()]
    sex = ""
    for p in words:
        if p.casefold() in _SEXES:
            sex = _SEXES[p.casefold()]
            words.remove(p)
            break
    name = words[0] if words else ""
    if name.isupper():                       # some cards print the name in capitals
        name = name.title()
    address = max(words[1:], key=len) if len(words) > 1 else ""
    return CccdData(id_number=id_number, old_id=old_id, full_name=name, birth_date=birth, sex=sex,
                    address=address, issued_on=issued)


class ScanDialog(QDialog):
    """Quét CCCD: the reader types the card's QR text here and Enter."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Quét căn cước"))
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(_("Đưa mã QR trên thẻ căn cước vào đầu đọc…"))
        self.message = MessageLabel(self)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.edit.returnPressed.connect(self.accept)
        box = QVBoxLayout(self)
        box.addWidget(QLabel(_("Quét mã QR ở mặt trước thẻ căn cước (hoặc dán nội dung của mã)."), self))
        box.addWidget(self.edit)
        box.addWidget(self.message)
        box.addWidget(buttons)
        self.setMinimumWidth(560)

    def accept(self) -> None:
        if parse_cccd(self.edit.text()) is None:
            self.message.error(_("Không đọc được thông tin thẻ từ nội dung này."))
            return
        super().accept()
