"""Audit commands: `tandem checkpoint`, `verify`, `proof`, `export`.

Exit codes: 0 intact (or done), 1 altered or refused, 2 the input could not be used (an
unreadable file, a log that cannot be read as Tandem stores it): nothing was concluded."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from rich.markup import escape

from domain.errors import InvalidInput
from projections.db import Database
from projections.ledger import merkle, notes
from projections.ledger.authority import Authority
from projections.ledger.bundle import BundleError, ExportFilter, verify_bundle
from projections.ledger.checkpoints import SignerRefused
from projections.ledger.journal import Journal, JournalError, journal_path
from projections.ledger.keys import (
    SigningKeyError,
    load_verifier,
    log_public_key,
    read_verifier,
)
from projections.ledger.notes import COSIGNATURE_V1, CheckpointError, VerifierKey
from projections.ledger.proofs import (
    ProofUnavailable,
    consistency_document,
    inclusion_document,
    verify_document,
)
from projections.ledger.record import PDF_FILE, record_html, write_record_pdf
from projections.ledger.verify import SELECT_LEDGER_POSITION, UnreadableLog, verify_log
from web.cli.console import err, progress_bar
from web.errors import EXIT_REFUSED, EXIT_UNUSABLE
from web.params import moment
from web.settings import Settings
from web.system import NotInitialised, Tandem


class Unusable(Exception):
    """An input file the command cannot use (exit 2)."""


def read_note(path: str, what: str = "checkpoint") -> str:
    """A signed note from a file: text, and shaped like a signed checkpoint."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise Unusable(f"Cannot read the {what} file {path}: {error.strerror}.") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Unusable(f"The {what} file {path} is not text: a signed checkpoint is a few "
                       "lines of UTF-8 text.") from None
    try:
        notes.parse(text)
    except CheckpointError as error:
        raise Unusable(f"The {what} file {path} is not a signed checkpoint: {error}.") from None
    return text


def witnesses_of(args: argparse.Namespace) -> tuple[VerifierKey, ...]:
    try:
        return tuple(read_verifier(value, COSIGNATURE_V1) for value in args.witness or ())
    except SigningKeyError as error:
        raise Unusable(f"--witness: {error}") from None


def cmd_checkpoint(args: argparse.Namespace) -> int:
    tandem = Tandem(Settings.from_env(args.db))
    try:
        note = tandem.signer.issue(tandem.read.now())
    except (SigningKeyError, SignerRefused, JournalError) as error:
        err.print(f"[red]Refused: {escape(str(error))}[/]")
        return EXIT_REFUSED
    finally:
        tandem.close()
    print(note, end="")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    settings = Settings.from_env(args.db)
    origin = args.origin or settings.origin
    try:
        witnesses = witnesses_of(args)
        if args.bundle:
            return _verify_bundle(Path(args.bundle), args.public_key, args.origin,
                                  settings.origin, witnesses)
        return _verify_log(settings, origin, args, witnesses)
    except (Unusable, SigningKeyError, JournalError, UnreadableLog, OSError) as error:
        err.print(f"[red]Cannot verify: {escape(str(error))}[/]")
        return EXIT_UNUSABLE


def _verify_log(settings: Settings, origin: str, args: argparse.Namespace,
                witnesses: tuple[VerifierKey, ...]) -> int:
    log = load_verifier(Path(args.public_key), origin) if args.public_key \
        else VerifierKey(origin, log_public_key(settings.signing_key_path))
    auditor = read_note(args.checkpoint) if args.checkpoint else None
    journal = Journal(Path(args.journal) if args.journal
                      else journal_path(settings.signing_key_path))
    if not journal.exists:
        if args.journal:
            raise Unusable(f"There is no signer's journal at {args.journal}.")
        err.print(f"No signer's journal at {journal.path}: the log is checked against the "
                  "checkpoints in the database only.")
    db = Database(settings.storage)
    try:
        with db.connect() as conn:
            try:
                total = int(conn.scalar(SELECT_LEDGER_POSITION, ("ledger",)) or 0)
            except Exception as error:  # no tracking table: never initialised
                raise NotInitialised(f"{settings.storage.display()} holds no Tandem log.") from error
        with progress_bar(total, "verifying") as bar:
            task = bar.add_task("verify", total=total)
            result = verify_log(db, log, auditor, lambda n: bar.advance(task, n),
                                journal=journal if journal.exists else None,
                                witnesses=witnesses, authority=Authority(),
                                skew=timedelta(seconds=settings.recording_skew_seconds))
    finally:
        db.close()
    print(result.summary())
    for finding in result.findings[1:]:
        err.print(f"also: {escape(finding.line())}")
    return 0 if result.ok else EXIT_REFUSED


