"""The account manager's cockpit: clients by attention needed, SLA clocks, signals, renewals, detractors,
confirmations awaited and follow-ups due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from tripod.clients.models import Client
from tripod.clients.selectors import client_list
from tripod.clients.selectors.interactions import followup_list
from tripod.clients.selectors.pipeline import (
    renewal_state,
    renewals_due,
)
from tripod.clients.selectors.signals import signal_headline, signal_list
from tripod.clients.selectors.surveys import detractor_list
from tripod.clients.selectors.tickets import ticket_list, with_sla
from tripod.clients.views.accounts import client_url, with_project_counts
from tripod.core.cockpits import CockpitTable, Tile, cockpit_table, cockpit_tiles
from tripod.core.tables import Column, Table
from tripod.identity.models import Role
from tripod.projects.selectors import project_list
from tripod.scope.account_health import (
    AT_RISK,
    WATCH,
    AccountHealth,
    account_health_for,
    attention_order,
)
from tripod.scope.selectors import requirements_awaiting_confirmation

# --- cockpits ---------------------------------------------------------------------------------------------------------
# The AM cockpit: my clients ordered by the attention they need (from their health), the SLA clocks nearest to
# breach, open buying signals, renewals due, detractors, confirmations awaited and follow-ups due. Each list is one
# scoped selector, narrowed to the clients the AM looks after; the health of all of them is computed in one batch.
ATTENTION_WINDOW_DAYS = 90
FOLLOWUPS_AHEAD_DAYS = 7
SLA_ORDER = {"breached": 0, "warning": 1, "ok": 2, "paused": 3, "met": 4, "none": 5}


@dataclass
class _AmCockpit:
    """What the AM cockpit's tiles and tables share, computed once per request."""

    clients: list[Client]
    healths: list[AccountHealth]
    tickets: list[Any]


def _am_cockpit(request: HttpRequest) -> _AmCockpit:
    cached = getattr(request, "_am_cockpit", None)
    if cached is None:
        user = request.user
        clients = list(with_project_counts(client_list(user=user, mine=True), user))
        healths = attention_order(account_health_for(user=user, clients=clients).values())
        tickets = list(ticket_list(user=user, open_only=True).filter(client__in=[c.pk for c in clients]))
        with_sla(tickets, timezone.now())
        tickets.sort(key=_sla_urgency)
        cached = _AmCockpit(clients, healths, tickets)
        request._am_cockpit = cached  # type: ignore[attr-defined]
    return cached


def _sla_urgency(ticket: Any) -> tuple[int, int]:
    current = ticket.sla.current
    return SLA_ORDER.get(ticket.sla.state, 9), current.remaining_minutes if current else 0


def _unless_empty(title: Any, table: Table, more_url: str | None = None) -> CockpitTable | None:
    """The cockpit keeps to what needs doing: a list with nothing in it is left out."""
    return CockpitTable(title, table, more_url=more_url) if table.page.paginator.count else None


def _mine(request: HttpRequest) -> list[int]:
    return [c.pk for c in _am_cockpit(request).clients]


@cockpit_tiles(Role.AM, order=10)
def _am_tiles(request: HttpRequest) -> list[Tile]:
    user = request.user
    data = _am_cockpit(request)
    by_status: dict[str, int] = {}
    for client in data.clients:
        by_status[client.status] = by_status.get(client.status, 0) + 1
    projects = project_list(user=user).filter(client__in=_mine(request))
    running = projects.exclude(phase="closed")
    at_risk = sum(1 for h in data.healths if h.status == AT_RISK)
    watch = sum(1 for h in data.healths if h.status == WATCH)
    breached = sum(1 for t in data.tickets if t.sla.state == "breached")
    near = sum(1 for t in data.tickets if t.sla.state == "warning")
    return [
        Tile(
            _("My clients"),
            len(data.clients),
            icon="building",
            url=reverse("clients:list"),
            breakdown=[(label, by_status[value]) for value, label in Client.Status.choices if by_status.get(value)],
        ),
        Tile(
            _("Clients needing attention"),
            at_risk + watch,
            icon="heart-pulse",
            breakdown=[(_("at risk"), at_risk), (_("watch"), watch)],
            tone="danger" if at_risk else "warning" if watch else "success",
        ),
        Tile(
            _("SLA clocks at risk"),
            breached + near,
            icon="stopwatch",
            url=reverse("clients:tickets"),
            breakdown=[(_("breached"), breached), (_("near breach"), near)],
            tone="danger" if breached else "warning" if near else "success",
        ),
        Tile(
            _("Projects of my clients"),
            projects.count(),
            icon="kanban",
            url=reverse("projects:list"),
            breakdown=[(_("running"), running.count())],
        ),
    ]


