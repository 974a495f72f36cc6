"""Signed checkpoints in the C2SP tlog-checkpoint form, wrapped in a C2SP signed note.

    <origin>
    <tree size>
    <base64 root hash>

    — <key name> <base64(4-byte key id ‖ Ed25519 signature)>

The signature covers the body (the three lines and their newlines); the key id is the first
four bytes of SHA-256(key name ‖ "\\n" ‖ 0x01 ‖ public key), as for Ed25519 note keys.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

SIGNATURE_PREFIX = "\u2014 "
ED25519 = b"\x01"


class CheckpointError(ValueError):
    """A checkpoint is malformed or its signature does not verify."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(name: str, key: Ed25519PublicKey) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + raw_public(key)).digest()[:4]


def verifier_key(name: str, key: Ed25519PublicKey) -> str:
    """The note verifier key string `name+hexid+base64(0x01‖key)`."""
    encoded = base64.b64encode(ED25519 + raw_public(key)).decode()
    return f"{name}+{key_id(name, key).hex()}+{encoded}"


def sign(checkpoint: Checkpoint, key: Ed25519PrivateKey) -> str:
    body = checkpoint.body()
    signature = key.sign(body.encode())
    blob = base64.b64encode(key_id(checkpoint.origin, key.public_key()) + signature).decode()
    return f"{body}\n{SIGNATURE_PREFIX}{checkpoint.origin} {blob}\n"


def parse(note: str) -> tuple[Checkpoint, str, list[tuple[str, bytes]]]:
    """The checkpoint, its signed body, and its (key name, key id ‖ signature) lines."""
    body, separator, signatures = note.partition("\n\n")
    if not separator:
        raise CheckpointError("a signed checkpoint has a blank line before its signatures")
    lines = body.split("\n")
    if len(lines) < 3:
        raise CheckpointError("a checkpoint has an origin, a tree size and a root hash")
    try:
        size = int(lines[1])
        root = base64.b64decode(lines[2], validate=True)
    except ValueError as error:
        raise CheckpointError(f"unreadable tree size or root hash: {error}") from error
    if size < 0 or len(root) != 32 or not lines[1].isdigit():
        raise CheckpointError("the tree size or root hash is out of range")
    found = []
    for line in signatures.splitlines():
        if not line.startswith(SIGNATURE_PREFIX):
            continue
        name, _, blob = line[len(SIGNATURE_PREFIX):].rpartition(" ")
        try:
            found.append((name, base64.b64decode(blob, validate=True)))
        except ValueError:
            continue
    return Checkpoint(lines[0], size, root), body + "\n", found


def verify(note: str, key: Ed25519PublicKey) -> Checkpoint:
    """The checkpoint, if one of its signatures is by `key`; else CheckpointError."""
    checkpoint, body, signatures = parse(note)
    for name, blob in signatures:
        if len(blob) != 68 or blob[:4] != key_id(name, key):
            continue
        try:
            key.verify(blob[4:], body.encode())
        except InvalidSignature:
            continue
        return checkpoint
    raise CheckpointError("no valid signature by the log's public key")
