"""Reads of tickets and SLA policies, always scoped to what the user may see, and the SLA clock.

The SLA clock counts business minutes of the policy's calendar through the scheduling engine's working-time index
(``tripod.scheduling.calendars``): the calendar's hours are local working hours in the organisation's time zone
(``settings.TIME_ZONE``), instants are stored in UTC. A ticket's clock runs from ``opened_at``; the minutes spent
waiting on the client (``paused_minutes``, and the running pause from ``paused_since``) are taken out, and each
target's clock stops at its own event (first response, resolution).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from tripod.clients.access.tickets import sla_policies_visible_to, ticket_comments_visible_to, tickets_visible_to
from tripod.clients.models import Client, SlaPolicy, SlaTarget, Ticket, TicketComment
from tripod.core.access import get_visible
from tripod.core.calendars import calendar_to_engine
from tripod.core.errors import NotFound
from tripod.core.models import Calendar
from tripod.scheduling.calendars import CalendarSet, WorkIndex, from_seconds, to_seconds

RESPONSE = "response"
RESOLUTION = "resolution"
TARGET_LABELS = {RESPONSE: gettext_lazy("First response"), RESOLUTION: gettext_lazy("Resolution")}
SEVERITY_ORDER = [value for value, _label in Ticket.Severity.choices]


# --- the clock --------------------------------------------------------------------------------------------------------
class SlaClock:
    """The business time of one calendar, compiled once: count business minutes between two instants and find the
    instant a number of business minutes after another. Instants in and out are aware datetimes."""

    def __init__(self, calendar: Calendar, *, anchor: datetime | None = None) -> None:
        self.zone = timezone.get_default_timezone()
        engine_calendar = calendar_to_engine(calendar)
        start = self._local(anchor or timezone.now())
        self._index: WorkIndex = CalendarSet({engine_calendar.uid: engine_calendar}, start).index(engine_calendar.uid)

    def _local(self, value: datetime) -> datetime:
        return timezone.localtime(value, self.zone).replace(tzinfo=None)

    def _position(self, value: datetime) -> int:
        return self._index.index(to_seconds(self._local(value)))

    def minutes_between(self, start: datetime, end: datetime) -> int:
        """Business minutes from ``start`` to ``end`` (0 when ``end`` is not later)."""
        if end <= start:
            return 0
        return max(0, (self._position(end) - self._position(start)) // 60)

    def add(self, start: datetime, minutes: int) -> datetime:
        """The instant ``minutes`` business minutes after ``start`` (before it when negative). A due time lands at
        the end of a working minute: on a 09:00-18:00 calendar, Friday 17:00 + 2 hours is Monday 10:00."""
        position = self._position(start) + minutes * 60
        seconds = self._index.finish_at(position) if minutes > 0 else self._index.start_at(position)
        return timezone.make_aware(from_seconds(seconds), self.zone)


class SlaClocks:
    """One compiled clock per calendar, for a batch of tickets (a list page, a periodic check)."""

    def __init__(self, *, anchor: datetime | None = None) -> None:
        self.anchor = anchor
        self._clocks: dict[int, SlaClock] = {}

    def for_calendar(self, calendar: Calendar) -> SlaClock:
        clock = self._clocks.get(calendar.pk)
        if clock is None:
            clock = self._clocks[calendar.pk] = SlaClock(calendar, anchor=self.anchor)
        return clock

    def for_ticket(self, ticket: Ticket) -> SlaClock | None:
        return self.for_calendar(ticket.policy.calendar) if ticket.policy_id else None


def running_minutes(ticket: Ticket, clock: SlaClock, now: datetime) -> int:
    """Business minutes the ticket's clock has run by ``now``: from opening, pauses taken out, frozen while paused."""
    until = ticket.paused_since or now
    return max(0, clock.minutes_between(ticket.opened_at, until) - ticket.paused_minutes)


def elapsed_minutes(ticket: Ticket, target: str, clock: SlaClock, now: datetime) -> int:
    """Business minutes counted against ``target`` ("response" or "resolution"): frozen once the target is met."""
    stopped = ticket.response_minutes if target == RESPONSE else ticket.resolution_minutes
    return stopped if stopped is not None else running_minutes(ticket, clock, now)


