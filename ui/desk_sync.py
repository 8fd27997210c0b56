"""Seeing the other desks' work: every few seconds the window asks the register whether anything was
written since it last looked (one indexed read of the audit chain's head, on the runner).  When another
desk, or the command line, received or moved a case, every screen hears it as a change of cases and
refreshes what it shows, exactly as after this desk's own actions.

The window's own actions already told the screens; after one of them the new stamp is simply adopted.
Only cases are refreshed this way: users, settings and the catalogue change rarely and an admin may be
in the middle of editing them.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from casedesk.services import office
from casedesk.services.views import Changes

from .appctx import AppContext

POLL_MS = 10_000


class DeskSync(QObject):
    def __init__(self, ctx: AppContext, parent: QObject | None = None, *, interval_ms: int = POLL_MS):
        super().__init__(parent)
        self.ctx = ctx
        self._stamp: str | None = None
        self._adopt_next = False
        self._stopped = False
        self._asking = False              # one question at a time, even behind a long report
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.poll)
        ctx.signals.changed.connect(self._own_change)
        self.timer.start()
        self.poll()

    def poll(self) -> None:
        if self._stopped or self._asking:
            return
        self._asking = True
        self.ctx.runner.run(office.change_stamp, on_done=self._seen, on_error=self._failed)

    def _failed(self, _exc: BaseException) -> None:
        self._asking = False              # the status bar's connection light tells the user

    def stop(self) -> None:
        self._stopped = True
        self.timer.stop()

    def _own_change(self, changes: Changes) -> None:
        if changes.cases and not self._stopped:
            self._adopt_next = True       # this desk's screens know already
            self.poll()

    def _seen(self, stamp: str) -> None:
        self._asking = False
        if self._stopped:
            return
        known, self._stamp = self._stamp, stamp
        adopt, self._adopt_next = self._adopt_next, False
        if known is not None and stamp != known and not adopt:
            self._adopt_next = True       # the notification below comes back through _own_change
            self.ctx.notify(Changes(cases=True))
