"""What every screen is handed: the signed-in user, the office settings, the
background runner and a few application-wide requests.  Passed in explicitly;
there is no global window."""
from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from casedesk.services.views import Changes, UserView
from casedesk.settings import OfficeSettings

from .ops import Runner


class AppSignals(QObject):
    changed = Signal(object)          # casedesk.services.views.Changes, after any action
    open_case = Signal(str)           # dossier code: show the case detail
    show_screen = Signal(str)         # screen key: switch the main area
    status = Signal(str)              # a short message for the status bar
    synced = Signal()                 # the desk's sync has just read the register (ui/desk_sync.py)


@dataclass
class AppContext:
    user: UserView
    settings: OfficeSettings
    runner: Runner
    signals: AppSignals
    db_label: str = ""                # "Máy này" or the server's name
    db_path: str = ""
    extras: dict = field(default_factory=dict)

    def notify(self, changes: Changes) -> None:
        """Tell every screen what an action changed (they refresh only what they show)."""
        self.signals.changed.emit(changes)
