"""Writes on clients, their business lines and contacts. Every write checks the actor's right to make it, validates,
and records history.

A contact reports to someone at the same client, and the reporting lines never loop (the decision chain is a tree).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext

from tripod.clients.access.accounts import (
    can_create_client,
    can_edit_client,
    can_edit_contact,
    can_manage_business_lines,
)
from tripod.clients.models import BusinessLine, Client, Contact, PortalUser
from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.services import business_event_record, full_clean_or_fail, tracked_create, versioned_update

CLIENT_FIELDS = {"name", "industry", "tier", "status", "owner_am"}
CLIENT_M2M = {"business_lines", "account_team"}
CLIENT_EDITABLE = CLIENT_FIELDS | CLIENT_M2M
CONTACT_FIELDS = (
    "name",
    "title",
    "email",
    "phone",
    "role_in_decision_chain",
    "influence",
    "attitude",
    "reports_to",
    "active",
    "notes",
)
CONTACT_EDITABLE = set(CONTACT_FIELDS)
BUSINESS_LINE_EDITABLE = {"name", "description"}


def _unknown(fields: Iterable[str], allowed: set[str], service: str) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"{service} got unknown fields {sorted(unknown)}")


def versioned_update_with_m2m[T: models.Model](
    obj: T, *, actor: Any, version: int | None, changes: Mapping[str, Any], m2m: Mapping[str, Iterable[Any]]
) -> tuple[T, dict[str, Any]]:
    """:func:`versioned_update` for a record with many-to-many fields too: ``m2m`` maps a field to its new members.
    A change of members alone still checks and raises the version, so it is one edit like any other."""
    obj, changed = versioned_update(obj, actor=actor, version=version, changes=changes)
    new_members: dict[str, tuple[set[Any], list[Any]]] = {}
    for name, members in m2m.items():
        members = list(members or ())
        old = set(getattr(obj, name).values_list("pk", flat=True))
        new = {member.pk for member in members}
        if old != new:
            new_members[name] = (old, members)
            changed[name] = (sorted(old), sorted(new))
    if new_members and len(changed) == len(new_members):  # only members changed: a new version all the same
        obj.version += 1
        if getattr(actor, "is_authenticated", False):
            obj.updated_by = actor
        obj._change_reason = ", ".join(sorted(new_members))
        obj.save()
    for name, (_old, members) in new_members.items():
        getattr(obj, name).set(members)
    return obj, changed


# --- business lines ---------------------------------------------------------------------------------------------------
@transaction.atomic
def business_line_create(*, actor: Any, name: str, description: str = "") -> BusinessLine:
    if not can_manage_business_lines(actor):
        raise Forbidden()
    line = tracked_create(BusinessLine, actor=actor, name=(name or "").strip(), description=(description or "").strip())
    business_event_record(actor=actor, verb="business_line.created", target=line, data={"name": line.name})
    return line


@transaction.atomic
def business_line_update(*, actor: Any, line: BusinessLine, version: int | None, **changes: Any) -> BusinessLine:
    if not can_manage_business_lines(actor):
        raise Forbidden()
    _unknown(changes, BUSINESS_LINE_EDITABLE, "business_line_update")
    changes = {key: (value or "").strip() for key, value in changes.items()}
    line, _changed = versioned_update(line, actor=actor, version=version, changes=changes)
    return line


# --- clients ----------------------------------------------------------------------------------------------------------
def _check_account_team(team: Iterable[Any]) -> None:
    if any(not member.is_internal for member in team):
        raise ValidationFailed({"account_team": [gettext("The account team is made of our own staff only.")]})


@transaction.atomic
def client_create(*, actor: Any, name: str, **fields: Any) -> Client:
    if not can_create_client(actor):
        raise Forbidden()
    _unknown(fields, CLIENT_EDITABLE, "client_create")
    m2m = {key: list(fields.pop(key) or ()) for key in CLIENT_M2M if key in fields}
    _check_account_team(m2m.get("account_team", ()))
    client = tracked_create(Client, actor=actor, name=(name or "").strip(), **fields)
    for key, members in m2m.items():
        getattr(client, key).set(members)
    business_event_record(actor=actor, verb="client.created", target=client)
    return client


@transaction.atomic
def client_update(*, actor: Any, client: Client, version: int | None, **changes: Any) -> Client:
    if not can_edit_client(actor, client):
        raise Forbidden()
    _unknown(changes, CLIENT_EDITABLE, "client_update")
    m2m = {key: list(changes.pop(key) or ()) for key in CLIENT_M2M if key in changes}
    _check_account_team(m2m.get("account_team", ()))
    client, changed = versioned_update_with_m2m(client, actor=actor, version=version, changes=changes, m2m=m2m)
    if "status" in changed:
        old, new = changed["status"]
        business_event_record(actor=actor, verb="client.status_changed", target=client, data={"from": old, "to": new})
    if "business_lines" in changed:
        names = sorted(line.name for line in m2m["business_lines"])
        business_event_record(actor=actor, verb="client.business_lines_changed", target=client, data={"lines": names})
    if "account_team" in changed:
        old, new = changed["account_team"]
        business_event_record(
            actor=actor, verb="client.account_team_changed", target=client, data={"from": old, "to": new}
        )
    return client


# --- contacts ---------------------------------------------------------------------------------------------------------
def _check_reports_to(client: Client, contact: Contact | None, boss: Contact | None) -> None:
    """``boss`` must be at the same client, not the contact itself, and not someone who (in)directly reports to the
    contact: the reporting lines form a tree."""
    if boss is None:
        return
    if boss.client_id != client.pk:
        raise ValidationFailed({"reports_to": [gettext("A contact can only report to someone at the same client.")]})
    if contact is None:
        return
    if boss.pk == contact.pk:
        raise ValidationFailed({"reports_to": [gettext("A contact cannot report to themselves.")]})
    lines = dict(Contact.objects.filter(client=client).values_list("pk", "reports_to_id"))
    seen: set[int] = set()
    above: int | None = boss.pk
    while above is not None and above not in seen:
        if above == contact.pk:
            message = gettext("%(boss)s already reports to %(name)s, directly or through others: that would be a loop.")
            raise ValidationFailed({"reports_to": [message % {"boss": boss.name, "name": contact.name}]})
        seen.add(above)
        above = lines.get(above)


@transaction.atomic
def contact_create(*, actor: Any, client: Client, name: str, **fields: Any) -> Contact:
    if not can_edit_client(actor, client):
        raise Forbidden()
    _unknown(fields, CONTACT_EDITABLE, "contact_create")
    _check_reports_to(client, None, fields.get("reports_to"))
    contact = tracked_create(Contact, actor=actor, client=client, name=(name or "").strip(), **fields)
    business_event_record(
        actor=actor,
        verb="contact.created",
        target=contact,
        data={"client": client.pk, "role": contact.role_in_decision_chain},
    )
    return contact


@transaction.atomic
def contact_update(*, actor: Any, contact: Contact, version: int | None, **changes: Any) -> Contact:
    """Edit a contact; a new place in the decision chain is recorded as its own event (a new decision maker is
    news for the account)."""
    if not can_edit_contact(actor, contact):
        raise Forbidden()
    _unknown(changes, CONTACT_EDITABLE, "contact_update")
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    if "reports_to" in changes:
        _check_reports_to(contact.client, contact, changes["reports_to"])
    contact, changed = versioned_update(contact, actor=actor, version=version, changes=changes)
    if "role_in_decision_chain" in changed:
        old, new = changed["role_in_decision_chain"]
        business_event_record(actor=actor, verb="contact.role_changed", target=contact, data={"from": old, "to": new})
    if "active" in changed:
        verb = "contact.reactivated" if contact.active else "contact.deactivated"
        business_event_record(actor=actor, verb=verb, target=contact)
    return contact


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
