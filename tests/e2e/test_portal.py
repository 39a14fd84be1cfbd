"""A requirement confirmed through the client portal in Chromium: the client's user signs in, opens the requirement
awaiting confirmation, reads the exact statement, confirms it and sees it confirmed; the confirmation record holds
the portal channel and the exact wording. Also on a phone-sized screen, with no CSP violation."""

from __future__ import annotations

import os

import pytest

from tests.browser import log_in
from tests.factories import make_user
from tripod.clients.models import Client, Contact, PortalUser
from tripod.identity.models import Role
from tripod.scope.models import Confirmation, Requirement
from tripod.scope.services import requirement_capture, requirement_clarify

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("TRIPOD_SCREENSHOTS")
STATEMENT = "客服人员用银行域账号登录 无需第二个密码。 Staff sign in with their bank domain account."


@pytest.fixture
def setting(transactional_db):
    am = make_user(Role.AM, username="am-portal")
    portal = make_user(Role.CLIENT, username="client-portal")
    client = Client.objects.create(name="Harbour 港务", owner_am=am)
    contact = Contact.objects.create(client=client, name="钱丽 Qian Li", title="Head of Digital")
    PortalUser.objects.create(user=portal, client=client, contact=contact)
    requirement = requirement_capture(
        actor=am, client=client, title="Single sign-on", statement=STATEMENT, source_contact=contact
    )
    requirement = requirement_clarify(actor=am, requirement=requirement)
    return portal, contact, requirement


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}])
def test_a_requirement_confirmed_through_the_portal(page, live_server, setting, viewport):
    portal, contact, requirement = setting
    page.set_viewport_size(viewport)
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    log_in(page, live_server.url, portal)
    page.goto(f"{live_server.url}/portal/")
    assert "Harbour 港务" in page.locator("header").inner_text()
    page.get_by_role("link", name="1 requirement awaits your confirmation").click()
    page.wait_for_load_state()
    page.locator("#awaiting-confirmation").get_by_role("link", name="REQ-001 Single sign-on").click()
    page.wait_for_load_state()
    assert STATEMENT in page.locator(".tp-requirement-statement").inner_text()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"portal-confirm-{viewport['width']}.png"), full_page=True)
    page.get_by_role("button", name="I confirm this requirement").click()
    page.wait_for_load_state()
    assert "requirement REQ-001 is confirmed" in page.content()
    assert page.locator(".tp-portal-req-status").inner_text() == "Confirmed"
    assert page.get_by_role("button", name="I confirm this requirement").count() == 0
    record = Confirmation.objects.get(requirement=requirement)
    assert record.channel == Confirmation.Channel.PORTAL
    assert record.wording == STATEMENT == record.statement
    assert record.contact == contact and record.recorded_by == portal
    assert Requirement.objects.get(pk=requirement.pk).status == Requirement.Status.CONFIRMED
    assert "Client portal" in page.locator("#confirmations").inner_text()
    assert not [p for p in problems if "Content Security Policy" in p]


def test_every_portal_page_fits_a_phone(page, live_server, transactional_db):
    from tests.portal.portal_builders import build_portal_world

    pw = build_portal_world()
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server.url, pw.portal, password="authz-world-pass-1")
    paths = {
        "overview": "/portal/",
        "project": f"/portal/projects/{pw.project.pk}/",
        "report": f"/portal/projects/{pw.project.pk}/reports/{pw.shared_report.pk}/",
        "requirements": "/portal/requirements/",
        "requirement": f"/portal/requirements/{pw.delivered.pk}/",
        "tickets": "/portal/tickets/",
        "ticket": f"/portal/tickets/{pw.ticket.pk}/",
        "surveys": "/portal/surveys/",
        "survey": f"/portal/surveys/{pw.invitation.pk}/",
    }
    for name, path in paths.items():
        page.goto(live_server.url + path)
        assert page.locator("h1").first.is_visible(), name
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (name, width)  # no sideways scrolling of the page (wide tables scroll in their box)
        for label in ("Overview", "Requirements", "Tickets", "Surveys"):
            assert page.locator(".tp-portal-nav").get_by_role("link", name=label).is_visible(), (name, label)
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"portal-phone-{name}.png"), full_page=True)
