"""Change-request pages: a project's change requests (a tab among the project's pages), raise and edit, and a change
request's page with its lines (added and removed in place with HTMX while it is a draft), its impact (finish delta,
critical path change, effort by skill, cost delta, over-allocations), the approval panel of the three roles, and
the actions of its state (compute the impact, submit, decide, apply, withdraw)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tripod.core.errors import Forbidden, NotFound, StaleVersion, ValidationFailed
from tripod.core.htmx import apply_validation_errors, form_page, is_htmx
from tripod.core.tables import ChoiceFilter, Column, Table, query_param, render_table
from tripod.projects.access import can_view_project_internals
from tripod.projects.models import Project
from tripod.projects.selectors import project_get
from tripod.projects.services.wbs_outline import minutes_per_day
from tripod.projects.services.wbs_text import days_display, hours_display
from tripod.projects.views.tabs import project_tabs
from tripod.scope.access import (
    can_edit_change_request,
    can_raise_change_request,
    can_view_change_request_cost,
    can_withdraw_change_request,
    decision_roles,
)
from tripod.scope.change_request_forms import (
    LINE_ERROR_FIELDS,
    ChangeRequestForm,
    DecisionForm,
    LineForm,
    WithdrawForm,
)
from tripod.scope.models import ChangeRequest, ChangeRequestLine
from tripod.scope.selectors import (
    approval_panel,
    change_request_get,
    change_request_lines,
    change_request_list,
    requirement_get,
)
from tripod.scope.selectors.change_request_impact import impact_is_stale
from tripod.scope.services import (
    change_request_apply,
    change_request_create,
    change_request_decide,
    change_request_impact_refresh,
    change_request_line_add,
    change_request_line_remove,
    change_request_submit,
    change_request_update,
    change_request_withdraw,
)
from tripod.scope.views.requirements import say_refusal

CR = ChangeRequest.Status


def _detail_url(change_request: ChangeRequest) -> str:
    return reverse("scope:change_request_detail", args=[change_request.pk])


def _finish_delta(change_request: ChangeRequest) -> str:
    impact = change_request.impact or {}
    days = (impact.get("finish") or {}).get("delta_days")
    if days is None:
        return ""
    return f"{days:+g}"


class ChangeRequestTable(Table):
    columns = [
        Column("reference", gettext_lazy("Ref."), sort="number", link=_detail_url, css_class="tp-mono"),
        Column("title", gettext_lazy("Change request"), sort="title", link=_detail_url),
        Column("status", gettext_lazy("Status"), accessor="get_status_display", sort="status",
               badge=lambda cr: f"change-request-{cr.status}"),
        Column("line_count", gettext_lazy("Lines"), sort="line_count", numeric=True),
        Column("finish", gettext_lazy("Finish delta (working days)"), accessor=_finish_delta, numeric=True),
        Column("approvals", gettext_lazy("Approvals"), accessor=lambda cr: f"{cr.approval_count}/3",
               sort="approval_count", numeric=True),
        Column("raised_by", gettext_lazy("Raised by"), sort="raised_by__username"),
        Column("created_at", gettext_lazy("Raised"), accessor=lambda cr: cr.created_at.date(), sort="created_at"),
    ]  # fmt: skip
    default_sort = "-reference"
    search_placeholder = gettext_lazy("Filter by reference or title…")
    empty_text = gettext_lazy("No change requests on this project yet.")
    empty_icon = "arrow-left-right"


def _internal_project(request: HttpRequest, project_pk: int) -> Project:
    """The project, for staff who see its internals (404 otherwise: the portal never sees change requests)."""
    project = project_get(user=request.user, pk=project_pk)
    if not can_view_project_internals(request.user, project):
        raise NotFound(Project._meta.verbose_name)
    return project


@login_required
@require_GET
def project_change_requests_view(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = _internal_project(request, project_pk)
    user = request.user
    status = request.GET.get("status")
    rows = change_request_list(
        user=user,
        project=project,
        status=status if status in CR.values else None,
        search=query_param(request),
    )
    table = ChangeRequestTable(
        request, rows, id="change-requests", filters=[ChoiceFilter("status", gettext_lazy("Status"), CR.choices)]
    )
    can_raise = can_raise_change_request(user, project)
    context: dict[str, Any] = {
        "project": project,
        "tabs": project_tabs(user, project, "change_requests"),
        "can_raise": can_raise,
    }
    if can_raise:
        context.update(
            empty_action_url=reverse("scope:change_request_create", args=[project.pk]),
            empty_action_label=_("Raise a change request"),
        )
    return render_table(request, "scope/change_requests/list.html", context, table)


@login_required
@require_http_methods(["GET", "POST"])
def change_request_create_view(request: HttpRequest, project_pk: int) -> HttpResponse:
    user = request.user
    project = _internal_project(request, project_pk)
    if not can_raise_change_request(user, project):
        raise Forbidden()
    initial: dict[str, Any] = {}
    raw = request.GET.get("requirement", "")
    if raw.isdigit():
        requirement = requirement_get(user=user, pk=raw)
        initial = {"requirements": [requirement.pk], "title": requirement.title, "reason": requirement.statement}
    form = ChangeRequestForm(request.POST or None, user=user, project=project, initial=initial)
    return form_page(
        request,
        form,
        lambda data: change_request_create(actor=user, project=project, **data),
        title=_("Raise a change request"),
        eyebrow=f"{project.code} · {project.name}",
        cancel_url=reverse("scope:project_change_requests", args=[project.pk]),
        success_message=lambda cr: (
            _("Change request %(reference)s raised: add its changes to the WBS.") % {"reference": cr.reference}
        ),
        success_url=_detail_url,
        submit_label=_("Raise"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_request_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    change_request = change_request_get(user=user, pk=pk)
    if not can_edit_change_request(user, change_request):
        raise Forbidden()
    form = ChangeRequestForm(request.POST or None, instance=change_request, user=user, project=change_request.project)
    return form_page(
        request,
        form,
        lambda data: change_request_update(actor=user, change_request=change_request, **data),
        title=_("Edit %(reference)s") % {"reference": change_request.reference},
        eyebrow=change_request.project.code,
        cancel_url=_detail_url(change_request),
        success_message=lambda cr: _("Change request %(reference)s saved.") % {"reference": cr.reference},
        success_url=_detail_url,
    )


# --- a change request's page -----------------------------------------------------------------------------------------
def finish_picture(project: Project, before: Any, after: Any) -> dict[str, Any] | None:
    """Two bars from the project's start to its finish before and after the change (widths in SVG units)."""
    if before is None or after is None:
        return None
    start = project.start or min(before, after).date()
    span = max((max(before, after).date() - start).days, 1)
    width = 300

    def bar(value: Any) -> int:
        return max(2, round(width * max((value.date() - start).days, 0) / span))

    return {"start": start, "before": bar(before), "after": bar(after), "width": width, "later": after > before}


