"""Who may see and revoke personal API tokens: the owner their own; administrators any (to cut off a leaked one)."""

from __future__ import annotations

from typing import Any

from tripod.identity.models import ApiToken


def can_use_api_tokens(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_revoke_api_token(user: Any, token: ApiToken) -> bool:
    return can_use_api_tokens(user) and (token.user_id == user.pk or user.is_admin)
