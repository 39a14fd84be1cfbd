"""Timesheet pages through the real URLs: the access cells for time entries, the grid, cells saved in place, the
PM's approval page (hours, never rates), and flat query counts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.authz.world import build_world
from tests.projects.time_builders import MONDAY, make_staff, make_task, page_queries, signed_in
from tripod.projects.models import Task, TimeEntry
from tripod.projects.services.timesheets import time_entry_save, timesheet_submit
from tripod.projects.views.timesheets import parse_hours

pytestmark = pytest.mark.django_db
WEEK = MONDAY.isoformat()


@pytest.fixture
def world():
    world = build_world()
    world.task = make_task(world.project, "Build API")
    return world


def _submitted(world, minutes=150):
    time_entry_save(actor=world.users["self"], task=world.task, day=MONDAY, minutes=minutes)
    timesheet_submit(actor=world.users["self"], week=MONDAY)


APPROVALS_CELLS = {
    "anonymous": 302,
    "admin": 200,
    "pm_related": 200,
    "pm_unrelated": 404,
    "am_related": 403,
    "am_unrelated": 404,
    "lm_related": 403,
    "lm_unrelated": 404,
    "member_related": 403,
    "member_unrelated": 404,
    "client_related": 404,
    "client_unrelated": 404,
    "self": 403,
}


@pytest.mark.parametrize(("actor", "status"), APPROVALS_CELLS.items())
def test_approval_page_access(client, world, actor, status):
    _submitted(world)
    response = signed_in(client, world, actor).get(reverse("projects:time_approvals", args=[world.project.pk]))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Subject S" in body and "2.5" in body
        assert "321" not in body  # the rate
        assert "375" not in body  # nor the cost it would give


PERSON_WEEK_CELLS = {
    "anonymous": 302,
    "admin": 200,
    "pm_related": 404,  # the PM sees the project's hours on the approval page, not the person's whole week
    "pm_unrelated": 404,
    "am_related": 404,
    "am_unrelated": 404,
    "lm_related": 200,
    "lm_unrelated": 404,
    "member_related": 404,
    "member_unrelated": 404,
    "client_related": 404,
    "client_unrelated": 404,
    "self": 200,
}


@pytest.mark.parametrize(("actor", "status"), PERSON_WEEK_CELLS.items())
def test_a_persons_week_access(client, world, actor, status):
    _submitted(world)
    url = reverse("projects:timesheet", args=[WEEK]) + f"?person={world.person.pk}"
    response = signed_in(client, world, actor).get(url)
    assert response.status_code == status
    if status == 200:
        assert "Build API" in response.content.decode()


def test_the_line_manager_sees_the_approved_cost_the_person_does_not(client, world):
    _submitted(world)
    client.force_login(world.users["pm_related"])
    client.post(
        reverse("projects:time_decide", args=[world.project.pk]),
        {"person": world.person.pk, "week": WEEK, "decision": "approve"},
    )
    assert TimeEntry.objects.get().cost == Decimal("802.50")
    url = reverse("projects:timesheet", args=[WEEK]) + f"?person={world.person.pk}"
    client.force_login(world.users["lm_related"])
    assert "802.50" in client.get(url).content.decode()
    client.force_login(world.users["self"])
    body = client.get(reverse("projects:timesheet", args=[WEEK])).content.decode()
    assert "802" not in body and "Build API" in body


CELL_CELLS = {
    "anonymous": 302,
    "self": 200,
    "member_related": 200,
    "lm_related": 404,  # sees the project (their report works on it) but books no time on it: no task to book on
    "lm_unrelated": 404,
    "member_unrelated": 404,
    "client_related": 404,
    "admin": 403,  # no person record: keeps no timesheet
}


@pytest.mark.parametrize(("actor", "status"), CELL_CELLS.items())
def test_saving_a_cell_access(client, world, actor, status):
    response = signed_in(client, world, actor).post(
        reverse("projects:timesheet_cell"), {"task": world.task.pk, "day": WEEK, "hours": "1.5"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == status
    assert TimeEntry.objects.count() == (1 if status == 200 else 0)


def test_a_cell_saves_in_place_and_answers_with_the_totals(client, world):
    client.force_login(world.users["self"])
    url = reverse("projects:timesheet_cell")
    response = client.post(url, {"task": world.task.pk, "day": WEEK, "hours": "1:30"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert TimeEntry.objects.get().minutes == 90
    assert 'id="ts-week-total" hx-swap-oob="true">1.5<' in body
    assert f'id="ts-row-total-{world.task.pk}" hx-swap-oob="true">1.5<' in body
    # Too much in one day: the cell says why, naming the day, and nothing changes.
    other = make_task(world.project, "Docs")
    response = client.post(url, {"task": other.pk, "day": WEEK, "hours": "23"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "2026-03-02" in response.content.decode() and "is-invalid" in response.content.decode()
    assert "tripod:toast" in response.headers["HX-Trigger"]
    assert TimeEntry.objects.count() == 1
    # Emptying the cell removes the entry.
    client.post(url, {"task": world.task.pk, "day": WEEK, "hours": ""}, HTTP_HX_REQUEST="true")
    assert not TimeEntry.objects.exists()


def test_cells_refuse_summaries_and_bad_numbers(client, world):
    client.force_login(world.users["self"])
    summary = make_task(world.project, "Phase", kind=Task.Kind.SUMMARY)
    response = client.post(reverse("projects:timesheet_cell"), {"task": summary.pk, "day": WEEK, "hours": "2"})
    assert "summary" in response.content.decode()
    response = client.post(reverse("projects:timesheet_cell"), {"task": world.task.pk, "day": WEEK, "hours": "two"})
    assert "1:30" in response.content.decode()
    assert not TimeEntry.objects.exists()


@pytest.mark.parametrize("hours", ["1", "abc"])
def test_a_task_of_a_project_one_does_not_work_on_is_not_found_even_with_bad_hours(client, world, hours):
    """A bad number must not answer with the cell (and so the name) of a task the user may not book on."""
    client.force_login(world.users["member_unrelated"])
    response = client.post(reverse("projects:timesheet_cell"), {"task": world.task.pk, "day": WEEK, "hours": hours})
    assert response.status_code == 404
    assert world.task.name not in response.content.decode()


def test_parse_hours():
    assert [parse_hours(v) for v in ("", "1.5", "1,25", "2:05", "0")] == [0, 90, 75, 125, 0]


def test_submit_then_approve_and_return_through_the_pages(client, world):
    client.force_login(world.users["self"])
    time_entry_save(actor=world.users["self"], task=world.task, day=MONDAY, minutes=60)
    response = client.post(reverse("projects:timesheet_submit", args=[WEEK]))
    assert response.status_code == 302
    assert TimeEntry.objects.get().status == "submitted"
    client.force_login(world.users["pm_related"])
    decide = reverse("projects:time_decide", args=[world.project.pk])
    client.post(decide, {"person": world.person.pk, "week": WEEK, "decision": "return", "reason": ""})
    assert TimeEntry.objects.get().status == "submitted"  # a return needs a reason
    client.post(decide, {"person": world.person.pk, "week": WEEK, "decision": "return", "reason": "Wrong task"})
    assert TimeEntry.objects.get().status == "returned"
    client.force_login(world.users["self"])
    body = client.get(reverse("projects:timesheet", args=[WEEK])).content.decode()
    assert "Wrong task" in body and 'name="hours"' in body


def test_a_pm_cannot_decide_on_someone_without_submitted_hours_on_their_project(client, world):
    client.force_login(world.users["pm_related"])
    _stranger_user, stranger = make_staff(name="Unseen Person")
    response = client.post(
        reverse("projects:time_decide", args=[world.project.pk]),
        {"person": stranger.pk, "week": WEEK, "decision": "approve"},
    )
    assert response.status_code == 404
    assert "Unseen Person" not in response.content.decode()


def test_the_unrated_warning_reveals_no_rate(client, world):
    world.person.cost_rate = None
    world.person.save()
    _submitted(world)
    client.force_login(world.users["pm_related"])
    page = client.get(reverse("projects:time_approvals", args=[world.project.pk])).content.decode()
    assert "no cost rate" in page
    response = client.post(
        reverse("projects:time_decide", args=[world.project.pk]),
        {"person": world.person.pk, "week": WEEK, "decision": "approve"},
        follow=True,
    )
    assert "costed at 0" in response.content.decode()


def test_grid_query_count_is_flat(client, world):
    user = world.users["self"]
    client.force_login(user)
    url = reverse("projects:timesheet", args=[WEEK])

    def add(n):
        for _ in range(n):
            task = make_task(world.project)
            for offset in range(3):
                time_entry_save(actor=user, task=task, day=MONDAY + timedelta(days=offset), minutes=30)

    add(3)
    few, _page = page_queries(client, url)
    add(27)
    assert page_queries(client, url)[0] == few
    assert few <= 10


def test_approval_page_query_count_is_flat(client, world):
    pm = world.users["pm_related"]
    client.force_login(pm)
    url = reverse("projects:time_approvals", args=[world.project.pk])

    def add(n):
        for _ in range(n):
            user, _person = make_staff(name=None)
            world.project.memberships.create(user=user)
            time_entry_save(actor=user, task=world.task, day=MONDAY, minutes=60)
            timesheet_submit(actor=user, week=MONDAY)

    add(3)
    few, _page = page_queries(client, url)
    add(27)
    assert page_queries(client, url)[0] == few
    assert few <= 14
