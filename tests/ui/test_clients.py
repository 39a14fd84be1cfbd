"""Client pages: scoped list, detail, create and edit through the services, conflicts, query budget."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tripod.clients.models import Client
from tripod.clients.services import client_create, client_update, contact_create

pytestmark = pytest.mark.django_db


def test_list_shows_only_visible_clients(org: Any, login: Any) -> None:
    html = login(org.am).get(reverse("clients:list")).content.decode()
    assert "Acme 科技" in html
    assert "Globex" not in html


def test_list_filters_sorts_and_refreshes_over_htmx(org: Any, login: Any) -> None:
    client = login(org.admin)
    html = client.get(reverse("clients:list"), {"q": "glob"}).content.decode()
    assert "Globex" in html and "Acme" not in html
    html = client.get(reverse("clients:list"), {"sort": "-name"}).content.decode()
    assert html.index("Globex") < html.index("Acme 科技")
    partial = client.get(
        reverse("clients:list"), {"status": "prospect"}, headers={"HX-Request": "true", "HX-Target": "clients"}
    ).content.decode()
    assert "<html" not in partial and "Globex" in partial and "Acme" not in partial


def test_list_shows_an_empty_state(org: Any, login: Any) -> None:
    html = login(org.admin).get(reverse("clients:list"), {"q": "no such client"}).content.decode()
    assert "No records match the filter." in html


def test_list_query_budget_does_not_grow_with_rows(org: Any, login: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(30):
        client_create(actor=org.admin, name=f"Client {i:02}", owner_am=org.am)
    client = login(org.admin)
    client.get(reverse("clients:list"))  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get(reverse("clients:list"))
    assert response.status_code == 200
    assert "Client 00" in response.content.decode()


def test_detail_shows_contacts_and_loads_the_projects_after_the_first_paint(org: Any, login: Any) -> None:
    client = login(org.am)
    html = client.get(reverse("clients:detail", args=[org.acme.pk])).content.decode()
    projects_url = reverse("clients:c360_projects", args=[org.acme.pk])
    assert "赵总" in html
    assert f'hx-get="{projects_url}"' in html
    section = client.get(projects_url).content.decode()
    assert "ERP rollout" in section and "Data platform" in section and "<html" not in section


def test_detail_of_an_invisible_client_is_404(org: Any, login: Any) -> None:
    assert login(org.am).get(reverse("clients:detail", args=[org.globex.pk])).status_code == 404


def test_portal_user_sees_their_client_and_projects_without_contacts(org: Any, login: Any) -> None:
    client = login(org.portal)
    html = client.get(reverse("clients:detail", args=[org.acme.pk])).content.decode()
    assert "Acme 科技" in html
    assert "赵总" not in html
    assert reverse("clients:c360_health", args=[org.acme.pk]) not in html
    section = client.get(reverse("clients:c360_projects", args=[org.acme.pk])).content.decode()
    assert "ERP rollout" in section
    assert "SPI" not in section and "RAG" not in section  # no costs, no internal status for the portal


def test_create_client(org: Any, login: Any) -> None:
    response = login(org.am).post(
        reverse("clients:create"), {"name": "Initech", "industry": "Software", "tier": "key", "status": "active"}
    )
    created = Client.objects.get(name="Initech")
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[created.pk])
    assert created.created_by == org.am


def test_create_with_bad_input_shows_the_field_error(org: Any, login: Any) -> None:
    response = login(org.am).post(reverse("clients:create"), {"name": "", "tier": "gold", "status": "active"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "is-invalid" in html and "invalid-feedback" in html
    assert "Select a valid choice" in html


def test_service_validation_errors_land_on_the_field(org: Any, login: Any) -> None:
    response = login(org.am).post(reverse("clients:create"), {"name": "Globex", "tier": "key", "status": "active"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_name_error"' in html  # the service's uniqueness error is shown on the name field
    assert Client.objects.filter(name="Globex").count() == 1


def test_create_is_forbidden_without_the_role(org: Any, login: Any) -> None:
    assert login(org.pm).get(reverse("clients:create")).status_code == 403
    assert login(org.pm).post(reverse("clients:create"), {"name": "X"}).status_code == 403


def test_edit_client(org: Any, login: Any) -> None:
    url = reverse("clients:edit", args=[org.acme.pk])
    client = login(org.am)
    form_html = client.get(url).content.decode()
    assert 'name="version" value="1"' in form_html
    response = client.post(
        url,
        {
            "name": "Acme 科技",
            "industry": "Robotics",
            "tier": "strategic",
            "status": "active",
            "owner_am": org.am.pk,
            "version": 1,
        },
    )
    assert response.status_code == 302
    org.acme.refresh_from_db()
    assert org.acme.industry == "Robotics" and org.acme.version == 2


def test_edit_is_forbidden_to_someone_who_only_sees_the_client(org: Any, login: Any) -> None:
    assert login(org.pm).get(reverse("clients:edit", args=[org.acme.pk])).status_code == 403


def test_edit_with_a_stale_version_shows_the_conflict(org: Any, login: Any) -> None:
    client_update(actor=org.admin, client=org.acme, version=1, industry="Aerospace")
    response = login(org.am).post(
        reverse("clients:edit", args=[org.acme.pk]),
        {
            "name": "Acme 科技",
            "industry": "Robotics",
            "tier": "standard",
            "status": "active",
            "owner_am": org.am.pk,
            "version": 1,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else changed this record" in html
    assert "Robotics" in html and "Aerospace" in html  # your value and the current one
    assert 'name="version" value="2"' in html  # saving again deliberately overwrites version 2
    org.acme.refresh_from_db()
    assert org.acme.industry == "Aerospace"


def test_add_contact(org: Any, login: Any) -> None:
    response = login(org.am).post(
        reverse("clients:contact_create", args=[org.acme.pk]),
        {"name": "Li Na", "role_in_decision_chain": "champion"},
    )
    assert response.status_code == 302
    assert org.acme.contacts.filter(name="Li Na").exists()


DETAIL_BUDGET = 12  # the first paint (10 today): session, user, client, the account-team check, contacts with their
# last touch, business lines, account team, interactions and their contacts, follow-ups; the heavy sections are
# separate requests with their own budgets (tests/clients/test_client360_views.py).


def test_detail_query_budget_does_not_grow_with_rows(org: Any, login: Any, django_assert_max_num_queries: Any) -> None:
    from tripod.projects.services import project_create

    client = login(org.am)
    url = reverse("clients:detail", args=[org.acme.pk])
    projects_url = reverse("clients:c360_projects", args=[org.acme.pk])
    client.get(url)

    def count(target: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(target).status_code == 200
        return len(ctx.captured_queries)

    few_page, few_projects = count(url), count(projects_url)
    for i in range(20):
        contact_create(actor=org.admin, client=org.acme, name=f"Contact {i:02}")
        project_create(actor=org.admin, code=f"P-{i:02}", name=f"Project {i}", client=org.acme, pm=org.pm)
    with django_assert_max_num_queries(DETAIL_BUDGET):
        response = client.get(url)
    assert "Contact 19" in response.content.decode()
    assert count(url) == few_page
    assert count(projects_url) == few_projects
    assert "P-19" in client.get(projects_url).content.decode()
