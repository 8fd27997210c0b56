"""Opening the database and upgrading its schema.

The models are bound to ``database`` (a ``DatabaseProxy``) only when
``open_database()`` is called: nothing connects at import time and nothing is
relative to the working directory.  SQLite is the single-PC engine (WAL,
``synchronous=FULL`` so an acknowledged case survives a power cut, foreign keys,
a busy timeout); PostgreSQL serves several desks of one office on a LAN.

Schema versions are numbered; the steps between them are in ``schema``.
"""
from __future__ import annotations

import contextlib
import json
import os
import threading
from pathlib import Path
from typing import Callable, Iterator

import peewee

from .db_pg import CaseDeskPostgres, is_postgres_url
from .errors import BadInput, NotAllowed
from .i18n import _

database = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "full",
    "busy_timeout": 30000,
    "cache_size": -32000,
    "temp_store": "memory",
}


def is_sqlite(db: peewee.Database | None = None) -> bool:
    target = db if db is not None else database.obj
    return isinstance(target, peewee.SqliteDatabase)


def _make_database(url_or_path: str | os.PathLike, *, password: str | None = None) -> peewee.Database:
    text = os.fspath(url_or_path)
    if is_postgres_url(text):
        return CaseDeskPostgres(text, password=password) if password is not None else CaseDeskPostgres(text)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///"):]
    if text != ":memory:":
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = path.resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        text = str(path)
    wait = busy_timeout()
    return peewee.SqliteDatabase(text, pragmas={**SQLITE_PRAGMAS, "busy_timeout": int(wait * 1000)}, timeout=wait,
                                 check_same_thread=False)


def busy_timeout() -> float:
    """How long (seconds) a write waits for another desk's write before giving up with "busy, try
    again": 30 s, or ``CASEDESK_BUSY_TIMEOUT``."""
    try:
        value = float(os.environ.get("CASEDESK_BUSY_TIMEOUT") or 30)
    except ValueError:
        value = 30.0
    return min(max(value, 0.0), 600.0)


# Pragmas of a register opened read-only (read-only media, a full disk): nothing that writes.
_READ_ONLY_PRAGMAS = {"foreign_keys": 1, "cache_size": -32000, "temp_store": "memory", "query_only": 1}


def _read_only_database(path: str, problem) -> peewee.Database | None:
    """The register opened for reading only, when the media can't take a write (read-only stick,
    full disk): first as SQLite allows it (``mode=ro``, using the ``-shm`` file when it is there),
    else as a file nobody is changing (``immutable``: only when no write-ahead log holds
    committed changes that would otherwise be skipped)."""
    from urllib.parse import quote

    file = Path(path)
    if not file.is_file():
        return None
    wal = file.with_name(file.name + "-wal")
    modes = ["mode=ro"]
    if not wal.exists() or wal.stat().st_size == 0:
        modes.append("immutable=1")
    for mode in modes:
        db = peewee.SqliteDatabase(f"file:{quote(str(file))}?{mode}", uri=True, pragmas=_READ_ONLY_PRAGMAS,
                                   timeout=busy_timeout(), check_same_thread=False)
        try:
            db.connect()
            db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
        except peewee.DatabaseError:
            if not db.is_closed():
                db.close()
            continue
        db.casedesk_read_only = problem
        db.casedesk_file = str(file)
        return db
    return None


def read_only_problem(db: peewee.Database | None = None):
    """Why the open register takes no writes (a ``ReadOnly`` error), or None."""
    target = db if db is not None else database.obj
    return getattr(target, "casedesk_read_only", None)


