"""Ticket pages: the list (filters, the SLA state of each ticket with its remaining time), a ticket with its
thread, its SLA clock and its status actions, opening and editing a ticket; the SLA policies (admins).

Staff see the tickets of their clients and projects; a client's portal users see their client's tickets, without
internal notes and without the staff's actions. Object denied -> 404 (the selectors), function denied -> 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tripod.clients.access import portal_client_id
from tripod.clients.access.tickets import (
    can_comment_ticket,
    can_manage_sla_policies,
    can_manage_ticket,
    can_work_ticket,
)
from tripod.clients.models import Client, SlaPolicy, Ticket
from tripod.clients.selectors import client_list
from tripod.clients.selectors.tickets import (
    sla_policy_get,
    sla_policy_list,
    sla_policy_targets,
    sla_state,
    ticket_assignee_choices,
    ticket_comments,
    ticket_get,
    ticket_list,
    with_sla,
)
from tripod.clients.services.tickets import (
    TRANSITIONS,
    sla_policy_create,
    sla_policy_update,
    ticket_assign,
    ticket_comment,
    ticket_open,
    ticket_reopen,
    ticket_status_change,
    ticket_update,
)
from tripod.clients.ticket_forms import (
    EDIT_FIELDS,
    PORTAL_CREATE_FIELDS,
    SlaPolicyForm,
    TicketAssignForm,
    TicketCommentForm,
    TicketForm,
    TicketResolveForm,
)
from tripod.core.errors import Forbidden, ValidationFailed
from tripod.core.htmx import form_page
from tripod.core.registry import record_kind
from tripod.core.tables import ChoiceFilter, Column, Table, query_param, render_table
from tripod.projects.selectors import project_list

S = Ticket.Status
# The status buttons on a ticket's page: (target status, label, icon). Resolving has its own form.
STATUS_ACTIONS = [
    (S.IN_PROGRESS, gettext_lazy("Start work"), "play-circle"),
    (S.WAITING_ON_CLIENT, gettext_lazy("Wait on client"), "pause-circle"),
    (S.CLOSED, gettext_lazy("Close"), "archive"),
]
SLA_FILTER = [("yes", gettext_lazy("Breached")), ("no", gettext_lazy("Not breached"))]


def ticket_url(ticket: Ticket) -> str:
    return reverse("clients:ticket_detail", args=[ticket.pk])


def severity_tone(ticket: Ticket) -> str:
    return f"priority-{ticket.severity}"


def _portal(user: Any) -> bool:
    return portal_client_id(user) is not None


class TicketTable(Table):
    columns = [
        Column("number", gettext_lazy("No."), accessor=lambda t: f"#{t.pk}", sort="pk", link=ticket_url,
               css_class="tp-mono"),
        Column("subject", gettext_lazy("Subject"), sort="subject", link=ticket_url),
        Column("client", gettext_lazy("Client"), sort="client__name"),
        Column("severity", gettext_lazy("Severity"), accessor="get_severity_display", badge=severity_tone),
        Column("status", gettext_lazy("Status"), sort="status", template="clients/tickets/_status_cell.html"),
        Column("assignee", gettext_lazy("Assignee"), sort="assignee__username"),
        Column("sla", gettext_lazy("SLA"), template="clients/tickets/_sla_cell.html"),
        Column("opened_at", gettext_lazy("Opened"), sort="opened_at"),
    ]  # fmt: skip
    default_sort = "-opened_at"
    search_placeholder = gettext_lazy("Filter by subject…")
    empty_text = gettext_lazy("No tickets yet.")
    empty_icon = "life-preserver"


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _openable_clients(user: Any) -> QuerySet[Client]:
    """Clients the user may open a ticket for from the staff side: admins any, others their own accounts."""
    if not user.is_internal:
        return Client.objects.none()
    return client_list(user=user, mine=not user.is_admin)


@login_required
@require_GET
def ticket_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    get = request.GET
    clients = list(client_list(user=user).values_list("pk", "name")) if user.is_internal else []
    client = next((pk for pk, _name in clients if str(pk) == get.get("client")), None)
    tickets = ticket_list(
        user=user,
        client=client,
        status=get.get("status") if get.get("status") in S.values else None,
        severity=get.get("severity") if get.get("severity") in Ticket.Severity.values else None,
        breached=_yes_no(get.get("sla")),
        search=query_param(request),
    )
    filters = [
        ChoiceFilter("status", gettext_lazy("Status"), S.choices),
        ChoiceFilter("severity", gettext_lazy("Severity"), Ticket.Severity.choices),
        ChoiceFilter("sla", gettext_lazy("SLA"), SLA_FILTER),
    ]
    if clients:
        filters.append(ChoiceFilter("client", gettext_lazy("Client"), clients))
    table = TicketTable(request, tickets, id="tickets", filters=filters)
    with_sla(table.rows, timezone.now())
    can_open = _portal(user) or _openable_clients(user).exists()
    context: dict[str, Any] = {
        "can_open": can_open,
        "can_manage_policies": can_manage_sla_policies(user),
    }
    if can_open:
        context.update(empty_action_url=reverse("clients:ticket_create"), empty_action_label=_("Open a ticket"))
    return render_table(request, "clients/tickets/list.html", context, table)


@login_required
@require_http_methods(["GET", "POST"])
def ticket_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    portal_client = portal_client_id(user)
    if portal_client is not None:
        client = Client.objects.get(pk=portal_client)
        form = TicketForm(
            request.POST or None,
            fields=PORTAL_CREATE_FIELDS,
            projects=project_list(user=user, client_id=client.pk),
        )

        def action(data: dict[str, Any]) -> Ticket:
            return ticket_open(actor=user, client=client, **data)

    else:
        clients = _openable_clients(user)
        if not clients.exists():
            raise Forbidden()
        initial = {"client": request.GET.get("client")} if request.GET.get("client") else {}
        form = TicketForm(
            request.POST or None,
            clients=clients,
            projects=project_list(user=user).filter(client__in=clients.order_by().values("pk")),
            initial=initial,
        )

        def action(data: dict[str, Any]) -> Ticket:
            return ticket_open(actor=user, **data)

    return form_page(
        request,
        form,
        action,
        title=_("Open a ticket"),
        cancel_url=reverse("clients:tickets"),
        submit_label=_("Open the ticket"),
        success_message=lambda ticket: _("Ticket #%(number)s opened.") % {"number": ticket.pk},
        success_url=ticket_url,
    )


@login_required
@require_GET
def ticket_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    ticket = ticket_get(user=user, pk=pk)
    staff = can_work_ticket(user, ticket)
    manage = can_manage_ticket(user, ticket)
    allowed = TRANSITIONS.get(ticket.status, ())
    status_actions = [
        (to, label, icon)
        for to, label, icon in STATUS_ACTIONS
        if staff and to in allowed and (to != S.CLOSED or manage)
    ]
    context = {
        "ticket": ticket,
        "record": ticket,
        "eyebrow": f"{ticket.client.name} · #{ticket.pk}",
        "sla": sla_state(ticket, timezone.now()),
        "severity_tone": severity_tone(ticket),
        "comments": ticket_comments(user=user, ticket=ticket),
        "staff": staff,
        "comment_form": TicketCommentForm(staff=staff) if can_comment_ticket(user, ticket) else None,
        "status_actions": status_actions,
        "resolve_form": TicketResolveForm() if staff and S.RESOLVED in allowed else None,
        "can_reopen": staff and ticket.is_done and (ticket.status != S.CLOSED or manage),
        "assign_form": (
            TicketAssignForm(assignees=ticket_assignee_choices(ticket=ticket), initial={"assignee": ticket.assignee_id})
            if manage
            else None
        ),
        "show_activity": staff and record_kind(ticket) is not None,
    }
    return render(request, "clients/tickets/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def ticket_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    ticket = ticket_get(user=user, pk=pk)
    if not can_work_ticket(user, ticket):
        raise Forbidden()
    return form_page(
        request,
        TicketForm(
            request.POST or None,
            instance=ticket,
            fields=EDIT_FIELDS,
            projects=project_list(user=user, client_id=ticket.client_id),
        ),
        lambda data: ticket_update(actor=user, ticket=ticket, **data),
        title=_("Edit ticket #%(number)s") % {"number": ticket.pk},
        eyebrow=ticket.client.name,
        cancel_url=ticket_url(ticket),
        success_message=lambda saved: _("Ticket #%(number)s saved.") % {"number": saved.pk},
        success_url=ticket_url,
    )


def _act(
    request: HttpRequest,
    ticket: Ticket,
    action: Callable[[dict[str, Any]], Any],
    success: Callable[[Any], str],
    *,
    form: Any = None,
    anchor: str = "",
) -> HttpResponse:
    """Run a POST action from a ticket's page and go back to it; bad input and the service's refusals are shown as
    messages (Forbidden and NotFound pass through as 403 / 404)."""
    if form is not None and not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))
        return redirect(ticket_url(ticket) + anchor)
    try:
        result = action(form.cleaned_data if form is not None else {})
    except ValidationFailed as exc:
        for field_messages in exc.errors.values():
            for message in field_messages:
                messages.error(request, str(message))
    else:
        messages.success(request, success(result))
    return redirect(ticket_url(ticket) + anchor)


@login_required
@require_POST
def ticket_comment_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    ticket = ticket_get(user=user, pk=pk)
    if not can_comment_ticket(user, ticket):
        raise Forbidden()
    return _act(
        request,
        ticket,
        lambda data: ticket_comment(actor=user, ticket=ticket, **data),
        lambda comment: _("Internal note added.") if comment.internal else _("Reply sent."),
        form=TicketCommentForm(request.POST, staff=can_work_ticket(user, ticket)),
        anchor="#thread",
    )


@login_required
@require_POST
def ticket_status_view(request: HttpRequest, pk: int, to: str) -> HttpResponse:
    user = request.user
    ticket = ticket_get(user=user, pk=pk)
    resolution = request.POST.get("resolution", "") if to == S.RESOLVED else ""
    return _act(
        request,
        ticket,
        lambda _data: ticket_status_change(actor=user, ticket=ticket, to=to, resolution=resolution),
        lambda moved: _("Ticket #%(number)s: %(status)s.") % {"number": moved.pk, "status": moved.get_status_display()},
    )


@login_required
@require_POST
def ticket_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_get(user=request.user, pk=pk)
    return _act(
        request,
        ticket,
        lambda _data: ticket_reopen(actor=request.user, ticket=ticket),
        lambda reopened: _("Ticket #%(number)s reopened.") % {"number": reopened.pk},
    )


@login_required
@require_POST
def ticket_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    ticket = ticket_get(user=user, pk=pk)
    if not can_manage_ticket(user, ticket):
        raise Forbidden()
    return _act(
        request,
        ticket,
        lambda data: ticket_assign(actor=user, ticket=ticket, assignee=data["assignee"]),
        lambda _saved: _("Assignee saved."),
        form=TicketAssignForm(request.POST, assignees=ticket_assignee_choices(ticket=ticket)),
    )


# --- SLA policies (admins) --------------------------------------------------------------------------------------------
def _policies_allowed(request: HttpRequest) -> None:
    if not can_manage_sla_policies(request.user):
        raise Forbidden()


@login_required
@require_GET
def sla_policy_list_view(request: HttpRequest) -> HttpResponse:
    _policies_allowed(request)
    policies = list(sla_policy_list(user=request.user))
    severities = Ticket.Severity.choices
    rows = [(policy, [sla_policy_targets(policy).get(value) for value, _label in severities]) for policy in policies]
    context = {"rows": rows, "severities": severities}
    return render(request, "clients/tickets/policies.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def sla_policy_create_view(request: HttpRequest) -> HttpResponse:
    _policies_allowed(request)
    return form_page(
        request,
        SlaPolicyForm(request.POST or None),
        lambda data: sla_policy_create(actor=request.user, **data),
        title=_("New SLA policy"),
        cancel_url=reverse("clients:sla_policies"),
        success_message=lambda policy: _("SLA policy %(name)s created.") % {"name": policy.name},
        success_url=lambda policy: reverse("clients:sla_policies"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def sla_policy_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    _policies_allowed(request)
    policy: SlaPolicy = sla_policy_get(user=request.user, pk=pk)
    return form_page(
        request,
        SlaPolicyForm(request.POST or None, instance=policy),
        lambda data: sla_policy_update(actor=request.user, policy=policy, **data),
        title=_("Edit SLA policy"),
        eyebrow=policy.name,
        cancel_url=reverse("clients:sla_policies"),
        success_message=lambda saved: _("SLA policy %(name)s saved.") % {"name": saved.name},
        success_url=lambda saved: reverse("clients:sla_policies"),
    )


urlpatterns = [
    path("tickets/", ticket_list_view, name="tickets"),
    path("tickets/new/", ticket_create_view, name="ticket_create"),
    path("tickets/<int:pk>/", ticket_detail_view, name="ticket_detail"),
    path("tickets/<int:pk>/edit/", ticket_edit_view, name="ticket_edit"),
    path("tickets/<int:pk>/comments/", ticket_comment_view, name="ticket_comment"),
    path("tickets/<int:pk>/resolve/", ticket_status_view, {"to": S.RESOLVED}, name="ticket_resolve"),
    path("tickets/<int:pk>/status/<str:to>/", ticket_status_view, name="ticket_status"),
    path("tickets/<int:pk>/reopen/", ticket_reopen_view, name="ticket_reopen"),
    path("tickets/<int:pk>/assign/", ticket_assign_view, name="ticket_assign"),
    path("sla-policies/", sla_policy_list_view, name="sla_policies"),
    path("sla-policies/new/", sla_policy_create_view, name="sla_policy_create"),
    path("sla-policies/<int:pk>/edit/", sla_policy_edit_view, name="sla_policy_edit"),
]
