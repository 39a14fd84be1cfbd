"""Reads of the risk register and the issue log: project internals, seen by the staff who see the project (never
the client portal, not even as counts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from tripod.core.errors import NotFound
from tripod.projects.access import projects_visible_to
from tripod.projects.models import IssueLogEntry, Project, Risk, RiskAction

LEVELS = (1, 2, 3, 4, 5)


def _internal_projects(user: Any) -> QuerySet[Project]:
    if not (user.is_authenticated and user.is_internal):
        return Project.objects.none()
    return projects_visible_to(user)


def _filtered(qs: QuerySet[Any], **lookups: Any) -> QuerySet[Any]:
    """Apply the lookups whose value was given (None or empty: no filter)."""
    return qs.filter(**{lookup: value for lookup, value in lookups.items() if value})


def _risks(
    user: Any,
    *,
    project: Project | None = None,
    open_only: bool = False,
    kind: str | None = None,
    status: str | None = None,
    owner_id: Any = None,
) -> QuerySet[Risk]:
    qs = Risk.objects.filter(project__in=_internal_projects(user)).annotate(
        impact=Greatest("impact_schedule", "impact_cost", "impact_quality")
    )
    if open_only:
        qs = qs.filter(status=Risk.Status.OPEN)
    return _filtered(qs, project=project, kind=kind, status=status, owner_id=owner_id)


def risk_list(
    *,
    user: Any,
    project: Project | None = None,
    open_only: bool = False,
    kind: str | None = None,
    status: str | None = None,
    owner_id: Any = None,
    probability: int | None = None,
    impact: int | None = None,
) -> QuerySet[Risk]:
    """Risks the user may see, highest score first, annotated with ``impact`` (the highest of the three),
    ``open_action_count`` and ``overdue_action_count`` (not done, due before today). Filters: kind, status, owner,
    and a heat-map cell (probability x impact)."""
    today = timezone.localdate()
    qs = _risks(user, project=project, open_only=open_only, kind=kind, status=status, owner_id=owner_id)
    qs = _filtered(qs, probability=probability, impact=impact)
    qs = qs.select_related("project", "owner").annotate(
        open_action_count=Count("actions", filter=Q(actions__done_at__isnull=True)),
        overdue_action_count=Count("actions", filter=Q(actions__done_at__isnull=True, actions__due__lt=today)),
    )
    return qs.order_by("-score", "project__code", "number")


def risk_get(*, user: Any, project: Project, pk: Any) -> Risk:
    """One risk of ``project`` the user may see, or 404."""
    try:
        return risk_list(user=user, project=project).get(pk=pk)
    except (Risk.DoesNotExist, ValueError) as exc:
        raise NotFound(Risk._meta.verbose_name) from exc


def top_risks(*, user: Any, projects: Any, limit: int = 5) -> list[Risk]:
    """The highest-scored open risks across ``projects`` (those the user may see internals of)."""
    ids = [p.pk if isinstance(p, Project) else p for p in projects]
    return list(risk_list(user=user, open_only=True).filter(project_id__in=ids)[:limit])


def risk_actions(*, risk: Risk) -> list[RiskAction]:
    """The response actions of a risk the caller already fetched through a scoped selector; ``overdue`` set on each
    (not done and due before today)."""
    today = timezone.localdate()
    actions = list(risk.actions.select_related("owner").order_by("done_at", "due", "pk"))
    for action in actions:
        action.overdue = action.done_at is None and action.due is not None and action.due < today
    return actions


@dataclass(frozen=True)
class HeatCell:
    probability: int
    impact: int
    count: int
    band: str  # low / medium / high, by the score probability x impact

    @property
    def score(self) -> int:
        return self.probability * self.impact


def score_band(score: int) -> str:
    if score >= 15:
        return "high"
    if score >= 6:
        return "medium"
    return "low"


def risk_heat_map(
    *,
    user: Any,
    project: Project | None = None,
    open_only: bool = False,
    kind: str | None = None,
    status: str | None = None,
    owner_id: Any = None,
) -> list[list[HeatCell]]:
    """A 5x5 grid of risk counts (rows: probability 5 down to 1; columns: impact 1 to 5, the highest of the three
    impacts) over the risks the user may see with the same filters as the register. One query."""
    risks = _risks(user, project=project, open_only=open_only, kind=kind, status=status, owner_id=owner_id)
    counts: dict[tuple[int, int], int] = {}
    for row in risks.order_by().values("probability", "impact").annotate(n=Count("pk")):
        counts[(row["probability"], row["impact"])] = row["n"]
    return [[HeatCell(p, i, counts.get((p, i), 0), score_band(p * i)) for i in LEVELS] for p in reversed(LEVELS)]


def risk_summary(*, user: Any, project: Project) -> dict[str, int]:
    """Counts for the register's header: open threats, open opportunities, open risks scored 15 or more, and
    response actions overdue on open risks. One query each for risks and actions."""
    today = timezone.localdate()
    open_risks = _risks(user, project=project, open_only=True)
    counts = open_risks.aggregate(
        threats=Count("pk", filter=Q(kind=Risk.Kind.THREAT)),
        opportunities=Count("pk", filter=Q(kind=Risk.Kind.OPPORTUNITY)),
        high=Count("pk", filter=Q(score__gte=15)),
    )
    counts["overdue_actions"] = RiskAction.objects.filter(
        risk__in=open_risks.values("pk"), done_at__isnull=True, due__lt=today
    ).count()
    return counts


def issue_list(
    *,
    user: Any,
    project: Project | None = None,
    open_only: bool = False,
    status: str | None = None,
    priority: str | None = None,
    owner_id: Any = None,
) -> QuerySet[IssueLogEntry]:
    """Issues the user may see, newest number first within a project; ``open_only``: not resolved or closed."""
    qs = IssueLogEntry.objects.filter(project__in=_internal_projects(user)).select_related("project", "owner", "risk")
    if open_only:
        qs = qs.exclude(status__in=[IssueLogEntry.Status.RESOLVED, IssueLogEntry.Status.CLOSED])
    qs = _filtered(qs, project=project, status=status, priority=priority, owner_id=owner_id)
    return qs.order_by("project__code", "-number")


def issue_get(*, user: Any, project: Project, pk: Any) -> IssueLogEntry:
    """One issue of ``project`` the user may see, or 404."""
    try:
        return issue_list(user=user, project=project).get(pk=pk)
    except (IssueLogEntry.DoesNotExist, ValueError) as exc:
        raise NotFound(IssueLogEntry._meta.verbose_name) from exc


def risk_owner_choices(*, user: Any, project: Project) -> QuerySet[Any]:
    """Who may own a risk, an action or an issue: the project's PM and members."""
    from tripod.identity.models import User

    if not (user.is_authenticated and user.is_internal):
        return User.objects.none()
    return (
        User.objects.filter(Q(pk=project.pm_id) | Q(project_memberships__project=project))
        .distinct()
        .order_by("display_name", "username")
    )
