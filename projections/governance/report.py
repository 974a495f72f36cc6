"""Rule check results as text, JSON, JUnit XML or a self-contained HTML page."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from projections.governance.engine import UnusableRules, check_adopted
from projections.governance.parser import RuleFileError
from projections.governance.results import Results, ScenarioResult, Violation
from projections.governance.source import Link, RuleSource, no_link

MARK = {"passed": "PASS", "failed": "FAIL", "warned": "WARN", "skipped": "SKIP"}


def where(s: ScenarioResult) -> str:
    rule = f" › {s.rule}" if s.rule else ""
    return f"{s.feature}{rule} › {s.scenario} ({s.file}:{s.line})"


def event_line(e: dict[str, Any]) -> str:
    return (f"#{e['position']} {e['type']} effective {e['effective_at'][:16]} recorded "
            f"{e['recorded_at'][:16]} by {e['actor']} — {e['url']}")


def violation_text(v: Violation) -> list[str]:
    lines = [f"    ✗ [{v.initiative}] {v.message}", f"      step: {v.step} (line {v.step_line})"]
    lines += [f"      {event_line(e)}" for e in v.events]
    return lines


def summary(results: Results) -> str:
    return (f"{len(results.scenarios)} rules: {results.count('passed')} held, "
            f"{results.count('failed')} violated, {results.count('warned')} warnings, "
            f"{results.count('skipped')} skipped")


def as_text(results: Results) -> str:
    lines = [f"Rules checked as of {results.as_of or results.checked_at}"
             + (f" for initiative {results.initiative}" if results.initiative else "")]
    for adopted in results.adopted:
        names = ", ".join(f"{f['name']} ({f['sha256'][:12]})" for f in adopted["files"])
        lines.append(f"  {adopted['initiative']}: adopted {adopted['adopted_at'][:10]} by "
                     f"{adopted['actor']}: {names}")
    for s in results.scenarios:
        lines.append(f"{MARK[s.status]} {where(s)}")
        for v in s.violations:
            lines += violation_text(v)
    lines.append(summary(results))
    return "\n".join(lines) + "\n"


def as_json(results: Results) -> dict[str, Any]:
    return {"exit_code": results.exit_code, "checked_at": results.checked_at,
            "as_of": results.as_of, "initiative": results.initiative, "files": results.files,
            "adopted": results.adopted,
            "summary": {k: results.count(k) for k in MARK} | {"total": len(results.scenarios)},
            "results": [asdict(s) for s in results.scenarios]}


def as_junit(results: Results) -> str:
    suites = ET.Element("testsuites", name="tandem governance rules",
                        tests=str(len(results.scenarios)),
                        failures=str(results.count("failed")),
                        skipped=str(results.count("skipped")))
    by_feature: dict[tuple[str, str], list[ScenarioResult]] = {}
    for s in results.scenarios:
        by_feature.setdefault((s.file, s.feature), []).append(s)
    for (file, feature), scenarios in by_feature.items():
        suite = ET.SubElement(suites, "testsuite", name=feature, file=file,
                              tests=str(len(scenarios)),
                              failures=str(sum(s.status == "failed" for s in scenarios)),
                              skipped=str(sum(s.status == "skipped" for s in scenarios)),
                              timestamp=results.checked_at)
        for s in scenarios:
            case = ET.SubElement(suite, "testcase", name=s.scenario, file=s.file,
                                 line=str(s.line),
                                 classname=f"{feature}.{s.rule}" if s.rule else feature)
            details = "\n".join(line for v in s.violations for line in violation_text(v))
            if s.status == "failed":
                failure = ET.SubElement(case, "failure", type="RuleViolated",
                                        message=s.violations[0].message)
                failure.text = details
            elif s.status == "skipped":
                ET.SubElement(case, "skipped")
            elif s.status == "warned":
                ET.SubElement(case, "system-out").text = "WARNING (@warning)\n" + details
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def as_html(results: Results) -> str:
    e = html.escape
    rows = []
    for s in results.scenarios:
        items = "".join(
            f"<li><strong>[{e(v.initiative)}]</strong> {e(v.message)}<br><small>{e(v.step)} "
            f"(line {v.step_line})</small><ul>"
            + "".join(f'<li><a href="{e(ev["url"])}">#{ev["position"]} {e(ev["type"])}</a> '
                      f"effective {e(ev['effective_at'][:16])}, recorded "
                      f"{e(ev['recorded_at'][:16])}, by {e(ev['actor'])}</li>" for ev in v.events)
            + "</ul></li>" for v in s.violations)
        rows.append(f'<tr class="{s.status}"><td>{MARK[s.status]}</td><td>{e(where(s))}'
                    f"{'<ul>' + items + '</ul>' if items else ''}</td></tr>")
    return ("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">"
            "<title>Tandem rules check</title><style>body{font-family:sans-serif}"
            ".failed td:first-child{color:#b00}.warned td:first-child{color:#a60}"
            ".passed td:first-child{color:#070}td{vertical-align:top;padding:4px}</style>"
            f"<h1>Rules check</h1><p>{e(summary(results))} — as of "
            f"{e(results.as_of or results.checked_at)}</p><table>{''.join(rows)}</table></html>\n")


def render(results: Results, fmt: str) -> str:
    import json

    if fmt == "json":
        return json.dumps(as_json(results), ensure_ascii=False, indent=2) + "\n"
    return {"text": as_text, "junit": as_junit, "html": as_html}[fmt](results)


def errors_text(errors: list[RuleFileError]) -> str:
    return "\n".join(e.describe() for e in errors) + "\n"


def audit_report(read: RuleSource, as_of: datetime | None = None, root: str | Path = ".",
                 link: Link = no_link) -> dict[str, Any] | None:
    """For the audit export: the adopted-rules check as JSON-ready data, or None when no
    initiative has adopted rules. Unusable rule files are reported, not raised."""
    try:
        results = check_adopted(read, None, as_of, root, link)
    except UnusableRules as error:
        return {"exit_code": 2, "errors": [e.as_dict() for e in error.errors]}
    if not results.adopted:
        return None
    return as_json(results)
