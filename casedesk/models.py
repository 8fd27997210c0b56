"""peewee models: data only.  Rules live in ``workflow`` and ``services``.

Times are naive datetimes in office-local time (the office's time zone setting),
dates are office-local dates.  JSON is stored as text so that both SQLite and
PostgreSQL keep it the same way.
"""
from __future__ import annotations

import hashlib
import json

import peewee as pw

from .db import database


class JSONText(pw.TextField):
    """JSON kept as text (portable across SQLite and PostgreSQL)."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def python_value(self, value):
        return None if value is None else json.loads(value)


class BaseModel(pw.Model):
    class Meta:
        database = database
        legacy_table_names = False


class Meta(BaseModel):
    key = pw.CharField(primary_key=True, max_length=64)
    value = pw.TextField()


class Setting(BaseModel):
    """Office settings, one row a key, the value as JSON."""

    key = pw.CharField(primary_key=True, max_length=64)
    value = JSONText()


class Department(BaseModel):
    code = pw.CharField(primary_key=True, max_length=16)
    name = pw.CharField(max_length=200)


class Field(BaseModel):
    """Lĩnh vực: a group of procedures, one row in the monthly report."""

    code = pw.CharField(primary_key=True, max_length=16)
    name = pw.CharField(max_length=200)
    department = pw.ForeignKeyField(Department, column_name="department_code", null=True)
    position = pw.IntegerField(default=0)


class User(BaseModel):
    login = pw.CharField(unique=True, max_length=64)
    full_name = pw.CharField(max_length=200)
    role = pw.CharField(max_length=20)
    fields = JSONText(default=list)
    phone = pw.CharField(max_length=20, null=True)
    active = pw.BooleanField(default=True)
    password_hash = pw.TextField(null=True)
    must_change_password = pw.BooleanField(default=False)
    failed_logins = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField()


class Agency(BaseModel):
    """The body that decides a procedure (UBND xã, Chủ tịch UBND xã, Công an xã, …).

    ``own``: part of the People's Committee, counted in its II.06a report and its ledger; another
    agency's procedures are received on its behalf, with their own ledger book (``book``) and
    dossier-code series (``unit_code``, or the office's unit code followed by ``book``)."""

    code = pw.CharField(primary_key=True, max_length=32)
    name = pw.CharField(max_length=200)
    own = pw.BooleanField(default=True)
    book = pw.CharField(max_length=8, default="")
    unit_code = pw.CharField(max_length=40, default="")
    position = pw.IntegerField(default=0)


class Procedure(BaseModel):
    """One version of a procedure; a case points at the version it was received under."""

    code = pw.CharField(max_length=32)
    version = pw.IntegerField(default=1)
    effective_from = pw.DateField()
    field = pw.ForeignKeyField(Field, column_name="field_code")
    department = pw.ForeignKeyField(Department, column_name="department_code", null=True)
    name = pw.CharField(max_length=300)
    name_folded = pw.CharField(max_length=300)
    days = pw.IntegerField()
    fee = pw.IntegerField(default=0)
    fee_note = pw.TextField(default="")
    result = pw.TextField(default="")
    papers = JSONText(default=list)
    active = pw.BooleanField(default=True)
    # upgrade 14: the law behind the row
    national_code = pw.CharField(max_length=32, default="")      # mã TTHC in the national database
    agency = pw.CharField(column_name="agency_code", max_length=32, default="ubnd_xa")
    time_unit = pw.CharField(max_length=16, default="working_days")   # working_days | days | same_day
    extension_days = pw.IntegerField(default=0)        # verification extension allowed, in working days
    legal_basis = pw.TextField(default="")
    source_note = pw.TextField(default="")
    verified = pw.BooleanField(default=False)
    fee_kind = pw.CharField(max_length=16, default="fixed")   # free | fixed | province | per_page | per_copy
    fee_rule = JSONText(default=dict)                   # per_page tiers: first_pages, after, cap

    class Meta:
        indexes = ((("code", "version"), True), (("code", "effective_from"), False))


class PaperList(BaseModel):
    """A list of papers received with a dossier, stored once however many cases share it.

    Most cases of a procedure version hand in exactly its list (or one of a few variants), so a
    case points at its list instead of carrying a copy (450 bytes of JSON a case).  Rows are only
    ever added: a list never changes once a case points at it, whatever later happens to the
    procedure.  ``digest`` is the SHA-256 of the list's canonical JSON (the unique key: the list
    itself can be longer than an index entry may be on PostgreSQL)."""

    digest = pw.BlobField(unique=True)
    papers = JSONText()

    @staticmethod
    def canonical(papers: list[dict]) -> tuple[str, bytes]:
        text = json.dumps(papers, ensure_ascii=False, sort_keys=True)
        return text, hashlib.sha256(text.encode("utf-8")).digest()

    @classmethod
    def id_for(cls, papers: list[dict]) -> int:
        """The row holding this list, added if it is new (inside the caller's write transaction)."""
        text, digest = cls.canonical(papers)
        cls.insert(digest=digest, papers=papers).on_conflict_ignore().execute()
        return cls.select(cls.id).where(cls.digest == digest).scalar()


class Case(BaseModel):
    code = pw.CharField(unique=True, max_length=64)
    procedure = pw.ForeignKeyField(Procedure, column_name="procedure_id")
    field = pw.ForeignKeyField(Field, column_name="field_code")
    state = pw.CharField(max_length=24, index=True)
    channel = pw.CharField(max_length=12)
    citizen_name = pw.CharField(max_length=200)
    name_folded = pw.CharField(max_length=200)
    name_sort = pw.CharField(max_length=200)
    id_number = pw.CharField(max_length=16, index=True)
    phone = pw.CharField(max_length=20, index=True)
    address = pw.TextField()
    email = pw.CharField(max_length=200, default="")
    birth_date = pw.DateField(null=True)
    sets = pw.IntegerField(default=1)
    fee = pw.IntegerField(default=0)
    paper_list = pw.ForeignKeyField(PaperList, column_name="paper_list_id", null=True, index=False)
    pickup = pw.CharField(max_length=12, default="desk")
    received_at = pw.DateTimeField()
    received_on = pw.DateField()
    due_date = pw.DateField()
    original_due_date = pw.DateField()
    assignee = pw.ForeignKeyField(User, null=True, column_name="assignee_id", backref="cases")
    # not indexed: no query looks cases up by the clerk who received them (upgrade 8)
    received_by = pw.ForeignKeyField(User, column_name="received_by_id", index=False)
    extended = pw.BooleanField(default=False)
    paused_on = pw.DateField(null=True)
    resolved_at = pw.DateTimeField(null=True)
    resolved_on = pw.DateField(null=True)
    delivered_at = pw.DateTimeField(null=True)
    receiver = pw.CharField(max_length=200, default="")
    rating = pw.CharField(max_length=20, null=True)
    ledger_book = pw.CharField(max_length=16, default="")
    ledger_no = pw.IntegerField(null=True)
    last_event_at = pw.DateTimeField()
    updated_at = pw.DateTimeField()
    # the intake form's own id (a UUID made when the form was opened): sending the same form again after
    # a lost answer finds this case instead of making a second one; unique index in upgrade 12
    intake_token = pw.CharField(max_length=64, null=True, index=False)

    @property
    def papers(self) -> list[dict]:
        """The papers received, as a list of dicts (name, original, copies, optional, received)."""
        if self.paper_list_id is None:
            return []
        found = PaperList.select(PaperList.papers).where(PaperList.id == self.paper_list_id).scalar()
        return found or []


class Event(BaseModel):
    """The audit trail: append-only, one row per action or edit, hash-chained (see ``audit``)."""

    case = pw.ForeignKeyField(Case, null=True, column_name="case_id", backref="events", on_delete="RESTRICT")
    actor = pw.CharField(max_length=64)
    action = pw.CharField(max_length=40)
    from_state = pw.CharField(max_length=24, null=True)
    to_state = pw.CharField(max_length=24, null=True)
    note = pw.TextField(default="")
    changes = JSONText(default=dict)
    at = pw.DateTimeField()
    # when it was written, kept only when that is not ``at`` (a late entry, a clock set back)
    recorded = pw.DateTimeField(column_name="recorded_at", null=True)
    late_entry = pw.BooleanField(default=False)
    digest = pw.BlobField()      # SHA-256 of the row and the previous row's digest, 32 bytes

    @property
    def recorded_at(self):
        return self.recorded if self.recorded is not None else self.at


class DayCounter(BaseModel):
    """The dossier sequence of one receiving day: ``{unit}-{YYMMDD}-{NNNN}``."""

    unit_code = pw.CharField(max_length=64)
    day = pw.DateField()
    last = pw.IntegerField(default=0)

    class Meta:
        primary_key = pw.CompositeKey("unit_code", "day")


class HolidayYear(BaseModel):
    """A year of days off and swapped working days entered by the office (TOML text)."""

    year = pw.IntegerField(primary_key=True)
    data = pw.TextField()
    updated_at = pw.DateTimeField()


class IntakeRefusal(BaseModel):
    """A dossier the desk refused to receive (form 03): who, what and why.  Never a case: it is not
    in the ledger, the case lists or form II.06a.  Codes run in their own series, ``{unit}-TC-{YYMMDD}-{NNNN}``."""

    code = pw.CharField(unique=True, max_length=64)
    procedure = pw.ForeignKeyField(Procedure, column_name="procedure_id", index=False)
    citizen_name = pw.CharField(max_length=200)
    id_number = pw.CharField(max_length=16, default="")
    phone = pw.CharField(max_length=20, default="")
    address = pw.TextField(default="")
    email = pw.CharField(max_length=200, default="")
    reason = pw.TextField()
    refused_by = pw.ForeignKeyField(User, column_name="refused_by_id", index=False)
    refused_at = pw.DateTimeField(index=True)


class FormNumber(BaseModel):
    """The "Số:" of a printed form: one series per form kind and year, gap-free, given the first time
    the document is made and printed the same on every re-print.  ``owner`` is the case or refusal code."""

    kind = pw.CharField(max_length=24)
    owner = pw.CharField(max_length=64)
    year = pw.IntegerField()
    number = pw.IntegerField()
    issued_at = pw.DateTimeField()

    class Meta:
        indexes = ((("kind", "owner"), True), (("kind", "year", "number"), True))
class Duty(BaseModel):
    """The duty roster (schema.upgrade_11): who is at the desk or on which field, by day and half-day."""

    day = pw.DateField()
    half = pw.CharField(max_length=2)          # "am" | "pm"
    user = pw.ForeignKeyField(User, column_name="user_id", on_delete="CASCADE")
    place = pw.CharField(max_length=16)        # "desk", or a field code

    class Meta:
        table_name = "duty"
        indexes = ((("day", "half", "user"), True),)


class OfficeKey(BaseModel):
    """The office's Ed25519 key pair that signs receipts (``receipt_seal``), made at init or by
    upgrade 14.  Its own table, not ``meta``: a read-only login (the status page on PostgreSQL) can
    read the cases without being able to read the private half."""

    key_id = pw.CharField(max_length=8)
    public_key = pw.BlobField()
    private_key = pw.BlobField()
    created_at = pw.DateTimeField()
    active = pw.BooleanField(default=True)

    class Meta:
        table_name = "office_key"


# What upgrade_1 creates, as the models stand now (PaperList, of upgrade 8, because Case refers to it).
V1_TABLES = [Meta, Setting, Department, Field, User, Procedure, PaperList, Case, Event, DayCounter]

# Created by schema.upgrade_3; upgrade_5 widens case_received and case_resolved under the same names.
# (upgrade_3 also made event_case (case_id, id), dropped by upgrade_8 and no longer made: a case's
# few events are read through event_case_action.)
QUEUE_INDEXES = [
    'CREATE INDEX IF NOT EXISTS case_state_due ON "case" (state, due_date)',
    'CREATE INDEX IF NOT EXISTS case_assignee_state_due ON "case" (assignee_id, state, due_date)',
    'CREATE INDEX IF NOT EXISTS case_due ON "case" (due_date)',
    'CREATE INDEX IF NOT EXISTS case_received ON "case" (received_on, field_code, channel)',
    'CREATE INDEX IF NOT EXISTS case_resolved ON "case" (resolved_on, field_code)',
    'CREATE INDEX IF NOT EXISTS case_name_sort ON "case" (name_sort)',
]
