"""The Gantt's columnar data: outline (parent index, depth), kinds, local-minute dates, links, baseline columns,
scoping, and a query count that does not grow with the plan."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from tests.factories import make_user
from tests.projects.gantt_builders import gantt_plan, gantt_project
from tripod.core.errors import NotFound
from tripod.identity.models import Role
from tripod.projects.models import ProjectMember, Task
from tripod.projects.selectors.gantt import LATEST, gantt_data
from tripod.projects.services.baselines import baseline_save

pytestmark = pytest.mark.django_db


def local_minutes(value: datetime) -> int:
    local = timezone.localtime(value, timezone.get_default_timezone()).replace(tzinfo=None)
    return int((local - datetime(1970, 1, 1)).total_seconds()) // 60


@pytest.fixture
def plan():
    return gantt_plan(gantt_project(), 14)


def test_columns_describe_the_outline_in_order(plan):
    data = gantt_data(user=plan.project.pm, project=plan.project)
    tasks = data["tasks"]
    assert tasks["id"] == [t.pk for t in plan.tasks]
    assert tasks["name"][:3] == ["Phase 1", "Task 1.1", "Task 1.2"]
    assert tasks["parent"][:3] == [-1, 0, 0]
    assert tasks["depth"][:3] == [0, 1, 1]
    assert tasks["parent"][10:12] == [-1, 10]  # "Phase 2" starts a new branch
    assert tasks["kind"][0] == 1 and tasks["kind"][1] == 0 and tasks["kind"][9] == 2  # summary, task, milestone
    assert all(len(column) == 14 for column in tasks.values())


def test_dates_are_local_minutes_of_the_plans_time_zone(plan):
    tasks = gantt_data(user=plan.project.pm, project=plan.project)["tasks"]
    first = plan.by_name("Task 1.1")
    assert tasks["start"][1] == local_minutes(first.start)
    assert tasks["start"][1] % 1440 == 8 * 60  # 08:00 on the standard calendar, as Microsoft Project shows it
    assert tasks["finish"][1] % 1440 == 17 * 60
    assert tasks["dur"][1] == first.duration_min
    assert tasks["crit"][1] == 1 and tasks["ver"][1] == first.version and tasks["con"][1] == "ASAP"


def test_links_are_row_indexes_type_and_id(plan):
    links = gantt_data(user=plan.project.pm, project=plan.project)["links"]
    assert links[0][:3] == [1, 2, "FS"]
    assert [9, 11, "FS"] in [link[:3] for link in links]  # across the phases, around the summary row
    ids = {t.pk for t in plan.tasks}
    assert all(isinstance(link[3], int) and link[0] != link[1] and link[3] not in ids - ids for link in links)


def test_deleted_tasks_and_their_links_are_left_out(plan):
    gone = plan.by_name("Task 1.2")
    Task.all_objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    data = gantt_data(user=plan.project.pm, project=plan.project)
    assert gone.pk not in data["tasks"]["id"]
    assert len(data["links"]) == 11 - 2  # the two links touching it


def test_baseline_columns_follow_the_chosen_baseline_and_default_to_the_newest(plan):
    pm, project = plan.project.pm, plan.project
    empty = gantt_data(user=pm, project=project)
    assert empty["meta"]["baseline"] is None and set(empty["tasks"]["bs"]) == {None}
    first = baseline_save(actor=pm, project=project, name="Signed")
    task = plan.by_name("Task 1.1")
    Task.objects.filter(pk=task.pk).update(start=task.start + timezone.timedelta(days=1))
    second = baseline_save(actor=pm, project=project)
    latest = gantt_data(user=pm, project=project, baseline_id=LATEST)
    assert latest["meta"]["baseline"] == second.pk
    assert latest["tasks"]["bs"][1] == local_minutes(task.start) + 1440
    chosen = gantt_data(user=pm, project=project, baseline_id=first.pk)
    assert chosen["tasks"]["bs"][1] == local_minutes(task.start)
    assert [b["label"] for b in chosen["meta"]["baselines"]] == ["Baseline 2", "Signed"]
    assert gantt_data(user=pm, project=project, baseline_id=None)["tasks"]["bs"][1] is None
    other = gantt_project(code="G2", pm=pm)
    with pytest.raises(NotFound):
        gantt_data(user=pm, project=other, baseline_id=first.pk)


def test_editing_urls_only_for_editors_and_no_internals_for_the_portal(plan):
    project = plan.project
    member = make_user(Role.MEMBER)
    ProjectMember.objects.create(project=project, user=member)
    pm_meta = gantt_data(user=project.pm, project=project)["meta"]
    assert pm_meta["editable"] and pm_meta["moveUrl"].endswith("/gantt/move/")
    member_meta = gantt_data(user=member, project=project)["meta"]
    assert not member_meta["editable"] and "moveUrl" not in member_meta
    with pytest.raises(NotFound):
        gantt_data(user=make_user(Role.CLIENT), project=project)


def test_an_empty_plan_gives_empty_columns():
    project = gantt_project(code="E")
    data = gantt_data(user=project.pm, project=project)
    assert all(column == [] for column in data["tasks"].values())
    assert data["links"] == [] and data["meta"]["baseline"] is None and data["meta"]["today"] > 0


@pytest.mark.parametrize("size", [3, 30])
def test_query_count_does_not_grow_with_the_plan(size, django_assert_num_queries):
    project = gantt_project(code=f"Q{size}")
    gantt_plan(project, size)
    baseline_save(actor=project.pm, project=project)
    project.pm.roles  # noqa: B018  (load the roles once, as the request's user already has them)
    # the access check (line people, visibility), tasks, links, baselines, baseline rows
    with django_assert_num_queries(6):
        data = gantt_data(user=project.pm, project=project)
    assert len(data["tasks"]["id"]) == size
