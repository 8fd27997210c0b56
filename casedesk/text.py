"""Vietnamese text rules: normalising, folding for search, name sorting,
and the personal ID and phone formats (domain brief §8).
"""
from __future__ import annotations

import re
import unicodedata

from .errors import BadInput
from .i18n import _

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"\s+")
# Lone surrogates: bytes a terminal in another code page sent that Python could not decode.
_UNDECODED = re.compile(r"[\ud800-\udfff]")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_line(text: str | None, *, field: str, label: str, max_len: int, required: bool = True) -> str:
    """One line typed by a person: NFC, control characters refused, spaces folded."""
    text = "" if text is None else str(text)
    if _UNDECODED.search(text):
        raise BadInput(_("{label} có ký tự không đọc được (bảng mã không phải Unicode); hãy gõ lại.")
                       .format(label=label), field=field)
    if _CONTROL.search(text.replace("\t", " ").replace("\n", " ").replace("\r", " ")):
        raise BadInput(_("{label} có ký tự điều khiển không hợp lệ.").format(label=label), field=field)
    text = _SPACES.sub(" ", nfc(text)).strip()
    if required and not text:
        raise BadInput(_("Chưa nhập {label}.").format(label=label.lower()), field=field)
    if len(text) > max_len:
        raise BadInput(
            _("{label} dài quá {n} ký tự.").format(label=label, n=max_len), field=field
        )
    return text


def person_name(text: str | None, *, field: str = "citizen_name", label: str | None = None,
                max_len: int = 120) -> str:
    """A person's full name as typed, cleaned like any line; typed all in lower case ("nguyễn thị hồng")
    it gets its capitals ("Nguyễn Thị Hồng"). Anything typed with capitals stays as typed (O'Neil, McKay)."""
    name = clean_line(text, field=field, label=label or _("Họ và tên"), max_len=max_len)
    if name == name.lower() and name != name.upper():
        name = " ".join(word[:1].upper() + word[1:] for word in name.split(" "))
    return name


def clean_note(text: str | None, *, max_len: int = 2000) -> str:
    text = "" if text is None else str(text)
    if _UNDECODED.search(text):
        raise BadInput(_("Ghi chú có ký tự không đọc được (bảng mã không phải Unicode); hãy gõ lại."),
                       field="note")
    text = nfc(text)
    if _CONTROL.search(text.replace("\n", " ").replace("\t", " ").replace("\r", " ")):
        raise BadInput(_("Ghi chú có ký tự điều khiển không hợp lệ."), field="note")
    text = text.strip()
    if len(text) > max_len:
        raise BadInput(_("Ghi chú dài quá {n} ký tự.").format(n=max_len), field="note")
    return text


