"""Builders for the lifecycle, status report and file tests: rows made directly, so these tests do not depend on
other areas' services."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tripod.people.models import Person
from tripod.projects.models import Assignment, Baseline, BaselineTask, Project, Risk, StatusReport, Task, TimeEntry


def aware(day: date, hour: int = 17) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)), timezone.get_default_timezone())


def make_task(project: Project, name: str, position: int, **fields: Any) -> Task:
    fields.setdefault("wbs_code", str(position))
    return Task.objects.create(project=project, name=name, position=position, **fields)


def make_milestone(project: Project, name: str, position: int, finish: date | None, **fields: Any) -> Task:
    when = aware(finish) if finish else None
    return make_task(
        project, name, position, kind=Task.Kind.MILESTONE, duration_min=0, start=when, finish=when, **fields
    )


def make_baseline(project: Project, finishes: dict[Task, date], number: int = 1) -> Baseline:
    baseline = Baseline.objects.create(project=project, number=number)
    for task, finish in finishes.items():
        BaselineTask.objects.create(baseline=baseline, task=task, start=aware(finish), finish=aware(finish))
    return baseline


def make_risk(project: Project, number: int, probability: int, impact: int, **fields: Any) -> Risk:
    return Risk.objects.create(
        project=project,
        number=number,
        title=fields.pop("title", f"Risk {number}"),
        probability=probability,
        impact_schedule=impact,
        score=probability * impact,
        **fields,
    )


def make_time(person: Person, task: Task, day: date, minutes: int, **fields: Any) -> TimeEntry:
    fields.setdefault("status", TimeEntry.Status.APPROVED)
    return TimeEntry.objects.create(person=person, task=task, day=day, minutes=minutes, **fields)


def make_assignment(task: Task, person: Person, planned_work_min: int = 480) -> Assignment:
    return Assignment.objects.create(task=task, person=person, planned_work_min=planned_work_min)


def make_report(project: Project, period_end: date, **fields: Any) -> StatusReport:
    fields.setdefault("period_start", period_end.replace(day=max(1, period_end.day - 6)))
    fields.setdefault("status_date", period_end)
    fields.setdefault("facts", {"computed_rag": fields.get("rag", "green"), "milestones": [], "high_risks": []})
    return StatusReport.objects.create(project=project, period_end=period_end, **fields)


class FakeEV:
    """What helper D's ``project_earned_value`` returns, reduced to what the report reads."""

    def __init__(self, spi: str | None, cpi: str | None) -> None:
        self.spi = None if spi is None else Decimal(spi)
        self.cpi = None if cpi is None else Decimal(cpi)
        self.pv = Decimal("1000.00")
        self.ev = Decimal("900.00")
        self.ac = Decimal("950.00")
        self.eac = Decimal("1100.00")
        self.bac = Decimal("1000.00")


def status_of(client: Any, user: Any, url: str, method: str = "get", data: dict | None = None) -> int:
    """The HTTP status ``user`` (None: anonymous) gets; a redirect to the login page reads as 302."""
    client.logout()
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url, data or {})
    return response.status_code


# The access cells every record type of this area is checked against (tests/authz/world.py's actors).
CELLS = ("pm_related", "member_related", "pm_unrelated", "lm_related", "am_related", "client_related", "anonymous")


def statuses(client: Any, world: Any, url: str, method: str = "get", data: dict | None = None) -> dict[str, int]:
    return {
        cell: status_of(client, None if cell == "anonymous" else world.users[cell], url, method, data) for cell in CELLS
    }
