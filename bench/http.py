"""HTTP load: 50 concurrent clients against a real `tandem serve` on 127.0.0.1.

Bounded in time (`seconds`) and in count (MAX_REQUESTS per target); only loopback is used.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from typing import Any

import httpx

from bench.measure import percentiles
from web.system import Tandem

CLIENTS = 50
MAX_REQUESTS = 200_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int, workers: int, key: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TANDEM_DATABASE_URL": url, "TANDEM_SIGNING_KEY": key,
           "TANDEM_CHECKPOINT_EVERY_MINUTES": "1000000"}
    server = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise RuntimeError(server.stderr.read().decode() if server.stderr else "server died")
        time.sleep(0.3)
    server.kill()
    raise RuntimeError("the server did not become healthy within 60 s")


async def load(base: str, path: str, seconds: float, headers: dict[str, str],
               cookies: dict[str, str]) -> dict[str, Any]:
    durations: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, headers=headers, cookies=cookies,
                                 limits=limits, timeout=30) as client:
        async def one_client() -> None:
            nonlocal errors
            while time.monotonic() < stop and len(durations) < MAX_REQUESTS:
                started = time.perf_counter()
                try:
                    response = await client.get(path)
                    ok = response.status_code == 200
                except httpx.TransportError:
                    ok = False
                durations.append(time.perf_counter() - started)
                errors += not ok
        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(CLIENTS)))
        elapsed = time.perf_counter() - started
    return {"path": path, "requests": len(durations), "errors": errors,
            "requests_per_s": round(len(durations) / elapsed, 1), **percentiles(durations)}


def http_load(settings: Any, tandem: Tandem, seconds: float, workers: int = 2) -> dict[str, Any]:
    initiative = next(i["initiative"] for i in tandem.read.initiatives()
                      if i["initiative"].startswith("init-"))
    person = tandem.read.people()[0]["person"]
    token, _ = tandem.app.issue_token(actor="bench", person=person)
    tandem.catch_up()
    port = free_port()
    server = start_server(settings.database_url, port, workers, str(settings.signing_key_path))
    base = f"http://127.0.0.1:{port}"
    try:
        login = httpx.get(f"{base}/login", params={"token": token}, follow_redirects=False)
        cookies = dict(login.cookies)
        page = asyncio.run(load(base, f"/initiatives/{initiative}", seconds, {}, cookies))
        api = asyncio.run(load(base, f"/api/initiatives/{initiative}/timeline?limit=50",
                               seconds, {"Authorization": f"Bearer {token}"}, {}))
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return {"clients": CLIENTS, "seconds": seconds, "server_workers": workers,
            "initiative_page": page, "timeline_api": api}
