"""The shape every screen of the main window has."""
from __future__ import annotations

from PySide6.QtWidgets import QWidget

from casedesk.services.views import Changes

from ..appctx import AppContext


class Screen(QWidget):
    """A main-area screen.  Subclasses set ``key``, ``title``, ``roles`` and ``shortcut``."""

    key: str = ""
    title: str = ""                   # translated navigation label
    roles: tuple[str, ...] = ("admin", "clerk", "officer", "vice_chairman")
    shortcut: str = ""                # e.g. "F2"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        ctx.signals.changed.connect(self.on_changed)

    def activate(self) -> None:
        """Called each time the screen is shown: focus the first field, refresh if stale."""

    def on_changed(self, changes: Changes) -> None:
        """Refresh what this screen shows if ``changes`` touches it."""
