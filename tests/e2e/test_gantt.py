"""The Gantt chart in Chromium: dragging a bar stores a Start No Earlier Than constraint on the day it was dropped
(as Microsoft Project does), dragging its end changes the duration, dragging from its handle to another bar links
the two, the baseline is drawn, rows collapse, and a member sees the chart without being able to change it."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest
from django.utils import timezone

from tests.browser import log_in
from tests.factories import make_user
from tests.projects.gantt_builders import gantt_plan, gantt_project
from tripod.identity.models import Role
from tripod.projects.models import Dependency, ProjectMember, Task
from tripod.projects.services.baselines import baseline_save

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ["TRIPOD_SCREENSHOTS"]) if os.environ.get("TRIPOD_SCREENSHOTS") else None


@pytest.fixture
def plan(transactional_db):
    pm = make_user(Role.PM, username="gantt-pm")
    plan = gantt_plan(gantt_project(pm=pm), 40)
    baseline_save(actor=pm, project=plan.project)
    return plan


def _open(page, base_url: str, plan) -> None:
    page.goto(f"{base_url}/projects/{plan.project.pk}/gantt/")
    page.wait_for_selector("[data-tp-gantt][data-state='ready']")


def _bar(page, task: Task) -> dict:
    """Viewport coordinates of a task's bar: left, right and the row's middle."""
    return page.evaluate(
        """(id) => {
            const root = document.querySelector('[data-tp-gantt]'), g = root.tpGantt;
            const i = g.indexOf[id], b = g.bar(i), box = g.scroll.getBoundingClientRect();
            return {left: box.left + b[0], right: box.left + b[1],
                    y: box.top + g.rowOf[i] * 26 - g.scroll.scrollTop + 13, pxPerDay: g.ppm() * 1440};
        }""",
        task.pk,
    )


def _drag(page, x0: float, y0: float, x1: float, y1: float) -> None:
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=4)
    page.mouse.move(x1, y1, steps=4)
    page.mouse.up()
    page.wait_for_selector("[data-tp-gantt][data-state='ready']")


def _local(value: datetime) -> datetime:
    return timezone.localtime(value, timezone.get_default_timezone()).replace(tzinfo=None)


def test_dragging_a_bar_sets_start_no_earlier_than_the_day_it_was_dropped(page, live_server, plan):
    log_in(page, live_server.url, "gantt-pm")
    _open(page, live_server.url, plan)
    task = plan.by_name("Task 1.2")  # Wed 4 March 2026
    bar = _bar(page, task)
    x = (bar["left"] + bar["right"]) / 2
    with page.expect_response(lambda r: r.url.endswith("/gantt/move/")) as answer:
        _drag(page, x, bar["y"], x + 12 * bar["pxPerDay"], bar["y"])  # twelve days later: Monday 16 March
    assert answer.value.status == 200
    page.wait_for_selector("[data-tp-gantt][data-state='ready']")
    task.refresh_from_db()
    assert task.constraint_type == "SNET"
    assert _local(task.constraint_date) == datetime(2026, 3, 16, 8, 0)
    assert _local(task.start).date() == date(2026, 3, 16)
    # the successors moved with it, and the chart shows the server's new dates
    assert _local(Task.objects.get(pk=plan.by_name("Task 1.3").pk).start).date() > date(2026, 3, 16)
    if SHOTS:
        page.screenshot(path=str(SHOTS / "gantt-moved.png"))
    moved = _bar(page, task)
    assert abs(moved["left"] - (bar["left"] + 12 * bar["pxPerDay"])) < bar["pxPerDay"]


def test_dragging_the_right_end_changes_the_duration(page, live_server, plan):
    log_in(page, live_server.url, "gantt-pm")
    _open(page, live_server.url, plan)
    task = plan.by_name("Task 1.1")  # Mon 2 - Tue 3 March: two days
    bar = _bar(page, task)
    with page.expect_response(lambda r: r.url.endswith("/gantt/resize/")) as answer:
        _drag(page, bar["right"] - 1, bar["y"], bar["right"] - 1 + 3 * bar["pxPerDay"], bar["y"])  # to Friday
    assert answer.value.status == 200
    task.refresh_from_db()
    assert task.duration_min == 5 * 480
    assert task.constraint_type == "ASAP"


def test_dragging_from_the_handle_to_another_bar_adds_a_dependency(page, live_server, plan):
    log_in(page, live_server.url, "gantt-pm")
    _open(page, live_server.url, plan)
    pred, succ = plan.by_name("Task 1.1"), plan.by_name("Task 2.3")
    source, target = _bar(page, pred), _bar(page, succ)
    page.mouse.move((source["left"] + source["right"]) / 2, source["y"])  # hovering shows the handle
    with page.expect_response(lambda r: r.url.endswith("/gantt/link/")) as answer:
        _drag(page, source["right"] + 9, source["y"], (target["left"] + target["right"]) / 2, target["y"])
    assert answer.value.status == 200
    assert Dependency.objects.filter(pred=pred, succ=succ, type="FS").exists()


def test_collapse_zoom_and_a_read_only_member(page, live_server, plan):
    member = make_user(Role.MEMBER, username="gantt-member")
    ProjectMember.objects.create(project=plan.project, user=member)
    log_in(page, live_server.url, "gantt-member")
    _open(page, live_server.url, plan)
    page.locator(".tp-gantt-row[aria-level='1'] [data-toggle]").first.click()
    page.locator(".tp-gantt-row[aria-expanded='false']").wait_for()
    assert page.locator(".tp-gantt-row[aria-expanded='false']").count() == 1
    hidden = page.evaluate("document.querySelector('[data-tp-gantt]').tpGantt.visible.length")
    assert hidden == 40 - 9  # the first phase's nine rows are folded away
    names = page.locator(".tp-gantt-row:not([hidden]) .tp-gantt-name").all_inner_texts()
    assert names[:2] == ["Phase 1", "Phase 2"]
    if SHOTS:
        page.screenshot(path=str(SHOTS / "gantt-collapsed.png"))
    page.locator("[data-zoom='month']").click()
    assert page.locator("[data-zoom='month']").get_attribute("aria-pressed") == "true"
    page.locator("[data-chart-scroll]").focus()
    page.keyboard.press("+")
    assert page.locator("[data-zoom='week']").get_attribute("aria-pressed") == "true"
    assert page.evaluate("document.querySelector('[data-tp-gantt]').tpGantt.meta.editable") is False
    task = plan.by_name("Task 2.2")
    bar = _bar(page, task)
    _drag(page, (bar["left"] + bar["right"]) / 2, bar["y"], bar["right"] + 100, bar["y"])
    task.refresh_from_db()
    assert task.constraint_type == "ASAP"


def test_only_the_rows_in_view_exist_and_scrolling_brings_the_others(page, live_server, transactional_db):
    pm = make_user(Role.PM, username="gantt-big")
    plan = gantt_plan(gantt_project(pm=pm, code="BIG"), 600, streams=10)
    log_in(page, live_server.url, "gantt-big")
    _open(page, live_server.url, plan)
    assert page.locator(".tp-gantt-row").count() < 60  # a recycled pool, not 600 elements
    # ... yet enough of them to fill the chart's height, however early the data came in
    height = page.locator("[data-chart-scroll]").evaluate("el => el.clientHeight")
    page.wait_for_function(
        "h => document.querySelectorAll('.tp-gantt-row:not([hidden])').length >= Math.floor(h / 26)", arg=height
    )
    assert "Phase 1" in page.locator(".tp-gantt-row:not([hidden])").first.inner_text()
    page.locator("[data-chart-scroll]").focus()
    page.keyboard.press("End")
    last = plan.tasks[-1].name
    page.locator(".tp-gantt-row:not([hidden]) .tp-gantt-name", has_text=last).wait_for()
    assert page.locator(".tp-gantt-row").count() < 60