def open_database(url_or_path: str | os.PathLike, *, upgrade: bool = True,
                  password: str | None = None) -> peewee.Database:
    """Bind the models to a database and bring its schema up to date.

    ``password`` is the server password when it is not in the URL (a desk's saved connection: the
    operating system's credential store, or typed at start); libpq also reads PGPASSWORD and pgpass.

    A SQLite register on media that can't be written (a read-only stick, a full disk) is opened
    for reading: lists, searches and ``check`` work, every write is refused with ``ReadOnly``.
    Other faults of the surroundings (a server that is down, wrong settings) raise the error
    ``db_errors.classify`` names for them."""
    from .db_errors import classify, media_problem

    if database.obj is not None:
        close_database()
    db = _make_database(url_or_path, password=password)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        db.casedesk_moved_to = moved_mark(db)
        if upgrade:
            upgrade_schema(db)
    except (peewee.DatabaseError, peewee.InterfaceError) as exc:
        found = classify(exc)
        fallback = None
        if is_sqlite(db) and found is not None and not str(db.database).startswith(("file:", ":memory:")):
            problem = media_problem(db.database)
            if problem is not None:
                fallback = _read_only_database(db.database, problem)
        if not db.is_closed():
            db.close()
        if fallback is None:
            database.initialize(None)
            if found is None:
                raise
            raise found from None
        db = fallback
        database.initialize(db)
        db.casedesk_moved_to = moved_mark(db)
        if upgrade:
            upgrade_schema(db)
    db.casedesk_schema_ready = schema_version(db) > 0
    from . import context

    context.reset()
    return db


