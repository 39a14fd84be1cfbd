"""What dragging on the Gantt chart means, as Microsoft Project defines it.

- Moving a bar to another day sets a *Start No Earlier Than* constraint on that day (Project does exactly this
  when a bar is dragged in a forward-scheduled plan): the task may still slip later, never earlier.
- Dragging a bar's right end changes its *duration*: the working time, in the project's calendar, from its start
  to the end of the working day dropped on. Non-working days in between do not count.

Both go through the WBS service ``task_update`` (optimistic locking, history, rescheduling).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tripod.core.errors import Forbidden, ValidationFailed
from tripod.projects.access import can_edit_project
from tripod.projects.models import Task
from tripod.projects.plan_clock import PlanClock
from tripod.projects.services.wbs import task_update


def gantt_move(*, actor: Any, task: Task, version: int | None, start: date) -> Task:
    """Move ``task`` to start on ``start`` (at the working day's first working minute): constraint SNET."""
    if not can_edit_project(actor, task.project):
        raise Forbidden()
    if task.kind == Task.Kind.SUMMARY:
        raise ValidationFailed({"start": [_("A summary task follows its subtasks: move the subtasks instead.")]})
    new_start = PlanClock(task.project, anchor=start).day_start(start)
    return task_update(
        actor=actor, task=task, version=version, constraint_type=Task.Constraint.SNET, constraint_date=new_start
    )


def gantt_resize(*, actor: Any, task: Task, version: int | None, finish: date) -> Task:
    """Make ``task`` end at the close of work on ``finish``: its duration becomes the working time in between."""
    if not can_edit_project(actor, task.project):
        raise Forbidden()
    if task.kind != Task.Kind.TASK:
        raise ValidationFailed({"finish": [_("Only a task's duration can be changed on the chart.")]})
    if task.start is None:
        raise ValidationFailed({"finish": [_("The task has no start date yet: schedule the project first.")]})
    clock = PlanClock(task.project, anchor=finish)
    minutes = clock.working_minutes(task.start, clock.day_finish(finish))
    if minutes <= 0:
        start = date_format(clock.local(task.start).date(), "SHORT_DATE_FORMAT")
        raise ValidationFailed({"finish": [_("The finish must be after the start (%(start)s).") % {"start": start}]})
    return task_update(actor=actor, task=task, version=version, duration_min=minutes)
