"""Writes on interactions and follow-ups.

Who: admins and the client's account team record, edit and delete interactions and give out follow-ups; a
follow-up's owner (the account manager unless someone else on the account team is chosen) ticks it done too.
An interaction's contacts, project and opportunity must all be the same client's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tripod.clients.access.accounts import is_on_account_team
from tripod.clients.access.interactions import (
    can_complete_followup,
    can_edit_followup,
    can_edit_interaction,
    can_manage_followups,
    can_record_interaction,
)
from tripod.clients.models import Client, Contact, FollowUp, Interaction
from tripod.clients.services.accounts import versioned_update_with_m2m
from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.services import business_event_record, tracked_create, versioned_update

INTERACTION_FIELDS = ("kind", "direction", "at", "subject", "summary", "contacts", "project", "opportunity")
INTERACTION_EDITABLE = set(INTERACTION_FIELDS)
FOLLOWUP_EDITABLE = {"text", "due", "owner"}
# Who starts an interaction when the form does not say: a download comes from the client, the rest from us.
INBOUND_KINDS = {Interaction.Kind.CONTENT_DOWNLOAD}


def default_direction(kind: str) -> str:
    return Interaction.Direction.INBOUND if kind in INBOUND_KINDS else Interaction.Direction.OUTBOUND


def _aware(at: Any) -> Any:
    """A naive date-time is read in the current time zone (the user's); everything is stored in UTC."""
    if isinstance(at, datetime) and timezone.is_naive(at):
        return timezone.make_aware(at)
    return at


def _check_links(client: Client, *, contacts: Iterable[Contact], project: Any, opportunity: Any) -> None:
    errors: dict[str, list[str]] = {}
    if any(contact.client_id != client.pk for contact in contacts):
        errors["contacts"] = [gettext("Choose only contacts of %(client)s.") % {"client": client.name}]
    if project is not None and project.client_id != client.pk:
        errors["project"] = [gettext("The project must be one of %(client)s's.") % {"client": client.name}]
    if opportunity is not None and opportunity.client_id != client.pk:
        errors["opportunity"] = [gettext("The opportunity must be one of %(client)s's.") % {"client": client.name}]
    if errors:
        raise ValidationFailed(errors)


def _event_data(interaction: Interaction, contacts: Iterable[Contact]) -> dict[str, Any]:
    return {
        "client": interaction.client_id,
        "kind": interaction.kind,
        "at": interaction.at.isoformat(),
        "subject": interaction.subject,
        "contacts": sorted(contact.pk for contact in contacts),
    }


@transaction.atomic
def interaction_create(
    *,
    actor: Any,
    client: Client,
    kind: str,
    at: datetime | None,
    subject: str,
    summary: str = "",
    direction: str | None = None,
    contacts: Iterable[Contact] = (),
    project: Any = None,
    opportunity: Any = None,
) -> Interaction:
    """Record an interaction with the client (a time still to come records a planned one)."""
    if not can_record_interaction(actor, client):
        raise Forbidden()
    contacts = list(contacts or ())
    _check_links(client, contacts=contacts, project=project, opportunity=opportunity)
    interaction = tracked_create(
        Interaction,
        actor=actor,
        client=client,
        kind=kind,
        direction=direction or default_direction(kind),
        at=_aware(at),
        subject=(subject or "").strip(),
        summary=(summary or "").strip(),
        project=project,
        opportunity=opportunity,
    )
    interaction.contacts.set(contacts)
    business_event_record(
        actor=actor, verb="interaction.recorded", target=interaction, data=_event_data(interaction, contacts)
    )
    return interaction


@transaction.atomic
def interaction_update(*, actor: Any, interaction: Interaction, version: int | None, **changes: Any) -> Interaction:
    if not can_edit_interaction(actor, interaction):
        raise Forbidden()
    unknown = set(changes) - INTERACTION_EDITABLE
    if unknown:
        raise TypeError(f"interaction_update got unknown fields {sorted(unknown)}")
    m2m = {"contacts": list(changes.pop("contacts") or ())} if "contacts" in changes else {}
    _check_links(
        interaction.client,
        contacts=m2m.get("contacts", ()),
        project=changes.get("project", interaction.project),
        opportunity=changes.get("opportunity", interaction.opportunity),
    )
    for name in ("subject", "summary"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    if "at" in changes:
        changes["at"] = _aware(changes["at"])
    interaction, _changed = versioned_update_with_m2m(
        interaction, actor=actor, version=version, changes=changes, m2m=m2m
    )
    return interaction


@transaction.atomic
def interaction_delete(*, actor: Any, interaction: Interaction) -> None:
    """Remove an interaction recorded by mistake; its follow-ups stay, no longer tied to it."""
    if not can_edit_interaction(actor, interaction):
        raise Forbidden()
    client = interaction.client
    data = _event_data(interaction, interaction.contacts.all())
    interaction.delete()
    business_event_record(actor=actor, verb="interaction.deleted", target=client, data=data)


# --- follow-ups -------------------------------------------------------------------------------------------------------
def _check_owner(client: Client, owner: Any) -> None:
    if owner is None:
        raise ValidationFailed({"owner": [gettext("Choose who owns the follow-up.")]})
    if not (owner.is_admin or is_on_account_team(owner, client)):
        message = gettext("The owner must be the account manager of %(client)s or on its account team.")
        raise ValidationFailed({"owner": [message % {"client": client.name}]})


def _check_interaction(client: Client, interaction: Interaction | None) -> None:
    if interaction is not None and interaction.client_id != client.pk:
        raise ValidationFailed({"interaction": [gettext("The interaction must be one with the same client.")]})


def _followup_data(followup: FollowUp) -> dict[str, Any]:
    return {
        "client": followup.client_id,
        "due": followup.due.isoformat(),
        "owner": followup.owner_id,
        "interaction": followup.interaction_id,
    }


@transaction.atomic
def followup_create(
    *,
    actor: Any,
    client: Client,
    text: str,
    due: date | None,
    owner: Any = None,
    interaction: Interaction | None = None,
) -> FollowUp:
    """Give out a follow-up, after an interaction or on its own; the owner is the client's account manager unless
    someone else on the account team is chosen."""
    if not can_manage_followups(actor, client):
        raise Forbidden()
    _check_interaction(client, interaction)
    owner = owner or client.owner_am or actor
    _check_owner(client, owner)
    followup = tracked_create(
        FollowUp, actor=actor, client=client, interaction=interaction, owner=owner, text=(text or "").strip(), due=due
    )
    business_event_record(actor=actor, verb="followup.created", target=followup, data=_followup_data(followup))
    return followup


@transaction.atomic
def followup_create_automatic(
    *, client: Client, text: str, due: date, reason: str, owner: Any = None, interaction: Interaction | None = None
) -> FollowUp:
    """A follow-up the system gives out on its own (a detractor's survey answer, a buying signal) for another
    service that already decided it is due. It goes to the client's account manager unless ``owner`` is given;
    ``reason`` (a stable code such as ``survey.detractor``) is kept on the event."""
    _check_interaction(client, interaction)
    owner = owner or client.owner_am
    if owner is not None:
        _check_owner(client, owner)
    followup = tracked_create(
        FollowUp, actor=None, client=client, interaction=interaction, owner=owner, text=(text or "").strip(), due=due
    )
    business_event_record(
        actor=None, verb="followup.created", target=followup, data={**_followup_data(followup), "reason": reason}
    )
    return followup


@transaction.atomic
def followup_update(*, actor: Any, followup: FollowUp, version: int | None, **changes: Any) -> FollowUp:
    if not can_edit_followup(actor, followup):
        raise Forbidden()
    unknown = set(changes) - FOLLOWUP_EDITABLE
    if unknown:
        raise TypeError(f"followup_update got unknown fields {sorted(unknown)}")
    if "owner" in changes and changes["owner"] != followup.owner:
        _check_owner(followup.client, changes["owner"])
    if "text" in changes:
        changes["text"] = (changes["text"] or "").strip()
    followup, changed = versioned_update(followup, actor=actor, version=version, changes=changes)
    if "owner" in changed:
        old, new = changed["owner"]
        business_event_record(
            actor=actor,
            verb="followup.reassigned",
            target=followup,
            data={"from": getattr(old, "pk", None), "to": getattr(new, "pk", None)},
        )
    return followup


@transaction.atomic
def followup_set_done(*, actor: Any, followup: FollowUp, done: bool = True) -> FollowUp:
    """Tick a follow-up done (or not done again)."""
    if not can_complete_followup(actor, followup):
        raise Forbidden()
    if (followup.done_at is not None) == done:
        return followup
    followup, _changed = versioned_update(
        followup, actor=actor, version=None, changes={"done_at": timezone.now() if done else None}
    )
    verb = "followup.done" if done else "followup.reopened"
    business_event_record(actor=actor, verb=verb, target=followup, data={"client": followup.client_id})
    return followup
