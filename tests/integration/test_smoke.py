from tests.support.clock import utc


def test_a_recorded_decision_appears_in_the_register(tandem):
    for person, unit in (("kathi", "it"), ("jonas", "it"), ("miriam", "ops")):
        tandem.record(tandem.app.register_person, actor="ada", person=person, name=person, unit=unit,
                      role="member")
    tandem.record(tandem.app.open_initiative, actor="ada", initiative="portal", title="Portal",
                  sponsor="kathi", units=["it", "ops"], escalation_path=["kathi"],
                  effective_at=utc(2026, 1, 5))
    [envelope] = tandem.record(tandem.app.take_decision, actor="kathi", initiative="portal", decision="d1", scope="planning",
        title="Pilot first", option="a", rationale="Less risk", decided_by=["kathi"],
        options=[{"key": "a", "title": "A"}, {"key": "b", "title": "B"}])
    assert envelope["type"] == "DecisionTaken"
    [decision] = tandem.read.decisions(initiative="portal")
    assert decision["basis"] == {"kind": "sponsor", "id": "kathi"}
    assert decision["status"] == "in_force"
