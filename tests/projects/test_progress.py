"""Updating progress as of a date: finished work complete, work under way by the share of its span passed."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from tests.factories import make_user
from tripod.clients.models import Client
from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.models import BusinessEvent
from tripod.identity.models import Role
from tripod.projects.models import Project, Task
from tripod.projects.services.progress import project_progress_update
from tripod.projects.services.wbs_paste import tasks_paste

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    pm = make_user(Role.PM)
    client = Client.objects.create(name="Acme", owner_am=make_user(Role.AM))
    project = Project.objects.create(code="P-U", name="Update", client=client, pm=pm, start=date(2026, 1, 5))
    tasks_paste(
        actor=pm,
        project=project,
        text="Phase\t\t\t\n  Design\t2d\t16h\t\n  Build\t4d\t32h\t2\n  Done\t0\t\t3\n",
    )
    return pm, project


def _by_name(project: Project) -> dict[str, Task]:
    return {task.name: task for task in Task.objects.filter(project=project)}


def test_finished_work_is_complete_and_work_under_way_is_partial(plan) -> None:
    pm, project = plan
    # Design runs Mon 5 - Tue 6 Jan, Build Wed 7 - Mon 12 Jan (standard calendar).
    changed = project_progress_update(actor=pm, project=project, through=date(2026, 1, 8))

    tasks = _by_name(project)
    design, build, phase = tasks["Design"], tasks["Build"], tasks["Phase"]
    assert changed == 2
    assert design.percent_complete == 100 and design.status == "done"
    assert design.actual_start == design.start and design.actual_finish == design.finish
    assert 0 < build.percent_complete < 100 and build.status == "in_progress"
    assert build.actual_start == build.start and build.actual_finish is None
    assert tasks["Done"].percent_complete == 0
    # The phase rolls up by work: 16h at 100 % and 32h at the build's share.
    assert phase.percent_complete == round((16 * 100 + 32 * build.percent_complete) / 48)
    event = BusinessEvent.objects.get(verb="project.progress_updated")
    assert event.data == {"through": "2026-01-08", "tasks": 2}


def test_progress_is_never_lowered(plan) -> None:
    pm, project = plan
    Task.objects.filter(project=project, name="Build").update(percent_complete=80)
    project_progress_update(actor=pm, project=project, through=date(2026, 1, 7))
    assert _by_name(project)["Build"].percent_complete == 80


def test_only_the_plan_editor_may_update_and_not_for_the_future(plan) -> None:
    pm, project = plan
    with pytest.raises(Forbidden):
        project_progress_update(actor=make_user(Role.PM), project=project, through=date(2026, 1, 8))
    with pytest.raises(ValidationFailed) as exc:
        project_progress_update(actor=pm, project=project, through=timezone.localdate().replace(year=2099))
    assert "through" in exc.value.errors
    with pytest.raises(ValidationFailed):
        project_progress_update(actor=pm, project=project, through=date(2025, 12, 31))


def test_the_schedule_follows_the_actuals(plan) -> None:
    pm, project = plan
    project_progress_update(actor=pm, project=project, through=date(2026, 1, 12))
    done = _by_name(project)["Done"]
    assert timezone.localtime(done.finish).replace(tzinfo=None) == datetime(2026, 1, 12, 17, 0)
