"""The status page on the office's LAN: read-only, a code alone reveals nothing, no ID numbers,
addresses or full names anywhere, rate limited, every lookup logged."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from casedesk import receipt_seal, status_data, workflow
from casedesk.db import close_database, open_database
from casedesk.models import Case
from casedesk.services import cases as svc

flask = pytest.importorskip("flask")

ID_NUMBER = "001203012345"
ADDRESS = "Thôn Đông, xã An Phú"
NAME = "Nguyễn Văn Đường"


@pytest.fixture
def office(db, receive, clock):
    """Four dossiers in four states; returns their codes and receipt QR texts, then the register
    is reopened read-only as the status page opens it."""
    made = {}
    made["waiting"] = receive().code
    made["ready"] = receive(citizen_name="Trần Thị Đào", phone="0987 654 321", id_number="001203099999").code
    made["supplement"] = receive(citizen_name="Lê Văn Hùng Cường", phone="0911 222 333").code
    made["no_phone"] = receive(citizen_name="Phạm Thị Lan", phone="").code
    for key in ("ready", "supplement"):
        svc.assign_case(actor="mai", code=made[key], to="hung")
    svc.submit_case(actor="hung", code=made["ready"])
    svc.approve_case(actor="thao", code=made["ready"])
    svc.request_supplement(actor="hung", code=made["supplement"], note="Thiếu bản sao giấy khai sinh")
    qr = {k: receipt_seal.case_seal(Case.get(Case.code == c)) for k, c in made.items()}
    close_database()
    status_data.open_read_only(db)
    yield made, qr
    close_database()


@pytest.fixture
def client(office, tmp_path):
    from casedesk.status_web import create_app

    app = create_app(log_path=tmp_path / "lookups.log", limit=10, window=60)
    return app.test_client()


def _no_private_data(text: str) -> None:
    for secret in (ID_NUMBER, "001203099999", ADDRESS, "Thôn Đông", NAME, "Trần Thị Đào", "0987", "654 321",
                   "0912 345 678"):
        assert secret not in text, secret


def test_the_register_is_opened_read_only(office, db):
    from casedesk.db import database

    with pytest.raises(Exception):
        database.obj.execute_sql("UPDATE \"case\" SET state = 'x'")
    with pytest.raises(Exception):
        database.obj.execute_sql("CREATE TABLE t (x)")
    assert Case.select().count() == 4          # reading works


def test_a_receipt_qr_finds_the_case_and_says_it_plainly(client, office, tmp_path):
    made, qr = office
    page = client.get("/tra-cuu", query_string={"qr": qr["ready"]})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and made["ready"] in text
    assert "Đã có kết quả" in text and "Đã có, mời đến nhận" in text
    _no_private_data(text)
    doc = client.get("/tra-cuu.json", query_string={"qr": qr["supplement"]}).get_json()
    assert set(doc) >= {"code", "state", "due_date", "ready"}
    assert doc["code"] == made["supplement"] and doc["state"] == workflow.SUPPLEMENT and doc["ready"] is False
    assert doc["supplement"] is True and "bổ sung" in doc["where"]
    _no_private_data(json.dumps(doc, ensure_ascii=False))
    log = (tmp_path / "lookups.log").read_text(encoding="utf-8").splitlines()
    assert len(log) == 2 and log[0].split("\t")[2:] == ["qr", made["ready"], "valid"]
    assert all(qr["ready"].split("\n")[1] not in line for line in log)      # never the signature


def test_code_and_last_four_digits(client, office):
    made, _qr = office
    ok = client.get("/tra-cuu.json", query_string={"code": made["waiting"], "phone4": "5678"})
    assert ok.status_code == 200 and ok.get_json()["state"] == workflow.RECEIVED
    assert ok.get_json()["due_date"] == "2026-11-05" and ok.get_json()["ready"] is False
    page = client.post("/tra-cuu", data={"code": made["waiting"].lower(), "phone4": "5678"}).get_data(as_text=True)
    assert "ngày 05 tháng 11 năm 2026" in page and "Chưa có" in page


def test_a_code_alone_or_a_wrong_pair_reveals_nothing(client, office):
    made, qr = office
    answers = []
    for query in ({"code": made["waiting"]}, {"code": made["waiting"], "phone4": "0000"},
                  {"code": made["waiting"][:-4] + "9999", "phone4": "5678"},
                  {"code": made["no_phone"], "phone4": "0000"}, {"code": made["no_phone"], "phone4": ""}):
        got = client.get("/tra-cuu.json", query_string=query)
        assert got.status_code == 404 and got.get_json()["code"] is None, query
        answers.append(got.get_json()["message"])
    assert answers[1] == answers[2] == answers[3]            # wrong digits == no such case
    page = client.get("/tra-cuu", query_string={"code": made["waiting"]}).get_data(as_text=True)
    assert "Mới tiếp nhận" not in page and "05 tháng 11" not in page and 'id="r-code"' not in page


def test_a_forged_or_plain_qr_finds_nothing(client, office):
    made, qr = office
    code, seal = qr["waiting"].split("\n")
    forged = code + "\n" + seal[:-1] + ("1" if seal[-1] != "1" else "2")
    moved = made["ready"] + "\n" + seal                       # a seal copied onto another code
    for text in (forged, moved, code, code + "\nCD1-123"):
        got = client.get("/tra-cuu.json", query_string={"qr": text})
        assert got.status_code == 404 and got.get_json()["state"] is None, text


def test_lookups_are_rate_limited_per_client(client, office):
    made, _qr = office
    query = {"code": made["waiting"], "phone4": "5678"}
    codes = [client.get("/tra-cuu.json", query_string=query).status_code for _ in range(12)]
    assert codes[:10] == [200] * 10 and codes[10:] == [429, 429]
    page = client.get("/tra-cuu", query_string=query)
    assert page.status_code == 429 and "Quá nhiều lượt tra cứu" in page.get_data(as_text=True)
    other = client.get("/tra-cuu.json", query_string=query, environ_base={"REMOTE_ADDR": "192.168.1.77"})
    assert other.status_code == 200                            # another address has its own allowance


def test_the_waiting_room_screen_masks_names_and_refreshes(client, office):
    made, _qr = office
    page = client.get("/man-hinh")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'http-equiv="refresh" content="30"' in text
    assert "Trần T. Đ." in text and made["ready"].split("-", 1)[1] in text
    assert "Nguyễn V. Đ." not in text                          # not ready: not on the screen
    _no_private_data(text)
    assert 'content="5"' in client.get("/man-hinh?lam-moi=5").get_data(as_text=True)
    assert 'content="2"' in client.get("/man-hinh?lam-moi=0").get_data(as_text=True)


@pytest.mark.parametrize("name, masked", [("Nguyễn Văn Đường", "Nguyễn V. Đ."), ("Lê Văn Hùng Cường", "Lê V. H. C."),
                                          ("Đào", "Đ."), ("  ", ""), ("nguyễn thị ánh", "nguyễn T. Á.")])
def test_mask_name(name, masked):
    assert status_data.mask_name(name) == masked


def test_a_register_of_another_version_is_refused(db, tmp_path):
    from casedesk.errors import IntegrityProblem

    close_database()
    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(IntegrityProblem):
        status_data.open_read_only(db)
    with pytest.raises(Exception):
        status_data.open_read_only(tmp_path / "missing.sqlite3")
    open_database(db)   # the fixture's teardown closes it


def test_cli_refuses_a_bad_address_or_port(db, capsys):
    from casedesk.cli import main

    assert main(["--db", str(db), "status-page", "--host", "my pc", "--port", "8080"]) == 2
    assert "không hợp lệ" in capsys.readouterr().err
    assert main(["--db", str(db), "status-page", "--host", "127.0.0.1", "--port", "80"]) == 2
    open_database(db)


def test_what_is_typed_comes_back_escaped(client, office):
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    page = client.get("/tra-cuu", query_string={"code": hostile, "phone4": "1234"}).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x" not in page and "&lt;script&gt;" in page
    page = client.get("/tra-cuu", query_string={"qr": hostile}).get_data(as_text=True)
    assert "<img src=x" not in page


def test_headers_keep_pages_out_of_caches_and_frames(client):
    got = client.get("/man-hinh")
    assert got.headers["Cache-Control"] == "no-store" and "default-src 'none'" in got.headers[
        "Content-Security-Policy"]


def test_the_page_sees_what_the_desks_write_after_it_opened(client, office, db):
    made, _qr = office
    query = {"code": made["waiting"], "phone4": "5678"}
    assert client.get("/tra-cuu.json", query_string=query).get_json()["ready"] is False
    conn = sqlite3.connect(db)             # another program writing (the desk), while the page stays open
    conn.execute("UPDATE \"case\" SET state = 'approved' WHERE code = ?", (made["waiting"],))
    conn.commit()
    conn.close()
    assert client.get("/tra-cuu.json", query_string=query).get_json()["ready"] is True
