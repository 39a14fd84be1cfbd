"""Who may see and change requirements.

Seen by: admins; the client's account team (owner AM and team); the PM and members of the requirement's project
(members read only); the client's portal users (their own client only; never the internal notes nor the WBS).
Line managers see a project, not the client's requirements on it.

Written by: the account team captures, clarifies, edits, records confirmations and acceptance, decides the scope,
rejects and withdraws; the client's portal users capture requirements for their client, confirm those awaiting
confirmation and accept (or refuse) what was delivered; the project's PM (and the account team) trace a requirement
to the project's WBS tasks and mark it delivered.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tripod.clients.access import portal_client_id
from tripod.clients.access.accounts import is_account_team
from tripod.clients.models import Client, PortalUser
from tripod.core.access import grants_visibility, scope
from tripod.identity.models import Role
from tripod.people.access import line_person_ids
from tripod.projects.access import can_edit_project, can_view_project_costs, can_view_project_internals
from tripod.projects.models import Project
from tripod.scope.models import Approval, ChangeRequest, Confirmation, Requirement, RequirementTrace


@grants_visibility("scope.requirement")
def _account_team(user: Any) -> Q | None:
    if not user.is_internal:
        return None
    return Q(client__owner_am=user) | Q(client__account_team=user)


@grants_visibility("scope.requirement")
def _project_team(user: Any) -> Q | None:
    """The project's own people: its PM and members (not everyone who may look at the project, such as the line
    managers of its members)."""
    if not user.is_internal:
        return None
    return Q(project__pm=user) | Q(project__memberships__user=user)


@grants_visibility("scope.requirement")
def _portal_client(user: Any) -> Q | None:
    if Role.CLIENT not in user.roles:
        return None
    return Q(client__portal_users__user=user)


@grants_visibility("scope.confirmation")
def _confirmations_of_visible_requirements(user: Any) -> Q | None:
    return Q(requirement__in=requirements_visible_to(user).values("pk"))


@grants_visibility("scope.requirementtrace")
def _traces_of_visible_requirements(user: Any) -> Q | None:
    """Traces point into the WBS: staff only."""
    if not user.is_internal:
        return None
    return Q(requirement__in=requirements_visible_to(user).values("pk"))


def requirements_visible_to(user: Any) -> QuerySet[Requirement]:
    return scope(Requirement.objects.all(), user)


def confirmations_visible_to(user: Any) -> QuerySet[Confirmation]:
    return scope(Confirmation.objects.all(), user)


def traces_visible_to(user: Any) -> QuerySet[RequirementTrace]:
    return scope(RequirementTrace.objects.all(), user)


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def portal_binding(user: Any) -> PortalUser | None:
    """The portal binding (client and contact) of a client-portal user; None for staff."""
    if portal_client_id(user) is None:
        return None
    return PortalUser.objects.select_related("client", "contact").filter(user=user).first()


def is_portal_user_of(user: Any, client_id: Any) -> bool:
    return _active(user) and client_id is not None and portal_client_id(user) == client_id


def can_view_requirement(user: Any, requirement: Requirement) -> bool:
    return _active(user) and requirements_visible_to(user).filter(pk=requirement.pk).exists()


def can_capture_requirement(user: Any, client: Client) -> bool:
    return is_account_team(user, client) or is_portal_user_of(user, client.pk)


def can_manage_requirement(user: Any, requirement: Requirement) -> bool:
    """Edit, clarify, record confirmations and acceptance, decide the scope, reject, withdraw."""
    return is_account_team(user, requirement.client)


def can_trace_requirement(user: Any, requirement: Requirement) -> bool:
    """Link to the WBS and mark delivered: the project's PM and the client's account team."""
    project = requirement.project
    if project is None or not _active(user):
        return False
    if can_edit_project(user, project):
        return True
    return is_account_team(user, requirement.client) and can_view_project_internals(user, project)


def can_answer_for_client(user: Any, requirement: Requirement) -> bool:
    """Confirm, accept or refuse the acceptance of a requirement: the account team records what the client said;
    the client's own portal users say it themselves."""
    return can_manage_requirement(user, requirement) or is_portal_user_of(user, requirement.client_id)


def can_confirm_requirement(user: Any, requirement: Requirement) -> bool:
    """Whether to offer "confirm" now: the requirement awaits confirmation and the user may answer for the client."""
    return requirement.awaits_confirmation and can_answer_for_client(user, requirement)


