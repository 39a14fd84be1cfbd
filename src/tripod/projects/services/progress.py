"""Updating a plan's progress as of a date, as Microsoft Project's "Update Project" does.

Work scheduled to finish by the date is marked complete with actual dates taken from the schedule; work in progress
gets the share of its span that has passed. Progress is only ever raised, never lowered: what people reported
themselves stays. One reschedule for the whole plan, so it is fit for plans of any size.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.services import business_event_record
from tripod.projects.access import can_edit_project
from tripod.projects.models import Project, Task
from tripod.projects.services.schedule import schedule_after_change
from tripod.projects.services.wbs_outline import wbs_rollup

PROGRESS_FIELDS = ["percent_complete", "actual_start", "actual_finish", "status", "version"]


def _workflow_codes(project: Project) -> tuple[str, str]:
    """The status of work under way and of finished work in this project's workflow."""
    statuses = project.task_statuses or []
    done = next((s["code"] for s in statuses if s.get("done")), "done")
    open_codes = [s["code"] for s in statuses if not s.get("done")]
    under_way = open_codes[1] if len(open_codes) > 1 else (open_codes[0] if open_codes else "in_progress")
    return under_way, done


def _share_passed(task: Task, moment: datetime) -> int:
    assert task.start is not None and task.finish is not None
    span = (task.finish - task.start).total_seconds()
    if span <= 0:
        return 100
    return max(1, min(99, round(100 * (moment - task.start).total_seconds() / span)))


@transaction.atomic
def project_progress_update(*, actor: Any, project: Project, through: date) -> int:
    """Mark progress on ``project`` as of the end of ``through`` (the organisation's local day); returns how many
    tasks changed."""
    if not can_edit_project(actor, project):
        raise Forbidden()
    if project.start and through < project.start:
        raise ValidationFailed({"through": [_("Choose a date on or after the project's start.")]})
    if through > timezone.localdate():
        raise ValidationFailed({"through": [_("Progress cannot be recorded for a day still to come.")]})
    moment = timezone.make_aware(datetime.combine(through + timedelta(days=1), time(0, 0)))
    under_way, done = _workflow_codes(project)
    changed = []
    tasks = Task.objects.filter(project=project, start__lt=moment).exclude(kind=Task.Kind.SUMMARY)
    for task in tasks:
        if task.finish is None or task.start is None:
            continue
        percent = 100 if task.finish <= moment else _share_passed(task, moment)
        if percent <= task.percent_complete:
            continue
        task.percent_complete = percent
        task.actual_start = task.actual_start or task.start
        if percent == 100:
            task.actual_finish = task.actual_finish or task.finish
            task.status = done
        elif task.status != done:
            task.status = under_way
        task.version += 1
        task.updated_by = actor
        changed.append(task)
    if changed:
        bulk_update_with_history(changed, Task, [*PROGRESS_FIELDS, "updated_by"], batch_size=500, default_user=actor)
        wbs_rollup(project=project)
        schedule_after_change(project=project)
    business_event_record(
        actor=actor,
        verb="project.progress_updated",
        target=project,
        data={"through": through.isoformat(), "tasks": len(changed)},
    )
    return len(changed)
