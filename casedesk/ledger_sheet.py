"""Reading an office's Excel ledger: find the header row, match its columns to what a dossier holds,
and hand over the data rows with their sheet line numbers.

Offices keep their old ledgers as a sheet laid out like form 07 (Sổ theo dõi hồ sơ: two header rows,
the dates grouped under "Ngày, tháng, năm", a row numbering the columns) or as a plain sheet of their
own. Headers are matched by name, accents, case and punctuation ignored; the user can correct the
match (``--map name=C`` on the command line, a choice per field in the window).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BadInput
from .i18n import N_, _
from .text import fold

# What an imported dossier can hold, in the order a preview shows it: (key, label).
FIELDS: tuple[tuple[str, str], ...] = (
    ("code", N_("Mã hồ sơ")),
    ("procedure", N_("Thủ tục")),
    ("name", N_("Họ tên người nộp")),
    ("id_number", N_("Số định danh")),
    ("phone", N_("Điện thoại")),
    ("address", N_("Địa chỉ")),
    ("address_phone", N_("Địa chỉ, số điện thoại")),
    ("sets", N_("Số bộ hồ sơ")),
    ("received", N_("Ngày nhận")),
    ("due", N_("Hẹn trả")),
    ("resolved", N_("Ngày có kết quả")),
    ("delivered", N_("Ngày trả")),
    ("result", N_("Kết quả")),
    ("note", N_("Ghi chú")),
)
FIELD_KEYS = tuple(k for k, _label in FIELDS)
REQUIRED = ("procedure", "name", "received")

# Headers as offices write them, folded (see ``_norm``). An exact match wins; otherwise the longest
# alias of two words or more found inside the header. ``None``: a column known to carry nothing we keep.
_ALIASES: dict[str, str | None] = {
    "ma ho so": "code", "ma so ho so": "code", "so bien nhan": "code", "ma bien nhan": "code",
    "so ho so": "code", "ma hs": "code",
    "thu tuc": "procedure", "ten thu tuc": "procedure", "ten thu tuc hanh chinh": "procedure",
    "thu tuc hanh chinh": "procedure", "ma thu tuc": "procedure", "tthc": "procedure",
    "ho ten": "name", "ho va ten": "name", "ten ca nhan to chuc": "name", "ca nhan to chuc": "name",
    "nguoi nop": "name", "ten nguoi nop": "name", "nguoi nop ho so": "name", "ho ten nguoi nop": "name",
    "so dinh danh": "id_number", "so dinh danh ca nhan": "id_number", "cccd": "id_number",
    "so cccd": "id_number", "can cuoc": "id_number", "so can cuoc": "id_number", "cmnd cccd": "id_number",
    "so giay to": "id_number", "ma so thue": "id_number", "dinh danh": "id_number",
    "dien thoai": "phone", "so dien thoai": "phone", "sdt": "phone", "dt": "phone",
    "dia chi": "address", "dia chi thuong tru": "address", "noi cu tru": "address",
    "dia chi so dien thoai": "address_phone", "dia chi dien thoai": "address_phone",
    "so luong ho so": "sets", "so luong ho so bo": "sets", "so bo": "sets", "so bo ho so": "sets",
    "ngay nhan": "received", "nhan ho so": "received", "ngay tiep nhan": "received",
    "thoi gian nhan": "received", "ngay nhan ho so": "received", "tiep nhan": "received",
    "hen tra": "due", "hen tra ket qua": "due", "ngay hen tra": "due", "ngay hen": "due",
    "ngay tra": "delivered", "tra ket qua": "delivered", "ngay tra ket qua": "delivered",
    "tra ket qua cho ca nhan to chuc": "delivered", "da tra": "delivered",
    "ket qua": "result", "ket qua giai quyet": "result", "tinh trang": "result", "trang thai": "result",
    "ghi chu": "note",
    # form 07's other columns: seen, kept nowhere
    "nhan ket qua tu co quan giai quyet": "resolved", "ngay co ket qua": "resolved",
    "ngay giai quyet": "resolved", "ngay ket qua": "resolved",
    "tt": None, "stt": None, "so thu tu": None, "ky nhan": None, "co quan chu tri giai quyet": None,
    "chuyen ho so den co quan giai quyet": None,
    "ngay thang nam": None,
}
_MIN_MATCHES = 3          # a header row names at least three of the fields
_SCAN_ROWS = 25           # headers sit near the top
_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")


def _norm(text) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(str(text or ""))).split())


def match_header(text) -> str | None:
    """The field a header names, or None."""
    key = _norm(text)
    if not key:
        return None
    if key in _ALIASES:
        return _ALIASES[key]
    padded = f" {key} "
    best = None
    for alias, target in _ALIASES.items():
        if " " in alias and f" {alias} " in padded and (best is None or len(alias) > len(best[0])):
            best = (alias, target)
    return best[1] if best else None


@dataclass
class Sheet:
    """One worksheet read whole: its headers, the proposed mapping, and the data rows."""

    path: Path
    name: str
    header_line: int                          # 1-based line of the (last) header row
    headers: list[str]                        # one per column, "" where none
    mapping: dict[str, int]                   # field -> 0-based column
    rows: list[tuple[int, tuple]] = field(default_factory=list)   # (sheet line, values)

    def column_label(self, index: int) -> str:
        from openpyxl.utils import get_column_letter

        head = self.headers[index] if index < len(self.headers) else ""
        return f"{get_column_letter(index + 1)}: {head}" if head else get_column_letter(index + 1)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.datetime, dt.date)):
        return ""
    return " ".join(str(value).split())


def _proposed(headers: list[str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for i, head in enumerate(headers):
        target = match_header(head)
        if target and target not in mapping:
            mapping[target] = i
    if "address_phone" in mapping and ("address" in mapping or "phone" in mapping):
        del mapping["address_phone"]          # separate columns say it better
    return mapping


def read_sheet(path: str | Path, *, sheet: str | None = None) -> Sheet:
    """Open ``path`` (.xlsx), find its header row and read every row below it."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise BadInput(_("Chỉ nhập được tệp Excel .xlsx (tệp .xls cũ: mở bằng Excel và lưu lại thành .xlsx)."),
                       field="file")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise BadInput(_("Không có tệp {path}.").format(path=str(path)), field="file") from None
    except (InvalidFileException, KeyError, ValueError, OSError) as exc:
        if isinstance(exc, OSError) and not isinstance(exc, (IsADirectoryError,)) and exc.errno:
            raise
        raise BadInput(_("Tệp {path} không phải tệp Excel đọc được.").format(path=path.name), field="file") from None
    except Exception:  # zipfile.BadZipFile and friends: a file that only looks like .xlsx
        raise BadInput(_("Tệp {path} không phải tệp Excel đọc được.").format(path=path.name), field="file") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise BadInput(_("Tệp không có trang tính “{name}” (có: {names}).").format(
                name=sheet, names=", ".join(book.sheetnames)), field="sheet")
        ws = book[sheet] if sheet else book.worksheets[0]
        lines = ws.iter_rows(values_only=True)
        top: list[tuple] = []
        for values in lines:
            top.append(values)
            if len(top) >= _SCAN_ROWS:
                break
        found = _find_header(top)
        if found is None:
            raise BadInput(_("Không tìm thấy dòng tiêu đề (Mã hồ sơ, Thủ tục, Họ tên, Ngày nhận…) trong "
                             "{n} dòng đầu của trang “{sheet}”.").format(n=_SCAN_ROWS, sheet=ws.title),
                           field="file")
        header_line, headers = found
        result = Sheet(path=path, name=ws.title, header_line=header_line, headers=headers,
                       mapping=_proposed(headers))
        width = len(headers)

        def keep(line: int, values: tuple) -> None:
            if not any(v not in (None, "") for v in values):
                return
            if line <= header_line + 2:                   # form 07's row numbering the columns (1) (2) ...
                texts = [_cell_text(v) for v in values if v not in (None, "")]
                if len(texts) >= 3 and all(_NUMBERING.match(t) for t in texts):
                    return
            row = tuple(values[:width]) + (None,) * (width - len(values))
            result.rows.append((line, row))

        for i, values in enumerate(top[header_line:], start=header_line + 1):
            keep(i, values)
        for i, values in enumerate(lines, start=len(top) + 1):
            keep(i, values)
        return result
    finally:
        book.close()


