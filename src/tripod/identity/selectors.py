"""Reads of identity records, always scoped to the user asking."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tripod.core.errors import NotFound
from tripod.identity.access import can_use_api_tokens
from tripod.identity.models import ApiToken, User


def api_token_list(*, user: Any) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (revoked ones included, so the list tells what happened)."""
    if not can_use_api_tokens(user):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def api_token_get(*, user: Any, pk: Any) -> ApiToken:
    """One of the user's own tokens; another user's token is not told apart from a missing one."""
    try:
        return api_token_list(user=user).get(pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(ApiToken._meta.verbose_name) from exc


def users_with_role(*, role: str, also_id: int | None = None) -> QuerySet[User]:
    """Active users holding ``role``, to choose an owner or a manager from (plus the user ``also_id``, so that an
    edit form keeps the current choice even if that user has since lost the role)."""
    condition = Q(is_active=True, role_grants__role=role)
    if also_id:
        condition |= Q(pk=also_id)
    return User.objects.filter(pk__in=User.objects.filter(condition).values("pk")).order_by("display_name", "username")
