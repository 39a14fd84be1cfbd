"""The scheduling service: a project's tasks and links through the engine, the dates stored in UTC."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.factories import make_user
from tripod.clients.models import Client
from tripod.identity.models import Role
from tripod.projects.models import Dependency, Project, Task
from tripod.projects.services.schedule import SYNC_TASK_LIMIT, project_schedule, schedule_after_change

pytestmark = pytest.mark.django_db


def _project(**fields) -> Project:
    am = make_user(Role.AM)
    client = Client.objects.create(name="Acme", owner_am=am)
    return Project.objects.create(code="P-S", name="Plan", client=client, start=date(2026, 1, 5), **fields)


def _task(project: Project, name: str, position: int, *, duration_days: float = 1, **fields) -> Task:
    return Task.objects.create(
        project=project, name=name, position=position, duration_min=int(duration_days * 480), **fields
    )


def _local(value: datetime) -> datetime:
    return timezone.localtime(value).replace(tzinfo=None)


@override_settings(TIME_ZONE="Asia/Shanghai")
def test_dates_slack_and_critical_path_are_stored_in_utc() -> None:
    project = _project()
    a = _task(project, "Design", 1, duration_days=2)
    b = _task(project, "Build", 2)
    c = _task(project, "Docs", 3)
    Dependency.objects.create(project=project, pred=a, succ=b)

    outcome = project_schedule(project=project)

    assert outcome.error == "" and outcome.task_count == 3 and outcome.changed == 3
    a, b, c = (Task.objects.get(pk=t.pk) for t in (a, b, c))
    assert a.start.utcoffset().total_seconds() == 0  # stored as UTC
    assert _local(a.start) == datetime(2026, 1, 5, 8, 0) and _local(a.finish) == datetime(2026, 1, 6, 17, 0)
    assert _local(b.start) == datetime(2026, 1, 7, 8, 0) and _local(b.finish) == datetime(2026, 1, 7, 17, 0)
    assert a.critical and b.critical and not c.critical
    assert c.total_slack_min == 2 * 480 and a.total_slack_min == 0
    assert _local(c.late_finish) == datetime(2026, 1, 7, 17, 0)
    project.refresh_from_db()
    assert project.scheduled_at is not None and project.schedule_error == ""
    assert outcome.critical_count == 2


def test_a_second_run_writes_only_what_changed() -> None:
    project = _project()
    a = _task(project, "A", 1)
    b = _task(project, "B", 2)
    _task(project, "C", 3)
    Dependency.objects.create(project=project, pred=a, succ=b)
    project_schedule(project=project)

    assert project_schedule(project=project).changed == 0
    Task.objects.filter(pk=a.pk).update(duration_min=960)
    assert project_schedule(project=project).changed == 3  # A longer, B later, C's slack grows


def test_deleted_tasks_and_their_links_are_left_out() -> None:
    project = _project()
    a = _task(project, "A", 1, duration_days=3)
    b = _task(project, "B", 2)
    Dependency.objects.create(project=project, pred=a, succ=b)
    Task.all_objects.filter(pk=a.pk).update(deleted_at=timezone.now())

    project_schedule(project=project)

    b.refresh_from_db()
    assert _local(b.start) == datetime(2026, 1, 5, 8, 0)


def test_summary_rolls_up_and_milestone_has_no_duration() -> None:
    project = _project()
    phase = _task(project, "Phase", 1, kind=Task.Kind.SUMMARY)
    a = _task(project, "A", 2, duration_days=2, parent=phase)
    done = _task(project, "Done", 3, duration_days=5, parent=phase, kind=Task.Kind.MILESTONE)
    Dependency.objects.create(project=project, pred=a, succ=done)

    project_schedule(project=project)

    phase.refresh_from_db()
    done.refresh_from_db()
    assert _local(phase.start) == datetime(2026, 1, 5, 8, 0)
    assert _local(phase.finish) == datetime(2026, 1, 6, 17, 0)
    assert done.start == done.finish


def test_a_cycle_is_kept_as_the_projects_scheduling_problem_and_dates_stay() -> None:
    project = _project()
    a = _task(project, "Alpha", 1)
    b = _task(project, "Beta", 2)
    project_schedule(project=project)
    before = Task.objects.get(pk=a.pk).start
    Dependency.objects.create(project=project, pred=a, succ=b)
    Dependency.objects.create(project=project, pred=b, succ=a)

    outcome = project_schedule(project=project)

    project.refresh_from_db()
    assert "Alpha" in outcome.error and "Beta" in outcome.error
    assert project.schedule_error == outcome.error
    assert Task.objects.get(pk=a.pk).start == before


def test_constraint_dates_and_actuals_go_through_the_local_time_zone() -> None:
    project = _project()
    tz = timezone.get_default_timezone()
    a = _task(
        project,
        "A",
        1,
        constraint_type=Task.Constraint.SNET,
        constraint_date=timezone.make_aware(datetime(2026, 1, 8, 8, 0), tz),
    )
    project_schedule(project=project)
    a.refresh_from_db()
    assert _local(a.start) == datetime(2026, 1, 8, 8, 0)


def test_big_plans_are_scheduled_in_the_background(django_capture_on_commit_callbacks, monkeypatch) -> None:
    from django_tasks_db.models import DBTaskResult

    from tripod.projects import tasks

    project = _project()
    monkeypatch.setattr("tripod.projects.services.schedule.SYNC_TASK_LIMIT", 2)
    for n in range(3):
        _task(project, f"T{n}", n + 1)
    database_queue = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=database_queue), django_capture_on_commit_callbacks(execute=True):
        schedule_after_change(project=project)

    project.refresh_from_db()
    queued = DBTaskResult.objects.get(task_path="tripod.projects.tasks.schedule_project")
    assert queued.args_kwargs["args"] == [project.pk]
    assert project.schedule_progress == 0
    assert Task.objects.filter(project=project, start__isnull=True).count() == 3

    assert tasks.schedule_project.call(project.pk) == 3
    project.refresh_from_db()
    assert project.schedule_progress is None
    assert not Task.objects.filter(project=project, start__isnull=True).exists()
    assert SYNC_TASK_LIMIT >= 1000
