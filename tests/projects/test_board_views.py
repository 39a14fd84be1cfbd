"""The board pages through their real URLs: who may open and move (each access cell), HTMX moves, the settings
form, and query counts that do not grow with the number of tasks."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.authz.world import build_world
from tests.projects.board_builders import assign, make_person, make_summary, make_task, pm_and_member
from tripod.projects.models import Task

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "board-columns"}

# actor -> status of GET board, POST move, GET settings
CELLS = {
    "pm_related": (200, 200, 200),
    "member_related": (200, 200, 403),
    "pm_unrelated": (404, 404, 404),
    "lm_related": (200, 403, 403),
    "am_related": (200, 403, 403),
    "client_related": (404, 404, 404),
}


@pytest.mark.parametrize("actor", list(CELLS))
def test_access_cells(client, actor):
    world = build_world()
    task = make_task(world.project, "Cell task")
    client.force_login(world.users[actor])
    board, move, settings = CELLS[actor]
    pk = world.project.pk
    assert client.get(reverse("projects:board", args=[pk])).status_code == board
    response = client.post(reverse("projects:board_move", args=[pk]), {"task": task.pk, "status": "done"}, **HTMX)
    assert response.status_code == move
    task.refresh_from_db()
    assert (task.status == "done") == (move == 200)
    assert client.get(reverse("projects:board_settings", args=[pk])).status_code == settings


def test_anonymous_is_sent_to_log_in(client):
    world = build_world()
    task = make_task(world.project)
    pk = world.project.pk
    for response in (
        client.get(reverse("projects:board", args=[pk])),
        client.post(reverse("projects:board_move", args=[pk]), {"task": task.pk, "status": "done"}),
        client.get(reverse("projects:board_settings", args=[pk])),
    ):
        assert response.status_code == 302 and "/accounts/login" in response.url
    task.refresh_from_db()
    assert task.status == "todo"


def test_the_board_shows_cards_filters_and_move_menus(client):
    pm, _member, project = pm_and_member()
    phase = make_summary(project, "Phase Alpha")
    task = make_task(project, "Write the spec", parent=phase)
    assign(task, make_person("Ann Lee"))
    client.force_login(pm)
    html = client.get(reverse("projects:board", args=[project.pk])).content.decode()
    for text in (
        "Write the spec",
        "Ann Lee",
        "Phase Alpha",
        "To do",
        "In review",
        'draggable="true"',
        f'id="move-{task.pk}"',
        "board.js",
        "board.css",
        reverse("projects:board_settings", args=[project.pk]),
    ):
        assert text in html, text


def test_a_member_does_not_get_the_settings_link_and_lm_gets_no_move_menu(client):
    world = build_world()
    make_task(world.project, "Visible card")
    client.force_login(world.users["member_related"])
    html = client.get(reverse("projects:board", args=[world.project.pk])).content.decode()
    assert "board/settings" not in html and "tp-board-move" in html
    client.force_login(world.users["lm_related"])
    html = client.get(reverse("projects:board", args=[world.project.pk])).content.decode()
    assert "Visible card" in html and "tp-board-move" not in html and 'draggable="true"' not in html


def test_an_htmx_move_answers_the_columns_with_a_toast(client):
    pm, _member, project = pm_and_member()
    task = make_task(project, "Movable")
    client.force_login(pm)
    url = reverse("projects:board_move", args=[project.pk])
    response = client.post(url, {"task": task.pk, "status": "in_progress", "version": task.version}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="board-columns"') and f'data-moved="{task.pk}"' in html
    toast = json.loads(response.headers["HX-Trigger"])["tripod:toast"]
    assert toast["level"] == "success" and "Movable" in toast["message"]
    task.refresh_from_db()
    assert task.status == "in_progress"


def test_a_move_over_the_wip_limit_warns_and_flags_the_column(client):
    pm, _member, project = pm_and_member()
    project.task_statuses[1]["wip"] = 1
    project.save()
    make_task(project, status="in_progress")
    task = make_task(project)
    client.force_login(pm)
    response = client.post(
        reverse("projects:board_move", args=[project.pk]), {"task": task.pk, "status": "in_progress"}, **HTMX
    )
    toast = json.loads(response.headers["HX-Trigger"])["tripod:toast"]
    assert toast["level"] == "warning" and "WIP limit (2 of 1)" in toast["message"]
    assert "tp-board-over" in response.content.decode()


def test_a_bad_or_stale_move_changes_nothing_and_says_why(client):
    pm, _member, project = pm_and_member()
    task = make_task(project)
    client.force_login(pm)
    url = reverse("projects:board_move", args=[project.pk])
    response = client.post(url, {"task": task.pk, "status": "nowhere"}, **HTMX)
    assert json.loads(response.headers["HX-Trigger"])["tripod:toast"]["level"] == "error"
    response = client.post(url, {"task": task.pk, "status": "done", "version": 7}, **HTMX)
    assert json.loads(response.headers["HX-Trigger"])["tripod:toast"]["level"] == "warning"
    task.refresh_from_db()
    assert task.status == "todo"
    summary = make_summary(project, "Roll-up")
    response = client.post(url, {"task": summary.pk, "status": "done"}, **HTMX)
    assert json.loads(response.headers["HX-Trigger"])["tripod:toast"]["level"] == "error"
    # Not a task id at all: not found, not a server error.
    assert client.post(url, {"task": "abc", "status": "done"}, **HTMX).status_code == 404


def test_a_move_without_javascript_redirects_back_keeping_the_filters(client):
    pm, _member, project = pm_and_member()
    task = make_task(project)
    client.force_login(pm)
    response = client.post(
        reverse("projects:board_move", args=[project.pk]), {"task": task.pk, "status": "done", "assignee": "none"}
    )
    assert response.status_code == 302
    assert response.url == reverse("projects:board", args=[project.pk]) + "?assignee=none"
    task.refresh_from_db()
    assert task.status == "done"


def test_the_pm_edits_the_statuses_through_the_settings_form(client):
    pm, _member, project = pm_and_member()
    client.force_login(pm)
    url = reverse("projects:board_settings", args=[project.pk])
    html = client.get(url).content.decode()
    assert 'name="s-0-code"' in html and 'name="s-4-code"' in html  # four statuses and an empty row
    rows = [
        ("todo", "To do", "", True, ""),
        ("in_progress", "Doing", "2", False, ""),
        ("in_review", "In review", "", False, "on"),
        ("done", "Done", "", True, ""),
        ("blocked", "Blocked", "", False, ""),
    ]
    data = {
        "s-TOTAL_FORMS": "5",
        "s-INITIAL_FORMS": "4",
        "s-MIN_NUM_FORMS": "0",
        "s-MAX_NUM_FORMS": "30",
        "version": str(project.version),
    }
    for n, (code, label, wip, done, delete) in enumerate(rows):
        data.update({f"s-{n}-code": code, f"s-{n}-label": label, f"s-{n}-wip": wip, f"s-{n}-ORDER": str(n + 1)})
        if done and code == "done":
            data[f"s-{n}-done"] = "on"
        if delete:
            data[f"s-{n}-DELETE"] = "on"
    data["s-4-ORDER"] = "2"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert [s["code"] for s in project.task_statuses] == ["todo", "in_progress", "blocked", "done"]
    assert project.task_statuses[0]["label"] == "To do" and project.task_statuses[1] == {
        "code": "in_progress",
        "label": "Doing",
        "wip": 2,
        "done": False,
    }


def test_the_settings_form_says_why_a_status_cannot_be_removed(client):
    pm, _member, project = pm_and_member()
    make_task(project, status="in_review")
    client.force_login(pm)
    url = reverse("projects:board_settings", args=[project.pk])
    data = {
        "s-TOTAL_FORMS": "4",
        "s-INITIAL_FORMS": "4",
        "s-MIN_NUM_FORMS": "0",
        "s-MAX_NUM_FORMS": "30",
        "version": str(project.version),
    }
    for n, status in enumerate(project.task_statuses):
        data.update({f"s-{n}-code": status["code"], f"s-{n}-label": status["label"], f"s-{n}-ORDER": str(n)})
        if status["done"]:
            data[f"s-{n}-done"] = "on"
    data["s-2-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 422
    assert "used by 1 task" in response.content.decode()
    project.refresh_from_db()
    assert len(project.task_statuses) == 4


def _grow(project, phase, n):
    for i in range(n):
        task = make_task(project, parent=phase, status=["todo", "in_progress", "in_review"][i % 3])
        assign(task, make_person())


def test_board_page_and_move_queries_do_not_grow_with_tasks(client, django_assert_num_queries):
    pm, _member, project = pm_and_member()
    phase = make_summary(project, "Phase")
    _grow(project, phase, 3)
    client.force_login(pm)
    url = reverse("projects:board", args=[project.pk])
    move_url = reverse("projects:board_move", args=[project.pk])

    def counts():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        task = Task.objects.filter(project=project, status="todo").first()
        with CaptureQueriesContext(connection) as page:
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as move:
            assert client.post(move_url, {"task": task.pk, "status": "done"}, **HTMX).status_code == 200
        return len(page.captured_queries), len(move.captured_queries)

    small = counts()
    print("board page / move queries:", small)
    assert small[0] <= 10 and small[1] <= 16  # budgets: the page, and a move with the columns it answers
    _grow(project, phase, 27)
    assert counts() == small
    page_count, _move_count = small
    with django_assert_num_queries(page_count):
        client.get(url)
