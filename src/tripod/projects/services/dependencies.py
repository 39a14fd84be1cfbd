"""Links between tasks (FS / SS / FF / SF with a lag): create, change, delete, or set from ``3FS+2d;5SS`` text.

A link that would close a loop is refused with the tasks of the loop named (WBS code and name); so is a link
between a summary and a task under it (Microsoft Project refuses those too). The loop is found with the engine's
own network, so summaries count as they do when scheduling: a link to a summary applies to every task under it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tripod.core.errors import NotFound, ValidationFailed
from tripod.core.services import business_event_record, tracked_create, versioned_update
from tripod.projects.models import Dependency, Task
from tripod.projects.services.schedule import schedule_after_change
from tripod.projects.services.wbs_outline import Outline, minutes_per_day, outline_load, plan_editable
from tripod.projects.services.wbs_text import MAX_MINUTES, PredecessorRef, TextError, predecessors_parse
from tripod.scheduling.errors import CycleError
from tripod.scheduling.model import LagUnit, Link, LinkType
from tripod.scheduling.model import Task as EngineTask
from tripod.scheduling.network import build_network

LINK_FIELDS = {"type", "lag", "lag_unit"}
LinkSpec = tuple[int, int, str]  # (pred id, succ id, type)


def task_label(task: Task) -> str:
    return f"{task.wbs_code} {task.name}".strip()


def links_cycle(outline: Outline, *, add: Iterable[LinkSpec] = (), drop: Iterable[int] = ()) -> list[Task]:
    """The tasks of a loop the live links (less ``drop`` ids, plus ``add``) would form in ``outline``; [] if none."""
    tasks = outline.tasks
    leaves, summaries = [], {}
    for pk in outline.rows():
        if outline.children.get(pk):
            summaries[pk] = [t for t in outline.subtree(pk) if not outline.children.get(t)]
        else:
            leaves.append(EngineTask(uid=pk, name=tasks[pk].name))
    dropped = set(drop)
    specs = [
        (pred, succ, kind)
        for pk, pred, succ, kind in Dependency.objects.filter(project=outline.project).values_list(
            "pk", "pred_id", "succ_id", "type"
        )
        if pk not in dropped and pred in tasks and succ in tasks
    ]
    links = [Link(pred=p, succ=s, type=LinkType(k), lag_unit=LagUnit.WORKING) for p, s, k in [*specs, *add]]
    names = {pk: task.name for pk, task in tasks.items()}
    try:
        build_network(leaves, summaries, links, {}, names)
    except CycleError as exc:
        return [tasks[uid] for uid in exc.task_uids if uid in tasks]
    return []


def cycle_message(cycle: Sequence[Task]) -> str:
    labels = [task_label(task) for task in cycle]
    return _("These links would make a loop: %(tasks)s.") % {"tasks": " → ".join([*labels, labels[0]])}


def cycle_check(outline: Outline, field: str, **changes: Any) -> None:
    cycle = links_cycle(outline, **changes)
    if cycle:
        raise ValidationFailed({field: [cycle_message(cycle)]})


def _check_pair(outline: Outline, pred: Task, succ: Task, field: str) -> None:
    if pred.pk == succ.pk:
        raise ValidationFailed({field: [_("A task cannot depend on itself.")]})
    for upper, lower in ((pred, succ), (succ, pred)):
        if upper.pk in outline.ancestors(lower.pk):
            raise ValidationFailed(
                {
                    field: [
                        _("%(summary)s is a summary of %(task)s: a summary cannot be linked to a task under it.")
                        % {"summary": task_label(outline.tasks[upper.pk]), "task": task_label(outline.tasks[lower.pk])}
                    ]
                }
            )


def _check_link_values(type_: str, lag: Any, lag_unit: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if type_ not in Dependency.Type.values:
        errors["type"] = [_("Choose FS, SS, FF or SF.")]
    if lag_unit not in Dependency.LagUnit.values:
        errors["lag_unit"] = [_("Choose working time, elapsed time or percent of the predecessor.")]
    if not isinstance(lag, int) or abs(lag) > MAX_MINUTES:
        errors["lag"] = [_("Enter a whole number of minutes (or percent).")]
    return errors


@transaction.atomic
def dependency_create(
    *, actor: Any, pred: Task, succ: Task, type: str = "FS", lag: int = 0, lag_unit: str = "working"
) -> Dependency:
    """``succ`` depends on ``pred``. Refuses a loop (naming its tasks), a link to a summary's own task, a second
    link between the same two tasks, and tasks of different projects or in the bin."""
    project = succ.project
    plan_editable(actor, project)
    errors = _check_link_values(type, lag, lag_unit)
    if errors:
        raise ValidationFailed(errors)
    if pred.project_id != succ.project_id:
        raise ValidationFailed({"pred": [_("A link joins two tasks of the same project.")]})
    outline = outline_load(project)
    if pred.pk not in outline.tasks or succ.pk not in outline.tasks:
        raise ValidationFailed({"pred": [_("A task in the bin cannot be linked.")]})
    pred, succ = outline.tasks[pred.pk], outline.tasks[succ.pk]
    _check_pair(outline, pred, succ, "pred")
    if Dependency.objects.filter(pred=pred, succ=succ).exists():
        raise ValidationFailed(
            {
                "pred": [
                    _("%(pred)s is already a predecessor of %(succ)s.")
                    % {"pred": task_label(pred), "succ": task_label(succ)}
                ]
            }
        )
    cycle_check(outline, "pred", add=[(pred.pk, succ.pk, type)])
    link = tracked_create(
        Dependency, actor=actor, project=project, pred=pred, succ=succ, type=type, lag=lag, lag_unit=lag_unit
    )
    business_event_record(actor=actor, verb="dependency.created", target=link, data={"pred": pred.pk, "succ": succ.pk})
    schedule_after_change(project=project)
    return link


@transaction.atomic
def dependency_update(*, actor: Any, dependency: Dependency, version: int | None, **changes: Any) -> Dependency:
    """Change the type or lag of a link (the loop structure does not depend on either)."""
    project = dependency.project
    plan_editable(actor, project)
    unknown = set(changes) - LINK_FIELDS
    if unknown:
        raise TypeError(f"dependency_update got unknown fields {sorted(unknown)}")
    merged = {field: changes.get(field, getattr(dependency, field)) for field in LINK_FIELDS}
    errors = _check_link_values(merged["type"], merged["lag"], merged["lag_unit"])
    if errors:
        raise ValidationFailed(errors)
    dependency, changed = versioned_update(dependency, actor=actor, version=version, changes=changes)
    if changed:
        schedule_after_change(project=project)
    return dependency


@transaction.atomic
def dependency_delete(*, actor: Any, dependency: Dependency) -> None:
    project = dependency.project
    plan_editable(actor, project)
    business_event_record(
        actor=actor,
        verb="dependency.deleted",
        target=dependency,
        data={"pred": dependency.pred_id, "succ": dependency.succ_id, "type": dependency.type},
    )
    dependency.delete()
    schedule_after_change(project=project)


def resolve_predecessors(
    outline: Outline, refs: Sequence[PredecessorRef], succ: Task, *, field: str, rows: Sequence[int] | None = None
) -> list[tuple[Task, PredecessorRef]]:
    """Row numbers of ``refs`` as tasks of ``outline``, checked against ``succ`` (self, own summary)."""
    rows = outline.rows() if rows is None else rows
    resolved = []
    for ref in refs:
        if ref.row > len(rows):
            raise ValidationFailed({field: [_("There is no row %(row)s.") % {"row": ref.row}]})
        pred = outline.tasks[rows[ref.row - 1]]
        _check_pair(outline, pred, succ, field)
        resolved.append((pred, ref))
    return resolved


def links_replace(*, actor: Any, outline: Outline, succ: Task, wanted: Sequence[tuple[Task, PredecessorRef]]) -> None:
    """Make the live predecessors of ``succ`` exactly ``wanted`` (links from tasks in the bin are kept)."""
    current = {link.pred_id: link for link in Dependency.objects.filter(succ=succ) if link.pred_id in outline.tasks}
    keep = {pred.pk for pred, _ref in wanted}
    stale = [link.pk for pred_id, link in current.items() if pred_id not in keep]
    Dependency.objects.filter(pk__in=stale).delete()
    for pred, ref in wanted:
        link = current.get(pred.pk)
        values = {"type": ref.type, "lag": ref.lag, "lag_unit": ref.lag_unit}
        if link is None:
            tracked_create(Dependency, actor=actor, project=outline.project, pred=pred, succ=succ, **values)
        elif any(getattr(link, key) != value for key, value in values.items()):
            versioned_update(link, actor=actor, version=None, changes=values)


@transaction.atomic
def task_predecessors_set(*, actor: Any, task: Task, text: str) -> None:
    """Set the predecessors of ``task`` from ``3FS+2d;5SS`` (row numbers of the WBS); all or nothing."""
    project = task.project
    plan_editable(actor, project)
    try:
        refs = predecessors_parse(text, minutes_per_day=minutes_per_day(project))
    except TextError as exc:
        raise ValidationFailed({"predecessors": [str(exc)]}) from exc
    outline = outline_load(project)
    if task.pk not in outline.tasks:
        raise NotFound(Task._meta.verbose_name)
    succ = outline.tasks[task.pk]
    wanted = resolve_predecessors(outline, refs, succ, field="predecessors")
    current = Dependency.objects.filter(succ=succ).values_list("pk", flat=True)
    cycle_check(outline, "predecessors", drop=list(current), add=[(pred.pk, succ.pk, ref.type) for pred, ref in wanted])
    links_replace(actor=actor, outline=outline, succ=succ, wanted=wanted)
    business_event_record(actor=actor, verb="task.predecessors_set", target=succ, data={"text": text})
    schedule_after_change(project=project)
