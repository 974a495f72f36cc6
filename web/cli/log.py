"""`tandem log` (the events, as a table or JSON lines) and `tandem rebuild` (the read models)."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from rich.table import Table

from projections.queries import ReadModels
from web.cli.console import err, out, progress_bar
from web.settings import Settings
from web.system import Tandem

PAGE = 1000


def all_events(read: ReadModels, initiative: str | None) -> list[dict[str, Any]]:
    """Every envelope of one initiative, or of the whole log, in recording order."""
    events: list[dict[str, Any]] = []
    if initiative:
        while True:
            page = read.timeline(initiative=initiative, order="recorded", limit=PAGE,
                                 offset=len(events))
            events += page
            if len(page) < PAGE:
                return events
    after = 0
    while True:
        chunk = read.events(after=after, limit=PAGE)
        events += chunk["events"]
        if chunk["next"] is None:
            return events
        after = chunk["next"]


def cmd_log(args: argparse.Namespace) -> int:
    tandem = Tandem(Settings.from_env(args.db))
    try:
        events = all_events(tandem.read, args.initiative)
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


def cmd_rebuild(args: argparse.Namespace) -> int:
    tandem = Tandem(Settings.from_env(args.db))
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


def register(sub: Any) -> None:
    p = sub.add_parser("log", help="the events in log order, as a table or JSON lines")
    p.add_argument("--initiative", help="only this initiative's events")
    p.add_argument("--json", action="store_true", help="one JSON envelope per line")
    p.set_defaults(run=cmd_log)

    p = sub.add_parser("rebuild", help="drop the read models and replay the log into them")
    p.add_argument("--projection", help="only this read model (directory, timeline, "
                                        "responsibilities, decisions, escalations, ledger)")
    p.set_defaults(run=cmd_rebuild)
