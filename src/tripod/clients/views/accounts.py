"""Client pages (list, create, edit), contact pages (add, edit), the decision chain page and the business-line
catalogue; the admin cockpit's client tile."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from tripod.clients.access import can_create_client, can_edit_client
from tripod.clients.access.accounts import can_edit_contact, can_manage_business_lines, is_on_account_team
from tripod.clients.forms import BusinessLineForm, ClientForm, ContactForm
from tripod.clients.models import Client
from tripod.clients.selectors import client_counts_by_status, client_get, client_list, contact_list
from tripod.clients.selectors.accounts import (
    business_line_get,
    business_line_list,
    contact_get,
    decision_chain_of,
)
from tripod.clients.services import (
    business_line_create,
    business_line_update,
    client_create,
    client_update,
    contact_create,
    contact_update,
)
from tripod.clients.views.decision_chain import decision_chain_picture
from tripod.core.cockpits import Tile, cockpit_tiles
from tripod.core.errors import Forbidden
from tripod.core.htmx import form_page, submit_form
from tripod.core.tables import ChoiceFilter, Column, Table, query_param, render_table
from tripod.identity.models import Role
from tripod.projects.selectors import project_list


def client_url(client: Client) -> str:
    return reverse("clients:detail", args=[client.pk])


def can_view_contacts(user: Any, client: Client) -> bool:
    """The client's people and their decision chain: admins and the account team."""
    return bool(user.is_authenticated and (user.is_admin or is_on_account_team(user, client)))


class ClientTable(Table):
    columns = [
        Column("name", _("Name"), sort="name", link=client_url),
        Column("industry", _("Industry"), sort="industry"),
        Column("tier", _("Tier"), accessor="get_tier_display", sort="tier", badge=lambda c: c.tier),
        Column("status", _("Status"), accessor="get_status_display", sort="status", badge=lambda c: c.status),
        Column("owner_am", _("Account manager"), sort="owner_am__username"),
        Column("project_count", _("Projects"), sort="project_count", numeric=True),
    ]
    default_sort = "name"
    search_placeholder = _("Filter by name or industry…")
    empty_text = _("No clients yet.")
    empty_icon = "building"


def with_project_counts(clients: QuerySet[Client], user: object) -> QuerySet[Client]:
    """Annotate each client with the number of its projects the user may see (never a count of hidden ones)."""
    visible = project_list(user=user).order_by().values("pk")
    return clients.annotate(project_count=Count("projects", filter=Q(projects__in=visible), distinct=True))


@login_required
def client_list_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    clients = client_list(user=request.user, search=query_param(request), status=status)
    table = ClientTable(
        request,
        with_project_counts(clients, request.user),
        id="clients",
        filters=[ChoiceFilter("status", _("Status"), Client.Status.choices)],
    )
    context = {"can_create": can_create_client(request.user)}
    if context["can_create"]:
        context.update(empty_action_url=reverse("clients:create"), empty_action_label=_("New client"))
    return render_table(request, "clients/list.html", context, table)


