"""A Tandem web server on the demo story, in a thread, for real-browser tests and screenshots.

Also the browser launcher: Debian's Chromium only (never a downloaded browser). Under CI=true a
missing Chromium is a failure; elsewhere the caller may skip.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from web.app import create_app
from web.auth import login_link
from web.cli.demo import load_demo
from web.settings import Settings
from web.system import Tandem

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_missing() -> str | None:
    return None if Path(CHROMIUM).exists() else f"{CHROMIUM} is not installed"


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


@dataclass
class Served:
    url: str
    tandem: Tandem

    def login_link(self, person: str, next_path: str = "/") -> str:
        link = login_link(self.tandem, person, next_path)
        return self.url + link.removeprefix(self.tandem.settings.base_url)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def demo_server(folder: Path) -> Iterator[Served]:
    """Serve a fresh SQLite database holding the demo story until the block ends."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    settings = Settings(database_url=f"sqlite:///{folder}/tandem.db",
                        signing_key=str(folder / "signing.key"), base_url=url)
    tandem = Tandem(settings, create=True)
    load_demo(tandem)
    server = uvicorn.Server(uvicorn.Config(create_app(settings, tandem), host="127.0.0.1",
                                           port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web server did not start")
        time.sleep(0.05)
    try:
        yield Served(url=url, tandem=tandem)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        tandem.close()


IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
