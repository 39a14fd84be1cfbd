"""Scheduling a project: its live tasks and links through the engine, the computed dates stored on the tasks.

The engine works in naive local time (as Microsoft Project does); Tripod stores UTC. The local time of a plan is
the organisation's time zone (``TIME_ZONE``): a project's working hours are the office's hours, wherever the
person looking at them sits.

Every service that changes tasks or links calls :func:`schedule_after_change`; plans up to ``SYNC_TASK_LIMIT``
tasks are scheduled in the same transaction (the user sees the new dates at once), larger ones by a background
task whose progress is kept on the project (``schedule_progress``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from typing import Any

from django.db import transaction
from django.utils import timezone

from tripod import scheduling as engine
from tripod.core.calendars import calendar_to_engine
from tripod.core.services import rows_update
from tripod.projects.models import Dependency, Project, Task

SYNC_TASK_LIMIT = 3000
_SAVE_BATCH = 1000

COMPUTED_FIELDS = (
    "start",
    "finish",
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "total_slack_min",
    "free_slack_min",
    "critical",
)


@dataclass(frozen=True)
class ScheduleOutcome:
    """What a run did: how many tasks it scheduled and changed, the plan's finish, or the problem it met."""

    task_count: int
    changed: int
    finish: datetime | None
    critical_count: int
    error: str = ""


def _local(value: datetime | None, tz: tzinfo) -> datetime | None:
    return None if value is None else timezone.localtime(value, tz).replace(tzinfo=None)


def _aware(value: datetime, tz: tzinfo) -> datetime:
    return timezone.make_aware(value, tz)


def _project_start(project: Project, first_task_start: datetime | None) -> datetime:
    day: date = project.start or (first_task_start.date() if first_task_start else timezone.localdate())
    return datetime.combine(day, time(0, 0))


def engine_project(project: Project, *, tz: tzinfo | None = None) -> engine.Project:
    """The engine's input for ``project``: live tasks in outline order and the links between them."""
    tz = tz or timezone.get_default_timezone()
    rows = list(
        Task.objects.filter(project=project)
        .order_by("position", "pk")
        .values_list(
            "pk",
            "name",
            "parent_id",
            "kind",
            "duration_min",
            "constraint_type",
            "constraint_date",
            "actual_start",
            "actual_finish",
            "percent_complete",
            "wbs_code",
        )
    )
    live = {row[0] for row in rows}
    tasks = []
    earliest_actual = None
    for pk, name, parent_id, kind, duration, constraint, constraint_date, actual_start, actual_finish, pct, wbs in rows:
        local_actual_start = _local(actual_start, tz)
        if local_actual_start and (earliest_actual is None or local_actual_start < earliest_actual):
            earliest_actual = local_actual_start
        tasks.append(
            engine.Task(
                uid=pk,
                name=name,
                parent=parent_id if parent_id in live else None,
                kind=engine.TaskKind(kind),
                duration=0.0 if kind != Task.Kind.TASK else float(duration),
                constraint=engine.ConstraintType(constraint),
                constraint_date=_local(constraint_date, tz),
                actual_start=local_actual_start,
                actual_finish=_local(actual_finish, tz),
                percent_complete=float(pct),
                wbs=wbs,
            )
        )
    links = [
        engine.Link(pred=pred, succ=succ, type=engine.LinkType(kind), lag=float(lag), lag_unit=engine.LagUnit(unit))
        for pred, succ, kind, lag, unit in Dependency.objects.filter(project=project).values_list(
            "pred_id", "succ_id", "type", "lag", "lag_unit"
        )
        if pred in live and succ in live
    ]
    if project.calendar_id:
        calendar = calendar_to_engine(project.calendar)
        minutes_per_day = project.calendar.minutes_per_day
    else:
        calendar = engine.Calendar.standard()
        minutes_per_day = 480
    return engine.Project(
        start=_project_start(project, earliest_actual),
        calendar=calendar.uid,
        calendars={calendar.uid: calendar},
        tasks=tasks,
        links=links,
        name=project.name,
        minutes_per_day=minutes_per_day,
        minutes_per_week=minutes_per_day * 5,
    )


def _computed(result: engine.TaskSchedule, tz: tzinfo) -> tuple[Any, ...]:
    return (
        _aware(result.start, tz),
        _aware(result.finish, tz),
        _aware(result.early_start, tz),
        _aware(result.early_finish, tz),
        _aware(result.late_start, tz),
        _aware(result.late_finish, tz),
        round(result.total_slack),
        round(result.free_slack),
        result.critical,
    )


def _progress(project: Project, value: int | None) -> None:
    if project.schedule_progress != value:
        project.schedule_progress = value
        Project.objects.filter(pk=project.pk).update(schedule_progress=value)


def project_schedule(*, project: Project, report_progress: bool = False) -> ScheduleOutcome:
    """Schedule ``project`` now and store the computed dates on its tasks (only rows whose dates changed are
    written). A cycle or an impossible plan is stored as ``project.schedule_error`` and the old dates stay."""
    tz = timezone.get_default_timezone()
    model = engine_project(project, tz=tz)
    if report_progress:
        _progress(project, 10)
    try:
        result = engine.schedule(model)
    except engine.SchedulingError as exc:
        project.schedule_error = str(exc)
        Project.objects.filter(pk=project.pk).update(schedule_error=project.schedule_error, schedule_progress=None)
        return ScheduleOutcome(len(model.tasks), 0, None, 0, error=project.schedule_error)
    if report_progress:
        _progress(project, 40)
    current = {row[0]: row[1:] for row in Task.objects.filter(project=project).values_list("pk", *COMPUTED_FIELDS)}
    changed: list[Task] = []
    for uid, task_result in result.tasks.items():
        values = _computed(task_result, tz)
        if current.get(uid) != values:
            changed.append(Task(pk=uid, **dict(zip(COMPUTED_FIELDS, values, strict=True))))
    for offset in range(0, len(changed), _SAVE_BATCH):
        rows_update(Task, changed[offset : offset + _SAVE_BATCH], COMPUTED_FIELDS)
        if report_progress:
            _progress(project, 40 + int(60 * min(1.0, (offset + _SAVE_BATCH) / len(changed))))
    project.scheduled_at = timezone.now()
    project.schedule_error = ""
    project.schedule_progress = None
    Project.objects.filter(pk=project.pk).update(
        scheduled_at=project.scheduled_at, schedule_error="", schedule_progress=None
    )
    return ScheduleOutcome(
        task_count=len(result.tasks),
        changed=len(changed),
        finish=_aware(result.finish, tz),
        critical_count=len(result.critical_uids()),
    )


def schedule_after_change(*, project: Project) -> None:
    """Reschedule after a change to tasks or links: at once for ordinary plans, in the background for big ones."""
    if Task.objects.filter(project=project).count() <= SYNC_TASK_LIMIT:
        project_schedule(project=project)
        return
    from tripod.projects.tasks import schedule_project

    _progress(project, 0)
    transaction.on_commit(lambda: schedule_project.enqueue(project.pk))
