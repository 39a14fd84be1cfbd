"""Reads of status reports and phase gates, scoped to the user.

Staff who see a project's internals see all its reports, drafts included; the client's portal users see only the
reports that are published and shared with them; nobody else sees any.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tripod.core.errors import NotFound
from tripod.projects.access import can_view_project_internals, projects_visible_to
from tripod.projects.models import PhaseGate, Project, StatusReport, Task


def status_report_list(*, user: Any, project: Project) -> QuerySet[StatusReport]:
    """The reports of ``project`` the user may read, newest period first (``project`` already visible to them)."""
    reports = StatusReport.objects.filter(project=project).select_related("published_by").order_by("-period_end")
    if can_view_project_internals(user, project):
        return reports
    if user.is_authenticated and not user.is_internal and projects_visible_to(user).filter(pk=project.pk).exists():
        return reports.filter(published_at__isnull=False, shareable=True)
    return reports.none()


def status_report_get(*, user: Any, project: Project, pk: Any) -> StatusReport:
    """One report of ``project`` (already visible to the user) that the user may read; NotFound otherwise
    (existence is not told)."""
    report = (
        status_report_list(user=user, project=project)
        .select_related("project", "project__client", "project__pm")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise NotFound(StatusReport._meta.verbose_name)
    return report


def phase_gate_list(*, user: Any, project: Project) -> QuerySet[PhaseGate]:
    """The gate history of ``project`` (already visible to the user: from ``project_get``), oldest first; staff
    only (the portal sees the phase, not the gates)."""
    if not (user.is_authenticated and user.is_internal):
        return PhaseGate.objects.none()
    return PhaseGate.objects.filter(project=project).select_related("decided_by").order_by("decided_at", "pk")


def project_milestones(*, user: Any, project: Project) -> QuerySet[Task]:
    """The live milestones of ``project`` (already visible to the user: from ``project_get``); the portal sees them
    too, milestones are part of a project's status."""
    if not user.is_authenticated:
        return Task.objects.none()
    return Task.objects.filter(project=project, kind=Task.Kind.MILESTONE).order_by("position", "pk")
