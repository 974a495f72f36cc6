"""Signed checkpoints in the C2SP tlog-checkpoint form, wrapped in a C2SP signed note, and the
verifier keys (`vkeys`) that name the keys allowed to sign or cosign them.

    <origin>
    <tree size>
    <base64 root hash>

    — <key name> <base64(4-byte key id ‖ signature)>

The log signs with Ed25519 (signature type 0x01) under a key name equal to its origin: the
signature covers the note text (the three lines and their newlines), and the key id is the
first four bytes of SHA-256(key name ‖ "\\n" ‖ 0x01 ‖ public key). Witnesses add C2SP
tlog-cosignature lines (type 0x04, see `witness.py`). A checkpoint is accepted only under the
expected origin and key name: the same key signing for another log proves nothing here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

SIGNATURE_PREFIX = "\u2014 "
ED25519 = 0x01
COSIGNATURE_V1 = 0x04
MAX_SIGNATURES = 100
MAX_NOTE_BYTES = 64 * 1024


class CheckpointError(ValueError):
    """A checkpoint is malformed or its signature does not verify."""


class KeyNameError(ValueError):
    """A key name (or log origin) that signed-note verifiers refuse."""


def check_key_name(name: str, what: str = "key name") -> str:
    """A C2SP key name: non-empty, no Unicode space, no '+', no control character."""
    if not name:
        raise KeyNameError(f"The {what} is empty.")
    for char in name:
        if char.isspace():
            raise KeyNameError(f"The {what} '{name}' contains a space; signed-note verifiers "
                               "refuse key names with spaces (use e.g. example.org/tandem).")
        if char == "+":
            raise KeyNameError(f"The {what} '{name}' contains '+'; signed-note verifiers refuse "
                               "key names with '+' (use e.g. example.org/tandem).")
        if ord(char) < 0x20 or ord(char) == 0x7F:
            raise KeyNameError(f"The {what} '{name!r}' contains a control character.")
    return name


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


@dataclass(frozen=True)
class Signature:
    """One signature line of a note: the key name and the decoded key id ‖ signature."""

    name: str
    blob: bytes
    line: str

    @property
    def key_id(self) -> bytes:
        return self.blob[:4]


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(name: str, key: Ed25519PublicKey, kind: int = ED25519) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + raw_public(key)).digest()[:4]


@dataclass(frozen=True)
class VerifierKey:
    """A named public key with its signature type: the C2SP `vkey` `name+hexid+base64(type‖key)`."""

    name: str
    key: Ed25519PublicKey
    kind: int = ED25519

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.key, self.kind)

    def text(self) -> str:
        encoded = base64.b64encode(bytes([self.kind]) + raw_public(self.key)).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"


def verifier_key(name: str, key: Ed25519PublicKey, kind: int = ED25519) -> str:
    """The note verifier key string `name+hexid+base64(type‖key)`."""
    return VerifierKey(name, key, kind).text()


def parse_verifier_key(text: str, kind: int | None = None) -> VerifierKey:
    """A vkey string; its key id must match its name and key (and its type `kind`, if given)."""
    name, plus, rest = text.strip().partition("+")
    hexid, plus2, encoded = rest.partition("+")
    if not (plus and plus2):
        raise CheckpointError(f"'{text.strip()[:80]}' is not a verifier key (name+id+key).")
    check_key_name(name)
    try:
        material = base64.b64decode(encoded, validate=True)
        claimed = bytes.fromhex(hexid)
    except (binascii.Error, ValueError) as error:
        raise CheckpointError(f"The verifier key of '{name}' is not well encoded: {error}") from None
    if len(claimed) != 4 or len(material) != 33 or material[0] not in (ED25519, COSIGNATURE_V1):
        raise CheckpointError(f"The verifier key of '{name}' is not an Ed25519 note or "
                              "cosignature key.")
    if kind is not None and material[0] != kind:
        raise CheckpointError(f"The verifier key of '{name}' has signature type "
                              f"0x{material[0]:02x}, not 0x{kind:02x}.")
    found = VerifierKey(name, Ed25519PublicKey.from_public_bytes(material[1:]), material[0])
    if found.key_id != claimed:
        raise CheckpointError(f"The verifier key of '{name}' has a key id that does not match "
                              "its name and key.")
    return found


def signature_line(text: str, name: str, key: Ed25519PrivateKey) -> str:
    """An Ed25519 (type 0x01) signature line of a note text under the key name `name`."""
    check_key_name(name)
    blob = base64.b64encode(key_id(name, key.public_key()) + key.sign(text.encode())).decode()
    return f"{SIGNATURE_PREFIX}{name} {blob}\n"


def sign(checkpoint: Checkpoint, key: Ed25519PrivateKey) -> str:
    """The checkpoint signed by the log under its origin as key name."""
    check_key_name(checkpoint.origin, "log origin")
    body = checkpoint.body()
    return f"{body}\n{signature_line(body, checkpoint.origin, key)}"


def split(note: str) -> tuple[str, list[Signature]]:
    """The note text and its signature lines, by the signed-note rules."""
    if len(note.encode("utf-8", "surrogatepass")) > MAX_NOTE_BYTES:
        raise CheckpointError("the note is too long to be a checkpoint")
    if any(ord(c) < 0x20 and c != "\n" for c in note) or "\x7f" in note:
        raise CheckpointError("a signed note holds no control characters other than newline")
    if not note.endswith("\n"):
        raise CheckpointError("a signed note ends with a newline")
    cut = note.rfind("\n\n")
    if cut < 0:
        raise CheckpointError("a signed note has a blank line before its signatures")
    text, block = note[:cut + 1], note[cut + 2:]
    signatures = []
    for line in block.splitlines():
        if not line.startswith(SIGNATURE_PREFIX):
            raise CheckpointError(f"not a signature line: {line[:60]!r}")
        name, space, encoded = line[len(SIGNATURE_PREFIX):].rpartition(" ")
        if not space or not name or " " in name or "+" in name:
            raise CheckpointError(f"a signature line names no usable key: {line[:60]!r}")
        try:
            blob = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise CheckpointError(f"a signature of '{name}' is not base64") from None
        if len(blob) < 5:
            raise CheckpointError(f"a signature of '{name}' is too short")
        signatures.append(Signature(name, blob, line + "\n"))
    if not signatures:
        raise CheckpointError("a signed note carries at least one signature")
    if len(signatures) > MAX_SIGNATURES:
        raise CheckpointError(f"a note with more than {MAX_SIGNATURES} signatures is refused")
    return text, signatures


def parse_body(text: str) -> Checkpoint:
    """The checkpoint in a note text (tlog-checkpoint: origin, size, root, extension lines)."""
    lines = text[:-1].split("\n")
    if len(lines) < 3 or any(not line for line in lines):
        raise CheckpointError("a checkpoint has an origin, a tree size and a root hash, each on "
                              "a line of its own")
    origin, size_text, root_text = lines[:3]
    if not size_text.isascii() or not size_text.isdigit() or \
            (size_text.startswith("0") and size_text != "0"):
        raise CheckpointError(f"the tree size {size_text[:30]!r} is not a decimal number")
    try:
        root = base64.b64decode(root_text, validate=True)
    except binascii.Error:
        raise CheckpointError("the root hash is not base64") from None
    if len(root) != 32:
        raise CheckpointError("the root hash is not 32 bytes long")
    return Checkpoint(origin, int(size_text), root)


def parse(note: str) -> tuple[Checkpoint, str, list[Signature]]:
    """The checkpoint, its signed text, and its signature lines (nothing verified yet)."""
    text, signatures = split(note)
    return parse_body(text), text, signatures


def verify(note: str, key: Ed25519PublicKey, origin: str) -> Checkpoint:
    """The checkpoint, if it is the log `origin`'s and signed by `key` under that name.

    As the signed-note rules ask: a line that names the key and its id but does not verify
    rejects the note; lines of other keys are ignored (they may be witnesses')."""
    checkpoint, text, signatures = parse(note)
    if checkpoint.origin != origin:
        raise CheckpointError(f"the checkpoint is for the log '{checkpoint.origin}', not for "
                              f"'{origin}'")
    wanted = key_id(origin, key)
    for signature in signatures:
        if signature.name != origin or signature.key_id != wanted:
            continue
        try:
            key.verify(signature.blob[4:], text.encode())
        except InvalidSignature:
            raise CheckpointError(f"the signature of '{origin}' does not verify") from None
        return checkpoint
    raise CheckpointError(f"no signature by the log's key under the name '{origin}'")
