from __future__ import annotations

import pytest

from tests.factories import make_user
from tripod.clients.models import Client
from tripod.identity.models import Role
from tripod.projects.models import Project, ProjectMember
from tripod.projects.selectors import project_counts_by_phase, project_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    pm, dev, outsider = make_user(Role.PM), make_user(Role.MEMBER, Role.PM), make_user(Role.PM)
    acme = Client.objects.create(name="Acme")
    run = Project.objects.create(code="R", name="Run", client=acme, pm=pm, phase=Project.Phase.EXECUTING)
    plan = Project.objects.create(code="P", name="Plan", client=acme, pm=dev, phase=Project.Phase.PLANNING)
    hidden = Project.objects.create(code="H", name="Hidden", client=acme, pm=outsider)
    for user in (dev, outsider):
        ProjectMember.objects.create(project=run, user=user)
    return pm, dev, run, plan, hidden


def test_managed_and_worked_on_narrow_the_visible_projects(world):
    pm, dev, run, plan, hidden = world
    assert list(project_list(user=dev)) == [plan, run]
    assert list(project_list(user=dev, managed=True)) == [plan]
    assert list(project_list(user=dev, worked_on=True)) == [run]
    assert list(project_list(user=pm, managed=True)) == [run]
    assert hidden not in project_list(user=pm)


def test_member_counts_count_every_member_even_when_narrowed_to_mine(world):
    _, dev, _, _, _ = world
    assert project_list(user=dev, worked_on=True, member_counts=True).get().member_count == 2


def test_phase_counts_are_over_the_given_scoped_projects(world):
    _, dev, _, _, _ = world
    assert project_counts_by_phase(projects=project_list(user=dev)) == {"executing": 1, "planning": 1}


def test_member_candidates_are_staff_not_yet_on_the_project_and_only_for_its_editor(world):
    from tripod.identity.models import User
    from tripod.projects.selectors import project_member_candidates

    pm, dev, run, _, _ = world
    newcomer = make_user(Role.MEMBER)
    make_user(Role.CLIENT)
    User.objects.create_user(username="norole", email="norole@example.test", password="x-test-pass-9")
    candidates = set(project_member_candidates(user=pm, project=run))
    assert newcomer in candidates and pm in candidates
    assert dev not in candidates  # already a member
    assert {u.username for u in candidates} & {"norole"} == set()
    assert all(Role.CLIENT not in u.roles for u in candidates)
    assert not project_member_candidates(user=dev, project=run).exists()
