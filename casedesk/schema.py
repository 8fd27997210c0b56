"""The schema's numbered upgrades: ``upgrade_N`` moves a register from version N-1 to N, each in its own
transaction (calibre's habit), on SQLite and PostgreSQL alike.  The version lives in the ``meta`` table.

Apart from ``db`` (opening, transactions, where the register lives) because this is a history: each step
is frozen once shipped, and the file only ever grows at its end.
"""
from __future__ import annotations

import json
from typing import Callable

import peewee

from .db import _meta_get, database, is_sqlite, write
from .errors import IntegrityProblem
from .i18n import _


def schema_version(db: peewee.Database | None = None) -> int:
    value = _meta_get(db or database.obj, "schema_version")
    return int(value) if value else 0


def _set_version(db: peewee.Database, version: int) -> None:
    from .models import Meta

    Meta.insert(key="schema_version", value=str(version)).on_conflict(
        conflict_target=[Meta.key], update={Meta.value: str(version)}
    ).execute()


def upgrade_1(db: peewee.Database) -> None:
    """Core tables: settings, users, catalogue, cases, audit, daily counters."""
    from . import models

    db.create_tables(models.V1_TABLES, safe=True)


def upgrade_2(db: peewee.Database) -> None:
    """Accent-free full-text index of names (SQLite FTS5)."""
    from . import search

    search.create_index(db)


def upgrade_3(db: peewee.Database) -> None:
    """Office-edited holiday years and the covering indexes behind the queues."""
    from . import models

    db.create_tables([models.HolidayYear], safe=True)
    for sql in models.QUEUE_INDEXES:
        db.execute_sql(sql)


def upgrade_4(db: peewee.Database) -> None:
    """Name search that holds at a million cases: an index without positions, and its words."""
    from . import search

    search.rebuild_index(db)


def upgrade_5(db: peewee.Database) -> None:
    """Indexes behind the monthly report: deliveries by time, each case's actions by name, and the
    received and resolved indexes widened to cover the report's passes (1M cases: 5.7 s -> 0.2 s)."""
    # ratings of the month's deliveries scanned the whole table (0.6 s at 1M cases)
    db.execute_sql('CREATE INDEX IF NOT EXISTS case_delivered ON "case" (delivered_at, rating, assignee_id)')
    # "was it refused?", "waiting for papers?" are answered in the index, not by reading each event
    db.execute_sql("CREATE INDEX IF NOT EXISTS event_case_action ON event (case_id, action)")
    db.execute_sql("DROP INDEX IF EXISTS event_case_id")      # (case_id): a prefix of both event indexes
    # same names as in upgrade 3, more columns: the month's passes read the index, never the rows
    db.execute_sql("DROP INDEX IF EXISTS case_received")
    db.execute_sql('CREATE INDEX case_received ON "case" (received_on, field_code, channel, assignee_id)')
    db.execute_sql("DROP INDEX IF EXISTS case_resolved")
    db.execute_sql('CREATE INDEX case_resolved ON "case" '
                   "(resolved_on, field_code, assignee_id, state, due_date, received_on)")


def upgrade_6(db: peewee.Database) -> None:
    """Case lists by field and newest first read in index order; indexes that are prefixes of others go."""
    # a field's cases by due date sorted the whole field (0.7 s for a third of 1M cases); newest first, all
    db.execute_sql('CREATE INDEX IF NOT EXISTS case_field_due ON "case" (field_code, due_date)')
    db.execute_sql('CREATE INDEX IF NOT EXISTS case_received_at ON "case" (received_at)')
    # (field_code), (state), (assignee_id): prefixes of case_field_due, case_state_due and
    # case_assignee_state_due, which serve the same lookups; fewer pages to write for each action
    for name in ("case_field_code", "case_state", "case_assignee_id"):
        db.execute_sql(f"DROP INDEX IF EXISTS {name}")


