"""The demo's delivery records: every phase, plans of 50-300 tasks, baselines, months of timesheets, risks,
reports — built through the services, so the demo obeys the same rules as real data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count, Min

from tripod.demo import delivery, organisation
from tripod.projects.models import (
    Baseline,
    BudgetLine,
    PhaseGate,
    Project,
    Risk,
    StatusReport,
    Task,
    TimeEntry,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 18)  # a Wednesday


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        org = organisation.build(today=TODAY)
        counts = delivery.build(org, today=TODAY)
        yield org, counts
        # The module's data is removed by flushing: these tests share one expensive build.
        from django.core.management import call_command

        call_command("flush", "--no-input", verbosity=0)


def test_projects_cover_every_phase_up_to_closing(demo) -> None:
    phases = set(Project.objects.values_list("phase", flat=True))
    assert phases >= {"initiating", "planning", "executing", "monitoring", "closing"}
    walked = PhaseGate.objects.values("project").annotate(n=Count("pk"))
    assert {row["n"] for row in walked} >= {1, 2, 3, 4}


def test_plans_have_50_to_300_tasks_scheduled(demo) -> None:
    sizes = dict(Task.objects.values_list("project__code").annotate(n=Count("pk")))
    assert all(50 <= n <= 300 for n in sizes.values()), sizes
    assert not Task.objects.filter(start__isnull=True).exists()
    assert Task.objects.filter(critical=True).exists()
    assert not Project.objects.exclude(schedule_error="").exists()


def test_running_projects_have_baseline_budget_progress_and_approved_hours(demo) -> None:
    running = Project.objects.filter(phase__in=["executing", "monitoring", "closing"])
    for project in running:
        assert Baseline.objects.filter(project=project).exists()
        assert sum(line.amount for line in BudgetLine.objects.filter(project=project)) == project.budget
        assert Task.objects.filter(project=project, percent_complete=100).exists()
        approved = TimeEntry.objects.filter(task__project=project, status="approved")
        assert approved.exists(), project.code
        first = approved.aggregate(first=Min("day"))["first"]
        assert (TODAY - first).days > 60, "months of timesheets"
        assert Task.objects.filter(project=project, parent__isnull=True, actual_work_min__gt=0).exists()
        progress_days = {
            row.date()
            for row in Task.history.filter(project_id=project.pk, percent_complete__gt=0).values_list(
                "history_date", flat=True
            )
        }
        assert len(progress_days) >= 2, "progress recorded over the months, not in one step"
    assert TimeEntry.objects.filter(status="submitted").exists()  # waiting for the PM
    assert TimeEntry.objects.filter(status="draft").exists()  # this week


def test_risks_reports_and_issues(demo) -> None:
    assert Risk.objects.filter(score__gte=15).exists()
    assert Risk.objects.filter(status="occurred").exists()
    published = StatusReport.objects.filter(published_at__isnull=False)
    assert published.exists() and StatusReport.objects.filter(published_at__isnull=True).exists()


def test_counts_for_the_command(demo) -> None:
    _org, counts = demo
    assert counts["tasks"] == Task.objects.count()
    assert counts["time entries"] == TimeEntry.objects.count()
