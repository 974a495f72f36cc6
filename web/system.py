"""The composition root: the application service, the read models and their runner, wired to
one database. Every delivery (CLI, HTTP, pages) records through `Tandem.record`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from domain.application import TandemApplication, system_clock
from projections.db import Database, StorageError
from projections.directory import DirectoryProjection
from projections.ledger import LedgerProjection
from projections.queries import ReadModels
from projections.registers import DecisionProjection, EscalationProjection, ResponsibilityProjection
from projections.runner import Projection, Runner
from projections.timeline import TimelineProjection
from web.audit_service import checkpoint_if_due
from web.settings import Settings

CHECK_INITIALISED = "SELECT COUNT(*) FROM tandem_tracking"
CHECKPOINT_POLL = timedelta(seconds=5)


class NotInitialised(Exception):
    """The database has no Tandem schema yet."""


def projections() -> list[Projection]:
    return [DirectoryProjection(), TimelineProjection(), ResponsibilityProjection(),
            DecisionProjection(), EscalationProjection(), LedgerProjection()]


class Tandem:
    """One Tandem installation: log, read models and the settings they run with."""

    def __init__(self, settings: Settings, clock: Callable[[], Any] = system_clock,
                 create: bool = False):
        self.settings = settings
        self.storage = settings.storage
        self.db = Database(self.storage)
        if create:
            self._create_schema()
        elif not self.is_initialised():
            self.db.close()
            raise NotInitialised(
                f"{self.storage.display()} holds no Tandem log yet: run `tandem init` first."
            )
        self.app = TandemApplication(env=self.storage.library_env(create_table=create), clock=clock)
        self.runner = Runner(self.db, self.app.mapper.to_domain_event, projections())
        if create:
            with self.db.connect() as conn, conn.transaction():
                self.runner.create_schema(conn)
        self.read = ReadModels(self.db, settings.backdated_after, clock=clock)
        self._unchecked, self._checked_at = 0, cast(datetime | None, None)
        self.catch_up()

    def _create_schema(self) -> None:
        with self.db.connect() as conn:
            if self.storage.backend == "postgres":
                conn.execute(f"CREATE SCHEMA IF NOT EXISTS {self.storage.schema}")
            else:
                conn.execute("PRAGMA journal_mode = WAL")

    def is_initialised(self) -> bool:
        try:
            with self.db.connect() as conn:
                conn.scalar(CHECK_INITIALISED)
            return True
        except StorageError:
            raise
        except Exception:  # the table is missing: a database never initialised
            return False

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
            checkpoint_if_due(self)

    def record(self, command: str, **kwargs: Any) -> list[dict[str, Any]]:
        """Run one application command, bring the read models up to date, return envelopes."""
        recordings = getattr(self.app, command)(**kwargs)
        self.catch_up()
        return [self.read.envelope(self.runner.envelope_of(r)) for r in recordings]

    def close(self) -> None:
        self.app.close()
        self.db.close()
