"""The demo's tickets under SLA, built through the services on the demo organisation: a default policy on the demo
calendar, tickets over the past months for every client, most met, one breached, one waiting on the client, one
near breach now (escalated by the check), and the portal's tickets without internal notes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q
from django.utils import timezone

from tripod.clients.models import SlaPolicy, Ticket
from tripod.clients.selectors.tickets import sla_metrics, ticket_comments, ticket_list, with_sla
from tripod.core.models import BusinessEvent
from tripod.demo import organisation, tickets

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 18)  # a Wednesday
NOW = timezone.make_aware(dt.datetime(2026, 11, 18, 15, 0))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        org = organisation.build(today=TODAY)
        counts = tickets.build(org, today=TODAY)
        yield org, counts
        from django.core.management import call_command

        call_command("flush", "--no-input", verbosity=0)


def test_counts_and_the_default_policy(demo):
    org, counts = demo
    assert counts["tickets"] == len(tickets.TICKETS) == Ticket.objects.count()
    assert 15 <= counts["tickets"] <= 25
    default = SlaPolicy.objects.get(is_default=True)
    assert default.calendar == org.calendar
    assert default.targets.count() == 4
    assert counts["SLA policies"] == 2
    assert counts["ticket comments"] > counts["tickets"]


def test_every_client_has_tickets_spread_over_months(demo):
    org, _counts = demo
    for client in org.clients:
        assert Ticket.objects.filter(client=client).exists(), client
    opened = list(Ticket.objects.values_list("opened_at", flat=True))
    assert min(opened) < NOW - dt.timedelta(days=90)
    assert max(opened) <= NOW


def test_states_met_breached_waiting_near_breach(demo):
    org, _counts = demo
    admin = org.users["admin"]
    rows = with_sla(list(ticket_list(user=admin)), NOW)
    states = [t.sla.state for t in rows]
    assert states.count("met") >= 8
    breached = Ticket.objects.filter(Q(response_breached=True) | Q(resolution_breached=True))
    assert breached.count() == 1
    assert breached.get().status == "closed"
    waiting = Ticket.objects.get(status="waiting_on_client")
    assert next(t for t in rows if t.pk == waiting.pk).sla.state == "paused"
    assert states.count("warning") == 1
    near = next(t for t in rows if t.sla.state == "warning")
    assert BusinessEvent.objects.filter(verb="ticket.sla_escalated", target_id=str(near.pk)).exists()
    assert Ticket.objects.filter(status="new").exists() and Ticket.objects.filter(status="in_progress").exists()
    assert BusinessEvent.objects.filter(verb="ticket.reopened").count() == 1


def test_metrics_and_what_the_portal_sees(demo):
    org, _counts = demo
    metrics = sla_metrics(user=org.users["admin"])
    assert metrics.resolved >= 12 and 90 <= metrics.resolution_compliance < 100
    portal = org.users["client"]
    own = list(ticket_list(user=portal))
    assert own and {t.client_id for t in own} == {org.clients[0].pk}
    assert Ticket.objects.filter(client=org.clients[0], reporter=portal).count() == 3
    for ticket in own:
        assert not any(c.internal for c in ticket_comments(user=portal, ticket=ticket))
