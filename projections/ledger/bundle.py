"""Audit bundles: what an auditor takes away, and the offline check of what they took.

A bundle is a folder: events.jsonl, checkpoint.txt (with the witnesses' cosignatures of that
tree, if any), public-key.pem, proofs.jsonl (one inclusion proof per exported event, with the
event's signed leaf bytes), report.html, manifest.json (the SHA-256 of every other file) and,
when a witness cosigned an earlier tree only, witnessed.txt with a consistency proof to the
bundle's tree. The offline check re-derives every field of every exported event from its
signed bytes: events.jsonl is a convenience, the proofs are the evidence."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import TopicError
from jinja2 import Environment, FileSystemLoader, select_autoescape

from domain import events as ev
from domain.directory import Person, Unit
from domain.event_types import names
from domain.values import entity_id
from projections.attestation import of_envelopes
from projections.db import Database
from projections.envelope import Envelope
from projections.eventlog import EventLog, decoder, stored_event
from projections.ledger import merkle, notes, witness
from projections.ledger.checkpoints import Signer
from projections.ledger.keys import SigningKeyError, load_public_key, public_pem
from projections.ledger.notes import VerifierKey
from projections.ledger.projection import LeafFacts, LedgerTree, canonical_bytes
from projections.ledger.proofs import consistency_document, decode_leaf_input, verify_document
from projections.ledger.tables import (
    CSV_FILE,
    TABLE_FILES,
    XLSX_FILE,
    TableError,
    check_table,
    csv_text,
    read_table,
    write_xlsx,
)
from projections.ledger.tables import (
    rows as table_rows,
)
from projections.ledger.verify import BATCH, Verification
from projections.queries import ReadModels

FILES = ("events.jsonl", "checkpoint.txt", "public-key.pem", "proofs.jsonl", "report.html")
REPORT_EVENTS = 2000
RESPONSIBILITY_TYPES = names(ev.ResponsibilityAssigned, ev.ResponsibilityReleased,
                             ev.TandemFormed, ev.TandemDissolved, ev.MandateGranted,
                             ev.MandateRevoked, ev.HandoffStarted, ev.HandoffAccepted)
Progress = Callable[[int], None]


@dataclass
class ExportFilter:
    initiative: str | None = None
    start: datetime | None = None
    end: datetime | None = None

    def keeps(self, envelope: dict[str, Any]) -> bool:
        if self.initiative and envelope["initiative"] != self.initiative:
            return False
        recorded = datetime.fromisoformat(envelope["recorded_at"])
        return (self.start is None or recorded >= self.start) and \
            (self.end is None or recorded <= self.end)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


ANSWERS = (ev.EntryConfirmed.__name__, ev.EntryDisputed.__name__)


def _selected(read: ReadModels, chosen: ExportFilter, upto: int) -> list[dict[str, Any]]:
    """The chosen events up to the signed tree's last one, with the answers given to the
    claims among them (even when the answers fall outside the chosen range); each claim's
    attestation is what these events prove by themselves."""
    everything: list[dict[str, Any]] = []
    after = 0
    while True:
        page = read.events(after=after, limit=1000)
        everything += [e for e in page["events"] if e["position"] <= upto]
        if page["next"] is None or page["next"] > upto:
            break
        after = page["next"]
    kept = {e["position"] for e in everything if chosen.keeps(e)}
    kept |= {e["position"] for e in everything
             if e["type"] in ANSWERS and int(e["data"]["position"]) in kept}
    events = [e for e in everything if e["position"] in kept]
    attested = of_envelopes(events)
    for e in events:
        e.pop("attestation", None)
        if e["position"] in attested:
            e["attestation"] = attested[e["position"]]
    return events


def _proofs(db: Database, size: int, positions: set[int],
            progress: Progress | None) -> list[dict[str, Any]]:
    """Inclusion proofs for the chosen events, computed in memory from the ledger's leaves."""
    log = EventLog(db.storage)
    with db.connect() as conn:
        leaves = [LeafFacts.from_row(r) for r in conn.all(
            "SELECT idx, position, leaf, originator_id, version, topic, state_digest "
            "FROM tandem_ledger_leaves WHERE idx < ? ORDER BY idx", (size,))]
        root = LedgerTree(conn).root(size)
        tree = merkle.MemoryTree([leaf.leaf for leaf in leaves])
        if tree.root() != root:
            raise merkle.ProofError("the ledger's leaves do not give its root")
        inputs: dict[int, bytes] = {}
        after = 0
        while True:
            rows = log.between(conn, after, leaves[-1].position if leaves else 0, BATCH)
            for row in rows:
                if int(row["position"]) in positions:
                    raw = stored_event(row)
                    inputs[int(row["position"])] = canonical_bytes(
                        int(row["position"]), raw.originator_id, raw.originator_version,
                        raw.topic, raw.state)
            if len(rows) < BATCH:
                break
            after = int(rows[-1]["position"])
    b64 = base64.b64encode
    proofs = []
    for index, leaf in enumerate(leaves):
        if leaf.position not in positions:
            continue
        proofs.append({
            "type": "inclusion", "position": leaf.position, "leaf_index": index,
            "tree_size": size, "leaf_hash": b64(leaf.leaf).decode(), "root": b64(root).decode(),
            "audit_path": [b64(h).decode() for h in merkle.inclusion_proof(tree.subtree, index,
                                                                           size)],
            "leaf_input": b64(inputs.get(leaf.position, b"")).decode(),
        })
        if progress is not None:
            progress(1)
    return proofs


