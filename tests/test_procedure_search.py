"""The procedure the clerk meant comes first: code, whole words, word starts, substrings; tones typed;
the office's most used among equals. The picker and ``casedesk-cli procedures --find`` share it."""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

import pytest

from casedesk import procedure_search
from casedesk.procedure_search import rank
from casedesk.services import catalogue


@dataclass
class P:
    code: str
    name: str
    national_code: str | None = None


def codes(found):
    return [p.code for p in found]


def _police_on():
    """The commune police's residence procedures ship turned off: this office receives them on its behalf."""
    from casedesk.services import catalogue_admin

    for code in ("CTR-02", "CTR-03"):
        catalogue_admin.enable_procedure(actor="admin", code=code)


@pytest.fixture(autouse=True)
def fresh_usage():
    procedure_search.forget_usage()
    yield
    procedure_search.forget_usage()


def test_tam_tru_picks_temporary_residence_not_business_suspension(db):
    _police_on()
    found = catalogue.find_procedures("tam tru")
    assert codes(found)[:2] == ["CTR-02", "CTR-03"]
    assert "KT-03" in codes(found) and codes(found).index("KT-03") > 1     # "tạm ... trước": word starts only
    assert catalogue.find_procedures("tạm trú")[0].code == "CTR-02"
    assert catalogue.find_procedures("TAM TRU")[0].code == "CTR-02"


def test_exact_code_first_and_national_code_too():
    procs = [P("HT-10", "Đăng ký lại khai sinh"), P("HT-01", "Đăng ký khai sinh", national_code="1.001193"),
             P("XX-01", "Thủ tục có chữ ht-01 trong tên")]
    assert codes(rank(procs, "ht-01"))[0] == "HT-01"
    assert codes(rank(procs, "1.001193")) == ["HT-01"]
    assert codes(rank([P("A-1", "Khai sinh")], "1.001193")) == []            # no national code: no match
    assert codes(rank([P("A-1", "Khai sinh")], "")) == ["A-1"]


def test_whole_words_in_order_before_scattered_before_starts_before_substrings():
    procs = [P("S", "Khaisinhx"),                        # substring only
             P("W", "Khaithac sinhhoat"),                 # word starts only
             P("O", "Sinh con khai báo"),                 # whole words, wrong order
             P("G", "Khai báo về sinh con"),              # whole words in order, with a gap
             P("R", "Đăng ký khai sinh")]                 # the unbroken phrase
    assert codes(rank(procs, "khai sinh")) == ["R", "G", "W", "O", "S"]


def test_exact_tones_first_among_equals():
    procs = [P("A", "Tâm trụ"), P("B", "Tạm trú")]
    assert codes(rank(procs, "tạm trú")) == ["B", "A"]
    assert codes(rank(procs, "tam tru")) == ["A", "B"]      # nothing typed with tones: catalogue order


def test_the_offices_most_used_first_among_equals():
    procs = [P("CTR-02", "Đăng ký tạm trú"), P("CTR-03", "Gia hạn tạm trú")]
    assert codes(rank(procs, "tam tru", {"CTR-03": 5, "CTR-02": 1})) == ["CTR-03", "CTR-02"]
    # usage never lifts a worse match above a better one
    assert codes(rank(procs + [P("KT-03", "Tạm ngừng trước hạn")], "tam tru", {"KT-03": 999}))[-1] == "KT-03"


def test_usage_comes_from_the_register(receive):
    _police_on()
    for _ in range(2):
        receive(procedure="CTR-03")
    procedure_search.forget_usage()
    assert codes(catalogue.find_procedures("tam tru"))[:2] == ["CTR-03", "CTR-02"]


def test_hostile_text_never_raises(db):
    for text in ("", "   ", "(", "--", "đ", "ẽ" * 300, "\u0301", "1.", "*", "%", "\x00"):
        found = catalogue.find_procedures(text)
        assert isinstance(found, list)
    assert catalogue.find_procedures("zzzz khong co") == []


def test_cli_find_returns_the_same_ranking(db, monkeypatch):
    _police_on()
    monkeypatch.setenv("CASEDESK_DB", str(db))
    out = subprocess.run([sys.executable, "-m", "casedesk", "procedures", "--find", "tam tru", "--json"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [r["code"] for r in rows] == codes(catalogue.find_procedures("tam tru"))
    assert rows[0]["code"] == "CTR-02" and {"code", "name", "processing_days", "fee"} <= set(rows[0])
    out = subprocess.run([sys.executable, "-m", "casedesk", "procedures", "--find", "khong co gi"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "Không có thủ tục nào khớp" in out.stderr
