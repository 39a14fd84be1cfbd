"""Project pages: scoped list, detail with members, create and edit through the services."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tripod.projects.models import Project
from tripod.projects.services import project_create, project_update

pytestmark = pytest.mark.django_db


def test_list_shows_only_visible_projects(org: Any, login: Any) -> None:
    html = login(org.pm).get(reverse("projects:list")).content.decode()
    assert "ERP rollout" in html and "Data platform" in html
    assert "Shop revamp" not in html


def test_portal_list_has_no_people_columns(org: Any, login: Any) -> None:
    html = login(org.portal).get(reverse("projects:list")).content.decode()
    assert "ERP rollout" in html and "Shop revamp" not in html
    assert "Project manager</" not in html and "王芳" not in html


def test_list_filters_by_phase(org: Any, login: Any) -> None:
    html = login(org.admin).get(reverse("projects:list"), {"phase": "executing"}).content.decode()
    assert "Data platform" in html and "ERP rollout" not in html


def test_list_query_budget_does_not_grow_with_rows(org: Any, login: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(30):
        project_create(
            actor=org.admin, code=f"X-{i:02}", name=f"Project {i}", client=org.acme, pm=org.pm, members=(org.dev,)
        )
    client = login(org.pm)
    client.get(reverse("projects:list"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("projects:list"))
    assert "X-00" in response.content.decode()


def test_cockpit_query_budget_does_not_grow_with_rows(org: Any, login: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(30):
        project_create(actor=org.admin, code=f"X-{i:02}", name=f"Project {i}", client=org.acme, pm=org.pm)
    client = login(org.pm)
    url = reverse("core:cockpit", kwargs={"role": "pm"})
    client.get(url)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


def test_detail_shows_members_to_staff(org: Any, login: Any) -> None:
    html = login(org.pm).get(reverse("projects:detail", args=[org.p1.pk])).content.decode()
    assert "Dev Zhang" in html
    assert "Add a member" in html


def test_detail_hides_members_and_budget_from_the_portal(org: Any, login: Any) -> None:
    html = login(org.portal).get(reverse("projects:detail", args=[org.p1.pk])).content.decode()
    assert "ERP rollout" in html
    assert "Dev Zhang" not in html and "Budget" not in html


def test_detail_of_an_invisible_project_is_404(org: Any, login: Any) -> None:
    assert login(org.pm).get(reverse("projects:detail", args=[org.p3.pk])).status_code == 404
    assert login(org.portal).get(reverse("projects:detail", args=[org.p3.pk])).status_code == 404


def test_create_project(org: Any, login: Any) -> None:
    response = login(org.pm).post(
        reverse("projects:create"),
        {
            "code": "ACM-3",
            "name": "Mobile app",
            "client": org.acme.pk,
            "pm": org.pm.pk,
            "phase": "planning",
            "budget": "120000",
            "currency": "CNY",
        },
    )
    assert response.status_code == 302
    assert Project.objects.get(code="ACM-3").pm == org.pm


def test_create_with_bad_dates_shows_the_error(org: Any, login: Any) -> None:
    response = login(org.pm).post(
        reverse("projects:create"),
        {
            "code": "ACM-4",
            "name": "Backwards",
            "client": org.acme.pk,
            "phase": "planning",
            "budget": "-5",
            "currency": "CNY",
            "start": "2026-05-01",
            "target_finish": "2026-04-01",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_budget_error"' in html
    assert not Project.objects.filter(code="ACM-4").exists()


def test_create_is_forbidden_to_an_account_manager(org: Any, login: Any) -> None:
    assert login(org.am).get(reverse("projects:create")).status_code == 403


def test_edit_project_and_stale_version(org: Any, login: Any) -> None:
    url = reverse("projects:edit", args=[org.p1.pk])
    data = {
        "name": "ERP rollout phase 2",
        "client": org.acme.pk,
        "pm": org.pm.pk,
        "phase": "executing",
        "budget": "1000",
        "currency": "CNY",
        "version": 1,
    }
    client = login(org.pm)
    assert client.post(url, data).status_code == 302
    org.p1.refresh_from_db()
    assert org.p1.name == "ERP rollout phase 2" and org.p1.version == 2

    project_update(actor=org.admin, project=org.p1, version=2, phase="closing")
    response = client.post(url, {**data, "version": 2, "phase": "planning"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this record" in html
    assert "Planning" in html and "Closing" in html


def test_edit_is_forbidden_to_another_pm(org: Any, login: Any) -> None:
    assert login(org.pm2).get(reverse("projects:edit", args=[org.p3.pk])).status_code == 200
    assert login(org.pm2).get(reverse("projects:edit", args=[org.p1.pk])).status_code == 404


def test_add_member(org: Any, login: Any) -> None:
    response = login(org.pm).post(reverse("projects:member_add", args=[org.p2.pk]), {"user": org.dev.pk})
    assert response.status_code == 302
    assert org.p2.members.filter(pk=org.dev.pk).exists()


def test_remove_member_asks_for_confirmation_and_removes(org: Any, login: Any) -> None:
    client = login(org.pm)
    html = client.get(reverse("projects:detail", args=[org.p1.pk])).content.decode()
    assert 'data-confirm="Remove Dev Zhang from this project?"' in html
    response = client.post(reverse("projects:member_remove", args=[org.p1.pk, org.dev.pk]))
    assert response.status_code == 302
    assert not org.p1.members.filter(pk=org.dev.pk).exists()


def test_remove_member_is_forbidden_to_a_member(org: Any, login: Any) -> None:
    response = login(org.dev).post(reverse("projects:member_remove", args=[org.p1.pk, org.dev.pk]))
    assert response.status_code == 403
    assert org.p1.members.filter(pk=org.dev.pk).exists()


def test_detail_query_budget_does_not_grow_with_members(
    org: Any, login: Any, django_assert_max_num_queries: Any
) -> None:
    from tests.ui.conftest import make_user
    from tripod.projects.services import project_member_add

    for i in range(20):
        project_member_add(actor=org.admin, project=org.p1, user=make_user(f"m{i}", "member"))
    client = login(org.pm)
    url = reverse("projects:detail", args=[org.p1.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert "m19" in response.content.decode()
