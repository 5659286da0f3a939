"""A private PostgreSQL server for tests: its own cluster, reached only through a unix socket.

    server = PostgresServer().start()     # initdb and start: about 3 s
    url = server.create_database("t1")    # a fresh, empty database: postgresql://...?host=SOCKET
    ...
    server.stop()                         # by the postmaster's PID; its folder is removed

The cluster lives in a temporary folder owned by `postgres` (PostgreSQL refuses to run as root:
as root, its programs run through `runuser -u postgres`). It never listens on the network
(`listen_addresses = ''`); its socket is in a folder of its own, so it meets no other server on
the machine. Durability is off (fsync, synchronous commit): a test's data need not survive a
power cut. `url` is the database `recdesk`, made at the start; clients connect as `postgres`
(trust on the socket).
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

POSTGRES_ROOT = Path("/usr/lib/postgresql")


def server_programs() -> Path:
    """The newest installed PostgreSQL's `bin` folder (Debian keeps it off PATH)."""
    found = sorted(
        POSTGRES_ROOT.glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name), reverse=True
    )
    if found:
        return found[0].parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise RuntimeError(
            "no PostgreSQL server programs (initdb): `make deps` installs postgresql"
        )
    return Path(initdb).parent


class PostgresServer:
    """One private PostgreSQL cluster; see the module docstring."""

    def __init__(self, programs: Path | None = None) -> None:
        self.programs = programs or server_programs()
        self.root = Path(tempfile.mkdtemp(prefix="recdesk-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.log = self.root / "postgres.log"
        self.pid: int | None = None  # the postmaster's
        self.url = ""
        self._process: subprocess.Popen[bytes] | None = None
        self._numbers = itertools.count(1)

    def _command(self, program: str, *args: str) -> list[str]:
        command = [str(self.programs / program), *args]
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def start(self, timeout: float = 60.0) -> PostgresServer:
        """initdb, start, and wait until it takes connections; makes the database `recdesk`."""
        self.socket_dir.mkdir()
        if os.geteuid() == 0:
            for path in (self.root, self.socket_dir):
                shutil.chown(path, "postgres", "postgres")
        subprocess.run(
            self._command(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
                "--no-instructions",
            ),
            check=True,
            capture_output=True,
        )
        settings = {
            "listen_addresses": "",
            "unix_socket_directories": str(self.socket_dir),
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
        }
        options = [arg for key, value in settings.items() for arg in ("-c", f"{key}={value}")]
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                self._command("postgres", "-D", str(self.data), *options),
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        self.pid = self._wait_ready(timeout)
        self.url = self.create_database("recdesk")
        return self

    def _wait_ready(self, timeout: float) -> int:
        """The postmaster's PID once its pid file says `ready` (line 8)."""
        assert self._process is not None
        deadline = time.monotonic() + timeout
        pid_file = self.data / "postmaster.pid"
        while True:
            try:
                lines = pid_file.read_text().splitlines()
            except FileNotFoundError:
                lines = []
            if len(lines) >= 8 and lines[7].strip() == "ready":
                return int(lines[0])
            if self._process.poll() is not None:
                raise RuntimeError(f"PostgreSQL did not start:\n{self.log.read_text()}")
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"PostgreSQL not ready after {timeout} s:\n{self.log.read_text()}"
                )
            time.sleep(0.02)

    def url_of(self, database: str) -> str:
        """The URL of a database on this server, through its socket, as `postgres`."""
        return f"postgresql://postgres@/{database}?host={self.socket_dir}"

    def create_database(self, name: str | None = None) -> str:
        """Make an empty database (`name`, else `t1`, `t2`, ...) and return its URL."""
        import psycopg

        name = name or f"t{next(self._numbers)}"
        with psycopg.connect(self.url_of("postgres"), autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return self.url_of(name)

    def stop(self, timeout: float = 30.0) -> None:
        """Fast shutdown (SIGINT to the postmaster, by PID), SIGKILL if it hangs; removes the
        folder. Stopping twice is harmless."""
        if self._process is not None and self.pid is not None and self._process.poll() is None:
            os.kill(self.pid, signal.SIGINT)
            try:
                self._process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self._process.wait(timeout)
        self._process = None
        self.pid = None
        shutil.rmtree(self.root, ignore_errors=True)
