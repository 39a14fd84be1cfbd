"""MSPDI read and write: the model read back from a written file is the model written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tripod.scheduling import (
    Calendar,
    CalendarException,
    ConstraintType,
    LagUnit,
    MspdiError,
    Recurrence,
    RecurrenceKind,
    TaskKind,
    read_mspdi,
    schedule,
)
from tripod.scheduling.mspdi_write import write_mspdi

from .build import at, link, project, task
from .oracle import TESTDATA

FILES = sorted(TESTDATA.glob("*.xml"))


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_read_write_read_gives_the_same_model(path: Path) -> None:
    model = read_mspdi(path)
    assert read_mspdi(write_mspdi(model)) == model


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_written_schedule_reschedules_to_the_same_dates(path: Path) -> None:
    model = read_mspdi(path)
    result = schedule(model)
    again = schedule(read_mspdi(write_mspdi(model, result)))
    assert again.as_json() == result.as_json()


def test_round_trip_of_every_feature() -> None:
    from datetime import date

    cal = Calendar.standard(uid=3, name="Site")
    cal.exceptions = [
        CalendarException(date(2024, 1, 9), date(2024, 1, 9), name="holiday"),
        CalendarException(
            date(2024, 1, 1),
            date(2026, 12, 31),
            name="Christmas",
            recurrence=Recurrence(RecurrenceKind.YEARLY_DAY, month=12, month_day=25, occurrences=3),
        ),
        CalendarException(
            date(2024, 1, 1),
            date(2024, 12, 31),
            name="first Monday",
            working=True,
            times=((540, 720),),
            recurrence=Recurrence(RecurrenceKind.MONTHLY_POSITION, position=1, weekday=0),
        ),
    ]
    pct = link(1, 2, "SS")
    pct.lag, pct.lag_unit = 25.0, LagUnit.PERCENT
    elapsed = link(2, 3, "FF")
    elapsed.lag, elapsed.lag_unit = 2880.0, LagUnit.ELAPSED
    model = project(
        [
            task(1, 2, start=at(8, 8), finish=at(9, 17), wbs="1", outline_number="1"),
            task(
                2,
                1,
                calendar=3,
                constraint=ConstraintType.SNLT,
                constraint_date=at(12, 8),
                start=at(8, 8),
                finish=at(8, 17),
            ),
            task(3, 0, kind=TaskKind.MILESTONE, start=at(8, 8), finish=at(8, 8)),
            task(4, 1, actual_start=at(8, 8), percent_complete=50.0, start=at(8, 8), finish=at(8, 17)),
            task(5, 1, manual=True, estimated=True, start=at(10, 8), finish=at(10, 17), active=False),
        ],
        [pct, elapsed, link(3, 4, "SF", -1)],
        honor_constraints=False,
        status_date=at(9, 8),
        name="round trip",
    )
    model.calendars[3] = cal
    back = read_mspdi(write_mspdi(model))
    assert read_mspdi(write_mspdi(back)) == back
    # Display units the model left open come back as the writer's defaults (days).
    assert {t.duration_format for t in back.tasks} == {7, 39}
    for t in back.tasks:
        t.duration_format = None
    for dep in back.links:
        dep.lag_format = None
    assert back == model


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (b"not xml", "not an XML file"),
        (b"<Other/>", "not an MSPDI file"),
        (b"<Project xmlns='http://schemas.microsoft.com/project'/>", "<StartDate> is missing"),
        (
            b"<Project><StartDate>2024-01-08T08:00:00</StartDate><Tasks><Task><UID>1</UID>"
            b"<Duration>soon</Duration></Task></Tasks></Project>",
            "task 1: <Duration> 'soon' is not valid",
        ),
        (
            b"<Project><StartDate>2024-01-08T08:00:00</StartDate><Tasks><Task><UID>1</UID>"
            b"<ConstraintType>4</ConstraintType></Task></Tasks></Project>",
            "without <ConstraintDate>",
        ),
        (
            b"<Project><StartDate>2024-01-08T08:00:00</StartDate><Tasks><Task><UID>1</UID>"
            b"<CalendarUID>7</CalendarUID></Task></Tasks></Project>",
            "<CalendarUID> 7 names no calendar",
        ),
        (
            b"<Project><StartDate>2024-01-08T08:00:00</StartDate><Calendars><Calendar><UID>1</UID><WeekDays>"
            b"<WeekDay><DayType>2</DayType><DayWorking>1</DayWorking><WorkingTimes><WorkingTime>"
            b"<FromTime>8</FromTime><ToTime>12:00:00</ToTime></WorkingTime></WorkingTimes></WeekDay>"
            b"</WeekDays></Calendar></Calendars></Project>",
            "calendar 1: <FromTime> '8' is not valid",
        ),
        (
            b"<Project><StartDate>2024-01-08T08:00:00</StartDate><Calendars><Calendar><UID>1</UID><Exceptions>"
            b"<Exception><TimePeriod><FromDate>2024-01-01T00:00:00</FromDate><ToDate>2026-01-01T23:59:00</ToDate>"
            b"</TimePeriod><Name>odd</Name><Type>2</Type><Month>12</Month><MonthDay>1</MonthDay>"
            b"<DayWorking>0</DayWorking></Exception></Exceptions></Calendar></Calendars></Project>",
            "impossible recurrence",
        ),
        (b"<!DOCTYPE x [<!ENTITY a 'b'>]><Project/>", "declares a DTD"),
    ],
)
def test_bad_files_name_the_problem(xml: bytes, message: str) -> None:
    with pytest.raises(MspdiError, match=message.replace("(", r"\(").replace("?", r"\?")):
        read_mspdi(xml)


def test_missing_file_is_an_mspdi_error(tmp_path: Path) -> None:
    with pytest.raises(MspdiError, match="cannot read"):
        read_mspdi(tmp_path / "absent.xml")
