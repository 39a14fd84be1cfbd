"""A project's resources page: who is assigned to which task (add, edit, remove) and the people x weeks load heat map
of everyone on the project, with their load over ALL projects against capacity and over-allocated weeks flagged."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from tripod.core.errors import Forbidden, NotFound, StaleVersion, ValidationFailed
from tripod.core.htmx import apply_validation_errors
from tripod.people.models import Person
from tripod.projects.access import can_edit_project, can_view_project_internals
from tripod.projects.models import Assignment, Project, Task
from tripod.projects.selectors.project import project_get
from tripod.projects.selectors.resources import (
    WeekLoad,
    assignable_people,
    assignable_tasks,
    assignment_get,
    assignment_list,
    person_weekly_load,
    project_people,
    week_start,
    weeks_from,
)
from tripod.projects.services.assignments import (
    AssignmentOutcome,
    assignment_create,
    assignment_delete,
    assignment_update,
)
from tripod.projects.views.tabs import project_tabs

HEAT_MAP_WEEKS = 12


class AssignmentForm(forms.Form):
    task = forms.ModelChoiceField(label=_("Task"), queryset=Task.objects.none())
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    units = forms.DecimalField(
        label=_("Units (%)"), initial=Decimal("100"), min_value=1, max_value=1000, decimal_places=1
    )
    planned_hours = forms.DecimalField(
        label=_("Planned work (hours)"),
        required=False,
        min_value=0,
        decimal_places=2,
        help_text=_("Empty: the task's duration times the units."),
    )

    def __init__(self, data: Any = None, *, project: Project, user: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["task"].queryset = assignable_tasks(user=user, project=project)
        self.fields["person"].queryset = assignable_people(user=user, project=project)


class AssignmentEditForm(forms.Form):
    units = forms.DecimalField(label=_("Units (%)"), min_value=1, max_value=1000, decimal_places=1)
    planned_hours = forms.DecimalField(
        label=_("Planned work (hours)"),
        required=False,
        min_value=0,
        decimal_places=2,
        help_text=_("Empty: the task's duration times the units."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    record_fields = ("units", "planned_hours")
    conflict = None


def _planned_minutes(hours: Decimal | None) -> int | None:
    return None if hours is None else int((hours * 60).to_integral_value())


def _resources_url(project: Project) -> str:
    return reverse("projects:resources", args=[project.pk])


def overallocation_message(person: Any, weeks: list[WeekLoad]) -> str:
    """Names the person, each week over capacity and its hours (no other project is named)."""
    parts = [
        str(
            _("week of %(week)s: %(planned)s h planned for %(capacity)s h")
            % {"week": w.week.isoformat(), "planned": w.planned_hours, "capacity": w.capacity_hours}
        )
        for w in weeks
    ]
    return str(_("%(name)s is over-allocated: %(weeks)s.") % {"name": person, "weeks": "; ".join(parts)})


def _report(request: HttpRequest, outcome: AssignmentOutcome, saved_message: Any) -> None:
    messages.success(request, str(saved_message))
    if outcome.overallocated:
        messages.warning(request, overallocation_message(outcome.assignment.person, outcome.overallocated_weeks))


def _first_week(request: HttpRequest, project: Project) -> date:
    raw = request.GET.get("from", "")
    try:
        return week_start(date.fromisoformat(raw))
    except ValueError:
        pass
    today = timezone.localdate()
    first_start = Task.objects.filter(project=project).aggregate(first=Min("start"))["first"]
    if first_start is not None and timezone.localdate(first_start) > today:
        return week_start(timezone.localdate(first_start))
    return week_start(today)


def _page(request: HttpRequest, project: Project, form: AssignmentForm | None, status: int = 200) -> HttpResponse:
    user = request.user
    first = _first_week(request, project)
    weeks = weeks_from(first, HEAT_MAP_WEEKS)
    loads = person_weekly_load(user=user, people=list(project_people(user=user, project=project)), weeks=weeks)
    context = {
        "project": project,
        "tabs": project_tabs(user, project, "resources"),
        "assignments": list(assignment_list(user=user, project=project)),
        "can_edit": form is not None,
        "form": form,
        "weeks": weeks,
        "loads": loads,
        "previous_from": (first - timedelta(weeks=HEAT_MAP_WEEKS)).isoformat(),
        "next_from": (first + timedelta(weeks=HEAT_MAP_WEEKS)).isoformat(),
        "this_week": week_start(timezone.localdate()),
    }
    return render(request, "projects/resources/page.html", context, status=status)


def _project_for(request: HttpRequest, pk: int, *, edit: bool = False) -> Project:
    project = project_get(user=request.user, pk=pk)
    if not request.user.is_internal:  # the client portal never learns that the page exists
        raise NotFound(Project._meta.verbose_name)
    allowed = can_edit_project if edit else can_view_project_internals
    if not allowed(request.user, project):
        raise Forbidden()
    return project


@login_required
def resources_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for(request, pk)
    can_edit = can_edit_project(request.user, project)
    form = AssignmentForm(project=project, user=request.user) if can_edit else None
    return _page(request, project, form)


@login_required
@require_POST
def assignment_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_for(request, pk, edit=True)
    form = AssignmentForm(request.POST, project=project, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            outcome = assignment_create(
                actor=request.user,
                task=data["task"],
                person=data["person"],
                units=data["units"],
                planned_work_min=_planned_minutes(data["planned_hours"]),
            )
        except ValidationFailed as exc:
            apply_validation_errors(form, _form_errors(exc.errors))
        else:
            _report(
                request,
                outcome,
                _("%(name)s assigned to %(task)s.") % {"name": data["person"], "task": data["task"]},
            )
            return redirect(_resources_url(project))
    return _page(request, project, form, status=422)


def _form_errors(errors: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The service names planned work in minutes; the form asks for hours."""
    return {("planned_hours" if k == "planned_work_min" else k): v for k, v in errors.items()}


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit_view(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    project = _project_for(request, pk, edit=True)
    assignment: Assignment = assignment_get(user=request.user, project=project, pk=assignment_id)
    initial = {
        "units": assignment.units,
        "planned_hours": (Decimal(assignment.planned_work_min) / 60).quantize(Decimal("0.01")),
        "version": assignment.version,
    }
    form = AssignmentEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        planned = _planned_minutes(data["planned_hours"])
        try:
            outcome = assignment_update(
                actor=request.user,
                assignment=assignment,
                version=data["version"],
                units=data["units"],
                planned_work_min=planned,
            )
        except ValidationFailed as exc:
            apply_validation_errors(form, _form_errors(exc.errors))
        except StaleVersion as exc:
            form.add_error(None, str(exc.message))
            form.data = form.data.copy()
            form.data["version"] = str(exc.current.version)
        else:
            _report(request, outcome, _("Assignment saved."))
            return redirect(_resources_url(project))
    context = {
        "form": form,
        "title": _("Edit assignment"),
        "eyebrow": f"{assignment.person} · {assignment.task}",
        "cancel_url": _resources_url(project),
    }
    return render(request, "components/form_page.html", context)


@login_required
@require_POST
def assignment_remove_view(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    project = _project_for(request, pk, edit=True)
    assignment = assignment_get(user=request.user, project=project, pk=assignment_id)
    name, task = str(assignment.person), str(assignment.task)
    assignment_delete(actor=request.user, assignment=assignment)
    messages.success(request, _("%(name)s removed from %(task)s.") % {"name": name, "task": task})
    return redirect(_resources_url(project))


urlpatterns = [
    path("<int:pk>/resources/", resources_view, name="resources"),
    path("<int:pk>/resources/assign/", assignment_add_view, name="assignment_add"),
    path("<int:pk>/resources/<int:assignment_id>/edit/", assignment_edit_view, name="assignment_edit"),
    path("<int:pk>/resources/<int:assignment_id>/remove/", assignment_remove_view, name="assignment_remove"),
]
