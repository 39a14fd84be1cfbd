"""Reads of requirements, always scoped to what the user may see: lists by client and project, one requirement with
its confirmation records and its traces to the WBS, the requirements a WBS task delivers, and the confirmations the
account manager is waiting for. Every read costs the same few queries whatever the number of rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from tripod.clients.models import Client
from tripod.core.access import get_visible
from tripod.projects.models import Project, Task
from tripod.projects.selectors.board import done_codes
from tripod.scope.access import can_manage_requirement, can_trace_requirement, requirements_visible_to
from tripod.scope.models import Confirmation, Requirement, RequirementTrace

LIVE_TRACE = Q(traces__task__deleted_at__isnull=True)


def _with_related(qs: QuerySet[Requirement]) -> QuerySet[Requirement]:
    return qs.select_related("client", "project", "source_contact").annotate(
        trace_count=Count("traces", filter=LIVE_TRACE, distinct=True),
        traces_complete=Count("traces", filter=LIVE_TRACE & Q(traces__task__percent_complete__gte=100), distinct=True),
    )


def requirement_list(
    *,
    user: Any,
    client: Client | None = None,
    project: Project | None = None,
    status: str | None = None,
    awaiting_confirmation: bool = False,
    priority: str | None = None,
    open_only: bool = False,
    search: str | None = None,
) -> QuerySet[Requirement]:
    """Requirements the user may see, by client and reference, annotated with ``trace_count`` (linked live tasks)
    and ``traces_complete`` (of those, the ones at 100 %). ``awaiting_confirmation``: clarified, waiting for the
    client's confirmation; ``open_only``: not accepted, rejected or withdrawn."""
    qs = requirements_visible_to(user)
    if client is not None:
        qs = qs.filter(client=client)
    if project is not None:
        qs = qs.filter(project=project)
    if status:
        qs = qs.filter(status=status)
    if awaiting_confirmation:
        qs = qs.filter(status=Requirement.Status.CLARIFIED)
    if priority:
        qs = qs.filter(priority=priority)
    if open_only:
        qs = qs.exclude(status__in=Requirement.CLOSED)
    if search:
        qs = qs.filter(Q(reference__icontains=search) | Q(title__icontains=search) | Q(statement__icontains=search))
    return _with_related(qs).order_by("client__name", "number")


def requirement_get(*, user: Any, pk: Any) -> Requirement:
    """One requirement the user may see (404 otherwise), with its client, project, source contact and contract."""
    qs = Requirement.objects.select_related(
        "client", "client__owner_am", "project", "project__pm", "source_contact", "contract"
    )
    return get_visible(qs, user, pk=pk)


def requirement_counts_by_status(*, user: Any, client: Client | None = None, project: Project | None = None) -> dict:
    qs = requirement_list(user=user, client=client, project=project)
    rows = qs.order_by().values("status").annotate(n=Count("pk", distinct=True))
    return {row["status"]: row["n"] for row in rows}


def task_is_complete(task: Task, done: Iterable[str]) -> bool:
    """A task is complete at 100 % or in one of its project's "done" statuses."""
    return task.percent_complete >= 100 or task.status in set(done)


def live_traces(requirement: Requirement) -> list[RequirementTrace]:
    """The requirement's traces to tasks that are not in the bin, in plan order, with their task and project."""
    return list(
        requirement.traces.filter(task__deleted_at__isnull=True)
        .select_related("task", "task__project")
        .order_by("task__position", "pk")
    )


def requirement_confirmations(*, requirement: Requirement) -> list[Confirmation]:
    """The confirmation and acceptance records of a requirement the caller fetched through a scoped selector, newest
    first, with who confirmed, who recorded it and the attached file."""
    return list(
        requirement.confirmations.select_related("contact", "recorded_by", "attachment").order_by(
            "-confirmed_at", "-pk"
        )
    )


@dataclass(frozen=True)
class TraceRow:
    trace: Any
    task: Task
    complete: bool


def requirement_traces(*, user: Any, requirement: Requirement) -> list[TraceRow]:
    """The WBS tasks a requirement (fetched through a scoped selector) is linked to, in plan order, each with whether
    it is complete. The WBS is internal: the client portal gets none."""
    if not (user.is_authenticated and user.is_internal):
        return []
    traces = live_traces(requirement)
    if not traces:
        return []
    done = done_codes(traces[0].task.project)
    return [TraceRow(trace, trace.task, task_is_complete(trace.task, done)) for trace in traces]


def trace_candidates(*, user: Any, requirement: Requirement) -> QuerySet[Task]:
    """The tasks of the requirement's project the user may link it to (not yet linked, not in the bin)."""
    if requirement.project_id is None or not can_trace_requirement(user, requirement):
        return Task.objects.none()
    linked = requirement.traces.values("task_id")
    return (
        Task.objects.filter(project_id=requirement.project_id)
        .exclude(pk__in=linked)
        .only("pk", "wbs_code", "name", "deliverable", "percent_complete")
        .order_by("position", "pk")
    )


def requirements_for_task(*, user: Any, task: Task) -> QuerySet[Requirement]:
    """The requirements a WBS task delivers, for the PM's side of the traceability (staff only)."""
    if not (user.is_authenticated and user.is_internal):
        return Requirement.objects.none()
    return requirement_list(user=user).filter(traces__task=task)


def requirements_awaiting_confirmation(*, user: Any) -> QuerySet[Requirement]:
    """Clarified requirements waiting for the client's confirmation, longest waiting first (the AM's cockpit). For
    staff, only those of the clients they look after."""
    qs = requirement_list(user=user, awaiting_confirmation=True)
    if user.is_authenticated and user.is_internal and not user.is_admin:
        mine = Q(client__owner_am=user) | Q(client__account_team=user)
        qs = qs.filter(pk__in=Requirement.objects.filter(mine).values("pk"))
    return qs.order_by("status_since", "pk")


def contract_choices(*, user: Any, requirement: Requirement) -> QuerySet[Any]:
    """The client's contracts a scope decision may refer to (for the account team)."""
    contract_model = Requirement._meta.get_field("contract").related_model
    if not can_manage_requirement(user, requirement):
        return contract_model._default_manager.none()
    return contract_model._default_manager.filter(client_id=requirement.client_id)
