"""WBS reads: scoped to who may see the project's internals, rows built in a constant number of queries."""

from __future__ import annotations

import pytest

from tests.authz.world import build_world
from tests.projects.wbs_builders import flat_plan, make_plan, make_project
from tripod.core.errors import NotFound
from tripod.projects.selectors.wbs import deleted_task_get, task_get, task_list, wbs_rows
from tripod.projects.services.dependencies import task_predecessors_set
from tripod.projects.services.wbs import task_delete

pytestmark = pytest.mark.django_db

SEE = ("admin", "pm_related", "member_related", "self", "lm_related", "am_related")
HIDDEN = ("pm_unrelated", "member_unrelated", "lm_unrelated", "am_unrelated", "client_related", "client_unrelated")


@pytest.fixture
def world():
    world = build_world()
    make_plan(world.project, "Design\t2d\nBuild\t3d\t24h\t1")
    return world


@pytest.mark.parametrize("actor", SEE)
def test_staff_on_the_project_see_its_tasks(world, actor):
    names = list(task_list(user=world.users[actor], project=world.project).values_list("name", flat=True))
    assert names == ["Design", "Build"]


@pytest.mark.parametrize("actor", HIDDEN)
def test_others_and_the_client_portal_get_not_found(world, actor):
    with pytest.raises(NotFound):
        task_list(user=world.users[actor], project=world.project)
    with pytest.raises(NotFound):
        wbs_rows(user=world.users[actor], project=world.project)


def test_rows_carry_level_predecessors_and_display_values(world):
    project = world.project
    pm = world.users["pm_related"]
    tasks = make_plan(project, "Phase\t1d\n\tA\t0.5d\t4h\t1SS+1d")
    task_predecessors_set(actor=pm, task=tasks["Build"], text="1;4FF-2h")
    rows = {row.task.name: row for row in wbs_rows(user=pm, project=project)}
    assert (rows["Phase"].level, rows["Phase"].has_children, rows["A"].level) == (0, True, 1)
    assert rows["A"].parent_id == tasks["Phase"].pk
    assert rows["A"].predecessors == "1SS+1d"
    assert rows["Build"].predecessors == "1;4FF-2h"
    assert (rows["A"].duration_days, rows["A"].work_hours, rows["A"].row) == ("0.5", "4", 4)


def test_a_deleted_predecessor_drops_out_of_the_text_and_can_be_fetched_for_undo(world):
    pm = world.users["pm_related"]
    design = task_list(user=pm, project=world.project).get(name="Design")
    task_delete(actor=pm, task=design)
    rows = wbs_rows(user=pm, project=world.project)
    assert [(row.row, row.task.name, row.predecessors) for row in rows] == [(1, "Build", "")]
    assert deleted_task_get(user=pm, project=world.project, pk=design.pk) == design
    with pytest.raises(NotFound):
        task_get(user=pm, project=world.project, pk=design.pk)


@pytest.mark.parametrize("count", [3, 30])
def test_rows_take_a_constant_number_of_queries(count, django_assert_num_queries):
    project = make_project(code=f"Q-{count}")
    flat_plan(project, count)
    pm = project.pm
    with django_assert_num_queries(5):  # the visibility check (3), tasks with their people, links
        rows = wbs_rows(user=pm, project=project, minutes_per_day=480)
    assert len(rows) == count
    assert rows[-1].predecessors == str(count - 1)


def test_a_summary_lasts_from_its_first_start_to_its_last_finish():
    project = make_project(code="SUM")
    make_plan(project, "Phase\t1d\n\tA\t2d\n\tB\t3d\t\t2")
    rows = {row.task.name: row for row in wbs_rows(user=project.pm, project=project)}
    assert rows["Phase"].duration_days == "5"
    assert (rows["A"].duration_days, rows["B"].duration_days) == ("2", "3")
