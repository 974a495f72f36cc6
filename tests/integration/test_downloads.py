"""Downloads on the decision register and the timeline: CSV and XLSX rows, each with its log
position and the leaf hash its inclusion proof ends in; only for those who may read."""

from __future__ import annotations

import csv
import io

import openpyxl

from projections.ledger.proofs import inclusion_document
from projections.ledger.tables import COLUMNS, DECISION_COLUMNS
from tests.support.pages_client import signed_in
from web.system import Tandem

K = "kundenportal"


def test_the_register_and_the_timeline_download_with_positions_and_leaf_hashes(
        story: Tandem) -> None:
    client = signed_in(story, "kathi")
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
    assert signed_in(story, None).get(f"/initiatives/{K}/decisions.csv",
                                    follow_redirects=False).status_code == 303
    story.record(story.app.register_person, actor="kathi", person="outsider",
                 name="Out Sider", unit="it", role="member")
    story.record(story.app.change_visibility, actor="kathi", initiative=K,
                 visibility="members")
    client = signed_in(story, "outsider")
    for url in (f"/initiatives/{K}/decisions.csv", f"/initiatives/{K}/timeline.xlsx"):
        answer = client.get(url)
        assert answer.status_code == 403 and "leaf_hash" not in answer.text
    assert signed_in(story, "kathi").get(f"/initiatives/{K}/decisions.pdf").status_code == 404
