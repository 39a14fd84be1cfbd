"""Writes of the task board: moving a task through its project's workflow, and the workflow itself.

Moving a card follows what Microsoft Project and Jira users expect of status and progress together:

- into a *done* status: % complete becomes 100, the actual finish is stamped (now) when unset, and so is the
  actual start (a finished task has started);
- into any other status after the first ("in progress", "in review"...): the actual start is stamped when unset;
- back to the first status ("to do") with nothing done yet (0 %): the actual start is cleared (an accidental start);
- out of a done status (reopening): the actual finish is cleared and % complete drops to 90 when it was 100, because
  in Microsoft Project a task at 100 % is finished by definition; the assignee then corrects the figure.

A column's WIP limit is a warning, not a wall (as in Jira): the move is made and the outcome says the column is over.
Summary tasks roll up from their children, so they are not on the board and cannot be moved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tripod.core.errors import Forbidden, NotFound, ValidationFailed
from tripod.core.services import business_event_record, versioned_update
from tripod.projects.access import can_edit_project, can_update_task_progress
from tripod.projects.models import Project, Task
from tripod.projects.selectors.board import TaskStatus, project_statuses
from tripod.projects.services.schedule import schedule_after_change
from tripod.projects.services.wbs_outline import wbs_rollup

REOPENED_PERCENT = 90
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
CODE_MAX = Task._meta.get_field("status").max_length
LABEL_MAX = 60


@dataclass(frozen=True)
class BoardMove:
    """The outcome of a move: the saved task and whether its new column is now over its WIP limit."""

    task: Task
    column: TaskStatus
    column_count: int

    @property
    def over_limit(self) -> bool:
        return self.column.wip is not None and self.column_count > self.column.wip


@transaction.atomic
def task_status_move(*, actor: Any, task: Task, status: str, version: int | None = None) -> BoardMove:
    """Move ``task`` to the workflow status ``status`` (a code of its project's ``task_statuses``)."""
    project = task.project
    if not can_update_task_progress(actor, project):
        raise Forbidden()
    if task.deleted_at is not None:
        raise NotFound(_("Task"))
    if task.is_summary:
        raise ValidationFailed(
            {"status": [_("A summary task rolls up from its subtasks and has no status of its own.")]}
        )
    statuses = project_statuses(project)
    by_code = {s.code: s for s in statuses}
    target = by_code.get(status)
    if target is None:
        raise ValidationFailed(
            {"status": [_("“%(status)s” is not a status of this project's board.") % {"status": status}]}
        )
    changes = _progress_changes(task, target, first=statuses[0], was=by_code.get(task.status))
    old = task.status
    task, changed = versioned_update(task, actor=actor, version=version, changes={"status": status, **changes})
    if "status" in changed:
        business_event_record(actor=actor, verb="task.status_changed", target=task, data={"from": old, "to": status})
    if changed.keys() - {"status"}:
        if "percent_complete" in changed:
            wbs_rollup(project=project)  # the summaries above weigh the new progress by work
        schedule_after_change(project=project)  # actual dates and progress move the plan
    count = Task.objects.filter(project=project, status=status).exclude(kind=Task.Kind.SUMMARY).count()
    return BoardMove(task=task, column=target, column_count=count)


def task_status_set(*, actor: Any, task: Task, status: str, version: int | None = None) -> Task:
    """:func:`task_status_move` for callers that only need the saved task."""
    return task_status_move(actor=actor, task=task, status=status, version=version).task


def _progress_changes(task: Task, target: TaskStatus, *, first: TaskStatus, was: TaskStatus | None) -> dict[str, Any]:
    now = timezone.now()
    changes: dict[str, Any] = {}
    if target.done:
        changes["percent_complete"] = 100
        if task.actual_finish is None:
            changes["actual_finish"] = now
        if task.actual_start is None:
            started = task.start if task.start is not None and task.start < now else now
            changes["actual_start"] = started
        return changes
    if (was is not None and was.done) or task.percent_complete == 100:
        changes["actual_finish"] = None
        changes["percent_complete"] = min(task.percent_complete, REOPENED_PERCENT)
    percent = changes.get("percent_complete", task.percent_complete)
    if target.code == first.code:
        if percent == 0 and task.actual_start is not None:
            changes["actual_start"] = None
    elif task.actual_start is None:
        changes["actual_start"] = now
    return changes


# --- the workflow of a project ----------------------------------------------------------------------------------------
@transaction.atomic
def project_task_statuses_set(
    *, actor: Any, project: Project, statuses: list[dict[str, Any]], version: int | None = None
) -> Project:
    """Replace the project's workflow with ``statuses`` (in board order), each {code, label, wip, done}.

    Codes are short slugs (lowercase letters, digits, "_"), unique; labels are shown as typed; ``wip`` is empty or a
    positive whole number; at least one status closes tasks (``done``). A status still used by live tasks cannot be
    removed (move its tasks first)."""
    if not can_edit_project(actor, project):
        raise Forbidden()
    cleaned, errors = _clean_statuses(statuses)
    if not errors:
        kept = {s["code"] for s in cleaned}
        removed = {s.code for s in project_statuses(project)} - kept
        in_use = dict(
            Task.objects.filter(project=project, status__in=removed)
            .values_list("status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for code, n in sorted(in_use.items()):
            message = ngettext(
                "The status “%(code)s” is used by %(count)d task: move it to another status first.",
                "The status “%(code)s” is used by %(count)d tasks: move them to another status first.",
                n,
            ) % {"code": code, "count": n}
            errors.setdefault("statuses", []).append(message)
    if errors:
        raise ValidationFailed(errors)
    old = [s["code"] for s in project.task_statuses or []]
    project, changed = versioned_update(project, actor=actor, version=version, changes={"task_statuses": cleaned})
    if changed:
        business_event_record(
            actor=actor,
            verb="project.task_statuses_changed",
            target=project,
            data={"from": old, "to": [s["code"] for s in cleaned]},
        )
    return project


def _clean_statuses(statuses: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    errors: list[str] = []
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    if not statuses:
        return [], {"statuses": [_("The board needs at least one status.")]}
    for n, raw in enumerate(statuses, start=1):
        code = str(raw.get("code") or "").strip()
        label = str(raw.get("label") or "").strip()
        row = {"row": n, "code": code or "?"}
        if not code:
            errors.append(_("Row %(row)d: the code is required.") % row)
        elif len(code) > CODE_MAX or not CODE_PATTERN.match(code):
            errors.append(
                _(
                    "Row %(row)d: the code “%(code)s” must start with a lowercase letter and use only lowercase "
                    "letters, digits and “_” (at most %(max)d characters)."
                )
                % {**row, "max": CODE_MAX}
            )
        elif code in seen:
            errors.append(_("Row %(row)d: the code “%(code)s” is used twice.") % row)
        seen.add(code)
        if not label:
            errors.append(_("Row %(row)d: the label is required.") % row)
        elif len(label) > LABEL_MAX:
            errors.append(_("Row %(row)d: the label is longer than %(max)d characters.") % {**row, "max": LABEL_MAX})
        wip = _wip(raw.get("wip"))
        if wip is False:
            errors.append(_("Row %(row)d: the WIP limit must be empty or a whole number of at least 1.") % row)
        cleaned.append({"code": code, "label": label, "wip": wip or None, "done": bool(raw.get("done"))})
    if not any(s["done"] for s in cleaned):
        # xgettext:no-python-format
        errors.append(_("Mark at least one status as done: it closes tasks (100 % complete)."))
    return cleaned, ({"statuses": errors} if errors else {})


def _wip(value: Any) -> int | bool | None:
    """The WIP limit as an int, None when empty, False when invalid."""
    if value is None or value == "":
        return None
    try:
        wip = int(value)
    except (TypeError, ValueError):
        return False
    if isinstance(value, float) and value != wip:
        return False
    return wip if wip >= 1 else False
