"""Writing a file the user asked for: whole or not at all, and a sentence when it cannot be written."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import BadInput
from .i18n import _


def write_atomic(path: str | os.PathLike, payload: bytes) -> Path:
    """Write ``payload`` to ``path`` through a temporary file in the same folder and a rename."""
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise BadInput(_("{path} là một thư mục; hãy ghi tên tệp cần lưu.").format(path=str(target)), field="output")
    if not folder.is_dir():
        raise BadInput(_("Không có thư mục {folder} để lưu tệp.").format(folder=str(folder)), field="output")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:                   # a read-only USB stick, no permission, a full disk
        raise _cannot_write(target, exc) from None
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temp, 0o666 & ~mask)         # mkstemp makes 0600; a saved report is an ordinary file
        os.replace(temp, target)
    except BaseException as exc:
        try:
            os.unlink(temp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise _cannot_write(target, exc) from None
        raise
    return target


def _cannot_write(target: Path, exc: OSError) -> BadInput:
    why = os.strerror(exc.errno) if exc.errno else str(exc)
    return BadInput(_("Không ghi được tệp {path}: {why}. Hãy chọn nơi lưu khác (ổ đĩa còn chỗ, được phép ghi).")
                    .format(path=str(target), why=why), field="output")
