"""Audit bundles: what an auditor takes away, and the offline check of what they took.

A bundle is a folder: events.jsonl, checkpoint.txt, public-key.pem, proofs.jsonl (one
inclusion proof per exported event, with the leaf's input bytes), report.html and
manifest.json (the SHA-256 of every other file)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from domain import events as ev
from domain.event_types import names
from projections.db import Database
from projections.eventlog import EventLog, stored_event
from projections.ledger import merkle, notes
from projections.ledger.checkpoints import Signer
from projections.ledger.keys import SigningKeyError, load_public_key, public_pem
from projections.ledger.projection import LeafFacts, LedgerTree, canonical_bytes
from projections.ledger.proofs import decode_leaf_input, verify_document
from projections.ledger.verify import BATCH, Verification, verify_log
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


def _selected(read: ReadModels, chosen: ExportFilter, upto: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    after = 0
    while True:
        page = read.events(after=after, limit=1000)
        events += [e for e in page["events"] if e["position"] <= upto and chosen.keeps(e)]
        if page["next"] is None or page["next"] > upto:
            return events
        after = page["next"]


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


def export_bundle(db: Database, read: ReadModels, signer: Signer, out: Path,
                  chosen: ExportFilter, rules: dict[str, Any] | None = None,
                  progress: Progress | None = None) -> dict[str, Any]:
    """Write a bundle for the chosen events; returns the manifest. `rules` is the check of the
    adopted governance rules (as `governance.report.audit_report` gives it), if any."""
    out.mkdir(parents=True, exist_ok=True)
    note = signer.issue(read.now())
    signed, _, _ = notes.parse(note)
    key = signer.public_key()
    verification = verify_log(db, key)
    with db.connect() as conn:
        upto = LedgerTree(conn).leaf_at_index(signed.size - 1) if signed.size else None
    events = _selected(read, chosen, upto[0] if upto else 0)
    proofs = _proofs(db, signed.size, {e["position"] for e in events}, progress)
    with (out / "events.jsonl").open("w", encoding="utf-8") as handle:
        for envelope in events:
            handle.write(json.dumps(envelope, ensure_ascii=False) + "\n")
    with (out / "proofs.jsonl").open("w", encoding="utf-8") as handle:
        for proof in proofs:
            handle.write(json.dumps(proof) + "\n")
    (out / "checkpoint.txt").write_text(note, encoding="utf-8")
    (out / "public-key.pem").write_text(public_pem(key), encoding="utf-8")
    rules = rules_of(rules, chosen)
    if rules is not None:
        (out / "rules.json").write_text(json.dumps(rules, indent=2, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    (out / "report.html").write_text(
        render_report(read, chosen, events, signed, verification, rules), encoding="utf-8")
    names = FILES + (("rules.json",) if rules is not None else ())
    manifest = {
        "origin": signed.origin, "tree_size": signed.size, "events": len(events),
        "initiative": chosen.initiative,
        "from": chosen.start.isoformat() if chosen.start else None,
        "to": chosen.end.isoformat() if chosen.end else None,
        "files": {name: sha256_file(out / name) for name in names},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
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

    @property
    def ok(self) -> bool:
        return not self.problems


def _jsonl(path: Path) -> list[Any]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def verify_bundle(folder: Path, public_key: Path | None = None) -> BundleCheck:
    """Check a bundle with nothing but its files (and, better, a public key from elsewhere)."""
    check = BundleCheck()
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        check.problems.append(f"manifest.json unreadable: {error}")
        return check
    for name, digest in manifest.get("files", {}).items():
        path = folder / Path(name).name
        if not path.exists():
            check.problems.append(f"{name} is missing")
        elif sha256_file(path) != digest:
            check.problems.append(f"{name} differs from the manifest (SHA-256 changed)")
    if check.problems:
        return check
    try:
        key = load_public_key(public_key or folder / "public-key.pem")
        note = (folder / "checkpoint.txt").read_text(encoding="utf-8")
        check.tree_size = notes.verify(note, key).size
    except (SigningKeyError, notes.CheckpointError) as error:
        check.problems.append(f"checkpoint: {error}")
        return check
    events = _jsonl(folder / "events.jsonl")
    proofs = {p["position"]: p for p in _jsonl(folder / "proofs.jsonl")}
    check.events = len(events)
    for envelope in events:
        proof = proofs.get(envelope["position"])
        if proof is None:
            check.problems.append(f"position {envelope['position']}: no inclusion proof")
            continue
        try:
            verify_document(proof, note, key)
            topic = decode_leaf_input(base64.b64decode(proof["leaf_input"]))["topic"]
        except (merkle.ProofError, ValueError, KeyError) as error:
            check.problems.append(f"position {envelope['position']}: {error}")
            continue
        if topic.rpartition(":")[2].rpartition(".")[2] != envelope["type"]:
            check.problems.append(f"position {envelope['position']}: events.jsonl says "
                                  f"{envelope['type']}, the proven event is {topic}")
    return check
