"""Writes on the work breakdown structure: add, edit, indent / outdent, move, delete to the bin and restore.

Row order is kept as Microsoft Project keeps it: indenting makes a task the last child of the task above it,
outdenting makes the tasks below it (at its level) its children, so no row jumps. After each structural change
the WBS codes, positions, kinds and roll-ups are renumbered in one bulk update and the plan is rescheduled.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tripod.core.errors import NotFound, ValidationFailed
from tripod.core.services import business_event_record, tracked_create, versioned_update
from tripod.projects.models import Dependency, Project, Task
from tripod.projects.services.dependencies import cycle_check, task_label
from tripod.projects.services.schedule import schedule_after_change
from tripod.projects.services.wbs_outline import Outline, minutes_per_day, outline_load, plan_editable

TASK_EDITABLE = {
    "name",
    "kind",
    "duration_min",
    "work_min",
    "deliverable",
    "acceptance",
    "status",
    "percent_complete",
    "constraint_type",
    "constraint_date",
    "actual_start",
    "actual_finish",
    "notes",
}
UNSCHEDULED = {"name", "notes", "deliverable", "acceptance", "status"}
ROLLED_UP = {"work_min", "percent_complete", "duration_min"}
_UNSET: Any = object()


def _live(outline: Outline, task: Task) -> Task:
    if task.pk not in outline.tasks:
        raise NotFound(Task._meta.verbose_name)
    return outline.tasks[task.pk]


def task_values_clean(project: Project, values: dict[str, Any], *, current: Task | None = None) -> dict[str, Any]:
    """Normalise a task's new values the way Microsoft Project does (0 days is a milestone, a milestone lasts 0
    days, acceptance only for deliverables) and refuse what cannot be; returns the values to write."""
    values = dict(values)

    def merged(key: str) -> Any:  # the value after the change
        return values.get(key, getattr(current, key) if current else None)

    errors: dict[str, list[str]] = {}
    if "name" in values:
        values["name"] = (values["name"] or "").strip()
    kind = values.get("kind")
    is_summary = current is not None and current.kind == Task.Kind.SUMMARY
    if kind is not None and kind not in (Task.Kind.TASK, Task.Kind.MILESTONE):
        if not (is_summary and kind == Task.Kind.SUMMARY):
            errors["kind"] = [_("A task becomes a summary when tasks are indented under it.")]
    elif kind is not None and is_summary:
        errors["kind"] = [_("A summary stays a summary while it has tasks under it.")]
    if is_summary:
        for key in ROLLED_UP & set(values):
            if values[key] != getattr(current, key):
                errors[key] = [_("This is rolled up from the tasks under the summary.")]
    elif "duration_min" in values and values["duration_min"] is not None:
        if values["duration_min"] == 0 and merged("kind") == Task.Kind.TASK:
            values["kind"] = Task.Kind.MILESTONE
        elif values["duration_min"] > 0 and merged("kind") == Task.Kind.MILESTONE and "kind" not in values:
            values["kind"] = Task.Kind.TASK
    if values.get("kind") == Task.Kind.MILESTONE:
        values["duration_min"] = 0
    elif values.get("kind") == Task.Kind.TASK and not merged("duration_min"):
        values["duration_min"] = minutes_per_day(project)
    if values.get("deliverable") is True and not merged("acceptance"):
        values.setdefault("acceptance", Task.Acceptance.PENDING)
    if values.get("deliverable") is False:
        values["acceptance"] = Task.Acceptance.NOT_APPLICABLE
    elif merged("acceptance") and not merged("deliverable"):
        errors["acceptance"] = [_("Only a deliverable is accepted or rejected: tick “deliverable” first.")]
    elif merged("deliverable") and "acceptance" in values and not values["acceptance"]:
        errors["acceptance"] = [_("A deliverable is awaiting acceptance, accepted or rejected.")]
    if "status" in values:
        codes = [str(s.get("code")) for s in project.task_statuses or [] if isinstance(s, dict)]
        if codes and values["status"] not in codes:
            errors["status"] = [_("Choose one of this project's statuses: %(codes)s.") % {"codes": ", ".join(codes)}]
    constraint = merged("constraint_type")
    if constraint and constraint not in ("ASAP", "ALAP") and not merged("constraint_date"):
        errors["constraint_date"] = [_("This constraint needs a date.")]
    if constraint in ("ASAP", "ALAP") and "constraint_type" in values:
        values["constraint_date"] = None
    start, finish = merged("actual_start"), merged("actual_finish")
    if start and finish and finish < start:
        errors["actual_finish"] = [_("The actual finish is before the actual start.")]
    if errors:
        raise ValidationFailed(errors)
    return values


@transaction.atomic
def task_create(
    *,
    actor: Any,
    project: Project,
    name: str,
    parent: Task | None = None,
    after: Task | None = None,
    kind: str = "task",
    duration_min: int | None = None,
    work_min: int = 0,
    **fields: Any,
) -> Task:
    """Add a task under ``parent`` after the sibling ``after`` (last child when None; the parent of ``after``
    when only ``after`` is given). ``duration_min`` None is one day of the project's calendar."""
    plan_editable(actor, project)
    unknown = set(fields) - TASK_EDITABLE
    if unknown:
        raise TypeError(f"task_create got unknown fields {sorted(unknown)}")
    outline = outline_load(project)
    if after is not None:
        after = _live(outline, after)
        if parent is not None and outline.parent_id(after.pk) != parent.pk:
            raise ValidationFailed({"after": [_("The task to insert after is not under the chosen parent.")]})
        parent_id = outline.parent_id(after.pk)
    else:
        parent_id = _live(outline, parent).pk if parent is not None else None
    if duration_min is None:
        duration_min = 0 if kind == Task.Kind.MILESTONE else minutes_per_day(project)
    values = task_values_clean(project, {"name": name, "kind": kind, "duration_min": duration_min, **fields})
    task = tracked_create(Task, actor=actor, project=project, parent_id=parent_id, work_min=work_min, **values)
    index = outline.siblings(after.pk).index(after.pk) + 1 if after is not None else None
    outline.add(task, parent_id=parent_id, index=index)
    outline.renumber()
    business_event_record(actor=actor, verb="task.created", target=task)
    schedule_after_change(project=project)
    return task