def _verify_bundle(folder: Path, public_key: str | None, origin: str | None, default: str,
                   witnesses: tuple[VerifierKey, ...]) -> int:
    """The origin a bundle's checkpoint must name: --origin, else the verifier key's name,
    else TANDEM_LOG_ORIGIN; never the bundle's own (unsigned) manifest."""
    if not (folder / "manifest.json").is_file():
        raise Unusable(f"{folder} holds no audit bundle (no manifest.json).")
    log = load_verifier(Path(public_key), origin, default) if public_key else None
    check = verify_bundle(folder, log, origin or (log.name if log else default), witnesses)
    if check.ok:
        witnessed = "".join(f", witnessed by {name} up to {size} events"
                            for name, size in check.witnessed.items())
        tables = "".join(f"; every cell of {name} matches the signed events"
                         for name in check.tables)
        print(f"bundle intact: {check.events} events, each proven in the signed log of "
              f"{check.tree_size} events{witnessed}{tables}")
        return 0
    print(f"bundle NOT intact: {check.problems[0]}")
    for problem in check.problems[1:]:
        err.print(f"also: {escape(problem)}")
    return EXIT_REFUSED


def cmd_proof_verify(args: argparse.Namespace) -> int:
    origin = args.origin or Settings.from_env(args.db).origin
    try:
        document = json.loads(Path(args.file).read_text(encoding="utf-8"))
        log = load_verifier(Path(args.public_key), origin)
        note = read_note(args.checkpoint)
        old = read_note(args.old_checkpoint, "earlier checkpoint") if args.old_checkpoint \
            else None
    except (OSError, UnicodeDecodeError, ValueError, SigningKeyError, Unusable) as error:
        err.print(f"[red]Cannot check the proof: {escape(str(error))}[/]")
        return EXIT_UNUSABLE
    try:
        proven = verify_document(document, note, log, old)
    except (ValueError, KeyError, TypeError, CheckpointError, merkle.ProofError) as error:
        print(f"proof NOT valid: {error}")
        return EXIT_REFUSED
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
        err.print(f"[red]{escape(str(error))}[/]")
        return EXIT_REFUSED
    finally:
        tandem.close()
    print(json.dumps(document, indent=2))
    return 0


FORMATS = ("bundle", "csv", "xlsx", "pdf")


def cmd_export(args: argparse.Namespace) -> int:
    formats = set(args.format or ["bundle"])
    try:
        chosen = ExportFilter(args.initiative, moment(args.start, "from", end_of_day=False),
                              moment(args.end, "to"))
        matrix_at = [m for m in (moment(v, "matrix-at") for v in args.matrix_at or ()) if m]
    except InvalidInput as error:
        err.print(f"[red]{escape(error.detail)}[/]")
        return EXIT_UNUSABLE
    if "pdf" in formats and not args.initiative:
        err.print("[red]Nothing exported: the PDF is one initiative's decision record; name it "
                  "with --initiative.[/]")
        return EXIT_UNUSABLE
    tandem = Tandem(Settings.from_env(args.db))
    try:
        if args.as_person:
            reader = tandem.read.person(args.as_person)
            if args.initiative:
                tandem.read.visibility(args.as_person, reader["role"]).require(args.initiative)
            elif reader["role"] not in ("admin", "auditor"):
                err.print(f"[red]Nothing exported: {escape(args.as_person)} may export single "
                          "initiatives they read (--initiative), not the whole log.[/]")
                return EXIT_REFUSED
        tables = tuple(f"events.{f}" for f in ("csv", "xlsx") if f in formats)
        extras = _record_pdf(tandem, args.initiative, matrix_at) if "pdf" in formats else None
        total = tandem.app.recorder.max_notification_id() or 0
        with progress_bar(total, "exporting") as bar:
            task = bar.add_task("export", total=None)
            manifest = tandem.export(Path(args.out), chosen, lambda n: bar.advance(task, n),
                                     force=args.force, tables=tables, extras=extras)
    except BundleError as error:
        err.print(f"[red]Nothing exported: {escape(str(error))}[/]")
        return EXIT_UNUSABLE
    except (SigningKeyError, SignerRefused, JournalError) as error:
        err.print(f"[red]Nothing exported: {escape(str(error))}[/]")
        return EXIT_REFUSED
    finally:
        tandem.close()
    err.print(f"Exported {manifest['events']} events with proofs against the signed log of "
              f"{manifest['tree_size']} events to {escape(args.out)}"
              f"{' (' + ', '.join(sorted(manifest['files'])) + ')' if formats != {'bundle'} else ''}"
              ".")
    return 0