def fold(text: str) -> str:
    """Accent-free, case-free form for search: ``Nguyễn Văn Đường`` -> ``nguyen van duong``."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped.casefold()).strip()


# Vietnamese alphabet order: đ after d; ă, â after a; ê after e; ô, ơ after o; ư after u.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_ORDER = {ch: i for i, ch in enumerate(_ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_SHAPE = {"\u0306": "ă", "\u0302": None, "\u031b": None}


def _letter_key(ch: str) -> tuple[str, int]:
    """Split one letter into (base letter of the Vietnamese alphabet, tone)."""
    parts = unicodedata.normalize("NFD", ch.lower())
    base, marks = parts[0], parts[1:]
    tone = 0
    for mark in marks:
        if mark in _TONES:
            tone = _TONES[mark]
        elif mark == "\u0306":
            base = "ă"
        elif mark == "\u0302":
            base = {"a": "â", "e": "ê", "o": "ô"}.get(base, base)
        elif mark == "\u031b":
            base = {"o": "ơ", "u": "ư"}.get(base, base)
    return base, tone


def _word_key(word: str) -> tuple[str, str]:
    primary, tones = [], []
    for ch in word:
        base, tone = _letter_key(ch)
        if base in _ORDER:
            primary.append(chr(0x41 + _ORDER[base]))
        elif base.isdigit():
            primary.append(base)
        else:
            primary.append(chr(0x100 + (ord(base) % 0xFF00)))
        tones.append(str(tone))
    return "".join(primary), "".join(tones)


def name_sort_key(full_name: str) -> str:
    """Sort key for Vietnamese lists: given name (last word), then family and middle names,
    in the Vietnamese alphabet, tones breaking ties.  Plain text, so SQL ORDER BY works."""
    words = nfc(full_name).split()
    if not words:
        return ""
    ordered = [words[-1]] + words[:-1]
    keys = [_word_key(w) for w in ordered]
    return " ".join(k[0] for k in keys) + " | " + " ".join(k[1] for k in keys)


def given_name_first(full_name: str) -> str:
    """``Nguyễn Văn Đường`` -> ``Đường, Nguyễn Văn`` (how a sorted list shows it)."""
    words = nfc(full_name).split()
    if len(words) < 2:
        return full_name
    return f"{words[-1]}, {' '.join(words[:-1])}"


# ------------------------------------------------------------------ personal ID

# Old 63-province codes of birth registration (not renumbered after the 2025 mergers).
PROVINCE_CODES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 "
    "035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 "
    "070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096".split()
)


_PASSPORT = re.compile(r"^[A-Z]{1,2}\d{6,8}$")     # Vietnamese: one letter and 7 digits; most others alike
_TAX_CODE = re.compile(r"^MST(\d{10}|\d{10}-\d{3})$")


def validate_id_number(value: str | None, *, field: str = "id_number") -> str:
    """The applicant's identity paper, as the receipt's "Số định danh cá nhân/tổ chức" line takes it.

    * a 12-digit personal ID (province of birth registration, century/sex digit, birth year), checked
      digit by digit, since a slip of one digit is the usual mistake;
    * a passport (a foreigner marrying at the commune, a citizen living abroad): one or two letters and
      6–8 digits, upper-cased, e.g. ``C1234567``;
    * an organisation's tax code, written ``MST 0101234567`` or ``MST 0101234567-001``: the prefix keeps
      a mistyped personal ID (ten digits of twelve) from passing as a tax code.
    """
    raw = nfc(value or "").strip()
    text = re.sub(r"[\s.]", "", raw).upper()
    if not text:
        raise BadInput(_("Chưa nhập số định danh cá nhân."), field=field)
    if text.startswith("MST"):
        if not _TAX_CODE.match(text):
            raise BadInput(_("Mã số thuế phải có 10 chữ số, hoặc 10 chữ số, gạch nối và 3 chữ số "
                             "(ví dụ MST 0101234567-001)."), field=field)
        return "MST " + text[3:]
    if _PASSPORT.match(text):
        return text
    text = text.replace("-", "")
    if not text.isascii() or not text.isdigit():
        raise BadInput(_("Số định danh cá nhân chỉ gồm chữ số (hộ chiếu: chữ và số, ví dụ C1234567)."),
                       field=field)
    if len(text) == 9:
        raise BadInput(_("Chứng minh nhân dân 9 số đã hết giá trị từ 01/01/2025; hãy ghi số định danh cá nhân "
                         "12 chữ số (ghi số CMND cũ vào ghi chú nếu cần)."), field=field)
    if len(text) != 12:
        raise BadInput(
            _("Số định danh cá nhân phải có đúng 12 chữ số (đang có {n}).").format(n=len(text)), field=field
        )
    if text[:3] not in PROVINCE_CODES:
        raise BadInput(
            _("Ba số đầu {code} không phải mã tỉnh nơi đăng ký khai sinh.").format(code=text[:3]), field=field
        )
    if text[3] not in "012345":
        raise BadInput(_("Chữ số thứ tư (thế kỷ, giới tính) không hợp lệ."), field=field)
    return text


def is_personal_id(id_number: str) -> bool:
    return len(id_number) == 12 and id_number.isascii() and id_number.isdigit()


def id_birth_year(id_number: str) -> int:
    century = {"0": 1900, "1": 1900, "2": 2000, "3": 2000, "4": 2100, "5": 2100}[id_number[3]]
    return century + int(id_number[4:6])


def id_year_conflict(id_number: str, birth_date) -> int | None:
    """The birth year written in a 12-digit personal ID (4th digit: century and sex; 5th-6th: the year's last
    two digits) when it contradicts ``birth_date``; None when they agree or cannot be compared."""
    text = re.sub(r"[\s.\-]", "", nfc(id_number or ""))
    if birth_date is None or not is_personal_id(text) or text[3] not in "012345":
        return None
    year = id_birth_year(text)
    return year if year != birth_date.year else None


# ------------------------------------------------------------------------ phone

_MOBILE = re.compile(r"^(3[2-9]|5[25689]|7[06-9]|8[1-9]|9[0-46-9])\d{7}$")
_LANDLINE = re.compile(r"^2\d{9}$")


def normalize_phone(value: str | None, *, field: str = "phone", required: bool = False) -> str:
    """Vietnamese mobile or landline typed any usual way -> E.164 (``+84912345678``); empty when
    none was given (an elderly citizen may have no phone) unless ``required``."""
    text = re.sub(r"[\s.\-()]", "", nfc(value or ""))
    if not text:
        if required:
            raise BadInput(_("Chưa nhập số điện thoại."), field=field)
        return ""
    if text.startswith("+84"):
        national = text[3:]
    elif text.startswith("84") and len(text) in (11, 12):
        national = text[2:]
    elif text.startswith("0"):
        national = text[1:]
    else:
        raise BadInput(_("Số điện thoại phải bắt đầu bằng 0 hoặc +84."), field=field)
    if not national.isascii() or not national.isdigit():
        raise BadInput(_("Số điện thoại chỉ gồm chữ số."), field=field)
    if not (_MOBILE.match(national) or _LANDLINE.match(national)):
        raise BadInput(
            _("Số điện thoại {phone} không đúng định dạng di động (10 số) hoặc cố định (11 số).").format(
                phone=value.strip()
            ),
            field=field,
        )
    return "+84" + national


def display_phone(e164: str) -> str:
    """``+84912345678`` -> ``0912 345 678``; landlines ``0243 826 1234``."""
    if not e164:
        return ""
    national = "0" + e164[3:] if e164.startswith("+84") else e164
    if len(national) == 10:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    if len(national) == 11:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return national


_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def validate_email(value: str | None) -> str:
    text = nfc(value or "").strip()
    if not text:
        return ""
    if len(text) > 200 or not _EMAIL.match(text):
        raise BadInput(_("Địa chỉ email {email} không hợp lệ.").format(email=text[:60]), field="email")
    return text
