"""The `tandem` command line."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from collections.abc import Callable, Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from domain.errors import DomainError
from projections.db import StorageError
from web.settings import Settings
from web.system import NotInitialised, Tandem

CLI_ACTOR = "tandem-cli"
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, width=None if sys.stdout.isatty() else 200)


def _open(args: argparse.Namespace) -> Tandem:
    return Tandem(Settings.from_env(args.db))


def cmd_init(args: argparse.Namespace) -> int:
    settings = Settings.from_env(args.db)
    probe = Tandem.__new__(Tandem)
    from projections.db import Database

    probe.storage = settings.storage
    probe.db = Database(settings.storage)
    try:
        if probe.is_initialised():
            err.print(f"{settings.storage.display()} is already initialised; nothing was changed.")
            return 1
    finally:
        probe.db.close()
    tandem = Tandem(settings, create=True)
    try:
        admin = args.admin_id
        tandem.record("register_unit", actor=admin, unit=args.admin_unit,
                      name=args.admin_unit_name or args.admin_unit)
        tandem.record("register_person", actor=admin, person=admin, name=args.admin_name,
                      unit=args.admin_unit, role="admin")
        token, _ = tandem.app.issue_token(actor=admin, person=admin)
        tandem.catch_up()
        _init_signing_key(settings)
    finally:
        tandem.close()
    err.print(f"Initialised {settings.storage.display()}; admin '{admin}' created.")
    print(token)
    return 0


def _init_signing_key(settings: Settings) -> None:
    try:
        from web.audit_keys import create_signing_key
    except ImportError:  # the audit ledger is not part of this build
        return
    create_signing_key(settings.signing_key_path)


def cmd_token_create(args: argparse.Namespace) -> int:
    tandem = _open(args)
    try:
        token, _ = tandem.app.issue_token(actor=CLI_ACTOR, person=args.person)
        tandem.catch_up()
    finally:
        tandem.close()
    err.print(f"New API token for '{args.person}' (shown once; only its digest is stored):")
    print(token)
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    tandem = _open(args)
    try:
        tandem.record("revoke_token", actor=CLI_ACTOR, person=args.person,
                      token_id=args.token_id, reason=args.reason)
    finally:
        tandem.close()
    err.print(f"Token {args.token_id} of '{args.person}' revoked.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from web.demo import load_demo

    tandem = _open(args)
    try:
        loaded = load_demo(tandem)
    finally:
        tandem.close()
    if loaded:
        err.print(f"Loaded the demo story: {loaded} events (initiative 'kundenportal').")
    else:
        err.print("The demo story is already loaded; nothing was changed.")
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    tandem = _open(args)
    try:
        if args.initiative:
            events = []
            offset = 0
            while True:
                page = tandem.read.timeline(initiative=args.initiative, order="recorded",
                                            limit=1000, offset=offset)
                events += page
                offset += len(page)
                if len(page) < 1000:
                    break
        else:
            events, after = [], 0
            while True:
                page = tandem.read.events(after=after, limit=1000)
                events += page["events"]
                if page["next"] is None:
                    break
                after = page["next"]
    finally:
        tandem.close()
    if args.json:
        for envelope in events:
            print(json.dumps(envelope, ensure_ascii=False))
        return 0
    table = Table(title=f"Tandem log{' of ' + args.initiative if args.initiative else ''}")
    for column in ("#", "type", "initiative", "actor", "effective", "recorded", "summary"):
        table.add_column(column, overflow="fold")
    for e in events:
        recorded = e["recorded_at"][:16].replace("T", " ")
        if e["backdated"]:
            recorded += " (late)"
        table.add_row(str(e["position"]), e["type"], e["initiative"] or "", e["actor"],
                      e["effective_at"][:16].replace("T", " "), recorded, e["summary"])
    out.print(table)
    return 0


def progress_bar(total: int, label: str) -> Progress:
    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=err, transient=False, disable=not err.is_terminal and total < 10_000)


def cmd_rebuild(args: argparse.Namespace) -> int:
    tandem = _open(args)
    try:
        names = [p.name for p in tandem.runner.projections]
        if args.projection and args.projection not in names:
            err.print(f"Unknown projection '{args.projection}'; known: {', '.join(names)}.")
            return 2
        total = tandem.app.recorder.max_notification_id() or 0
        started = time.perf_counter()
        with progress_bar(total, "rebuilding") as bar:
            task = bar.add_task("rebuild", total=total)
            count = tandem.runner.rebuild([args.projection] if args.projection else None,
                                          progress=lambda n: bar.advance(task, n))
        elapsed = time.perf_counter() - started
    finally:
        tandem.close()
    rate = count / elapsed if elapsed > 0 else float("inf")
    err.print(f"Rebuilt {args.projection or 'all projections'}: {count} events in "
              f"{elapsed:.2f} s ({rate:,.0f} events/s).")
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    tandem = _open(args)
    try:
        forwarded = []
        for initiative in tandem.read.overdue_initiatives():
            forwarded += tandem.record("forward_overdue", initiative=initiative)
    finally:
        tandem.close()
    for envelope in forwarded:
        err.print(f"{envelope['initiative']}: {envelope['summary']}")
    err.print(f"Forwarded {len(forwarded)} overdue escalation(s).")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tandem",
        description="Tandem: an event-sourced decision log for work that crosses organisational "
                    "boundaries. Records goals, responsibilities, mandates, decisions, "
                    "escalations, handoffs and status reports as immutable events.",
        epilog="Database: --db URL or TANDEM_DATABASE_URL (default sqlite:///tandem.db). "
               "Run `tandem COMMAND --help` for details.",
    )
    parser.add_argument("--db", metavar="URL", help="sqlite:///PATH or postgresql://user:pass@host:port/db")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("init", help="create the schema, the first unit and the first admin; "
                                    "prints the admin's API token on stdout")
    p.add_argument("--admin-id", required=True, help="the admin's id, e.g. 'kathi'")
    p.add_argument("--admin-name", required=True, help="the admin's full name")
    p.add_argument("--admin-unit", required=True, help="the admin's unit id, e.g. 'it'")
    p.add_argument("--admin-unit-name", help="the unit's display name (default: its id)")
    p.set_defaults(run=cmd_init)

    p = sub.add_parser("token", help="API tokens")
    token_sub = p.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    t = token_sub.add_parser("create", help="print a new API token for a person on stdout")
    t.add_argument("--person", required=True, help="the person's id")
    t.set_defaults(run=cmd_token_create)
    t = token_sub.add_parser("revoke", help="stop a token from working (the id is the part "
                                            "after 'tdm_' in the token: tdm_<id>_…)")
    t.add_argument("--person", required=True, help="the person's id")
    t.add_argument("--token-id", required=True, help="the token's id")
    t.add_argument("--reason", default="revoked by an administrator", help="why")
    t.set_defaults(run=cmd_token_revoke)

    p = sub.add_parser("demo", help="load the example story (initiative 'kundenportal'); idempotent")
    p.set_defaults(run=cmd_demo)

    p = sub.add_parser("log", help="the events in log order, as a table or JSON lines")
    p.add_argument("--initiative", help="only this initiative's events")
    p.add_argument("--json", action="store_true", help="one JSON envelope per line")
    p.set_defaults(run=cmd_log)

    p = sub.add_parser("rebuild", help="drop the read models and replay the log into them")
    p.add_argument("--projection", help="only this read model (directory, timeline, "
                                        "responsibilities, decisions, escalations, ledger)")
    p.set_defaults(run=cmd_rebuild)

    p = sub.add_parser("escalations", help="escalation maintenance")
    esc = p.add_subparsers(dest="escalation_command", metavar="ACTION", required=True)
    s = esc.add_parser("sweep", help="forward every overdue open escalation one level up "
                                     "(as 'tandem-sweep'); safe to run from cron")
    s.set_defaults(run=cmd_sweep)

    for name in EXTENSION_MODULES:
        importlib.import_module(name).register(sub)
    return parser


EXTENSION_MODULES = ("web.serve", "web.audit_cli", "web.rules_cli")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except DomainError as error:
        err.print(f"[red]Rejected:[/] {error.detail}" + (f" (rule {error.rule})" if error.rule else ""))
        return 1
    except (StorageError, NotInitialised) as error:
        err.print(f"[red]{error}[/]")
        return 1


if __name__ == "__main__":
    sys.exit(main())
