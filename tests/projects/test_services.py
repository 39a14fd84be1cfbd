from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import make_admin, make_user
from tripod.clients.models import Client
from tripod.core.errors import Forbidden, StaleVersion, ValidationFailed
from tripod.core.models import BusinessEvent
from tripod.identity.models import Role
from tripod.projects.models import Project
from tripod.projects.services import project_create, project_member_add, project_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_record():
    return Client.objects.create(name="Acme 艾克米", status=Client.Status.ACTIVE)


def test_pm_starts_a_project_for_an_active_client_and_runs_it(client_record):
    pm = make_user(Role.PM)
    project = project_create(actor=pm, code="AC-1", name="Portal", client=client_record)
    assert project.pm == pm
    assert project.created_by == pm
    assert BusinessEvent.objects.filter(verb="project.created", target_id=str(project.pk)).exists()


def test_a_lost_client_cannot_get_a_new_project():
    pm = make_user(Role.PM)
    lost = Client.objects.create(name="Gone Ltd", status=Client.Status.LOST)
    with pytest.raises(ValidationFailed) as exc:
        project_create(actor=pm, code="GL-1", name="Revival", client=lost)
    assert "client" in exc.value.errors
    assert not Project.objects.exists()


def test_a_member_may_not_start_a_project(client_record):
    with pytest.raises(Forbidden):
        project_create(actor=make_user(Role.MEMBER), code="X-1", name="X", client=client_record)


def test_bad_input_names_the_field_and_writes_nothing(client_record):
    admin = make_admin()
    with pytest.raises(ValidationFailed) as exc:
        project_create(actor=admin, code="", name="No code", client=client_record, budget=Decimal("-1"))
    assert {"code", "budget"} <= set(exc.value.errors)
    assert not Project.objects.exists()
    assert not BusinessEvent.objects.exists()


def test_finish_before_start_is_refused(client_record):
    import datetime as dt

    with pytest.raises(ValidationFailed):
        project_create(
            actor=make_admin(),
            code="D-1",
            name="Dates",
            client=client_record,
            start=dt.date(2026, 5, 1),
            target_finish=dt.date(2026, 4, 1),
        )


def test_update_with_a_stale_version_changes_nothing(client_record):
    pm = make_user(Role.PM)
    project = project_create(actor=pm, code="AC-2", name="Portal", client=client_record)
    project_update(actor=pm, project=project, version=1, name="Portal v2")
    with pytest.raises(StaleVersion) as exc:
        project_update(actor=pm, project=project, version=1, name="Lost update")
    assert exc.value.current.version == 2
    project.refresh_from_db()
    assert (project.name, project.version) == ("Portal v2", 2)
    assert project.history.count() == 2


def test_phase_change_is_a_business_event(client_record):
    pm = make_user(Role.PM)
    project = project_create(actor=pm, code="AC-3", name="Portal", client=client_record)
    project_update(actor=pm, project=project, version=1, phase=Project.Phase.PLANNING)
    event = BusinessEvent.objects.get(verb="project.phase_changed")
    assert event.data == {"from": "initiating", "to": "planning"}
    assert event.actor == pm


def test_only_the_pm_edits_and_adds_members(client_record):
    pm, other_pm = make_user(Role.PM), make_user(Role.PM)
    project = project_create(actor=pm, code="AC-4", name="Portal", client=client_record)
    with pytest.raises(Forbidden):
        project_update(actor=other_pm, project=project, version=1, name="Hijack")
    member = make_user(Role.MEMBER)
    project_member_add(actor=pm, project=project, user=member)
    assert list(project.members.all()) == [member]
    with pytest.raises(ValidationFailed):
        project_member_add(actor=pm, project=project, user=make_user(Role.CLIENT))
