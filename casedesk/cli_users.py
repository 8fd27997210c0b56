"""``casedesk-cli user add | list | password``, and the acting user's password for every command.

The acting user's password comes from ``CASEDESK_PASSWORD`` or a prompt; a new one from
``CASEDESK_NEW_PASSWORD`` or a prompt.  A user whose password the administrator set must change
it (``user password --as LOGIN``) before any other command accepts them.
"""
from __future__ import annotations

import getpass
import os
import sys

from .errors import BadInput, NotAllowed
from .i18n import _
from .workflow import ROLE_LABELS


def _secret(env: str, prompt: str, *, confirm: bool = False) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise BadInput(_("Chưa có mật khẩu: đặt biến môi trường {env} hoặc chạy trong cửa sổ lệnh.").format(env=env))
    value = getpass.getpass(prompt)
    if confirm and getpass.getpass(_("Nhập lại mật khẩu: ")) != value:
        raise BadInput(_("Hai lần nhập mật khẩu không khớp."))
    return value


def authenticate(login: str, *, changing_password: bool = False) -> str:
    """Check the acting user's password; returns the login.

    A user whose password was set by the administrator must change it before anything else:
    every command refuses them (exit 3) except ``user password --as LOGIN``."""
    return _authenticated(login, changing_password=changing_password)[0]


def _authenticated(login: str, *, changing_password: bool = False) -> tuple[str, str]:
    from .services import auth

    if not login:
        raise BadInput(_("Thiếu --as LOGIN (người thực hiện)."))
    password = _secret("CASEDESK_PASSWORD", _("Mật khẩu của {login}: ").format(login=login))
    user = auth.login(login, password)
    if user.must_change_password and not changing_password:
        auth.record_refusal(user.login, "command_line", _("chưa đổi mật khẩu do quản trị đặt"))
        raise NotAllowed(_("{login} phải đổi mật khẩu do quản trị đặt trước khi làm việc: chạy "
                           "“casedesk-cli user password --as {login}” (mật khẩu mới lấy từ CASEDESK_NEW_PASSWORD "
                           "hoặc được hỏi).").format(login=user.login))
    return user.login, password


def cmd_user_add(args) -> int:
    from .cli import emit_json, open_db
    from .services import auth

    open_db(args)
    actor = authenticate(args.as_user)
    password = _secret("CASEDESK_NEW_PASSWORD", _("Mật khẩu cho {login}: ").format(login=args.login), confirm=True)
    user = auth.add_user(actor=actor, login=args.login, role=args.role, full_name=args.full_name,
                         password=password, fields=args.field or (), phone=args.phone or "",
                         must_change_password=True)
    if args.json:
        emit_json(user)
    else:
        print(_("Đã thêm {name} ({login}).").format(name=user.full_name, login=user.login))
    return 0


def cmd_user_password(args) -> int:
    """Change one's own password (LOGIN omitted or one's own), or, as admin, set another user's
    (who must then change it at their next login)."""
    from .cli import open_db
    from .services import auth

    open_db(args)
    target = auth.clean_login(args.login) if args.login else None
    own = target is None or target == auth.clean_login(args.as_user)
    actor, current = _authenticated(args.as_user, changing_password=own)
    target = target or actor
    password = _secret("CASEDESK_NEW_PASSWORD", _("Mật khẩu mới cho {login}: ").format(login=target), confirm=True)
    auth.set_password(actor=actor, login=target, password=password, old_password=current if own else None)
    if own:
        print(_("Đã đổi mật khẩu của {login}.").format(login=target))
    else:
        print(_("Đã đặt mật khẩu mới cho {login}; người đó phải đổi mật khẩu khi đăng nhập lần sau.")
              .format(login=target))
    return 0


def cmd_user_list(args) -> int:
    from .cli import emit_json, open_db
    from .services import auth

    open_db(args)
    users = auth.list_users()
    if args.json:
        emit_json(users)
    else:
        for u in users:
            mark = "" if u.active else _(" (đã khóa)")
            print(f"{u.login:16} {_(ROLE_LABELS.get(u.role, u.role)):26} {u.full_name}{mark}")
    return 0
