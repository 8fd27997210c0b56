"""What the status page on the office's LAN may say, read from the register opened read-only.

The page (``status_web``) serves citizens in the waiting room and on their phones; it never writes
and never shows an ID number, an address, a phone number or a full name.  A dossier is looked up
either by the receipt's QR text (the office's signature proves the holder has the receipt, see
``receipt_seal``) or by its code *and* the last four digits of the phone number written at intake:
a code alone says nothing, and a wrong pair gets the very same answer as a code that does not exist.

Every lookup is written to a plain log file (not the audit trail: a lookup changes nothing), and
lookups are rate limited per client address.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import peewee

from . import workflow
from .errors import IntegrityProblem
from .i18n import _, admin_date
from .text import nfc

# -------------------------------------------------------------- the register, read-only


def open_read_only(url_or_path: str) -> peewee.Database:
    """Bind the models to the register without any right to change it: SQLite ``mode=ro`` (and
    ``query_only``), PostgreSQL read-only transactions (connect with the read-only role of
    docs/status-page.md).  The schema must be the program's own: this process never upgrades."""
    from .db import SCHEMA_VERSION, close_database, database, open_readonly, schema_version
    from .db_pg import CaseDeskPostgres, connect_params, is_postgres_url

    if database.obj is not None:
        close_database()
    text = os.fspath(url_or_path)
    if is_postgres_url(text):
        params = connect_params(text)
        options = (params.get("options", "") + " -c default_transaction_read_only=on").strip()
        db = CaseDeskPostgres(text, options=options)
        database.initialize(db)
        db.connect(reuse_if_open=True)
    else:
        if text.startswith("sqlite:///"):
            text = text[len("sqlite:///"):]
        path = Path(text).expanduser().resolve()
        if not path.is_file():
            from .errors import NotFound

            raise NotFound(_("Không có cơ sở dữ liệu {path}.").format(path=path))
        # mode=ro, never "immutable": the desks keep writing while the page runs, and it must see that
        db = open_readonly(path, shared=True)
    found = schema_version(db)
    if found != SCHEMA_VERSION:
        close_database()
        raise IntegrityProblem(_("Cơ sở dữ liệu ở phiên bản {found}, chương trình cần {ours}: hãy mở CaseDesk "
                                 "trên máy chính một lần để nâng cấp, rồi bật lại trang tra cứu.").format(
            found=found, ours=SCHEMA_VERSION))
    from . import context

    context.reset()
    return db


# -------------------------------------------------------------- what a citizen is told

@dataclass(frozen=True)
class Status:
    code: str
    state: str
    where: str              # where the dossier is, in plain words
    due_date: dt.date
    ready: bool             # the result waits at the desk
    supplement: bool        # the office waits for papers from the citizen
    procedure: str
    note: str = ""          # e.g. the receipt in hand carries an older appointment

    def as_json(self) -> dict:
        return {"code": self.code, "state": self.state, "due_date": self.due_date.isoformat(),
                "ready": self.ready, "supplement": self.supplement, "where": self.where,
                "procedure": self.procedure, "note": self.note}


def where_text(state: str, pickup: str) -> str:
    return {
        workflow.RECEIVED: _("Bộ phận Một cửa đã tiếp nhận hồ sơ và đang chuyển cho cán bộ chuyên môn."),
        workflow.ASSIGNED: _("Cán bộ chuyên môn đang xem xét, giải quyết hồ sơ."),
        workflow.SUPPLEMENT: _("Hồ sơ đang tạm dừng: chờ Ông/Bà bổ sung giấy tờ theo phiếu yêu cầu bổ sung."),
        workflow.AWAITING: _("Hồ sơ đang chờ lãnh đạo Ủy ban nhân dân xem xét, ký duyệt."),
        workflow.APPROVED: (_("Đã có kết quả. Mời Ông/Bà đến Bộ phận Một cửa nhận, mang theo giấy hẹn và "
                              "CCCD.") if pickup == "desk" else
                            _("Đã có kết quả; Bộ phận Một cửa gửi kết quả qua dịch vụ bưu chính.")),
        workflow.REFUSED: _("Đã có văn bản trả lời (hồ sơ không được giải quyết). Mời Ông/Bà đến Bộ phận "
                            "Một cửa nhận văn bản."),
        workflow.WITHDRAWN: _("Hồ sơ đã được rút hoặc dừng giải quyết theo đề nghị."),
        workflow.DELIVERED: _("Kết quả đã được trả."),
    }.get(state, _("Hồ sơ đang được giải quyết."))


def _status(case, note: str = "") -> Status:
    return Status(code=case.code, state=case.state, where=where_text(case.state, case.pickup),
                  due_date=case.due_date, ready=case.state in workflow.DELIVERABLE,
                  supplement=case.state == workflow.SUPPLEMENT, procedure=case.procedure.name, note=note)


