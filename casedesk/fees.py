"""Fees at intake: what a dossier is charged, from its procedure's fee kind and the counts given.

* ``free``: nothing; ``fixed``: the procedure's amount for the dossier;
* ``province``: the amount the province's People's Council set, once the admin has entered it
  (until then nothing is charged by the software and documents print "theo Nghị quyết HĐND tỉnh");
* ``per_copy``: the amount times the copies asked for;
* ``per_page``: per copy, the first ``first_pages`` pages at the amount and each further page at
  ``after``, at most ``cap`` a copy (certified copies, TT 226/2016: 2.000 đ a page for the first two,
  1.000 đ from the third, at most 200.000 đ a copy), times the copies.

An exemption chosen at intake (people with meritorious service, poor households, people with
disabilities, children, …) makes the fee 0; the receive row records the kind.
"""
from __future__ import annotations

from .errors import BadInput
from .i18n import N_, _

EXEMPTIONS = {
    "nguoi_co_cong": N_("người có công với cách mạng"),
    "ho_ngheo": N_("hộ nghèo"),
    "nguoi_khuyet_tat": N_("người khuyết tật"),
    "tre_em": N_("trẻ em"),
    "nguoi_cao_tuoi": N_("người cao tuổi"),
    "dong_bao_dtts": N_("đồng bào dân tộc thiểu số ở vùng có điều kiện kinh tế - xã hội đặc biệt khó khăn"),
    "khac": N_("trường hợp miễn khác (ghi rõ ở ghi chú)"),
}
MAX_COUNT = 9999


def exemption_label(kind: str) -> str:
    return _(EXEMPTIONS.get(kind, kind))


def check_exemption(kind: str | None, note: str) -> str:
    """The exemption kind as given, checked; '' for none."""
    kind = (kind or "").strip().lower().replace("-", "_")
    if not kind:
        return ""
    if kind not in EXEMPTIONS:
        raise BadInput(_("Diện miễn phí, lệ phí “{kind}” không có; chọn một trong: {kinds}.").format(
            kind=kind[:40], kinds=", ".join(EXEMPTIONS)), field="exemption")
    if kind == "khac" and not (note or "").strip():
        raise BadInput(_("Miễn phí, lệ phí theo trường hợp khác: phải ghi rõ căn cứ ở ghi chú."), field="note")
    return kind


def _count(value, label: str, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise BadInput(_("{label} phải là số nguyên.").format(label=label), field=field) from None
    if not 1 <= number <= MAX_COUNT:
        raise BadInput(_("{label} phải từ 1 đến {high}.").format(label=label, high=MAX_COUNT), field=field)
    return number


def compute(proc, *, pages=None, copies=None) -> tuple[int, dict]:
    """The fee of one dossier of ``proc`` (a ProcedureView) and what it was computed from."""
    pages = _count(pages, _("Số trang"), "pages")
    copies = _count(copies, _("Số bản"), "copies")
    kind = proc.fee_kind
    if pages is not None and kind != "per_page":
        raise BadInput(_("Lệ phí của thủ tục {code} không tính theo trang.").format(code=proc.code), field="pages")
    if copies is not None and kind not in ("per_page", "per_copy"):
        raise BadInput(_("Lệ phí của thủ tục {code} không tính theo số bản.").format(code=proc.code),
                       field="copies")
    basis: dict = {}
    if kind == "free":
        return 0, basis
    # the counts typed go into the receive row; none typed: one page, one copy, nothing to record
    if copies is not None:
        basis["copies"] = copies
    if pages is not None:
        basis["pages"] = pages
    if kind == "per_copy":
        return proc.fee * (copies or 1), basis
    if kind == "per_page":
        rule = proc.fee_rule or {}
        n_pages, n_copies = pages or 1, copies or 1
        first = int(rule.get("first_pages", n_pages))
        after = int(rule.get("after", proc.fee))
        per_copy = proc.fee * min(n_pages, first) + after * max(n_pages - first, 0)
        if rule.get("cap"):
            per_copy = min(per_copy, int(rule["cap"]))
        return per_copy * n_copies, basis
    return proc.fee, basis          # fixed, or province (0 until the admin enters the amount)