def open_readonly(url_or_path: str | os.PathLike, *, shared: bool = False) -> peewee.Database:
    """Bind the models to a register for reading only (``check``): SQLite through a ``mode=ro`` URI
    with ``query_only``, PostgreSQL in read-only transactions.  Nothing is created, upgraded or
    switched (the journal mode stays as it is); the schema is not looked at here.

    A SQLite file that no program has open (no ``-wal`` next to it) is read as ``immutable``, so that
    not even the ``-wal``/``-shm`` files SQLite makes for a reader appear next to it: that also
    reads a register on read-only media.  ``shared`` reads it the ordinary way (``mode=ro``) even then:
    the caller saw the file change under an immutable read and reads it again."""
    if database.obj is not None:
        close_database()
    text = os.fspath(url_or_path)
    if text.startswith(("postgres://", "postgresql://")):
        db = _make_database(text)
        database.initialize(db)
        db.connect(reuse_if_open=True)
        db.execute_sql("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        return db
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///"):]
    path = Path(text).expanduser().resolve()
    wal = Path(str(path) + "-wal")
    mode = "ro" if shared or wal.exists() else "immutable"

    def connect(mode: str) -> peewee.Database:
        uri = path.as_uri() + ("?mode=ro" if mode == "ro" else "?immutable=1")
        db = peewee.SqliteDatabase(uri, uri=True, pragmas={"query_only": 1, "busy_timeout": 30000,
                                                           "cache_size": -32000, "temp_store": "memory"},
                                   timeout=30, check_same_thread=False)
        database.initialize(db)
        db.connect(reuse_if_open=True)
        db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
        return db

    try:
        db = connect(mode)
    except peewee.DatabaseError:
        # a full disk or read-only media: a reader's -shm can't be made (or was cut short); a -wal that
        # holds nothing (left by a refused write) lets the file be read as it is on disk
        from .db_errors import media_problem

        if database.obj is not None and not database.obj.is_closed():
            database.obj.close()
        database.initialize(None)
        if mode != "ro" or (wal.exists() and wal.stat().st_size) or media_problem(path) is None:
            raise
        db = connect("immutable")
    from . import context

    context.reset()
    return db


def close_database() -> None:
    db = database.obj
    if db is not None and not db.is_closed():
        db.close()
    database.initialize(None)


_after_write = threading.local()


def after_write(func: Callable[[], None]) -> None:
    """Run ``func`` once the outermost ``write()`` has ended, committed *or rolled back*
    (the audit row of a refused action must outlive the rollback of that action)."""
    db = database.obj
    if db is None or not db.in_transaction():
        func()
        return
    _after_write.__dict__.setdefault("calls", []).append(func)


@contextlib.contextmanager
def write() -> Iterator[None]:
    """A write transaction.  On SQLite it takes the write lock up front
    (``BEGIN IMMEDIATE``) so two desks never deadlock half-way through."""
    db = database.obj
    if db is None:
        raise RuntimeError("database is not open")
    if getattr(db, "casedesk_moved_to", None):
        raise NotAllowed(moved_sentence(db.casedesk_moved_to))
    problem = read_only_problem(db)
    if problem is not None:
        raise type(problem)(problem.message, field=problem.field)
    if db.in_transaction():
        with db.atomic():
            yield
        return
    try:
        try:
            if is_sqlite(db):
                with db.atomic("IMMEDIATE"):
                    _refuse_if_moved(db)
                    yield
            else:
                with db.atomic():
                    _refuse_if_moved(db)
                    yield
        except peewee.OperationalError as exc:
            # SQLite rolls a transaction back itself on some errors (a full disk at COMMIT): peewee's own
            # ROLLBACK then fails and would hide the error that matters
            if "no transaction is active" in str(exc):
                cause = exc.__context__
                for _ in range(6):
                    if cause is None or "no transaction is active" not in str(cause):
                        break
                    cause = cause.__context__
                if isinstance(cause, Exception):
                    raise cause from None
            raise
    finally:
        calls, _after_write.calls = getattr(_after_write, "calls", []), []
        for call in calls:
            call()


@contextlib.contextmanager
def read_snapshot() -> Iterator[None]:
    """One consistent view for a long read (``check``): a read transaction on SQLite (WAL keeps its
    snapshot while desks write), REPEATABLE READ on PostgreSQL.  Without it a case read before a desk's
    action and its audit rows read after would disagree for no fault of anyone's."""
    db = database.obj
    if db is None:
        raise RuntimeError("database is not open")
    if db.in_transaction():
        yield
        return
    with db.atomic():
        if not is_sqlite(db):
            db.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


# --------------------------------------------------------------------- schema

def _meta_get(db: peewee.Database, key: str) -> str | None:
    try:
        row = db.execute_sql("SELECT value FROM meta WHERE key = %s" % db.param, (key,)).fetchone()
    except (peewee.OperationalError, peewee.ProgrammingError):
        if not is_sqlite(db):
            db.rollback()
        return None
    return row[0] if row else None


MOVED_KEY = "moved_to"
# PostgreSQL advisory lock taken shared by every write and exclusively by ``move-to`` on the source:
# a desk's write waits for the move to end, then sees the mark and is refused (never lands behind it).
MOVE_LOCK = 0x43446D76


def _refuse_if_moved(db: peewee.Database) -> None:
    """Inside a write transaction (SQLite: holding the write lock): refuse when the register has been
    moved meanwhile by ``move-to`` (another process), so no write is left behind in the old place."""
    if not getattr(db, "casedesk_schema_ready", False):
        return                       # upgrading: the meta table may not be there yet
    if is_sqlite(db):
        row = db.execute_sql("SELECT value FROM meta WHERE key = ?", (MOVED_KEY,)).fetchone()
    else:   # one round trip; the second statement's snapshot is taken once the lock is held
        row = db.execute_sql("SELECT pg_advisory_xact_lock_shared(%s); SELECT value FROM meta WHERE key = %s",
                             (MOVE_LOCK, MOVED_KEY)).fetchone()
    if row and row[0]:
        db.casedesk_moved_to = _parse_mark(row[0])
        raise NotAllowed(moved_sentence(db.casedesk_moved_to))


def moved_mark(db: peewee.Database) -> dict | None:
    """Where this register was moved (``casedesk-cli move-to``): ``{"to", "at", "by"}``; None if it was not."""
    value = _meta_get(db, MOVED_KEY)
    return _parse_mark(value) if value else None


def _parse_mark(value: str) -> dict:
    try:
        mark = json.loads(value)
    except ValueError:
        mark = None
    return mark if isinstance(mark, dict) else {"to": str(value), "at": "", "by": ""}


def moved_sentence(mark: dict) -> str:
    """The one sentence a moved register answers with, on the command line and on the desktop."""
    when = str(mark.get("at") or "")[:16].replace("T", " ")
    return _("Sổ hồ sơ này đã được chuyển sang {where} (lúc {when}); hãy mở sổ ở đó. "
             "Bản ở đây được giữ nguyên để đối chiếu, không ghi thêm được.").format(
                 where=mark.get("to") or "?", when=when or "?")


def integrity_check() -> list[str]:
    """SQLite's own integrity check; an empty list means the file is sound."""
    db = database.obj
    if not is_sqlite(db):
        return []
    rows = db.execute_sql("PRAGMA integrity_check").fetchall()
    problems = [r[0] for r in rows if r[0] != "ok"]
    return problems


def require_open() -> peewee.Database:
    db = database.obj
    if db is None:
        raise BadInput(_("Chưa mở cơ sở dữ liệu."))
    return db


# The schema's history lives in its own module; these names stay importable from here.
from .schema import (COMPACTING, SCHEMA_VERSION, UPGRADES, schema_version, upgrade_schema)  # noqa: E402,F401
