"""Writes on requirements: capture, edit, the status flow, the client's confirmation and acceptance records, and the
traces to the WBS.

Flow: captured -> clarified -> confirmed -> in scope / out of scope (of the contract) -> delivered -> accepted;
rejected (we decline it) and withdrawn (the client no longer wants it) close a requirement early. A change of the
statement or the acceptance criteria of a confirmed requirement sends it back to "clarified": what the client
confirmed is no longer what the requirement says, so it must be confirmed again (the old records are superseded).

Who: see :mod:`tripod.scope.access`. Each transition runs on the locked row (two people moving the same requirement
at once make one move), is refused with ``ValidationFailed({"status": [...]})`` when the requirement is not in a
state it can leave that way, and writes a business event ("requirement.confirmed", ...). Reference numbers REQ-001,
REQ-002... are per client, taken under a lock on the client row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from tripod.clients.models import Client, Contact
from tripod.core.attachments import attachment_add, attachment_file_check
from tripod.core.errors import Forbidden, StaleVersion, ValidationFailed
from tripod.core.services import business_event_record, tracked_create, versioned_update
from tripod.projects.models import Project, Task
from tripod.projects.selectors.board import done_codes
from tripod.scope.access import (
    can_answer_for_client,
    can_manage_requirement,
    can_trace_requirement,
    is_account_team,
    is_portal_user_of,
    portal_binding,
)
from tripod.scope.models import Confirmation, Requirement, RequirementTrace
from tripod.scope.selectors.requirements import live_traces, task_is_complete

S = Requirement.Status
Channel = Confirmation.Channel

REQUIREMENT_FIELDS = (
    "title",
    "statement",
    "acceptance_criteria",
    "priority",
    "project",
    "source_contact",
    "internal_notes",
)
REQUIREMENT_EDITABLE = set(REQUIREMENT_FIELDS)
# What the client confirms: changing either after confirmation needs a new confirmation.
CONFIRMED_FIELDS = ("statement", "acceptance_criteria")
# Traces are frozen once the requirement was delivered or closed.
TRACES_FROZEN = (S.DELIVERED, S.ACCEPTED, S.REJECTED, S.WITHDRAWN)


def status_label(status: str) -> str:
    return str(Requirement.Status(status).label).lower()


def reference_for(number: int) -> str:
    return f"REQ-{number:03d}"


# --- checks ----------------------------------------------------------------------------------------------------------
def _check_contact(client: Client, contact: Contact | None, field: str) -> None:
    if contact is not None and contact.client_id != client.pk:
        raise ValidationFailed({field: [gettext("Choose a contact at %(client)s.") % {"client": client}]})


def _check_project(client: Client, project: Project | None) -> None:
    if project is not None and project.client_id != client.pk:
        raise ValidationFailed({"project": [gettext("Choose one of %(client)s's projects.") % {"client": client}]})


def _stripped(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}


def _lock(requirement: Requirement, version: int | None) -> Requirement:
    """The requirement's row, locked; StaleVersion when it changed since ``version`` was read."""
    current = Requirement.objects.select_for_update(of=("self",)).select_related("client").get(pk=requirement.pk)
    if version is not None and current.version != version:
        raise StaleVersion(current=current, submitted=version)
    return current


def _require_status(current: Requirement, allowed: Iterable[str], message: str) -> None:
    if current.status not in tuple(allowed):
        raise ValidationFailed({"status": [message % {"status": status_label(current.status)}]})


