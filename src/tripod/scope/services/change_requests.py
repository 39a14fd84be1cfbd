"""Writes on change requests: raise, edit, lines of the WBS delta, impact, submit, decide, apply, withdraw.

Flow: draft -> submitted (its impact snapshotted) -> approved (all three of PM, AM and LM approved) -> applied, or
rejected (one of them rejected) or withdrawn (by the people who raised it, before a decision). On the third approval
the change is applied to the WBS in one transaction with the projects' WBS services (tasks added under their
summary, durations and work changed, tasks removed, links added, people assigned; the plan rescheduled) and the
linked requirements move in scope. If applying fails (a loop, a task gone), nothing of the WBS changes, the change
request stays approved with the reason kept in ``apply_error`` (the error names the line), and the PM can apply it
again once the plan is fixed.

Who: see :mod:`tripod.scope.access`. References CR-001, CR-002... are per project, taken under a lock on the project
row. Every step writes a business event ("change_request.submitted", ".approved", ".rejected", ".applied"...).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from tripod.core.errors import Forbidden, StaleVersion, ValidationFailed
from tripod.core.services import business_event_record, tracked_create, versioned_update
from tripod.people.models import Person
from tripod.projects.models import Project, Task
from tripod.projects.services.assignments import assignment_create
from tripod.projects.services.dependencies import dependency_create
from tripod.projects.services.schedule import project_schedule
from tripod.projects.services.wbs import task_create, task_delete, task_update
from tripod.projects.services.wbs_outline import minutes_per_day
from tripod.projects.services.wbs_text import TextError, predecessors_parse
from tripod.scope.access import can_raise_change_request, decision_roles
from tripod.scope.models import Approval, ChangeRequest, ChangeRequestLine, Requirement
from tripod.scope.selectors.change_request_impact import change_request_impact, line_label, plan_delta, plan_rows
from tripod.scope.services.requirements import requirement_scope_by_change

__all__ = [
    "CHANGE_REQUEST_FIELDS",
    "LINE_FIELDS",
    "change_request_apply",
    "change_request_create",
    "change_request_decide",
    "change_request_impact_refresh",
    "change_request_line_add",
    "change_request_line_remove",
    "change_request_submit",
    "change_request_update",
    "change_request_withdraw",
]

CR = ChangeRequest.Status
Kind = ChangeRequestLine.Kind
CHANGE_REQUEST_FIELDS = ("title", "description", "reason", "requirements")
LINE_FIELDS = ("kind", "task", "parent", "name", "duration_min", "work_min", "predecessors", "skill", "person")


def reference_for(number: int) -> str:
    return f"CR-{number:03d}"


def status_label(status: str) -> str:
    return str(ChangeRequest.Status(status).label).lower()


# --- checks ----------------------------------------------------------------------------------------------------------
def _lock(change_request: ChangeRequest, version: int | None = None) -> ChangeRequest:
    current = (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("project__client")
        .get(pk=change_request.pk)
    )
    if version is not None and current.version != version:
        raise StaleVersion(current=current, submitted=version)
    return current


def _require_status(current: ChangeRequest, allowed: Iterable[str], message: str) -> None:
    if current.status not in tuple(allowed):
        raise ValidationFailed({"status": [message % {"status": status_label(current.status)}]})


def _require_draft(current: ChangeRequest) -> None:
    _require_status(current, (CR.DRAFT,), gettext("This change request is %(status)s; only a draft can be changed."))


def _check_requirements(project: Project, requirements: Iterable[Requirement]) -> list[Requirement]:
    chosen = list(requirements)
    for requirement in chosen:
        if requirement.client_id != project.client_id or requirement.project_id not in (None, project.pk):
            raise ValidationFailed(
                {
                    "requirements": [
                        gettext("%(reference)s is not a requirement of this project's client or project.")
                        % {"reference": requirement.reference}
                    ]
                }
            )
    return chosen


def _event(actor: Any, verb: str, change_request: ChangeRequest, **data: Any) -> None:
    business_event_record(
        actor=actor,
        verb=verb,
        target=change_request,
        data={"reference": change_request.reference, "project": change_request.project_id, **data},
    )


def _next_number(project: Project) -> int:
    Project.objects.select_for_update().filter(pk=project.pk).first()
    return (ChangeRequest.objects.filter(project=project).aggregate(n=Max("number"))["n"] or 0) + 1


# --- raise and edit --------------------------------------------------------------------------------------------------
@transaction.atomic
def change_request_create(
    *,
    actor: Any,
    project: Project,
    title: str,
    description: str = "",
    reason: str = "",
    requirements: Iterable[Requirement] = (),
) -> ChangeRequest:
    """Raise a change request on ``project`` (a draft), from requirements or directly."""
    if not can_raise_change_request(actor, project):
        raise Forbidden()
    chosen = _check_requirements(project, requirements)
    number = _next_number(project)
    change_request = tracked_create(
        ChangeRequest,
        actor=actor,
        project=project,
        number=number,
        reference=reference_for(number),
        title=(title or "").strip(),
        description=(description or "").strip(),
        reason=(reason or "").strip(),
        raised_by=actor,
        status=CR.DRAFT,
    )
    if chosen:
        change_request.requirements.set(chosen)
    _event(actor, "change_request.raised", change_request, requirements=[r.reference for r in chosen])
    return change_request


@transaction.atomic
def change_request_update(
    *, actor: Any, change_request: ChangeRequest, version: int | None, **changes: Any
) -> ChangeRequest:
    """Edit a draft's title, description, reason and linked requirements."""
    if not can_raise_change_request(actor, change_request.project):
        raise Forbidden()
    unknown = set(changes) - set(CHANGE_REQUEST_FIELDS)
    if unknown:
        raise TypeError(f"change_request_update got unknown fields {sorted(unknown)}")
    current = _lock(change_request, version)
    _require_draft(current)
    requirements = changes.pop("requirements", None)
    changes = {name: (value or "").strip() for name, value in changes.items()}
    current, _changed = versioned_update(current, actor=actor, version=None, changes=changes)
    if requirements is not None:
        current.requirements.set(_check_requirements(current.project, requirements))
    return current


