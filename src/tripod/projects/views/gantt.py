"""The Gantt chart: the page (a shell the renderer fills), its data as JSON, and the edits made by dragging.

Edits answer with the fresh chart data (or a JSON error: 422 with the field's message, 409 on a version
conflict), so the chart redraws from the server's truth after every drag.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tripod.core.errors import Forbidden, NotFound, StaleVersion, ValidationFailed
from tripod.projects.access import can_edit_project, can_view_project_internals
from tripod.projects.models import Baseline, Dependency, Project, Task
from tripod.projects.selectors import project_get
from tripod.projects.selectors.gantt import LATEST, gantt_data
from tripod.projects.services.dependencies import dependency_create, dependency_delete
from tripod.projects.services.gantt import gantt_move, gantt_resize
from tripod.projects.views import baselines
from tripod.projects.views.tabs import project_tabs


def _project(request: HttpRequest, pk: int, *, edit: bool = False) -> Project:
    project = project_get(user=request.user, pk=pk)
    if not can_view_project_internals(request.user, project):  # the portal sees the project, never its plan
        raise NotFound(Project._meta.verbose_name)
    if edit and not can_edit_project(request.user, project):
        raise Forbidden()
    return project


def _baseline_id(value: Any) -> int | None:
    """``?baseline=``: absent = the newest baseline, 0 = none, else a baseline id."""
    if value in (None, ""):
        return LATEST
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise NotFound(Baseline._meta.verbose_name) from exc
    return number or None


@login_required
@require_GET
def gantt_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    context = {"project": project, "tabs": project_tabs(request.user, project, "gantt")}
    return render(request, "projects/gantt/page.html", context)


@login_required
@require_GET
def gantt_data_view(request: HttpRequest, pk: int) -> JsonResponse:
    project = _project(request, pk)
    data = gantt_data(user=request.user, project=project, baseline_id=_baseline_id(request.GET.get("baseline")))
    return JsonResponse(data)


def _error(message: Any, status: int, errors: dict[str, list[Any]] | None = None) -> JsonResponse:
    body = {"message": str(message), "errors": {k: [str(m) for m in v] for k, v in (errors or {}).items()}}
    return JsonResponse(body, status=status)


def _edit(request: HttpRequest, pk: int, action: Any) -> JsonResponse:
    """Run a chart edit and answer with the fresh data, or with the reason it was refused."""
    project = _project(request, pk, edit=True)
    try:
        action(project)
    except ValidationFailed as exc:
        first = next((m for messages in exc.errors.values() for m in messages), exc.message)
        return _error(first, 422, exc.errors)
    except StaleVersion as exc:
        return _error(exc.message, 409)
    project.refresh_from_db(fields=["schedule_error", "schedule_progress", "scheduled_at"])
    baseline_id = _baseline_id(request.POST.get("baseline"))
    return JsonResponse(gantt_data(user=request.user, project=project, baseline_id=baseline_id))


def _task(project: Project, value: Any) -> Task:
    try:
        return Task.objects.select_related("project").get(project=project, pk=int(value))
    except (Task.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(Task._meta.verbose_name) from exc


def _version(value: Any) -> int:
    """The version of the task the chart drew: an edit not based on a known version is refused."""
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed({"version": [_("The chart is out of date: reload it and try again.")]}) from exc


def _date(value: Any, field: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationFailed({field: [_("Give a date as YYYY-MM-DD.")]}) from exc


@login_required
@require_POST
def gantt_move_view(request: HttpRequest, pk: int) -> JsonResponse:
    """POST task, version, start (YYYY-MM-DD): the bar was dragged to start that day."""
    post = request.POST

    def move(project: Project) -> None:
        task = _task(project, post.get("task"))
        gantt_move(
            actor=request.user,
            task=task,
            version=_version(post.get("version")),
            start=_date(post.get("start"), "start"),
        )

    return _edit(request, pk, move)


@login_required
@require_POST
def gantt_resize_view(request: HttpRequest, pk: int) -> JsonResponse:
    """POST task, version, finish (YYYY-MM-DD): the bar's end was dragged to that day."""
    post = request.POST

    def resize(project: Project) -> None:
        task = _task(project, post.get("task"))
        finish = _date(post.get("finish"), "finish")
        gantt_resize(actor=request.user, task=task, version=_version(post.get("version")), finish=finish)

    return _edit(request, pk, resize)


@login_required
@require_POST
def gantt_link_view(request: HttpRequest, pk: int) -> JsonResponse:
    """POST pred, succ[, type]: a link was dragged from one bar to another (finish-to-start unless told)."""
    post = request.POST

    def link(project: Project) -> None:
        kind = post.get("type") or Dependency.Type.FS
        if kind not in Dependency.Type.values:
            raise ValidationFailed({"type": [_("Choose a link type: FS, SS, FF or SF.")]})
        pred, succ = _task(project, post.get("pred")), _task(project, post.get("succ"))
        dependency_create(actor=request.user, pred=pred, succ=succ, type=kind)

    return _edit(request, pk, link)


@login_required
@require_POST
def gantt_unlink_view(request: HttpRequest, pk: int) -> JsonResponse:
    """POST dependency: remove a link chosen on the chart."""
    post = request.POST

    def unlink(project: Project) -> None:
        try:
            dependency = Dependency.objects.get(project=project, pk=int(post.get("dependency") or 0))
        except (Dependency.DoesNotExist, ValueError) as exc:
            raise NotFound(Dependency._meta.verbose_name) from exc
        dependency_delete(actor=request.user, dependency=dependency)

    return _edit(request, pk, unlink)


urlpatterns = [
    path("<int:pk>/gantt/", gantt_view, name="gantt"),
    path("<int:pk>/gantt/data/", gantt_data_view, name="gantt_data"),
    path("<int:pk>/gantt/move/", gantt_move_view, name="gantt_move"),
    path("<int:pk>/gantt/resize/", gantt_resize_view, name="gantt_resize"),
    path("<int:pk>/gantt/link/", gantt_link_view, name="gantt_link"),
    path("<int:pk>/gantt/unlink/", gantt_unlink_view, name="gantt_unlink"),
    *baselines.urlpatterns,
]
