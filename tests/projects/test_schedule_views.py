"""The banner a project page polls while its plan is scheduled in the background."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from tests.authz.world import build_world
from tripod.projects.models import Project

pytestmark = pytest.mark.django_db


def _get(user, project: Project):
    http = HttpClient()
    http.force_login(user)
    return http.get(reverse("projects:schedule_status", args=[project.pk]))


def test_progress_while_running_then_a_refresh_when_done() -> None:
    world = build_world()
    project = world.project
    Project.objects.filter(pk=project.pk).update(schedule_progress=40)

    running = _get(world.users["member_related"], project)
    assert running.status_code == 200
    assert 'value="40"' in running.content.decode() and "every 2s" in running.content.decode()

    Project.objects.filter(pk=project.pk).update(schedule_progress=None)
    done = _get(world.users["member_related"], project)
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_only_staff_who_see_the_project() -> None:
    world = build_world()
    Project.objects.filter(pk=world.project.pk).update(schedule_progress=10)
    assert _get(world.users["client_related"], world.project).status_code == 404
    assert _get(world.users["pm_unrelated"], world.project).status_code == 404
    assert _get(world.users["pm_related"], world.project).status_code == 200


def _post(user, project: Project, through: str):
    http = HttpClient()
    http.force_login(user)
    return http.post(reverse("projects:progress_update", args=[project.pk]), {"through": through}, follow=True)


def test_the_pm_updates_progress_from_the_wbs_page() -> None:
    from datetime import date, timedelta

    from tripod.projects.models import Task

    world = build_world()
    project = world.project
    Project.objects.filter(pk=project.pk).update(start=date.today() - timedelta(days=30))
    project.refresh_from_db()
    from tripod.projects.services.wbs import task_create

    task = task_create(actor=world.users["pm_related"], project=project, name="Early work", duration_min=480)
    response = _post(world.users["pm_related"], project, date.today().isoformat())
    assert response.status_code == 200
    assert "1 task changed" in response.content.decode()
    assert Task.objects.get(pk=task.pk).percent_complete == 100

    bad = _post(world.users["pm_related"], project, "someday")
    assert "YYYY-MM-DD" in bad.content.decode()


def test_only_the_plan_editor_updates_progress() -> None:
    world = build_world()
    assert _post(world.users["member_related"], world.project, "2026-01-01").status_code == 403
    assert _post(world.users["pm_unrelated"], world.project, "2026-01-01").status_code == 404
