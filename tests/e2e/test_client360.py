"""The client 360 page and the AM cockpit in Chromium: the sections load after the first paint (HTMX), the health
summary names the breached ticket that puts the account at risk, and the cockpit lists that client first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import log_in
from tests.factories import make_user
from tripod.clients.models import Client
from tripod.clients.services import contact_create
from tripod.clients.services.tickets import sla_policy_create, ticket_open
from tripod.core.calendars import calendar_create
from tripod.identity.models import Role
from tripod.projects.models import Project

pytestmark = pytest.mark.e2e
ALL_DAY = [["00:00", "23:59"]]


@pytest.fixture
def setting(transactional_db):
    admin = make_user(Role.ADMIN, username="admin-360", is_superuser=True, is_staff=True)
    am = make_user(Role.AM, username="am-360")
    risky = Client.objects.create(name="Harbour 港务", owner_am=am)
    calm = Client.objects.create(name="Aurora Foods", owner_am=am)
    contact_create(actor=am, client=risky, name="Chen CEO", role_in_decision_chain="economic_buyer")
    calendar = calendar_create(actor=admin, name="Round the clock", working_hours={str(d): ALL_DAY for d in range(7)})
    targets = {
        s: {"first_response_minutes": 30, "resolution_minutes": 240} for s in ("critical", "high", "medium", "low")
    }
    sla_policy_create(actor=admin, name="Premium", calendar=calendar, targets=targets, is_default=True)
    ticket_open(actor=am, client=risky, subject="Invoices do not export", severity="critical",
                now=timezone.now() - dt.timedelta(minutes=45))  # fmt: skip
    Project.objects.create(code="HB-1", name="Port system", client=risky, pm=admin)
    return am, risky, calm


def test_the_360_page_loads_its_sections_and_the_cockpit_puts_the_risky_client_first(page, live_server, setting):
    am, risky, calm = setting
    log_in(page, live_server.url, am)

    page.goto(f"{live_server.url}/clients/{risky.pk}/")
    health = page.locator("#health")
    expect(health).to_be_visible()
    expect(health.locator(".tp-health-at_risk").first).to_be_visible()
    expect(health.locator('[data-component="sla"]')).to_contain_text("Invoices do not export")
    expect(page.locator("#projects")).to_contain_text("Port system")
    expect(page.locator("#tickets")).to_contain_text("Breached")
    expect(page.locator("#satisfaction")).to_be_visible()
    expect(page.locator("#contracts")).to_be_visible()
    expect(page.locator(".tp-c360-lazy")).to_have_count(0)  # every placeholder was replaced

    page.goto(f"{live_server.url}/cockpit/am/")
    rows = page.locator("#my-clients tbody tr")
    expect(rows.first).to_contain_text("Harbour 港务")
    expect(rows.nth(1)).to_contain_text(calm.name)
    expect(page.locator("#sla-clocks")).to_contain_text("Invoices do not export")
