"""Tickets breaching their SLA, in Chromium, with the clock controlled by the test. On a round-the-clock calendar a
critical ticket must be answered within 30 minutes: one ticket was opened 25 minutes ago (past the 80 % escalation
line), another 35 minutes ago (breached). The AM sees both states on the list; the periodic check records the
escalation and the breach once each, and the breach shows in the ticket's activity."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import log_in
from tests.factories import make_user
from tripod.clients.models import Client
from tripod.clients.services.tickets import sla_policy_create, ticket_open, ticket_sla_check
from tripod.core.calendars import calendar_create
from tripod.core.models import BusinessEvent
from tripod.identity.models import Role

pytestmark = pytest.mark.e2e
ALL_DAY = [["00:00", "23:59"]]


@pytest.fixture
def setting(transactional_db):
    admin = make_user(Role.ADMIN, username="admin-sla", is_superuser=True, is_staff=True)
    am = make_user(Role.AM, username="am-sla")
    client = Client.objects.create(name="Harbour 港务", owner_am=am)
    calendar = calendar_create(actor=admin, name="Round the clock", working_hours={str(d): ALL_DAY for d in range(7)})
    targets = {
        s: {"first_response_minutes": 30, "resolution_minutes": 240} for s in ("critical", "high", "medium", "low")
    }
    sla_policy_create(actor=admin, name="Premium", calendar=calendar, targets=targets, is_default=True)
    now = timezone.now()
    near = ticket_open(
        actor=am, client=client, subject="Reports are slow", severity="critical", now=now - dt.timedelta(minutes=25)
    )
    late = ticket_open(
        actor=am,
        client=client,
        subject="Invoices do not export",
        severity="critical",
        now=now - dt.timedelta(minutes=35),
    )
    return am, near, late


def test_tickets_near_and_past_their_sla(page, live_server, setting):
    am, near, late = setting
    log_in(page, live_server.url, am)

    page.goto(f"{live_server.url}/clients/tickets/")
    near_row = page.locator("tr", has=page.get_by_text("Reports are slow"))
    late_row = page.locator("tr", has=page.get_by_text("Invoices do not export"))
    expect(near_row.locator(".tp-sla-warning")).to_have_count(1)
    expect(near_row.locator(".tp-sla-left")).to_contain_text("left")
    expect(late_row.locator(".tp-sla-breached")).to_have_count(1)
    expect(late_row.locator(".tp-sla-left")).to_contain_text("over by")

    # The periodic check: the near ticket is escalated, the late one escalated and breached; a second run adds nothing.
    assert ticket_sla_check(now=timezone.now()) == {"checked": 2, "escalated": 2, "breached": 1}
    assert ticket_sla_check(now=timezone.now()) == {"checked": 2, "escalated": 0, "breached": 0}
    breaches = BusinessEvent.objects.filter(verb="ticket.sla_breached")
    assert [event.target_id for event in breaches] == [str(late.pk)]
    escalations = BusinessEvent.objects.filter(verb="ticket.sla_escalated")
    assert sorted(event.target_id for event in escalations) == sorted([str(near.pk), str(late.pk)])

    page.goto(f"{live_server.url}/clients/tickets/{late.pk}/")
    expect(page.locator(".tp-sla-breached").first).to_be_visible()
    expect(page.get_by_text("SLA breached")).to_be_visible()
