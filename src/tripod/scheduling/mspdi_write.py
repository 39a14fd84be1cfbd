"""Write a :class:`~tripod.scheduling.model.Project` as MSPDI (Microsoft Project XML).

Elements are written in the order of Microsoft's MSPDI schema, which Project checks on open. With a
:class:`~tripod.scheduling.results.Schedule`, the computed dates, slack and critical flags are
written too, so the file opens in Microsoft Project or ProjectLibre with Tripod's dates.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

from tripod.scheduling.calendars import (
    Calendar,
    CalendarException,
    CalendarSet,
    Interval,
    RecurrenceKind,
    from_seconds,
    to_seconds,
)
from tripod.scheduling.model import LagUnit, Link, Project, Task
from tripod.scheduling.mspdi_common import (
    CONSTRAINT_TO_CODE,
    ELAPSED_FORMATS,
    FORMAT_DAYS,
    FORMAT_ELAPSED_DAYS,
    FORMAT_PERCENT,
    LINK_TO_CODE,
    NAMESPACE,
    PERCENT_FORMATS,
    format_datetime,
    format_duration,
    format_time,
)
from tripod.scheduling.results import Schedule

_KIND_CODES = {
    RecurrenceKind.DAILY: 1,
    RecurrenceKind.YEARLY_DAY: 2,
    RecurrenceKind.YEARLY_POSITION: 3,
    RecurrenceKind.MONTHLY_DAY: 4,
    RecurrenceKind.MONTHLY_POSITION: 5,
    RecurrenceKind.WEEKLY: 6,
}
_WEEKDAY_MASK = {6: 1, 0: 2, 1: 4, 2: 8, 3: 16, 4: 32, 5: 64}


def write_mspdi(project: Project, result: Schedule | None = None) -> bytes:
    """The MSPDI XML of ``project`` (UTF-8 bytes), with ``result``'s dates when given."""
    root = ET.Element("Project", {"xmlns": NAMESPACE})
    _add(root, "SaveVersion", 14)
    _add(root, "Name", project.name)
    _add(root, "ScheduleFromStart", int(project.schedule_from_start))
    _add(root, "StartDate", format_datetime(project.start))
    finish = result.finish if result is not None else project.finish
    if finish is not None:
        _add(root, "FinishDate", format_datetime(finish))
    _add(root, "CriticalSlackLimit", _number(project.critical_slack_limit / project.minutes_per_day))
    _add(root, "CalendarUID", project.calendar)
    _add(root, "MinutesPerDay", project.minutes_per_day)
    _add(root, "MinutesPerWeek", project.minutes_per_week)
    _add(root, "DaysPerMonth", project.days_per_month)
    _add(root, "HonorConstraints", int(project.honor_constraints))
    if project.status_date is not None:
        _add(root, "StatusDate", format_datetime(project.status_date))
    calendars = ET.SubElement(root, "Calendars")
    for cal in project.calendars.values():
        _calendar(calendars, cal)
    _tasks(ET.SubElement(root, "Tasks"), project, result)
    resources = ET.SubElement(root, "Resources")
    for res in project.resources:
        el = ET.SubElement(resources, "Resource")
        _add(el, "UID", res.uid)
        _add(el, "ID", res.uid)
        _add(el, "Name", res.name)
        _add(el, "Type", 1 if res.work else 0)
        _add(el, "IsNull", 0)
        _add(el, "MaxUnits", _number(res.max_units))
        _add(el, "CalendarUID", res.calendar if res.calendar is not None else -1)
    assignments = ET.SubElement(root, "Assignments")
    for a in project.assignments:
        el = ET.SubElement(assignments, "Assignment")
        _add(el, "UID", a.uid)
        _add(el, "TaskUID", a.task)
        _add(el, "ResourceUID", a.resource)
        _add(el, "ActualWork", format_duration(a.actual_work))
        _add(el, "Units", _number(a.units))
        _add(el, "Work", format_duration(a.work))
        _add(el, "WorkContour", 7 if a.contoured else 0)
    _splits(assignments, project)
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def _add(parent: ET.Element, tag: str, value: object) -> ET.Element:
    el = ET.SubElement(parent, tag)
    el.text = str(value)
    return el


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _hours(parent: ET.Element, hours: tuple[Interval, ...]) -> None:
    if not hours:
        return
    times = ET.SubElement(parent, "WorkingTimes")
    for a, b in hours:
        wt = ET.SubElement(times, "WorkingTime")
        _add(wt, "FromTime", format_time(a))
        _add(wt, "ToTime", format_time(b))


def _period(parent: ET.Element, first: datetime, last: datetime) -> None:
    tp = ET.SubElement(parent, "TimePeriod")
    _add(tp, "FromDate", format_datetime(first))
    _add(tp, "ToDate", format_datetime(last))


