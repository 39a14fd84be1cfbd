"""Who may see and change projects, and what project relations add to client and people visibility.

A project is seen by: admins; its PM and members; the AM and account team of its client; the line managers of its
members; the client's portal users (status view only). Changed by: admins and its PM. Created by: admins and PMs.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tripod.clients.access import clients_visible_to
from tripod.clients.models import Client
from tripod.core.access import grants_visibility, scope
from tripod.identity.models import Role
from tripod.people.access import line_person_ids
from tripod.projects.models import Project


@grants_visibility("projects.project")
def _project_team(user: Any) -> Q | None:
    if not user.is_internal:
        return None
    return (
        Q(pm=user)
        | Q(memberships__user=user)
        | Q(client__owner_am=user)
        | Q(client__account_team=user)
        | Q(memberships__user__person__in=line_person_ids(user))
    )


@grants_visibility("projects.project")
def _portal_projects(user: Any) -> Q | None:
    if Role.CLIENT not in user.roles:
        return None
    return Q(client__portal_users__user=user)


@grants_visibility("clients.client")
def _clients_of_my_projects(user: Any) -> Q | None:
    if not user.is_internal:
        return None
    return (
        Q(projects__pm=user)
        | Q(projects__memberships__user=user)
        | Q(projects__memberships__user__person__in=line_person_ids(user))
    )


@grants_visibility("people.person")
def _people_on_my_projects(user: Any) -> Q | None:
    """The PM and co-members of a project, and the AM of its client, see who works on it (not their rates)."""
    if not user.is_internal:
        return None
    on = "user__project_memberships__project__"
    return (
        Q(**{on + "pm": user})
        | Q(**{on + "memberships__user": user})
        | Q(**{on + "client__owner_am": user})
        | Q(**{on + "client__account_team": user})
    )


def projects_visible_to(user: Any) -> QuerySet[Project]:
    return scope(Project.objects.all(), user)


def can_view_project(user: Any, project: Project) -> bool:
    return projects_visible_to(user).filter(pk=project.pk).exists()


def can_view_project_internals(user: Any, project: Project) -> bool:
    """Risks, costs and people on the project: staff who may see it, never the client portal."""
    return user.is_authenticated and user.is_internal and can_view_project(user, project)


def can_create_project(user: Any) -> bool:
    return user.is_authenticated and user.is_active and user.has_role(Role.ADMIN, Role.PM)


def can_edit_project(user: Any, project: Project) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_admin or (user.is_internal and project.pm_id == user.pk)


def clients_for_new_projects(user: Any) -> QuerySet[Client]:
    """Clients ``user`` may start (or move) a project for: admins any; PMs every active or prospect client plus
    any client they can already see. Choosing a client by name does not make its record visible."""
    if not can_create_project(user):
        return Client.objects.none()
    if user.is_admin:
        return Client.objects.all()
    visible = clients_visible_to(user).values("pk")
    return Client.objects.filter(Q(status__in=[Client.Status.ACTIVE, Client.Status.PROSPECT]) | Q(pk__in=visible))


# --- inside a project: plan, progress, time, money, risks, reports ----------------------------------------------------
def can_view_project_costs(user: Any, project: Project) -> bool:
    """Budget, actual cost and earned value: admins, the project's PM and the client's account team (totals only,
    never a person's rate)."""
    if not (user.is_authenticated and user.is_internal):
        return False
    if user.is_admin or project.pm_id == user.pk:
        return True
    client = project.client
    return client.owner_am_id == user.pk or client.account_team.filter(pk=user.pk).exists()


def is_project_member(user: Any, project: Project) -> bool:
    return user.is_authenticated and project.memberships.filter(user=user).exists()


def can_update_task_progress(user: Any, project: Project) -> bool:
    """Status and % complete of tasks (the board, "my work"): the plan's editors and the project's members."""
    if not (user.is_authenticated and user.is_active and user.is_internal):
        return False
    return can_edit_project(user, project) or is_project_member(user, project)


def can_log_time(user: Any, project: Project) -> bool:
    """Booking hours on a project's tasks: its members and its PM, each for themselves."""
    return can_update_task_progress(user, project)


def can_approve_time(user: Any, project: Project) -> bool:
    """Approving or returning submitted hours: the project's PM and admins."""
    return can_edit_project(user, project)


def can_raise_risk(user: Any, project: Project) -> bool:
    """Anyone on the staff side who sees the project's internals may raise a risk or log an issue."""
    return can_view_project_internals(user, project)
