"""Working-time calendars: validation, inheritance, and the scheduling engine's calendar."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tripod.core.calendars import (
    calendar_base_clean,
    calendar_create,
    calendar_effective_hours,
    calendar_exception_add,
    calendar_exception_clean,
    calendar_to_engine,
    calendar_update,
    calendar_working_hours_clean,
)
from tripod.core.errors import ValidationFailed
from tripod.scheduling import calendars as engine

pytestmark = pytest.mark.django_db

WEEKDAYS_9_TO_6 = {str(d): [["09:00", "12:00"], ["13:00", "18:00"]] for d in range(5)} | {"5": [], "6": []}


def error_of(value):
    with pytest.raises(ValidationFailed) as exc:
        calendar_working_hours_clean(value)
    assert list(exc.value.errors) == ["working_hours"]
    return str(exc.value.errors["working_hours"][0])


def test_valid_hours_are_normalised():
    assert calendar_working_hours_clean({0: [(" 09:00", "12:00")], "6": [], "2": [["22:00", "24:00"]]}) == {
        "0": [["09:00", "12:00"]],
        "2": [["22:00", "24:00"]],
        "6": [],
    }
    assert calendar_working_hours_clean(None) == {}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"7": []}, "7 is not a weekday"),
        ({"mon": []}, "mon is not a weekday"),
        ({"0": [["9:00", "12:00"]]}, "Monday: each interval is two times"),
        ({"1": [["09:00", "25:00"]]}, "Tuesday: each interval"),
        ({"2": [["09:00"]]}, "Wednesday: each interval"),
        ({"3": "09:00-12:00"}, "Thursday: give a list"),
        ({"4": [["12:00", "09:00"]]}, "Friday: 12:00-09:00 must end after it starts"),
        ({"5": [["09:00", "09:00"]]}, "Saturday: 09:00-09:00 must end after"),
        ({"6": [["13:00", "17:00"], ["09:00", "12:00"]]}, "Sunday: intervals must be in order and must not overlap"),
        ({"0": [["09:00", "13:00"], ["12:00", "17:00"]]}, "Monday: intervals must be in order"),
        (["09:00"], "Give working hours per weekday"),
    ],
)
def test_invalid_hours_name_field_and_weekday(value, expected):
    assert expected in error_of(value)


def test_touching_intervals_are_allowed():
    calendar_working_hours_clean({"0": [["09:00", "12:00"], ["12:00", "13:00"]]})


def test_exception_validation():
    with pytest.raises(ValidationFailed) as exc:
        calendar_exception_clean(start_date=date(2026, 10, 7), end_date=date(2026, 10, 1), working=False, hours=[])
    assert list(exc.value.errors) == ["end_date"]
    with pytest.raises(ValidationFailed) as exc:
        calendar_exception_clean(start_date=date(2026, 10, 10), end_date=date(2026, 10, 10), working=True, hours=[])
    assert "2026-10-10" in str(exc.value.errors["hours"][0])
    with pytest.raises(ValidationFailed):
        calendar_exception_clean(
            start_date=date(2026, 10, 1), end_date=date(2026, 10, 1), working=False, hours=[["09:00", "12:00"]]
        )


@pytest.fixture
def china(admin):
    return calendar_create(actor=admin, name="China office", working_hours=WEEKDAYS_9_TO_6)


def test_inheritance_takes_missing_weekdays_from_the_base(admin, china):
    shift = calendar_create(
        actor=admin, name="Support shift", base=china, working_hours={"5": [["10:00", "16:00"]], "0": []}
    )
    hours = calendar_effective_hours(shift)
    assert hours[0] == ()
    assert hours[1] == (("09:00", "12:00"), ("13:00", "18:00"))
    assert hours[5] == (("10:00", "16:00"),)
    assert hours[6] == ()
    # a weekday absent everywhere is a day off
    assert (
        calendar_effective_hours(
            calendar_create(actor=admin, name="Mondays", working_hours={"0": [["09:00", "10:00"]]})
        )[3]
        == ()
    )


def test_base_loops_are_refused(admin, china):
    child = calendar_create(actor=admin, name="Child", base=china, working_hours={})
    with pytest.raises(ValidationFailed) as exc:
        calendar_update(actor=admin, calendar=china, version=china.version, base=child)
    assert list(exc.value.errors) == ["base"]
    with pytest.raises(ValidationFailed):
        calendar_base_clean(china, china)


def test_a_calendar_without_any_working_time_is_refused(admin):
    with pytest.raises(ValidationFailed) as exc:
        calendar_create(actor=admin, name="Never", working_hours={str(d): [] for d in range(7)})
    assert list(exc.value.errors) == ["working_hours"]


def test_update_validates_hours(admin, china):
    with pytest.raises(ValidationFailed) as exc:
        calendar_update(actor=admin, calendar=china, version=china.version, working_hours={"0": [["18:00", "09:00"]]})
    assert "Monday" in str(exc.value.errors["working_hours"][0])
    updated = calendar_update(
        actor=admin, calendar=china, version=china.version, working_hours=WEEKDAYS_9_TO_6 | {"5": [["09:00", "12:00"]]}
    )
    assert updated.version == 2 and calendar_effective_hours(updated)[5] == (("09:00", "12:00"),)


def test_engine_calendar_resolves_inheritance_and_exceptions(admin, china):
    shift = calendar_create(actor=admin, name="Shift", base=china, working_hours={"5": [["10:00", "16:00"]]})
    calendar_exception_add(
        actor=admin, calendar=china, name="National Day", start_date=date(2026, 10, 1), end_date=date(2026, 10, 7)
    )
    calendar_exception_add(
        actor=admin,
        calendar=shift,
        name="Support on duty",
        start_date=date(2026, 10, 3),
        end_date=date(2026, 10, 3),
        working=True,
        hours=[["10:00", "14:00"]],
    )
    cal = calendar_to_engine(shift)
    assert isinstance(cal, engine.Calendar)
    assert cal.uid == shift.pk and cal.base is None
    assert cal.week == {
        0: ((540, 720), (780, 1080)),
        1: ((540, 720), (780, 1080)),
        2: ((540, 720), (780, 1080)),
        3: ((540, 720), (780, 1080)),
        4: ((540, 720), (780, 1080)),
        5: ((600, 960),),
        6: (),
    }
    assert [(e.name, e.working, e.times) for e in cal.exceptions] == [
        ("Support on duty", True, ((600, 840),)),
        ("National Day", False, ()),
    ]
    # The engine agrees: the shift works 4 hours on 3 October and not on the other days of the holiday.
    calendars = engine.CalendarSet({cal.uid: cal}, anchor=datetime(2026, 9, 28))
    assert calendars.day_hours(cal.uid, date(2026, 10, 3)) == ((600, 840),)
    assert calendars.day_hours(cal.uid, date(2026, 10, 2)) == ()
    assert calendars.day_hours(cal.uid, date(2026, 10, 10)) == ((600, 960),)
    week = calendars.working_seconds(cal.uid, datetime(2026, 9, 28), datetime(2026, 10, 5))
    assert week == (3 * 8 + 4) * 3600  # Mon-Wed 8 h; Thu 1 and Fri 2 Oct are holidays; Sat 3 Oct 4 h
