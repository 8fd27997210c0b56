"""argparse's own words (usage, options, "required", "invalid choice" …) in Vietnamese.

argparse looks its messages up through the module-level names ``argparse._`` and
``argparse.ngettext`` each time it writes one, so the command line swaps those two for
lookups in the table below while the language is Vietnamese.  The keys are argparse's
English strings exactly (Python 3.11–3.13); a string not in the table stays English.
"""
from __future__ import annotations

import argparse
import gettext

VIETNAMESE = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số",
    "options": "tùy chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "show program's version number and exit": "in số phiên bản rồi thoát",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "giá trị %(value)r không hợp lệ (chọn một trong: "
                                                           "%(choices)s)",
    "invalid %(type)s value: %(value)r": "giá trị %(value)r không hợp lệ (cần kiểu %(type)s)",
    "unrecognized arguments: %s": "không hiểu các tham số: %s",
    "expected one argument": "cần một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "not allowed with argument %s": "không dùng cùng với %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn %(option)s chưa rõ: có thể là %(matches)s",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "không có lệnh %(parser_name)r (chọn một trong: "
                                                             "%(choices)s)",
}
PLURALS = {
    ("expected %s argument", "expected %s arguments"): "cần %s giá trị",
}


def _vi(message: str) -> str:
    return VIETNAMESE.get(message, message)


def _vi_plural(singular: str, plural: str, n: int) -> str:
    found = PLURALS.get((singular, plural))
    return found if found is not None else (singular if n == 1 else plural)


def use_language(lang: str) -> None:
    """Vietnamese for ``vi``; argparse's own English otherwise."""
    if lang == "vi":
        argparse._ = _vi
        argparse.ngettext = _vi_plural
    else:
        argparse._ = gettext.gettext
        argparse.ngettext = gettext.ngettext


def language_of(argv: list[str]) -> str:
    """``--lang en`` (or ``--lang=en``) on the command line, else Vietnamese: decided before parsing,
    so argparse's own words (usage, --help, errors) come out in that language."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and argv[i + 1:i + 2] == ["en"] or arg == "--lang=en":
            return "en"
    return "vi"


def version_text(version: str) -> str:
    """What ``--version`` prints, in the current language."""
    from .i18n import _

    return _("CaseDesk phiên bản {version}").format(version=version)
