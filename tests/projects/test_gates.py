from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.authz.world import build_world
from tests.projects.report_builders import make_milestone, statuses
from tripod.core.errors import Forbidden, StaleVersion, ValidationFailed
from tripod.core.models import BusinessEvent
from tripod.projects.models import PhaseGate, Project
from tripod.projects.services.gates import gate_checklist, next_phase, phase_advance

pytestmark = pytest.mark.django_db
Phase, Decision = Project.Phase, PhaseGate.Decision
PLANNING_ITEMS = ["WBS complete", "Baseline saved", "Budget approved", "Risks identified"]


@pytest.fixture
def world():
    return build_world()


def _planning(world) -> Project:
    project = world.project
    Project.objects.filter(pk=project.pk).update(phase=Phase.PLANNING)
    project.refresh_from_db()
    return project


def test_the_life_cycle_runs_in_order():
    assert [next_phase(p) for p in ("initiating", "planning", "executing", "monitoring", "closing", "closed")] == [
        "planning",
        "executing",
        "monitoring",
        "closing",
        "closed",
        None,
    ]
    assert list(gate_checklist(Phase.PLANNING)) == PLANNING_ITEMS


def test_a_full_checklist_passes_the_gate_and_moves_the_project(world):
    project, pm = _planning(world), world.users["pm_related"]
    gate = phase_advance(
        actor=pm, project=project, to_phase=Phase.EXECUTING, decision=Decision.PASSED, checklist=PLANNING_ITEMS
    )
    project.refresh_from_db()
    assert project.phase == Phase.EXECUTING
    assert (gate.from_phase, gate.to_phase, gate.decided_by) == (Phase.PLANNING, Phase.EXECUTING, pm)
    assert gate.decided_at is not None
    assert all(item["done"] for item in gate.checklist) and len(gate.checklist) == 4
    event = BusinessEvent.objects.get(verb="project.phase_changed")
    assert event.data["from"] == "planning" and event.data["to"] == "executing"


def test_an_unchecked_item_refuses_a_plain_pass_and_writes_nothing(world):
    project = _planning(world)
    with pytest.raises(ValidationFailed) as exc:
        phase_advance(
            actor=world.users["pm_related"],
            project=project,
            to_phase=Phase.EXECUTING,
            decision=Decision.PASSED,
            checklist=PLANNING_ITEMS[:3],
        )
    assert "decision" in exc.value.errors
    assert not PhaseGate.objects.exists()
    project.refresh_from_db()
    assert project.phase == Phase.PLANNING


def test_a_conditional_pass_needs_the_conditions_in_the_note(world):
    project, pm = _planning(world), world.users["pm_related"]
    with pytest.raises(ValidationFailed) as exc:
        phase_advance(actor=pm, project=project, to_phase="executing", decision="conditional", checklist=[])
    assert "note" in exc.value.errors
    gate = phase_advance(
        actor=pm, project=project, to_phase="executing", decision="conditional", note="Budget sign-off by Friday"
    )
    assert [item["done"] for item in gate.checklist] == [False] * 4
    assert Project.objects.get(pk=project.pk).phase == Phase.EXECUTING


def test_a_held_gate_is_recorded_and_the_phase_stays(world):
    project = _planning(world)
    gate = phase_advance(
        actor=world.users["pm_related"],
        project=project,
        to_phase="executing",
        decision="held",
        checklist=["WBS complete"],
        note="Baseline not approved by the client",
    )
    assert gate.decision == Decision.HELD
    assert Project.objects.get(pk=project.pk).phase == Phase.PLANNING
    assert BusinessEvent.objects.filter(verb="project.gate_held").exists()


def test_forward_moves_one_phase_at_a_time(world):
    with pytest.raises(ValidationFailed) as exc:
        phase_advance(actor=world.users["pm_related"], project=world.project, to_phase="closing", decision="passed")
    assert "to_phase" in exc.value.errors


def test_going_back_needs_a_note(world):
    project, pm = _planning(world), world.users["pm_related"]
    with pytest.raises(ValidationFailed) as exc:
        phase_advance(actor=pm, project=project, to_phase="initiating", decision="passed")
    assert "note" in exc.value.errors
    gate = phase_advance(actor=pm, project=project, to_phase="initiating", decision="held", note="Scope reopened")
    assert gate.decision == Decision.PASSED and gate.checklist == []
    assert Project.objects.get(pk=project.pk).phase == Phase.INITIATING


def test_unknown_checklist_items_and_phases_are_refused(world):
    project, pm = _planning(world), world.users["pm_related"]
    with pytest.raises(ValidationFailed) as exc:
        phase_advance(actor=pm, project=project, to_phase="executing", decision="passed", checklist=["Party"])
    assert "checklist" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        phase_advance(actor=pm, project=project, to_phase="nowhere", decision="passed")
    assert "to_phase" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        phase_advance(actor=pm, project=project, to_phase="planning", decision="passed")
    assert "to_phase" in exc.value.errors


