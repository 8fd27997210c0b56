"""The shape every screen of the main window has."""
from __future__ import annotations

import dataclasses

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
        self._held: Changes | None = None
        ctx.signals.changed.connect(self._deliver)
        ctx.signals.synced.connect(self.take_held)

    def activate(self) -> None:
        """Called each time the screen is shown: focus the first field, refresh if stale."""

    def has_unsaved(self) -> bool:
        """Something typed here is not saved yet (screens with forms say so)."""
        return False

    def on_changed(self, changes: Changes) -> None:
        """Refresh what this screen shows if ``changes`` touches it."""

    # Another desk's users, settings, procedures and holiday years never land on a half-edited form:
    # they wait until the form is saved or emptied (cases, which fill lists, not forms, go through).
    def _deliver(self, changes: Changes) -> None:
        if changes.elsewhere and self.has_unsaved() and _beyond_cases(changes):
            self._held = _merge(self._held, dataclasses.replace(changes, cases=False, case_code=None))
            if changes.cases:
                self.on_changed(Changes(cases=True, elsewhere=True))
            return
        if self._held is not None and not self.has_unsaved():
            changes, self._held = _merge(self._held, changes), None
        self.on_changed(changes)

    def take_held(self) -> None:
        """Apply what was held back, now that nothing typed is left unsaved."""
        if self._held is not None and not self.has_unsaved():
            held, self._held = self._held, None
            self.on_changed(held)

    def held(self) -> Changes | None:
        return self._held


def _beyond_cases(changes: Changes) -> bool:
    return changes.users or changes.settings or changes.procedures or changes.calendar


def _merge(a: Changes | None, b: Changes) -> Changes:
    if a is None:
        return b
    return Changes(cases=a.cases or b.cases, case_code=b.case_code or a.case_code, users=a.users or b.users,
                   settings=a.settings or b.settings, procedures=a.procedures or b.procedures,
                   calendar=a.calendar or b.calendar, elsewhere=a.elsewhere and b.elsewhere)
