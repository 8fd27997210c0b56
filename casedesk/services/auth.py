"""Users, roles and passwords.

Passwords are hashed with Argon2id (memory-hard).  Five wrong passwords in a row
lock the account for a while (office settings); deactivated users cannot log in;
users are never deleted, because the audit trail names them.
"""
from __future__ import annotations

import datetime as dt
import math

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .. import audit, audit_state, context
from ..db import after_write, write
from ..errors import AuthError, BadInput, NotAllowed, NotFound
from ..i18n import _
from ..models import Field, User
from ..text import clean_line, nfc, normalize_phone
from ..workflow import ROLES
from .views import UserView

# 64 MiB, 3 passes: a second of work for an attacker per guess, ~0.1 s for a clerk.
_hasher = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=2)
MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_new_password(password: str | None) -> str:
    if password is None or len(password) < MIN_PASSWORD:
        raise BadInput(_("Mật khẩu phải có ít nhất {n} ký tự.").format(n=MIN_PASSWORD), field="password")
    if len(password) > 256:
        raise BadInput(_("Mật khẩu dài quá 256 ký tự."), field="password")
    return password


def to_view(user: User) -> UserView:
    return UserView(id=user.id, login=user.login, full_name=user.full_name, role=user.role,
                    fields=tuple(user.fields or ()), phone=user.phone or "", active=user.active,
                    must_change_password=user.must_change_password)


def clean_login(login: str | None) -> str:
    text = nfc(login or "").strip().lower()
    if not text:
        raise BadInput(_("Chưa nhập tên đăng nhập."), field="login")
    if len(text) > 64 or not all(ch.isascii() and (ch.isalnum() or ch in "._-") for ch in text):
        raise BadInput(_("Tên đăng nhập chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang (tối đa 64)."),
                       field="login")
    return text


def get_user(login: str) -> User:
    user = User.get_or_none(User.login == clean_login(login))
    if user is None:
        raise NotFound(_("Không có người dùng {login}.").format(login=login))
    return user


def acting_user(login: str) -> User:
    """The user an action is taken by: must exist and be active."""
    user = get_user(login)
    if not user.active:
        raise AuthError(_("Tài khoản {login} đã bị khóa sử dụng.").format(login=user.login))
    return user


