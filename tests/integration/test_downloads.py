"""Downloads on the decision register and the timeline: CSV and XLSX rows, each with its log
position and the leaf hash its inclusion proof ends in; only for those who may read."""

from __future__ import annotations

import csv
import io
import re
import warnings
from typing import Any

import openpyxl

from projections.ledger.proofs import inclusion_document
from projections.ledger.tables import COLUMNS, DECISION_COLUMNS
from web.app import create_app
from web.system import Tandem

K = "kundenportal"


def _client(tandem: Tandem, person: str | None) -> Any:
    with warnings.catch_warnings():  # starlette warns about httpx when the client is imported
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    client = TestClient(create_app(tandem.settings, tandem),
                        headers={"Accept-Language": "en-GB,en;q=0.9"})
    if person:
        token, _ = tandem.app.issue_token(actor="test", person=person)
        tandem.catch_up()
        page = client.get("/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf is not None
        answer = client.post("/login", data={"token": token, "csrf": csrf.group(1)},
                             follow_redirects=False)
        assert answer.status_code == 303
    return client


def test_the_register_and_the_timeline_download_with_positions_and_leaf_hashes(
        story: Tandem) -> None:
    client = _client(story, "kathi")
    page = client.get(f"/initiatives/{K}").text
    assert f'href="/initiatives/{K}/decisions.csv"' in page
    assert f'href="/initiatives/{K}/timeline.xlsx?type=DecisionTaken"' in client.get(
        f"/initiatives/{K}/timeline?type=DecisionTaken").text
    answer = client.get(f"/initiatives/{K}/decisions.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert f'filename="{K}-decisions.csv"' in answer.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(answer.text)))
    register = story.read.decisions(initiative=K)
    assert [r["id"] for r in table] == [d["id"] for d in register] and table
    for row in table:
        proof = inclusion_document(story.db, int(row["position"]))
        assert row["leaf_hash"] == proof["leaf_hash"]
    answer = client.get(f"/initiatives/{K}/timeline.xlsx?type=DecisionTaken")
    assert answer.status_code == 200
    sheet = list(openpyxl.load_workbook(io.BytesIO(answer.content)).active
                 .iter_rows(values_only=True))
    assert tuple(sheet[0]) == COLUMNS
    assert {row[2] for row in sheet[1:]} == {"DecisionTaken"}
    assert len(sheet) - 1 == len(register)
    book = client.get(f"/initiatives/{K}/decisions.xlsx")
    assert tuple(next(openpyxl.load_workbook(io.BytesIO(book.content)).active
                      .iter_rows(values_only=True))) == DECISION_COLUMNS


def test_downloads_honour_who_may_read(story: Tandem) -> None:
    assert _client(story, None).get(f"/initiatives/{K}/decisions.csv",
                                    follow_redirects=False).status_code == 303
    story.record(story.app.register_person, actor="kathi", person="outsider",
                 name="Out Sider", unit="it", role="member")
    story.record(story.app.change_visibility, actor="kathi", initiative=K,
                 visibility="members")
    client = _client(story, "outsider")
    for url in (f"/initiatives/{K}/decisions.csv", f"/initiatives/{K}/timeline.xlsx"):
        answer = client.get(url)
        assert answer.status_code == 403 and "leaf_hash" not in answer.text
    assert _client(story, "kathi").get(f"/initiatives/{K}/decisions.pdf").status_code == 404
