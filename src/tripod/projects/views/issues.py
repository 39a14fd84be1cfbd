"""The issue log of a project: what has already happened and needs resolving (a risk that occurred, or a surprise).
List with filters, log, edit, resolve. Project internals, like the risk register; mounted by ``views/risks.py``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tripod.core.errors import Forbidden, NotFound, StaleVersion, ValidationFailed
from tripod.core.htmx import form_page
from tripod.core.tables import ChoiceFilter, Column, Table, render_table
from tripod.projects.access import can_raise_risk, can_view_project_internals
from tripod.projects.models import IssueLogEntry, Project
from tripod.projects.risk_forms import IssueForm, IssueResolveForm
from tripod.projects.selectors import project_get
from tripod.projects.selectors.risks import issue_get, issue_list, risk_owner_choices
from tripod.projects.services.issues import can_edit_issue, issue_create, issue_resolve, issue_update
from tripod.projects.views.tabs import project_tabs


def internal_project(request: HttpRequest, pk: int) -> Project:
    """The project, if the user sees it and is on the staff side (else 404: the client portal is not even told
    that internals exist) and sees its internals (else 403)."""
    project = project_get(user=request.user, pk=pk)
    if not request.user.is_internal:
        raise NotFound(Project._meta.verbose_name)
    if not can_view_project_internals(request.user, project):
        raise Forbidden()
    return project


def _issue_url(issue: IssueLogEntry) -> str:
    return reverse("projects:issue_detail", args=[issue.project_id, issue.pk])


def _risk_link(issue: IssueLogEntry) -> str | None:
    if issue.risk is None:
        return None
    return reverse("projects:risk_detail", args=[issue.project_id, issue.risk_id])


class IssueTable(Table):
    columns = [
        Column("number", gettext_lazy("No."), sort="number", link=_issue_url, accessor=lambda i: f"I{i.number}",
               css_class="tp-mono"),
        Column("title", gettext_lazy("Issue"), sort="title", link=_issue_url),
        Column("priority", gettext_lazy("Priority"), accessor="get_priority_display", sort="priority",
               badge=lambda i: f"priority-{i.priority}"),
        Column("owner", gettext_lazy("Owner"), sort="owner__username"),
        Column("due", gettext_lazy("Due"), sort="due", template="projects/risks/_issue_due_cell.html"),
        Column("risk", gettext_lazy("From risk"), accessor=lambda i: f"R{i.risk.number}" if i.risk else None,
               link=_risk_link),
        Column("status", gettext_lazy("Status"), accessor="get_status_display", sort="status",
               badge=lambda i: i.status),
    ]  # fmt: skip
    default_sort = "-number"
    search_placeholder = gettext_lazy("Filter by title…")
    empty_text = gettext_lazy("No issues logged.")
    empty_icon = "bug"


@login_required
@require_GET
def issues_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = internal_project(request, pk)
    user = request.user
    get = request.GET
    owners = list(risk_owner_choices(user=user, project=project))
    issues = issue_list(
        user=user,
        project=project,
        status=get.get("status") if get.get("status") in IssueLogEntry.Status.values else None,
        priority=get.get("priority") if get.get("priority") in IssueLogEntry.Priority.values else None,
        owner_id=get.get("owner") if get.get("owner") in {str(o.pk) for o in owners} else None,
    )
    if q := (get.get("q") or "").strip()[:200]:
        issues = issues.filter(title__icontains=q)
    table = IssueTable(
        request,
        issues,
        id="issues",
        filters=[
            ChoiceFilter("status", gettext_lazy("Status"), IssueLogEntry.Status.choices),
            ChoiceFilter("priority", gettext_lazy("Priority"), IssueLogEntry.Priority.choices),
            ChoiceFilter("owner", gettext_lazy("Owner"), [(o.pk, str(o)) for o in owners]),
        ],
    )
    context = {
        "project": project,
        "tabs": project_tabs(user, project, "issues"),
        "can_raise": can_raise_risk(user, project),
    }
    if context["can_raise"]:
        context.update(
            empty_action_url=reverse("projects:issue_create", args=[project.pk]), empty_action_label=_("Log an issue")
        )
    return render_table(request, "projects/risks/issues.html", context, table)


@login_required
@require_http_methods(["GET", "POST"])
def issue_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = internal_project(request, pk)
    if not can_raise_risk(request.user, project):
        raise Forbidden()
    return form_page(
        request,
        IssueForm(request.POST or None, project=project, user=request.user),
        lambda data: issue_create(actor=request.user, project=project, **data),
        title=_("Log an issue"),
        eyebrow=project.code,
        cancel_url=reverse("projects:issues", args=[project.pk]),
        success_message=lambda issue: _("Issue I%(number)s logged.") % {"number": issue.number},
        success_url=_issue_url,
    )


def _issue(request: HttpRequest, pk: int, issue_pk: int) -> tuple[Project, IssueLogEntry]:
    project = internal_project(request, pk)
    return project, issue_get(user=request.user, project=project, pk=issue_pk)


@login_required
@require_GET
def issue_detail_view(request: HttpRequest, pk: int, issue_pk: int) -> HttpResponse:
    project, issue = _issue(request, pk, issue_pk)
    can_edit = can_edit_issue(request.user, issue)
    done = issue.status in (IssueLogEntry.Status.RESOLVED, IssueLogEntry.Status.CLOSED)
    context = {
        "project": project,
        "tabs": project_tabs(request.user, project, "issues"),
        "issue": issue,
        "record": issue,
        "can_edit": can_edit,
        "resolve_form": IssueResolveForm(initial={"version": issue.version}) if can_edit and not done else None,
    }
    return render(request, "projects/risks/issue_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def issue_edit_view(request: HttpRequest, pk: int, issue_pk: int) -> HttpResponse:
    project, issue = _issue(request, pk, issue_pk)
    if not can_edit_issue(request.user, issue):
        raise Forbidden()
    return form_page(
        request,
        IssueForm(request.POST or None, instance=issue, project=project, user=request.user),
        lambda data: issue_update(actor=request.user, issue=issue, **data),
        title=_("Edit issue I%(number)s") % {"number": issue.number},
        eyebrow=project.code,
        cancel_url=_issue_url(issue),
        success_message=lambda saved: _("Issue I%(number)s saved.") % {"number": saved.number},
        success_url=_issue_url,
    )


@login_required
@require_POST
def issue_resolve_view(request: HttpRequest, pk: int, issue_pk: int) -> HttpResponse:
    _project, issue = _issue(request, pk, issue_pk)
    if not can_edit_issue(request.user, issue):
        raise Forbidden()
    form = IssueResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say how the issue was resolved."))
        return redirect(_issue_url(issue))
    try:
        issue = issue_resolve(
            actor=request.user,
            issue=issue,
            resolution=form.cleaned_data["resolution"],
            version=form.cleaned_data.get("version"),
        )
    except ValidationFailed as exc:
        for field_messages in exc.errors.values():
            for message in field_messages:
                messages.error(request, str(message))
    except StaleVersion:
        messages.error(request, _("This issue was changed by someone else since you opened it. Nothing was saved."))
    else:
        messages.success(request, _("Issue I%(number)s resolved.") % {"number": issue.number})
    return redirect(_issue_url(issue))


urlpatterns = [
    path("<int:pk>/issues/", issues_view, name="issues"),
    path("<int:pk>/issues/new/", issue_create_view, name="issue_create"),
    path("<int:pk>/issues/<int:issue_pk>/", issue_detail_view, name="issue_detail"),
    path("<int:pk>/issues/<int:issue_pk>/edit/", issue_edit_view, name="issue_edit"),
    path("<int:pk>/issues/<int:issue_pk>/resolve/", issue_resolve_view, name="issue_resolve"),
]
