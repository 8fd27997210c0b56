"""What each document needs to know: plain frozen dataclasses, no database.

The service layer builds these from stored cases; the renderers in this package
only read them.  Strings are printed as given (after NFC normalisation), so
names and addresses keep the capitalisation the clerk typed.  Dates and times
are office-local naive values; money is a whole number of đồng.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Paper = Literal["a4", "a5"]
HandOverResult = Literal["early", "on_time", "late"]


@dataclass(frozen=True)
class OfficeHeader:
    """The issuing office as printed in the Decree 30 header and signature lines."""

    superior: str  # parent body, e.g. "UBND XÃ AN PHÚ"
    unit: str  # issuing unit, e.g. "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
    place: str  # used in the place-and-date line, e.g. "An Phú"
    commune: str
    province: str
    desk_name: str  # the one-stop unit as the office names it ("Trung tâm Phục vụ hành chính công xã …")
    number_suffix: str = "TTPVHCC"
    address: str = ""
    phone: str = ""
    leader_title: str = "PHÓ CHỦ TỊCH"
    leader_name: str = ""
    committee: str = ""  # "Ủy ban nhân dân xã An Phú": the body that decides and signs TM.
    audit_anchor: str = ""  # the audit chain's head when the data was read (casedesk.anchors), N:abcdef1234


# --------------------------------------------------------------- Mẫu 01 receipt

@dataclass(frozen=True)
class PaperLine:
    """One paper handed in: how many originals and how many copies."""

    name: str
    original: int
    copies: int


@dataclass(frozen=True)
class Representative:
    """Someone filing on behalf of the dossier owner (TT 03/2025 addition)."""

    name: str
    id_number: str = ""
    address: str = ""
    phone_display: str = ""
    email: str = ""
    authorisation: str = ""  # e.g. "Giấy ủy quyền số 12/2026 ngày 02/02/2026"


@dataclass(frozen=True)
class ReceiptData:
    office: OfficeHeader
    code: str  # dossier code; the QR code holds this text first (then the seal, ``qr_text``)
    number: str | None  # document number; None prints "…"
    citizen_name: str
    id_number: str
    phone_display: str
    email: str
    address: str
    procedure_name: str
    field_name: str
    papers: tuple[PaperLine, ...]
    sets: int
    processing_days: int  # 0 = same day
    received_at: dt.datetime
    due_at: dt.datetime
    pickup: str  # where the result is collected, e.g. "Bộ phận Một cửa"
    fee: int
    ledger_book: str
    ledger_no: int | None
    clerk_name: str
    issued_on: dt.date
    representative: str | Representative | None = None
    time_unit: str = "working_days"   # the law's unit for processing_days: working_days | days | same_day
    fee_text: str = ""                # printed instead of the amount ("theo Nghị quyết HĐND tỉnh", exemption)
    qr_text: str = ""  # the code, a newline and the office's seal (``receipt_seal``); "" = the code alone


# --------------------------------------------------------------- Mẫu 02 supplement

@dataclass(frozen=True)
class SupplementItem:
    """A paper that is missing or has to be completed, with how many of each kind."""

    name: str
    original: int = 0
    certified: int = 0  # bản chứng thực
    photocopy: int = 0
    note: str = ""  # what exactly to complete


@dataclass(frozen=True)
class SupplementData:
    office: OfficeHeader
    code: str
    number: str | None
    citizen_name: str
    address: str
    phone_display: str
    email: str
    procedure_name: str
    items: tuple[SupplementItem, ...]
    reason: str
    contact_name: str  # officer to call while completing the dossier
    contact_phone: str
    guide_name: str  # signs as NGƯỜI HƯỚNG DẪN
    issued_on: dt.date
    id_number: str = ""


# --------------------------------------------------------------- Mẫu 03 refusal

@dataclass(frozen=True)
class RefusalData:
    office: OfficeHeader
    code: str | None  # "Mã hồ sơ (nếu có)"
    number: str | None
    citizen_name: str
    address: str
    phone_display: str
    email: str
    procedure_name: str
    reason: str
    signer_title: str  # e.g. "NGƯỜI TIẾP NHẬN HỒ SƠ"
    signer_name: str
    issued_on: dt.date
    id_number: str = ""


# --------------------------------------------------------------- Mẫu 04 apology

@dataclass(frozen=True)
class ApologyData:
    office: OfficeHeader
    number: str | None
    citizen_name: str
    address: str
    phone_display: str
    received_on: dt.date
    procedure_name: str
    id_number: str
    code: str
    old_due: dt.date
    reason: str
    new_due: dt.date
    signer_title: str  # e.g. "PHÓ CHỦ TỊCH"
    signer_name: str
    issued_on: dt.date
    signer_authority: tuple[str, ...] = ()  # e.g. ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH") above the title
    number_suffix: str = "PXL"
    recipients: tuple[str, ...] = ()  # "Nơi nhận"; empty = "Như trên" + "Lưu: VT"
    qr_text: str = ""  # the new appointment signed (``receipt_seal``); "" = no receipt line


# --------------------------------------------------------------- Mẫu 05 stop notice

@dataclass(frozen=True)
class StopData:
    office: OfficeHeader
    number: str | None
    code: str
    citizen_name: str
    id_number: str
    address: str
    procedure_name: str
    received_at: dt.datetime
    request_date: dt.date  # when the citizen asked to stop
    stage_reached: str  # e.g. "Đang thẩm định hồ sơ"
    decision_text: str
    refund: int | None  # the amount handed back, as recorded at the withdrawal; None: no refund recorded
    signer_title: str
    signer_name: str
    issued_on: dt.date
    fee: int = 0
    phone_display: str = ""
    signer_authority: tuple[str, ...] = ()


# --------------------------------------------------------------- refusal after processing

@dataclass(frozen=True)
class RefusalReplyData:
    """The People's Committee's reasoned written refusal, after the dossier was processed."""

    office: OfficeHeader  # the committee's own header (``committee_header``)
    number: str | None
    code: str
    citizen_name: str
    id_number: str
    address: str
    phone_display: str
    procedure_name: str
    received_on: dt.date
    reason: str
    signer_authority: tuple[str, ...]
    signer_title: str
    signer_name: str
    issued_on: dt.date
    desk_name: str = ""  # where the papers are handed back


# --------------------------------------------------------------- Mẫu 06 control sheet

@dataclass(frozen=True)
class HandOver:
    from_unit: str
    from_person: str
    to_unit: str
    to_person: str
    at: dt.datetime
    result: HandOverResult | None = None
    note: str = ""


@dataclass(frozen=True)
class ControlSheetData:
    office: OfficeHeader
    code: str
    citizen_name: str
    department: str  # Cơ quan (bộ phận) giải quyết hồ sơ
    received_at: dt.datetime
    due_at: dt.datetime
    rows: tuple[HandOver, ...]
    coordinating: str = ""  # Cơ quan phối hợp giải quyết hồ sơ
    procedure_name: str = ""
    issued_on: dt.date | None = None  # defaults to the receipt date
    blank_rows: int = 1  # empty rows left for hand-overs written by pen
    warning: str = ""  # e.g. the desk has not handed the dossier over and its limit has passed


# --------------------------------------------------------------- Mẫu 07 ledger

@dataclass(frozen=True)
class LedgerRow:
    no: int
    code: str
    procedure_name: str
    sets: int
    citizen_name: str
    address_phone: str
    department: str
    received: dt.datetime
    due: dt.datetime
    transferred: dt.datetime | None = None
    result_back: dt.datetime | None = None
    delivered: dt.datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class LedgerData:
    office: OfficeHeader
    date_from: dt.date
    date_to: dt.date
    book: str
    rows: tuple[LedgerRow, ...]
    field_name: str = ""  # books are kept per field or group of fields
    agency_name: str = ""  # another agency's book: its procedures, received on its behalf


# --------------------------------------------------------------- II.06a report

@dataclass(frozen=True)
class ReportRow:
    """One line of form II.06a; c3..c13 are the numbered columns of §7."""

    field: str
    c3: int = 0  # received, total (= c4 + c5 + c6)
    c4: int = 0  # online
    c5: int = 0  # in person / post
    c6: int = 0  # carried over from the previous period
    c7: int = 0  # resolved, total
    c8: int = 0  # early
    c9: int = 0  # on time
    c10: int = 0  # late
    c11: int = 0  # in hand, total
    c12: int = 0  # in hand, within time
    c13: int = 0  # in hand, overdue

    def values(self) -> tuple[int, ...]:
        return (self.c3, self.c4, self.c5, self.c6, self.c7, self.c8, self.c9,
                self.c10, self.c11, self.c12, self.c13)


@dataclass(frozen=True)
class OfficerRow:
    name: str
    received: int
    resolved: int
    on_time_pct: float | None  # 0..100; None when nothing was resolved
    overdue_in_hand: int
    very_satisfied: int
    satisfied: int
    unsatisfied: int
    satisfaction_pct: float | None  # 0..100; None when nobody rated


@dataclass(frozen=True)
class MonthlyReportData:
    office: OfficeHeader
    title_period: str  # e.g. "Tháng 10 năm 2026"
    date_from: dt.date
    date_to: dt.date
    rows: tuple[ReportRow, ...]
    total: ReportRow
    officers: tuple[OfficerRow, ...]
    signer_title: str
    signer_name: str
    reported_to: str  # Đơn vị nhận báo cáo
    issued_on: dt.date | None = None  # defaults to date_to
    prepared_by: str = ""  # NGƯỜI LẬP BIỂU
    signer_authority: tuple[str, ...] = ()


__all__ = [
    "Paper", "HandOverResult", "OfficeHeader", "PaperLine", "Representative", "ReceiptData",
    "SupplementItem", "SupplementData", "RefusalData", "ApologyData", "StopData", "RefusalReplyData",
    "HandOver", "ControlSheetData", "LedgerRow", "LedgerData", "ReportRow", "OfficerRow",
    "MonthlyReportData",
]
