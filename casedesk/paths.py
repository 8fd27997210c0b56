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


def data_dir() -> Path:
    """Per-user data directory (database, backups, logs); ``CASEDESK_HOME`` overrides it."""
    override = os.environ.get("CASEDESK_HOME")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("CaseDesk", "CaseDesk"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return data_dir() / "casedesk.sqlite3"
