from datetime import datetime, timedelta, timezone

import pytest

from domain import values as v
from domain.errors import InvalidInput, RuleViolation


@pytest.mark.parametrize(("mandate", "decision", "covered"), [
    ("technology", "technology", True),
    ("technology", "technology/ordering", True),
    ("technology", "technology-ops", False),
    ("technology/ordering", "technology", False),
    ("*", "anything/at/all", True),
    ("tech", "technology", False),
])
def test_a_mandate_scope_covers_equal_scopes_path_prefixes_and_star(mandate, decision, covered):
    assert v.covers(mandate, decision) is covered


@pytest.mark.parametrize("bad", ["", "Upper", "-dash", "a b", "x" * 65, None, 3, "ü"])
def test_ids_are_lowercase_slugs(bad):
    with pytest.raises(InvalidInput) as error:
        v.slug(bad, "id")
    assert error.value.fields == {"id": error.value.detail}


def test_effective_time_defaults_to_now_and_may_lie_in_the_past():
    now = datetime(2026, 5, 1, 12, tzinfo=timezone.utc)
    assert v.effective(None, now) == now
    assert v.effective("2026-03-01", now) == datetime(2026, 3, 1, tzinfo=timezone.utc)
    assert v.effective("2026-03-01T10:00:00+01:00", now) == datetime(2026, 3, 1, 9, tzinfo=timezone.utc)


def test_effective_time_is_at_most_five_minutes_ahead_and_not_before_opening():
    now = datetime(2026, 5, 1, 12, tzinfo=timezone.utc)
    assert v.effective(now + timedelta(minutes=4), now) == now + timedelta(minutes=4)
    with pytest.raises(RuleViolation) as ahead:
        v.effective(now + timedelta(minutes=6), now)
    assert ahead.value.rule == "effective-time"
    with pytest.raises(RuleViolation):
        v.effective("2026-01-01", now, not_before=datetime(2026, 2, 1, tzinfo=timezone.utc))


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", "", 12])
def test_unreadable_times_are_invalid_input_naming_the_field(bad):
    with pytest.raises(InvalidInput) as error:
        v.parse_time(bad, "due_at")
    assert "due_at" in error.value.fields


def test_options_need_two_distinct_keys():
    with pytest.raises(RuleViolation) as error:
        v.check_options(v.options([{"key": "a", "title": "A"}, {"key": "a", "title": "Again"}]))
    assert error.value.rule == "options-offered"
    v.check_options(v.options([{"key": "a", "title": "A"}, {"key": "b", "title": "B"}]))


@pytest.mark.parametrize("value", ["nan", "inf", True, [1], "three"])
def test_measurements_are_finite_numbers(value):
    with pytest.raises(InvalidInput):
        v.number(value, "value")
