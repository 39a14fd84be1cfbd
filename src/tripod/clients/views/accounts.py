"""Client pages (list, detail with contacts and projects, create, edit) and the account manager's cockpit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from tripod.clients.access import can_create_client, can_edit_client
from tripod.clients.forms import ClientForm, ContactForm
from tripod.clients.models import Client
from tripod.clients.selectors import client_counts_by_status, client_get, client_list, contact_list
from tripod.clients.services import client_create, client_update, contact_create
from tripod.core.cockpits import CockpitTable, Tile, cockpit_table, cockpit_tiles
from tripod.core.errors import Forbidden
from tripod.core.htmx import form_page
from tripod.core.tables import ChoiceFilter, Column, Table, query_param, render_table
from tripod.identity.models import Role
from tripod.projects.selectors import project_list


def _detail_url(client: Client) -> str:
    return reverse("clients:detail", args=[client.pk])


class ClientTable(Table):
    columns = [
        Column("name", _("Name"), sort="name", link=_detail_url),
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
def client_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = client_get(user=request.user, pk=pk)
    user = request.user
    context = {
        "record": client,
        "client": client,
        "contacts": list(contact_list(user=user, client=client)) if user.is_internal else None,
        "projects": list(project_list(user=user, client_id=client.pk)),
        "account_team": list(client.account_team.order_by("display_name", "username")) if user.is_internal else [],
        "can_edit": can_edit_client(user, client),
    }
    return render(request, "clients/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def client_create_view(request: HttpRequest) -> HttpResponse:
    if not can_create_client(request.user):
        raise Forbidden()
    return form_page(
        request,
        ClientForm(request.POST or None),
        lambda data: client_create(actor=request.user, **data),
        title=_("New client"),
        cancel_url=reverse("clients:list"),
        success_message=lambda client: _("Client %(name)s created.") % {"name": client.name},
        success_url=_detail_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def client_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = client_get(user=request.user, pk=pk)
    if not can_edit_client(request.user, client):
        raise Forbidden()
    return form_page(
        request,
        ClientForm(request.POST or None, instance=client),
        lambda data: client_update(actor=request.user, client=client, **data),
        title=_("Edit client"),
        eyebrow=client.name,
        cancel_url=_detail_url(client),
        success_message=lambda saved: _("Client %(name)s saved.") % {"name": saved.name},
        success_url=_detail_url,
    )


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
        cancel_url=_detail_url(client),
        success_message=lambda contact: _("Contact %(name)s added.") % {"name": contact.name},
        success_url=lambda contact: _detail_url(client),
    )


# --- cockpits ---------------------------------------------------------------------------------------------------------
@cockpit_tiles(Role.AM, order=10)
def _am_tiles(request: HttpRequest) -> list[Tile]:
    clients = client_list(user=request.user, mine=True)
    by_status = client_counts_by_status(user=request.user, mine=True)
    projects = project_list(user=request.user).filter(client__in=clients.order_by().values("pk"))
    running = projects.exclude(phase="closed")
    return [
        Tile(
            _("My clients"),
            sum(by_status.values()),
            icon="building",
            url=reverse("clients:list"),
            breakdown=[(label, by_status[value]) for value, label in Client.Status.choices if by_status.get(value)],
        ),
        Tile(_("Active clients"), by_status.get(Client.Status.ACTIVE, 0), icon="check2-circle", tone="success"),
        Tile(_("Prospects"), by_status.get(Client.Status.PROSPECT, 0), icon="stars", tone="info"),
        Tile(
            _("Projects of my clients"),
            projects.count(),
            icon="kanban",
            url=reverse("projects:list"),
            breakdown=[(_("running"), running.count())],
        ),
    ]


class CockpitClientTable(ClientTable):
    searchable = False
    empty_text = _("You do not look after any client yet.")


@cockpit_table(Role.AM, order=10)
def _am_table(request: HttpRequest) -> CockpitTable:
    clients = with_project_counts(client_list(user=request.user, mine=True), request.user)
    table = CockpitClientTable(request, clients, id="my-clients", per_page=10)
    return CockpitTable(_("My clients"), table, more_url=reverse("clients:list"))


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
    path("<int:pk>/", client_detail_view, name="detail"),
    path("<int:pk>/edit/", client_edit_view, name="edit"),
    path("<int:pk>/contacts/new/", contact_create_view, name="contact_create"),
]
