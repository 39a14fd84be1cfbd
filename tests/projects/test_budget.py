"""Budget lines (service), earned value and the S-curve (selector), and the budget page: access cells, figures,
query counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.authz.world import build_world
from tests.factories import make_user
from tests.projects.budget_builders import (
    build_fence,
    fence_day,
    local,
    make_baseline,
    make_entry,
    make_line,
    make_person,
    make_task,
)
from tripod.clients.models import Client
from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.models import BusinessEvent
from tripod.identity.models import Role
from tripod.projects.models import BudgetLine, Project, Task, TimeEntry
from tripod.projects.selectors.budget import (
    earned_value_for_projects,
    project_earned_value,
    project_s_curve,
)
from tripod.projects.services.budget import budget_line_create, budget_line_delete, budget_line_update

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def world():
    return build_world()


def login(client, world, actor):
    if actor != "anonymous":
        client.force_login(world.users[actor])
    return client


# --- earned value from the database ---------------------------------------------------------------------------------
def test_fence_worked_example_through_the_database(world):
    """The published fence example (see test_earned_value) rebuilt as tasks, a baseline, budget lines and approved
    time entries: the selector reproduces PV 3,000, EV 2,500, AC 2,800, BAC 4,000, CV -300, SV -500, CPI .893,
    SPI .833 at the end of day 3."""
    fence = build_fence(world.project)
    ev = project_earned_value(user=world.users["pm_related"], project=fence.project, status_date=fence_day(3))
    assert (ev.bac, ev.pv, ev.ev, ev.ac) == (D("4000.00"), D("3000.00"), D("2500.00"), D("2800.00"))
    assert (ev.cv, ev.sv) == (D("-300.00"), D("-500.00"))
    assert ev.cpi.quantize(D("0.001")) == D("0.893")
    assert ev.spi.quantize(D("0.001")) == D("0.833")
    assert ev.eac == D("4480.00")
    # At the end of day 2 only two sides were planned and only two days of cost are in.
    ev2 = project_earned_value(user=world.users["pm_related"], project=fence.project, status_date=fence_day(2))
    assert (ev2.pv, ev2.ac) == (D("2000.00"), D("2200.00"))


def test_without_a_baseline_pv_is_undefined(world):
    task = make_task(world.project, percent=50)
    make_line(world.project, "800", task)
    ev = project_earned_value(user=world.users["admin"], project=world.project, status_date=date(2026, 3, 1))
    assert ev.pv is None and ev.sv is None and ev.spi is None
    assert ev.ev == D("400.00")


def test_summary_line_uses_the_summary_percent_and_project_line_the_work_weighted_percent(world):
    p = world.project
    summary = make_task(p, "Phase", kind=Task.Kind.SUMMARY, percent=40)
    make_task(p, "A", parent=summary, percent=100, work_min=480)
    make_task(p, "B", parent=summary, percent=0, work_min=1440)
    make_line(p, "1000", summary)
    make_line(p, "200")  # the whole project: (480 x 100 + 1440 x 0) / 1920 = 25 %
    ev = project_earned_value(user=world.users["pm_related"], project=p, status_date=date(2026, 3, 1))
    assert ev.bac == D("1200.00")
    assert ev.ev == D("450.00")  # 1000 x 40 % + 200 x 25 %


def test_project_line_is_planned_over_the_baseline_span(world):
    p = world.project
    a = make_task(p, "A")
    make_baseline(p, {a: (date(2026, 3, 2), date(2026, 3, 11))})
    make_line(p, "1000")
    ev = project_earned_value(user=world.users["pm_related"], project=p, status_date=date(2026, 3, 6))
    assert ev.pv == D("500.00")  # 5 of 10 calendar days


def test_ac_counts_only_approved_time_up_to_the_status_date(world):
    p = world.project
    task = make_task(p)
    make_line(p, "1000", task)
    person = make_person()
    make_entry(task, person, date(2026, 3, 2), "100")
    make_entry(task, person, date(2026, 3, 3), "50", status=TimeEntry.Status.SUBMITTED)
    make_entry(task, person, date(2026, 3, 9), "70")
    ev = project_earned_value(user=world.users["pm_related"], project=p, status_date=date(2026, 3, 5))
    assert ev.ac == D("100.00")


def test_lines_on_tasks_in_the_bin_leave_the_budget(world):
    p = world.project
    gone = make_task(p)
    make_line(p, "500", gone)
    Task.all_objects.filter(pk=gone.pk).update(deleted_at=local(fence_day(1)))
    assert project_earned_value(user=world.users["pm_related"], project=p).bac == D("0.00")


def test_a_chosen_baseline_replaces_the_latest(world):
    p = world.project
    a = make_task(p)
    first = make_baseline(p, {a: (date(2026, 3, 2), date(2026, 3, 3))})
    make_baseline(p, {a: (date(2026, 3, 9), date(2026, 3, 10))})
    make_line(p, "100", a)
    pm = world.users["pm_related"]
    assert project_earned_value(user=pm, project=p, status_date=date(2026, 3, 4)).pv == D("0.00")
    assert project_earned_value(user=pm, project=p, status_date=date(2026, 3, 4), baseline=first).pv == D("100.00")


@pytest.mark.parametrize("actor", ["member_related", "lm_related", "client_related", "pm_unrelated"])
def test_earned_value_is_forbidden_without_cost_visibility(world, actor):
    with pytest.raises(Forbidden):
        project_earned_value(user=world.users[actor], project=world.project)


def test_earned_value_for_projects_constant_queries_and_scoped(world, django_assert_num_queries):
    am = world.users["am_related"]

    def build(n):
        projects = []
        for i in range(n):
            p = Project.objects.create(code=f"EV{n}-{i}", name="EV", client=world.client, pm=world.users["pm_related"])
            task = make_task(p, percent=50, start=date(2026, 3, 2), finish=date(2026, 3, 6))
            make_baseline(p, {task: (date(2026, 3, 2), date(2026, 3, 6))})
            make_line(p, "100", task)
            make_line(p, "20")
            make_entry(task, make_person(), date(2026, 3, 3), "30")
            projects.append(p)
        return projects

    few, many = build(3), build(12)
    other = Project.objects.create(code="HIDDEN", name="no costs", client=Client.objects.create(name="X"))
    earned_value_for_projects(user=am, projects=few)  # warm the per-user caches (roles); measure the EV reads
    with django_assert_num_queries(6) as few_ctx:
        result = earned_value_for_projects(user=am, projects=[*few, other], status_date=date(2026, 3, 6))
    with django_assert_num_queries(len(few_ctx.captured_queries)):
        result_many = earned_value_for_projects(user=am, projects=many, status_date=date(2026, 3, 6))
    assert other.pk not in result
    assert set(result) == {p.pk for p in few}
    figures = result_many[many[0].pk]
    assert (figures.bac, figures.pv, figures.ev, figures.ac) == (D("120.00"), D("120.00"), D("60.00"), D("30.00"))


def test_s_curve_has_cumulative_points_and_history_based_ev(world):
    fence = build_fence(world.project)
    points = project_s_curve(user=world.users["pm_related"], project=fence.project, status_date=fence_day(3))
    assert points[0].day <= fence_day(3) <= points[-1].day
    at_status = next(p for p in points if p.day == fence_day(3))
    assert (at_status.pv, at_status.ev, at_status.ac) == (D("3000.00"), D("2500.00"), D("2800.00"))
    assert points[-1].pv == D("4000.00")


# --- the service ------------------------------------------------------------------------------------------------------
def test_budget_line_create_update_delete_with_events(world):
    pm, p = world.users["pm_related"], world.project
    task = make_task(p)
    line = budget_line_create(actor=pm, project=p, task=task, amount="1500.50", category="labour", note=" n ")
    assert line.amount == D("1500.50") and line.note == "n" and line.created_by == pm
    line = budget_line_update(actor=pm, line=line, version=line.version, amount=D("2000"))
    assert line.amount == D("2000") and line.version == 2
    budget_line_delete(actor=pm, line=line)
    assert not BudgetLine.objects.exists()
    verbs = list(BusinessEvent.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs == ["budget_line.created", "budget_line.amount_changed", "budget_line.deleted"]


@pytest.mark.parametrize(("amount", "field"), [("-1", "amount"), ("abc", "amount"), (1.5, "amount"), (None, "amount")])
def test_budget_line_amount_is_validated(world, amount, field):
    with pytest.raises(ValidationFailed) as exc:
        budget_line_create(actor=world.users["pm_related"], project=world.project, amount=amount)
    assert field in exc.value.errors
    assert not BudgetLine.objects.exists()


def test_budget_line_task_must_belong_to_the_project(world):
    other = Project.objects.create(code="O", name="Other", client=world.client)
    foreign = make_task(other)
    with pytest.raises(ValidationFailed) as exc:
        budget_line_create(actor=world.users["pm_related"], project=world.project, amount="1", task=foreign)
    assert "task" in exc.value.errors


@pytest.mark.parametrize("actor", ["am_related", "member_related", "pm_unrelated"])
def test_only_editors_change_budget_lines(world, actor):
    line = make_line(world.project, "10")
    with pytest.raises(Forbidden):
        budget_line_create(actor=world.users[actor], project=world.project, amount="1")
    with pytest.raises(Forbidden):
        budget_line_update(actor=world.users[actor], line=line, version=1, amount="2")
    with pytest.raises(Forbidden):
        budget_line_delete(actor=world.users[actor], line=line)


# --- the page ---------------------------------------------------------------------------------------------------------
PAGE_CELLS = {
    "admin": 200,
    "pm_related": 200,
    "am_related": 200,
    "member_related": 403,
    "lm_related": 403,
    "client_related": 404,
    "pm_unrelated": 404,
    "am_unrelated": 404,
    "client_unrelated": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize(("actor", "status"), PAGE_CELLS.items())
def test_budget_page_access(client, world, actor, status):
    line = make_line(world.project, "10")
    login(client, world, actor)
    for url in (
        reverse("projects:budget", args=[world.project.pk]),
        reverse("projects:budget_line_create", args=[world.project.pk]),
        reverse("projects:budget_line_edit", args=[world.project.pk, line.pk]),
    ):
        response = client.get(url)
        expected = 403 if status == 200 and actor == "am_related" and "lines" in url else status
        assert response.status_code == expected, (actor, url)
    response = client.post(reverse("projects:budget_line_delete", args=[world.project.pk, line.pk]))
    deletes = actor in ("admin", "pm_related")
    assert BudgetLine.objects.filter(pk=line.pk).exists() != deletes
    if not deletes:
        assert response.status_code in (403, 404, 302)


def test_budget_page_shows_figures_chart_and_baseline_hint(client, world):
    fence = build_fence(world.project)
    login(client, world, "pm_related")
    url = reverse("projects:budget", args=[fence.project.pk])
    html = client.get(url, {"status_date": fence_day(3).isoformat()}).content.decode()
    assert "4,000.00 CNY" in html and "2,800.00 CNY" in html
    assert "tp-scurve-pv" in html and "tp-scurve-ev" in html and "tp-scurve-ac" in html
    assert '<title id="scurve-title">' in html and '<desc id="scurve-desc">' in html
    assert "tp-scurve-status" in html and "tp-scurve-bac" in html
    assert "Behind schedule" in html and "Over budget" in html
    assert "save a baseline first" not in html
    fence.baseline.delete()
    html = client.get(url).content.decode()
    assert "save a baseline first" in html
    assert reverse("projects:gantt", args=[fence.project.pk]) in html
    assert "—" in html


def test_budget_page_bad_status_date_falls_back(client, world):
    login(client, world, "pm_related")
    response = client.get(reverse("projects:budget", args=[world.project.pk]), {"status_date": "yesterday"})
    assert response.status_code == 200
    assert response.context["status_date"] == date.today() or response.context["status_date"]


def test_budget_line_form_posts_through_the_service(client, world):
    task = make_task(world.project, "Design")
    login(client, world, "pm_related")
    url = reverse("projects:budget_line_create", args=[world.project.pk])
    response = client.post(url, {"task": task.pk, "category": "labour", "amount": "-5", "note": ""})
    assert response.status_code == 200 and not BudgetLine.objects.exists()
    response = client.post(url, {"task": task.pk, "category": "labour", "amount": "250.00", "note": "x"})
    assert response.status_code == 302
    line = BudgetLine.objects.get()
    edit = reverse("projects:budget_line_edit", args=[world.project.pk, line.pk])
    response = client.post(edit, {"task": "", "category": "expense", "amount": "300", "note": "", "version": 1})
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.task, line.category, line.amount) == (None, "expense", D("300.00"))


def test_budget_page_query_count_is_flat(client, world, django_assert_max_num_queries):
    p = world.project
    person = make_person()
    login(client, world, "pm_related")
    url = reverse("projects:budget", args=[p.pk])

    def build(n):
        spans = {}
        for i in range(n):
            task = make_task(p, f"T{i}", percent=i % 100, start=date(2026, 3, 2), finish=date(2026, 3, 20))
            spans[task] = (date(2026, 3, 2), date(2026, 3, 20))
            make_line(p, "10", task)
            make_entry(task, person, date(2026, 3, 3 + i % 10), "5")
        return spans

    spans = build(3)
    make_baseline(p, spans)
    client.get(url)  # warm caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"status_date": "2026-03-10"}).status_code == 200
    build(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, {"status_date": "2026-03-10"}).status_code == 200


def test_am_of_client_sees_budget_but_no_edit_buttons(client, world):
    make_line(world.project, "10")
    login(client, world, "am_related")
    html = client.get(reverse("projects:budget", args=[world.project.pk])).content.decode()
    assert "Add a budget line" not in html
    assert reverse("projects:budget_line_create", args=[world.project.pk]) not in html


def test_account_team_member_sees_costs(client, world):
    teammate = make_user(Role.AM, username="teammate")
    world.client.account_team.add(teammate)
    client.force_login(teammate)
    assert client.get(reverse("projects:budget", args=[world.project.pk])).status_code == 200


def test_budget_line_form_pages_query_counts_are_flat(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    p = world.project
    client.force_login(world.users["pm_related"])
    line = make_line(p, "10")
    pages = [
        reverse("projects:budget_line_create", args=[p.pk]),
        reverse("projects:budget_line_edit", args=[p.pk, line.pk]),
    ]

    def counts():
        result = []
        for url in pages:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            result.append(len(ctx.captured_queries))
        return result

    for i in range(3):
        make_task(p, f"T{i}")
    counts()
    few = counts()
    for i in range(30):
        make_task(p, f"U{i}")
    assert counts() == few


def test_past_ev_of_a_summary_line_comes_from_its_leaves_then(world):
    """Roll-ups are written without history rows, so a summary's past % complete is rebuilt from its leaves."""
    import datetime as dt

    from django.utils import timezone

    from tripod.projects.selectors.budget import _earned_history
    from tripod.projects.services.wbs import task_create, task_update

    pm, project = world.users["pm_related"], world.project
    phase = task_create(actor=pm, project=project, name="Phase")
    small = task_create(actor=pm, project=project, name="Small", parent=phase, work_min=60)
    task_create(actor=pm, project=project, name="Big", parent=phase, work_min=180)
    budget_line_create(actor=pm, project=project, task=Task.objects.get(pk=phase.pk), amount="1000")
    planned_on = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))
    Task.history.filter(project_id=project.pk).update(history_date=planned_on)
    small.refresh_from_db()
    task_update(actor=pm, task=small, version=small.version, percent_complete=100)
    Task.history.filter(project_id=project.pk, history_date__gt=planned_on).update(
        history_date=timezone.make_aware(dt.datetime(2026, 3, 9, 9, 0))
    )

    earned = _earned_history(project, [date(2026, 3, 5), date(2026, 3, 10)])

    assert earned[date(2026, 3, 5)] == D("0")
    assert earned[date(2026, 3, 10)] == D("250")  # 1 h of 4 h done under the phase
