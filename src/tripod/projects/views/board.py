"""The task board of a project (columns by workflow status, drag and drop or a "move to" menu) and its settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tripod.core.errors import Forbidden, NotFound, StaleVersion, ValidationFailed
from tripod.core.htmx import hx_toast, is_htmx
from tripod.projects.access import can_edit_project, can_view_project_internals
from tripod.projects.board_forms import StatusFormSet, statuses_initial
from tripod.projects.models import Project
from tripod.projects.selectors import project_get
from tripod.projects.selectors.board import Board, board_get, board_task_get, project_statuses
from tripod.projects.services.board import BoardMove, project_task_statuses_set, task_status_move
from tripod.projects.views import cockpit
from tripod.projects.views.tabs import project_tabs

COLUMNS = "projects/board/board.html#columns"


def _filters(data: Any) -> dict[str, str]:
    return {"assignee": str(data.get("assignee") or "")[:20], "phase": str(data.get("phase") or "")[:20]}


def _board_url(project: Project, filters: dict[str, str]) -> str:
    from urllib.parse import urlencode

    query = urlencode({k: v for k, v in filters.items() if v})
    return reverse("projects:board", args=[project.pk]) + (f"?{query}" if query else "")


def _context(request: HttpRequest, project: Project, board: Board) -> dict[str, Any]:
    return {
        "project": project,
        "board": board,
        "tabs": project_tabs(request.user, project, "board"),
        "move_url": reverse("projects:board_move", args=[project.pk]),
    }


@login_required
def board_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_get(user=request.user, pk=pk)
    board = board_get(user=request.user, project=project, **_filters(request.GET))
    context = _context(request, project, board)
    if is_htmx(request) and request.htmx.target == "board-columns":
        return render(request, COLUMNS, context)
    return render(request, "projects/board/board.html", context)


@login_required
@require_POST
def board_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_get(user=request.user, pk=pk)
    task = board_task_get(user=request.user, project=project, pk=request.POST.get("task") or 0)
    filters = _filters(request.POST)
    version = _int(request.POST.get("version"))
    level, message = "success", ""
    try:
        move = task_status_move(actor=request.user, task=task, status=request.POST.get("status", ""), version=version)
    except ValidationFailed as exc:
        level, message = "error", " ".join(str(m) for errors in exc.errors.values() for m in errors)
    except StaleVersion:
        level, message = "warning", _("Someone else changed this task meanwhile: the board now shows it as it is.")
    else:
        level, message = _moved_message(move)
    if not is_htmx(request):
        getattr(messages, level)(request, message)
        return redirect(_board_url(project, filters))
    board = board_get(user=request.user, project=project, **filters)
    response = render(request, COLUMNS, {**_context(request, project, board), "moved": task.pk})
    return hx_toast(response, message, level)


def _moved_message(move: BoardMove) -> tuple[str, str]:
    names = {"task": move.task.name, "status": move.column.display}
    if move.over_limit:
        return "warning", _(
            "“%(task)s” moved to %(status)s, which is now over its WIP limit (%(count)d of %(wip)d)."
        ) % {**names, "count": move.column_count, "wip": move.column.wip}
    return "success", _("“%(task)s” moved to %(status)s.") % names


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def board_settings_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_get(user=request.user, pk=pk)
    if not can_view_project_internals(request.user, project):
        raise NotFound()
    if not can_edit_project(request.user, project):
        raise Forbidden()
    formset = StatusFormSet(request.POST or None, initial=statuses_initial(project_statuses(project)), prefix="s")
    errors: list[str] = []
    version = project.version
    if request.method == "POST":
        version = _int(request.POST.get("version"))
        if formset.is_valid():
            try:
                project_task_statuses_set(
                    actor=request.user, project=project, statuses=formset.statuses(), version=version
                )
            except ValidationFailed as exc:
                errors = [str(m) for field_errors in exc.errors.values() for m in field_errors]
            except StaleVersion as exc:
                errors = [str(exc.message)]
                version = exc.current.version
            else:
                messages.success(request, _("The board's statuses were saved."))
                return redirect("projects:board", pk=project.pk)
    context = {
        "project": project,
        "tabs": project_tabs(request.user, project, "board"),
        "formset": formset,
        "errors": errors,
        "version": version,
    }
    return render(request, "projects/board/settings.html", context, status=422 if errors else 200)


urlpatterns = [
    path("<int:pk>/board/", board_view, name="board"),
    path("<int:pk>/board/move/", board_move_view, name="board_move"),
    path("<int:pk>/board/settings/", board_settings_view, name="board_settings"),
    *cockpit.urlpatterns,
]
