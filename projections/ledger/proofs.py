"""Proofs for third parties, as JSON documents, and their offline verification.

An inclusion proof document carries the leaf's input bytes (the canonical bytes of the stored
event), so whoever holds it can recompute the leaf hash, read the event, and check the audit
path against a signed checkpoint — with nothing but SHA-256 and the log's public key.
"""

from __future__ import annotations

import base64
import struct
from typing import Any
from uuid import UUID

from projections.db import Database
from projections.eventlog import EventLog, stored_event
from projections.ledger import merkle, notes
from projections.ledger.notes import VerifierKey
from projections.ledger.projection import LedgerTree, canonical_bytes

b64 = base64.b64encode


def _text(data: bytes) -> str:
    return b64(data).decode()


class ProofUnavailable(LookupError):
    """The ledger cannot prove what was asked (unknown position, sizes out of range)."""


def inclusion_document(db: Database, position: int, size: int | None = None) -> dict[str, Any]:
    """The audit path of the event at `position` in the tree of `size` leaves (default: all)."""
    with db.connect() as conn:
        tree = LedgerTree(conn)
        size = tree.size if size is None else size
        found = tree.leaf_at_position(position)
        if found is None:
            raise ProofUnavailable(f"The ledger holds no event at position {position}.")
        index, leaf = found
        if not 0 < size <= tree.size or index >= size:
            raise ProofUnavailable(f"Leaf {index} is not in a tree of size {size} "
                                   f"(the ledger holds {tree.size}).")
        path = tree.inclusion(index, size)
        root = tree.root(size)
        row = EventLog(db.storage).at(conn, position)
    document: dict[str, Any] = {
        "type": "inclusion", "position": position, "leaf_index": index, "tree_size": size,
        "leaf_hash": _text(leaf), "audit_path": [_text(h) for h in path], "root": _text(root),
    }
    if row is not None:
        raw = stored_event(row)
        document["leaf_input"] = _text(canonical_bytes(
            position, raw.originator_id, raw.originator_version, raw.topic, raw.state))
    return document


def consistency_document(db: Database, size1: int, size2: int) -> dict[str, Any]:
    with db.connect() as conn:
        tree = LedgerTree(conn)
        if not 0 < size1 <= size2 <= tree.size:
            raise ProofUnavailable(f"Sizes must satisfy 0 < from <= to <= {tree.size}.")
        path = tree.consistency(size1, size2)
        return {"type": "consistency", "from": size1, "to": size2,
                "audit_path": [_text(h) for h in path], "root1": _text(tree.root(size1)),
                "root2": _text(tree.root(size2))}


def decode_leaf_input(data: bytes) -> dict[str, Any]:
    """The fields of a canonical leaf input (see docs/audit.md)."""
    try:
        position, = struct.unpack_from(">Q", data, 0)
        originator = UUID(bytes=data[8:24])
        version, topic_len = struct.unpack_from(">QI", data, 24)
        topic = data[36:36 + topic_len].decode()
        state_len, = struct.unpack_from(">Q", data, 36 + topic_len)
    except (struct.error, ValueError) as error:
        raise merkle.ProofError(f"the leaf input is not a stored event: {error}") from None
    state = data[44 + topic_len:]
    if len(state) != state_len:
        raise merkle.ProofError("the leaf input's length fields do not add up")
    return {"position": position, "originator_id": str(originator), "version": version,
            "topic": topic, "state": state}


def verify_document(document: dict[str, Any], checkpoint_note: str, log: VerifierKey,
                    old_checkpoint_note: str | None = None) -> str:
    """Check a proof document against signed checkpoint(s) of the log; returns what was
    proven."""
    signed = notes.verify(checkpoint_note, log.key, log.name)
    path = [base64.b64decode(h) for h in document["audit_path"]]
    if document.get("type") == "consistency":
        if old_checkpoint_note is None:
            raise merkle.ProofError("a consistency proof needs the earlier checkpoint too")
        old = notes.verify(old_checkpoint_note, log.key, log.name)
        if (old.size, signed.size) != (document["from"], document["to"]):
            raise merkle.ProofError("the proof's sizes are not the checkpoints' sizes")
        merkle.verify_consistency(old.size, signed.size, path, old.root, signed.root)
        return (f"the log of {signed.size} events extends, unchanged, the log of {old.size} "
                "events")
    if document["tree_size"] != signed.size:
        raise merkle.ProofError(f"the proof is for a tree of {document['tree_size']} events, "
                                f"the checkpoint for {signed.size}")
    leaf = base64.b64decode(document["leaf_hash"])
    detail = ""
    if "leaf_input" in document:
        data = base64.b64decode(document["leaf_input"])
        if merkle.leaf_hash(data) != leaf:
            raise merkle.ProofError("the leaf input does not hash to the leaf hash")
        fields = decode_leaf_input(data)
        if fields["position"] != document["position"]:
            raise merkle.ProofError("the leaf input names another position")
        detail = f" ({fields['topic'].rpartition(':')[2] or fields['topic']})"
    merkle.verify_inclusion(document["leaf_index"], signed.size, leaf, path, signed.root)
    return (f"the event at position {document['position']}{detail} is leaf "
            f"{document['leaf_index']} of the signed log of {signed.size} events")
