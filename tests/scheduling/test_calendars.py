"""Calendars: weekly hours, night shifts, exceptions (also recurring), work weeks, base calendars."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tripod.scheduling.calendars import (
    Calendar,
    CalendarException,
    CalendarSet,
    Recurrence,
    RecurrenceKind,
    WorkWeek,
    from_seconds,
    interval,
    to_seconds,
)
from tripod.scheduling.errors import ModelError


def add(cals: CalendarSet, uid: int, start: datetime, minutes: int) -> datetime:
    idx = cals.index(uid)
    return from_seconds(idx.finish_at(idx.index(to_seconds(start)) + minutes * 60))


def test_standard_day_has_two_intervals_and_skips_the_weekend() -> None:
    cals = CalendarSet({1: Calendar.standard()}, datetime(2024, 1, 8))
    assert add(cals, 1, datetime(2024, 1, 8, 8), 240) == datetime(2024, 1, 8, 12)
    assert add(cals, 1, datetime(2024, 1, 8, 8), 300) == datetime(2024, 1, 8, 14)
    assert add(cals, 1, datetime(2024, 1, 12, 8), 960) == datetime(2024, 1, 15, 17)


def test_finish_and_next_start_are_the_same_working_instant() -> None:
    cals = CalendarSet({1: Calendar.standard()}, datetime(2024, 1, 8))
    assert cals.working_seconds(1, datetime(2024, 1, 12, 17), datetime(2024, 1, 15, 8)) == 0
    idx = cals.index(1)
    pos = idx.index(to_seconds(datetime(2024, 1, 12, 17)))
    assert from_seconds(idx.start_at(pos)) == datetime(2024, 1, 15, 8)
    assert from_seconds(idx.finish_at(pos)) == datetime(2024, 1, 12, 17)


def test_night_shift_crosses_midnight() -> None:
    night = Calendar(uid=2, name="Night", week={d: ((interval(22 * 60, 6 * 60),) if d < 5 else ()) for d in range(7)})
    cals = CalendarSet({2: night}, datetime(2024, 1, 8))
    assert add(cals, 2, datetime(2024, 1, 8, 22), 480) == datetime(2024, 1, 9, 6)
    # Friday's shift ends Saturday 06:00; the next one starts Monday 22:00.
    assert add(cals, 2, datetime(2024, 1, 12, 22), 600) == datetime(2024, 1, 16, 0)


def test_interval_rejects_times_outside_a_day() -> None:
    with pytest.raises(ModelError):
        interval(1500, 60)


def test_holiday_and_extra_working_day() -> None:
    cal = Calendar.standard()
    cal.exceptions = [
        CalendarException(date(2024, 1, 9), date(2024, 1, 9), name="holiday"),
        CalendarException(date(2024, 1, 13), date(2024, 1, 13), working=True, times=((540, 780),)),
    ]
    cals = CalendarSet({1: cal}, datetime(2024, 1, 8))
    assert add(cals, 1, datetime(2024, 1, 8, 8), 960) == datetime(2024, 1, 10, 17)
    assert add(cals, 1, datetime(2024, 1, 12, 8), 600) == datetime(2024, 1, 13, 11)


@pytest.mark.parametrize(
    ("recurrence", "expected"),
    [
        (Recurrence(RecurrenceKind.DAILY, interval=2), [date(2024, 1, 1), date(2024, 1, 3), date(2024, 1, 5)]),
        (Recurrence(RecurrenceKind.WEEKLY, weekdays=frozenset({4})), [date(2024, 1, 5)]),
        (Recurrence(RecurrenceKind.MONTHLY_DAY, month_day=31), [date(2024, 1, 31)]),
        (Recurrence(RecurrenceKind.MONTHLY_POSITION, position=5, weekday=0), [date(2024, 1, 29)]),
        (Recurrence(RecurrenceKind.YEARLY_DAY, month=1, month_day=1), [date(2024, 1, 1)]),
        (Recurrence(RecurrenceKind.YEARLY_POSITION, month=1, position=2, weekday=0), [date(2024, 1, 8)]),
    ],
)
def test_recurrence_kinds(recurrence: Recurrence, expected: list[date]) -> None:
    assert recurrence.dates(date(2024, 1, 1), date(2024, 1, 31))[: len(expected)] == expected


def test_recurring_yearly_holiday_over_years_and_occurrences() -> None:
    christmas = Recurrence(RecurrenceKind.YEARLY_DAY, month=12, month_day=25, occurrences=2)
    assert christmas.dates(date(2023, 1, 1), date(2030, 12, 31)) == [date(2023, 12, 25), date(2024, 12, 25)]
    cal = Calendar.standard()
    cal.exceptions = [CalendarException(date(2023, 1, 1), date(2030, 12, 31), recurrence=christmas)]
    cals = CalendarSet({1: cal}, datetime(2024, 12, 23))
    assert cals.day_hours(1, date(2024, 12, 25)) == ()
    assert cals.day_hours(1, date(2025, 12, 25)) != ()


def test_derived_calendar_inherits_week_and_base_exceptions() -> None:
    base = Calendar.standard()
    base.exceptions = [CalendarException(date(2024, 1, 10), date(2024, 1, 10))]
    derived = Calendar(uid=5, name="part-time", base=1, week={4: ()})
    cals = CalendarSet({1: base, 5: derived}, datetime(2024, 1, 8))
    assert cals.day_hours(5, date(2024, 1, 8)) == ((480, 720), (780, 1020))
    assert cals.day_hours(5, date(2024, 1, 10)) == ()
    assert cals.day_hours(5, date(2024, 1, 12)) == ()
    own = CalendarException(date(2024, 1, 10), date(2024, 1, 10), working=True, times=((600, 660),))
    derived.exceptions = [own]
    cals = CalendarSet({1: base, 5: derived}, datetime(2024, 1, 8))
    assert cals.day_hours(5, date(2024, 1, 10)) == ((600, 660),)


def test_work_week_overrides_default_week() -> None:
    cal = Calendar.standard()
    cal.work_weeks = [WorkWeek(date(2024, 7, 1), date(2024, 8, 31), {4: ((480, 720),)}, "summer")]
    cals = CalendarSet({1: cal}, datetime(2024, 1, 8))
    assert cals.day_hours(1, date(2024, 7, 5)) == ((480, 720),)
    assert cals.day_hours(1, date(2024, 9, 6)) == ((480, 720), (780, 1020))


def test_base_loop_and_unknown_base_are_errors() -> None:
    with pytest.raises(ModelError, match="loop"):
        CalendarSet({1: Calendar(uid=1, base=2), 2: Calendar(uid=2, base=1)}, datetime(2024, 1, 8))
    with pytest.raises(ModelError, match="unknown base"):
        CalendarSet({1: Calendar(uid=1, base=9)}, datetime(2024, 1, 8))


def test_calendar_without_working_time_is_an_error() -> None:
    cals = CalendarSet({1: Calendar(uid=1, week={d: () for d in range(7)})}, datetime(2024, 1, 8))
    with pytest.raises(ModelError, match="no working time"):
        cals.index(1)


def test_index_grows_far_into_the_future_and_past() -> None:
    cals = CalendarSet({1: Calendar.standard()}, datetime(2024, 1, 8))
    assert add(cals, 1, datetime(2024, 1, 8, 8), 480 * 260 * 20) > datetime(2043, 1, 1)
    idx = cals.index(1)
    assert from_seconds(idx.start_at(-480 * 60 * 260 * 5)) < datetime(2019, 2, 1)
