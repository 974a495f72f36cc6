"""The signer's memory: every checkpoint the installation's key signs is also appended, and
synced to disk, to a journal file next to the key, outside the database.

The signer never trusts the database to tell it what it signed before: before it signs, it
proves the ledger consistent with the journal's last entry (`checkpoints.Signer`), and
`tandem verify` checks the log and the stored checkpoints against the whole journal. An
attacker who can write to the database but not to the key's folder cannot make the signer
forget.

One JSON object per line: seq, size, root (base64), position (the log position of the last
leaf), issued_at, note, and for the newest entries the tree's right edge (`frontier`), from
which the signer extends the tree over the events added since, without re-reading the log.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TAIL = 16 * 1024


class JournalError(Exception):
    """The journal cannot be read or written."""


def journal_path(key_path: Path) -> Path:
    return Path(key_path).with_name(Path(key_path).name + ".journal")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@dataclass(frozen=True)
class Entry:
    """One checkpoint the key signed."""

    seq: int
    size: int
    root: bytes
    position: int
    issued_at: str
    note: str
    frontier: tuple[tuple[int, bytes], ...] = field(default=())

    def line(self) -> str:
        return json.dumps({
            "seq": self.seq, "size": self.size, "root": _b64(self.root),
            "position": self.position, "issued_at": self.issued_at, "note": self.note,
            "frontier": [[h, _b64(v)] for h, v in self.frontier],
        }, separators=(",", ":")) + "\n"

    @classmethod
    def parse(cls, line: str) -> Entry:
        data: dict[str, Any] = json.loads(line)
        return cls(int(data["seq"]), int(data["size"]), base64.b64decode(data["root"]),
                   int(data["position"]), str(data["issued_at"]), str(data["note"]),
                   tuple((int(h), base64.b64decode(v)) for h, v in data.get("frontier", [])))


class Journal:
    """The journal file: appended under an exclusive lock, read by anyone."""

    def __init__(self, path: Path):
        self.path = Path(path)

    @property
    def exists(self) -> bool:
        return self.path.exists()

    def _entry(self, line: str, number: int) -> Entry:
        try:
            return Entry.parse(line)
        except (ValueError, KeyError, TypeError) as error:
            raise JournalError(f"The signer's journal {self.path} is unreadable at line "
                               f"{number}: {error}") from None

    def entries(self) -> list[Entry]:
        """Every entry, oldest first (a line still being written is not one yet)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as error:
            raise JournalError(f"Cannot read the signer's journal {self.path}: {error}") from None
        lines = text.split("\n")[:-1]  # the part after the last newline is not complete
        return [self._entry(line, n) for n, line in enumerate(lines, 1)]

    def last(self) -> Entry | None:
        """The newest entry, read from the end of the file."""
        try:
            with self.path.open("rb") as handle:
                end = handle.seek(0, os.SEEK_END)
                handle.seek(max(0, end - TAIL))
                tail = handle.read()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise JournalError(f"Cannot read the signer's journal {self.path}: {error}") from None
        complete = tail[:tail.rfind(b"\n") + 1]
        lines = complete.split(b"\n")[:-1]
        if not lines:
            return None
        if len(lines) == 1 and end > len(tail):  # one entry longer than the tail: read it all
            entries = self.entries()
            return entries[-1] if entries else None
        try:
            return self._entry(lines[-1].decode("utf-8"), -1)
        except UnicodeDecodeError as error:
            raise JournalError(f"The signer's journal {self.path} is unreadable: {error}") from None

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the journal's lock: one signer at a time reads its end, signs and appends (and
        commits the checkpoint to the database before it lets go)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise JournalError(f"Cannot lock the signer's journal {self.path}: {error}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    @contextmanager
    def shared(self) -> Iterator[None]:
        """Wait until no signer is between appending and committing (readers that cannot
        open the lock file, e.g. without write access to the folder, do not wait)."""
        try:
            fd = os.open(self.lock_path, os.O_RDONLY)
        except OSError:
            yield
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            yield
        finally:
            os.close(fd)

    def append(self, entry: Entry) -> None:
        """Append one entry and sync it (and, for a new file, its folder) to disk."""
        created = not self.path.exists()
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, entry.line().encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
            if created:
                folder = os.open(self.path.parent, os.O_RDONLY)
                try:
                    os.fsync(folder)
                finally:
                    os.close(folder)
        except OSError as error:
            raise JournalError(f"Cannot write the signer's journal {self.path}: {error}") from None
