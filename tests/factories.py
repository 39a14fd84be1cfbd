"""Small builders shared by the domain tests: users with roles, and the records they work on."""

from __future__ import annotations

from itertools import count

from tripod.identity.models import Role, RoleGrant, User

_n = count(1)


def make_user(*roles: str, username: str | None = None, **fields) -> User:
    name = username or f"user{next(_n)}"
    user = User.objects.create_user(username=name, email=f"{name}@example.test", password="x-test-pass-9", **fields)
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in roles])
    return User.objects.get(pk=user.pk)


def make_admin(**fields) -> User:
    return make_user(Role.ADMIN, is_superuser=True, is_staff=True, **fields)
