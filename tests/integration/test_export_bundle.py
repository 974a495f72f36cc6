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


def forge(folder: Path, edit) -> None:  # type: ignore[no-untyped-def]
    """Rewrite events.jsonl with `edit` and recompute the unsigned manifest, as a forger would."""
    from projections.ledger.bundle import sha256_file

    path = folder / "events.jsonl"
    events = [json.loads(line) for line in path.read_text().splitlines()]
    edit(events)
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events))
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["events.jsonl"] = sha256_file(path)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def test_every_field_of_every_exported_event_is_rederived_from_its_signed_bytes(
        story: Tandem, tmp_path: Path) -> None:
    story.export(tmp_path / "b", ExportFilter())
    events = [json.loads(line) for line in (tmp_path / "b" / "events.jsonl").read_text()
              .splitlines()]
    decision = next(e for e in events if e["type"] == "DecisionTaken")
    status = next(e for e in events if e["type"] == "StatusReported")
    p, q = decision["position"], status["position"]

    def rewrite(rows: list[dict]) -> None:  # type: ignore[type-arg]
        for row in rows:
            if row["position"] == p:
                row["data"]["rationale"] = "Because the sponsor said so."
                row["actor"] = "petra"
            if row["position"] == q:
                row["summary"] = "All green."
                row["initiative"] = "other"
                row["recorded_at"] = "2020-01-01T00:00:00+00:00"

    forge(tmp_path / "b", rewrite)
    problems = verify_bundle(tmp_path / "b").problems
    assert sorted(x.split(":")[0] + ":" + x.split(":")[1] for x in problems) == sorted([
        f"position {p}: actor differs from the signed event",
        f"position {p}: data.rationale differs from the signed event",
        f"position {q}: initiative differs from the signed event",
        f"position {q}: recorded_at differs from the signed event",
        f"position {q}: summary differs from the signed event",
    ])
    assert f'position {p}: actor differs from the signed event: events.jsonl says "petra", ' \
           f'the signed bytes say "{decision["actor"]}"' in problems


