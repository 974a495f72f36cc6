"""The ledger projection: an RFC 6962 tree over the log, kept in the same database."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

from projections import audit, merkle
from projections.ledger import LedgerTree, canonical_bytes
from tests.conftest import utc
from tests.integration.tamper import RawEvents
from web import audit_service
from web.audit_keys import create_signing_key
from web.settings import Settings
from web.system import Tandem


def recomputed_leaves(tandem: Tandem) -> list[bytes]:
    raw = RawEvents(tandem.settings)
    leaves = []
    for position in raw.positions():
        originator, version, topic, state = raw.row(position)
        from uuid import UUID

        oid = originator if isinstance(originator, UUID) else UUID(originator)
        leaves.append(merkle.leaf_hash(canonical_bytes(position, oid, version, topic, state)))
    return leaves


def add_people(tandem: Tandem, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        tandem.record("register_person", actor="ada", person=f"p{n}", name=f"P {n}", unit="it",
                      role="member")


def test_the_ledger_is_the_rfc6962_tree_of_the_stored_events(tandem: Tandem) -> None:
    add_people(tandem, 14)
    leaves = recomputed_leaves(tandem)
    reference = merkle.MemoryTree(leaves)
    with tandem.db.connect() as conn:
        tree = LedgerTree(conn)
        assert tree.size == len(leaves) == 17
        for size in range(1, tree.size + 1):
            assert tree.root(size) == reference.root(size)
        for index in (0, 7, 16):
            assert tree.inclusion(index, 17) == merkle.inclusion_proof(reference.subtree, index, 17)
        assert tree.consistency(5, 17) == merkle.consistency_proof(reference.subtree, 5, 17)


def test_a_rebuild_gives_the_same_root_and_keeps_the_checkpoints(tandem: Tandem) -> None:
    create_signing_key(tandem.settings.signing_key_path)
    add_people(tandem, 5)
    note = audit_service.issue_checkpoint(tandem)
    with tandem.db.connect() as conn:
        before = LedgerTree(conn).root()
    tandem.runner.rebuild(["ledger"])
    with tandem.db.connect() as conn:
        assert LedgerTree(conn).root() == before
    assert audit.latest_checkpoint(tandem.db)["note"] == note  # type: ignore[index]
    assert audit_service.verify(tandem).ok


def test_checkpoints_are_issued_every_n_events_and_all_are_kept(settings: Settings) -> None:
    create_signing_key(settings.signing_key_path)
    system = Tandem(dataclasses.replace(settings, checkpoint_every_events=4), create=True)
    try:
        system.record("register_unit", actor="ada", unit="it", name="IT")
        add_people(system, 9)
        with system.db.connect() as conn:
            sizes = [int(r["size"]) for r in conn.all(audit.SELECT_CHECKPOINTS)]
        assert sizes == [1, 5, 9]
        assert audit_service.verify(system).checkpoints == 3
    finally:
        system.close()


def test_checkpoints_are_issued_after_m_minutes_if_the_log_grew(settings: Settings) -> None:
    create_signing_key(settings.signing_key_path)
    now = [utc(2026, 11, 21, 9)]
    system = Tandem(dataclasses.replace(settings, checkpoint_every_minutes=30), create=True,
                    clock=lambda: now[0])
    try:
        system.record("register_unit", actor="ada", unit="it", name="IT")
        now[0] += timedelta(minutes=10)
        add_people(system, 1)
        now[0] += timedelta(minutes=25)
        add_people(system, 1, start=1)
        with system.db.connect() as conn:
            sizes = [int(r["size"]) for r in conn.all(audit.SELECT_CHECKPOINTS)]
        assert sizes == [1, 3]
    finally:
        system.close()


def test_no_key_file_means_no_automatic_checkpoint(tandem: Tandem) -> None:
    assert not Path(tandem.settings.signing_key_path).exists()
    add_people(tandem, 2)
    assert audit.latest_checkpoint(tandem.db) is None


def test_the_fast_leaf_hash_equals_the_canonical_one(tandem) -> None:  # type: ignore[no-untyped-def]
    from projections.ledger import LeafFacts, leaf_of_row
    from projections.runner import select_events_sql, stored_event

    with tandem.db.connect() as conn:
        rows = conn.all(select_events_sql(tandem.db), (0, 100))
    assert rows
    for row in rows:
        assert leaf_of_row(row) == LeafFacts.of(int(row["position"]), stored_event(row)).leaf
