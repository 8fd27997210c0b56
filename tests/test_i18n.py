"""Every user-visible string has its English translation; dates and money follow Decree 30 and babel."""
from __future__ import annotations

import ast
import datetime as dt
import pathlib
import string

import pytest

from casedesk import i18n

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _source_strings():
    found = {}
    for folder in ("casedesk", "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_")
                        and node.args and isinstance(node.args[0], ast.Constant)
                        and isinstance(node.args[0].value, str)):
                    found.setdefault(node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_string_has_english():
    table = i18n._catalogue("en")
    missing = [f"{where}: {text!r}" for text, where in _source_strings().items() if text.strip() and text not in table]
    assert not missing, "untranslated:\n" + "\n".join(missing[:40])


def test_placeholders_match():
    table = i18n._catalogue("en")
    fmt = string.Formatter()
    for source, target in table.items():
        names = {f for _, f, _, _ in fmt.parse(source) if f}
        assert names == {f for _, f, _, _ in fmt.parse(target) if f}, source


@pytest.mark.parametrize("day,expected", [
    (dt.date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
    (dt.date(2026, 1, 22), "ngày 22 tháng 01 năm 2026"),
    (dt.date(2026, 3, 5), "ngày 05 tháng 3 năm 2026"),
    (dt.date(2026, 12, 31), "ngày 31 tháng 12 năm 2026"),
])
def test_decree_30_dates(day, expected):
    assert i18n.admin_date(day) == expected
    assert i18n.place_date("An Phú", day) == f"An Phú, {expected}"


def test_money_and_language_switch():
    i18n.set_language("vi")
    assert i18n.format_money(50000) == "50.000\u00a0đ"
    assert i18n.format_money(0) == "Miễn phí"
    i18n.set_language("en")
    try:
        assert i18n.format_money(1234567) == "1,234,567\u00a0VND"
        assert i18n._("Miễn phí") == "Free"
    finally:
        i18n.set_language("vi")


def test_core_never_imports_qt():
    for path in (ROOT / "casedesk").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] in ("PySide6", "ui") for n in names), path
