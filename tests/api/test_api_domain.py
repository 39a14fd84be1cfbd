"""Read-only clients, projects and people: scoped like the web, paginated, confidential fields withheld."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import Org, assert_problem, bearer_for, http_as
from tests.identity.factories import make_user
from tripod.clients.services import client_create
from tripod.identity.models import Role
from tripod.people.services import person_create
from tripod.projects.services import project_create

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


@pytest.mark.parametrize("path", ["/api/v1/clients", "/api/v1/projects", "/api/v1/people"])
def test_anonymous_lists_are_401(org: Org, path: str) -> None:
    assert_problem(HttpClient().get(path), 401)
    assert_problem(HttpClient().get(f"{path}/1"), 401)


class TestClients:
    def test_list_is_scoped(self, org: Org) -> None:
        assert ids(http_as(org.am).get("/api/v1/clients")) == {org.acme.pk}
        assert ids(http_as(org.outsider).get("/api/v1/clients")) == {org.globex.pk}
        assert ids(http_as(org.admin).get("/api/v1/clients")) == {org.acme.pk, org.globex.pk}

    def test_detail(self, org: Org) -> None:
        response = http_as(org.am).get(f"/api/v1/clients/{org.acme.pk}")
        assert response.status_code == 200
        body = response.json()
        assert body["name"] == "ACME Cloud"
        assert body["owner_am"] == {"id": org.am.pk, "username": "am", "name": "王芳"}
        assert body["version"] == 1

    def test_unrelated_user_gets_404_and_a_list_without_it(self, org: Org) -> None:
        http = http_as(org.outsider)
        assert_problem(http.get(f"/api/v1/clients/{org.acme.pk}"), 404)
        assert org.acme.pk not in ids(http.get("/api/v1/clients"))

    def test_missing_is_the_same_404(self, org: Org) -> None:
        hidden = http_as(org.outsider).get(f"/api/v1/clients/{org.acme.pk}").json()
        missing = http_as(org.outsider).get("/api/v1/clients/999999").json()
        assert hidden == missing

    def test_portal_user_sees_own_client_only(self, org: Org) -> None:
        assert ids(http_as(org.portal).get("/api/v1/clients")) == {org.acme.pk}
        assert_problem(http_as(org.portal).get(f"/api/v1/clients/{org.globex.pk}"), 404)

    def test_search_and_filter(self, org: Org) -> None:
        http = http_as(org.admin)
        assert ids(http.get("/api/v1/clients?search=glob")) == {org.globex.pk}
        assert ids(http.get("/api/v1/clients?status=lost")) == set()

    def test_works_with_a_token(self, org: Org) -> None:
        assert ids(HttpClient().get("/api/v1/clients", **bearer_for(org.am))) == {org.acme.pk}


class TestProjects:
    def test_pm_sees_internals(self, org: Org) -> None:
        body = http_as(org.pm).get(f"/api/v1/projects/{org.project.pk}").json()
        assert body["code"] == "ACME-1"
        assert body["client"] == {"id": org.acme.pk, "name": "ACME Cloud"}
        assert body["pm"]["username"] == "pm"
        assert Decimal(body["budget"]) == Decimal("120000")
        assert body["currency"] == "CNY"

    def test_portal_user_sees_the_project_without_internals(self, org: Org) -> None:
        http = http_as(org.portal)
        detail = http.get(f"/api/v1/projects/{org.project.pk}").json()
        assert detail["code"] == "ACME-1"
        assert detail["budget"] is None
        assert detail["currency"] is None
        listed = http.get("/api/v1/projects").json()["items"]
        assert [item["id"] for item in listed] == [org.project.pk]
        assert listed[0]["budget"] is None

    def test_list_shows_internals_to_staff(self, org: Org) -> None:
        listed = http_as(org.am).get("/api/v1/projects").json()["items"]
        assert [Decimal(item["budget"]) for item in listed] == [Decimal("120000")]

    def test_unrelated_user(self, org: Org) -> None:
        http = http_as(org.outsider)
        assert_problem(http.get(f"/api/v1/projects/{org.project.pk}"), 404)
        assert ids(http.get("/api/v1/projects")) == set()

    def test_filter_by_client(self, org: Org) -> None:
        other = project_create(actor=org.admin, code="GLX-1", name="Grid", client=org.globex)
        http = http_as(org.admin)
        assert ids(http.get(f"/api/v1/projects?client_id={org.globex.pk}")) == {other.pk}
        assert ids(http.get("/api/v1/projects?search=cloud")) == {org.project.pk}


class TestPeople:
    def test_line_manager_sees_the_cost_rate(self, org: Org) -> None:
        body = http_as(org.lm).get(f"/api/v1/people/{org.person.pk}").json()
        assert Decimal(body["cost_rate"]) == Decimal("321.50")
        assert body["cost_currency"] == "CNY"
        assert body["team"]["name"] == "Platform"
        assert body["manager"]["name"] == "LM person"
        assert body["user"]["username"] == "dev"

    def test_pm_sees_the_person_but_not_the_rate(self, org: Org) -> None:
        http = http_as(org.pm)
        body = http.get(f"/api/v1/people/{org.person.pk}").json()
        assert body["name"] == "Dev 开发"
        assert body["cost_rate"] is None
        assert body["cost_currency"] is None
        listed = {item["id"]: item for item in http.get("/api/v1/people").json()["items"]}
        assert listed[org.person.pk]["cost_rate"] is None

    def test_the_person_does_not_see_their_own_rate(self, org: Org) -> None:
        assert http_as(org.dev).get(f"/api/v1/people/{org.person.pk}").json()["cost_rate"] is None

    def test_portal_user_sees_no_people(self, org: Org) -> None:
        http = http_as(org.portal)
        assert ids(http.get("/api/v1/people")) == set()
        assert_problem(http.get(f"/api/v1/people/{org.person.pk}"), 404)

    def test_unrelated_user(self, org: Org) -> None:
        assert_problem(http_as(org.outsider).get(f"/api/v1/people/{org.person.pk}"), 404)


class TestPagination:
    def test_limit_offset_and_count(self, org: Org) -> None:
        for n in range(5):
            client_create(actor=org.admin, name=f"Client {n}", owner_am=org.am)
        http = http_as(org.am)
        first = http.get("/api/v1/clients?limit=2").json()
        assert first["count"] == 6
        assert len(first["items"]) == 2
        rest = http.get("/api/v1/clients?limit=10&offset=2").json()
        assert len(rest["items"]) == 4
        assert not {i["id"] for i in first["items"]} & {i["id"] for i in rest["items"]}

    def test_count_covers_only_what_the_user_may_see(self, org: Org) -> None:
        for n in range(3):
            client_create(actor=org.admin, name=f"Hidden {n}", owner_am=org.outsider)
        assert http_as(org.am).get("/api/v1/clients").json()["count"] == 1


def _query_counts(users, paths) -> dict[tuple[str, str], int]:
    counts = {}
    for user in users:
        http = http_as(user)
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                assert http.get(path).status_code == 200
            counts[user.username, path] = len(queries)
    return counts


def test_list_query_count_does_not_grow_with_rows(org: Org) -> None:
    users = (org.admin, org.lm, org.pm, org.portal)
    paths = ("/api/v1/clients", "/api/v1/projects", "/api/v1/people")
    before = _query_counts(users, paths)
    for n in range(8):
        client = client_create(actor=org.admin, name=f"Extra {n}", owner_am=org.am)
        project_create(actor=org.admin, code=f"EX-{n}", name=f"Extra {n}", client=client, pm=org.pm)
        user = make_user(f"extra{n}", Role.MEMBER)
        person_create(
            actor=org.admin, name=f"Extra {n}", user=user, manager=org.person.manager, cost_rate=Decimal("10")
        )
    assert _query_counts(users, paths) == before
    assert max(before.values()) <= 10
