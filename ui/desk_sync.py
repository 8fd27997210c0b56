"""Seeing the other desks' work, and noticing when the register can't be reached.

Every 10 s the window asks the register what was written since it last looked (one indexed read of
the audit trail's newest id and, when it moved, the kinds of the new rows, on the runner).  Another
desk's or the command line's cases, users, settings, procedures and holiday years reach the screens
as a ``Changes`` marked ``elsewhere``, exactly as after this desk's own actions; a screen with
unsaved edits keeps the non-case part until its form is saved or emptied (``screens.base``).

The same look is the connection's heartbeat.  When it, or any task on the runner, meets
``Unavailable`` (the server stopped, the LAN dropped), ``connection_changed(False, why)`` turns the
header's light red and puts up the banner.  The server is then tried after 1, 2, 4, 8 and then every
10 s, each time from a short-lived thread of its own (an unreachable host holds a connection attempt
for the connect timeout: the runner stays free for the desk's work meanwhile); when it answers, the
look runs on the runner again, and its answer turns everything green and refreshes every screen.
"""
from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, QTimer, Signal

from casedesk.errors import Unavailable
from casedesk.services import office
from casedesk.services.views import Changes

from .appctx import AppContext

POLL_MS = 10_000
RETRY_MS = (1_000, 2_000, 4_000, 8_000, 10_000)


def _look(after: int | None):
    """On the runner: the newest id, what changed since ``after``, and the settings when they did."""
    newest, kinds = office.changes_since(after)
    settings = office.get_settings() if "settings" in kinds else None
    return newest, kinds, settings


class DeskSync(QObject):
    connection_changed = Signal(bool, str)     # reachable?, and the sentence saying why not
    probed = Signal(bool)                      # from the probing thread: the register answered

    def __init__(self, ctx: AppContext, parent: QObject | None = None, *, interval_ms: int = POLL_MS,
                 retry_ms: tuple[int, ...] = RETRY_MS):
        super().__init__(parent)
        self.ctx = ctx
        self.interval_ms = interval_ms
        self.retry_ms = retry_ms
        self._stamp: int | None = None           # the newest audit row seen
        self._adopt_next = False
        self._stopped = False
        self._asking = False                     # one question at a time, even behind a long report
        self.online = True
        self.why = ""
        self.lost_at: float | None = None        # time.monotonic() when the outage was noticed
        self._misses = 0
        self._probing = False
        self.probed.connect(self._probed)
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.poll)
        ctx.signals.changed.connect(self._own_change)
        ctx.runner.unavailable.connect(self.lost)
        self.timer.start()
        self.poll()

    def poll(self) -> None:
        if self._stopped or self._asking:
            return
        if not self.online:
            self._probe()
            return
        self._look()

    def _look(self) -> None:
        self._asking = True
        after = self._stamp
        self.ctx.runner.run(lambda: _look(after), on_done=self._seen, on_error=self._failed)

    def _probe(self) -> None:
        """Is the register reachable again?  Asked from a thread of its own, on its own connection."""
        if self._probing:
            return
        self._probing = True

        def work() -> None:
            reached = office.reachable()
            try:
                self.probed.emit(reached)
            except RuntimeError:           # the window went meanwhile (logged out, closed)
                pass

        threading.Thread(target=work, name="casedesk-probe", daemon=True).start()

    def _probed(self, reached: bool) -> None:
        self._probing = False
        if self._stopped or self.online:
            return
        if reached and not self._asking:
            self._look()                   # on the runner: its answer brings the desk back
        elif not reached:
            self._schedule()

    def stop(self) -> None:
        self._stopped = True
        self.timer.stop()

    # ------------------------------------------------------------ the connection
    def lost(self, exc: BaseException) -> None:
        """A task could not reach the register: red light, banner, and retries with backoff."""
        if self._stopped:
            return
        self.why = str(exc)
        if self.online:
            self.online = False
            self.lost_at = time.monotonic()
            self._misses = 0
            self.connection_changed.emit(False, self.why)
            if not self._asking:                 # a look in flight schedules the retry when it fails
                self._schedule()

    def _schedule(self) -> None:
        delay = self.retry_ms[min(self._misses, len(self.retry_ms) - 1)]
        self._misses += 1
        self.timer.start(delay)

    def _failed(self, exc: BaseException) -> None:
        self._asking = False
        if self._stopped:
            return
        if isinstance(exc, Unavailable) and not self.online:
            self._schedule()

    def _back(self) -> None:
        self.online = True
        self.why = ""
        self._misses = 0
        self.timer.start(self.interval_ms)
        self.connection_changed.emit(True, "")

    # ------------------------------------------------------------ changes
    def _own_change(self, changes: Changes) -> None:
        if changes.elsewhere or self._stopped:
            return
        self._adopt_next = True                  # this desk's screens know already
        self.poll()

    def _seen(self, answer) -> None:
        self._asking = False
        if self._stopped:
            return
        newest, kinds, settings = answer
        was_offline = not self.online
        if was_offline:
            self._back()
        known, self._stamp = self._stamp, newest
        adopt, self._adopt_next = self._adopt_next, False
        if known is not None and not (adopt and not was_offline):
            if settings is not None:
                self.ctx.settings = settings
            if kinds or was_offline:             # after an outage every list shown may be stale
                self.ctx.notify(Changes(cases="cases" in kinds or was_offline, users="users" in kinds,
                                        settings="settings" in kinds, procedures="procedures" in kinds,
                                        calendar="calendar" in kinds, elsewhere=True))
        self.ctx.signals.synced.emit()           # screens that held a change back may take it now