@transaction.atomic
def task_update(*, actor: Any, task: Task, version: int | None, **changes: Any) -> Task:
    """Change the fields of a task if it is still at ``version``; rolls up and reschedules as needed."""
    project = task.project
    plan_editable(actor, project)
    unknown = set(changes) - TASK_EDITABLE
    if unknown:
        raise TypeError(f"task_update got unknown fields {sorted(unknown)}")
    current = Task.objects.filter(pk=task.pk).first()  # live tasks only: one in the bin is not edited
    if current is None:
        raise NotFound(Task._meta.verbose_name)
    values = task_values_clean(project, changes, current=current)
    task, changed = versioned_update(task, actor=actor, version=version, changes=values)
    for field in ("status", "acceptance"):
        if field in changed:
            old, new = changed[field]
            verb = f"task.{field}_changed"
            business_event_record(actor=actor, verb=verb, target=task, data={"from": old, "to": new})
    if changed.keys() & (ROLLED_UP | {"kind"}):
        outline = outline_load(project)
        outline.tasks[task.pk] = task
        outline.renumber()
    if changed.keys() - UNSCHEDULED:
        schedule_after_change(project=project)
    return task


def _restructure(actor: Any, outline: Outline, task: Task, verb: str) -> Task:
    """Write a structural change: no loop through summaries, no link between a summary and its own task."""
    moved = set(outline.subtree(task.pk))
    above = outline.ancestors(task.pk)
    clash = (
        Dependency.objects.filter(pred_id__in=moved, succ_id__in=above)
        | Dependency.objects.filter(pred_id__in=above, succ_id__in=moved)
    ).first()
    if clash is not None:
        pred, succ = outline.tasks.get(clash.pred_id), outline.tasks.get(clash.succ_id)
        if pred is not None and succ is not None:
            raise ValidationFailed(
                {
                    "parent": [
                        _("%(pred)s is linked to %(succ)s, which would be above or under it: remove that link first.")
                        % {"pred": task_label(pred), "succ": task_label(succ)}
                    ]
                }
            )
    outline.renumber()
    cycle_check(outline, "parent")
    business_event_record(
        actor=actor, verb=verb, target=task, data={"parent": task.parent_id, "wbs_code": task.wbs_code}
    )
    schedule_after_change(project=outline.project)
    return task


@transaction.atomic
def task_indent(*, actor: Any, task: Task) -> Task:
    """Make ``task`` the last child of the task above it at its level."""
    plan_editable(actor, task.project)
    outline = outline_load(task.project)
    task = _live(outline, task)
    siblings = outline.siblings(task.pk)
    index = siblings.index(task.pk)
    if index == 0:
        raise ValidationFailed({"parent": [_("The first task of a level cannot be indented.")]})
    new_parent = siblings[index - 1]
    outline.detach(task.pk)
    outline.insert(task.pk, new_parent)
    return _restructure(actor, outline, task, "task.indented")


