"""The pages inside a project that the truth table checks: per entity, how to reach it in the world of world.py.

Project-wide pages (WBS, Gantt, board...) are reached with P1's pk; a record's page (a risk, an issue, a status
report) with a record made on P1 for the purpose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone

from tests.authz.world import World
from tripod.projects.models import IssueLogEntry, Risk, StatusReport

PROJECT_PAGES = {
    "wbs": "projects:wbs",
    "gantt": "projects:gantt",
    "baselines": "projects:baselines",
    "board": "projects:board",
    "resources": "projects:resources",
    "time_approvals": "projects:time_approvals",
    "budget": "projects:budget",
    "risks": "projects:risks",
    "issues": "projects:issues",
    "reports": "projects:reports",
}


def _risk(world: World) -> str:
    risk = Risk.objects.create(project=world.project, number=1, title="Key engineer leaves")
    return reverse("projects:risk_detail", args=[world.project.pk, risk.pk])


def _issue(world: World) -> str:
    issue = IssueLogEntry.objects.create(project=world.project, number=1, title="Test server down")
    return reverse("projects:issue_detail", args=[world.project.pk, issue.pk])


def _report(*, shared: bool) -> Callable[[World], str]:
    def url(world: World) -> str:
        day = dt.date(2026, 3, 6) if shared else dt.date(2026, 3, 13)
        report = StatusReport.objects.create(
            project=world.project,
            period_start=day - dt.timedelta(days=6),
            period_end=day,
            status_date=day,
            shareable=shared,
            published_at=timezone.now(),
        )
        return reverse("projects:report_detail", args=[world.project.pk, report.pk])

    return url


RECORD_PAGES: dict[str, Callable[[World], str]] = {
    "risk": _risk,
    "issue": _issue,
    "shared_report": _report(shared=True),
    "internal_report": _report(shared=False),
}


def page_url(world: World, entity: str) -> str:
    if entity in PROJECT_PAGES:
        return reverse(PROJECT_PAGES[entity], args=[world.project.pk])
    return RECORD_PAGES[entity](world)