class BundleError(Exception):
    """The target cannot take a bundle (a file, a link inside, not empty, not writable)."""


def prepare_folder(out: Path, force: bool = False) -> None:
    """An empty folder for the bundle (or, with `force`, one whose files may be overwritten);
    never one that holds a symbolic link."""
    if out.exists() and not out.is_dir():
        raise BundleError(f"{out} is a file, not a folder: name a new folder for the bundle.")
    if out.is_dir():
        try:
            inside = sorted(out.iterdir())
        except OSError as error:
            raise BundleError(f"Cannot read the folder {out}: {error.strerror}.") from None
        links = [p.name for p in inside if p.is_symlink()]
        if links:
            raise BundleError(f"{out} holds a symbolic link ({links[0]}); a bundle is never "
                              "written through links: name a new folder.")
        if inside and not force:
            raise BundleError(f"{out} is not empty ({len(inside)} entries): name a new folder, "
                              "or add --force to overwrite the bundle's files in it.")
        return
    try:
        out.mkdir(parents=True)
    except OSError as error:
        raise BundleError(f"Cannot create the folder {out}: {error.strerror}.") from None


def _write(path: Path, text: str) -> None:
    """Write a bundle file; never through a symbolic link, never into something else."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    except OSError as error:
        raise BundleError(f"Cannot write {path}: {error.strerror}.") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def export_bundle(db: Database, read: ReadModels, signer: Signer, out: Path,
                  chosen: ExportFilter, verify: Callable[[], Verification],
                  rules: dict[str, Any] | None = None, progress: Progress | None = None,
                  force: bool = False, tables: Sequence[str] = (),
                  extras: Callable[[Path, str], tuple[str, ...]] | None = None,
                  ) -> dict[str, Any]:
    """Write a bundle for the chosen events; returns the manifest. `rules` is the check of the
    adopted governance rules (as `governance.report.audit_report` gives it), if any; `tables`
    the table files to add (events.csv, events.xlsx); `extras` writes further files (given the
    folder and the signed checkpoint) and names them, so the manifest covers them."""
    if chosen.initiative is not None:
        read.initiative_row(chosen.initiative)  # NotFound for an initiative that never was
    prepare_folder(out, force)
    note = signer.issue(read.now())
    signed, _, _ = notes.parse(note)
    log = signer.verifier()
    verification = verify()
    with db.connect() as conn:
        upto = LedgerTree(conn).leaf_at_index(signed.size - 1) if signed.size else None
        note, witnessed_by = witness.with_cosignatures(conn, note)
        witnessed = witness.latest_cosigned(conn)
    events = _selected(read, chosen, upto[0] if upto else 0)
    proofs = _proofs(db, signed.size, {e["position"] for e in events}, progress)
    _write(out / "events.jsonl", "".join(json.dumps(envelope, ensure_ascii=False) + "\n"
                                         for envelope in events))
    _write(out / "proofs.jsonl", "".join(json.dumps(proof) + "\n" for proof in proofs))
    _write(out / "checkpoint.txt", note)
    _write(out / "public-key.pem", public_pem(log.key))
    extra: tuple[str, ...] = ()
    if witnessed is not None and not witnessed_by:
        old = notes.parse(witnessed)[0]
        if 0 < old.size < signed.size:
            _write(out / "witnessed.txt", witnessed)
            _write(out / "witnessed-consistency.json",
                   json.dumps(consistency_document(db, old.size, signed.size), indent=2) + "\n")
            extra += ("witnessed.txt", "witnessed-consistency.json")
    leaf_hashes = {int(p["position"]): str(p["leaf_hash"]) for p in proofs}
    if CSV_FILE in tables:
        _write(out / CSV_FILE, csv_text(table_rows(events, leaf_hashes)))
        extra += (CSV_FILE,)
    if XLSX_FILE in tables:
        try:
            write_xlsx(out / XLSX_FILE, table_rows(events, leaf_hashes))
        except OSError as error:
            raise BundleError(f"Cannot write {out / XLSX_FILE}: {error.strerror}.") from None
        extra += (XLSX_FILE,)
    if extras is not None:
        extra += extras(out, note)
    rules = rules_of(rules, chosen)
    if rules is not None:
        _write(out / "rules.json", json.dumps(rules, indent=2, ensure_ascii=False) + "\n")
        extra += ("rules.json",)
    _write(out / "report.html", render_report(read, chosen, events, signed, verification, rules))
    manifest = {
        "origin": signed.origin, "verifier_key": log.text(), "tree_size": signed.size,
        "events": len(events), "initiative": chosen.initiative,
        "from": chosen.start.isoformat() if chosen.start else None,
        "to": chosen.end.isoformat() if chosen.end else None,
        "backdated_after_days": read.backdated_after.total_seconds() / 86400,
        "files": {name: sha256_file(out / name) for name in FILES + extra},
    }
    _write(out / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    return manifest


def rules_of(report: dict[str, Any] | None, chosen: ExportFilter) -> dict[str, Any] | None:
    """The rules check, cut to the exported initiative."""
    if report is None or chosen.initiative is None or "results" not in report:
        return report
    return {**report, "results": [
        s for s in report["results"] if chosen.initiative in s.get("initiatives", [])]}


def render_report(read: ReadModels, chosen: ExportFilter, events: list[dict[str, Any]],
                  signed: notes.Checkpoint, verification: Verification,
                  rules: dict[str, Any] | None = None) -> str:
    initiatives = sorted({e["initiative"] for e in events if e["initiative"]})
    exported = {e["position"] for e in events}
    decisions = [d for i in initiatives for d in read.decisions(initiative=i)
                 if d["position"] in exported]
    env = Environment(loader=FileSystemLoader(Path(__file__).parent),
                      autoescape=select_autoescape(["html"]))
    return env.get_template("report.html").render(
        chosen=chosen, signed=signed, root=base64.b64encode(signed.root).decode(),
        verification=verification, events=events[:REPORT_EVENTS], total=len(events),
        decisions=decisions, initiatives=initiatives,
        goals={i: read.goal_history(i)["versions"] for i in initiatives},
        responsibilities=[e for e in events if e["type"] in RESPONSIBILITY_TYPES],
        escalations=[x for i in initiatives for x in read.escalations(initiative=i)],
        rules=rules, generated_at=read.now().isoformat(timespec="seconds"))


@dataclass
class BundleCheck:
    problems: list[str] = field(default_factory=list)
    events: int = 0
    tree_size: int = 0
    witnessed: dict[str, int] = field(default_factory=dict)
    tables: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def __add__(self, problems: list[str]) -> BundleCheck:
        self.problems += problems
        return self


def _jsonl(path: Path) -> list[Any]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


class Rederive:
    """Every field of an exported envelope, re-derived from the event's signed leaf bytes."""

    def __init__(self, backdated_after: timedelta):
        self.decode = decoder()
        self.backdated_after = backdated_after

    def envelope(self, leaf: dict[str, Any], claimed: dict[str, Any]) -> dict[str, Any]:
        raw = StoredEvent(originator_id=UUID(leaf["originator_id"]),
                          originator_version=leaf["version"], topic=leaf["topic"],
                          state=leaf["state"])
        event = self.decode(raw)
        kind = subject_kind(type(event))
        # The slug of the event's subject is not in every event's bytes, but its id is: the
        # claimed slug must give that id.
        slug = claimed.get("initiative") if kind == "initiative" else \
            (claimed.get("data") or {}).get(kind)
        if not isinstance(slug, str) or str(entity_id(kind, slug)) != leaf["originator_id"]:
            slug = f"(the {kind} with id {leaf['originator_id']})"
        envelope = Envelope.from_event(leaf["position"], event,
                                       slug if kind == "initiative" else None, (kind, slug))
        derived: dict[str, Any] = json.loads(json.dumps(envelope.as_dict(self.backdated_after),
                                                        ensure_ascii=False))
        return derived


