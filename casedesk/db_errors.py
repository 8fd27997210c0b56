"""What a database error means for the person at the desk: the one place that reads the engines' errors.

``classify(exc)`` turns an error from sqlite3, peewee or psycopg2 (or the OS, for a file of the
register) into the CaseDesk error a person can act on, or ``None`` when it is not a fault of the
surroundings (a constraint, a bad query: a bug, logged with a reference):

* the register busy past the wait, the server down, the LAN cut, a transaction the server chose
  to abort (deadlock, serialisation): ``Unavailable`` (exit 6), nothing changed, try again;
* wrong connection settings (password, unknown database or role, pg_hba, TLS, an unknown host):
  ``ConnectionSetup`` (exit 7), a sentence that says what to fix;
* a full disk or read-only media (the register's, or the server's): ``ReadOnly`` (exit 8),
  nothing changed, reads still work.

psycopg2's own English never reaches a screen: it goes in ``details``.  The command line and the
desktop's runner call ``classify`` on every error they did not expect; the reconnecting desks
(``db_pg``) call it to tell "try again" from "fix the settings".
"""
from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from .errors import CaseDeskError, ConnectionSetup, ReadOnly, Unavailable
from .i18n import _

# SQLite's primary result codes (sqlite3.Error.sqlite_errorcode & 0xff, Python 3.11+)
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN = 5, 6, 8, 10, 13, 14

# SQLSTATE classes and codes (PostgreSQL appendix A)
_WRONG_PASSWORD = {"28P01", "28000"}          # invalid_password, invalid_authorization_specification
_NO_DATABASE = "3D000"                         # invalid_catalog_name
_SHUTTING_DOWN = {"57P01", "57P02", "57P03"}   # admin_shutdown, crash_shutdown, cannot_connect_now
_TIMEOUT = "57014"                             # query_canceled (statement_timeout)
_TOO_MANY = "53300"                            # too_many_connections
_LOCKED = "55P03"                              # lock_not_available (class 40: deadlock, serialization)
_DISK_FULL = {"53100"}                         # disk_full (the server's disk)
_READ_ONLY = {"25006"}                         # read_only_sql_transaction (a standby, a read-only server)

def driver_error(exc: BaseException) -> BaseException:
    """The driver's own exception behind peewee's wrapper (peewee keeps it as ``orig``)."""
    orig = getattr(exc, "orig", None)
    if isinstance(orig, BaseException):
        return orig
    if exc.args and isinstance(exc.args[0], BaseException):
        return exc.args[0]
    return exc


def _text(exc: BaseException) -> str:
    return str(exc).strip().lower()


