"""Who may see and change interactions and follow-ups.

Interactions are seen by admins and the client's account team (the owning AM and the account team); the PM of a
project an interaction concerns sees that interaction, not the client's others. Follow-ups are seen by admins, the
account team and their owner. The client portal sees none of them.
Recorded and edited by admins and the account team; a follow-up is also ticked done by its owner.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tripod.clients.access.accounts import is_on_account_team
from tripod.clients.models import Client, FollowUp, Interaction
from tripod.core.access import grants_visibility, scope


@grants_visibility("clients.interaction")
def _interactions_of_account(user: Any) -> Q | None:
    if not user.is_internal:
        return None
    return Q(client__owner_am=user) | Q(client__account_team=user)


@grants_visibility("clients.interaction")
def _interactions_of_my_projects(user: Any) -> Q | None:
    """The PM hears what was said with the client about their project."""
    if not user.is_internal:
        return None
    return Q(project__pm=user)


@grants_visibility("clients.followup")
def _followups_of_account(user: Any) -> Q | None:
    if not user.is_internal:
        return None
    return Q(client__owner_am=user) | Q(client__account_team=user) | Q(owner=user)


def interactions_visible_to(user: Any) -> QuerySet[Interaction]:
    return scope(Interaction.objects.all(), user)


def followups_visible_to(user: Any) -> QuerySet[FollowUp]:
    return scope(FollowUp.objects.all(), user)


def can_record_interaction(user: Any, client: Client) -> bool:
    """Recording, editing and deleting a client's interactions, and giving out its follow-ups: admins and the
    account team."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_admin or is_on_account_team(user, client)


def can_edit_interaction(user: Any, interaction: Interaction) -> bool:
    return can_record_interaction(user, interaction.client)


def can_manage_followups(user: Any, client: Client) -> bool:
    return can_record_interaction(user, client)


def can_edit_followup(user: Any, followup: FollowUp) -> bool:
    return can_manage_followups(user, followup.client)


def can_complete_followup(user: Any, followup: FollowUp) -> bool:
    """Ticking a follow-up done (or not done again): whoever manages the client's follow-ups, and its owner."""
    if not (user.is_authenticated and user.is_active and user.is_internal):
        return False
    return followup.owner_id == user.pk or can_edit_followup(user, followup)
