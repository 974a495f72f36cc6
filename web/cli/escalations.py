"""`tandem escalations sweep`: forward every overdue open escalation one level up."""

from __future__ import annotations

import argparse
from typing import Any

from web.cli.console import err
from web.settings import Settings
from web.system import Tandem


def cmd_sweep(args: argparse.Namespace) -> int:
    tandem = Tandem(Settings.from_env(args.db))
    try:
        forwarded: list[dict[str, Any]] = []
        for initiative in tandem.read.overdue_initiatives():
            forwarded += tandem.record(tandem.app.forward_overdue, initiative=initiative)
    finally:
        tandem.close()
    for envelope in forwarded:
        err.print(f"{envelope['initiative']}: {envelope['summary']}")
    err.print(f"Forwarded {len(forwarded)} overdue escalation(s).")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("escalations", help="escalation maintenance")
    esc = p.add_subparsers(dest="escalation_command", metavar="ACTION", required=True)
    s = esc.add_parser("sweep", help="forward every overdue open escalation one level up "
                                     "(as 'tandem-sweep'); safe to run from cron")
    s.set_defaults(run=cmd_sweep)
