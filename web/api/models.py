"""Request bodies of the JSON API.

Every body forbids unknown fields, so a client-supplied `actor` or `recorded_at` is a 422, never
obeyed; every list is bounded (`Items`, `Options`), and the whole body by the server's limit.
The types are deliberately loose (text, lists of text): the application service owns the
validation of ids, scopes, times and rules, and answers in the API's one error shape.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from domain.values import MAX_ITEMS

# every list has a bound (OpenAPI `maxItems`): a longer one is a 422 naming the field
Items = Annotated[list[str], Field(max_length=MAX_ITEMS)]
Ids = Items | str
Moment = str | None


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def plain(options: list[Option] | None) -> list[dict[str, Any]] | None:
    """Options as the application service takes them."""
    return None if options is None else [o.model_dump() for o in options]


class Option(Body):
    key: str
    title: str
    description: str = ""


Options = Annotated[list[Option], Field(max_length=MAX_ITEMS)]


class NewUnit(Body):
    id: str
    name: str


class NewPerson(Body):
    id: str
    name: str
    unit: str
    role: str = Field(description="admin, member, auditor or viewer")


class NewInitiative(Body):
    id: str
    title: str
    sponsor: str
    units: Items
    escalation_path: Items
    effective_at: Moment = None
    visibility: str = Field("open", description="open (every signed-in person reads it) or "
                                                "members (only its members and auditors)")


class NewMember(Body):
    person: str
    role: str = Field(description="lead, member or observer")
    reason: str = ""
    effective_at: Moment = None


class Dismissal(Body):
    reason: str
    effective_at: Moment = None


class Readers(Body):
    visibility: str = Field(description="open or members")


class Answer(Body):
    answer: str = Field(description="confirm or dispute")
    reason: str = Field("", description="why, when disputing")


class Goal(Body):
    statement: str
    reason: str = ""
    agreed_by: Items
    effective_at: Moment = None


class Measurable(Body):
    """A structured target, owners (one per unit), a data source and evaluation dates."""

    comparison: str | None = Field(None, description=">=, <=, >, < or =")
    target_value: float | None = Field(None, allow_inf_nan=False)
    target_unit: str = ""
    owners: Items = []
    data_source: str = ""
    evaluation_dates: Items = []


class NewCriterion(Measurable):
    id: str
    description: str
    target: str
    effective_at: Moment = None


class CriterionRevision(Measurable):
    description: str
    target: str
    reason: str
    effective_at: Moment = None


class Reason(Body):
    reason: str
    effective_at: Moment = None


class Measurement(Body):
    value: float = Field(allow_inf_nan=False)
    note: str = ""
    effective_at: Moment = None


class Responsibility(Body):
    area: str
    person: str
    role: str = Field(description="R, A, C or I")
    effective_at: Moment = None


class Release(Responsibility):
    reason: str


class TandemPeople(Body):
    people: Items
    effective_at: Moment = None


class NewMandate(Body):
    id: str
    person: str
    scope: str
    limits: str = ""
    effective_at: Moment = None
    valid_until: Moment = Field(None, description="The mandate ends by itself then")
    budget_amount: float | None = Field(None, allow_inf_nan=False,
                                        description="The most a decision on it commits")
    budget_currency: str | None = Field(None, description="ISO 4217, e.g. EUR")
    may_delegate: bool = Field(False, description="Its holder may delegate narrower mandates")


class NewProposal(Body):
    id: str
    question: str
    scope: str
    options: Options
    proposed_by: Ids
    effective_at: Moment = None


class NewDecision(Body):
    id: str
    scope: str
    title: str
    option: str
    rationale: str
    decided_by: Ids
    proposal: str | None = None
    escalation: str | None = None
    options: Options | None = None
    mandate: str | None = None
    supersedes: str | None = None
    effective_at: Moment = None
    amount: float | None = Field(None, allow_inf_nan=False,
                                 description="What the decision commits (checked against a cap)")
    currency: str | None = Field(None, description="ISO 4217, e.g. EUR")


class NewEscalation(Body):
    id: str
    topic: str
    options: Options
    raised_by: str
    due_at: str
    effective_at: Moment = None


class NewHandoff(Body):
    id: str
    item: str
    from_person: str = Field(alias="from")
    to_person: str = Field(alias="to")
    effective_at: Moment = None
    acceptance_criteria: Items = []


class Accept(Body):
    effective_at: Moment = None


class Status(Body):
    summary: str
    running: Items = []
    blocked: Items = []
    options: Items = []
    reported_by: Ids
    effective_at: Moment = None


class Close(Body):
    outcome: str
    effective_at: Moment = None


class CosignedCheckpoint(Body):
    """A checkpoint of this log, as a signed note carrying witnesses' cosignature lines."""

    checkpoint: str = Field(max_length=65536)


class NewWebhook(Body):
    url: str = Field(description="http:// or https:// URL of the receiver (not this server)")
    kinds: Items = Field(default_factory=list, description="notice kinds; empty: every kind")
    secret: str | None = Field(None, description="the signing secret (default: a new one, "
                               "answered once)", max_length=200)


class Contact(Body):
    email: str = Field("", description="the address notices are sent to (empty: none)",
                       max_length=320)
    language: str = Field("en", description="en or de")
# -- the rhythm of working together --------------------------------------------------------------

class Delegation(Body):
    id: str
    person: str
    scope: str
    limits: str = ""
    valid_until: Moment = None
    budget_amount: float | None = Field(None, allow_inf_nan=False)
    budget_currency: str | None = None
    effective_at: Moment = None


def measurable(body: Measurable) -> dict[str, Any]:
    """A criterion's structured target as the application service takes it."""
    return {"comparison": body.comparison, "target_value": body.target_value,
            "target_unit": body.target_unit, "owners": body.owners,
            "data_source": body.data_source, "evaluation_dates": body.evaluation_dates}


class NewMeeting(Body):
    id: str
    kind: str = Field(description="joint-status, steering, demo, review, or your own")
    title: str
    starts_at: str
    moderator: str
    invited: Items = []
    agenda: Items = []
    effective_at: Moment = None


class Attendance(Body):
    attended: Items
    notes: str = ""
    effective_at: Moment = None


class Link(Body):
    kind: str = Field(description="status (id: its log position), proposal, decision, "
                                  "escalation or handoff")
    id: str


class Feedback(Body):
    unit: str
    feedback: str


class MeetingOutcome(Body):
    summary: str
    links: Annotated[list[Link], Field(max_length=MAX_ITEMS)] = []
    feedback: Annotated[list[Feedback], Field(max_length=MAX_ITEMS)] = []
    effective_at: Moment = None


class Cadence(Body):
    kind: str
    every_days: int = Field(ge=0, le=366)
    effective_at: Moment = None
