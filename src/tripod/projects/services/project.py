"""Writes on projects."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.services import business_event_record, tracked_create, versioned_update
from tripod.identity.models import Role
from tripod.projects.access import can_create_project, can_edit_project, clients_for_new_projects
from tripod.projects.models import Project, ProjectMember

PROJECT_EDITABLE = {
    "name",
    "client",
    "pm",
    "phase",
    "calendar",
    "start",
    "target_finish",
    "budget",
    "currency",
    # the charter
    "objectives",
    "scope_statement",
    "contract_reference",
    "status_date",
}


@transaction.atomic
def project_create(
    *, actor: Any, code: str, name: str, client: Any, members: tuple[Any, ...] = (), **fields: Any
) -> Project:
    if not can_create_project(actor):
        raise Forbidden()
    unknown = set(fields) - PROJECT_EDITABLE
    if unknown:
        raise TypeError(f"project_create got unknown fields {sorted(unknown)}")
    fields.setdefault("pm", actor if actor.has_role(Role.PM) else None)
    _check_client(actor, client)
    project = tracked_create(
        Project, actor=actor, code=(code or "").strip(), name=(name or "").strip(), client=client, **fields
    )
    for user in members:
        ProjectMember.objects.create(project=project, user=user)
    business_event_record(actor=actor, verb="project.created", target=project)
    return project


@transaction.atomic
def project_update(*, actor: Any, project: Project, version: int | None, **changes: Any) -> Project:
    if not can_edit_project(actor, project):
        raise Forbidden()
    unknown = set(changes) - PROJECT_EDITABLE
    if unknown:
        raise TypeError(f"project_update got unknown fields {sorted(unknown)}")
    if "client" in changes and changes["client"] != project.client:
        _check_client(actor, changes["client"])
    project, changed = versioned_update(project, actor=actor, version=version, changes=changes)
    if "phase" in changed:
        old, new = changed["phase"]
        business_event_record(actor=actor, verb="project.phase_changed", target=project, data={"from": old, "to": new})
    return project


@transaction.atomic
def project_member_add(*, actor: Any, project: Project, user: Any) -> ProjectMember:
    if not can_edit_project(actor, project):
        raise Forbidden()
    if not user.is_internal:
        raise ValidationFailed({"user": [_not_staff_message()]})
    membership, created = ProjectMember.objects.get_or_create(project=project, user=user)
    if created:
        business_event_record(actor=actor, verb="project.member_added", target=project, data={"user": user.pk})
    return membership


@transaction.atomic
def project_member_remove(*, actor: Any, project: Project, user: Any) -> None:
    if not can_edit_project(actor, project):
        raise Forbidden()
    deleted, _ = ProjectMember.objects.filter(project=project, user=user).delete()
    if deleted:
        business_event_record(actor=actor, verb="project.member_removed", target=project, data={"user": user.pk})


def _check_client(actor: Any, client: Any) -> None:
    if client is not None and not clients_for_new_projects(actor).filter(pk=client.pk).exists():
        from django.utils.translation import gettext

        raise ValidationFailed({"client": [gettext("Projects can be started only for active or prospect clients.")]})


def _not_staff_message() -> str:
    from django.utils.translation import gettext

    return gettext("Only members of staff can work on a project.")
