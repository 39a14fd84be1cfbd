"""Reads of clients, always scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from tripod.clients.access import clients_visible_to, contacts_visible_to
from tripod.clients.models import Client, Contact
from tripod.core.access import get_visible


def client_list(
    *, user: Any, search: str | None = None, status: str | None = None, mine: bool = False
) -> QuerySet[Client]:
    """Clients the user may see; ``mine``: only those the user owns or is on the account team of."""
    qs = clients_visible_to(user).select_related("owner_am")
    if mine:
        qs = qs.filter(pk__in=Client.objects.filter(Q(owner_am=user) | Q(account_team=user)).values("pk"))
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(industry__icontains=search))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("name")


def client_get(*, user: Any, pk: Any) -> Client:
    return get_visible(Client.objects.select_related("owner_am"), user, pk=pk)


def client_counts_by_status(*, user: Any, mine: bool = False) -> dict[str, int]:
    rows = client_list(user=user, mine=mine).order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def contact_list(*, user: Any, client: Client) -> QuerySet[Contact]:
    return contacts_visible_to(user).filter(client=client).select_related("reports_to").order_by("name")