def _clean_line(project: Project, fields: dict[str, Any]) -> dict[str, Any]:
    """Check one line against the plan; errors name the field."""
    kind = fields.get("kind")
    task: Task | None = fields.get("task")
    parent: Task | None = fields.get("parent")
    person: Person | None = fields.get("person")
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        raise ValidationFailed({"kind": [gettext("Choose what the line changes.")]})
    fields["name"] = (fields.get("name") or "").strip()
    fields["skill"] = (fields.get("skill") or "").strip()
    fields["predecessors"] = (fields.get("predecessors") or "").strip()
    if kind == Kind.ADD_TASK:
        fields["task"] = None
        if not fields["name"]:
            errors["name"] = [gettext("Name the task to add.")]
        if fields.get("duration_min") is None:
            errors["duration_min"] = [gettext("Give the new task's duration, such as 5d.")]
        if parent is not None and (parent.project_id != project.pk or parent.kind != Task.Kind.SUMMARY):
            errors["parent"] = [gettext("Choose a summary task of this project.")]
    else:
        fields["parent"] = None
        if task is None:
            errors["task"] = [gettext("Choose the task the line changes.")]
        elif task.project_id != project.pk or task.deleted_at is not None:
            errors["task"] = [gettext("Choose a task of the project %(project)s.") % {"project": project}]
        elif kind != Kind.REMOVE_TASK and task.kind == Task.Kind.SUMMARY:
            errors["task"] = [gettext("%(task)s is a summary: change the tasks under it.") % {"task": task}]
        if kind == Kind.CHANGE_DURATION and fields.get("duration_min") is None:
            errors["duration_min"] = [gettext("Give the new duration, such as 5d.")]
        if kind == Kind.CHANGE_WORK and fields.get("work_min") is None:
            errors["work_min"] = [gettext("Give the new work, such as 40h.")]
        if kind == Kind.CHANGE_WORK:
            fields["duration_min"] = None
        if kind == Kind.REMOVE_TASK:
            fields.update(duration_min=None, work_min=None, predecessors="", person=None)
    if person is not None and (person.user is None or not person.user.is_internal):
        errors["person"] = [
            gettext("%(name)s is not an active member of staff and cannot be assigned.") % {"name": person}
        ]
    if fields["predecessors"]:
        try:
            refs = predecessors_parse(fields["predecessors"], minutes_per_day=minutes_per_day(project))
        except TextError as exc:
            errors["predecessors"] = [str(exc)]
        else:
            rows = Task.objects.filter(project=project).count()
            missing = [ref.row for ref in refs if ref.row > rows]
            if missing:
                errors["predecessors"] = [gettext("There is no row %(row)s.") % {"row": missing[0]}]
    if errors:
        raise ValidationFailed(errors)
    return fields