def upgrade_7(db: peewee.Database) -> None:
    """Bring back the one-column indexes upgrade 6 dropped: sorting the case table by state or officer
    reads them in order (ORDER BY state, id is not the order of case_state_due: 120 ms at 1M cases)."""
    for name, column in (("case_state", "state"), ("case_assignee_id", "assignee_id"),
                         ("case_field_code", "field_code")):
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "case" ("{column}")')


def _columns(db: peewee.Database, table: str) -> set[str]:
    return {c.name for c in db.get_columns(table)}


def upgrade_8(db: peewee.Database) -> None:
    """Each case points at its list of papers, stored once (``paper_list``) instead of a copy of
    the procedure's list in every case (450 B a case); two indexes no query uses are dropped."""
    from . import models

    db.create_tables([models.PaperList], safe=True)
    columns = _columns(db, "case")
    if "papers" in columns:
        if "paper_list_id" not in columns:
            db.execute_sql('ALTER TABLE "case" ADD COLUMN paper_list_id INTEGER REFERENCES paper_list (id)')
        texts = [r[0] for r in db.execute_sql('SELECT DISTINCT papers FROM "case"').fetchall()]
        if is_sqlite(db):
            db.execute_sql("CREATE TEMP TABLE paper_map (papers TEXT PRIMARY KEY, id INTEGER NOT NULL)")
        else:
            db.execute_sql("CREATE TEMP TABLE paper_map (papers TEXT NOT NULL, id INTEGER NOT NULL)")
        mark = db.param
        for text in texts:
            papers = json.loads(text) if text else []
            db.execute_sql(f"INSERT INTO paper_map (papers, id) VALUES ({mark}, {mark})",
                           (text, models.PaperList.id_for(papers)))
        if is_sqlite(db):
            db.execute_sql('UPDATE "case" SET paper_list_id = '
                           '(SELECT m.id FROM temp.paper_map m WHERE m.papers = "case".papers)')
        else:
            db.execute_sql('UPDATE "case" c SET paper_list_id = m.id FROM paper_map m WHERE m.papers = c.papers')
        db.execute_sql("DROP TABLE paper_map")
        db.execute_sql('ALTER TABLE "case" DROP COLUMN papers')
    # (received_by_id): no list, count or report looks cases up by the receiving clerk;
    # event_case (case_id, id): a case's few events come as well from event_case_action (case_id, action)
    db.execute_sql("DROP INDEX IF EXISTS case_received_by_id")
    db.execute_sql("DROP INDEX IF EXISTS event_case")


def _unhex(text) -> bytes:
    """A digest written as hex text, as bytes; anything else kept as its own bytes (so a row
    tampered with before the upgrade still fails the check after it)."""
    if isinstance(text, str) and len(text) == 64:
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    return str(text or "").encode("utf-8")


# The receive row's copy of its case's code, procedure and first due date, removed where it is exactly
# what the case row holds (the check takes them from there: see audit.RECEIVE_KEYS).
_SQLITE_RECEIVE_CHANGES = (
    "CASE WHEN e.action = 'receive' AND c.id IS NOT NULL AND json_valid(e.changes) "
    "AND json_extract(e.changes, '$.code') IS c.code AND json_extract(e.changes, '$.procedure') IS p.code "
    "AND json_extract(e.changes, '$.version') IS p.version "
    "AND json_extract(e.changes, '$.due_date') IS c.original_due_date "
    "THEN json_remove(e.changes, '$.code', '$.procedure', '$.version', '$.due_date') ELSE e.changes END")

_SQLITE_EVENT_9 = (
    'CREATE TABLE "event_v9" ("id" INTEGER NOT NULL PRIMARY KEY, "case_id" INTEGER, '
    '"actor" VARCHAR(64) NOT NULL, "action" VARCHAR(40) NOT NULL, "from_state" VARCHAR(24), '
    '"to_state" VARCHAR(24), "note" TEXT NOT NULL, "changes" TEXT NOT NULL, "at" DATETIME NOT NULL, '
    '"recorded_at" DATETIME, "late_entry" INTEGER NOT NULL, "digest" BLOB NOT NULL, '
    'FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE RESTRICT)')