def test_a_checkpoint_signed_with_the_logs_key_under_another_origin_is_rejected(
        story: Tandem, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from projections.ledger import notes
    from projections.ledger.bundle import sha256_file
    from projections.ledger.keys import load_signing_key

    story.export(tmp_path / "b", ExportFilter(initiative="kundenportal"))
    folder = tmp_path / "b"
    signed = notes.parse((folder / "checkpoint.txt").read_text())[0]
    evil = notes.sign(notes.Checkpoint("evil.example/log", signed.size, signed.root),
                      load_signing_key(story.settings.signing_key_path))
    (folder / "checkpoint.txt").write_text(evil)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["checkpoint.txt"] = sha256_file(folder / "checkpoint.txt")
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert verify_bundle(folder).problems == [
        "checkpoint: the checkpoint is for the log 'evil.example/log', not for "
        "'tandem.local/log'"]
    manifest["origin"] = "evil.example/log"  # the forger fixes the manifest too ...
    (folder / "manifest.json").write_text(json.dumps(manifest))
    vkey = tmp_path / "log.vkey"  # ... but the auditor holds the log's verifier key
    vkey.write_text(story.signer.verifier().text())
    capsys.readouterr()
    assert main(["verify", "--bundle", str(folder), "--public-key", str(vkey)]) == 1
    assert "for the log 'evil.example/log', not for 'tandem.local/log'" in capsys.readouterr().out
    assert main(["verify", "--bundle", str(folder), "--origin", "tandem.local/log"]) == 1


def test_export_refuses_links_inside_the_target_and_folders_that_are_not_empty(
        story: Tandem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TANDEM_SIGNING_KEY", str(story.settings.signing_key_path))
    db = story.settings.database_url
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    trap = tmp_path / "trap"
    trap.mkdir()
    (trap / "manifest.json").symlink_to(victim)
    capsys.readouterr()
    assert main(["--db", db, "export", "--out", str(trap), "--force"]) == 2
    assert "symbolic link (manifest.json)" in capsys.readouterr().err
    assert victim.read_text() == "precious" and sorted(p.name for p in trap.iterdir()) == \
        ["manifest.json"]
    full = tmp_path / "full"
    full.mkdir()
    (full / "notes.txt").write_text("mine")
    assert main(["--db", db, "export", "--out", str(full)]) == 2
    assert "is not empty" in capsys.readouterr().err and not (full / "events.jsonl").exists()
    assert main(["--db", db, "export", "--out", str(full), "--force"]) == 0
    assert (full / "notes.txt").read_text() == "mine" and verify_bundle(full).ok


def test_export_of_an_unknown_initiative_or_to_an_unusable_place_says_so(
        story: Tandem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TANDEM_SIGNING_KEY", str(story.settings.signing_key_path))
    db = story.settings.database_url
    capsys.readouterr()
    assert main(["--db", db, "export", "--out", str(tmp_path / "n"), "--initiative",
                 "no-such"]) == 1
    assert "There is no initiative 'no-such'" in capsys.readouterr().err
    assert not (tmp_path / "n").exists()
    assert main(["--db", db, "export", "--out", "/proc/x"]) == 2
    captured = capsys.readouterr()
    assert "Nothing exported: Cannot create the folder /proc/x" in captured.err
    assert "Traceback" not in captured.err + captured.out
    existing = tmp_path / "file.txt"
    existing.write_text("x")
    assert main(["--db", db, "export", "--out", str(existing)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_a_bundle_check_with_a_witness_requires_its_cosignature(
        story: Tandem, tmp_path: Path) -> None:
    from datetime import datetime, timezone

    from projections.ledger import witness
    from projections.ledger.keys import create_signing_key, load_signing_key
    from projections.ledger.notes import COSIGNATURE_V1, VerifierKey

    create_signing_key(tmp_path / "w.key")
    key = load_signing_key(tmp_path / "w.key")
    vkey = VerifierKey("audit.example.org/w1", key.public_key(), COSIGNATURE_V1)
    story.export(tmp_path / "plain", ExportFilter())
    problems = verify_bundle(tmp_path / "plain", witnesses=[vkey]).problems
    assert problems[0] == "witness audit.example.org/w1: the bundle carries no cosignature of " \
                          "the witness audit.example.org/w1"
    note = story.issue_checkpoint()
    cosigned = witness.cosign(note, key, vkey.name, datetime.now(timezone.utc))
    with story.db.connect() as conn, conn.transaction():
        from projections.ledger.projection import LedgerTree

        witness.accept(conn, cosigned, story.signer.verifier(), {vkey.name: vkey},
                       LedgerTree(conn).root, story.read.now())
    story.export(tmp_path / "same", ExportFilter())  # the tree did not grow: cosigned as is
    check = verify_bundle(tmp_path / "same", witnesses=[vkey])
    assert check.ok, check.problems
    story.record(story.app.register_person, actor="kathi", person="eve", name="Eve", unit="it",
                 role="member")
    story.export(tmp_path / "grown", ExportFilter())
    assert (tmp_path / "grown" / "witnessed.txt").exists()
    problems = verify_bundle(tmp_path / "grown", witnesses=[vkey]).problems
    assert len(problems) == 1 and "after the" in problems[0]
    assert verify_bundle(tmp_path / "grown").ok


def test_an_attestation_is_proven_by_the_answers_in_the_bundle(story: Tandem,
                                                               tmp_path: Path) -> None:
    """A disputed joint status report cannot be passed off as confirmed: the bundle carries the
    answers, and the check derives each claim's attestation from them."""
    story.export(tmp_path / "b", ExportFilter(initiative="kundenportal"))
    events = [json.loads(line) for line in (tmp_path / "b" / "events.jsonl").read_text()
              .splitlines()]
    disputed = next(e for e in events if (e.get("attestation") or {}).get("status") == "disputed")
    assert any(e["type"] == "EntryDisputed" and e["data"]["position"] == disputed["position"]
               for e in events)
    assert verify_bundle(tmp_path / "b").ok

    def whitewash(rows: list[dict]) -> None:  # type: ignore[type-arg]
        for row in rows:
            if row["position"] == disputed["position"]:
                row["attestation"] = {**row["attestation"], "status": "confirmed",
                                      "confirmed": row["attestation"]["named"], "disputed": [],
                                      "reasons": {}}

    forge(tmp_path / "b", whitewash)
    [problem] = verify_bundle(tmp_path / "b").problems
    assert problem.startswith(f"position {disputed['position']}: attestation differs from the "
                              "signed event")