def _move(
    actor: Any,
    current: Requirement,
    *,
    to: str,
    verb: str,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> Requirement:
    """Write the new status (with ``changes``) on the locked row and record the business event."""
    was = current.status
    requirement, _changed = versioned_update(
        current, actor=actor, version=None, changes={"status": to, "status_since": timezone.now(), **(changes or {})}
    )
    business_event_record(
        actor=actor,
        verb=verb,
        target=requirement,
        data={"reference": requirement.reference, "from": was, "to": to, **(data or {})},
    )
    return requirement


def _portal_contact(actor: Any) -> Contact:
    binding = portal_binding(actor)
    if binding is None or binding.contact is None:
        raise ValidationFailed(
            {
                "contact": [
                    gettext(
                        "Your portal login is not linked to a contact at your organisation; ask your account manager "
                        "to link it."
                    )
                ]
            }
        )
    return binding.contact


def _next_number(client: Client) -> int:
    """The next free number at ``client``; the client row is locked first, so concurrent writers queue."""
    Client.objects.select_for_update().filter(pk=client.pk).first()
    return (Requirement.objects.filter(client=client).aggregate(n=Max("number"))["n"] or 0) + 1


# --- capture and edit ------------------------------------------------------------------------------------------------
@transaction.atomic
def requirement_capture(
    *,
    actor: Any,
    client: Client,
    title: str,
    statement: str,
    priority: str = Requirement.Priority.SHOULD,
    project: Project | None = None,
    source_contact: Contact | None = None,
    acceptance_criteria: str = "",
    internal_notes: str = "",
) -> Requirement:
    """Record a new requirement of ``client``. The account team captures what a contact asked for; a portal user of
    the client submits one themselves (they are its source contact, and it has no internal notes)."""
    by_client = False
    if not is_account_team(actor, client):
        if not is_portal_user_of(actor, client.pk):
            raise Forbidden()
        by_client = True
        source_contact = _portal_contact(actor)
        internal_notes = ""
    _check_project(client, project)
    _check_contact(client, source_contact, "source_contact")
    number = _next_number(client)
    fields = _stripped(
        {
            "title": title or "",
            "statement": statement or "",
            "acceptance_criteria": acceptance_criteria or "",
            "internal_notes": internal_notes or "",
        }
    )
    requirement = tracked_create(
        Requirement,
        actor=actor,
        client=client,
        project=project,
        number=number,
        reference=reference_for(number),
        priority=priority,
        source_contact=source_contact,
        status=S.CAPTURED,
        **fields,
    )
    business_event_record(
        actor=actor,
        verb="requirement.captured",
        target=requirement,
        data={"reference": requirement.reference, "by_client": by_client},
    )
    return requirement


@transaction.atomic
def requirement_update(*, actor: Any, requirement: Requirement, version: int | None, **changes: Any) -> Requirement:
    """Edit a requirement. Changing the statement or the acceptance criteria of a confirmed requirement (confirmed,
    in scope or out of scope) sends it back to "clarified" and supersedes its confirmation records."""
    if not can_manage_requirement(actor, requirement):
        raise Forbidden()
    unknown = set(changes) - REQUIREMENT_EDITABLE
    if unknown:
        raise TypeError(f"requirement_update got unknown fields {sorted(unknown)}")
    current = _lock(requirement, version)
    if current.is_closed:
        raise ValidationFailed(
            {
                "status": [
                    gettext("This requirement is %(status)s; it can no longer be changed.")
                    % {"status": status_label(current.status)}
                ]
            }
        )
    changes = _stripped(changes)
    for name in ("acceptance_criteria", "internal_notes"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    client = current.client
    if "project" in changes:
        _check_project(client, changes["project"])
        new_project_id = changes["project"].pk if changes["project"] is not None else None
        if new_project_id != current.project_id and current.traces.exists():
            raise ValidationFailed(
                {"project": [gettext("Remove the links to this project's tasks before moving the requirement.")]}
            )
    if "source_contact" in changes:
        _check_contact(client, changes["source_contact"], "source_contact")
    reworded = sorted(name for name in CONFIRMED_FIELDS if name in changes and changes[name] != getattr(current, name))
    if reworded and current.status == S.DELIVERED:
        raise ValidationFailed(
            {
                reworded[0]: [
                    gettext("What a delivered requirement asked for cannot change; capture a new requirement instead.")
                ]
            }
        )
    reconfirm = bool(reworded) and current.status in Requirement.CONFIRMED_STATES
    was = current.status
    if reconfirm:
        changes.update(status=S.CLARIFIED, status_since=timezone.now(), confirmed_at=None)
    requirement, _changed = versioned_update(current, actor=actor, version=None, changes=changes)
    if reconfirm:
        Confirmation.objects.filter(
            requirement=requirement, kind=Confirmation.Kind.CONFIRMATION, superseded_at__isnull=True
        ).update(superseded_at=timezone.now())
        business_event_record(
            actor=actor,
            verb="requirement.reconfirmation_needed",
            target=requirement,
            data={"reference": requirement.reference, "from": was, "to": S.CLARIFIED, "fields": reworded},
        )
    return requirement


# --- the status flow ---------------------------------------------------------------------------------------------
@transaction.atomic
def requirement_clarify(*, actor: Any, requirement: Requirement, version: int | None = None) -> Requirement:
    """The account team has understood and written down what the client needs: ready to be confirmed."""
    if not can_manage_requirement(actor, requirement):
        raise Forbidden()
    current = _lock(requirement, version)
    _require_status(
        current, (S.CAPTURED,), gettext("Only a captured requirement can be marked clarified; this one is %(status)s.")
    )
    return _move(actor, current, to=S.CLARIFIED, verb="requirement.clarified")


def _answer(
    *,
    actor: Any,
    current: Requirement,
    kind: str,
    contact: Contact | None,
    channel: str,
    wording: str,
    at: dt.datetime | None,
    attachment_file: UploadedFile | None,
    comment: str = "",
) -> tuple[Contact, str, str, dt.datetime]:
    """Check what the client said and return (contact, channel, wording, when). From the portal the user speaks for
    themselves: their contact, the portal channel, now, and the text they were shown, verbatim."""
    now = timezone.now()
    if not is_account_team(actor, current.client):
        shown = current.statement
        if kind == Confirmation.Kind.ACCEPTANCE and comment.strip():
            shown = comment.strip()
        return _portal_contact(actor), Channel.PORTAL, shown, now
    errors: dict[str, list[Any]] = {}
    if contact is None:
        errors["contact"] = [gettext("Say who at the client said so.")]
    elif contact.client_id != current.client_id:
        errors["contact"] = [gettext("Choose a contact at %(client)s.") % {"client": current.client}]
    if channel not in Channel.values:
        errors["channel"] = [gettext("Say how the client said so.")]
    elif channel == Channel.PORTAL:
        errors["channel"] = [gettext("Only the client's own portal users answer through the portal.")]
    if not (wording or "").strip() and attachment_file is None:
        errors["wording"] = [gettext("Record the client's exact words, or attach the document they signed or sent.")]
    if at is not None and at > now:
        errors["confirmed_at"] = [gettext("This is in the future.")]
    if attachment_file is not None:
        try:
            attachment_file_check(attachment_file)
        except ValidationFailed as exc:
            errors["attachment"] = [message for messages in exc.errors.values() for message in messages]
    if errors:
        raise ValidationFailed(errors)
    assert contact is not None
    return contact, channel, (wording or "").strip(), at or now


@dataclass(frozen=True)
class _Answer:
    """What the client says at one step of the flow: the status it answers, the record it leaves, where it leads."""

    kind: str
    from_status: str
    refusal: str
    to: str
    verb: str
    stamp: str  # the requirement's field that keeps when


def _client_answer(
    step: _Answer,
    *,
    actor: Any,
    requirement: Requirement,
    version: int | None,
    contact: Contact | None,
    channel: str,
    wording: str,
    at: dt.datetime | None,
    attachment_file: UploadedFile | None,
    comment: str = "",
) -> Confirmation:
    """Check and write the client's answer (a confirmation or an acceptance record) and move the requirement on."""
    if not can_answer_for_client(actor, requirement):
        raise Forbidden()
    current = _lock(requirement, version)
    _require_status(current, (step.from_status,), step.refusal)
    contact, channel, wording, when = _answer(
        actor=actor,
        current=current,
        kind=step.kind,
        contact=contact,
        channel=channel,
        wording=wording,
        at=at,
        attachment_file=attachment_file,
        comment=comment,
    )
    record = tracked_create(
        Confirmation,
        actor=actor,
        requirement=current,
        kind=step.kind,
        contact=contact,
        channel=channel,
        wording=wording,
        confirmed_at=when,
        statement=current.statement,
        acceptance_criteria=current.acceptance_criteria,
        recorded_by=actor,
    )
    if attachment_file is not None:
        record.attachment = attachment_add(actor=actor, target=record, uploaded_file=attachment_file)
        record._change_reason = "attachment"
        record.save(update_fields=["attachment"])
    data = {"confirmation": record.pk, "contact": contact.pk, "contact_name": contact.name, "channel": channel}
    _move(actor, current, to=step.to, verb=step.verb, changes={step.stamp: when}, data=data)
    return record


@transaction.atomic
def requirement_confirm(
    *,
    actor: Any,
    requirement: Requirement,
    version: int | None = None,
    contact: Contact | None = None,
    channel: str = "",
    wording: str = "",
    confirmed_at: dt.datetime | None = None,
    attachment_file: UploadedFile | None = None,
) -> Confirmation:
    """The client confirmed a clarified requirement: write the confirmation record and move it to "confirmed".

    The account team records who confirmed it, when, how, and the exact words or a document. A portal user of the
    client confirms it themselves: the record holds their contact, the portal channel and the statement they saw."""
    step = _Answer(
        kind=Confirmation.Kind.CONFIRMATION,
        from_status=S.CLARIFIED,
        refusal=gettext("Only a clarified requirement can be confirmed; this one is %(status)s."),
        to=S.CONFIRMED,
        verb="requirement.confirmed",
        stamp="confirmed_at",
    )
    return _client_answer(
        step,
        actor=actor,
        requirement=requirement,
        version=version,
        contact=contact,
        channel=channel,
        wording=wording,
        at=confirmed_at,
        attachment_file=attachment_file,
    )


@transaction.atomic
def requirement_scope(
    *,
    actor: Any,
    requirement: Requirement,
    in_scope: bool,
    reason: str = "",
    contract: Any = None,
    version: int | None = None,
) -> Requirement:
    """Decide whether a confirmed requirement is within the scope of the client's contract (a decision that may be
    revised while nothing was delivered). Out of scope needs a reason; it is the start of a change request."""
    if not can_manage_requirement(actor, requirement):
        raise Forbidden()
    current = _lock(requirement, version)
    _require_status(
        current,
        (S.CONFIRMED, S.IN_SCOPE, S.OUT_OF_SCOPE),
        gettext("Only a confirmed requirement can be put in or out of scope; this one is %(status)s."),
    )
    to = S.IN_SCOPE if in_scope else S.OUT_OF_SCOPE
    if current.status == to:
        raise ValidationFailed(
            {"status": [gettext("This requirement is already %(status)s.") % {"status": status_label(to)}]}
        )
    reason = (reason or "").strip()
    if not in_scope and not reason:
        raise ValidationFailed({"reason": [gettext("Say why the requirement is outside the contract's scope.")]})
    if contract is not None and contract.client_id != current.client_id:
        raise ValidationFailed({"contract": [gettext("Choose a contract of %(client)s.") % {"client": current.client}]})
    changes: dict[str, Any] = {"scope_reason": reason}
    if contract is not None:
        changes["contract"] = contract
    verb = "requirement.scoped_in" if in_scope else "requirement.scoped_out"
    data = {"reason": reason, "contract": contract.pk if contract is not None else current.contract_id}
    return _move(actor, current, to=to, verb=verb, changes=changes, data=data)


@transaction.atomic
def requirement_deliver(*, actor: Any, requirement: Requirement, version: int | None = None) -> Requirement:
    """Mark an in-scope requirement delivered, once every WBS task it is traced to is complete."""
    if not can_trace_requirement(actor, requirement):
        raise Forbidden()
    current = _lock(requirement, version)
    _require_status(
        current, (S.IN_SCOPE,), gettext("Only a requirement in scope can be delivered; this one is %(status)s.")
    )
    traces = live_traces(current)
    if not traces:
        raise ValidationFailed(
            {"status": [gettext("Link the requirement to the WBS tasks that deliver it before marking it delivered.")]}
        )
    done = done_codes(traces[0].task.project)
    open_tasks = [trace.task for trace in traces if not task_is_complete(trace.task, done)]
    if open_tasks:
        names = ", ".join(f"{task} ({task.percent_complete}%)" for task in open_tasks)
        raise ValidationFailed(
            {"status": [gettext("These linked tasks are not complete yet: %(tasks)s.") % {"tasks": names}]}
        )
    data = {"tasks": [trace.task_id for trace in traces]}
    return _move(
        actor,
        current,
        to=S.DELIVERED,
        verb="requirement.delivered",
        changes={"delivered_at": timezone.now()},
        data=data,
    )


@transaction.atomic
def requirement_accept(
    *,
    actor: Any,
    requirement: Requirement,
    version: int | None = None,
    contact: Contact | None = None,
    channel: str = "",
    wording: str = "",
    accepted_at: dt.datetime | None = None,
    attachment_file: UploadedFile | None = None,
    comment: str = "",
) -> Confirmation:
    """The client accepted what was delivered: write the acceptance record and close the requirement. The account
    team records who accepted it and how; a portal user accepts it themselves (their ``comment``, if any, is kept
    verbatim, otherwise the statement they accepted)."""
    step = _Answer(
        kind=Confirmation.Kind.ACCEPTANCE,
        from_status=S.DELIVERED,
        refusal=gettext("Only a delivered requirement can be accepted; this one is %(status)s."),
        to=S.ACCEPTED,
        verb="requirement.accepted",
        stamp="accepted_at",
    )
    return _client_answer(
        step,
        actor=actor,
        requirement=requirement,
        version=version,
        contact=contact,
        channel=channel,
        wording=wording,
        at=accepted_at,
        attachment_file=attachment_file,
        comment=comment,
    )


@transaction.atomic
def requirement_acceptance_refuse(
    *,
    actor: Any,
    requirement: Requirement,
    reason: str,
    contact: Contact | None = None,
    version: int | None = None,
) -> Requirement:
    """The client did not accept the delivery: the requirement goes back in scope, to be reworked and delivered
    again. The account team records who said so; a portal user says it themselves."""
    if not can_answer_for_client(actor, requirement):
        raise Forbidden()
    current = _lock(requirement, version)
    _require_status(
        current,
        (S.DELIVERED,),
        gettext("Only a delivered requirement's acceptance can be refused; this one is %(status)s."),
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [gettext("Say what the client found missing or wrong.")]})
    if is_account_team(actor, current.client):
        _check_contact(current.client, contact, "contact")
    else:
        contact = _portal_contact(actor)
    data = {
        "reason": reason,
        "contact": contact.pk if contact else None,
        "contact_name": contact.name if contact else "",
    }
    return _move(
        actor,
        current,
        to=S.IN_SCOPE,
        verb="requirement.acceptance_refused",
        changes={"delivered_at": None},
        data=data,
    )


def _close(
    actor: Any,
    requirement: Requirement,
    *,
    to: str,
    verb: str,
    allowed: tuple[str, ...],
    refusal: str,
    reason: str,
    version: int | None,
) -> Requirement:
    if not can_manage_requirement(actor, requirement):
        raise Forbidden()
    current = _lock(requirement, version)
    _require_status(current, allowed, refusal)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [gettext("Give the reason.")]})
    return _move(actor, current, to=to, verb=verb, changes={"closing_reason": reason}, data={"reason": reason})