def _classify_postgres(inner: BaseException, server: str = "") -> CaseDeskError | None:
    """The CaseDesk error for a psycopg2 error (a connection fault, a full or read-only server), or None."""
    try:
        import psycopg2
    except ImportError:                          # pragma: no cover - the caller checked the driver
        return None
    if not isinstance(inner, psycopg2.Error):
        return None
    code = getattr(inner, "pgcode", None) or ""
    text = _text(inner)
    where = server or _("máy chủ")
    details = str(inner).strip()
    if code in _WRONG_PASSWORD or "password authentication failed" in text or "no password supplied" in text:
        return ConnectionSetup(_("Máy chủ {server} không nhận tên đăng nhập hoặc mật khẩu cơ sở dữ liệu. "
                                 "Hãy kiểm tra lại mật khẩu (biến PGPASSWORD hoặc tệp pgpass) "
                                 "với người quản trị máy chủ.").format(server=where), details=details)
    if code == _NO_DATABASE or ("database" in text and "does not exist" in text):
        return ConnectionSetup(_("Máy chủ {server} không có cơ sở dữ liệu này. Hãy kiểm tra tên cơ sở dữ liệu "
                                 "trong địa chỉ kết nối.").format(server=where), details=details)
    if "server does not support ssl" in text:
        return ConnectionSetup(_("Máy chủ {server} không hỗ trợ kết nối mã hóa (SSL) mà địa chỉ kết nối lại đòi. "
                                 "Hãy bỏ sslmode=require khỏi địa chỉ kết nối, hoặc nhờ người quản trị bật SSL "
                                 "trên máy chủ.").format(server=where), details=details)
    if "no pg_hba.conf entry" in text:
        if "no encryption" in text or "ssl off" in text:
            return ConnectionSetup(_("Máy chủ {server} đòi kết nối mã hóa (SSL). Hãy thêm ?sslmode=require "
                                     "vào địa chỉ kết nối, hoặc nhờ người quản trị máy chủ cho phép máy này "
                                     "trong pg_hba.conf.").format(server=where), details=details)
        return ConnectionSetup(_("Máy chủ {server} chưa cho phép máy này kết nối. Nhờ người quản trị máy chủ "
                                 "thêm địa chỉ máy này vào pg_hba.conf.").format(server=where), details=details)
    if "role" in text and "does not exist" in text:
        return ConnectionSetup(_("Máy chủ {server} không có tài khoản cơ sở dữ liệu này. Hãy kiểm tra tên "
                                 "đăng nhập trong địa chỉ kết nối.").format(server=where), details=details)
    if code == _TIMEOUT or "statement timeout" in text:
        return Unavailable(_("Máy chủ {server} trả lời quá lâu nên thao tác đã dừng, không có gì bị thay đổi. "
                             "Hãy thử lại sau ít phút.").format(server=where), details=details)
    if code == _TOO_MANY:
        return Unavailable(_("Máy chủ {server} đang có quá nhiều kết nối. Hãy thử lại sau ít phút.").format(
            server=where), details=details)
    if ("could not translate host name" in text or "name or service not known" in text
            or "nodename nor servname" in text):
        return ConnectionSetup(_("Không tìm thấy máy chủ {server} trên mạng. Hãy kiểm tra tên hoặc địa chỉ "
                                 "máy chủ trong địa chỉ kết nối.").format(server=where), details=details)
    if code in _DISK_FULL or "no space left on device" in text:
        return ReadOnly(_("Ổ đĩa của máy chủ cơ sở dữ liệu đã đầy: không ghi được, chưa có gì thay đổi. "
                          "Người quản trị máy chủ hãy giải phóng chỗ trống."), details=details)
    if code in _READ_ONLY or "read-only transaction" in text:
        return ReadOnly(_("Máy chủ cơ sở dữ liệu đang ở chế độ chỉ đọc: chỉ xem được, không ghi được gì."),
                        details=details)
    if not isinstance(inner, (psycopg2.OperationalError, psycopg2.InterfaceError)) and not code.startswith("40") \
            and code != _LOCKED:
        return None                              # a constraint, a bad query: not the surroundings
    if code.startswith("40") or code == _LOCKED:
        return Unavailable(_("Máy chủ {server} đang bận với việc của quầy khác nên thao tác chưa được lưu. "
                             "Hãy thử lại.").format(server=where), details=details)
    if code and not code.startswith("08") and code not in _SHUTTING_DOWN:
        return None                              # the server answered with something else: not a connection fault
    return Unavailable(_("Không kết nối được máy chủ {server}. Hãy kiểm tra máy chủ đã bật, dây mạng và "
                         "cổng kết nối, rồi thử lại.").format(server=where), details=details)


def missing_driver() -> ConnectionSetup:
    return ConnectionSetup(_("Máy này chưa cài trình điều khiển PostgreSQL (psycopg2) nên không mở được cơ sở "
                             "dữ liệu trên máy chủ. Hãy cài bản CaseDesk đầy đủ hoặc chạy "
                             "\"pip install psycopg2-binary\"."))


def _original(exc: BaseException) -> BaseException:
    """The driver's own exception behind peewee's wrapper (peewee keeps it as ``orig``; it is also
    the context the wrapper was raised in)."""
    seen = 0
    while seen < 5:
        seen += 1
        inner = getattr(exc, "orig", None)        # peewee keeps the driver's exception here
        if not isinstance(inner, BaseException):
            inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
        inner = inner or exc.__cause__ or (exc.__context__ if type(exc).__module__ == "peewee" else None)
        if inner is None or inner is exc:
            return exc
        exc = inner
    return exc


def _open_sqlite_file() -> Path | None:
    from .db import database, is_sqlite

    db = database.obj
    if db is None or not is_sqlite(db):
        return None
    name = str(db.database or "")
    if not name or name == ":memory:":
        return None
    if name.startswith("file:"):
        name = name[5:].split("?", 1)[0]
    return Path(name)


def busy() -> Unavailable:
    return Unavailable(_("Cơ sở dữ liệu đang bận: một máy hoặc chương trình khác đang ghi quá lâu. "
                         "Chưa có gì thay đổi; hãy thử lại sau ít phút."))


