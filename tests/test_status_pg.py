"""The status page on PostgreSQL, through the read-only role docs/status-page.md creates: it finds
dossiers, it cannot write, and it cannot read the private half of the office's key."""
from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import pytest

from casedesk import receipt_seal, status_data
from casedesk.db import close_database, database
from tests.test_postgres import _receive, pg  # noqa: F401 - the fixture

URL = os.environ.get("CASEDESK_TEST_PG")
pytestmark = pytest.mark.skipif(not URL, reason="CASEDESK_TEST_PG is not set")

ROLE_SQL = """
DROP OWNED BY casedesk_status;
DROP ROLE IF EXISTS casedesk_status;
CREATE ROLE casedesk_status LOGIN PASSWORD 'tra-cuu-1';
ALTER ROLE casedesk_status SET default_transaction_read_only = on;
GRANT CONNECT ON DATABASE {db} TO casedesk_status;
GRANT USAGE ON SCHEMA public TO casedesk_status;
GRANT SELECT ON meta, setting, procedure, "case" TO casedesk_status;
GRANT SELECT (id, key_id, public_key, created_at, active) ON office_key TO casedesk_status;
"""


def _role_sql(db: str) -> str:
    return ROLE_SQL.format(db=db)


def test_the_read_only_role_of_the_docs(pg):  # noqa: F811
    from casedesk.models import Case

    case = _receive()
    qr = receipt_seal.case_seal(Case.get(Case.code == case.code))
    parts = urlsplit(URL)
    dbname = parts.path.lstrip("/")
    exists = database.obj.execute_sql("SELECT 1 FROM pg_roles WHERE rolname = 'casedesk_status'").fetchone()
    sql = _role_sql(dbname) if exists else _role_sql(dbname).replace("DROP OWNED BY casedesk_status;\n", "")
    for statement in [s for s in sql.split(";") if s.strip()]:
        database.obj.execute_sql(statement)
    close_database()
    netloc = f"casedesk_status:tra-cuu-1@{parts.hostname}:{parts.port}"
    status_data.open_read_only(urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")))
    try:
        found, outcome = status_data.lookup_receipt(qr)
        assert outcome == "valid" and found.code == case.code
        found, outcome = status_data.lookup_code_phone(case.code, "5678")
        assert outcome == "found"
        assert status_data.ready_for_collection() == []
        import peewee

        for statement in ('UPDATE "case" SET state = \'x\'', "SELECT private_key FROM office_key",
                          'SELECT * FROM "user"', "SELECT * FROM event"):
            with pytest.raises(peewee.DatabaseError):
                database.obj.execute_sql(statement)
            database.obj.rollback()
    finally:
        close_database()