@transaction.atomic
def requirement_reject(*, actor: Any, requirement: Requirement, reason: str, version: int | None = None) -> Requirement:
    """We decline the requirement (it will not be done), before it was put in scope."""
    return _close(
        actor,
        requirement,
        to=S.REJECTED,
        verb="requirement.rejected",
        allowed=(S.CAPTURED, S.CLARIFIED, S.CONFIRMED, S.OUT_OF_SCOPE),
        refusal=gettext("This requirement is %(status)s; it can no longer be rejected."),
        reason=reason,
        version=version,
    )


@transaction.atomic
def requirement_withdraw(
    *, actor: Any, requirement: Requirement, reason: str, version: int | None = None
) -> Requirement:
    """The client no longer wants the requirement (recorded by the account team), any time before delivery."""
    return _close(
        actor,
        requirement,
        to=S.WITHDRAWN,
        verb="requirement.withdrawn",
        allowed=(S.CAPTURED, S.CLARIFIED, S.CONFIRMED, S.IN_SCOPE, S.OUT_OF_SCOPE),
        refusal=gettext("This requirement is %(status)s; it can no longer be withdrawn."),
        reason=reason,
        version=version,
    )


# --- traceability ------------------------------------------------------------------------------------------------
def _check_traces_open(requirement: Requirement) -> None:
    if requirement.status in TRACES_FROZEN:
        raise ValidationFailed(
            {
                "status": [
                    gettext("This requirement is %(status)s; its links to the WBS can no longer change.")
                    % {"status": status_label(requirement.status)}
                ]
            }
        )


