"""Builders for the resources and timesheet tests: projects, tasks with dates set by hand, people with logins.

Tasks are made with ``Task.objects.create`` directly (start/finish given here), so these tests do not depend on
the WBS services or the scheduler."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from tests.factories import make_user
from tripod.clients.models import Client
from tripod.identity.models import Role
from tripod.people.models import Person
from tripod.projects.models import Project, ProjectMember, Task

_n = count(1)
MONDAY = date(2026, 3, 2)  # a Monday


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)), timezone.get_default_timezone())


def make_project(*, pm=None, members=(), code: str | None = None, client: Client | None = None) -> Project:
    n = next(_n)
    client = client or Client.objects.create(name=f"Client {n}")
    project = Project.objects.create(code=code or f"TP-{n}", name=f"Project {n}", client=client, pm=pm)
    for user in members:
        ProjectMember.objects.create(project=project, user=user)
    return project


def make_task(
    project: Project,
    name: str | None = None,
    *,
    start: date = MONDAY,
    days: int = 5,
    kind: str = Task.Kind.TASK,
    parent: Task | None = None,
    **fields,
) -> Task:
    """A task running ``days`` calendar days from ``start`` (09:00 to 17:00 local), duration = working days."""
    finish = start + timedelta(days=days - 1)
    working = sum(1 for n in range(days) if (start + timedelta(days=n)).weekday() < 5)
    fields.setdefault("duration_min", 0 if kind == Task.Kind.MILESTONE else working * 480)
    fields.setdefault("position", next(_n))
    return Task.objects.create(
        project=project,
        name=name or f"Task {next(_n)}",
        kind=kind,
        parent=parent,
        start=at(start, 9),
        finish=at(finish, 17),
        **fields,
    )


def make_staff(*roles: str, name: str | None = None, capacity=Decimal("40"), cost_rate=None, manager=None):
    """A login with ``roles`` (member by default) and its person record; returns (user, person)."""
    user = make_user(*(roles or (Role.MEMBER,)))
    person = Person.objects.create(
        name=name or f"Person {user.username}",
        user=user,
        capacity_hours_week=capacity,
        cost_rate=cost_rate,
        manager=manager,
    )
    return user, person


def signed_in(client, world, actor: str):
    """The test client logged in as one of the authz world's actors (or left anonymous)."""
    if actor != "anonymous":
        client.force_login(world.users[actor])
    return client


def page_queries(client, url: str) -> tuple[int, str]:
    """How many SQL queries one GET of ``url`` takes, and the page it answered (which must be a 200)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries), response.content.decode()