def due_at(ticket: Ticket, target_minutes: int, clock: SlaClock) -> datetime:
    """When the clock reaches ``target_minutes`` if it is not paused again: the pauses so far push it later."""
    return clock.add(ticket.opened_at, target_minutes + ticket.paused_minutes)


def business_duration(minutes: int | float | None, day_minutes: int = 0) -> str:
    """Business minutes as "3 h 15 min" (or "45 min"); with ``day_minutes`` (the calendar's working day), long
    spans read in business days: "2 d 1 h". Zero parts are left out; negative values keep their sign."""
    if minutes is None:
        return "—"
    total = round(minutes)
    days, rest = divmod(abs(total), day_minutes) if day_minutes else (0, abs(total))
    hours, rest = divmod(rest, 60)
    parts = []
    if days:
        parts.append(gettext("%(days)d d") % {"days": days})
    if hours:
        parts.append(gettext("%(hours)d h") % {"hours": hours})
    if rest or not parts:
        parts.append(gettext("%(minutes)d min") % {"minutes": rest})
    return ("-" if total < 0 else "") + " ".join(parts)


# --- the SLA state of one ticket --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SlaTargetState:
    """One target's clock. ``state``: ok, warning (past the escalation threshold), breached, paused, met."""

    target: str
    target_minutes: int
    elapsed_minutes: int
    escalation_percent: int
    state: str
    due_at: datetime | None
    done: bool
    day_minutes: int = 0

    @property
    def label(self) -> str:
        return str(TARGET_LABELS[self.target])

    @property
    def state_label(self) -> str:
        return str(SLA_STATE_LABELS[self.state])

    @property
    def remaining_minutes(self) -> int:
        return self.target_minutes - self.elapsed_minutes

    @property
    def percent(self) -> int:
        """Elapsed share of the target, 0-100 (capped: a breached target is a full bar)."""
        if not self.target_minutes:
            return 100
        return min(100, round(self.elapsed_minutes * 100 / self.target_minutes))

    @property
    def elapsed_display(self) -> str:
        return business_duration(self.elapsed_minutes, self.day_minutes)

    @property
    def target_display(self) -> str:
        return business_duration(self.target_minutes, self.day_minutes)

    @property
    def remaining_display(self) -> str:
        return business_duration(self.remaining_minutes, self.day_minutes)

    @property
    def overrun_display(self) -> str:
        """How far past the target the clock is (for a breached target)."""
        return business_duration(max(0, -self.remaining_minutes), self.day_minutes)


@dataclass(frozen=True)
class SlaState:
    """A ticket's SLA: one state per target and the state shown on its badge (``none`` without a policy)."""

    state: str
    targets: list[SlaTargetState] = field(default_factory=list)

    @property
    def current(self) -> SlaTargetState | None:
        """The target the clock is running for now (the first not met), or the last one."""
        for target in self.targets:
            if not target.done:
                return target
        return self.targets[-1] if self.targets else None

    @property
    def label(self) -> str:
        return str(SLA_STATE_LABELS[self.state])


SLA_STATE_LABELS = {
    "ok": gettext_lazy("On track"),
    "warning": gettext_lazy("Near breach"),
    "breached": gettext_lazy("Breached"),
    "paused": gettext_lazy("Paused"),
    "met": gettext_lazy("Met"),
    "none": gettext_lazy("No SLA"),
}


