"""Who may see and change clients and their contacts.

Clients are seen by: admins; the owning AM and the account team; the client's own portal users; and, contributed by
``projects.access``, the PM, members and line managers of the client's projects.
Changed by: admins and the owning AM. Created by: admins and AMs.
Contacts (the AM's working material) are seen by admins and the account team, never by the portal; added and
edited by admins and the owning AM. The business-line catalogue is read by every staff member and kept by admins
and AMs.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tripod.clients.models import Client, Contact, PortalUser
from tripod.core.access import grants_visibility, scope
from tripod.identity.models import Role


@grants_visibility("clients.client")
def _account_team(user: Any) -> Q | None:
    if not user.is_internal:
        return None
    return Q(owner_am=user) | Q(account_team=user)


@grants_visibility("clients.client")
def _portal_client(user: Any) -> Q | None:
    if Role.CLIENT not in user.roles:
        return None
    return Q(portal_users__user=user)


@grants_visibility("clients.contact")
def _contacts_of_account(user: Any) -> Q | None:
    """Contacts are the AM's working material: the account team and admins see them, not the portal."""
    if not user.is_internal:
        return None
    return Q(client__owner_am=user) | Q(client__account_team=user)


def clients_visible_to(user: Any) -> QuerySet[Client]:
    return scope(Client.objects.all(), user)


def contacts_visible_to(user: Any) -> QuerySet[Contact]:
    return scope(Contact.objects.all(), user)


def portal_client_id(user: Any) -> int | None:
    """The client a portal user is bound to, or None for staff and anonymous users."""
    if not user.is_authenticated or Role.CLIENT not in user.roles:
        return None
    return PortalUser.objects.filter(user=user).values_list("client_id", flat=True).first()


def can_view_client(user: Any, client: Client) -> bool:
    return clients_visible_to(user).filter(pk=client.pk).exists()


def can_create_client(user: Any) -> bool:
    return user.is_authenticated and user.is_active and user.has_role(Role.ADMIN, Role.AM)


def can_edit_client(user: Any, client: Client) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_admin or (user.is_internal and client.owner_am_id == user.pk)


def can_edit_contact(user: Any, contact: Contact) -> bool:
    """Adding and editing a client's contacts: admins and the owning AM (the account team reads them)."""
    return can_edit_client(user, contact.client)


def is_on_account_team(user: Any, client: Client) -> bool:
    """The owning AM or a member of the account team (staff only: a portal login never counts)."""
    if not (user.is_authenticated and user.is_internal):
        return False
    return client.owner_am_id == user.pk or client.account_team.filter(pk=user.pk).exists()


def is_account_team(user: Any, client: Client) -> bool:
    """Admins, the client's owning AM and its account team: who works the account (staff only, active logins)."""
    if not (user is not None and user.is_authenticated and user.is_active and user.is_internal):
        return False
    if user.is_admin or client.owner_am_id == user.pk:
        return True
    return client.account_team.filter(pk=user.pk).exists()


def can_manage_business_lines(user: Any) -> bool:
    """The catalogue of business lines: admins and AMs add and rename lines."""
    return can_create_client(user) and user.is_internal
