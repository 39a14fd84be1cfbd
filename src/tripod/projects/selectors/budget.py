"""Reads of budgets and earned value, scoped to who may see project costs (admins, the PM, the client's account
team; never the client portal, never a person's rate).

The EV figures are computed by the pure :mod:`tripod.projects.earned_value` from rows loaded here in a fixed
number of queries, whatever the number of projects, budget lines, tasks or time entries:

- each budget line is one element: on a task (or summary) it uses that task's % complete and its span in the
  chosen baseline (the latest by default; a task added since the baseline falls back to its current schedule);
  a line without a task belongs to the whole project and uses the project's work-weighted % complete (duration-
  weighted when no work is estimated) and the baseline's overall span;
- dates are the project's local calendar dates of the baseline's start and finish;
- AC is the frozen cost of APPROVED time entries dated on or before the status date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from tripod.core.errors import Forbidden, NotFound
from tripod.projects.access import can_view_project_costs, projects_visible_to
from tripod.projects.earned_value import (
    HUNDRED,
    ZERO,
    CurvePoint,
    EarnedValue,
    PlannedElement,
    curve_days,
    earned_value,
    earned_value_at,
    s_curve,
)
from tripod.projects.models import Baseline, BaselineTask, BudgetLine, Project, Task, TimeEntry


# --- scope ----------------------------------------------------------------------------------------------------------
def projects_with_visible_costs(user: Any) -> QuerySet[Project]:
    """Projects whose budget and costs ``user`` may see (the queryset form of ``can_view_project_costs``)."""
    if not (user.is_authenticated and user.is_internal):
        return Project.objects.none()
    visible = projects_visible_to(user)
    if user.is_admin:
        return visible
    own = Project.objects.filter(Q(pm=user) | Q(client__owner_am=user) | Q(client__account_team=user))
    return visible.filter(pk__in=own.values("pk"))


def _check_costs(user: Any, project: Project) -> None:
    if not can_view_project_costs(user, project):
        raise Forbidden()


def budget_line_list(*, user: Any, project: Project) -> QuerySet[BudgetLine]:
    """The budget lines of a project, WBS order; lines on tasks in the bin are left out. Forbidden unless the user
    may see the project's costs."""
    _check_costs(user, project)
    return (
        BudgetLine.objects.filter(project=project)
        .filter(Q(task__isnull=True) | Q(task__deleted_at__isnull=True))
        .select_related("task")
        .order_by(F("task__position").asc(nulls_first=True), "category", "pk")
    )


def budget_line_get(*, user: Any, project: Project, pk: Any) -> BudgetLine:
    try:
        return budget_line_list(user=user, project=project).get(pk=pk)
    except BudgetLine.DoesNotExist as exc:
        raise NotFound(BudgetLine._meta.verbose_name) from exc


def budget_task_choices(*, user: Any, project: Project) -> QuerySet[Task]:
    """WBS elements a budget line may be put on: the project's live tasks, in outline order."""
    _check_costs(user, project)
    return Task.objects.filter(project=project).order_by("position")


def baseline_list(*, user: Any, project: Project) -> list[Baseline]:
    _check_costs(user, project)
    return list(Baseline.objects.filter(project=project).order_by("-number"))


def status_date_of(project: Project, status_date: date | None = None) -> date:
    """The date progress is measured as of: the one asked for, else the project's status date, else today."""
    return status_date or project.status_date or timezone.localdate()


# --- loading ----------------------------------------------------------------------------------------------------------
def _local(value: datetime | None) -> date | None:
    return None if value is None else timezone.localtime(value).date()


@dataclass
class _ProjectData:
    project: Project
    baseline_id: int | None = None
    elements: list[PlannedElement] | None = None
    costs: list[tuple[date, Decimal]] | None = None  # approved cost per day, sorted


def _weighted_percent(row: dict[str, Any] | None) -> Decimal:
    """The project's % complete weighted by work, or by duration when no work is estimated."""
    if not row:
        return ZERO
    if row["work"]:
        return Decimal(row["work_done"]) / Decimal(row["work"])
    if row["duration"]:
        return Decimal(row["duration_done"]) / Decimal(row["duration"])
    return ZERO


