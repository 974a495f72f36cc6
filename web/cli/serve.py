"""`tandem serve`: the web application under uvicorn, on the configured database."""

from __future__ import annotations

import argparse
import os
from typing import Any

from web.auth import login_link
from web.notices.dispatch import start_schedule
from web.settings import Settings
from web.system import Tandem

FACTORY = "web.app:create_app"  # reads its settings from the environment in each worker


def cmd_serve(args: argparse.Namespace) -> int:
    settings = Settings.from_env(args.db)
    tandem = Tandem(settings)  # raises NotInitialised: the CLI says to run `tandem init`
    url = f"http://{args.host}:{args.port}"
    if args.login_link:
        link = login_link(tandem, args.login_link, base_url=url)
        print(f"Tandem is at {url}\nLog in as {args.login_link}: {link}", flush=True)
    notify = start_schedule(settings)  # one schedule per `tandem serve`, whatever the workers
    try:
        return _serve(args, settings, tandem)
    finally:
        notify.set()


def _serve(args: argparse.Namespace, settings: Settings, tandem: Tandem) -> int:
    import uvicorn

    if args.workers > 1:
        tandem.close()
        os.environ["TANDEM_DATABASE_URL"] = settings.database_url
        uvicorn.run(FACTORY, factory=True, host=args.host, port=args.port,
                    workers=args.workers, log_level=args.log_level)
        return 0
    from web.app import create_app  # the one import of the web application by a command

    try:
        uvicorn.run(create_app(settings, tandem), host=args.host, port=args.port,
                    log_level=args.log_level)
    finally:
        tandem.close()
    return 0


def register(sub: Any) -> None:
    """Add this module's subcommands to the `tandem` parser."""
    p = sub.add_parser("serve", help="run the web application and the JSON API (OpenAPI at "
                                     "/docs) with uvicorn")
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=_positive, default=1,
                   help="worker processes (default 1); each catches up the read models")
    p.add_argument("--login-link", metavar="PERSON",
                   help="print a login link for PERSON (a fresh API token) before serving")
    p.epilog = ("Runs a notify pass every TANDEM_NOTIFY_INTERVAL_SECONDS (default 300; 0 turns "
                "it off; see `tandem notify`).")
    p.add_argument("--log-level", default="info",
                   choices=["critical", "error", "warning", "info", "debug"])
    p.set_defaults(run=cmd_serve)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("at least 1")
    return number
