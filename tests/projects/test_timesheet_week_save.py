"""Saving a whole week of the grid at once: the same rules as one cell, checked before anything is written."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.projects.time_builders import MONDAY, make_project, make_staff, make_task
from tripod.core.errors import NotFound, ValidationFailed
from tripod.identity.models import Role
from tripod.projects.models import Task, TimeEntry
from tripod.projects.services.timesheets import time_entry_save, timesheet_submit, timesheet_week_save

pytestmark = pytest.mark.django_db
TUESDAY = MONDAY + timedelta(days=1)


@pytest.fixture
def world():
    pm, _ = make_staff(Role.PM, name="Pat PM")
    dev, _person = make_staff(name="Dana Dev", cost_rate=Decimal("100.00"))
    project = make_project(pm=pm, members=[dev])
    phase = make_task(project, "Phase", kind=Task.Kind.SUMMARY)
    build = make_task(project, "Build", parent=phase)
    test = make_task(project, "Test", parent=phase)
    return dev, phase, build, test


def test_creates_updates_and_removes_cells_in_one_go(world) -> None:
    dev, _phase, build, test = world
    time_entry_save(actor=dev, task=build, day=MONDAY, minutes=60)
    time_entry_save(actor=dev, task=test, day=MONDAY, minutes=30)

    written = timesheet_week_save(
        actor=dev, week=TUESDAY, hours={(build, MONDAY): 240, (test, MONDAY): 0, (test, TUESDAY): 480}
    )

    assert written == 3
    cells = dict(TimeEntry.objects.values_list("task__name", "minutes"))
    assert cells == {"Build": 240, "Test": 480}
    assert TimeEntry.objects.get(task=build).version == 2
    assert TimeEntry.objects.get(task=build).history.count() == 2


def test_any_bad_cell_writes_nothing(world) -> None:
    dev, phase, build, test = world
    with pytest.raises(ValidationFailed) as exc:
        timesheet_week_save(actor=dev, week=MONDAY, hours={(build, MONDAY): 900, (test, MONDAY): 600})
    assert "24" in exc.value.errors["minutes"][0]
    with pytest.raises(ValidationFailed) as exc:
        timesheet_week_save(actor=dev, week=MONDAY, hours={(build, MONDAY): 60, (phase, MONDAY): 60})
    assert "summary" in exc.value.errors["task"][0]
    with pytest.raises(ValidationFailed) as exc:
        timesheet_week_save(actor=dev, week=MONDAY, hours={(build, MONDAY + timedelta(days=7)): 60})
    assert "day" in exc.value.errors
    assert not TimeEntry.objects.exists()


def test_submitted_cells_cannot_change(world) -> None:
    dev, _phase, build, _test = world
    time_entry_save(actor=dev, task=build, day=MONDAY, minutes=60)
    timesheet_submit(actor=dev, week=MONDAY)
    with pytest.raises(ValidationFailed):
        timesheet_week_save(actor=dev, week=MONDAY, hours={(build, MONDAY): 120})
    # the same value is not a change
    assert timesheet_week_save(actor=dev, week=MONDAY, hours={(build, MONDAY): 60}) == 0


def test_only_people_on_the_project(world) -> None:
    _dev, _phase, build, _test = world
    outsider, _ = make_staff(name="Out Sider")
    with pytest.raises(NotFound):  # a project they cannot see does not exist for them
        timesheet_week_save(actor=outsider, week=MONDAY, hours={(build, MONDAY): 60})
