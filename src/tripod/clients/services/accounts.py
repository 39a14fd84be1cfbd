"""Writes on clients. Every write checks the actor's right to make it, validates, and records history."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from tripod.clients.access import can_create_client, can_edit_client
from tripod.clients.models import Client, Contact, PortalUser
from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.services import business_event_record, full_clean_or_fail, tracked_create, versioned_update

CLIENT_EDITABLE = {"name", "industry", "tier", "status", "owner_am"}


@transaction.atomic
def client_create(*, actor: Any, name: str, **fields: Any) -> Client:
    if not can_create_client(actor):
        raise Forbidden()
    unknown = set(fields) - CLIENT_EDITABLE
    if unknown:
        raise TypeError(f"client_create got unknown fields {sorted(unknown)}")
    client = tracked_create(Client, actor=actor, name=(name or "").strip(), **fields)
    business_event_record(actor=actor, verb="client.created", target=client)
    return client


@transaction.atomic
def client_update(*, actor: Any, client: Client, version: int | None, **changes: Any) -> Client:
    if not can_edit_client(actor, client):
        raise Forbidden()
    unknown = set(changes) - CLIENT_EDITABLE
    if unknown:
        raise TypeError(f"client_update got unknown fields {sorted(unknown)}")
    client, changed = versioned_update(client, actor=actor, version=version, changes=changes)
    if "status" in changed:
        old, new = changed["status"]
        business_event_record(actor=actor, verb="client.status_changed", target=client, data={"from": old, "to": new})
    return client


@transaction.atomic
def contact_create(*, actor: Any, client: Client, name: str, **fields: Any) -> Contact:
    if not can_edit_client(actor, client):
        raise Forbidden()
    reports_to = fields.get("reports_to")
    if reports_to is not None and reports_to.client_id != client.pk:
        raise ValidationFailed({"reports_to": [gettext("A contact can only report to someone at the same client.")]})
    return tracked_create(Contact, actor=actor, client=client, name=(name or "").strip(), **fields)


@transaction.atomic
def portal_user_bind(*, actor: Any, user: Any, client: Client, contact: Contact | None = None) -> PortalUser:
    """Bind a client-portal user to the one client they may see."""
    if not (actor.is_authenticated and actor.is_admin):
        raise Forbidden()
    binding = PortalUser(user=user, client=client, contact=contact)
    full_clean_or_fail(binding)
    binding.save()
    business_event_record(actor=actor, verb="client.portal_user_bound", target=client, data={"user": user.pk})
    return binding
