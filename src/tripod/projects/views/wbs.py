"""The WBS grid: the plan as an outline, edited in place over HTMX (every change answers with the grid again,
since rescheduling may move the dates of other rows)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tripod.core.errors import Forbidden, StaleVersion, ValidationFailed
from tripod.core.htmx import hx_toast
from tripod.projects.access import can_edit_project
from tripod.projects.models import Project, Task
from tripod.projects.selectors import project_get
from tripod.projects.selectors.wbs import (
    deleted_task_get,
    project_minutes_per_day,
    task_get,
    task_list,
    wbs_rows,
)
from tripod.projects.services.wbs import task_create, task_delete, task_indent, task_move, task_outdent, task_restore
from tripod.projects.services.wbs_cells import CELL_FIELDS, task_cell_update
from tripod.projects.services.wbs_paste import paste_rows_parse, tasks_paste
from tripod.projects.services.wbs_text import days_display, hours_display
from tripod.projects.views.tabs import project_tabs


def _project(request: HttpRequest, pk: int, *, edit: bool = False) -> Project:
    project = project_get(user=request.user, pk=pk)
    task_list(user=request.user, project=project)  # the WBS is internal: 404 for the portal
    if edit and not can_edit_project(request.user, project):
        raise Forbidden()
    return project


def _grid_context(request: HttpRequest, project: Project, **extra: Any) -> dict[str, Any]:
    per_day = project_minutes_per_day(project)
    return {
        "project": project,
        "rows": wbs_rows(user=request.user, project=project, minutes_per_day=per_day),
        "can_edit": can_edit_project(request.user, project),
        "kinds": [(Task.Kind.TASK, Task.Kind.TASK.label), (Task.Kind.MILESTONE, Task.Kind.MILESTONE.label)],
        "acceptances": [(value, label) for value, label in Task.Acceptance.choices if value],
        **extra,
    }


def _grid(request: HttpRequest, project: Project, **extra: Any) -> HttpResponse:
    project.refresh_from_db(fields=["schedule_error", "scheduled_at", "schedule_progress"])
    return render(request, "projects/wbs/_grid.html", _grid_context(request, project, **extra))


def _refused(message: Any) -> HttpResponse:
    """Nothing changed: keep the page as it is (the editor stays open) and say why."""
    response = HttpResponse(status=200)
    response.headers["HX-Reswap"] = "none"
    return hx_toast(response, message, "error")


def _messages(exc: ValidationFailed) -> str:
    return " ".join(str(message) for messages in exc.errors.values() for message in messages) or str(exc.message)


def _change(request: HttpRequest, project: Project, action: Callable[[], Any], **extra: Any) -> HttpResponse:
    try:
        result = action()
    except ValidationFailed as exc:
        return _refused(_messages(exc))
    except StaleVersion as exc:
        response = _grid(request, project, focus_task=exc.current.pk)
        message = _("%(message)s The grid now shows version %(version)s; your value was “%(value)s”.") % {
            "message": exc.message,
            "version": exc.current.version,
            "value": request.POST.get("value", ""),
        }
        return hx_toast(response, message, "warning")
    if isinstance(result, Task) and "focus_task" not in extra:
        extra["focus_task"] = result.pk
    return _grid(request, project, **extra)


@login_required
@require_GET
def wbs_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    context = _grid_context(request, project, tabs=project_tabs(request.user, project, "wbs"))
    return render(request, "projects/wbs/page.html", context)


@login_required
@require_GET
def wbs_grid_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _grid(request, _project(request, pk))


def _task(request: HttpRequest, project: Project, task_id: int) -> Task:
    return task_get(user=request.user, project=project, pk=task_id)


def _optional_task(request: HttpRequest, project: Project, key: str) -> Task | None:
    value = request.POST.get(key) or ""
    return _task(request, project, int(value)) if value.isdigit() else None


@login_required
@require_POST
def task_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, edit=True)
    after = _optional_task(request, project, "after")
    name = request.POST.get("name") or _("New task")
    return _change(
        request,
        project,
        lambda: task_create(actor=request.user, project=project, name=name, after=after),
        focus_col="name",
        focus_edit=True,
    )


@login_required
@require_POST
def task_edit_view(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    project = _project(request, pk, edit=True)
    task = _task(request, project, task_id)
    field = request.POST.get("field", "")
    if field not in CELL_FIELDS:
        return _refused(_("This column cannot be edited."))
    version = request.POST.get("version", "")
    return _change(
        request,
        project,
        lambda: task_cell_update(
            actor=request.user,
            task=task,
            version=int(version) if version.isdigit() else None,
            field=field,
            text=request.POST.get("value", ""),
        ),
        focus_col=field,
    )


def _structural(service: Callable[..., Any], **kwargs: Any) -> Callable[..., HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
        project = _project(request, pk, edit=True)
        task = _task(request, project, task_id)
        return _change(request, project, lambda: service(actor=request.user, task=task, **kwargs))

    return view


@login_required
@require_POST
def task_delete_view(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    project = _project(request, pk, edit=True)
    task = _task(request, project, task_id)
    return _change(request, project, lambda: task_delete(actor=request.user, task=task), undo_task=task)


@login_required
@require_POST
def task_restore_view(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    project = _project(request, pk, edit=True)
    task = deleted_task_get(user=request.user, project=project, pk=task_id)
    return _change(request, project, lambda: task_restore(actor=request.user, task=task))


@login_required
@require_POST
def paste_preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, edit=True)
    context: dict[str, Any] = {"project": project}
    per_day = project_minutes_per_day(project)
    try:
        rows = paste_rows_parse(request.POST.get("text", ""), minutes_per_day=per_day)
        context["rows"] = [
            (row, days_display(row.duration_min, minutes_per_day=per_day), hours_display(row.work_min)) for row in rows
        ]
    except ValidationFailed as exc:
        context["errors"] = [str(m) for messages in exc.errors.values() for m in messages]
    return render(request, "projects/wbs/_paste_preview.html", context)


@login_required
@require_POST
def paste_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, edit=True)
    after = _optional_task(request, project, "after")
    text = request.POST.get("text", "")
    return _change(
        request,
        project,
        lambda: tasks_paste(actor=request.user, project=project, text=text, after=after),
        pasted=True,
    )


urlpatterns = [
    path("<int:pk>/wbs/", wbs_view, name="wbs"),
    path("<int:pk>/wbs/grid/", wbs_grid_view, name="wbs_grid"),
    path("<int:pk>/wbs/tasks/add/", task_add_view, name="wbs_task_add"),
    path("<int:pk>/wbs/tasks/<int:task_id>/edit/", task_edit_view, name="wbs_task_edit"),
    path("<int:pk>/wbs/tasks/<int:task_id>/indent/", _structural(task_indent), name="wbs_task_indent"),
    path("<int:pk>/wbs/tasks/<int:task_id>/outdent/", _structural(task_outdent), name="wbs_task_outdent"),
    path("<int:pk>/wbs/tasks/<int:task_id>/up/", _structural(task_move, direction="up"), name="wbs_task_up"),
    path("<int:pk>/wbs/tasks/<int:task_id>/down/", _structural(task_move, direction="down"), name="wbs_task_down"),
    path("<int:pk>/wbs/tasks/<int:task_id>/delete/", task_delete_view, name="wbs_task_delete"),
    path("<int:pk>/wbs/tasks/<int:task_id>/restore/", task_restore_view, name="wbs_task_restore"),
    path("<int:pk>/wbs/paste/preview/", paste_preview_view, name="wbs_paste_preview"),
    path("<int:pk>/wbs/paste/", paste_view, name="wbs_paste"),
]
