"""Builders for the board and cockpit tests: a project with a PM and a member, tasks made with
``Task.objects.create`` directly (dates by hand), people assigned to them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from tests.factories import make_user
from tripod.clients.models import Client
from tripod.identity.models import Role
from tripod.people.models import Person
from tripod.projects.models import Assignment, Project, ProjectMember, Risk, Task

_n = count(1)


def make_project(*, pm=None, members=(), **fields) -> Project:
    n = next(_n)
    client = fields.pop("client", None) or Client.objects.create(name=f"Board client {n}")
    project = Project.objects.create(code=f"BD-{n}", name=f"Board project {n}", client=client, pm=pm, **fields)
    for user in members:
        ProjectMember.objects.create(project=project, user=user)
    return project


def make_task(project: Project, name: str | None = None, *, parent: Task | None = None, **fields) -> Task:
    """A task finishing in a week unless told otherwise (``finish`` may be given, or None)."""
    now = timezone.now()
    fields.setdefault("start", now - timedelta(days=1))
    fields.setdefault("finish", now + timedelta(days=7))
    fields.setdefault("position", next(_n))
    return Task.objects.create(project=project, name=name or f"Task {next(_n)}", parent=parent, **fields)


def make_summary(project: Project, name: str, *, parent: Task | None = None) -> Task:
    return make_task(project, name, parent=parent, kind=Task.Kind.SUMMARY)


def make_person(name: str | None = None, *, user=None) -> Person:
    return Person.objects.create(name=name or f"Person {next(_n)}", user=user)


def assign(task: Task, person: Person) -> Assignment:
    return Assignment.objects.create(task=task, person=person, units=Decimal("100"))


def make_risk(project: Project, *, probability: int = 5, impact: int = 4, **fields) -> Risk:
    number = Risk.objects.filter(project=project).count() + 1
    return Risk.objects.create(
        project=project,
        number=number,
        title=fields.pop("title", f"Risk {number}"),
        probability=probability,
        impact_schedule=impact,
        score=probability * impact,
        **fields,
    )


def pm_and_member():
    """A PM and a member (with a Person record), and their project."""
    pm = make_user(Role.PM)
    member = make_user(Role.MEMBER)
    make_person(f"Person of {member.username}", user=member)
    project = make_project(pm=pm, members=[member])
    return pm, member, project


def with_earned_value(project: Project, *, percent_complete: int, amount: Decimal = Decimal("1000")) -> Task:
    """A task with a budget line and a baseline spanning ten days around today: about 60 % of it is planned by
    today, so ``percent_complete`` sets the SPI (no time booked: CPI undefined)."""
    from tripod.projects.models import Baseline, BaselineTask, BudgetLine

    today = timezone.localdate()
    start = timezone.make_aware(timezone.datetime.combine(today - timedelta(days=5), timezone.datetime.min.time()))
    finish = start + timedelta(days=9, hours=17)
    task = make_task(project, "Earned", start=start, finish=finish, percent_complete=percent_complete)
    BudgetLine.objects.create(project=project, task=task, amount=amount)
    baseline = Baseline.objects.create(project=project, number=1)
    BaselineTask.objects.create(baseline=baseline, task=task, start=start, finish=finish, duration_min=4800)
    return task


def submit_time(task: Task, person: Person, *, days_ago: int = 1, minutes: int = 120):
    from tripod.projects.models import TimeEntry

    return TimeEntry.objects.create(
        person=person,
        task=task,
        day=timezone.localdate() - timedelta(days=days_ago),
        minutes=minutes,
        status=TimeEntry.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
