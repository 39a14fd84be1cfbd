"""The risk register of a project: filters (kind, status, owner), the 5x5 heat map (click a cell to filter), create,
edit, close; a risk's page with its response actions (overdue ones flagged) and "it happened" which raises an
issue. Project internals: staff who see the project; the client portal never (403 before any risk is looked up).
The issue log's pages live in ``views/issues.py`` and are mounted here."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tripod.core.errors import Forbidden, NotFound, ValidationFailed
from tripod.core.htmx import form_page, submit_form
from tripod.core.tables import ChoiceFilter, Column, Table, render_table
from tripod.projects.access import can_raise_risk
from tripod.projects.models import Project, Risk, RiskAction
from tripod.projects.risk_forms import RiskActionForm, RiskForm, RiskOccurredForm
from tripod.projects.selectors.risks import (
    LEVELS,
    issue_list,
    risk_actions,
    risk_get,
    risk_heat_map,
    risk_list,
    risk_owner_choices,
    risk_summary,
)
from tripod.projects.services.risks import (
    can_edit_risk,
    risk_action_create,
    risk_action_delete,
    risk_action_set_done,
    risk_close,
    risk_create,
    risk_occurred,
    risk_reopen,
    risk_update,
)
from tripod.projects.views import issues
from tripod.projects.views.issues import internal_project
from tripod.projects.views.tabs import project_tabs


def _risk_url(risk: Risk) -> str:
    return reverse("projects:risk_detail", args=[risk.project_id, risk.pk])


def _level(raw: Any) -> int | None:
    return int(raw) if str(raw) in {str(n) for n in LEVELS} else None


class RiskTable(Table):
    columns = [
        Column("number", gettext_lazy("No."), sort="number", link=_risk_url, accessor=lambda r: f"R{r.number}",
               css_class="tp-mono"),
        Column("title", gettext_lazy("Risk"), sort="title", link=_risk_url),
        Column("kind", gettext_lazy("Kind"), accessor="get_kind_display", sort="kind", badge=lambda r: r.kind),
        Column("score", gettext_lazy("Score"), sort="score", template="projects/risks/_score_cell.html",
               numeric=True),
        Column("owner", gettext_lazy("Owner"), sort="owner__username"),
        Column("strategy", gettext_lazy("Response"), accessor="get_strategy_display", sort="strategy"),
        Column("actions", gettext_lazy("Open actions"), accessor="open_action_count",
               template="projects/risks/_actions_cell.html", sort="open_action_count", numeric=True),
        Column("status", gettext_lazy("Status"), accessor="get_status_display", sort="status",
               badge=lambda r: r.status),
    ]  # fmt: skip
    default_sort = "-score"
    search_placeholder = gettext_lazy("Filter by title…")
    empty_text = gettext_lazy("No risks recorded yet.")
    empty_icon = "exclamation-triangle"


@login_required
@require_GET
def risks_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = internal_project(request, pk)
    user = request.user
    get = request.GET
    owners = list(risk_owner_choices(user=user, project=project))
    owner_id = get.get("owner") if get.get("owner") in {str(o.pk) for o in owners} else None
    base = {
        "kind": get.get("kind") if get.get("kind") in Risk.Kind.values else None,
        "status": get.get("status") if get.get("status") in Risk.Status.values else None,
        "owner_id": owner_id,
    }
    probability, impact = _level(get.get("probability")), _level(get.get("impact"))
    risks = risk_list(user=user, project=project, probability=probability, impact=impact, **base)
    if q := (get.get("q") or "").strip()[:200]:
        risks = risks.filter(title__icontains=q)
    table = RiskTable(
        request,
        risks,
        id="risks",
        filters=[
            ChoiceFilter("kind", gettext_lazy("Kind"), Risk.Kind.choices),
            ChoiceFilter("status", gettext_lazy("Status"), Risk.Status.choices),
            ChoiceFilter("owner", gettext_lazy("Owner"), [(o.pk, str(o)) for o in owners]),
        ],
    )
    keep = {k: v for k, v in get.items() if k in ("kind", "status", "owner", "q") and v}
    heat = [
        [(cell, "?" + urlencode({**keep, "probability": cell.probability, "impact": cell.impact})) for cell in row]
        for row in risk_heat_map(user=user, project=project, **base)
    ]
    context = {
        "project": project,
        "tabs": project_tabs(user, project, "risks"),
        "can_raise": can_raise_risk(user, project),
        "heat": heat,
        "summary": risk_summary(user=user, project=project),
        "levels": LEVELS,
        "cell": (probability, impact) if probability and impact else None,
        "clear_cell_url": "?" + urlencode(keep),
    }
    if context["can_raise"]:
        context.update(
            empty_action_url=reverse("projects:risk_create", args=[project.pk]), empty_action_label=_("Raise a risk")
        )
    return render_table(request, "projects/risks/register.html", context, table)


@login_required
@require_http_methods(["GET", "POST"])
def risk_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = internal_project(request, pk)
    if not can_raise_risk(request.user, project):
        raise Forbidden()
    return form_page(
        request,
        RiskForm(request.POST or None, project=project, user=request.user),
        lambda data: risk_create(actor=request.user, project=project, **data),
        title=_("Raise a risk"),
        eyebrow=project.code,
        cancel_url=reverse("projects:risks", args=[project.pk]),
        success_message=lambda risk: _("Risk R%(number)s raised.") % {"number": risk.number},
        success_url=_risk_url,
    )


def _risk(request: HttpRequest, pk: int, risk_pk: int) -> tuple[Project, Risk]:
    project = internal_project(request, pk)
    return project, risk_get(user=request.user, project=project, pk=risk_pk)


@login_required
@require_GET
def risk_detail_view(request: HttpRequest, pk: int, risk_pk: int) -> HttpResponse:
    project, risk = _risk(request, pk, risk_pk)
    user = request.user
    can_edit = can_edit_risk(user, risk)
    context = {
        "project": project,
        "tabs": project_tabs(user, project, "risks"),
        "risk": risk,
        "record": risk,
        "actions": risk_actions(risk=risk),
        "issues": list(issue_list(user=user, project=project).filter(risk=risk)),
        "can_edit": can_edit,
        "action_form": RiskActionForm(project=project, user=user) if can_edit else None,
        "occurred_form": RiskOccurredForm(initial={"title": risk.title}) if can_edit else None,
    }
    return render(request, "projects/risks/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def risk_edit_view(request: HttpRequest, pk: int, risk_pk: int) -> HttpResponse:
    project, risk = _risk(request, pk, risk_pk)
    if not can_edit_risk(request.user, risk):
        raise Forbidden()
    return form_page(
        request,
        RiskForm(request.POST or None, instance=risk, project=project, user=request.user),
        lambda data: risk_update(actor=request.user, risk=risk, **data),
        title=_("Edit risk R%(number)s") % {"number": risk.number},
        eyebrow=project.code,
        cancel_url=_risk_url(risk),
        success_message=lambda saved: _("Risk R%(number)s saved.") % {"number": saved.number},
        success_url=_risk_url,
    )


def _say(request: HttpRequest, exc: ValidationFailed) -> None:
    for field_messages in exc.errors.values():
        for message in field_messages:
            messages.error(request, str(message))


@login_required
@require_POST
def risk_status_view(request: HttpRequest, pk: int, risk_pk: int, change: str) -> HttpResponse:
    _project, risk = _risk(request, pk, risk_pk)
    service = {"close": risk_close, "reopen": risk_reopen}[change]
    try:
        risk = service(actor=request.user, risk=risk)
    except ValidationFailed as exc:
        _say(request, exc)
    else:
        if change == "close":
            messages.success(request, _("Risk R%(number)s closed.") % {"number": risk.number})
        else:
            messages.success(request, _("Risk R%(number)s reopened.") % {"number": risk.number})
    return redirect(_risk_url(risk))


@login_required
@require_POST
def risk_occurred_view(request: HttpRequest, pk: int, risk_pk: int) -> HttpResponse:
    _project, risk = _risk(request, pk, risk_pk)
    if not can_edit_risk(request.user, risk):
        raise Forbidden()
    form = RiskOccurredForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the issue's priority and due date."))
        return redirect(_risk_url(risk))
    try:
        issue = risk_occurred(actor=request.user, risk=risk, **form.cleaned_data)
    except ValidationFailed as exc:
        _say(request, exc)
        return redirect(_risk_url(risk))
    messages.success(request, _("Risk R%(risk)s occurred: issue I%(issue)s raised.") % {
        "risk": risk.number, "issue": issue.number,
    })  # fmt: skip
    return redirect(reverse("projects:issue_detail", args=[issue.project_id, issue.pk]))


@login_required
@require_POST
def risk_action_add_view(request: HttpRequest, pk: int, risk_pk: int) -> HttpResponse:
    project, risk = _risk(request, pk, risk_pk)
    if not can_edit_risk(request.user, risk):
        raise Forbidden()
    form = RiskActionForm(request.POST, project=project, user=request.user)
    saved = submit_form(form, lambda data: risk_action_create(actor=request.user, risk=risk, **data))
    if saved is None:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))
    else:
        messages.success(request, _("Response action added."))
    return redirect(_risk_url(risk))


def _action(risk: Risk, action_pk: int) -> RiskAction:
    action = risk.actions.filter(pk=action_pk).first()
    if action is None:
        raise NotFound(RiskAction._meta.verbose_name)
    return action


@login_required
@require_POST
def risk_action_done_view(request: HttpRequest, pk: int, risk_pk: int, action_pk: int) -> HttpResponse:
    _project, risk = _risk(request, pk, risk_pk)
    action = _action(risk, action_pk)
    done = request.POST.get("done", "1") == "1"
    risk_action_set_done(actor=request.user, action=action, done=done)
    messages.success(request, _("Action marked done.") if done else _("Action reopened."))
    return redirect(_risk_url(risk))


@login_required
@require_POST
def risk_action_delete_view(request: HttpRequest, pk: int, risk_pk: int, action_pk: int) -> HttpResponse:
    _project, risk = _risk(request, pk, risk_pk)
    risk_action_delete(actor=request.user, action=_action(risk, action_pk))
    messages.success(request, _("Response action deleted."))
    return redirect(_risk_url(risk))


urlpatterns = [
    path("<int:pk>/risks/", risks_view, name="risks"),
    path("<int:pk>/risks/new/", risk_create_view, name="risk_create"),
    path("<int:pk>/risks/<int:risk_pk>/", risk_detail_view, name="risk_detail"),
    path("<int:pk>/risks/<int:risk_pk>/edit/", risk_edit_view, name="risk_edit"),
    path("<int:pk>/risks/<int:risk_pk>/close/", risk_status_view, {"change": "close"}, name="risk_close"),
    path("<int:pk>/risks/<int:risk_pk>/reopen/", risk_status_view, {"change": "reopen"}, name="risk_reopen"),
    path("<int:pk>/risks/<int:risk_pk>/occurred/", risk_occurred_view, name="risk_occurred"),
    path("<int:pk>/risks/<int:risk_pk>/actions/", risk_action_add_view, name="risk_action_add"),
    path("<int:pk>/risks/<int:risk_pk>/actions/<int:action_pk>/done/", risk_action_done_view, name="risk_action_done"),
    path(
        "<int:pk>/risks/<int:risk_pk>/actions/<int:action_pk>/delete/",
        risk_action_delete_view,
        name="risk_action_delete",
    ),
    *issues.urlpatterns,
]
