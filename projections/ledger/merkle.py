"""Merkle trees as RFC 6962 / RFC 9162 §2.1 define them: hashing, roots, inclusion and
consistency proofs, and their verification. Pure functions, no I/O.

A tree is read through `subtree(lo, hi)`, the hash of leaves [lo, hi); every range it is
asked for is one the RFC recursion produces, so a store of complete subtrees can answer it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
Subtree = Callable[[int, int], bytes]


class ProofError(ValueError):
    """A proof does not verify."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(subtree: Subtree, size: int) -> bytes:
    return EMPTY_ROOT if size == 0 else subtree(0, size)


def inclusion_proof(subtree: Subtree, index: int, size: int) -> list[bytes]:
    """PATH(index, D[0:size]), deepest sibling first."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of size {size}")

    def path(m: int, lo: int, hi: int) -> list[bytes]:
        if hi - lo == 1:
            return []
        k = split(hi - lo)
        if m < k:
            return path(m, lo, lo + k) + [subtree(lo + k, hi)]
        return path(m - k, lo + k, hi) + [subtree(lo, lo + k)]

    return path(index, 0, size)


def consistency_proof(subtree: Subtree, size1: int, size2: int) -> list[bytes]:
    """PROOF(size1, D[0:size2]); empty when size1 is 0 or equals size2."""
    if not 0 <= size1 <= size2:
        raise ProofError(f"no consistency proof from size {size1} to size {size2}")

    def sub(m: int, lo: int, hi: int, whole: bool) -> list[bytes]:
        if m == hi - lo:
            return [] if whole else [subtree(lo, hi)]
        k = split(hi - lo)
        if m <= k:
            return sub(m, lo, lo + k, whole) + [subtree(lo + k, hi)]
        return sub(m - k, lo + k, hi, False) + [subtree(lo, lo + k)]

    return [] if size1 in (0, size2) else sub(size1, 0, size2, True)


def _check_lengths(*hashes: bytes) -> None:
    if any(len(h) != HASH_SIZE for h in hashes):
        raise ProofError("a hash is not 32 bytes long")


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that `proof` yields for `leaf` at `index` (RFC 9162 §2.1.3.2)."""
    _check_lengths(leaf, *proof)
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("the proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the proof is too short")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes],
                     root: bytes) -> None:
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise ProofError(f"leaf {index} is not in the tree of size {size} with that root")


def verify_consistency(size1: int, size2: int, proof: Sequence[bytes], root1: bytes,
                       root2: bytes) -> None:
    """RFC 9162 §2.1.4.2: the tree (size2, root2) extends the tree (size1, root1)."""
    _check_lengths(*proof)
    if size1 == 0:  # RFC 9162 §2.1.4: proofs start from a non-empty tree
        raise ProofError("a consistency proof starts from a tree of at least one leaf")
    if size1 > size2:
        raise ProofError(f"size {size1} is larger than size {size2}")
    if size1 == size2:
        if proof or root1 != root2:
            raise ProofError("trees of equal size must have equal roots and an empty proof")
        return
    if not proof:
        raise ProofError("the proof is empty")
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # size1 is a power of two: its root is the seed
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or fr != root1 or sr != root2:
        raise ProofError(f"the tree of size {size2} does not extend the tree of size {size1}")


class MemoryTree:
    """A tree over leaf hashes held in memory (tests, offline bundles)."""

    def __init__(self, leaves: Sequence[bytes] = ()):
        self.leaves = list(leaves)
        self._cache: dict[tuple[int, int], bytes] = {}

    def subtree(self, lo: int, hi: int) -> bytes:
        if hi - lo == 1:
            return self.leaves[lo]
        if (lo, hi) not in self._cache:
            k = split(hi - lo)
            self._cache[(lo, hi)] = node_hash(self.subtree(lo, lo + k), self.subtree(lo + k, hi))
        return self._cache[(lo, hi)]

    def root(self, size: int | None = None) -> bytes:
        return root_of(self.subtree, len(self.leaves) if size is None else size)


class Frontier:
    """The right edge of a growing tree: O(log n) memory, O(1) amortised per append."""

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[tuple[int, bytes]] = []  # (height, hash) of complete subtrees

    def append(self, leaf: bytes) -> None:
        height, h = 0, leaf
        while self._stack and self._stack[-1][0] == height:
            h = node_hash(self._stack.pop()[1], h)
            height += 1
        self._stack.append((height, h))
        self.size += 1

    def edge(self) -> list[tuple[int, bytes]]:
        """The complete subtrees on the right edge, (height, hash), largest first."""
        return list(self._stack)

    @classmethod
    def resume(cls, size: int, edge: Sequence[tuple[int, bytes]]) -> Frontier:
        """The frontier of a tree of `size` leaves from its right edge (as `edge` gave it)."""
        frontier = cls()
        heights = [h for h, _ in edge]
        if heights != [h for h in reversed(range(size.bit_length())) if size >> h & 1]:
            raise ProofError(f"that right edge does not belong to a tree of {size} leaves")
        frontier.size, frontier._stack = size, [(h, bytes(v)) for h, v in edge]
        return frontier

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY_ROOT
        acc = self._stack[-1][1]
        for _, h in reversed(self._stack[:-1]):
            acc = node_hash(h, acc)
        return acc
