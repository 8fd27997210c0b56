"""PostgreSQL for the several desks of one office: connection settings, and a connection that heals.

The URL goes to libpq as it is, so everything libpq knows works unchanged: percent-encoded parts,
options in the query string (``?sslmode=require&connect_timeout=3``), and a password left out of
the URL altogether, which libpq then takes from PGPASSWORD or the pgpass file.  What the URL does
not say, CaseDesk sets so that a dead server or a pulled cable is noticed in seconds: a connect
timeout, TCP keepalives, a TCP user timeout and a statement timeout.

A connection that died (the server restarted, the LAN dropped) is closed and a new one opened at
the next statement.  Nothing is ever sent twice behind the caller's back: a read, or the BEGIN of
a write, that fails on a connection already dead is sent again on a fresh one; a statement inside
a transaction, or its COMMIT, is not (the transaction went with the connection; a COMMIT whose
answer was lost may or may not have been applied) and the caller gets ``Unavailable``.

peewee's ``ReconnectMixin`` is not used: it sends again any statement that failed outside a
transaction, an autocommitted write included, whose first sending may have been applied; and the
BEGIN of a transaction (sent through ``cursor()``, not ``execute_sql``) would still fail on a dead
connection.  An intake whose COMMIT went unanswered is made safe to send again by its token instead
(``services.cases.receive_case``).
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import peewee

from .db_errors import classify, driver_error, missing_driver
from .errors import Unavailable
from .i18n import _

# What libpq gets unless the URL says otherwise (libpq parameter names)
DEFAULTS = {
    "connect_timeout": "3",          # seconds to wait for a server that does not answer (libpq: 2 at least)
    "keepalives": "1",
    "keepalives_idle": "10",         # an idle connection is probed after 10 s ...
    "keepalives_interval": "3",      # ... every 3 s ...
    "keepalives_count": "3",         # ... and given up after 3 unanswered probes
    "tcp_user_timeout": "8000",      # ms: data unacknowledged this long means the link is gone
    "application_name": "CaseDesk",
}
STATEMENT_TIMEOUT_MS = 60_000        # a statement that runs a minute is stuck behind something


def is_postgres_url(text: str) -> bool:
    return text.startswith(("postgres://", "postgresql://"))


def connect_params(url: str) -> dict[str, str]:
    """The settings added to the URL's own (which always win)."""
    query = dict(parse_qsl(urlsplit(url).query))
    params = {key: value for key, value in DEFAULTS.items() if key not in query}
    timeout = f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"
    params["options"] = f"{timeout} {query['options']}" if query.get("options") else timeout
    return params


def server_label(url: str) -> str:
    """``192.168.1.10:5432/casedesk`` (never the password) for messages and the header."""
    try:
        from psycopg2.extensions import parse_dsn

        parts = parse_dsn(url)
    except Exception:                 # no driver, or a URL libpq refuses: show what can be shown
        parts = {}
        split = urlsplit(url)
        if split.hostname:
            parts["host"] = split.hostname
        if split.port:
            parts["port"] = str(split.port)
        parts["dbname"] = split.path.lstrip("/")
    host = parts.get("host") or parts.get("hostaddr") or "localhost"
    port = parts.get("port")
    where = f"{host}:{port}" if port and port != "5432" else host
    return f"{where}/{parts['dbname']}" if parts.get("dbname") else where


def _broken(db: "CaseDeskPostgres", exc: BaseException) -> bool:
    """Did this fault take the connection with it?"""
    conn = db._state.conn
    inner = driver_error(exc)
    if conn is not None and getattr(conn, "closed", 0):
        return True
    return (isinstance(exc, peewee.InterfaceError) or getattr(inner, "pgcode", None) in ("57P01", "57P02"))


_FAULTS = (peewee.OperationalError, peewee.InterfaceError)


class CaseDeskPostgres(peewee.PostgresqlDatabase):
    """``PostgresqlDatabase`` that reconnects by itself and speaks in CaseDesk errors."""

    def __init__(self, url: str, **kwargs):
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]      # peewee hands only this prefix to libpq whole
        self.server = server_label(url)
        super().__init__(url, **{**connect_params(url), **kwargs})

    # ---------------------------------------------------------- connections
    def _connect(self):
        try:
            import psycopg2
        except ImportError:
            raise missing_driver() from None
        try:
            return super()._connect()
        except psycopg2.Error as exc:
            error = classify(exc, server=self.server)
            if error is None:
                raise
            raise error from None

    def _lost(self) -> None:
        """Forget a dead connection (closing it can't fail the caller); the next statement opens one."""
        conn, self._state.conn, self._state.closed = self._state.conn, None, True
        if conn is not None:
            try:
                conn.close()
            except Exception:
                pass

    def _error(self, exc: BaseException) -> BaseException:
        error = classify(exc, server=self.server)
        return error if error is not None else exc

    def cursor(self, named_cursor=None):
        conn = self._state.conn
        if not self._state.closed and conn is not None and conn.closed:
            self._lost()                                  # the driver already knows it's gone
        if self._state.closed and self.in_transaction():
            raise Unavailable(_("Mất kết nối với máy chủ {server} giữa chừng; thao tác chưa được lưu. Hãy thử "
                                "lại khi kết nối trở lại.").format(server=self.server))
        return super().cursor(named_cursor)

    # ---------------------------------------------------------- statements
    def _execute_cursor(self, sql, params, **options):
        fresh = self._state.closed
        try:
            return super()._execute_cursor(sql, params, **options)
        except _FAULTS as exc:
            if not _broken(self, exc):
                raise self._error(exc) from None
            self._lost()
            reading = str(sql).lstrip().upper().startswith(("SELECT", "SHOW"))
            if fresh or self.in_transaction() or not reading:
                raise self._error(exc) from None
        try:                                              # a read on a connection that had died: once more
            return super()._execute_cursor(sql, params, **options)
        except _FAULTS as exc:
            if _broken(self, exc):
                self._lost()
            raise self._error(exc) from None

    def begin(self, isolation_level=None):
        fresh = self._state.closed
        try:
            return super().begin(isolation_level)
        except _FAULTS as exc:
            if not _broken(self, exc):
                raise self._error(exc) from None
            self._lost()
            if fresh:
                raise self._error(exc) from None
        try:                                              # nothing was sent but BEGIN: safe to begin again
            return super().begin(isolation_level)
        except _FAULTS as exc:
            if _broken(self, exc):
                self._lost()
            raise self._error(exc) from None

    def commit(self):
        try:
            return super().commit()
        except _FAULTS as exc:
            if not _broken(self, exc):
                raise self._error(exc) from None
            self._lost()
            raise Unavailable(
                _("Mất kết nối với máy chủ {server} đúng lúc lưu, nên chưa rõ thao tác đã được lưu hay chưa. "
                  "Khi kết nối trở lại, hãy xem lại trước khi làm lại (hồ sơ tiếp nhận lại bằng cùng biểu mẫu "
                  "sẽ không bị ghi hai lần).").format(server=self.server),
                details={"outcome": "unknown"}) from None

    def rollback(self):
        if self._state.closed:
            return                                        # the server dropped the transaction with the link
        try:
            return super().rollback()
        except _FAULTS as exc:
            if not _broken(self, exc):
                raise self._error(exc) from None
            self._lost()
