"""The task board in Chromium: drag a card to another column, and move one with the keyboard; the database follows
and the columns update without a full page load."""

from __future__ import annotations

import pytest

from tests.browser import log_in
from tests.projects.board_builders import make_task, pm_and_member
from tripod.projects.models import Task

pytestmark = pytest.mark.e2e


def _card(page, status, task):
    return page.locator(f"section.tp-board-column[data-status='{status}'] .tp-board-card[data-task='{task.pk}']")


@pytest.fixture
def board(transactional_db):
    pm, _member, project = pm_and_member()
    first = make_task(project, "Drag me")
    second = make_task(project, "Move me by keyboard")
    return pm, project, first, second


def test_drag_a_card_to_another_column(page, live_server, board):
    pm, project, task, _other = board
    log_in(page, live_server.url, pm.username)
    page.goto(f"{live_server.url}/projects/{project.pk}/board/")
    page.evaluate("window.__same_page = true")
    _card(page, "todo", task).drag_to(page.locator("section.tp-board-column[data-status='in_progress']"))
    _card(page, "in_progress", task).wait_for()
    task.refresh_from_db()
    assert task.status == "in_progress" and task.actual_start is not None
    assert page.evaluate("window.__same_page") is True  # no full reload
    counts = page.locator("section.tp-board-column [data-count]").all_inner_texts()
    assert [c.split()[0] for c in counts] == ["1", "1", "0", "0"]


def test_move_a_card_with_the_keyboard(page, live_server, board):
    pm, project, _task, task = board
    log_in(page, live_server.url, pm.username)
    page.goto(f"{live_server.url}/projects/{project.pk}/board/")
    page.evaluate("window.__same_page = true")
    select = page.locator(f"#move-{task.pk}")
    select.focus()
    select.select_option("in_review")
    page.keyboard.press("Tab")  # to the card's Move button
    page.keyboard.press("Enter")
    _card(page, "in_review", task).wait_for()
    page.wait_for_function(f"document.activeElement && document.activeElement.id === 'move-{task.pk}'")
    assert Task.objects.get(pk=task.pk).status == "in_review"
    assert page.evaluate("window.__same_page") is True
