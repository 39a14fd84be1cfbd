"""Writes on tickets under SLA and on SLA policies.

The SLA clock (see ``clients.selectors.tickets``) runs in business minutes of the ticket's policy calendar from the
moment the ticket is opened. It pauses while the ticket waits on the client (from ``paused_since``; the business
minutes are added to ``paused_minutes`` when it resumes: a portal reply, or staff moving it on), and the time a
ticket spends resolved before it is reopened is not counted either. The first public reply by staff (or the
resolution, if nobody replied before) is the first response; resolving stops the resolution clock.

``ticket_sla_check(now=...)`` runs periodically: it escalates a target once its elapsed time reaches the policy's
threshold (80 % by default) and records its breach once it reaches the target — each once per target. A first
response or a resolution that comes too late records the breach itself, so the figures never depend on when the
check last ran.

Every service takes an optional ``now`` (default: the current time) so that imports, the demo and tests can place
events in time. The ticket's ``version`` moves when a person changes it (status, assignee, fields); the clock's
own marks (first response, escalation, breach) are saved with history but leave the version alone, so they never
turn someone's open edit form into a conflict.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from tripod.clients.access.tickets import (
    can_comment_ticket,
    can_manage_sla_policies,
    can_manage_ticket,
    can_open_ticket,
    can_view_ticket,
    can_work_ticket,
    is_portal_user_of,
)
from tripod.clients.models import Client, PortalUser, SlaPolicy, SlaTarget, Ticket, TicketComment
from tripod.clients.selectors.tickets import (
    RESOLUTION,
    RESPONSE,
    SlaClock,
    SlaClocks,
    due_at,
    elapsed_minutes,
    running_minutes,
    sla_policy_default,
)
from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.services import business_event_record, full_clean_or_fail, tracked_create, versioned_update

S = Ticket.Status
TICKET_EDITABLE = {"subject", "description", "severity", "kind", "project"}
STAFF_OPEN_FIELDS = {"kind", "reporter_contact", "assignee", "policy"}
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.NEW: (S.IN_PROGRESS, S.WAITING_ON_CLIENT, S.RESOLVED),
    S.IN_PROGRESS: (S.WAITING_ON_CLIENT, S.RESOLVED),
    S.WAITING_ON_CLIENT: (S.IN_PROGRESS, S.RESOLVED),
    S.RESOLVED: (S.CLOSED,),
    S.CLOSED: (),
}
SLA_POLICY_EDITABLE = {"name", "calendar", "escalation_percent", "is_default"}


def _clock(ticket: Ticket, now: datetime) -> SlaClock | None:
    return SlaClocks(anchor=now).for_ticket(ticket)


def _targets(policy: SlaPolicy | None, severity: str) -> tuple[int | None, int | None]:
    """The policy's (first response, resolution) targets for ``severity``; None where it sets none."""
    if policy is None:
        return None, None
    target = policy.targets.filter(severity=severity).first()
    if target is None:
        return None, None
    return target.first_response_minutes, target.resolution_minutes


def _refresh_due(ticket: Ticket, clock: SlaClock | None) -> None:
    """Recompute the due times of the targets still running (after opening, a pause, a severity change)."""
    if clock is None:
        ticket.response_due_at = ticket.resolution_due_at = None
        return
    if ticket.first_responded_at is None:
        target = ticket.response_target_minutes
        ticket.response_due_at = due_at(ticket, target, clock) if target is not None else None
    if ticket.resolution_minutes is None:
        target = ticket.resolution_target_minutes
        ticket.resolution_due_at = due_at(ticket, target, clock) if target is not None else None


def _check_project(client: Client, project: Any) -> None:
    if project is not None and project.client_id != client.pk:
        raise ValidationFailed({"project": [gettext("Choose one of this client's projects.")]})


def _check_assignee(ticket: Ticket, assignee: Any) -> None:
    if assignee is None:
        return
    if not (assignee.is_active and assignee.is_internal and can_view_ticket(assignee, ticket)):
        raise ValidationFailed(
            {"assignee": [gettext("The assignee must be on the staff side and able to see this ticket.")]}
        )


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _save(ticket: Ticket, *, actor: Any, reason: str, bump: bool = True) -> Ticket:
    if bump:
        ticket.version += 1
        if getattr(actor, "is_authenticated", False):
            ticket.updated_by = actor
    ticket._change_reason = reason
    ticket.save()
    return ticket


