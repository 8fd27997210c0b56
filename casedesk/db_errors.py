"""A driver's fault as a sentence that says what to fix (PostgreSQL half).

``classify(exc)`` turns a psycopg2 error (or peewee's wrapper around one) into
``ConnectionSetup`` (exit 7: a setting is wrong, retrying won't help) or
``Unavailable`` (exit 6: the server can't be reached now, retrying will), or
``None`` when it is not a connection fault (a constraint, a bad query: a bug).
psycopg2's own English never reaches a screen: it goes in ``details``.
"""
from __future__ import annotations

from .errors import CaseDeskError, ConnectionSetup, Unavailable
from .i18n import _

# SQLSTATE classes and codes (PostgreSQL appendix A)
_WRONG_PASSWORD = {"28P01", "28000"}          # invalid_password, invalid_authorization_specification
_NO_DATABASE = "3D000"                         # invalid_catalog_name
_SHUTTING_DOWN = {"57P01", "57P02", "57P03"}   # admin_shutdown, crash_shutdown, cannot_connect_now
_TIMEOUT = "57014"                             # query_canceled (statement_timeout)
_TOO_MANY = "53300"                            # too_many_connections
_LOCKED = "55P03"                              # lock_not_available (class 40: deadlock, serialization)


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


def classify(exc: BaseException, *, server: str = "") -> CaseDeskError | None:
    """The CaseDesk error for a PostgreSQL connection fault, or ``None`` if it is not one."""
    if isinstance(exc, CaseDeskError):
        return exc
    inner = driver_error(exc)
    try:
        import psycopg2
    except ImportError:                          # pragma: no cover - the caller checked the driver
        return None
    if not isinstance(inner, (psycopg2.OperationalError, psycopg2.InterfaceError)):
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
