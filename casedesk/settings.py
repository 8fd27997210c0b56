"""Office settings: data the office edits, printed on every document."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from .errors import BadInput
from .i18n import N_, _

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
    leader_title: str = "PHÓ CHỦ TỊCH"  # the vice-chairman in charge of the one-stop work
    leader_name: str = ""
    chairman_name: str = ""            # Chủ tịch UBND: signs "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"
    centre_head_title: str = "GIÁM ĐỐC"  # the head of the Trung tâm PVHCC (Decree 367/2025)
    centre_head_name: str = ""
    report_preparer: str = ""          # "Người lập biểu" of form II.06a
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
    status_page: bool = False          # the read-only status page on the LAN (status_web), off by default
    status_host: str = "0.0.0.0"       # the address it listens on: this PC's LAN address, or every address
    status_port: int = 8080

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
# What each setting is called on the Settings screen (a sentence that asks to fill one names it).
SETTING_LABELS = {
    "province": N_("Tỉnh/thành phố"), "commune": N_("Xã/phường"), "superior": N_("Cơ quan chủ quản"),
    "office_name": N_("Tên đơn vị"), "place_name": N_("Địa danh ghi ngày tháng"), "unit_code": N_("Mã đơn vị"),
    "address": N_("Địa chỉ"), "phone": N_("Điện thoại"), "leader_title": N_("Chức danh lãnh đạo phụ trách"),
    "leader_name": N_("Phó Chủ tịch phụ trách (họ và tên)"), "chairman_name": N_("Chủ tịch UBND (họ và tên)"),
    "centre_head_title": N_("Chức danh người đứng đầu Trung tâm"),
    "centre_head_name": N_("Người đứng đầu Trung tâm (họ và tên)"),
    "report_preparer": N_("Người lập biểu báo cáo (họ và tên)"), "office_open": N_("Giờ mở cửa"),
    "office_close": N_("Giờ đóng cửa"), "cutoff": N_("Giờ chốt nhận hồ sơ trong ngày"),
    "period_style": N_("Kỳ báo cáo"), "culture_day_off": N_("Nghỉ Ngày Văn hóa Việt Nam (24/11)"),
    "paper": N_("Khổ giấy"), "timezone": N_("Múi giờ"), "ledger_book": N_("Quyển số sổ theo dõi"),
    "lockout_attempts": N_("Số lần đăng nhập sai trước khi khóa"), "lockout_minutes": N_("Số phút khóa tài khoản"),
    "language": N_("Ngôn ngữ"),
    "status_page": N_("Trang tra cứu trên mạng nội bộ"), "status_host": N_("Địa chỉ trang tra cứu"),
    "status_port": N_("Cổng trang tra cứu"),
}
# The unit code (mã định danh) as QCVN 102:2016/BTTTT writes it: V1V2V3.Z1Z2.Y1Y2.MX1X2 (000.00.31.H26),
# or the same groups from the top level down (H15.50.05.13) as one province's 2026 dossier codes print it.
UNIT_CODE_FORMS = (re.compile(r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}"), re.compile(r"[A-Z]\d{2}(\.\d{2}){1,3}"))
TRUE_WORDS = ("1", "true", "yes", "on", "có", "bật")
FALSE_WORDS = ("0", "false", "no", "off", "không", "tắt")


def setting_label(key: str) -> str:
    return _(SETTING_LABELS[key]) if key in SETTING_LABELS else key


def check_unit_code(value: str) -> str:
    """The unit code in the national format, upper case; a sentence naming the format otherwise."""
    code = str(value or "").strip().upper()
    if not any(form.fullmatch(code) for form in UNIT_CODE_FORMS):
        raise BadInput(_("Mã đơn vị “{code}” không đúng dạng mã định danh cơ quan (QCVN 102:2016/BTTTT): "
                         "ba chữ số, hai nhóm hai chữ số và mã cấp tỉnh, cách nhau bằng dấu chấm, "
                         "ví dụ 000.00.12.H21.").format(code=code[:40]), field="unit_code")
    return code


def _as_bool(key: str, value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = str(value).strip().casefold() if isinstance(value, str) else None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise BadInput(_("{key} phải là true hoặc false.").format(key=key), field=key)
# Sensible bounds for the whole-number settings: a lock longer than a day is a mistake, not a policy.
INT_LIMITS = {"lockout_attempts": (1, 50), "lockout_minutes": (1, 1440), "status_port": (1024, 65535)}


def validate(values: dict) -> dict:
    """Check a dict of changed settings; returns the cleaned values."""
    from .text import clean_line

    cleaned: dict = {}
    for key, value in values.items():
        if key not in SETTING_FIELDS:
            raise BadInput(_("Không có thiết lập {key}.").format(key=key), field=key)
        kind = SETTING_FIELDS[key].type
        if kind in ("bool", bool):
            cleaned[key] = _as_bool(key, value)
        elif kind in ("int", int):
            if isinstance(value, bool):
                raise BadInput(_("{key} phải là số nguyên.").format(key=key), field=key)
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
    if "unit_code" in cleaned:
        cleaned["unit_code"] = check_unit_code(cleaned["unit_code"])
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
    if "status_host" in cleaned:
        import ipaddress

        try:
            ipaddress.ip_address(cleaned["status_host"])
        except ValueError:
            raise BadInput(_("Địa chỉ trang tra cứu phải là một địa chỉ IP (ví dụ 192.168.1.10, hoặc 0.0.0.0 "
                             "cho mọi mạng của máy)."), field="status_host") from None
    if "timezone" in cleaned:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(cleaned["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise BadInput(_("Múi giờ không hợp lệ."), field="timezone") from None
    return cleaned
