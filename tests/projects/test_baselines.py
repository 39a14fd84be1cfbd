"""Baseline services: save (numbered, set-based snapshot with costs), rename, delete; editors only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import make_admin, make_user
from tests.projects.gantt_builders import budget, gantt_plan, gantt_project
from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.models import BusinessEvent
from tripod.identity.models import Role
from tripod.projects.models import Baseline, BaselineTask, ProjectMember, Task
from tripod.projects.services.baselines import baseline_delete, baseline_rename, baseline_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return gantt_plan(gantt_project(), 12)


def test_save_snapshots_every_live_task_with_its_dates_duration_work_and_budget(plan):
    project, pm = plan.project, plan.project.pm
    first = plan.by_name("Task 1.1")
    Task.objects.filter(pk=first.pk).update(work_min=960)
    budget(first, "100.50", "20")
    gone = plan.by_name("Task 1.2")
    Task.all_objects.filter(pk=gone.pk).update(deleted_at=first.start)

    baseline = baseline_save(actor=pm, project=project, name="  Signed   plan ")

    assert (baseline.number, baseline.name, baseline.taken_by) == (1, "Signed plan", pm)
    rows = {r.task_id: r for r in BaselineTask.objects.filter(baseline=baseline)}
    assert set(rows) == {t.pk for t in plan.tasks} - {gone.pk}
    row = rows[first.pk]
    assert (row.start, row.finish, row.duration_min, row.work_min) == (first.start, first.finish, 480 * 2, 960)
    assert row.cost == Decimal("120.50")
    assert rows[plan.by_name("Task 1.3").pk].cost == Decimal("0")
    assert BusinessEvent.objects.filter(verb="baseline.saved", data__number=1).exists()


def test_each_save_takes_the_next_number_and_deleting_one_keeps_the_others_numbers(plan):
    pm, project = plan.project.pm, plan.project
    one, two = baseline_save(actor=pm, project=project), baseline_save(actor=pm, project=project)
    assert (one.number, two.number) == (1, 2)
    assert str(one) == "Baseline 1"
    baseline_delete(actor=pm, baseline=one)
    assert not BaselineTask.objects.filter(baseline_id=one.pk).exists()
    assert list(Baseline.objects.filter(project=project).values_list("number", flat=True)) == [2]
    assert baseline_save(actor=pm, project=project).number == 3
    assert BusinessEvent.objects.filter(verb="baseline.deleted").count() == 1


def test_rename_validates_the_length_and_names_the_field(plan):
    pm = plan.project.pm
    baseline = baseline_save(actor=pm, project=plan.project)
    assert baseline_rename(actor=pm, baseline=baseline, name="Re-plan after CR-7").name == "Re-plan after CR-7"
    assert Baseline.objects.get(pk=baseline.pk).name == "Re-plan after CR-7"
    with pytest.raises(ValidationFailed) as exc:
        baseline_rename(actor=pm, baseline=baseline, name="x" * 121)
    assert "120" in str(exc.value.errors["name"][0])
    with pytest.raises(ValidationFailed):
        baseline_save(actor=pm, project=plan.project, name="y" * 121)
    assert Baseline.objects.filter(project=plan.project).count() == 1  # nothing half-written


@pytest.mark.parametrize("who", ["member", "other_pm", "am"])
def test_only_the_plans_editors_may_save_rename_or_delete(plan, who):
    project = plan.project
    member = make_user(Role.MEMBER)
    ProjectMember.objects.create(project=project, user=member)
    actor = {"member": member, "other_pm": make_user(Role.PM), "am": make_user(Role.AM)}[who]
    baseline = baseline_save(actor=make_admin(), project=project)
    with pytest.raises(Forbidden):
        baseline_save(actor=actor, project=project)
    with pytest.raises(Forbidden):
        baseline_rename(actor=actor, baseline=baseline, name="mine")
    with pytest.raises(Forbidden):
        baseline_delete(actor=actor, baseline=baseline)
    assert Baseline.objects.filter(project=project).count() == 1


@pytest.mark.parametrize("size", [3, 30])
def test_saving_takes_the_same_number_of_queries_whatever_the_plans_size(size, django_assert_num_queries):
    project = gantt_project(code=f"S{size}")
    plan = gantt_plan(project, size)
    for task in plan.tasks[:3]:
        budget(task, "10")
    baseline_save(actor=project.pm, project=project)  # warms the actor's roles and the content type cache
    # savepoint, lock, max number, insert baseline, budget sums, tasks, bulk insert, event, release
    with django_assert_num_queries(9):
        baseline_save(actor=project.pm, project=project)
    assert BaselineTask.objects.count() == 2 * size
