"""One gate for every user-visible string, number, date and amount.

Source strings are Vietnamese (the product's first language). English lives in
gettext catalogues under ``resources/locale/en/*.po``; every ``.po`` file there is
merged, so each part of the program keeps its own catalogue (core.po,
documents.po, ui.po, ...).  Use ``_("Không tìm thấy hồ sơ {code}").format(code=c)``:
never build a message by concatenation or put an f-string inside ``_()``.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import threading
from decimal import Decimal
from functools import lru_cache
from typing import Iterator

from babel.dates import format_date
from babel.numbers import format_decimal

from .paths import resource_path

LANGUAGES = ("vi", "en")
_state = threading.local()
_default_lang = "vi"


def set_language(lang: str) -> None:
    """Set the process-wide language (``vi`` or ``en``)."""
    global _default_lang
    if lang not in LANGUAGES:
        raise ValueError(lang)
    _default_lang = lang
    _state.lang = lang


def get_language() -> str:
    return getattr(_state, "lang", _default_lang)


@contextlib.contextmanager
def vietnamese() -> Iterator[None]:
    """Inside: every ``_()`` on this thread answers in Vietnamese.  The documents an office signs are
    Vietnamese whatever language the screens and the command line speak."""
    before = getattr(_state, "lang", None)
    _state.lang = "vi"
    try:
        yield
    finally:
        if before is None:
            del _state.lang
        else:
            _state.lang = before


@lru_cache(maxsize=None)
def _catalogue(lang: str) -> dict[str, str]:
    if lang == "vi":
        return {}
    from babel.messages.pofile import read_po

    table: dict[str, str] = {}
    folder = resource_path("locale", lang)
    if folder.is_dir():
        for po in sorted(folder.glob("*.po")):
            with po.open("rb") as fh:
                for msg in read_po(fh, locale=lang):
                    if msg.id and msg.string and isinstance(msg.id, str):
                        table[msg.id] = msg.string
    return table


def _(message: str) -> str:
    """Translate a Vietnamese source string into the current language."""
    lang = get_language()
    if lang == "vi":
        return message
    return _catalogue(lang).get(message, message)


def N_(message: str) -> str:
    """Mark a string for translation without translating it now."""
    return message


def babel_locale() -> str:
    return "vi_VN" if get_language() == "vi" else "en_GB"


# ---------------------------------------------------------------- formatting

def format_money(amount: int | Decimal | None) -> str:
    """``50000`` -> ``50.000 đ`` (vi) / ``50,000 VND`` (en); ``0`` -> ``Miễn phí``."""
    if not amount:
        return _("Miễn phí")
    text = format_decimal(int(amount), locale=babel_locale())
    return f"{text}\u00a0đ" if get_language() == "vi" else f"{text}\u00a0VND"


def format_int(value: int) -> str:
    return format_decimal(int(value), locale=babel_locale())


def pad_day(day: int) -> str:
    """Decree 30/2020: days below 10 get a leading zero."""
    return f"{day:02d}"


def pad_month(month: int) -> str:
    """Decree 30/2020: only months 1 and 2 get a leading zero."""
    return f"{month:02d}" if month < 3 else str(month)


def admin_date(d: dt.date) -> str:
    """Administrative date: ``ngày 05 tháng 02 năm 2026`` (Decree 30/2020)."""
    if get_language() == "en":           # CLDR's month names, not the C library's (which follow the PC's locale)
        return format_date(d, "d MMMM y", locale=babel_locale())
    return f"ngày {pad_day(d.day)} tháng {pad_month(d.month)} năm {d.year}"


def place_date(place: str, d: dt.date) -> str:
    """The italic place-and-date line: ``An Phú, ngày 05 tháng 02 năm 2026``."""
    return f"{place}, {admin_date(d)}"


def admin_datetime(t: dt.datetime) -> str:
    """``08 giờ 05 phút, ngày 05 tháng 02 năm 2026``."""
    if get_language() == "en":
        return f"{t:%H:%M}, {admin_date(t.date())}"
    return f"{t.hour:02d} giờ {t.minute:02d} phút, {admin_date(t.date())}"


WEEKDAYS_VI = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def weekday_name(d: dt.date) -> str:
    """``thứ Hai`` as offices write it (CLDR capitalises "Thứ"); English from CLDR."""
    if get_language() == "vi":
        return WEEKDAYS_VI[d.weekday()]
    return format_date(d, "EEEE", locale=babel_locale())


def short_date(d: dt.date | None) -> str:
    """``05/02/2026`` in both languages (the way Vietnamese offices write it)."""
    return "" if d is None else f"{d.day:02d}/{d.month:02d}/{d.year}"


def short_datetime(t: dt.datetime | None) -> str:
    return "" if t is None else f"{t:%H:%M} {short_date(t.date())}"
