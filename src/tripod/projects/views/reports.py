"""Status report pages: history, a new draft from the figures, write-up, publish, share, print and PDF."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.htmx import form_page
from tripod.projects.access import can_edit_project, can_view_project_costs, can_view_project_internals
from tripod.projects.forms import StatusReportForm, StatusReportNewForm
from tripod.projects.models import StatusReport
from tripod.projects.selectors import project_get
from tripod.projects.selectors.reports import status_report_get, status_report_list
from tripod.projects.services.reports import (
    status_report_draft,
    status_report_publish,
    status_report_refresh,
    status_report_share,
    status_report_update,
)
from tripod.projects.views.gates import submit_plain_form
from tripod.projects.views.report_pdf import report_pdf_bytes
from tripod.projects.views.tabs import project_tabs


def _report_url(report: StatusReport) -> str:
    return reverse("projects:report_detail", args=[report.project_id, report.pk])


def _report(request: HttpRequest, pk: int, report_pk: int) -> StatusReport:
    project = project_get(user=request.user, pk=pk)
    return status_report_get(user=request.user, project=project, pk=report_pk)


def report_context(request: HttpRequest, report: StatusReport) -> dict[str, Any]:
    """What the report pages show; the portal's users get the client summary, the status and the milestones."""
    project = report.project
    internals = can_view_project_internals(request.user, project)
    facts = report.facts or {}
    return {
        "project": project,
        "report": report,
        "facts": facts,
        "internals": internals,
        "milestones": facts.get("milestones", []),
        "can_edit": can_edit_project(request.user, project),
        "costs": can_view_project_costs(request.user, project),
        "planned_hours": round((facts.get("planned_work_min") or 0) / 60, 1),
        "actual_hours": round((facts.get("actual_work_min") or 0) / 60, 1),
    }


@login_required
def report_list_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_get(user=request.user, pk=pk)
    can_edit = can_edit_project(request.user, project)
    context = {
        "project": project,
        "reports": list(status_report_list(user=request.user, project=project)),
        "can_edit": can_edit,
        "internals": can_view_project_internals(request.user, project),
        "new_form": StatusReportNewForm(initial={"period_end": timezone.localdate()}) if can_edit else None,
        "tabs": project_tabs(request.user, project, "reports"),
    }
    return render(request, "projects/reports/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_new_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_get(user=request.user, pk=pk)
    if not can_edit_project(request.user, project):
        raise Forbidden()
    form = StatusReportNewForm(request.POST or None, initial={"period_end": timezone.localdate()})
    if request.method == "POST":
        report = submit_plain_form(form, lambda data: status_report_draft(actor=request.user, project=project, **data))
        if report is not None:
            messages.success(request, _("Draft generated from the project's figures. Write the narrative."))
            return redirect(reverse("projects:report_edit", args=[project.pk, report.pk]))
    context = {
        "form": form,
        "title": _("New status report"),
        "eyebrow": project.code,
        "cancel_url": reverse("projects:reports", args=[project.pk]),
        "submit_label": _("Generate the draft"),
    }
    return render(request, "components/form_page.html", context)


@login_required
def report_detail_view(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    report = _report(request, pk, report_pk)
    context = report_context(request, report)
    context["tabs"] = project_tabs(request.user, report.project, "reports")
    return render(request, "projects/reports/detail.html", context)


def _editable_report(request: HttpRequest, pk: int, report_pk: int) -> StatusReport:
    report = _report(request, pk, report_pk)
    if not can_edit_project(request.user, report.project):
        raise Forbidden()
    return report


@login_required
@require_http_methods(["GET", "POST"])
def report_edit_view(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    report = _editable_report(request, pk, report_pk)
    if report.is_published:
        messages.info(request, _("This report is published; it can no longer be changed."))
        return redirect(_report_url(report))
    return form_page(
        request,
        StatusReportForm(request.POST or None, instance=report),
        lambda data: status_report_update(actor=request.user, report=report, **data),
        title=_("Write up the status report"),
        eyebrow=f"{report.project.code} · {report.period_start:%Y-%m-%d} - {report.period_end:%Y-%m-%d}",
        cancel_url=_report_url(report),
        success_message=lambda saved: _("Status report saved."),
        success_url=_report_url,
    )


def _report_action(request: HttpRequest, report: StatusReport, action: Any, success: Any) -> HttpResponse:
    """Run a one-click action on a report (a POST button) and go back to the report, saying how it went."""
    try:
        action()
    except ValidationFailed as exc:
        for errors in exc.errors.values():
            for error in errors:
                messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect(_report_url(report))


@login_required
@require_POST
def report_refresh_view(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    report = _editable_report(request, pk, report_pk)
    action = partial(status_report_refresh, actor=request.user, report=report, version=None)
    return _report_action(request, report, action, _("Figures recomputed."))


@login_required
@require_POST
def report_publish_view(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    report = _editable_report(request, pk, report_pk)
    action = partial(status_report_publish, actor=request.user, report=report, version=None)
    return _report_action(request, report, action, _("Status report published."))


@login_required
@require_POST
def report_share_view(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    report = _editable_report(request, pk, report_pk)
    shareable = request.POST.get("shareable") == "1"
    action = partial(status_report_share, actor=request.user, report=report, shareable=shareable)
    message = _("Shared with the client.") if shareable else _("No longer shared with the client.")
    return _report_action(request, report, action, message)


@login_required
def report_print_view(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    report = _report(request, pk, report_pk)
    return render(request, "projects/reports/print.html", report_context(request, report))


@login_required
def report_pdf_view(request: HttpRequest, pk: int, report_pk: int) -> HttpResponse:
    report = _report(request, pk, report_pk)
    context = report_context(request, report)
    response = HttpResponse(report_pdf_bytes(context), content_type="application/pdf")
    name = f"{report.project.code}-{report.period_end:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


urlpatterns = [
    path("<int:pk>/reports/", report_list_view, name="reports"),
    path("<int:pk>/reports/new/", report_new_view, name="report_new"),
    path("<int:pk>/reports/<int:report_pk>/", report_detail_view, name="report_detail"),
    path("<int:pk>/reports/<int:report_pk>/edit/", report_edit_view, name="report_edit"),
    path("<int:pk>/reports/<int:report_pk>/refresh/", report_refresh_view, name="report_refresh"),
    path("<int:pk>/reports/<int:report_pk>/publish/", report_publish_view, name="report_publish"),
    path("<int:pk>/reports/<int:report_pk>/share/", report_share_view, name="report_share"),
    path("<int:pk>/reports/<int:report_pk>/print/", report_print_view, name="report_print"),
    path("<int:pk>/reports/<int:report_pk>/pdf/", report_pdf_view, name="report_pdf"),
]