def _find_header(top: list[tuple]) -> tuple[int, list[str]] | None:
    """(1-based line of the last header row, the column headers), merging form 07's two header rows."""
    best: tuple[int, int] | None = None         # (matches, index)
    for i, values in enumerate(top):
        heads = [_cell_text(v) for v in values]
        count = len({match_header(h) for h in heads if match_header(h)})
        if count >= _MIN_MATCHES and (best is None or count > best[0]):
            best = (count, i)
    if best is None:
        return None
    i = best[1]
    headers = [_cell_text(v) for v in top[i]]
    if i + 1 < len(top):                        # a second header row under grouped columns
        below = [_cell_text(v) for v in top[i + 1]]
        named = [match_header(h) for h in below]
        if sum(1 for n in named if n) >= 2 and not any(isinstance(v, (dt.date, dt.datetime)) for v in top[i + 1]):
            width = max(len(headers), len(below))
            headers += [""] * (width - len(headers))
            for c, head in enumerate(below):
                if head and (named[c] or not headers[c]):
                    headers[c] = head
            return i + 2, headers
    return i + 1, headers


def parse_mapping(specs: list[str], sheet: Sheet) -> dict[str, int]:
    """``["name=C", "received=Ngày nhận", "note="]`` applied over the proposed mapping."""
    from openpyxl.utils import column_index_from_string

    mapping = dict(sheet.mapping)
    for spec in specs:
        key, sep, target = spec.partition("=")
        key = key.strip()
        if not sep or key not in FIELD_KEYS:
            raise BadInput(_("--map phải có dạng TRƯỜNG=CỘT, với TRƯỜNG là một trong: {keys}.").format(
                keys=", ".join(FIELD_KEYS)), field="map")
        target = target.strip()
        if not target:
            mapping.pop(key, None)
            continue
        if re.fullmatch(r"[A-Za-z]{1,3}", target):
            index = column_index_from_string(target.upper()) - 1
        else:
            wanted = _norm(target)
            index = next((i for i, h in enumerate(sheet.headers) if _norm(h) == wanted), -1)
            if index < 0:
                raise BadInput(_("Không có cột “{col}” trong tệp.").format(col=target), field="map")
        if index >= len(sheet.headers):
            raise BadInput(_("Cột {col} nằm ngoài bảng (bảng có {n} cột).").format(
                col=target, n=len(sheet.headers)), field="map")
        mapping[key] = index
    missing = [k for k in REQUIRED if k not in mapping]
    if missing:
        labels = dict(FIELDS)
        raise BadInput(_("Chưa biết cột nào là: {fields}. Hãy chỉ ra bằng --map (ví dụ --map name=C).").format(
            fields=", ".join(_(labels[k]) for k in missing)), field="map")
    return mapping
