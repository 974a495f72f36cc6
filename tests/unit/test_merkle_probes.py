"""The Merkle proof code against the public RFC 6962 conformance probes
(transparency-dev/merkle testdata) and the reference roots of the probes' README."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from projections.ledger import merkle

PROBES = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "rfc6962"
if not PROBES.exists():
    PROBES = Path("/work/shared/testdata/rfc6962")
INCLUSION = sorted(PROBES.glob("inclusion/*/*.json"))
CONSISTENCY = sorted(PROBES.glob("consistency/*/*.json"))
REFERENCE_INPUTS = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                    "606162636465666768696a6b6c6d6e6f"]
REFERENCE_ROOTS = {
    0: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}


def b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def probe_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def test_the_probe_folder_holds_both_kinds_of_probe() -> None:
    assert len(INCLUSION) > 20 and len(CONSISTENCY) > 20


@pytest.mark.parametrize("path", INCLUSION, ids=probe_id)
def test_inclusion_probe(path: Path) -> None:
    case = json.loads(path.read_text())
    proof = [b64(p) for p in case["proof"] or []]

    def verify() -> None:
        merkle.verify_inclusion(case["leafIdx"], case["treeSize"], b64(case["leafHash"]), proof,
                                b64(case["root"]))

    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            verify()
    else:
        verify()


@pytest.mark.parametrize("path", CONSISTENCY, ids=probe_id)
def test_consistency_probe(path: Path) -> None:
    case = json.loads(path.read_text())
    proof = [b64(p) for p in case["proof"] or []]

    def verify() -> None:
        merkle.verify_consistency(case["size1"], case["size2"], proof, b64(case["root1"]),
                                  b64(case["root2"]))

    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            verify()
    else:
        verify()


@pytest.mark.parametrize("size", sorted(REFERENCE_ROOTS))
def test_reference_roots(size: int) -> None:
    leaves = [merkle.leaf_hash(bytes.fromhex(x)) for x in REFERENCE_INPUTS[:size]]
    assert merkle.MemoryTree(leaves).root().hex() == REFERENCE_ROOTS[size]
    frontier = merkle.Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    assert frontier.root().hex() == REFERENCE_ROOTS[size]


def test_generated_proofs_verify_for_every_leaf_and_every_pair_of_sizes() -> None:
    leaves = [merkle.leaf_hash(bytes([i])) for i in range(33)]
    tree = merkle.MemoryTree(leaves)
    for size in range(1, len(leaves) + 1):
        root = tree.root(size)
        for index in range(size):
            proof = merkle.inclusion_proof(tree.subtree, index, size)
            merkle.verify_inclusion(index, size, leaves[index], proof, root)
        for size1 in range(1, size + 1):
            proof = merkle.consistency_proof(tree.subtree, size1, size)
            merkle.verify_consistency(size1, size, proof, tree.root(size1), root)


def test_a_proof_for_the_wrong_leaf_is_rejected() -> None:
    leaves = [merkle.leaf_hash(bytes([i])) for i in range(7)]
    tree = merkle.MemoryTree(leaves)
    proof = merkle.inclusion_proof(tree.subtree, 3, 7)
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(3, 7, leaves[4], proof, tree.root())
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(3, 7, merkle.consistency_proof(tree.subtree, 3, 7),
                                  tree.root(4), tree.root())