@transaction.atomic
def change_request_line_add(*, actor: Any, change_request: ChangeRequest, **fields: Any) -> ChangeRequestLine:
    """Add one change to a draft's WBS delta."""
    if not can_raise_change_request(actor, change_request.project):
        raise Forbidden()
    unknown = set(fields) - set(LINE_FIELDS)
    if unknown:
        raise TypeError(f"change_request_line_add got unknown fields {sorted(unknown)}")
    current = _lock(change_request)
    _require_draft(current)
    values = _clean_line(current.project, {name: fields.get(name) for name in LINE_FIELDS})
    position = (current.lines.aggregate(n=Max("position"))["n"] or 0) + 1
    line = tracked_create(ChangeRequestLine, actor=actor, change_request=current, position=position, **values)
    ChangeRequest.objects.filter(pk=current.pk).update(impact=None, impact_at=None, impact_plan_at=None)
    return line


@transaction.atomic
def change_request_line_remove(*, actor: Any, line: ChangeRequestLine) -> None:
    change_request = line.change_request
    if not can_raise_change_request(actor, change_request.project):
        raise Forbidden()
    current = _lock(change_request)
    _require_draft(current)
    line.delete()
    ChangeRequest.objects.filter(pk=current.pk).update(impact=None, impact_at=None, impact_plan_at=None)


# --- impact and submission -------------------------------------------------------------------------------------------
def _snapshot(current: ChangeRequest) -> dict[str, Any]:
    impact = change_request_impact(change_request=current)
    current.impact = impact
    current.impact_at = timezone.now()
    current.impact_plan_at = current.project.scheduled_at
    ChangeRequest.objects.filter(pk=current.pk).update(
        impact=impact, impact_at=current.impact_at, impact_plan_at=current.impact_plan_at
    )
    return impact


@transaction.atomic
def change_request_impact_refresh(*, actor: Any, change_request: ChangeRequest) -> dict[str, Any]:
    """Compute a draft's impact again on the plan as it stands now (a submitted one keeps its snapshot)."""
    if not can_raise_change_request(actor, change_request.project):
        raise Forbidden()
    current = _lock(change_request)
    _require_draft(current)
    return _snapshot(current)


@transaction.atomic
def change_request_submit(*, actor: Any, change_request: ChangeRequest, version: int | None = None) -> ChangeRequest:
    """Send a draft for decision: its impact is computed on the plan as it stands and kept with it."""
    if not can_raise_change_request(actor, change_request.project):
        raise Forbidden()
    current = _lock(change_request, version)
    _require_status(current, (CR.DRAFT,), gettext("Only a draft can be submitted; this change request is %(status)s."))
    if not current.lines.exists():
        raise ValidationFailed({"lines": [gettext("Add at least one change to the WBS before submitting.")]})
    impact = _snapshot(current)
    current, _changed = versioned_update(
        current, actor=actor, version=None, changes={"status": CR.SUBMITTED, "submitted_at": timezone.now()}
    )
    _event(
        actor,
        "change_request.submitted",
        current,
        finish_delta_days=impact["finish"]["delta_days"],
        effort_hours=impact["effort_hours"],
    )
    return current