def _load(projects: Iterable[Project], baselines: dict[int, int | None] | None = None) -> dict[int, _ProjectData]:
    """Everything EV needs for ``projects`` in five queries. ``baselines`` maps a project to a chosen baseline id
    (default: its latest baseline)."""
    data = {p.pk: _ProjectData(project=p) for p in projects}
    ids = list(data)
    if not ids:
        return data
    chosen = dict(baselines or {})
    for row in Baseline.objects.filter(project_id__in=ids).order_by("project_id", "-number").values("id", "project_id"):
        if row["project_id"] not in chosen:
            chosen[row["project_id"]] = row["id"]
    for pid, bid in chosen.items():
        if pid in data:
            data[pid].baseline_id = bid

    spans: dict[int, tuple[date | None, date | None]] = {}
    project_span: dict[int, list[date]] = defaultdict(list)
    baseline_project = {bid: pid for pid, bid in chosen.items() if bid}
    for row in BaselineTask.objects.filter(baseline_id__in=list(baseline_project)).values(
        "baseline_id", "task_id", "start", "finish"
    ):
        start, finish = _local(row["start"]), _local(row["finish"])
        spans[row["task_id"]] = (start, finish)
        project_span[baseline_project[row["baseline_id"]]] += [d for d in (start, finish) if d]

    progress = {
        row["project_id"]: row
        for row in Task.objects.filter(project_id__in=ids)
        .exclude(kind=Task.Kind.SUMMARY)
        .values("project_id")
        .annotate(
            work=Sum("work_min"),
            work_done=Sum(F("work_min") * F("percent_complete")),
            duration=Sum("duration_min"),
            duration_done=Sum(F("duration_min") * F("percent_complete")),
        )
    }

    for d in data.values():
        d.elements, d.costs = [], []
    lines = BudgetLine.objects.filter(project_id__in=ids).filter(
        Q(task__isnull=True) | Q(task__deleted_at__isnull=True)
    )
    for row in lines.values("project_id", "task_id", "amount", "task__percent_complete", "task__start", "task__finish"):
        pid = row["project_id"]
        if row["task_id"] is None:
            days = project_span.get(pid)
            if days:
                start, finish = min(days), max(days)
            else:
                start, finish = data[pid].project.start, data[pid].project.target_finish
            percent = _weighted_percent(progress.get(pid))
        else:
            start, finish = spans.get(row["task_id"]) or (_local(row["task__start"]), _local(row["task__finish"]))
            percent = Decimal(row["task__percent_complete"])
        data[pid].elements.append(PlannedElement(row["amount"], start, finish, percent))

    approved = (
        TimeEntry.objects.filter(task__project_id__in=ids, status=TimeEntry.Status.APPROVED, cost__isnull=False)
        .values("task__project_id", "day")
        .annotate(total=Sum("cost"))
        .order_by("task__project_id", "day")
    )
    for row in approved:
        data[row["task__project_id"]].costs.append((row["day"], row["total"]))
    return data


def _actual_cost(costs: list[tuple[date, Decimal]], status_date: date) -> Decimal:
    return sum((amount for day, amount in costs if day <= status_date), ZERO)


def _figures(d: _ProjectData, status_date: date) -> EarnedValue:
    return earned_value_at(
        d.elements or [],
        ac=_actual_cost(d.costs or [], status_date),
        status_date=status_date,
        baselined=d.baseline_id is not None,
    )


def _chosen_baseline(project: Project, baseline: Baseline | None) -> dict[int, int | None] | None:
    if baseline is None:
        return None
    if baseline.project_id != project.pk:
        raise NotFound(Baseline._meta.verbose_name)
    return {project.pk: baseline.pk}


# --- public reads -----------------------------------------------------------------------------------------------------
def project_earned_value(
    *, user: Any, project: Project, status_date: date | None = None, baseline: Baseline | None = None
) -> EarnedValue:
    """BAC, PV, EV, AC and every indicator of one project at ``status_date`` (default: the project's status date,
    else today), against ``baseline`` (default: the latest). Forbidden unless the user may see the costs."""
    _check_costs(user, project)
    d = _load([project], _chosen_baseline(project, baseline))[project.pk]
    return _figures(d, status_date_of(project, status_date))


def earned_value_for_projects(
    *, user: Any, projects: Iterable[Project], status_date: date | None = None
) -> dict[int, EarnedValue]:
    """EV figures for many projects in a constant number of queries; the projects whose costs the user may not see
    are left out. Each project is measured at ``status_date`` or, when None, at its own status date (else today)."""
    wanted = [p.pk for p in projects]
    allowed = list(projects_with_visible_costs(user).filter(pk__in=wanted))
    data = _load(allowed)
    return {pid: _figures(d, status_date_of(d.project, status_date)) for pid, d in data.items()}


