"""The application service: the one way to record anything in Tandem.

Every method takes plain values, validates them, loads the aggregate, lets it check the
governance rules, and saves. The actor is passed in by the caller (the authenticated
person); the recording time comes from the service's clock, never from the caller.
"""

from __future__ import annotations

import hashlib
import random
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from copy import deepcopy
from datetime import datetime, timezone
from typing import Any, TypeVar

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    Repository,
    project_aggregate,
)
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, PersistenceError, Recording
from eventsourcing.utils import strtobool

from domain import values as v
from domain.criteria import COMPARISONS
from domain.directory import Person, Unit
from domain.errors import Conflict, InvalidInput, NotFound, RuleViolation, said
from domain.initiative import Initiative
from domain.membership import VISIBILITIES
from domain.requests import AlreadyRecorded, Request, RequestLog, UncertainOutcome

Clock = Callable[[], datetime]
A = TypeVar("A", bound=Aggregate)
ATTEMPTS = 8
BACKOFF_SECONDS = 0.005
SYSTEM_ACTORS = ("tandem-cli", "tandem-sweep")


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_id_of(token: str) -> str:
    """The public id inside a token `tdm_<id>_<secret>` (empty if it has none)."""
    parts = token.split("_", 2)
    return parts[1] if len(parts) == 3 and parts[0] == "tdm" else ""


class _Directory:
    """The directory as an initiative sees it: people loaded from their own aggregates."""

    def __init__(self, app: TandemApplication):
        self.app = app

    def require(self, ids: Sequence[str], at: datetime, field: str) -> Mapping[str, Person]:
        found = {}
        cache: dict[str, Person | None] | None = getattr(self.app._batches, "people", None)
        for pid in ids:
            if cache is not None and pid in cache:
                person = cache[pid]
            else:
                person = self.app.find(Person, Person.id_for(pid))
                if cache is not None:
                    cache[pid] = person
            if person is None:
                raise RuleViolation("registered-people", "'%(person)s' is not registered.",
                                    person=pid)
            if not person.active_at(at):
                raise RuleViolation(
                    "registered-people",
                    "'%(person)s' was deactivated on %(date)s.", person=pid,
                    date=f"{person.deactivated_at:%Y-%m-%d}",
                )
            found[pid] = person
        return found


class _Repository(Repository[Any]):
    """The library's repository, whose cached aggregates are never deep-copied per command.

    A cached aggregate, once handed out, is shared: readers (the people an initiative's
    command names, the signed-in person) read it without a copy, so it must never change
    under them. It changes only in two ways, both under its own lock:

    - an initiative's command changes the cached initiative itself (only commands, holding
      that lock, read an initiative from the cache), and a command that fails after changing
      it (refused halfway, a conflict, a failed save) evicts it, so that the next command
      reads it from the store again (discard on failure);
    - any other aggregate (a person, a unit) is changed on a copy, which replaces the cached
      one once saved (copy on write); so is an aggregate that another process moved on
      (fast-forwarded on a copy).
    """

    IN_PLACE: tuple[type[Aggregate], ...] = (Initiative,)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._locks: dict[Any, threading.RLock] = {}
        self._locks_lock = threading.Lock()

    def lock(self, aggregate_id: Any) -> threading.RLock:
        """The lock under which an aggregate is fast-forwarded, and changed by a command."""
        with self._locks_lock:
            found = self._locks.get(aggregate_id)
            if found is None:
                found = self._locks[aggregate_id] = threading.RLock()
            return found

    def get(self, aggregate_id: Any, *, version: int | None = None, **kwargs: Any) -> Any:
        kwargs.pop("deepcopy_from_cache", None)
        if version is not None or not self.cache:
            return super().get(aggregate_id, version=version, deepcopy_from_cache=False,
                               **kwargs)
        with self.lock(aggregate_id):
            return self._current(aggregate_id)

    def _current(self, aggregate_id: Any) -> Any:
        cache = self.cache
        assert cache is not None  # noqa: S101 - only called with a cache
        try:
            cached = cache.get(aggregate_id)
        except KeyError:
            found: Any = self._reconstruct_aggregate(
                aggregate_id, None, project_aggregate)  # type: ignore[arg-type]
            cache.put(aggregate_id, found)
            return found
        if not self.fastforward:
            return cached
        newer = list(self.event_store.get(originator_id=aggregate_id, gt=cached.version))
        if not newer:
            return cached
        moved = project_aggregate(deepcopy(cached), newer)  # never change what others hold
        cache.put(aggregate_id, moved)
        return moved

    @contextmanager
    def changing(self, aggregate_id: Any) -> Iterator[Callable[[Any], Any]]:
        """Hold the aggregate's lock while a command changes it and saves: gives the aggregate
        to change (the cached one itself, or a copy of it), and afterwards keeps the saved
        aggregate in the cache, or evicts one a failed command left changed."""
        with self.lock(aggregate_id):
            handed: list[tuple[Any, Any, int]] = []

            def work(found: Any) -> Any:
                mine = found if isinstance(found, self.IN_PLACE) else deepcopy(found)
                handed.append((found, mine, found.version))
                return mine

            try:
                yield work
            except BaseException:
                if handed and self.cache is not None:
                    found, mine, version = handed[-1]
                    if mine is found and (mine.version != version or mine.pending_events):
                        self._evict(aggregate_id)
                raise
            if handed and self.cache is not None:
                found, mine, version = handed[-1]
                if mine is not found and mine.version != version:
                    self.cache.put(aggregate_id, mine)

    def evict(self, aggregate_id: Any) -> None:
        with self.lock(aggregate_id):
            self._evict(aggregate_id)

    def _evict(self, aggregate_id: Any) -> None:
        if self.cache is not None:
            try:
                self.cache.get(aggregate_id, evict=True)
            except KeyError:
                pass


