"""A change request from raise to approval in Chromium: the PM raises it with an added task (the line added in place
with HTMX), submits it, the impact panel shows the finish moving by five working days, the PM, the AM and the line
manager approve, and the task appears in the WBS."""

from __future__ import annotations

import os

import pytest

from tests.authz.world import PASSWORD
from tests.browser import log_in
from tests.scope.change_request_builders import build_cr_world
from tripod.scope.models import ChangeRequest

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("TRIPOD_SCREENSHOTS")


@pytest.fixture
def sw(transactional_db):
    return build_cr_world()


def _decide(page, base: str, user, url: str) -> None:
    log_in(page, base, user, password=PASSWORD)
    page.goto(url)
    form = page.locator("#cr-decision-form")
    form.locator("textarea[name=comment]").fill(f"Fine by {user.username}")
    form.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()


def test_change_request_from_raise_to_approval(page, live_server, sw):
    base = live_server.url
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    log_in(page, base, sw.users["pm_related"], password=PASSWORD)
    page.goto(f"{base}/scope/projects/{sw.project.pk}/change-requests/")
    page.get_by_role("link", name="Raise a change request").first.click()
    page.get_by_label("Title").fill("Audit trail export")
    page.get_by_label("Reason").fill("The client's auditors asked for it.")
    page.get_by_role("button", name="Raise").click()
    page.wait_for_url("**/scope/change-requests/*/")
    detail_url = page.url

    line = page.locator("#cr-line-form")
    line.get_by_label("New task").fill("Export to the audit format")
    line.get_by_label("Duration").fill("5d")
    line.get_by_label("Predecessors").fill("2")
    line.get_by_label("Skill").fill("Backend")
    line.get_by_role("button", name="Add the change").click()
    page.locator("[data-testid=cr-lines]").get_by_text("Export to the audit format").wait_for()
    assert page.url == detail_url  # swapped in place, no page load

    page.get_by_role("button", name="Submit for decision").click()
    page.wait_for_load_state()
    impact = page.locator("[data-testid=cr-impact]")
    assert "5 working days" in impact.locator("[data-testid=cr-finish-delta]").inner_text()
    assert "Export to the audit format" in impact.locator("[data-testid=cr-critical]").inner_text()
    assert "40.0" in impact.inner_text()  # 5 days of Backend work
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "change-request-impact.png"), full_page=True)

    for actor in ("pm_related", "am_related", "lm_related"):
        _decide(page, base, sw.users[actor], detail_url)
    assert "Applied" in page.locator("[data-testid=cr-status]").inner_text()
    assert page.locator("[data-testid=cr-approvals]").inner_text().count("Approve") == 3
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.APPLIED

    page.get_by_role("link", name="See the WBS").click()
    page.wait_for_load_state()
    assert page.get_by_text("Export to the audit format").first.is_visible()
    assert not [p for p in problems if "Content Security Policy" in p]
