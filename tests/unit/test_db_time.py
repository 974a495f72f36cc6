"""The read models' time text: fixed width, UTC, the same text as `DB_TIME` says."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from projections.envelope import DB_TIME, db_time


def test_db_time_is_the_fixed_width_utc_text_of_db_time() -> None:
    cet = timezone(timedelta(hours=1))
    for moment in (datetime(2026, 11, 22, 6, 42, 24, 123456, tzinfo=timezone.utc),
                   datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc),
                   datetime(2026, 1, 5, 0, 30, 0, 7, tzinfo=cet),
                   datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=cet)):
        expected = moment.astimezone(timezone.utc).strftime(DB_TIME)
        assert db_time(moment) == expected
        assert len(db_time(moment)) == len("2026-01-05T09:00:00.000000+00:00")
