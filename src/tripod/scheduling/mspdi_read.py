"""Read an MSPDI (Microsoft Project XML) file into a :class:`~tripod.scheduling.model.Project`.

Blank rows (``IsNull``) are dropped; the outline comes from ``OutlineLevel``; the project summary
task (UID 0) becomes the parent of the top-level tasks. Durations and lags in the file are already
minutes (lags in tenths of a minute), so the file's MinutesPerDay is kept for display only.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from tripod.scheduling.calendars import (
    Calendar,
    CalendarException,
    CalendarSet,
    Interval,
    Recurrence,
    RecurrenceKind,
    WorkWeek,
    interval,
)
from tripod.scheduling.errors import ModelError, MspdiError
from tripod.scheduling.model import Assignment, LagUnit, Link, Project, Resource, Task, TaskKind
from tripod.scheduling.mspdi_common import (
    CONSTRAINT_FROM_CODE,
    ELAPSED_FORMATS,
    ESTIMATED_FORMATS,
    LINK_FROM_CODE,
    PERCENT_FORMATS,
    parse_datetime,
    parse_duration,
    parse_time,
)

T = TypeVar("T")
_RECURRENCE_KINDS = {
    1: RecurrenceKind.DAILY,
    2: RecurrenceKind.YEARLY_DAY,
    3: RecurrenceKind.YEARLY_POSITION,
    4: RecurrenceKind.MONTHLY_DAY,
    5: RecurrenceKind.MONTHLY_POSITION,
    6: RecurrenceKind.WEEKLY,
    7: RecurrenceKind.DAILY,
    8: RecurrenceKind.WEEKLY,
}
# MSPDI DaysOfWeek is a bit mask with Sunday = 1 ... Saturday = 64; MonthItem 3..9 is Sunday..Saturday.
_MASK_WEEKDAYS = {1: 6, 2: 0, 4: 1, 8: 2, 16: 3, 32: 4, 64: 5}


def read_mspdi(source: str | Path | bytes) -> Project:
    """Parse an MSPDI file (a path, or the XML as bytes); raises MspdiError naming the problem."""
    if isinstance(source, bytes):
        data = source
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise MspdiError(f"cannot read {source}: {exc.strerror}") from None
    # MSPDI never needs a DTD; refusing one keeps entity-expansion attacks out of the stdlib parser
    # (defusedxml is not a dependency).
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise MspdiError("the file declares a DTD or entities, which MSPDI files never do")
    try:
        root = ET.fromstring(data)  # noqa: S314 - DTDs are refused above
    except ET.ParseError as exc:
        raise MspdiError(f"not an XML file: {exc}") from None
    return _Reader(root).project()


class _Reader:
    def __init__(self, root: ET.Element) -> None:
        self.ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
        if root.tag != f"{self.ns}Project":
            raise MspdiError(f"root element is <{root.tag.split('}')[-1]}>, not <Project>: not an MSPDI file")
        self.root = root

    # -- element helpers

    def _find(self, el: ET.Element, path: str) -> ET.Element | None:
        return el.find("/".join(self.ns + p for p in path.split("/")))

    def _all(self, el: ET.Element, path: str) -> list[ET.Element]:
        return el.findall("/".join(self.ns + p for p in path.split("/")))

    def _text(self, el: ET.Element, name: str) -> str | None:
        text = el.findtext(self.ns + name)
        if text is None:
            return None
        return text.strip() or None

    def _value(self, el: ET.Element, name: str, parse: Callable[[str], T], where: str) -> T | None:
        text = self._text(el, name)
        if text is None:
            return None
        try:
            return parse(text)
        except (ValueError, OverflowError) as exc:
            raise MspdiError(f"{where}: <{name}> {text!r} is not valid ({exc})") from None

    def _int(self, el: ET.Element, name: str, where: str, default: int = 0) -> int:
        value = self._value(el, name, lambda s: int(float(s)), where)
        return default if value is None else value

    def _flag(self, el: ET.Element, name: str, default: bool = False) -> bool:
        text = self._text(el, name)
        return default if text is None else text in ("1", "true")

    # -- project

    def project(self) -> Project:
        root = self.root
        start = self._value(root, "StartDate", parse_datetime, "project")
        if start is None:
            raise MspdiError("project: <StartDate> is missing")
        calendars = self._calendars()
        cal_uid = self._int(root, "CalendarUID", "project", 1)
        if not calendars:
            calendars = {cal_uid: Calendar.standard(cal_uid)}
        if cal_uid not in calendars:
            raise MspdiError(f"project: <CalendarUID> {cal_uid} names no calendar in the file")
        limit_days = self._value(root, "CriticalSlackLimit", float, "project") or 0.0
        minutes_per_day = self._int(root, "MinutesPerDay", "project", 480)
        project = Project(
            start=start,
            calendar=cal_uid,
            calendars=calendars,
            name=self._text(root, "Name") or self._text(root, "Title") or "",
            finish=self._value(root, "FinishDate", parse_datetime, "project"),
            schedule_from_start=self._flag(root, "ScheduleFromStart", True),
            status_date=self._value(root, "StatusDate", parse_datetime, "project"),
            honor_constraints=self._flag(root, "HonorConstraints", True),
            critical_slack_limit=limit_days * minutes_per_day,
            minutes_per_day=minutes_per_day,
            minutes_per_week=self._int(root, "MinutesPerWeek", "project", 2400),
            days_per_month=self._int(root, "DaysPerMonth", "project", 20),
        )
        project.tasks, project.links = self._tasks(set(calendars))
        self._splits(project)
        project.resources = self._resources(set(calendars))
        project.assignments = self._assignments({t.uid for t in project.tasks}, {r.uid for r in project.resources})
        return project

    # -- calendars

    def _hours(self, el: ET.Element, where: str) -> tuple[Interval, ...]:
        hours: list[Interval] = []
        for wt in self._all(el, "WorkingTimes/WorkingTime"):
            a = self._value(wt, "FromTime", parse_time, where)
            b = self._value(wt, "ToTime", parse_time, where)
            if a is None or b is None:
                continue
            try:
                hours.append(interval(a, b))
            except ModelError as exc:
                raise MspdiError(f"{where}: {exc}") from None
        return tuple(sorted(hours))

    def _period(self, el: ET.Element, where: str) -> tuple[date, date] | None:
        tp = self._find(el, "TimePeriod")
        if tp is None:
            return None
        a = self._value(tp, "FromDate", parse_datetime, where)
        b = self._value(tp, "ToDate", parse_datetime, where)
        if a is None or b is None:
            return None
        end = b - timedelta(seconds=1) if b.time() == datetime.min.time() and b > a else b
        return a.date(), end.date()

    def _calendars(self) -> dict[int, Calendar]:
        cals: dict[int, Calendar] = {}
        bases: dict[int, int] = {}
        for el in self._all(self.root, "Calendars/Calendar"):
            uid = self._int(el, "UID", "calendar", -1)
            where = f"calendar {uid}"
            cal = Calendar(uid=uid, name=self._text(el, "Name") or "")
            base = self._int(el, "BaseCalendarUID", where, -1)
            if not self._flag(el, "IsBaseCalendar", base < 0) and base >= 0 and base != uid:
                bases[uid] = base
            old_exceptions: list[CalendarException] = []
            for wd in self._all(el, "WeekDays/WeekDay"):
                day_type = self._int(wd, "DayType", where, -1)
                working = self._flag(wd, "DayWorking")
                hours = self._hours(wd, where) if working else ()
                if day_type == 0:
                    period = self._period(wd, where)
                    if period is not None:
                        old_exceptions.append(CalendarException(period[0], period[1], bool(hours), hours))
                elif 1 <= day_type <= 7:
                    cal.week[(day_type - 2) % 7] = hours
            new_exceptions = [self._exception(ex, where) for ex in self._all(el, "Exceptions/Exception")]
            cal.exceptions = [e for e in new_exceptions if e is not None] or old_exceptions
            for ww in self._all(el, "WorkWeeks/WorkWeek"):
                period = self._period(ww, where)
                if period is None:
                    continue
                days: dict[int, tuple[Interval, ...]] = {}
                for wd in self._all(ww, "WeekDays/WeekDay"):
                    day_type = self._int(wd, "DayType", where, -1)
                    if 1 <= day_type <= 7:
                        days[(day_type - 2) % 7] = self._hours(wd, where) if self._flag(wd, "DayWorking") else ()
                cal.work_weeks.append(WorkWeek(period[0], period[1], days, self._text(ww, "Name") or ""))
            cals[uid] = cal
        for uid, base in bases.items():
            if base not in cals:
                raise MspdiError(f"calendar {uid}: <BaseCalendarUID> {base} names no calendar in the file")
            cals[uid].base = base
        return cals

    def _exception(self, el: ET.Element, where: str) -> CalendarException | None:
        period = self._period(el, where)
        if period is None:
            return None
        hours = self._hours(el, where) if self._flag(el, "DayWorking") else ()
        kind_code = self._int(el, "Type", where, 1)
        occurrences = self._value(el, "Occurrences", int, where)
        recurrence = None
        single = (period[1] - period[0]).days == 0
        if not single and kind_code in _RECURRENCE_KINDS and kind_code != 1:
            kind = _RECURRENCE_KINDS[kind_code]
            mask = self._int(el, "DaysOfWeek", where, 0)
            item = self._int(el, "MonthItem", where, 4)
            positional = kind in (RecurrenceKind.MONTHLY_POSITION, RecurrenceKind.YEARLY_POSITION)
            yearly = kind in (RecurrenceKind.YEARLY_DAY, RecurrenceKind.YEARLY_POSITION)
            recurrence = Recurrence(
                kind=kind,
                interval=self._int(el, "PeriodNumber", where, 1),
                weekdays=frozenset(d for bit, d in _MASK_WEEKDAYS.items() if mask & bit),
                month_day=self._int(el, "MonthDay", where, 1) if not positional else 1,
                month=self._int(el, "Month", where, 0) + 1 if yearly else 1,
                position=self._int(el, "MonthPosition", where, 0) + 1 if positional else 1,
                weekday=(item - 4) % 7 if positional and 3 <= item <= 9 else 0,
                occurrences=occurrences if self._flag(el, "EnteredByOccurrences") else None,
            )
        elif kind_code == 1 and not single and self._int(el, "PeriodNumber", where, 1) > 1:
            recurrence = Recurrence(RecurrenceKind.DAILY, interval=self._int(el, "PeriodNumber", where, 1))
        if recurrence is not None and not (
            1 <= recurrence.month <= 12 and 1 <= recurrence.month_day <= 31 and 1 <= recurrence.position <= 5
        ):
            raise MspdiError(f"{where}: exception {self._text(el, 'Name') or ''!r} has an impossible recurrence")
        if recurrence is not None and recurrence.interval < 1:
            raise MspdiError(f"{where}: exception {self._text(el, 'Name') or ''!r} repeats every {recurrence.interval}")
        return CalendarException(period[0], period[1], bool(hours), hours, self._text(el, "Name") or "", recurrence)

    # -- tasks and links

    def _tasks(self, calendars: set[int]) -> tuple[list[Task], list[Link]]:
        tasks: list[Task] = []
        links: list[Link] = []
        stack: list[tuple[int, int]] = []  # (outline level, uid)
        has_root = False
        for el in self._all(self.root, "Tasks/Task"):
            uid = self._int(el, "UID", "task", -1)
            where = f"task {uid}"
            if uid < 0:
                raise MspdiError("task without <UID>")
            if self._flag(el, "IsNull"):
                continue
            level = self._int(el, "OutlineLevel", where, 1)
            if uid == 0 and level == 0:
                has_root = True
            while stack and stack[-1][0] >= level:
                stack.pop()
            parent = stack[-1][1] if stack else (0 if has_root and uid != 0 else None)
            stack.append((level, uid))
            raw_format = self._value(el, "DurationFormat", int, where)
            fmt = 7 if raw_format is None else raw_format
            duration = self._value(el, "Duration", parse_duration, where) or 0.0
            summary = self._flag(el, "Summary")
            milestone = self._flag(el, "Milestone") and duration == 0
            kind = TaskKind.SUMMARY if summary else TaskKind.MILESTONE if milestone else TaskKind.TASK
            ctype = self._int(el, "ConstraintType", where, 0)
            if ctype not in CONSTRAINT_FROM_CODE:
                raise MspdiError(f"{where}: <ConstraintType> {ctype} is not 0-7")
            cal = self._int(el, "CalendarUID", where, -1)
            if cal >= 0 and cal not in calendars:
                raise MspdiError(f"{where}: <CalendarUID> {cal} names no calendar in the file")
            task = Task(
                uid=uid,
                name=self._text(el, "Name") or "",
                duration=duration,
                kind=kind,
                parent=parent,
                calendar=cal if cal >= 0 else None,
                constraint=CONSTRAINT_FROM_CODE[ctype],
                constraint_date=self._value(el, "ConstraintDate", parse_datetime, where) if ctype > 1 else None,
                actual_start=self._value(el, "ActualStart", parse_datetime, where),
                actual_finish=self._value(el, "ActualFinish", parse_datetime, where),
                percent_complete=self._value(el, "PercentComplete", float, where) or 0.0,
                manual=self._flag(el, "Manual"),
                start=self._value(el, "Start", parse_datetime, where),
                finish=self._value(el, "Finish", parse_datetime, where),
                active=self._flag(el, "Active", True),
                elapsed=fmt in ELAPSED_FORMATS,
                estimated=self._flag(el, "Estimated") or fmt in ESTIMATED_FORMATS,
                wbs=self._text(el, "WBS") or "",
                outline_number=self._text(el, "OutlineNumber") or "",
                ignore_resource_calendar=self._flag(el, "IgnoreResourceCalendar"),
                fixed_duration=self._int(el, "Type", where, 0) == 1,
                duration_format=raw_format,
            )
            if task.constraint_date is None and ctype > 1:
                raise MspdiError(f"{where}: constraint type {ctype} without <ConstraintDate>")
            tasks.append(task)
            for pl in self._all(el, "PredecessorLink"):
                links.append(self._link(pl, uid, where))
        return tasks, links

    def _link(self, el: ET.Element, succ: int, where: str) -> Link:
        pred = self._int(el, "PredecessorUID", where, -1)
        code = self._int(el, "Type", where, 1)
        if code not in LINK_FROM_CODE:
            raise MspdiError(f"{where}: link from {pred} has <Type> {code}, not 0-3")
        lag = self._value(el, "LinkLag", float, where) or 0.0
        raw_format = self._value(el, "LagFormat", int, where)
        fmt = 7 if raw_format is None else raw_format
        if fmt in PERCENT_FORMATS:
            unit, value = LagUnit.PERCENT, lag  # a percentage, not tenths of a minute
        elif fmt in ELAPSED_FORMATS:
            unit, value = LagUnit.ELAPSED, lag / 10.0
        else:
            unit, value = LagUnit.WORKING, lag / 10.0
        return Link(pred=pred, succ=succ, type=LINK_FROM_CODE[code], lag=value, lag_unit=unit, lag_format=raw_format)

    def _splits(self, project: Project) -> None:
        """Gaps in a task's work: periods of its timephased work with zero work in working time."""
        tasks = {t.uid: t for t in project.tasks}
        cals: CalendarSet | None = None
        for el in self._all(self.root, "Assignments/Assignment"):
            task = tasks.get(self._int(el, "TaskUID", "assignment", -1))
            if task is None or task.splits or task.is_summary:
                continue
            periods = []
            for td in self._all(el, "TimephasedData"):
                if self._int(td, "Type", "timephased data", 0) != 1:
                    continue
                a = self._value(td, "Start", parse_datetime, "timephased data")
                b = self._value(td, "Finish", parse_datetime, "timephased data")
                value = self._value(td, "Value", parse_duration, "timephased data")
                if a is not None and b is not None and value is not None:
                    periods.append((a, b, value))
            if not any(v == 0 for _, _, v in periods):
                continue
            cals = cals or CalendarSet(project.calendars, project.start)
            cal = task.calendar if task.calendar is not None else project.calendar
            splits: list[tuple[float, float]] = []
            work = gap = 0.0
            for a, b, value in sorted(periods):
                length = cals.working_seconds(cal, a, b) / 60
                if value == 0:
                    gap += length
                    continue
                if gap and work:
                    splits.append((work, gap))
                gap = 0.0
                work += length
            task.splits = tuple(splits)

    # -- resources

    def _resources(self, calendars: set[int]) -> list[Resource]:
        out: list[Resource] = []
        for el in self._all(self.root, "Resources/Resource"):
            uid = self._int(el, "UID", "resource", -1)
            where = f"resource {uid}"
            cal = self._int(el, "CalendarUID", where, -1)
            out.append(
                Resource(
                    uid=uid,
                    name=self._text(el, "Name") or "",
                    calendar=cal if cal in calendars else None,
                    work=self._int(el, "Type", where, 1) == 1,
                    max_units=self._value(el, "MaxUnits", float, where) or 1.0,
                )
            )
        return out

    def _assignments(self, tasks: set[int], resources: set[int]) -> list[Assignment]:
        out: list[Assignment] = []
        for el in self._all(self.root, "Assignments/Assignment"):
            uid = self._int(el, "UID", "assignment", -1)
            where = f"assignment {uid}"
            task = self._int(el, "TaskUID", where, -1)
            res = self._int(el, "ResourceUID", where, -1)
            if task not in tasks or res not in resources:
                continue  # assignments of blank rows and the "unassigned" placeholder resource
            out.append(
                Assignment(
                    uid=uid,
                    task=task,
                    resource=res,
                    units=self._value(el, "Units", float, where) or 0.0,
                    work=self._value(el, "Work", parse_duration, where) or 0.0,
                    contoured=self._int(el, "WorkContour", where, 0) != 0,
                    actual_work=self._value(el, "ActualWork", parse_duration, where) or 0.0,
                )
            )
        return out
