"""domain/ imports only the standard library and eventsourcing."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
ALLOWED = {"eventsourcing", "domain", "__future__"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_domain_imports_only_the_standard_library_and_eventsourcing() -> None:
    offenders = {}
    for path in sorted(DOMAIN.glob("*.py")):
        foreign = {
            root for root in imported_roots(path)
            if root not in ALLOWED and root not in sys.stdlib_module_names
        }
        if foreign:
            offenders[path.name] = sorted(foreign)
    assert offenders == {}


def test_the_import_check_notices_a_foreign_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("import fastapi\nfrom projections import db\nimport json\n")
    assert imported_roots(module) - sys.stdlib_module_names == {"fastapi", "projections"}