def test_a_stale_version_changes_nothing(world):
    project = _planning(world)
    with pytest.raises(StaleVersion):
        phase_advance(
            actor=world.users["pm_related"],
            project=project,
            to_phase="executing",
            decision="passed",
            checklist=PLANNING_ITEMS,
            version=project.version + 5,
        )
    assert not PhaseGate.objects.exists()


@pytest.mark.parametrize("actor", ["member_related", "am_related", "lm_related", "pm_unrelated", "client_related"])
def test_only_the_pm_or_an_admin_decides_a_gate(world, actor):
    with pytest.raises(Forbidden):
        phase_advance(actor=world.users[actor], project=world.project, to_phase="planning", decision="conditional")
    admin_gate = phase_advance(
        actor=world.users["admin"], project=world.project, to_phase="planning", decision="conditional", note="ok"
    )
    assert admin_gate.decided_by == world.users["admin"]


def test_the_charter_is_edited_through_the_project_service(world):
    from tripod.projects.services import project_update

    project = project_update(
        actor=world.users["pm_related"],
        project=world.project,
        version=world.project.version,
        objectives="Go live by Q3",
        scope_statement="ERP finance modules",
        contract_reference="C-2026-01",
        status_date=date(2026, 3, 6),
    )
    assert (project.objectives, project.contract_reference) == ("Go live by Q3", "C-2026-01")


# --- pages ------------------------------------------------------------------------------------------------------------
EDIT_ONLY = {
    "pm_related": 200,
    "member_related": 403,
    "pm_unrelated": 404,
    "lm_related": 403,
    "am_related": 403,
    "client_related": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("name", ["charter", "phase_advance"])
def test_charter_and_gate_pages_access_cells(world, client, name):
    assert statuses(client, world, reverse(f"projects:{name}", args=[world.project.pk])) == EDIT_ONLY


def test_gate_posts_are_refused_to_everyone_but_the_pm(world, client):
    url = reverse("projects:phase_advance", args=[world.project.pk])
    data = {"to_phase": "planning", "decision": "conditional", "note": "x"}
    cells = statuses(client, world, url, "post", data)
    assert cells["pm_related"] == 302  # moved, back to the project page
    assert {k: v for k, v in cells.items() if k != "pm_related"} == {
        k: v for k, v in EDIT_ONLY.items() if k != "pm_related"
    }
    assert PhaseGate.objects.count() == 1


def test_gate_form_shows_the_reason_when_refused(world, client):
    client.force_login(world.users["pm_related"])
    project = _planning(world)
    url = reverse("projects:phase_advance", args=[project.pk])
    response = client.post(url, {"to_phase": "executing", "decision": "passed", "checklist": ["WBS complete"]})
    assert response.status_code == 200
    assert "Some checklist items are not done" in response.content.decode()
    assert not PhaseGate.objects.exists()
    response = client.post(
        url,
        {"to_phase": "executing", "decision": "passed", "checklist": PLANNING_ITEMS, "version": project.version},
    )
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).phase == Phase.EXECUTING


def test_charter_page_saves_the_charter(world, client):
    client.force_login(world.users["pm_related"])
    project = world.project
    response = client.post(
        reverse("projects:charter", args=[project.pk]),
        {
            "objectives": "Cut month-end close to 3 days",
            "scope_statement": "Finance only",
            "contract_reference": "SOW-7",
            "budget": "1000",
            "currency": "CNY",
            "version": project.version,
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.objectives == "Cut month-end close to 3 days" and project.contract_reference == "SOW-7"
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "Cut month-end close to 3 days" in html and "SOW-7" in html


def test_the_portal_sees_milestones_but_not_the_charter_or_gates(world, client):
    project = world.project
    project.objectives = "Secret internal objective"
    project.save()
    make_milestone(project, "Go-live", 1, date(2026, 6, 1))
    client.force_login(world.users["client_related"])
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "Go-live" in html
    assert "Secret internal objective" not in html and "Gate decision" not in html


def _fill(project, pm, n: int) -> None:
    for i in range(n):
        make_milestone(project, f"M{i}", i + 1, date(2026, 6, 1))
    for _i in range(n):
        PhaseGate.objects.create(
            project=project, from_phase="initiating", to_phase="planning", decided_by=pm, decided_at="2026-01-01T00:00Z"
        )


@pytest.mark.parametrize("name", ["detail", "phase_advance"])
def test_page_query_count_is_flat(world, client, django_assert_num_queries, name):
    pm = world.users["pm_related"]
    client.force_login(pm)
    url = reverse(f"projects:{name}", args=[world.project.pk])
    _fill(world.project, pm, 3)
    client.get(url)  # warm caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _fill(world.project, pm, 27)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
