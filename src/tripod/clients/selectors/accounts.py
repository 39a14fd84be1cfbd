"""Reads of clients, their business lines, contacts and decision chain, always scoped to what the user may see."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from tripod.clients.access import clients_visible_to, contacts_visible_to
from tripod.clients.models import BusinessLine, Client, Contact, Interaction
from tripod.core.access import get_visible
from tripod.core.errors import NotFound


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


# --- business lines ---------------------------------------------------------------------------------------------------
def business_line_list(*, user: Any) -> QuerySet[BusinessLine]:
    """The catalogue of business lines (staff only), each with ``client_count``: how many of the clients the user
    may see are in that line."""
    if not (user.is_authenticated and user.is_internal):
        return BusinessLine.objects.none()
    visible = clients_visible_to(user).order_by().values("pk")
    return BusinessLine.objects.annotate(
        client_count=Count("clients", filter=Q(clients__in=visible), distinct=True)
    ).order_by("name")


def business_line_get(*, user: Any, pk: Any) -> BusinessLine:
    try:
        return business_line_list(user=user).get(pk=pk)
    except (BusinessLine.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(BusinessLine._meta.verbose_name) from exc


# --- contacts ---------------------------------------------------------------------------------------------------------
def with_last_touch(contacts: QuerySet[Contact], *, now: datetime | None = None) -> QuerySet[Contact]:
    """Annotate ``last_touch_at``: when the latest interaction with the contact took place (planned interactions
    still to come do not count). Computed, not stored, so it is right however interactions are edited; only
    people who see the contact see it, and they see every interaction of the client."""
    latest = (
        Interaction.objects.filter(contacts=OuterRef("pk"), at__lte=now or timezone.now())
        .order_by("-at")
        .values("at")[:1]
    )
    return contacts.annotate(last_touch_at=Subquery(latest))


def contact_list(
    *,
    user: Any,
    client: Client | None = None,
    active: bool | None = None,
    role: str | None = None,
    search: str | None = None,
) -> QuerySet[Contact]:
    """Contacts the user may see (the account team and admins), by name, each with ``last_touch_at``. ``active``:
    only active (True) or inactive (False) ones; ``role``: one place in the decision chain."""
    qs = contacts_visible_to(user).select_related("reports_to", "client")
    if client is not None:
        qs = qs.filter(client=client)
    if active is not None:
        qs = qs.filter(active=active)
    if role:
        qs = qs.filter(role_in_decision_chain=role)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(title__icontains=search) | Q(email__icontains=search))
    return with_last_touch(qs).order_by("name", "pk")


def contact_get(*, user: Any, pk: Any, client: Client | None = None) -> Contact:
    """One contact the user may see (of ``client`` when given), or 404."""
    try:
        return contact_list(user=user, client=client).get(pk=pk)
    except (Contact.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(Contact._meta.verbose_name) from exc


# --- the decision chain -----------------------------------------------------------------------------------------------
@dataclass
class ChainNode:
    contact: Contact
    depth: int = 0
    children: list[ChainNode] = field(default_factory=list)


@dataclass
class DecisionChain:
    """The client's active contacts as a forest by ``reports_to``: each root is someone who reports to nobody we
    know of. Someone reporting to an inactive contact hangs under the nearest active one above."""

    client: Client
    roots: list[ChainNode]

    def walk(self) -> Iterator[ChainNode]:
        """Every node, depth first, parents before their reports."""
        stack = list(reversed(self.roots))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    @property
    def size(self) -> int:
        return sum(1 for _ in self.walk())


def _chain_order(contact: Contact) -> tuple[int, str, int]:
    """Within a level: the most influential first, then by name."""
    return (-contact.influence, contact.name.casefold(), contact.pk)


def decision_chain_of(client: Client, contacts: list[Contact]) -> DecisionChain:
    """Build the chain from ``contacts`` (all of the client's contacts the caller may see, active or not); pure, so
    a page that already holds the contacts draws the chain without another query."""
    by_pk = {c.pk: c for c in contacts}

    def manager(contact: Contact) -> int | None:
        above, seen = contact.reports_to_id, {contact.pk}
        while above in by_pk and not by_pk[above].active and above not in seen:
            seen.add(above)
            above = by_pk[above].reports_to_id
        return above if above in by_pk and by_pk[above].active and above not in seen else None

    active = sorted((c for c in contacts if c.active), key=_chain_order)
    reports: dict[int | None, list[Contact]] = {}
    for contact in active:
        reports.setdefault(manager(contact), []).append(contact)

    placed: set[int] = set()

    def grow(contact: Contact, depth: int) -> ChainNode:
        placed.add(contact.pk)
        node = ChainNode(contact, depth)
        node.children = [grow(r, depth + 1) for r in reports.get(contact.pk, []) if r.pk not in placed]
        return node

    roots = [grow(c, 0) for c in reports.get(None, [])]
    # Lines that loop back on themselves (data from before the rule) still show: the loop is cut at its first member.
    for contact in active:
        if contact.pk not in placed:
            roots.append(grow(contact, 0))
    return DecisionChain(client=client, roots=roots)


def decision_chain(*, user: Any, client: Client) -> DecisionChain:
    """The decision chain of ``client`` as the user may see it (empty for those who may not see its contacts)."""
    return decision_chain_of(client, list(contact_list(user=user, client=client)))
