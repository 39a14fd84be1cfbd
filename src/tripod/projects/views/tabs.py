"""The tab strip on every project page: which areas exist and which this user may open."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tripod.projects.access import can_approve_time, can_view_project_costs, can_view_project_internals
from tripod.projects.models import Project


@dataclass(frozen=True)
class Tab:
    key: str
    label: str | Promise
    url: str
    icon: str
    active: bool


def _anyone(user: Any, project: Project) -> bool:
    return True


# key, label, url name, icon, who may open it
TABS: list[tuple[str, Any, str, str, Callable[[Any, Project], bool]]] = [
    ("overview", _("Overview"), "projects:detail", "info-circle", _anyone),
    ("wbs", _("WBS"), "projects:wbs", "list-nested", can_view_project_internals),
    ("gantt", _("Gantt"), "projects:gantt", "bar-chart-steps", can_view_project_internals),
    ("board", _("Board"), "projects:board", "kanban", can_view_project_internals),
    ("resources", _("Resources"), "projects:resources", "people", can_view_project_internals),
    ("timesheets", _("Time approval"), "projects:time_approvals", "clock-history", can_approve_time),
    ("budget", _("Budget and EV"), "projects:budget", "cash-coin", can_view_project_costs),
    ("risks", _("Risks"), "projects:risks", "exclamation-triangle", can_view_project_internals),
    ("issues", _("Issues"), "projects:issues", "bug", can_view_project_internals),
    ("requirements", _("Requirements"), "scope:project_requirements", "card-checklist", can_view_project_internals),
    (
        "change_requests",
        _("Change requests"),
        "scope:project_change_requests",
        "arrow-left-right",
        can_view_project_internals,
    ),
    ("reports", _("Status reports"), "projects:reports", "file-earmark-text", _anyone),
]


def project_tabs(user: Any, project: Project, active: str) -> list[Tab]:
    tabs = []
    verdicts: dict[Callable[[Any, Project], bool], bool] = {}  # each rule asked once, however many tabs share it
    for key, label, url_name, icon, allowed in TABS:
        try:
            url = reverse(url_name, args=[project.pk])
        except NoReverseMatch:  # an area not mounted in this build
            continue
        if allowed not in verdicts:
            verdicts[allowed] = allowed(user, project)
        if verdicts[allowed]:
            tabs.append(Tab(key, label, url, icon, key == active))
    return tabs
