"""The impact of a change request, from the scheduling engine's what-if, before anyone decides.

Figures: the project finish before and after (working days and calendar date), the tasks entering and leaving the
critical path, the effort added per skill (hours), the cost delta (added work times the cost rate of the person to
assign, or the project's average rate when nobody is named; kept as a total, never a rate), and the people who would
become over-allocated (weeks in which their planned load over all projects would exceed capacity, and by how much).

How lines read: an added task's work is its work, or its duration (one person full time) when no work is given; a
changed duration changes no work unless the line also gives the new work; a changed work adds the difference; a
removed task gives back its work. Predecessors are row numbers of the plan as it stands (the WBS grid's # column).

The result is a plain JSON-able dict: it is snapshotted on the change request when it is submitted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg
from django.utils import timezone
from django.utils.translation import gettext as _

from tripod import scheduling as engine
from tripod.core.calendars import calendar_effective_hours
from tripod.core.errors import ValidationFailed
from tripod.people.models import Person
from tripod.projects.models import Assignment, Project, Task
from tripod.projects.selectors.resources import (
    WORKWEEK,
    capacity_minutes,
    planned_minutes_by_week,
    spread_by_week,
    task_days,
)
from tripod.projects.services.schedule import engine_project
from tripod.projects.services.wbs_outline import minutes_per_day
from tripod.projects.services.wbs_text import TextError, predecessors_parse
from tripod.scheduling.whatif import Delta, what_if
from tripod.scope.models import ChangeRequest, ChangeRequestLine

__all__ = ["NEW_TASK_UID_BASE", "PlanDelta", "change_request_impact", "impact_is_stale", "line_label", "plan_delta"]

Kind = ChangeRequestLine.Kind
NEW_TASK_UID_BASE = 10**12  # engine uids of tasks a change request adds (never a database id)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def line_label(line: ChangeRequestLine, number: int) -> str:
    subject = line.name if line.kind == Kind.ADD_TASK else (str(line.task) if line.task_id else "")
    return _("Line %(number)s (%(kind)s %(subject)s)") % {
        "number": number,
        "kind": line.get_kind_display().lower(),
        "subject": f"“{subject}”" if subject else "",
    }


def _fail(line: ChangeRequestLine, number: int, message: str) -> ValidationFailed:
    return ValidationFailed({"lines": [f"{line_label(line, number)}: {message}"]})


@dataclass
class PlanDelta:
    """A change request's lines as the engine's delta, with the links resolved to task ids (new tasks have uids from
    ``NEW_TASK_UID_BASE``) and the work each line adds (minutes, negative when it gives work back)."""

    delta: Delta
    links: list[tuple[int, int, engine.Link]]  # (line index, pred id, link) per predecessor
    new_uids: dict[int, int]  # line index -> engine uid
    work: list[int]  # per line


def plan_rows(project: Project) -> list[int]:
    """Live task ids in the WBS grid's row order (its # column)."""
    return list(Task.objects.filter(project=project).order_by("position", "pk").values_list("pk", flat=True))


def plan_delta(change_request: ChangeRequest, lines: list[ChangeRequestLine], rows: list[int]) -> PlanDelta:
    """Translate the lines; a line that names a task no longer in the plan, or predecessors that cannot be read, is a
    ValidationFailed naming the line."""
    project = change_request.project
    per_day = minutes_per_day(project)
    live = set(rows)
    add_tasks: list[engine.Task] = []
    durations: dict[int, float] = {}
    removed: list[int] = []
    links: list[tuple[int, int, engine.Link]] = []
    new_uids: dict[int, int] = {}
    work: list[int] = []
    for index, line in enumerate(lines):
        number = index + 1
        if line.kind != Kind.ADD_TASK and line.task_id not in live:
            raise _fail(line, number, _("its task is no longer in the plan."))
        if line.kind == Kind.ADD_TASK:
            uid = NEW_TASK_UID_BASE + index
            new_uids[index] = uid
            parent = line.parent_id if line.parent_id in live else None
            duration = line.duration_min or 0
            kind = engine.TaskKind.TASK if duration else engine.TaskKind.MILESTONE
            add_tasks.append(engine.Task(uid=uid, name=line.name, duration=float(duration), kind=kind, parent=parent))
            work.append(line.work_min if line.work_min is not None else duration)
            target = uid
        elif line.kind == Kind.CHANGE_DURATION:
            durations[line.task_id] = float(line.duration_min or 0)
            work.append(line.work_min - line.task.work_min if line.work_min is not None else 0)
            target = line.task_id
        elif line.kind == Kind.CHANGE_WORK:
            work.append((line.work_min or 0) - line.task.work_min)
            target = line.task_id
        else:
            removed.append(line.task_id)
            work.append(-line.task.work_min)
            continue
        try:
            refs = predecessors_parse(line.predecessors, minutes_per_day=per_day)
        except TextError as exc:
            raise _fail(line, number, str(exc)) from exc
        for ref in refs:
            if ref.row > len(rows):
                raise _fail(line, number, _("There is no row %(row)s.") % {"row": ref.row})
            pred = rows[ref.row - 1]
            link = engine.Link(
                pred=pred,
                succ=target,
                type=engine.LinkType(ref.type),
                lag=float(ref.lag),
                lag_unit=engine.LagUnit(ref.lag_unit),
            )
            links.append((index, pred, link))
    delta = Delta(
        add_tasks=tuple(add_tasks),
        remove_tasks=tuple(removed),
        add_links=tuple(link for _index, _pred, link in links),
        durations=durations,
    )
    return PlanDelta(delta, links, new_uids, work)


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value, timezone.get_default_timezone())


