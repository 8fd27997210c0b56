"""Office settings: data the office edits, printed on every document."""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from .errors import BadInput
from .i18n import _

PERIOD_STYLES = ("calendar", "15-14")
PAPERS = ("a4", "a5")


@dataclass(frozen=True)
class OfficeSettings:
    province: str = ""
    commune: str = ""
    superior: str = ""                 # "UBND XÃ AN PHÚ": the parent body in the document header
    office_name: str = "Trung tâm Phục vụ hành chính công"
    place_name: str = ""               # the place in the date line; the commune's name by default
    unit_code: str = "000.00.00.H00"   # dossier-code prefix
    address: str = ""
    phone: str = ""
    leader_title: str = "PHÓ CHỦ TỊCH"
    leader_name: str = ""
    office_open: str = "07:30"
    office_close: str = "17:00"
    cutoff: str = "15:00"              # same-day procedures received later are due the next working day
    period_style: str = "calendar"     # or "15-14"
    culture_day_off: bool = False      # 24/11 "Ngày Văn hóa Việt Nam" as a day off
    paper: str = "a4"
    timezone: str = "Asia/Ho_Chi_Minh"
    ledger_book: str = ""              # "Quyển số" of the ledger; the year by default
    lockout_attempts: int = 5
    lockout_minutes: int = 15
    language: str = "vi"

    @property
    def cutoff_time(self) -> dt.time:
        return _parse_hhmm(self.cutoff, "cutoff")

    @property
    def place(self) -> str:
        return self.place_name or self.commune


def _parse_hhmm(text: str, field: str) -> dt.time:
    try:
        hour, minute = (int(p) for p in str(text).split(":"))
        return dt.time(hour, minute)
    except (ValueError, TypeError):
        raise BadInput(_("Giờ phải có dạng HH:MM (ví dụ 15:00)."), field=field) from None


SETTING_FIELDS = {f.name: f for f in dataclasses.fields(OfficeSettings)}
# Sensible bounds for the whole-number settings: a lock longer than a day is a mistake, not a policy.
INT_LIMITS = {"lockout_attempts": (1, 50), "lockout_minutes": (1, 1440)}


def validate(values: dict) -> dict:
    """Check a dict of changed settings; returns the cleaned values."""
    from .text import clean_line

    cleaned: dict = {}
    for key, value in values.items():
        if key not in SETTING_FIELDS:
            raise BadInput(_("Không có thiết lập {key}.").format(key=key), field=key)
        kind = SETTING_FIELDS[key].type
        if kind in ("bool", bool):
            cleaned[key] = bool(value)
        elif kind in ("int", int):
            try:
                cleaned[key] = int(value)
            except (TypeError, ValueError):
                raise BadInput(_("{key} phải là số nguyên.").format(key=key), field=key) from None
            low, high = INT_LIMITS.get(key, (1, 1_000_000))
            if not low <= cleaned[key] <= high:
                raise BadInput(_("{key} phải từ {low} đến {high}.").format(key=key, low=low, high=high),
                               field=key)
        else:
            cleaned[key] = clean_line(value, field=key, label=key, max_len=300, required=False)
    if "cutoff" in cleaned:
        _parse_hhmm(cleaned["cutoff"], "cutoff")
    for key in ("office_open", "office_close"):
        if key in cleaned:
            _parse_hhmm(cleaned[key], key)
    if cleaned.get("period_style", "calendar") not in PERIOD_STYLES:
        raise BadInput(_("Kỳ báo cáo phải là calendar hoặc 15-14."), field="period_style")
    if cleaned.get("paper", "a4") not in PAPERS:
        raise BadInput(_("Khổ giấy phải là a4 hoặc a5."), field="paper")
    if "language" in cleaned and cleaned["language"] not in ("vi", "en"):
        raise BadInput(_("Ngôn ngữ phải là vi hoặc en."), field="language")
    if "timezone" in cleaned:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(cleaned["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise BadInput(_("Múi giờ không hợp lệ."), field="timezone") from None
    return cleaned
