"""What the client portal reads, composed from the domains' scoped selectors.

Every read starts from what the portal user may see (``project_list``, ``status_report_list``, ``requirement_list``,
``ticket_list``) or from the user's own portal binding (their client and contact), so nothing of another client and
nothing internal can reach a portal page. Lists cost the same few queries whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from tripod.clients.models import PortalUser, SurveyInvitation
from tripod.clients.services.surveys import invitation_open
from tripod.core.errors import NotFound
from tripod.projects.models import Baseline, BaselineTask, Project, StatusReport, Task
from tripod.projects.selectors import project_list
from tripod.scope.access import portal_binding

# What a portal user may read of a status report: published and shared (the rule of ``status_report_list``).
SHARED_REPORT = Q(published_at__isnull=False, shareable=True)
MILESTONES_SHOWN = 3  # upcoming and recent milestones per project on the overview


def portal_user_binding(user: Any) -> PortalUser | None:
    """The portal binding (client and contact) of an active client-portal user; None for anyone else."""
    if not (user.is_authenticated and user.is_active):
        return None
    return portal_binding(user)


# --- projects: phase, the latest shared report, milestones ------------------------------------------------------------
@dataclass(frozen=True)
class Milestone:
    """A milestone as the client sees it: its name, the planned (baseline) and forecast dates, done or not."""

    pk: int
    name: str
    planned: datetime | None
    forecast: datetime | None
    done: bool
    done_at: datetime | None

    @property
    def when(self) -> datetime | None:
        return self.done_at or self.forecast or self.planned


@dataclass
class PortalProject:
    project: Project
    report: StatusReport | None = None
    milestones: list[Milestone] = field(default_factory=list)

    @property
    def upcoming(self) -> list[Milestone]:
        pending = [m for m in self.milestones if not m.done]
        return sorted(pending, key=lambda m: (m.when is None, m.when or timezone.now()))[:MILESTONES_SHOWN]

    @property
    def recent(self) -> list[Milestone]:
        done = [m for m in self.milestones if m.done]
        return sorted(done, key=lambda m: m.when or timezone.now(), reverse=True)[:MILESTONES_SHOWN]


def _milestones(project_ids: list[int]) -> dict[int, list[Milestone]]:
    """The live milestones of the projects, with their finish in the latest baseline; two queries."""
    latest_baseline = Baseline.objects.filter(project_id=OuterRef("baseline__project_id")).order_by("-number")
    planned = dict(
        BaselineTask.objects.filter(baseline__project_id__in=project_ids, task__kind=Task.Kind.MILESTONE)
        .filter(baseline_id=Subquery(latest_baseline.values("pk")[:1]))
        .values_list("task_id", "finish")
    )
    rows = (
        Task.objects.filter(project_id__in=project_ids, kind=Task.Kind.MILESTONE)
        .order_by("position", "pk")
        .values_list("pk", "project_id", "name", "finish", "actual_finish", "percent_complete")
    )
    by_project: dict[int, list[Milestone]] = {pk: [] for pk in project_ids}
    for pk, project_id, name, finish, actual_finish, percent in rows:
        done = actual_finish is not None or percent >= 100
        by_project[project_id].append(Milestone(pk, name, planned.get(pk), finish, done, actual_finish))
    return by_project


def portal_projects(*, user: Any, project: Project | None = None) -> list[PortalProject]:
    """The portal user's projects (or the one ``project``, already fetched through ``project_get``), each with its
    latest published and shared status report and its milestones. Four queries whatever the number of projects."""
    projects = project_list(user=user)
    if project is not None:
        projects = projects.filter(pk=project.pk)
    latest = StatusReport.objects.filter(SHARED_REPORT, project=OuterRef("pk")).order_by("-period_end", "-pk")
    rows = list(projects.annotate(shared_report_id=Subquery(latest.values("pk")[:1])))
    report_ids = [p.shared_report_id for p in rows if p.shared_report_id]
    reports = {r.pk: r for r in StatusReport.objects.filter(SHARED_REPORT, pk__in=report_ids)} if report_ids else {}
    milestones = _milestones([p.pk for p in rows]) if rows else {}
    return [PortalProject(p, reports.get(p.shared_report_id), milestones.get(p.pk, [])) for p in rows]


# --- surveys: the invitations sent to the portal user's own contact ---------------------------------------------------
def portal_invitations(*, user: Any) -> QuerySet[SurveyInvitation]:
    """The survey invitations sent to the portal user's own contact at their client, newest first, with the survey
    and any answer. Staff, unbound users and portal users without a contact get none."""
    binding = portal_user_binding(user)
    if binding is None or binding.contact_id is None:
        return SurveyInvitation.objects.none()
    return (
        SurveyInvitation.objects.filter(contact_id=binding.contact_id, survey__client_id=binding.client_id)
        .select_related("survey", "survey__project", "response")
        .order_by("-sent_at", "-pk")
    )


def portal_invitation_get(*, user: Any, pk: Any) -> SurveyInvitation:
    """One invitation of the portal user's own contact (404 otherwise, existence not told)."""
    try:
        invitation = portal_invitations(user=user).filter(pk=pk).first()
    except (TypeError, ValueError):
        invitation = None
    if invitation is None:
        raise NotFound(SurveyInvitation._meta.verbose_name)
    return invitation


def invitation_is_open(invitation: SurveyInvitation, now: datetime | None = None) -> bool:
    """Not answered yet and still accepting an answer."""
    return invitation.answered_at is None and invitation_open(invitation, now or timezone.now())
