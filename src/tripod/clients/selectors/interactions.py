"""Reads of interactions (the client's timeline) and follow-ups, always scoped to what the user may see: the
account team and admins see a client's all; the PM of a project sees the interactions about that project; the
client portal sees none."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import BooleanField, Case, Count, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from tripod.clients.access import contacts_visible_to
from tripod.clients.access.interactions import followups_visible_to, interactions_visible_to
from tripod.clients.models import Client, Contact, FollowUp, Interaction
from tripod.core.errors import NotFound
from tripod.identity.models import User


def _pk(value: Any) -> Any:
    return value.pk if hasattr(value, "pk") else value


def interaction_list(
    *,
    user: Any,
    client: Client | None = None,
    kind: str | None = None,
    contact: Contact | int | None = None,
    since: datetime | date | None = None,
    until: datetime | date | None = None,
    project: Any = None,
) -> QuerySet[Interaction]:
    """Interactions the user may see, newest first, with client, project and author joined, the contacts (those
    the user may see) prefetched, and ``is_planned`` (its time is still to come). ``since`` / ``until``: from /
    before that moment (a date means its local midnight)."""
    qs = interactions_visible_to(user).select_related("client", "project", "created_by")
    if client is not None:
        qs = qs.filter(client=client)
    if kind:
        qs = qs.filter(kind=kind)
    if contact:
        qs = qs.filter(contacts=_pk(contact))
    if project:
        qs = qs.filter(project=_pk(project))
    if since is not None:
        qs = qs.filter(at__gte=_moment(since))
    if until is not None:
        qs = qs.filter(at__lt=_moment(until))
    visible_contacts = contacts_visible_to(user).order_by("name", "pk")
    qs = qs.annotate(
        is_planned=Case(
            When(at__gt=timezone.now(), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )
    return qs.prefetch_related(Prefetch("contacts", queryset=visible_contacts)).order_by("-at", "-pk")


def _moment(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, datetime.min.time()))


def interaction_get(*, user: Any, pk: Any, client: Client | None = None) -> Interaction:
    """One interaction the user may see (of ``client`` when given), or 404."""
    try:
        return interaction_list(user=user, client=client).get(pk=pk)
    except (Interaction.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(Interaction._meta.verbose_name) from exc


def interaction_counts_by_kind(*, user: Any, client: Client | None = None, since: Any = None) -> dict[str, int]:
    """How many interactions of each kind the user may see (of ``client``, from ``since``); one query."""
    qs = interaction_list(user=user, client=client, since=since).order_by()
    return {row["kind"]: row["n"] for row in qs.values("kind").annotate(n=Count("pk"))}


# --- follow-ups -------------------------------------------------------------------------------------------------------
def followup_list(
    *,
    user: Any,
    owner: Any = None,
    open_only: bool = True,
    client: Client | None = None,
    interaction: Interaction | None = None,
    overdue_only: bool = False,
) -> QuerySet[FollowUp]:
    """Follow-ups the user may see, open ones first by due date, each with ``overdue`` (open and due before today
    in the user's time zone). ``owner``: only that user's; ``open_only``: not done yet."""
    today = timezone.localdate()
    qs = followups_visible_to(user).select_related("client", "owner", "interaction")
    if owner is not None:
        qs = qs.filter(owner=_pk(owner))
    if client is not None:
        qs = qs.filter(client=client)
    if interaction is not None:
        qs = qs.filter(interaction=interaction)
    if open_only or overdue_only:
        qs = qs.filter(done_at__isnull=True)
    if overdue_only:
        qs = qs.filter(due__lt=today)
    qs = qs.annotate(
        overdue=Case(
            When(done_at__isnull=True, due__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        is_open=Case(When(done_at__isnull=True, then=Value(True)), default=Value(False), output_field=BooleanField()),
    )
    return qs.order_by("-is_open", "due", "pk")


def followup_get(*, user: Any, pk: Any) -> FollowUp:
    try:
        return followup_list(user=user, open_only=False).get(pk=pk)
    except (FollowUp.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(FollowUp._meta.verbose_name) from exc


def followup_counts(*, user: Any, owner: Any = None, client: Client | None = None) -> dict[str, int]:
    """Open and overdue follow-ups the user may see (only ``owner``'s when given); one query."""
    today = timezone.localdate()
    qs = followup_list(user=user, owner=owner, client=client).order_by()
    return qs.aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due__lt=today)))


def followup_owner_choices(*, client: Client, also_id: Any = None) -> QuerySet[User]:
    """Who may own a follow-up of ``client``: its account manager and account team (active staff), plus the
    current owner so that an edit keeps it."""
    condition = Q(is_active=True) & (Q(owned_clients=client) | Q(account_clients=client))
    if also_id:
        condition |= Q(pk=also_id)
    return User.objects.filter(pk__in=User.objects.filter(condition).values("pk")).order_by("display_name", "username")
