"""The timesheet service: booking, the 24-hour day, submitting, approving with cost, returning, rolling up."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.factories import make_admin, make_user
from tests.projects.time_builders import MONDAY, make_project, make_staff, make_task
from tripod.core.errors import Forbidden, NotFound, ValidationFailed
from tripod.core.models import BusinessEvent
from tripod.identity.models import Role
from tripod.projects.models import Task, TimeEntry
from tripod.projects.selectors.timesheets import (
    approval_groups,
    time_entries_awaiting_approval,
    time_entries_visible_to,
    timesheet_week,
)
from tripod.projects.services.timesheets import (
    project_actuals_rollup,
    time_entry_save,
    timesheet_approve,
    timesheet_return,
    timesheet_submit,
)

pytestmark = pytest.mark.django_db
TUESDAY = MONDAY + timedelta(days=1)


@pytest.fixture
def world():
    lm, lm_person = make_staff(Role.LM, name="Lee LM")
    pm, _ = make_staff(Role.PM, name="Pat PM")
    dev, person = make_staff(name="Dana Dev", cost_rate=Decimal("100.00"), manager=lm_person)
    project = make_project(pm=pm, members=[dev])
    phase = make_task(project, "Phase", kind=Task.Kind.SUMMARY)
    build = make_task(project, "Build", parent=phase)
    test = make_task(project, "Test", parent=phase)
    return {
        "lm": lm,
        "pm": pm,
        "dev": dev,
        "person": person,
        "project": project,
        "phase": phase,
        "build": build,
        "test": test,
    }


def test_booking_creates_then_updates_the_same_cell(world):
    dev, build = world["dev"], world["build"]
    entry = time_entry_save(actor=dev, task=build, day=MONDAY, minutes=90)
    again = time_entry_save(actor=dev, task=build, day=MONDAY, minutes=120)
    assert entry.pk == again.pk
    assert TimeEntry.objects.get().minutes == 120
    assert again.version == 2
    assert time_entry_save(actor=dev, task=build, day=MONDAY, minutes=0) is None
    assert not TimeEntry.objects.exists()


def test_minutes_must_be_within_a_day(world):
    for minutes in (-1, 1441, "x"):
        with pytest.raises(ValidationFailed) as exc:
            time_entry_save(actor=world["dev"], task=world["build"], day=MONDAY, minutes=minutes)
        assert "minutes" in exc.value.errors
    assert not TimeEntry.objects.exists()


def test_a_day_totals_at_most_24_hours_and_the_error_names_the_day(world):
    dev = world["dev"]
    time_entry_save(actor=dev, task=world["build"], day=MONDAY, minutes=20 * 60)
    with pytest.raises(ValidationFailed) as exc:
        time_entry_save(actor=dev, task=world["test"], day=MONDAY, minutes=5 * 60)
    message = exc.value.errors["minutes"][0]
    assert "2026-03-02" in message and "25" in message
    assert TimeEntry.objects.count() == 1
    time_entry_save(actor=dev, task=world["test"], day=MONDAY, minutes=4 * 60)  # exactly 24 h is fine


def test_no_time_on_a_summary_task(world):
    with pytest.raises(ValidationFailed) as exc:
        time_entry_save(actor=world["dev"], task=world["phase"], day=MONDAY, minutes=60)
    assert "task" in exc.value.errors


def test_no_time_on_a_closed_project(world):
    world["project"].phase = "closed"
    world["project"].save()
    with pytest.raises(ValidationFailed) as exc:
        time_entry_save(actor=world["dev"], task=world["build"], day=MONDAY, minutes=60)
    assert "closed" in exc.value.errors["task"][0]


def test_only_people_on_the_project_book_time_and_only_for_themselves(world):
    outsider, _ = make_staff()
    with pytest.raises(NotFound):
        time_entry_save(actor=outsider, task=world["build"], day=MONDAY, minutes=60)
    # The LM sees the project (their report works on it) but does not work on it.
    with pytest.raises(Forbidden):
        time_entry_save(actor=world["lm"], task=world["build"], day=MONDAY, minutes=60)
    no_person = make_user(Role.MEMBER)
    with pytest.raises(Forbidden):
        time_entry_save(actor=no_person, task=world["build"], day=MONDAY, minutes=60)
    # The PM logs time as themselves: the entry is theirs.
    entry = time_entry_save(actor=world["pm"], task=world["build"], day=MONDAY, minutes=60)
    assert entry.person.user == world["pm"]


def _submitted_week(world, minutes=(120, 60)):
    dev = world["dev"]
    time_entry_save(actor=dev, task=world["build"], day=MONDAY, minutes=minutes[0])
    time_entry_save(actor=dev, task=world["test"], day=TUESDAY, minutes=minutes[1])
    return timesheet_submit(actor=dev, week=TUESDAY)


def test_submit_moves_the_week_to_submitted_and_locks_it(world):
    assert _submitted_week(world) == 2
    assert set(TimeEntry.objects.values_list("status", flat=True)) == {"submitted"}
    assert BusinessEvent.objects.filter(verb="timesheet.submitted").count() == 1
    with pytest.raises(ValidationFailed) as exc:
        time_entry_save(actor=world["dev"], task=world["build"], day=MONDAY, minutes=30)
    assert "minutes" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        timesheet_submit(actor=world["dev"], week=MONDAY)
    assert "week" in exc.value.errors
    assert TimeEntry.objects.filter(status="submitted").count() == 2


def test_approval_costs_entries_and_rolls_up_by_work(world):
    _submitted_week(world)
    outcome = timesheet_approve(actor=world["pm"], project=world["project"], person=world["person"], week=MONDAY)
    assert (outcome.entries, outcome.minutes, outcome.has_unrated) == (2, 180, False)
    costs = dict(TimeEntry.objects.values_list("minutes", "cost"))
    assert costs == {120: Decimal("200.00"), 60: Decimal("100.00")}
    tasks = {t.name: t for t in Task.objects.all()}
    assert (tasks["Build"].actual_work_min, tasks["Build"].actual_cost) == (120, Decimal("200.00"))
    assert (tasks["Test"].actual_work_min, tasks["Test"].actual_cost) == (60, Decimal("100.00"))
    assert (tasks["Phase"].actual_work_min, tasks["Phase"].actual_cost) == (180, Decimal("300.00"))
    assert BusinessEvent.objects.filter(verb="timesheet.approved").count() == 1
    entry = TimeEntry.objects.first()
    assert entry.decided_by == world["pm"] and entry.history.count() == 3


def test_cost_is_quantized_and_frozen_at_approval(world):
    world["person"].cost_rate = Decimal("33.33")
    world["person"].save()
    _submitted_week(world, minutes=(50, 10))
    timesheet_approve(actor=world["pm"], project=world["project"], person=world["person"], week=MONDAY)
    world["person"].cost_rate = Decimal("999")
    world["person"].save()
    assert sorted(TimeEntry.objects.values_list("cost", flat=True)) == [Decimal("5.56"), Decimal("27.78")]


def test_missing_rate_costs_zero_and_says_so(world):
    world["person"].cost_rate = None
    world["person"].save()
    _submitted_week(world)
    outcome = timesheet_approve(actor=world["pm"], project=world["project"], person=world["person"], week=MONDAY)
    assert outcome.has_unrated and outcome.unrated_minutes == 180
    assert set(TimeEntry.objects.values_list("cost", flat=True)) == {Decimal("0.00")}
    assert Task.objects.get(name="Phase").actual_work_min == 180


def test_rollup_is_set_based(world, django_assert_max_num_queries):
    project = world["project"]
    parent = world["phase"]
    for n in range(30):
        parent = make_task(project, f"Level {n}", parent=parent, kind=Task.Kind.SUMMARY)
    leaf = make_task(project, "Leaf", parent=parent)
    TimeEntry.objects.create(
        person=world["person"], task=leaf, day=MONDAY, minutes=60, status="approved", cost=Decimal("100.00")
    )
    with django_assert_max_num_queries(3):
        changed = project_actuals_rollup(project=project)
    assert changed == 32
    assert Task.objects.get(name="Phase").actual_work_min == 60


def test_nobody_but_the_pm_or_admin_approves(world):
    _submitted_week(world)
    args = {"project": world["project"], "person": world["person"], "week": MONDAY}
    with pytest.raises(Forbidden):
        timesheet_approve(actor=world["dev"], **args)
    with pytest.raises(Forbidden):
        timesheet_approve(actor=world["lm"], **args)
    with pytest.raises(NotFound):
        timesheet_approve(actor=make_user(Role.PM), **args)
    assert timesheet_approve(actor=make_admin(), **args).entries == 2


def test_nobody_approves_their_own_hours_unless_admin(world):
    pm = world["pm"]
    time_entry_save(actor=pm, task=world["build"], day=MONDAY, minutes=60)
    timesheet_submit(actor=pm, week=MONDAY)
    with pytest.raises(Forbidden):
        timesheet_approve(actor=pm, project=world["project"], person=pm.person, week=MONDAY)
    assert not time_entries_awaiting_approval(user=pm).exists()
    admin = make_admin()
    from tripod.people.models import Person

    admin_person = Person.objects.create(name="Admin", user=admin)
    time_entry_save(actor=admin, task=world["build"], day=MONDAY, minutes=60)
    timesheet_submit(actor=admin, week=MONDAY)
    assert timesheet_approve(actor=admin, project=world["project"], person=admin_person, week=MONDAY).entries == 1


def test_return_needs_a_reason_and_makes_entries_editable(world):
    _submitted_week(world)
    args = {"actor": world["pm"], "project": world["project"], "person": world["person"], "week": MONDAY}
    with pytest.raises(ValidationFailed) as exc:
        timesheet_return(reason="  ", **args)
    assert "reason" in exc.value.errors
    assert timesheet_return(reason="Build was on hold on Monday", **args) == 2
    assert set(TimeEntry.objects.values_list("status", flat=True)) == {"returned"}
    entry = time_entry_save(actor=world["dev"], task=world["build"], day=MONDAY, minutes=30)
    assert entry.status == "returned" and entry.minutes == 30
    grid = timesheet_week(user=world["dev"], week=MONDAY)
    assert grid.returned_reasons == ["Build was on hold on Monday"] and grid.can_submit
    assert timesheet_submit(actor=world["dev"], week=MONDAY) == 2
    assert BusinessEvent.objects.filter(verb="timesheet.returned").count() == 1


def test_nothing_to_decide_is_a_clear_error(world):
    with pytest.raises(ValidationFailed) as exc:
        timesheet_approve(actor=world["pm"], project=world["project"], person=world["person"], week=MONDAY)
    assert "Dana Dev" in exc.value.errors["__all__"][0]


def test_entry_visibility(world):
    _submitted_week(world)
    assert time_entries_visible_to(world["dev"]).count() == 2
    assert time_entries_visible_to(world["pm"]).count() == 2
    assert time_entries_visible_to(world["lm"]).count() == 2
    assert time_entries_visible_to(make_user(Role.PM)).count() == 0
    assert time_entries_visible_to(make_user(Role.CLIENT)).count() == 0
    groups = approval_groups(user=world["pm"], project=world["project"])
    assert [(g.person.name, g.week, g.minutes) for g in groups] == [("Dana Dev", MONDAY, 180)]
    assert approval_groups(user=world["dev"], project=world["project"]) == []
