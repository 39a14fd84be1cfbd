"""The portal's overview: the client's projects with their phase, latest shared status and milestones; a project's
page with its shared status reports; and a report as the client reads it (summary, status, milestones)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from tripod.portal.selectors import invitation_is_open, portal_invitations, portal_projects
from tripod.portal.views.base import portal_page, render_portal
from tripod.projects.selectors import project_get
from tripod.projects.selectors.reports import status_report_get, status_report_list
from tripod.scope.selectors import requirement_list


@require_GET
@portal_page
def overview_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    invitations = portal_invitations(user=user).filter(answered_at__isnull=True)
    context = {
        "projects": portal_projects(user=user),
        "awaiting_confirmation": requirement_list(user=user, awaiting_confirmation=True).count(),
        "awaiting_acceptance": requirement_list(user=user, status="delivered").count(),
        "open_surveys": sum(1 for invitation in invitations if invitation_is_open(invitation, now)),
    }
    return render_portal(request, "portal/overview.html", context, section="overview")


@require_GET
@portal_page
def project_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_get(user=request.user, pk=pk)
    (entry,) = portal_projects(user=request.user, project=project)
    context = {
        "entry": entry,
        "project": project,
        "reports": list(status_report_list(user=request.user, project=project)),
    }
    return render_portal(request, "portal/project.html", context, section="overview")


@require_GET
@portal_page
def report_view(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    project = project_get(user=request.user, pk=pk)
    report = status_report_get(user=request.user, project=project, pk=report_pk)
    facts = report.facts or {}
    context = {"project": project, "report": report, "milestones": facts.get("milestones", [])}
    return render_portal(request, "portal/report.html", context, section="overview")


urlpatterns = [
    path("", overview_view, name="overview"),
    path("projects/<int:pk>/", project_view, name="project"),
    path("projects/<int:pk>/reports/<int:report_pk>/", report_view, name="report"),
]
