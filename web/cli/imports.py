"""`tandem import adr DIR` and `tandem import csv FILE`: existing decision records into an
initiative's proposals and decisions, as claims of the deciders they name.

An import is all or nothing: every file is read and mapped first (every line that cannot be
mapped is reported, by file and line), then every entry is recorded in one transaction, as one
request whose key is made of the files' SHA-256: a rerun after an unanswered attempt is
recognised, and a source imported before (same SHA-256) is skipped."""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Recording
from rich.markup import escape

from domain.errors import DomainError
from web import requests
from web.cli.console import err
from web.cli.import_plan import Step, plan
from web.cli.records import (
    Problem,
    Record,
    is_record_file,
    read_csv,
    read_markdown,
)
from web.errors import EXIT_REFUSED, EXIT_UNUSABLE
from web.settings import Settings
from web.system import Tandem


class ImportRefused(Exception):
    def __init__(self, source: str, error: DomainError):
        super().__init__(f"{source}: {error.detail}" + (f" (rule {error.rule})"
                                                         if error.rule else ""))


def record(tandem: Tandem, initiative: str, actor: str, steps: list[Step],
           dry_run: bool) -> list[Recording[Any]]:
    """Every step in one transaction; with `dry_run`, checked by the rules and not saved."""
    app = tandem.app
    with app.batch(initiative) as recordings:
        for s in steps:
            r = s.record
            try:
                app.propose(actor=actor, initiative=initiative, proposal=s.proposal,
                            question=s.question, scope=r.scope, options=s.options,
                            proposed_by=s.proposed_by, effective_at=s.effective_at)
                if s.decision:
                    app.import_decision(
                        actor=actor, initiative=initiative, decision=s.decision,
                        scope=r.scope, title=r.title, option=s.option, rationale=r.rationale,
                        decided_by=s.deciders, options=s.options, source=r.source,
                        proposal=s.proposal, supersedes=s.supersedes,
                        effective_at=s.effective_at)
                app.mark_imported(actor=actor, initiative=initiative, source=r.source,
                                  sha256=r.sha256, format=r.format,
                                  entries=[s.proposal] + ([s.decision] if s.decision else []),
                                  effective_at=s.effective_at)
            except DomainError as error:
                raise ImportRefused(r.source, error) from None
        if dry_run:
            raise _DryRun
    return recordings


class _DryRun(Exception):
    """Leaves the batch unsaved."""


def run_import(args: argparse.Namespace, records: list[Record], problems: list[Problem]) -> int:
    tandem = Tandem(Settings.from_env(args.db))
    try:
        reader = tandem.read.person(args.as_person)
        tandem.read.visibility(args.as_person, reader["role"]).require(args.initiative)
        fallback = [p.strip() for p in (args.decided_by or "").split(",") if p.strip()]
        mapped = plan(records, tandem, args.initiative, args.as_person, args.scope, fallback)
        problems = problems + mapped.problems
        for source in mapped.skipped:
            err.print(f"{escape(source)}: imported before (same SHA-256); skipped")
        if problems:
            for problem in problems:
                print(f"cannot map {problem}")
            err.print(f"[red]Nothing recorded: {len(problems)} line(s) cannot be mapped.[/]")
            return EXIT_UNUSABLE
        for note in mapped.notes:
            err.print(escape(note))
        if not mapped.steps:
            print("Nothing new to record.")
            return 0
        try:
            record(tandem, args.initiative, args.as_person, mapped.steps, dry_run=True)
        except _DryRun:
            pass
        except ImportRefused as error:
            print(f"cannot record {error}")
            err.print("[red]Nothing recorded.[/]")
            return EXIT_REFUSED
        for step in mapped.steps:
            print(("would record " if args.dry_run else "recording ") + step.describe())
        if args.dry_run:
            err.print(f"Dry run: {len(mapped.steps)} record(s) would be imported; nothing was "
                      "recorded.")
            return 0
        digest = hashlib.sha256("\n".join(sorted(s.record.sha256 for s in mapped.steps))
                                .encode()).hexdigest()
        write = requests.Write(fingerprint=digest, key=f"import-{args.initiative}-{digest}",
                               given=True, person=args.as_person)
        token = requests.CURRENT.set(write)
        try:
            envelopes = tandem.record(record, tandem, args.initiative, args.as_person,
                                      mapped.steps, False)
        finally:
            requests.CURRENT.reset(token)
        err.print(f"Imported {len(mapped.steps)} record(s): {len(envelopes)} entries recorded; "
                  "their deciders' confirmations are pending.")
        return 0
    finally:
        tandem.close()


def cmd_import_adr(args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    if not folder.is_dir():
        err.print(f"[red]{escape(args.dir)} is not a folder of decision records.[/]")
        return EXIT_UNUSABLE
    records, problems = [], []
    files = sorted(p for p in folder.rglob("*.md") if is_record_file(p))
    if not files:
        err.print(f"[red]{escape(args.dir)} holds no Markdown decision records (*.md).[/]")
        return EXIT_UNUSABLE
    for path in files:
        found, trouble = read_markdown(str(path.relative_to(folder)), path.read_bytes())
        problems += trouble
        if found is not None and not trouble:
            records.append(found)
    return run_import(args, records, problems)


def cmd_import_csv(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as error:
        err.print(f"[red]Cannot read {escape(args.file)}: {error.strerror}.[/]")
        return EXIT_UNUSABLE
    records, problems = read_csv(path.name, data)
    return run_import(args, records, problems)


def register(sub: Any) -> None:
    p = sub.add_parser("import", help="import existing decision records (architecture decision "
                                      "records, decision lists) as proposals and decisions; "
                                      "all or nothing, and a second import of the same files "
                                      "records nothing")
    kinds = p.add_subparsers(dest="import_command", metavar="FORMAT", required=True)
    a = kinds.add_parser("adr", help="a folder of MADR, adr-tools or log4brains Markdown files")
    a.add_argument("dir", help="the folder (searched recursively for *.md)")
    a.set_defaults(run=cmd_import_adr)
    c = kinds.add_parser("csv", help="a decision list in CSV (columns: docs/import.md)")
    c.add_argument("file", help="the CSV file")
    c.set_defaults(run=cmd_import_csv)
    for q in (a, c):
        q.add_argument("--initiative", required=True, help="the initiative to import into")
        q.add_argument("--as", dest="as_person", required=True, metavar="PERSON",
                       help="who records the import (a member or lead of the initiative)")
        q.add_argument("--scope", default="architecture",
                       help="the scope of decisions whose record names none "
                            "(default: architecture)")
        q.add_argument("--decided-by", metavar="PEOPLE",
                       help="comma-separated person ids for records that name no deciders")
        q.add_argument("--dry-run", action="store_true",
                       help="report what would be recorded and every line that cannot be "
                            "mapped; record nothing")
