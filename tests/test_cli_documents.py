"""Documents built from real cases, rendered to PDF/XLSX, and the ``print`` / ``report`` commands."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata

import pytest

from casedesk import context
from casedesk.documents import build
from casedesk.errors import BadInput, NotAllowed
from casedesk.models import Case
from casedesk.services import cases as svc
from casedesk.services.queries import get_case

T = dt.datetime
D = dt.date


def pdf_text(payload: bytes) -> str:
    from pypdf import PdfReader

    assert payload.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(payload))
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() or "" for page in reader.pages))


def flat(text: str) -> str:
    """Text without line breaks and repeated spaces (long lines wrap in the PDF)."""
    return " ".join(text.split())


def squash(text: str) -> str:
    """Text without any white space (narrow ledger columns wrap inside a dossier code)."""
    return "".join(text.split())


@pytest.fixture
def desk(db, clock, receive):
    """Cases in every state that has a document of its own; the clock ends on 02/11/2026 17:00."""
    made = {}

    def at(when):
        clock.set(when)

    at(T(2026, 10, 19, 9))
    made["done"] = receive(citizen_name="Nguyễn Thị Ánh Tuyết", channel="online").code
    made["refused"] = receive(citizen_name="Trần Đức Bảo").code
    made["withdrawn"] = receive(citizen_name="Phạm Thị Ngọc Hân").code
    made["waiting"] = receive(citizen_name="Đỗ Văn Lực").code
    made["extended"] = receive(citizen_name="Lê Thị Thu Hằng", procedure="DD-01").code
    at(T(2026, 10, 19, 10))
    for key in ("done", "refused", "waiting"):
        svc.assign_case(actor="mai", code=made[key], to="hung")
    svc.assign_case(actor="mai", code=made["extended"], to="duong")
    at(T(2026, 10, 20, 9))
    svc.submit_case(actor="hung", code=made["done"])
    svc.submit_case(actor="hung", code=made["refused"])
    svc.request_supplement(actor="hung", code=made["waiting"], note="Thiếu bản sao Giấy khai sinh")
    svc.withdraw_case(actor="mai", code=made["withdrawn"], note="Công dân xin rút hồ sơ")
    at(T(2026, 10, 21, 9))
    svc.approve_case(actor="thao", code=made["done"])
    svc.refuse_case(actor="thao", code=made["refused"], note="Không thuộc thẩm quyền của xã")
    due = Case.get(Case.code == made["extended"]).due_date
    new_due = context.calendar().add_working_days(context.calendar().next_working_day(due), 5)
    svc.extend_case(actor="thao", code=made["extended"], to_date=new_due.isoformat(), note="Chờ kết quả đo đạc")
    at(T(2026, 10, 27, 15))
    svc.deliver_case(actor="mai", code=made["done"], rating="very_satisfied")
    at(T(2026, 11, 2, 17))
    return made


# ------------------------------------------------------------------ which documents, and their data

def test_available_documents_by_state(desk):
    kinds = {key: build.available_documents(get_case(code)) for key, code in desk.items()}
    assert kinds["done"] == ["receipt", "control-sheet"]
    assert kinds["refused"] == ["receipt", "refusal", "control-sheet"]
    assert kinds["withdrawn"] == ["receipt", "stop", "control-sheet"]
    assert kinds["waiting"] == ["receipt", "supplement", "control-sheet"]
    assert kinds["extended"] == ["receipt", "apology", "control-sheet"]
    svc.deliver_case(actor="mai", code=desk["refused"])              # the refusal is handed over
    assert "refusal" in build.available_documents(get_case(desk["refused"]))


def test_refused_documents_are_not_allowed(desk):
    with pytest.raises(NotAllowed) as err:
        build.render_case_document("refusal", desk["done"])
    assert desk["done"] in err.value.message
    with pytest.raises(BadInput):
        build.render_case_document("invoice", desk["done"])
    with pytest.raises(BadInput):
        build.render_case_document("receipt", desk["done"], paper="a3")


def test_receipt_and_case_data(desk):
    data = build.receipt_data(desk["done"])
    assert (data.code, data.citizen_name, data.clerk_name) == (desk["done"], "Nguyễn Thị Ánh Tuyết", "Trần Thị Mai")
    assert data.office.superior == "UBND XÃ AN PHÚ"
    assert data.office.unit == "Trung tâm Phục vụ hành chính công"           # the commune is printed above
    assert data.due_at == T(2026, 10, 22, 17, 0) and data.processing_days == 3
    assert data.papers and data.received_at == T(2026, 10, 19, 9)

    refusal = build.refusal_data(desk["refused"])
    assert refusal.reason == "Không thuộc thẩm quyền của xã" and refusal.issued_on == D(2026, 10, 21)

    stop = build.stop_data(desk["withdrawn"])
    assert (stop.request_date, stop.stage_reached) == (D(2026, 10, 20), "Mới tiếp nhận")

    supplement = build.supplement_data(desk["waiting"])
    assert supplement.reason == "Thiếu bản sao Giấy khai sinh"
    assert (supplement.guide_name, supplement.contact_name) == ("Lê Văn Hùng", "Lê Văn Hùng")
    assert supplement.items

    apology = build.apology_data(desk["extended"])
    case = Case.get(Case.code == desk["extended"])
    assert (apology.old_due, apology.new_due) == (case.original_due_date, case.due_date)
    assert apology.reason == "Chờ kết quả đo đạc" and apology.issued_on == D(2026, 10, 21)


def test_supplement_for_a_dossier_not_received_yet(db):
    from casedesk.services import catalogue

    paper = catalogue.get_procedure("HT-09").papers[0]
    data = build.intake_supplement_data(clerk="mai", procedure="HT-09", citizen_name="  Hà Thị Thu  ",
                                        id_number="001203012345", phone="0912345678", email="",
                                        address="Thôn Đông", missing=[paper.name])
    assert (data.code, data.citizen_name, data.phone_display) == ("", "Hà Thị Thu", "0912 345 678")
    assert [(i.name, i.original) for i in data.items] == [(paper.name, paper.original)]
    assert data.guide_name == "Trần Thị Mai" and data.issued_on == D(2026, 11, 2)
    with pytest.raises(BadInput):
        build.intake_supplement_data(clerk="mai", procedure="HT-09", citizen_name="Hà Thị Thu", missing=[])
    assert Case.select().count() == 0


def test_control_sheet_rows_follow_the_audit_trail(desk):
    sheet = build.control_sheet_data(desk["done"])
    hops = [(r.from_unit, r.from_person, r.to_unit, r.to_person, r.result) for r in sheet.rows]
    assert hops == [
        # the desk's own limit (same working day), not the case's due date
        ("Bộ phận Một cửa", "Trần Thị Mai", "Văn phòng HĐND và UBND", "Lê Văn Hùng", "on_time"),
        ("Văn phòng HĐND và UBND", "Lê Văn Hùng", "Lãnh đạo UBND", "Vũ Thị Thảo", "early"),
        ("Lãnh đạo UBND", "Vũ Thị Thảo", "Bộ phận Một cửa", "Trần Thị Mai", "early"),
        # handed over after the due date (22/10), but the result was ready on 21/10
        ("Bộ phận Một cửa", "Trần Thị Mai", "Tổ chức, cá nhân", "Nguyễn Thị Ánh Tuyết", "early"),
    ]
    assert [r.at for r in sheet.rows] == [T(2026, 10, 19, 10), T(2026, 10, 20, 9), T(2026, 10, 21, 9),
                                          T(2026, 10, 27, 15)]
    late = build.control_sheet_data(desk["waiting"])
    assert late.rows[-1].note.startswith("Yêu cầu bổ sung") and late.rows[-1].to_unit.startswith("Bộ phận")


def test_ledger_data(desk):
    ledger = build.ledger_data("2026-10-19", "2026-10-19")
    assert [r.code for r in ledger.rows] == [desk[k] for k in ("done", "refused", "withdrawn", "waiting", "extended")]
    first = ledger.rows[0]
    assert first.transferred == T(2026, 10, 19, 10) and first.result_back == T(2026, 10, 21, 9)
    assert first.delivered == T(2026, 10, 27, 15) and first.department == "Văn phòng HĐND và UBND"
    assert ledger.rows[1].note == "Từ chối giải quyết" and ledger.rows[2].note == "Đã rút / dừng"
    assert ledger.rows[4].note.startswith("Gia hạn đến")
    assert ledger.book == "2026"
    with pytest.raises(BadInput):
        build.ledger_data("2026-10-20", "2026-10-19")
    with pytest.raises(BadInput):
        build.ledger_data("2026-10-40", "2026-10-19")


# ------------------------------------------------------------------ rendered PDFs

@pytest.mark.parametrize("key,kind", [
    ("done", "receipt"), ("done", "control-sheet"), ("refused", "refusal"), ("withdrawn", "stop"),
    ("waiting", "supplement"), ("extended", "apology"),
])
def test_documents_render_with_vietnamese_text(desk, key, kind):
    code = desk[key]
    text = flat(pdf_text(build.render_case_document(kind, code)))
    assert code in text
    assert get_case(code).citizen_name in text


def test_receipt_on_a5(desk):
    from pypdf import PdfReader

    payload = build.render_case_document("receipt", desk["done"], paper="a5")
    box = PdfReader(io.BytesIO(payload)).pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 148 and round(float(box.height) / 72 * 25.4) == 210


def test_ledger_and_report_render(desk):
    text = squash(pdf_text(build.render_ledger(D(2026, 10, 19), D(2026, 10, 31))))
    assert all(code in text for code in desk.values()) and "TrầnĐứcBảo" in text
    from casedesk import reports

    period = reports.month_period(2026, 10, "calendar")
    text = flat(pdf_text(build.render_report(period, "pdf")))
    assert "Hộ tịch" in text and "Lê Văn Hùng" in text
    assert build.render_report(period, "xlsx")[:2] == b"PK"
    with pytest.raises(BadInput):
        build.render_report(period, "docx")


# ------------------------------------------------------------------ the commands


def test_print_receipt_writes_the_file_atomically(desk, cli, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "giay-tiep-nhan.pdf"
    status, out, err = cli("print", "receipt", desk["done"], "-o", target)
    assert status == 0, err
    assert str(target) in out
    text = flat(pdf_text(target.read_bytes()))
    assert "Nguyễn Thị Ánh Tuyết" in text and desk["done"] in text
    assert sorted(p.name for p in folder.iterdir()) == ["giay-tiep-nhan.pdf"]     # no temporary left over
    status, _, err = cli("print", "receipt", desk["done"], "-o", target, "--paper", "a5")
    assert status == 0, err


def test_print_exit_codes(desk, cli, tmp_path):
    target = tmp_path / "x.pdf"
    status, _, err = cli("print", "refusal", desk["done"], "-o", target)
    assert status == 3 and desk["done"] in err
    status, _, err = cli("print", "receipt", "000.00.31.H26-261019-9999", "-o", target)
    assert status == 4 and "Không tìm thấy" in err
    status, _, err = cli("print", "receipt", desk["done"], "-o", tmp_path / "missing" / "x.pdf")
    assert status == 2
    status, _, err = cli("print", "receipt", desk["done"], "-o", target, "--paper", "a3")
    assert status == 2
    status, _, err = cli("print", "ledger", "--from", "2026-10-31", "--to", "2026-10-01", "-o", target)
    assert status == 2
    assert not target.exists()


def test_print_every_document_and_the_ledger(desk, cli, tmp_path):
    for key, kind in (("refused", "refusal"), ("withdrawn", "stop"), ("waiting", "supplement"),
                      ("extended", "apology"), ("done", "control-sheet")):
        target = tmp_path / f"{kind}.pdf"
        status, _, err = cli("print", kind, desk[key], "-o", target)
        assert status == 0, (kind, err)
        assert desk[key] in flat(pdf_text(target.read_bytes()))
    target = tmp_path / "so.pdf"
    status, _, err = cli("print", "ledger", "--from", "2026-10-01", "--to", "2026-10-31", "-o", target)
    assert status == 0, err
    assert desk["extended"] in squash(pdf_text(target.read_bytes()))


def test_report_json(desk, cli):
    status, out, err = cli("report", "monthly", "--month", "2026-10", "--json")
    assert status == 0, err
    doc = json.loads(out)
    assert set(doc) == {"period", "rows", "total", "officers", "audit_anchor"}
    assert re.fullmatch(r"\d+:[0-9a-f]{10}", doc["audit_anchor"])      # what check --anchor takes back
    assert {"from", "to", "label", "style"} <= set(doc["period"])
    assert (doc["period"]["from"], doc["period"]["to"], doc["period"]["label"]) == (
        "2026-10-01", "2026-10-31", "Tháng 10 năm 2026")
    columns = [f"c{n}" for n in range(3, 14)]
    for row in doc["rows"] + [doc["total"]]:
        assert {"field", "field_name", *columns} <= set(row)
        assert row["c3"] == row["c4"] + row["c5"] + row["c6"] == row["c7"] + row["c11"]
    assert [r["field"] for r in doc["rows"]] == ["HT", "DD"]
    assert doc["total"]["c4"] == 1 and doc["total"]["c7"] == 3                # online 1; approved, refused, withdrawn
    hung = next(o for o in doc["officers"] if o["login"] == "hung")
    assert (hung["received"], hung["resolved"], hung["very_satisfied"]) == (3, 2, 1)

    status, out, _ = cli("report", "monthly", "--month", "2026-10", "--period", "15-14", "--json")
    assert json.loads(out)["period"]["from"] == "2026-09-15"
    status, out, _ = cli("report", "quarterly", "--quarter", "2026-Q4", "--json")
    assert (json.loads(out)["period"]["from"], json.loads(out)["period"]["to"]) == ("2026-10-01", "2026-12-31")
    status, out, _ = cli("report", "yearly", "--year", "2026", "--period", "15-14", "--json")
    assert json.loads(out)["period"]["from"] == "2025-12-15" and status == 0
    status, out, _ = cli("report", "monthly", "--month", "2026-10")
    assert status == 0 and "Hộ tịch" in out


def test_report_bad_input_and_tampering(desk, cli):
    status, _, err = cli("report", "monthly", "--month", "2026-13")
    assert status == 2 and "13" in err
    status, _, err = cli("report", "quarterly", "--quarter", "2026-Q5")
    assert status == 2 and "YYYY-Qn" in err
    status, _, _ = cli("report", "monthly", "--month", "2026-10", "--period", "weekly")
    assert status == 2
    Case.update(received_on=D(2026, 11, 25)).where(Case.code == desk["done"]).execute()
    status, out, err = cli("report", "monthly", "--month", "2026-10", "--json")
    assert status == 5 and desk["done"] in err and out == ""


def _cell_value(sheet, value):
    """A number, or a ``=SUM(C9:C10)`` formula evaluated over the sheet (openpyxl keeps no results)."""
    import re

    if isinstance(value, str) and value.startswith("=SUM("):
        col, first, col2, last = re.fullmatch(r"=SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)", value).groups()
        assert col == col2
        return sum(sheet[f"{col}{n}"].value for n in range(int(first), int(last) + 1))
    return value


def test_report_files_match_the_json(desk, cli, tmp_path):
    from openpyxl import load_workbook

    pdf, xlsx = tmp_path / "bao-cao.pdf", tmp_path / "bao-cao.xlsx"
    status, out, err = cli("report", "monthly", "--month", "2026-10", "--pdf", pdf, "--xlsx", xlsx, "--json")
    assert status == 0, err
    doc = json.loads(out)
    text = flat(pdf_text(pdf.read_bytes()))
    assert "Tháng 10 năm 2026" in text and "Hộ tịch" in text
    book = load_workbook(xlsx)
    sheet = book.worksheets[0]
    columns = [f"c{n}" for n in range(3, 14)]
    by_name = {}
    for cells in sheet.iter_rows():
        values = [c.value for c in cells]
        if len(values) >= 13 and isinstance(values[1], str):
            by_name.setdefault(values[1].strip(), [_cell_value(sheet, v) for v in values[2:13]])
    for row in doc["rows"] + [doc["total"]]:
        assert by_name.get(row["field_name"]) == [row[c] for c in columns], row["field_name"]
    officers = " ".join(str(c.value) for r in book.worksheets[1].iter_rows() for c in r if c.value)
    assert all(o["name"] in officers for o in doc["officers"])
