"""The resources page through the real URLs: access cells for assignments, add / edit / remove with the
over-allocation warning right there, the load heat map, and a flat query count."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.authz.world import build_world
from tests.projects.time_builders import MONDAY, make_project, make_staff, make_task, page_queries, signed_in
from tripod.projects.models import Assignment
from tripod.projects.services.assignments import assignment_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world()
    world.task = make_task(world.project, "Build API")
    world.assignment = assignment_create(actor=world.users["admin"], task=world.task, person=world.person).assignment
    return world


PAGE_CELLS = {
    "anonymous": 302,
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
    "self": 200,
}


@pytest.mark.parametrize(("actor", "status"), PAGE_CELLS.items())
def test_resources_page_access(client, world, actor, status):
    response = signed_in(client, world, actor).get(reverse("projects:resources", args=[world.project.pk]))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Subject S" in body and "Build API" in body
        assert "321" not in body  # never the rate
        editable = actor in ("admin", "pm_related")
        assert (f"projects/{world.project.pk}/resources/assign/" in body) == editable


EDIT_CELLS = {
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


@pytest.mark.parametrize(("actor", "status"), EDIT_CELLS.items())
def test_assignment_edit_and_remove_access(client, world, actor, status):
    client = signed_in(client, world, actor)
    edit = reverse("projects:assignment_edit", args=[world.project.pk, world.assignment.pk])
    assert client.get(edit).status_code == status
    remove = reverse("projects:assignment_remove", args=[world.project.pk, world.assignment.pk])
    response = client.post(remove)
    assert response.status_code == (302 if status == 200 else status)
    assert Assignment.objects.filter(pk=world.assignment.pk).exists() == (status != 200)


def test_an_assignment_of_another_project_is_not_found_here(client, world):
    other = make_project(pm=world.users["pm_related"])
    task = make_task(other)
    foreign = Assignment.objects.create(task=task, person=world.person)
    client.force_login(world.users["pm_related"])
    assert client.get(reverse("projects:assignment_edit", args=[world.project.pk, foreign.pk])).status_code == 404


def test_adding_an_overallocating_assignment_warns_naming_person_weeks_and_hours(client, world):
    client.force_login(world.users["pm_related"])
    second = make_task(world.project, "Write docs")
    response = client.post(
        reverse("projects:assignment_add", args=[world.project.pk]),
        {"task": second.pk, "person": world.person.pk, "units": "50", "planned_hours": ""},
        follow=True,
    )
    body = response.content.decode()
    assert Assignment.objects.filter(task=second, person=world.person, planned_work_min=1200).exists()
    assert "data-tp-overallocation" in body
    assert "Subject S is over-allocated" in body and MONDAY.isoformat() in body and "60.0 h planned for 40.0 h" in body
    # and the heat map flags that week
    page = client.get(reverse("projects:resources", args=[world.project.pk]) + f"?from={MONDAY}").content.decode()
    assert "tp-heat-over" in page


def test_bad_input_is_shown_on_the_form(client, world):
    client.force_login(world.users["pm_related"])
    response = client.post(
        reverse("projects:assignment_add", args=[world.project.pk]),
        {"task": world.task.pk, "person": world.person.pk, "units": "100"},
    )
    assert response.status_code == 422
    assert "already assigned" in response.content.decode()
    response = client.post(
        reverse("projects:assignment_add", args=[world.project.pk]),
        {"task": world.task.pk, "person": world.person.pk, "units": "5000"},
    )
    assert response.status_code == 422 and "is-invalid" in response.content.decode()


def test_editing_units_recomputes_planned_work_and_a_stale_version_is_refused(client, world):
    client.force_login(world.users["pm_related"])
    url = reverse("projects:assignment_edit", args=[world.project.pk, world.assignment.pk])
    response = client.post(url, {"units": "50", "planned_hours": "40", "version": "1"})
    assert response.status_code == 302
    world.assignment.refresh_from_db()
    assert (world.assignment.units, world.assignment.planned_work_min) == (Decimal("50.0"), 1200)
    response = client.post(url, {"units": "20", "planned_hours": "", "version": "1"})
    assert response.status_code == 200 and "changed by someone else" in response.content.decode()
    world.assignment.refresh_from_db()
    assert world.assignment.units == Decimal("50.0")


def test_resources_page_query_count_is_flat(client, world):
    client.force_login(world.users["pm_related"])
    url = reverse("projects:resources", args=[world.project.pk]) + f"?from={MONDAY}"

    def add(n):
        for _ in range(n):
            user, person = make_staff(name=None)
            world.project.memberships.create(user=user)
            Assignment.objects.create(task=make_task(world.project), person=person, planned_work_min=600)

    add(3)
    few, _page = page_queries(client, url)
    add(27)
    many, body = page_queries(client, url)
    assert many == few
    assert body.count("tp-heat-light") >= 30
    assert few <= 20