def upgrade_9(db: peewee.Database) -> None:
    """A compact audit trail, hashed exactly as before: one 32-byte digest a row (not two digests as
    hex text: the previous one is the row before's), ``recorded_at`` only when it is not ``at``, and
    the receive row no longer repeats its case's code, procedure and first due date."""
    if "prev_hash" not in _columns(db, "event"):
        return
    if is_sqlite(db):
        db.connection().create_function("casedesk_unhex", 1, _unhex, deterministic=True)
        db.execute_sql(_SQLITE_EVENT_9)
        db.execute_sql(
            'INSERT INTO "event_v9" (id, case_id, actor, action, from_state, to_state, note, changes, at, '
            "recorded_at, late_entry, digest) "
            "SELECT e.id, e.case_id, e.actor, e.action, e.from_state, e.to_state, e.note, "
            f"{_SQLITE_RECEIVE_CHANGES}, e.at, CASE WHEN e.recorded_at IS e.at THEN NULL ELSE e.recorded_at END, "
            "e.late_entry, casedesk_unhex(e.hash) "
            'FROM event e LEFT JOIN "case" c ON c.id = e.case_id AND e.action = \'receive\' '
            "LEFT JOIN procedure p ON p.id = c.procedure_id ORDER BY e.id")
        db.execute_sql("DROP TABLE event")
        db.execute_sql('ALTER TABLE "event_v9" RENAME TO "event"')
        db.execute_sql("CREATE INDEX IF NOT EXISTS event_case_action ON event (case_id, action)")
        return
    db.execute_sql("ALTER TABLE event ADD COLUMN digest BYTEA")
    db.execute_sql("UPDATE event SET digest = decode(hash, 'hex') WHERE hash ~ '^[0-9a-f]{64}$'")
    db.execute_sql("UPDATE event SET digest = convert_to(hash, 'UTF8') WHERE digest IS NULL")
    db.execute_sql("ALTER TABLE event ALTER COLUMN digest SET NOT NULL")
    db.execute_sql("ALTER TABLE event ALTER COLUMN recorded_at DROP NOT NULL")
    db.execute_sql("UPDATE event SET recorded_at = NULL WHERE recorded_at = at")
    db.execute_sql(
        "UPDATE event e SET changes = (e.changes::jsonb - 'code' - 'procedure' - 'version' - 'due_date')::text "
        'FROM "case" c JOIN procedure p ON p.id = c.procedure_id '
        "WHERE e.action = 'receive' AND c.id = e.case_id AND e.changes::jsonb ->> 'code' = c.code "
        "AND e.changes::jsonb ->> 'procedure' = p.code AND e.changes::jsonb ->> 'version' = p.version::text "
        "AND e.changes::jsonb ->> 'due_date' = c.original_due_date::text")
    db.execute_sql("ALTER TABLE event DROP COLUMN prev_hash, DROP COLUMN hash")


def upgrade_10(db: peewee.Database) -> None:
    """Dossiers refused at the counter (form 03, never cases) and the per-year numbers of printed forms."""
    from . import models

    db.create_tables([models.IntakeRefusal, models.FormNumber], safe=True)


def upgrade_11(db: peewee.Database) -> None:
    """The duty roster: one row per person, day and half-day (``models.Duty``)."""
    from . import models

    db.create_tables([models.Duty], safe=True)


def upgrade_12(db: peewee.Database) -> None:
    """Each intake may carry its form's token (unique): a form sent again after its answer was lost
    (the server went away during the commit) finds the case it already made."""
    if "intake_token" not in _columns(db, "case"):
        db.execute_sql('ALTER TABLE "case" ADD COLUMN intake_token VARCHAR(64)')
    db.execute_sql('CREATE UNIQUE INDEX IF NOT EXISTS case_intake_token ON "case" (intake_token)')


def upgrade_13(db: peewee.Database) -> None:
    """The audit trail covers the state: from now on users, settings, holiday years, the catalogue and
    each case's intake are recorded where they change; one ``audit_baseline`` row records what an
    existing register holds now, so that ``check`` compares the tables from here on (``audit_baseline``)."""
    from .audit_baseline import record_baseline

    record_baseline(db)


