"""Who signs each document, and the Decree 30/2020 lines above the name.

Decree 30/2020 (Phụ lục I, the signature block): the authority line ("TM." for a collective body
such as the People's Committee, "KT." when a deputy signs for the head), the signer's title, the
signature and seal, then the full name.  The signer is whoever acted, read from the audit trail
(the vice-chairman who refused, the clerk who received); where nobody in the register acted, the
office's setting names the person (the vice-chairman in charge, the Chairman, the centre's head,
the report's preparer).  A document that would print an empty name is refused with a sentence
that names the setting to fill: an unsigned form is worth nothing at the counter.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import context
from ..errors import BadInput
from ..i18n import _
from ..settings import setting_label
from ..text import fold


@dataclass(frozen=True)
class Signer:
    """The lines of one signature block: authority lines, the title, then the full name."""

    authority: tuple[str, ...]
    title: str
    name: str

    def lines(self) -> list[str]:
        return [*self.authority, self.title]


def require_name(name: str, key: str, document: str) -> str:
    """``name`` when there is one; else the sentence that says which setting to fill."""
    text = (name or "").strip()
    if not text:
        raise BadInput(_("Không in được {document}: chưa có người ký. Hãy điền thiết lập “{label}” ({key}) "
                         "trong Cài đặt, hoặc: casedesk-cli settings set {key} \"Họ và tên\" --as ADMIN.")
                       .format(document=document, label=setting_label(key), key=key), field=key)
    return text


def _is_chairman(name: str) -> bool:
    chairman = context.settings().chairman_name
    return bool(chairman.strip()) and fold(chairman) == fold(name)


def committee(name: str | None, document: str) -> Signer:
    """The People's Committee signs (a leader's decision): "TM. ỦY BAN NHÂN DÂN", then "KT. CHỦ TỊCH /
    PHÓ CHỦ TỊCH" for a vice-chairman or "CHỦ TỊCH" for the Chairman.  ``name``: the leader who acted
    (from the audit trail); None when nobody did, and the vice-chairman in charge (setting) signs."""
    s = context.settings()
    key = "leader_name"
    if not (name or "").strip():
        name = s.leader_name
    name = require_name(name or "", key, document)
    if _is_chairman(name):
        return Signer((_("TM. ỦY BAN NHÂN DÂN"),), _("CHỦ TỊCH"), name)
    title = (s.leader_title or "").strip().upper() or _("PHÓ CHỦ TỊCH")
    if "PHÓ" in title:
        return Signer((_("TM. ỦY BAN NHÂN DÂN"), _("KT. CHỦ TỊCH")), title, name)
    return Signer((_("TM. ỦY BAN NHÂN DÂN"),), title, name)


def centre_head(document: str) -> Signer:
    """The head of the one-stop centre (Giám đốc Trung tâm Phục vụ hành chính công, Decree 367/2025)."""
    s = context.settings()
    name = require_name(s.centre_head_name, "centre_head_name", document)
    title = (s.centre_head_title or "").strip().upper() or _("GIÁM ĐỐC")
    authority = (_("KT. GIÁM ĐỐC"),) if title.startswith("PHÓ") else ()
    return Signer(authority, title, name)


def person(title: str, name: str, key: str, document: str) -> Signer:
    """A person signing as themselves (the receiving officer, the guide): no authority line."""
    return Signer((), title, require_name(name, key, document))


def report_preparer(document: str) -> str:
    return require_name(context.settings().report_preparer, "report_preparer", document)
