"""A project's working time, for what the Gantt and the baselines need outside the scheduling engine: a date on
the chart as the instant work starts or ends that day, the working time between two instants, local minutes.

Plans are in the organisation's time zone (``TIME_ZONE``), as the scheduling service has it
(``tripod.projects.services.schedule``): a task from 08:00 to 17:00 is drawn from 08:00 to 17:00 wherever the
viewer sits, the way Microsoft Project shows a plan.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from django.utils import timezone

from tripod import scheduling as engine
from tripod.core.calendars import calendar_to_engine
from tripod.projects.models import Project
from tripod.scheduling.calendars import CalendarSet, WorkIndex, from_seconds, to_seconds

LOCAL_EPOCH = datetime(1970, 1, 1)


def plan_zone() -> tzinfo:
    return timezone.get_default_timezone()


class PlanClock:
    """The working time of one project's calendar (the standard calendar when it has none), compiled once."""

    def __init__(self, project: Project, *, anchor: date | None = None) -> None:
        self.zone = plan_zone()
        if project.calendar_id:
            calendar = calendar_to_engine(project.calendar)
            self.minutes_per_day = project.calendar.minutes_per_day or 480
        else:
            calendar = engine.Calendar.standard()
            self.minutes_per_day = 480
        start = anchor or project.start or timezone.localdate(timezone=self.zone)
        self._index: WorkIndex = CalendarSet({calendar.uid: calendar}, datetime.combine(start, time())).index(
            calendar.uid
        )

    def local(self, value: datetime) -> datetime:
        return timezone.localtime(value, self.zone).replace(tzinfo=None)

    def _position(self, value: datetime) -> int:
        return self._index.index(to_seconds(self.local(value)))

    def working_minutes(self, start: datetime, finish: datetime) -> int:
        """Working minutes from ``start`` to ``finish`` (negative when ``finish`` is earlier)."""
        return (self._position(finish) - self._position(start)) // 60

    def working_days(self, start: datetime, finish: datetime) -> float:
        return self.working_minutes(start, finish) / self.minutes_per_day

    def day_start(self, day: date) -> datetime:
        """The instant work starts on ``day`` (or on the next working day when ``day`` is not one)."""
        midnight = to_seconds(datetime.combine(day, time()))
        return timezone.make_aware(from_seconds(self._index.start_at(self._index.index(midnight))), self.zone)

    def day_finish(self, day: date) -> datetime:
        """The instant work ends on ``day`` (or on the last working day before it when ``day`` is not one)."""
        next_midnight = to_seconds(datetime.combine(day + timedelta(days=1), time()))
        return timezone.make_aware(from_seconds(self._index.finish_at(self._index.index(next_midnight))), self.zone)
