"""Audit operations over one Tandem system: issuing checkpoints (by hand or when due) and
verifying the log with the installation's own key files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from projections import audit
from web.audit_keys import load_signing_key, log_public_key

if TYPE_CHECKING:
    from web.system import Tandem


def issue_checkpoint(tandem: Tandem) -> str:
    """Sign and keep the ledger's current tree head; returns the signed note."""
    key = load_signing_key(tandem.settings.signing_key_path)
    return audit.issue_checkpoint(tandem.db, tandem.settings.origin, key, tandem.read.now())


def checkpoint_if_due(tandem: Tandem) -> str | None:
    """Issue a checkpoint every N events or M minutes (settings); quiet without a key file."""
    settings = tandem.settings
    if not settings.signing_key_path.exists():
        return None
    if not audit.checkpoint_due(tandem.db, settings.checkpoint_every_events,
                                settings.checkpoint_every_minutes, tandem.read.now()):
        return None
    return issue_checkpoint(tandem)


def verify(tandem: Tandem, auditor_note: str | None = None,
           progress: audit.Progress | None = None) -> audit.Verification:
    key = log_public_key(tandem.settings.signing_key_path)
    return audit.verify_log(tandem.db, key, auditor_note, progress)