def server_down() -> Unavailable:
    return Unavailable(_("Không kết nối được máy chủ cơ sở dữ liệu (máy chủ tắt hoặc mạng bị ngắt). "
                         "Chưa có gì thay đổi; hãy kiểm tra mạng, máy chủ rồi thử lại."))


def disk_full() -> ReadOnly:
    return ReadOnly(_("Ổ đĩa chứa cơ sở dữ liệu đã đầy: không ghi được, chưa có gì thay đổi. Vẫn xem được "
                      "hồ sơ; hãy giải phóng chỗ trống (xóa bớt tệp không cần) rồi làm lại."))


def read_only() -> ReadOnly:
    return ReadOnly(_("Cơ sở dữ liệu nằm trên ổ chỉ đọc hoặc không được phép ghi: chỉ xem được, không ghi "
                      "được gì. Hãy chép cơ sở dữ liệu sang ổ ghi được (hoặc mở khóa ghi của ổ)."))


def media_state(path: str | os.PathLike, *, need: int = 256 * 1024) -> str | None:
    """"read_only" (read-only media, or no permission to write), "full" (less than ``need`` bytes
    free) or None, for a file or a folder."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    try:
        stat = os.statvfs(folder) if hasattr(os, "statvfs") else None
    except OSError:
        stat = None
    if stat is not None and stat.f_flag & getattr(os, "ST_RDONLY", 1):
        return "read_only"
    if not os.access(folder, os.W_OK) or (path.is_file() and not os.access(path, os.W_OK)):
        return "read_only"
    try:
        import shutil

        if shutil.disk_usage(folder).free < need:
            return "full"
    except OSError:
        pass
    return None


def media_problem(path: str | os.PathLike | None = None, *, need: int = 256 * 1024) -> ReadOnly | None:
    """Why the folder of a register file can't take a write now (read-only media or a full disk), or None."""
    path = Path(path) if path is not None else _open_sqlite_file()
    if path is None:
        return None
    state = media_state(path, need=need)
    return read_only() if state == "read_only" else disk_full() if state == "full" else None


def _classify_os(exc: OSError) -> CaseDeskError | None:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return disk_full()
    if exc.errno == errno.EROFS:
        return read_only()
    return None


def _classify_sqlite(exc: sqlite3.Error) -> CaseDeskError | None:
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED) or "database is locked" in text or "is busy" in text \
            or "table is locked" in text:
        return busy()
    if primary == _SQLITE_FULL or "disk is full" in text:
        return disk_full()
    if primary == _SQLITE_READONLY or "readonly database" in text or "read-only" in text:
        return media_problem() or read_only()
    if primary in (_SQLITE_IOERR, _SQLITE_CANTOPEN) or "disk i/o error" in text \
            or "unable to open database file" in text:
        found = media_problem()
        if found is not None:
            return found
        return Unavailable(_("Không đọc ghi được ổ đĩa chứa cơ sở dữ liệu (ổ bị rút ra, mạng tới ổ bị ngắt "
                             "hoặc ổ hỏng). Chưa có gì thay đổi; hãy kiểm tra ổ rồi thử lại."))
    return None


def is_busy(exc: BaseException) -> bool:
    """The register is locked by another connection (not damaged, not missing): wait or try again."""
    found = classify(exc)
    return isinstance(found, Unavailable) and found.message == busy().message


def classify(exc: BaseException, *, server: str = "") -> CaseDeskError | None:
    """The CaseDesk error an engine's (or the OS's) error stands for, or None when it is not a fault
    of the surroundings (see the module's text); ``server`` names a PostgreSQL server in the sentence."""
    if isinstance(exc, CaseDeskError):
        return exc
    inner = _original(exc)
    if isinstance(inner, CaseDeskError):
        return inner
    if isinstance(inner, OSError):
        return _classify_os(inner)
    if isinstance(inner, sqlite3.Error):
        if isinstance(inner, sqlite3.OperationalError) or type(inner) is sqlite3.DatabaseError:
            return _classify_sqlite(inner)
        return None
    module = type(inner).__module__ or ""
    try:
        import psycopg2
    except ImportError:                          # pragma: no cover - SQLite only
        psycopg2 = None
    if psycopg2 is not None and isinstance(inner, psycopg2.Error):
        return _classify_postgres(inner, server)
    if module == "peewee" and type(inner).__name__ == "InterfaceError" and "closed" in str(inner).lower():
        return server_down()
    if module == "peewee" and type(inner).__name__ == "OperationalError":
        return _classify_sqlite(sqlite3.OperationalError(str(inner)))
    return None
