"""Reads of timesheets, always scoped to the user.

Time entries are seen by the person who booked them, the PM of the entry's project (hours, not rates: the cost of
one entry would give the rate away), the person's line managers and admins. The client portal never sees them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from tripod.core.errors import NotFound
from tripod.people.access import line_person_ids
from tripod.people.models import Person
from tripod.projects.access import can_approve_time
from tripod.projects.models import Project, ProjectMember, Task, TimeEntry
from tripod.projects.selectors.resources import week_start, weeks_bounds

Status = TimeEntry.Status
EDITABLE = (Status.DRAFT, Status.RETURNED)


def hours_text(minutes: int) -> str:
    """Minutes as hours for the grid: 90 -> "1.5", 100 -> "1.67", 0 -> ""."""
    if not minutes:
        return ""
    return f"{Decimal(minutes) / 60:.2f}".rstrip("0").rstrip(".")


def time_entries_visible_to(user: Any) -> QuerySet[TimeEntry]:
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.is_internal):
        return TimeEntry.objects.none()
    if user.is_admin:
        return TimeEntry.objects.all()
    return TimeEntry.objects.filter(
        Q(person__user=user) | Q(task__project__pm=user) | Q(person__in=line_person_ids(user))
    )


def can_view_entry_costs(user: Any, person: Person) -> bool:
    """The cost of one entry reveals the rate: the person's line managers and admins only (not the person's PM)."""
    return user.is_authenticated and (user.is_admin or person.pk in line_person_ids(user))


def time_entries_awaiting_approval(*, user: Any, projects: Any = None) -> QuerySet[TimeEntry]:
    """Submitted entries on projects the user may approve (admins: all; a PM: their projects), never their own
    unless admin. ``projects`` narrows to some projects (a queryset or list)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.is_internal):
        return TimeEntry.objects.none()
    qs = TimeEntry.objects.filter(status=Status.SUBMITTED, task__deleted_at__isnull=True)
    if not user.is_admin:
        qs = qs.filter(task__project__pm=user).exclude(person__user=user)
    if projects is not None:
        qs = qs.filter(task__project__in=projects)
    return qs.select_related("person", "task", "task__project").order_by("task__project__code", "person__name", "day")


@dataclass
class ApprovalGroup:
    """The submitted hours of one person in one week on one project, as the approver sees them (no cost)."""

    person: Person
    week: date
    entries: list[TimeEntry] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(e.minutes for e in self.entries)

    @property
    def hours(self) -> str:
        return hours_text(self.minutes)

    @property
    def days(self) -> list[date]:
        return [self.week + timedelta(days=n) for n in range(7)]

    def rows(self) -> list[tuple[Task, list[str], str]]:
        """Per task: the task, the hours of each day of the week, the task's hours."""
        by_task: dict[int, tuple[Task, list[int]]] = {}
        for entry in self.entries:
            _task, cells = by_task.setdefault(entry.task_id, (entry.task, [0] * 7))
            cells[(entry.day - self.week).days] += entry.minutes
        return [(task, [hours_text(m) for m in cells], hours_text(sum(cells))) for task, cells in by_task.values()]


def approval_groups(*, user: Any, project: Project) -> list[ApprovalGroup]:
    """The project's submitted hours the user may decide on, grouped by person and week (two queries)."""
    if not can_approve_time(user, project):
        return []
    groups: dict[tuple[int, date], ApprovalGroup] = {}
    for entry in time_entries_awaiting_approval(user=user, projects=[project.pk]):
        key = (entry.person_id, week_start(entry.day))
        group = groups.setdefault(key, ApprovalGroup(entry.person, key[1]))
        group.entries.append(entry)
    return sorted(groups.values(), key=lambda g: (g.week, g.person.name))


def unrated_people(*, people: list[Person]) -> set[int]:
    """Which of ``people`` have no cost rate (their approved hours are costed at 0); the rates are not returned."""
    return set(
        Person.objects.filter(pk__in=[p.pk for p in people], cost_rate__isnull=True).values_list("pk", flat=True)
    )


# --- the weekly grid -------------------------------------------------------------------------------------------
def timesheet_person(*, user: Any, pk: Any = None) -> Person:
    """Whose timesheet ``user`` opens: their own (``pk`` None), or a person in their line (admins: anyone)."""
    if not (getattr(user, "is_authenticated", False) and user.is_internal):
        raise NotFound(Person._meta.verbose_name)
    people = Person.objects.select_related("user")
    if pk is None:
        person = people.filter(user=user).first()
    else:
        try:
            person = people.filter(pk=int(pk)).first()
        except (TypeError, ValueError):
            person = None
        if (
            person is not None
            and person.user_id != user.pk
            and not (user.is_admin or person.pk in line_person_ids(user))
        ):
            person = None
    if person is None:
        raise NotFound(Person._meta.verbose_name)
    return person


@dataclass
class GridCell:
    day: date
    entry: TimeEntry | None
    editable: bool

    @property
    def minutes(self) -> int:
        return self.entry.minutes if self.entry else 0

    @property
    def hours(self) -> str:
        return hours_text(self.minutes)


@dataclass
class GridRow:
    task: Task
    cells: list[GridCell]
    loggable: bool

    @property
    def minutes(self) -> int:
        return sum(c.minutes for c in self.cells)

    @property
    def hours(self) -> str:
        return hours_text(self.minutes) or "0"

    @property
    def approved_cost(self) -> Decimal:
        """For the person's line managers and admins only (it reveals the rate)."""
        return sum((c.entry.cost or Decimal("0") for c in self.cells if c.entry and c.entry.cost), Decimal("0"))


