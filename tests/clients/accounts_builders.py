"""Builders for the account tests (contacts and decision chain, interactions, follow-ups), made through the real
services on top of the authorization world (tests/authz/world.py): client C1 owned by am_related, its project P1
run by pm_related, and one more AM, ``am_team``, on C1's account team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.authz.world import World, build_world
from tests.factories import make_user
from tripod.clients.models import Contact, FollowUp, Interaction
from tripod.clients.services import contact_create, followup_create, interaction_create
from tripod.core.models import BusinessEvent
from tripod.identity.models import Role
from tripod.projects.models import Project


@dataclass
class AccountWorld:
    world: World
    users: dict[str, Any]
    other_project: Project  # another project of C1, run by pm_unrelated

    @property
    def client(self) -> Any:
        return self.world.client

    @property
    def project(self) -> Project:
        return self.world.project

    def user(self, actor: str) -> Any:
        return self.users[actor]


def build_account_world() -> AccountWorld:
    world = build_world()
    users = dict(world.users)
    users["am_team"] = make_user(Role.AM, username="am_team")
    world.client.account_team.add(users["am_team"])
    other = Project.objects.create(code="P1B", name="Project one-b", client=world.client, pm=users["pm_unrelated"])
    return AccountWorld(world=world, users=users, other_project=other)


def ago(days: float = 0, hours: float = 0) -> datetime:
    return timezone.now() - timedelta(days=days, hours=hours)


def add_contact(aw: AccountWorld, name: str, actor: str = "am_related", **fields: Any) -> Contact:
    return contact_create(actor=aw.user(actor), client=aw.client, name=name, **fields)


def build_chain(aw: AccountWorld) -> dict[str, Contact]:
    """CEO (economic buyer) <- CIO (decision maker) <- IT manager (champion) <- developer (user); CEO <- CFO
    (blocker); procurement (gatekeeper) reports to nobody we know."""
    ceo = add_contact(aw, "Chen CEO", title="CEO", role_in_decision_chain="economic_buyer", influence=5)
    cio = add_contact(aw, "Ivy CIO", title="CIO", role_in_decision_chain="decision_maker", influence=4, reports_to=ceo)
    itm = add_contact(
        aw, "Ian IT", title="IT manager", role_in_decision_chain="champion", attitude="supporter", reports_to=cio
    )
    dev = add_contact(aw, "Dora Dev", title="Developer", role_in_decision_chain="user", influence=1, reports_to=itm)
    cfo = add_contact(
        aw, "Carl CFO", title="CFO", role_in_decision_chain="blocker", attitude="opponent", influence=4, reports_to=ceo
    )
    buyer = add_contact(aw, "Paula Procurement", title="Buyer", role_in_decision_chain="gatekeeper")
    return {"ceo": ceo, "cio": cio, "itm": itm, "dev": dev, "cfo": cfo, "buyer": buyer}


def record(
    aw: AccountWorld,
    subject: str = "Kick-off",
    *,
    actor: str = "am_related",
    kind: str = Interaction.Kind.MEETING,
    at: datetime | None = None,
    **fields: Any,
) -> Interaction:
    return interaction_create(
        actor=aw.user(actor), client=aw.client, kind=kind, at=at or ago(days=1), subject=subject, **fields
    )


def follow(aw: AccountWorld, text: str = "Send the proposal", *, actor: str = "am_related", **fields: Any) -> FollowUp:
    fields.setdefault("due", timezone.localdate() + timedelta(days=3))
    return followup_create(actor=aw.user(actor), client=aw.client, text=text, **fields)


def verbs() -> list[str]:
    """The business events recorded so far, oldest first."""
    return list(BusinessEvent.objects.order_by("pk").values_list("verb", flat=True))


def login(http: Any, aw: AccountWorld, actor: str) -> Any:
    """Sign ``actor`` of the world in on the test client (``anonymous`` stays signed out)."""
    if actor != "anonymous":
        http.force_login(aw.user(actor))
    return http


def queries(http: Any, url: str) -> int:
    """How many queries a GET of ``url`` takes (it must answer 200)."""
    with CaptureQueriesContext(connection) as ctx:
        assert http.get(url).status_code == 200
    return len(ctx.captured_queries)
