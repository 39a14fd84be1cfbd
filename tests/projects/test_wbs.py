"""WBS services: create, edit, indent / outdent, move, delete and restore, paste; codes, positions and roll-ups."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_user
from tests.projects.wbs_builders import flat_plan, make_plan, make_project, outline
from tripod.core.errors import Forbidden, NotFound, StaleVersion, ValidationFailed
from tripod.core.models import BusinessEvent
from tripod.identity.models import Role
from tripod.projects.models import Dependency, Task
from tripod.projects.services.wbs import (
    task_create,
    task_delete,
    task_indent,
    task_move,
    task_outdent,
    task_restore,
    task_update,
)
from tripod.projects.services.wbs_outline import wbs_rollup

pytestmark = pytest.mark.django_db

PLAN = "Design\t2d\nBuild\t3d\nTest\t1d\nShip\t0"


@pytest.fixture
def project():
    return make_project()


def test_create_appends_and_inserts_after_a_sibling(project):
    pm = project.pm
    first = task_create(actor=pm, project=project, name="Design")
    task_create(actor=pm, project=project, name="Ship", duration_min=0)
    task_create(actor=pm, project=project, name="Build", after=first, work_min=960)
    assert outline(project) == [("1", "Design", "task"), ("2", "Build", "task"), ("3", "Ship", "milestone")]
    assert list(Task.objects.filter(project=project).order_by("position").values_list("position", flat=True)) == [
        1,
        2,
        3,
    ]
    assert BusinessEvent.objects.filter(verb="task.created").count() == 3


def test_create_under_a_parent_makes_it_a_summary_with_rolled_up_work(project):
    pm = project.pm
    phase = task_create(actor=pm, project=project, name="Phase", work_min=60)
    task_create(actor=pm, project=project, name="A", parent=phase, work_min=480)
    task_create(actor=pm, project=project, name="B", parent=phase, work_min=240)
    phase.refresh_from_db()
    assert (phase.kind, phase.work_min) == (Task.Kind.SUMMARY, 720)
    assert outline(project) == [("1", "Phase", "summary"), ("1.1", "A", "task"), ("1.2", "B", "task")]


def test_create_refuses_a_blank_name_and_a_summary_kind(project):
    with pytest.raises(ValidationFailed) as exc:
        task_create(actor=project.pm, project=project, name="  ")
    assert "name" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        task_create(actor=project.pm, project=project, name="S", kind="summary")
    assert "kind" in exc.value.errors
    assert not Task.objects.exists()


def test_only_the_editor_may_change_the_plan(project):
    member = make_user(Role.MEMBER)
    with pytest.raises(Forbidden):
        task_create(actor=member, project=project, name="Sneaky")
    tasks = make_plan(project, PLAN)
    for call in (
        lambda: task_update(actor=member, task=tasks["Build"], version=None, name="x"),
        lambda: task_indent(actor=member, task=tasks["Build"]),
        lambda: task_delete(actor=member, task=tasks["Build"]),
        lambda: task_move(actor=member, task=tasks["Build"], direction="up"),
    ):
        with pytest.raises(Forbidden):
            call()


def test_indent_and_outdent_keep_rows_in_place(project):
    tasks = make_plan(project, PLAN)
    task_indent(actor=project.pm, task=tasks["Build"])
    task_indent(actor=project.pm, task=tasks["Test"])
    assert outline(project) == [
        ("1", "Design", "summary"),
        ("1.1", "Build", "task"),
        ("1.2", "Test", "task"),
        ("2", "Ship", "milestone"),
    ]
    # Outdenting Build takes Test (below it at its level) as its child, as Microsoft Project does.
    task_outdent(actor=project.pm, task=tasks["Build"])
    assert outline(project) == [
        ("1", "Design", "task"),
        ("2", "Build", "summary"),
        ("2.1", "Test", "task"),
        ("3", "Ship", "milestone"),
    ]
    design = Task.objects.get(pk=tasks["Design"].pk)
    assert design.duration_min == 960  # back to a task with its own duration


def test_indent_of_the_first_row_and_outdent_of_a_top_row_are_refused(project):
    tasks = make_plan(project, PLAN)
    with pytest.raises(ValidationFailed) as exc:
        task_indent(actor=project.pm, task=tasks["Design"])
    assert "parent" in exc.value.errors
    with pytest.raises(ValidationFailed):
        task_outdent(actor=project.pm, task=tasks["Design"])


def test_move_up_down_and_to_a_new_parent(project):
    tasks = make_plan(project, PLAN)
    task_move(actor=project.pm, task=tasks["Test"], direction="up")
    assert [name for _code, name, _kind in outline(project)] == ["Design", "Test", "Build", "Ship"]
    with pytest.raises(ValidationFailed):
        task_move(actor=project.pm, task=tasks["Design"], direction="up")
    task_move(actor=project.pm, task=tasks["Ship"], parent=tasks["Design"], index=0)
    assert outline(project)[:2] == [("1", "Design", "summary"), ("1.1", "Ship", "milestone")]
    with pytest.raises(ValidationFailed):
        task_move(actor=project.pm, task=tasks["Design"], parent=tasks["Ship"])


def test_renumbering_is_set_based(project):
    flat_plan(project, 30)
    last = Task.objects.get(project=project, name="T30")
    with CaptureQueriesContext(connection) as few:
        task_move(actor=project.pm, task=Task.objects.get(project=project, name="T1"), parent=None, index=29)
    assert Task.objects.get(pk=last.pk).wbs_code == "29"
    writes = [q["sql"] for q in few.captured_queries if q["sql"].startswith("UPDATE") and "projects_task" in q["sql"]]
    assert len(writes) <= 3  # one bulk update of the outline (+ the schedule's), never one per task


def test_summary_percent_complete_is_weighted_by_work(project):
    tasks = make_plan(project, "Phase\t1d\n\tBig\t10d\t80h\n\tSmall\t1d\t8h")
    task_update(actor=project.pm, task=tasks["Big"], version=None, percent_complete=50)
    task_update(actor=project.pm, task=tasks["Small"], version=None, percent_complete=100)
    phase = Task.objects.get(pk=tasks["Phase"].pk)
    assert phase.work_min == 88 * 60
    assert phase.percent_complete == round((50 * 80 + 100 * 8) / 88)  # 55, not the average 75


def test_without_work_percent_complete_is_weighted_by_duration(project):
    tasks = make_plan(project, "Phase\t1d\n\tLong\t9d\n\tShort\t1d")
    task_update(actor=project.pm, task=tasks["Short"], version=None, percent_complete=100)
    assert Task.objects.get(pk=tasks["Phase"].pk).percent_complete == 10
    assert wbs_rollup(project=project) == []  # already consistent: nothing to write


def test_update_normalises_milestones_and_deliverables(project):
    tasks = make_plan(project, PLAN)
    task = task_update(actor=project.pm, task=tasks["Test"], version=None, duration_min=0)
    assert task.kind == Task.Kind.MILESTONE
    task = task_update(actor=project.pm, task=task, version=task.version, duration_min=960)
    assert task.kind == Task.Kind.TASK
    task = task_update(actor=project.pm, task=task, version=task.version, deliverable=True)
    assert task.acceptance == Task.Acceptance.PENDING
    with pytest.raises(ValidationFailed) as exc:
        task_update(actor=project.pm, task=tasks["Build"], version=None, acceptance="accepted")
    assert "acceptance" in exc.value.errors


def test_update_refuses_bad_values_naming_the_field(project):
    tasks = make_plan(project, "Phase\t1d\n\tA\t1d")
    cases = [
        (tasks["A"], {"status": "nonsense"}, "status"),
        (tasks["A"], {"constraint_type": "MSO"}, "constraint_date"),
        (tasks["A"], {"percent_complete": 140}, "percent_complete"),
        (tasks["Phase"], {"work_min": 60}, "work_min"),
        (tasks["Phase"], {"kind": "task"}, "kind"),
    ]
    for task, changes, field in cases:
        with pytest.raises(ValidationFailed) as exc:
            task_update(actor=project.pm, task=task, version=None, **changes)
        assert field in exc.value.errors, changes


def test_update_with_a_stale_version_changes_nothing(project):
    task = make_plan(project, PLAN)["Build"]
    task_update(actor=project.pm, task=task, version=task.version, name="Build it")
    with pytest.raises(StaleVersion) as exc:
        task_update(actor=project.pm, task=task, version=task.version, name="Lost")
    assert exc.value.current.name == "Build it"
    assert Task.objects.get(pk=task.pk).name == "Build it"


def test_delete_takes_the_subtree_to_the_bin_and_restore_puts_it_back(project):
    tasks = make_plan(project, "A\t1d\nPhase\t1d\n\tB\t1d\n\tC\t1d\nD\t1d\t\t3")
    task_delete(actor=project.pm, task=tasks["Phase"])
    assert outline(project) == [("1", "A", "task"), ("2", "D", "task")]
    assert Task.all_objects.filter(deleted_at__isnull=False).count() == 3
    assert Dependency.objects.count() == 1  # kept, ignored while B is in the bin
    restored = task_restore(actor=project.pm, task=tasks["Phase"])
    assert restored.wbs_code == "2"
    assert outline(project) == [
        ("1", "A", "task"),
        ("2", "Phase", "summary"),
        ("2.1", "B", "task"),
        ("2.2", "C", "task"),
        ("3", "D", "task"),
    ]


def test_deleting_the_last_child_turns_the_summary_back_into_a_task(project):
    tasks = make_plan(project, "Phase\t1d\n\tOnly\t2d\t16h")
    task_delete(actor=project.pm, task=tasks["Only"])
    phase = Task.objects.get(pk=tasks["Phase"].pk)
    assert phase.kind == Task.Kind.TASK
    with pytest.raises(NotFound):
        task_delete(actor=project.pm, task=tasks["Only"])
    with pytest.raises(ValidationFailed):
        task_restore(actor=project.pm, task=tasks["Phase"])


def test_a_child_cannot_be_restored_before_its_summary(project):
    tasks = make_plan(project, "Phase\t1d\n\tA\t1d")
    task_delete(actor=project.pm, task=tasks["Phase"])
    with pytest.raises(ValidationFailed) as exc:
        task_restore(actor=project.pm, task=tasks["A"])
    assert "parent" in exc.value.errors


def test_indent_refuses_a_link_between_the_new_summary_and_its_task(project):
    tasks = make_plan(project, "A\t1d\nB\t1d\t\t1")
    with pytest.raises(ValidationFailed) as exc:
        task_indent(actor=project.pm, task=tasks["B"])
    assert "1 A" in str(exc.value.errors["parent"][0])
    assert outline(project) == [("1", "A", "task"), ("2", "B", "task")]


def test_a_move_that_would_loop_through_a_summary_is_refused(project):
    # C follows the summary S; moving C's predecessor chain under S would loop: S -> C -> D, D under S.
    tasks = make_plan(project, "S\t1d\n\tA\t1d\nC\t1d\t\t1\nD\t1d\t\t3")
    with pytest.raises(ValidationFailed) as exc:
        task_move(actor=project.pm, task=tasks["D"], parent=tasks["S"])
    message = str(exc.value.errors["parent"][0])
    assert "C" in message and "D" in message
    assert Task.objects.get(pk=tasks["D"].pk).parent_id is None


def test_accepting_a_deliverable_is_a_business_event(project):
    task = make_plan(project, PLAN)["Build"]
    task = task_update(actor=project.pm, task=task, version=None, deliverable=True)
    task = task_update(actor=project.pm, task=task, version=task.version, acceptance="accepted")
    events = BusinessEvent.objects.filter(verb="task.acceptance_changed").order_by("pk")
    assert [event.data["to"] for event in events] == ["pending", "accepted"]
    with pytest.raises(ValidationFailed) as exc:
        task_update(actor=project.pm, task=task, version=task.version, acceptance="")
    assert "acceptance" in exc.value.errors
