"""Baselines and their comparison with the current plan (or with another baseline): variance per task.

Variance is in *working days* of the project's calendar, as Microsoft Project's Start Variance and Finish
Variance are: a task that moved from Friday to Monday slipped one day, not three. Positive = later than the
baseline. Costs (the baseline's budget per task) are shown only to those who may see the project's costs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from tripod.core.errors import NotFound
from tripod.projects.access import can_view_project_costs, can_view_project_internals
from tripod.projects.models import Baseline, BaselineTask, BudgetLine, Project, Task
from tripod.projects.plan_clock import PlanClock


@dataclass(frozen=True)
class VarianceRow:
    task_id: int
    wbs: str
    name: str
    kind: str
    base_start: datetime | None
    base_finish: datetime | None
    start: datetime | None
    finish: datetime | None
    start_variance: float | None  # working days, positive = later than the baseline
    finish_variance: float | None
    duration_variance: float | None
    base_cost: Decimal | None  # None when the user may not see costs
    cost: Decimal | None
    in_baseline: bool

    @property
    def changed(self) -> bool:
        return (
            not self.in_baseline
            or bool(self.start_variance)
            or bool(self.finish_variance)
            or bool(self.duration_variance)
            or (self.cost is not None and self.cost != self.base_cost)
        )

    @property
    def cost_variance(self) -> Decimal | None:
        if self.cost is None or self.base_cost is None:
            return None
        return self.cost - self.base_cost


@dataclass(frozen=True)
class Comparison:
    baseline: Baseline
    against: Baseline | None  # None: the current plan
    rows: list[VarianceRow]
    show_costs: bool
    finish_variance: float | None  # of the plan's last finish
    slipped: int  # tasks finishing later than in the baseline
    ahead: int
    added: int  # tasks not in the baseline

    @property
    def changed_rows(self) -> list[VarianceRow]:
        return [row for row in self.rows if row.changed]


def baseline_list(*, user: Any, project: Project) -> list[Baseline]:
    if not can_view_project_internals(user, project):  # the portal sees the project, never its plan
        raise NotFound(Project._meta.verbose_name)
    return list(Baseline.objects.filter(project=project).select_related("taken_by").order_by("number"))


def baseline_get(*, user: Any, project: Project, pk: Any) -> Baseline:
    """A baseline of ``project`` (NotFound for another project's or a missing one)."""
    if not can_view_project_internals(user, project):  # the portal sees the project, never its plan
        raise NotFound(Project._meta.verbose_name)
    try:
        return Baseline.objects.select_related("project").get(project=project, pk=int(pk))
    except (Baseline.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(Baseline._meta.verbose_name) from exc


def _snapshot(baseline: Baseline) -> dict[int, tuple[Any, ...]]:
    return {
        row[0]: row[1:]
        for row in BaselineTask.objects.filter(baseline=baseline).values_list(
            "task_id", "start", "finish", "duration_min", "cost"
        )
    }


def _days(clock: PlanClock, earlier: datetime | None, later: datetime | None) -> float | None:
    if earlier is None or later is None:
        return None
    return round(clock.working_days(earlier, later), 2)


def baseline_comparison(
    *, user: Any, project: Project, baseline: Baseline, against: Baseline | None = None
) -> Comparison:
    """Each live task of ``project`` in outline order: ``baseline`` vs the current plan (or ``against``)."""
    if not can_view_project_internals(user, project):
        raise NotFound(Project._meta.verbose_name)
    if baseline.project_id != project.pk or (against is not None and against.project_id != project.pk):
        raise NotFound(Baseline._meta.verbose_name)
    show_costs = can_view_project_costs(user, project)
    tasks = list(
        Task.objects.filter(project=project)
        .order_by("position", "pk")
        .values_list("pk", "wbs_code", "name", "kind", "start", "finish", "duration_min")
    )
    base = _snapshot(baseline)
    if against is not None:
        other = _snapshot(against)
        current = {pk: other.get(pk) for pk, *_ in tasks}
    else:
        costs: dict[int, Decimal] = {}
        if show_costs:
            costs = dict(
                BudgetLine.objects.filter(project=project, task__isnull=False)
                .order_by()
                .values_list("task_id")
                .annotate(total=Sum("amount"))
            )
        current = {pk: (s, f, d, costs.get(pk, Decimal("0"))) for pk, _w, _n, _k, s, f, d in tasks}
    clock = PlanClock(project)
    mpd = clock.minutes_per_day
    rows: list[VarianceRow] = []
    for pk, wbs, name, kind, *_ in tasks:
        now = current.get(pk)
        then = base.get(pk)
        if now is None:  # the task is not in the baseline being compared against
            continue
        start, finish, duration, cost = now
        if then is None:
            b_start = b_finish = b_cost = None
            dv = None
        else:
            b_start, b_finish, b_duration, b_cost = then
            dv = round((duration - b_duration) / mpd, 2)
        rows.append(
            VarianceRow(
                task_id=pk,
                wbs=wbs,
                name=name,
                kind=kind,
                base_start=b_start,
                base_finish=b_finish,
                start=start,
                finish=finish,
                start_variance=_days(clock, b_start, start),
                finish_variance=_days(clock, b_finish, finish),
                duration_variance=dv,
                base_cost=b_cost if show_costs else None,
                cost=cost if show_costs else None,
                in_baseline=then is not None,
            )
        )
    # The plan's finish is its last task's (summaries roll up from their tasks and may not be rescheduled yet).
    work = [r for r in rows if r.kind != Task.Kind.SUMMARY]
    base_finishes = [r.base_finish for r in work if r.base_finish is not None]
    finishes = [r.finish for r in work if r.finish is not None]
    plan_variance = _days(clock, max(base_finishes), max(finishes)) if base_finishes and finishes else None
    return Comparison(
        baseline=baseline,
        against=against,
        rows=rows,
        show_costs=show_costs,
        finish_variance=plan_variance,
        slipped=sum(1 for r in rows if (r.finish_variance or 0) > 0),
        ahead=sum(1 for r in rows if (r.finish_variance or 0) < 0),
        added=sum(1 for r in rows if not r.in_baseline),
    )