NOT_FOUND = "not_found"


def lookup_receipt(text: str) -> tuple[Status | None, str]:
    """By a receipt's QR text: (status, outcome).  Only a genuine signature of this office for this
    person finds the case; an older appointment still does (with a note), a forgery never."""
    from . import receipt_seal
    from .models import Case

    verdict = receipt_seal.verify(text)
    if verdict.status not in ("valid", "dates_differ"):
        return None, verdict.status
    case = Case.get_or_none(Case.code == verdict.code)
    if case is None:
        return None, NOT_FOUND
    note = ""
    if verdict.status == "dates_differ":
        note = _("Ngày hẹn trên giấy của Ông/Bà là {old}; ngày hẹn hiện nay là {new}.").format(
            old=admin_date(verdict.due_date), new=admin_date(case.due_date))
    return _status(case, note), verdict.status


CODE_RE = re.compile(r"[0-9A-Z][0-9A-Z.]{2,30}-\d{6}-\d{4}")


def lookup_code_phone(code: str, last4: str) -> tuple[Status | None, str]:
    """By the code and the phone number's last four digits; any mismatch is just "not found"."""
    from .models import Case

    code = nfc(code or "").strip().upper().replace(" ", "")
    digits = re.sub(r"\D", "", last4 or "")
    if not CODE_RE.fullmatch(code) or len(digits) != 4:
        return None, "incomplete"
    case = Case.get_or_none(Case.code == code)
    phone = re.sub(r"\D", "", case.phone) if case is not None else ""
    if case is None or len(phone) < 4 or phone[-4:] != digits:
        return None, NOT_FOUND
    return _status(case), "found"


# -------------------------------------------------------------- the waiting room's screen

def mask_name(name: str) -> str:
    """"Nguyễn Văn Đường" -> "Nguyễn V. Đ.": the family name and initials only."""
    words = nfc(name or "").split()
    if not words:
        return ""
    if len(words) == 1:
        return words[0][0] + "."
    return " ".join([words[0]] + [w[0].upper() + "." for w in words[1:]])


@dataclass(frozen=True)
class ReadyRow:
    code_tail: str          # the dossier's number of the day, "…-261102-0007": no need for the unit code
    name: str               # masked
    procedure: str
    since: dt.date | None


def ready_for_collection(limit: int = 60) -> list[ReadyRow]:
    """Results waiting at the desk (approved or refused, to be collected there), oldest first."""
    from .models import Case, Procedure

    rows = (Case.select(Case.code, Case.citizen_name, Case.resolved_on, Procedure.name)
            .join(Procedure).where(Case.state.in_(workflow.DELIVERABLE), Case.pickup == "desk")
            .order_by(Case.resolved_on, Case.id).limit(limit))
    out = []
    for case in rows:
        tail = "-".join(case.code.rsplit("-", 2)[-2:])
        out.append(ReadyRow(code_tail=tail, name=mask_name(case.citizen_name), procedure=case.procedure.name,
                            since=case.resolved_on))
    return out


def office_title() -> str:
    from . import context

    from .text import fold

    st = context.settings()
    if not st.commune or fold(st.commune.split(maxsplit=1)[-1]) in fold(st.office_name):
        return st.office_name
    return f"{st.office_name} {st.commune}".strip()


# -------------------------------------------------------------- rate limit and log

class RateLimit:
    """At most ``limit`` requests per ``window`` seconds from one client address (a sliding window)."""

    def __init__(self, limit: int = 20, window: float = 60.0, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._seen: dict[str, deque] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        now = self.clock()
        with self._lock:
            seen = self._seen.setdefault(client, deque())
            while seen and now - seen[0] >= self.window:
                seen.popleft()
            if len(seen) >= self.limit:
                return False
            seen.append(now)
            if len(self._seen) > 10_000:                  # forget idle addresses
                for key in [k for k, v in self._seen.items() if not v or now - v[-1] >= self.window]:
                    del self._seen[key]
            return True


class LookupLog:
    """One line per lookup: time, client address, how, the code asked about, the outcome.  Never the
    phone digits or the QR's signature."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def write(self, client: str, how: str, code: str, outcome: str) -> None:
        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        clean = re.sub(r"[^0-9A-Za-z.\-]", "?", code or "")[:40]
        line = f"{stamp}\t{client}\t{how}\t{clean or '-'}\t{outcome}\n"
        with self._lock, open(self.path, "a", encoding="utf-8") as fh:
            fh.write(line)


def default_log_path() -> Path:
    from .paths import data_dir

    return data_dir() / "logs" / "status-page-lookups.log"
