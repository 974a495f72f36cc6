"""The audit export carries the governance-rules check when rules were adopted."""

from __future__ import annotations

import json
from pathlib import Path

from web.audit_export import ExportFilter, export_bundle, verify_bundle
from web.audit_keys import create_signing_key
from web.demo import load_demo

RULES = Path(__file__).resolve().parents[2] / "features" / "governance"


def test_an_export_without_adopted_rules_has_no_rules_report(tandem, settings, tmp_path):
    create_signing_key(settings.signing_key_path)
    load_demo(tandem)
    manifest = export_bundle(tandem, tmp_path / "bundle", ExportFilter())
    assert "rules.json" not in manifest["files"]
    assert "Governance rules adopted" not in (tmp_path / "bundle" / "report.html").read_text()


def test_an_export_includes_the_check_of_the_adopted_rules(tandem, settings, tmp_path,
                                                           monkeypatch):
    create_signing_key(settings.signing_key_path)
    load_demo(tandem)
    monkeypatch.chdir(RULES.parents[1])
    from projections.rules.engine import file_digest

    files = sorted(RULES.glob("*.feature"))
    tandem.record("adopt_rules", actor="kathi", initiative="kundenportal",
                  rule_files=[{"name": str(f.relative_to(RULES.parents[1])),
                               "sha256": file_digest(f)} for f in files])
    bundle = tmp_path / "bundle"
    manifest = export_bundle(tandem, bundle, ExportFilter(initiative="kundenportal"))
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
