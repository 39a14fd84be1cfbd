"""A member fills in a week in the browser (cells saved in place), submits it; the PM returns it with a reason, the
member corrects and resubmits, the PM approves; actual work rolls up."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser import log_in
from tests.projects.time_builders import MONDAY, make_project, make_staff, make_task
from tripod.identity.models import Role
from tripod.projects.models import Assignment, Task, TimeEntry

pytestmark = pytest.mark.e2e


def _cell(page, task: Task, day_index: int):
    return page.locator(f"#ts-cell-{task.pk}-{day_index} input[name='hours']")


def _type(page, task, day_index, text):
    cell = _cell(page, task, day_index)
    cell.fill(text)
    with page.expect_response(re.compile(r"/projects/time-cell/")):
        cell.press("Tab")


@pytest.fixture
def plan(transactional_db):
    pm, _ = make_staff(Role.PM, name="Pat PM")
    dev, person = make_staff(name="Dana Dev", cost_rate=Decimal("100"))
    project = make_project(pm=pm, members=[dev])
    phase = make_task(project, "Phase", kind=Task.Kind.SUMMARY)
    build = make_task(project, "Build API", parent=phase)
    docs = make_task(project, "Write docs", parent=phase)
    Assignment.objects.create(task=build, person=person, planned_work_min=2400)
    return {"pm": pm, "dev": dev, "project": project, "build": build, "docs": docs}


def test_fill_submit_return_resubmit_approve(page, live_server, plan):
    base, build, docs = live_server.url, plan["build"], plan["docs"]
    week_url = f"{base}/projects/time/{MONDAY.isoformat()}/"

    log_in(page, base, plan["dev"].username)
    page.goto(week_url)
    _type(page, build, 0, "2")
    _type(page, build, 1, "1:30")
    expect(page.locator("#ts-week-total")).to_have_text("3.5")
    expect(page.locator(f"#ts-row-total-{build.pk}")).to_have_text("3.5")

    # Add a row for a task I am not assigned to, and book on it.
    page.select_option("#ts-add-task", str(docs.pk))
    page.get_by_role("button", name="Add row").click()
    page.wait_for_load_state()
    _type(page, docs, 2, "23")
    _type(page, build, 2, "2")  # 23 + 2 > 24: refused, naming the day
    expect(page.locator(f"#ts-cell-{build.pk}-2 .tp-ts-error")).to_contain_text("2026-03-04")
    _type(page, build, 2, "1")
    expect(page.locator("#ts-day-total-2")).to_have_text("24")

    page.locator("[data-tp-submit-week]").click()
    page.locator("[data-tp-confirm-ok]").click()
    page.wait_for_load_state()
    expect(page.locator("[data-tp-week-status]")).to_have_attribute("data-tp-week-status", "submitted")
    # Submitted cells are read-only; the empty days stay open for more hours (a new draft).
    expect(_cell(page, build, 0)).to_have_count(0)
    expect(page.locator(f"#ts-cell-{build.pk}-0")).to_contain_text("2")
    expect(_cell(page, build, 3)).to_be_editable()
    assert set(TimeEntry.objects.values_list("status", flat=True)) == {"submitted"}

    log_in(page, base, plan["pm"].username)
    page.goto(f"{base}/projects/{plan['project'].pk}/time/")
    group = page.locator("[data-tp-approval]")
    expect(group).to_contain_text("Dana Dev")
    expect(group).to_contain_text("27.5 h")
    group.get_by_label("Reason for return").fill("Docs belong to next week")
    group.get_by_role("button", name="Return").click()
    page.wait_for_load_state()
    expect(page.locator("[data-tp-approval]")).to_have_count(0)

    log_in(page, base, plan["dev"].username)
    page.goto(week_url)
    expect(page.get_by_role("alert")).to_contain_text("Docs belong to next week")
    _type(page, docs, 2, "")
    expect(page.locator("#ts-week-total")).to_have_text("4.5")
    page.locator("[data-tp-submit-week]").click()
    page.locator("[data-tp-confirm-ok]").click()
    page.wait_for_load_state()

    log_in(page, base, plan["pm"].username)
    page.goto(f"{base}/projects/{plan['project'].pk}/time/")
    page.locator("[data-tp-approval]").get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    expect(page.locator("#tp-toasts")).to_contain_text("approved")
    expect(page.locator("[data-tp-approval]")).to_have_count(0)

    assert set(TimeEntry.objects.values_list("status", flat=True)) == {"approved"}
    phase = Task.objects.get(name="Phase")
    assert (phase.actual_work_min, phase.actual_cost) == (270, Decimal("450.00"))
    assert MONDAY + timedelta(days=2) in set(TimeEntry.objects.values_list("day", flat=True))
