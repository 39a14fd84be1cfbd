"""Reads of the PM cockpit: the health of the projects a PM runs (RAG from SPI and CPI, next milestone, overdue
tasks, open high risks), in a fixed number of queries whatever the number of projects or tasks.

RAG follows the usual earned-value bands: green when the worse of SPI and CPI is at least 0.95, amber from 0.85,
red below; grey when neither index is defined (no baseline, nothing earned yet) or the user may not see costs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from tripod.projects.earned_value import EarnedValue
from tripod.projects.models import Project, Risk, Task
from tripod.projects.selectors.board import done_codes
from tripod.projects.selectors.budget import earned_value_for_projects
from tripod.projects.selectors.project import project_list

GREEN_FROM = Decimal("0.95")
AMBER_FROM = Decimal("0.85")
HIGH_RISK_SCORE = 15  # probability x impact on the 5 x 5 matrix: 15 and above is a high risk


def rag_of(spi: Decimal | None, cpi: Decimal | None) -> str:
    """green / amber / red from the worse of the defined indices; grey when neither is defined."""
    defined = [value for value in (spi, cpi) if value is not None]
    if not defined:
        return "grey"
    worst = min(defined)
    return "green" if worst >= GREEN_FROM else "amber" if worst >= AMBER_FROM else "red"


@dataclass(frozen=True)
class ProjectHealth:
    ev: EarnedValue | None
    overdue: int
    high_risks: int

    @property
    def spi(self) -> Decimal | None:
        return self.ev.spi if self.ev else None

    @property
    def cpi(self) -> Decimal | None:
        return self.ev.cpi if self.ev else None

    @property
    def rag(self) -> str:
        return rag_of(self.spi, self.cpi)


def managed_projects(*, user: Any) -> QuerySet[Project]:
    """The projects ``user`` runs as PM, with their next unfinished milestone (``next_milestone_name`` and
    ``next_milestone_finish``; it may already be late)."""
    milestones = Task.objects.filter(
        project=OuterRef("pk"), kind=Task.Kind.MILESTONE, percent_complete__lt=100, finish__isnull=False
    ).order_by("finish", "position")
    return project_list(user=user, managed=True).annotate(
        next_milestone_name=Subquery(milestones.values("name")[:1]),
        next_milestone_finish=Subquery(milestones.values("finish")[:1]),
    )


def _not_done(projects: Iterable[Project]) -> Q:
    """Tasks not in a done status of their own project (each project has its own workflow)."""
    by_codes: dict[frozenset[str], list[int]] = defaultdict(list)
    for project in projects:
        by_codes[frozenset(done_codes(project))].append(project.pk)
    closed = Q(pk__in=[])
    for codes, pks in by_codes.items():
        closed |= Q(project_id__in=pks, status__in=codes)
    return ~closed


def overdue_tasks(*, projects: Iterable[Project]) -> QuerySet[Task]:
    """Live work tasks and milestones of ``projects`` (already scoped) due before now and not done."""
    projects = list(projects)
    return (
        Task.objects.filter(project__in=[p.pk for p in projects], finish__lt=timezone.now(), percent_complete__lt=100)
        .exclude(kind=Task.Kind.SUMMARY)
        .filter(_not_done(projects))
        .select_related("project")
    )


def high_risks(*, user: Any, projects: Iterable[Project]) -> QuerySet[Risk]:
    """Open threats scored high on ``projects``, through the risk register's scoped selector."""
    from tripod.projects.selectors.risks import risk_list

    return risk_list(user=user, open_only=True).filter(
        project__in=[p.pk for p in projects], kind=Risk.Kind.THREAT, score__gte=HIGH_RISK_SCORE
    )


def project_health(*, user: Any, projects: Iterable[Project]) -> dict[int, ProjectHealth]:
    """SPI, CPI, RAG, overdue tasks and open high risks of each of ``projects`` (already scoped), in four queries
    plus the earned-value ones, whatever their number."""
    projects = list(projects)
    if not projects:
        return {}
    ev = earned_value_for_projects(user=user, projects=projects)
    overdue = dict(overdue_tasks(projects=projects).order_by().values_list("project").annotate(n=Count("pk")))
    risks = dict(
        high_risks(user=user, projects=projects)
        .order_by()
        .values_list("project")
        .annotate(n=Count("pk", distinct=True))
    )
    return {
        p.pk: ProjectHealth(ev=ev.get(p.pk), overdue=overdue.get(p.pk, 0), high_risks=risks.get(p.pk, 0))
        for p in projects
    }


def upcoming_milestones(*, projects: Iterable[Project]) -> QuerySet[Task]:
    """Unfinished milestones of ``projects`` (already scoped), the soonest first."""
    return (
        Task.objects.filter(
            project__in=[p.pk for p in projects],
            kind=Task.Kind.MILESTONE,
            percent_complete__lt=100,
            finish__isnull=False,
        )
        .select_related("project")
        .order_by("finish", "project__code", "position")
    )
