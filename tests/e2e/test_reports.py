"""A status report from draft to publication in Chromium, keyboard and confirmation dialog included, then the
client reads the shared report and the printable page, with no CSP violation."""

from __future__ import annotations

import os
from datetime import date

import pytest

from tests.browser import log_in
from tests.factories import make_user
from tests.projects.report_builders import make_milestone
from tripod.clients.models import Client, PortalUser
from tripod.identity.models import Role
from tripod.projects.models import Project, StatusReport

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("TRIPOD_SCREENSHOTS")


@pytest.fixture
def setting(transactional_db):
    pm = make_user(Role.PM, username="pm-reports")
    portal = make_user(Role.CLIENT, username="client-reports")
    client = Client.objects.create(name="Harbour 港务")
    PortalUser.objects.create(user=portal, client=client)
    project = Project.objects.create(code="HB-1", name="Harbour ERP", client=client, pm=pm)
    make_milestone(project, "Go-live 上线", 1, date(2026, 6, 1))
    return pm, portal, project


def test_pm_publishes_and_shares_and_client_reads(page, live_server, setting):
    pm, portal, project = setting
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    log_in(page, live_server.url, pm)
    page.goto(f"{live_server.url}/projects/{project.pk}/reports/")
    page.fill("input[name='period_end']", "2026-03-06")
    page.get_by_role("button", name="Generate the draft").click()
    page.wait_for_load_state()
    page.fill("textarea[name='narrative']", "Build on plan; vendor slow.")
    page.fill("textarea[name='client_summary']", "设计阶段完成。 Design complete.")
    page.locator("textarea[name='client_summary']").press("Tab")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Publish").click()
    page.locator("[data-tp-confirm-ok]").click()
    page.wait_for_load_state()
    assert "Status report published." in page.content()
    page.get_by_role("button", name="Share with the client").click()
    page.wait_for_load_state()
    report = StatusReport.objects.get()
    assert report.is_published and report.shareable
    page.context.clear_cookies()
    log_in(page, live_server.url, portal)
    page.goto(f"{live_server.url}/projects/{project.pk}/reports/")
    page.get_by_role("link", name="2026-02-28 \u2013 2026-03-06").click()
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "Design complete." in text and "Go-live" in text
    assert "vendor slow" not in text
    page.get_by_role("link", name="Printable page").click()
    page.wait_for_load_state()
    assert page.locator(".tp-print-sheet").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".tp-print-toolbar").is_visible()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "report-print.png"), full_page=True)
    assert not [p for p in problems if "Content Security Policy" in p]
