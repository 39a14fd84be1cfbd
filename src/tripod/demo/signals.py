"""The demo's buying signals: the default rules, then one evaluation over what the other demo parts left (Huaxin
Bank's content downloads, the contracts up for renewal, recent detractors, a new decision maker at Kangjian Health),
so the signals page opens with open signals, each showing its evidence. One signal is already acknowledged and
one acted on with a follow-up, as an account manager would have done. Northwind's recent CSAT detractor raises a
detractor signal.

Every demo record is created at load time, so the contacts are first dated back to when the account team came to
know them (a day before their first interaction, or months ago): the "new decision maker" rule reads that date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from tripod.clients.models import Client, Contact, Interaction, Signal, SignalRule
from tripod.clients.services import interaction_create
from tripod.clients.services.signals import (
    rule_hits,
    signal_acknowledge,
    signal_act,
    signal_rules_install_defaults,
    signals_evaluate,
)

KNOWN_FOR_DAYS = 240  # contacts without any interaction were met this long ago
DOWNLOADS = (  # added for Northwind when no client has downloaded enough lately: (days ago, subject)
    (11, "Downloaded: Fleet telematics buyer's guide"),
    (6, "Downloaded: Route optimisation ROI calculator"),
    (2, "Downloaded: Case study — cross-dock automation"),
)


def _moment(today: dt.date) -> dt.datetime:
    """When the demo evaluates: now when it is loaded for today, else 18:00 on ``today``."""
    if today == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(today, dt.time(18, 0)))


def _date_contacts(clients: list[Client], now: dt.datetime) -> None:
    """Date each contact back to a day before its first interaction (or months ago when it has none)."""
    contacts = Contact.objects.filter(client__in=clients).annotate(first_met=Min("interactions__at"))
    for contact in contacts:
        first = contact.first_met
        known = first - dt.timedelta(days=1) if first and first <= now else now - dt.timedelta(days=KNOWN_FOR_DAYS)
        # A bookkeeping date, not a business change: no history row and no event.
        Contact.objects.filter(pk=contact.pk).update(created_at=known)


def _downloads(clients: list[Client], now: dt.datetime) -> int:
    """Make sure some client has been researching: three downloads for Northwind when no client has enough."""
    rule = SignalRule.objects.filter(kind=SignalRule.Kind.CONTENT_DOWNLOADS, active=True).first()
    if rule is None or rule_hits(rule, now=now) or len(clients) < 2:
        return 0
    client = clients[1]
    contact = client.contacts.filter(active=True).order_by("pk").first()
    for days_ago, subject in DOWNLOADS:
        interaction_create(
            actor=client.owner_am,
            client=client,
            kind=Interaction.Kind.CONTENT_DOWNLOAD,
            at=now - dt.timedelta(days=days_ago, hours=3),
            subject=subject,
            contacts=[contact] if contact else [],
        )
    return len(DOWNLOADS)


def _handle_some(clients: list[Client], today: dt.date) -> None:
    """The renewal signal is being looked at; Evergreen's new decision maker has been asked for a meeting."""
    renewal = Signal.objects.filter(rule__kind=SignalRule.Kind.RENEWAL_DUE).select_related("client__owner_am").first()
    if renewal is not None and renewal.client.owner_am is not None:
        signal_acknowledge(
            actor=renewal.client.owner_am, signal=renewal, note="Renewal proposal in preparation with the PM."
        )
    newcomer = (
        Signal.objects.filter(rule__kind=SignalRule.Kind.NEW_DECISION_MAKER, client__in=clients[3:4])
        .select_related("client__owner_am")
        .first()
    )
    if newcomer is not None and newcomer.client.owner_am is not None:
        signal_act(
            actor=newcomer.client.owner_am,
            signal=newcomer,
            note="Replied to the proposal e-mail and asked for an introduction.",
            followup_text="Meet the new COO to walk through the store analytics proposal",
            followup_due=today + dt.timedelta(days=5),
        )


@transaction.atomic
def build(org: Any, today: dt.date | dt.datetime | None = None) -> dict[str, int]:
    """Install the default rules and evaluate them over the demo; returns counts for the command's summary."""
    if isinstance(today, dt.datetime):
        now, today = today, timezone.localdate(today)
    else:
        today = today or dt.date.today()
        now = _moment(today)
    clients = list(Client.objects.filter(pk__in=[c.pk for c in org.clients]).select_related("owner_am"))
    clients.sort(key=lambda c: [x.pk for x in org.clients].index(c.pk))
    rules = signal_rules_install_defaults(actor=org.users["admin"])
    _date_contacts(clients, now)
    downloads = _downloads(clients, now)
    signals_evaluate(now=now)
    _handle_some(clients, today)
    return {
        "signal rules": len(rules),
        "signals": Signal.objects.filter(client__in=clients).count(),
        "open signals": Signal.objects.filter(client__in=clients, status=Signal.Status.OPEN).count(),
        "demo downloads": downloads,
    }
