"""The client's tickets in the portal: the list with a client-facing SLA state, open a ticket, read the public
thread and reply. Internal notes never come here (``ticket_comments`` leaves them out for portal users); nor do the
assignee or the escalation marks, which are the support team's business."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tripod.clients.models import Ticket
from tripod.clients.selectors.tickets import SlaState, ticket_comments, ticket_get, ticket_list, with_sla
from tripod.clients.services.tickets import ticket_comment, ticket_open
from tripod.clients.ticket_forms import PORTAL_CREATE_FIELDS, TicketCommentForm, TicketForm
from tripod.core.errors import ValidationFailed
from tripod.core.htmx import apply_validation_errors, submit_form
from tripod.core.tables import ChoiceFilter, Column, Table, query_param, render_table
from tripod.portal.views.base import portal_context, portal_page, render_portal
from tripod.projects.selectors import project_list

S = Ticket.Status


@dataclass(frozen=True)
class ClientSla:
    """What the client is told of a ticket's SLA: a tone, a short label and, while a target runs, when it is due."""

    tone: str
    label: Any
    due: datetime | None = None


def client_sla(state: SlaState) -> ClientSla:
    """The support team's SLA state, in the client's terms: the escalation threshold ("near breach") is internal,
    so a running target simply reads as due by its time."""
    if state.state == "none":
        return ClientSla("neutral", _("No service level"))
    if state.state == "breached":
        return ClientSla("danger", _("Past the target time"))
    if state.state == "met":
        return ClientSla("success", _("Within the target time"))
    if state.state == "paused":
        return ClientSla("warning", _("Waiting for your reply"))
    current = state.current
    if current is not None and current.target == "response":
        return ClientSla("info", _("First answer due"), current.due_at)
    return ClientSla("info", _("Resolution due"), current.due_at if current else None)


def ticket_url(ticket: Ticket) -> str:
    return reverse("portal:ticket", args=[ticket.pk])


class PortalTicketTable(Table):
    columns = [
        Column("number", _("No."), accessor=lambda t: f"#{t.pk}", sort="pk", link=ticket_url, css_class="tp-mono"),
        Column("subject", _("Subject"), sort="subject", link=ticket_url),
        Column("project", _("Project"), accessor="project.name", sort="project__code"),
        Column("severity", _("Severity"), accessor="get_severity_display", sort="severity",
               badge=lambda t: f"priority-{t.severity}"),
        Column("status", _("Status"), accessor="get_status_display", sort="status", badge=lambda t: t.status),
        Column("sla", _("Service level"), template="portal/tickets/_sla_cell.html"),
        Column("opened_at", _("Opened"), sort="opened_at", accessor=lambda t: timezone.localtime(t.opened_at)),
    ]  # fmt: skip
    default_sort = "-opened_at"
    search_placeholder = _("Filter by subject…")
    empty_text = _("No tickets yet.")
    empty_icon = "life-preserver"


@require_GET
@portal_page
def ticket_list_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status")
    tickets = ticket_list(user=request.user, status=status if status in S.values else None, search=query_param(request))
    table = PortalTicketTable(request, tickets, id="tickets", filters=[ChoiceFilter("status", _("Status"), S.choices)])
    for ticket in with_sla(table.rows, timezone.now()):
        ticket.client_sla = client_sla(ticket.sla)
    context = {
        "empty_action_url": reverse("portal:ticket_new"),
        "empty_action_label": _("Open a ticket"),
        **portal_context(request, "tickets"),
    }
    return render_table(request, "portal/tickets/list.html", context, table)


@require_http_methods(["GET", "POST"])
@portal_page
def ticket_new_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    client = request.portal.client  # type: ignore[attr-defined]
    projects = project_list(user=user, client_id=client.pk).exclude(phase="closed")
    form = TicketForm(request.POST or None, fields=PORTAL_CREATE_FIELDS, projects=projects)
    if request.method == "POST":
        saved = submit_form(form, lambda data: ticket_open(actor=user, client=client, **data))
        if saved is not None:
            messages.success(request, _("Ticket #%(number)s opened. We will answer you soon.") % {"number": saved.pk})
            return redirect(ticket_url(saved))
    context = {
        "form": form,
        "title": _("Open a ticket"),
        "intro": _("Tell us what is wrong or what you need. The severity sets how fast we answer."),
        "submit_label": _("Open the ticket"),
        "cancel_url": reverse("portal:tickets"),
    }
    status = 422 if form.errors else 200
    return render_portal(request, "portal/form_page.html", context, section="tickets", status=status)


def _detail(
    request: HttpRequest, ticket: Ticket, form: TicketCommentForm | None = None, status: int = 200
) -> HttpResponse:
    (ticket,) = with_sla([ticket], timezone.now())
    context = {
        "ticket": ticket,
        "sla": client_sla(ticket.sla),
        "comments": ticket_comments(user=request.user, ticket=ticket),
        "form": form if form is not None else (None if ticket.status == S.CLOSED else TicketCommentForm(staff=False)),
    }
    return render_portal(request, "portal/tickets/detail.html", context, section="tickets", status=status)


@require_GET
@portal_page
def ticket_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, ticket_get(user=request.user, pk=pk))


@require_POST
@portal_page
def ticket_comment_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_get(user=request.user, pk=pk)
    form = TicketCommentForm(request.POST, staff=False)
    if form.is_valid():
        try:
            ticket_comment(actor=request.user, ticket=ticket, body=form.cleaned_data["body"])
        except ValidationFailed as exc:
            apply_validation_errors(form, exc.errors)
        else:
            messages.success(request, _("Reply sent."))
            return redirect(ticket_url(ticket))
    return _detail(request, ticket_get(user=request.user, pk=pk), form, status=422)


urlpatterns = [
    path("tickets/", ticket_list_view, name="tickets"),
    path("tickets/new/", ticket_new_view, name="ticket_new"),
    path("tickets/<int:pk>/", ticket_detail_view, name="ticket"),
    path("tickets/<int:pk>/reply/", ticket_comment_view, name="ticket_comment"),
]
