"""Template context shared by every page: the navigation for the user's roles, their cockpits, the version."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

import tripod
from tripod.core.navigation import admin_link, cockpit_links, nav_links
from tripod.identity.models import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    context: dict[str, Any] = {"tripod_version": tripod.__version__}
    if user is None or not user.is_authenticated:
        return context
    path = request.path
    context.update(
        nav_links=nav_links(user, path),
        nav_admin=admin_link(user),
        nav_cockpits=cockpit_links(user, path),
        user_role_labels=[Role(role).label for role in sorted(user.roles) if role in Role.values],
    )
    return context
