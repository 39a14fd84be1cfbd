"""Builders for the budget, EV, risk and issue tests: tasks, baselines, budget lines and approved time written
directly as rows (no other area's services), and the fence project of the published EV worked example."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from itertools import count

from django.utils import timezone

from tripod.people.models import Person
from tripod.projects.models import Baseline, BaselineTask, BudgetLine, Project, Task, TimeEntry

_position = count(1)
_person = count(1)


def local(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def make_task(
    project: Project,
    name: str = "Task",
    *,
    kind: str = Task.Kind.TASK,
    percent: int = 0,
    start: date | None = None,
    finish: date | None = None,
    work_min: int = 0,
    duration_min: int = 480,
    parent: Task | None = None,
) -> Task:
    position = next(_position)
    return Task.objects.create(
        project=project,
        parent=parent,
        name=name,
        kind=kind,
        position=position,
        wbs_code=str(position),
        percent_complete=percent,
        work_min=work_min,
        duration_min=duration_min,
        start=local(start) if start else None,
        finish=local(finish, 17) if finish else None,
    )


def make_baseline(project: Project, spans: dict[Task, tuple[date, date]], *, number: int | None = None) -> Baseline:
    number = number or (Baseline.objects.filter(project=project).count() + 1)
    baseline = Baseline.objects.create(project=project, number=number, name=f"Baseline {number}")
    BaselineTask.objects.bulk_create(
        [
            BaselineTask(baseline=baseline, task=task, start=local(start), finish=local(finish, 17))
            for task, (start, finish) in spans.items()
        ]
    )
    return baseline


def make_line(project: Project, amount: str | Decimal, task: Task | None = None, **fields) -> BudgetLine:
    return BudgetLine.objects.create(project=project, task=task, amount=Decimal(str(amount)), **fields)


def make_person(user=None) -> Person:
    return Person.objects.create(name=f"Person {next(_person)}", user=user)


def make_entry(
    task: Task, person: Person, day: date, cost: str | Decimal, *, status: str = TimeEntry.Status.APPROVED
) -> TimeEntry:
    return TimeEntry.objects.create(
        task=task, person=person, day=day, minutes=480, status=status, cost=Decimal(str(cost))
    )


def fence_day(n: int) -> date:
    """Day n (1-4) of the fence project: Monday 2 March 2026 onwards."""
    return date(2026, 3, n + 1)


@dataclass
class Fence:
    project: Project
    sides: list[Task]
    baseline: Baseline


def build_fence(project: Project) -> Fence:
    """The fence of the worked example (R. Mulcahy, PMP Exam Prep, p. 210): four sides, one a day, $1,000 each;
    at the end of day 3: sides 1-2 done ($1,000 and $1,200 spent), side 3 half done ($600), side 4 not started."""
    percents = (100, 100, 50, 0)
    sides = [
        make_task(project, f"Side {n}", percent=percents[n - 1], start=fence_day(n), finish=fence_day(n))
        for n in range(1, 5)
    ]
    baseline = make_baseline(project, {side: (fence_day(n), fence_day(n)) for n, side in enumerate(sides, 1)})
    for side in sides:
        make_line(project, "1000", side)
    person = make_person()
    for side, day, cost in zip(sides, (1, 2, 3), ("1000", "1200", "600"), strict=False):
        make_entry(side, person, fence_day(day), cost)
    return Fence(project=project, sides=sides, baseline=baseline)