@login_required
@require_http_methods(["GET", "POST"])
def client_create_view(request: HttpRequest) -> HttpResponse:
    if not can_create_client(request.user):
        raise Forbidden()
    return form_page(
        request,
        ClientForm(request.POST or None, user=request.user),
        lambda data: client_create(actor=request.user, **data),
        title=_("New client"),
        cancel_url=reverse("clients:list"),
        success_message=lambda client: _("Client %(name)s created.") % {"name": client.name},
        success_url=client_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def client_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = client_get(user=request.user, pk=pk)
    if not can_edit_client(request.user, client):
        raise Forbidden()
    return form_page(
        request,
        ClientForm(request.POST or None, instance=client, user=request.user),
        lambda data: client_update(actor=request.user, client=client, **data),
        title=_("Edit client"),
        eyebrow=client.name,
        cancel_url=client_url(client),
        success_message=lambda saved: _("Client %(name)s saved.") % {"name": saved.name},
        success_url=client_url,
    )


# --- contacts and the decision chain ----------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def contact_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = client_get(user=request.user, pk=pk)
    if not can_edit_client(request.user, client):
        raise Forbidden()
    return form_page(
        request,
        ContactForm(request.POST or None, client=client, user=request.user),
        lambda data: contact_create(actor=request.user, client=client, **data),
        title=_("Add contact"),
        eyebrow=client.name,
        submit_label=_("Add contact"),
        cancel_url=client_url(client),
        success_message=lambda contact: _("Contact %(name)s added.") % {"name": contact.name},
        success_url=lambda contact: client_url(client),
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit_view(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    client = client_get(user=request.user, pk=pk)
    contact = contact_get(user=request.user, pk=contact_pk, client=client)
    if not can_edit_contact(request.user, contact):
        raise Forbidden()
    return form_page(
        request,
        ContactForm(request.POST or None, instance=contact, client=client, user=request.user),
        lambda data: contact_update(actor=request.user, contact=contact, **data),
        title=_("Edit contact"),
        eyebrow=client.name,
        cancel_url=client_url(client),
        success_message=lambda saved: _("Contact %(name)s saved.") % {"name": saved.name},
        success_url=lambda saved: client_url(client),
    )


@login_required
@require_GET
def decision_chain_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = client_get(user=request.user, pk=pk)
    if not can_view_contacts(request.user, client):
        raise Forbidden()
    contacts = list(contact_list(user=request.user, client=client))
    chain = decision_chain_of(client, contacts)
    context = {
        "client": client,
        "chain": decision_chain_picture(chain, user=request.user),
        "outline": chain.roots,
        "inactive": [c for c in contacts if not c.active],
        "can_edit": can_edit_client(request.user, client),
    }
    return render(request, "clients/decision_chain.html", context)


# --- the business-line catalogue --------------------------------------------------------------------------------------
def _business_line_edit_url(line: Any) -> str:
    return reverse("clients:business_line_edit", args=[line.pk])


class BusinessLineTable(Table):
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("description", _("Description")),
        Column("client_count", _("Clients"), sort="client_count", numeric=True),
    ]
    default_sort = "name"
    search_placeholder = _("Filter by name…")
    empty_text = _("No business lines yet.")
    empty_icon = "diagram-2"


class EditableBusinessLineTable(BusinessLineTable):
    """The catalogue as its keepers see it: each name opens the line's edit page."""

    columns = [
        Column("name", _("Name"), sort="name", link=_business_line_edit_url),
        *BusinessLineTable.columns[1:],
    ]


@login_required
@require_http_methods(["GET", "POST"])
def business_lines_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_internal:
        raise Forbidden()
    can_manage = can_manage_business_lines(user)
    form = None
    if can_manage:
        form = BusinessLineForm(request.POST or None)
        if request.method == "POST":
            saved = submit_form(form, lambda data: business_line_create(actor=user, **data))
            if saved is not None:
                messages.success(request, _("Business line %(name)s added.") % {"name": saved.name})
                return redirect("clients:business_lines")
    elif request.method == "POST":
        raise Forbidden()
    lines = business_line_list(user=user)
    if q := query_param(request):
        lines = lines.filter(name__icontains=q)
    table = (EditableBusinessLineTable if can_manage else BusinessLineTable)(request, lines, id="business-lines")
    return render_table(request, "clients/business_lines.html", {"form": form, "can_manage": can_manage}, table)


@login_required
@require_http_methods(["GET", "POST"])
def business_line_edit_view(request: HttpRequest, line_pk: int) -> HttpResponse:
    line = business_line_get(user=request.user, pk=line_pk)
    if not can_manage_business_lines(request.user):
        raise Forbidden()
    return form_page(
        request,
        BusinessLineForm(request.POST or None, instance=line),
        lambda data: business_line_update(actor=request.user, line=line, **data),
        title=_("Edit business line"),
        cancel_url=reverse("clients:business_lines"),
        success_message=lambda saved: _("Business line %(name)s saved.") % {"name": saved.name},
        success_url=lambda saved: reverse("clients:business_lines"),
    )


@cockpit_tiles(Role.ADMIN, order=20)
def _admin_clients(request: HttpRequest) -> list[Tile]:
    counts = client_counts_by_status(user=request.user)
    return [
        Tile(
            _("Clients"),
            sum(counts.values()),
            icon="building",
            url=reverse("clients:list"),
            breakdown=[(_("active"), counts.get(Client.Status.ACTIVE, 0))],
        )
    ]


urlpatterns = [
    path("", client_list_view, name="list"),
    path("new/", client_create_view, name="create"),
    path("business-lines/", business_lines_view, name="business_lines"),
    path("business-lines/<int:line_pk>/edit/", business_line_edit_view, name="business_line_edit"),
    path("<int:pk>/edit/", client_edit_view, name="edit"),
    path("<int:pk>/contacts/new/", contact_create_view, name="contact_create"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", contact_edit_view, name="contact_edit"),
    path("<int:pk>/decision-chain/", decision_chain_view, name="decision_chain"),
]
