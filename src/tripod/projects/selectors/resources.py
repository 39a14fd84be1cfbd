"""Reads of assignments and of people's load: planned work per week across all projects, against capacity.

An assignment's planned work is spread evenly over the working days of its task (from ``task.start`` to
``task.finish``, in the organisation's time zone, on the weekdays the project's calendar works), and summed per
Monday-based week. A person's load in a week is the sum over every project, whether the reader sees it or not:
only the weekly total is shown, never which other project it comes from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tripod.core.calendars import calendar_effective_hours
from tripod.core.models import Calendar
from tripod.identity.models import Role
from tripod.people.access import people_visible_to
from tripod.people.models import Person
from tripod.projects.access import can_edit_project, can_view_project_internals
from tripod.projects.models import Assignment, Project, Task

WORKWEEK = frozenset(range(5))  # Monday to Friday, when a project has no calendar of its own
WORKLESS_KINDS = (Task.Kind.SUMMARY, Task.Kind.MILESTONE)


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def weeks_from(first: date, count: int) -> list[date]:
    start = week_start(first)
    return [start + timedelta(weeks=n) for n in range(count)]


def local_day(value: datetime) -> date:
    return timezone.localtime(value, timezone.get_default_timezone()).date()


def task_days(start: datetime, finish: datetime) -> tuple[date, date]:
    """The first and last calendar day a task occupies (a finish at local midnight ends the day before)."""
    first = local_day(start)
    local_finish = timezone.localtime(finish, timezone.get_default_timezone())
    last = local_finish.date()
    if local_finish.time() == time(0, 0) and last > first:
        last -= timedelta(days=1)
    return first, max(first, last)


def spread_by_week(*, first: date, last: date, minutes: int, weekdays: frozenset[int]) -> dict[date, int]:
    """``minutes`` spread evenly over the working days from ``first`` to ``last``, summed per week (whole minutes;
    the remainder goes to the first days so the weeks add up exactly)."""
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    working = [d for d in days if d.weekday() in weekdays] or [first]
    per_day, extra = divmod(minutes, len(working))
    weeks: dict[date, int] = defaultdict(int)
    for i, day in enumerate(working):
        weeks[week_start(day)] += per_day + (1 if i < extra else 0)
    return dict(weeks)


def _weekdays_by_calendar(calendar_ids: set[int]) -> dict[int | None, frozenset[int]]:
    result: dict[int | None, frozenset[int]] = {None: WORKWEEK}
    if calendar_ids:
        for calendar in Calendar.objects.filter(pk__in=calendar_ids).select_related("base__base"):
            hours = calendar_effective_hours(calendar)
            result[calendar.pk] = frozenset(day for day, intervals in hours.items() if intervals) or WORKWEEK
    return result


def weeks_bounds(weeks: list[date]) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    first = timezone.make_aware(datetime.combine(min(weeks), time(0, 0)), tz)
    end = timezone.make_aware(datetime.combine(max(weeks) + timedelta(days=7), time(0, 0)), tz)
    return first, end


def planned_minutes_by_week(person_ids: Iterable[int], weeks: list[date]) -> dict[int, dict[date, int]]:
    """{person id: {week: planned minutes}} over every project, for the given Monday ``weeks`` (two queries).
    Not scoped: callers show only totals of people the reader may see."""
    ids = set(person_ids)
    if not ids or not weeks:
        return {}
    range_start, range_end = weeks_bounds(weeks)
    rows = list(
        Assignment.objects.filter(
            person_id__in=ids,
            task__deleted_at__isnull=True,
            task__start__isnull=False,
            task__finish__isnull=False,
            task__start__lt=range_end,
            task__finish__gt=range_start,
        )
        .exclude(task__kind__in=WORKLESS_KINDS)
        .values_list("person_id", "planned_work_min", "task__start", "task__finish", "task__project__calendar_id")
    )
    weekdays = _weekdays_by_calendar({row[4] for row in rows if row[4] is not None})
    wanted = set(weeks)
    load: dict[int, dict[date, int]] = {pk: dict.fromkeys(weeks, 0) for pk in ids}
    for person_id, minutes, start, finish, calendar_id in rows:
        first, last = task_days(start, finish)
        for week, planned in spread_by_week(
            first=first, last=last, minutes=minutes, weekdays=weekdays[calendar_id]
        ).items():
            if week in wanted:
                load[person_id][week] += planned
    return load


@dataclass(frozen=True)
class WeekLoad:
    """Planned minutes of one person in one week, against their capacity."""

    week: date
    planned_min: int
    capacity_min: int

    @property
    def over(self) -> bool:
        return self.planned_min > self.capacity_min

    @property
    def percent(self) -> int | None:
        if not self.capacity_min:
            return None
        return round(self.planned_min * 100 / self.capacity_min)

    @property
    def planned_hours(self) -> Decimal:
        return (Decimal(self.planned_min) / 60).quantize(Decimal("0.1"))

    @property
    def capacity_hours(self) -> Decimal:
        return (Decimal(self.capacity_min) / 60).quantize(Decimal("0.1"))

    @property
    def level(self) -> str:
        """A band for the heat map: free, light, busy, full, over."""
        if self.over:
            return "over"
        percent = self.percent or 0
        if self.planned_min == 0:
            return "free"
        if percent < 50:
            return "light"
        if percent < 90:
            return "busy"
        return "full"


@dataclass(frozen=True)
class PersonLoad:
    person: Person
    weeks: list[WeekLoad]

    @property
    def overallocated_weeks(self) -> list[WeekLoad]:
        return [w for w in self.weeks if w.over]


def capacity_minutes(person: Person) -> int:
    return int((person.capacity_hours_week or Decimal("0")) * 60)


def person_weekly_load(*, user: Any, people: Iterable[Person], weeks: list[date]) -> list[PersonLoad]:
    """Per person (those of ``people`` the user may see, in the given order) and per Monday week: planned minutes
    over all projects vs capacity minutes. A constant number of queries, however many people and weeks."""
    wanted = [p for p in people]
    if not wanted:
        return []
    visible = set(people_visible_to(user).filter(pk__in=[p.pk for p in wanted]).values_list("pk", flat=True))
    shown = [p for p in wanted if p.pk in visible]
    load = planned_minutes_by_week([p.pk for p in shown], weeks)
    return [
        PersonLoad(
            person,
            [WeekLoad(week, load.get(person.pk, {}).get(week, 0), capacity_minutes(person)) for week in weeks],
        )
        for person in shown
    ]


# --- assignments of a project -------------------------------------------------------------------------------------
def assignment_list(*, user: Any, project: Project) -> QuerySet[Assignment]:
    """Assignments on the live tasks of a project, for staff who see its internals (never the client portal)."""
    if not can_view_project_internals(user, project):
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(task__project=project, task__deleted_at__isnull=True)
        .select_related("task", "person")
        .order_by("task__position", "task__pk", "person__name")
    )


def assignment_get(*, user: Any, project: Project, pk: Any) -> Assignment:
    from tripod.core.errors import NotFound

    try:
        return assignment_list(user=user, project=project).get(pk=pk)
    except (Assignment.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(Assignment._meta.verbose_name) from exc


def staff_people() -> QuerySet[Person]:
    """People whose login is active staff (holds a role, not the client-portal role)."""
    staff_users = Q(user__is_active=True, user__role_grants__isnull=False) & ~Q(user__role_grants__role=Role.CLIENT)
    return Person.objects.filter(pk__in=Person.objects.filter(staff_users).values("pk"))


def assignable_people(*, user: Any, project: Project) -> QuerySet[Person]:
    """Whom the project's editor may assign: staff people they can see, by name."""
    if not can_edit_project(user, project):
        return Person.objects.none()
    return people_visible_to(user).filter(pk__in=staff_people().values("pk")).order_by("name")


def assignable_tasks(*, user: Any, project: Project) -> QuerySet[Task]:
    """Tasks that take work (not summaries, not milestones), in outline order."""
    if not can_edit_project(user, project):
        return Task.objects.none()
    return Task.objects.filter(project=project).exclude(kind__in=WORKLESS_KINDS).order_by("position", "pk")


def project_people(*, user: Any, project: Project) -> QuerySet[Person]:
    """The people on a project for its load heat map: those assigned to its tasks and its members (and PM)."""
    if not can_view_project_internals(user, project):
        return Person.objects.none()
    on_project = Q(assignments__task__project=project, assignments__task__deleted_at__isnull=True) | Q(
        user__project_memberships__project=project
    )
    if project.pm_id is not None:
        on_project |= Q(user__pk=project.pm_id)
    return people_visible_to(user).filter(pk__in=Person.objects.filter(on_project).values("pk")).order_by("name")