@transaction.atomic
def change_request_withdraw(
    *, actor: Any, change_request: ChangeRequest, reason: str, version: int | None = None
) -> ChangeRequest:
    """Those who raised it drop the change request, before it is decided."""
    if not can_raise_change_request(actor, change_request.project):
        raise Forbidden()
    current = _lock(change_request, version)
    _require_status(
        current,
        (CR.DRAFT, CR.SUBMITTED),
        gettext("This change request is %(status)s; it can no longer be withdrawn."),
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [gettext("Give the reason.")]})
    current, _changed = versioned_update(
        current,
        actor=actor,
        version=None,
        changes={"status": CR.WITHDRAWN, "closing_reason": reason, "decided_at": timezone.now()},
    )
    _event(actor, "change_request.withdrawn", current, reason=reason)
    return current


# --- decisions -------------------------------------------------------------------------------------------------------
@transaction.atomic
def change_request_decide(
    *,
    actor: Any,
    change_request: ChangeRequest,
    role: str,
    decision: str,
    comment: str = "",
) -> Approval:
    """Record one role's decision on a submitted change request. One rejection rejects it; the third approval
    approves it and applies it to the WBS (see :func:`change_request_apply`)."""
    roles = decision_roles(actor, change_request)
    if not roles:
        raise Forbidden()
    if role not in roles:
        raise ValidationFailed({"role": [gettext("You cannot decide in this role.")]})
    if decision not in Approval.Decision.values:
        raise ValidationFailed({"decision": [gettext("Approve or reject.")]})
    comment = (comment or "").strip()
    if decision == Approval.Decision.REJECT and not comment:
        raise ValidationFailed({"comment": [gettext("Say why you reject the change.")]})
    current = _lock(change_request)
    _require_status(
        current, (CR.SUBMITTED,), gettext("Only a submitted change request can be decided; this one is %(status)s.")
    )
    if current.approvals.filter(role=role).exists():
        raise ValidationFailed(
            {"role": [gettext("The %(role)s has already decided.") % {"role": Approval.Role(role).label.lower()}]}
        )
    approval = tracked_create(
        Approval,
        actor=actor,
        change_request=current,
        role=role,
        person=actor,
        decision=decision,
        comment=comment,
        at=timezone.now(),
    )
    _event(actor, "change_request.decided", current, role=role, decision=decision, comment=comment)
    if decision == Approval.Decision.REJECT:
        current, _changed = versioned_update(
            current, actor=actor, version=None, changes={"status": CR.REJECTED, "decided_at": timezone.now()}
        )
        _event(actor, "change_request.rejected", current, role=role, comment=comment)
        return approval
    approved = set(current.approvals.filter(decision=Approval.Decision.APPROVE).values_list("role", flat=True))
    if approved >= set(Approval.Role.values):
        current, _changed = versioned_update(
            current, actor=actor, version=None, changes={"status": CR.APPROVED, "decided_at": timezone.now()}
        )
        _event(actor, "change_request.approved", current)
        try:
            _apply(actor, current)
        except ValidationFailed as exc:
            message = "; ".join(str(m) for messages in exc.errors.values() for m in messages)
            ChangeRequest.objects.filter(pk=current.pk).update(apply_error=message)
            _event(actor, "change_request.apply_failed", current, error=message)
    return approval


# --- applying to the WBS ---------------------------------------------------------------------------------------------
@transaction.atomic
def change_request_apply(*, actor: Any, change_request: ChangeRequest) -> ChangeRequest:
    """Apply an approved change request to the WBS (again, after a failed attempt): the project's PM or an admin.
    All or nothing; a failure is a ValidationFailed naming the line."""
    current = _lock(change_request)
    if not (actor.is_authenticated and (actor.is_admin or current.project.pm_id == actor.pk)):
        raise Forbidden()
    _require_status(
        current, (CR.APPROVED,), gettext("Only an approved change request can be applied; this one is %(status)s.")
    )
    try:
        return _apply(actor, current)
    except ValidationFailed as exc:
        message = "; ".join(str(m) for messages in exc.errors.values() for m in messages)
        raise ValidationFailed({"lines": [message]}) from exc