def login(login_name: str, password: str) -> UserView:
    """Check a password; counts failures and locks the account after too many."""
    settings = context.settings()
    now = context.now()
    try:
        user = get_user(login_name)
    except (NotFound, BadInput):
        raise AuthError(_("Sai tên đăng nhập hoặc mật khẩu.")) from None
    if not user.active:
        refused = AuthError(_("Tài khoản {login} đã bị khóa sử dụng.").format(login=user.login))
        record_refusal(user.login, "login", refused.message)
        raise refused
    if user.locked_until and user.locked_until > now:
        minutes = max(1, math.ceil((user.locked_until - now).total_seconds() / 60))
        refused = AuthError(_("Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần. Thử lại sau {m} phút.")
                            .format(m=minutes))
        record_refusal(user.login, "login", refused.message)
        raise refused
    ok = False
    if user.password_hash:
        try:
            ok = _hasher.verify(user.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            ok = False
    with write():
        fresh = User.get_by_id(user.id)
        if ok:
            if fresh.failed_logins or fresh.locked_until:
                User.update(failed_logins=0, locked_until=None).where(User.id == user.id).execute()
            if _hasher.check_needs_rehash(fresh.password_hash):
                rehashed = hash_password(password)
                User.update(password_hash=rehashed).where(User.id == user.id).execute()
                audit.record(case_id=None, actor=user.login, action="password_rehash", at=now, recorded_at=now,
                             changes={"login": user.login, "password": audit_state.password_digest(rehashed)})
        else:
            failures = fresh.failed_logins + 1
            locked = None
            if failures >= settings.lockout_attempts:
                locked = now + dt.timedelta(minutes=settings.lockout_minutes)
                failures = 0
            User.update(failed_logins=failures, locked_until=locked).where(User.id == user.id).execute()
            audit.record(case_id=None, actor=user.login, action="login_failed", at=now, recorded_at=now,
                         note=_("Khóa tài khoản {m} phút").format(m=settings.lockout_minutes) if locked else "")
    if not ok:
        raise AuthError(_("Sai tên đăng nhập hoặc mật khẩu."))
    return to_view(User.get_by_id(user.id))


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise NotAllowed(_("Vai trò của {name} không được làm việc này.").format(name=user.full_name))


def _clean_fields(fields) -> list[str]:
    codes = []
    for code in fields or ():
        code = str(code).strip().upper()
        if not Field.get_or_none(Field.code == code):
            raise BadInput(_("Không có lĩnh vực {code}.").format(code=code), field="fields")
        if code not in codes:
            codes.append(code)
    return codes


def add_user(*, actor: str | None, login: str, role: str, full_name: str, password: str,
             fields=(), phone: str = "", must_change_password: bool = False) -> UserView:
    """Create a user.  ``actor`` None is allowed only for the first admin of a new office."""
    if actor is not None:           # first: a refusal is audited whatever was sent (checked again below)
        _deny_unless(acting_user(actor), "admin", "user_add")
    login = clean_login(login)
    if role not in ROLES:
        raise BadInput(_("Vai trò phải là một trong: {roles}.").format(roles=", ".join(ROLES)), field="role")
    full_name = clean_line(full_name, field="full_name", label=_("Họ và tên"), max_len=120)
    password = _check_new_password(password)
    phone = normalize_phone(phone, required=False)
    codes = _clean_fields(fields)
    now = context.now()
    digest = hash_password(password)
    with write():
        if actor is None:
            if User.select().count():
                raise NotAllowed(_("Phải đăng nhập bằng tài khoản quản trị để thêm người dùng."))
            if role != "admin":
                raise BadInput(_("Người dùng đầu tiên phải là quản trị."), field="role")
            actor_login = login
        else:
            admin = acting_user(actor)
            _deny_unless(admin, "admin", "user_add")
            actor_login = admin.login
        if User.get_or_none(User.login == login):
            raise BadInput(_("Tên đăng nhập {login} đã có.").format(login=login), field="login")
        user = User.create(login=login, full_name=full_name, role=role, fields=codes, phone=phone,
                           password_hash=digest, must_change_password=must_change_password, created_at=now)
        audit.record(case_id=None, actor=actor_login, action="user_add", at=now, recorded_at=now,
                     changes={"login": login, "role": role, "full_name": full_name, "fields": codes,
                              "phone": phone or "", "active": True, "must_change_password": bool(must_change_password),
                              "password": audit_state.password_digest(digest)})
    return to_view(user)


def _deny_unless(user: User, role: str, action: str) -> None:
    if user.role != role:
        record_refusal(user.login, action, _("chỉ quản trị được làm"))
        raise NotAllowed(_("Chỉ quản trị được làm việc này."))


def record_refusal(actor: str, action: str, why: str, case_id: int | None = None) -> None:
    """Audit a refused attempt, in its own transaction (the refused one left nothing).

    Called inside the refused action's transaction, it waits for that one to end."""
    now = context.now()

    def record() -> None:
        try:
            with write():
                audit.record(case_id=case_id, actor=actor, action="denied", at=now, recorded_at=now,
                             note=why, changes={"attempted": action})
        except Exception:  # the refusal itself must still reach the user
            pass

    after_write(record)


def set_active(*, actor: str, login: str, active: bool) -> UserView:
    now = context.now()
    with write():
        admin = acting_user(actor)
        _deny_unless(admin, "admin", "user_active")
        user = get_user(login)
        if user.id == admin.id and not active:
            raise BadInput(_("Không thể tự khóa tài khoản của mình."), field="login")
        User.update(active=active).where(User.id == user.id).execute()
        audit.record(case_id=None, actor=admin.login, action="user_activate" if active else "user_deactivate",
                     at=now, recorded_at=now, changes={"login": user.login})
    return to_view(User.get_by_id(user.id))


def update_user(*, actor: str, login: str, full_name: str | None = None, role: str | None = None,
                fields=None, phone: str | None = None) -> UserView:
    now = context.now()
    with write():
        admin = acting_user(actor)
        _deny_unless(admin, "admin", "user_edit")
        user = get_user(login)
        changes = {}
        if full_name is not None:
            changes["full_name"] = clean_line(full_name, field="full_name", label=_("Họ và tên"), max_len=120)
        if role is not None:
            if role not in ROLES:
                raise BadInput(_("Vai trò phải là một trong: {roles}.").format(roles=", ".join(ROLES)),
                               field="role")
            changes["role"] = role
        if fields is not None:
            changes["fields"] = _clean_fields(fields)
        if phone is not None:
            changes["phone"] = normalize_phone(phone, required=False)
        if changes:
            User.update(**changes).where(User.id == user.id).execute()
            audit.record(case_id=None, actor=admin.login, action="user_edit", at=now, recorded_at=now,
                         changes={"login": user.login, **changes})
    return to_view(User.get_by_id(user.id))


def set_password(*, actor: str, login: str, password: str, old_password: str | None = None) -> None:
    """An admin resets anyone's password; a user changes their own with the old one."""
    password = _check_new_password(password)
    now = context.now()
    digest = hash_password(password)
    user = get_user(login)
    me = acting_user(actor)
    if me.id == user.id and me.role != "admin":
        if not old_password or not _verify(user, old_password):
            raise AuthError(_("Mật khẩu cũ không đúng."))
    elif me.role != "admin":
        record_refusal(me.login, "set_password", _("chỉ quản trị được đặt lại mật khẩu"))
        raise NotAllowed(_("Chỉ quản trị được đặt lại mật khẩu người khác."))
    with write():
        User.update(password_hash=digest, must_change_password=(me.id != user.id),
                    failed_logins=0, locked_until=None).where(User.id == user.id).execute()
        audit.record(case_id=None, actor=me.login, action="password_set", at=now, recorded_at=now,
                     changes={"login": user.login, "password": audit_state.password_digest(digest),
                              "must_change_password": me.id != user.id})


def _verify(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash or "", password)
    except (VerificationError, InvalidHashError):
        return False


def list_users(*, include_inactive: bool = True) -> list[UserView]:
    from ..text import name_sort_key

    query = User.select()
    if not include_inactive:
        query = query.where(User.active == True)  # noqa: E712
    return sorted((to_view(u) for u in query), key=lambda u: name_sort_key(u.full_name))
