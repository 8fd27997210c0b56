"""``casedesk-cli demo``: the demo office, made or given more sample cases -- and nothing else.

It needs no login because it only ever writes into a demo office: a register it built (marked in
``meta``), or one built before the mark existed that is exactly the demo office.  A real office's
register is refused (exit 3) with nothing written.
"""
from __future__ import annotations

from .errors import BadInput, NotAllowed
from .i18n import _


def cmd_demo(args) -> int:
    from .cli import DEMO_MAX_CASES, open_db
    from .demo import build_demo, is_demo
    from .services import office

    if not 0 <= args.cases <= DEMO_MAX_CASES:
        raise BadInput(_("{flag} phải từ 0 đến {n}.").format(flag="--cases", n=f"{DEMO_MAX_CASES:,}".replace(",", ".")))

    path = open_db(args, must_exist=False)
    if office.is_initialised() and not is_demo():
        raise NotAllowed(_("{path} là sổ hồ sơ của một văn phòng thật: “demo” chỉ tạo hoặc thêm hồ sơ mẫu vào văn "
                           "phòng mẫu, không ghi vào đây. Hãy chọn một tệp khác bằng --db (ví dụ demo.sqlite3).")
                         .format(path=path))
    info = build_demo(cases=args.cases, seed=args.seed)
    print(_("Văn phòng mẫu: {office} — {n} hồ sơ.").format(office=info["office"], n=info["cases"]))
    print(_("Tài khoản (mật khẩu chỉ in một lần):"))
    for login, role, name, password in info["users"]:
        print(f"  {login:12} {role:14} {password:14} {name}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("demo", help=_("tạo văn phòng mẫu"))
    p.add_argument("--cases", type=int, default=300, help=_("số hồ sơ mẫu (mặc định 300)"))
    p.add_argument("--seed", type=int, default=1, help=_("hạt giống ngẫu nhiên: cùng số, cùng văn phòng"))
    p.set_defaults(func=cmd_demo)
