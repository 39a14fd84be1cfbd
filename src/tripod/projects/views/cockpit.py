"""The PM cockpit: the projects I run with their health (RAG, SPI, CPI, next milestone, overdue tasks, high risks),
tiles for overdue tasks, top risks, hours waiting for my approval and next milestones, each opening its records;
and the list of overdue tasks behind the tile."""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tripod.core.cockpits import CockpitTable, Tile, cockpit_table, cockpit_tiles
from tripod.core.errors import Forbidden
from tripod.core.tables import ChoiceFilter, Column, Table, render_table
from tripod.identity.models import Role
from tripod.projects.models import Project, Task
from tripod.projects.selectors import project_counts_by_phase, project_list
from tripod.projects.selectors.cockpit import (
    HIGH_RISK_SCORE,
    high_risks,
    managed_projects,
    overdue_tasks,
    project_health,
    upcoming_milestones,
)
from tripod.projects.selectors.risks import top_risks
from tripod.projects.selectors.timesheets import time_entries_awaiting_approval

MILESTONE_HORIZON = timedelta(days=14)


def _url(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # an area not mounted in this build
        return None


def _detail_url(project: Project) -> str:
    return reverse("projects:detail", args=[project.pk])


def _overdue_url(project: Project) -> str:
    return reverse("projects:overdue_tasks") + f"?project={project.pk}"


def _running_projects(request: HttpRequest) -> list[Project]:
    """The projects I run that are not closed, loaded once per request for every tile and table that needs them."""
    cached = getattr(request, "_pm_running_projects", None)
    if cached is None:
        cached = list(project_list(user=request.user, managed=True).exclude(phase=Project.Phase.CLOSED))
        request._pm_running_projects = cached  # type: ignore[attr-defined]
    return cached


# --- tiles ------------------------------------------------------------------------------------------------------------
@cockpit_tiles(Role.PM, order=10)
def _pm_tiles(request: HttpRequest) -> list[Tile]:
    """My projects by phase, running and closed (all from one count by phase), and the people on them."""
    projects = project_list(user=request.user, managed=True)
    counts = project_counts_by_phase(projects=projects)
    total, closed = sum(counts.values()), counts.get(Project.Phase.CLOSED, 0)
    breakdown = [(label, counts[value]) for value, label in Project.Phase.choices if counts.get(value)]
    members = projects.aggregate(n=Count("memberships__user", distinct=True))["n"]
    return [
        Tile(_("My projects"), total, icon="kanban", url=reverse("projects:list"), breakdown=breakdown),
        Tile(_("Running"), total - closed, icon="play-circle", tone="success"),
        Tile(_("Closed"), closed, icon="archive", tone="neutral"),
        Tile(_("Members"), members, icon="people"),
    ]


@cockpit_tiles(Role.PM, order=20)
def _pm_health_tiles(request: HttpRequest) -> list[Tile]:
    user = request.user
    projects = _running_projects(request)
    overdue = overdue_tasks(projects=projects).count()
    risks = list(high_risks(user=user, projects=projects).select_related("project").order_by("-score", "number"))
    waiting = time_entries_awaiting_approval(user=user, projects=projects)
    waiting_by_project = list(
        waiting.order_by()
        .values_list("task__project", "task__project__code")
        .annotate(n=Count("pk"), minutes=Sum("minutes"))
        .order_by("-n")
    )
    hours = sum(minutes for _pk, _code, _n, minutes in waiting_by_project) / 60
    soon = upcoming_milestones(projects=projects).filter(finish__lte=timezone.now() + MILESTONE_HORIZON)
    next_one = upcoming_milestones(projects=projects).first()
    return [
        Tile(
            _("Overdue tasks"),
            overdue,
            icon="alarm",
            url=reverse("projects:overdue_tasks"),
            tone="danger" if overdue else "success",
            hint=_("Not done, finish date passed."),
        ),
        Tile(
            _("Open high risks"),
            len(risks),
            icon="exclamation-triangle",
            url=_url("projects:risks", risks[0].project_id) if risks else None,
            tone="warning" if risks else "success",
            breakdown=[(f"{r.project.code} {r.title}", r.score) for r in risks[:3]],
            hint=_("Score %(score)d or more.") % {"score": HIGH_RISK_SCORE},
        ),
        Tile(
            _("Time awaiting my approval"),
            sum(n for _pk, _code, n, _minutes in waiting_by_project),
            icon="clock-history",
            url=_url("projects:time_approvals", waiting_by_project[0][0]) if waiting_by_project else None,
            tone="warning" if waiting_by_project else "success",
            breakdown=[(code, n) for _pk, code, n, _minutes in waiting_by_project[:3]],
            hint=_("%(hours)s hours submitted.") % {"hours": f"{hours:.1f}"},
        ),
        Tile(
            _("Milestones in the next 14 days"),
            soon.count(),
            icon="flag",
            url="#next-milestones",
            hint=(
                _("Next: %(name)s on %(date)s")
                % {"name": next_one.name, "date": timezone.localtime(next_one.finish).date().isoformat()}
                if next_one
                else _("No open milestone.")
            ),
        ),
    ]


# --- tables -----------------------------------------------------------------------------------------------------------
class PmProjectTable(Table):
    """The PM's own projects with their health; the figures are loaded for the whole page at once."""

    columns = [
        Column("code", _("Code"), sort="code", link=_detail_url, css_class="tp-mono"),
        Column("name", _("Name"), sort="name", link=_detail_url),
        Column("client", _("Client"), sort="client__name"),
        Column("phase", _("Phase"), accessor="get_phase_display", sort="phase", badge=lambda p: p.phase),
        Column("rag", _("RAG"), accessor="health.rag", template="projects/cockpit/_rag.html"),
        Column("spi", _("SPI"), accessor="health.spi", numeric=True),
        Column("cpi", _("CPI"), accessor="health.cpi", numeric=True),
        Column(
            "next_milestone",
            _("Next milestone"),
            accessor="next_milestone_name",
            sort="next_milestone_finish",
            template="projects/cockpit/_milestone.html",
        ),
        Column("overdue", _("Overdue tasks"), accessor="health.overdue", numeric=True, link=_overdue_url),
        Column(
            "high_risks",
            _("Open high risks"),
            accessor="health.high_risks",
            numeric=True,
            link=lambda p: _url("projects:risks", p.pk),
        ),
    ]
    default_sort = "code"
    searchable = False
    empty_text = _("No projects here yet.")
    empty_icon = "kanban"

    @cached_property
    def rows(self) -> list[Any]:  # type: ignore[override]
        rows = list(self.page.object_list)
        health = project_health(user=self.request.user, projects=rows)
        for project in rows:
            project.health = health[project.pk]
        return rows


@cockpit_table(Role.PM, order=10)
def _pm_table(request: HttpRequest) -> CockpitTable:
    table = PmProjectTable(request, managed_projects(user=request.user), id="my-projects", per_page=10)
    return CockpitTable(_("Projects I manage"), table, more_url=reverse("projects:list"))


def _task_project_url(task: Task) -> str:
    return _url("projects:board", task.project_id) or reverse("projects:detail", args=[task.project_id])


class MilestoneTable(Table):
    columns = [
        Column("finish", _("Date"), accessor=lambda t: timezone.localtime(t.finish).date() if t.finish else None),
        Column("name", _("Milestone"), link=_task_project_url),
        Column(
            "project",
            _("Project"),
            accessor="project.code",
            css_class="tp-mono",
            link=lambda t: reverse("projects:detail", args=[t.project_id]),
        ),
        # xgettext:no-python-format
        Column("percent_complete", _("% complete"), numeric=True),
    ]
    searchable = False
    empty_text = _("No open milestone.")
    empty_icon = "flag"


@cockpit_table(Role.PM, order=20)
def _pm_milestones(request: HttpRequest) -> CockpitTable:
    table = MilestoneTable(
        request, upcoming_milestones(projects=_running_projects(request)), id="next-milestones", per_page=5
    )
    return CockpitTable(_("Next milestones"), table)


class TopRiskTable(Table):
    columns = [
        Column("score", _("Score"), numeric=True),
        Column("title", _("Risk"), link=lambda r: _url("projects:risk_detail", r.project_id, r.pk)),
        Column(
            "project",
            _("Project"),
            accessor="project.code",
            css_class="tp-mono",
            link=lambda r: _url("projects:risks", r.project_id),
        ),
        Column("kind", _("Kind"), accessor="get_kind_display"),
        Column("owner", _("Owner")),
    ]
    searchable = False
    empty_text = _("No open risk.")
    empty_icon = "shield-check"


@cockpit_table(Role.PM, order=30)
def _pm_top_risks(request: HttpRequest) -> CockpitTable:
    risks = top_risks(user=request.user, projects=_running_projects(request), limit=5)
    return CockpitTable(_("Top risks"), TopRiskTable(request, risks, id="top-risks", per_page=5))  # type: ignore[arg-type]


# --- overdue tasks ----------------------------------------------------------------------------------------------------
class OverdueTaskTable(Table):
    columns = [
        Column(
            "project",
            _("Project"),
            accessor="project.code",
            sort="project__code",
            css_class="tp-mono",
            link=lambda t: reverse("projects:detail", args=[t.project_id]),
        ),
        Column("wbs_code", _("WBS"), css_class="tp-mono"),
        Column("name", _("Task"), sort="name", link=_task_project_url),
        Column("finish", _("Finish"), sort="finish"),
        # xgettext:no-python-format
        Column("percent_complete", _("% complete"), sort="percent_complete", numeric=True),
        Column("days_late", _("Days late"), accessor=lambda t: (timezone.now() - t.finish).days, numeric=True),
    ]
    default_sort = "finish"
    search_placeholder = _("Filter by task name…")
    empty_text = _("No overdue task: everything due is done.")
    empty_icon = "check2-circle"


@login_required
def overdue_tasks_view(request: HttpRequest) -> HttpResponse:
    """The overdue tasks of the running projects I manage (the cockpit tile opens it), optionally of one project."""
    if not request.user.has_role(Role.PM):
        raise Forbidden()
    projects = _running_projects(request)
    tasks = overdue_tasks(projects=projects)
    chosen = request.GET.get("project") or ""
    if chosen:
        tasks = tasks.filter(project_id__in=[p.pk for p in projects if str(p.pk) == chosen])
    q = (request.GET.get("q") or "").strip()[:200]
    if q:
        tasks = tasks.filter(name__icontains=q)
    choices = [(p.pk, str(p)) for p in projects]
    table = OverdueTaskTable(request, tasks, id="overdue", filters=[ChoiceFilter("project", _("Project"), choices)])
    return render_table(request, "projects/cockpit/overdue.html", {}, table)


urlpatterns = [path("overdue/", overdue_tasks_view, name="overdue_tasks")]
