"""`tandem init` and `tandem token create|revoke`: the first admin, and API tokens."""

from __future__ import annotations

import argparse
from typing import Any

from projections.db import Database
from projections.ledger.keys import create_signing_key
from web.auth import login_link
from web.cli.console import CLI_ACTOR, err
from web.settings import Settings
from web.system import Tandem, is_initialised


def cmd_init(args: argparse.Namespace) -> int:
    settings = Settings.from_env(args.db)
    probe = Database(settings.storage)
    try:
        if is_initialised(probe):
            err.print(f"{settings.storage.display()} is already initialised; nothing was changed.")
            return 0 if args.exist_ok else 1
    finally:
        probe.close()
    tandem = Tandem(settings, create=True)
    try:
        admin = args.admin_id
        tandem.record(tandem.app.register_unit, actor=admin, unit=args.admin_unit,
                      name=args.admin_unit_name or args.admin_unit)
        tandem.record(tandem.app.register_person, actor=admin, person=admin,
                      name=args.admin_name, unit=args.admin_unit, role="admin")
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
