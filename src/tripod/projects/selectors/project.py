"""Reads of projects, always scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from tripod.core.access import get_visible
from tripod.identity.models import Role, User
from tripod.projects.access import can_edit_project, projects_visible_to
from tripod.projects.models import Project, ProjectMember


def project_list(
    *,
    user: Any,
    search: str | None = None,
    client_id: Any = None,
    phase: str | None = None,
    managed: bool = False,
    worked_on: bool = False,
    member_counts: bool = False,
) -> QuerySet[Project]:
    """Projects the user may see. ``managed``: only those the user runs as PM; ``worked_on``: only those the user is
    a member of; ``member_counts``: annotate ``member_count`` (staff views; the portal sees no people)."""
    qs = projects_visible_to(user).select_related("client", "pm")
    if managed:
        qs = qs.filter(pm=user)
    if worked_on:
        # A subquery, not a join: a join on memberships would also narrow the member counts annotated below.
        qs = qs.filter(pk__in=ProjectMember.objects.filter(user=user).values("project"))
    if member_counts:
        qs = projects_with_member_counts(qs)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search) | Q(client__name__icontains=search))
    if client_id:
        qs = qs.filter(client_id=client_id)
    if phase:
        qs = qs.filter(phase=phase)
    return qs.order_by("code")


def projects_with_member_counts(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Annotate ``member_count`` on already scoped projects (for staff: the portal sees no people)."""
    return projects.annotate(member_count=Count("memberships", distinct=True))


def project_counts_by_phase(*, projects: QuerySet[Project]) -> dict[str, int]:
    """How many of ``projects`` (an already scoped queryset) are in each phase."""
    return dict(projects.order_by().values_list("phase").annotate(n=Count("pk")))


def project_get(*, user: Any, pk: Any) -> Project:
    return get_visible(Project.objects.select_related("client", "pm"), user, pk=pk)


def project_members(*, user: Any, project: Project) -> QuerySet[Any]:
    """Members of a project the user may see; the client portal sees no people."""
    if not user.is_internal:
        return project.members.none()
    return project.members.order_by("username")


def project_member_candidates(*, user: Any, project: Project) -> QuerySet[Any]:
    """Staff the project's editor may add: active users holding a staff role, not yet on the project."""
    if not can_edit_project(user, project):
        return User.objects.none()
    staff = User.objects.filter(is_active=True, role_grants__isnull=False).exclude(role_grants__role=Role.CLIENT)
    return (
        User.objects.filter(pk__in=staff.values("pk"))
        .exclude(project_memberships__project=project)
        .order_by("display_name", "username")
    )
