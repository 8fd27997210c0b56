"""The ledger (form 07's content) as an Excel workbook that ``import ledger`` reads back unchanged.

Form 07 groups an address and a phone number in one column and names no personal ID; this sheet keeps
every value a dossier has in a column of its own (procedure code and name, ID number, address, phone,
the dates, the result), under headers the import recognises, so a register can be carried to another
office or back from a spreadsheet without a mapping to correct.
"""
from __future__ import annotations

import datetime as dt
import io

from . import workflow
from .documents.build import _as_date
from .errors import BadInput
from .i18n import _, short_date
from .models import Case, Event, Procedure
from .text import display_phone

HEADERS = ("TT", "Mã hồ sơ", "Mã thủ tục", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)",
           "Tên cá nhân, tổ chức", "Số định danh", "Địa chỉ", "Điện thoại", "Nhận hồ sơ", "Hẹn trả kết quả",
           "Ngày có kết quả", "Trả kết quả cho cá nhân, tổ chức", "Kết quả", "Ghi chú")
WIDTHS = (6, 30, 10, 44, 9, 26, 15, 40, 14, 17, 13, 17, 17, 14, 24)
RESULT_WORDS = {workflow.APPROVED: "Đã giải quyết", workflow.REFUSED: "Từ chối", workflow.WITHDRAWN: "Rút hồ sơ"}


def _outcomes(ids: list[int]) -> dict[int, str]:
    """How each resolved case ended: the last approve/refuse/withdraw, or what its import said."""
    found: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        query = (Event.select(Event.case, Event.action, Event.changes)
                 .where(Event.case.in_(chunk) & Event.action.in_(["approve", "refuse", "withdraw", "import"]))
                 .order_by(Event.id).tuples())
        for case_id, action, changes in query:
            if action == "import":
                outcome = (changes or {}).get("outcome")
                if outcome:
                    found[case_id] = outcome
            else:
                found[case_id] = {"approve": workflow.APPROVED, "refuse": workflow.REFUSED,
                                  "withdraw": workflow.WITHDRAWN}[action]
    return found


def ledger_xlsx(date_from, date_to) -> bytes:
    """Every dossier received between the two days (inclusive), in ledger order, as .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    first, last = _as_date(date_from, "from"), _as_date(date_to, "to")
    if last < first:
        raise BadInput(_("Ngày cuối ({to}) phải sau ngày đầu ({start}).").format(
            to=short_date(last), start=short_date(first)), field="to")
    cases = list(Case.select().where(Case.received_on.between(first, last)).order_by(Case.received_at, Case.id))
    procs = {p.id: p for p in Procedure.select(Procedure.id, Procedure.code, Procedure.name)
             .where(Procedure.id.in_({c.procedure_id for c in cases} or {-1}))}
    outcomes = _outcomes([c.id for c in cases if c.resolved_at is not None])
    book = Workbook(write_only=True)
    ws = book.create_sheet("Sổ theo dõi")          # a document: always in Vietnamese
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "C2"
    from .anchors import footer_line, head_text

    anchor = head_text()
    if anchor:              # on every printed page, as on the PDF ledger (not a cell: the import never sees it)
        ws.oddFooter.right.text = footer_line(anchor)
        ws.oddFooter.right.size = 7
    bold = Font(bold=True)
    from openpyxl.cell import WriteOnlyCell

    head = []
    for text in HEADERS:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        head.append(cell)
    ws.append(head)
    for n, c in enumerate(cases, start=1):
        proc = procs.get(c.procedure_id)
        outcome = outcomes.get(c.id) if c.resolved_at is not None else None
        if c.state == workflow.WITHDRAWN:
            outcome = workflow.WITHDRAWN
        elif outcome is None and c.resolved_at is not None:
            outcome = workflow.REFUSED if c.state == workflow.REFUSED else workflow.APPROVED
        values = [c.ledger_no or n, c.code, proc.code if proc else "", proc.name if proc else "", c.sets,
                  c.citizen_name, c.id_number or None, c.address or None, display_phone(c.phone) or None,
                  _minute(c.received_at), c.due_date, _minute(c.resolved_at), _minute(c.delivered_at),
                  RESULT_WORDS.get(outcome, "") or None, _note(c) or None]
        ws.append([_dated(ws, v) for v in values])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _minute(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(second=0, microsecond=0) if value is not None else None


def _dated(ws, value):
    """Dates shown the Vietnamese way (dd/mm/yyyy), still real dates in the cell."""
    if not isinstance(value, dt.date):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = "dd/mm/yyyy hh:mm" if isinstance(value, dt.datetime) else "dd/mm/yyyy"
    return cell


def _note(c: Case) -> str:
    if c.extended:
        return _("Gia hạn đến {date}").format(date=short_date(c.due_date))
    return ""


def is_xlsx(path) -> bool:
    return str(path).lower().endswith(".xlsx")