def _target_state(ticket: Ticket, target: str, clock: SlaClock, now: datetime) -> SlaTargetState | None:
    target_minutes = ticket.response_target_minutes if target == RESPONSE else ticket.resolution_target_minutes
    if target_minutes is None:
        return None
    if target == RESPONSE:
        done, breached = ticket.first_responded_at is not None, ticket.response_breached
    else:
        done, breached = ticket.resolution_minutes is not None, ticket.resolution_breached
    elapsed = elapsed_minutes(ticket, target, clock, now)
    threshold = ticket.policy.escalation_percent
    if breached or elapsed >= target_minutes:
        state = "breached"
    elif done:
        state = "met"
    elif ticket.paused_since is not None:
        state = "paused"
    elif elapsed * 100 >= threshold * target_minutes:
        state = "warning"
    else:
        state = "ok"
    due = None if done or ticket.paused_since else due_at(ticket, target_minutes, clock)
    day_minutes = ticket.policy.calendar.minutes_per_day
    return SlaTargetState(target, target_minutes, elapsed, threshold, state, due, done, day_minutes)


def sla_state(ticket: Ticket, now: datetime, *, clocks: SlaClocks | None = None) -> SlaState:
    """The ticket's SLA at ``now``: elapsed and remaining business minutes per target and the state of each."""
    clock = (clocks or SlaClocks(anchor=now)).for_ticket(ticket)
    if clock is None:
        return SlaState("none")
    targets = [s for s in (_target_state(ticket, t, clock, now) for t in (RESPONSE, RESOLUTION)) if s is not None]
    if not targets:
        return SlaState("none")
    if any(t.state == "breached" for t in targets):
        state = "breached"
    elif all(t.done for t in targets):
        state = "met"
    else:
        state = next(t.state for t in targets if not t.done)
    return SlaState(state, targets)


def with_sla(tickets: list[Ticket], now: datetime) -> list[Ticket]:
    """Set ``ticket.sla`` (an :class:`SlaState`) on each ticket, compiling each calendar once."""
    clocks = SlaClocks(anchor=now)
    for ticket in tickets:
        ticket.sla = sla_state(ticket, now, clocks=clocks)
    return tickets


# --- lists and records ------------------------------------------------------------------------------------------------
def ticket_list(
    *,
    user: Any,
    client: Client | Any = None,
    status: str | None = None,
    severity: str | None = None,
    breached: bool | None = None,
    project: Any = None,
    open_only: bool = False,
    search: str | None = None,
) -> QuerySet[Ticket]:
    """Tickets the user may see, newest first, with what a list row shows loaded. ``breached``: True for tickets
    that breached a target, False for those that breached none; ``open_only``: not resolved or closed."""
    qs = tickets_visible_to(user).select_related("client", "project", "assignee", "policy__calendar")
    if client is not None:
        qs = qs.filter(client=client)
    if project is not None:
        qs = qs.filter(project=project)
    if status:
        qs = qs.filter(status=status)
    if severity:
        qs = qs.filter(severity=severity)
    if breached is True:
        qs = qs.filter(Q(response_breached=True) | Q(resolution_breached=True))
    elif breached is False:
        qs = qs.filter(response_breached=False, resolution_breached=False)
    if open_only:
        qs = qs.exclude(status__in=Ticket.DONE)
    if search:
        qs = qs.filter(subject__icontains=search)
    return qs.order_by("-opened_at", "-pk")


def ticket_get(*, user: Any, pk: Any) -> Ticket:
    """One ticket the user may see (404 otherwise), with its client, project, people and policy loaded."""
    qs = Ticket.objects.select_related(
        "client__owner_am", "project", "assignee", "reporter", "reporter_contact", "policy__calendar"
    )
    try:
        return get_visible(qs, user, pk=pk)
    except (ValueError, TypeError) as exc:
        raise NotFound(Ticket._meta.verbose_name) from exc


def ticket_comments(*, user: Any, ticket: Ticket) -> list[TicketComment]:
    """The thread of a ticket as the user may read it: portal users never get internal notes."""
    return list(ticket_comments_visible_to(user).filter(ticket=ticket).select_related("author").order_by("at", "pk"))


def ticket_assignee_choices(*, ticket: Ticket) -> QuerySet[Any]:
    """Who may be assigned: staff who would see the ticket (the client's account team, the project's PM and
    members) and admins. For a ticket the caller already fetched through a scoped selector."""
    from tripod.identity.models import Role, User

    client = ticket.client
    condition = (
        Q(pk=client.owner_am_id) | Q(account_clients=client) | Q(role_grants__role=Role.ADMIN) | Q(is_superuser=True)
    )
    if ticket.project_id:
        condition |= Q(managed_projects=ticket.project_id) | Q(project_memberships__project=ticket.project_id)
    staff = User.objects.filter(condition, is_active=True).exclude(role_grants__role=Role.CLIENT)
    return User.objects.filter(pk__in=staff.values("pk")).order_by("display_name", "username")


