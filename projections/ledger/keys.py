"""The checkpoint signing key: an Ed25519 key in a PEM file outside the database (mode 0600),
with its public key next to it (`<key file>.pub`)."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from projections.ledger.notes import ED25519, CheckpointError, VerifierKey, parse_verifier_key


class SigningKeyError(Exception):
    """The signing key is missing or unreadable."""


def public_key_path(key_path: Path) -> Path:
    return key_path.with_name(key_path.name + ".pub")


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()


def create_signing_key(key_path: Path) -> bool:
    """Create the key pair unless the key exists; True when a key was created."""
    key_path = Path(key_path)
    if key_path.exists():
        return False
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    public_key_path(key_path).write_text(public_pem(key.public_key()))
    return True


def load_signing_key(key_path: Path) -> Ed25519PrivateKey:
    try:
        key = load_pem_private_key(Path(key_path).read_bytes(), password=None)
    except OSError as error:
        raise SigningKeyError(f"Cannot read the signing key {key_path}: {error.strerror}") from None
    except ValueError as error:
        raise SigningKeyError(f"{key_path} is not a PEM private key: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{key_path} is not an Ed25519 private key.")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A public key file, or the public half of a private key file."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise SigningKeyError(f"Cannot read the public key {path}: {error.strerror}") from None
    if b"PRIVATE KEY" in data:
        return load_signing_key(path).public_key()
    try:
        key = load_pem_public_key(data)
    except ValueError as error:
        raise SigningKeyError(f"{path} is not a PEM public key: {error}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(f"{path} is not an Ed25519 public key.")
    return key


def log_public_key(key_path: Path) -> Ed25519PublicKey:
    """The log's public key: the .pub file if present, else derived from the private key."""
    pub = public_key_path(Path(key_path))
    return load_public_key(pub if pub.exists() else Path(key_path))


def load_verifier(path: Path, origin: str | None, fallback: str = "") -> VerifierKey:
    """The log's verifier from a file: a C2SP verifier key `name+id+key` (its name is the log's
    origin, and must be `origin` if that is given), or a PEM public (or private) key, taken as
    the key of the log `origin` (or `fallback`)."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise SigningKeyError(f"Cannot read the public key {path}: {error.strerror}") from None
    if b"-----BEGIN" in data:
        return VerifierKey(origin or fallback, load_public_key(path))
    try:
        found = parse_verifier_key(data.decode("utf-8"), ED25519)
    except (UnicodeDecodeError, CheckpointError) as error:
        raise SigningKeyError(f"{path} is neither a PEM public key nor a verifier key: "
                              f"{error}") from None
    if origin is not None and found.name != origin:
        raise SigningKeyError(f"{path} is the key of the log '{found.name}', not of '{origin}'.")
    return found


def read_verifier(value: str, kind: int) -> VerifierKey:
    """A verifier key given on the command line: the `name+id+key` text, or a file holding it."""
    path = Path(value)
    try:
        text = path.read_text(encoding="utf-8") if "+" not in value and path.is_file() else value
    except (OSError, UnicodeDecodeError) as error:
        raise SigningKeyError(f"Cannot read the verifier key {value}: {error}") from None
    try:
        return parse_verifier_key(text, kind)
    except CheckpointError as error:
        raise SigningKeyError(str(error)) from None
