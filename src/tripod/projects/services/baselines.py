"""Baselines: save the plan as it stands (dates, duration, work, budget per task), rename, delete.

A baseline is a numbered snapshot, like Microsoft Project's Baseline, Baseline 1, ... Saving one is set-based:
one read of the live tasks, one grouped read of their budget lines and a bulk insert, whatever the plan's size.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.services import business_event_record
from tripod.projects.access import can_edit_project
from tripod.projects.models import Baseline, BaselineTask, BudgetLine, Project, Task

NAME_MAX = Baseline._meta.get_field("name").max_length
BATCH = 2000


def _clean_name(name: Any) -> str:
    cleaned = " ".join(str(name or "").split())
    if len(cleaned) > NAME_MAX:
        raise ValidationFailed({"name": [_("The name is too long: at most %(max)s characters.") % {"max": NAME_MAX}]})
    return cleaned


@transaction.atomic
def baseline_save(*, actor: Any, project: Project, name: str = "") -> Baseline:
    """Snapshot every live task's start, finish, duration, work and budget (the sum of its budget lines)."""
    if not can_edit_project(actor, project):
        raise Forbidden()
    name = _clean_name(name)
    # The project row lock serialises two saves of the same project, so each gets its own number.
    Project.objects.select_for_update().filter(pk=project.pk).values_list("pk").get()
    number = (Baseline.objects.filter(project=project).aggregate(n=Max("number"))["n"] or 0) + 1
    baseline = Baseline.objects.create(
        project=project, number=number, name=name, taken_by=actor if actor.is_authenticated else None
    )
    costs = dict(
        BudgetLine.objects.filter(project=project, task__isnull=False)
        .order_by()
        .values_list("task_id")
        .annotate(total=Sum("amount"))
    )
    zero = Decimal("0")
    rows = [
        BaselineTask(
            baseline=baseline,
            task_id=pk,
            start=start,
            finish=finish,
            duration_min=duration,
            work_min=work,
            cost=costs.get(pk) or zero,
        )
        for pk, start, finish, duration, work in Task.objects.filter(project=project)
        .order_by()
        .values_list("pk", "start", "finish", "duration_min", "work_min")
        .iterator(chunk_size=BATCH)
    ]
    BaselineTask.objects.bulk_create(rows, batch_size=BATCH)
    business_event_record(
        actor=actor,
        verb="baseline.saved",
        target=project,
        data={"baseline": baseline.pk, "number": number, "name": name, "tasks": len(rows)},
    )
    return baseline


@transaction.atomic
def baseline_rename(*, actor: Any, baseline: Baseline, name: str) -> Baseline:
    if not can_edit_project(actor, baseline.project):
        raise Forbidden()
    name = _clean_name(name)
    if name != baseline.name:
        Baseline.objects.filter(pk=baseline.pk).update(name=name)
        baseline.name = name
        business_event_record(
            actor=actor, verb="baseline.renamed", target=baseline.project, data={"baseline": baseline.pk, "name": name}
        )
    return baseline


@transaction.atomic
def baseline_delete(*, actor: Any, baseline: Baseline) -> None:
    """Remove a baseline and its task rows; the numbers of the others do not change (as in Microsoft Project)."""
    project = baseline.project
    if not can_edit_project(actor, project):
        raise Forbidden()
    data = {"baseline": baseline.pk, "number": baseline.number, "name": baseline.name}
    BaselineTask.objects.filter(baseline=baseline).delete()
    baseline.delete()
    business_event_record(actor=actor, verb="baseline.deleted", target=project, data=data)