def _impact_context(user: Any, change_request: ChangeRequest) -> dict[str, Any]:
    impact = change_request.impact
    if not impact:
        return {"impact": None}
    finish = impact.get("finish") or {}
    delta = finish.get("delta_days") or 0
    before = parse_datetime(finish["before"]) if finish.get("before") else None
    after = parse_datetime(finish["after"]) if finish.get("after") else None
    return {
        "impact": impact,
        "finish_before": before,
        "finish_after": after,
        "finish_picture": finish_picture(change_request.project, before, after),
        "finish_delta": delta,
        "finish_tone": "danger" if delta > 0 else ("success" if delta < 0 else "neutral"),
        "impact_stale": impact_is_stale(change_request, change_request.project) and not change_request.is_closed,
        "show_cost": can_view_change_request_cost(user, change_request),
    }


def detail_context(user: Any, change_request: ChangeRequest, *, line_form: LineForm | None = None) -> dict[str, Any]:
    editable = can_edit_change_request(user, change_request)
    roles = decision_roles(user, change_request) if change_request.status == CR.SUBMITTED else []
    panel = approval_panel(change_request=change_request)
    open_roles = [slot.role for slot in panel if slot.approval is None and slot.role in roles]
    per_day = minutes_per_day(change_request.project)
    lines = change_request_lines(change_request=change_request)
    for line in lines:
        line.duration_text = days_display(line.duration_min, minutes_per_day=per_day)
        line.work_text = hours_display(line.work_min)
    context: dict[str, Any] = {
        "change_request": change_request,
        "record": change_request,
        "project": change_request.project,
        "lines": lines,
        "editable": editable,
        "line_form": line_form or (LineForm(user=user, project=change_request.project) if editable else None),
        "approvals": panel,
        "decision_form": DecisionForm(roles=open_roles) if open_roles else None,
        "can_withdraw": can_withdraw_change_request(user, change_request),
        "can_apply": change_request.status == CR.APPROVED
        and (user.is_admin or change_request.project.pm_id == user.pk),
        "requirements": list(change_request.requirements.all()),
        **_impact_context(user, change_request),
    }
    return context


@login_required
@require_GET
def change_request_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    change_request = change_request_get(user=request.user, pk=pk)
    return render(request, "scope/change_requests/detail.html", detail_context(request.user, change_request))


def _lines_response(request: HttpRequest, change_request: ChangeRequest, line_form: LineForm | None = None) -> Any:
    if is_htmx(request):
        context = detail_context(request.user, change_request, line_form=line_form)
        return render(request, "scope/change_requests/_lines.html", context)
    return redirect(_detail_url(change_request))


