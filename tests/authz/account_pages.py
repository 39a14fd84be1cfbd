"""The account side's records that the truth table checks: per entity, how to make one for C1 (and P1) in the world
of world.py, the page that shows it, and the scoped list it must (or must not) appear in.

Each record carries the word "Zephyr" in a searchable field, so the truth table can also ask the global search
whether a user finds it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from tests.authz.world import World
from tripod.clients.access.pipeline import account_plans_visible_to
from tripod.clients.models import AccountPlan, Contract, Interaction, Opportunity, Survey, Ticket
from tripod.clients.selectors.interactions import interaction_list
from tripod.clients.selectors.pipeline import contract_list, opportunity_list
from tripod.clients.selectors.surveys import survey_list
from tripod.clients.selectors.tickets import ticket_list
from tripod.scope.models import ChangeRequest, Requirement
from tripod.scope.selectors import change_request_list, requirement_list

SEARCH_WORD = "Zephyr"


@dataclass(frozen=True)
class AccountRecord:
    make: Callable[[World], Any]
    url: Callable[[Any], str]
    listed: Callable[[Any], QuerySet[Any]]


def _interaction(world: World) -> Interaction:
    return Interaction.objects.create(
        client=world.client,
        project=world.project,
        kind=Interaction.Kind.MEETING,
        at=timezone.now() - dt.timedelta(days=1),
        subject=f"{SEARCH_WORD} kick-off",
    )


def _ticket(world: World) -> Ticket:
    return Ticket.objects.create(
        client=world.client, project=world.project, subject=f"{SEARCH_WORD} login fails", opened_at=timezone.now()
    )


def _survey(world: World) -> Survey:
    return Survey.objects.create(client=world.client, project=world.project, title=f"{SEARCH_WORD} pulse")


def _opportunity(world: World) -> Opportunity:
    return Opportunity.objects.create(
        client=world.client, name=f"{SEARCH_WORD} phase two", amount=Decimal("100000"), owner=world.client.owner_am
    )


def _contract(world: World) -> Contract:
    return Contract.objects.create(
        client=world.client,
        number="C1-001",
        title=f"{SEARCH_WORD} master services",
        value=Decimal("500000"),
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
    )


def _account_plan(world: World) -> AccountPlan:
    return AccountPlan.objects.create(client=world.client, year=2026, quarter=4, goals=f"{SEARCH_WORD} renewal")


def _requirement(world: World) -> Requirement:
    return Requirement.objects.create(
        client=world.client,
        project=world.project,
        number=1,
        reference="REQ-001",
        title=f"{SEARCH_WORD} single sign-on",
        statement="Users sign in with the corporate directory.",
    )


def _change_request(world: World) -> ChangeRequest:
    return ChangeRequest.objects.create(
        project=world.project,
        number=1,
        reference="CR-001",
        title=f"{SEARCH_WORD} reporting module",
        raised_by=world.project.pm,
    )


ACCOUNT_RECORDS: dict[str, AccountRecord] = {
    "interaction": AccountRecord(
        _interaction,
        lambda r: reverse("clients:interaction_detail", args=[r.client_id, r.pk]),
        lambda user: interaction_list(user=user),
    ),
    "ticket": AccountRecord(
        _ticket, lambda r: reverse("clients:ticket_detail", args=[r.pk]), lambda user: ticket_list(user=user)
    ),
    "survey": AccountRecord(
        _survey, lambda r: reverse("clients:survey_detail", args=[r.pk]), lambda user: survey_list(user=user)
    ),
    "opportunity": AccountRecord(
        _opportunity,
        lambda r: reverse("clients:opportunity_detail", args=[r.pk]),
        lambda user: opportunity_list(user=user),
    ),
    "contract": AccountRecord(
        _contract, lambda r: reverse("clients:contract_detail", args=[r.pk]), lambda user: contract_list(user=user)
    ),
    "account_plan": AccountRecord(
        _account_plan,
        lambda r: reverse("clients:account_plan", args=[r.client_id, r.year, r.quarter]),
        account_plans_visible_to,
    ),
    "requirement": AccountRecord(
        _requirement,
        lambda r: reverse("scope:requirement_detail", args=[r.pk]),
        lambda user: requirement_list(user=user),
    ),
    "change_request": AccountRecord(
        _change_request,
        lambda r: reverse("scope:change_request_detail", args=[r.pk]),
        lambda user: change_request_list(user=user),
    ),
}


# The client 360 page's sections, each loaded on its own: reached with C1's pk.
CLIENT_PAGES = {
    "c360_health": "clients:c360_health",
    "c360_projects": "clients:c360_projects",
    "c360_requirements": "clients:c360_requirements",
    "c360_tickets": "clients:c360_tickets",
    "c360_satisfaction": "clients:c360_satisfaction",
    "c360_commercial": "clients:c360_commercial",
}
