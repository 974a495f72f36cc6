"""The governance rules enforced when a command is given.

Each rule has a stable id (used in errors, logs and the Gherkin features) and a sentence a
person who never programmed understands. The checks themselves live with the aggregates.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    sentence: str


_RULES = [
    Rule("one-accountable-per-area", "responsibilities",
         "An area has at most one Accountable at a time."),
    Rule("release-held-role", "responsibilities",
         "Only a role a person holds at that time can be released, and only once."),
    Rule("single-assignment", "responsibilities",
         "A person holds a role in an area at most once at a time."),
    Rule("tandem-two-units", "tandem",
         "The lead tandem is exactly two active people from two different units."),
    Rule("one-tandem", "tandem",
         "An initiative has at most one lead tandem at a time."),
    Rule("dissolve-existing-tandem", "tandem",
         "Only a lead tandem in place at that time can be dissolved."),
    Rule("options-offered", "options",
         "A proposal or an escalation offers at least two options with distinct keys."),
    Rule("decision-options", "options",
         "A decision records at least two options considered and chooses one of them."),
    Rule("decision-basis", "basis",
         "A decision rests on a basis valid when it takes effect: an unrevoked mandate of a "
         "decider covering its scope, the open escalation it resolves with its addressee among "
         "the deciders, or the sponsor among the deciders."),
    Rule("goal-revision-reason", "goal",
         "A goal revision states a reason."),
    Rule("goal-agreed-by-tandem", "goal",
         "Once a lead tandem exists, both partners agree to every goal revision."),
    Rule("decision-in-force", "decisions",
         "Only a decision in force can be superseded or revoked, and only once."),
    Rule("proposal-open", "decisions",
         "A proposal is answered by one decision; a later answer must supersede it."),
    Rule("registered-people", "references",
         "Every person named is registered and was not deactivated when the entry takes effect."),
    Rule("known-references", "references",
         "Every id an entry refers to exists in that initiative."),
    Rule("mandate-grantor", "mandates",
         "A mandate is granted or revoked by the sponsor or by someone on the initiative's "
         "escalation path."),
    Rule("mandate-in-force", "mandates",
         "Only a mandate in force can be revoked, and only once."),
    Rule("criterion-active", "criteria",
         "Only an active success criterion can be revised, retired or measured."),
    Rule("handoff-open", "handoffs",
         "A handoff passes work between two different people and is accepted once."),
    Rule("escalation-path", "escalations",
         "An escalation is forwarded only to the next level of the escalation path; at the top "
         "it cannot be forwarded."),
    Rule("escalation-open", "escalations",
         "Only an open escalation can be forwarded or resolved, and it is resolved only by a "
         "decision."),
    Rule("initiative-open", "lifecycle",
         "A closed initiative accepts no further entries."),
    Rule("effective-order", "lifecycle",
         "An entry takes effect no earlier than what it answers, resolves, supersedes, revokes "
         "or revises."),
    Rule("effective-time", "lifecycle",
         "An entry takes effect no more than 5 minutes in the future and not before its "
         "initiative was opened."),
]

_RULES += [
    Rule("initiative-membership", "access",
         "Only an initiative's leads and members record in it; observers and everyone else "
         "read it (if they may), and record nothing."),
    Rule("lead-action", "access",
         "Only an initiative's leads admit and dismiss members, decide who may read it, form or "
         "dissolve its tandem, revoke a decision they did not take, and close it; its sponsor, "
         "its escalation path and its tandem partners are leads by their place."),
    Rule("member-admission", "access",
         "A member is a registered, active person admitted as lead, member or observer; the "
         "sponsor and the escalation path are leads by their place, not by admission."),
    Rule("member-dismissal", "access",
         "Only an admitted member can be dismissed, once; the sponsor and the escalation path "
         "cannot be."),
    Rule("confirmation-by-named", "attestation",
         "Only a person an entry names in a capacity that speaks for them answers for "
         "themselves, once, while they belong to the initiative."),
    Rule("initiative-visibility", "access",
         "An initiative open to its members only is read by its members and by auditors."),
    Rule("handoff-receiver", "handoffs",
         "A handoff is accepted by the person it is handed to, under their own login."),
]

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}

# -- the rhythm of working together (appended: ids are stable, order is not meaningful)
_RULES_RHYTHM = [
    Rule("mandate-validity", "mandates",
         "A mandate is a basis only until the end of its validity; a decision taken later needs "
         "another basis."),
    Rule("mandate-budget", "mandates",
         "A decision on a mandate with a budget cap commits an amount in the cap's currency and "
         "no more than the cap."),
    Rule("mandate-delegation", "mandates",
         "Only the holder of a mandate whose grant allows it delegates it, and only narrower: a "
         "scope inside its scope, valid no longer, with a cap no higher."),
    Rule("handoff-answer", "handoffs",
         "A handoff is refused only while it waits for acceptance, and returned only after it "
         "was accepted; once refused or returned it is closed, and a new handoff passes the "
         "work again."),
    Rule("criterion-owners", "criteria",
         "A measurable criterion's owners are one person from each of the initiative's units."),
    Rule("meeting-started", "meetings",
         "A meeting in the future is an invitation: who attended and what it produced are "
         "recorded, and confirmed, only once it has started, and its attendance once."),
    Rule("demo-feedback", "meetings",
         "Feedback is given at a demo, by the initiative's own units."),
]
RULES.update({rule.id: rule for rule in _RULES_RHYTHM})
