"""Exports auditors open: CSV and XLSX rows checked against the signed checkpoint, cell by
cell, and the initiative's decision record as a PDF that names its checkpoint."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pypdf
import pytest

from projections.ledger import notes
from projections.ledger.bundle import ExportFilter, sha256_file, verify_bundle
from projections.ledger.tables import COLUMNS
from web.cli import main
from web.system import Tandem

K = "kundenportal"


def _export(story: Tandem, out: Path) -> dict[str, object]:
    return story.export(out, ExportFilter(initiative=K), tables=("events.csv", "events.xlsx"))


def _forge_manifest(folder: Path, name: str) -> None:
    """What a forger does after changing a file: fix its fingerprint in the manifest."""
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"][name] = sha256_file(folder / name)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def test_csv_and_xlsx_rows_carry_position_and_leaf_hash_and_verify(
        story: Tandem, tmp_path: Path) -> None:
    manifest = _export(story, tmp_path / "b")
    files = manifest["files"]
    assert isinstance(files, dict) and {"events.csv", "events.xlsx"} <= set(files)
    proofs = {json.loads(line)["position"]: json.loads(line)["leaf_hash"]
              for line in (tmp_path / "b" / "proofs.jsonl").read_text().splitlines()}
    with (tmp_path / "b" / "events.csv").open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    book = openpyxl.load_workbook(tmp_path / "b" / "events.xlsx")
    sheet = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert tuple(sheet[0]) == COLUMNS
    assert len(table) == len(sheet) - 1 == manifest["events"] > 0
    for row, cells in zip(table, sheet[1:], strict=True):
        assert proofs[int(row["position"])] == row["leaf_hash"] == cells[1]
        assert row["initiative"] == K and str(cells[0]) == row["position"]
    decision = story.read.decisions(initiative=K)[0]
    taken = next(r for r in table if r["type"] == "DecisionTaken"
                 and json.loads(r["data"])["decision"] == decision["id"])
    assert int(taken["position"]) == decision["position"]
    check = verify_bundle(tmp_path / "b")
    assert check.ok, check.problems
    assert check.tables == ["events.csv", "events.xlsx"]


def test_a_changed_csv_cell_is_caught_naming_row_and_column(
        story: Tandem, tmp_path: Path) -> None:
    _export(story, tmp_path / "b")
    path = tmp_path / "b" / "events.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        grid = list(csv.reader(handle))
    row = next(i for i, r in enumerate(grid) if r[2] == "DecisionTaken")
    position, actor = grid[row][0], grid[row][4]
    grid[row][4] = "mallory"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(grid)
    assert verify_bundle(tmp_path / "b").problems == [
        "events.csv differs from the manifest (SHA-256 changed)",
        f'events.csv row {row + 1} (position {position}), column actor: the file says '
        f'"mallory", the signed event says "{actor}"']
    _forge_manifest(tmp_path / "b", "events.csv")
    assert verify_bundle(tmp_path / "b").problems == [
        f'events.csv row {row + 1} (position {position}), column actor: the file says '
        f'"mallory", the signed event says "{actor}"']


def test_a_changed_xlsx_cell_or_a_dropped_row_is_caught(story: Tandem, tmp_path: Path) -> None:
    _export(story, tmp_path / "b")
    path = tmp_path / "b" / "events.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book.active
    position = int(sheet.cell(row=5, column=1).value)
    effective = sheet.cell(row=5, column=6).value
    sheet.cell(row=5, column=6).value = "2020-01-01T00:00:00+00:00"
    dropped = int(sheet.cell(row=7, column=1).value)
    sheet.delete_rows(7)
    book.save(path)
    _forge_manifest(tmp_path / "b", "events.xlsx")
    assert verify_bundle(tmp_path / "b").problems == [
        f'events.xlsx row 5 (position {position}), column effective_at: the file says '
        f'"2020-01-01T00:00:00+00:00", the signed event says "{effective}"',
        f"events.xlsx: the event at position {dropped} has no row"]


def test_the_pdf_is_the_initiatives_decision_record_naming_its_checkpoint(
        story: Tandem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_SIGNING_KEY", str(story.settings.signing_key_path))
    out = tmp_path / "b"
    assert main(["--db", story.settings.database_url, "export", "--out", str(out),
                 "--initiative", K, "--format", "pdf", "--format", "csv",
                 "--matrix-at", "2026-01-01", "--as", "jonas"]) == 0
    assert verify_bundle(out).ok
    signed = notes.parse((out / "checkpoint.txt").read_text())[0]
    reader = pypdf.PdfReader(out / "decision-record.pdf")
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    decision = story.read.decisions(initiative=K)[0]
    goal = story.read.goal_history(K)["versions"][0]
    for expected in ("Decision record: Customer portal", f"signed checkpoint of {signed.size} "
                     "events", f"origin {signed.origin}", "tandem verify --bundle",
                     decision["title"], goal["statement"][:30], "Escalations",
                     "As of 2026-01-01", "Meetings and their minutes",
                     "Weekly joint status, week 12"):
        assert expected in text, expected
    assert json.loads((out / "manifest.json").read_text())["files"]["decision-record.pdf"]


def test_an_export_of_an_initiative_the_person_cannot_read_is_refused(
        story: Tandem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANDEM_SIGNING_KEY", str(story.settings.signing_key_path))
    story.record(story.app.register_person, actor="kathi", person="outsider", name="Out Sider",
                 unit="it", role="member")
    story.record(story.app.change_visibility, actor="kathi", initiative=K, visibility="members")
    db = story.settings.database_url
    assert main(["--db", db, "export", "--out", str(tmp_path / "x"), "--initiative", K,
                 "--format", "csv", "--as", "outsider"]) == 1
    assert not (tmp_path / "x").exists()
    assert main(["--db", db, "export", "--out", str(tmp_path / "y"), "--format", "csv",
                 "--as", "outsider"]) == 1
    assert main(["--db", db, "export", "--out", str(tmp_path / "z"), "--format", "pdf"]) == 2