def _calendar(parent: ET.Element, cal: Calendar) -> None:
    el = ET.SubElement(parent, "Calendar")
    _add(el, "UID", cal.uid)
    _add(el, "Name", cal.name)
    _add(el, "IsBaseCalendar", int(cal.base is None))
    _add(el, "BaseCalendarUID", cal.base if cal.base is not None else -1)
    days = ET.SubElement(el, "WeekDays")
    for weekday, hours in sorted(cal.week.items()):
        wd = ET.SubElement(days, "WeekDay")
        _add(wd, "DayType", (weekday + 1) % 7 + 1)
        _add(wd, "DayWorking", int(bool(hours)))
        _hours(wd, hours)
    if cal.exceptions:
        exceptions = ET.SubElement(el, "Exceptions")
        for exc in cal.exceptions:
            _exception(exceptions, exc)
    if cal.work_weeks:
        weeks = ET.SubElement(el, "WorkWeeks")
        for week in cal.work_weeks:
            ww = ET.SubElement(weeks, "WorkWeek")
            _period(ww, datetime.combine(week.start, datetime.min.time()), _day_end(week.end))
            _add(ww, "Name", week.name)
            wds = ET.SubElement(ww, "WeekDays")
            for weekday, hours in sorted(week.days.items()):
                wd = ET.SubElement(wds, "WeekDay")
                _add(wd, "DayType", (weekday + 1) % 7 + 1)
                _add(wd, "DayWorking", int(bool(hours)))
                _hours(wd, hours)


def _day_end(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time()) + timedelta(hours=23, minutes=59)


def _exception(parent: ET.Element, exc: CalendarException) -> None:
    el = ET.SubElement(parent, "Exception")
    rec = exc.recurrence
    _add(el, "EnteredByOccurrences", int(rec is not None and rec.occurrences is not None))
    _period(el, datetime.combine(exc.start, datetime.min.time()), _day_end(exc.end))
    if rec is not None and rec.occurrences is not None:
        _add(el, "Occurrences", rec.occurrences)
    _add(el, "Name", exc.name)
    if rec is None:
        _add(el, "Type", 1)
    else:
        _add(el, "Type", _KIND_CODES[rec.kind])
        _add(el, "PeriodNumber", rec.interval)
        if rec.kind is RecurrenceKind.WEEKLY:
            _add(el, "DaysOfWeek", sum(_WEEKDAY_MASK[d] for d in rec.weekdays))
        if rec.kind in (RecurrenceKind.MONTHLY_POSITION, RecurrenceKind.YEARLY_POSITION):
            _add(el, "MonthItem", (rec.weekday + 1) % 7 + 3)
            _add(el, "MonthPosition", rec.position - 1)
        if rec.kind in (RecurrenceKind.YEARLY_DAY, RecurrenceKind.YEARLY_POSITION):
            _add(el, "Month", rec.month - 1)
        if rec.kind in (RecurrenceKind.MONTHLY_DAY, RecurrenceKind.YEARLY_DAY):
            _add(el, "MonthDay", rec.month_day)
    _add(el, "DayWorking", int(exc.working))
    _hours(el, exc.hours)


def _levels(project: Project) -> dict[int, int]:
    by_uid = {t.uid: t for t in project.tasks}
    levels: dict[int, int] = {}
    for task in project.tasks:
        depth, current = 0, task
        while current.parent is not None and current.parent in by_uid:
            depth += 1
            current = by_uid[current.parent]
        has_root = current.uid == 0
        levels[task.uid] = depth if has_root else depth + 1
    return levels