# upgrade 14: the columns that say where each procedure's rules come from (default for rows made before)
_PROCEDURE_14 = (
    ("national_code", "VARCHAR(32) NOT NULL DEFAULT ''"),
    ("agency_code", "VARCHAR(32) NOT NULL DEFAULT 'ubnd_xa'"),
    ("time_unit", "VARCHAR(16) NOT NULL DEFAULT 'working_days'"),
    ("extension_days", "INTEGER NOT NULL DEFAULT 0"),
    ("legal_basis", "TEXT NOT NULL DEFAULT ''"),
    ("source_note", "TEXT NOT NULL DEFAULT ''"),
    ("verified", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ("fee_kind", "VARCHAR(16) NOT NULL DEFAULT 'fixed'"),
    ("fee_rule", "TEXT NOT NULL DEFAULT '{}'"),
)


def upgrade_14(db: peewee.Database) -> None:
    """A sourced catalogue: each procedure's national code, deciding agency, time unit (working days,
    calendar days, same day), verification extension, legal basis and fee kind; the agencies table.
    Rows made before get the shipped catalogue's sources; where the shipped limit was corrected, a new
    version takes effect from today, so dossiers already received keep the rules they were received under."""
    from . import models
    from .services import catalogue

    db.create_tables([models.Agency], safe=True)
    columns = _columns(db, "procedure")
    for name, kind in _PROCEDURE_14:
        if name not in columns:
            db.execute_sql(f'ALTER TABLE "procedure" ADD COLUMN "{name}" {kind}')
    if "time_unit" not in columns:     # only when the columns are new: rows made before with days = 0
        db.execute_sql("UPDATE \"procedure\" SET time_unit = 'same_day' WHERE days = 0")
    catalogue.reconcile_shipped()


def upgrade_15(db: peewee.Database) -> None:
    """The office's key pair that signs receipts (``receipt_seal``): an office already set up gets
    its key now, with its audit row (``office_key``); a new one gets it at init."""
    from . import context, models, receipt_seal

    db.create_tables([models.OfficeKey], safe=True)
    if models.User.select().exists():
        receipt_seal.ensure_office_key(actor="system", at=context.now())


UPGRADES: list[Callable[[peewee.Database], None]] = [upgrade_1, upgrade_2, upgrade_3, upgrade_4, upgrade_5,
                                                      upgrade_6, upgrade_7, upgrade_8, upgrade_9, upgrade_10,
                                                      upgrade_11, upgrade_12, upgrade_13, upgrade_14, upgrade_15]
SCHEMA_VERSION = len(UPGRADES)
# Upgrades that leave half the file as free pages: the file is compacted (VACUUM) once after them.
COMPACTING = {8, 9}


def upgrade_schema(db: peewee.Database, *, target: int = SCHEMA_VERSION) -> int:
    current = schema_version(db)
    if current > SCHEMA_VERSION:
        raise IntegrityProblem(
            _("Cơ sở dữ liệu thuộc phiên bản mới hơn ({found}) so với chương trình ({ours}). "
              "Hãy cập nhật CaseDesk.").format(found=current, ours=SCHEMA_VERSION)
        )
    for number in range(current + 1, target + 1):
        with write():
            if not is_sqlite(db):          # rewriting a big table may take longer than a desk's statement
                db.execute_sql("SET LOCAL statement_timeout = 0")
            UPGRADES[number - 1](db)
            _set_version(db, number)
    if current and is_sqlite(db) and COMPACTING & set(range(current + 1, target + 1)):
        _compact(db)
    return schema_version(db)


def _compact(db: peewee.Database) -> None:
    """Give the pages an upgrade freed back to the disk (and to every backup, which copies them all).
    Not being able to (a full disk: VACUUM needs room for a copy) leaves a sound, larger file."""
    try:
        db.execute_sql("VACUUM")
    except peewee.OperationalError:
        pass
