"""The Rules page: each initiative judged against its adopted governance rules (or, when it has
adopted none, the default rule set), each violation linking to the events at fault."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from projections.governance.engine import UnusableRules, adopted_rules, check, check_adopted
from projections.members import Visibility
from projections.queries import ReadModels
from web.auth import Principal
from web.i18n import gettext as _
from web.links import local
from web.pages.render import moment, show

router = APIRouter(include_in_schema=False)


def default_rules() -> Path:
    """features/governance/ of this installation, else of the working directory."""
    shipped = Path(__file__).resolve().parents[2] / "features" / "governance"
    return shipped if shipped.is_dir() else Path.cwd() / "features" / "governance"


def relative(file: str, root: Path) -> str:
    """A rule file's name within its rule set (never a path on the server)."""
    try:
        return Path(file).resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return Path(file).name


def judge(read: ReadModels, initiative: str, as_of: datetime | None) -> dict[str, Any]:
    """One initiative's results against the rules that apply to it."""
    adopted = adopted_rules(read, initiative, as_of)
    try:
        if adopted is not None:
            root = Path(".")
            results = check_adopted(read, initiative, as_of, root=".", link=local)
            source = "adopted"
        else:
            root = default_rules()
            results = check(read, [root], initiative, as_of, link=local)
            source = "default"
    except UnusableRules as error:
        return {"initiative": initiative, "source": "unusable", "adopted": adopted,
                "errors": [e.as_dict() for e in error.errors], "scenarios": [], "counts": {}}
    scenarios = [s for s in results.scenarios if s.status in ("failed", "warned")]
    counts = {status: results.count(status) for status in ("passed", "failed", "warned")}
    entries = {e["position"]: read.event(e["position"]) for s in scenarios
               for v in s.violations for e in v.events}
    return {"initiative": initiative, "source": source, "adopted": adopted, "errors": [],
            "files": results.files, "scenarios": scenarios, "counts": counts,
            "file_names": {s.file: relative(s.file, root) for s in scenarios},
            "entries": entries, "title": read.initiative_row(initiative)["title"]}


@router.get("/rules")
def rules(request: Request) -> Response:
    raw = {"as_of": request.query_params.get("as_of", "").strip(),
           "initiative": request.query_params.get("initiative", "").strip()}

    def build(read: ReadModels, user: Principal, seen: Visibility) -> dict[str, Any]:
        as_of = moment(raw["as_of"], "as_of")
        if raw["initiative"]:
            seen.require(raw["initiative"])
            read.initiative_row(raw["initiative"])
            ids = [raw["initiative"]]
        else:
            ids = [i["initiative"] for i in read.initiatives(hidden=seen.hidden)]
        return {"title": _("Governance rules"), "raw": raw,
                "results": [judge(read, iid, as_of) for iid in ids]}
    return show(request, "rules.html", build)
