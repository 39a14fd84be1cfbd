"""Plans for the Gantt and baseline tests (and the Gantt benchmark): built set-based, then scheduled once.

``gantt_plan(project, size)`` makes ``size`` rows in outline order: one summary per ``group`` rows, its tasks
chained finish-to-start, every group's first task linked to the previous group's last one, a milestone closing
each group. Tasks are 1-3 days long; WBS codes are "g.t".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tests.factories import make_user
from tripod.clients.models import Client
from tripod.identity.models import Role
from tripod.projects.models import Dependency, Project, Task
from tripod.projects.services.schedule import project_schedule

START = date(2026, 3, 2)  # a Monday


@dataclass
class Plan:
    project: Project
    tasks: list[Task]  # in outline order

    def by_name(self, name: str) -> Task:
        return next(t for t in self.tasks if t.name == name)


def gantt_project(*, pm=None, code: str = "G1", start: date = START, **fields) -> Project:
    pm = pm or make_user(Role.PM)
    client = Client.objects.create(name=f"Client {code}")
    return Project.objects.create(code=code, name=f"Plan {code}", client=client, pm=pm, start=start, **fields)


def gantt_plan(project: Project, size: int, *, group: int = 10, streams: int = 1, schedule: bool = True) -> Plan:
    """``streams`` > 1 runs the phases in that many parallel streams (phase g follows phase g - streams), as a
    big programme does: a year or so of work instead of one endless chain, and only the longest stream critical."""
    rows: list[Task] = []
    g = 0
    while len(rows) < size:
        g += 1
        rows.append(Task(project=project, name=f"Phase {g}", kind=Task.Kind.SUMMARY, wbs_code=str(g), duration_min=0))
        for t in range(1, group - 1):
            if len(rows) >= size:
                break
            rows.append(
                Task(
                    project=project,
                    name=f"Task {g}.{t}",
                    wbs_code=f"{g}.{t}",
                    duration_min=480 * (1 + ((t + g) % 3 if streams > 1 else t % 3)),
                )
            )
        if len(rows) < size:
            rows.append(
                Task(
                    project=project, name=f"Gate {g}", kind=Task.Kind.MILESTONE, wbs_code=f"{g}.{group}", duration_min=0
                )
            )
    for position, task in enumerate(rows):
        task.position = position
    Task.objects.bulk_create(rows, batch_size=1000)
    parent = None
    for task in rows:
        if task.kind == Task.Kind.SUMMARY:
            parent = task
        else:
            task.parent = parent
    Task.objects.bulk_update([t for t in rows if t.parent_id], ["parent"], batch_size=1000)
    links: list[Dependency] = []
    last_of_phase: list[Task] = []  # the last row of each phase, in phase order
    previous = None
    for task in rows:
        if task.kind == Task.Kind.SUMMARY:
            if previous is not None:
                last_of_phase.append(previous)
            previous = last_of_phase[-streams] if len(last_of_phase) >= streams else None
            continue
        if previous is not None:
            links.append(Dependency(project=project, pred=previous, succ=task))
        previous = task
    Dependency.objects.bulk_create(links, batch_size=1000)
    if schedule:
        outcome = project_schedule(project=project)
        assert not outcome.error, outcome.error
    return Plan(project=project, tasks=list(Task.objects.filter(project=project).order_by("position")))


def budget(task: Task, *amounts: str) -> None:
    from tripod.projects.models import BudgetLine

    for amount in amounts:
        BudgetLine.objects.create(project=task.project, task=task, amount=Decimal(amount))
