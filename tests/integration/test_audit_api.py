"""/api/audit: the signed checkpoint and proofs, for auditors and admins only."""

from __future__ import annotations

import base64
import warnings
from collections.abc import Iterator

import pytest

from projections.ledger import merkle, notes
from projections.ledger.proofs import verify_document
from web.app import create_app
from web.system import Tandem

with warnings.catch_warnings():  # starlette asks for httpx2, which is not installed here
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient


@pytest.fixture
def client(story: Tandem) -> Iterator[TestClient]:
    with TestClient(create_app(story.settings, story)) as test_client:
        yield test_client


def bearer(tandem: Tandem, person: str) -> dict[str, str]:
    token, _ = tandem.app.issue_token(actor="kathi", person=person)
    tandem.catch_up()
    return {"Authorization": f"Bearer {token}"}


def test_without_a_token_401_and_for_a_member_403(client: TestClient, story: Tandem) -> None:
    assert client.get("/api/audit/checkpoint").status_code == 401
    assert client.get("/api/audit/checkpoint",
                      headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/api/audit/checkpoint", headers=bearer(story, "jonas")).status_code == 403


def test_an_auditor_gets_a_checkpoint_that_verifies_with_the_returned_key(
        client: TestClient, story: Tandem) -> None:
    story.issue_checkpoint()
    body = client.get("/api/audit/checkpoint", headers=bearer(story, "ralf")).json()
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    key = load_pem_public_key(body["public_key"].encode())
    signed = notes.verify(body["checkpoint"], key, story.settings.origin)  # type: ignore[arg-type]
    assert signed.size == body["tree_size"] and body["root"] == base64.b64encode(signed.root).decode()


def test_inclusion_and_consistency_proofs_check_against_signed_checkpoints(
        client: TestClient, story: Tandem) -> None:
    headers = bearer(story, "kathi")
    old = story.issue_checkpoint()
    old_size = int(old.split("\n")[1])
    story.record(story.app.register_person, actor="kathi", person="eve", name="Eve", unit="it",
                 role="member")
    new = story.issue_checkpoint()
    new_size = int(new.split("\n")[1])
    key = notes.parse_verifier_key(
        client.get("/api/audit/checkpoint", headers=headers).json()["verifier_key"])
    assert key.name == story.settings.origin
    proof = client.get(f"/api/audit/inclusion?position=7&size={old_size}", headers=headers).json()
    assert proof["leaf_index"] == 6 and proof["tree_size"] == old_size
    assert "event at position 7" in verify_document(proof, old, key)
    with pytest.raises(merkle.ProofError):
        verify_document(proof, new, key)  # a proof for one tree size does not fit another
    consistency = client.get(f"/api/audit/consistency?from={old_size}&to={new_size}",
                             headers=headers).json()
    assert consistency["from"] == old_size and consistency["to"] == new_size
    assert "extends, unchanged" in verify_document(consistency, new, key, old)
    assert client.get("/api/audit/inclusion?position=99999", headers=headers).status_code == 404
    assert client.get(f"/api/audit/consistency?from={new_size}&to={old_size}",
                      headers=headers).status_code == 404