@login_required
@require_POST
def change_request_line_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    change_request = change_request_get(user=user, pk=pk)
    if not can_edit_change_request(user, change_request):
        raise Forbidden()
    form = LineForm(request.POST, user=user, project=change_request.project)
    if form.is_valid():
        try:
            change_request_line_add(actor=user, change_request=change_request, **form.service_kwargs())
        except ValidationFailed as exc:
            apply_validation_errors(
                form, {LINE_ERROR_FIELDS.get(field, field): errors for field, errors in exc.errors.items()}
            )
        else:
            change_request.refresh_from_db()
            return _lines_response(request, change_request)
    if not is_htmx(request):
        say_refusal(request, ValidationFailed({name: list(errors) for name, errors in form.errors.items()}))
    return _lines_response(request, change_request, line_form=form)


@login_required
@require_POST
def change_request_line_remove_view(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    user = request.user
    change_request = change_request_get(user=user, pk=pk)
    line = ChangeRequestLine.objects.filter(change_request=change_request, pk=line_pk).first()
    if line is None:
        raise NotFound(ChangeRequestLine._meta.verbose_name)
    try:
        change_request_line_remove(actor=user, line=line)
    except ValidationFailed as exc:
        say_refusal(request, exc)
    change_request.refresh_from_db()
    return _lines_response(request, change_request)


def _action(service: Any, success: Any, **extra: Any) -> Any:
    """A POST action without input on a change request: refusals come back as messages on its page."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        change_request = change_request_get(user=request.user, pk=pk)
        try:
            service(actor=request.user, change_request=change_request, **extra)
        except (ValidationFailed, StaleVersion) as exc:
            say_refusal(request, exc)
        else:
            messages.success(request, str(success) % {"reference": change_request.reference})
        return redirect(_detail_url(change_request))

    return view


change_request_impact_view = _action(
    change_request_impact_refresh, gettext_lazy("Impact of %(reference)s computed on the current plan.")
)
change_request_submit_view = _action(
    change_request_submit, gettext_lazy("Change request %(reference)s submitted for decision.")
)
change_request_apply_view = _action(
    change_request_apply, gettext_lazy("Change request %(reference)s applied to the WBS.")
)


@login_required
@require_POST
def change_request_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    change_request = change_request_get(user=user, pk=pk)
    roles = decision_roles(user, change_request)
    if not roles:
        raise Forbidden()
    form = DecisionForm(request.POST, roles=roles)
    if not form.is_valid():
        say_refusal(request, ValidationFailed({name: list(errors) for name, errors in form.errors.items()}))
        return redirect(_detail_url(change_request))
    try:
        approval = change_request_decide(actor=user, change_request=change_request, **form.cleaned_data)
    except ValidationFailed as exc:
        say_refusal(request, exc)
    else:
        change_request.refresh_from_db()
        messages.success(
            request,
            _("%(role)s: %(decision)s recorded. The change request is now %(status)s.")
            % {
                "role": approval.get_role_display(),
                "decision": approval.get_decision_display().lower(),
                "status": change_request.get_status_display().lower(),
            },
        )
        if change_request.apply_error:
            messages.error(request, change_request.apply_error)
    return redirect(_detail_url(change_request))


@login_required
@require_http_methods(["GET", "POST"])
def change_request_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    change_request = change_request_get(user=user, pk=pk)
    if not can_withdraw_change_request(user, change_request):
        raise Forbidden()
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change_request_withdraw(actor=user, change_request=change_request, reason=form.cleaned_data["reason"])
        except (ValidationFailed, StaleVersion) as exc:
            if isinstance(exc, ValidationFailed):
                apply_validation_errors(form, exc.errors)
        else:
            messages.success(
                request, _("Change request %(reference)s withdrawn.") % {"reference": change_request.reference}
            )
            return redirect(_detail_url(change_request))
    context = {
        "form": form,
        "title": _("Withdraw %(reference)s") % {"reference": change_request.reference},
        "eyebrow": change_request.project.code,
        "cancel_url": _detail_url(change_request),
        "submit_label": _("Withdraw"),
    }
    return render(request, "components/form_page.html", context)


urlpatterns = [
    path(
        "projects/<int:project_pk>/change-requests/",
        project_change_requests_view,
        name="project_change_requests",
    ),
    path(
        "projects/<int:project_pk>/change-requests/new/",
        change_request_create_view,
        name="change_request_create",
    ),
    path("change-requests/<int:pk>/", change_request_detail_view, name="change_request_detail"),
    path("change-requests/<int:pk>/edit/", change_request_edit_view, name="change_request_edit"),
    path("change-requests/<int:pk>/lines/", change_request_line_add_view, name="change_request_line_add"),
    path(
        "change-requests/<int:pk>/lines/<int:line_pk>/remove/",
        change_request_line_remove_view,
        name="change_request_line_remove",
    ),
    path("change-requests/<int:pk>/impact/", change_request_impact_view, name="change_request_impact"),
    path("change-requests/<int:pk>/submit/", change_request_submit_view, name="change_request_submit"),
    path("change-requests/<int:pk>/decide/", change_request_decide_view, name="change_request_decide"),
    path("change-requests/<int:pk>/apply/", change_request_apply_view, name="change_request_apply"),
    path("change-requests/<int:pk>/withdraw/", change_request_withdraw_view, name="change_request_withdraw"),
]