def subject_kind(cls: type) -> str:
    if issubclass(cls, Person.Event):
        return "person"
    if issubclass(cls, Unit.Event):
        return "unit"
    return "initiative"


def _compare(position: int, claimed: dict[str, Any], derived: dict[str, Any]) -> list[str]:
    problems = []
    for name in sorted(set(claimed) | set(derived)):
        if name == "data" and isinstance(claimed.get(name), dict):
            for key in sorted(set(claimed["data"]) | set(derived["data"])):
                if claimed["data"].get(key) != derived["data"].get(key):
                    problems.append(f"position {position}: data.{key} differs from the signed "
                                    f"event: events.jsonl says {_short(claimed['data'].get(key))}"
                                    f", the signed bytes say {_short(derived['data'].get(key))}")
        elif claimed.get(name) != derived.get(name):
            problems.append(f"position {position}: {name} differs from the signed event: "
                            f"events.jsonl says {_short(claimed.get(name))}, the signed bytes "
                            f"say {_short(derived.get(name))}")
    return problems


def _witnessed(folder: Path, note: str, log: VerifierKey, size: int,
               witness_key: VerifierKey) -> int:
    """How many of the log's events the witness cosigned, by this bundle's files."""
    if witness.cosignature(note, witness_key) is not None:
        return size
    older = folder / "witnessed.txt"
    if not older.exists():
        raise merkle.ProofError(f"the bundle carries no cosignature of the witness "
                                f"{witness_key.name}")
    old_note = older.read_text(encoding="utf-8")
    old = notes.verify(old_note, log.key, log.name)
    if witness.cosignature(old_note, witness_key) is None:
        raise merkle.ProofError(f"the bundle carries no cosignature of the witness "
                                f"{witness_key.name}")
    proof = json.loads((folder / "witnessed-consistency.json").read_text(encoding="utf-8"))
    verify_document(proof, note, log, old_note)
    return old.size


