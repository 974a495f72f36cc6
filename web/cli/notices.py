"""`tandem notify` (one notify pass, safe for cron) and `tandem notices ...`: webhook
subscriptions, the delivery log, what is due, people's contact and feed tokens."""

from __future__ import annotations

import argparse
import json
from typing import Any

from web.cli.console import CLI_ACTOR, err, out
from web.notices.dispatch import Notifier, deliveries
from web.notices.hooks import Hooks
from web.settings import Settings
from web.system import Tandem


def _tandem(args: argparse.Namespace) -> Tandem:
    return Tandem(Settings.from_env(args.db))


def cmd_notify(args: argparse.Namespace) -> int:
    tandem = _tandem(args)
    try:
        report = Notifier(tandem).run_once()
    finally:
        tandem.close()
    if args.json:
        out.print_json(json.dumps(report.as_dict()))
    for line in report.errors:
        err.print(f"[yellow]{line}[/]")
    err.print(f"Notify pass: {report.due} due, {report.sent} sent, {report.failed} to retry, "
              f"{report.given_up} given up, {report.already} claimed elsewhere.")
    return 0


def cmd_hook_add(args: argparse.Namespace) -> int:
    tandem = _tandem(args)
    try:
        hook = Hooks(tandem.db).subscribe(actor=CLI_ACTOR, url=args.url, kinds=args.kind or [],
                                          secret=args.secret, base_url=tandem.settings.base_url,
                                          now=tandem.read.now())
    finally:
        tandem.close()
    out.print_json(json.dumps(hook))
    err.print("Keep the secret: receivers verify X-Tandem-Signature with it; it is not shown "
              "again.")
    return 0


def cmd_hook_list(args: argparse.Namespace) -> int:
    tandem = _tandem(args)
    try:
        out.print_json(json.dumps({"webhooks": Hooks(tandem.db).all()}))
    finally:
        tandem.close()
    return 0


def cmd_hook_remove(args: argparse.Namespace) -> int:
    tandem = _tandem(args)
    try:
        Hooks(tandem.db).remove(args.hook, tandem.read.now())
    finally:
        tandem.close()
    err.print(f"Removed the webhook subscription {args.hook}.")
    return 0


def cmd_deliveries(args: argparse.Namespace) -> int:
    tandem = _tandem(args)
    try:
        rows = deliveries(tandem, args.state, args.limit)
    finally:
        tandem.close()
    out.print_json(json.dumps({"deliveries": rows}))
    return 0


def cmd_outbox(args: argparse.Namespace) -> int:
    tandem = _tandem(args)
    try:
        due = [n.as_dict() for n in Notifier(tandem).due()]
    finally:
        tandem.close()
    out.print_json(json.dumps({"notices": due}))
    return 0


def cmd_contact(args: argparse.Namespace) -> int:
    from domain.notifying import Notifying

    tandem = _tandem(args)
    try:
        tandem.record(Notifying(tandem.app).set_contact, actor=CLI_ACTOR, person=args.person,
                      email=args.email, language=args.language)
    finally:
        tandem.close()
    err.print(f"{args.person} gets notices in {args.language}"
              + (f" at {args.email}." if args.email else " (no email)."))
    return 0


def cmd_feed_issue(args: argparse.Namespace) -> int:
    from domain.notifying import Notifying

    tandem = _tandem(args)
    try:
        token, _ = Notifying(tandem.app).issue_feed_token(actor=CLI_ACTOR, person=args.person)
        tandem.catch_up()
        base = tandem.settings.base_url.rstrip("/")
    finally:
        tandem.close()
    out.print(token)
    err.print(f"Feed of {args.person}: {base}/feeds/people/{args.person}.atom?token=<token> "
              "(only its digest is stored; revoke it with `tandem notices feed-token revoke`).")
    return 0


def cmd_feed_revoke(args: argparse.Namespace) -> int:
    from domain.notifying import Notifying

    tandem = _tandem(args)
    try:
        tandem.record(Notifying(tandem.app).revoke_feed_token, actor=CLI_ACTOR,
                      person=args.person, token_id=args.token_id)
    finally:
        tandem.close()
    err.print(f"Revoked feed token {args.token_id} of {args.person}.")
    return 0


def register(sub: Any) -> None:
    n = sub.add_parser("notify", help="one notify pass: send every notice due now by email and "
                                      "webhook, retry failed ones; safe to run from cron")
    n.add_argument("--json", action="store_true", help="print what the pass did as JSON")
    n.set_defaults(run=cmd_notify)

    p = sub.add_parser("notices", help="notices: webhooks, delivery log, outbox, contacts, feeds")
    act = p.add_subparsers(dest="notices_command", metavar="ACTION", required=True)
    h = act.add_parser("webhook", help="webhook subscriptions (signed with HMAC-SHA256)")
    hact = h.add_subparsers(dest="webhook_command", metavar="ACTION", required=True)
    add = hact.add_parser("add", help="subscribe a receiver URL to notice kinds")
    add.add_argument("url", help="http:// or https:// URL of the receiver (not this server)")
    add.add_argument("--kind", action="append", metavar="KIND",
                     help="a notice kind (repeat; default: every kind)")
    add.add_argument("--secret", help="the signing secret (default: a new random one)")
    add.set_defaults(run=cmd_hook_add)
    hact.add_parser("list", help="the subscriptions (without secrets)").set_defaults(
        run=cmd_hook_list)
    rm = hact.add_parser("remove", help="end a subscription")
    rm.add_argument("hook", help="the subscription id (wh-...)")
    rm.set_defaults(run=cmd_hook_remove)

    d = act.add_parser("deliveries", help="the delivery log, newest first")
    d.add_argument("--state", choices=["sending", "delivered", "failed", "given_up"])
    d.add_argument("--limit", type=int, default=200)
    d.set_defaults(run=cmd_deliveries)
    act.add_parser("outbox", help="the notices due now").set_defaults(run=cmd_outbox)

    c = act.add_parser("contact", help="a person's email address and notice language")
    c.add_argument("person")
    c.add_argument("--email", default="", help="the address (empty: no email)")
    c.add_argument("--language", default="en", choices=["en", "de"])
    c.set_defaults(run=cmd_contact)

    f = act.add_parser("feed-token", help="a person's token for their Atom feeds")
    fact = f.add_subparsers(dest="feed_command", metavar="ACTION", required=True)
    fi = fact.add_parser("issue", help="issue a feed token (printed once)")
    fi.add_argument("person")
    fi.set_defaults(run=cmd_feed_issue)
    fr = fact.add_parser("revoke", help="revoke a feed token")
    fr.add_argument("person")
    fr.add_argument("token_id", help="the id inside the token: tdf_<person>_<id>_...")
    fr.set_defaults(run=cmd_feed_revoke)
