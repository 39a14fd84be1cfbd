"""The WBS page and its HTMX endpoints through the real URLs: access cells, edits, errors, query budget."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.authz.world import build_world
from tests.projects.wbs_builders import flat_plan, make_plan, make_project, outline
from tripod.projects.models import Dependency, Task

pytestmark = pytest.mark.django_db

READ_ONLY = ("member_related", "self", "lm_related", "am_related")
NOT_FOUND = ("pm_unrelated", "member_unrelated", "lm_unrelated", "am_unrelated", "client_related", "client_unrelated")


@pytest.fixture
def world():
    world = build_world()
    world.tasks = make_plan(world.project, "Design\t2d\t16h\nBuild\t3d\t24h\t1\nShip\t0\t\t2")
    return world


def _page(world):
    return reverse("projects:wbs", args=[world.project.pk])


def _edit(world, task, field, value, version=None):
    url = reverse("projects:wbs_task_edit", args=[world.project.pk, task.pk])
    return {"path": url, "data": {"field": field, "value": value, "version": version or task.version}}


def _toast(response) -> dict:
    return json.loads(response.headers.get("HX-Trigger", "{}")).get("tripod:toast", {})


@pytest.mark.parametrize("actor", ["pm_related", "admin"])
def test_editors_get_the_editable_grid(client, world, actor):
    client.force_login(world.users[actor])
    response = client.get(_page(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-editable" in html and 'data-edit="text"' in html
    assert f"wbs-task-{world.tasks['Build'].pk}" in html


@pytest.mark.parametrize("actor", READ_ONLY)
def test_people_on_the_project_read_it_without_editors(client, world, actor):
    client.force_login(world.users[actor])
    response = client.get(_page(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Design" in html and "data-editable" not in html and "data-edit=" not in html
    edit = client.post(**_edit(world, world.tasks["Design"], "name", "Hijack"))
    assert edit.status_code == 403
    assert Task.objects.get(pk=world.tasks["Design"].pk).name == "Design"


@pytest.mark.parametrize("actor", NOT_FOUND)
def test_others_and_the_client_portal_get_404(client, world, actor):
    client.force_login(world.users[actor])
    assert client.get(_page(world)).status_code == 404
    assert client.post(**_edit(world, world.tasks["Design"], "name", "Hijack")).status_code == 404
    add = client.post(reverse("projects:wbs_task_add", args=[world.project.pk]))
    assert add.status_code == 404


def test_anonymous_goes_to_the_login_page(client, world):
    for response in (client.get(_page(world)), client.post(**_edit(world, world.tasks["Design"], "name", "x"))):
        assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_query_count_does_not_grow_with_the_plan(client, django_assert_max_num_queries):
    counts = []
    for size in (3, 30):
        project = make_project(code=f"QC-{size}")
        flat_plan(project, size)
        client.force_login(project.pm)
        url = reverse("projects:wbs", args=[project.pk])
        client.get(url)  # warm the session
        with django_assert_max_num_queries(20) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_editing_cells_saves_and_returns_the_grid(client, world):
    pm = world.users["pm_related"]
    client.force_login(pm)
    build = world.tasks["Build"]
    response = client.post(**_edit(world, build, "duration", "5d"))
    assert response.status_code == 200 and 'id="wbs-grid"' in response.content.decode()
    build.refresh_from_db()
    assert (build.duration_min, build.version) == (2400, 2)
    for field, value in (("work", "40"), ("percent_complete", "25%"), ("deliverable", "1")):
        client.post(**_edit(world, build, field, value))
        build.refresh_from_db()
    assert (build.work_min, build.percent_complete, build.deliverable, build.acceptance) == (2400, 25, True, "pending")
    client.post(**_edit(world, world.tasks["Ship"], "predecessors", "1FS+1d;2"))
    assert Dependency.objects.filter(succ=world.tasks["Ship"]).count() == 2


def test_a_bad_value_keeps_the_editor_and_says_why(client, world):
    client.force_login(world.users["pm_related"])
    response = client.post(**_edit(world, world.tasks["Build"], "duration", "three days"))
    assert response.headers["HX-Reswap"] == "none"
    assert "not a duration" in _toast(response)["message"]
    response = client.post(**_edit(world, world.tasks["Design"], "predecessors", "2"))
    assert "loop" in _toast(response)["message"] and "2 Build" in _toast(response)["message"]


def test_a_stale_version_shows_the_conflict(client, world):
    client.force_login(world.users["pm_related"])
    build = world.tasks["Build"]
    client.post(**_edit(world, build, "name", "Build it", version=1))
    response = client.post(**_edit(world, build, "name", "Lost", version=1))
    toast = _toast(response)
    assert toast["level"] == "warning" and "version 2" in toast["message"] and "Lost" in toast["message"]
    assert "Build it" in response.content.decode()


def test_row_commands_and_undo(client, world):
    client.force_login(world.users["pm_related"])
    pk, tasks = world.project.pk, world.tasks
    client.post(reverse("projects:wbs_task_add", args=[pk]), {"after": tasks["Design"].pk})
    assert [name for _c, name, _k in outline(world.project)] == ["Design", "New task", "Build", "Ship"]
    client.post(reverse("projects:wbs_task_indent", args=[pk, tasks["Build"].pk]))
    client.post(reverse("projects:wbs_task_up", args=[pk, tasks["Ship"].pk]))
    assert outline(world.project)[1:] == [
        ("2", "Ship", "milestone"),
        ("3", "New task", "summary"),
        ("3.1", "Build", "task"),
    ]
    refused = client.post(reverse("projects:wbs_task_outdent", args=[pk, tasks["Ship"].pk]))
    assert "outdented" in _toast(refused)["message"]
    deleted = client.post(reverse("projects:wbs_task_delete", args=[pk, tasks["Build"].pk]))
    restore_url = reverse("projects:wbs_task_restore", args=[pk, tasks["Build"].pk])
    assert restore_url in deleted.content.decode()
    client.post(restore_url)
    assert Task.objects.filter(pk=tasks["Build"].pk).exists()


def test_paste_preview_then_insert(client, world):
    client.force_login(world.users["pm_related"])
    pk = world.project.pk
    preview = client.post(reverse("projects:wbs_paste_preview", args=[pk]), {"text": "QA\t2d\n\tSmoke\t4h"})
    assert "2 rows will be inserted" in preview.content.decode()
    bad = client.post(reverse("projects:wbs_paste_preview", args=[pk]), {"text": "QA\tsoon"})
    assert "Row 1, column duration" in bad.content.decode()
    client.post(
        reverse("projects:wbs_paste", args=[pk]), {"text": "QA\t2d\n\tSmoke\t4h", "after": world.tasks["Ship"].pk}
    )
    assert outline(world.project)[-2:] == [("4", "QA", "summary"), ("4.1", "Smoke", "task")]
    bad_insert = client.post(reverse("projects:wbs_paste", args=[pk]), {"text": "Late\t2d\t\t99"})
    assert "Row 1, column predecessors" in _toast(bad_insert)["message"]
    assert not Task.objects.filter(name="Late").exists()


def test_the_scheduling_problem_is_shown(client, world):
    world.project.schedule_error = "links form a cycle"
    world.project.save()
    client.force_login(world.users["pm_related"])
    assert "Scheduling problem" in client.get(_page(world)).content.decode()


def test_a_plan_scheduled_in_the_background_shows_progress_and_polls(client, world):
    world.project.schedule_progress = 40
    world.project.save()
    client.force_login(world.users["member_related"])
    grid = client.get(reverse("projects:wbs_grid", args=[world.project.pk]))
    html = grid.content.decode()
    assert "40% done" in html and "data-wbs-poll" in html
    assert reverse("projects:wbs_grid", args=[world.project.pk]) in html
