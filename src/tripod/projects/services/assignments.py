"""Writes on assignments: people on tasks with units (%) and planned work.

Over-allocation is not an error: the write succeeds and the outcome names the weeks in which the person's load over
all projects now exceeds their capacity, so the interface can warn right where the assignment was made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tripod.core.errors import Forbidden, NotFound, ValidationFailed
from tripod.core.services import business_event_record, tracked_create, versioned_update
from tripod.people.access import people_visible_to
from tripod.people.models import Person
from tripod.projects.access import can_edit_project
from tripod.projects.models import Assignment, Task
from tripod.projects.selectors.resources import (
    WeekLoad,
    capacity_minutes,
    planned_minutes_by_week,
    task_days,
    week_start,
)

MIN_UNITS = Decimal("1")
MAX_UNITS = Decimal("1000")


@dataclass(frozen=True)
class AssignmentOutcome:
    """The saved assignment and the weeks (of its task's span) in which its person is now over capacity."""

    assignment: Assignment
    overallocated_weeks: list[WeekLoad] = field(default_factory=list)

    @property
    def overallocated(self) -> bool:
        return bool(self.overallocated_weeks)


def _check_editor(actor: Any, task: Task) -> None:
    if task.deleted_at is not None:
        raise NotFound(Task._meta.verbose_name)
    if not can_edit_project(actor, task.project):
        raise Forbidden()


def _check_task_takes_work(task: Task) -> None:
    if task.kind == Task.Kind.SUMMARY:
        raise ValidationFailed(
            {"task": [_("%(task)s is a summary task: assign people to its tasks.") % {"task": task}]}
        )
    if task.kind == Task.Kind.MILESTONE:
        raise ValidationFailed({"task": [_("%(task)s is a milestone: milestones take no work.") % {"task": task}]})


def _check_person(actor: Any, person: Person) -> None:
    login = person.user
    if login is None or not login.is_internal:
        raise ValidationFailed(
            {"person": [_("%(name)s is not an active member of staff and cannot be assigned.") % {"name": person}]}
        )
    if not people_visible_to(actor).filter(pk=person.pk).exists():
        raise ValidationFailed({"person": [_("Choose a person from the list.")]})


def _clean_units(units: Any) -> Decimal:
    try:
        value = Decimal(str(units))
    except (InvalidOperation, ValueError, TypeError):
        value = Decimal("NaN")
    if value.is_nan() or not MIN_UNITS <= value <= MAX_UNITS:
        raise ValidationFailed({"units": [_("Units must be a percentage between 1 and 1000.")]})
    return value.quantize(Decimal("0.1"))


def _clean_planned(planned_work_min: Any, *, task: Task, units: Decimal) -> int:
    if planned_work_min is None or planned_work_min == "":
        return int((Decimal(task.duration_min) * units / 100).to_integral_value())
    try:
        value = int(planned_work_min)
    except (TypeError, ValueError):
        value = -1
    if value < 0:
        raise ValidationFailed({"planned_work_min": [_("Planned work must be zero or more hours.")]})
    return value


def overallocated_weeks(*, person: Person, task: Task) -> list[WeekLoad]:
    """The weeks of ``task``'s span in which ``person``'s planned load over every project exceeds capacity."""
    if task.start is None or task.finish is None:
        return []
    first, last = task_days(task.start, task.finish)
    weeks = []
    week = week_start(first)
    while week <= last:
        weeks.append(week)
        week += timedelta(weeks=1)
    load = planned_minutes_by_week([person.pk], weeks).get(person.pk, {})
    capacity = capacity_minutes(person)
    loads = [WeekLoad(week, load.get(week, 0), capacity) for week in weeks]
    return [w for w in loads if w.over]


@transaction.atomic
def assignment_create(
    *,
    actor: Any,
    task: Task,
    person: Person,
    units: Any = Decimal("100"),
    planned_work_min: Any = None,
) -> AssignmentOutcome:
    _check_editor(actor, task)
    _check_task_takes_work(task)
    _check_person(actor, person)
    clean_units = _clean_units(units)
    planned = _clean_planned(planned_work_min, task=task, units=clean_units)
    if Assignment.objects.filter(task=task, person=person).exists():
        raise ValidationFailed({"person": [_("%(name)s is already assigned to this task.") % {"name": person}]})
    assignment = tracked_create(
        Assignment, actor=actor, task=task, person=person, units=clean_units, planned_work_min=planned
    )
    weeks = overallocated_weeks(person=person, task=task)
    business_event_record(
        actor=actor,
        verb="assignment.created",
        target=task.project,
        data={"task": task.pk, "person": person.pk, "units": str(clean_units), "overallocated_weeks": len(weeks)},
    )
    return AssignmentOutcome(assignment, weeks)


@transaction.atomic
def assignment_update(
    *, actor: Any, assignment: Assignment, version: int | None, units: Any = None, planned_work_min: Any = None
) -> AssignmentOutcome:
    """Change units and/or planned work. Changing units alone recomputes planned work from the task's duration;
    give ``planned_work_min`` to set it explicitly. New units with the planned work sent back as it was (a form
    showing both) count as changing units alone."""
    task = assignment.task
    _check_editor(actor, task)
    changes: dict[str, Any] = {}
    clean_units = _clean_units(units) if units is not None else assignment.units
    if units is not None:
        changes["units"] = clean_units
    explicit = planned_work_min is not None and planned_work_min != ""
    if explicit and clean_units != assignment.units and str(planned_work_min) == str(assignment.planned_work_min):
        explicit = False
    if explicit:
        changes["planned_work_min"] = _clean_planned(planned_work_min, task=task, units=clean_units)
    elif units is not None:
        changes["planned_work_min"] = _clean_planned(None, task=task, units=clean_units)
    assignment, changed = versioned_update(assignment, actor=actor, version=version, changes=changes)
    weeks = overallocated_weeks(person=assignment.person, task=task)
    if changed:
        business_event_record(
            actor=actor,
            verb="assignment.updated",
            target=task.project,
            data={"task": task.pk, "person": assignment.person_id, "overallocated_weeks": len(weeks)},
        )
    return AssignmentOutcome(assignment, weeks)


@transaction.atomic
def assignment_delete(*, actor: Any, assignment: Assignment) -> None:
    task = assignment.task
    _check_editor(actor, task)
    data = {"task": task.pk, "person": assignment.person_id}
    assignment.delete()
    business_event_record(actor=actor, verb="assignment.deleted", target=task.project, data=data)
