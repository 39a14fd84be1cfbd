"""Writes on identity: personal API tokens."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tripod.core.errors import Forbidden, NotFound, ValidationFailed
from tripod.core.services import business_event_record
from tripod.identity.access import can_revoke_api_token, can_use_api_tokens
from tripod.identity.models import ApiToken, Role, User
from tripod.identity.tokens import token_generate, token_hash, token_prefix

MAX_ACTIVE_TOKENS = 50
NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length or 100
# last_used_at is written at most this often, so a busy script does not turn every request into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@transaction.atomic
def api_token_create(*, actor: Any, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a personal API token for ``actor``. Returns the token and its plaintext, which is never stored
    and cannot be shown again."""
    if not can_use_api_tokens(actor):
        raise Forbidden()
    name = (name or "").strip()
    errors: dict[str, list[Any]] = {}
    if not name:
        errors["name"] = [_("Give the token a name, so you can recognise it later.")]
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = [_("Use at most %(limit)d characters.") % {"limit": NAME_MAX_LENGTH}]
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = [_("The expiry must be in the future.")]
    active = ApiToken.objects.filter(user=actor, revoked_at__isnull=True).exclude(expires_at__lte=timezone.now())
    if active.count() >= MAX_ACTIVE_TOKENS:
        errors["__all__"] = [
            _("You already have %(limit)d active tokens. Revoke one you no longer use.") % {"limit": MAX_ACTIVE_TOKENS}
        ]
    if errors:
        raise ValidationFailed(errors)
    prefix, raw = token_generate()
    token = ApiToken.objects.create(user=actor, name=name, prefix=prefix, hashed=token_hash(raw), expires_at=expires_at)
    business_event_record(actor=actor, verb="api_token.created", target=token, data={"name": name, "prefix": prefix})
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke a token: the owner their own, an administrator anyone's. Revoking twice changes nothing."""
    if not can_revoke_api_token(actor, token):
        raise NotFound(ApiToken._meta.verbose_name)
    current = ApiToken.objects.select_for_update().get(pk=token.pk)
    if current.revoked_at is None:
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
        business_event_record(
            actor=actor, verb="api_token.revoked", target=current, data={"name": current.name, "prefix": current.prefix}
        )
    return current


def api_token_authenticate(raw: str) -> User | None:
    """The active user a token belongs to, or None if the token is unknown, revoked or expired.

    The token is found by its hash (an indexed lookup: timing says nothing about how close a guess was) and the
    hashes are compared once more in constant time."""
    if token_prefix(raw) is None:
        return None
    digest = token_hash(raw)
    token = ApiToken.objects.select_related("user").filter(hashed=digest).first()
    if token is None or not hmac.compare_digest(token.hashed, digest):
        return None
    now = timezone.now()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def roles_check(roles: set[str] | frozenset[str]) -> None:
    """The client role is held alone: a portal login is never also a member of staff."""
    if Role.CLIENT in roles and len(roles) > 1:
        raise ValidationFailed({"role": [gettext("A client-portal user cannot hold any other role.")]})
