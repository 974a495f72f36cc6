"""`tandem witness`: what an auditor, or a partner organisation's Tandem, runs to witness a
log with its own key and its own memory.

`witness init` creates the witness's key and prints its verifier key (give it to the log's
operator, for TANDEM_WITNESSES). `witness cosign` fetches the log's latest checkpoint (over
HTTP, or from a file), checks that it extends the last checkpoint this witness cosigned (by a
consistency proof, fetched from the log or given as a file), cosigns it, remembers it, prints
the cosigned checkpoint and, over HTTP, hands the cosignature to the log. A log whose history
was rewritten or cut back gets no cosignature: the command says why and exits 1.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rich.markup import escape

from projections.ledger import notes, witness
from projections.ledger.keys import (
    SigningKeyError,
    create_signing_key,
    load_signing_key,
    read_verifier,
)
from projections.ledger.notes import COSIGNATURE_V1, ED25519, VerifierKey
from web.cli.audit import Unusable, read_note
from web.cli.console import err
from web.errors import EXIT_REFUSED, EXIT_UNUSABLE

TIMEOUT = 20


def vkey_path(key: Path) -> Path:
    return key.with_name(key.name + ".vkey")


def cmd_init(args: argparse.Namespace) -> int:
    key = Path(args.key)
    try:
        notes.check_key_name(args.name, "witness name")
    except notes.KeyNameError as error:
        err.print(f"[red]{escape(str(error))}[/]")
        return EXIT_UNUSABLE
    if not create_signing_key(key):
        err.print(f"[red]{escape(str(key))} exists already; nothing was changed.[/]")
        return EXIT_REFUSED
    vkey = VerifierKey(args.name, load_signing_key(key).public_key(), COSIGNATURE_V1).text()
    vkey_path(key).write_text(vkey + "\n", encoding="utf-8")
    err.print(f"Created the witness key {escape(str(key))} (keep it private). Its verifier key, "
              "for the log's TANDEM_WITNESSES, is:")
    print(vkey)
    return 0


class Log:
    """The witnessed log, over HTTP (`/api/audit/…` with a bearer token) or from files."""

    def __init__(self, args: argparse.Namespace):
        self.url = args.url.rstrip("/") if args.url else None
        self.token = args.token or os.environ.get("TANDEM_WITNESS_TOKEN", "")
        self.checkpoint_file = args.checkpoint
        self.proof_file = args.proof

    def _call(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.url}{path}", method="POST" if body is not None else "GET",
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json",
                     "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310
                data: dict[str, Any] = json.loads(answer.read())
                return data
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:300]
            raise Unusable(f"{self.url}{path} answered {error.code}: {detail}") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise Unusable(f"Cannot reach {self.url}{path}: {error}") from None

    def checkpoint(self) -> str:
        if self.url is None:
            return read_note(self.checkpoint_file)
        note = self._call("/api/audit/checkpoint").get("checkpoint")
        if not isinstance(note, str):
            raise Unusable(f"{self.url} answered no checkpoint.")
        return note

    def consistency(self, size1: int, size2: int) -> list[bytes] | None:
        if self.url is not None:
            query = urllib.parse.urlencode({"from": size1, "to": size2})
            document = self._call(f"/api/audit/consistency?{query}")
        elif self.proof_file:
            try:
                document = json.loads(Path(self.proof_file).read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise Unusable(f"Cannot read the proof {self.proof_file}: {error}") from None
        else:
            return None
        if (document.get("from"), document.get("to")) != (size1, size2):
            raise Unusable(f"The consistency proof is not from {size1} to {size2} events.")
        try:
            return [base64.b64decode(h, validate=True) for h in document["audit_path"]]
        except (KeyError, TypeError, ValueError) as error:
            raise Unusable(f"The consistency proof is unreadable: {error}") from None

    def hand_over(self, cosigned: str) -> None:
        if self.url is not None:
            self._call("/api/audit/cosignatures", {"checkpoint": cosigned})


def cmd_cosign(args: argparse.Namespace) -> int:
    if bool(args.url) == bool(args.checkpoint):
        err.print("[red]Give the log's address (--url) or a checkpoint file (--checkpoint).[/]")
        return EXIT_UNUSABLE
    key_path = Path(args.key)
    try:
        name = read_verifier(str(vkey_path(key_path)), COSIGNATURE_V1).name
        key = load_signing_key(key_path)
        log = read_verifier(args.log_key, ED25519)
        state = witness.WitnessState(Path(args.state))
        last = state.last(log.name)
        the_log = Log(args)
        note = the_log.checkpoint()
        try:
            signed = notes.verify(note, log.key, log.name)
        except notes.CheckpointError as error:
            raise witness.WitnessRefused(f"the checkpoint is not the log's: {error}") from None
        proof = None
        if last is not None and signed.size > int(last["size"]):
            proof = the_log.consistency(int(last["size"]), signed.size)
        witness.check_extends(signed, last, proof)
        now = datetime.now(timezone.utc)
        text, signatures = notes.split(note)
        own = [s.line for s in signatures if s.name == log.name and s.key_id == log.key_id]
        cosigned = witness.cosign(f"{text}\n{own[0]}", key, name, now)
        state.save(log.name, signed, cosigned, now)
        the_log.hand_over(cosigned)
    except witness.WitnessRefused as error:
        err.print(f"[red]Refused to cosign: {escape(str(error))}[/]")
        return EXIT_REFUSED
    except (Unusable, SigningKeyError, OSError, ValueError) as error:
        err.print(f"[red]{escape(str(error))}[/]")
        return EXIT_UNUSABLE
    err.print(f"Cosigned {log.name} at {signed.size} events as {name}"
              + (f" and handed the cosignature to {escape(args.url)}." if args.url else "."))
    print(cosigned, end="")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("witness", help="witness another log: cosign its checkpoints after "
                                       "checking they extend the last one cosigned")
    witness_sub = p.add_subparsers(dest="witness_command", metavar="ACTION", required=True)
    i = witness_sub.add_parser("init", help="create a witness key; prints its verifier key")
    i.add_argument("--key", required=True, metavar="FILE", help="where to keep the private key")
    i.add_argument("--name", required=True, help="the witness's name, e.g. audit.example.org/w1")
    i.set_defaults(run=cmd_init)
    c = witness_sub.add_parser("cosign", help="check and cosign the log's latest checkpoint; "
                                              "exit 1 if its history was rewritten")
    c.add_argument("--key", required=True, metavar="FILE", help="the witness key (from init)")
    c.add_argument("--state", required=True, metavar="FILE",
                   help="this witness's memory of what it cosigned (created on first use)")
    c.add_argument("--log-key", required=True, metavar="KEY",
                   help="the log's verifier key name+id+key (the API's verifier_key), or a file "
                        "holding it")
    c.add_argument("--url", help="the log's base URL: fetch over HTTP and hand the cosignature "
                                 "back (POST /api/audit/cosignatures)")
    c.add_argument("--token", help="an auditor's API token for --url (default: "
                                   "TANDEM_WITNESS_TOKEN)")
    c.add_argument("--checkpoint", metavar="FILE", help="the log's checkpoint, from a file")
    c.add_argument("--proof", metavar="FILE", help="with --checkpoint: the consistency proof "
                                                   "from the last cosigned size")
    c.set_defaults(run=cmd_cosign)
