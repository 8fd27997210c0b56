"""Is the open register sound?  One answer from four checks, each reading only:

1. SQLite's integrity check (the file itself);
2. the audit hash chain (no row edited, inserted or deleted: ``audit``);
3. the replay (every case, user, setting, calendar year and procedure version holds what its
   audit rows say: ``replay``, ``replay_office``);
4. the anchors (the chain still holds every head written down outside the file: ``anchors``).

``casedesk-cli check`` prints it; the desktop runs it once at start on a thread of its own
(reads only, so it never waits for the desk's writes) and shows a warning banner when it fails.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .anchors import Anchor, AnchorProblem
from .audit import ChainReport, verify_chain
from .db import integrity_check
from .i18n import N_, _
from .replay import Difference, Replay

# How a column is named in a sentence (the column's own name follows in brackets).
LABELS = {
    "state": N_("trạng thái"), "assignee": N_("người xử lý"), "due_date": N_("hạn trả"), "extended": N_("đã gia hạn"),
    "paused_on": N_("ngày tạm dừng"), "resolved_at": N_("thời điểm giải quyết"), "resolved_on": N_("ngày giải quyết"),
    "delivered_at": N_("thời điểm trả kết quả"), "receiver": N_("người nhận kết quả"), "rating": N_("mức hài lòng"),
    "received_at": N_("thời điểm tiếp nhận"), "received_on": N_("ngày tiếp nhận"), "received_by": N_("người tiếp nhận"),
    "last_event_at": N_("thời điểm thao tác cuối"), "citizen_name": N_("họ tên"), "id_number": N_("số định danh"),
    "phone": N_("số điện thoại"), "address": N_("địa chỉ"), "email": N_("thư điện tử"), "birth_date": N_("ngày sinh"),
    "channel": N_("hình thức nộp"), "pickup": N_("nơi nhận kết quả"), "sets": N_("số bộ"), "fee": N_("lệ phí"),
    "papers": N_("giấy tờ"), "field_code": N_("lĩnh vực"), "ledger_book": N_("sổ theo dõi"), "ledger_no": N_("số thứ tự sổ"),
    "full_name": N_("họ tên"), "role": N_("vai trò"), "fields": N_("lĩnh vực phụ trách"), "active": N_("đang hoạt động"),
    "must_change_password": N_("phải đổi mật khẩu"), "password": N_("mật khẩu"), "name": N_("tên"), "days": N_("thời hạn"),
    "effective_from": N_("ngày hiệu lực"), "department_code": N_("cơ quan"), "fee_note": N_("ghi chú lệ phí"),
    "result": N_("kết quả"), "data": N_("dữ liệu"), "*": N_("cả dòng"), "reason": N_("lý do"),
    "refused_at": N_("thời điểm từ chối"), "refused_by": N_("người từ chối"), "procedure": N_("thủ tục"),
    "code": N_("mã hồ sơ"), "number": N_("số"),
}


def label(name: str) -> str:
    text = _(LABELS[name]) if name in LABELS else name
    return f"{text} ({name})" if text != name else name


def _shown(value) -> str:
    return "" if value is None else str(value)


def describe(d: Difference) -> str:
    """One Vietnamese sentence for a difference between a table and the replay of its audit rows."""
    what = {"key": d.key, "field": label(d.field), "found": _shown(d.found), "recorded": _shown(d.recorded)}
    if d.kind == "audit":
        return _("Nhật ký không còn dòng nào, nhưng cơ sở dữ liệu có người dùng: nhật ký đã bị xóa.")
    if d.kind == "case":
        if d.field == "receive":
            return _("Hồ sơ {key}: không có (đúng một) dòng tiếp nhận ở đầu nhật ký của hồ sơ.").format(**what)
        if d.field == "*":
            return _("Nhật ký có dòng của hồ sơ {key} nhưng hồ sơ đó không còn trong dữ liệu.").format(**what)
        if d.field == "intake_block":
            return _("Hồ sơ {key} (nhận trước khi nâng cấp lên phiên bản này): thông tin tiếp nhận của ít nhất một "
                     "hồ sơ trong khoảng này đã bị sửa, hoặc có hồ sơ bị xóa hay thêm vào (nhật ký ghi {recorded} "
                     "hồ sơ, nay có {found}).").format(**what)
        if d.recorded is None:
            return _("Hồ sơ {key}: {field} là “{found}”, khác với lúc tiếp nhận ghi trong nhật ký.").format(**what)
        return _("Hồ sơ {key}: {field} là “{found}”, nhật ký ghi “{recorded}”.").format(**what)
    if d.kind == "user":
        if d.field == "*":
            if d.found is None:
                return _("Người dùng {key} có trong nhật ký nhưng không còn trong dữ liệu.").format(**what)
            return _("Người dùng {key} không do dòng nhật ký nào tạo ra.").format(**what)
        if d.field == "password":
            return _("Người dùng {key}: mật khẩu đã bị thay mà không qua chương trình.").format(**what)
        return _("Người dùng {key}: {field} là “{found}”, nhật ký ghi “{recorded}”.").format(**what)
    if d.kind == "setting":
        if d.recorded is None:
            return _("Cài đặt {key} là “{found}” nhưng không dòng nhật ký nào ghi nó.").format(**what)
        if d.found is None:
            return _("Cài đặt {key} có trong nhật ký (“{recorded}”) nhưng không còn trong dữ liệu.").format(**what)
        return _("Cài đặt {key} là “{found}”, nhật ký ghi “{recorded}”.").format(**what)
    if d.kind == "calendar":
        if d.field == "*":
            return _("Lịch năm {key} không do dòng nhật ký nào ghi.").format(**what)
        return _("Lịch năm {key} đã bị sửa mà không qua chương trình.").format(**what)
    if d.kind == "refusal":
        if d.field == "*":
            if d.found is None:
                return _("Phiếu từ chối {key} có trong nhật ký nhưng không còn trong dữ liệu.").format(**what)
            return _("Phiếu từ chối {key} không do dòng nhật ký nào ghi.").format(**what)
        return _("Phiếu từ chối {key}: {field} là “{found}”, nhật ký ghi “{recorded}”.").format(**what)
    if d.kind == "duty":
        return _("Lịch trực {key}: nơi trực là “{found}”, nhật ký ghi “{recorded}”.").format(**what)
    if d.kind == "form_number":
        return _("Số giấy tờ {key} là “{found}”, nhật ký ghi “{recorded}”.").format(**what)
    if d.field == "*":
        return _("Thủ tục {key} không có trong nhật ký.").format(**what)
    if d.recorded is None:
        return _("Thủ tục {key}: {field} là “{found}”, khác với nhật ký.").format(**what)
    return _("Thủ tục {key}: {field} là “{found}”, nhật ký ghi “{recorded}”.").format(**what)


@dataclass(frozen=True)
class RegisterCheck:
    integrity: tuple[str, ...]        # SQLite's complaints; empty when the file is sound
    chain: ChainReport
    replay: Replay | None = None
    anchors: tuple[Anchor, ...] = ()
    anchor_problems: tuple[AnchorProblem, ...] = ()
    head: str = ""                    # the chain's head as an anchor, N:abcdef1234
    notes: tuple[str, ...] = field(default=())

    @property
    def differences(self) -> list[Difference]:
        return self.replay.differences if self.replay is not None else []

    @property
    def ok(self) -> bool:
        return not self.integrity and self.chain.ok and not self.differences and not self.anchor_problems

    def problems(self) -> list[str]:
        """Every finding, one Vietnamese sentence each."""
        found = []
        if self.integrity:
            found.append(_("tệp dữ liệu bị hỏng ({detail})").format(detail="; ".join(self.integrity[:3])))
        if not self.chain.ok:
            found.append(self.chain.problem)
        found += [describe(d) for d in self.differences]
        found += [p.message for p in self.anchor_problems]
        return found

    def problem(self) -> str:
        """One Vietnamese sentence for a banner; empty when all is well."""
        found = self.problems()
        if len(found) > 4:
            found = found[:3] + [_("và {n} điểm khác (chạy casedesk-cli check)").format(n=len(found) - 3)]
        return "; ".join(found)


def _backup_anchors() -> tuple[list[Anchor], list[str]]:
    """The anchors in this register's backups folder (none for PostgreSQL or a register without an id)."""
    from .backup_files import backups_root, valid_register_id
    from .models import Meta

    row = Meta.get_or_none(Meta.key == "register_id")
    register = row.value if row is not None else ""
    if not valid_register_id(register):
        return [], []
    from .anchors import find

    found, _others = find(backups_root() / register, register, depth=0, local=True)
    return found, []