class AttentionTable(Table):
    """My clients, at risk first, then watch; the reasons are the components that are not good."""

    columns = [
        Column("name", _("Client"), accessor="client.name", link=lambda h: client_url(h.client)),
        Column("status", _("Health"), template="clients/client360/_health_cell.html"),
        Column("reasons", _("Why"), template="clients/client360/_reasons_cell.html"),
        Column("tier", _("Tier"), accessor="client.get_tier_display", badge=lambda h: h.client.tier),
        Column("projects", _("Projects"), accessor="client.project_count", numeric=True),
    ]
    searchable = False
    empty_text = _("You do not look after any client yet.")
    empty_icon = "building"


@cockpit_table(Role.AM, order=10)
def _am_table(request: HttpRequest) -> CockpitTable:
    table = AttentionTable(request, _am_cockpit(request).healths, id="my-clients", per_page=10)  # type: ignore[arg-type]
    return CockpitTable(_("My clients by attention needed"), table, more_url=reverse("clients:list"))


def _time_left(ticket: Any) -> str:
    """Business time left on the running target; a breached one says how far over it is in its SLA cell."""
    current = ticket.sla.current
    return current.remaining_display if current and ticket.sla.state != "breached" else "—"


class SlaClockTable(Table):
    columns = [
        Column("subject", _("Ticket"), accessor=lambda t: f"#{t.pk} {t.subject}",
               link=lambda t: reverse("clients:ticket_detail", args=[t.pk])),
        Column("client", _("Client"), accessor="client.name"),
        Column("severity", _("Severity"), accessor="get_severity_display", badge=lambda t: f"priority-{t.severity}"),
        Column("sla", _("SLA"), template="clients/tickets/_sla_cell.html"),
        Column("left", _("Time left"), accessor=_time_left,
               numeric=True),
    ]  # fmt: skip
    searchable = False
    empty_text = _("No open ticket.")
    empty_icon = "stopwatch"


@cockpit_table(Role.AM, order=20)
def _am_sla_clocks(request: HttpRequest) -> CockpitTable | None:
    tickets = [t for t in _am_cockpit(request).tickets if t.sla.state in ("breached", "warning", "ok", "paused")]
    if not tickets:
        return None
    table = SlaClockTable(request, tickets, id="sla-clocks", per_page=10)  # type: ignore[arg-type]
    return CockpitTable(_("SLA clocks nearest to breach"), table, more_url=reverse("clients:tickets"))


class SignalTable(Table):
    columns = [
        Column("client", _("Client"), accessor="client.name", link=lambda s: client_url(s.client)),
        Column("rule", _("Signal"), accessor="rule.name"),
        Column("headline", _("What it found"), accessor=signal_headline),
        Column("raised_at", _("Raised"), accessor=lambda s: timezone.localdate(s.raised_at)),
    ]
    searchable = False


@cockpit_table(Role.AM, order=30)
def _am_signals(request: HttpRequest) -> CockpitTable | None:
    signals = signal_list(user=request.user, open_only=True).filter(client__in=_mine(request))
    table = SignalTable(request, signals, id="am-signals", per_page=5)
    return _unless_empty(_("Open buying signals"), table)