def project_s_curve(
    *, user: Any, project: Project, status_date: date | None = None, baseline: Baseline | None = None
) -> list[CurvePoint]:
    """Cumulative PV, EV and AC each day (plans up to five weeks) or each week end, from the first planned (or
    booked) day to the last planned day or the status date, whichever is later. EV before the status date is
    rebuilt from the tasks' progress history (% complete as it stood at the end of each day drawn); the point at
    the status date is the reported EV."""
    _check_costs(user, project)
    status_date = status_date_of(project, status_date)
    d = _load([project], _chosen_baseline(project, baseline))[project.pk]
    elements, costs = d.elements or [], d.costs or []
    edges = [day for e in elements for day in (e.start, e.finish) if day] + [day for day, _ in costs]
    if not elements and not costs:
        return []
    first = min(edges, default=status_date)
    last = max([*edges, status_date])
    days = curve_days(first, last)
    if status_date not in days and first <= status_date <= last:
        days = sorted({*days, status_date})
    earned = _earned_history(project, [day for day in days if day < status_date])
    earned[status_date] = earned_value(elements)
    return s_curve(
        elements=elements,
        days=days,
        status_date=status_date,
        costs=costs,
        earned=earned,
        baselined=d.baseline_id is not None,
    )


def _earned_history(project: Project, days: list[date]) -> dict[date, Decimal]:
    """EV at the end of each of ``days``, from the tasks' recorded history (% complete, work, duration) and the
    budget lines and the outline as they are now. Three queries."""
    if not days:
        return {}
    history = (
        Task.history.filter(project_id=project.pk)
        .exclude(history_type="-")
        .order_by("history_date", "history_id")
        .values("id", "parent_id", "history_date", "percent_complete", "work_min", "duration_min", "kind", "deleted_at")
    )
    states: dict[int, list[tuple[date, dict[str, Any]]]] = defaultdict(list)
    for row in history:
        states[row["id"]].append((timezone.localtime(row["history_date"]).date(), row))
    lines = list(
        BudgetLine.objects.filter(project=project)
        .filter(Q(task__isnull=True) | Q(task__deleted_at__isnull=True))
        .values_list("task_id", "amount")
    )
    outline = dict(Task.objects.filter(project=project).values_list("pk", "parent_id"))
    summaries = {parent for parent in outline.values() if parent is not None}
    earned = {}
    for day in days:
        snapshot = {}
        for task_id, changes in states.items():
            state = None
            for when, row in changes:
                if when > day:
                    break
                state = row
            if state is not None and state["deleted_at"] is None:
                snapshot[task_id] = state
        leaves = [s for task_id, s in snapshot.items() if task_id not in summaries]
        # A summary's % complete as it stood that day comes from its leaves, weighted by work (by duration where
        # no work is estimated), the way the WBS rolls it up: roll-ups and outline moves are not in the history,
        # so the outline is taken as it is now.
        sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # work, work x %, duration, duration x %
        for leaf in leaves:
            parent = outline.get(leaf["id"])
            seen = 0
            while parent is not None and seen < 64:
                acc = sums[parent]
                acc[0] += leaf["work_min"]
                acc[1] += leaf["work_min"] * leaf["percent_complete"]
                acc[2] += leaf["duration_min"]
                acc[3] += leaf["duration_min"] * leaf["percent_complete"]
                parent = outline.get(parent)
                seen += 1
        work = sum(s["work_min"] for s in leaves)
        duration = sum(s["duration_min"] for s in leaves)
        if work:
            overall = Decimal(sum(s["work_min"] * s["percent_complete"] for s in leaves)) / Decimal(work)
        elif duration:
            overall = Decimal(sum(s["duration_min"] * s["percent_complete"] for s in leaves)) / Decimal(duration)
        else:
            overall = ZERO
        total = ZERO
        for task_id, amount in lines:
            if task_id is None:
                total += amount * overall / HUNDRED
            elif task_id in snapshot:
                total += (
                    amount
                    * _percent_then(snapshot[task_id], sums.get(task_id) if task_id in summaries else None)
                    / HUNDRED
                )
        earned[day] = total
    return earned


def _percent_then(state: dict[str, Any], sums: list[int] | None) -> Decimal:
    """A task's % complete on a past day: a summary's from the leaves under it then, a task's as recorded."""
    if not sums:
        return Decimal(state["percent_complete"])
    work, by_work, duration, by_duration = sums
    if work:
        return Decimal(by_work) / Decimal(work)
    if duration:
        return Decimal(by_duration) / Decimal(duration)
    return Decimal(state["percent_complete"])
