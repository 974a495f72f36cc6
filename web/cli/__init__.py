"""The `tandem` command: one module per command group, each adding its subcommands."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from types import ModuleType

from domain.errors import DomainError
from projections.db import StorageError
from web.cli import (
    admin,
    audit,
    demo,
    escalations,
    imports,
    log,
    notices,
    rhythm,
    rules,
    serve,
    witness,
)
from web.cli.console import err
from web.errors import EXIT_REFUSED, EXIT_UNUSABLE
from web.settings import SettingsError
from web.system import NotInitialised

GROUPS: tuple[ModuleType, ...] = (admin, demo, log, escalations, serve, audit, witness, rules, imports, notices)
GROUPS += (rhythm,)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tandem",
        description="Tandem: an event-sourced decision log for work that crosses organisational "
                    "boundaries. Records goals, responsibilities, mandates, decisions, "
                    "escalations, handoffs and status reports as immutable events.",
        epilog="Database: --db URL or TANDEM_DATABASE_URL (default sqlite:///tandem.db). "
               "Run `tandem COMMAND --help` for details.",
    )
    parser.add_argument("--db", metavar="URL",
                        help="sqlite:///PATH or postgresql://user:pass@host:port/db")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for group in GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except DomainError as error:
        err.print(f"[red]Rejected:[/] {error.detail}" + (f" (rule {error.rule})" if error.rule else ""))
        return EXIT_REFUSED
    except (StorageError, NotInitialised) as error:
        err.print(f"[red]{error}[/]")
        return EXIT_REFUSED
    except SettingsError as error:
        err.print(f"[red]{error}[/]")
        return EXIT_UNUSABLE

