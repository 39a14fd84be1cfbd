"""The client 360: the client page with its health summary and sections (projects, requirements and change
requests, tickets, satisfaction, pipeline and contracts), each section loaded on its own."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from tripod.clients.access import can_edit_client
from tripod.clients.access.tickets import can_open_ticket
from tripod.clients.models import Client
from tripod.clients.selectors import client_get, contact_list
from tripod.clients.selectors.accounts import (
    decision_chain_of,
)
from tripod.clients.selectors.interactions import followup_list, interaction_list
from tripod.clients.selectors.pipeline import (
    account_plan_for,
    collection_rate,
    contract_list,
    current_quarter,
    pipeline_by_stage,
    renewal_state,
)
from tripod.clients.selectors.surveys import satisfaction_summary
from tripod.clients.selectors.tickets import ticket_list, with_sla
from tripod.clients.views.decision_chain import STALE_AFTER, decision_chain_picture
from tripod.clients.views.surveys import trend_charts
from tripod.core.errors import Forbidden
from tripod.projects.selectors import project_list
from tripod.projects.selectors.cockpit import project_health
from tripod.scope.account_health import (
    account_health,
    sees_account,
)
from tripod.scope.selectors import change_request_list, requirement_list

RECENT_INTERACTIONS = 5
OPEN_FOLLOWUPS_SHOWN = 5


# The first paint shows the header, the health summary's frame, the people and the recent timeline; the heavier
# sections (health, projects with earned value, requirements, tickets with their SLA clocks, satisfaction, the
# commercial side) load each from its own URL, so the page costs the same few queries whatever the account holds.
# Each section is offered only to those who may see its records: the account side (health, contacts, timeline,
# requirements, tickets, satisfaction, pipeline, contracts) to admins and the account team; projects to anyone who
# sees the client, each through the scoped project list (costs only to those who may see them).
SECTION_ROWS = 10


def _sections(client: Client, *, team: bool) -> list[tuple[str, str]]:
    """(section, url) of the lazily loaded sections the user gets, in page order."""
    names = ["projects"]
    if team:
        names = ["health", "projects", "requirements", "tickets", "satisfaction", "commercial"]
    return [(name, reverse(f"clients:c360_{name}", args=[client.pk])) for name in names]


@login_required
@require_GET
def client_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = client_get(user=request.user, pk=pk)
    user = request.user
    team = sees_account(user, client)
    contacts = list(contact_list(user=user, client=client)) if team else None
    context = {
        "record": client,
        "client": client,
        "team": team,
        "contacts": contacts,
        "chain": decision_chain_picture(decision_chain_of(client, contacts), user=user) if contacts else None,
        "business_lines": list(client.business_lines.order_by("name")) if user.is_internal else [],
        "account_team": list(client.account_team.order_by("display_name", "username")) if user.is_internal else [],
        "interactions": _timeline_part(interaction_list, user, client, RECENT_INTERACTIONS, team=team),
        "followups": _timeline_part(followup_list, user, client, OPEN_FOLLOWUPS_SHOWN, team=team),
        "can_edit": can_edit_client(user, client),
        "can_record": team,  # recording interactions and giving out follow-ups: admins and the account team
        "stale_before": timezone.now() - STALE_AFTER,
        "sections": dict(_sections(client, team=team)),
    }
    return render(request, "clients/detail.html", context)


def _timeline_part(selector: Any, user: Any, client: Client, rows: int, *, team: bool) -> list[Any] | None:
    """Recent interactions or open follow-ups: the account team always gets the card; other staff only when the
    scoped list holds something for them (the PM of a project sees the interactions about it); the portal none."""
    if not user.is_internal:
        return None
    found = list(selector(user=user, client=client)[:rows])
    return found if found or team else None


def _section_client(request: HttpRequest, pk: int, *, team_only: bool = True) -> Client:
    """The client of a lazily loaded section: 404 when invisible, 403 when the section is not the user's."""
    client = client_get(user=request.user, pk=pk)
    if team_only and not sees_account(request.user, client):
        raise Forbidden()
    return client


@login_required
@require_GET
def client_health_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = _section_client(request, pk)
    health = account_health(user=request.user, client=client)
    return render(request, "clients/client360/_health.html", {"client": client, "health": health})


@login_required
@require_GET
def client_projects_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = _section_client(request, pk, team_only=False)
    user = request.user
    projects = list(project_list(user=user, client_id=client.pk))
    health = project_health(user=user, projects=projects) if user.is_internal else {}
    for project in projects:
        project.health = health.get(project.pk)
    context = {
        "client": client,
        "projects": projects,
        "show_indices": any(h.ev is not None for h in health.values()),
        "show_rag": bool(health),
    }
    return render(request, "clients/client360/_projects.html", context)


@login_required
@require_GET
def client_requirements_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = _section_client(request, pk)
    requirements = requirement_list(user=request.user, client=client, open_only=True)
    context = {
        "client": client,
        "requirements": list(requirements[:SECTION_ROWS]),
        "requirement_count": requirements.count(),
        "change_requests": open_change_requests(request.user, client),
    }
    return render(request, "clients/client360/_requirements.html", context)


def open_change_requests(user: Any, client: Client) -> list[Any]:
    """The client's change requests still to decide or apply."""
    return list(change_request_list(user=user, client=client, open_only=True)[:SECTION_ROWS])


@login_required
@require_GET
def client_tickets_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = _section_client(request, pk)
    tickets = with_sla(
        list(ticket_list(user=request.user, client=client, open_only=True)[:SECTION_ROWS]), timezone.now()
    )
    context = {"client": client, "tickets": tickets, "can_open": can_open_ticket(request.user, client)}
    return render(request, "clients/client360/_tickets.html", context)


@login_required
@require_GET
def client_satisfaction_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = _section_client(request, pk)
    context = {
        "client": client,
        "satisfaction": satisfaction_summary(user=request.user, client=client),
        "charts": trend_charts(user=request.user, client=client, period="quarter"),
    }
    return render(request, "clients/client360/_satisfaction.html", context)


@login_required
@require_GET
def client_commercial_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = _section_client(request, pk)
    user, today = request.user, timezone.localdate()
    year, quarter = current_quarter(today)
    contracts = list(contract_list(user=user, client_id=client.pk)[:SECTION_ROWS])
    for contract in contracts:
        contract.renewal = renewal_state(contract, today)
    context = {
        "client": client,
        "stages": [s for s in pipeline_by_stage(user=user, client_id=client.pk) if s.count],
        "contracts": contracts,
        "collection": collection_rate(user=user, client=client, as_of=today),
        "plan": account_plan_for(user=user, client=client, year=year, quarter=quarter),
        "year": year,
        "quarter": quarter,
    }
    return render(request, "clients/client360/_commercial.html", context)


urlpatterns = [
    path("<int:pk>/", client_detail_view, name="detail"),
    path("<int:pk>/360/health/", client_health_view, name="c360_health"),
    path("<int:pk>/360/projects/", client_projects_view, name="c360_projects"),
    path("<int:pk>/360/requirements/", client_requirements_view, name="c360_requirements"),
    path("<int:pk>/360/tickets/", client_tickets_view, name="c360_tickets"),
    path("<int:pk>/360/satisfaction/", client_satisfaction_view, name="c360_satisfaction"),
    path("<int:pk>/360/commercial/", client_commercial_view, name="c360_commercial"),
]
