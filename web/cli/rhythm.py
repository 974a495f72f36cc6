"""`tandem rhythm`: what the rhythm of each open initiative asks for now: meeting cadences
missed, criterion evaluations due or missed, mandates expiring or expired, handoffs waiting or
refused. Reads only; safe to run from cron."""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timedelta, timezone
from typing import Any

from web.cli.console import err, out
from web.settings import Settings
from web.system import Tandem


def findings(state: dict[str, Any], now: datetime, within: timedelta) -> list[dict[str, str]]:
    """One initiative's open rhythm items, each {kind, id, detail}."""
    found: list[dict[str, str]] = []
    for kind, cadence in sorted(state["cadences"].items()):
        if cadence.get("missed"):
            found.append({"kind": "cadence-missed", "id": kind,
                          "detail": f"no {kind} meeting within {cadence['every_days']} days "
                                    f"(last: {cadence.get('last') or 'never'})"})
    for key, criterion in sorted(state["criteria"].items()):
        if criterion["status"] != "active":
            continue
        for evaluation in criterion.get("evaluations") or []:
            date = datetime.fromisoformat(evaluation["date"])
            if evaluation["state"] == "pending" and date <= now + within:
                found.append({"kind": "evaluation-due", "id": key,
                              "detail": f"evaluated on {evaluation['date'][:10]}"})
        if criterion.get("state") == "missed":
            found.append({"kind": "criterion-missed", "id": key,
                          "detail": f"missed its target ({criterion['comparison']} "
                                    f"{criterion['target_value']:g})"})
    for key, mandate in sorted(state["mandates"].items()):
        until = mandate.get("valid_until")
        if mandate["status"] != "active" or not until:
            continue
        if mandate.get("expired"):
            found.append({"kind": "mandate-expired", "id": key, "detail": f"expired {until[:10]}"})
        elif datetime.fromisoformat(until) <= now + within:
            found.append({"kind": "mandate-expiring", "id": key,
                          "detail": f"valid until {until[:10]}"})
    for key, handoff in sorted(state["handoffs"].items()):
        if handoff["status"] == "started":
            found.append({"kind": "handoff-waiting", "id": key,
                          "detail": f"waits for {handoff['to']} since {handoff['started_at'][:10]}"})
        elif handoff["status"] in ("refused", "returned"):
            found.append({"kind": f"handoff-{handoff['status']}", "id": key,
                          "detail": handoff.get("reason") or ""})
    return found


def cmd_rhythm(args: argparse.Namespace) -> int:
    tandem = Tandem(Settings.from_env(args.db))
    try:
        now = datetime.now(timezone.utc)
        within = timedelta(days=args.within)
        items = [{"initiative": row["initiative"], **item}
                 for row in tandem.read.initiatives() if row["status"] == "open"
                 for item in findings(tandem.read.state(row["initiative"]), now, within)]
    finally:
        tandem.close()
    if args.json:
        out.print_json(json.dumps(items))
    else:
        for item in items:
            out.print(f"{item['initiative']}\t{item['kind']}\t{item['id']}\t{item['detail']}",
                      markup=False)
        err.print(f"{len(items)} item(s) ask for attention.")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("rhythm", help="list what the rhythm of each open initiative asks for "
                                      "now: meeting cadences missed, criterion evaluations due "
                                      "or missed, mandates expiring or expired, handoffs "
                                      "waiting, refused or returned (reads only; safe for cron)")
    p.add_argument("--within", type=int, default=7, metavar="DAYS",
                   help="how far ahead an evaluation or a mandate's end counts as due "
                        "(default 7)")
    p.add_argument("--json", action="store_true", help="print the items as JSON")
    p.set_defaults(run=cmd_rhythm)
