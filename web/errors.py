"""The one table from failures to what a delivery answers: HTTP status for the API and the
pages, exit code for the command line. Mapped by class, once."""

from __future__ import annotations

from eventsourcing.persistence import PersistenceError

from domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    RuleViolation,
)
from domain.requests import UncertainOutcome
from projections.db import StorageError
from projections.ledger.checkpoints import SignerRefused
from projections.ledger.journal import JournalError
from projections.ledger.keys import SigningKeyError
from projections.ledger.proofs import ProofUnavailable
from projections.ledger.witness import CosignatureRejected
from web.requests import BodyTooLarge, OutcomeUnknown

STATUS: dict[type[Exception], int] = {
    InvalidInput: 422, RuleViolation: 422, Forbidden: 403, NotFound: 404, Conflict: 409,
    DomainError: 422,
    ProofUnavailable: 404, StorageError: 503, SigningKeyError: 503,
    # the audit routes answer 503 while the signer refuses to sign over what the database holds
    SignerRefused: 503, JournalError: 503, CosignatureRejected: 422,
    PersistenceError: 503, UncertainOutcome: 503, OutcomeUnknown: 503, BodyTooLarge: 413,
}
RETRY_AFTER_SECONDS = 2  # told to clients with every 503: the database may answer again soon
EXIT_REFUSED = 1  # the command line: a domain error refused the command
EXIT_UNUSABLE = 2  # the command line: the input itself cannot be used


def status_of(error: Exception) -> int:
    """The HTTP status of a failure: the entry of its nearest class in STATUS (500 if none)."""
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500