class RenewalTable(Table):
    columns = [
        Column("number", _("Contract"), accessor=lambda c: f"{c.number} {c.title}",
               link=lambda c: reverse("clients:contract_detail", args=[c.pk])),
        Column("client", _("Client"), accessor="client.name"),
        Column("renewal", _("Renewal"), accessor=lambda c: renewal_state(c, timezone.localdate()),
               template="clients/pipeline/_renewal_cell.html"),
        Column("value", _("Value"), accessor=lambda c: f"{c.currency} {c.value:,.2f}", numeric=True),
    ]  # fmt: skip
    searchable = False


@cockpit_table(Role.AM, order=40)
def _am_renewals(request: HttpRequest) -> CockpitTable | None:
    contracts = renewals_due(user=request.user, within_days=ATTENTION_WINDOW_DAYS).filter(client__in=_mine(request))
    table = RenewalTable(request, contracts, id="am-renewals", per_page=5)
    return _unless_empty(_("Renewals due in 90 days"), table)


def _respondent(answer: Any) -> str:
    return answer.invitation.contact.name if answer.invitation.contact_id else "—"


class DetractorTable(Table):
    columns = [
        Column("client", _("Client"), accessor="invitation.survey.client.name"),
        Column("contact", _("Contact"), accessor=_respondent),
        Column("score", _("Score"), accessor=lambda r: f"{r.score} ({r.invitation.survey.get_kind_display()})",
               link=lambda r: reverse("clients:survey_detail", args=[r.invitation.survey_id])),
        Column("comment", _("Comment"), accessor=lambda r: Truncator(r.comment).chars(80) or "—"),
        Column("answered_at", _("Answered"), accessor=lambda r: timezone.localdate(r.answered_at)),
    ]  # fmt: skip
    searchable = False


@cockpit_table(Role.AM, order=50)
def _am_detractors(request: HttpRequest) -> CockpitTable | None:
    since = timezone.localdate() - timedelta(days=ATTENTION_WINDOW_DAYS)
    answers = detractor_list(user=request.user, since=since).filter(invitation__survey__client__in=_mine(request))
    table = DetractorTable(request, answers, id="am-detractors", per_page=5)
    return _unless_empty(_("Detractors in the last 90 days"), table)


class ConfirmationTable(Table):
    columns = [
        Column("title", _("Requirement"), accessor=lambda r: f"{r.reference} {r.title}",
               link=lambda r: reverse("scope:requirement_detail", args=[r.pk])),
        Column("client", _("Client"), accessor="client.name"),
        Column("contact", _("Source"), accessor=lambda r: r.source_contact.name if r.source_contact_id else "—"),
        Column("since", _("Waiting since"), accessor=lambda r: timezone.localdate(r.status_since)),
    ]  # fmt: skip
    searchable = False


@cockpit_table(Role.AM, order=60)
def _am_confirmations(request: HttpRequest) -> CockpitTable | None:
    table = ConfirmationTable(
        request, requirements_awaiting_confirmation(user=request.user), id="am-confirmations", per_page=5
    )
    return _unless_empty(_("Confirmations awaited"), table)


class FollowUpDueTable(Table):
    columns = [
        Column("text", _("Follow-up"), accessor=lambda f: Truncator(f.text).chars(80),
               link=lambda f: reverse("clients:followup_edit", args=[f.pk])),
        Column("client", _("Client"), accessor="client.name"),
        Column("due", _("Due"), template="clients/interactions/_followup_due_cell.html"),
    ]  # fmt: skip
    searchable = False


@cockpit_table(Role.AM, order=70)
def _am_followups_due(request: HttpRequest) -> CockpitTable | None:
    horizon = timezone.localdate() + timedelta(days=FOLLOWUPS_AHEAD_DAYS)
    followups = followup_list(user=request.user, owner=request.user).filter(due__lte=horizon)
    table = FollowUpDueTable(request, followups, id="am-followups-due", per_page=5)
    return _unless_empty(_("Follow-ups due this week"), table, more_url=reverse("clients:followups"))
