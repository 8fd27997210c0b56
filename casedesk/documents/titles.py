"""One name per form, used everywhere: the page's heading, the PDF's title, the command line and the
desktop's lists.  Names as TT 03/2025/TT-VPCP Phụ lục I lists them (docs/law.md)."""
from __future__ import annotations

from ..i18n import N_, _
from .markup import nfc

# kind -> (form number in TT 03/2025 Phụ lục I, or "" when the form is not one of them; the name)
FORMS = {
    "receipt": ("01", N_("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")),
    "supplement": ("02", N_("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")),
    "intake-refusal": ("03", N_("Phiếu từ chối tiếp nhận giải quyết hồ sơ")),
    "apology": ("04", N_("Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết")),
    "stop": ("05", N_("Thông báo dừng giải quyết hồ sơ")),
    "control-sheet": ("06", N_("Phiếu kiểm soát quá trình giải quyết hồ sơ")),
    "ledger": ("07", N_("Sổ theo dõi hồ sơ")),
    # not a TT 03/2025 form: the People's Committee's reasoned written refusal after processing
    "refusal-reply": ("", N_("Thông báo từ chối giải quyết hồ sơ")),
}


def title(kind: str) -> str:
    """The form's name in the current language (Vietnamese on the page: see ``i18n.vietnamese``)."""
    return _(FORMS[kind][1])


def heading(kind: str) -> str:
    """The name as the page prints it: in capitals."""
    return nfc(title(kind)).upper()


def label(kind: str) -> str:
    """``Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu 01)``: the name and the form's number."""
    number, _name = FORMS[kind]
    if not number:
        return title(kind)
    return _("{title} (mẫu {number})").format(title=title(kind), number=number)
