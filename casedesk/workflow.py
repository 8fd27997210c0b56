"""The case state machine: states, actions, and who may take each.

This table is the only authority on permissions: the services consult it
before every change and the desktop asks it which buttons to show.
"""
from __future__ import annotations

from dataclasses import dataclass

from .i18n import N_, _

RECEIVED = "received"
ASSIGNED = "assigned"
SUPPLEMENT = "supplement_requested"
AWAITING = "awaiting_approval"
APPROVED = "approved"
REFUSED = "refused"
WITHDRAWN = "withdrawn"
DELIVERED = "delivered"

STATES = (RECEIVED, ASSIGNED, SUPPLEMENT, AWAITING, APPROVED, REFUSED, WITHDRAWN, DELIVERED)
OPEN_STATES = (RECEIVED, ASSIGNED, SUPPLEMENT, AWAITING)       # not yet resolved
RESOLVED_STATES = (APPROVED, REFUSED, WITHDRAWN)               # the report's "đã giải quyết"
DELIVERABLE = (APPROVED, REFUSED)

STATE_LABELS = {
    RECEIVED: N_("Mới tiếp nhận"),
    ASSIGNED: N_("Đang xử lý"),
    SUPPLEMENT: N_("Chờ bổ sung"),
    AWAITING: N_("Chờ phê duyệt"),
    APPROVED: N_("Đã phê duyệt, chờ trả"),
    REFUSED: N_("Từ chối, chờ trả"),
    WITHDRAWN: N_("Đã rút / dừng"),
    DELIVERED: N_("Đã trả kết quả"),
}

ROLES = ("admin", "clerk", "officer", "vice_chairman")
ROLE_LABELS = {
    "admin": N_("Quản trị"),
    "clerk": N_("Tiếp nhận và trả kết quả"),
    "officer": N_("Công chức chuyên môn"),
    "vice_chairman": N_("Phó Chủ tịch"),
}

CHANNELS = ("in_person", "post", "online")
CHANNEL_LABELS = {"in_person": N_("Trực tiếp"), "post": N_("Bưu chính"), "online": N_("Trực tuyến")}
RATINGS = ("very_satisfied", "satisfied", "unsatisfied")
RATING_LABELS = {"very_satisfied": N_("Rất hài lòng"), "satisfied": N_("Hài lòng"),
                 "unsatisfied": N_("Không hài lòng")}

ASSIGNEE = "assignee"  # a pseudo-role: the officer the case is assigned to


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple[str, ...]       # states it starts from (empty for receive)
    target: str | None             # None: the state does not change
    roles: tuple[str, ...]         # roles allowed; ASSIGNEE means the case's own officer
    needs_note: bool = False


ACTIONS: dict[str, Action] = {a.name: a for a in (
    Action("receive", N_("Tiếp nhận"), (), RECEIVED, ("clerk",)),
    Action("assign", N_("Chuyển xử lý"), (RECEIVED, ASSIGNED), ASSIGNED, ("clerk", "vice_chairman")),
    Action("request_supplement", N_("Yêu cầu bổ sung"), (ASSIGNED,), SUPPLEMENT, (ASSIGNEE,), True),
    Action("resume", N_("Đã bổ sung, tiếp tục"), (SUPPLEMENT,), ASSIGNED, (ASSIGNEE,)),
    Action("submit", N_("Trình phê duyệt"), (ASSIGNED,), AWAITING, (ASSIGNEE,)),
    Action("approve", N_("Phê duyệt"), (AWAITING,), APPROVED, ("vice_chairman",)),
    Action("return", N_("Trả lại để xử lý lại"), (AWAITING,), ASSIGNED, ("vice_chairman",), True),
    Action("refuse", N_("Từ chối giải quyết"), (AWAITING,), REFUSED, ("vice_chairman",), True),
    Action("extend", N_("Xin lỗi và gia hạn"), OPEN_STATES, None, (ASSIGNEE, "vice_chairman"), True),
    Action("verify_extend", N_("Gia hạn để xác minh"), (ASSIGNED, SUPPLEMENT, AWAITING), None,
           (ASSIGNEE, "vice_chairman"), True),
    Action("withdraw", N_("Dừng giải quyết (công dân rút)"), OPEN_STATES, WITHDRAWN, ("clerk",)),
    Action("deliver", N_("Trả kết quả"), DELIVERABLE, DELIVERED, ("clerk",)),
)}


def label(action: str) -> str:
    return _(ACTIONS[action].label)


# audit rows of a case that are not workflow actions, as the history names them
EVENT_LABELS = {
    "denied": N_("Thao tác bị từ chối"),
    "undo_approve": N_("Hoàn tác phê duyệt"),
    "office_key": N_("Tạo khóa ký giấy hẹn"),
}


def event_label(action: str) -> str:
    """A history row's action in words: every screen and the command line name it the same way."""
    if action in ACTIONS:
        return label(action)
    return _(EVENT_LABELS[action]) if action in EVENT_LABELS else action


def state_label(state: str) -> str:
    return _(STATE_LABELS.get(state, state))


def role_may(role: str, action: str, *, is_assignee: bool) -> bool:
    """Whether a user of ``role`` may take ``action`` (ignoring the case's state)."""
    allowed = ACTIONS[action].roles
    if role in allowed:
        return True
    return ASSIGNEE in allowed and role == "officer" and is_assignee


def state_allows(state: str | None, action: str) -> bool:
    spec = ACTIONS[action]
    if not spec.sources:
        return state is None
    return state in spec.sources


def allowed_actions(*, role: str, state: str, is_assignee: bool, extended: bool = False,
                    can_verify: bool = False) -> list[str]:
    """The actions this user may take on a case in this state, in display order.  ``can_verify``: the
    procedure allows a verification extension and the case has not used it."""
    names = []
    for name in ACTIONS:
        if name == "receive":
            continue
        if name == "extend" and extended:
            continue
        if name == "verify_extend" and not can_verify:
            continue
        if state_allows(state, name) and role_may(role, name, is_assignee=is_assignee):
            names.append(name)
    return names