@transaction.atomic
def task_outdent(*, actor: Any, task: Task) -> Task:
    """Move ``task`` up one level, right after its summary; the tasks below it at its old level become its
    children, so the rows stay in place (as in Microsoft Project)."""
    plan_editable(actor, task.project)
    outline = outline_load(task.project)
    task = _live(outline, task)
    parent_id = outline.parent_id(task.pk)
    if parent_id is None:
        raise ValidationFailed({"parent": [_("A top-level task cannot be outdented.")]})
    siblings = outline.siblings(task.pk)
    index = siblings.index(task.pk)
    followers = siblings[index + 1 :]
    del siblings[index:]
    grandparent = outline.parent_id(parent_id)
    outline.insert(task.pk, grandparent, outline.children[grandparent].index(parent_id) + 1)
    for follower in followers:
        outline.insert(follower, task.pk)
    return _restructure(actor, outline, task, "task.outdented")


@transaction.atomic
def task_move(
    *,
    actor: Any,
    task: Task,
    direction: Literal["up", "down"] | None = None,
    parent: Task | None = _UNSET,
    index: int | None = None,
) -> Task:
    """Move ``task`` (with everything under it) one place up or down among its siblings, or under ``parent``
    (None = top level) at ``index`` among its children (None = last)."""
    plan_editable(actor, task.project)
    outline = outline_load(task.project)
    task = _live(outline, task)
    if direction is not None:
        siblings = outline.siblings(task.pk)
        at = siblings.index(task.pk)
        to = at - 1 if direction == "up" else at + 1
        if direction not in ("up", "down") or not 0 <= to < len(siblings):
            raise ValidationFailed({"position": [_("The task is already at the edge of its level.")]})
        siblings[at], siblings[to] = siblings[to], siblings[at]
    elif parent is not _UNSET:
        parent_id = None if parent is None else _live(outline, parent).pk
        if parent_id is not None and parent_id in outline.subtree(task.pk):
            raise ValidationFailed({"parent": [_("A task cannot be moved under itself.")]})
        outline.detach(task.pk)
        outline.insert(task.pk, parent_id, index)
    else:
        raise TypeError("task_move needs a direction or a parent")
    return _restructure(actor, outline, task, "task.moved")


@transaction.atomic
def task_delete(*, actor: Any, task: Task) -> None:
    """Put ``task`` and everything under it in the bin (undo with :func:`task_restore`); its links are kept but
    ignored while it is there."""
    plan_editable(actor, task.project)
    outline = outline_load(task.project)
    task = _live(outline, task)
    subtree = outline.subtree(task.pk)
    now = timezone.now()
    Task.all_objects.filter(pk__in=subtree).update(deleted_at=now, deleted_by=actor, updated_at=now)
    task.deleted_at, task.deleted_by = now, actor
    outline.remove(subtree)
    outline.renumber()
    business_event_record(actor=actor, verb="task.deleted", target=task, data={"tasks": len(subtree)})
    schedule_after_change(project=task.project)


@transaction.atomic
def task_restore(*, actor: Any, task: Task) -> Task:
    """Take ``task`` (and what was deleted with it) out of the bin, back in its place."""
    plan_editable(actor, task.project)
    task = Task.all_objects.get(pk=task.pk)
    if task.deleted_at is None:
        raise ValidationFailed({"__all__": [_("This task is not in the bin.")]})
    if task.parent_id and Task.all_objects.filter(pk=task.parent_id, deleted_at__isnull=False).exists():
        raise ValidationFailed({"parent": [_("Its summary task is in the bin too: restore that one first.")]})
    batch = [task.pk]
    frontier = [task.pk]
    while frontier:  # the subtree deleted together with it (not tasks deleted on their own before)
        frontier = list(
            Task.all_objects.filter(parent_id__in=frontier, deleted_at=task.deleted_at).values_list("pk", flat=True)
        )
        batch.extend(frontier)
    Task.all_objects.filter(pk__in=batch).update(deleted_at=None, deleted_by=None, updated_at=timezone.now())
    outline = outline_load(task.project, first=[task.pk])
    outline.renumber()
    task = outline.tasks[task.pk]
    cycle_check(outline, "__all__")
    business_event_record(actor=actor, verb="task.restored", target=task, data={"tasks": len(batch)})
    schedule_after_change(project=task.project)
    return task
