"""One cell of the WBS grid edited as text (``3d``, ``24h``, ``50``, ``3FS+2d;5SS``): read the text the way the
grid shows it, then change the task through :func:`task_update` or its links through the predecessors service."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tripod.core.errors import ValidationFailed
from tripod.projects.models import Task
from tripod.projects.services.dependencies import task_predecessors_set
from tripod.projects.services.wbs import task_update
from tripod.projects.services.wbs_outline import minutes_per_day
from tripod.projects.services.wbs_text import TextError, duration_parse, work_parse

CELL_FIELDS = ("name", "kind", "duration", "work", "predecessors", "percent_complete", "deliverable", "acceptance")
TRUE_TEXT = {"1", "true", "on", "yes", "y", "x", "是"}


def _percent(text: str) -> int:
    try:
        value = int(str(text).strip().rstrip("%").strip() or 0)
    except ValueError as exc:
        raise TextError(_("Enter a whole number from 0 to 100.")) from exc
    if not 0 <= value <= 100:
        raise TextError(_("Enter a whole number from 0 to 100."))
    return value


def cell_changes(task: Task, field: str, text: str) -> dict[str, Any]:
    """The task fields that the text typed in the grid cell ``field`` stands for."""
    per_day = minutes_per_day(task.project)
    try:
        if field == "duration":
            return {"duration_min": duration_parse(text, minutes_per_day=per_day)}
        if field == "work":
            return {"work_min": work_parse(text, minutes_per_day=per_day) if str(text).strip() else 0}
        if field == "percent_complete":
            return {"percent_complete": _percent(text)}
        if field == "deliverable":
            return {"deliverable": str(text).strip().lower() in TRUE_TEXT}
        if field in ("name", "kind", "acceptance"):
            return {field: str(text)}
    except TextError as exc:
        raise ValidationFailed({field: [str(exc)]}) from exc
    raise ValidationFailed({"field": [_("This column cannot be edited.")]})


@transaction.atomic
def task_cell_update(*, actor: Any, task: Task, version: int | None, field: str, text: str) -> Task:
    """Save one grid cell of ``task``; ``version`` guards every field but the predecessors (links have their own)."""
    if field == "predecessors":
        task_predecessors_set(actor=actor, task=task, text=text)
        return Task.objects.get(pk=task.pk)
    return task_update(actor=actor, task=task, version=version, **cell_changes(task, field, text))
