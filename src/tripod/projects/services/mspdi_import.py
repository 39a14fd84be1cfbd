"""Import a Microsoft Project XML (MSPDI) file as a new project: its calendar, tasks, links, then its schedule.

All or nothing: the file is read and checked (XML, values, links, a cycle) before anything is written, the rows
are written in one transaction, and any problem met while writing or scheduling undoes the whole import. Every
error names the file's element (task UID and row, link, calendar) and the field.

What Tripod does not keep is left out on purpose: resources and assignments (people are matched by hand, not by
name), task calendars, work weeks, manual scheduling and splits. A task's work is the sum of its assignments' work.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tripod import scheduling as engine
from tripod.core.calendars import calendar_create, calendar_exception_clean
from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.models import Calendar, CalendarException
from tripod.core.services import business_event_record
from tripod.projects.access import can_create_project
from tripod.projects.models import Dependency, Project, Task
from tripod.projects.services.project import project_create

MAX_FILE_BYTES = 20 * 1024 * 1024
_KIND = {
    engine.TaskKind.TASK: Task.Kind.TASK,
    engine.TaskKind.MILESTONE: Task.Kind.MILESTONE,
    engine.TaskKind.SUMMARY: Task.Kind.SUMMARY,
}
_NAME_MAX = Task._meta.get_field("name").max_length or 255
_WBS_MAX = Task._meta.get_field("wbs_code").max_length or 64


def _fail(message: str) -> ValidationFailed:
    return ValidationFailed({"file": [message]})


def _read_bytes(file: Any) -> bytes:
    if isinstance(file, bytes):
        data = file
    elif isinstance(file, str | Path):
        data = Path(file).read_bytes()
    else:
        if getattr(file, "size", 0) and file.size > MAX_FILE_BYTES:
            raise _fail(gettext("The file is larger than 20 MB."))
        data = file.read()
    if not data:
        raise _fail(gettext("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise _fail(gettext("The file is larger than 20 MB."))
    return data


def mspdi_parse(file: Any) -> engine.Project:
    """Read and check an MSPDI file without writing anything; ValidationFailed on ``file`` naming the problem."""
    try:
        model = engine.read_mspdi(_read_bytes(file))
    except engine.MspdiError as exc:
        raise _fail(gettext("The file cannot be imported: %(reason)s") % {"reason": exc}) from None
    names = {task.uid: task.name for task in model.tasks}
    try:
        engine.schedule(model)
    except engine.CycleError as exc:
        tasks = " → ".join(f"{uid} {names.get(uid, '')}".strip() for uid in [*exc.task_uids, exc.task_uids[0]])
        raise _fail(gettext("The task links form a cycle: %(tasks)s.") % {"tasks": tasks}) from None
    except engine.SchedulingError as exc:
        raise _fail(gettext("The plan in the file cannot be scheduled: %(reason)s") % {"reason": exc}) from None
    return model


def _aware(value: datetime | None) -> datetime | None:
    return None if value is None else timezone.make_aware(value, timezone.get_default_timezone())


def _hhmm(minutes: int) -> str:
    minutes = min(minutes, 1440)  # a night shift's part after midnight is not kept
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _hours(intervals: tuple[tuple[int, int], ...]) -> list[list[str]]:
    return [[_hhmm(start), _hhmm(end)] for start, end in intervals if start < min(end, 1440)]


def _effective_week(model: engine.Project, cal: engine.Calendar) -> dict[str, list[list[str]]]:
    week: dict[str, list[list[str]]] = {}
    for day in range(7):
        current: engine.Calendar | None = cal
        seen: set[int] = set()
        while current is not None and day not in current.week and current.uid not in seen:
            seen.add(current.uid)
            current = model.calendars.get(current.base) if current.base is not None else None
        if current is not None and day in current.week:
            hours = current.week[day]
        else:
            hours = engine.Calendar.standard().week[day]
        week[str(day)] = _hours(hours)
    return week


def _calendar_import(*, actor: Any, model: engine.Project, code: str) -> Calendar:
    cal = model.calendars[model.calendar]
    base_name = f"{code} · {cal.name or gettext('Standard')}"[:110]
    name, n = base_name, 1
    while Calendar.objects.filter(name=name).exists():
        n += 1
        name = f"{base_name} ({n})"
    calendar = calendar_create(
        actor=actor, name=name, working_hours=_effective_week(model, cal), minutes_per_day=model.minutes_per_day
    )
    rows: list[CalendarException] = []
    for exc in cal.exceptions:
        hours = _hours(exc.hours) if exc.working else []
        where = f"calendar {cal.uid} {exc.name}".strip()
        try:
            cleaned = calendar_exception_clean(
                start_date=exc.start, end_date=exc.end, working=exc.working and bool(hours), hours=hours
            )
        except ValidationFailed as err:
            reason = "; ".join(str(m) for messages in err.errors.values() for m in messages)
            raise _fail(f"{where}: {reason}") from None
        spans = [(exc.start, exc.end)] if exc.recurrence is None else [(day, day) for day in exc.days()]
        rows.extend(
            CalendarException(
                calendar=calendar, name=exc.name[:120], start_date=a, end_date=b, working=bool(cleaned), hours=cleaned
            )
            for a, b in spans
        )
    CalendarException.objects.bulk_create(rows)
    return calendar


def _status(task: engine.Task) -> str:
    if task.actual_finish is not None or task.percent_complete >= 100:
        return "done"
    if task.actual_start is not None or task.percent_complete > 0:
        return "in_progress"
    return "todo"


def _task_row(actor: Any, project: Project, task: engine.Task, row: int, work: float) -> Task:
    where = gettext("Task UID %(uid)s (row %(row)s)") % {"uid": task.uid, "row": row}
    if not 0 <= task.percent_complete <= 100:
        raise _fail(gettext("%(where)s: <PercentComplete> must be between 0 and 100.") % {"where": where})
    if task.duration < 0:
        raise _fail(gettext("%(where)s: <Duration> must not be negative.") % {"where": where})
    if task.actual_start and task.actual_finish and task.actual_finish < task.actual_start:
        raise _fail(gettext("%(where)s: <ActualFinish> is before <ActualStart>.") % {"where": where})
    return Task(
        project=project,
        position=row,
        wbs_code=(task.wbs or task.outline_number)[:_WBS_MAX],
        name=(task.name or gettext("Task %(uid)s") % {"uid": task.uid})[:_NAME_MAX],
        kind=_KIND[task.kind],
        duration_min=round(task.duration),
        work_min=round(work),
        status=_status(task),
        percent_complete=round(task.percent_complete),
        constraint_type=task.constraint.value,
        constraint_date=_aware(task.constraint_date),
        actual_start=_aware(task.actual_start),
        actual_finish=_aware(task.actual_finish),
        created_by=actor,
        updated_by=actor,
    )


def _tasks_import(*, actor: Any, project: Project, model: engine.Project) -> dict[int, Task]:
    """Tasks in outline order, written level by level so that each parent's id is known before its children."""
    work: dict[int, float] = {}
    for assignment in model.assignments:
        work[assignment.task] = work.get(assignment.task, 0.0) + assignment.work
    tasks = [t for t in model.tasks if t.uid != 0]  # UID 0 is the project itself
    by_uid = {t.uid: t for t in tasks}
    depth: dict[int, int] = {}

    def level(uid: int) -> int:
        if uid not in depth:
            parent = by_uid[uid].parent
            depth[uid] = 0 if parent is None or parent not in by_uid else level(parent) + 1
        return depth[uid]

    rows = {t.uid: _task_row(actor, project, t, row, work.get(t.uid, 0.0)) for row, t in enumerate(tasks, start=1)}
    saved: dict[int, Task] = {}
    for current in sorted({level(uid) for uid in by_uid}):
        batch = [uid for uid in by_uid if depth[uid] == current]
        for uid in batch:
            parent = by_uid[uid].parent
            rows[uid].parent = saved.get(parent) if parent is not None else None
        Task.objects.bulk_create([rows[uid] for uid in batch])
        saved.update({uid: rows[uid] for uid in batch})
    return saved


