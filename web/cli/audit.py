"""Audit commands: `tandem checkpoint`, `verify`, `proof`, `export`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from domain.errors import InvalidInput
from projections.db import Database
from projections.ledger import merkle
from projections.ledger.bundle import ExportFilter, verify_bundle
from projections.ledger.keys import SigningKeyError, load_public_key, log_public_key
from projections.ledger.notes import CheckpointError
from projections.ledger.proofs import (
    ProofUnavailable,
    consistency_document,
    inclusion_document,
    verify_document,
)
from projections.ledger.verify import SELECT_LEDGER_POSITION, verify_log
from web.cli.console import err, progress_bar
from web.params import moment
from web.settings import Settings
from web.system import NotInitialised, Tandem


def cmd_checkpoint(args: argparse.Namespace) -> int:
    tandem = Tandem(Settings.from_env(args.db))
    try:
        note = tandem.signer.issue(tandem.read.now())
    except SigningKeyError as error:
        err.print(f"[red]{error}[/]")
        return 1
    finally:
        tandem.close()
    print(note, end="")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    if args.bundle:
        return _verify_bundle(Path(args.bundle), args.public_key)
    settings = Settings.from_env(args.db)
    db = Database(settings.storage)
    try:
        key = load_public_key(Path(args.public_key)) if args.public_key \
            else log_public_key(settings.signing_key_path)
        auditor = Path(args.checkpoint).read_text(encoding="utf-8") if args.checkpoint else None
        with db.connect() as conn:
            try:
                total = int(conn.scalar(SELECT_LEDGER_POSITION, ("ledger",)) or 0)
            except Exception as error:  # no tracking table: never initialised
                raise NotInitialised(f"{settings.storage.display()} holds no Tandem log.") from error
        with progress_bar(total, "verifying") as bar:
            task = bar.add_task("verify", total=total)
            result = verify_log(db, key, auditor, lambda n: bar.advance(task, n))
    except (SigningKeyError, OSError) as error:
        err.print(f"[red]{error}[/]")
        return 2
    finally:
        db.close()
    print(result.summary())
    for finding in result.findings[1:]:
        err.print(f"also: {finding.line()}")
    return 0 if result.ok else 1


def _verify_bundle(folder: Path, public_key: str | None) -> int:
    check = verify_bundle(folder, Path(public_key) if public_key else None)
    if check.ok:
        print(f"bundle intact: {check.events} events, each proven in the signed log of "
              f"{check.tree_size} events")
        return 0
    print(f"bundle NOT intact: {check.problems[0]}")
    for problem in check.problems[1:]:
        err.print(f"also: {problem}")
    return 1


def cmd_proof_verify(args: argparse.Namespace) -> int:
    try:
        document = json.loads(Path(args.file).read_text(encoding="utf-8"))
        key = load_public_key(Path(args.public_key))
        note = Path(args.checkpoint).read_text(encoding="utf-8")
        old = Path(args.old_checkpoint).read_text(encoding="utf-8") if args.old_checkpoint else None
        proven = verify_document(document, note, key, old)
    except (OSError, ValueError, KeyError, SigningKeyError, CheckpointError,
            merkle.ProofError) as error:
        print(f"proof NOT valid: {error}")
        return 1
    print(f"proof valid: {proven}")
    return 0


def cmd_proof_show(args: argparse.Namespace) -> int:
    tandem = Tandem(Settings.from_env(args.db))
    try:
        if args.proof_command == "inclusion":
            document = inclusion_document(tandem.db, args.position, args.size)
        else:
            document = consistency_document(tandem.db, args.old_size, args.size)
    except ProofUnavailable as error:
        err.print(f"[red]{error}[/]")
        return 1
    finally:
        tandem.close()
    print(json.dumps(document, indent=2))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    try:
        chosen = ExportFilter(args.initiative, moment(args.start, "from", end_of_day=False),
                              moment(args.end, "to"))
    except InvalidInput as error:
        err.print(f"[red]{error.detail}[/]")
        return 2
    tandem = Tandem(Settings.from_env(args.db))
    try:
        total = tandem.app.recorder.max_notification_id() or 0
        with progress_bar(total, "exporting") as bar:
            task = bar.add_task("export", total=None)
            manifest = tandem.export(Path(args.out), chosen, lambda n: bar.advance(task, n))
    except SigningKeyError as error:
        err.print(f"[red]{error}[/]")
        return 1
    finally:
        tandem.close()
    err.print(f"Exported {manifest['events']} events with proofs against the signed log of "
                  f"{manifest['tree_size']} events to {args.out}.")
    return 0


def register(sub: Any) -> None:
    """Add this module's subcommands to the `tandem` parser."""
    p = sub.add_parser("checkpoint", help="sign the audit ledger's tree head now; prints the "
                                          "signed checkpoint on stdout (hand it to an auditor)")
    p.set_defaults(run=cmd_checkpoint)

    p = sub.add_parser("verify", help="recompute the audit ledger from the stored events and "
                                      "check it against the signed checkpoints; exit 1 if altered")
    p.add_argument("--checkpoint", metavar="FILE", help="an auditor's earlier signed checkpoint")
    p.add_argument("--bundle", metavar="DIR", help="check an exported audit bundle offline")
    p.add_argument("--public-key", metavar="FILE", help="the log's public key (default: the "
                                                        "installation's, or the bundle's)")
    p.set_defaults(run=cmd_verify)

    p = sub.add_parser("proof", help="inclusion and consistency proofs")
    proof = p.add_subparsers(dest="proof_command", metavar="ACTION", required=True)
    v = proof.add_parser("verify", help="check a saved proof offline")
    v.add_argument("file", help="the proof (JSON, as the API or `tandem proof` returns it)")
    v.add_argument("--checkpoint", required=True, metavar="FILE", help="the signed checkpoint")
    v.add_argument("--public-key", required=True, metavar="FILE", help="the log's public key")
    v.add_argument("--old-checkpoint", metavar="FILE",
                   help="for a consistency proof: the earlier signed checkpoint")
    v.set_defaults(run=cmd_proof_verify)
    i = proof.add_parser("inclusion", help="print the inclusion proof of one event")
    i.add_argument("--position", type=int, required=True)
    i.add_argument("--size", type=int, help="tree size (default: the whole ledger)")
    i.set_defaults(run=cmd_proof_show)
    c = proof.add_parser("consistency", help="print a consistency proof between two sizes")
    c.add_argument("--from", dest="old_size", type=int, required=True)
    c.add_argument("--to", dest="size", type=int, required=True)
    c.set_defaults(run=cmd_proof_show)

    p = sub.add_parser("export", help="write an audit bundle: events, checkpoint, public key, "
                                      "proofs, manifest and a readable report")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--initiative", help="only this initiative's events")
    p.add_argument("--from", dest="start", metavar="T", help="recorded at or after (ISO 8601)")
    p.add_argument("--to", dest="end", metavar="T", help="recorded at or before (ISO 8601)")
    p.set_defaults(run=cmd_export)
