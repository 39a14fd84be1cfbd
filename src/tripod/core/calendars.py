"""Working-time calendars: validation, base-calendar inheritance, and the mapping to the scheduling engine.

``Calendar.working_hours`` maps a weekday ("0" = Monday ... "6" = Sunday) to sorted, non-overlapping
["HH:MM", "HH:MM"] intervals ("24:00" may end the last one). An empty list is a day off; a weekday that is absent
inherits from the base calendar, or is a day off when there is none. Holidays and extra working days are
:class:`~tripod.core.models.CalendarException` rows; a calendar's own exceptions win over its base's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from tripod.core.errors import ValidationFailed
from tripod.core.models import Calendar, CalendarException
from tripod.core.services import business_event_record, tracked_create, versioned_update
from tripod.scheduling import calendars as engine

Interval = tuple[str, str]
WeeklyHours = dict[int, tuple[Interval, ...]]

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")
MAX_BASE_DEPTH = 10


def minutes_of(value: str) -> int:
    """Minutes after midnight of "HH:MM" ("24:00" is 1440)."""
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def _intervals_clean(value: Any, *, field: str, where: Any) -> list[list[str]]:
    """Validate a list of ["HH:MM", "HH:MM"] intervals; ``where`` names the weekday or date in the message."""
    if not isinstance(value, list | tuple):
        raise ValidationFailed({field: [_("%(where)s: give a list of from-to times.") % {"where": where}]})
    cleaned: list[list[str]] = []
    previous_end = -1
    for item in value:
        if (
            not isinstance(item, list | tuple)
            or len(item) != 2
            or not all(isinstance(t, str) and _TIME.match(t.strip()) for t in item)
        ):
            raise ValidationFailed(
                {field: [_("%(where)s: each interval is two times written HH:MM, such as 09:00.") % {"where": where}]}
            )
        start, end = item[0].strip(), item[1].strip()
        if start == "24:00" or minutes_of(start) >= minutes_of(end):
            raise ValidationFailed(
                {
                    field: [
                        _("%(where)s: %(start)s-%(end)s must end after it starts.")
                        % {"where": where, "start": start, "end": end}
                    ]
                }
            )
        if minutes_of(start) < previous_end:
            raise ValidationFailed(
                {field: [_("%(where)s: intervals must be in order and must not overlap.") % {"where": where}]}
            )
        previous_end = minutes_of(end)
        cleaned.append([start, end])
    return cleaned


def calendar_working_hours_clean(value: Any) -> dict[str, list[list[str]]]:
    """Validate ``working_hours``; ValidationFailed on ``working_hours`` naming the weekday and the reason."""
    if value in (None, ""):
        return {}
    if not isinstance(value, Mapping):
        raise ValidationFailed({"working_hours": [_("Give working hours per weekday.")]})
    cleaned: dict[str, list[list[str]]] = {}
    for key, intervals in value.items():
        day = str(key)
        if day not in {str(d) for d in range(7)}:
            raise ValidationFailed(
                {"working_hours": [_("%(key)s is not a weekday (0 = Monday ... 6 = Sunday).") % {"key": key}]}
            )
        cleaned[day] = _intervals_clean(intervals, field="working_hours", where=WEEKDAYS[int(day)])
    return dict(sorted(cleaned.items()))


def calendar_base_clean(calendar: Calendar | None, base: Calendar | None) -> None:
    """A calendar may not be its own base, directly or through others (ValidationFailed on ``base``)."""
    seen: set[Any] = set()
    current = base
    while current is not None:
        if calendar is not None and calendar.pk is not None and current.pk == calendar.pk:
            raise ValidationFailed({"base": [_("A calendar cannot be based on itself.")]})
        if current.pk in seen or len(seen) >= MAX_BASE_DEPTH:
            raise ValidationFailed({"base": [_("The base calendars form a loop or are nested too deeply.")]})
        seen.add(current.pk)
        current = current.base


def calendar_exception_clean(*, start_date: date, end_date: date, working: bool, hours: Any) -> list[list[str]]:
    """Validate an exception's range and hours: a working exception needs hours, a holiday has none."""
    if start_date is None or end_date is None or end_date < start_date:
        raise ValidationFailed({"end_date": [_("The end date must not be before the start date.")]})
    where = start_date.isoformat()
    cleaned = _intervals_clean(hours or [], field="hours", where=where)
    if working and not cleaned:
        raise ValidationFailed(
            {"hours": [_("%(where)s: give the working hours of the extra working day.") % {"where": where}]}
        )
    if not working and cleaned:
        raise ValidationFailed({"hours": [_("%(where)s: a day off has no working hours.") % {"where": where}]})
    return cleaned