def can_accept_requirement(user: Any, requirement: Requirement) -> bool:
    """Whether to offer "accept" now: the requirement was delivered and the user may answer for the client."""
    return requirement.status == Requirement.Status.DELIVERED and can_answer_for_client(user, requirement)


def can_view_internal_notes(user: Any, requirement: Requirement) -> bool:
    """Internal notes and the WBS traces: staff who see the requirement, never the portal."""
    return _active(user) and user.is_internal and can_view_requirement(user, requirement)


# --- change requests ------------------------------------------------------------------------------------------------
# Seen by: admins; the project's PM and members (members read only); the client's account team; the line managers of
# the people a change request affects (named on its lines, or assigned to the tasks it changes), and every line
# manager once a change request that affects nobody in particular is submitted. Never the portal.
# Drafted, edited, submitted and withdrawn by: the project's PM and the client's account team. Decided by: the PM of
# the project (role pm), the client's owner AM (role am), and a line manager of an affected person, or any line
# manager when it affects nobody in particular (role lm); admins may decide for any role. The cost delta is shown to
# those who may see the project's costs.
@grants_visibility("scope.changerequest")
def _change_request_project_team(user: Any) -> Q | None:
    if not user.is_internal:
        return None
    return (
        Q(project__pm=user)
        | Q(project__memberships__user=user)
        | Q(project__client__owner_am=user)
        | Q(project__client__account_team=user)
    )


@grants_visibility("scope.changerequest")
def _change_request_line_managers(user: Any) -> Q | None:
    if not (user.is_internal and user.has_role(Role.LM)):
        return None
    # When a change affects nobody in particular any line manager decides it, so every line manager sees it once
    # it is submitted.
    affecting_someone = ChangeRequest.objects.filter(
        Q(lines__person__isnull=False) | Q(lines__task__assignments__isnull=False)
    ).values("pk")
    unaffected = ~Q(status=ChangeRequest.Status.DRAFT) & ~Q(pk__in=affecting_someone)
    below = line_person_ids(user)
    if not below:
        return unaffected
    return Q(lines__person__in=below) | Q(lines__task__assignments__person__in=below) | unaffected


def change_requests_visible_to(user: Any) -> QuerySet[ChangeRequest]:
    return scope(ChangeRequest.objects.all(), user)


def can_view_change_request(user: Any, change_request: ChangeRequest) -> bool:
    return _active(user) and change_requests_visible_to(user).filter(pk=change_request.pk).exists()


def can_raise_change_request(user: Any, project: Project) -> bool:
    """Raise (and edit, submit, withdraw) a change request on ``project``: its PM, admins, the client's account
    team."""
    if not (_active(user) and user.is_internal):
        return False
    return can_edit_project(user, project) or is_account_team(user, project.client)


def can_edit_change_request(user: Any, change_request: ChangeRequest) -> bool:
    return change_request.is_draft and can_raise_change_request(user, change_request.project)


def can_withdraw_change_request(user: Any, change_request: ChangeRequest) -> bool:
    return change_request.status in (
        ChangeRequest.Status.DRAFT,
        ChangeRequest.Status.SUBMITTED,
    ) and can_raise_change_request(user, change_request.project)


def affected_person_ids(change_request: ChangeRequest) -> set[int]:
    """People named on the lines, and people assigned to the existing tasks the lines change or remove."""
    from tripod.projects.models import Assignment

    named = set(change_request.lines.exclude(person=None).values_list("person_id", flat=True))
    tasks = change_request.lines.exclude(task=None).values("task_id")
    assigned = set(Assignment.objects.filter(task__in=tasks).values_list("person_id", flat=True))
    return named | assigned


def decision_roles(user: Any, change_request: ChangeRequest) -> list[str]:
    """The roles (pm, am, lm) in which ``user`` may decide ``change_request`` (whether or not it is submitted)."""
    if not (_active(user) and user.is_internal):
        return []
    if user.is_admin:
        return [role for role, _label in Approval.Role.choices]
    project = change_request.project
    roles = []
    if project.pm_id == user.pk:
        roles.append(Approval.Role.PM.value)
    if project.client.owner_am_id == user.pk:
        roles.append(Approval.Role.AM.value)
    if user.has_role(Role.LM):
        affected = affected_person_ids(change_request)
        if not affected or affected & set(line_person_ids(user)):
            roles.append(Approval.Role.LM.value)
    return roles


def can_view_change_request_cost(user: Any, change_request: ChangeRequest) -> bool:
    return _active(user) and can_view_project_costs(user, change_request.project)