@transaction.atomic
def requirement_trace_add(*, actor: Any, requirement: Requirement, task: Task) -> RequirementTrace:
    """Link a requirement to a WBS task of its project that delivers (part of) it."""
    if requirement.project_id is None:
        if not can_manage_requirement(actor, requirement):
            raise Forbidden()
        raise ValidationFailed({"task": [gettext("Choose the requirement's project before linking it to tasks.")]})
    if not can_trace_requirement(actor, requirement):
        raise Forbidden()
    current = _lock(requirement, None)
    _check_traces_open(current)
    if task.project_id != current.project_id:
        raise ValidationFailed(
            {"task": [gettext("Choose a task of the project %(project)s.") % {"project": current.project}]}
        )
    if task.deleted_at is not None:
        raise ValidationFailed({"task": [gettext("This task was deleted.")]})
    if RequirementTrace.objects.filter(requirement=current, task=task).exists():
        raise ValidationFailed({"task": [gettext("This task is already linked to the requirement.")]})
    trace = tracked_create(RequirementTrace, actor=actor, requirement=current, task=task)
    business_event_record(
        actor=actor,
        verb="requirement.trace_added",
        target=current,
        data={"reference": current.reference, "task": task.pk, "task_name": str(task)},
    )
    return trace


@transaction.atomic
def requirement_trace_remove(*, actor: Any, trace: RequirementTrace) -> None:
    requirement = trace.requirement
    if not can_trace_requirement(actor, requirement):
        raise Forbidden()
    current = _lock(requirement, None)
    _check_traces_open(current)
    task = trace.task
    trace.delete()
    business_event_record(
        actor=actor,
        verb="requirement.trace_removed",
        target=current,
        data={"reference": current.reference, "task": task.pk, "task_name": str(task)},
    )


# --- change requests -------------------------------------------------------------------------------------------------
SCOPED_BY_CHANGE = (S.CAPTURED, S.CLARIFIED, S.CONFIRMED, S.OUT_OF_SCOPE)


@transaction.atomic
def requirement_scope_by_change(*, actor: Any, requirement: Requirement, change_request: Any) -> Requirement:
    """An applied change request brings its requirements into the project's scope: the PM, the AM and a line manager
    approved the work, so what it delivers is in scope (the contract change is the change request). Requirements
    already in scope, delivered or closed stay as they are."""
    if change_request.status not in ("approved", "applied"):
        raise Forbidden()
    if not change_request.requirements.filter(pk=requirement.pk).exists():
        raise Forbidden()
    current = _lock(requirement, None)
    if current.status not in SCOPED_BY_CHANGE:
        return current
    reason = gettext("Change request %(reference)s was approved and applied to the plan.") % {
        "reference": change_request.reference
    }
    changes: dict[str, Any] = {"scope_reason": reason}
    if current.project_id is None:
        changes["project"] = change_request.project
    return _move(
        actor,
        current,
        to=S.IN_SCOPE,
        verb="requirement.scoped_by_change",
        changes=changes,
        data={"reason": reason, "change_request": change_request.pk},
    )
