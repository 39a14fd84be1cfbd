"""Fixtures of the core collaboration tests: a few users and clients, and clients registered as a record kind."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tripod.clients.access import clients_visible_to
from tripod.clients.models import Client
from tripod.clients.services import client_create, portal_user_bind
from tripod.core.registry import isolated_registry, register_record
from tripod.identity.models import Role, RoleGrant, User

IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def make_user(username: str, *roles: str, **fields: Any) -> User:
    user = User.objects.create_user(
        username=username, email=fields.pop("email", f"{username}@example.com"), password="pw-123456789", **fields
    )
    for role in roles:
        RoleGrant.objects.create(user=user, role=role)
    return User.objects.get(pk=user.pk)  # fresh, so the cached roles include the grants


@pytest.fixture
def registry() -> Iterator[None]:
    """An isolated registry holding only clients (visible by clients.access rules)."""
    with isolated_registry():
        register_record(
            "clients.client",
            visible=clients_visible_to,
            url=lambda client: f"/clients/{client.pk}/",
            search_fields=("name", "industry"),
            subtitle=lambda client: client.industry,
        )
        yield


@pytest.fixture
def admin(db: Any) -> User:
    return make_user("root", Role.ADMIN)


@pytest.fixture
def am(db: Any) -> User:
    return make_user("alice", Role.AM, display_name="Alice Wang")


@pytest.fixture
def am2(db: Any) -> User:
    return make_user("bob", Role.AM, display_name="Bob Li")


@pytest.fixture
def outsider(db: Any) -> User:
    """An AM with no relation to the clients below."""
    return make_user("zhang.wei", Role.AM, display_name="张伟")


@pytest.fixture
def client_acme(admin: User, am: User, am2: User) -> Client:
    """ACME, owned by ``am``, with ``am2`` on its account team."""
    client = client_create(actor=admin, name="ACME Cloud", industry="Software", owner_am=am)
    client.account_team.add(am2)
    return client


@pytest.fixture
def client_other(admin: User, outsider: User) -> Client:
    return client_create(actor=admin, name="Globex", industry="Energy", owner_am=outsider)


@pytest.fixture
def portal(admin: User, client_acme: Client) -> User:
    user = make_user("acme.portal", Role.CLIENT)
    portal_user_bind(actor=admin, user=user, client=client_acme)
    return User.objects.get(pk=user.pk)
