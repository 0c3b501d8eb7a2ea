"""Vietnam working-day arithmetic on real dates (engine.calendar)."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from engine.calendar import (
    TIMEZONE,
    WorkCalendar,
    load_calendar,
    local_deadline,
    local_moment,
    to_local,
)
from engine.errors import InvalidInput

SHIPPED = Path(__file__).resolve().parents[1] / "processes" / "calendar.yaml"


@pytest.fixture(scope="module")
def official(tmp_path_factory: pytest.TempPathFactory) -> WorkCalendar:
    """Statutory holidays only: the override file does not exist."""
    return load_calendar(tmp_path_factory.mktemp("calendar") / "missing.yaml")


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "calendar.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_tet_2021_is_off_and_plus_one_lands_after_it(official: WorkCalendar) -> None:
    assert not any(official.is_working_day(d) for d in _days(date(2021, 2, 10), date(2021, 2, 16)))
    last_before = official.previous_working_day(date(2021, 2, 10))
    assert last_before == date(2021, 2, 9)
    assert official.add_working_days(last_before, 1) == date(2021, 2, 17)
    assert official.next_working_day(last_before) == date(2021, 2, 17)


def test_tet_2026_is_16_to_20_february(official: WorkCalendar) -> None:
    assert not any(official.is_working_day(d) for d in _days(date(2026, 2, 16), date(2026, 2, 20)))
    assert official.is_working_day(date(2026, 2, 13))
    assert official.is_working_day(date(2026, 2, 23))
    assert official.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert official.working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1


@pytest.mark.parametrize(
    ("days_off", "working"),
    [
        ([date(2020, 9, 2)], [date(2020, 9, 1), date(2020, 9, 3)]),
        ([date(2021, 9, 2), date(2021, 9, 3)], [date(2021, 9, 1)]),
        ([date(2022, 9, 1), date(2022, 9, 2)], [date(2022, 8, 31)]),
        ([date(2023, 9, 1), date(2023, 9, 4)], [date(2023, 8, 31), date(2023, 9, 5)]),
        ([date(2024, 9, 2), date(2024, 9, 3)], [date(2024, 9, 4)]),
        ([date(2025, 9, 1), date(2025, 9, 2)], [date(2025, 9, 3)]),
    ],
)
def test_national_day_and_its_adjacent_day(
    official: WorkCalendar, days_off: list[date], working: list[date]
) -> None:
    assert [official.is_working_day(d) for d in days_off] == [False] * len(days_off)
    assert [official.is_working_day(d) for d in working] == [True] * len(working)


def test_plus_one_from_friday_is_monday_unless_monday_is_off(official: WorkCalendar) -> None:
    assert official.add_working_days(date(2021, 12, 17), 1) == date(2021, 12, 20)
    # Hùng Kings' day 2022 fell on Sunday 10 April, so Monday 11 April was off.
    assert official.add_working_days(date(2022, 4, 8), 1) == date(2022, 4, 12)


def test_deadline_on_a_saturday_rolls_to_monday(official: WorkCalendar) -> None:
    assert official.add_working_days(date(2021, 12, 25), 0) == date(2021, 12, 27)
    assert official.add_working_days(date(2021, 12, 24), 0) == date(2021, 12, 24)
    # 30/4/2022 was a Saturday and 1/5 a Sunday: both were repaid on 2 and 3 May.
    assert official.add_working_days(date(2022, 4, 30), 0) == date(2022, 5, 4)


def test_five_working_days_before_christmas_2021(official: WorkCalendar) -> None:
    assert official.add_working_days(date(2021, 12, 25), -5) == date(2021, 12, 20)
    assert official.working_days_between(date(2021, 12, 25), date(2021, 12, 20)) == -5


def test_working_days_between_inverts_add(official: WorkCalendar) -> None:
    for start in _days(date(2021, 2, 5), date(2021, 2, 20)):
        for n in range(-7, 8):
            end = official.add_working_days(start, n)
            if n != 0:
                assert official.working_days_between(start, end) == n, (start, n)
    assert official.working_days_between(date(2021, 2, 9), date(2021, 2, 9)) == 0


def test_datetime_variant_keeps_local_time_and_returns_utc(official: WorkCalendar) -> None:
    ready = datetime(2021, 2, 9, 14, 30, tzinfo=TIMEZONE)
    due = official.add_working_days_at(ready, 1)
    assert due == datetime(2021, 2, 17, 7, 30, tzinfo=UTC)
    assert due.tzinfo is UTC
    assert to_local(due).hour == 14


def test_datetime_variant_counts_on_the_local_date(official: WorkCalendar) -> None:
    # 18:00 UTC on Friday 24 December 2021 is 01:00 on Saturday the 25th in Hà Nội.
    moment = datetime(2021, 12, 24, 18, 0, tzinfo=UTC)
    assert official.add_working_days_at(moment, 0) == datetime(2021, 12, 26, 18, 0, tzinfo=UTC)


def test_naive_datetimes_are_refused(official: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="naive"):
        official.add_working_days_at(datetime(2021, 1, 4, 9, 0), 1)
    with pytest.raises(ValueError, match="naive"):
        to_local(datetime(2021, 1, 4, 9, 0))


def test_a_date_deadline_is_the_end_of_the_last_working_day_before_it(
    official: WorkCalendar,
) -> None:
    def before(year: int, month: int, day: int) -> datetime:
        return to_local(local_deadline(year, month, day, calendar=official))

    # "trước 25/12/2021": 25/12 is a Saturday, so by Friday 24/12 at 17:00 in Hà Nội
    assert before(2021, 12, 25) == datetime(2021, 12, 24, 17, 0, tzinfo=TIMEZONE)
    assert local_deadline(2021, 12, 25, calendar=official) == datetime(
        2021, 12, 24, 10, 0, tzinfo=UTC
    )
    # "trước 31/12/2021" (a Friday): Thursday 30/12 at 17:00
    assert before(2021, 12, 31) == datetime(2021, 12, 30, 17, 0, tzinfo=TIMEZONE)
    # before 17/02/2021, the Wednesday after Tết: the last working day was 09/02
    assert before(2021, 2, 17) == datetime(2021, 2, 9, 17, 0, tzinfo=TIMEZONE)


def test_the_end_of_the_nth_working_day_is_17_00_in_hanoi(official: WorkCalendar) -> None:
    # 15 working days from the start of 2021 (Friday 1/1 is a holiday): Friday 22/01
    assert to_local(official.end_of_working_day(date(2021, 1, 1), 15)) == datetime(
        2021, 1, 22, 17, 0, tzinfo=TIMEZONE
    )
    # before 1/7/2021 (a Thursday): Wednesday 30/06
    assert to_local(official.end_of_working_day(date(2021, 7, 1), -1)) == datetime(
        2021, 6, 30, 17, 0, tzinfo=TIMEZONE
    )


def test_a_deadline_with_a_time_is_that_wall_clock_time(official: WorkCalendar) -> None:
    moment = local_deadline(2021, 12, 25, 16, 30, calendar=official)
    assert moment == datetime(2021, 12, 25, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2024-03-01", datetime(2024, 3, 1, tzinfo=TIMEZONE)),
        (date(2024, 3, 1), datetime(2024, 3, 1, tzinfo=TIMEZONE)),
        ("2024-03-01T09:30", datetime(2024, 3, 1, 9, 30, tzinfo=TIMEZONE)),
        ("2024-03-01T09:30:00+00:00", datetime(2024, 3, 1, 9, 30, tzinfo=UTC)),
    ],
)
def test_a_moment_given_as_a_date_is_the_start_of_that_day_in_hanoi(
    given: object, expected: datetime
) -> None:
    assert local_moment(given) == expected  # type: ignore[arg-type]
    assert local_moment(given).tzinfo == UTC  # type: ignore[arg-type]


def test_beyond_the_loaded_years_the_statutory_holidays_alone_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calendar = load_calendar(SHIPPED)  # 2020-2030
    with caplog.at_level(logging.WARNING, logger="engine.calendar"):
        assert calendar.next_working_day(date(2030, 12, 31)) == date(2031, 1, 2)  # 1/1 off
        tet_2031 = _days(date(2031, 1, 21), date(2031, 1, 27))
        assert not any(calendar.is_working_day(day) for day in tet_2031)
        assert calendar.add_working_days(date(2031, 1, 20), 1) == date(2031, 1, 28)
        assert calendar.is_working_day(date(2031, 3, 3))
        assert not calendar.is_working_day(date(2032, 1, 1))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2  # once for 2031, once for 2032, however many calls
    assert "2031" in warnings[0] and "2032" in warnings[1]


def test_overrides_from_yaml(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "extra_holidays:\n  2024-05-06: bridge day\n"
        "removed_holidays:\n  '2024-09-03': not off after all\n"
        "working_weekends:\n  2024-05-04: repays 29 April\n",
    )
    calendar = load_calendar(path, years=[2024])
    assert calendar.is_working_day(date(2024, 5, 4))
    assert calendar.add_working_days(date(2024, 5, 3), 1) == date(2024, 5, 4)
    assert not calendar.is_working_day(date(2024, 5, 6))
    assert calendar.names[date(2024, 5, 6)] == "bridge day"
    assert calendar.is_working_day(date(2024, 9, 3))
    assert not calendar.is_working_day(date(2024, 9, 2))


def test_default_path_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, "working_weekends:\n  2021-02-20: repays a Tết day\n")
    monkeypatch.setenv("GOVFLOW_CALENDAR", str(path))
    assert load_calendar(years=[2021]).is_working_day(date(2021, 2, 20))


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("holidays_extra:\n  2024-05-06: x\n", "holidays_extra"),
        ("extra_holidays:\n  2021-02-30: no such day\n", "extra_holidays.2021-02-30"),
        ("extra_holidays:\n  '2021-2-3': unpadded\n", "extra_holidays.2021-2-3"),
        ("extra_holidays:\n  20210203: a number\n", "extra_holidays.20210203"),
        ("extra_holidays:\n  2021-02-03:\n", "extra_holidays.2021-02-03"),
        ("working_weekends:\n  2024-05-06: a Monday\n", "working_weekends.2024-05-06"),
        ("removed_holidays:\n  - 2024-09-03\n", "removed_holidays"),
        ("removed_holidays:\n  2024-09-04: not a holiday\n", "removed_holidays.2024-09-04"),
        ("- just a list\n", "calendar"),
        ("extra_holidays: [unclosed\n", "calendar"),
    ],
)
def test_yaml_errors_name_the_field(tmp_path: Path, text: str, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        load_calendar(_write(tmp_path, text), years=[2021, 2024])
    assert caught.value.details["field"] == field


def test_shipped_calendar_loads_with_the_announced_swaps() -> None:
    calendar = load_calendar(SHIPPED)
    assert calendar.is_working_day(date(2024, 5, 4))
    assert not calendar.is_working_day(date(2025, 5, 2))
    assert calendar.is_working_day(date(2025, 4, 26))
    assert not calendar.is_working_day(date(2026, 1, 2))
    assert calendar.is_working_day(date(2026, 1, 10))
    assert not calendar.is_working_day(date(2026, 8, 31))
    assert calendar.is_working_day(date(2026, 8, 22))