def _links_import(*, actor: Any, project: Project, model: engine.Project, tasks: dict[int, Task]) -> None:
    seen: set[tuple[int, int]] = set()
    rows = []
    for link in model.links:
        where = gettext("Task UID %(uid)s, link from task %(pred)s") % {"uid": link.succ, "pred": link.pred}
        if link.pred not in tasks or link.succ not in tasks:
            raise _fail(gettext("%(where)s: <PredecessorUID> names no task in the file.") % {"where": where})
        if link.pred == link.succ:
            raise _fail(gettext("%(where)s: a task cannot depend on itself.") % {"where": where})
        if (link.pred, link.succ) in seen:
            raise _fail(gettext("%(where)s: the same link is given twice.") % {"where": where})
        seen.add((link.pred, link.succ))
        rows.append(
            Dependency(
                project=project,
                pred=tasks[link.pred],
                succ=tasks[link.succ],
                type=link.type.value,
                lag=round(link.lag),
                lag_unit=link.lag_unit.value,
                created_by=actor,
                updated_by=actor,
            )
        )
    Dependency.objects.bulk_create(rows)


def _local_date(value: datetime | None) -> date | None:
    return None if value is None else value.date()


@transaction.atomic
def project_import_mspdi(*, actor: Any, client: Any, code: str, name: str, file: Any) -> Project:
    """A new project for ``client`` from an MSPDI file, scheduled; nothing is written when anything is wrong."""
    if not can_create_project(actor):
        raise Forbidden()
    model = mspdi_parse(file)
    code = (code or "").strip()
    name = (name or "").strip() or model.name[:200]
    if not code:
        raise ValidationFailed({"code": [gettext("Give the new project a code.")]})
    if Project.objects.filter(code=code).exists():
        raise ValidationFailed({"code": [gettext("A project with this code already exists.")]})
    start, finish = _local_date(model.start), _local_date(model.finish)
    calendar = _calendar_import(actor=actor, model=model, code=code)
    project = project_create(
        actor=actor,
        code=code,
        name=name,
        client=client,
        calendar=calendar,
        start=start,
        target_finish=finish if finish and start and finish >= start else None,
        status_date=_local_date(model.status_date),
    )
    tasks = _tasks_import(actor=actor, project=project, model=model)
    _links_import(actor=actor, project=project, model=model, tasks=tasks)
    from tripod.projects.services.schedule import project_schedule

    outcome = project_schedule(project=project)
    if outcome.error:
        raise _fail(gettext("The plan in the file cannot be scheduled: %(reason)s") % {"reason": outcome.error})
    if project.target_finish is None and outcome.finish is not None:
        Project.objects.filter(pk=project.pk).update(
            target_finish=timezone.localdate(outcome.finish, timezone.get_default_timezone())
        )
        project.target_finish = timezone.localdate(outcome.finish, timezone.get_default_timezone())
    business_event_record(
        actor=actor,
        verb="project.imported",
        target=project,
        data={"tasks": len(tasks), "links": len(model.links), "format": "mspdi"},
    )
    return project
