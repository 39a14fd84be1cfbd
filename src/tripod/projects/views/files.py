"""Files in and out of a project: Microsoft Project XML import and export, CSV / Excel exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from tripod.core.errors import Forbidden
from tripod.projects.access import can_create_project
from tripod.projects.forms import MspdiImportForm
from tripod.projects.selectors import project_get
from tripod.projects.services.exports import project_export
from tripod.projects.services.mspdi_export import mspdi_filename, project_export_mspdi
from tripod.projects.services.mspdi_import import project_import_mspdi
from tripod.projects.views.gates import submit_plain_form


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_mspdi_view(request: HttpRequest) -> HttpResponse:
    if not can_create_project(request.user):
        raise Forbidden()
    form = MspdiImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        project = submit_plain_form(form, lambda data: project_import_mspdi(actor=request.user, **data))
        if project is not None:
            messages.success(
                request,
                _("Project %(code)s imported with %(count)s tasks.")
                % {"code": project.code, "count": project.tasks.count()},
            )
            return redirect(reverse("projects:detail", args=[project.pk]))
    context = {
        "form": form,
        "title": _("Import a Microsoft Project file"),
        "cancel_url": reverse("projects:list"),
        "submit_label": _("Import"),
        "multipart": True,
    }
    return render(request, "projects/files/import.html", context)


@login_required
def export_mspdi_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_get(user=request.user, pk=pk)
    content = project_export_mspdi(user=request.user, project=project)
    return _download(content, "application/xml; charset=utf-8", mspdi_filename(project))


@login_required
def export_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_get(user=request.user, pk=pk)
    what = request.GET.get("what", "tasks")
    fmt = request.GET.get("format", "csv")
    content, content_type, filename = project_export(user=request.user, project=project, what=what, fmt=fmt)
    return _download(content, content_type, filename)


urlpatterns = [
    path("import/", import_mspdi_view, name="import_mspdi"),
    path("<int:pk>/export/mspdi/", export_mspdi_view, name="export_mspdi"),
    path("<int:pk>/export/", export_view, name="export"),
]
