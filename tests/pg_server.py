"""A PostgreSQL server of the outage tests' own: stopped with ``pg_ctl stop -m immediate`` and started
again while desks work, without touching the server the other tests use (CASEDESK_TEST_PG).

Its data directory is CASEDESK_TEST_PG_DATA when set (kept between runs), else a fresh one in /tmp;
TCP connections need a password (scram-sha-256), so a wrong password can be tried for real.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time

PASSWORD = "mật-khẩu@máy/chủ 1"        # percent-encoded in URLs: every character class libpq must decode
DATABASE = "casedesk_outage"


def binaries() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: [int(x) for x in p.split("/")[4].split(".")
                                                                          if x.isdigit()])
    if found:
        return found[-1]
    pg_ctl = shutil.which("pg_ctl")
    return os.path.dirname(pg_ctl) if pg_ctl else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data: str | None = None, port: int | None = None):
        self.bin = binaries()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed")
        self.keep = data is not None
        self.data = data or tempfile.mkdtemp(prefix="casedesk-pg-outage-")
        self.port = port or free_port()
        self.root = os.geteuid() == 0

    # -------------------------------------------------------------- running the tools
    def _run(self, *args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [os.path.join(self.bin, args[0]), *args[1:]]
        if self.root:                                   # the server refuses to run as root
            command = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(_quote(a) for a in command)]
        return subprocess.run(command, check=check, timeout=timeout, capture_output=True, text=True)

    def init(self) -> "Server":
        if not os.path.exists(os.path.join(self.data, "PG_VERSION")):
            pwfile = os.path.join(tempfile.mkdtemp(prefix="casedesk-pw-"), "pw")
            with open(pwfile, "w", encoding="utf-8") as f:
                f.write(PASSWORD + "\n")
            if self.root:
                shutil.chown(self.data, "postgres")
                shutil.chown(os.path.dirname(pwfile), "postgres")
                shutil.chown(pwfile, "postgres")
            self._run("initdb", "-D", self.data, "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "-N",
                      "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}")
            shutil.rmtree(os.path.dirname(pwfile), ignore_errors=True)
        self.start()
        found = self._run("psql", "-h", "/tmp", "-p", str(self.port), "-U", "postgres", "-tAc",
                          f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'").stdout.strip()
        if found != "1":
            self._run("createdb", "-h", "/tmp", "-p", str(self.port), "-U", "postgres", DATABASE)
        return self

    def start(self) -> float:
        """Start and wait until it accepts connections; returns the seconds it took."""
        t0 = time.monotonic()
        self._run("pg_ctl", "-D", self.data, "-l", os.path.join(self.data, "server.log"), "-w", "-t", "60", "-o",
                  f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off "
                  "-c max_connections=40", "start")
        return time.monotonic() - t0

    def stop(self, mode: str = "immediate") -> None:
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", self.data, "status", check=False).returncode == 0

    def psql(self, sql: str) -> str:
        return self._run("psql", "-h", "/tmp", "-p", str(self.port), "-U", "postgres", "-d", DATABASE, "-tAc",
                         sql).stdout.strip()

    def wipe(self) -> None:
        self.psql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")

    def url(self, *, password: str | None = PASSWORD, database: str = DATABASE, port: int | None = None,
            query: str = "") -> str:
        from urllib.parse import quote

        auth = "postgres" + (f":{quote(password, safe='')}" if password is not None else "")
        return f"postgresql://{auth}@127.0.0.1:{port or self.port}/{database}" + (f"?{query}" if query else "")

    def remove(self) -> None:
        self.stop()
        if not self.keep:
            shutil.rmtree(self.data, ignore_errors=True)


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)
