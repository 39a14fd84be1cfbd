"""The client's requirements in the portal: the list, a new one, and the client's answers: confirm a requirement
awaiting confirmation (the exact statement shown is the one confirmed: its version travels with the form), accept a
delivered one or say it is not accepted. The scope services check and write everything, with the portal user as
actor; the confirmation record they write says "client portal"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tripod.core.errors import StaleVersion, ValidationFailed
from tripod.core.htmx import apply_validation_errors, submit_form
from tripod.core.tables import ChoiceFilter, Column, Table, query_param, render_table
from tripod.portal.views.base import portal_context, portal_page, render_portal, say_errors
from tripod.projects.selectors import project_list
from tripod.scope.access import can_accept_requirement, can_confirm_requirement
from tripod.scope.forms import PortalAnswerForm, ReasonForm, RequirementForm
from tripod.scope.models import Confirmation, Requirement
from tripod.scope.selectors import requirement_confirmations, requirement_get, requirement_list
from tripod.scope.services import (
    requirement_accept,
    requirement_acceptance_refuse,
    requirement_capture,
    requirement_confirm,
)

S = Requirement.Status
Kind = Confirmation.Kind


def requirement_url(requirement: Requirement) -> str:
    return reverse("portal:requirement", args=[requirement.pk])


class PortalRequirementTable(Table):
    columns = [
        Column("reference", _("Reference"), sort="number", link=requirement_url, css_class="tp-mono"),
        Column("title", _("Title"), sort="title", link=requirement_url),
        Column("project", _("Project"), accessor="project.name", sort="project__code"),
        Column("priority", _("Priority"), accessor="get_priority_display", sort="priority",
               badge=lambda r: f"priority-{r.priority}"),
        Column("status", _("Status"), accessor="get_status_display", sort="status",
               badge=lambda r: f"requirement-{r.status}"),
        Column("created_at", _("Submitted"), accessor=lambda r: r.created_at.date(), sort="created_at"),
    ]  # fmt: skip
    default_sort = "-reference"
    search_placeholder = _("Filter by reference, title or statement…")
    empty_text = _("No requirements yet.")
    empty_icon = "card-checklist"


def _choice(raw: Any, values: list[str]) -> str | None:
    return raw if raw in values else None


@require_GET
@portal_page
def requirement_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    status = _choice(request.GET.get("status"), S.values)
    requirements = requirement_list(user=user, status=status, search=query_param(request))
    table = PortalRequirementTable(
        request, requirements, id="requirements", filters=[ChoiceFilter("status", _("Status"), S.choices)]
    )
    context = {
        "awaiting_confirmation": list(requirement_list(user=user, awaiting_confirmation=True)),
        "awaiting_acceptance": list(requirement_list(user=user, status=S.DELIVERED)),
        "empty_action_url": reverse("portal:requirement_new"),
        "empty_action_label": _("Submit a requirement"),
    }
    context.update(portal_context(request, "requirements"))
    return render_table(request, "portal/requirements/list.html", context, table)


@require_http_methods(["GET", "POST"])
@portal_page
def requirement_new_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    client = request.portal.client  # type: ignore[attr-defined]
    form = RequirementForm(request.POST or None, user=user, client=client, portal=True)
    form.fields["project"].queryset = project_list(user=user).exclude(phase="closed")
    if request.method == "POST":
        saved = submit_form(form, lambda data: requirement_capture(actor=user, client=client, **data))
        if saved is not None:
            messages.success(request, _("Requirement %(reference)s submitted.") % {"reference": saved.reference})
            return redirect(requirement_url(saved))
    context = {
        "form": form,
        "title": _("Submit a requirement"),
        "intro": _("Describe what you need in your own words. Your account manager will clarify it with you."),
        "submit_label": _("Submit"),
        "cancel_url": reverse("portal:requirements"),
    }
    status = 422 if form.errors else 200
    return render_portal(request, "portal/form_page.html", context, section="requirements", status=status)


def _answer_form(answer: str, user: Any, requirement: Requirement, data: Any = None) -> Any:
    if answer == "confirm":
        return PortalAnswerForm(data, requirement=requirement, kind=Kind.CONFIRMATION)
    if answer == "accept":
        return PortalAnswerForm(data, requirement=requirement, kind=Kind.ACCEPTANCE, auto_id="accept-%s")
    return ReasonForm(data, requirement=requirement, user=user, auto_id="refuse-%s")


def _answer_forms(user: Any, requirement: Requirement) -> dict[str, Any]:
    """The answers the client may give now, as unbound forms by key."""
    offered = ["confirm"] if can_confirm_requirement(user, requirement) else []
    if can_accept_requirement(user, requirement):
        offered += ["accept", "refuse"]
    return {answer: _answer_form(answer, user, requirement) for answer in offered}


def _detail(request: HttpRequest, requirement: Requirement, status: int = 200, **sent: Any) -> HttpResponse:
    """The requirement's page with the answers the client may give now (``sent``: the form that just failed)."""
    forms = {**_answer_forms(request.user, requirement), **sent}
    context = {
        "requirement": requirement,
        "confirmations": requirement_confirmations(requirement=requirement),
        "confirm_form": forms.get("confirm"),
        "accept_form": forms.get("accept"),
        "refuse_form": forms.get("refuse"),
    }
    return render_portal(request, "portal/requirements/detail.html", context, section="requirements", status=status)