@dataclass
class WeekGrid:
    """One person's week: a row per task (booked or assigned in the week), a cell per day."""

    person: Person
    week: date
    rows: list[GridRow]
    days: list[date]
    returned_reasons: list[str]
    status_counts: dict[str, int]

    @property
    def day_totals(self) -> list[int]:
        return [sum(row.cells[i].minutes for row in self.rows) for i in range(7)]

    @property
    def minutes(self) -> int:
        return sum(self.day_totals)

    @property
    def hours(self) -> str:
        return hours_text(self.minutes) or "0"

    @property
    def day_hours(self) -> list[tuple[date, str]]:
        return [(day, hours_text(minutes) or "0") for day, minutes in zip(self.days, self.day_totals, strict=True)]

    @property
    def can_submit(self) -> bool:
        return any(self.status_counts.get(s, 0) for s in EDITABLE)

    @property
    def status(self) -> str:
        """The week's overall state: the least advanced status of its entries ("" when empty)."""
        for status in (Status.RETURNED, Status.DRAFT, Status.SUBMITTED, Status.APPROVED):
            if self.status_counts.get(status):
                return status
        return ""

    @property
    def status_label(self) -> str:
        return str(dict(Status.choices).get(self.status, ""))

    @property
    def previous_week(self) -> date:
        return self.week - timedelta(weeks=1)

    @property
    def next_week(self) -> date:
        return self.week + timedelta(weeks=1)


def loggable_projects(user: Any) -> QuerySet[Project]:
    """Projects on whose tasks ``user`` may book time (``can_log_time``): their own as PM or member; not closed."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.is_internal):
        return Project.objects.none()
    qs = Project.objects.exclude(phase=Project.Phase.CLOSED)
    if user.is_admin:
        return qs
    member_of = ProjectMember.objects.filter(user=user).values("project")
    return qs.filter(Q(pm=user) | Q(pk__in=member_of))


def loggable_tasks(*, user: Any, search: str = "", exclude: Any = ()) -> QuerySet[Task]:
    """Tasks the user may book time on (not summaries), for the "add a task" row; ``exclude``: ids already shown."""
    qs = (
        Task.objects.filter(project__in=loggable_projects(user).values("pk"))
        .exclude(kind=Task.Kind.SUMMARY)
        .exclude(pk__in=list(exclude))
        .select_related("project")
        .order_by("project__code", "position", "pk")
    )
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(wbs_code__icontains=search) | Q(project__code__icontains=search))
    return qs


def timesheet_week(*, user: Any, week: date, person: Person | None = None, extra_task_ids: Any = ()) -> WeekGrid:
    """The grid of ``person`` (default: the user's own) for the week of ``week``, in three queries: the week's
    entries, the tasks the person is assigned to that run in the week, and ``extra_task_ids`` (rows being added).
    Cells are editable only on one's own draft or returned entries, on tasks one may still book on."""
    person = person or timesheet_person(user=user)
    first = week_start(week)
    days = [first + timedelta(days=n) for n in range(7)]
    entries = list(
        TimeEntry.objects.filter(person=person, day__range=(days[0], days[-1]))
        .select_related("task", "task__project")
        .order_by("task__project__code", "task__position", "day")
    )
    own = person.user_id == user.pk
    loggable_ids = set(loggable_projects(user).values_list("pk", flat=True)) if own else set()
    tasks: dict[int, Task] = {e.task_id: e.task for e in entries}
    start, end = weeks_bounds([first])
    wanted = Q(assignments__person=person, start__lt=end, finish__gt=start) | Q(pk__in=list(extra_task_ids))
    if own:
        for task in (
            Task.objects.filter(wanted, project__in=list(loggable_ids))
            .exclude(kind=Task.Kind.SUMMARY)
            .exclude(pk__in=list(tasks))
            .select_related("project")
            .distinct()
        ):
            tasks[task.pk] = task
    by_cell = {(e.task_id, e.day): e for e in entries}
    rows = []
    for task in sorted(tasks.values(), key=lambda t: (t.project.code, t.position, t.pk)):
        loggable = own and task.project_id in loggable_ids and task.deleted_at is None
        cells = []
        for day in days:
            entry = by_cell.get((task.pk, day))
            editable = loggable and (entry is None or entry.status in EDITABLE)
            cells.append(GridCell(day, entry, editable))
        rows.append(GridRow(task, cells, loggable))
    counts: dict[str, int] = defaultdict(int)
    for entry in entries:
        counts[entry.status] += 1
    reasons = sorted({e.return_reason for e in entries if e.status == Status.RETURNED and e.return_reason})
    return WeekGrid(person, first, rows, days, reasons, dict(counts))


def week_minutes(*, user: Any, week: date) -> dict[str, int]:
    """The user's own booked minutes of the week of ``week`` by status (for "My work")."""
    person = Person.objects.filter(user=user).first() if user.is_authenticated else None
    if person is None:
        return {}
    first = week_start(week)
    rows = (
        TimeEntry.objects.filter(person=person, day__range=(first, first + timedelta(days=6)))
        .values("status")
        .annotate(minutes=Sum("minutes"))
    )
    return {row["status"]: row["minutes"] for row in rows}
