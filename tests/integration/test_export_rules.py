"""The audit export carries the governance-rules check when rules were adopted."""

from __future__ import annotations

import json
from pathlib import Path

from projections.governance.parser import file_digest
from projections.ledger.bundle import ExportFilter, verify_bundle

RULES = Path(__file__).resolve().parents[2] / "features" / "governance"


def test_an_export_without_adopted_rules_has_no_rules_report(story, tmp_path):
    manifest = story.export(tmp_path / "bundle", ExportFilter())
    assert "rules.json" not in manifest["files"]
    assert "Governance rules adopted" not in (tmp_path / "bundle" / "report.html").read_text()


def test_an_export_includes_the_check_of_the_adopted_rules(story, tmp_path, monkeypatch):
    monkeypatch.chdir(RULES.parents[1])
    files = sorted(RULES.glob("*.feature"))
    story.record(story.app.adopt_rules, actor="kathi", initiative="kundenportal",
                  rule_files=[{"name": str(f.relative_to(RULES.parents[1])),
                               "sha256": file_digest(f)} for f in files])
    bundle = tmp_path / "bundle"
    manifest = story.export(bundle, ExportFilter(initiative="kundenportal"))
    assert "rules.json" in manifest["files"]
    rules = json.loads((bundle / "rules.json").read_text())
    assert rules["summary"]["failed"] >= 1
    broken = [s for s in rules["results"] if s["status"] == "failed"]
    assert any(e["position"] and "d-support-hours" in e["url"]
               for s in broken for v in s["violations"] for e in v["events"])
    report = (bundle / "report.html").read_text()
    assert "Governance rules adopted" in report and "decisions.feature" in report
    assert verify_bundle(bundle).ok
    (bundle / "rules.json").write_text(json.dumps({**rules, "summary": {"failed": 0}}))
    assert not verify_bundle(bundle).ok