def _hours(minutes: int | float) -> str:
    return str((Decimal(minutes) / 60).quantize(TENTH, rounding=ROUND_HALF_UP))


def _weekdays(project: Project) -> frozenset[int]:
    if not project.calendar_id:
        return WORKWEEK
    hours = calendar_effective_hours(project.calendar)
    return frozenset(day for day, intervals in hours.items() if intervals) or WORKWEEK


def _spread(start: datetime, finish: datetime, minutes: int, weekdays: frozenset[int]) -> dict[date, int]:
    first, last = task_days(start, finish)
    return spread_by_week(first=first, last=last, minutes=minutes, weekdays=weekdays)


def _rate_for(person: Person | None, rates: dict[int, Decimal | None], average: Decimal | None) -> Decimal | None:
    if person is not None and rates.get(person.pk) is not None:
        return rates[person.pk]
    return average


def _project_average_rate(project: Project) -> Decimal | None:
    """The average cost rate of the people assigned to the project's live tasks (or, without any, its members)."""
    on_project = Person.objects.filter(
        assignments__task__project=project, assignments__task__deleted_at__isnull=True, cost_rate__isnull=False
    )
    average = on_project.aggregate(rate=Avg("cost_rate"))["rate"]
    if average is None:
        members = Person.objects.filter(user__project_memberships__project=project, cost_rate__isnull=False)
        average = members.aggregate(rate=Avg("cost_rate"))["rate"]
    return Decimal(average) if average is not None else None


def _engine_error(
    exc: engine.SchedulingError, lines: list[ChangeRequestLine], plan: PlanDelta, names: dict[int, str]
) -> ValidationFailed:
    """A loop (or an impossible plan) named after the first line whose task or links are in it."""
    uids = list(getattr(exc, "task_uids", ()) or ())
    if uids:
        loop = [names.get(uid, str(uid)) for uid in uids]
        message = _("The change would make a loop: %(tasks)s.") % {"tasks": " → ".join([*loop, loop[0]])}
    else:
        message = _("The plan cannot be scheduled with this change: %(error)s") % {"error": exc}
    for index, line in enumerate(lines):
        touched = {plan.new_uids.get(index), line.task_id} | {pred for i, pred, _link in plan.links if i == index}
        if set(uids) & touched or not uids:
            return _fail(line, index + 1, message)
    return ValidationFailed({"lines": [message]})


