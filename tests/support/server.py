"""A real Tandem server for end-to-end tests: `tandem serve` in a subprocess on 127.0.0.1.

The port is chosen by binding port 0; the helper waits for /healthz and stops the server
afterwards (terminate, then kill).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(database_url: str, workers: int = 1,
                   signing_key: str | None = None) -> Iterator[str]:
    """Yields the base URL of a `tandem serve` process on the given database.

    Without `signing_key` the server gets a key path that does not exist (no audit checkpoints),
    so a key file lying in the working directory never leaks into a test.
    """
    port = free_port()
    command = [sys.executable, "-m", "web.cli", "--db", database_url, "serve",
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
               "--log-level", "warning"]
    scratch = tempfile.mkdtemp(prefix="tandem-serve-")
    env = {**os.environ, "PYTHONWARNINGS": "ignore",
           "TANDEM_SIGNING_KEY": signing_key or os.path.join(scratch, "no-signing.key")}
    log = tempfile.TemporaryFile(mode="w+")  # a file, not a pipe: a chatty server never blocks
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.seek(0)
        output = log.read()
        log.close()
        shutil.rmtree(scratch, ignore_errors=True)
        if "Traceback" in output:  # shown by pytest when the test fails
            print(f"--- tandem serve on port {port} logged errors:\n{output}", file=sys.stderr)


def _wait_healthy(base: str, process: subprocess.Popen[str], log: IO[str]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"tandem serve exited with {process.returncode}:\n{log.read()}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"tandem serve did not become healthy within {STARTUP_SECONDS} s")


@contextmanager
def app_in_thread(tandem: Any) -> Iterator[str]:
    """Serve an existing Tandem (its settings as they are) from a thread on 127.0.0.1 until the
    block ends; yields the base URL."""
    import threading

    import uvicorn

    from web.app import create_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(tandem.settings, tandem), host="127.0.0.1",
                                           port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
