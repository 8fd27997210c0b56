"""Is the open register sound? SQLite's integrity check and the audit hash chain, as one answer.

``casedesk-cli check`` prints it; the desktop runs it once at start on a thread of its own
(reads only, so it never waits for the desk's writes) and shows a warning banner when it fails.
"""
from __future__ import annotations

from dataclasses import dataclass

from .audit import ChainReport, verify_chain
from .db import integrity_check
from .i18n import _


@dataclass(frozen=True)
class RegisterCheck:
    integrity: tuple[str, ...]        # SQLite's complaints; empty when the file is sound
    chain: ChainReport

    @property
    def ok(self) -> bool:
        return not self.integrity and self.chain.ok

    def problem(self) -> str:
        """One Vietnamese sentence for a banner; empty when all is well."""
        parts = []
        if self.integrity:
            parts.append(_("tệp dữ liệu bị hỏng ({detail})").format(detail="; ".join(self.integrity[:3])))
        if not self.chain.ok:
            parts.append(self.chain.problem)
        return "; ".join(parts)


def check_register() -> RegisterCheck:
    """Both checks on the open database (minutes on a million cases; run it off the GUI thread)."""
    return RegisterCheck(tuple(integrity_check()), verify_chain())
