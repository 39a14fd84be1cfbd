"""Services of the task board: moving a task through its project's workflow, and the PM editing that workflow."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.authz.world import build_world
from tests.factories import make_user
from tests.projects.board_builders import make_project, make_summary, make_task, pm_and_member
from tripod.core.errors import Forbidden, NotFound, StaleVersion, ValidationFailed
from tripod.core.models import BusinessEvent
from tripod.identity.models import Role
from tripod.projects.models import Task, default_task_statuses
from tripod.projects.services.board import project_task_statuses_set, task_status_move, task_status_set

pytestmark = pytest.mark.django_db


def _statuses(**wip):
    statuses = default_task_statuses()
    for s in statuses:
        s["wip"] = wip.get(s["code"])
    return statuses


# --- moving a task -------------------------------------------------------------------------------------------------
def test_moving_into_progress_stamps_the_actual_start_and_records_the_event():
    pm, _member, project = pm_and_member()
    task = make_task(project, "Design")
    move = task_status_move(actor=pm, task=task, status="in_progress", version=task.version)
    task.refresh_from_db()
    assert task.status == "in_progress"
    assert task.actual_start is not None and task.actual_finish is None
    assert task.percent_complete == 0
    assert task.version == 2
    assert move.task.pk == task.pk and move.column.code == "in_progress" and move.column_count == 1
    event = BusinessEvent.objects.get(verb="task.status_changed")
    assert event.target_id == str(task.pk) and event.data == {"from": "todo", "to": "in_progress"}


def test_a_member_may_move_tasks_of_their_project():
    _pm, member, project = pm_and_member()
    task = make_task(project)
    assert task_status_set(actor=member, task=task, status="in_review").status == "in_review"


@pytest.mark.parametrize("actor", ["pm_unrelated", "member_unrelated", "lm_related", "am_related", "client_related"])
def test_people_off_the_project_team_may_not_move_its_tasks(actor):
    world = build_world()
    task = make_task(world.project)
    with pytest.raises(Forbidden):
        task_status_move(actor=world.users[actor], task=task, status="done")
    task.refresh_from_db()
    assert task.status == "todo" and task.version == 1


def test_moving_into_done_completes_the_task():
    pm, _member, project = pm_and_member()
    task = make_task(project, percent_complete=40)
    task_status_move(actor=pm, task=task, status="done")
    task.refresh_from_db()
    assert task.percent_complete == 100
    assert task.actual_finish is not None and task.actual_start is not None
    assert task.actual_start <= task.actual_finish


def test_the_summary_above_rolls_up_the_new_progress_by_work():
    pm, _member, project = pm_and_member()
    phase = make_summary(project, "Phase")
    small = make_task(project, "Small", parent=phase, work_min=60)
    make_task(project, "Big", parent=phase, work_min=180)
    task_status_move(actor=pm, task=small, status="done")
    phase.refresh_from_db()
    assert phase.percent_complete == 25  # 1 h of 4 h done, not one task of two


def test_moving_into_done_keeps_actuals_already_recorded():
    pm, _member, project = pm_and_member()
    started = timezone.now() - timezone.timedelta(days=3)
    finished = timezone.now() - timezone.timedelta(days=1)
    task = make_task(project, actual_start=started, actual_finish=finished, percent_complete=100)
    task_status_move(actor=pm, task=task, status="done")
    task.refresh_from_db()
    assert (task.actual_start, task.actual_finish) == (started, finished)


def test_reopening_a_done_task_clears_the_finish_and_drops_to_ninety_percent():
    pm, _member, project = pm_and_member()
    task = make_task(project)
    task = task_status_set(actor=pm, task=task, status="done")
    task = task_status_set(actor=pm, task=task, status="in_review")
    assert task.status == "in_review"
    assert task.actual_finish is None and task.percent_complete == 90
    assert task.actual_start is not None


def test_back_to_the_first_status_with_nothing_done_clears_an_accidental_start():
    pm, _member, project = pm_and_member()
    task = make_task(project)
    task = task_status_set(actor=pm, task=task, status="in_progress")
    task = task_status_set(actor=pm, task=task, status="todo")
    assert task.actual_start is None


def test_back_to_the_first_status_with_work_done_keeps_the_start():
    pm, _member, project = pm_and_member()
    task = make_task(project, percent_complete=30)
    task = task_status_set(actor=pm, task=task, status="in_progress")
    task = task_status_set(actor=pm, task=task, status="todo")
    assert task.actual_start is not None and task.percent_complete == 30


def test_an_unknown_status_is_refused_naming_the_field():
    pm, _member, project = pm_and_member()
    task = make_task(project)
    with pytest.raises(ValidationFailed) as caught:
        task_status_move(actor=pm, task=task, status="blocked")
    assert "blocked" in caught.value.errors["status"][0]
    task.refresh_from_db()
    assert task.status == "todo" and task.version == 1


def test_a_summary_task_cannot_be_moved():
    pm, _member, project = pm_and_member()
    summary = make_summary(project, "Phase 1")
    with pytest.raises(ValidationFailed) as caught:
        task_status_move(actor=pm, task=summary, status="done")
    assert "summary" in caught.value.errors["status"][0]
    summary.refresh_from_db()
    assert summary.status == "todo"


def test_a_task_in_the_bin_cannot_be_moved():
    pm, _member, project = pm_and_member()
    task = make_task(project, deleted_at=timezone.now())
    with pytest.raises(NotFound):
        task_status_move(actor=pm, task=task, status="done")


def test_a_stale_move_changes_nothing():
    pm, member, project = pm_and_member()
    task = make_task(project)
    task_status_move(actor=member, task=task, status="in_progress", version=1)
    with pytest.raises(StaleVersion):
        task_status_move(actor=pm, task=task, status="done", version=1)
    task.refresh_from_db()
    assert task.status == "in_progress" and task.percent_complete == 0


def test_a_move_over_the_wip_limit_is_made_and_says_so():
    pm = make_user(Role.PM)
    project = make_project(pm=pm, task_statuses=_statuses(in_progress=1))
    first, second = make_task(project), make_task(project)
    assert not task_status_move(actor=pm, task=first, status="in_progress").over_limit
    move = task_status_move(actor=pm, task=second, status="in_progress")
    assert move.over_limit and move.column_count == 2 and move.column.wip == 1
    assert Task.objects.filter(project=project, status="in_progress").count() == 2


def test_a_custom_status_can_be_used_once_the_workflow_has_it():
    pm = make_user(Role.PM)
    statuses = [
        *default_task_statuses()[:1],
        {"code": "blocked", "label": "Blocked", "wip": None, "done": False},
        *default_task_statuses()[1:],
    ]
    project = make_project(pm=pm, task_statuses=statuses)
    task = make_task(project)
    assert task_status_set(actor=pm, task=task, status="blocked").status == "blocked"


# --- the workflow ----------------------------------------------------------------------------------------------------
def test_the_pm_adds_renames_and_reorders_statuses():
    pm, _member, project = pm_and_member()
    statuses = [
        {"code": "todo", "label": "Backlog", "wip": "", "done": False},
        {"code": "in_review", "label": "In review", "wip": "3", "done": False},
        {"code": "in_progress", "label": "Doing", "wip": 2, "done": False},
        {"code": "blocked", "label": "Blocked", "wip": None, "done": False},
        {"code": "done", "label": "Done", "wip": None, "done": True},
    ]
    project = project_task_statuses_set(actor=pm, project=project, statuses=statuses, version=project.version)
    project.refresh_from_db()
    assert [s["code"] for s in project.task_statuses] == ["todo", "in_review", "in_progress", "blocked", "done"]
    assert project.task_statuses[0] == {"code": "todo", "label": "Backlog", "wip": None, "done": False}
    assert project.task_statuses[1]["wip"] == 3 and project.task_statuses[2]["wip"] == 2
    assert BusinessEvent.objects.filter(verb="project.task_statuses_changed").count() == 1


@pytest.mark.parametrize("actor", ["member_related", "pm_unrelated", "am_related", "lm_related", "client_related"])
def test_only_the_pm_edits_the_workflow(actor):
    world = build_world()
    with pytest.raises(Forbidden):
        project_task_statuses_set(actor=world.users[actor], project=world.project, statuses=default_task_statuses())


@pytest.mark.parametrize(
    ("statuses", "fragment"),
    [
        ([], "at least one status"),
        ([{"code": "todo", "label": "To do"}], "at least one status as done"),
        ([{"code": "Done!", "label": "Done", "done": True}], "lowercase"),
        ([{"code": "done", "label": "Done", "done": True}, {"code": "done", "label": "Again"}], "used twice"),
        ([{"code": "done", "label": "", "done": True}], "label is required"),
        ([{"code": "", "label": "Done", "done": True}], "code is required"),
        ([{"code": "done", "label": "Done", "done": True, "wip": 0}], "WIP limit"),
        ([{"code": "done", "label": "Done", "done": True, "wip": "many"}], "WIP limit"),
        ([{"code": "x" * 40, "label": "Done", "done": True}], "at most 32"),
    ],
)
def test_a_bad_workflow_is_refused_with_a_reason(statuses, fragment):
    pm, _member, project = pm_and_member()
    with pytest.raises(ValidationFailed) as caught:
        project_task_statuses_set(actor=pm, project=project, statuses=statuses)
    assert any(fragment in str(m) for m in caught.value.errors["statuses"]), caught.value.errors
    project.refresh_from_db()
    assert project.task_statuses == default_task_statuses() and project.version == 1


def test_a_status_still_used_by_tasks_cannot_be_removed():
    pm, _member, project = pm_and_member()
    make_task(project, status="in_review")
    make_task(project, status="in_review")
    make_task(project, status="in_review", deleted_at=timezone.now())  # in the bin: not counted
    kept = [s for s in default_task_statuses() if s["code"] != "in_review"]
    with pytest.raises(ValidationFailed) as caught:
        project_task_statuses_set(actor=pm, project=project, statuses=kept)
    message = caught.value.errors["statuses"][0]
    assert "in_review" in message and "2 tasks" in message


def test_an_unused_status_can_be_removed():
    pm, _member, project = pm_and_member()
    make_task(project, status="todo")
    kept = [s for s in default_task_statuses() if s["code"] != "in_review"]
    project = project_task_statuses_set(actor=pm, project=project, statuses=kept)
    assert [s["code"] for s in project.task_statuses] == ["todo", "in_progress", "done"]


def test_a_stale_workflow_edit_changes_nothing():
    pm, _member, project = pm_and_member()
    project_task_statuses_set(actor=pm, project=project, statuses=default_task_statuses()[1:], version=1)
    with pytest.raises(StaleVersion):
        project_task_statuses_set(actor=pm, project=project, statuses=default_task_statuses(), version=1)
