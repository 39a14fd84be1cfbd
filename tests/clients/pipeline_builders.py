"""Builders for the pipeline tests: the authz world (tests/authz/world.py) plus an account-team member on C1, and
opportunities, contracts and milestones made through the real services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count
from typing import Any

from tests.authz.world import World, build_world
from tests.factories import make_user
from tripod.clients.models import BillingMilestone, BusinessLine, Contract, Opportunity
from tripod.clients.services.pipeline import (
    billing_milestone_add,
    billing_milestone_invoice,
    billing_milestone_pay,
    contract_create,
    opportunity_create,
)
from tripod.identity.models import Role

_numbers = count(1)

# Every actor of the world and whether they see (and write) the pipeline of C1.
SEES_C1 = {
    "admin": True,
    "am_related": True,
    "team_member": True,
    "am_unrelated": False,
    "pm_related": False,
    "pm_unrelated": False,
    "lm_related": False,
    "lm_unrelated": False,
    "member_related": False,
    "member_unrelated": False,
    "client_related": False,
    "client_unrelated": False,
    "self": False,
}


def pipeline_world() -> World:
    """The authz world, plus ``team_member``: a consultant (member role) on C1's account team."""
    world = build_world()
    member = make_user(Role.MEMBER, username="team_member")
    world.client.account_team.add(member)
    world.users["team_member"] = member
    return world


def am(world: World) -> Any:
    return world.users["am_related"]


def make_opportunity(world: World, actor: str = "am_related", client: Any = None, **fields: Any) -> Opportunity:
    fields.setdefault("name", f"Deal {next(_numbers)}")
    fields.setdefault("amount", Decimal("100000.00"))
    return opportunity_create(actor=world.users[actor], client=client or world.client, **fields)


def make_line(name: str = "Core banking") -> BusinessLine:
    return BusinessLine.objects.create(name=name)


def make_contract(world: World, actor: str = "am_related", client: Any = None, **fields: Any) -> Contract:
    fields.setdefault("number", f"CT-{next(_numbers):04d}")
    fields.setdefault("title", "Framework agreement")
    fields.setdefault("value", Decimal("100000.00"))
    fields.setdefault("status", Contract.Status.ACTIVE)
    return contract_create(actor=world.users[actor], client=client or world.client, **fields)


def make_milestone(
    contract: Contract,
    actor: Any,
    amount: str,
    due: dt.date,
    *,
    invoiced: dt.date | None = None,
    paid: tuple[str, dt.date] | None = None,
    name: str = "",
) -> BillingMilestone:
    milestone = billing_milestone_add(
        actor=actor, contract=contract, name=name or f"Milestone {next(_numbers)}", amount=Decimal(amount), due=due
    )
    if invoiced:
        milestone = billing_milestone_invoice(actor=actor, milestone=milestone, invoiced_at=invoiced)
    if paid:
        milestone = billing_milestone_pay(actor=actor, milestone=milestone, amount=Decimal(paid[0]), paid_at=paid[1])
    return milestone
