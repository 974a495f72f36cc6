"""`tandem init` and `tandem token create|revoke`: the first admin, and API tokens."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from domain.errors import Conflict
from projections.db import Database
from projections.ledger.journal import Journal, journal_path
from projections.ledger.keys import create_signing_key
from web.auth import login_link
from web.cli.console import CLI_ACTOR, err
from web.cli.demo import load_demo
from web.settings import Settings
from web.system import Tandem, is_initialised


def cmd_init(args: argparse.Namespace) -> int:
    settings = Settings.from_env(args.db)
    storage = settings.storage
    if storage.backend != "sqlite" or Path(storage.path).exists():
        probe = Database(storage)
        try:
            if is_initialised(probe):
                err.print(f"{storage.display()} is already initialised; nothing was changed.")
                return 0 if args.exist_ok else 1
        finally:
            probe.close()
    signed = Journal(journal_path(settings.signing_key_path)).last()
    if signed is not None:
        err.print(f"[red]The signing key {settings.signing_key_path} has already signed another "
                  f"log ({signed.size} events, journal {journal_path(settings.signing_key_path)})."
                  " A new log needs a key of its own: move the key and its journal away (keep "
                  "them while that log matters) or set TANDEM_SIGNING_KEY. Nothing was "
                  "changed.[/]")
        return 1
    tandem = Tandem(settings, create=True)
    try:
        admin = args.admin_id
        if args.demo:  # the story first: its recording times lie in the twelve weeks before now
            err.print(f"Loaded the demo story: {load_demo(tandem)} events.")
        known = {u["unit"] for u in tandem.read.units()}
        if args.admin_unit not in known:
            tandem.record(tandem.app.register_unit, actor=admin, unit=args.admin_unit,
                          name=args.admin_unit_name or args.admin_unit)
        people = {p["person"]: p for p in tandem.read.people()}
        if admin not in people:
            tandem.record(tandem.app.register_person, actor=admin, person=admin,
                          name=args.admin_name, unit=args.admin_unit, role="admin")
        elif people[admin]["role"] != "admin":
            raise Conflict(f"'{admin}' is a {people[admin]['role']} in the demo story; choose "
                           "another admin id.")
        if args.login_link:  # a one-time link (its token is revoked when used), not a token
            secret = login_link(tandem, admin)
        else:
            secret, _ = tandem.app.issue_token(actor=admin, person=admin)
            tandem.catch_up()
        create_signing_key(settings.signing_key_path)
    finally:
        tandem.close()
    err.print(f"Initialised {settings.storage.display()}; admin '{admin}' created.")
    if args.login_link:
        err.print(f"Log in as {admin} once with this link (at {settings.base_url}):")
    print(secret, flush=True)
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    tandem = Tandem(Settings.from_env(args.db))
    try:
        token, _ = tandem.app.issue_token(actor=CLI_ACTOR, person=args.person)
        tandem.catch_up()
    finally:
        tandem.close()
    err.print(f"New API token for '{args.person}' (shown once; only its digest is stored):")
    print(token)
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    tandem = Tandem(Settings.from_env(args.db))
    try:
        tandem.record(tandem.app.revoke_token, actor=CLI_ACTOR, person=args.person,
                      token_id=args.token_id, reason=args.reason)
    finally:
        tandem.close()
    err.print(f"Token {args.token_id} of '{args.person}' revoked.")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("init", help="create the schema, the first unit and the first admin; "
                                    "prints the admin's API token (or a one-time login link) "
                                    "on stdout")
    p.add_argument("--admin-id", required=True, help="the admin's id, e.g. 'kathi'")
    p.add_argument("--admin-name", required=True, help="the admin's full name")
    p.add_argument("--admin-unit", required=True, help="the admin's unit id, e.g. 'it'")
    p.add_argument("--admin-unit-name", help="the unit's display name (default: its id)")
    p.add_argument("--demo", action="store_true", help="load the example story first (its "
                                                       "twelve weeks end today)")
    p.add_argument("--exist-ok", action="store_true",
                   help="exit 0 (changing nothing) when the database is already initialised")
    p.add_argument("--login-link", action="store_true",
                   help="print a one-time login link for the admin (under TANDEM_BASE_URL) "
                        "instead of a lasting API token")
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
