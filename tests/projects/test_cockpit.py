"""The PM cockpit: project health (RAG from SPI / CPI, next milestone, overdue tasks, high risks), its tiles and
the overdue-task list behind them, with access cells and query counts that do not grow with projects or tasks."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.authz.world import build_world
from tests.factories import make_user
from tests.projects.board_builders import (
    make_person,
    make_project,
    make_risk,
    make_summary,
    make_task,
    pm_and_member,
    submit_time,
    with_earned_value,
)
from tripod.identity.models import Role
from tripod.projects.models import Risk, Task, default_task_statuses
from tripod.projects.selectors.cockpit import managed_projects, overdue_tasks, project_health, rag_of

pytestmark = pytest.mark.django_db
D = Decimal
PM_COCKPIT = reverse("core:cockpit", kwargs={"role": Role.PM})


def _past(days=2):
    return timezone.now() - timedelta(days=days)


@pytest.mark.parametrize(
    ("spi", "cpi", "rag"),
    [
        (D("1.2"), D("0.95"), "green"),
        (D("0.95"), None, "green"),
        (D("0.949"), D("1"), "amber"),
        (None, D("0.85"), "amber"),
        (D("0.84"), D("1.3"), "red"),
        (None, None, "grey"),
    ],
)
def test_rag_comes_from_the_worse_of_spi_and_cpi(spi, cpi, rag):
    assert rag_of(spi, cpi) == rag


def test_overdue_tasks_are_the_late_unfinished_work_of_my_projects():
    _pm, _member, project = pm_and_member()
    late = make_task(project, "Late", finish=_past())
    make_task(project, "On time")
    make_task(project, "Finished", finish=_past(), percent_complete=100)
    make_task(project, "Done status", finish=_past(), status="done")
    make_summary(project, "Summary").__class__.objects.filter(name="Summary").update(finish=_past())
    make_task(project, "Binned", finish=_past(), deleted_at=timezone.now())
    assert list(overdue_tasks(projects=[project])) == [late]


def test_each_project_counts_done_by_its_own_workflow():
    pm = make_user(Role.PM)
    custom = [*default_task_statuses()[:3], {"code": "shipped", "label": "Shipped", "wip": None, "done": True}]
    standard, shipped = make_project(pm=pm), make_project(pm=pm, task_statuses=custom)
    make_task(standard, "Shipped here means nothing", finish=_past(), status="shipped")
    make_task(shipped, "Shipped there is done", finish=_past(), status="shipped")
    make_task(shipped, "Done there is not a status", finish=_past(), status="done")
    names = sorted(t.name for t in overdue_tasks(projects=[standard, shipped]))
    assert names == ["Done there is not a status", "Shipped here means nothing"]


def test_project_health_counts_overdue_tasks_and_open_high_risks():
    pm, _member, project = pm_and_member()
    make_task(project, finish=_past())
    make_task(project, finish=_past())
    make_risk(project, probability=5, impact=4)  # 20: high
    make_risk(project, probability=3, impact=5)  # 15: high
    make_risk(project, probability=2, impact=5)  # 10: not high
    make_risk(project, probability=5, impact=5, status=Risk.Status.CLOSED)
    make_risk(project, probability=5, impact=5, kind=Risk.Kind.OPPORTUNITY)
    health = project_health(user=pm, projects=[project])[project.pk]
    assert (health.overdue, health.high_risks) == (2, 2)
    assert health.rag == "grey" and health.spi is None


def test_spi_and_rag_come_from_earned_value():
    pm, _member, project = pm_and_member()
    with_earned_value(project, percent_complete=30)  # EV 300 of PV 600
    health = project_health(user=pm, projects=[project])[project.pk]
    assert health.spi == D("0.5") and health.cpi is None and health.rag == "red"


def test_the_next_milestone_is_the_earliest_unfinished_one():
    pm, _member, project = pm_and_member()
    now = timezone.now()
    make_task(project, "Kick-off", kind=Task.Kind.MILESTONE, finish=now - timedelta(days=9), percent_complete=100)
    make_task(project, "Design signed", kind=Task.Kind.MILESTONE, finish=now + timedelta(days=3))
    make_task(project, "Go-live", kind=Task.Kind.MILESTONE, finish=now + timedelta(days=30))
    row = managed_projects(user=pm).get(pk=project.pk)
    assert row.next_milestone_name == "Design signed"
    assert row.next_milestone_finish == Task.objects.get(name="Design signed").finish


def test_a_pm_sees_only_the_projects_they_run():
    pm, _member, mine = pm_and_member()
    make_project(pm=make_user(Role.PM))
    assert list(managed_projects(user=pm)) == [mine]


# --- the page -------------------------------------------------------------------------------------------------------
def _world_with_records():
    pm, member, project = pm_and_member()
    make_task(project, "Late task", finish=_past())
    make_task(project, "Board review", kind=Task.Kind.MILESTONE, finish=timezone.now() + timedelta(days=4))
    make_risk(project, title="Vendor goes bust", probability=5, impact=5)
    submit_time(make_task(project, "Booked"), member.person)
    with_earned_value(project, percent_complete=60)
    return pm, member, project


def test_the_cockpit_shows_health_and_tiles_that_open_their_records(client):
    pm, _member, project = _world_with_records()
    client.force_login(pm)
    response = client.get(PM_COCKPIT)
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        project.code,
        "Green",
        "Board review",
        "Vendor goes bust",
        "Time awaiting my approval",
        "Overdue tasks",
        "Next milestones",
        'href="#next-milestones"',
        reverse("projects:overdue_tasks"),
        reverse("projects:overdue_tasks") + f"?project={project.pk}",
    ):
        assert text in html, text
    tiles = {str(t.label): t for t in response.context["cockpit"].tiles}
    assert tiles["Overdue tasks"].value == 1
    assert tiles["Open high risks"].value == 1
    assert tiles["Time awaiting my approval"].value == 1
    assert tiles["Milestones in the next 14 days"].value == 1
    assert tiles["My projects"].value == 1
    for name in ("Open high risks", "Time awaiting my approval"):
        url = tiles[name].url
        assert url and str(project.pk) in url and client.get(url).status_code == 200, name
    risk = Risk.objects.get(title="Vendor goes bust")
    link = reverse("projects:risk_detail", args=[project.pk, risk.pk])
    assert link in html  # the top-risks table
    assert client.get(link).context["risk"] == risk
    health = response.context["cockpit"].tables[0].table.rows[0].health
    assert health.spi == D("1") and health.rag == "green"


def test_a_member_has_no_pm_cockpit_and_another_pm_sees_none_of_my_records(client):
    world = build_world()
    make_task(world.project, "Secret late task", finish=_past())
    client.force_login(world.users["member_related"])
    assert client.get(PM_COCKPIT).status_code == 403
    client.force_login(world.users["pm_unrelated"])
    response = client.get(PM_COCKPIT)
    assert response.status_code == 200 and world.project.name not in response.content.decode()
    tiles = {str(t.label): t.value for t in response.context["cockpit"].tiles}
    assert tiles["Overdue tasks"] == 0


def _cockpit_queries(client, pm):
    client.force_login(pm)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(PM_COCKPIT).status_code == 200
    return len(ctx.captured_queries)


def test_cockpit_queries_do_not_grow_with_projects_or_tasks(client):
    pm = make_user(Role.PM)
    member = make_user(Role.MEMBER)
    person = make_person(user=member)

    def add_projects(n):
        for _ in range(n):
            project = make_project(pm=pm, members=[member])
            for days in (1, 3):
                make_task(project, finish=_past(days))
            make_task(project, kind=Task.Kind.MILESTONE, finish=timezone.now() + timedelta(days=5))
            make_risk(project)
            submit_time(make_task(project), person)
            with_earned_value(project, percent_complete=50)

    add_projects(2)
    small = _cockpit_queries(client, pm)
    add_projects(8)
    assert _cockpit_queries(client, pm) == small
    print("PM cockpit queries:", small)
    assert small <= 28  # the whole page: session, tiles, three tables, earned value


# --- the overdue list -------------------------------------------------------------------------------------------------
def test_the_overdue_list_shows_my_late_tasks_filtered_by_project(client):
    pm, _member, project = pm_and_member()
    other = make_project(pm=pm)
    make_task(project, "Late here", finish=_past())
    make_task(other, "Late there", finish=_past())
    make_task(make_project(pm=make_user(Role.PM)), "Someone else's", finish=_past())
    client.force_login(pm)
    html = client.get(reverse("projects:overdue_tasks")).content.decode()
    assert "Late here" in html and "Late there" in html and "Someone else" not in html
    html = client.get(reverse("projects:overdue_tasks"), {"project": project.pk}).content.decode()
    assert "Late here" in html and "Late there" not in html


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("pm_related", 200),
        ("pm_unrelated", 200),
        ("member_related", 403),
        ("lm_related", 403),
        ("am_related", 403),
        ("client_related", 403),
        ("anonymous", 302),
    ],
)
def test_overdue_list_access(client, actor, status):
    world = build_world()
    make_task(world.project, "World late task", finish=_past())
    if actor != "anonymous":
        client.force_login(world.users[actor])
    response = client.get(reverse("projects:overdue_tasks"))
    assert response.status_code == status
    if status == 200:
        assert ("World late task" in response.content.decode()) == (actor == "pm_related")


def test_overdue_list_queries_do_not_grow(client):
    pm, _member, project = pm_and_member()

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("projects:overdue_tasks")).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(pm)
    for _ in range(3):
        make_task(project, finish=_past())
    small = count()
    for _ in range(27):
        make_task(project, finish=_past())
    assert count() == small


def test_closed_projects_leave_the_overdue_list(client):
    pm, _member, project = pm_and_member()
    closed = make_project(pm=pm, phase="closed")
    make_task(project, "Still running late", finish=_past())
    make_task(closed, "Closed and forgotten", finish=_past())
    client.force_login(pm)
    html = client.get(reverse("projects:overdue_tasks")).content.decode()
    assert "Still running late" in html and "Closed and forgotten" not in html
