"""Grid cells typed as text: each column read the way the grid shows it, bad text refused naming the column."""

from __future__ import annotations

import pytest

from tests.factories import make_user
from tests.projects.wbs_builders import make_plan, make_project
from tripod.core.errors import Forbidden, ValidationFailed
from tripod.identity.models import Role
from tripod.projects.models import Dependency
from tripod.projects.services.wbs_cells import task_cell_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    project = make_project()
    return project, make_plan(project, "Design\t2d\nBuild\t3d")


@pytest.mark.parametrize(
    ("field", "text", "attribute", "value"),
    [
        ("name", "  Build it  ", "name", "Build it"),
        ("duration", "1.5", "duration_min", 720),
        ("duration", "0", "kind", "milestone"),
        ("work", "16", "work_min", 960),
        ("work", "", "work_min", 0),
        ("percent_complete", "40%", "percent_complete", 40),
        ("deliverable", "1", "acceptance", "pending"),
        ("kind", "milestone", "duration_min", 0),
    ],
)
def test_each_column_reads_its_text(plan, field, text, attribute, value):
    project, tasks = plan
    task = task_cell_update(actor=project.pm, task=tasks["Build"], version=1, field=field, text=text)
    assert getattr(task, attribute) == value


@pytest.mark.parametrize(
    ("field", "text"),
    [("duration", "soon"), ("work", "-3"), ("percent_complete", "120"), ("kind", "summary"), ("start", "x")],
)
def test_bad_text_names_the_column(plan, field, text):
    project, tasks = plan
    with pytest.raises(ValidationFailed) as exc:
        task_cell_update(actor=project.pm, task=tasks["Build"], version=1, field=field, text=text)
    assert set(exc.value.errors) <= {field, "field"}


def test_predecessors_cell_sets_the_links_and_others_may_not(plan):
    project, tasks = plan
    task_cell_update(actor=project.pm, task=tasks["Build"], version=None, field="predecessors", text="1SS+1d")
    assert Dependency.objects.get().lag == 480
    with pytest.raises(Forbidden):
        task_cell_update(actor=make_user(Role.MEMBER), task=tasks["Build"], version=None, field="name", text="x")
