"""Gantt and baselines pages through the real URLs: who may open and edit them, what a drag stores (as Microsoft
Project would), errors as JSON, and query counts that do not grow with the plan."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.authz.world import build_world
from tests.projects.gantt_builders import START, gantt_plan, gantt_project
from tripod.projects.models import Baseline, Dependency, Project, Task
from tripod.projects.services.baselines import baseline_save

pytestmark = pytest.mark.django_db

# what each actor gets on the Gantt of P1 (as tests/authz/truth_table.csv has it): 200, 404 (not visible, or the
# portal, which sees the project but never its plan) or the login page
EXPECTED = {
    "admin": 200,
    "pm_related": 200,
    "pm_unrelated": 404,
    "am_related": 200,
    "am_unrelated": 404,
    "lm_related": 200,
    "lm_unrelated": 404,
    "member_related": 200,
    "member_unrelated": 404,
    "client_related": 404,
    "client_unrelated": 404,
    "anonymous": 302,
}


@pytest.fixture
def world():
    world = build_world()
    Project.objects.filter(pk=world.project.pk).update(start=START)
    world.project.refresh_from_db()
    world.plan = gantt_plan(world.project, 12)
    world.baseline = baseline_save(actor=world.users["pm_related"], project=world.project)
    return world


def _client(client, world, actor):
    if actor != "anonymous":
        client.force_login(world.users[actor])
    return client


@pytest.mark.parametrize("actor", list(EXPECTED))
@pytest.mark.parametrize("name", ["gantt", "gantt_data", "baselines"])
def test_who_may_open_the_gantt_its_data_and_the_baselines(client, world, actor, name):
    response = _client(client, world, actor).get(reverse(f"projects:{name}", args=[world.project.pk]))
    assert response.status_code == EXPECTED[actor]
    if EXPECTED[actor] == 302:
        assert "/accounts/login" in response["Location"]


@pytest.mark.parametrize("actor", ["member_related", "am_related", "lm_related", "client_related"])
def test_only_editors_may_drag_link_or_save_baselines(client, world, actor):
    c = _client(client, world, actor)
    pk, task = world.project.pk, world.plan.by_name("Task 1.1")
    move = c.post(reverse("projects:gantt_move", args=[pk]), {"task": task.pk, "version": 1, "start": "2026-03-09"})
    link = c.post(reverse("projects:gantt_link", args=[pk]), {"pred": task.pk, "succ": world.plan.tasks[-1].pk})
    save = c.post(reverse("projects:baseline_save", args=[pk]), {"name": "mine"})
    expected = 404 if actor == "client_related" else 403  # the portal does not even see the plan
    assert (move.status_code, link.status_code, save.status_code) == (expected, expected, expected)
    assert Task.objects.get(pk=task.pk).constraint_type == "ASAP"
    assert Baseline.objects.filter(project=world.project).count() == 1


def test_moving_a_bar_sets_start_no_earlier_than_at_the_days_first_working_minute(client, world):
    c = _client(client, world, "pm_related")
    task = world.plan.by_name("Task 1.2")
    response = c.post(
        reverse("projects:gantt_move", args=[world.project.pk]),
        {"task": task.pk, "version": task.version, "start": "2026-03-14"},  # a Saturday
    )
    assert response.status_code == 200
    task.refresh_from_db()
    zone = timezone.get_default_timezone()
    assert task.constraint_type == "SNET"
    assert timezone.localtime(task.constraint_date, zone).replace(tzinfo=None) == datetime(2026, 3, 16, 8, 0)
    assert timezone.localtime(task.start, zone).replace(tzinfo=None) == datetime(2026, 3, 16, 8, 0)
    data = response.json()
    i = data["tasks"]["id"].index(task.pk)
    assert data["tasks"]["con"][i] == "SNET" and data["tasks"]["ver"][i] == task.version


def test_a_stale_version_is_refused_with_409_and_nothing_changes(client, world):
    c = _client(client, world, "pm_related")
    task = world.plan.by_name("Task 1.2")
    url = reverse("projects:gantt_move", args=[world.project.pk])
    response = c.post(url, {"task": task.pk, "version": task.version + 5, "start": "2026-03-16"})
    assert response.status_code == 409 and response.json()["message"]
    assert Task.objects.get(pk=task.pk).constraint_type == "ASAP"


def test_resizing_sets_the_duration_in_working_minutes(client, world):
    c = _client(client, world, "pm_related")
    task = world.plan.by_name("Task 1.1")  # Mon 2 - Tue 3 March, two days
    url = reverse("projects:gantt_resize", args=[world.project.pk])
    response = c.post(url, {"task": task.pk, "version": task.version, "finish": "2026-03-09"})  # next Monday
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.duration_min == 6 * 480  # Mon-Fri and Monday: the weekend does not count
    bad = c.post(url, {"task": task.pk, "version": task.version, "finish": "2026-02-01"})
    assert bad.status_code == 422 and "finish" in bad.json()["errors"]
    garbled = c.post(url, {"task": task.pk, "version": task.version, "finish": "soon"})
    assert garbled.status_code == 422 and garbled.json()["errors"]["finish"]
    summary = world.plan.by_name("Phase 1")
    assert c.post(url, {"task": summary.pk, "version": summary.version, "finish": "2026-04-01"}).status_code == 422


def test_linking_two_bars_and_a_cycle_is_refused_naming_the_tasks(client, world):
    c = _client(client, world, "pm_related")
    url = reverse("projects:gantt_link", args=[world.project.pk])
    a, b = world.plan.by_name("Task 2.1"), world.plan.by_name("Task 1.1")
    assert c.post(url, {"pred": b.pk, "succ": world.plan.by_name("Phase 2").pk}).status_code == 200
    assert Dependency.objects.filter(pred=b, succ__name="Phase 2").exists()
    cycle = c.post(url, {"pred": a.pk, "succ": b.pk})  # Task 1.1 already leads to Task 2.1
    assert cycle.status_code == 422
    assert "Task 1.1" in cycle.json()["message"] and "Task 2.1" in cycle.json()["message"]
    assert not Dependency.objects.filter(pred=a, succ=b).exists()
    assert c.post(url, {"pred": a.pk, "succ": b.pk, "type": "XX"}).status_code == 422


def test_unlinking_removes_the_dependency(client, world):
    c = _client(client, world, "pm_related")
    link = Dependency.objects.filter(project=world.project).first()
    response = c.post(reverse("projects:gantt_unlink", args=[world.project.pk]), {"dependency": link.pk})
    assert response.status_code == 200
    assert not Dependency.objects.filter(pk=link.pk).exists()
    assert link.pk not in [item[3] for item in response.json()["links"]]


def test_a_task_of_another_project_is_not_found(client, world):
    c = _client(client, world, "pm_related")
    other = gantt_plan(gantt_project(code="G9", pm=world.users["pm_related"]), 3).tasks[1]
    url = reverse("projects:gantt_move", args=[world.project.pk])
    assert c.post(url, {"task": other.pk, "version": 1, "start": "2026-03-16"}).status_code == 404


def test_baselines_page_saves_renames_compares_and_deletes(client, world):
    c = _client(client, world, "pm_related")
    pk = world.project.pk
    response = c.post(reverse("projects:baseline_save", args=[pk]), {"name": "After CR-7"})
    second = Baseline.objects.get(project=world.project, number=2)
    assert response.status_code == 302 and second.name == "After CR-7"
    c.post(reverse("projects:baseline_rename", args=[pk, second.pk]), {"name": "Re-plan"})
    assert Baseline.objects.get(pk=second.pk).name == "Re-plan"
    task = world.plan.by_name("Task 1.1")
    Task.objects.filter(pk=task.pk).update(finish=task.finish + timezone.timedelta(days=1))
    page = c.get(reverse("projects:baselines", args=[pk]), {"baseline": world.baseline.pk})
    html = page.content.decode()
    assert page.status_code == 200 and "Task 1.1" in html and "+1 d" in html and "Task 1.2" not in html
    everything = c.get(reverse("projects:baselines", args=[pk]), {"baseline": world.baseline.pk, "all": "1"})
    assert "Task 1.2" in everything.content.decode()
    too_long = c.post(reverse("projects:baseline_rename", args=[pk, second.pk]), {"name": "x" * 200}, follow=True)
    assert "120" in too_long.content.decode()
    c.post(reverse("projects:baseline_delete", args=[pk, second.pk]))
    assert not Baseline.objects.filter(pk=second.pk).exists()


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize(("name", "budget"), [("gantt", 7), ("gantt_data", 11), ("baselines", 13)])
def test_page_query_counts_do_not_grow_with_the_plan(client, size, name, budget, django_assert_num_queries):
    project = gantt_project(code=f"Q{size}")
    gantt_plan(project, size)
    baseline_save(actor=project.pm, project=project)
    client.force_login(project.pm)
    url = reverse(f"projects:{name}", args=[project.pk])
    with django_assert_num_queries(budget):
        assert client.get(url).status_code == 200


def test_the_data_shows_the_chosen_baseline_none_or_refuses_an_unknown_one(client, world):
    c = _client(client, world, "member_related")
    url = reverse("projects:gantt_data", args=[world.project.pk])
    newest = c.get(url).json()
    assert newest["meta"]["baseline"] == world.baseline.pk and newest["meta"]["editable"] is False
    assert newest["tasks"]["bs"][1] == newest["tasks"]["start"][1]
    none = c.get(url, {"baseline": "0"}).json()
    assert none["meta"]["baseline"] is None and none["tasks"]["bs"][1] is None
    assert c.get(url, {"baseline": "abc"}).status_code == 404
    assert c.get(url, {"baseline": "999999"}).status_code == 404


def test_a_drag_without_the_tasks_version_is_refused(client, world):
    c = _client(client, world, "pm_related")
    task = world.plan.by_name("Task 1.2")
    response = c.post(reverse("projects:gantt_move", args=[world.project.pk]), {"task": task.pk, "start": "2026-03-16"})
    assert response.status_code == 422 and response.json()["errors"]["version"]
    assert Task.objects.get(pk=task.pk).constraint_type == "ASAP"
