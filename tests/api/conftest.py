"""A small organisation for API tests: one client with a project and a person on it, and outsiders."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client as HttpClient

from tests.identity.factories import make_user
from tripod.clients.models import Client
from tripod.clients.services import client_create, portal_user_bind
from tripod.identity.models import Role, User
from tripod.identity.services import api_token_create
from tripod.people.models import Person
from tripod.people.services import person_create, team_create
from tripod.projects.models import Project
from tripod.projects.services import project_create


@dataclass
class Org:
    admin: User
    am: User
    pm: User
    lm: User
    dev: User
    outsider: User
    portal: User
    acme: Client
    globex: Client
    project: Project
    person: Person


@pytest.fixture
def org(db: Any) -> Org:
    admin = make_user("root", Role.ADMIN)
    am = make_user("am", Role.AM, display_name="王芳")
    pm = make_user("pm", Role.PM, display_name="Peter Zhao")
    lm = make_user("lm", Role.LM)
    dev = make_user("dev", Role.MEMBER)
    outsider = make_user("outsider", Role.AM)
    portal = make_user("acme.portal", Role.CLIENT)
    acme = client_create(actor=admin, name="ACME Cloud", industry="Software", owner_am=am)
    globex = client_create(actor=admin, name="Globex", industry="Energy", owner_am=outsider)
    portal_user_bind(actor=admin, user=portal, client=acme)
    team = team_create(actor=admin, name="Platform")
    line = person_create(actor=admin, name="LM person", user=lm, team=team)
    person = person_create(
        actor=admin, name="Dev 开发", user=dev, team=team, manager=line, cost_rate=Decimal("321.50"), title="Engineer"
    )
    project = project_create(
        actor=admin, code="ACME-1", name="Cloud move", client=acme, pm=pm, members=(dev,), budget=Decimal("120000")
    )
    return Org(admin, am, pm, lm, dev, outsider, portal, acme, globex, project, person)


def http_as(user: User | None) -> HttpClient:
    http = HttpClient()
    if user is not None:
        http.force_login(user)
    return http


def bearer_for(user: User) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["type"]
    assert body["title"]
    assert body["detail"]
    assert "Traceback" not in response.content.decode()
    return body
