"""Which register this desk opens, remembered per user: the demo, an office on this PC, or a server.

The choice is a small JSON file in the user's config folder (``platformdirs``; ``CASEDESK_HOME`` when
set, as for the data).  It never holds a password.  A server password comes, in this order, from the
operating system's credential store (the optional ``keyring`` package: Windows Credential Manager,
the Secret Service on Linux) when the user asked to keep it there, from ``PGPASSWORD`` or a pgpass
file (read by libpq itself), or else it is asked for at each start.
"""
from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

from .errors import BadInput, ConnectionSetup
from .i18n import _

KINDS = ("demo", "local", "server")
KEYRING_SERVICE = "CaseDesk"


@dataclass(frozen=True)
class DeskConnection:
    kind: str                                # "demo" | "local" | "server"
    path: str = ""                           # the SQLite file (local)
    host: str = ""
    port: int = 5432
    database: str = "casedesk"
    user: str = "casedesk"
    keep_password: bool = False              # in the operating system's credential store
    options: dict = field(default_factory=dict)   # libpq options, e.g. {"sslmode": "require"}

    def target(self) -> str:
        """What ``open_database`` takes (a server URL without its password)."""
        if self.kind == "demo":
            return str(demo_path())
        if self.kind == "local":
            return self.path or str(default_local_path())
        query = "&".join(f"{k}={quote(str(v))}" for k, v in sorted(self.options.items()))
        return (f"postgresql://{quote(self.user, safe='')}@{self.host}:{int(self.port)}/"
                f"{quote(self.database, safe='')}" + (f"?{query}" if query else ""))

    def label(self) -> str:
        """How the desk names it for people."""
        if self.kind == "demo":
            return _("Văn phòng mẫu (dùng thử)")
        if self.kind == "local":
            return _("Máy này: {path}").format(path=self.target())
        return _("Máy chủ {host}:{port}, cơ sở dữ liệu {db}, người dùng {user}").format(
            host=self.host, port=self.port, db=self.database, user=self.user)

    def key(self) -> str:
        """The credential store's name for this server's password."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"


def config_dir() -> Path:
    override = os.environ.get("CASEDESK_HOME")
    if override:
        return Path(override)
    from .paths import config_dir as user_config_dir      # one answer for the folder, Windows' move included

    return user_config_dir()


def config_file() -> Path:
    return config_dir() / "connection.json"


def demo_path() -> Path:
    from .paths import data_dir

    return data_dir() / "demo.sqlite3"


def default_local_path() -> Path:
    from .paths import default_db_path

    return default_db_path()


def desk_target(given: str | None = None) -> tuple[str, str | None]:
    """What the command line opens: ``--db`` (``given``), ``CASEDESK_DB``, else the register this user's
    desk opens (its remembered choice, Cài đặt → Kết nối), else the default file; with the server password
    when the credential store keeps it (else libpq's PGPASSWORD or pgpass)."""
    if given or os.environ.get("CASEDESK_DB"):
        return given or os.environ["CASEDESK_DB"], None
    choice = load()
    if choice is None:
        return str(default_local_path()), None
    return choice.target(), stored_password(choice) if choice.kind == "server" else None


def load() -> DeskConnection | None:
    """The remembered choice; None on a first run (or a file no one can read: asked again)."""
    try:
        data = json.loads(config_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("kind") not in KINDS:
        return None
    try:
        choice = DeskConnection(kind=data["kind"], path=str(data.get("path") or ""),
                                host=str(data.get("host") or ""), port=int(data.get("port") or 5432),
                                database=str(data.get("database") or "casedesk"),
                                user=str(data.get("user") or "casedesk"),
                                keep_password=data.get("keep_password") is True,
                                options={str(k): str(v) for k, v in dict(data.get("options") or {}).items()})
    except (TypeError, ValueError):
        return None
    if choice.kind == "server":
        try:
            validate_server(choice.host, choice.port, choice.database, choice.user)
        except BadInput:
            return None
    return choice


def save(choice: DeskConnection) -> Path:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(asdict(choice), ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(partial, path)
    return path


def validate_server(host: str, port, database: str, user: str) -> DeskConnection:
    host = (host or "").strip()
    database = (database or "").strip()
    user = (user or "").strip()
    if not host or any(c in host for c in " /@?#"):
        raise BadInput(_("Hãy nhập địa chỉ máy chủ: tên máy (ví dụ may-chu) hoặc địa chỉ IP (ví dụ 192.168.1.10)."),
                       field="host")
    try:
        port = int(str(port).strip())
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise BadInput(_("Cổng phải là một số từ 1 đến 65535 (PostgreSQL thường dùng 5432)."), field="port")
    if not database:
        raise BadInput(_("Hãy nhập tên cơ sở dữ liệu (ví dụ casedesk)."), field="database")
    if not user:
        raise BadInput(_("Hãy nhập tên người dùng của cơ sở dữ liệu (ví dụ casedesk)."), field="user")
    return DeskConnection(kind="server", host=host, port=port, database=database, user=user)


# ------------------------------------------------------------------ the password

def keyring_available() -> bool:
    try:
        import keyring  # noqa: F401
    except ImportError:
        return False
    return True


def stored_password(choice: DeskConnection) -> str | None:
    if not choice.keep_password or not keyring_available():
        return None
    import keyring

    try:
        return keyring.get_password(KEYRING_SERVICE, choice.key())
    except Exception:   # no usable backend on this PC: the password is asked for instead
        return None


def store_password(choice: DeskConnection, password: str) -> bool:
    """Keep the password in the credential store; False when there is none to keep it in."""
    if not keyring_available():
        return False
    import keyring

    try:
        keyring.set_password(KEYRING_SERVICE, choice.key(), password)
        return True
    except Exception:
        return False


def password_from_environment() -> bool:
    """Whether libpq will find a password by itself (PGPASSWORD, or a pgpass file)."""
    if os.environ.get("PGPASSWORD"):
        return True
    pgpass = os.environ.get("PGPASSFILE")
    if not pgpass:
        if os.name == "nt":
            pgpass = os.path.join(os.environ.get("APPDATA", ""), "postgresql", "pgpass.conf")
        else:
            pgpass = os.path.expanduser("~/.pgpass")
    return os.path.isfile(pgpass)


# ------------------------------------------------------------------ "Kiểm tra kết nối"

def describe_failure(exc: BaseException, choice: DeskConnection) -> str:
    """What is wrong with a server connection, in words that say what to fix."""
    text = str(exc)
    low = text.lower()
    where = f"{choice.host}:{choice.port}"
    if "password authentication failed" in low or "no password supplied" in low:
        return _("Sai mật khẩu (hoặc sai tên người dùng {user}) của cơ sở dữ liệu. Hãy nhập lại mật khẩu mà người "
                 "dựng máy chủ đã đặt.").format(user=choice.user)
    if "database" in low and "does not exist" in low:
        return _("Máy chủ {where} không có cơ sở dữ liệu tên {db}. Hãy kiểm tra lại tên (phân biệt chữ hoa, "
                 "chữ thường).").format(where=where, db=choice.database)
    if "role" in low and "does not exist" in low:
        return _("Máy chủ không có người dùng tên {user}. Hãy kiểm tra lại tên người dùng.").format(user=choice.user)
    if "no pg_hba.conf entry" in low:
        return _("Máy chủ {where} chưa cho phép máy này kết nối (thiếu dòng cho mạng nội bộ trong pg_hba.conf; "
                 "xem hướng dẫn several-desks.md).").format(where=where)
    if "could not translate host name" in low or "name or service not known" in low:
        return _("Không tìm thấy máy chủ tên {host} trong mạng. Hãy dùng địa chỉ IP của máy chủ, "
                 "hoặc kiểm tra lại tên máy.").format(host=choice.host)
    if "connection refused" in low:
        return _("Máy {host} có trong mạng nhưng không nhận kết nối ở cổng {port}: PostgreSQL chưa chạy trên máy "
                 "đó, sai cổng, hoặc PostgreSQL chưa mở cho mạng nội bộ (listen_addresses).").format(
                     host=choice.host, port=choice.port)
    if "timeout" in low or "timed out" in low or "no route to host" in low or "network is unreachable" in low:
        return _("Không liên lạc được với máy chủ {where}: máy chủ tắt, khác mạng, hoặc tường lửa chặn cổng {port}."
                 ).format(where=where, port=choice.port)
    if "ssl" in low:
        return _("Máy chủ đòi kết nối mã hóa (SSL) mà thiết lập của máy này chưa khớp: {why}").format(
            why=text.strip().splitlines()[0])
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return _("Không kết nối được tới máy chủ {where}: {why}").format(where=where, why=first)


def check_server(choice: DeskConnection, password: str | None) -> tuple[str, bool]:
    """Connect once (5-second timeout) and say what is there, with whether it holds an office; raises
    ``ConnectionSetup`` saying what to fix.  Runs off the GUI thread (the desktop's runner)."""
    try:
        import psycopg2
    except ImportError:
        raise ConnectionSetup(_("Máy này thiếu thư viện kết nối PostgreSQL (psycopg2): hãy cài lại CaseDesk "
                                "bằng bộ cài đầy đủ.")) from None
    kwargs = dict(host=choice.host, port=choice.port, dbname=choice.database, user=choice.user,
                  connect_timeout=5, **choice.options)
    if password:
        kwargs["password"] = password
    try:
        conn = psycopg2.connect(**kwargs)
    except psycopg2.Error as exc:
        raise ConnectionSetup(describe_failure(exc, choice)) from None
    try:
        return _what_is_there(conn, choice)
    except psycopg2.Error:
        raise ConnectionSetup(_("Cơ sở dữ liệu {db} trên máy chủ có dữ liệu không phải của CaseDesk: hãy kiểm tra "
                                "lại tên cơ sở dữ liệu.").format(db=choice.database)) from None
    finally:
        conn.close()


def _what_is_there(conn, choice: DeskConnection) -> tuple[str, bool]:
    """What the server database holds: an office (its name), nothing yet, or a moved register."""
    cur = conn.cursor()
    cur.execute("SELECT to_regclass('public.\"user\"') IS NOT NULL, to_regclass('public.meta') IS NOT NULL")
    has_users, has_meta = cur.fetchone()
    users = 0
    office = ""
    if has_users:
        cur.execute('SELECT count(*) FROM "user"')
        users = cur.fetchone()[0]
        cur.execute("SELECT value FROM setting WHERE key = 'office_name'")
        row = cur.fetchone()
        office = json.loads(row[0]) if row else ""
    moved = None
    if has_meta:
        cur.execute("SELECT value FROM meta WHERE key = 'moved_to'")
        moved = cur.fetchone()
    if moved:
        from .db import _parse_mark, moved_sentence

        raise ConnectionSetup(moved_sentence(_parse_mark(moved[0])))
    if users:
        return _("Kết nối tốt: máy chủ có sổ hồ sơ của {office}.").format(office=office or "?"), True
    return _("Kết nối tốt, nhưng cơ sở dữ liệu {db} còn trống: chưa có văn phòng nào. Hãy chuyển sổ của văn phòng "
             "lên bằng casedesk-cli move-to (xem hướng dẫn several-desks.md).").format(db=choice.database), False


def adopt_old_register() -> DeskConnection | None:
    """The choice for a register from before the first run asked (made by init or the demo at the default
    place), remembered; None when there is none.  The demo an older CaseDesk built at the real office's
    place goes to the demo's place, which frees the real office's; anything else is this PC's office."""
    from .paths import default_db_path

    old = default_db_path()
    if not _holds_office(old):
        return None
    kind = "demo" if _move_old_demo(old, demo_path()) else "local"
    choice = DeskConnection(kind=kind, path="" if kind == "demo" else str(old))
    save(choice)
    return choice


def _move_old_demo(old: Path, demo: Path) -> bool:
    """Move the demo office an older CaseDesk built at ``old`` to ``demo``; False when ``old`` is a real
    office's register (or the demo's place is taken).  A consistent copy first, then the old files go."""
    from .backup_check import check_file
    from .backup_files import copy_database, remove_quietly, sidecars
    from .demo import file_is_demo

    if demo.exists() or not file_is_demo(old):
        return False
    try:
        copy_database(old, demo)
        if not check_file(demo).ok:
            raise OSError("the copy of the demo does not verify")
    except (OSError, sqlite3.Error) as exc:
        from .logs import log_unexpected

        remove_quietly(demo)
        log_unexpected(exc)
        return False
    for path in [old, *sidecars(old)]:
        remove_quietly(path)
    return True


def _holds_office(path: Path) -> bool:
    """A register with its office at ``path`` (one made before the first run asked, by init or the demo)."""
    from .backup_check import identify

    found = identify(path) if path.exists() else None
    return found is not None and found.users > 0
