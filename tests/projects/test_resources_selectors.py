"""Load selectors: planned work spread over working days, summed per week over all projects, scoped by person."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.factories import make_user
from tests.projects.time_builders import MONDAY, make_project, make_staff, make_task
from tripod.core.models import Calendar
from tripod.identity.models import Role
from tripod.projects.models import Assignment, Task
from tripod.projects.selectors.resources import (
    assignable_people,
    assignable_tasks,
    assignment_list,
    person_weekly_load,
    planned_minutes_by_week,
    project_people,
    spread_by_week,
    week_start,
    weeks_from,
)

pytestmark = pytest.mark.django_db
WEEKDAYS = frozenset(range(5))


def test_week_start_is_monday():
    assert week_start(date(2026, 3, 8)) == MONDAY  # a Sunday
    assert weeks_from(date(2026, 3, 4), 2) == [MONDAY, MONDAY + timedelta(weeks=1)]


def test_spread_skips_weekends_and_adds_up_exactly():
    # Thursday to next Tuesday: 4 working days (Thu, Fri, Mon, Tue).
    weeks = spread_by_week(first=date(2026, 3, 5), last=date(2026, 3, 10), minutes=1001, weekdays=WEEKDAYS)
    assert weeks == {MONDAY: 501, MONDAY + timedelta(weeks=1): 500}
    # A task only on a weekend still counts, on its first day.
    assert spread_by_week(first=date(2026, 3, 7), last=date(2026, 3, 8), minutes=60, weekdays=WEEKDAYS) == {MONDAY: 60}


def test_load_counts_every_project_and_uses_the_project_calendar():
    _pm, _ = make_staff(Role.PM)
    _user, person = make_staff(capacity=Decimal("20"))
    six_days = Calendar.objects.create(name="Six days", working_hours={str(d): [["09:00", "17:00"]] for d in range(6)})
    a = make_project()
    b = make_project()
    b.calendar = six_days
    b.save()
    # Mon..Sat: 5 working days in a; 6 in b.
    Assignment.objects.create(task=make_task(a, days=6), person=person, planned_work_min=500)
    Assignment.objects.create(task=make_task(b, days=6), person=person, planned_work_min=600)
    # Summaries, milestones, deleted and unscheduled tasks carry no load.
    Assignment.objects.create(task=make_task(a, kind=Task.Kind.SUMMARY), person=person, planned_work_min=999)
    Assignment.objects.create(task=make_task(a, kind=Task.Kind.MILESTONE), person=person, planned_work_min=999)
    gone = make_task(a)
    Task.objects.filter(pk=gone.pk).update(deleted_at=gone.start)
    Assignment.objects.create(task=gone, person=person, planned_work_min=999)
    unscheduled = make_task(a)
    Task.objects.filter(pk=unscheduled.pk).update(start=None, finish=None)
    Assignment.objects.create(task=unscheduled, person=person, planned_work_min=999)
    weeks = weeks_from(MONDAY, 2)
    assert planned_minutes_by_week([person.pk], weeks) == {person.pk: {weeks[0]: 1100, weeks[1]: 0}}


def test_person_weekly_load_is_scoped_and_flags_overallocation(django_assert_max_num_queries):
    pm, _ = make_staff(Role.PM)
    people = []
    project = make_project(pm=pm)
    for n in range(5):
        user, person = make_staff(capacity=Decimal("10"))
        project.memberships.create(user=user)
        Assignment.objects.create(task=make_task(project), person=person, planned_work_min=(n + 8) * 60)
        people.append(person)
    _stranger_user, stranger = make_staff()
    weeks = weeks_from(MONDAY, 4)
    pm = type(pm).objects.get(pk=pm.pk)
    with django_assert_max_num_queries(6):
        loads = person_weekly_load(user=pm, people=[*people, stranger], weeks=weeks)
    assert [load.person for load in loads] == people  # the stranger is not visible to this PM
    assert [len(load.overallocated_weeks) for load in loads] == [0, 0, 0, 1, 1]
    over = loads[4].weeks[0]
    assert (over.planned_min, over.capacity_min, over.percent, over.level) == (720, 600, 120, "over")
    assert loads[0].weeks[1].level == "free"
    assert person_weekly_load(user=make_user(Role.CLIENT), people=people, weeks=weeks) == []


def test_load_query_count_does_not_grow_with_people(django_assert_max_num_queries):
    admin_user, _ = make_staff(Role.ADMIN)
    project = make_project()
    people = []
    for _ in range(30):
        _u, person = make_staff()
        Assignment.objects.create(task=make_task(project), person=person, planned_work_min=60)
        people.append(person)
    with django_assert_max_num_queries(4):
        loads = person_weekly_load(user=admin_user, people=people, weeks=weeks_from(MONDAY, 12))
    assert len(loads) == 30


def test_assignment_lists_are_for_staff_and_choices_for_the_editor():
    pm, _ = make_staff(Role.PM)
    dev, person = make_staff()
    project = make_project(pm=pm, members=[dev])
    task = make_task(project)
    make_task(project, kind=Task.Kind.SUMMARY)
    Assignment.objects.create(task=task, person=person)
    portal = make_user(Role.CLIENT)
    assert assignment_list(user=pm, project=project).count() == 1
    assert assignment_list(user=dev, project=project).count() == 1
    assert assignment_list(user=portal, project=project).count() == 0
    assert list(assignable_tasks(user=pm, project=project)) == [task]
    assert not assignable_tasks(user=dev, project=project).exists()
    assert person in assignable_people(user=pm, project=project)
    assert not assignable_people(user=dev, project=project).exists()
    assert list(project_people(user=pm, project=project)) == sorted([person, pm.person], key=lambda p: p.name)