class TandemApplication(Application[Any]):
    """Records units, people, initiatives and everything that happens in them."""

    name = "tandem"
    log_section_size = 1000

    def __init__(self, env: Mapping[str, str] | None = None, clock: Clock = system_clock):
        super().__init__(env)
        self.clock = clock
        self.people = _Directory(self)
        self._batches = threading.local()
        self._requests = threading.local()

    # -- plumbing ------------------------------------------------------------------------------

    def construct_repository(self) -> Repository[Any]:
        maxsize = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        return _Repository(
            event_store=self.events, snapshot_store=self.snapshots,
            cache_maxsize=int(maxsize) if maxsize else None,
            fastforward=strtobool(self.env.get(self.AGGREGATE_CACHE_FASTFORWARD, "y")),
            deepcopy_from_cache=strtobool(self.env.get(self.DEEPCOPY_FROM_AGGREGATE_CACHE, "y")),
        )

    @contextmanager
    def answering(self, request: Request) -> Iterator[None]:
        """Commands run inside save their events together with this request (its key is kept
        with them, once): see `save`."""
        previous = getattr(self._requests, "current", None)
        self._requests.current = request
        try:
            yield
        finally:
            self._requests.current = previous

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[Any]]:
        """Save, with the request being answered; a unique key keeps it from being stored twice.

        A conflict on saving is either another writer (the caller retries) or this very request,
        stored by an earlier attempt whose answer was lost (`AlreadyRecorded`). Any other storage
        failure while saving leaves it unknown whether the events were stored
        (`UncertainOutcome`): the caller asks the store before answering.
        """
        request: Request | None = getattr(self._requests, "current", None)
        if request is not None:
            kwargs["request"] = request
        try:
            return super().save(*objs, **kwargs)
        except IntegrityError:
            if request is None:
                raise
            try:
                stored = self._stored(request)
            except PersistenceError as error:
                raise UncertainOutcome(request, str(error)) from error
            if stored:
                raise AlreadyRecorded(request) from None
            raise
        except PersistenceError as error:
            raise UncertainOutcome(request, str(error)) from error

    def _stored(self, request: Request) -> bool:
        log = self.recorder
        return isinstance(log, RequestLog) and log.recorded(request.key) is not None

    def find(self, cls: type[A], aggregate_id: Any) -> A | None:
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, cls) else None

    def _now(self) -> datetime:
        return self.clock().astimezone(timezone.utc)

    def _create(self, aggregate: Aggregate, what: str, key: str) -> list[Recording[Any]]:
        try:
            return self.save(aggregate)
        except IntegrityError:
            raise Conflict("A %(what)s '%(key)s' already exists.", what=said(what),
                           key=key) from None

    @property
    def _aggregates(self) -> _Repository:
        found = self.repository
        assert isinstance(found, _Repository)  # noqa: S101 - made by construct_repository
        return found

    def _change(
        self, cls: type[A], aggregate_id: Any, what: str, key: str, command: Callable[[A], None]
    ) -> list[Recording[Any]]:
        """Load, apply the command, save; retry when another writer got there first. The
        aggregate is not copied for the command (see `_Repository`)."""
        for attempt in range(ATTEMPTS):
            try:
                with self._aggregates.changing(aggregate_id) as work:
                    found = self.find(cls, aggregate_id)
                    if found is None:
                        raise NotFound("There is no %(what)s '%(key)s'.",
                                       rule="known-references", what=said(what), key=key)
                    aggregate = work(found)
                    command(aggregate)
                    return self.save(aggregate)
            except IntegrityError:
                # jittered backoff, so that writers who collided do not collide again at once
                time.sleep(random.uniform(0, BACKOFF_SECONDS * 2**attempt))
        raise Conflict("The %(what)s '%(key)s' kept changing concurrently; try again.",
                       what=said(what), key=key)

    @contextmanager
    def batch(self, initiative: str) -> Iterator[list[Recording[Any]]]:
        """Record many commands on one initiative in one transaction (the bulk path).

        Each command inside is checked against the rules in order, exactly as on its own; the
        events are saved together when the block ends, and nothing is saved if it raises.
        """
        iid = v.slug(initiative, "initiative")
        with self._aggregates.changing(Initiative.id_for(iid)) as work:
            found = self.find(Initiative, Initiative.id_for(iid))
            if found is None:
                raise NotFound("There is no initiative '%(key)s'.", rule="known-references",
                               key=iid)
            aggregate = work(found)
            recordings: list[Recording[Any]] = []
            self._batches.current = (iid, aggregate)
            self._batches.people = {}  # people read once per batch: one unit of work
            try:
                yield recordings
            finally:
                self._batches.current = None
                self._batches.people = None
            try:
                recordings.extend(self.save(aggregate))
            except IntegrityError:
                raise Conflict("The initiative '%(key)s' changed concurrently; try again.",
                               key=iid) from None

    def _in_initiative(
        self, initiative: str, actor: str, command: Callable[[Initiative, datetime], None],
        *, writer: bool = True,
    ) -> list[Recording[Any]]:
        """Run a command on an initiative. With `writer`, the actor must hold a writing role
        in it at the time of the request (the system's own actors excepted)."""
        iid = v.slug(initiative, "initiative")

        def run(aggregate: Initiative, now: datetime) -> None:
            if writer and actor not in SYSTEM_ACTORS:
                aggregate.require_writer(actor, now)
            command(aggregate, now)

        current = getattr(self._batches, "current", None)
        if current is not None and current[0] == iid:
            aggregate: Initiative = current[1]
            pending = len(aggregate.pending_events)
            try:
                run(aggregate, self._now())
            except Exception:
                if len(aggregate.pending_events) != pending:  # a command never half-applies
                    raise RuntimeError("a refused command triggered events") from None
                raise
            return []
        return self._change(
            Initiative, Initiative.id_for(iid), "initiative", iid,
            lambda agg: run(agg, self._now()),
        )

    def _unit(self, unit: str, field: str = "unit") -> str:
        key = v.slug(unit, field)
        if self.find(Unit, Unit.id_for(key)) is None:
            raise NotFound("There is no unit '%(key)s'.", rule="known-references", key=key)
        return key

    # -- the directory -------------------------------------------------------------------------

    def register_unit(self, *, actor: str, unit: str, name: str) -> list[Recording[Any]]:
        key = v.slug(unit, "id")
        now = self._now()
        created = Unit._create(
            Unit.UnitRegistered, id=Unit.id_for(key), timestamp=now, unit=key,
            name=v.text(name, "name"), actor=actor, effective_at=now,
        )
        return self._create(created, "unit", key)

    def register_person(
        self, *, actor: str, person: str, name: str, unit: str, role: str
    ) -> list[Recording[Any]]:
        key = v.slug(person, "id")
        name = v.text(name, "name")
        role = v.directory_role(role)
        unit = self._unit(unit)
        now = self._now()
        created = Person._create(
            Person.PersonRegistered, id=Person.id_for(key), timestamp=now, person=key,
            name=name, unit=unit, role=role, actor=actor, effective_at=now,
        )
        return self._create(created, "person", key)

    def _in_person(self, person: str, command: Callable[[Person, datetime], None]) -> list[Recording[Any]]:
        key = v.slug(person, "person")
        return self._change(Person, Person.id_for(key), "person", key, lambda p: command(p, self._now()))

    def move_person(self, *, actor: str, person: str, unit: str, effective_at: object = None) -> list[Recording[Any]]:
        unit = self._unit(unit)

        def move(p: Person, now: datetime) -> None:
            p.trigger_event(Person.PersonMoved, timestamp=now, unit=unit, actor=actor,
                            effective_at=v.effective(effective_at, now))
        return self._in_person(person, move)

    def change_role(self, *, actor: str, person: str, role: str) -> list[Recording[Any]]:
        role = v.directory_role(role)

        def change(p: Person, now: datetime) -> None:
            p.trigger_event(Person.RoleChanged, timestamp=now, role=role, actor=actor, effective_at=now)
        return self._in_person(person, change)

    def deactivate_person(self, *, actor: str, person: str, reason: str, effective_at: object = None) -> list[Recording[Any]]:
        reason = v.text(reason, "reason")

        def deactivate(p: Person, now: datetime) -> None:
            if p.deactivated_at is not None:
                raise Conflict("'%(person)s' is already deactivated.", person=p.slug)
            p.trigger_event(Person.PersonDeactivated, timestamp=now, reason=reason, actor=actor,
                            effective_at=v.effective(effective_at, now))
        return self._in_person(person, deactivate)

    def issue_token(self, *, actor: str, person: str) -> tuple[str, list[Recording[Any]]]:
        """A new API token for a person; only its SHA-256 digest is recorded."""
        token_id = secrets.token_hex(4)
        token = f"tdm_{token_id}_{secrets.token_urlsafe(32)}"

        def issue(p: Person, now: datetime) -> None:
            if not p.active_at(now):
                raise RuleViolation("registered-people", "'%(person)s' is deactivated.",
                                    person=p.slug)
            p.trigger_event(Person.TokenIssued, timestamp=now, token_id=token_id,
                            token_hash=token_digest(token), actor=actor, effective_at=now)
        return token, self._in_person(person, issue)

    def revoke_token(self, *, actor: str, person: str, token_id: str,
                     reason: str) -> list[Recording[Any]]:
        """An API token stops working; its issuance stays in the log."""
        token_id = v.text(token_id, "token_id")
        reason = v.text(reason, "reason")

        def revoke(p: Person, now: datetime) -> None:
            if token_id not in p.tokens:
                raise NotFound("'%(person)s' holds no token '%(token)s' (or it was revoked).",
                               person=p.slug, token=token_id)
            p.trigger_event(Person.TokenRevoked, timestamp=now, token_id=token_id,
                            reason=reason, actor=actor, effective_at=now)
        return self._in_person(person, revoke)

    # -- initiatives ---------------------------------------------------------------------------

    def open_initiative(
        self, *, actor: str, initiative: str, title: str, sponsor: str, units: Sequence[str],
        escalation_path: Sequence[str], effective_at: object = None, visibility: str = "open",
    ) -> list[Recording[Any]]:
        key = v.slug(initiative, "id")
        title = v.text(title, "title")
        sponsor = v.slug(sponsor, "sponsor")
        unit_ids = [self._unit(u, "units") for u in v.slugs(units, "units")]
        path = v.slugs(escalation_path, "escalation_path")
        now = self._now()
        when = v.effective(effective_at, now)
        self.people.require([sponsor, *path], when, "escalation_path")
        if self.find(Initiative, Initiative.id_for(key)) is not None:
            raise Conflict("An initiative '%(key)s' already exists.", key=key)
        if visibility not in VISIBILITIES:
            raise InvalidInput("Visibility is 'open' or 'members'.", field="visibility")
        created = Initiative.open(
            initiative=key, title=title, sponsor=sponsor, units=unit_ids, escalation_path=path,
            actor=actor, effective_at=when, now=now, visibility=visibility,
        )
        return self._create(created, "initiative", key)

    def _when(self, agg: Initiative, effective_at: object, now: datetime) -> datetime:
        return v.effective(effective_at, now, agg.opened_at)

    def set_goal(self, *, actor: str, initiative: str, statement: str, agreed_by: Sequence[str],
                 reason: str = "", effective_at: object = None) -> list[Recording[Any]]:
        statement = v.text(statement, "statement")
        reason = v.text(reason, "reason", required=False)
        agreed = v.slugs(agreed_by, "agreed_by")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.set_goal(
            statement=statement, reason=reason, agreed_by=agreed, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now, people=self.people))

    def define_criterion(self, *, actor: str, initiative: str, criterion: str, description: str,
                         target: str, effective_at: object = None, comparison: object = None,
                         target_value: object = None, target_unit: object = "",
                         owners: object = (), data_source: object = "",
                         evaluation_dates: object = ()) -> list[Recording[Any]]:
        """A success criterion; with `comparison` and `target_value` it is measurable: its
        state (pending, met, missed) follows from the measurements at each evaluation date."""
        key = v.slug(criterion, "id")
        description = v.text(description, "description")
        target = v.text(target, "target")
        measurable = _measurable(comparison, target_value, target_unit, owners, data_source,
                                 evaluation_dates)
        return self._in_initiative(initiative, actor, lambda agg, now: agg.define_criterion(
            criterion=key, description=description, target=target, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now, measurable=measurable,
            people=self.people))

    def revise_criterion(self, *, actor: str, initiative: str, criterion: str, description: str,
                         target: str, reason: str, effective_at: object = None,
                         comparison: object = None, target_value: object = None,
                         target_unit: object = "", owners: object = (),
                         data_source: object = "",
                         evaluation_dates: object = ()) -> list[Recording[Any]]:
        key = v.slug(criterion, "criterion")
        description = v.text(description, "description")
        target = v.text(target, "target")
        reason = v.text(reason, "reason")
        measurable = _measurable(comparison, target_value, target_unit, owners, data_source,
                                 evaluation_dates)
        return self._in_initiative(initiative, actor, lambda agg, now: agg.revise_criterion(
            criterion=key, description=description, target=target, reason=reason, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now, measurable=measurable,
            people=self.people))

    def retire_criterion(self, *, actor: str, initiative: str, criterion: str, reason: str,
                         effective_at: object = None) -> list[Recording[Any]]:
        key = v.slug(criterion, "criterion")
        reason = v.text(reason, "reason")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.retire_criterion(
            criterion=key, reason=reason, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now))

    def record_measurement(self, *, actor: str, initiative: str, criterion: str, value: object,
                           note: str = "", effective_at: object = None) -> list[Recording[Any]]:
        key = v.slug(criterion, "criterion")
        number = v.number(value, "value")
        note = v.text(note, "note", required=False)
        return self._in_initiative(initiative, actor, lambda agg, now: agg.record_measurement(
            criterion=key, value=number, note=note, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now))

    def assign(self, *, actor: str, initiative: str, area: str, person: str, role: str,
               effective_at: object = None) -> list[Recording[Any]]:
        area = v.scope(area, "area")
        person = v.slug(person, "person")
        role = v.role(role)
        return self._in_initiative(initiative, actor, lambda agg, now: agg.assign(
            area=area, person=person, role=role, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now, people=self.people))

    def release(self, *, actor: str, initiative: str, area: str, person: str, role: str,
                reason: str, effective_at: object = None) -> list[Recording[Any]]:
        area = v.scope(area, "area")
        person = v.slug(person, "person")
        role = v.role(role)
        reason = v.text(reason, "reason")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.release(
            area=area, person=person, role=role, reason=reason, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now))

    def form_tandem(self, *, actor: str, initiative: str, people: Sequence[str],
                    effective_at: object = None) -> list[Recording[Any]]:
        partners = v.slugs(people, "people")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.form_tandem(
            people=partners, actor=actor, effective_at=self._when(agg, effective_at, now),
            now=now, directory=self.people))

    def dissolve_tandem(self, *, actor: str, initiative: str, reason: str,
                        effective_at: object = None) -> list[Recording[Any]]:
        reason = v.text(reason, "reason")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.dissolve_tandem(
            reason=reason, actor=actor, effective_at=self._when(agg, effective_at, now), now=now))

    def grant_mandate(self, *, actor: str, initiative: str, mandate: str, person: str, scope: str,
                      limits: str = "", effective_at: object = None, valid_until: object = None,
                      budget_amount: object = None, budget_currency: object = None,
                      may_delegate: bool = False) -> list[Recording[Any]]:
        key = v.slug(mandate, "id")
        person = v.slug(person, "person")
        scope = v.scope(scope)
        limits = v.text(limits, "limits", required=False)
        until = _optional_time(valid_until, "valid_until")
        budget = _money(budget_amount, budget_currency, "budget_amount", "budget_currency")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.grant_mandate(
            mandate=key, person=person, scope=scope, limits=limits, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now, people=self.people,
            valid_until=until, budget=budget, may_delegate=bool(may_delegate)))

    def revoke_mandate(self, *, actor: str, initiative: str, mandate: str, reason: str,
                       effective_at: object = None) -> list[Recording[Any]]:
        key = v.slug(mandate, "mandate")
        reason = v.text(reason, "reason")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.revoke_mandate(
            mandate=key, reason=reason, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now))

    def propose(self, *, actor: str, initiative: str, proposal: str, question: str, scope: str,
                options: object, proposed_by: Sequence[str] | str,
                effective_at: object = None) -> list[Recording[Any]]:
        key = v.slug(proposal, "id")
        question = v.text(question, "question")
        scope = v.scope(scope)
        offered = v.options(options)
        by = v.slugs([proposed_by] if isinstance(proposed_by, str) else proposed_by, "proposed_by")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.propose(
            proposal=key, question=question, scope=scope, options=offered, proposed_by=by,
            actor=actor, effective_at=self._when(agg, effective_at, now), now=now,
            people=self.people))

    def take_decision(
        self, *, actor: str, initiative: str, decision: str, scope: str, title: str, option: str,
        rationale: str, decided_by: Sequence[str] | str, proposal: str | None = None,
        escalation: str | None = None, options: object = None, mandate: str | None = None,
        supersedes: str | None = None, effective_at: object = None, amount: object = None,
        currency: object = None,
    ) -> list[Recording[Any]]:
        key = v.slug(decision, "id")
        money = _money(amount, currency, "amount", "currency")
        scope = v.scope(scope)
        title = v.text(title, "title")
        option = v.slug(option, "option")
        rationale = v.text(rationale, "rationale")
        deciders = v.slugs([decided_by] if isinstance(decided_by, str) else decided_by, "decided_by")
        considered = v.options(options)
        refs = {
            name: (v.slug(value, name) if value not in (None, "") else None)
            for name, value in (("proposal", proposal), ("escalation", escalation),
                                ("mandate", mandate), ("supersedes", supersedes))
        }
        return self._in_initiative(initiative, actor, lambda agg, now: agg.take_decision(
            decision=key, scope=scope, title=title, option=option, rationale=rationale,
            decided_by=deciders, options=considered, proposal=refs["proposal"],
            escalation=refs["escalation"], mandate=refs["mandate"],
            supersedes=refs["supersedes"], actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now, people=self.people,
            amount=money))

    def revoke_decision(self, *, actor: str, initiative: str, decision: str, reason: str,
                        effective_at: object = None) -> list[Recording[Any]]:
        key = v.slug(decision, "decision")
        reason = v.text(reason, "reason")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.revoke_decision(
            decision=key, reason=reason, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now))

    def raise_escalation(self, *, actor: str, initiative: str, escalation: str, topic: str,
                         options: object, raised_by: str, due_at: object,
                         effective_at: object = None) -> list[Recording[Any]]:
        key = v.slug(escalation, "id")
        topic = v.text(topic, "topic")
        offered = v.options(options)
        raised_by = v.slug(raised_by, "raised_by")
        due = v.parse_time(due_at, "due_at")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.raise_escalation(
            escalation=key, topic=topic, options=offered, raised_by=raised_by, due_at=due,
            actor=actor, effective_at=self._when(agg, effective_at, now), now=now,
            people=self.people))

    def forward_escalation(self, *, actor: str, initiative: str, escalation: str, reason: str,
                           effective_at: object = None) -> list[Recording[Any]]:
        key = v.slug(escalation, "escalation")
        reason = v.text(reason, "reason")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.forward_escalation(
            escalation=key, reason=reason, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now))

    def forward_overdue(self, *, initiative: str) -> list[Recording[Any]]:
        """Forward every open escalation past its due date one level up, as `tandem-sweep`."""
        def sweep(agg: Initiative, now: datetime) -> None:
            if agg.closed:
                return
            for key in agg.overdue_escalations(now):
                agg.forward_escalation(escalation=key, reason="overdue", actor="tandem-sweep",
                                       effective_at=now, now=now)
        recordings = self._in_initiative(initiative, "tandem-sweep", sweep)
        return recordings

    def start_handoff(self, *, actor: str, initiative: str, handoff: str, item: str,
                      from_person: str, to_person: str, effective_at: object = None,
                      acceptance_criteria: object = ()) -> list[Recording[Any]]:
        key = v.slug(handoff, "id")
        item = v.text(item, "item")
        giver = v.slug(from_person, "from")
        taker = v.slug(to_person, "to")
        criteria = v.texts(acceptance_criteria, "acceptance_criteria")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.start_handoff(
            handoff=key, item=item, from_person=giver, to_person=taker, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now, people=self.people,
            acceptance_criteria=criteria))

    def accept_handoff(self, *, actor: str, initiative: str, handoff: str,
                       effective_at: object = None) -> list[Recording[Any]]:
        key = v.slug(handoff, "handoff")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.accept_handoff(
            handoff=key, actor=actor, effective_at=self._when(agg, effective_at, now), now=now))

    def report_status(self, *, actor: str, initiative: str, summary: str, running: object = (),
                      blocked: object = (), options: object = (),
                      reported_by: Sequence[str] | str = (),
                      effective_at: object = None) -> list[Recording[Any]]:
        summary = v.text(summary, "summary")
        lists = {name: v.texts(value, name) for name, value in
                 (("running", running), ("blocked", blocked), ("options", options))}
        by = v.slugs([reported_by] if isinstance(reported_by, str) else reported_by, "reported_by")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.report_status(
            summary=summary, running=lists["running"], blocked=lists["blocked"],
            options=lists["options"], reported_by=by, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now, people=self.people))

    def adopt_rules(self, *, actor: str, initiative: str,
                    rule_files: Sequence[Mapping[str, str]]) -> list[Recording[Any]]:
        files = [{"name": v.text(f["name"], "name"), "sha256": v.text(f["sha256"], "sha256")}
                 for f in rule_files]
        return self._in_initiative(initiative, actor, lambda agg, now: agg.adopt_rules(
            rule_files=files, actor=actor, effective_at=now, now=now))

    def close_initiative(self, *, actor: str, initiative: str, outcome: str,
              effective_at: object = None) -> list[Recording[Any]]:
        outcome = v.text(outcome, "outcome")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.close(
            outcome=outcome, actor=actor, effective_at=self._when(agg, effective_at, now), now=now))

    # -- membership, visibility and answers to claims ------------------------------------------

    def admit_member(self, *, actor: str, initiative: str, person: str, role: str,
                     reason: str = "", effective_at: object = None) -> list[Recording[Any]]:
        """A lead admits a person to the initiative as lead, member or observer (again, to
        change their role)."""
        person = v.slug(person, "person")
        role = v.text(role, "role")
        reason = v.text(reason, "reason", required=False)
        return self._in_initiative(initiative, actor, lambda agg, now: agg.admit_member(
            person=person, role=role, reason=reason, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now, people=self.people))

    def dismiss_member(self, *, actor: str, initiative: str, person: str, reason: str,
                       effective_at: object = None) -> list[Recording[Any]]:
        person = v.slug(person, "person")
        reason = v.text(reason, "reason")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.dismiss_member(
            person=person, reason=reason, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now))

    def change_visibility(self, *, actor: str, initiative: str,
                          visibility: str) -> list[Recording[Any]]:
        visibility = v.text(visibility, "visibility")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.change_visibility(
            visibility=visibility, actor=actor, effective_at=now, now=now))

    def confirm_entry(self, *, actor: str, initiative: str, entry: int,
                      position: int) -> list[Recording[Any]]:
        """A person named by an entry (its `entry` version in the initiative, at `position` in
        the log) confirms it under their own login."""
        return self._in_initiative(initiative, actor, lambda agg, now: agg.answer(
            entry=entry, position=position, reason=None, actor=actor, now=now), writer=False)

    def dispute_entry(self, *, actor: str, initiative: str, entry: int, position: int,
                      reason: str) -> list[Recording[Any]]:
        """A person named by an entry disputes it, saying why."""
        try:
            reason = v.text(reason, "reason")
        except InvalidInput:
            raise InvalidInput("A dispute says why: give a reason.", field="reason") from None
        return self._in_initiative(initiative, actor, lambda agg, now: agg.answer(
            entry=entry, position=position, reason=reason, actor=actor, now=now), writer=False)

    # -- imports from existing decision records ------------------------------------------------

    def import_decision(
        self, *, actor: str, initiative: str, decision: str, scope: str, title: str,
        option: str, rationale: str, decided_by: Sequence[str], options: object,
        source: str, proposal: str | None = None, supersedes: str | None = None,
        effective_at: object = None,
    ) -> list[Recording[Any]]:
        """A decision taken as an existing record says (`source` names the record): its
        deciders' claim until they confirm it, on the record's basis when no mandate covers it."""
        key = v.slug(decision, "id")
        scope = v.scope(scope)
        title = v.text(title, "title")
        option = v.slug(option, "option")
        rationale = v.text(rationale, "rationale")
        deciders = v.slugs(decided_by, "decided_by")
        considered = v.options(options)
        source = v.text(source, "source")
        refs = {name: (v.slug(value, name) if value not in (None, "") else None)
                for name, value in (("proposal", proposal), ("supersedes", supersedes))}
        return self._in_initiative(initiative, actor, lambda agg, now: agg.take_decision(
            decision=key, scope=scope, title=title, option=option, rationale=rationale,
            decided_by=deciders, options=considered, proposal=refs["proposal"], escalation=None,
            mandate=None, supersedes=refs["supersedes"], actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now, people=self.people,
            imported=source))

    def mark_imported(
        self, *, actor: str, initiative: str, source: str, sha256: str, format: str,
        entries: Sequence[str], effective_at: object = None,
    ) -> list[Recording[Any]]:
        """Which record the entries `entries` came from, and the SHA-256 of its bytes."""
        source = v.text(source, "source")
        if not isinstance(sha256, str) or len(sha256) != 64 or \
                any(c not in "0123456789abcdef" for c in sha256):
            raise InvalidInput("A SHA-256 is 64 lowercase hexadecimal digits.", field="sha256")
        format = v.text(format, "format")
        keys = v.slugs(entries, "entries")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.mark_imported(
            source=source, sha256=sha256, format=format, entries=keys, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now))
    # -- the rhythm of working together (appended) ---------------------------------------------

    def delegate_mandate(self, *, actor: str, initiative: str, mandate: str, delegated_from: str,
                         person: str, scope: str, limits: str = "", valid_until: object = None,
                         budget_amount: object = None, budget_currency: object = None,
                         effective_at: object = None) -> list[Recording[Any]]:
        """The holder of a mandate (the actor) passes a narrower one on to `person`."""
        key = v.slug(mandate, "id")
        parent = v.slug(delegated_from, "delegated_from")
        person = v.slug(person, "person")
        scope = v.scope(scope)
        limits = v.text(limits, "limits", required=False)
        until = _optional_time(valid_until, "valid_until")
        budget = _money(budget_amount, budget_currency, "budget_amount", "budget_currency")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.delegate_mandate(
            mandate=key, delegated_from=parent, person=person, scope=scope, limits=limits,
            valid_until=until, budget=budget, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now, people=self.people))

    def refuse_handoff(self, *, actor: str, initiative: str, handoff: str, reason: str,
                       effective_at: object = None) -> list[Recording[Any]]:
        """The receiver (the actor) does not take a waiting handoff over, saying why."""
        return self._answer_handoff(actor, initiative, handoff, "refused", reason, effective_at)

    def return_handoff(self, *, actor: str, initiative: str, handoff: str, reason: str,
                       effective_at: object = None) -> list[Recording[Any]]:
        """The receiver (the actor) gives accepted work back, saying why."""
        return self._answer_handoff(actor, initiative, handoff, "returned", reason, effective_at)

    def _answer_handoff(self, actor: str, initiative: str, handoff: str, answer: str,
                        reason: str, effective_at: object) -> list[Recording[Any]]:
        key = v.slug(handoff, "handoff")
        try:
            why = v.text(reason, "reason")
        except InvalidInput:
            raise InvalidInput("Say why: give a reason.", field="reason") from None
        return self._in_initiative(initiative, actor, lambda agg, now: agg.answer_handoff(
            handoff=key, answer=answer, reason=why, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now))

    def schedule_meeting(self, *, actor: str, initiative: str, meeting: str, kind: str,
                         title: str, starts_at: object, moderator: str, invited: object = (),
                         agenda: object = (), effective_at: object = None) -> list[Recording[Any]]:
        """A meeting of `kind` (joint-status, steering, demo, review or an organisation's own):
        an invitation until it starts."""
        key = v.slug(meeting, "id")
        kind = v.slug(kind, "kind")
        title = v.text(title, "title")
        starts = v.parse_time(starts_at, "starts_at")
        moderator = v.slug(moderator, "moderator")
        guests = v.slugs(_listed(invited, "invited"), "invited", minimum=0)
        items = v.texts(agenda, "agenda")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.schedule_meeting(
            meeting=key, kind=kind, title=title, starts_at=starts, moderator=moderator,
            invited=guests, agenda=items, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now, people=self.people))

    def hold_meeting(self, *, actor: str, initiative: str, meeting: str, attended: object,
                     notes: str = "", effective_at: object = None) -> list[Recording[Any]]:
        """Who attended a meeting that has started; each attendee confirms it."""
        key = v.slug(meeting, "meeting")
        present = v.slugs(_listed(attended, "attended"), "attended")
        notes = v.text(notes, "notes", required=False)
        return self._in_initiative(initiative, actor, lambda agg, now: agg.hold_meeting(
            meeting=key, attended=present, notes=notes, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now, people=self.people))

    def record_meeting_outcome(self, *, actor: str, initiative: str, meeting: str, summary: str,
                               links: object = (), feedback: object = (),
                               effective_at: object = None) -> list[Recording[Any]]:
        """What a meeting produced: links to entries, and for a demo feedback per unit."""
        key = v.slug(meeting, "meeting")
        summary = v.text(summary, "summary")
        linked = [_link(item) for item in v.bounded(_listed(links, "links"), "links")]
        given = [_feedback(item) for item in v.bounded(_listed(feedback, "feedback"), "feedback")]
        return self._in_initiative(initiative, actor, lambda agg, now: agg.record_meeting_outcome(
            meeting=key, summary=summary, links=linked, feedback=given, actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now))

    def set_meeting_cadence(self, *, actor: str, initiative: str, kind: str, every_days: object,
                            effective_at: object = None) -> list[Recording[Any]]:
        """A kind of meeting is held at least every `every_days` days (0 ends the cadence)."""
        kind = v.slug(kind, "kind")
        days = v.number(every_days, "every_days")
        if days != int(days) or not 0 <= days <= 366:
            raise InvalidInput("A whole number of days from 0 to 366.", field="every_days")
        return self._in_initiative(initiative, actor, lambda agg, now: agg.set_meeting_cadence(
            kind=kind, every_days=int(days), actor=actor,
            effective_at=self._when(agg, effective_at, now), now=now))