@require_GET
@portal_page
def requirement_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, requirement_get(user=request.user, pk=pk))


# The client's answers: the service each one calls, and what the client is told when it is done.
ANSWERS: dict[str, tuple[Any, Any]] = {
    "confirm": (requirement_confirm, _("Thank you: requirement %(reference)s is confirmed.")),
    "accept": (requirement_accept, _("Thank you: you accepted the delivery of %(reference)s.")),
    "refuse": (requirement_acceptance_refuse, _("Noted: %(reference)s goes back to the team to be reworked.")),
}


@require_POST
@portal_page
def requirement_answer_view(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    """Run one of the client's answers through its scope service; on success say so and show the requirement again.
    A requirement that changed since the page was shown is shown again as it is now, to be read before answering
    (never answered blindly); an answer the requirement's state does not allow is explained."""
    user = request.user
    requirement = requirement_get(user=user, pk=pk)
    service, success = ANSWERS[answer]
    form = _answer_form(answer, user, requirement, request.POST)
    if not form.is_valid():
        return _detail(request, requirement, status=422, **{answer: form})
    try:
        service(actor=user, requirement=requirement, **form.service_kwargs())
    except StaleVersion:
        messages.warning(
            request,
            _("This requirement changed since you opened it. Read it again as it stands now before you answer."),
        )
        return redirect(requirement_url(requirement))
    except ValidationFailed as exc:
        if not set(exc.errors) & set(form.fields):  # about the requirement (its status), not what was typed
            say_errors(request, exc)
            return redirect(requirement_url(requirement))
        apply_validation_errors(form, exc.errors)
        return _detail(request, requirement, status=422, **{answer: form})
    messages.success(request, str(success) % {"reference": requirement.reference})
    return redirect(requirement_url(requirement))


urlpatterns = [
    path("requirements/", requirement_list_view, name="requirements"),
    path("requirements/new/", requirement_new_view, name="requirement_new"),
    path("requirements/<int:pk>/", requirement_detail_view, name="requirement"),
    path("requirements/<int:pk>/confirm/", requirement_answer_view, {"answer": "confirm"}, name="requirement_confirm"),
    path("requirements/<int:pk>/accept/", requirement_answer_view, {"answer": "accept"}, name="requirement_accept"),
    path("requirements/<int:pk>/refuse/", requirement_answer_view, {"answer": "refuse"}, name="requirement_refuse"),
]
