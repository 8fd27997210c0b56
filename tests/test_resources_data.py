"""Sanity checks for the data files shipped in resources/.

These files are edited by hand (and later by offices), so the checks guard the
shape the core loader relies on: unique codes, references that resolve, integer
days and fees, at least one mandatory paper per procedure, and NFC text so that
search and sorting behave the same on every machine.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROCEDURES = ROOT / "resources" / "procedures.toml"
NAMES = ROOT / "resources" / "demo" / "names.toml"


@pytest.fixture(scope="module")
def catalogue() -> dict:
    with PROCEDURES.open("rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def names() -> dict:
    with NAMES.open("rb") as fh:
        return tomllib.load(fh)


def _strings(obj, path="$"):
    """Yield (path, string) for every string anywhere in a parsed TOML tree."""
    if isinstance(obj, str):
        yield path, obj
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from _strings(key, f"{path}.<key>")
            yield from _strings(value, f"{path}.{key}")
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            yield from _strings(value, f"{path}[{i}]")


def _is_int(value) -> bool:
    # bool is a subclass of int; a stray `true` must not pass as a number.
    return isinstance(value, int) and not isinstance(value, bool)


# ---------------------------------------------------------------- procedures


PROCEDURE_KEYS = {"code", "field", "name", "days", "fee", "fee_note", "department", "result", "papers",
                  # the law behind the row (upgrade 14)
                  "national_code", "agency", "time_unit", "extension_days", "legal_basis", "verified",
                  "source_note", "fee_kind", "fee_rule", "active"}


def test_catalogue_keys(catalogue):
    # Catches a top-level key accidentally written under a [[table]] header.
    assert set(catalogue) == {"version_effective_from", "agency", "field", "department", "procedure"}
    for a in catalogue["agency"]:
        assert set(a) <= {"code", "name", "own", "book", "unit_code"}, a
        assert a.get("own", True) or a.get("book"), a          # another agency has its own book
    for f in catalogue["field"]:
        assert set(f) == {"code", "name", "department"}, f
    for d in catalogue["department"]:
        assert set(d) == {"code", "name"}, d
    for p in catalogue["procedure"]:
        assert {"code", "field", "name", "days", "fee", "result", "papers", "national_code", "agency",
                "time_unit", "legal_basis", "verified", "fee_kind"} <= set(p), p["code"]
        assert p["verified"] or p.get("source_note"), p["code"]    # what was not checked is said in the row
        assert p["agency"] in {a["code"] for a in catalogue["agency"]}, p["code"]
        own = next(a for a in catalogue["agency"] if a["code"] == p["agency"]).get("own", True)
        assert own or p.get("active") is False, p["code"]           # other agencies' ship turned off
        assert set(p) <= PROCEDURE_KEYS, p["code"]


def test_effective_date_is_iso(catalogue):
    value = catalogue["version_effective_from"]
    assert isinstance(value, str)
    dt.date.fromisoformat(value)


def test_fields_and_departments_unique(catalogue):
    fields = [f["code"] for f in catalogue["field"]]
    departments = [d["code"] for d in catalogue["department"]]
    assert len(fields) == len(set(fields))
    assert len(departments) == len(set(departments))
    for f in catalogue["field"]:
        assert f["name"].strip()
        assert f["department"] in departments, f
    for d in catalogue["department"]:
        assert d["name"].strip()


def test_expected_fields_present(catalogue):
    fields = {f["code"] for f in catalogue["field"]}
    assert {"HT", "CT", "LT", "DD", "XD", "KT", "BTXH", "NCC", "CTR"} <= fields


def test_at_least_32_procedures(catalogue):
    assert len(catalogue["procedure"]) >= 32


def test_procedure_codes_unique_and_well_formed(catalogue):
    codes = [p["code"] for p in catalogue["procedure"]]
    assert len(codes) == len(set(codes))
    for p in catalogue["procedure"]:
        m = re.fullmatch(r"([A-Z]+)-(\d{2})", p["code"])
        assert m, p["code"]
        assert m.group(1) == p["field"], p["code"]


def test_procedure_references_resolve(catalogue):
    fields = {f["code"] for f in catalogue["field"]}
    departments = {d["code"] for d in catalogue["department"]}
    for p in catalogue["procedure"]:
        assert p["field"] in fields, p["code"]
        if "department" in p:
            assert p["department"] in departments, p["code"]


def test_procedure_days_and_fees(catalogue):
    for p in catalogue["procedure"]:
        assert _is_int(p["days"]) and p["days"] >= 0, p["code"]
        assert _is_int(p["fee"]) and p["fee"] >= 0, p["code"]
        if "fee_note" in p:
            assert isinstance(p["fee_note"], str) and p["fee_note"].strip()


def test_procedure_text_fields(catalogue):
    for p in catalogue["procedure"]:
        assert isinstance(p["name"], str) and p["name"].strip(), p["code"]
        assert isinstance(p["result"], str) and p["result"].strip(), p["code"]


def test_procedure_papers(catalogue):
    allowed = {"name", "original", "copies", "optional"}
    for p in catalogue["procedure"]:
        papers = p["papers"]
        assert 1 <= len(papers) <= 8, p["code"]
        assert any(not paper.get("optional", False) for paper in papers), p["code"]
        names = [paper["name"] for paper in papers]
        assert len(names) == len(set(names)), p["code"]
        for paper in papers:
            assert set(paper) <= allowed, (p["code"], paper)
            assert paper["name"].strip()
            assert _is_int(paper["original"]) and paper["original"] >= 0
            assert _is_int(paper["copies"]) and paper["copies"] >= 0
            assert paper["original"] + paper["copies"] >= 1, (p["code"], paper)
            assert isinstance(paper.get("optional", False), bool)


def test_domain_numbers_kept(catalogue):
    """Spot-check values the domain brief gives explicitly."""
    by_name = {p["name"]: p for p in catalogue["procedure"]}
    assert by_name["Đăng ký khai sinh"]["days"] == 0
    assert by_name["Xác nhận thông tin hộ tịch"]["days"] == 3
    assert by_name["Đăng ký thường trú"]["days"] == 7
    assert by_name["Đăng ký tạm trú"]["days"] == 3
    assert by_name["Đăng ký kết hôn có yếu tố nước ngoài"]["days"] == 15


def test_procedures_nfc(catalogue):
    for where, text in _strings(catalogue):
        assert unicodedata.is_normalized("NFC", text), where


# ---------------------------------------------------------------- demo names

LISTS = ("male_middle", "female_middle", "male_given", "female_given", "villages", "streets")


def test_names_keys(names):
    assert set(names) == {"family", *LISTS}
    for f in names["family"]:
        assert set(f) == {"name", "weight"}, f


def test_family_names(names):
    families = names["family"]
    assert len(families) >= 20
    seen = [f["name"] for f in families]
    assert len(seen) == len(set(seen))
    for f in families:
        assert f["name"].strip()
        assert isinstance(f["weight"], (int, float)) and not isinstance(f["weight"], bool)
        assert f["weight"] > 0
    top = max(families, key=lambda f: f["weight"])
    assert top["name"] == "Nguyễn"


@pytest.mark.parametrize("key", LISTS)
def test_name_lists_non_empty_and_unique(names, key):
    values = names[key]
    assert isinstance(values, list) and values
    assert all(isinstance(v, str) and v.strip() == v and v for v in values)
    assert len(values) == len(set(values)), key


def test_given_name_lists_are_large(names):
    assert len(names["male_given"]) >= 60
    assert len(names["female_given"]) >= 60
    assert any(n.startswith("Đ") for n in names["male_given"])
    assert any(n.startswith("Đ") for n in names["female_given"])


def test_names_nfc(names):
    for where, text in _strings(names):
        assert unicodedata.is_normalized("NFC", text), where