def check_register(*, anchors: list[Anchor] | tuple = (), against: list | tuple = (),
                   replay: bool = True, backups: bool = True) -> RegisterCheck:
    """Every check on the open database, reading only (minutes on a million cases: off the GUI thread).

    ``anchors``: typed from paper; ``against``: folders searched for anchors (a USB stick);
    ``backups``: also this register's backups folder."""

    from .db import read_snapshot

    with read_snapshot():          # the chain, the tables and the head as of one moment
        return _check(anchors, against, replay, backups)


def _check(anchors, against, replay: bool, backups: bool) -> RegisterCheck:
    from pathlib import Path

    from .anchors import compare, find, head, superseded
    from .backup_files import valid_register_id
    from .models import Meta
    from .replay import replay_register

    chain = verify_chain()
    replayed = replay_register() if replay else None
    found = list(anchors)
    if backups:
        found += _backup_anchors()[0]
    row = Meta.get_or_none(Meta.key == "register_id")
    register = row.value if row is not None and valid_register_id(row.value) else ""
    notes = []
    for folder in against:
        more, others = find(Path(folder), register)
        found += more
        if others:
            notes.append(_("{n} mốc của cơ sở dữ liệu khác trong {folder} được bỏ qua.").format(
                n=others, folder=folder))
    problems, excused = superseded(compare(found))
    if excused:
        notes.append(_("{n} mốc của các bản sao lưu làm trước lần khôi phục gần nhất không còn khớp: lần khôi phục "
                       "đó đã thay lịch sử chúng ghi (bản an toàn giữ lại lịch sử cũ).").format(n=len(excused)))
    row_no, digest, _count = head()
    return RegisterCheck(tuple(integrity_check()), chain, replayed, tuple(found), tuple(problems),
                         f"{row_no}:{digest[:10]}" if row_no else "", tuple(notes))
