"""Timesheets: my weekly grid (tasks x days, cells saved in place over HTMX, submit the week) and the PM's approval
page of a project (submitted hours by person and week, approve or return with a reason)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from tripod.core.errors import Forbidden, NotFound, ValidationFailed
from tripod.core.htmx import hx_toast
from tripod.people.models import Person
from tripod.projects.access import can_approve_time
from tripod.projects.models import Project, Task
from tripod.projects.selectors.project import project_get
from tripod.projects.selectors.resources import week_start
from tripod.projects.selectors.timesheets import (
    GridCell,
    GridRow,
    approval_groups,
    can_view_entry_costs,
    loggable_projects,
    loggable_tasks,
    time_entries_awaiting_approval,
    timesheet_person,
    timesheet_week,
    unrated_people,
)
from tripod.projects.services.timesheets import (
    time_entry_save,
    timesheet_approve,
    timesheet_return,
    timesheet_submit,
)
from tripod.projects.views.tabs import project_tabs

_CLOCK = re.compile(r"^(\d{1,2}):([0-5]\d)$")
ADD_TASK_LIMIT = 300


def parse_hours(raw: str) -> int:
    """What a person types in a cell, as minutes: "1.5", "1,5" or "1:30"; empty is zero."""
    text = (raw or "").strip()
    if not text:
        return 0
    clock = _CLOCK.match(text)
    if clock:
        return int(clock.group(1)) * 60 + int(clock.group(2))
    try:
        hours = Decimal(text.replace(",", "."))
    except InvalidOperation:
        hours = Decimal("NaN")
    if hours.is_nan() or hours < 0:
        raise ValidationFailed({"minutes": [_("Write hours as a number such as 1.5, or as 1:30.")]})
    return int((hours * 60).to_integral_value())


def _day(raw: Any) -> date:
    try:
        return date.fromisoformat(str(raw))
    except ValueError as exc:
        raise NotFound(_("Day")) from exc


def _grid_url(week: date, person: Person | None = None, own: bool = True) -> str:
    url = reverse("projects:timesheet", args=[week.isoformat()])
    return url if own or person is None else f"{url}?person={person.pk}"


def _add_ids(request: HttpRequest) -> list[int]:
    return [int(v) for v in request.GET.getlist("add") if v.isdigit()][:50]


@login_required
@require_GET
def timesheet_view(request: HttpRequest, day: str | None = None) -> HttpResponse:
    user = request.user
    person = timesheet_person(user=user, pk=request.GET.get("person") or None)
    own = person.user_id == user.pk
    week = week_start(_day(day) if day else timezone.localdate())
    grid = timesheet_week(user=user, week=week, person=person, extra_task_ids=_add_ids(request) if own else ())
    shown = [row.task.pk for row in grid.rows]
    context = {
        "grid": grid,
        "own": own,
        "person": person,
        "show_costs": not own and can_view_entry_costs(user, person),
        "today": timezone.localdate(),
        "add_ids": _add_ids(request),
        "add_choices": list(loggable_tasks(user=user, exclude=shown)[:ADD_TASK_LIMIT]) if own else [],
        "previous_url": _grid_url(grid.previous_week, person, own),
        "next_url": _grid_url(grid.next_week, person, own),
        "this_week_url": _grid_url(week_start(timezone.localdate()), person, own),
    }
    return render(request, "projects/timesheets/grid.html", context)


def _cell_response(request: HttpRequest, task: Task, day: date, error: str = "") -> HttpResponse:
    grid = timesheet_week(user=request.user, week=day, extra_task_ids=[task.pk])
    row: GridRow | None = next((r for r in grid.rows if r.task.pk == task.pk), None)
    if row is None:  # the entry was removed and the task is not otherwise on the grid: an empty, editable cell
        cell = GridCell(day, None, True)
        row = GridRow(task, [GridCell(d, None, True) for d in grid.days], True)
    else:
        cell = row.cells[(day - grid.week).days]
    context = {"grid": grid, "row": row, "cell": cell, "index": (day - grid.week).days, "error": error}
    response = render(request, "projects/timesheets/_cell.html", context)
    if error:
        hx_toast(response, error, "error")
    return response


@login_required
@require_POST
def timesheet_cell_view(request: HttpRequest) -> HttpResponse:
    """Save one cell of my grid; answers with the cell and, out of band, the new row, day and week totals."""
    task_id = request.POST.get("task", "")
    # Only tasks of projects the user may book on: a task elsewhere does not exist for them (not even its name).
    task = (
        Task.all_objects.select_related("project")
        .filter(project__in=loggable_projects(request.user).values("pk"), pk=int(task_id) if task_id.isdigit() else 0)
        .first()
    )
    if task is None:
        raise NotFound(Task._meta.verbose_name)
    day = _day(request.POST.get("day"))
    try:
        minutes = parse_hours(request.POST.get("hours", ""))
        time_entry_save(actor=request.user, task=task, day=day, minutes=minutes)
    except ValidationFailed as exc:
        message = "; ".join(str(m) for messages_ in exc.errors.values() for m in messages_)
        return _cell_response(request, task, day, error=message)
    return _cell_response(request, task, day)


@login_required
@require_POST
def timesheet_submit_view(request: HttpRequest, day: str) -> HttpResponse:
    week = week_start(_day(day))
    try:
        count = timesheet_submit(actor=request.user, week=week)
    except ValidationFailed as exc:
        for field_messages in exc.errors.values():
            for message in field_messages:
                messages.error(request, str(message))
    else:
        messages.success(
            request, _("Week of %(week)s submitted: %(n)s entries.") % {"week": week.isoformat(), "n": count}
        )
    return redirect(_grid_url(week))


# --- approval -----------------------------------------------------------------------------------------------------
def _approver_project(request: HttpRequest, pk: int) -> Project:
    project = project_get(user=request.user, pk=pk)
    if not request.user.is_internal:  # the client portal never learns that the page exists
        raise NotFound(Project._meta.verbose_name)
    if not can_approve_time(request.user, project):
        raise Forbidden()
    return project


@login_required
@require_GET
def time_approvals_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _approver_project(request, pk)
    groups = approval_groups(user=request.user, project=project)
    unrated = unrated_people(people=[g.person for g in groups]) if groups else set()
    context = {
        "project": project,
        "tabs": project_tabs(request.user, project, "timesheets"),
        "groups": groups,
        "unrated": unrated,
    }
    return render(request, "projects/timesheets/approvals.html", context)


@login_required
@require_POST
def time_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _approver_project(request, pk)
    week = week_start(_day(request.POST.get("week")))
    person_id = request.POST.get("person", "")
    entry = (
        time_entries_awaiting_approval(user=request.user, projects=[project.pk])
        .filter(person_id=int(person_id) if person_id.isdigit() else 0)
        .first()
    )
    if entry is None:
        raise NotFound(Person._meta.verbose_name)
    person = entry.person
    names = {"name": person, "week": week.isoformat()}
    try:
        if request.POST.get("decision") == "return":
            timesheet_return(
                actor=request.user, project=project, person=person, week=week, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Hours of %(name)s for the week of %(week)s returned.") % names)
        else:
            outcome = timesheet_approve(actor=request.user, project=project, person=person, week=week)
            messages.success(request, _("Hours of %(name)s for the week of %(week)s approved.") % names)
            if outcome.has_unrated:
                messages.warning(
                    request,
                    _(
                        "Some of these hours have no cost rate and were costed at 0; "
                        "ask %(name)s's line manager to set one."
                    )
                    % names,
                )
    except ValidationFailed as exc:
        for field_messages in exc.errors.values():
            for message in field_messages:
                messages.error(request, str(message))
    return redirect(reverse("projects:time_approvals", args=[project.pk]))


urlpatterns = [
    path("time/", timesheet_view, name="timesheet"),
    path("time/<str:day>/", timesheet_view, name="timesheet"),
    path("time/<str:day>/submit/", timesheet_submit_view, name="timesheet_submit"),
    path("time-cell/", timesheet_cell_view, name="timesheet_cell"),
    path("<int:pk>/time/", time_approvals_view, name="time_approvals"),
    path("<int:pk>/time/decide/", time_decide_view, name="time_decide"),
]
