"""The composition root: the application service, the read models and their runner, the audit
ledger's signer, wired to one database. Every delivery (CLI, HTTP, pages) records through
`Tandem.record`, naming the application's command itself: `record(tandem.app.take_decision,
actor=..., ...)`, which mypy checks against the command's signature."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ParamSpec

from eventsourcing.persistence import Recording

from domain.application import TandemApplication, system_clock
from domain.errors import Forbidden
from projections.attestation import AttestationProjection
from projections.db import Database, StorageError
from projections.decisions import DecisionProjection
from projections.directory import DirectoryProjection
from projections.escalations import EscalationProjection
from projections.governance.report import audit_report
from projections.ledger.authority import Authority
from projections.ledger.bundle import ExportFilter, export_bundle
from projections.ledger.checkpoints import Signer, SignerRefused
from projections.ledger.notes import VerifierKey
from projections.ledger.projection import LedgerProjection
from projections.ledger.verify import Progress, Verification, verify_log
from projections.members import MembershipProjection
from projections.projection import Projection
from projections.queries import ReadModels
from projections.responsibilities import ResponsibilityProjection
from projections.runner import Runner
from projections.timeline import TimelineProjection
from web.links import absolute
from web.settings import Settings

P = ParamSpec("P")
Command = Callable[P, list[Recording[Any]]]
CHECK_INITIALISED = "SELECT COUNT(*) FROM tandem_tracking"
CHECKPOINT_POLL = timedelta(seconds=5)


class NotInitialised(Exception):
    """The database has no Tandem schema yet."""


def projections() -> list[Projection]:
    return [DirectoryProjection(), TimelineProjection(), ResponsibilityProjection(),
            DecisionProjection(), EscalationProjection(), MembershipProjection(),
            AttestationProjection(), LedgerProjection()]


def is_initialised(db: Database) -> bool:
    """Whether the database holds a Tandem log (StorageError when it cannot be reached)."""
    try:
        with db.connect() as conn:
            conn.scalar(CHECK_INITIALISED)
        return True
    except StorageError:
        raise
    except Exception:  # the table is missing: a database never initialised
        return False


class Tandem:
    """One Tandem installation: log, read models, signer and the settings they run with."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime] = system_clock,
                 create: bool = False):
        self.settings = settings
        self.storage = settings.storage
        self.db = Database(self.storage)
        if create:
            self._create_schema()
        elif not is_initialised(self.db):
            self.db.close()
            raise NotInitialised(
                f"{self.storage.display()} holds no Tandem log yet: run `tandem init` first."
            )
        self.app = TandemApplication(env=self.storage.library_env(create_table=create), clock=clock)
        self.runner = Runner(self.db, self.app.mapper.to_domain_event, projections())
        self.runner.prepare()
        self.read = ReadModels(self.db, settings.backdated_after, clock=clock)
        self.signer = Signer(self.db, settings.signing_key_path, settings.origin)
        self._unchecked = 0
        self._checked_at: datetime | None = None
        self.catch_up()

    def _create_schema(self) -> None:
        with self.db.connect() as conn:
            if self.storage.backend == "postgres":
                conn.execute(f"CREATE SCHEMA IF NOT EXISTS {self.storage.schema}")
            else:
                conn.execute("PRAGMA journal_mode = WAL")

    def catch_up(self) -> int:
        applied = self.runner.catch_up()
        self._maybe_checkpoint(applied)
        return applied

    def _maybe_checkpoint(self, applied: int) -> None:
        """Issue a signed checkpoint when due; asks the database at most every few seconds."""
        self._unchecked += applied
        now = self.read.now()
        if self._unchecked and (self._unchecked >= self.settings.checkpoint_every_events
                                or self._checked_at is None
                                or now - self._checked_at >= CHECKPOINT_POLL):
            self._unchecked, self._checked_at = 0, now
            try:
                self.signer.issue_if_due(now, self.settings.checkpoint_every_events,
                                         self.settings.checkpoint_every_minutes)
            except SignerRefused:
                pass  # logged by the signer; what was recorded stays recorded

    def issue_checkpoint(self) -> str:
        """Sign and keep the ledger's current tree head now; returns the signed note."""
        return self.signer.issue(self.read.now())

    def verify(self, auditor_note: str | None = None, progress: Progress | None = None,
               witnesses: tuple[VerifierKey, ...] = ()) -> Verification:
        """Check the log against the ledger, the signed checkpoints, the signer's journal, an
        auditor's checkpoint and witnesses' cosignatures, and the authorization data against
        the log."""
        return verify_log(self.db, self.signer.verifier(), auditor_note, progress,
                          journal=self.signer.journal, witnesses=witnesses,
                          authority=Authority(),
                          skew=timedelta(seconds=self.settings.recording_skew_seconds))

    def export(self, out: Path, chosen: ExportFilter, progress: Progress | None = None,
               force: bool = False) -> dict[str, Any]:
        """Write an audit bundle of the chosen events (with the adopted rules' check, its
        findings linked under the base URL); returns its manifest."""
        rules = audit_report(self.read, link=absolute(self.settings.base_url))
        return export_bundle(self.db, self.read, self.signer, out, chosen, self.verify, rules,
                             progress, force)

    def record(self, command: Command[P], /, *args: P.args,
               **kwargs: P.kwargs) -> list[dict[str, Any]]:
        """Run one command of the application service, bring the read models up to date, and
        return the envelopes of what it recorded."""
        recordings = command(*args, **kwargs)
        self.catch_up()
        return [self.read.envelope(self.runner.envelope_of(r)) for r in recordings]

    def answer(self, actor: str, position: int, reason: str | None) -> list[dict[str, Any]]:
        """The actor confirms (no reason) or disputes (a reason) the entry at a log position
        that names them; the application checks that it does."""
        entry = self.read.entry(position)
        if entry["initiative"] is None:
            raise Forbidden("confirmation-by-named",
                            f"The entry at position {position} does not name {actor}.")
        if reason is None:
            return self.record(self.app.confirm_entry, actor=actor,
                               initiative=entry["initiative"], entry=entry["version"],
                               position=position)
        return self.record(self.app.dispute_entry, actor=actor, initiative=entry["initiative"],
                           entry=entry["version"], position=position, reason=reason)

    def close(self) -> None:
        self.app.close()
        self.db.close()