def _tasks(parent: ET.Element, project: Project, result: Schedule | None) -> None:
    levels = _levels(project)
    preds: dict[int, list[ET.Element]] = {}
    for link in project.links:
        el = ET.Element("PredecessorLink")
        _add(el, "PredecessorUID", link.pred)
        _add(el, "Type", LINK_TO_CODE[link.type])
        _add(el, "CrossProject", 0)
        percent = link.lag_unit is LagUnit.PERCENT
        _add(el, "LinkLag", _number(round(link.lag if percent else link.lag * 10, 6)))
        _add(el, "LagFormat", _lag_format(link))
        preds.setdefault(link.succ, []).append(el)
    for position, task in enumerate(project.tasks):
        row = result.tasks.get(task.uid) if result is not None else None
        el = ET.SubElement(parent, "Task")
        _add(el, "UID", task.uid)
        _add(el, "ID", position if project.tasks[0].uid == 0 else position + 1)
        _add(el, "Name", task.name)
        _add(el, "Active", int(task.active))
        _add(el, "Manual", int(task.manual))
        _add(el, "Type", 1 if task.fixed_duration else 0)
        _add(el, "IsNull", 0)
        if task.wbs:
            _add(el, "WBS", task.wbs)
        if task.outline_number:
            _add(el, "OutlineNumber", task.outline_number)
        _add(el, "OutlineLevel", levels[task.uid])
        start = row.start if row is not None else task.start or project.start
        finish = row.finish if row is not None else task.finish or start
        _add(el, "Start", format_datetime(start))
        _add(el, "Finish", format_datetime(finish))
        _add(el, "Duration", format_duration(task.duration))
        _add(el, "DurationFormat", _duration_format(task))
        _add(el, "Estimated", int(task.estimated))
        _add(el, "Milestone", int(task.is_milestone))
        _add(el, "Summary", int(task.is_summary))
        if row is not None:
            _add(el, "Critical", int(row.critical))
            _add(el, "EarlyStart", format_datetime(row.early_start))
            _add(el, "EarlyFinish", format_datetime(row.early_finish))
            _add(el, "LateStart", format_datetime(row.late_start))
            _add(el, "LateFinish", format_datetime(row.late_finish))
            _add(el, "FreeSlack", round(row.free_slack * 10))
            _add(el, "TotalSlack", round(row.total_slack * 10))
        _add(el, "PercentComplete", _number(task.percent_complete))
        if task.actual_start is not None:
            _add(el, "ActualStart", format_datetime(task.actual_start))
        if task.actual_finish is not None:
            _add(el, "ActualFinish", format_datetime(task.actual_finish))
        started = task.actual_start is not None or task.actual_finish is not None
        actual = task.duration * (100.0 if task.actual_finish else task.percent_complete) / 100.0 if started else 0.0
        _add(el, "ActualDuration", format_duration(actual))
        _add(el, "RemainingDuration", format_duration(task.duration - actual))
        _add(el, "ConstraintType", CONSTRAINT_TO_CODE[task.constraint])
        _add(el, "CalendarUID", task.calendar if task.calendar is not None else -1)
        if task.constraint_date is not None:
            _add(el, "ConstraintDate", format_datetime(task.constraint_date))
        _add(el, "IgnoreResourceCalendar", int(task.ignore_resource_calendar))
        el.extend(preds.get(task.uid, []))


def _lag_format(link: Link) -> int:
    """The link's own display unit when it fits its lag kind, else days (elapsed days, percent)."""
    fmt = link.lag_format
    percent = link.lag_unit is LagUnit.PERCENT
    elapsed = link.lag_unit is LagUnit.ELAPSED
    if fmt is not None and (fmt in PERCENT_FORMATS) == percent and (fmt in ELAPSED_FORMATS) == elapsed:
        return fmt
    if percent:
        return FORMAT_PERCENT
    return FORMAT_ELAPSED_DAYS if elapsed else FORMAT_DAYS


def _duration_format(task: Task) -> int:
    """The task's own display unit when it fits (elapsed or not), else days; estimated adds 32."""
    fmt = task.duration_format
    if fmt is not None and fmt not in PERCENT_FORMATS and (fmt in ELAPSED_FORMATS) == task.elapsed:
        return fmt
    fmt = FORMAT_ELAPSED_DAYS if task.elapsed else FORMAT_DAYS
    return fmt + 32 if task.estimated else fmt


def _splits(parent: ET.Element, project: Project) -> None:
    """A split task's gaps, as timephased work of a placeholder assignment (zero work in the gaps)."""
    split_tasks = [t for t in project.tasks if t.splits]
    if not split_tasks:
        return
    cals = CalendarSet(project.calendars, project.start)
    uid = max((a.uid for a in project.assignments), default=0)
    for task in split_tasks:
        uid += 1
        idx = cals.index(task.calendar if task.calendar is not None else project.calendar)
        pos = idx.index(to_seconds(task.start or project.start))
        el = ET.SubElement(parent, "Assignment")
        _add(el, "UID", uid)
        _add(el, "TaskUID", task.uid)
        _add(el, "ResourceUID", -65535)
        done = 0.0
        pieces: list[tuple[float, bool]] = []
        for work_before, gap in task.splits:
            pieces.append((work_before - done, True))
            pieces.append((gap, False))
            done = work_before
        pieces.append((task.duration - done, True))
        for length, working in pieces:
            end = pos + round(length * 60)
            td = ET.SubElement(el, "TimephasedData")
            _add(td, "Type", 1)
            _add(td, "UID", uid)
            _add(td, "Start", format_datetime(from_seconds(idx.start_at(pos))))
            _add(td, "Finish", format_datetime(from_seconds(idx.finish_at(end))))
            _add(td, "Unit", 2)
            _add(td, "Value", format_duration(length if working else 0))
            pos = end
