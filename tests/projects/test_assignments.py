"""The assignment service: who may assign whom to what, planned work, and over-allocation reported per week."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.factories import make_admin, make_user
from tests.projects.time_builders import MONDAY, make_project, make_staff, make_task
from tripod.core.errors import Forbidden, StaleVersion, ValidationFailed
from tripod.core.models import BusinessEvent
from tripod.identity.models import Role
from tripod.people.models import Person
from tripod.projects.models import Assignment, Task
from tripod.projects.services.assignments import assignment_create, assignment_delete, assignment_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    pm, _ = make_staff(Role.PM, name="Pat PM")
    dev, person = make_staff(name="Dana Dev")
    project = make_project(pm=pm, members=[dev])
    task = make_task(project, "Build", days=5)  # Mon-Fri, 5 working days = 2400 min
    return pm, dev, person, project, task


def test_planned_work_defaults_to_duration_times_units(setup):
    pm, _dev, person, _project, task = setup
    outcome = assignment_create(actor=pm, task=task, person=person, units=Decimal("50"))
    assert outcome.assignment.planned_work_min == 1200
    assert outcome.assignment.units == Decimal("50.0")
    assert outcome.overallocated_weeks == []
    assert BusinessEvent.objects.filter(verb="assignment.created").count() == 1


def test_explicit_planned_work_is_kept(setup):
    pm, _dev, person, _project, task = setup
    outcome = assignment_create(actor=pm, task=task, person=person, planned_work_min=600)
    assert outcome.assignment.planned_work_min == 600


def test_units_out_of_range_name_the_field_and_write_nothing(setup):
    pm, _dev, person, _project, task = setup
    for units in ("0", "1000.5", "abc", -5):
        with pytest.raises(ValidationFailed) as exc:
            assignment_create(actor=pm, task=task, person=person, units=units)
        assert "units" in exc.value.errors
    assert not Assignment.objects.exists()
    assert not BusinessEvent.objects.exists()


def test_summary_and_milestone_take_no_assignment(setup):
    pm, _dev, person, project, _task = setup
    summary = make_task(project, "Phase", kind=Task.Kind.SUMMARY)
    milestone = make_task(project, "Go-live", kind=Task.Kind.MILESTONE, days=1)
    for task in (summary, milestone):
        with pytest.raises(ValidationFailed) as exc:
            assignment_create(actor=pm, task=task, person=person)
        assert "task" in exc.value.errors
    assert not Assignment.objects.exists()


def test_only_the_projects_editor_assigns(setup):
    _pm, dev, person, _project, task = setup
    other_pm, _ = make_staff(Role.PM)
    for actor in (dev, other_pm, make_user(Role.LM), make_user(Role.AM)):
        with pytest.raises(Forbidden):
            assignment_create(actor=actor, task=task, person=person)
    assert assignment_create(actor=make_admin(), task=task, person=person).assignment.pk


def test_only_staff_can_be_assigned(setup):
    _pm, _dev, _person, _project, task = setup
    no_login = Person.objects.create(name="Ghost")
    portal = make_user(Role.CLIENT)
    portal_person = Person.objects.create(name="Portal person", user=portal)
    gone = make_user(Role.MEMBER, is_active=False)
    gone_person = Person.objects.create(name="Gone", user=gone)
    for person in (no_login, portal_person, gone_person):
        with pytest.raises(ValidationFailed) as exc:
            assignment_create(actor=make_admin(), task=task, person=person)
        assert "person" in exc.value.errors
    assert not Assignment.objects.exists()


def test_a_pm_cannot_assign_someone_they_cannot_see(setup):
    pm, _dev, _person, _project, task = setup
    _stranger, stranger_person = make_staff(name="Stranger")
    with pytest.raises(ValidationFailed) as exc:
        assignment_create(actor=pm, task=task, person=stranger_person)
    assert "person" in exc.value.errors


def test_the_same_person_twice_on_a_task_is_refused(setup):
    pm, _dev, person, _project, task = setup
    assignment_create(actor=pm, task=task, person=person)
    with pytest.raises(ValidationFailed) as exc:
        assignment_create(actor=pm, task=task, person=person)
    assert "Dana Dev" in exc.value.errors["person"][0]


def test_overallocation_across_projects_is_reported_but_saved(setup):
    pm, dev, person, _project, task = setup
    other_pm, _ = make_staff(Role.PM)
    other = make_project(pm=other_pm, members=[dev])
    # 30 h this week on another project, then 100 % (40 h) here: 70 h against 40.
    busy = make_task(other, "Elsewhere", days=5)
    assignment_create(actor=other_pm, task=busy, person=person, planned_work_min=30 * 60)
    outcome = assignment_create(actor=pm, task=task, person=person)
    assert outcome.assignment.pk
    assert [w.week for w in outcome.overallocated_weeks] == [MONDAY]
    week = outcome.overallocated_weeks[0]
    assert (week.planned_min, week.capacity_min) == (70 * 60, 40 * 60)
    assert outcome.overallocated


def test_overallocation_only_in_the_weeks_that_exceed(setup):
    pm, _dev, person, project, _task = setup
    # Two weeks (Mon..Fri next week): 80 h spread over 10 working days = 40 h a week: not over.
    two_weeks = make_task(project, "Long", days=12)
    outcome = assignment_create(actor=pm, task=two_weeks, person=person, planned_work_min=80 * 60)
    assert outcome.overallocated_weeks == []
    # One more day of 8 h in the second week pushes only that week over.
    day = make_task(project, "Extra", start=MONDAY + timedelta(days=7), days=1)
    outcome = assignment_create(actor=pm, task=day, person=person)
    assert [w.week for w in outcome.overallocated_weeks] == [MONDAY + timedelta(days=7)]
    assert outcome.overallocated_weeks[0].planned_min == 48 * 60


def test_update_recomputes_planned_work_and_reports_overallocation(setup):
    pm, _dev, person, _project, task = setup
    assignment = assignment_create(actor=pm, task=task, person=person, units=Decimal("50")).assignment
    outcome = assignment_update(actor=pm, assignment=assignment, version=assignment.version, units=Decimal("150"))
    assert outcome.assignment.planned_work_min == 3600
    assert outcome.assignment.version == 2
    assert [w.week for w in outcome.overallocated_weeks] == [MONDAY]
    with pytest.raises(StaleVersion):
        assignment_update(actor=pm, assignment=assignment, version=1, units=Decimal("20"))
    outcome = assignment_update(actor=pm, assignment=outcome.assignment, version=2, planned_work_min=60)
    assert outcome.assignment.planned_work_min == 60
    assert outcome.assignment.units == Decimal("150.0")
    # New units with the old planned work sent back (the edit form shows both): the units decide.
    outcome = assignment_update(
        actor=pm, assignment=outcome.assignment, version=3, units=Decimal("100"), planned_work_min=60
    )
    assert outcome.assignment.planned_work_min == 2400
    # New units and new planned work: both as given.
    outcome = assignment_update(
        actor=pm, assignment=outcome.assignment, version=4, units=Decimal("50"), planned_work_min=90
    )
    assert (outcome.assignment.units, outcome.assignment.planned_work_min) == (Decimal("50.0"), 90)


def test_update_and_delete_need_the_editor(setup):
    pm, dev, person, _project, task = setup
    assignment = assignment_create(actor=pm, task=task, person=person).assignment
    with pytest.raises(Forbidden):
        assignment_update(actor=dev, assignment=assignment, version=1, units=Decimal("10"))
    with pytest.raises(Forbidden):
        assignment_delete(actor=dev, assignment=assignment)
    assignment_delete(actor=pm, assignment=assignment)
    assert not Assignment.objects.exists()
    assert BusinessEvent.objects.filter(verb="assignment.deleted").exists()