def verify_bundle(folder: Path, log: VerifierKey | None = None, origin: str | None = None,
                  witnesses: Sequence[VerifierKey] = ()) -> BundleCheck:
    """Check a bundle with nothing but its files (and, better, the log's key from elsewhere).

    The checkpoint must be the log's (origin and key name, `origin` or the key's name, else
    the manifest's), every event must be proven in it, and every field of every exported
    envelope must be what the event's signed bytes say."""
    check = BundleCheck()
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        files = dict(manifest["files"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        check.problems.append(f"manifest.json unreadable: {error}")
        return check
    changed_tables: list[str] = []
    for name, digest in files.items():
        path = folder / Path(name).name
        if not path.is_file():
            check.problems.append(f"{name} is missing")
        elif sha256_file(path) != digest:
            problem = f"{name} differs from the manifest (SHA-256 changed)"
            # a table's rows are checked one by one below, naming the changed cell
            (changed_tables if name in TABLE_FILES else check.problems).append(problem)
    if check.problems:
        return check + changed_tables
    try:
        expected = origin or (log.name if log else str(manifest.get("origin", "")))
        if log is not None and log.name != expected:
            raise notes.CheckpointError(f"the key given is the key of the log '{log.name}', "
                                        f"not of '{expected}'")
        key = log if log is not None else \
            VerifierKey(expected, load_public_key(folder / "public-key.pem"))
        note = (folder / "checkpoint.txt").read_text(encoding="utf-8")
        check.tree_size = notes.verify(note, key.key, key.name).size
    except (SigningKeyError, notes.CheckpointError, UnicodeDecodeError) as error:
        check.problems.append(f"checkpoint: {error}")
        return check
    for witness_key in witnesses:
        try:
            check.witnessed[witness_key.name] = _witnessed(folder, note, key, check.tree_size,
                                                           witness_key)
        except (OSError, ValueError, KeyError, merkle.ProofError,
                notes.CheckpointError) as error:
            check.problems.append(f"witness {witness_key.name}: {error}")
    try:
        events = _jsonl(folder / "events.jsonl")
        proofs = {p["position"]: p for p in _jsonl(folder / "proofs.jsonl")}
        threshold = timedelta(days=float(manifest.get("backdated_after_days", 7)))
    except (OSError, ValueError, KeyError, TypeError) as error:
        check.problems.append(f"unreadable events or proofs: {error}")
        return check
    rederive = Rederive(threshold)
    check.events = len(events)
    derived_all: dict[int, dict[str, Any]] = {}
    for envelope in events:
        position = envelope.get("position") if isinstance(envelope, dict) else None
        proof = proofs.get(position)
        if proof is None:
            check.problems.append(f"position {position}: no inclusion proof")
            continue
        try:
            verify_document(proof, note, key)
            leaf = decode_leaf_input(base64.b64decode(proof["leaf_input"]))
            derived = rederive.envelope(leaf, envelope)
        except (merkle.ProofError, ValueError, KeyError, TypeError, TopicError) as error:
            check.problems.append(f"position {position}: {error}")
            continue
        derived_all[int(proof["position"])] = derived
        for name, size in check.witnessed.items():
            if proof["leaf_index"] >= size:
                check.problems.append(f"position {position}: after the {size} events the "
                                      f"witness {name} cosigned")
    # A claim's attestation is proven by the answers among the bundle's own proven events.
    attested = of_envelopes(list(derived_all.values()))
    for envelope in events:
        position = envelope.get("position") if isinstance(envelope, dict) else None
        if not isinstance(position, int) or position not in derived_all:
            continue
        rederived = derived_all[position]
        if position in attested:
            rederived["attestation"] = attested[position]
        check.problems += _compare(position, envelope, rederived)
    check.problems += changed_tables
    leaf_hashes = {int(p["position"]): str(p["leaf_hash"]) for p in proofs.values()}
    for name in TABLE_FILES:
        if name in files:
            try:
                check.problems += check_table(name, read_table(folder / name), derived_all,
                                              leaf_hashes)
            except TableError as error:
                check.problems.append(str(error))
            check.tables.append(name)
    return check
