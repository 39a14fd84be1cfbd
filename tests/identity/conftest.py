from __future__ import annotations

from typing import Any

import pytest

from tests.identity.factories import make_user
from tripod.identity.models import Role, User


@pytest.fixture
def member(db: Any) -> User:
    return make_user("li.na", Role.MEMBER, email="Li.Na@Example.com", display_name="李娜")


@pytest.fixture
def other(db: Any) -> User:
    return make_user("tom", Role.MEMBER)


@pytest.fixture
def admin(db: Any) -> User:
    return make_user("root", Role.ADMIN)
