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


_dummy: dict[int, str] = {}


def _dummy_hash() -> str:
    """A hash made with the hasher's own parameters, verified when there is no real one to verify
    (unknown login, locked or deactivated account): every refusal costs the time of a wrong password."""
    key = id(_hasher)
    if key not in _dummy:
        _dummy[key] = _hasher.hash("casedesk: no such account")
    return _dummy[key]


def _for_update(query):
    """The row locked until the transaction ends (PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already
    holds the whole register)."""
    from ..db import database, is_sqlite

    return query if is_sqlite(database.obj) else query.for_update()


def _typed_login(login_name) -> str:
    """The login as typed, kept short and printable for the audit row of an unknown login."""
    text = "".join(ch for ch in nfc(str(login_name or "")) if ch.isprintable())
    return text.strip()[:64]


def login(login_name: str, password: str) -> UserView:
    """Check a password, counting the attempt *before* verifying it.

    Each attempt takes a numbered place in the account's failure count inside a write
    transaction (the register's write lock on SQLite, the user's row on PostgreSQL); the attempt
    that reaches the office's allowance locks the account, and every later one is refused without
    its password being verified.  So however many guesses arrive at once, at most the allowance
    are verified in a lock period.  A right password takes back its own place in the count (and
    those before it); it lifts a lock only if it set that lock itself, never one set by others.

    Every refusal (unknown login, wrong password, locked or deactivated account) reads the same,
    costs the same (a dummy hash with the same parameters is verified) and is audited; why it was
    refused, and for how long a lock holds, is in the audit row only.
    """
    settings = context.settings()
    now = context.now()
    try:
        name = clean_login(login_name)
    except BadInput:
        name = None
    refusal = None        # why the password was not even looked at
    ticket = 0            # this attempt's place in the failure count
    my_lock = None        # the lock this attempt set, if it reached the allowance
    with write():
        user = _for_update(User.select().where(User.login == name)).first() if name else None
        if user is None:
            refusal = "unknown"
        elif not user.active:
            refusal = "inactive"
        elif user.locked_until and user.locked_until > now:
            refusal = "locked"
        else:
            count = 0 if user.locked_until else user.failed_logins   # a lock that ran out starts afresh
            ticket = count + 1
            if ticket >= settings.lockout_attempts:
                my_lock = now + dt.timedelta(minutes=settings.lockout_minutes)
            User.update(failed_logins=ticket, locked_until=my_lock).where(User.id == user.id).execute()
    digest = user.password_hash if refusal is None and user.password_hash else _dummy_hash()
    try:
        ok = _hasher.verify(digest, password or "") and refusal is None and bool(user.password_hash)
    except (VerificationError, InvalidHashError):
        ok = False
    with write():
        if ok:
            fresh = _for_update(User.select().where(User.id == user.id)).first()
            changes = {"failed_logins": max(0, fresh.failed_logins - ticket)}
            if my_lock is not None and fresh.locked_until == my_lock:
                changes["locked_until"] = None     # its own lock only: one set by other attempts stays
            if _hasher.check_needs_rehash(fresh.password_hash):
                changes["password_hash"] = hash_password(password)
            User.update(**changes).where(User.id == user.id).execute()
            if "password_hash" in changes:       # the stored hash is state the audit speaks for
                audit.record(case_id=None, actor=user.login, action="password_rehash", at=now, recorded_at=now,
                             changes={"login": user.login,
                                      "password": audit_state.password_digest(changes["password_hash"])})
        elif refusal == "unknown":
            audit.record(case_id=None, actor="?", action="login_failed", at=now, recorded_at=now,
                         note=_("Không có tài khoản này"), changes={"login": _typed_login(login_name)})
        elif refusal == "inactive":
            audit.record(case_id=None, actor=user.login, action="denied", at=now, recorded_at=now,
                         note=_("Tài khoản đã bị khóa sử dụng"), changes={"attempted": "login"})
        elif refusal == "locked":
            minutes = max(1, math.ceil((user.locked_until - now).total_seconds() / 60))
            audit.record(case_id=None, actor=user.login, action="denied", at=now, recorded_at=now,
                         note=_("Tài khoản đang tạm khóa do nhập sai mật khẩu nhiều lần, còn {m} phút")
                         .format(m=minutes), changes={"attempted": "login"})
        else:
            audit.record(case_id=None, actor=user.login, action="login_failed", at=now, recorded_at=now,
                         note=_("Khóa tài khoản {m} phút").format(m=settings.lockout_minutes) if my_lock else "")
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


def _keep_an_admin(user: User) -> None:
    """Refuse to demote or deactivate the last active admin: nobody could add users, reset a
    password or restore a backup any more.  Inside the write transaction (the admins' rows held on
    PostgreSQL, so two admins demoting each other at once can't both succeed)."""
    if user.role != "admin" or not user.active:
        return
    admins = _for_update(User.select(User.id).where((User.role == "admin") & (User.active == True)))  # noqa: E712
    if not any(row.id != user.id for row in admins):
        raise BadInput(_("{login} là quản trị duy nhất còn hoạt động: hãy cho một người khác làm quản trị "
                         "trước.").format(login=user.login), field="role")


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
        except Exception as exc:  # noqa: BLE001 - the refusal itself must still reach the user; the lost
            from ..logs import log_unexpected   # audit row must not go unnoticed: it is in the error log

            log_unexpected(exc)

    after_write(record)


def set_active(*, actor: str, login: str, active: bool) -> UserView:
    now = context.now()
    with write():
        admin = acting_user(actor)
        _deny_unless(admin, "admin", "user_active")
        user = get_user(login)
        if user.id == admin.id and not active:
            raise BadInput(_("Không thể tự khóa tài khoản của mình."), field="login")
        if not active:
            _keep_an_admin(user)
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
            if role != "admin":
                _keep_an_admin(user)
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
    if old_password is not None and password == old_password:
        raise BadInput(_("Mật khẩu mới phải khác mật khẩu cũ."), field="password")
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