def change_request_impact(*, change_request: ChangeRequest) -> dict[str, Any]:
    """Compute the impact of ``change_request``'s lines on its project's current plan (nothing is written).
    Raises ValidationFailed naming the line when a line cannot be applied to the plan as it stands."""
    project = Project.objects.select_related("calendar").get(pk=change_request.project_id)
    lines = list(change_request.lines.select_related("task", "person").order_by("position", "pk"))
    rows = plan_rows(project)
    plan = plan_delta(change_request, lines, rows)
    model = engine_project(project)
    per_day = model.minutes_per_day or 480
    names = {task.uid: task.name for task in model.tasks}
    names.update({uid: lines[index].name for index, uid in plan.new_uids.items()})
    try:
        before = engine.schedule(model) if model.tasks else None
        result = what_if(model, plan.delta, before) if before is not None else None
    except engine.SchedulingError as exc:
        raise _engine_error(exc, lines, plan, names) from exc

    finish: dict[str, Any] = {"before": None, "after": None, "delta_days": 0.0, "delta_calendar_days": 0}
    entering: list[dict[str, Any]] = []
    leaving: list[dict[str, Any]] = []
    if result is not None and before is not None:
        finish = {
            "before": result.finish_before.isoformat(),
            "after": result.finish_after.isoformat(),
            "delta_days": round(result.finish_delta_working_minutes / per_day, 2),
            "delta_calendar_days": (result.finish_after.date() - result.finish_before.date()).days,
        }
        entering_uids = [*result.became_critical, *(u for u in result.added if result.schedule[u].critical)]
        leaving_uids = [*result.no_longer_critical, *(u for u in result.removed if before[u].critical)]
        entering = [{"task": u if u < NEW_TASK_UID_BASE else None, "name": names.get(u, "")} for u in entering_uids]
        leaving = [{"task": u, "name": names.get(u, "")} for u in leaving_uids]

    # Effort by skill and the cost delta.
    by_skill: dict[str, int] = defaultdict(int)
    for line, minutes in zip(lines, plan.work, strict=True):
        by_skill[line.skill.strip()] += minutes
    rates = {p.pk: p.cost_rate for p in (line.person for line in lines) if p is not None}
    average = _project_average_rate(project) if any(rates.get(line.person_id) is None for line in lines) else None
    cost = Decimal("0")
    estimated = False
    unpriced = False
    for line, minutes in zip(lines, plan.work, strict=True):
        rate = _rate_for(line.person, rates, average)
        if rate is None:
            unpriced = unpriced or minutes != 0
            continue
        if line.person is None or rates.get(line.person_id) is None:
            estimated = True
        cost += Decimal(minutes) / 60 * rate

    overallocations = (
        _overallocations(project, lines, plan, result, before) if result is not None and before is not None else []
    )
    return {
        "finish": finish,
        "critical_entering": entering,
        "critical_leaving": leaving,
        "moved_tasks": len(result.moved) if result is not None else 0,
        "effort_by_skill": [
            {"skill": skill, "hours": _hours(minutes)} for skill, minutes in sorted(by_skill.items()) if minutes
        ],
        "effort_hours": _hours(sum(plan.work)),
        "cost_delta": str(cost.quantize(CENT, rounding=ROUND_HALF_UP)),
        "currency": project.currency,
        "cost_estimated": estimated,
        "cost_unpriced": unpriced,
        "overallocations": overallocations,
        "plan_scheduled_at": project.scheduled_at.isoformat() if project.scheduled_at else None,
    }


def _overallocations(
    project: Project,
    lines: list[ChangeRequestLine],
    plan: PlanDelta,
    result: Any,
    before: engine.Schedule,
) -> list[dict[str, Any]]:
    """People whose weekly load would go over capacity (or further over) with the change: those named on the lines
    (their added work over the new task's dates) and those assigned to tasks of the project that move or go."""
    weekdays = _weekdays(project)
    after = result.schedule
    changes: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))

    def shift(person_id: int, start: datetime, finish: datetime, minutes: int, sign: int) -> None:
        for week, planned in _spread(start, finish, minutes, weekdays).items():
            changes[person_id][week] += sign * planned

    for index, line in enumerate(lines):
        minutes = plan.work[index]
        if line.person_id is None or minutes <= 0 or line.kind == Kind.REMOVE_TASK:
            continue
        uid = plan.new_uids.get(index, line.task_id)
        row = after.tasks.get(uid)
        if row is not None:
            shift(line.person_id, _aware(row.start), _aware(row.finish), minutes, +1)
    moved = {move.uid for move in result.moved} | set(result.removed)
    if moved:
        for person_id, task_id, planned in Assignment.objects.filter(task_id__in=moved).values_list(
            "person_id", "task_id", "planned_work_min"
        ):
            old = before.tasks.get(task_id)
            if old is not None:
                shift(person_id, _aware(old.start), _aware(old.finish), planned, -1)
            new = after.tasks.get(task_id)
            if new is not None:
                shift(person_id, _aware(new.start), _aware(new.finish), planned, +1)
    if not changes:
        return []
    weeks = sorted({week for per_person in changes.values() for week in per_person})
    load = planned_minutes_by_week(changes.keys(), weeks)
    people = {p.pk: p for p in Person.objects.filter(pk__in=changes.keys())}
    out = []
    for person_id, delta in changes.items():
        person = people.get(person_id)
        if person is None:
            continue
        capacity = capacity_minutes(person)
        rows = []
        for week in weeks:
            was = load.get(person_id, {}).get(week, 0)
            now = was + delta.get(week, 0)
            if now > capacity and now > was:
                rows.append(
                    {
                        "week": week.isoformat(),
                        "planned_hours": _hours(now),
                        "capacity_hours": _hours(capacity),
                        "over_hours": _hours(now - capacity),
                    }
                )
        if rows:
            over = sum(Decimal(r["over_hours"]) for r in rows)
            out.append({"person": person_id, "name": person.name, "weeks": rows, "over_hours": str(over)})
    return sorted(out, key=lambda row: row["name"])


def impact_is_stale(change_request: ChangeRequest, project: Project | None = None) -> bool:
    """Whether the plan was rescheduled (so changed) since the impact was taken."""
    if change_request.impact is None:
        return False
    project = project or change_request.project
    return project.scheduled_at is not None and project.scheduled_at != change_request.impact_plan_at
