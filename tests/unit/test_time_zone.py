"""Times are stored in UTC, shown in the site's time zone with its name, and read from forms
and page parameters in that zone; numbers are read with the language's decimal separator."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from web import i18n
from web.params import moment
from web.settings import Settings, SettingsError


@pytest.fixture(autouse=True)
def berlin() -> None:
    i18n.use_zone("Europe/Berlin")


def test_a_time_is_shown_in_the_zone_with_its_name() -> None:
    i18n.use("de")
    assert i18n.when("2026-11-20T09:00:00+00:00") == "20.11.2026 10:00 MEZ"
    assert i18n.when("2026-07-20T09:00:00+00:00") == "20.07.2026 11:00 MESZ"
    i18n.use("en")
    assert i18n.when("2026-11-20T09:00:00+00:00").endswith("10:00\u202fAM CET")


def test_the_day_of_a_late_entry_is_the_local_day() -> None:
    assert i18n.local_day("2026-11-20T23:30:00+00:00") == "2026-11-21"


def test_a_time_attribute_is_utc_in_whole_seconds() -> None:
    assert i18n.iso("2026-11-20T09:00:00.123456+00:00") == "2026-11-20T09:00:00Z"
    assert i18n.iso(datetime(2026, 11, 20, 10, tzinfo=i18n.zone())) == "2026-11-20T09:00:00Z"


def test_a_form_time_is_read_in_the_zone_and_an_explicit_offset_is_kept() -> None:
    assert i18n.form_time("2026-11-20T10:00") == "2026-11-20T10:00:00+01:00"
    assert i18n.form_time("2026-07-20T10:00") == "2026-07-20T10:00:00+02:00"
    assert i18n.form_time("2026-11-20T10:00+00:00") == "2026-11-20T10:00+00:00"
    assert i18n.form_time("gestern") == "gestern"
    i18n.use_zone("UTC")
    assert i18n.form_time("2026-11-20T10:00") == "2026-11-20T10:00:00+00:00"


def test_a_number_is_read_with_the_language_s_decimal_separator() -> None:
    i18n.use("de")
    assert i18n.form_number("4,3") == "4.3"
    assert i18n.form_number("1.234,5") == "1234.5"
    i18n.use("en")
    assert i18n.form_number("4.3") == "4.3"
    assert i18n.form_number("4,3") == "4,3"  # refused by the command, never read as 43


def test_a_page_date_means_the_local_day() -> None:
    end = moment("2026-11-20", "as_of", zone=i18n.zone())
    assert end == datetime(2026, 11, 20, 22, 59, 59, 999999, tzinfo=timezone.utc)
    assert moment("2026-11-20", "as_of") == datetime(2026, 11, 20, 23, 59, 59, 999999,
                                                     tzinfo=timezone.utc)


def test_the_time_zone_is_a_setting_checked_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TANDEM_TIMEZONE", raising=False)
    assert Settings.from_env().timezone == "Europe/Berlin"
    monkeypatch.setenv("TANDEM_TIMEZONE", "America/New_York")
    assert Settings.from_env().timezone == "America/New_York"
    monkeypatch.setenv("TANDEM_TIMEZONE", "Mars/Olympus")
    with pytest.raises(SettingsError, match="TANDEM_TIMEZONE"):
        Settings.from_env()
