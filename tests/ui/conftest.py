"""A small organisation for the UI tests: one user per role, two clients, three projects, a line of people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tripod.clients.models import Client, PortalUser
from tripod.clients.services import client_create, contact_create
from tripod.identity.models import Role, RoleGrant, User
from tripod.people.models import Person, Team
from tripod.projects.models import Project
from tripod.projects.services import project_create


def make_user(username: str, *roles: str, **extra: Any) -> User:
    user = User.objects.create_user(
        username=username, email=f"{username}@example.com", password="not-used-123", **extra
    )
    for role in roles:
        RoleGrant.objects.create(user=user, role=role)
    return User.objects.get(pk=user.pk)  # fresh: no cached roles


@dataclass
class Org:
    admin: User
    pm: User
    pm2: User
    am: User
    lm: User
    dev: User
    outsider: User
    portal: User
    acme: Client
    globex: Client
    p1: Project
    p2: Project
    p3: Project
    team: Team
    lead: Person
    dev_person: Person
    other_person: Person


@pytest.fixture
def org(db: Any) -> Org:
    admin = make_user("admin", Role.ADMIN, display_name="Ada Admin")
    pm = make_user("pm", Role.PM, display_name="王芳")
    pm2 = make_user("pm2", Role.PM, display_name="Peter Pm")
    am = make_user("am", Role.AM, display_name="Alice Account")
    lm = make_user("lm", Role.LM, display_name="李雷")
    dev = make_user("dev", Role.MEMBER, display_name="Dev Zhang")
    outsider = make_user("outsider", Role.MEMBER, display_name="Olga Outsider")
    portal = make_user("client", Role.CLIENT, display_name="Carl Client")

    acme = client_create(actor=admin, name="Acme 科技", industry="Manufacturing", owner_am=am)
    globex = client_create(actor=admin, name="Globex", industry="Retail", status=Client.Status.PROSPECT)
    contact_create(actor=admin, client=acme, name="赵总", title="CIO")
    PortalUser.objects.create(user=portal, client=acme)

    p1 = project_create(actor=admin, code="ACM-1", name="ERP rollout", client=acme, pm=pm, members=(dev,))
    p2 = project_create(
        actor=admin, code="ACM-2", name="Data platform", client=acme, pm=pm, phase=Project.Phase.EXECUTING
    )
    p3 = project_create(actor=admin, code="GLX-1", name="Shop revamp", client=globex, pm=pm2, members=(outsider,))

    team = Team.objects.create(name="Delivery", lead=lm)
    lead = Person.objects.create(name="李雷", user=lm, team=team)
    dev_person = Person.objects.create(name="Dev Zhang", user=dev, team=team, manager=lead, cost_rate=420)
    other_person = Person.objects.create(name="Olga Outsider", user=outsider)
    return Org(
        admin, pm, pm2, am, lm, dev, outsider, portal, acme, globex, p1, p2, p3, team, lead, dev_person, other_person
    )


@pytest.fixture
def login(client: Any) -> Any:
    """Log the test client in as a user (forcing the login: the login page is another engineer's)."""

    def as_user(user: User) -> Any:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return as_user
