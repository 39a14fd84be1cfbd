"""Reads of change requests, always scoped to what the user may see: a project's list, one change request with its
lines and approvals, the approval panel (the three roles and what each decided), and the change requests raised from
a requirement. Every read costs the same few queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from tripod.clients.models import Client
from tripod.core.access import get_visible
from tripod.projects.models import Project
from tripod.scope.access import change_requests_visible_to
from tripod.scope.models import Approval, ChangeRequest, ChangeRequestLine, Requirement

__all__ = [
    "ApprovalSlot",
    "approval_panel",
    "change_request_get",
    "change_request_lines",
    "change_request_list",
    "change_requests_for_requirement",
]


def change_request_list(
    *,
    user: Any,
    project: Project | None = None,
    client: Client | None = None,
    status: str | None = None,
    open_only: bool = False,
    search: str | None = None,
) -> QuerySet[ChangeRequest]:
    """Change requests the user may see, annotated with ``line_count`` and ``approval_count`` (approvals given).
    ``open_only``: drafts, submitted and approved (not yet applied) ones — what a client 360 page lists."""
    qs = change_requests_visible_to(user)
    if project is not None:
        qs = qs.filter(project=project)
    if client is not None:
        qs = qs.filter(project__client=client)
    if open_only:
        qs = qs.exclude(status__in=ChangeRequest.CLOSED)
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(Q(reference__icontains=search) | Q(title__icontains=search))
    return (
        qs.select_related("project", "raised_by")
        .annotate(
            line_count=Count("lines", distinct=True),
            approval_count=Count("approvals", filter=Q(approvals__decision=Approval.Decision.APPROVE), distinct=True),
        )
        .order_by("project__code", "-number")
    )


def change_request_get(*, user: Any, pk: Any) -> ChangeRequest:
    """One change request (404 when not visible) with its project, client, raiser and linked requirements."""
    qs = ChangeRequest.objects.select_related("project__client", "project__calendar", "raised_by").prefetch_related(
        Prefetch("requirements", queryset=Requirement.objects.order_by("number"))
    )
    return get_visible(qs, user, pk=pk)


def change_request_lines(*, change_request: ChangeRequest) -> list[ChangeRequestLine]:
    return list(change_request.lines.select_related("task", "parent", "person").order_by("position", "pk"))


@dataclass(frozen=True)
class ApprovalSlot:
    """One of the three roles: its decision (None while awaited)."""

    role: str
    label: Any
    approval: Approval | None


def approval_panel(*, change_request: ChangeRequest) -> list[ApprovalSlot]:
    given = {a.role: a for a in change_request.approvals.select_related("person")}
    return [ApprovalSlot(role, label, given.get(role)) for role, label in Approval.Role.choices]


def change_requests_for_requirement(*, user: Any, requirement: Requirement) -> QuerySet[ChangeRequest]:
    return change_requests_visible_to(user).filter(requirements=requirement).select_related("project").order_by("pk")