def _chain(calendar: Calendar) -> list[Calendar]:
    chain: list[Calendar] = []
    current: Calendar | None = calendar
    while current is not None:
        if any(c.pk == current.pk for c in chain) or len(chain) > MAX_BASE_DEPTH:
            raise ValidationFailed({"base": [_("The base calendars form a loop or are nested too deeply.")]})
        chain.append(current)
        current = current.base
    return chain


def calendar_effective_hours(calendar: Calendar) -> WeeklyHours:
    """The working intervals of each weekday (0-6), with absent weekdays taken from the base calendars."""
    chain = _chain(calendar)
    week: WeeklyHours = {}
    for day in range(7):
        for cal in chain:
            hours = (cal.working_hours or {}).get(str(day))
            if hours is not None:
                week[day] = tuple((start, end) for start, end in hours)
                break
        else:
            week[day] = ()
    return week


def _engine_times(hours: Any) -> tuple[engine.Interval, ...]:
    return tuple((minutes_of(start), minutes_of(end)) for start, end in hours or [])


def calendar_to_engine(calendar: Calendar) -> engine.Calendar:
    """The scheduling engine's calendar, with inheritance resolved: all seven weekdays explicit (so the engine's
    own "missing day = standard day" default never applies) and the exceptions of the whole base chain, the
    calendar's own first so they win for a day both cover."""
    chain = _chain(calendar)
    exceptions = CalendarException.objects.filter(calendar__in=[c.pk for c in chain]).order_by("start_date", "pk")
    rank = {c.pk: i for i, c in enumerate(chain)}
    ordered = sorted(exceptions, key=lambda e: (rank[e.calendar_id], e.start_date, e.pk))
    return engine.Calendar(
        uid=calendar.pk,
        name=calendar.name,
        week={day: _engine_times(hours) for day, hours in calendar_effective_hours(calendar).items()},
        exceptions=[
            engine.CalendarException(
                start=exc.start_date,
                end=exc.end_date,
                working=exc.working,
                times=_engine_times(exc.hours) if exc.working else (),
                name=exc.name,
            )
            for exc in ordered
        ],
        base=None,
    )


def _has_working_time(week: WeeklyHours) -> bool:
    return any(week.values())


@transaction.atomic
def calendar_create(
    *, actor: Any, name: str, working_hours: Any, base: Calendar | None = None, minutes_per_day: int = 480
) -> Calendar:
    hours = calendar_working_hours_clean(working_hours)
    calendar_base_clean(None, base)
    calendar = tracked_create(
        Calendar, actor=actor, name=name, working_hours=hours, base=base, minutes_per_day=minutes_per_day
    )
    if not _has_working_time(calendar_effective_hours(calendar)):
        raise ValidationFailed({"working_hours": [_("The calendar has no working time on any weekday.")]})
    business_event_record(actor=actor, verb="calendar.created", target=calendar)
    return calendar


@transaction.atomic
def calendar_update(*, actor: Any, calendar: Calendar, version: int | None, **changes: Any) -> Calendar:
    """Change name, working_hours, base or minutes_per_day, if the calendar is still at ``version``."""
    if "working_hours" in changes:
        changes["working_hours"] = calendar_working_hours_clean(changes["working_hours"])
    if "base" in changes:
        calendar_base_clean(calendar, changes["base"])
    calendar, changed = versioned_update(calendar, actor=actor, version=version, changes=changes)
    if changed and not _has_working_time(calendar_effective_hours(calendar)):
        raise ValidationFailed({"working_hours": [_("The calendar has no working time on any weekday.")]})
    return calendar


@transaction.atomic
def calendar_exception_add(
    *,
    actor: Any,
    calendar: Calendar,
    start_date: date,
    end_date: date,
    working: bool = False,
    hours: Any = None,
    name: str = "",
) -> CalendarException:
    cleaned = calendar_exception_clean(start_date=start_date, end_date=end_date, working=working, hours=hours)
    exception = CalendarException.objects.create(
        calendar=calendar, name=name, start_date=start_date, end_date=end_date, working=working, hours=cleaned
    )
    business_event_record(
        actor=actor,
        verb="calendar.exception_added",
        target=calendar,
        data={"name": name, "from": start_date.isoformat(), "to": end_date.isoformat(), "working": working},
    )
    return exception
