"""Where the BDD scenarios of the domain rules run: the library's in-memory store (the rules
alone, fast), or a real database with its read models (SQLite, PostgreSQL).

A world records through a typed application command and answers the few questions the Then
steps ask: what was recorded, how long the log is, an escalation's and a decision's state.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, ParamSpec

from eventsourcing.persistence import Recording

from domain import criteria
from domain import events as ev
from domain.application import TandemApplication
from domain.initiative import Initiative
from web.system import Tandem

P = ParamSpec("P")


class MemoryWorld:
    """The application service on the eventsourcing library's in-memory (POPO) store."""

    def __init__(self, initiative: str):
        self.app = TandemApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
        self.initiative = initiative
        self.versions: dict[int, int] = {}  # log position -> the entry's version

    def record(self, command: Callable[P, list[Recording[Any]]], *args: P.args,
               **kwargs: P.kwargs) -> list[dict[str, Any]]:
        recorded = []
        for r in command(*args, **kwargs):
            self.versions[r.notification.id] = r.domain_event.originator_version
            recorded.append({"position": r.notification.id,
                             "type": type(r.domain_event).__name__,
                             "data": vars(r.domain_event)})
        return recorded

    def answer(self, person: str, position: int, reason: str | None) -> list[dict[str, Any]]:
        """The person named by the entry at `position` confirms it (or disputes it)."""
        entry = self.versions[position]
        if reason is None:
            return self.record(self.app.confirm_entry, actor=person,
                               initiative=self.initiative, entry=entry, position=position)
        return self.record(self.app.dispute_entry, actor=person, initiative=self.initiative,
                           entry=entry, position=position, reason=reason)

    def log_size(self) -> int | None:
        return self.app.recorder.max_notification_id()

    def _initiative(self) -> Initiative:
        found = self.app.find(Initiative, Initiative.id_for(self.initiative))
        assert found is not None
        return found

    def escalation(self, key: str) -> dict[str, Any]:
        state = self._initiative().escalations[key]
        return {"status": "open" if state["open"] else "resolved",
                "addressed_to": state["addressed_to"], "level": state["level"]}

    def decision(self, key: str) -> dict[str, Any]:
        stored = self.app.repository.event_store.get(Initiative.id_for(self.initiative))
        later = [e.decision for e in stored
                 if isinstance(e, ev.DecisionTaken) and e.supersedes == key]
        return {"status": self._initiative().decisions[key]["status"],
                "superseded_by": later[0] if later else None}

    def criterion_state(self, key: str) -> str | None:
        """The criterion's state now, from its definition and measurements in the log."""
        stored = self.app.repository.event_store.get(Initiative.id_for(self.initiative))
        defined: Any = None
        measured = []
        for e in stored:
            if isinstance(e, (ev.CriterionDefined, ev.CriterionRevised)) and e.criterion == key:
                defined = e
            elif isinstance(e, ev.MeasurementRecorded) and e.criterion == key:
                measured.append({"value": e.value, "effective_at": e.effective_at})
        if defined is None or defined.comparison is None:
            return None
        dates = [datetime.fromisoformat(d) for d in defined.evaluation_dates or []]
        return criteria.state(criteria.evaluations(
            defined.comparison, defined.target_value, dates, measured, datetime.now(timezone.utc)))

    def close(self) -> None:
        self.app.close()


class DatabaseWorld:
    """A whole Tandem on a database: the log, and the read models the Then steps ask."""

    def __init__(self, tandem: Tandem, initiative: str):
        self.tandem = tandem
        self.app = tandem.app
        self.initiative = initiative

    def record(self, command: Callable[P, list[Recording[Any]]], *args: P.args,
               **kwargs: P.kwargs) -> list[dict[str, Any]]:
        return self.tandem.record(command, *args, **kwargs)

    def log_size(self) -> int | None:
        return self.app.recorder.max_notification_id()

    def answer(self, person: str, position: int, reason: str | None) -> list[dict[str, Any]]:
        return self.tandem.answer(person, position, reason)

    def escalation(self, key: str) -> dict[str, Any]:
        [found] = [e for e in self.tandem.read.escalations() if e["id"] == key]
        return found

    def decision(self, key: str) -> dict[str, Any]:
        return self.tandem.read.decision(self.initiative, key)

    def criterion_state(self, key: str) -> str | None:
        found: str | None = self.tandem.read.state(self.initiative)["criteria"][key]["state"]
        return found

    def close(self) -> None:
        self.tandem.close()


World = MemoryWorld | DatabaseWorld