# --- SLA marks: shared by the periodic check, the first response and the resolution ----------------------------------
def _notify_ids(ticket: Ticket) -> list[int]:
    """Who an escalation is for: the assignee and the client's owning AM (read by notifiers from the event)."""
    return sorted({pk for pk in (ticket.assignee_id, ticket.client.owner_am_id) if pk is not None})


def _sla_marks(ticket: Ticket, target: str, elapsed: int, now: datetime, *, escalate: bool) -> list[tuple[str, dict]]:
    """Set the escalation and breach marks ``target`` has earned at ``elapsed`` business minutes, each once;
    return the events to record."""
    target_minutes = ticket.response_target_minutes if target == RESPONSE else ticket.resolution_target_minutes
    if target_minutes is None or ticket.policy_id is None:
        return []
    events: list[tuple[str, dict]] = []
    data = {"target": target, "elapsed": elapsed, "target_minutes": target_minutes, "at": now.isoformat()}
    escalated_field = f"{target}_escalated_at"
    breached_field = f"{target}_breached"
    threshold = ticket.policy.escalation_percent
    if escalate and getattr(ticket, escalated_field) is None and elapsed * 100 >= threshold * target_minutes:
        setattr(ticket, escalated_field, now)
        events.append(("ticket.sla_escalated", {**data, "notify": _notify_ids(ticket)}))
    if not getattr(ticket, breached_field) and elapsed >= target_minutes:
        setattr(ticket, breached_field, True)
        events.append(("ticket.sla_breached", data))
    return events


def _record(actor: Any, ticket: Ticket, events: list[tuple[str, dict]]) -> None:
    for verb, data in events:
        business_event_record(actor=actor, verb=verb, target=ticket, data=data)


def _first_response(ticket: Ticket, clock: SlaClock | None, now: datetime) -> list[tuple[str, dict]]:
    """Stop the first-response clock at ``now`` (once); the events it earns."""
    if ticket.first_responded_at is not None:
        return []
    ticket.first_responded_at = now
    if clock is None:
        return [("ticket.first_response", {"minutes": None})]
    ticket.response_minutes = running_minutes(ticket, clock, now)
    events = [("ticket.first_response", {"minutes": ticket.response_minutes})]
    return events + _sla_marks(ticket, RESPONSE, ticket.response_minutes, now, escalate=False)


def _resume(ticket: Ticket, clock: SlaClock | None, now: datetime) -> None:
    """End a pause: its business minutes no longer count, and the due times move later by as much."""
    if ticket.paused_since is None:
        return
    if clock is not None:
        ticket.paused_minutes += clock.minutes_between(ticket.paused_since, now)
    ticket.paused_since = None
    _refresh_due(ticket, clock)


# --- tickets ----------------------------------------------------------------------------------------------------------
@transaction.atomic
def ticket_open(
    *,
    actor: Any,
    client: Client,
    subject: str,
    description: str = "",
    severity: str = Ticket.Severity.MEDIUM,
    project: Any = None,
    now: datetime | None = None,
    **staff_fields: Any,
) -> Ticket:
    """Open a ticket for ``client``. The account team may also set the kind, the reporting contact, the assignee
    and the SLA policy (default: the default policy); a portal user gives only subject, description, severity and
    project, and is recorded as the reporter."""
    if not can_open_ticket(actor, client):
        raise Forbidden()
    unknown = set(staff_fields) - STAFF_OPEN_FIELDS
    if unknown:
        raise TypeError(f"ticket_open got unknown fields {sorted(unknown)}")
    portal = is_portal_user_of(actor, client)
    if portal and any(value is not None for value in staff_fields.values()):
        raise Forbidden()
    _check_project(client, project)
    contact = staff_fields.get("reporter_contact")
    if contact is not None and contact.client_id != client.pk:
        raise ValidationFailed({"reporter_contact": [gettext("The contact must work at this client.")]})
    if portal:
        binding = PortalUser.objects.select_related("contact").filter(user=actor).first()
        contact = binding.contact if binding is not None else None
    now = now or timezone.now()
    policy = staff_fields.get("policy") or sla_policy_default()
    response_target, resolution_target = _targets(policy, severity)
    ticket = Ticket(
        client=client,
        project=project,
        opened_at=now,
        policy=policy,
        response_target_minutes=response_target,
        resolution_target_minutes=resolution_target,
    )
    _refresh_due(ticket, _clock(ticket, now))
    ticket = tracked_create(
        Ticket,
        actor=actor,
        client=client,
        project=project,
        subject=(subject or "").strip(),
        description=(description or "").strip(),
        severity=severity,
        kind=staff_fields.get("kind") or Ticket.Kind.QUESTION,
        reporter=actor,
        reporter_contact=contact,
        assignee=staff_fields.get("assignee"),
        policy=policy,
        opened_at=now,
        response_target_minutes=response_target,
        resolution_target_minutes=resolution_target,
        response_due_at=ticket.response_due_at,
        resolution_due_at=ticket.resolution_due_at,
    )
    _check_assignee(ticket, ticket.assignee)
    business_event_record(
        actor=actor,
        verb="ticket.opened",
        target=ticket,
        data={"severity": ticket.severity, "via": "portal" if portal else "staff"},
    )
    return ticket


