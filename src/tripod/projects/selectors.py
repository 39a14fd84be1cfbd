"""Reads of projects, always scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tripod.core.access import get_visible
from tripod.projects.access import projects_visible_to
from tripod.projects.models import Project


def project_list(
    *, user: Any, search: str | None = None, client_id: Any = None, phase: str | None = None
) -> QuerySet[Project]:
    qs = projects_visible_to(user).select_related("client", "pm")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search) | Q(client__name__icontains=search))
    if client_id:
        qs = qs.filter(client_id=client_id)
    if phase:
        qs = qs.filter(phase=phase)
    return qs.order_by("code")


def project_get(*, user: Any, pk: Any) -> Project:
    return get_visible(Project.objects.select_related("client", "pm"), user, pk=pk)


def project_members(*, user: Any, project: Project) -> QuerySet[Any]:
    """Members of a project the user may see; the client portal sees no people."""
    if not user.is_internal:
        return project.members.none()
    return project.members.order_by("username")