LINK_KINDS = ("status", "proposal", "decision", "escalation", "handoff")


def _link(item: object) -> dict[str, str]:
    """A link from a meeting to what it produced: {kind, id}; a status report by position."""
    if not isinstance(item, Mapping) or item.get("kind") not in LINK_KINDS:
        raise InvalidInput("Each link has a kind (%(kinds)s) and an id.", field="links",
                           kinds=", ".join(LINK_KINDS))
    kind = str(item["kind"])
    ident = item.get("id")
    if kind == "status":
        if not str(ident).isdigit():
            raise InvalidInput("A status report is linked by its log position.", field="links")
        return {"kind": kind, "id": str(ident)}
    return {"kind": kind, "id": v.slug(ident, "links")}


def _feedback(item: object) -> dict[str, str]:
    if not isinstance(item, Mapping):
        raise InvalidInput("Each feedback has a unit and a text.", field="feedback")
    return {"unit": v.slug(item.get("unit"), "feedback"),
            "feedback": v.text(item.get("feedback"), "feedback")}


def _optional_time(value: object, field: str) -> datetime | None:
    return None if value is None or value == "" else v.parse_time(value, field)


def _money(amount: object, currency: object, amount_field: str,
           currency_field: str) -> tuple[float, str] | None:
    """An amount and its currency, both or neither."""
    if amount is None or amount == "":
        if currency not in (None, ""):
            raise InvalidInput("A currency goes with an amount.", field=amount_field)
        return None
    return (v.amount(amount, amount_field), v.currency(currency, currency_field))


