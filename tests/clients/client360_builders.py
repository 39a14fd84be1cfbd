"""Builders for the client 360 and AM cockpit tests, made through the real services on the account world
(tests/clients/accounts_builders.py: C1 owned by am_related with am_team on its account team, P1 run by pm_related,
P1B run by pm_unrelated): ``fill(aw, n)`` gives C1 n records of every kind the 360 page shows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tests.clients.accounts_builders import AccountWorld, add_contact, record
from tests.clients.pipeline_builders import make_contract, make_milestone, make_opportunity
from tests.clients.survey_builders import add_contacts, answer, send_survey
from tests.clients.ticket_builders import make_policy, open_ticket
from tripod.clients.models import Client, SlaPolicy
from tripod.scope.services import requirement_capture, requirement_clarify


def ensure_policy(aw: AccountWorld) -> None:
    if not SlaPolicy.objects.exists():
        make_policy(aw.user("admin"))


def fill(aw: AccountWorld, n: int, *, client: Client | None = None, tag: str = "") -> dict[str, Any]:
    """``n`` of each: key contacts, interactions, requirements (clarified: awaiting confirmation), open tickets
    (the first one long past its SLA), NPS answers, opportunities, contracts with a milestone and a renewal within
    90 days."""
    client = client or aw.client
    am = client.owner_am
    actor = "am_related" if am == aw.user("am_related") else None
    ensure_policy(aw)
    today = timezone.localdate()
    made: dict[str, Any] = {"requirements": [], "tickets": [], "contracts": []}
    for i in range(n):
        label = f"{tag}{i}"
        if actor:
            contact = add_contact(aw, f"Buyer {label}", role_in_decision_chain="decision_maker")
            record(aw, f"Meeting {label}", contacts=[contact])
        requirement = requirement_capture(
            actor=am, client=client, title=f"Requirement {label}", statement="Single sign-on for every branch."
        )
        made["requirements"].append(requirement_clarify(actor=am, requirement=requirement))
        opened = timezone.now() - (dt.timedelta(days=20) if i == 0 else dt.timedelta(minutes=5))
        made["tickets"].append(open_ticket(am, client, at=opened, severity="high", subject=f"Ticket {label}"))
        make_opportunity(aw.world, actor="admin", client=client, name=f"Deal {label}", amount=Decimal("50000.00"))
        contract = make_contract(
            aw.world,
            actor="admin",
            client=client,
            title=f"Contract {label}",
            renewal_date=today + dt.timedelta(days=45),
        )
        make_milestone(contract, aw.user("admin"), "1000.00", today - dt.timedelta(days=5), invoiced=today)
        made["contracts"].append(contract)
    contacts = add_contacts(am, client, n, prefix=f"Respondent {client.pk}{tag}")
    _survey, invitations = send_survey(am, client, contacts, title=f"Pulse {tag}")
    answer(invitations, [3] + [10] * (n - 1))  # one detractor
    return made
