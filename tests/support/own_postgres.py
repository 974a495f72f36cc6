"""A PostgreSQL server of the test's own, in a temporary folder, that the test may stop and
start (the shared server is never touched). Made with `initdb` and run with `pg_ctl`; when the
tests run as root, both run as the `postgres` user (PostgreSQL refuses to run as root).

Under CI=true missing PostgreSQL binaries fail the test instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.databases import IN_CI
from tests.support.server import free_port


def _bin() -> Path:
    """TANDEM_TEST_PG_BIN, else the newest Debian PostgreSQL installed."""
    if os.environ.get("TANDEM_TEST_PG_BIN"):
        return Path(os.environ["TANDEM_TEST_PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


BIN = _bin()


class OwnPostgres:
    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.as_postgres = os.geteuid() == 0

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        result = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {result.stdout}{result.stderr}")

    def init(self) -> None:
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(str(BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c max_connections=200")
        self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"),
                  "-o", options, "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


def available() -> str | None:
    """None when initdb and pg_ctl are there, else what is missing."""
    missing = [name for name in ("initdb", "pg_ctl") if not (BIN / name).exists()]
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        missing.append("runuser")
    return f"missing {', '.join(missing)} (TANDEM_TEST_PG_BIN={BIN})" if missing else None


@contextmanager
def own_postgres() -> Iterator[OwnPostgres]:
    """A fresh server of the test's own (in a folder of its own under the system's temporary
    folder, which the `postgres` user can reach), started; stopped and removed afterwards."""
    reason = available()
    if reason is not None:
        if IN_CI:
            pytest.fail(f"No PostgreSQL of its own for this test: {reason}")
        pytest.skip(f"No PostgreSQL of its own for this test: {reason}")
    folder = Path(tempfile.mkdtemp(prefix="tandem-pg-"))
    server = OwnPostgres(folder)
    server.init()
    server.start()
    try:
        yield server
    finally:
        if server.running():
            server.stop("immediate")
        time.sleep(0.1)
        shutil.rmtree(folder, ignore_errors=True)
