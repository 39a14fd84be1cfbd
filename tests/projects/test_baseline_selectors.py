"""Baseline comparison: variance in working days of the project calendar, against the plan or another baseline;
new tasks flagged; costs only for those who may see them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.factories import make_user
from tests.projects.gantt_builders import budget, gantt_plan, gantt_project
from tripod.core.errors import NotFound
from tripod.identity.models import Role
from tripod.projects.models import ProjectMember, Task
from tripod.projects.selectors.baselines import baseline_comparison, baseline_get, baseline_list
from tripod.projects.services.baselines import baseline_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return gantt_plan(gantt_project(), 8)


def _row(comparison, name):
    return next(r for r in comparison.rows if r.name == name)


def test_a_slip_over_a_weekend_is_one_working_day_not_three(plan):
    pm, project = plan.project.pm, plan.project
    baseline = baseline_save(actor=pm, project=project)
    task = plan.by_name("Task 1.2")  # Wed 4 - Fri 6 March 2026
    assert task.finish.weekday() == 4
    Task.objects.filter(pk=task.pk).update(
        start=task.start + timedelta(days=5),
        finish=task.finish + timedelta(days=3),
        duration_min=task.duration_min + 480,
    )
    comparison = baseline_comparison(user=pm, project=project, baseline=baseline)
    row = _row(comparison, "Task 1.2")
    assert row.finish_variance == 1.0  # Friday 17:00 -> Monday 17:00
    assert row.start_variance == 3.0  # Wednesday 08:00 -> Monday 08:00
    assert row.duration_variance == 1.0
    assert row.changed and not _row(comparison, "Task 1.1").changed
    assert comparison.slipped >= 1 and comparison.ahead == 0
    assert [r.name for r in comparison.changed_rows] == ["Task 1.2"]


def test_earlier_is_negative_and_the_plan_finish_variance_is_measured(plan):
    pm, project = plan.project.pm, plan.project
    baseline = baseline_save(actor=pm, project=project)
    last = plan.tasks[-1]
    Task.objects.filter(pk=last.pk).update(start=last.start - timedelta(days=1), finish=last.finish - timedelta(days=1))
    comparison = baseline_comparison(user=pm, project=project, baseline=baseline)
    assert _row(comparison, last.name).finish_variance == -1.0
    assert comparison.ahead == 1
    assert comparison.finish_variance == -1.0


def test_against_another_baseline_and_new_tasks(plan):
    pm, project = plan.project.pm, plan.project
    first = baseline_save(actor=pm, project=project)
    newcomer = Task.objects.create(
        project=project, name="Added later", position=99, start=plan.tasks[1].start, finish=plan.tasks[1].finish
    )
    task = plan.by_name("Task 1.1")
    Task.objects.filter(pk=task.pk).update(finish=task.finish + timedelta(days=1))
    second = baseline_save(actor=pm, project=project)
    Task.objects.filter(pk=task.pk).update(finish=task.finish + timedelta(days=7))  # after both baselines

    against = baseline_comparison(user=pm, project=project, baseline=first, against=second)
    assert _row(against, "Task 1.1").finish_variance == 1.0  # second baseline vs first, not the plan now
    assert not _row(against, "Added later").in_baseline and against.added == 1
    now = baseline_comparison(user=pm, project=project, baseline=second)
    assert _row(now, "Task 1.1").finish_variance == 4.0  # Wed 4 -> Tue 10 March: Thu, Fri, Mon, Tue
    assert _row(now, newcomer.name).in_baseline


def test_costs_only_for_those_who_see_project_costs(plan):
    pm, project = plan.project.pm, plan.project
    task = plan.by_name("Task 1.1")
    budget(task, "100")
    baseline = baseline_save(actor=pm, project=project)
    budget(task, "25")
    pm_row = _row(baseline_comparison(user=pm, project=project, baseline=baseline), "Task 1.1")
    assert (pm_row.base_cost, pm_row.cost, pm_row.cost_variance) == (Decimal("100"), Decimal("125"), Decimal("25"))
    member = make_user(Role.MEMBER)
    ProjectMember.objects.create(project=project, user=member)
    member_view = baseline_comparison(user=member, project=project, baseline=baseline)
    assert not member_view.show_costs
    assert _row(member_view, "Task 1.1").cost is None and _row(member_view, "Task 1.1").base_cost is None


def test_scoping(plan):
    pm, project = plan.project.pm, plan.project
    baseline = baseline_save(actor=pm, project=project)
    assert baseline_list(user=pm, project=project) == [baseline]
    assert baseline_get(user=pm, project=project, pk=baseline.pk) == baseline
    other = gantt_project(code="G2", pm=pm)
    with pytest.raises(NotFound):
        baseline_get(user=pm, project=other, pk=baseline.pk)
    with pytest.raises(NotFound):
        baseline_comparison(user=pm, project=other, baseline=baseline)
    with pytest.raises(NotFound):
        baseline_list(user=make_user(Role.CLIENT), project=project)


@pytest.mark.parametrize("size", [3, 30])
def test_comparison_query_count_does_not_grow_with_the_plan(size, django_assert_num_queries):
    project = gantt_project(code=f"Q{size}")
    gantt_plan(project, size)
    baseline = baseline_save(actor=project.pm, project=project)
    # access (line people, visibility), tasks, baseline rows, budget sums
    with django_assert_num_queries(5):
        comparison = baseline_comparison(user=project.pm, project=project, baseline=baseline)
    assert len(comparison.rows) == size
