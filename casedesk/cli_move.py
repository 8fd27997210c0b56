"""``casedesk-cli move-to TARGET --as ADMIN``: the register moves to the server, or back to one file.

From SQLite to an empty PostgreSQL database (the office gets several desks), or from PostgreSQL
to a new SQLite file (the office goes back to one PC).  Everything is copied, checked there
(counts, the whole audit chain), and the source is marked as moved: opening it afterwards says
where the register lives and refuses to write.  Exit 2 for a target that is not empty (or not
new), 3 for someone who is not an admin, 5 when the copy does not verify (nothing is kept),
7 when the server cannot be reached with those settings.
"""
from __future__ import annotations

import sys
import time

from .errors import BadInput, NotAllowed
from .i18n import _, format_int


class _Progress:
    """One line per table, and on a terminal a counter updated in place (at most 5 times a second)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last = 0.0
        self.table = None
        self.printed_pct = -1

    def __call__(self, table: str, done: int, total: int) -> None:
        if table != self.table:
            if self.table is not None and self.tty:
                self.stream.write("\n")
            self.table = table
            self.printed_pct = -1
        now = time.monotonic()
        finished = done >= total
        if self.tty:
            if finished or now - self.last > 0.2:
                self.last = now
                self.stream.write(f"\r  {table}: {format_int(done)} / {format_int(total)}")
                self.stream.flush()
            return
        pct = 100 if not total else done * 100 // total
        if (pct // 10 > self.printed_pct // 10 and total >= 10_000) or (finished and self.printed_pct < 100):
            self.printed_pct = pct
            self.stream.write(f"  {table}: {format_int(done)} / {format_int(total)}\n")
            self.stream.flush()

    def close(self) -> None:
        if self.tty and self.table is not None:
            self.stream.write("\n")


def cmd_move_to(args) -> int:
    from .cli import authenticate, emit_json, open_db
    from .cli_trust import _confirm
    from .services import auth, office
    from .transfer import describe, move_register

    open_db(args)
    if not office.is_initialised():
        raise BadInput(_("Cơ sở dữ liệu chưa được khởi tạo: không có sổ nào để chuyển."))
    actor = authenticate(args.as_user)
    if auth.get_user(actor).role != "admin":
        auth.record_refusal(actor, "move_to", _("chỉ quản trị được chuyển sổ"))
        raise NotAllowed(_("Chỉ quản trị được chuyển sổ hồ sơ sang nơi khác."))
    where = describe(args.target)
    if not args.yes and not _confirm(_("Chuyển toàn bộ sổ hồ sơ sang {where}? Sau đó mọi máy phải mở sổ ở đó; "
                                       "bản ở đây chỉ còn để xem. [y/N] ").format(where=where)):
        raise BadInput(_("Chưa chuyển: cần xác nhận (gõ y, hoặc thêm --yes)."))
    progress = _Progress()
    print(_("Đang chuyển sổ sang {where}…").format(where=where), file=sys.stderr)
    started = time.monotonic()
    try:
        result = move_register(args.target, actor=actor, progress=progress)
    finally:
        progress.close()
    seconds = time.monotonic() - started
    if args.json:
        emit_json({"source": result.source, "target": result.target, "counts": result.counts,
                   "audit_rows": result.audit_rows, "verified": True, "seconds": round(seconds, 1)})
        return 0
    print(_("Đã chuyển và kiểm tra: {cases} hồ sơ, {users} người dùng, {rows} dòng nhật ký (chuỗi băm khớp), "
            "trong {s} giây.").format(cases=format_int(result.counts.get("case", 0)),
                                      users=format_int(result.counts.get("user", 0)),
                                      rows=format_int(result.audit_rows), s=format_int(round(seconds))))
    print(_("Sổ hồ sơ giờ ở {where}. Hãy cho mọi máy kết nối tới đó (Cài đặt → Kết nối); "
            "bản ở {source} đã được đánh dấu là đã chuyển.").format(where=result.target, source=result.source))
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("move-to", help=_("chuyển toàn bộ sổ hồ sơ lên máy chủ PostgreSQL "
                                                "hoặc về một tệp SQLite mới"))
    p.add_argument("target", metavar="TARGET",
                   help=_("postgresql://người_dùng@máy_chủ:5432/tên_csdl (trống) hoặc đường dẫn tệp .sqlite3 mới"))
    p.add_argument("--as", dest="as_user", required=True, metavar="LOGIN", help=_("quản trị thực hiện"))
    p.add_argument("--yes", action="store_true", help=_("không hỏi lại"))
    p.add_argument("--json", action="store_true", help=_("in một tài liệu JSON"))
    p.set_defaults(func=cmd_move_to)