@transaction.atomic
def ticket_update(
    *, actor: Any, ticket: Ticket, version: int | None, now: datetime | None = None, **changes: Any
) -> Ticket:
    """Edit subject, description, kind, project or severity. A new severity takes the policy's targets for it and
    moves the due times; marks already earned stay."""
    if not can_work_ticket(actor, ticket):
        raise Forbidden()
    unknown = set(changes) - TICKET_EDITABLE
    if unknown:
        raise TypeError(f"ticket_update got unknown fields {sorted(unknown)}")
    if "project" in changes:
        _check_project(ticket.client, changes["project"])
    for name in ("subject", "description"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    current = _locked(ticket)
    if "severity" in changes and changes["severity"] != current.severity:
        now = now or timezone.now()
        response_target, resolution_target = _targets(current.policy, changes["severity"])
        current.response_target_minutes, current.resolution_target_minutes = response_target, resolution_target
        _refresh_due(current, _clock(current, now))
        changes.update(
            response_target_minutes=response_target,
            resolution_target_minutes=resolution_target,
            response_due_at=current.response_due_at,
            resolution_due_at=current.resolution_due_at,
        )
    ticket, changed = versioned_update(ticket, actor=actor, version=version, changes=changes)
    if "severity" in changed:
        old, new = changed["severity"]
        business_event_record(actor=actor, verb="ticket.severity_changed", target=ticket, data={"from": old, "to": new})
    return ticket


@transaction.atomic
def ticket_comment(
    *, actor: Any, ticket: Ticket, body: str, internal: bool = False, now: datetime | None = None
) -> TicketComment:
    """Add to the thread. Staff write public replies or internal notes; the first public reply by staff is the
    first response. Portal users write public replies only; their reply to a ticket waiting on them resumes it."""
    if not can_comment_ticket(actor, ticket):
        raise Forbidden()
    staff = can_work_ticket(actor, ticket)
    if internal and not staff:
        raise Forbidden()
    body = (body or "").strip()
    if not body:
        raise ValidationFailed({"body": [gettext("Write a comment.")]})
    current = _locked(ticket)
    if not staff and current.status == S.CLOSED:
        raise ValidationFailed({"body": [gettext("This ticket is closed: open a new ticket instead.")]})
    now = now or timezone.now()
    comment = tracked_create(
        TicketComment, actor=actor, ticket=current, author=actor, body=body, internal=internal, at=now
    )
    business_event_record(actor=actor, verb="ticket.commented", target=current, data={"internal": bool(internal)})
    clock = _clock(current, now)
    if staff and not internal and not current.is_done:
        events = _first_response(current, clock, now)
        if events:
            _save(current, actor=actor, reason="first response", bump=False)
            _record(actor, current, events)
    elif not staff and current.status == S.WAITING_ON_CLIENT:
        _resume(current, clock, now)
        current.status = S.IN_PROGRESS
        _save(current, actor=actor, reason="client replied")
        business_event_record(
            actor=actor,
            verb="ticket.status_changed",
            target=current,
            data={"from": S.WAITING_ON_CLIENT, "to": S.IN_PROGRESS, "client_reply": True},
        )
    return comment


@transaction.atomic
def ticket_assign(*, actor: Any, ticket: Ticket, assignee: Any) -> Ticket:
    """Give the ticket to someone on the staff side who can see it (or to nobody)."""
    if not can_manage_ticket(actor, ticket):
        raise Forbidden()
    _check_assignee(ticket, assignee)
    old = ticket.assignee_id
    ticket, changed = versioned_update(ticket, actor=actor, version=None, changes={"assignee": assignee})
    if changed:
        business_event_record(
            actor=actor,
            verb="ticket.assigned",
            target=ticket,
            data={"from": old, "to": assignee.pk if assignee is not None else None},
        )
    return ticket


@transaction.atomic
def ticket_status_change(
    *, actor: Any, ticket: Ticket, to: str, resolution: str = "", now: datetime | None = None
) -> Ticket:
    """Move the ticket on: new -> in progress -> waiting on client -> resolved -> closed. Waiting on the client
    pauses the clock, moving on resumes it; resolving needs a resolution note (it is shown to the client, and is
    the first response if nobody answered before); closing is for admins and the account team."""
    if not can_work_ticket(actor, ticket):
        raise Forbidden()
    if to == S.CLOSED and not can_manage_ticket(actor, ticket):
        raise Forbidden()
    if to not in S.values:
        raise ValidationFailed({"status": [gettext("Choose a valid status.")]})
    resolution = (resolution or "").strip()
    if to == S.RESOLVED and not resolution:
        raise ValidationFailed({"resolution": [gettext("Write how the ticket was resolved.")]})
    current = _locked(ticket)
    old = current.status
    if to not in TRANSITIONS[old]:
        labels = {"from": S(old).label, "to": S(to).label}
        raise ValidationFailed({"status": [gettext("A ticket cannot move from %(from)s to %(to)s.") % labels]})
    now = now or timezone.now()
    clock = _clock(current, now)
    events: list[tuple[str, dict]] = []
    if to == S.WAITING_ON_CLIENT:
        current.paused_since = now
    else:
        _resume(current, clock, now)
    if to == S.RESOLVED:
        events += _first_response(current, clock, now)
        current.resolved_at = now
        current.resolution = resolution
        if clock is not None:
            current.resolution_minutes = running_minutes(current, clock, now)
            events += _sla_marks(current, RESOLUTION, current.resolution_minutes, now, escalate=False)
    if to == S.CLOSED:
        current.closed_at = now
    current.status = to
    _save(current, actor=actor, reason="status")
    business_event_record(actor=actor, verb="ticket.status_changed", target=current, data={"from": old, "to": to})
    _record(actor, current, events)
    return current


@transaction.atomic
def ticket_reopen(*, actor: Any, ticket: Ticket, now: datetime | None = None) -> Ticket:
    """A resolved (or closed) ticket goes back to in progress; its resolution clock carries on from where it
    stopped (the time it spent resolved does not count). Reopening a closed ticket is for admins and the account
    team, like closing it."""
    if not can_work_ticket(actor, ticket):
        raise Forbidden()
    current = _locked(ticket)
    if current.status == S.CLOSED and not can_manage_ticket(actor, ticket):
        raise Forbidden()
    if current.status not in Ticket.DONE:
        raise ValidationFailed({"status": [gettext("Only a resolved or closed ticket can be reopened.")]})
    now = now or timezone.now()
    clock = _clock(current, now)
    old = current.status
    if clock is not None and current.resolved_at is not None:
        current.paused_minutes += clock.minutes_between(current.resolved_at, now)
    current.resolved_at = current.closed_at = None
    current.resolution_minutes = None
    current.status = S.IN_PROGRESS
    _refresh_due(current, clock)
    _save(current, actor=actor, reason="reopened")
    business_event_record(actor=actor, verb="ticket.reopened", target=current, data={"from": old})
    return current


def ticket_sla_check(*, now: datetime) -> dict[str, int]:
    """Escalate and breach the running targets of every open ticket at ``now`` (run periodically). Each ticket is
    re-read under a lock before it is marked, so two checks running at once record each mark once."""
    pending = Q(first_responded_at__isnull=True, response_target_minutes__isnull=False, response_breached=False) | Q(
        resolution_minutes__isnull=True, resolution_target_minutes__isnull=False, resolution_breached=False
    )
    tickets = (
        Ticket.objects.filter(pending, policy__isnull=False)
        .exclude(status__in=Ticket.DONE)
        .select_related("policy__calendar", "client")
    )
    clocks = SlaClocks(anchor=now)
    counts = {"checked": 0, "escalated": 0, "breached": 0}
    for ticket in tickets.iterator(chunk_size=500):
        counts["checked"] += 1
        if not _sla_due_marks(ticket, clocks, now):  # a dry run on the unlocked copy: most tickets need nothing
            continue
        with transaction.atomic():
            current = _locked(ticket)
            events = [] if current.is_done else _sla_due_marks(current, clocks, now)
            if events:
                _save(current, actor=None, reason="SLA check", bump=False)
                _record(None, current, events)
        for verb, _data in events:
            counts["escalated" if verb == "ticket.sla_escalated" else "breached"] += 1
    return counts


def _sla_due_marks(ticket: Ticket, clocks: SlaClocks, now: datetime) -> list[tuple[str, dict]]:
    """Set the marks the ticket's running targets have earned at ``now``; the events to record."""
    clock = clocks.for_ticket(ticket)
    if clock is None:
        return []
    events: list[tuple[str, dict]] = []
    if ticket.first_responded_at is None:
        events += _sla_marks(ticket, RESPONSE, elapsed_minutes(ticket, RESPONSE, clock, now), now, escalate=True)
    if ticket.resolution_minutes is None:
        events += _sla_marks(ticket, RESOLUTION, elapsed_minutes(ticket, RESOLUTION, clock, now), now, escalate=True)
    return events


# --- SLA policies -----------------------------------------------------------------------------------------------------
def _clean_targets(targets: Mapping[str, Mapping[str, Any]]) -> dict[str, tuple[int, int]]:
    """{severity: {"first_response_minutes": m, "resolution_minutes": m}} for every severity, whole positive minutes,
    resolution no shorter than first response. Errors are named ``<severity>_first_response`` /
    ``<severity>_resolution``."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, tuple[int, int]] = {}
    for severity in Ticket.Severity.values:
        given = targets.get(severity) or {}
        values = []
        for key, name in (("first_response_minutes", "first_response"), ("resolution_minutes", "resolution")):
            value = given.get(key)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                errors[f"{severity}_{name}"] = [gettext("Enter a target longer than zero.")]
            values.append(value)
        if len(values) == 2 and all(isinstance(v, int) and v > 0 for v in values) and values[1] < values[0]:
            errors[f"{severity}_resolution"] = [
                gettext("The resolution target cannot be shorter than the first response target.")
            ]
        cleaned[severity] = (values[0], values[1])
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _write_targets(actor: Any, policy: SlaPolicy, targets: dict[str, tuple[int, int]]) -> None:
    existing = {target.severity: target for target in policy.targets.all()}
    for severity, (first_response, resolution) in targets.items():
        values = {"first_response_minutes": first_response, "resolution_minutes": resolution}
        if severity in existing:
            versioned_update(existing[severity], actor=actor, version=None, changes=values)
        else:
            tracked_create(SlaTarget, actor=actor, policy=policy, severity=severity, **values)


def _take_default(actor: Any, policy: SlaPolicy) -> None:
    """Only one policy is the default: the others stop being it."""
    for other in SlaPolicy.objects.select_for_update().filter(is_default=True).exclude(pk=policy.pk):
        versioned_update(other, actor=actor, version=None, changes={"is_default": False})


@transaction.atomic
def sla_policy_create(
    *,
    actor: Any,
    name: str,
    calendar: Any,
    targets: Mapping[str, Mapping[str, Any]],
    escalation_percent: int = 80,
    is_default: bool = False,
) -> SlaPolicy:
    if not can_manage_sla_policies(actor):
        raise Forbidden()
    cleaned = _clean_targets(targets)
    policy = SlaPolicy(name=(name or "").strip(), calendar=calendar, escalation_percent=escalation_percent)
    full_clean_or_fail(policy)
    if is_default:
        _take_default(actor, policy)
    policy = tracked_create(
        SlaPolicy,
        actor=actor,
        name=policy.name,
        calendar=calendar,
        escalation_percent=escalation_percent,
        is_default=is_default,
    )
    _write_targets(actor, policy, cleaned)
    business_event_record(actor=actor, verb="sla_policy.created", target=policy, data={"default": is_default})
    return policy


@transaction.atomic
def sla_policy_update(
    *,
    actor: Any,
    policy: SlaPolicy,
    version: int | None,
    targets: Mapping[str, Mapping[str, Any]] | None = None,
    **changes: Any,
) -> SlaPolicy:
    """Change a policy. Tickets already opened keep the targets they were given."""
    if not can_manage_sla_policies(actor):
        raise Forbidden()
    unknown = set(changes) - SLA_POLICY_EDITABLE
    if unknown:
        raise TypeError(f"sla_policy_update got unknown fields {sorted(unknown)}")
    cleaned = _clean_targets(targets) if targets is not None else None
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    if changes.get("is_default"):
        _take_default(actor, policy)
    policy, changed = versioned_update(policy, actor=actor, version=version, changes=changes)
    if cleaned is not None:
        _write_targets(actor, policy, cleaned)
    business_event_record(actor=actor, verb="sla_policy.updated", target=policy, data={"fields": sorted(changed)})
    return policy
