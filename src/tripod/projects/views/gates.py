"""The project charter and the phase gates (moving a project through its life cycle)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from tripod.core.errors import Forbidden, StaleVersion, ValidationFailed
from tripod.core.htmx import apply_validation_errors, form_page
from tripod.projects.access import can_edit_project
from tripod.projects.forms import CharterForm, PhaseGateForm
from tripod.projects.models import PhaseGate, Project
from tripod.projects.selectors import project_get
from tripod.projects.selectors.reports import phase_gate_list
from tripod.projects.services import project_update
from tripod.projects.services.gates import phase_advance
from tripod.projects.views.tabs import project_tabs


def submit_plain_form[T](form: forms.Form, action: Callable[[dict[str, Any]], T]) -> T | None:
    """Validate a plain form and call ``action`` with its cleaned data; put a service's reasons on the form."""
    if not form.is_valid():
        return None
    try:
        return action(dict(form.cleaned_data))
    except ValidationFailed as exc:
        apply_validation_errors(form, exc.errors)
    except StaleVersion as exc:
        form.add_error(None, str(exc.message))
    return None


def _detail_url(project: Project) -> str:
    return reverse("projects:detail", args=[project.pk])


def _editable_project(request: HttpRequest, pk: int) -> Project:
    project = project_get(user=request.user, pk=pk)
    if not can_edit_project(request.user, project):
        raise Forbidden()
    return project


@login_required
@require_http_methods(["GET", "POST"])
def charter_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _editable_project(request, pk)
    return form_page(
        request,
        CharterForm(request.POST or None, instance=project),
        lambda data: project_update(actor=request.user, project=project, **data),
        title=_("Project charter"),
        eyebrow=project.code,
        cancel_url=_detail_url(project),
        success_message=lambda saved: _("Charter of %(code)s saved.") % {"code": saved.code},
        success_url=_detail_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def phase_advance_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _editable_project(request, pk)
    form = PhaseGateForm(request.POST or None, project=project)
    if request.method == "POST":
        gate = submit_plain_form(form, lambda data: phase_advance(actor=request.user, project=project, **data))
        if gate is not None:
            labels = dict(Project.Phase.choices)
            if gate.decision == PhaseGate.Decision.HELD:
                messages.warning(
                    request, _("Gate held: the project stays in %(phase)s.") % {"phase": labels[gate.from_phase]}
                )
            else:
                messages.success(request, _("The project is now in %(phase)s.") % {"phase": labels[gate.to_phase]})
            return redirect(_detail_url(project))
    context = {
        "project": project,
        "form": form,
        "gates": list(phase_gate_list(user=request.user, project=project)),
        "tabs": project_tabs(request.user, project, "overview"),
    }
    return render(request, "projects/gates/advance.html", context)


urlpatterns = [
    path("<int:pk>/charter/", charter_view, name="charter"),
    path("<int:pk>/phase/", phase_advance_view, name="phase_advance"),
]
