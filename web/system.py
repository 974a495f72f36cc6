"""The composition root: the application service, the read models and their runner, the audit
ledger's signer, wired to one database. Every delivery (CLI, HTTP, pages) records through
`Tandem.record`, naming the application's command itself: `record(tandem.app.take_decision,
actor=..., ...)`, which mypy checks against the command's signature."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ParamSpec

from eventsourcing.persistence import PersistenceError, Recording

from domain.application import TandemApplication, system_clock
from domain.errors import Forbidden
from domain.requests import AlreadyRecorded, Recorded, Request, RequestLog, UncertainOutcome
from projections.attestation import AttestationProjection
from projections.db import Database, StorageError
from projections.decisions import DecisionProjection
from projections.directory import DirectoryProjection
from projections.escalations import EscalationProjection
from projections.governance.report import audit_report
from projections.ledger.authority import Authority
from projections.ledger.bundle import ExportFilter, export_bundle
from projections.ledger.checkpoints import Signer, SignerRefused
from projections.ledger.keys import SigningKeyError
from projections.ledger.notes import VerifierKey
from projections.ledger.projection import LedgerProjection
from projections.ledger.verify import Progress, Verification, verify_log
from projections.members import MembershipProjection
from projections.notices import NoticeProjection
from projections.projection import Projection
from projections.queries import ReadModels
from projections.responsibilities import ResponsibilityProjection
from projections.runner import Runner
from projections.search import search_projection
from projections.timeline import TimelineProjection
from web import requests
from web.links import absolute
from web.requests import KeyReused, OutcomeUnknown
from web.settings import Settings

P = ParamSpec("P")
Command = Callable[P, list[Recording[Any]]]
CHECK_INITIALISED = "SELECT COUNT(*) FROM tandem_tracking"
CHECKPOINT_POLL = timedelta(seconds=5)
log = logging.getLogger("tandem")


class NotInitialised(Exception):
    """The database has no Tandem schema yet."""


def projections(backend: str) -> list[Projection]:
    return [DirectoryProjection(), TimelineProjection(), ResponsibilityProjection(),
            DecisionProjection(), EscalationProjection(), MembershipProjection(),
            AttestationProjection(), LedgerProjection(), search_projection(backend),
            NoticeProjection()]


def is_initialised(db: Database) -> bool:
    """Whether the database holds a Tandem log (StorageError when it cannot be reached).
    Asking creates nothing: a SQLite file that is not there stays absent."""
    if db.backend == "sqlite" and not Path(db.storage.path).is_file():
        return False
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
        self.db = Database(self.storage, create=create)
        if create:
            self._create_schema()
        elif not is_initialised(self.db):
            self.db.close()
            raise NotInitialised(
                f"{self.storage.display()} holds no Tandem log yet: run `tandem init` first."
            )
        self.app = TandemApplication(env=self.storage.library_env(create_table=create), clock=clock)
        if not create and hasattr(self.app.recorder, "create_requests_table"):
            self.app.recorder.create_requests_table()  # a log made before requests were kept
        self.runner = Runner(self.db, self.app.mapper.to_domain_event, projections(self.db.backend))
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
               force: bool = False, tables: Sequence[str] = (),
               extras: Callable[[Path, str], tuple[str, ...]] | None = None) -> dict[str, Any]:
        """Write an audit bundle of the chosen events (with the adopted rules' check, its
        findings linked under the base URL, and the `tables` and `extras` asked for); returns
        its manifest."""
        rules = audit_report(self.read, link=absolute(self.settings.base_url))
        return export_bundle(self.db, self.read, self.signer, out, chosen, self.verify, rules,
                             progress, force, tables, extras)

    def record(self, command: Command[P], /, *args: P.args,
               **kwargs: P.kwargs) -> list[dict[str, Any]]:
        """Run one command of the application service, bring the read models up to date, and
        return the envelopes of what it recorded.

        A web request's command is recorded under its idempotency key (`web.requests`): a
        request already recorded is answered with what it recorded then, and stores nothing.
        Once stored, a write is answered as stored, even if the read models cannot catch up.
        """
        write = requests.current()
        request = write.request() if write is not None else None
        if request is not None and write is not None and write.given:
            earlier = self._earlier(request)
            if earlier is not None:
                return earlier
        request = request or Request.fresh()
        retry_key = write.retry_key if write is not None else None
        try:
            with self.app.answering(request):
                recordings = command(*args, **kwargs)
        except AlreadyRecorded as error:  # an attempt whose answer was lost, or the same key
            return self._stored(request, retry_key, error)
        except UncertainOutcome as error:
            return self._resolve(request, retry_key, error)
        self._settle()
        try:
            return [self.read.envelope(self.runner.envelope_of(r)) for r in recordings]
        except (StorageError, PersistenceError) as error:
            raise OutcomeUnknown(retry_key) from error

    def _settle(self) -> None:
        """Catch up after a write: it is stored, so a failure here is logged, not answered;
        the read models and the checkpoint follow at the next catch-up."""
        try:
            self.catch_up()
        except (StorageError, PersistenceError, SigningKeyError) as error:
            log.warning("Recorded, but the read models could not catch up yet: %s", error)

    def _recorded(self, request: Request) -> Recorded | None:
        store = self.app.recorder
        return store.recorded(request.key) if isinstance(store, RequestLog) else None

    def _earlier(self, request: Request) -> list[dict[str, Any]] | None:
        """The envelopes a request recorded before (None if it recorded nothing)."""
        recorded = self._recorded(request)
        if recorded is None:
            return None
        if recorded.fingerprint != request.fingerprint:
            raise KeyReused(f"This {requests.HEADER} was already used for a different request; "
                            "use a new key for a new request.")
        self._settle()
        with self.db.connect() as conn:
            positions = [self.runner.log.position_of(conn, oid, version)
                         for oid, version in recorded.events]
        envelopes = [e for p in positions if p is not None
                     for e in self.read.events(after=p - 1, limit=1)["events"]]
        if not envelopes or len(envelopes) != len(recorded.events):
            raise StorageError("This request was stored, but its entries cannot be read yet; "
                               "send it again with the same key.")
        return envelopes

    def _stored(self, request: Request, retry_key: str | None,
                error: Exception) -> list[dict[str, Any]]:
        """The answer for a request the store holds (stored by an earlier attempt)."""
        try:
            earlier = self._earlier(request)
        except (StorageError, PersistenceError):
            raise OutcomeUnknown(retry_key) from error
        if earlier is None:  # the store said it was stored, and now says it is not
            raise OutcomeUnknown(retry_key) from error
        return earlier

    def _resolve(self, request: Request, retry_key: str | None,
                 error: UncertainOutcome) -> list[dict[str, Any]]:
        """After a failure while saving: whether it was stored, asked of the store itself."""
        try:
            recorded = self._recorded(request)
        except (StorageError, PersistenceError):
            raise OutcomeUnknown(retry_key) from error
        if recorded is None:  # kept with its events in one transaction: neither was stored
            raise StorageError("Nothing was stored: the database failed while storing it "
                               f"({error}). Try again.") from error
        return self._stored(request, retry_key, error)

    def answer(self, actor: str, position: int, reason: str | None) -> list[dict[str, Any]]:
        """The actor confirms (no reason) or disputes (a reason) the entry at a log position
        that names them; the application checks that it does."""
        entry = self.read.entry(position)
        if entry["initiative"] is None:
            raise Forbidden("confirmation-by-named",
                            "The entry at position %(position)s does not name %(person)s.",
                            position=position, person=actor)
        if reason is None:
            return self.record(self.app.confirm_entry, actor=actor,
                               initiative=entry["initiative"], entry=entry["version"],
                               position=position)
        return self.record(self.app.dispute_entry, actor=actor, initiative=entry["initiative"],
                           entry=entry["version"], position=position, reason=reason)

    def close(self) -> None:
        self.app.close()
        self.db.close()
