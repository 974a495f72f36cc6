"""Audit bundles: written for a person who never saw Tandem, checkable offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from projections.ledger.bundle import ExportFilter, verify_bundle
from web.cli import main
from web.system import Tandem


def test_a_bundle_holds_every_event_with_a_proof_and_a_manifest_of_its_files(
        story: Tandem, tmp_path: Path) -> None:
    manifest = story.export(tmp_path / "b", ExportFilter())
    files = sorted(p.name for p in (tmp_path / "b").iterdir())
    assert files == ["checkpoint.txt", "events.jsonl", "manifest.json", "proofs.jsonl",
                     "public-key.pem", "report.html"]
    events = [json.loads(line) for line in (tmp_path / "b" / "events.jsonl").read_text().splitlines()]
    assert [e["position"] for e in events] == sorted(e["position"] for e in events)
    assert len(events) == manifest["events"] == manifest["tree_size"]
    assert set(events[0]) >= {"position", "type", "initiative", "actor", "effective_at",
                              "recorded_at", "backdated", "summary", "data"}
    check = verify_bundle(tmp_path / "b")
    assert check.ok, check.problems
    assert check.events == len(events)


def test_an_initiative_export_reports_decisions_goals_responsibilities_and_escalations(
        story: Tandem, tmp_path: Path) -> None:
    story.export(tmp_path / "b", ExportFilter(initiative="kundenportal"))
    events = [json.loads(line) for line in (tmp_path / "b" / "events.jsonl").read_text().splitlines()]
    assert events and {e["initiative"] for e in events} == {"kundenportal"}
    report = (tmp_path / "b" / "report.html").read_text()
    decision = story.read.decisions(initiative="kundenportal")[0]
    goal = story.read.goal_history("kundenportal")["versions"][0]["statement"]
    escalation = story.read.escalations(initiative="kundenportal")[0]["topic"]
    for text in ("Is the record intact?", "Yes.", decision["rationale"], goal,
                 "Responsibilities over time", escalation):
        assert text in report
    assert "<script" not in report


def test_a_changed_file_or_a_changed_event_in_a_bundle_is_caught(
        story: Tandem, tmp_path: Path) -> None:
    story.export(tmp_path / "b", ExportFilter())
    events = tmp_path / "b" / "events.jsonl"
    events.write_text(events.read_text().replace("Kathi Berger", "Kathy Berger"))
    assert verify_bundle(tmp_path / "b").problems == [
        "events.jsonl differs from the manifest (SHA-256 changed)"]
    story.export(tmp_path / "c", ExportFilter())
    proofs = tmp_path / "c" / "proofs.jsonl"
    lines = proofs.read_text().splitlines()
    doctored = json.loads(lines[3])
    doctored["leaf_hash"] = json.loads(lines[4])["leaf_hash"]
    lines[3] = json.dumps(doctored)
    proofs.write_text("\n".join(lines) + "\n")
    manifest = json.loads((tmp_path / "c" / "manifest.json").read_text())
    from projections.ledger.bundle import sha256_file

    manifest["files"]["proofs.jsonl"] = sha256_file(proofs)  # a forger fixes the manifest too
    (tmp_path / "c" / "manifest.json").write_text(json.dumps(manifest))
    problems = verify_bundle(tmp_path / "c").problems
    assert len(problems) == 1 and problems[0].startswith(f"position {doctored['position']}:")


def test_export_and_verify_bundle_from_the_command_line(
        story: Tandem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TANDEM_SIGNING_KEY", str(story.settings.signing_key_path))
    db = story.settings.database_url
    assert main(["--db", db, "export", "--out", str(tmp_path / "b"), "--initiative",
                 "kundenportal", "--from", "2000-01-01", "--to", "2100-01-01"]) == 0
    capsys.readouterr()
    assert main(["verify", "--bundle", str(tmp_path / "b")]) == 0
    assert capsys.readouterr().out.startswith("bundle intact: ")
    (tmp_path / "b" / "report.html").write_text("forged")
    assert main(["verify", "--bundle", str(tmp_path / "b")]) == 1
    assert "report.html differs" in capsys.readouterr().out
