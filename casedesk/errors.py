"""Domain exceptions: each carries a message for people, already translated.

The command line maps them to exit codes; the desktop shows them in one dialog.
Raise them with ``_()``-wrapped text: ``raise BadInput(_("Số định danh phải có 12 chữ số"), field="id_number")``.
"""
from __future__ import annotations


class CaseDeskError(Exception):
    """Base class: ``str(err)`` is the message shown to the user."""

    exit_code = 1

    def __init__(self, message: str, *, field: str | None = None, details: object = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class BadInput(CaseDeskError):
    """The user typed something the rules refuse (wrong ID, impossible date, ...)."""

    exit_code = 2


class NotAllowed(CaseDeskError):
    """The action is not allowed for this role, this user or this state."""

    exit_code = 3


class NotFound(CaseDeskError):
    """No such case, user or procedure."""

    exit_code = 4


class AuthError(NotAllowed):
    """Wrong login or password, locked or deactivated account."""


class IntegrityProblem(CaseDeskError):
    """The database or its audit chain does not verify."""

    exit_code = 5


class Unavailable(CaseDeskError):
    """The register can't be reached right now: busy past the wait, the server down or the LAN cut.

    Nothing was changed; trying again later is the answer (exit 6, documented in the README).
    """

    exit_code = 6


class ConnectionSetup(CaseDeskError):
    """The connection settings are wrong: bad password, unknown database, missing driver, TLS required.

    Trying again won't help until someone fixes the setting the message names.
    """

    exit_code = 7


class ReadOnly(CaseDeskError):
    """The register sits on media that can't be written (a read-only stick, a full disk): reads still work."""

    exit_code = 8
