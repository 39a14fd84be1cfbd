"""Users for identity and API tests."""

from __future__ import annotations

from typing import Any

from tripod.identity.models import RoleGrant, User

PASSWORD = "correct-horse-battery-9"


def make_user(username: str, *roles: str, password: str = PASSWORD, **fields: Any) -> User:
    user = User.objects.create_user(
        username=username, email=fields.pop("email", f"{username}@example.com"), password=password, **fields
    )
    for role in roles:
        RoleGrant.objects.create(user=user, role=role)
    return User.objects.get(pk=user.pk)  # fresh, so the cached roles include the grants