def sla_policy_list(*, user: Any) -> QuerySet[SlaPolicy]:
    """SLA policies (staff only), default first, with their calendar and targets loaded."""
    targets = Prefetch("targets", queryset=SlaTarget.objects.order_by("pk"))
    return sla_policies_visible_to(user).select_related("calendar").prefetch_related(targets)


def sla_policy_get(*, user: Any, pk: Any) -> SlaPolicy:
    try:
        return get_visible(SlaPolicy.objects.select_related("calendar"), user, pk=pk)
    except (ValueError, TypeError) as exc:
        raise NotFound(SlaPolicy._meta.verbose_name) from exc


def sla_policy_targets(policy: SlaPolicy) -> dict[str, SlaTarget]:
    """The policy's targets by severity."""
    return {target.severity: target for target in policy.targets.all()}


def sla_policy_default() -> SlaPolicy | None:
    """The policy a new ticket gets (for services; not a user-facing read)."""
    return SlaPolicy.objects.select_related("calendar").filter(is_default=True).first()


# --- metrics ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SlaMetrics:
    """SLA figures over the tickets the user may see. Times are business minutes; compliance is the share (%) of
    tickets that met the target among those that reached it (responded, resolved) under a policy."""

    total: int
    open: int
    resolved: int
    breached: int
    responded: int
    response_mean: float | None
    response_median: float | None
    resolution_mean: float | None
    resolution_median: float | None
    response_compliance: float | None
    resolution_compliance: float | None

    @property
    def response_mean_display(self) -> str:
        return business_duration(self.response_mean)

    @property
    def response_median_display(self) -> str:
        return business_duration(self.response_median)

    @property
    def resolution_mean_display(self) -> str:
        return business_duration(self.resolution_mean)

    @property
    def resolution_median_display(self) -> str:
        return business_duration(self.resolution_median)


def _mean(values: list[int]) -> float | None:
    return round(statistics.fmean(values), 1) if values else None


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _share(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def sla_metrics(
    *, user: Any, client: Client | Any = None, since: datetime | None = None, until: datetime | None = None
) -> SlaMetrics:
    """Mean and median time to first response and to resolution, SLA compliance and counts, over the tickets the
    user may see opened in [``since``, ``until``). One query."""
    qs = ticket_list(user=user, client=client)
    if since is not None:
        qs = qs.filter(opened_at__gte=since)
    if until is not None:
        qs = qs.filter(opened_at__lt=until)
    rows = list(
        qs.order_by().values_list(
            "status",
            "response_target_minutes",
            "response_minutes",
            "response_breached",
            "resolution_target_minutes",
            "resolution_minutes",
            "resolution_breached",
        )
    )
    responses = [r[2] for r in rows if r[2] is not None]
    resolutions = [r[5] for r in rows if r[5] is not None]
    responded_under_sla = [r for r in rows if r[1] is not None and r[2] is not None]
    resolved_under_sla = [r for r in rows if r[4] is not None and r[5] is not None]
    return SlaMetrics(
        total=len(rows),
        open=sum(1 for r in rows if r[0] not in Ticket.DONE),
        resolved=sum(1 for r in rows if r[0] in Ticket.DONE),
        breached=sum(1 for r in rows if r[3] or r[6]),
        responded=len(responses),
        response_mean=_mean(responses),
        response_median=_median(responses),
        resolution_mean=_mean(resolutions),
        resolution_median=_median(resolutions),
        response_compliance=_share(sum(1 for r in responded_under_sla if not r[3]), len(responded_under_sla)),
        resolution_compliance=_share(sum(1 for r in resolved_under_sla if not r[6]), len(resolved_under_sla)),
    )
