"""Writes on the issue log: what has already happened and needs resolving (a risk that occurred, or a surprise).

Who: anyone on the staff side who sees the project's internals logs an issue; the project's editors and the
issue's owner change and resolve it. Numbers I1, I2... per project, taken under a lock on the project row.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.services import business_event_record, tracked_create, versioned_update
from tripod.projects.access import can_edit_project, can_raise_risk, can_view_project_internals
from tripod.projects.models import IssueLogEntry, Project, Risk
from tripod.projects.services.risks import next_number_in_project

ISSUE_EDITABLE = {"title", "description", "priority", "status", "owner", "due", "resolution"}
DONE = (IssueLogEntry.Status.RESOLVED, IssueLogEntry.Status.CLOSED)


def can_edit_issue(user: Any, issue: IssueLogEntry) -> bool:
    if can_edit_project(user, issue.project):
        return True
    return bool(user.is_authenticated and issue.owner_id == user.pk and can_view_project_internals(user, issue.project))


def _check_owner(project: Project, owner: Any) -> None:
    if owner is not None and not can_view_project_internals(owner, project):
        raise ValidationFailed({"owner": [gettext("The owner must be on the staff side of this project.")]})


@transaction.atomic
def issue_create(
    *,
    actor: Any,
    project: Project,
    title: str,
    description: str = "",
    priority: str = IssueLogEntry.Priority.MEDIUM,
    owner: Any = None,
    due: Any = None,
    risk: Risk | None = None,
) -> IssueLogEntry:
    if not can_raise_risk(actor, project):
        raise Forbidden()
    if risk is not None and risk.project_id != project.pk:
        raise ValidationFailed({"risk": [gettext("Choose a risk of this project.")]})
    _check_owner(project, owner)
    issue = tracked_create(
        IssueLogEntry,
        actor=actor,
        project=project,
        number=next_number_in_project(IssueLogEntry, project),
        title=(title or "").strip(),
        description=description or "",
        priority=priority,
        owner=owner,
        due=due,
        risk=risk,
    )
    business_event_record(
        actor=actor,
        verb="issue.raised",
        target=issue,
        data={"number": issue.number, "risk": risk.number if risk else None},
    )
    return issue


@transaction.atomic
def issue_update(*, actor: Any, issue: IssueLogEntry, version: int | None, **changes: Any) -> IssueLogEntry:
    """Change an issue. Moving it to resolved or closed needs a resolution and stamps when it was resolved."""
    if not can_edit_issue(actor, issue):
        raise Forbidden()
    unknown = set(changes) - ISSUE_EDITABLE
    if unknown:
        raise TypeError(f"issue_update got unknown fields {sorted(unknown)}")
    if "owner" in changes:
        _check_owner(issue.project, changes["owner"])
    if "resolution" in changes:
        changes["resolution"] = (changes["resolution"] or "").strip()
    status = changes.get("status", issue.status)
    resolution = changes.get("resolution", issue.resolution)
    was_done = IssueLogEntry.objects.values_list("status", flat=True).get(pk=issue.pk) in DONE
    if status in DONE and not resolution:
        raise ValidationFailed({"resolution": [gettext("Say how the issue was resolved.")]})
    if status in DONE and not was_done:
        changes["resolved_at"] = timezone.now()
    elif status not in DONE:
        changes["resolved_at"] = None
    issue, changed = versioned_update(issue, actor=actor, version=version, changes=changes)
    if issue.status in DONE and not was_done:
        business_event_record(actor=actor, verb="issue.resolved", target=issue, data={"number": issue.number})
    elif "status" in changed:
        old, new = changed["status"]
        business_event_record(actor=actor, verb="issue.status_changed", target=issue, data={"from": old, "to": new})
    return issue


def issue_resolve(*, actor: Any, issue: IssueLogEntry, resolution: str, version: int | None = None) -> IssueLogEntry:
    """Resolve an issue, saying how."""
    return issue_update(
        actor=actor, issue=issue, version=version, status=IssueLogEntry.Status.RESOLVED, resolution=resolution
    )
