"""The rotating error log in the data directory, and short references for people."""
from __future__ import annotations

import logging
import logging.handlers
import secrets

_logger: logging.Logger | None = None


class _QuietFileHandler(logging.handlers.RotatingFileHandler):
    """The error log; a log that can't be written (a full disk) is skipped, never printed with a
    traceback on the user's screen as ``logging`` does by default."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        pass


def logger() -> logging.Logger:
    global _logger
    if _logger is None:
        from .paths import data_dir

        _logger = logging.getLogger("casedesk")
        _logger.setLevel(logging.INFO)
        try:
            handler = _QuietFileHandler(data_dir() / "casedesk.log", maxBytes=1_000_000, backupCount=5,
                                        encoding="utf-8")
        except OSError:     # no log to write to: nothing on the user's screen either
            handler = logging.NullHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        _logger.addHandler(handler)
    return _logger


def log_unexpected(exc: BaseException) -> str:
    """Write the traceback to the log; return a short reference to quote on the phone."""
    ref = secrets.token_hex(3).upper()
    logger().error("unexpected error [%s]", ref, exc_info=(type(exc), exc, exc.__traceback__))
    return ref
