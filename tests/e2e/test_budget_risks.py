"""The budget page's S-curve and the risk heat map in Chromium: drawn without CSP violations, the heat map usable
from the keyboard (a cell is a link that filters the register)."""

from __future__ import annotations

import os

import pytest

from tests.browser import log_in
from tests.factories import make_user
from tests.projects.budget_builders import build_fence, fence_day
from tripod.clients.models import Client
from tripod.identity.models import Role
from tripod.projects.models import Project
from tripod.projects.services.risks import risk_action_create, risk_create

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("TRIPOD_SCREENSHOTS")


@pytest.fixture
def project(transactional_db):
    pm = make_user(Role.PM, username="pm-ev")
    client = Client.objects.create(name="Fence Co")
    project = Project.objects.create(code="FENCE", name="Fence", client=client, pm=pm)
    build_fence(project)
    return pm, project


def _watch_console(page):
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    return problems


def test_s_curve_is_drawn_with_legend_and_no_csp_error(page, live_server, project):
    pm, p = project
    problems = _watch_console(page)
    log_in(page, live_server.url, pm)
    page.goto(f"{live_server.url}/projects/{p.pk}/budget/?status_date={fence_day(3).isoformat()}")
    svg = page.locator("svg.tp-scurve-svg")
    svg.wait_for()
    assert svg.get_attribute("role") == "img"
    for line in ("pv", "ev", "ac"):
        box = page.locator(f"polyline.tp-scurve-{line}").bounding_box()
        assert box is not None and box["width"] > 0
    assert page.locator(".tp-scurve-legend").is_visible()
    assert "4,000.00 CNY" in page.locator(".tp-budget-tiles").inner_text()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "budget.png"), full_page=True)
    assert not [p for p in problems if "Content Security Policy" in p]


def test_heat_map_cell_filters_the_register_from_the_keyboard(page, live_server, project):
    pm, p = project
    rain = risk_create(actor=pm, project=p, title="Rain delays", probability=4, impact_schedule=5)
    risk_action_create(actor=pm, risk=rain, description="Order tarpaulins", due=fence_day(1))
    risk_create(actor=pm, project=p, title="Wood price rise", probability=2, impact_cost=2)
    problems = _watch_console(page)
    log_in(page, live_server.url, pm)
    page.goto(f"{live_server.url}/projects/{p.pk}/risks/")
    cell = page.locator("a.tp-heat-cell[href*='probability=4'][href*='impact=5']")
    assert cell.inner_text().strip() == "1"
    cell.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**probability=4**")
    body = page.locator("#risks").inner_text()
    assert "Rain delays" in body and "Wood price rise" not in body
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "risks.png"), full_page=True)
    page.locator("#risks a", has_text="Rain delays").click()
    page.wait_for_url(f"**/risks/{rain.pk}/")
    assert page.locator("h2", has_text="It happened").is_visible()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "risk.png"), full_page=True)
    assert not [p for p in problems if "Content Security Policy" in p]
