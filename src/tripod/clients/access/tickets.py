"""Who may see and change tickets and SLA policies.

A ticket is seen by: admins; the client's owning AM and account team; the PM and members of the ticket's project;
the client's own portal users (never the internal notes). Nobody else, whatever their role.
Worked on (comment, change status, edit) by: the staff who see it. Assigned and closed by: admins and the client's
account team. Opened by: admins, the client's account team, and the client's portal users.
SLA policies: read by staff, changed by admins.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tripod.clients.access.accounts import is_account_team, portal_client_id
from tripod.clients.models import Client, SlaPolicy, Ticket, TicketComment
from tripod.core.access import grants_visibility, scope
from tripod.identity.models import Role


def _staff_of_ticket(user: Any, prefix: str = "") -> Q:
    return (
        Q(**{f"{prefix}client__owner_am": user})
        | Q(**{f"{prefix}client__account_team": user})
        | Q(**{f"{prefix}project__pm": user})
        | Q(**{f"{prefix}project__memberships__user": user})
    )


@grants_visibility("clients.ticket")
def _ticket_staff(user: Any) -> Q | None:
    if not user.is_internal:
        return None
    return _staff_of_ticket(user)


@grants_visibility("clients.ticket")
def _ticket_portal(user: Any) -> Q | None:
    if Role.CLIENT not in user.roles:
        return None
    return Q(client__portal_users__user=user)


@grants_visibility("clients.ticketcomment")
def _comment_staff(user: Any) -> Q | None:
    if not user.is_internal:
        return None
    return _staff_of_ticket(user, "ticket__")


@grants_visibility("clients.ticketcomment")
def _comment_portal(user: Any) -> Q | None:
    """Portal users read the public thread of their client's tickets, never an internal note."""
    if Role.CLIENT not in user.roles:
        return None
    return Q(ticket__client__portal_users__user=user, internal=False)


@grants_visibility("clients.slapolicy")
def _policies_for_staff(user: Any) -> Q | None:
    return Q() if user.is_internal else None


def tickets_visible_to(user: Any) -> QuerySet[Ticket]:
    return scope(Ticket.objects.all(), user)


def ticket_comments_visible_to(user: Any) -> QuerySet[TicketComment]:
    return scope(TicketComment.objects.all(), user)


def sla_policies_visible_to(user: Any) -> QuerySet[SlaPolicy]:
    return scope(SlaPolicy.objects.all(), user)


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_portal_user_of(user: Any, client: Client) -> bool:
    return _active(user) and portal_client_id(user) == client.pk


def can_view_ticket(user: Any, ticket: Ticket) -> bool:
    return tickets_visible_to(user).filter(pk=ticket.pk).exists()


def can_open_ticket(user: Any, client: Client) -> bool:
    """The account team opens a ticket for the client; the client's portal users open their own."""
    return is_account_team(user, client) or is_portal_user_of(user, client)


def can_work_ticket(user: Any, ticket: Ticket) -> bool:
    """Staff who see the ticket: comment (public or internal), move its status, edit its subject and severity."""
    return _active(user) and user.is_internal and can_view_ticket(user, ticket)


def can_comment_ticket(user: Any, ticket: Ticket) -> bool:
    """Staff who work the ticket, and the client's portal users (public replies only)."""
    return can_work_ticket(user, ticket) or is_portal_user_of(user, ticket.client)


def can_manage_ticket(user: Any, ticket: Ticket) -> bool:
    """Assign and close: admins and the client's account team."""
    return is_account_team(user, ticket.client)


def can_manage_sla_policies(user: Any) -> bool:
    return _active(user) and user.is_admin