def _measurable(comparison: object, target_value: object, target_unit: object, owners: object,
                data_source: object, evaluation_dates: object) -> dict[str, Any] | None:
    """The structured target of a criterion, or None when none is given."""
    if comparison in (None, "") and target_value in (None, ""):
        if owners or data_source or evaluation_dates or target_unit:
            raise InvalidInput("Owners, data source, unit and evaluation dates belong to a "
                               "measurable target: give its comparison and value.",
                               field="comparison")
        return None
    if comparison not in COMPARISONS:
        raise InvalidInput("The comparison is one of %(choices)s.", field="comparison",
                           choices=", ".join(COMPARISONS))
    if target_value in (None, ""):
        raise InvalidInput("A measurable target has a value.", field="target_value")
    dates = sorted({v.parse_time(d, "evaluation_dates")
                    for d in v.bounded(_listed(evaluation_dates, "evaluation_dates"), "evaluation_dates")})
    return {
        "comparison": str(comparison),
        "target_value": v.number(target_value, "target_value"),
        "target_unit": v.text(target_unit, "target_unit", required=False),
        "owners": v.slugs(_listed(owners, "owners"), "owners", minimum=0),
        "data_source": v.text(data_source, "data_source", required=False),
        "evaluation_dates": [d.isoformat() for d in dates],
    }


def _listed(value: object, field: str) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, (list, tuple)):
        raise InvalidInput("Expected a list.", field=field)
    return list(value)