def _record_pdf(tandem: Tandem, initiative: str, matrix_at: list[datetime],
                ) -> Callable[[Path, str], tuple[str, ...]]:
    def write(out: Path, note: str) -> tuple[str, ...]:
        html = record_html(tandem.read, initiative, note, matrix_at)
        try:
            write_record_pdf(out / PDF_FILE, html)
        except OSError as error:
            raise BundleError(f"Cannot write {out / PDF_FILE}: {error}") from None
        return (PDF_FILE,)
    return write


def register(sub: Any) -> None:
    """Add this module's subcommands to the `tandem` parser."""
    p = sub.add_parser("checkpoint", help="sign the audit ledger's tree head now and journal it "
                                          "next to the key; prints the signed checkpoint on "
                                          "stdout (hand it to an auditor); exit 1 if the signer "
                                          "refuses because the ledger does not extend what it "
                                          "signed before")
    p.set_defaults(run=cmd_checkpoint)

    p = sub.add_parser("verify", help="recompute the audit ledger from the stored events and "
                                      "check it against the signed checkpoints, the signer's "
                                      "journal, witnesses' cosignatures and the authorization "
                                      "data; exit 1 if altered, 2 if the input is unusable")
    p.add_argument("--checkpoint", metavar="FILE", help="an auditor's earlier signed checkpoint")
    p.add_argument("--bundle", metavar="DIR", help="check an exported audit bundle offline")
    p.add_argument("--public-key", metavar="FILE", help="the log's public key, PEM or verifier "
                                                        "key (default: the installation's, or "
                                                        "the bundle's)")
    p.add_argument("--origin", metavar="NAME", help="the log's origin the checkpoints must name "
                                                    "(default: TANDEM_LOG_ORIGIN; for a bundle, "
                                                    "the key's name or the manifest's)")
    p.add_argument("--witness", metavar="KEY", action="append",
                   help="require a cosignature of this witness (its verifier key name+id+key, "
                        "or a file holding it); repeatable")
    p.add_argument("--journal", metavar="FILE", help="the signer's journal (default: next to "
                                                     "the signing key)")
    p.set_defaults(run=cmd_verify)

    p = sub.add_parser("proof", help="inclusion and consistency proofs")
    proof = p.add_subparsers(dest="proof_command", metavar="ACTION", required=True)
    v = proof.add_parser("verify", help="check a saved proof offline")
    v.add_argument("file", help="the proof (JSON, as the API or `tandem proof` returns it)")
    v.add_argument("--checkpoint", required=True, metavar="FILE", help="the signed checkpoint")
    v.add_argument("--public-key", required=True, metavar="FILE",
                   help="the log's public key, PEM or verifier key")
    v.add_argument("--origin", metavar="NAME", help="the log's origin (default: "
                                                    "TANDEM_LOG_ORIGIN)")
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

    p = sub.add_parser("export", help="write an audit bundle into a new, empty folder: events, "
                                      "checkpoint, public key, proofs, manifest and a readable "
                                      "report")
    p.add_argument("--out", required=True, metavar="DIR", help="a new or empty folder")
    p.add_argument("--initiative", help="only this initiative's events")
    p.add_argument("--from", dest="start", metavar="T", help="recorded at or after (ISO 8601)")
    p.add_argument("--to", dest="end", metavar="T", help="recorded at or before (ISO 8601)")
    p.add_argument("--force", action="store_true", help="write into a folder that is not empty, "
                                                        "overwriting the bundle's files")
    p.add_argument("--format", action="append", choices=FORMATS,
                   help="add to the bundle: csv (events.csv), xlsx (events.xlsx), each row with "
                        "its log position and leaf hash, checked by `verify --bundle`; pdf "
                        "(decision-record.pdf, the initiative's decision record; needs "
                        "--initiative); repeatable (default: bundle only)")
    p.add_argument("--matrix-at", action="append", metavar="T",
                   help="for the PDF: show the responsibility matrix as of this time "
                        "(repeatable; default: now)")
    p.add_argument("--as", dest="as_person", metavar="PERSON",
                   help="export as this person: an initiative they may not read is refused")
    p.set_defaults(run=cmd_export)
