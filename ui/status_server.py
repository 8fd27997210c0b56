"""The status page (``casedesk.status_web``) started by the desk when Settings turn it on.

It runs as its own process (``casedesk-cli status-page``), so that it opens the register read-only
on its own connection and a stuck browser can never slow the desk.  Every desk tries to start it;
only the PC that owns the address set in Settings can listen there (another gets "address not
available" and stays quiet), so on a LAN with several desks the page runs on the chosen PC.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from casedesk.logs import logger


def command(db: str, host: str, port: int) -> list[str]:
    if getattr(sys, "frozen", False):        # the installed build: casedesk-cli next to the desk's exe
        exe = Path(sys.executable).with_name("casedesk-cli.exe" if os.name == "nt" else "casedesk-cli")
        head = [str(exe)]
    else:
        head = [sys.executable, "-m", "casedesk"]
    return head + ["--db", db, "status-page", "--host", host, "--port", str(port)]


class StatusServer:
    """Keeps the status page's process in line with the settings: started, restarted, stopped."""

    def __init__(self, db: str):
        self.db = db
        self.process: subprocess.Popen | None = None
        self.running_with: tuple[str, int] | None = None

    def sync(self, settings) -> None:
        wanted = (settings.status_host, settings.status_port) if settings.status_page else None
        if wanted == self.running_with and (wanted is None or self.alive()):
            return
        self.stop()
        if wanted is None or not self.db:
            return
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        try:
            self.process = subprocess.Popen(command(self.db, *wanted), stdin=subprocess.DEVNULL,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                            creationflags=flags)
        except OSError as exc:
            logger().warning("status page could not start: %r", exc)
            return
        self.running_with = wanted

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        process, self.process, self.running_with = self.process, None, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
