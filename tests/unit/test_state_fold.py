"""The state folds, without storage: order of input does not matter, effective time does."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import Any

from projections.envelope import Envelope, db_time
from projections.responsibilities import matrix
from projections.state import fold

T0 = datetime(2026, 3, 1, 9, tzinfo=timezone.utc)


def row(position: int, change: str, area: str = "", person: str = "", role: str = "",
        hours: float = 0) -> dict[str, Any]:
    return {"position": position, "change": change, "area": area, "person": person, "role": role,
            "effective_at": db_time(T0 + timedelta(hours=hours))}


def envelope(position: int, type_: str, hours: float, **data: Any) -> Envelope:
    return Envelope(position=position, type=type_, initiative="i", actor="kathi",
                    effective_at=T0 + timedelta(hours=hours),
                    recorded_at=T0 + timedelta(days=position), data=data)


def test_the_matrix_applies_changes_in_effective_time_whatever_the_input_order():
    rows = [
        row(1, "assign", "tech", "jonas", "A", hours=5),
        row(2, "form", person="jonas,miriam", hours=1),
        row(3, "release", "tech", "jonas", "A", hours=5),   # same moment, recorded later
        row(4, "assign", "tech", "thomas", "R", hours=2),
        row(5, "assign", "ops", "miriam", "A", hours=0),    # recorded late, took effect first
        row(6, "dissolve", hours=9),
        row(7, "form", person="lena,sabine", hours=10),
    ]
    expected = matrix(rows)
    for seed in range(5):
        shuffled = rows[:]
        random.Random(seed).shuffle(shuffled)
        assert matrix(shuffled) == expected
    assert expected["tandem"] == ["lena", "sabine"]
    areas = {a["area"]: a for a in expected["areas"]}
    assert areas["tech"]["accountable"] is None and areas["tech"]["responsible"] == ["thomas"]
    assert [w["code"] for w in areas["tech"]["warnings"]] == ["no-accountable"]
    assert areas["ops"]["accountable"] == "miriam" and areas["ops"]["warnings"] == []


def test_an_accountable_for_more_areas_than_the_limit_is_flagged_in_each():
    rows = [row(n, "assign", f"area-{n}", "jonas", "A") for n in range(1, 4)]
    assert matrix(rows, accountable_limit=3)["overloaded"] == []
    flagged = matrix(rows, accountable_limit=2)
    assert flagged["overloaded"] == [{"person": "jonas", "areas": 3}]
    assert all(a["warnings"][0]["code"] == "accountable-overload" for a in flagged["areas"])


def test_the_state_fold_orders_by_effect_and_marks_superseded_revoked_and_overdue():
    events = [
        envelope(1, "InitiativeOpened", 0, initiative="i", title="T", sponsor="kathi",
                 units=["it", "ops"], escalation_path=["kathi", "petra"]),
        envelope(2, "GoalSet", 1, statement="One", reason="", agreed_by=["kathi"]),
        envelope(3, "GoalRevised", 3, statement="Two", reason="Pilot", agreed_by=["kathi"]),
        envelope(4, "GoalSet", 2, statement="Late", reason="", agreed_by=["kathi"]),
        envelope(5, "DecisionTaken", 4, decision="d1", title="A", scope="s", option="a",
                 decided_by=["kathi"], basis={"kind": "sponsor", "id": "kathi"},
                 supersedes=None, proposal=None),
        envelope(6, "DecisionTaken", 5, decision="d2", title="B", scope="s", option="b",
                 decided_by=["kathi"], basis={"kind": "sponsor", "id": "kathi"},
                 supersedes="d1", proposal=None),
        envelope(7, "DecisionRevoked", 6, decision="d2", reason="No"),
        envelope(8, "EscalationRaised", 1, escalation="e1", topic="t", options=[],
                 raised_by="jonas", level=1, addressed_to="kathi",
                 due_at=(T0 + timedelta(hours=10)).isoformat()),
    ]
    late = fold(list(reversed(events)), T0 + timedelta(hours=11))
    assert late["goal"]["statement"] == "Two" and late["goal"]["version"] == 3
    assert late["decisions"]["d1"]["status"] == "superseded"
    assert late["decisions"]["d1"]["superseded_by"] == "d2"
    assert late["decisions"]["d2"]["status"] == "revoked"
    assert late["escalations"]["e1"]["overdue"]
    assert not fold(events, T0 + timedelta(hours=9))["escalations"]["e1"]["overdue"]
    assert late["events"] == 8 and late["last_position"] == 8
