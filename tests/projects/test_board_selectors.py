"""Reads of the task board: columns by status, cards with assignees and phase, filters, constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.authz.world import build_world
from tests.factories import make_user
from tests.projects.board_builders import (
    assign,
    make_person,
    make_project,
    make_summary,
    make_task,
    pm_and_member,
)
from tripod.core.errors import NotFound
from tripod.identity.models import Role
from tripod.projects.models import default_task_statuses
from tripod.projects.selectors.board import board_get, board_task_get, done_codes, project_statuses

pytestmark = pytest.mark.django_db


def _codes(column):
    return [card.task.name for card in column.cards]


def test_columns_follow_the_workflow_and_hold_the_live_work_tasks():
    pm, _member, project = pm_and_member()
    phase = make_summary(project, "Build")
    make_task(project, "A", parent=phase)
    make_task(project, "B", parent=phase, status="in_progress")
    make_task(project, "C", status="done", kind="milestone")
    make_task(project, "Binned", deleted_at="2026-01-01T00:00:00Z")
    board = board_get(user=pm, project=project)
    assert [c.status.code for c in board.columns] == ["todo", "in_progress", "in_review", "done"]
    assert [_codes(c) for c in board.columns] == [["A"], ["B"], [], ["C"]]
    assert board.card_count == 3 and board.can_move and board.can_configure


def test_a_card_carries_its_phase_and_assignees():
    pm, _member, project = pm_and_member()
    phase = make_summary(project, "Phase one")
    sub = make_summary(project, "Work package", parent=phase)
    task = make_task(project, "Deep", parent=sub)
    top = make_task(project, "Top level")
    ann, bob = make_person("Ann"), make_person("Bob")
    assign(task, bob)
    assign(task, ann)
    board = board_get(user=pm, project=project)
    cards = {card.task.name: card for card in board.columns[0].cards}
    assert cards["Deep"].phase.name == "Phase one"
    assert [p.name for p in cards["Deep"].assignees] == ["Ann", "Bob"]
    assert cards["Top level"].phase is None and cards["Top level"].assignees == []
    assert [p.name for p in board.people] == ["Ann", "Bob"]
    assert [p.name for p in board.phases] == ["Phase one"]
    assert top.pk in {card.task.pk for card in board.columns[0].cards}


def test_filters_by_assignee_unassigned_and_phase():
    pm, _member, project = pm_and_member()
    one, two = make_summary(project, "One"), make_summary(project, "Two")
    ann = make_person("Ann")
    assign(make_task(project, "Ann's", parent=one), ann)
    make_task(project, "Nobody's", parent=two)
    make_task(project, "Loose")
    assert _codes(board_get(user=pm, project=project, assignee=str(ann.pk)).columns[0]) == ["Ann's"]
    assert _codes(board_get(user=pm, project=project, assignee="none").columns[0]) == ["Nobody's", "Loose"]
    board = board_get(user=pm, project=project, phase=str(two.pk))
    assert _codes(board.columns[0]) == ["Nobody's"] and board.filtered
    assert board.columns[0].total == 3  # the WIP count is about the whole column, not what the filter shows


def test_a_task_with_a_status_not_in_the_workflow_shows_in_the_first_column():
    pm, _member, project = pm_and_member()
    make_task(project, "Old", status="someday")
    assert _codes(board_get(user=pm, project=project).columns[0]) == ["Old"]


def test_a_column_over_its_wip_limit_is_flagged():
    pm = make_user(Role.PM)
    statuses = default_task_statuses()
    statuses[1]["wip"] = 1
    project = make_project(pm=pm, task_statuses=statuses)
    make_task(project, status="in_progress")
    assert not board_get(user=pm, project=project).columns[1].over_limit
    make_task(project, status="in_progress")
    assert board_get(user=pm, project=project).columns[1].over_limit


def test_standard_labels_are_translated_and_custom_labels_shown_as_typed():
    pm = make_user(Role.PM)
    statuses = default_task_statuses()
    statuses[2]["label"] = "QA"
    project = make_project(pm=pm, task_statuses=statuses)
    with translation.override("zh-hans"):
        labels = [s.display for s in project_statuses(project)]
    assert labels[2] == "QA"
    with translation.override("zh-hans"):
        assert labels[0] == translation.gettext("To do")
    assert done_codes(project) == {"done"}


@pytest.mark.parametrize(
    ("actor", "moves", "configures"),
    [
        ("pm_related", True, True),
        ("member_related", True, False),
        ("lm_related", False, False),
        ("am_related", False, False),
        ("admin", True, True),
    ],
)
def test_who_sees_the_board_and_who_may_move_cards(actor, moves, configures):
    world = build_world()
    board = board_get(user=world.users[actor], project=world.project)
    assert (board.can_move, board.can_configure) == (moves, configures)


def test_the_client_portal_does_not_see_the_board():
    world = build_world()
    with pytest.raises(NotFound):
        board_get(user=world.users["client_related"], project=world.project)
    with pytest.raises(NotFound):
        board_task_get(user=world.users["client_related"], project=world.project, pk=1)


def test_a_task_of_another_project_is_not_found_for_a_move():
    pm, _member, project = pm_and_member()
    other = make_task(make_project(pm=pm))
    with pytest.raises(NotFound):
        board_task_get(user=pm, project=project, pk=other.pk)
    mine = make_task(project)
    assert board_task_get(user=pm, project=project, pk=mine.pk) == mine


def _queries(user, project):
    user = type(user).objects.get(pk=user.pk)  # a fresh login: nothing cached on it
    with CaptureQueriesContext(connection) as ctx:
        board = board_get(user=user, project=project)
        assert board.card_count > 0
    return len(ctx.captured_queries)


def test_the_board_costs_the_same_queries_for_3_or_30_tasks():
    pm, _member, project = pm_and_member()
    phase = make_summary(project, "Phase")

    def add(n):
        for i in range(n):
            task = make_task(project, parent=phase, status=["todo", "in_progress", "done"][i % 3])
            assign(task, make_person())

    add(3)
    small = _queries(pm, project)
    add(27)
    assert _queries(pm, project) == small
    assert small <= 6