def _apply(actor: Any, current: ChangeRequest) -> ChangeRequest:
    """Write the lines to the WBS inside a savepoint: any failure undoes every line and is re-raised naming it."""
    project = current.project
    # The WBS is written by the plan's editor: the approvals are the authority, the PM (or an admin) the hand.
    editor = actor if (actor.is_admin or project.pm_id == actor.pk) else project.pm
    if editor is None:
        raise ValidationFailed({"lines": [gettext("The project has no PM to apply the change to its plan.")]})
    with transaction.atomic():
        lines = list(current.lines.select_related("task", "parent", "person").order_by("position", "pk"))
        rows = plan_rows(project)
        plan = plan_delta(current, lines, rows)  # links resolved on the plan as it stands, before any row moves
        made: dict[int, Task] = {}
        for index, line in enumerate(lines):
            try:
                made[index] = _apply_line(editor, project, line, plan.work[index])
            except ValidationFailed as exc:
                message = "; ".join(str(m) for messages in exc.errors.values() for m in messages)
                raise ValidationFailed({"lines": [f"{line_label(line, index + 1)}: {message}"]}) from exc
        for index, pred_id, link in plan.links:
            line = lines[index]
            try:
                pred = Task.objects.get(pk=pred_id)
                dependency_create(
                    actor=editor,
                    pred=pred,
                    succ=made[index],
                    type=str(link.type),
                    lag=int(link.lag),
                    lag_unit=str(link.lag_unit),
                )
            except (ValidationFailed, Task.DoesNotExist) as exc:
                errors = (
                    exc.errors
                    if isinstance(exc, ValidationFailed)
                    else {"task": [gettext("Its task is no longer in the plan.")]}
                )
                message = "; ".join(str(m) for messages in errors.values() for m in messages)
                raise ValidationFailed({"lines": [f"{line_label(line, index + 1)}: {message}"]}) from exc
        outcome = project_schedule(project=project)
        if outcome.error:
            raise ValidationFailed({"lines": [outcome.error]})
        for requirement in current.requirements.all():
            requirement_scope_by_change(actor=actor, requirement=requirement, change_request=current)
        current, _changed = versioned_update(
            current, actor=actor, version=None, changes={"status": CR.APPLIED, "applied_at": timezone.now()}
        )
        ChangeRequest.objects.filter(pk=current.pk).update(apply_error="")
        current.apply_error = ""
        _event(
            actor,
            "change_request.applied",
            current,
            tasks_added=[task.pk for i, task in made.items() if lines[i].kind == Kind.ADD_TASK],
            lines=len(lines),
        )
    return current


def _apply_line(editor: Any, project: Project, line: ChangeRequestLine, work: int) -> Task:
    """One line through the WBS services; returns the task it added or changed."""
    if line.kind == Kind.ADD_TASK:
        task = task_create(
            actor=editor,
            project=project,
            name=line.name,
            parent=line.parent,
            duration_min=line.duration_min or 0,
            work_min=max(work, 0),
        )
        if line.person_id is not None and task.kind == Task.Kind.TASK:
            assignment_create(actor=editor, task=task, person=line.person, planned_work_min=max(work, 0))
        return task
    task = Task.objects.filter(pk=line.task_id).first()
    if task is None:
        raise ValidationFailed({"task": [gettext("Its task is no longer in the plan.")]})
    if line.kind == Kind.REMOVE_TASK:
        task_delete(actor=editor, task=task)
        return task
    changes: dict[str, Any] = {}
    if line.kind == Kind.CHANGE_DURATION:
        changes["duration_min"] = line.duration_min or 0
    if line.work_min is not None:
        changes["work_min"] = line.work_min
    task = task_update(actor=editor, task=task, version=None, **changes)
    if line.person_id is not None and work > 0 and not task.assignments.filter(person_id=line.person_id).exists():
        assignment_create(actor=editor, task=task, person=line.person, planned_work_min=work)
    return task
