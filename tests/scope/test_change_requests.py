"""Change-request services: raise, lines, impact figures on a small plan worked by hand, submission, decisions,
applying to the WBS in one transaction (and undoing everything when a line fails)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.scope.change_request_builders import (
    DAY,
    add_task_line,
    approve_all,
    assign_build,
    build_cr_world,
    raise_cr,
    submitted_cr,
)
from tests.scope.requirement_builders import capture
from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.models import BusinessEvent
from tripod.people.models import Person
from tripod.projects.models import Assignment, Dependency, Task
from tripod.scope.models import Approval, ChangeRequest, Requirement
from tripod.scope.selectors.change_request_impact import change_request_impact, impact_is_stale
from tripod.scope.services import (
    change_request_apply,
    change_request_decide,
    change_request_impact_refresh,
    change_request_line_add,
    change_request_line_remove,
    change_request_submit,
    change_request_update,
    change_request_withdraw,
)

pytestmark = pytest.mark.django_db
CR = ChangeRequest.Status


def verbs(cr: ChangeRequest) -> list[str]:
    return list(
        BusinessEvent.objects.filter(target_id=str(cr.pk), verb__startswith="change_request.")
        .values_list("verb", flat=True)
        .order_by("pk")
    )


# --- raise and lines -------------------------------------------------------------------------------------------------
def test_references_are_numbered_per_project() -> None:
    sw = build_cr_world()
    first, second = raise_cr(sw), raise_cr(sw, actor="am_related")
    assert (first.reference, second.reference) == ("CR-001", "CR-002")
    assert first.status == CR.DRAFT and first.raised_by == sw.users["pm_related"]
    assert verbs(first) == ["change_request.raised"]


@pytest.mark.parametrize("actor", ["pm_unrelated", "am_unrelated", "lm_related", "member_related", "client_related"])
def test_only_the_pm_and_account_team_raise(actor: str) -> None:
    sw = build_cr_world()
    with pytest.raises(Forbidden):
        raise_cr(sw, actor=actor)


def test_requirements_must_belong_to_the_client() -> None:
    sw = build_cr_world()
    requirement = capture(sw)
    cr = raise_cr(sw, requirements=[requirement])
    assert list(cr.requirements.all()) == [requirement]
    foreign = Requirement.objects.create(
        client=sw.other_client, number=1, reference="REQ-001", title="x", statement="x"
    )
    with pytest.raises(ValidationFailed) as exc:
        change_request_update(
            actor=sw.users["pm_related"], change_request=cr, version=cr.version, requirements=[foreign]
        )
    assert "requirements" in exc.value.errors


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "add_task", "name": "", "duration_min": DAY}, "name"),
        ({"kind": "add_task", "name": "X", "duration_min": None}, "duration_min"),
        ({"kind": "add_task", "name": "X", "duration_min": DAY, "predecessors": "9"}, "predecessors"),
        ({"kind": "add_task", "name": "X", "duration_min": DAY, "predecessors": "two"}, "predecessors"),
        ({"kind": "change_duration", "duration_min": DAY}, "task"),
        ({"kind": "change_work"}, "task"),
        ({"kind": "nonsense"}, "kind"),
    ],
)
def test_line_validation_names_the_field(fields: dict, field: str) -> None:
    sw = build_cr_world()
    cr = raise_cr(sw)
    with pytest.raises(ValidationFailed) as exc:
        change_request_line_add(actor=sw.users["pm_related"], change_request=cr, **fields)
    assert field in exc.value.errors


def test_parent_must_be_a_summary_of_the_project() -> None:
    sw = build_cr_world()
    cr = raise_cr(sw)
    with pytest.raises(ValidationFailed) as exc:
        add_task_line(sw, cr, parent=sw.tasks["Build"])
    assert "parent" in exc.value.errors


# --- impact, worked by hand ------------------------------------------------------------------------------------------
def test_added_five_day_task_on_the_critical_path_moves_the_finish_by_five_working_days() -> None:
    sw = build_cr_world()
    cr = raise_cr(sw)
    add_task_line(sw, cr)  # after Build (row 2): Mon-Fri of the second week
    impact = change_request_impact(change_request=cr)
    assert impact["finish"]["delta_days"] == 5
    assert impact["finish"]["delta_calendar_days"] == 7
    assert impact["finish"]["before"].startswith("2026-03-06")
    assert impact["finish"]["after"].startswith("2026-03-13")
    assert [row["name"] for row in impact["critical_entering"]] == ["Export to the audit format"]
    assert [row["name"] for row in impact["critical_leaving"]] == ["Hand-over"]
    # No work given: one person full time for 5 days.
    assert impact["effort_by_skill"] == [{"skill": "Backend", "hours": "40.0"}]


def test_a_task_off_the_critical_path_does_not_move_the_finish() -> None:
    sw = build_cr_world()
    cr = raise_cr(sw)
    add_task_line(sw, cr, duration_min=DAY, predecessors="1")  # 1 day beside Build's 3
    impact = change_request_impact(change_request=cr)
    assert impact["finish"]["delta_days"] == 0
    assert impact["critical_entering"] == [] and impact["critical_leaving"] == []


def test_changed_duration_and_work_and_removal() -> None:
    sw = build_cr_world()
    cr = raise_cr(sw)
    pm = sw.users["pm_related"]
    change_request_line_add(
        actor=pm,
        change_request=cr,
        kind="change_duration",
        task=sw.tasks["Build"],
        duration_min=5 * DAY,
        work_min=40 * 60,
        skill="Backend",
    )
    change_request_line_add(
        actor=pm, change_request=cr, kind="change_work", task=sw.tasks["Design"], work_min=20 * 60, skill="Design"
    )
    impact = change_request_impact(change_request=cr)
    assert impact["finish"]["delta_days"] == 2  # Build 3d -> 5d
    assert {row["skill"]: row["hours"] for row in impact["effort_by_skill"]} == {"Backend": "16.0", "Design": "4.0"}
    change_request_line_add(actor=pm, change_request=cr, kind="remove_task", task=sw.tasks["Hand-over"])
    assert change_request_impact(change_request=cr)["effort_hours"] == "20.0"


def test_cost_delta_uses_the_assigned_persons_rate() -> None:
    sw = build_cr_world()
    cr = raise_cr(sw)
    add_task_line(sw, cr, person=sw.world.person, work_min=10 * 60)  # S costs 321.00 an hour
    impact = change_request_impact(change_request=cr)
    assert Decimal(impact["cost_delta"]) == Decimal("3210.00")
    assert impact["cost_estimated"] is False


def test_cost_delta_without_a_person_uses_the_projects_average_rate() -> None:
    sw = build_cr_world()
    Person.objects.filter(user=sw.users["member_related"]).update(cost_rate=Decimal("100"))
    cr = raise_cr(sw)
    add_task_line(sw, cr, work_min=10 * 60)
    impact = change_request_impact(change_request=cr)
    # Members S (321) and Member related (100): average 210.50 an hour.
    assert Decimal(impact["cost_delta"]) == Decimal("2105.00")
    assert impact["cost_estimated"] is True


def test_over_allocation_is_detected() -> None:
    sw = build_cr_world()
    assign_build(sw)  # S: 24 h on Build, Wed-Fri of week 1
    cr = raise_cr(sw)
    add_task_line(sw, cr, name="Parallel review", duration_min=3 * DAY, predecessors="1", person=sw.world.person)
    impact = change_request_impact(change_request=cr)
    [row] = impact["overallocations"]
    assert row["name"] == sw.world.person.name
    assert row["weeks"] == [
        {"week": "2026-03-02", "planned_hours": "48.0", "capacity_hours": "40.0", "over_hours": "8.0"}
    ]


def test_no_over_allocation_when_the_new_work_fits() -> None:
    sw = build_cr_world()
    assign_build(sw)
    cr = raise_cr(sw)
    add_task_line(sw, cr, person=sw.world.person)  # week 2, nothing else planned then
    assert change_request_impact(change_request=cr)["overallocations"] == []


def test_a_loop_is_named_after_the_line() -> None:
    sw = build_cr_world()
    cr = raise_cr(sw)
    change_request_line_add(
        actor=sw.users["pm_related"],
        change_request=cr,
        kind="change_duration",
        task=sw.tasks["Design"],
        duration_min=DAY,
        predecessors="3",
    )
    with pytest.raises(ValidationFailed) as exc:
        change_request_impact(change_request=cr)
    assert exc.value.errors["lines"][0].startswith("Line 1")


# --- submit, stale, withdraw -----------------------------------------------------------------------------------------
def test_submit_snapshots_the_impact_and_later_plan_changes_make_it_stale() -> None:
    sw = build_cr_world()
    cr = submitted_cr(sw)
    assert cr.status == CR.SUBMITTED and cr.impact["finish"]["delta_days"] == 5
    assert not impact_is_stale(cr, cr.project)
    from tripod.projects.services.wbs import task_update

    build = Task.objects.get(pk=sw.tasks["Build"].pk)
    task_update(actor=sw.users["pm_related"], task=build, version=build.version, duration_min=4 * DAY)
    cr.project.refresh_from_db()
    assert impact_is_stale(cr, cr.project)
    assert "change_request.submitted" in verbs(cr)


def test_submit_needs_lines_and_refresh_only_on_drafts() -> None:
    sw = build_cr_world()
    cr = raise_cr(sw)
    with pytest.raises(ValidationFailed) as exc:
        change_request_submit(actor=sw.users["pm_related"], change_request=cr)
    assert "lines" in exc.value.errors
    line = add_task_line(sw, cr)
    assert change_request_impact_refresh(actor=sw.users["am_related"], change_request=cr)["finish"]["delta_days"] == 5
    change_request_line_remove(actor=sw.users["pm_related"], line=line)
    cr.refresh_from_db()
    assert cr.impact is None  # a changed draft has no impact until recomputed
    add_task_line(sw, cr)
    cr = change_request_submit(actor=sw.users["pm_related"], change_request=cr)
    with pytest.raises(ValidationFailed):
        change_request_impact_refresh(actor=sw.users["pm_related"], change_request=cr)
    with pytest.raises(ValidationFailed):
        add_task_line(sw, cr)


def test_withdraw_needs_a_reason() -> None:
    sw = build_cr_world()
    cr = submitted_cr(sw)
    with pytest.raises(ValidationFailed) as exc:
        change_request_withdraw(actor=sw.users["am_related"], change_request=cr, reason=" ")
    assert "reason" in exc.value.errors
    cr = change_request_withdraw(actor=sw.users["am_related"], change_request=cr, reason="Client dropped it")
    assert cr.status == CR.WITHDRAWN


# --- decisions and applying ------------------------------------------------------------------------------------------
def test_three_approvals_apply_the_change_to_the_wbs() -> None:
    sw = build_cr_world()
    requirement = capture(sw)
    cr = raise_cr(sw, requirements=[requirement])
    add_task_line(sw, cr, person=sw.world.person, work_min=30 * 60)
    cr = change_request_submit(actor=sw.users["pm_related"], change_request=cr)
    approve_all(sw, cr)
    cr.refresh_from_db()
    assert cr.status == CR.APPLIED and cr.apply_error == ""
    task = Task.objects.get(project=sw.project, name="Export to the audit format")
    assert task.duration_min == 5 * DAY and task.work_min == 30 * 60
    assert Dependency.objects.filter(pred=sw.tasks["Build"], succ=task).exists()
    assert Assignment.objects.filter(task=task, person=sw.world.person, planned_work_min=30 * 60).exists()
    assert task.critical and task.finish is not None
    requirement.refresh_from_db()
    assert requirement.status == Requirement.Status.IN_SCOPE
    assert verbs(cr)[-3:] == ["change_request.decided", "change_request.approved", "change_request.applied"]
    assert "change_request.submitted" in verbs(cr)


def test_one_rejection_rejects() -> None:
    sw = build_cr_world()
    cr = submitted_cr(sw)
    change_request_decide(actor=sw.users["pm_related"], change_request=cr, role="pm", decision="approve")
    with pytest.raises(ValidationFailed) as exc:
        change_request_decide(actor=sw.users["am_related"], change_request=cr, role="am", decision="reject")
    assert "comment" in exc.value.errors
    change_request_decide(
        actor=sw.users["am_related"], change_request=cr, role="am", decision="reject", comment="Not in this budget"
    )
    cr.refresh_from_db()
    assert cr.status == CR.REJECTED
    assert not Task.objects.filter(name="Export to the audit format").exists()
    with pytest.raises(ValidationFailed):
        change_request_decide(actor=sw.users["lm_related"], change_request=cr, role="lm", decision="approve")


@pytest.mark.parametrize(
    ("actor", "role"),
    [("pm_unrelated", "pm"), ("am_unrelated", "am"), ("lm_unrelated", "lm"), ("member_related", "pm")],
)
def test_only_the_right_people_decide(actor: str, role: str) -> None:
    sw = build_cr_world()
    cr = submitted_cr(sw)
    with pytest.raises(Forbidden):
        change_request_decide(actor=sw.users[actor], change_request=cr, role=role, decision="approve")


def test_a_role_decides_once_and_only_its_own_role() -> None:
    sw = build_cr_world()
    cr = submitted_cr(sw)
    with pytest.raises(ValidationFailed) as exc:
        change_request_decide(actor=sw.users["pm_related"], change_request=cr, role="am", decision="approve")
    assert "role" in exc.value.errors
    change_request_decide(actor=sw.users["pm_related"], change_request=cr, role="pm", decision="approve")
    with pytest.raises(ValidationFailed):
        change_request_decide(actor=sw.users["pm_related"], change_request=cr, role="pm", decision="approve")
    assert Approval.objects.filter(change_request=cr).count() == 1


def test_any_lm_decides_when_nobody_is_affected() -> None:
    sw = build_cr_world()
    cr = raise_cr(sw)
    add_task_line(sw, cr)  # nobody named, a new task: nobody affected
    cr = change_request_submit(actor=sw.users["pm_related"], change_request=cr)
    change_request_decide(actor=sw.users["lm_unrelated"], change_request=cr, role="lm", decision="approve")
    assert Approval.objects.get(change_request=cr).person == sw.users["lm_unrelated"]


def test_a_failing_apply_changes_nothing_and_names_the_line() -> None:
    sw = build_cr_world()
    cr = raise_cr(sw)
    pm = sw.users["pm_related"]
    add_task_line(sw, cr)  # line 1 would be fine on its own
    change_request_line_add(actor=pm, change_request=cr, kind="change_work", task=sw.tasks["Design"], work_min=8 * 60)
    cr = change_request_submit(actor=pm, change_request=cr)
    # Meanwhile the plan changed: Design is gone, so line 2 cannot be applied.
    from tripod.projects.services.wbs import task_delete

    task_delete(actor=pm, task=sw.tasks["Design"])
    tasks_before = set(Task.all_objects.filter(project=sw.project).values_list("pk", "duration_min", "work_min"))
    links_before = Dependency.objects.count()
    approve_all(sw, cr)
    cr.refresh_from_db()
    assert cr.status == CR.APPROVED
    assert cr.apply_error.startswith("Line 2")
    assert set(Task.all_objects.filter(project=sw.project).values_list("pk", "duration_min", "work_min")) == (
        tasks_before
    )
    assert Dependency.objects.count() == links_before
    assert "change_request.apply_failed" in verbs(cr)
    with pytest.raises(ValidationFailed) as exc:
        change_request_apply(actor=pm, change_request=cr)
    assert exc.value.errors["lines"][0].startswith("Line 2")
    assert not Task.objects.filter(name="Export to the audit format").exists()
    with pytest.raises(Forbidden):
        change_request_apply(actor=sw.users["am_related"], change_request=cr)


def test_a_line_failing_half_way_undoes_the_lines_before_it() -> None:
    sw = build_cr_world()
    pm = sw.users["pm_related"]
    stranger = Person.objects.get(user=sw.users["member_unrelated"])  # works on P2 only: the PM cannot assign them
    cr = raise_cr(sw)
    add_task_line(sw, cr)
    change_request_line_add(
        actor=pm, change_request=cr, kind="change_work", task=sw.tasks["Design"], work_min=30 * 60, person=stranger
    )
    cr = change_request_submit(actor=pm, change_request=cr)
    approve_all(sw, cr, lm="lm_unrelated")  # the line manager of the person affected
    cr.refresh_from_db()
    assert cr.status == CR.APPROVED
    assert cr.apply_error.startswith("Line 2")
    assert not Task.objects.filter(name="Export to the audit format").exists()  # line 1 undone
    assert Task.objects.get(pk=sw.tasks["Design"].pk).work_min == 16 * 60
