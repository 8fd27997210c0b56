"""``casedesk-cli status-page --host ADDR --port N``: the read-only status page on the office's LAN
(``status_web``).  Runs until Ctrl+C.  The register is opened read-only (SQLite ``mode=ro``; on
PostgreSQL give the URL of the read-only role, docs/status-page.md); lookups go to a log file."""
from __future__ import annotations

import ipaddress
import sys

from .errors import BadInput, ConnectionSetup
from .i18n import _


def check_host(host: str) -> str:
    host = (host or "").strip()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if host != "localhost":
            raise BadInput(_("Địa chỉ “{host}” không hợp lệ: cần địa chỉ IP của máy này trong mạng nội bộ (ví "
                             "dụ 192.168.1.10), 127.0.0.1 để chỉ máy này xem, hoặc 0.0.0.0 cho mọi mạng.").format(
                host=host[:60]), field="host") from None
    return host


def check_port(port: int) -> int:
    if not 1024 <= port <= 65535:
        raise BadInput(_("Cổng phải từ 1024 đến 65535."), field="port")
    return port


def cmd_status_page(args) -> int:
    import os

    from . import status_web
    from .paths import default_db_path

    host, port = check_host(args.host), check_port(args.port)
    target = args.db or os.environ.get("CASEDESK_DB") or str(default_db_path())
    from . import status_data

    status_data.open_read_only(target)
    app = status_web.create_app(log_path=args.log)
    log = args.log or status_data.default_log_path()
    print(_("Trang tra cứu: http://{host}:{port}/tra-cuu — màn hình phòng chờ: http://{host}:{port}/man-hinh "
            "(chỉ đọc; nhật ký tra cứu: {log}). Nhấn Ctrl+C để dừng.").format(host=host, port=port, log=log),
          file=sys.stderr, flush=True)
    from waitress import serve

    try:
        serve(app, host=host, port=port, threads=4, ident="CaseDesk")
    except OSError as exc:
        raise ConnectionSetup(_("Không mở được cổng {port} trên {host}: {why}. Chọn cổng khác hoặc tắt chương trình "
                                "đang dùng cổng đó.").format(port=port, host=host, why=exc.strerror or exc)) from None
    return 0


def register(sub) -> None:
    p = sub.add_parser("status-page", help=_("trang tra cứu tình trạng hồ sơ trên mạng nội bộ (chỉ đọc)"))
    p.add_argument("--host", default="127.0.0.1", help=_("địa chỉ lắng nghe (mặc định 127.0.0.1: chỉ máy này)"))
    p.add_argument("--port", type=int, default=8080, help=_("cổng (mặc định 8080)"))
    p.add_argument("--log", help=_("tệp nhật ký tra cứu (mặc định: trong thư mục dữ liệu)"))
    p.set_defaults(func=cmd_status_page)
