"""The baselines page: save the plan as a baseline, rename or delete one, compare one with the current plan (or
with another baseline) in a variance table. Mounted with the Gantt's urls (``tripod.projects.views.gantt``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tripod.core.errors import NotFound, ValidationFailed
from tripod.projects.access import can_edit_project, can_view_project_internals
from tripod.projects.models import Project
from tripod.projects.selectors import project_get
from tripod.projects.selectors.baselines import baseline_comparison, baseline_get, baseline_list
from tripod.projects.services.baselines import baseline_delete, baseline_rename, baseline_save
from tripod.projects.views.tabs import project_tabs

PER_PAGE = 100


def _project(request: HttpRequest, pk: int) -> Project:
    project = project_get(user=request.user, pk=pk)
    if not can_view_project_internals(request.user, project):  # the portal sees the project, never its plan
        raise NotFound(Project._meta.verbose_name)
    return project


def _page_url(project: Project) -> str:
    return reverse("projects:baselines", args=[project.pk])


def _say_errors(request: HttpRequest, exc: ValidationFailed) -> None:
    for field_messages in exc.errors.values():
        for message in field_messages:
            messages.error(request, str(message))


@login_required
@require_GET
def baselines_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    user = request.user
    baselines = baseline_list(user=user, project=project)
    by_id = {str(b.pk): b for b in baselines}
    chosen = by_id.get(request.GET.get("baseline", "")) or (baselines[-1] if baselines else None)
    against = by_id.get(request.GET.get("against", ""))
    show_all = request.GET.get("all") == "1"
    context: dict[str, Any] = {
        "project": project,
        "tabs": project_tabs(user, project, "gantt"),
        "baselines": baselines,
        "can_edit": can_edit_project(user, project),
        "chosen": chosen,
        "against": against,
        "show_all": show_all,
    }
    if chosen is not None:
        comparison = baseline_comparison(user=user, project=project, baseline=chosen, against=against)
        rows = comparison.rows if show_all else comparison.changed_rows
        page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context.update(comparison=comparison, page=page, row_count=len(rows), page_query=query.urlencode())
    return render(request, "projects/gantt/baselines.html", context)


@login_required
@require_POST
def baseline_save_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    try:
        baseline = baseline_save(actor=request.user, project=project, name=request.POST.get("name", ""))
    except ValidationFailed as exc:
        _say_errors(request, exc)
        return redirect(_page_url(project))
    messages.success(request, _("%(baseline)s saved.") % {"baseline": baseline})
    return redirect(f"{_page_url(project)}?baseline={baseline.pk}")


@login_required
@require_POST
def baseline_rename_view(request: HttpRequest, pk: int, baseline_pk: int) -> HttpResponse:
    project = _project(request, pk)
    baseline = baseline_get(user=request.user, project=project, pk=baseline_pk)
    try:
        baseline_rename(actor=request.user, baseline=baseline, name=request.POST.get("name", ""))
    except ValidationFailed as exc:
        _say_errors(request, exc)
    else:
        messages.success(request, _("Baseline renamed."))
    return redirect(f"{_page_url(project)}?baseline={baseline.pk}")


@login_required
@require_POST
def baseline_delete_view(request: HttpRequest, pk: int, baseline_pk: int) -> HttpResponse:
    project = _project(request, pk)
    baseline = baseline_get(user=request.user, project=project, pk=baseline_pk)
    label = str(baseline)
    baseline_delete(actor=request.user, baseline=baseline)
    messages.success(request, _("%(baseline)s deleted.") % {"baseline": label})
    return redirect(_page_url(project))


urlpatterns = [
    path("<int:pk>/baselines/", baselines_view, name="baselines"),
    path("<int:pk>/baselines/save/", baseline_save_view, name="baseline_save"),
    path("<int:pk>/baselines/<int:baseline_pk>/rename/", baseline_rename_view, name="baseline_rename"),
    path("<int:pk>/baselines/<int:baseline_pk>/delete/", baseline_delete_view, name="baseline_delete"),
]
