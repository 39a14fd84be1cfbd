"""My work: my tasks across projects by due date, overdue highlighted, this week's hours; flat query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_user
from tests.projects.time_builders import make_project, make_staff, make_task, page_queries
from tripod.identity.models import Role
from tripod.projects.models import Assignment, Task
from tripod.projects.selectors.mywork import my_tasks
from tripod.projects.services.timesheets import time_entry_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def me():
    pm, _ = make_staff(Role.PM)
    user, person = make_staff(name="Mia Member")
    return pm, user, person


def test_my_tasks_across_projects_soonest_first_without_done_or_summaries(me):
    pm, user, person = me
    today = timezone.localdate()
    a, b = make_project(pm=pm, members=[user]), make_project(pm=pm, members=[user])
    late = make_task(a, "Late", start=today - timedelta(days=10), days=3)
    soon = make_task(b, "Soon", start=today, days=2)
    later = make_task(a, "Later", start=today + timedelta(days=20), days=2)
    done = make_task(a, "Done", start=today, days=1, percent_complete=100)
    summary = make_task(a, "Phase", kind=Task.Kind.SUMMARY)
    unscheduled = make_task(b, "Someday")
    Task.objects.filter(pk=unscheduled.pk).update(start=None, finish=None)
    not_mine = make_task(a, "Theirs")
    for task in (late, soon, later, done, summary, unscheduled):
        Assignment.objects.create(task=task, person=person)
    _other_user, other = make_staff()
    Assignment.objects.create(task=not_mine, person=other)
    assert [t.name for t in my_tasks(user=user)] == ["Late", "Soon", "Later", "Someday"]
    assert "Done" in [t.name for t in my_tasks(user=user, include_done=True)]
    assert not my_tasks(user=make_user(Role.CLIENT)).exists()


def test_my_work_page_highlights_overdue_and_shows_this_weeks_hours(client, me):
    pm, user, person = me
    today = timezone.localdate()
    project = make_project(pm=pm, members=[user])
    late = make_task(project, "Overdue report", start=today - timedelta(days=10), days=2)
    Assignment.objects.create(task=late, person=person)
    # Finishing in two days at 17:00, so it is not overdue whatever the time of day the test runs.
    current = make_task(project, "Current work", start=today, days=3)
    Assignment.objects.create(task=current, person=person)
    time_entry_save(actor=user, task=current, day=today, minutes=150)
    client.force_login(user)
    body = client.get(reverse("projects:my_work")).content.decode()
    assert body.count("data-tp-overdue") == 1 and "Overdue report" in body
    assert body.index("Overdue report") < body.index("Current work")
    assert "2.5 h" in body
    assert reverse("projects:timesheet") in body


@pytest.mark.parametrize(
    ("role", "status"), [(Role.MEMBER, 200), (Role.PM, 200), (Role.LM, 200), (Role.CLIENT, 403), (None, 302)]
)
def test_my_work_access(client, role, status):
    if role is not None:
        client.force_login(make_user(role))
    assert client.get(reverse("projects:my_work")).status_code == status


def test_my_work_query_count_is_flat(client, me):
    pm, user, person = me
    project = make_project(pm=pm, members=[user])
    client.force_login(user)

    def add(n):
        for _ in range(n):
            task = make_task(project, start=timezone.localdate())
            Assignment.objects.create(task=task, person=person)
            time_entry_save(actor=user, task=task, day=timezone.localdate(), minutes=10)

    add(3)
    few, _page = page_queries(client, reverse("projects:my_work"))
    add(27)
    many, body = page_queries(client, reverse("projects:my_work"))
    assert many == few
    assert body.count("<tr") == 31
    assert few <= 12
