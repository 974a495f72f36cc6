"""Notices: the outbox (what is due to whom, derived from the read models and the clock) and
the read model of deliveries (who was told what, when, by which channel) and of recipients
(email address and language of each person).

The outbox is a pure function of the read models and `now`. Each notice has a stable id: its
kind, the entry it is about, the addressee, and the period it is due in, so the same situation
yields the same id on every pass and is delivered once. To add a kind, write one function
`(conn, now, horizon) -> Iterable[Notice]` and list it in `KINDS` (docs/notices.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from eventsourcing.persistence import StoredEvent

from domain import events as ev
from domain.notices import Delivery, Recipient
from projections.db import Connection, Database, Row
from projections.envelope import Envelope, db_time, iso
from projections.projection import Projection, handles
from projections.state import STALE_STATUS_DAYS, fold

CONFIRMATION_REQUESTED = "confirmation-requested"
ESCALATION_DUE_SOON = "escalation-due-soon"
ESCALATION_OVERDUE = "escalation-overdue"
ESCALATION_FORWARDED = "escalation-forwarded"
STATUS_MISSED = "status-missed"
HANDOFF_WAITING = "handoff-waiting"
DECISION_INFORMED = "decision-informed"
MEETING_CADENCE_MISSED = "meeting-cadence-missed"
CRITERION_EVALUATION_DUE = "criterion-evaluation-due"
MANDATE_EXPIRING = "mandate-expiring"
HANDOFF_REFUSED = "handoff-refused"
HANDOFF_RETURNED = "handoff-returned"


@dataclass(frozen=True)
class Notice:
    """One thing one person is to be told."""

    kind: str
    initiative: str | None
    about: int | None  # the log position of the entry it is about
    addressee: str
    period: str  # what makes a new notice of the same kind about the same entry due
    link: str  # the local path of the page to open
    params: dict[str, Any] = field(default_factory=dict)
    at: str = ""  # when it became due (ISO 8601; for feeds), not part of its id

    @property
    def id(self) -> str:
        subject = self.about if self.about is not None else self.initiative
        return f"{self.kind}:{subject}:{self.addressee}:{self.period}"

    @property
    def subject(self) -> str:
        """What it is about, in a few words (recorded with its delivery)."""
        about = f" entry #{self.about}" if self.about is not None else ""
        return f"{self.kind} in {self.initiative}{about}"

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "initiative": self.initiative,
                "about": self.about, "addressee": self.addressee, "period": self.period,
                "link": self.link, "params": self.params}


@dataclass(frozen=True)
class Horizon:
    """How far ahead and back the outbox looks."""

    # an escalation due, a criterion evaluated or a mandate ending within this is announced
    due_soon: timedelta = timedelta(days=2)
    # decisions recorded within this reach the Informed; handoffs answered, their giver
    lookback: timedelta = timedelta(days=7)
    stale_status: timedelta = timedelta(days=STALE_STATUS_DAYS)


Kind = Callable[[Connection, datetime, Horizon], Iterable[Notice]]

SELECT_PENDING_CLAIMS = (
    "SELECT a.position, a.initiative, a.person, a.recorder, t.type, t.recorded_at "
    "FROM tandem_attestations a "
    "JOIN tandem_timeline t ON t.position = a.position "
    "JOIN tandem_initiatives i ON i.initiative = a.initiative "
    "WHERE a.answer IS NULL AND i.status = 'open' ORDER BY a.position"
)
SELECT_OPEN_ESCALATIONS = (
    "SELECT e.initiative, e.escalation, e.position, e.topic, e.raised_by, e.addressed_to, "
    "e.level, e.due_at, e.history FROM tandem_escalations e "
    "JOIN tandem_initiatives i ON i.initiative = e.initiative "
    "WHERE e.status = 'open' AND i.status = 'open' ORDER BY e.position"
)
SELECT_HANDOFFS = (
    "SELECT t.position, t.initiative, t.type, t.data, t.recorded_at FROM tandem_timeline t "
    "JOIN tandem_initiatives i ON i.initiative = t.initiative "
    "WHERE i.status = 'open' AND t.type IN (?, ?) ORDER BY t.position"
)
SELECT_RECENT_DECISIONS = (
    "SELECT d.initiative, d.decision, d.position, d.scope, d.title, d.actor, d.recorded_at "
    "FROM tandem_decisions d JOIN tandem_initiatives i ON i.initiative = d.initiative "
    "WHERE i.status = 'open' AND d.recorded_at >= ? ORDER BY d.position"
)
SELECT_RESPONSIBILITIES = (
    "SELECT position, initiative, change, area, person, role, effective_at "
    "FROM tandem_responsibilities WHERE initiative = ? AND effective_at <= ? "
    "ORDER BY effective_at, position"
)
SELECT_OPEN_INITIATIVES = (
    "SELECT initiative, sponsor FROM tandem_initiatives WHERE status = 'open' "
    "ORDER BY initiative"
)
SELECT_LAST_STATUS = (
    "SELECT initiative, MAX(effective_at) AS last FROM tandem_timeline WHERE type = ? "
    "GROUP BY initiative"
)
SELECT_OPENED = "SELECT initiative, effective_at FROM tandem_timeline WHERE type = ?"


def _q(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def confirmations(conn: Connection, now: datetime, horizon: Horizon) -> Iterable[Notice]:
    """Each person an entry names, while their confirmation is pending."""
    for row in conn.all(SELECT_PENDING_CLAIMS):
        yield Notice(CONFIRMATION_REQUESTED, row["initiative"], int(row["position"]),
                     row["person"], "once", "/confirm",
                     {"recorder": row["recorder"], "entry": row["type"]}, row["recorded_at"])


def escalations(conn: Connection, now: datetime, horizon: Horizon) -> Iterable[Notice]:
    """Due soon and overdue (to whom it is addressed at its level, and who raised it when
    overdue); each forward (to the new addressee and to who raised it)."""
    for row in conn.all(SELECT_OPEN_ESCALATIONS):
        iid, key, level = row["initiative"], row["escalation"], int(row["level"])
        due = datetime.fromisoformat(row["due_at"])
        link = f"/escalations#{_q(iid)}-{_q(key)}"
        params = {"escalation": key, "topic": row["topic"], "due_at": iso(due),
                  "level": level, "addressed_to": row["addressed_to"]}
        about = int(row["position"])
        period = f"level-{level}"
        if now < due <= now + horizon.due_soon:
            yield Notice(ESCALATION_DUE_SOON, iid, about, row["addressed_to"], period, link,
                         params, iso(due - horizon.due_soon))
        elif due <= now:
            for person in dict.fromkeys((row["addressed_to"], row["raised_by"])):
                yield Notice(ESCALATION_OVERDUE, iid, about, person, period, link, params,
                             iso(due))
        for step in json.loads(row["history"])[1:]:
            moved = {**params, "level": step["level"], "addressed_to": step["addressed_to"],
                     "reason": step["reason"] or "", "due_at": step["due_at"]}
            for person in dict.fromkeys((step["addressed_to"], row["raised_by"])):
                yield Notice(ESCALATION_FORWARDED, iid, about, person,
                             f"level-{step['level']}", link, moved, step["since"])


def handoffs(conn: Connection, now: datetime, horizon: Horizon) -> Iterable[Notice]:
    """A handoff started and not yet accepted, to who takes it over."""
    started: dict[tuple[str, str], Row] = {}
    for row in conn.all(SELECT_HANDOFFS, (ev.HandoffStarted.__name__,
                                          ev.HandoffAccepted.__name__)):
        data = json.loads(row["data"])
        key = (row["initiative"], data["handoff"])
        if row["type"] == ev.HandoffStarted.__name__:
            started[key] = {**row, "data": data}
        else:
            started.pop(key, None)
    for key in _answered(conn):  # refused or returned: it no longer waits
        started.pop(key, None)
    for (iid, handoff), row in started.items():
        d = row["data"]
        yield Notice(HANDOFF_WAITING, iid, int(row["position"]), d["to_person"], "once",
                     f"/initiatives/{_q(iid)}",
                     {"handoff": handoff, "item": d["item"], "from_person": d["from_person"]},
                     row["recorded_at"])


def concerns(scope: str, area: str) -> bool:
    """Whether a decision's scope concerns an area of the matrix: the scope names it as one of
    its parts (`technology/ordering` concerns `ordering`), or the scope is everything."""
    return scope == "*" or area in scope.split("/")


def informed(conn: Connection, now: datetime, horizon: Horizon) -> Iterable[Notice]:
    """A decision recorded within the lookback, to the Informed of the areas it concerns."""
    matrices: dict[str, dict[str, list[str]]] = {}
    for row in conn.all(SELECT_RECENT_DECISIONS, (db_time(now - horizon.lookback),)):
        iid = row["initiative"]
        if iid not in matrices:
            matrices[iid] = _informed(conn.all(SELECT_RESPONSIBILITIES, (iid, db_time(now))))
        told = {p for area, people in matrices[iid].items() if concerns(row["scope"], area)
                for p in people}
        for person in sorted(told - {row["actor"]}):
            yield Notice(DECISION_INFORMED, iid, int(row["position"]), person, "once",
                         f"/initiatives/{_q(iid)}/decisions/{_q(row['decision'])}",
                         {"decision": row["decision"], "title": row["title"],
                          "scope": row["scope"]}, row["recorded_at"])


def _informed(rows: list[Row]) -> dict[str, list[str]]:
    held: dict[tuple[str, str], bool] = {}
    for row in rows:
        if row["role"] != "I":
            continue
        if row["change"] == "assign":
            held[(row["area"], row["person"])] = True
        elif row["change"] == "release":
            held.pop((row["area"], row["person"]), None)
    areas: dict[str, list[str]] = {}
    for area, person in sorted(held):
        areas.setdefault(area, []).append(person)
    return areas


def status_missed(conn: Connection, now: datetime, horizon: Horizon) -> Iterable[Notice]:
    """No joint status for longer than the cadence allows: to the tandem (or, without one, to
    the sponsor), once per missed stretch (the period is the last report's time)."""
    last = {r["initiative"]: r["last"] for r in conn.all(SELECT_LAST_STATUS,
                                                         (ev.StatusReported.__name__,))}
    opened = {r["initiative"]: r["effective_at"]
              for r in conn.all(SELECT_OPENED, (ev.InitiativeOpened.__name__,))}
    for row in conn.all(SELECT_OPEN_INITIATIVES):
        iid = row["initiative"]
        since = last.get(iid) or opened.get(iid)
        if since is None or now - datetime.fromisoformat(since) <= horizon.stale_status:
            continue
        tandem = _tandem(conn.all(SELECT_RESPONSIBILITIES, (iid, db_time(now))))
        for person in tandem or [row["sponsor"]]:
            yield Notice(STATUS_MISSED, iid, None, person,
                         f"since-{since[:19]}", f"/initiatives/{_q(iid)}",
                         {"last_status_at": last.get(iid) or "",
                          "days": horizon.stale_status.days},
                         iso(datetime.fromisoformat(since) + horizon.stale_status))


def _tandem(rows: list[Row]) -> list[str]:
    tandem: list[str] = []
    for row in rows:
        if row["change"] == "form":
            tandem = str(row["person"]).split(",")
        elif row["change"] == "dissolve":
            tandem = []
    return tandem


# -- the rhythm: meeting cadences, criteria evaluations, mandates ending, handoffs answered --

RHYTHM_TYPES = tuple(t.__name__ for t in (
    ev.MeetingScheduled, ev.MeetingHeld, ev.MeetingCadenceSet, ev.CriterionDefined,
    ev.CriterionRevised, ev.CriterionRetired, ev.MeasurementRecorded, ev.MandateGranted,
    ev.MandateDelegated, ev.MandateRevoked))
SELECT_RHYTHM = (
    "SELECT t.position, t.initiative, t.type, t.actor, t.effective_at, t.recorded_at, "
    "t.summary, t.data, t.version FROM tandem_timeline t "
    "JOIN tandem_initiatives i ON i.initiative = t.initiative "
    "WHERE i.status = 'open' AND t.type IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "AND t.effective_at <= ? ORDER BY t.initiative, t.effective_at, t.position"
)
SELECT_SPONSOR = "SELECT sponsor FROM tandem_initiatives WHERE initiative = ?"
SELECT_HANDOFF_ANSWERS = (
    "SELECT t.position, t.initiative, t.type, t.data, t.recorded_at FROM tandem_timeline t "
    "JOIN tandem_initiatives i ON i.initiative = t.initiative "
    "WHERE i.status = 'open' AND t.type IN (?, ?, ?) ORDER BY t.position"
)
ANSWER_KINDS = {ev.HandoffRefused.__name__: HANDOFF_REFUSED,
                ev.HandoffReturned.__name__: HANDOFF_RETURNED}


def _rhythm(conn: Connection, now: datetime) -> Iterable[tuple[str, dict[str, Any],
                                                               dict[str, int]]]:
    """Each open initiative's meetings, cadences, criteria and mandates as they stand `now`
    (the state's fold over those events only), with the log position that defined each
    criterion and mandate."""
    rows = conn.all(SELECT_RHYTHM, (*RHYTHM_TYPES, db_time(now)))
    grouped: dict[str, list[Envelope]] = {}
    for row in rows:
        grouped.setdefault(row["initiative"], []).append(Envelope.from_row(row))
    for iid, envelopes in grouped.items():
        defined = {str(e.data.get("criterion") or e.data.get("mandate")): e.position
                   for e in envelopes if e.kind in (ev.CriterionDefined, ev.MandateGranted,
                                                    ev.MandateDelegated)}
        yield iid, fold(envelopes, now), defined


def _tandem_or_sponsor(conn: Connection, iid: str, now: datetime) -> list[str]:
    tandem = _tandem(conn.all(SELECT_RESPONSIBILITIES, (iid, db_time(now))))
    if tandem:
        return tandem
    return [_sponsor(conn, iid)]


def _sponsor(conn: Connection, iid: str) -> str:
    row = conn.one(SELECT_SPONSOR, (iid,))
    return str(row["sponsor"]) if row else ""


def meeting_cadence(conn: Connection, now: datetime, horizon: Horizon) -> Iterable[Notice]:
    """A kind of meeting not held within its cadence: to the tandem (or, without one, the
    sponsor), once per missed stretch (the period is the last such meeting, or the cadence's
    start when none was held since)."""
    for iid, state, _ in _rhythm(conn, now):
        for kind, cadence in sorted(state["cadences"].items()):
            if not cadence["missed"]:
                continue
            last = cadence["last"] or cadence["since"]
            due = datetime.fromisoformat(last) + timedelta(days=cadence["every_days"])
            for person in _tandem_or_sponsor(conn, iid, now):
                yield Notice(MEETING_CADENCE_MISSED, iid, None, person,
                             f"{kind}-since-{last[:19]}", f"/initiatives/{_q(iid)}",
                             {"meeting_kind": kind, "days": cadence["every_days"],
                              "last_held_at": cadence["last"] or ""}, iso(due))


def criterion_evaluations(conn: Connection, now: datetime,
                          horizon: Horizon) -> Iterable[Notice]:
    """An evaluation date of an active criterion within the due-soon window, still pending: to
    the criterion's owners (without owners: the tandem, else the sponsor), once per date."""
    for iid, state, defined in _rhythm(conn, now):
        for key, criterion in sorted(state["criteria"].items()):
            if criterion["status"] != "active" or not criterion.get("comparison"):
                continue
            for evaluation in criterion.get("evaluations") or []:
                date = datetime.fromisoformat(evaluation["date"])
                if evaluation["state"] != "pending" or not now < date <= now + horizon.due_soon:
                    continue
                people = criterion["owners"] or _tandem_or_sponsor(conn, iid, now)
                for person in dict.fromkeys(people):
                    yield Notice(CRITERION_EVALUATION_DUE, iid, defined.get(key), person,
                                 f"evaluation-{evaluation['date'][:19]}",
                                 f"/initiatives/{_q(iid)}",
                                 {"criterion": key, "description": criterion["description"],
                                  "target": criterion["target"],
                                  "evaluation_at": evaluation["date"]},
                                 iso(date - horizon.due_soon))


def mandates_expiring(conn: Connection, now: datetime, horizon: Horizon) -> Iterable[Notice]:
    """An active mandate whose validity ends within the due-soon window: to its holder and to
    who granted it (or, when unknown, the sponsor), once per mandate and validity."""
    for iid, state, defined in _rhythm(conn, now):
        for key, mandate in sorted(state["mandates"].items()):
            until = mandate.get("valid_until")
            if mandate["status"] != "active" or not until:
                continue
            end = datetime.fromisoformat(until)
            if not now < end <= now + horizon.due_soon:
                continue
            grantor = mandate.get("granted_by") or _sponsor(conn, iid)
            for person in dict.fromkeys((mandate["person"], grantor)):
                yield Notice(MANDATE_EXPIRING, iid, defined.get(key), person,
                             f"until-{until[:19]}", f"/initiatives/{_q(iid)}",
                             {"mandate": key, "holder": mandate["person"],
                              "scope": mandate["scope"], "granted_by": grantor,
                              "valid_until": until}, iso(end - horizon.due_soon))


def _answered(conn: Connection) -> list[tuple[str, str]]:
    return [(r["initiative"], json.loads(r["data"])["handoff"])
            for r in conn.all(SELECT_HANDOFF_ANSWERS, (ev.HandoffRefused.__name__,
                                                       ev.HandoffReturned.__name__,
                                                       ev.HandoffRefused.__name__))]


def handoff_answers(conn: Connection, now: datetime, horizon: Horizon) -> Iterable[Notice]:
    """A handoff refused or returned within the lookback: to who gave it, once per answer."""
    started: dict[tuple[str, str], dict[str, Any]] = {}
    since = db_time(now - horizon.lookback)
    for row in conn.all(SELECT_HANDOFF_ANSWERS, (ev.HandoffStarted.__name__,
                                                 ev.HandoffRefused.__name__,
                                                 ev.HandoffReturned.__name__)):
        data = json.loads(row["data"])
        key = (row["initiative"], data["handoff"])
        if row["type"] == ev.HandoffStarted.__name__:
            started[key] = data
            continue
        given = started.get(key)
        if given is None or row["recorded_at"] < since:
            continue
        yield Notice(ANSWER_KINDS[row["type"]], row["initiative"], int(row["position"]),
                     given["from_person"], "once", f"/initiatives/{_q(row['initiative'])}",
                     {"handoff": data["handoff"], "item": given["item"],
                      "to_person": given["to_person"], "reason": data["reason"]},
                     row["recorded_at"])


KINDS: tuple[Kind, ...] = (confirmations, escalations, handoffs, informed, status_missed,
                           meeting_cadence, criterion_evaluations, mandates_expiring,
                           handoff_answers)
KIND_NAMES = (CONFIRMATION_REQUESTED, ESCALATION_DUE_SOON, ESCALATION_OVERDUE,
              ESCALATION_FORWARDED, STATUS_MISSED, HANDOFF_WAITING, DECISION_INFORMED,
              MEETING_CADENCE_MISSED, CRITERION_EVALUATION_DUE, MANDATE_EXPIRING,
              HANDOFF_REFUSED, HANDOFF_RETURNED)


def outbox(db: Database, now: datetime, horizon: Horizon = Horizon(),
           kinds: tuple[Kind, ...] = KINDS) -> list[Notice]:
    """Every notice due now, each once."""
    found: dict[str, Notice] = {}
    with db.connect() as conn:
        for kind in kinds:
            for notice in kind(conn, now, horizon):
                found.setdefault(notice.id, notice)
    return list(found.values())


# -- the read model of deliveries and recipients ----------------------------------------------

DDL = [
    "CREATE TABLE IF NOT EXISTS tandem_deliveries (delivery_key TEXT PRIMARY KEY, "
    "notice TEXT NOT NULL, kind TEXT NOT NULL, channel TEXT NOT NULL, addressee TEXT NOT NULL, "
    "target TEXT NOT NULL, initiative TEXT, about BIGINT, subject TEXT NOT NULL, "
    "attempt INTEGER NOT NULL, state TEXT NOT NULL, retry_at TEXT, last_error TEXT, "
    "claimed_at TEXT NOT NULL, updated_at TEXT NOT NULL, position BIGINT NOT NULL, "
    "originator_id TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS tandem_deliveries_origin ON tandem_deliveries (originator_id)",
    "CREATE INDEX IF NOT EXISTS tandem_deliveries_state ON tandem_deliveries (state, retry_at)",
    "CREATE INDEX IF NOT EXISTS tandem_deliveries_addressee "
    "ON tandem_deliveries (addressee, position)",
    "CREATE TABLE IF NOT EXISTS tandem_recipients (person TEXT PRIMARY KEY, email TEXT NOT NULL, "
    "language TEXT NOT NULL)",
]
INSERT_DELIVERY = (
    "INSERT INTO tandem_deliveries (delivery_key, notice, kind, channel, addressee, target, "
    "initiative, about, subject, attempt, state, retry_at, last_error, claimed_at, updated_at, "
    "position, originator_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'sending', NULL, '', ?, ?, ?, ?) "
    "ON CONFLICT (delivery_key) DO NOTHING"
)
UPDATE_DELIVERY = (
    "UPDATE tandem_deliveries SET attempt = ?, state = ?, retry_at = ?, last_error = ?, "
    "updated_at = ? WHERE originator_id = ?"
)
UPSERT_RECIPIENT = (
    "INSERT INTO tandem_recipients (person, email, language) VALUES (?, ?, ?) "
    "ON CONFLICT (person) DO UPDATE SET email = excluded.email, language = excluded.language"
)
DELIVERY_COLUMNS = (
    "delivery_key, notice, kind, channel, addressee, target, initiative, about, subject, "
    "attempt, state, retry_at, last_error, claimed_at, updated_at"
)


class NoticeProjection(Projection):
    """One row per delivery, with its latest attempt and state; one row per recipient."""

    name = "notices"
    ddl = DDL
    tables = ("tandem_deliveries", "tandem_recipients")

    @handles(Delivery.NoticeClaimed)
    def _claimed(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        d = e.data
        tx.execute(INSERT_DELIVERY, (
            d["key"], d["notice"], d["kind"], d["channel"], d["addressee"], d["target"],
            d["initiative"], d["about"], d["subject"], db_time(e.effective_at),
            db_time(e.effective_at), e.position, e.originator_id))

    @handles(Delivery.RetryClaimed, Delivery.NoticeDelivered, Delivery.DeliveryFailed)
    def _changed(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        d = e.data
        states: dict[type[Any], str] = {Delivery.RetryClaimed: "sending",
                                         Delivery.NoticeDelivered: "delivered"}
        state = states.get(e.kind, "failed" if d.get("retry_at") else "given_up")
        retry = d.get("retry_at")
        tx.execute(UPDATE_DELIVERY, (
            d["attempt"], state, db_time(datetime.fromisoformat(retry)) if retry else None,
            d.get("error", ""), db_time(e.effective_at), e.originator_id))

    @handles(Recipient.ContactSet)
    def _contact(self, tx: Connection, e: Envelope, raw: StoredEvent) -> None:
        tx.execute(UPSERT_RECIPIENT, (e.data["person"], e.data["email"], e.data["language"]))

