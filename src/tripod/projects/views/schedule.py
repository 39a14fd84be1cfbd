"""Scheduling from the user's side: the state of a background run (polled by project pages while a large plan is
being scheduled) and updating progress as of a date."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from tripod.core.errors import Forbidden, NotFound, ValidationFailed
from tripod.projects.access import can_edit_project, can_view_project_internals
from tripod.projects.selectors import project_get
from tripod.projects.services.progress import project_progress_update


@login_required
@require_GET
def schedule_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_get(user=request.user, pk=pk)
    if not can_view_project_internals(request.user, project):
        raise NotFound()
    if project.schedule_progress is None:
        # The run is over: reload the page so every date on it is the new one.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "projects/_schedule_status.html", {"project": project})


@login_required
@require_POST
def progress_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_get(user=request.user, pk=pk)
    if not can_edit_project(request.user, project):
        raise Forbidden()
    try:
        through = date.fromisoformat(request.POST.get("through", ""))
    except ValueError:
        messages.error(request, _("Progress date: give a date as YYYY-MM-DD."))
    else:
        try:
            changed = project_progress_update(actor=request.user, project=project, through=through)
        except ValidationFailed as exc:
            for errors in exc.errors.values():
                for error in errors:
                    messages.error(request, _("Progress date: %(reason)s") % {"reason": error})
        else:
            messages.success(
                request,
                ngettext(
                    "Progress updated as of %(date)s: %(count)s task changed.",
                    "Progress updated as of %(date)s: %(count)s tasks changed.",
                    changed,
                )
                % {"date": through.isoformat(), "count": changed},
            )
    return redirect(reverse("projects:wbs", args=[project.pk]))


urlpatterns = [
    path("<int:pk>/schedule/status/", schedule_status_view, name="schedule_status"),
    path("<int:pk>/progress/", progress_update_view, name="progress_update"),
]
