"""Requirement reads: who sees which requirements (every role, the portal users of this and another client), the
filters, the AM's confirmations awaited, traceability from both sides, and the link candidates."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.scope.requirement_builders import S, build_scope_world, capture, complete, walk
from tripod.core.access import scope
from tripod.core.errors import NotFound
from tripod.projects.models import Task
from tripod.projects.services.wbs import task_delete
from tripod.scope.models import Confirmation, RequirementTrace
from tripod.scope.selectors import (
    requirement_counts_by_status,
    requirement_get,
    requirement_list,
    requirement_traces,
    requirements_awaiting_confirmation,
    requirements_for_task,
    trace_candidates,
)
from tripod.scope.services import requirement_trace_add

pytestmark = pytest.mark.django_db

# Who sees a requirement of C1 on P1 (with_project) and one of C1 without a project (client_only).
VISIBILITY = {
    "admin": (True, True),
    "am_related": (True, True),
    "am_unrelated": (False, False),
    "pm_related": (True, False),
    "pm_unrelated": (False, False),
    "lm_related": (False, False),  # sees the project, not the client's requirements
    "lm_unrelated": (False, False),
    "member_related": (True, False),
    "member_unrelated": (False, False),
    "self": (True, False),
    "client_related": (True, True),
    "client_unrelated": (False, False),
}


@pytest.fixture
def sw():
    return build_scope_world()


@pytest.mark.parametrize("actor", list(VISIBILITY))
def test_who_sees_which_requirements(sw, actor):
    with_project = capture(sw, title="On the project")
    client_only = capture(sw, title="Not yet placed", project=None)
    user = sw.users[actor]
    visible = set(requirement_list(user=user).values_list("pk", flat=True))
    expected_project, expected_client = VISIBILITY[actor]
    assert (with_project.pk in visible, client_only.pk in visible) == (expected_project, expected_client)
    for requirement, expected in ((with_project, expected_project), (client_only, expected_client)):
        if expected:
            assert requirement_get(user=user, pk=requirement.pk) == requirement
        else:
            with pytest.raises(NotFound):
                requirement_get(user=user, pk=requirement.pk)


def test_anonymous_and_inactive_users_see_nothing(sw):
    capture(sw)
    assert not requirement_list(user=AnonymousUser()).exists()
    am = sw.users["am_related"]
    am.is_active = False
    am.save()
    assert not requirement_list(user=am).exists()


def test_the_account_team_sees_their_clients_requirements(sw):
    requirement = capture(sw, project=None)
    colleague = sw.users["am_unrelated"]
    assert not requirement_list(user=colleague).exists()
    sw.client.account_team.add(colleague)
    assert list(requirement_list(user=colleague)) == [requirement]


def test_confirmations_follow_the_requirement_and_traces_are_staff_only(sw):
    requirement = walk(sw, S.IN_SCOPE)
    requirement_trace_add(actor=sw.users["pm_related"], requirement=requirement, task=sw.tasks["Build"])
    for actor, (sees, _) in VISIBILITY.items():
        user = sw.users[actor]
        assert scope(Confirmation.objects.all(), user).exists() == sees, actor
        assert scope(RequirementTrace.objects.all(), user).exists() == (sees and user.is_internal), actor


def test_filters(sw):
    captured = capture(sw, priority="must")
    clarified = walk(sw, S.CLARIFIED, priority="could")
    other = capture(sw, project=None)
    am = sw.users["am_related"]
    assert list(requirement_list(user=am, awaiting_confirmation=True)) == [clarified]
    assert list(requirement_list(user=am, status=S.CAPTURED)) == [captured, other]
    assert list(requirement_list(user=am, priority="must")) == [captured]
    assert set(requirement_list(user=am, project=sw.project)) == {captured, clarified}
    assert list(requirement_list(user=am, search="REQ-003")) == [other]
    assert requirement_counts_by_status(user=am) == {S.CAPTURED: 2, S.CLARIFIED: 1}
    assert requirement_counts_by_status(user=sw.users["pm_related"]) == {S.CAPTURED: 1, S.CLARIFIED: 1}
    closed = walk(sw, S.REJECTED)
    assert closed not in requirement_list(user=am, open_only=True)


def test_confirmations_awaited_are_the_ams_own_longest_waiting_first(sw):
    first = walk(sw, S.CLARIFIED, title="First")
    second = walk(sw, S.CLARIFIED, title="Second")
    walk(sw, S.CONFIRMED)
    assert list(requirements_awaiting_confirmation(user=sw.users["am_related"])) == [first, second]
    assert list(requirements_awaiting_confirmation(user=sw.users["admin"])) == [first, second]
    assert not requirements_awaiting_confirmation(user=sw.users["am_unrelated"]).exists()
    # The PM sees the requirements of the project, but they are not waiting on the PM.
    assert not requirements_awaiting_confirmation(user=sw.users["pm_related"]).exists()
    assert list(requirements_awaiting_confirmation(user=sw.users["client_related"])) == [first, second]
    assert not requirements_awaiting_confirmation(user=sw.users["client_unrelated"]).exists()


def test_traceability_from_both_sides(sw):
    pm = sw.users["pm_related"]
    one = walk(sw, S.IN_SCOPE, title="One")
    two = walk(sw, S.CONFIRMED, title="Two")
    requirement_trace_add(actor=pm, requirement=one, task=sw.tasks["Build"])
    requirement_trace_add(actor=pm, requirement=one, task=sw.tasks["Design"])
    requirement_trace_add(actor=pm, requirement=two, task=sw.tasks["Build"])
    complete(sw, "Design")

    rows = requirement_traces(user=pm, requirement=one)
    assert [(row.task.name, row.complete) for row in rows] == [("Design", True), ("Build", False)]
    assert requirement_traces(user=sw.users["client_related"], requirement=one) == []

    build = Task.objects.get(pk=sw.tasks["Build"].pk)
    assert set(requirements_for_task(user=pm, task=build)) == {one, two}
    assert set(requirements_for_task(user=sw.users["member_related"], task=build)) == {one, two}
    assert not requirements_for_task(user=sw.users["client_related"], task=build).exists()
    assert not requirements_for_task(user=sw.users["pm_unrelated"], task=build).exists()

    listed = {r.pk: r for r in requirement_list(user=pm)}
    assert (listed[one.pk].trace_count, listed[one.pk].traces_complete) == (2, 1)
    assert (listed[two.pk].trace_count, listed[two.pk].traces_complete) == (1, 0)


def test_tasks_in_the_bin_drop_out_of_the_traces(sw):
    pm = sw.users["pm_related"]
    requirement = walk(sw, S.IN_SCOPE)
    requirement_trace_add(actor=pm, requirement=requirement, task=sw.tasks["Hand-over"])
    task_delete(actor=pm, task=Task.objects.get(pk=sw.tasks["Hand-over"].pk))
    assert requirement_traces(user=pm, requirement=requirement) == []
    assert requirement_list(user=pm).get().trace_count == 0


def test_link_candidates_are_the_projects_live_unlinked_tasks_for_those_who_trace(sw):
    pm = sw.users["pm_related"]
    requirement = walk(sw, S.IN_SCOPE)
    requirement_trace_add(actor=pm, requirement=requirement, task=sw.tasks["Build"])
    task_delete(actor=pm, task=Task.objects.get(pk=sw.tasks["Hand-over"].pk))
    assert [t.name for t in trace_candidates(user=pm, requirement=requirement)] == ["Design"]
    assert not trace_candidates(user=sw.users["member_related"], requirement=requirement).exists()
    assert not trace_candidates(user=sw.users["client_related"], requirement=requirement).exists()
