"""Project pages (list, detail with members, create, edit) and the project cockpits (PM, member, client)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from tripod.core.cockpits import CockpitTable, Tile, cockpit_table, cockpit_tiles
from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.htmx import form_page
from tripod.core.tables import ChoiceFilter, Column, Table, query_param, render_table
from tripod.identity.models import Role
from tripod.projects.access import can_create_project, can_edit_project, can_view_project_internals
from tripod.projects.forms import MemberAddForm, PhaseGateForm, ProjectForm
from tripod.projects.models import Project
from tripod.projects.selectors import (
    project_counts_by_phase,
    project_get,
    project_list,
    project_members,
    projects_with_member_counts,
)
from tripod.projects.selectors.reports import phase_gate_list, project_milestones
from tripod.projects.services import project_create, project_member_add, project_member_remove, project_update
from tripod.projects.services.gates import next_phase
from tripod.projects.views.tabs import project_tabs

CLOSED = Project.Phase.CLOSED


def _detail_url(project: Project) -> str:
    return reverse("projects:detail", args=[project.pk])


class ProjectTable(Table):
    """The staff view of projects."""

    columns = [
        Column("code", _("Code"), sort="code", link=_detail_url, css_class="tp-mono"),
        Column("name", _("Name"), sort="name", link=_detail_url),
        Column("client", _("Client"), sort="client__name"),
        Column("pm", _("Project manager"), sort="pm__username"),
        Column("phase", _("Phase"), accessor="get_phase_display", sort="phase", badge=lambda p: p.phase),
        Column("target_finish", _("Target finish"), sort="target_finish"),
        Column("member_count", _("Members"), sort="member_count", numeric=True),
    ]
    default_sort = "code"
    search_placeholder = _("Filter by code, name or client…")
    empty_text = _("No projects yet.")
    empty_icon = "kanban"


class PortalProjectTable(Table):
    """What a client-portal user sees of their projects: no people, no money."""

    columns = [
        Column("code", _("Code"), sort="code", link=_detail_url, css_class="tp-mono"),
        Column("name", _("Name"), sort="name", link=_detail_url),
        Column("phase", _("Phase"), accessor="get_phase_display", sort="phase", badge=lambda p: p.phase),
        Column("start", _("Start"), sort="start"),
        Column("target_finish", _("Target finish"), sort="target_finish"),
    ]
    default_sort = "code"
    search_placeholder = _("Filter by code or name…")
    empty_text = _("No projects yet.")
    empty_icon = "kanban"


def project_table(request: HttpRequest, projects: QuerySet[Project], **kwargs: Any) -> Table:
    if request.user.is_internal:
        return ProjectTable(request, projects_with_member_counts(projects), **kwargs)
    return PortalProjectTable(request, projects, **kwargs)


@login_required
def project_list_view(request: HttpRequest) -> HttpResponse:
    phase = request.GET.get("phase") or None
    projects = project_list(user=request.user, search=query_param(request), phase=phase)
    table = project_table(
        request, projects, id="projects", filters=[ChoiceFilter("phase", _("Phase"), Project.Phase.choices)]
    )
    context = {"can_create": can_create_project(request.user)}
    if context["can_create"]:
        context.update(empty_action_url=reverse("projects:create"), empty_action_label=_("New project"))
    return render_table(request, "projects/list.html", context, table)


@login_required
def project_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_get(user=request.user, pk=pk)
    user = request.user
    internals = can_view_project_internals(user, project)
    can_edit = can_edit_project(user, project)
    context = {
        "record": project,
        "project": project,
        "internals": internals,
        "members": list(project_members(user=user, project=project)) if internals else [],
        "can_edit": can_edit,
        "member_form": MemberAddForm(project=project, user=user) if can_edit else None,
        "tabs": project_tabs(user, project, "overview"),
        "milestones": list(project_milestones(user=user, project=project)),
        "gates": list(phase_gate_list(user=user, project=project)) if internals else [],
        "gate_form": PhaseGateForm(project=project) if can_edit else None,
        "next_phase": dict(Project.Phase.choices).get(next_phase(project.phase) or ""),
    }
    return render(request, "projects/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def project_create_view(request: HttpRequest) -> HttpResponse:
    if not can_create_project(request.user):
        raise Forbidden()
    return form_page(
        request,
        ProjectForm(request.POST or None, user=request.user),
        lambda data: project_create(actor=request.user, **data),
        title=_("New project"),
        cancel_url=reverse("projects:list"),
        success_message=lambda project: _("Project %(code)s created.") % {"code": project.code},
        success_url=_detail_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_get(user=request.user, pk=pk)
    if not can_edit_project(request.user, project):
        raise Forbidden()
    return form_page(
        request,
        ProjectForm(request.POST or None, instance=project, user=request.user),
        lambda data: project_update(actor=request.user, project=project, **data),
        title=_("Edit project"),
        eyebrow=project.code,
        cancel_url=_detail_url(project),
        success_message=lambda saved: _("Project %(code)s saved.") % {"code": saved.code},
        success_url=_detail_url,
    )


@login_required
@require_POST
def project_member_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_get(user=request.user, pk=pk)
    if not can_edit_project(request.user, project):
        raise Forbidden()
    form = MemberAddForm(request.POST, project=project, user=request.user)
    if form.is_valid():
        member = form.cleaned_data["user"]
        try:
            project_member_add(actor=request.user, project=project, user=member)
        except ValidationFailed as exc:
            for errors in exc.errors.values():
                for error in errors:
                    messages.error(request, str(error))
        else:
            messages.success(request, _("%(name)s added to the project.") % {"name": member})
    else:
        messages.error(request, _("Choose a person to add."))
    return redirect(_detail_url(project))


@login_required
@require_POST
def project_member_remove_view(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    project = project_get(user=request.user, pk=pk)
    member = get_object_or_404(project_members(user=request.user, project=project), pk=user_id)
    project_member_remove(actor=request.user, project=project, user=member)
    messages.success(request, _("%(name)s removed from the project.") % {"name": member})
    return redirect(_detail_url(project))


# --- cockpits ---------------------------------------------------------------------------------------------------------
def _phase_breakdown(projects: QuerySet[Project]) -> list[tuple[Any, int]]:
    counts = project_counts_by_phase(projects=projects)
    return [(label, counts[value]) for value, label in Project.Phase.choices if counts.get(value)]


def _projects_tiles(projects: QuerySet[Project], label: Any, icon: str) -> list[Tile]:
    running = projects.exclude(phase=CLOSED)
    return [
        Tile(label, projects.count(), icon=icon, url=reverse("projects:list"), breakdown=_phase_breakdown(projects)),
        Tile(_("Running"), running.count(), icon="play-circle", tone="success"),
        Tile(_("Closed"), projects.filter(phase=CLOSED).count(), icon="archive", tone="neutral"),
    ]


class CockpitProjectTable(ProjectTable):
    searchable = False
    empty_text = _("No projects here yet.")


class CockpitPortalProjectTable(PortalProjectTable):
    searchable = False
    empty_text = _("No projects here yet.")


@cockpit_tiles(Role.MEMBER, order=10)
def _member_tiles(request: HttpRequest) -> list[Tile]:
    return _projects_tiles(project_list(user=request.user, worked_on=True), _("My projects"), "kanban")


@cockpit_table(Role.MEMBER, order=10)
def _member_table(request: HttpRequest) -> CockpitTable:
    projects = project_list(user=request.user, worked_on=True, member_counts=True)
    table = CockpitProjectTable(request, projects, id="my-work", per_page=10)
    return CockpitTable(_("Projects I work on"), table, more_url=reverse("projects:list"))


@cockpit_tiles(Role.CLIENT, order=10)
def _client_tiles(request: HttpRequest) -> list[Tile]:
    return _projects_tiles(project_list(user=request.user), _("Our projects"), "kanban")


@cockpit_table(Role.CLIENT, order=10)
def _client_table(request: HttpRequest) -> CockpitTable:
    table = CockpitPortalProjectTable(request, project_list(user=request.user), id="our-projects", per_page=10)
    return CockpitTable(_("Our projects"), table, more_url=reverse("projects:list"))


@cockpit_tiles(Role.ADMIN, order=30)
def _admin_projects(request: HttpRequest) -> list[Tile]:
    projects = project_list(user=request.user)
    return [
        Tile(
            _("Projects"),
            projects.count(),
            icon="kanban",
            url=reverse("projects:list"),
            breakdown=[(_("running"), projects.exclude(phase=CLOSED).count())],
        )
    ]


@cockpit_table(Role.ADMIN, order=10)
def _admin_table(request: HttpRequest) -> CockpitTable:
    projects = project_list(user=request.user, member_counts=True)
    table = CockpitProjectTable(request, projects, id="all-projects", per_page=10)
    return CockpitTable(_("Projects"), table, more_url=reverse("projects:list"))


urlpatterns = [
    path("", project_list_view, name="list"),
    path("new/", project_create_view, name="create"),
    path("<int:pk>/", project_detail_view, name="detail"),
    path("<int:pk>/edit/", project_edit_view, name="edit"),
    path("<int:pk>/members/add/", project_member_add_view, name="member_add"),
    path("<int:pk>/members/<int:user_id>/remove/", project_member_remove_view, name="member_remove"),
]
