"""Reads of the WBS: the live tasks of a project in outline order, and the rows of the WBS grid (level,
predecessors as text, who is assigned) in a constant number of queries, whatever the size of the plan."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from tripod.core.errors import NotFound
from tripod.projects.access import can_view_project_internals
from tripod.projects.models import Assignment, Dependency, Project, Task
from tripod.projects.services.wbs_text import days_display, hours_display, predecessor_display


def _check(user: Any, project: Project) -> None:
    """The WBS is an internal view: the client portal and people off the project get a 404."""
    if not can_view_project_internals(user, project):
        raise NotFound(Project._meta.verbose_name)


def task_list(*, user: Any, project: Project) -> QuerySet[Task]:
    """Live tasks of ``project`` in outline order (404 unless the user sees the project's internals)."""
    _check(user, project)
    return Task.objects.filter(project=project).order_by("position", "pk")


def deleted_task_get(*, user: Any, project: Project, pk: Any) -> Task:
    """A task of ``project`` that is in the bin (for undo)."""
    _check(user, project)
    task = Task.all_objects.filter(project=project, pk=pk, deleted_at__isnull=False).first()
    if task is None:
        raise NotFound(Task._meta.verbose_name)
    return task


def task_get(*, user: Any, project: Project, pk: Any) -> Task:
    _check(user, project)
    task = Task.objects.filter(project=project, pk=pk).select_related("project").first()
    if task is None:
        raise NotFound(Task._meta.verbose_name)
    return task


@dataclass
class WbsRow:
    task: Task
    row: int
    level: int
    has_children: bool
    parent_id: int | None
    predecessors: str
    duration_days: str
    work_hours: str
    slack_days: str
    assignees: list[str] = field(default_factory=list)


def summary_durations(project: Project, tasks: list[Task]) -> dict[int, int]:
    """Working minutes from start to finish of each scheduled summary, in the project's calendar (the engine
    rolls a summary's dates up from its tasks; its duration follows from them). Constant queries."""
    summaries = [t for t in tasks if t.kind == Task.Kind.SUMMARY and t.start and t.finish]
    if not summaries:
        return {}
    from django.utils import timezone

    from tripod import scheduling as engine
    from tripod.core.calendars import calendar_to_engine
    from tripod.scheduling.calendars import CalendarSet

    tz = timezone.get_default_timezone()

    def local(value: Any) -> Any:  # the engine's naive local time, as the scheduling service uses
        return timezone.localtime(value, tz).replace(tzinfo=None)

    calendar = calendar_to_engine(project.calendar) if project.calendar_id else engine.Calendar.standard()
    calendars = CalendarSet({calendar.uid: calendar}, min(local(t.start) for t in summaries))
    return {
        t.pk: max(0, calendars.working_seconds(calendar.uid, local(t.start), local(t.finish)) // 60) for t in summaries
    }


def project_minutes_per_day(project: Project) -> int:
    if not project.calendar_id:
        return 480
    from tripod.core.models import Calendar

    value = Calendar.objects.filter(pk=project.calendar_id).values_list("minutes_per_day", flat=True).first()
    return value or 480


def wbs_rows(*, user: Any, project: Project, minutes_per_day: int | None = None) -> list[WbsRow]:
    """Every live task of ``project`` as a grid row: 2 queries (tasks with their people, links), plus one for
    the calendar when ``minutes_per_day`` is not given."""
    per_day = minutes_per_day or project_minutes_per_day(project)
    people = Prefetch("assignments", queryset=Assignment.objects.select_related("person").order_by("person__name"))
    tasks = list(task_list(user=user, project=project).prefetch_related(people))
    live = {task.pk: index for index, task in enumerate(tasks, start=1)}
    links: dict[int, list[str]] = defaultdict(list)
    for pred, succ, kind, lag, unit in (
        Dependency.objects.filter(project=project, pred__deleted_at__isnull=True, succ__deleted_at__isnull=True)
        .order_by("pred__position", "pk")
        .values_list("pred_id", "succ_id", "type", "lag", "lag_unit")
    ):
        if pred in live and succ in live:
            links[succ].append(predecessor_display(live[pred], kind, lag, unit, minutes_per_day=per_day))
    level: dict[int, int] = {}
    parents = {task.parent_id for task in tasks}
    summary_minutes = summary_durations(project, tasks)
    rows = []
    for task in tasks:
        parent = task.parent_id if task.parent_id in live else None
        level[task.pk] = level.get(parent, -1) + 1 if parent is not None else 0
        slack = task.total_slack_min
        rows.append(
            WbsRow(
                task=task,
                row=live[task.pk],
                level=level[task.pk],
                has_children=task.pk in parents,
                parent_id=parent,
                predecessors=";".join(links.get(task.pk, [])),
                duration_days=days_display(summary_minutes.get(task.pk, task.duration_min), minutes_per_day=per_day),
                work_hours=hours_display(task.work_min),
                slack_days="" if slack is None else days_display(slack, minutes_per_day=per_day),
                assignees=[a.person.name for a in task.assignments.all()],
            )
        )
    return rows
