"""Where resources and user data live, from a source checkout or a frozen bundle."""
from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_root() -> Path:
    """The ``resources/`` folder: beside the package, or inside a PyInstaller bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_root().joinpath(*parts)


# platformdirs: ~/.local/share/CaseDesk on Linux, %LOCALAPPDATA%\CaseDesk on Windows.  No "app author":
# platformdirs would otherwise add it on Windows as a second folder (%LOCALAPPDATA%\CaseDesk\CaseDesk).
APP_DIRS = {"appname": "CaseDesk", "appauthor": False}
ON_WINDOWS = sys.platform == "win32"
# CaseDesk 0.1.0 on Windows kept its data one level down, in %LOCALAPPDATA%\CaseDesk\CaseDesk
OLD_WINDOWS_SUBFOLDER = "CaseDesk"
DB_NAME = "casedesk.sqlite3"
_adopted: dict[Path, Path] = {}


def data_dir() -> Path:
    """Per-user data directory (database, backups, logs); ``CASEDESK_HOME`` overrides it."""
    override = os.environ.get("CASEDESK_HOME")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(**APP_DIRS))
        if ON_WINDOWS:
            path = adopt_old_windows_folder(path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """Per-user settings (``connection.json``): ``~/.config/CaseDesk`` on Linux; on Windows the data folder
    itself (platformdirs gives the same local folder for both), moved from 0.1.0's place like the data."""
    from platformdirs import user_config_dir

    path = Path(user_config_dir(**APP_DIRS))
    if ON_WINDOWS:
        path = adopt_old_windows_folder(path)
    return path


def adopt_old_windows_folder(new: Path) -> Path:
    """Once: move the data of CaseDesk 0.1.0 (``new/CaseDesk``) up into ``new``; return the folder to use.

    The register goes first (with nothing of it left behind: a register still open, or not closed
    cleanly, has its ``-wal``/``-shm``/``-journal`` beside it and is then used where it is, this time),
    then the backups and the log.  Each move is a rename on the same disk, so a file is either here or
    there, never half copied.  When a register already exists in ``new`` the old folder is left alone:
    nothing is merged or overwritten.  Whatever could not move stays in the old folder, named in the log."""
    if new in _adopted:
        return _adopted[new]
    old = new / OLD_WINDOWS_SUBFOLDER
    chosen, note = new, ""
    if old.is_dir() and not (new / DB_NAME).exists():
        chosen, note = _move_up(old, new)
    _adopted[new] = chosen
    if note:                      # the log lives in the data folder: write only once the choice is made
        from .logs import logger

        logger().warning(note) if "left there" in note else logger().info(note)
    return chosen


def _move_up(old: Path, new: Path) -> tuple[Path, str]:
    """Move ``old``'s contents into ``new``; the folder to use and a line for the log."""
    if (old / DB_NAME).exists():
        if any((old / f"{DB_NAME}{suffix}").exists() for suffix in ("-wal", "-shm", "-journal")):
            return old, f"the register in {old} is open or was not closed cleanly: used there, moved later"
        try:
            (old / DB_NAME).rename(new / DB_NAME)
        except OSError as exc:
            return old, f"could not move {old / DB_NAME} to {new} ({exc}): used there"
    left = []
    for child in sorted(old.iterdir()):
        target = new / child.name
        try:
            if target.exists():
                raise FileExistsError(target)
            child.rename(target)
        except OSError:
            left.append(child.name)
    if left:
        return new, f"moved the data of CaseDesk 0.1.0 from {old} to {new}; left there: {', '.join(left)}"
    try:
        old.rmdir()
    except OSError:
        pass
    return new, f"moved the data of CaseDesk 0.1.0 from {old} to {new}"


def default_db_path() -> Path:
    return data_dir() / DB_NAME
