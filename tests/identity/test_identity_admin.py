"""The admin pages of users and API tokens work with Tripod's user model."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.identity.factories import make_user
from tripod.identity.models import ApiToken, Role, RoleGrant, User
from tripod.identity.services import api_token_authenticate, api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(make_user("boss", Role.ADMIN, is_staff=True, is_superuser=True))
    return client


def test_user_pages_render(staff_client: Client, member: User) -> None:
    assert staff_client.get(reverse("admin:identity_user_changelist")).status_code == 200
    assert staff_client.get(reverse("admin:identity_user_change", args=[member.pk])).status_code == 200
    assert staff_client.get(reverse("admin:identity_user_add")).status_code == 200


def test_add_user_with_a_role(staff_client: Client) -> None:
    response = staff_client.post(
        reverse("admin:identity_user_add"),
        {
            "username": "new.pm",
            "email": "new.pm@example.com",
            "usable_password": "true",
            "password1": "a-long-enough-secret-1",
            "password2": "a-long-enough-secret-1",
            "role_grants-TOTAL_FORMS": "1",
            "role_grants-INITIAL_FORMS": "0",
            "role_grants-0-role": "pm",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="new.pm")
    assert RoleGrant.objects.filter(user=user, role=Role.PM).exists()


def test_tokens_can_be_revoked_but_not_added(staff_client: Client, member: User) -> None:
    token, raw = api_token_create(actor=member, name="leaked")
    assert staff_client.get(reverse("admin:identity_apitoken_changelist")).status_code == 200
    assert staff_client.get(reverse("admin:identity_apitoken_add")).status_code == 403
    page = staff_client.get(reverse("admin:identity_apitoken_change", args=[token.pk])).content.decode()
    assert token.hashed not in page
    response = staff_client.post(
        reverse("admin:identity_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    assert api_token_authenticate(raw) is None
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


@pytest.mark.django_db
def test_admin_refuses_a_client_role_beside_a_staff_role(admin_client_for_roles):
    http, user = admin_client_for_roles
    response = http.post(
        f"/admin/identity/user/{user.pk}/change/",
        {
            "username": user.username,
            "email": user.email,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "role_grants-TOTAL_FORMS": "2",
            "role_grants-INITIAL_FORMS": "0",
            "role_grants-MIN_NUM_FORMS": "0",
            "role_grants-MAX_NUM_FORMS": "1000",
            "role_grants-0-role": "client",
            "role_grants-1-role": "pm",
        },
    )
    assert response.status_code == 200
    assert "cannot hold any other role" in response.content.decode()
    assert not user.role_grants.exists()


@pytest.fixture
def admin_client_for_roles(client):
    from tripod.identity.models import Role, RoleGrant, User

    boss = User.objects.create_superuser(username="boss", email="boss@example.test", password="x-pass-123456")
    RoleGrant.objects.create(user=boss, role=Role.ADMIN)
    client.force_login(boss)
    user = User.objects.create_user(username="mixed", email="mixed@example.test", password="x-pass-123456")
    return client, user


def test_a_client_login_is_never_staff():
    from tripod.identity.models import Role, User

    user = User(username="odd", is_active=True)
    user.__dict__["roles"] = frozenset({Role.CLIENT, Role.PM})
    assert not user.is_internal
