"""What the services hand out: plain frozen dataclasses, never live model rows."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    """What an action changed, so each screen refreshes only what it shows."""

    cases: bool = False
    case_code: str | None = None
    users: bool = False
    settings: bool = False
    procedures: bool = False
    calendar: bool = False
    elsewhere: bool = False      # written by another desk or the command line (seen by the desk's sync)


@dataclass(frozen=True)
class UserView:
    id: int
    login: str
    full_name: str
    role: str
    fields: tuple[str, ...]
    phone: str
    active: bool
    must_change_password: bool = False


@dataclass(frozen=True)
class PaperView:
    name: str
    original: int
    copies: int
    optional: bool = False
    received: bool = True


@dataclass(frozen=True)
class ProcedureView:
    id: int
    code: str
    version: int
    effective_from: dt.date
    field_code: str
    field_name: str
    department_code: str
    department_name: str
    name: str
    days: int                      # 0 = same day with the cut-off
    fee: int
    fee_note: str
    result: str
    papers: tuple[PaperView, ...]
    active: bool = True
    national_code: str = ""
    agency: str = "ubnd_xa"
    agency_name: str = ""
    agency_own: bool = True
    time_unit: str = "working_days"        # working_days | days (calendar days) | same_day
    extension_days: int = 0                # verification extension the officer may apply once
    legal_basis: str = ""
    source_note: str = ""
    verified: bool = False
    fee_kind: str = "fixed"                # free | fixed | province | per_page | per_copy
    fee_rule: dict = field(default_factory=dict, compare=False)

    @property
    def same_day(self) -> bool:
        return self.time_unit == "same_day" or (self.days == 0 and self.time_unit != "days")

    @property
    def fee_pending(self) -> bool:
        """A fee the province sets that the admin has not entered yet."""
        return self.fee_kind == "province" and not self.fee


@dataclass(frozen=True)
class EventView:
    id: int
    at: dt.datetime
    recorded_at: dt.datetime
    actor: str
    actor_name: str
    action: str
    from_state: str | None
    to_state: str | None
    note: str
    changes: dict
    late_entry: bool


@dataclass(frozen=True)
class CaseRow:
    """One line of a list or a search result."""

    id: int
    code: str
    citizen_name: str
    state: str
    procedure_name: str
    field_code: str
    received_at: dt.datetime
    due_date: dt.date
    assignee: str | None
    assignee_name: str
    days_left: int | None = None   # working days to the due date; negative when overdue; None when resolved


@dataclass(frozen=True)
class CaseView:
    id: int
    code: str
    state: str
    procedure: ProcedureView
    citizen_name: str
    id_number: str
    phone: str                     # E.164
    phone_display: str
    address: str
    email: str
    birth_date: dt.date | None
    channel: str
    sets: int
    fee: int
    papers: tuple[PaperView, ...]
    pickup: str
    received_at: dt.datetime
    due_date: dt.date
    original_due_date: dt.date
    due_explanation: tuple[str, ...]
    assignee: str | None
    assignee_name: str
    received_by: str
    received_by_name: str
    extended: bool
    paused_on: dt.date | None
    resolved_at: dt.datetime | None
    delivered_at: dt.datetime | None
    receiver: str
    rating: str | None
    ledger_book: str
    ledger_no: int | None
    history: tuple[EventView, ...] = field(default_factory=tuple)
    exemption: str = ""            # the fee exemption chosen at intake (fees.EXEMPTIONS), or ""

    @property
    def exemption_label(self) -> str:
        from ..fees import exemption_label

        return exemption_label(self.exemption) if self.exemption else ""

    @property
    def verification_extended(self) -> bool:
        return any(e.action == "verify_extend" for e in self.history)


@dataclass(frozen=True)
class ActionResult:
    case: CaseView
    changes: Changes


@dataclass(frozen=True)
class QueueCounts:
    mine: int
    due_soon: int
    overdue: int
    awaiting_approval: int
    awaiting_delivery: int
    supplement: int
    received_today: int
    due_today: int
