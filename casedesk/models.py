"""peewee models: data only.  Rules live in ``workflow`` and ``services``.

Times are naive datetimes in office-local time (the office's time zone setting),
dates are office-local dates.  JSON is stored as text so that both SQLite and
PostgreSQL keep it the same way.
"""
from __future__ import annotations

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

    class Meta:
        indexes = ((("code", "version"), True), (("code", "effective_from"), False))


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
    papers = JSONText(default=list)
    pickup = pw.CharField(max_length=12, default="desk")
    received_at = pw.DateTimeField()
    received_on = pw.DateField()
    due_date = pw.DateField()
    original_due_date = pw.DateField()
    assignee = pw.ForeignKeyField(User, null=True, column_name="assignee_id", backref="cases")
    received_by = pw.ForeignKeyField(User, column_name="received_by_id")
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


class Event(BaseModel):
    """The audit trail: append-only, one row per action or edit, hash-chained."""

    case = pw.ForeignKeyField(Case, null=True, column_name="case_id", backref="events", on_delete="RESTRICT")
    actor = pw.CharField(max_length=64)
    action = pw.CharField(max_length=40)
    from_state = pw.CharField(max_length=24, null=True)
    to_state = pw.CharField(max_length=24, null=True)
    note = pw.TextField(default="")
    changes = JSONText(default=dict)
    at = pw.DateTimeField()
    recorded_at = pw.DateTimeField()
    late_entry = pw.BooleanField(default=False)
    prev_hash = pw.CharField(max_length=64)
    hash = pw.CharField(max_length=64)


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


V1_TABLES = [Meta, Setting, Department, Field, User, Procedure, Case, Event, DayCounter]

# Created by db.upgrade_3; upgrade_5 widens case_received and case_resolved under the same names.
QUEUE_INDEXES = [
    'CREATE INDEX IF NOT EXISTS case_state_due ON "case" (state, due_date)',
    'CREATE INDEX IF NOT EXISTS case_assignee_state_due ON "case" (assignee_id, state, due_date)',
    'CREATE INDEX IF NOT EXISTS case_due ON "case" (due_date)',
    'CREATE INDEX IF NOT EXISTS case_received ON "case" (received_on, field_code, channel)',
    'CREATE INDEX IF NOT EXISTS case_resolved ON "case" (resolved_on, field_code)',
    'CREATE INDEX IF NOT EXISTS case_name_sort ON "case" (name_sort)',
    'CREATE INDEX IF NOT EXISTS event_case ON event (case_id, id)',
]
