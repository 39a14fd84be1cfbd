"""Requirement services: capture (staff and portal), edit and re-confirmation, every legal and illegal transition of
the status flow, the confirmation and acceptance records (staff and portal), delivery against the WBS, and the
rules of traceability."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.scope.requirement_builders import S, build_scope_world, capture, complete, walk
from tripod.clients.models import Contract, PortalUser
from tripod.core.errors import Forbidden, StaleVersion, ValidationFailed
from tripod.core.models import Attachment, BusinessEvent
from tripod.projects.models import Project, Task
from tripod.projects.services.board import task_status_set
from tripod.projects.services.wbs import task_delete
from tripod.scope.models import Confirmation, Requirement, RequirementTrace
from tripod.scope.services import (
    requirement_accept,
    requirement_acceptance_refuse,
    requirement_capture,
    requirement_clarify,
    requirement_confirm,
    requirement_deliver,
    requirement_reject,
    requirement_scope,
    requirement_trace_add,
    requirement_trace_remove,
    requirement_update,
    requirement_withdraw,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def sw():
    return build_scope_world()


def verbs(requirement: Requirement) -> list[str]:
    return list(
        BusinessEvent.objects.filter(target_id=str(requirement.pk)).order_by("pk").values_list("verb", flat=True)
    )


def fresh(requirement: Requirement) -> Requirement:
    return Requirement.objects.get(pk=requirement.pk)


# --- capture ---------------------------------------------------------------------------------------------------------
def test_capture_numbers_per_client_and_records_the_event(sw):
    first = capture(sw)
    second = capture(sw, title="Audit trail")
    other = requirement_capture(
        actor=sw.users["am_unrelated"], client=sw.other_client, title="Track trucks", statement="Live map."
    )
    assert (first.reference, second.reference, other.reference) == ("REQ-001", "REQ-002", "REQ-001")
    assert first.status == S.CAPTURED
    assert first.source_contact == sw.cio
    assert str(first) == "REQ-001 Single sign-on"
    event = BusinessEvent.objects.filter(verb="requirement.captured", target_id=str(first.pk)).get()
    assert event.data == {"reference": "REQ-001", "by_client": False}


def test_numbers_continue_after_the_highest(sw):
    capture(sw)
    capture(sw)
    Requirement.objects.filter(number=1).delete()
    assert capture(sw).reference == "REQ-003"


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"title": "  "}, "title"), ({"statement": ""}, "statement"), ({"priority": "urgent"}, "priority")],
)
def test_capture_validation_names_the_field(sw, fields, field):
    with pytest.raises(ValidationFailed) as exc:
        capture(sw, **fields)
    assert field in exc.value.errors
    assert not Requirement.objects.exists()


def test_capture_refuses_a_project_or_contact_of_another_client(sw):
    other_project = Project.objects.get(code="P2")
    with pytest.raises(ValidationFailed) as exc:
        capture(sw, project=other_project)
    assert list(exc.value.errors) == ["project"]
    with pytest.raises(ValidationFailed) as exc:
        capture(sw, source_contact=sw.other_contact)
    assert list(exc.value.errors) == ["source_contact"]


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        ("admin", True),
        ("am_related", True),
        ("am_unrelated", False),
        ("pm_related", False),
        ("pm_unrelated", False),
        ("lm_related", False),
        ("member_related", False),
        ("self", False),
        ("client_unrelated", False),
    ],
)
def test_who_captures_for_a_client(sw, actor, allowed):
    if allowed:
        assert capture(sw, actor).status == S.CAPTURED
    else:
        with pytest.raises(Forbidden):
            capture(sw, actor)


def test_the_account_team_captures_too(sw):
    colleague = sw.users["am_unrelated"]
    sw.client.account_team.add(colleague)
    assert capture(sw, "am_unrelated").created_by == colleague


def test_a_portal_user_submits_as_their_own_contact(sw):
    requirement = capture(sw, "client_related", source_contact=sw.cio, internal_notes="sneaky")
    assert requirement.status == S.CAPTURED
    assert requirement.source_contact == sw.portal_contact
    assert requirement.internal_notes == ""
    event = BusinessEvent.objects.get(verb="requirement.captured")
    assert event.data["by_client"] is True


def test_a_portal_user_without_a_contact_is_told_so(sw):
    PortalUser.objects.filter(user=sw.users["client_related"]).update(contact=None)
    with pytest.raises(ValidationFailed) as exc:
        capture(sw, "client_related")
    assert list(exc.value.errors) == ["contact"]


# --- the status flow: every transition from every status -----------------------------------------------------------
def _clarify(sw, requirement):
    return requirement_clarify(actor=sw.users["am_related"], requirement=requirement)


def _confirm(sw, requirement):
    requirement_confirm(
        actor=sw.users["am_related"], requirement=requirement, contact=sw.cio, channel="call", wording="Agreed."
    )
    return fresh(requirement)


def _scope_in(sw, requirement):
    return requirement_scope(actor=sw.users["am_related"], requirement=requirement, in_scope=True)


def _scope_out(sw, requirement):
    return requirement_scope(actor=sw.users["am_related"], requirement=requirement, in_scope=False, reason="Extra.")


def _deliver(sw, requirement):
    if requirement.project_id and not requirement.traces.exists() and requirement.status not in Requirement.CLOSED:
        RequirementTrace.objects.create(requirement=requirement, task=sw.tasks["Design"])
        complete(sw, "Design")
    return requirement_deliver(actor=sw.users["pm_related"], requirement=requirement)


def _accept(sw, requirement):
    requirement_accept(
        actor=sw.users["am_related"], requirement=requirement, contact=sw.cio, channel="email", wording="OK."
    )
    return fresh(requirement)


def _refuse(sw, requirement):
    return requirement_acceptance_refuse(
        actor=sw.users["am_related"], requirement=requirement, reason="Export is missing.", contact=sw.cio
    )


def _reject(sw, requirement):
    return requirement_reject(actor=sw.users["am_related"], requirement=requirement, reason="Not feasible.")


def _withdraw(sw, requirement):
    return requirement_withdraw(actor=sw.users["am_related"], requirement=requirement, reason="Dropped.")


# transition: (service, legal from, status after, event verb)
TRANSITIONS = {
    "clarify": (_clarify, {S.CAPTURED}, S.CLARIFIED, "requirement.clarified"),
    "confirm": (_confirm, {S.CLARIFIED}, S.CONFIRMED, "requirement.confirmed"),
    "scope_in": (_scope_in, {S.CONFIRMED, S.OUT_OF_SCOPE}, S.IN_SCOPE, "requirement.scoped_in"),
    "scope_out": (_scope_out, {S.CONFIRMED, S.IN_SCOPE}, S.OUT_OF_SCOPE, "requirement.scoped_out"),
    "deliver": (_deliver, {S.IN_SCOPE}, S.DELIVERED, "requirement.delivered"),
    "accept": (_accept, {S.DELIVERED}, S.ACCEPTED, "requirement.accepted"),
    "refuse": (_refuse, {S.DELIVERED}, S.IN_SCOPE, "requirement.acceptance_refused"),
    "reject": (_reject, {S.CAPTURED, S.CLARIFIED, S.CONFIRMED, S.OUT_OF_SCOPE}, S.REJECTED, "requirement.rejected"),
    "withdraw": (
        _withdraw,
        {S.CAPTURED, S.CLARIFIED, S.CONFIRMED, S.IN_SCOPE, S.OUT_OF_SCOPE},
        S.WITHDRAWN,
        "requirement.withdrawn",
    ),
}
CASES = [(name, status) for name in TRANSITIONS for status in S.values]


@pytest.mark.parametrize(("transition", "status"), CASES)
def test_every_transition_from_every_status(sw, transition, status):
    service, legal, after, verb = TRANSITIONS[transition]
    requirement = walk(sw, status)
    version = requirement.version
    if status in legal:
        moved = service(sw, requirement)
        assert moved.status == after
        assert moved.version > version
        assert verbs(moved)[-1] == verb
        event = BusinessEvent.objects.filter(verb=verb, target_id=str(requirement.pk)).last()
        assert (event.data["from"], event.data["to"]) == (status, after)
        assert event.actor is not None
    else:
        before = verbs(requirement)
        with pytest.raises(ValidationFailed) as exc:
            service(sw, requirement)
        assert list(exc.value.errors) == ["status"]
        assert fresh(requirement).status == status
        assert verbs(requirement) == before


def test_a_refusal_names_the_current_status(sw):
    requirement = walk(sw, S.CAPTURED)
    with pytest.raises(ValidationFailed) as exc:
        _confirm(sw, requirement)
    assert "captured" in str(exc.value.errors["status"][0])


@pytest.mark.parametrize("actor", ["pm_related", "member_related", "am_unrelated", "lm_related", "client_related"])
def test_only_the_account_team_moves_the_flow(sw, actor):
    requirement = walk(sw, S.CAPTURED)
    with pytest.raises(Forbidden):
        requirement_clarify(actor=sw.users[actor], requirement=requirement)
    confirmed = walk(sw, S.CONFIRMED)
    with pytest.raises(Forbidden):
        requirement_scope(actor=sw.users[actor], requirement=confirmed, in_scope=True)
    with pytest.raises(Forbidden):
        requirement_reject(actor=sw.users[actor], requirement=confirmed, reason="x")
    with pytest.raises(Forbidden):
        requirement_withdraw(actor=sw.users[actor], requirement=confirmed, reason="x")


def test_transitions_check_the_version(sw):
    requirement = walk(sw, S.CAPTURED)
    with pytest.raises(StaleVersion):
        requirement_clarify(actor=sw.users["am_related"], requirement=requirement, version=requirement.version + 1)
    assert fresh(requirement).status == S.CAPTURED


# --- confirmation records -------------------------------------------------------------------------------------------
def test_the_account_team_records_who_confirmed_when_how_and_the_exact_words(sw):
    requirement = walk(sw, S.CLARIFIED)
    at = timezone.now() - dt.timedelta(days=2)
    words = "  可以，就按这个来。\nYes — exactly this, including the audit log.  "  # noqa: RUF001
    confirmation = requirement_confirm(
        actor=sw.users["am_related"],
        requirement=requirement,
        version=requirement.version,
        contact=sw.cio,
        channel="meeting",
        wording=words,
        confirmed_at=at,
    )
    assert confirmation.kind == Confirmation.Kind.CONFIRMATION
    assert (confirmation.contact, confirmation.channel, confirmation.confirmed_at) == (sw.cio, "meeting", at)
    assert confirmation.wording == words.strip()
    assert confirmation.statement == requirement.statement
    assert confirmation.recorded_by == sw.users["am_related"]
    requirement = fresh(requirement)
    assert (requirement.status, requirement.confirmed_at) == (S.CONFIRMED, at)
    event = BusinessEvent.objects.get(verb="requirement.confirmed")
    assert event.data["confirmation"] == confirmation.pk
    assert event.data["contact_name"] == sw.cio.name
    assert event.data["channel"] == "meeting"


def test_a_confirmation_needs_who_how_and_the_words_or_a_document(sw):
    requirement = walk(sw, S.CLARIFIED)
    with pytest.raises(ValidationFailed) as exc:
        requirement_confirm(actor=sw.users["am_related"], requirement=requirement)
    assert set(exc.value.errors) == {"contact", "channel", "wording"}
    with pytest.raises(ValidationFailed) as exc:
        requirement_confirm(
            actor=sw.users["am_related"], requirement=requirement, contact=sw.other_contact, channel="fax", wording="x"
        )
    assert set(exc.value.errors) == {"contact", "channel"}
    assert not Confirmation.objects.exists()
    assert fresh(requirement).status == S.CLARIFIED


def test_staff_cannot_claim_a_portal_confirmation_or_a_future_date(sw):
    requirement = walk(sw, S.CLARIFIED)
    with pytest.raises(ValidationFailed) as exc:
        requirement_confirm(
            actor=sw.users["am_related"],
            requirement=requirement,
            contact=sw.cio,
            channel="portal",
            wording="x",
            confirmed_at=timezone.now() + dt.timedelta(days=1),
        )
    assert set(exc.value.errors) == {"channel", "confirmed_at"}


def test_a_signed_document_is_attached_to_the_confirmation_record(sw):
    requirement = walk(sw, S.CLARIFIED)
    upload = SimpleUploadedFile("签字确认.pdf", PDF, content_type="application/pdf")
    confirmation = requirement_confirm(
        actor=sw.users["am_related"],
        requirement=requirement,
        contact=sw.cio,
        channel="signed_document",
        attachment_file=upload,
    )
    attachment = Attachment.objects.get()
    assert confirmation.attachment == attachment
    assert attachment.target == confirmation
    assert attachment.original_name == "签字确认.pdf"
    assert confirmation.wording == ""


def test_a_bad_attachment_is_refused_on_its_field_and_nothing_is_written(sw):
    requirement = walk(sw, S.CLARIFIED)
    upload = SimpleUploadedFile("minutes.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationFailed) as exc:
        requirement_confirm(
            actor=sw.users["am_related"],
            requirement=requirement,
            contact=sw.cio,
            channel="email",
            attachment_file=upload,
        )
    assert list(exc.value.errors) == ["attachment"]
    assert not Confirmation.objects.exists()
    assert not Attachment.objects.exists()


def test_a_portal_user_confirms_what_they_saw_and_the_record_is_written(sw):
    requirement = walk(sw, S.CLARIFIED)
    portal = sw.users["client_related"]
    confirmation = requirement_confirm(
        actor=portal,
        requirement=requirement,
        version=requirement.version,
        contact=sw.cio,  # ignored: the portal user speaks for themselves
        channel="meeting",
        wording="something else",
    )
    assert confirmation.contact == sw.portal_contact
    assert confirmation.channel == Confirmation.Channel.PORTAL
    assert confirmation.wording == requirement.statement
    assert confirmation.statement == requirement.statement
    assert confirmation.recorded_by == portal
    assert fresh(requirement).status == S.CONFIRMED
    assert BusinessEvent.objects.get(verb="requirement.confirmed").actor == portal


def test_a_portal_user_cannot_confirm_a_text_that_changed_since_they_opened_it(sw):
    requirement = walk(sw, S.CLARIFIED)
    seen = requirement.version
    requirement_update(
        actor=sw.users["am_related"], requirement=requirement, version=seen, statement="A different text."
    )
    with pytest.raises(StaleVersion):
        requirement_confirm(actor=sw.users["client_related"], requirement=requirement, version=seen)
    assert not Confirmation.objects.exists()


def test_portal_confirmation_only_when_awaiting_and_only_for_their_client(sw):
    captured = walk(sw, S.CAPTURED)
    with pytest.raises(ValidationFailed) as exc:
        requirement_confirm(actor=sw.users["client_related"], requirement=captured)
    assert list(exc.value.errors) == ["status"]
    clarified = walk(sw, S.CLARIFIED)
    with pytest.raises(Forbidden):
        requirement_confirm(actor=sw.users["client_unrelated"], requirement=clarified)
    for actor in ("pm_related", "member_related"):
        with pytest.raises(Forbidden):
            requirement_confirm(actor=sw.users[actor], requirement=clarified)


# --- edits and re-confirmation ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", [S.CONFIRMED, S.IN_SCOPE, S.OUT_OF_SCOPE])
@pytest.mark.parametrize("field", ["statement", "acceptance_criteria"])
def test_changing_what_was_confirmed_needs_a_new_confirmation(sw, status, field):
    requirement = walk(sw, status)
    old = Confirmation.objects.get(requirement=requirement)
    requirement = requirement_update(
        actor=sw.users["am_related"], requirement=requirement, version=requirement.version, **{field: "Changed text."}
    )
    assert requirement.status == S.CLARIFIED
    assert requirement.confirmed_at is None
    old.refresh_from_db()
    assert old.superseded_at is not None
    event = BusinessEvent.objects.get(verb="requirement.reconfirmation_needed")
    assert event.data == {"reference": requirement.reference, "from": status, "to": S.CLARIFIED, "fields": [field]}
    # ... and is confirmed again, this time against the new text.
    again = requirement_confirm(actor=sw.users["client_related"], requirement=requirement)
    assert again.superseded_at is None
    assert getattr(again, field) == "Changed text."
    assert fresh(requirement).status == S.CONFIRMED
    assert Confirmation.objects.filter(requirement=requirement).count() == 2


def test_other_edits_keep_the_confirmation(sw):
    requirement = walk(sw, S.CONFIRMED)
    requirement = requirement_update(
        actor=sw.users["am_related"],
        requirement=requirement,
        version=requirement.version,
        title="SSO with the bank domain",
        priority="must",
        internal_notes="CIO cares a lot.",
        statement=requirement.statement,  # unchanged
    )
    assert requirement.status == S.CONFIRMED
    assert not BusinessEvent.objects.filter(verb="requirement.reconfirmation_needed").exists()
    assert Confirmation.objects.get().superseded_at is None


def test_rewording_before_confirmation_does_not_move_the_status(sw):
    requirement = walk(sw, S.CAPTURED)
    requirement = requirement_update(
        actor=sw.users["am_related"], requirement=requirement, version=requirement.version, statement="Sharper."
    )
    assert requirement.status == S.CAPTURED
    assert "requirement.reconfirmation_needed" not in verbs(requirement)


def test_what_was_delivered_cannot_be_reworded_and_closed_requirements_cannot_change(sw):
    delivered = walk(sw, S.DELIVERED)
    with pytest.raises(ValidationFailed) as exc:
        requirement_update(actor=sw.users["am_related"], requirement=delivered, version=None, statement="New.")
    assert list(exc.value.errors) == ["statement"]
    accepted = walk(sw, S.ACCEPTED)
    with pytest.raises(ValidationFailed) as exc:
        requirement_update(actor=sw.users["am_related"], requirement=accepted, version=None, title="New.")
    assert list(exc.value.errors) == ["status"]


def test_update_is_version_checked_and_for_the_account_team(sw):
    requirement = walk(sw, S.CAPTURED)
    with pytest.raises(StaleVersion):
        requirement_update(
            actor=sw.users["am_related"], requirement=requirement, version=requirement.version + 1, title="X"
        )
    for actor in ("pm_related", "member_related", "client_related", "am_unrelated"):
        with pytest.raises(Forbidden):
            requirement_update(actor=sw.users[actor], requirement=requirement, version=requirement.version, title="X")
    with pytest.raises(TypeError):
        requirement_update(actor=sw.users["am_related"], requirement=requirement, version=None, status="accepted")


def test_a_traced_requirement_cannot_move_to_another_project(sw):
    requirement = walk(sw, S.IN_SCOPE)
    requirement_trace_add(actor=sw.users["pm_related"], requirement=requirement, task=sw.tasks["Build"])
    other = Project.objects.create(code="P3", name="Three", client=sw.client, pm=sw.users["pm_related"])
    with pytest.raises(ValidationFailed) as exc:
        requirement_update(actor=sw.users["am_related"], requirement=requirement, version=None, project=other)
    assert list(exc.value.errors) == ["project"]


# --- scope -----------------------------------------------------------------------------------------------------------
def test_out_of_scope_needs_a_reason_and_the_contract_must_be_the_clients(sw):
    requirement = walk(sw, S.CONFIRMED)
    am = sw.users["am_related"]
    with pytest.raises(ValidationFailed) as exc:
        requirement_scope(actor=am, requirement=requirement, in_scope=False, reason="  ")
    assert list(exc.value.errors) == ["reason"]
    foreign = Contract.objects.create(client=sw.other_client, number="C2-001", title="Other SOW")
    with pytest.raises(ValidationFailed) as exc:
        requirement_scope(actor=am, requirement=requirement, in_scope=True, contract=foreign)
    assert list(exc.value.errors) == ["contract"]
    sow = Contract.objects.create(client=sw.client, number="C1-001", title="SOW 2026")
    requirement = requirement_scope(actor=am, requirement=requirement, in_scope=True, contract=sow, reason="§3.2")
    assert (requirement.status, requirement.contract, requirement.scope_reason) == (S.IN_SCOPE, sow, "§3.2")
    event = BusinessEvent.objects.get(verb="requirement.scoped_in")
    assert (event.data["contract"], event.data["reason"]) == (sow.pk, "§3.2")


# --- delivery --------------------------------------------------------------------------------------------------------
def test_delivery_needs_linked_tasks_all_complete(sw):
    requirement = walk(sw, S.IN_SCOPE)
    pm = sw.users["pm_related"]
    with pytest.raises(ValidationFailed) as exc:
        requirement_deliver(actor=pm, requirement=requirement)
    assert list(exc.value.errors) == ["status"]
    requirement_trace_add(actor=pm, requirement=requirement, task=sw.tasks["Design"])
    requirement_trace_add(actor=pm, requirement=requirement, task=sw.tasks["Build"])
    complete(sw, "Design")
    with pytest.raises(ValidationFailed) as exc:
        requirement_deliver(actor=pm, requirement=requirement)
    assert "Build" in str(exc.value.errors["status"][0])
    assert "Design" not in str(exc.value.errors["status"][0])
    build = Task.objects.get(pk=sw.tasks["Build"].pk)
    task_status_set(actor=pm, task=build, status="done")  # the board's done status closes the task
    requirement = requirement_deliver(actor=pm, requirement=requirement)
    assert requirement.status == S.DELIVERED
    assert requirement.delivered_at is not None
    event = BusinessEvent.objects.get(verb="requirement.delivered")
    assert sorted(event.data["tasks"]) == sorted([sw.tasks["Design"].pk, sw.tasks["Build"].pk])


def test_a_task_in_a_done_status_counts_as_complete(sw):
    requirement = walk(sw, S.IN_SCOPE)
    RequirementTrace.objects.create(requirement=requirement, task=sw.tasks["Design"])
    Task.objects.filter(pk=sw.tasks["Design"].pk).update(status="done", percent_complete=80)
    assert requirement_deliver(actor=sw.users["pm_related"], requirement=requirement).status == S.DELIVERED


def test_deleted_tasks_do_not_count_towards_delivery(sw):
    requirement = walk(sw, S.IN_SCOPE)
    pm = sw.users["pm_related"]
    requirement_trace_add(actor=pm, requirement=requirement, task=sw.tasks["Hand-over"])
    task_delete(actor=pm, task=Task.objects.get(pk=sw.tasks["Hand-over"].pk))
    with pytest.raises(ValidationFailed) as exc:
        requirement_deliver(actor=pm, requirement=requirement)
    assert list(exc.value.errors) == ["status"]


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [("pm_related", True), ("am_related", True), ("admin", True), ("member_related", False), ("pm_unrelated", False)],
)
def test_who_marks_delivered(sw, actor, allowed):
    requirement = walk(sw, S.IN_SCOPE)
    RequirementTrace.objects.create(requirement=requirement, task=sw.tasks["Design"])
    complete(sw, "Design")
    if allowed:
        assert requirement_deliver(actor=sw.users[actor], requirement=requirement).status == S.DELIVERED
    else:
        with pytest.raises(Forbidden):
            requirement_deliver(actor=sw.users[actor], requirement=requirement)


# --- acceptance ------------------------------------------------------------------------------------------------------
def test_the_account_team_records_the_acceptance(sw):
    requirement = walk(sw, S.DELIVERED)
    acceptance = requirement_accept(
        actor=sw.users["am_related"],
        requirement=requirement,
        contact=sw.cio,
        channel="signed_document",
        wording="验收通过 Accepted as delivered.",
    )
    assert acceptance.kind == Confirmation.Kind.ACCEPTANCE
    requirement = fresh(requirement)
    assert requirement.status == S.ACCEPTED
    assert requirement.accepted_at == acceptance.confirmed_at


def test_a_portal_user_accepts_in_their_own_words_or_the_statement(sw):
    first = walk(sw, S.DELIVERED)
    acceptance = requirement_accept(actor=sw.users["client_related"], requirement=first, comment="  Works well.  ")
    assert (acceptance.contact, acceptance.channel, acceptance.wording) == (sw.portal_contact, "portal", "Works well.")
    second = walk(sw, S.DELIVERED, title="Export")
    acceptance = requirement_accept(actor=sw.users["client_related"], requirement=second)
    assert acceptance.wording == second.statement
    with pytest.raises(Forbidden):
        requirement_accept(actor=sw.users["client_unrelated"], requirement=walk(sw, S.DELIVERED))


def test_a_refused_acceptance_sends_the_requirement_back_in_scope(sw):
    requirement = walk(sw, S.DELIVERED)
    with pytest.raises(ValidationFailed) as exc:
        requirement_acceptance_refuse(actor=sw.users["client_related"], requirement=requirement, reason=" ")
    assert list(exc.value.errors) == ["reason"]
    requirement = requirement_acceptance_refuse(
        actor=sw.users["client_related"], requirement=requirement, reason="The export has no totals."
    )
    assert (requirement.status, requirement.delivered_at) == (S.IN_SCOPE, None)
    event = BusinessEvent.objects.get(verb="requirement.acceptance_refused")
    assert event.data["contact"] == sw.portal_contact.pk
    assert event.data["reason"] == "The export has no totals."


@pytest.mark.parametrize("service", [requirement_reject, requirement_withdraw])
def test_closing_needs_a_reason(sw, service):
    requirement = walk(sw, S.CAPTURED)
    with pytest.raises(ValidationFailed) as exc:
        service(actor=sw.users["am_related"], requirement=requirement, reason="")
    assert list(exc.value.errors) == ["reason"]


# --- traceability ----------------------------------------------------------------------------------------------------
def test_trace_add_and_remove_by_the_pm(sw):
    requirement = walk(sw, S.IN_SCOPE)
    pm = sw.users["pm_related"]
    trace = requirement_trace_add(actor=pm, requirement=requirement, task=sw.tasks["Build"])
    assert (trace.requirement, trace.task, trace.created_by) == (requirement, sw.tasks["Build"], pm)
    requirement_trace_remove(actor=pm, trace=trace)
    assert not RequirementTrace.objects.exists()
    assert verbs(requirement)[-2:] == ["requirement.trace_added", "requirement.trace_removed"]
    assert BusinessEvent.objects.get(verb="requirement.trace_removed").data["task_name"] == str(sw.tasks["Build"])


def test_trace_rules(sw):
    requirement = walk(sw, S.CONFIRMED)
    pm = sw.users["pm_related"]
    requirement_trace_add(actor=pm, requirement=requirement, task=sw.tasks["Build"])
    with pytest.raises(ValidationFailed) as exc:
        requirement_trace_add(actor=pm, requirement=requirement, task=sw.tasks["Build"])
    assert list(exc.value.errors) == ["task"]  # the same pair twice
    other_project = Project.objects.get(code="P2")
    foreign = Task.objects.create(project=other_project, name="Elsewhere")
    with pytest.raises(ValidationFailed) as exc:
        requirement_trace_add(actor=pm, requirement=requirement, task=foreign)
    assert list(exc.value.errors) == ["task"]  # only tasks of the requirement's project
    task_delete(actor=pm, task=Task.objects.get(pk=sw.tasks["Design"].pk))
    with pytest.raises(ValidationFailed) as exc:
        requirement_trace_add(actor=pm, requirement=requirement, task=Task.all_objects.get(pk=sw.tasks["Design"].pk))
    assert list(exc.value.errors) == ["task"]  # not a task in the bin


def test_a_requirement_without_a_project_cannot_be_traced(sw):
    requirement = capture(sw, project=None)
    with pytest.raises(ValidationFailed) as exc:
        requirement_trace_add(actor=sw.users["am_related"], requirement=requirement, task=sw.tasks["Build"])
    assert list(exc.value.errors) == ["task"]
    with pytest.raises(Forbidden):
        requirement_trace_add(actor=sw.users["pm_related"], requirement=requirement, task=sw.tasks["Build"])


@pytest.mark.parametrize("status", [S.DELIVERED, S.ACCEPTED, S.REJECTED, S.WITHDRAWN])
def test_traces_are_frozen_once_delivered_or_closed(sw, status):
    requirement = walk(sw, status)
    pm = sw.users["pm_related"]
    with pytest.raises(ValidationFailed) as exc:
        requirement_trace_add(actor=pm, requirement=requirement, task=sw.tasks["Hand-over"])
    assert list(exc.value.errors) == ["status"]
    trace = RequirementTrace.objects.filter(requirement=requirement).first()
    if trace is not None:
        with pytest.raises(ValidationFailed):
            requirement_trace_remove(actor=pm, trace=trace)


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        ("admin", True),
        ("pm_related", True),
        ("am_related", True),
        ("member_related", False),
        ("self", False),
        ("pm_unrelated", False),
        ("lm_related", False),
        ("client_related", False),
        ("client_unrelated", False),
    ],
)
def test_who_traces(sw, actor, allowed):
    requirement = walk(sw, S.IN_SCOPE)
    if allowed:
        requirement_trace_add(actor=sw.users[actor], requirement=requirement, task=sw.tasks["Build"])
        trace = RequirementTrace.objects.get()
        requirement_trace_remove(actor=sw.users[actor], trace=trace)
    else:
        with pytest.raises(Forbidden):
            requirement_trace_add(actor=sw.users[actor], requirement=requirement, task=sw.tasks["Build"])
        trace = requirement_trace_add(actor=sw.users["pm_related"], requirement=requirement, task=sw.tasks["Build"])
        with pytest.raises(Forbidden):
            requirement_trace_remove(actor=sw.users[actor], trace=trace)
