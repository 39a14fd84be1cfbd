"""The budget and earned value page: budget lines by WBS element (the PM edits them), BAC, the EV figures at a
chosen status date with what each one means, and the S-curve (PV / EV / AC) as SVG.

Who: admins, the project's PM and the client's account team (``can_view_project_costs``); anyone else who sees the
project gets 403, anyone who does not 404; the client portal never sees it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tripod.core.errors import Forbidden, NotFound
from tripod.core.htmx import form_page
from tripod.core.tables import Column, Table, render_table
from tripod.projects.access import can_edit_project, can_view_project_costs
from tripod.projects.budget_forms import BudgetLineForm
from tripod.projects.models import BudgetLine, Project
from tripod.projects.selectors import project_get
from tripod.projects.selectors.budget import (
    baseline_list,
    budget_line_get,
    budget_line_list,
    project_earned_value,
    project_s_curve,
    status_date_of,
)
from tripod.projects.services.budget import budget_line_create, budget_line_delete, budget_line_update
from tripod.projects.views.budget_figures import figures, fmt_money, parse_status_date, s_curve_chart
from tripod.projects.views.tabs import project_tabs


def _project(request: HttpRequest, pk: int) -> Project:
    """The project, if the user sees it and is on the staff side (else 404: the client portal is not told costs
    exist) and may see its costs (else 403)."""
    project = project_get(user=request.user, pk=pk)
    if not request.user.is_internal:
        raise NotFound(Project._meta.verbose_name)
    if not can_view_project_costs(request.user, project):
        raise Forbidden()
    return project


def _page_url(project: Project) -> str:
    return reverse("projects:budget", args=[project.pk])


class BudgetLineTable(Table):
    columns = [
        Column("task", gettext_lazy("WBS element"), template="projects/budget/_line_element.html"),
        Column("category", gettext_lazy("Category"), accessor="get_category_display"),
        Column("amount", gettext_lazy("Amount"), template="projects/budget/_line_amount.html", numeric=True),
        Column("note", gettext_lazy("Note")),
    ]
    searchable = False
    empty_text = gettext_lazy("No budget lines yet.")
    empty_icon = "cash-coin"


class EditableBudgetLineTable(BudgetLineTable):
    """The PM's view: each line with its edit and delete buttons."""

    columns = [
        *BudgetLineTable.columns,
        Column(
            "actions",
            gettext_lazy("Actions"),
            accessor=lambda line: None,
            template="projects/budget/_line_actions.html",
            css_class="text-end",
        ),
    ]


@login_required
@require_GET
def budget_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    user = request.user
    raw_date = request.GET.get("status_date")
    asked = parse_status_date(raw_date)
    if raw_date and asked is None:
        messages.warning(request, _("The status date must be a date such as 2026-03-31; showing the default."))
    status_date = status_date_of(project, asked)
    baselines = baseline_list(user=user, project=project)
    chosen = next((b for b in baselines if str(b.pk) == request.GET.get("baseline")), None)
    ev = project_earned_value(user=user, project=project, status_date=status_date, baseline=chosen)
    points = project_s_curve(user=user, project=project, status_date=status_date, baseline=chosen)
    can_edit = can_edit_project(user, project)
    table_class = EditableBudgetLineTable if can_edit else BudgetLineTable
    table = table_class(request, budget_line_list(user=user, project=project), id="budget-lines", per_page=50)
    context: dict[str, Any] = {
        "project": project,
        "tabs": project_tabs(user, project, "budget"),
        "can_edit": can_edit,
        "ev": ev,
        "bac_text": fmt_money(ev.bac, project.currency),
        "figures": figures(ev, project.currency),
        "chart": s_curve_chart(points, bac=ev.bac, status_date=status_date, currency=project.currency),
        "status_date": status_date,
        "baselines": baselines,
        "chosen_baseline": chosen or (baselines[0] if baselines else None),
    }
    if can_edit:
        context.update(
            empty_action_url=reverse("projects:budget_line_create", args=[project.pk]),
            empty_action_label=_("Add a budget line"),
        )
    return render_table(request, "projects/budget/page.html", context, table)


@login_required
@require_http_methods(["GET", "POST"])
def budget_line_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    if not can_edit_project(request.user, project):
        raise Forbidden()
    form = BudgetLineForm(request.POST or None, project=project, user=request.user)
    return form_page(
        request,
        form,
        lambda data: budget_line_create(actor=request.user, project=project, **data),
        title=_("New budget line"),
        eyebrow=project.code,
        cancel_url=_page_url(project),
        success_message=lambda line: (
            _("Budget line added: %(amount)s.") % {"amount": fmt_money(line.amount, project.currency)}
        ),
        success_url=lambda line: _page_url(project),
    )


@login_required
@require_http_methods(["GET", "POST"])
def budget_line_edit_view(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    project = _project(request, pk)
    if not can_edit_project(request.user, project):
        raise Forbidden()
    line = budget_line_get(user=request.user, project=project, pk=line_pk)
    form = BudgetLineForm(request.POST or None, instance=line, project=project, user=request.user)
    return form_page(
        request,
        form,
        lambda data: budget_line_update(actor=request.user, line=line, **data),
        title=_("Edit budget line"),
        eyebrow=project.code,
        cancel_url=_page_url(project),
        success_message=lambda saved: _("Budget line saved."),
        success_url=lambda saved: _page_url(project),
    )


@login_required
@require_POST
def budget_line_delete_view(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    project = _project(request, pk)
    line: BudgetLine = budget_line_get(user=request.user, project=project, pk=line_pk)
    budget_line_delete(actor=request.user, line=line)
    messages.success(request, _("Budget line deleted."))
    return redirect(_page_url(project))


urlpatterns = [
    path("<int:pk>/budget/", budget_view, name="budget"),
    path("<int:pk>/budget/lines/new/", budget_line_create_view, name="budget_line_create"),
    path("<int:pk>/budget/lines/<int:line_pk>/edit/", budget_line_edit_view, name="budget_line_edit"),
    path("<int:pk>/budget/lines/<int:line_pk>/delete/", budget_line_delete_view, name="budget_line_delete"),
]
