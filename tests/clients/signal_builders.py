"""Builders for the buying-signal tests, through the real services, on top of the account world
(tests/clients/accounts_builders.py): client C1 owned by am_related with am_team on its account team, C2 owned by
am_unrelated. Rules are created by the admin; evaluation runs at a chosen moment (``NOW``-relative helpers)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from django.utils import timezone

from tests.clients.accounts_builders import AccountWorld, build_account_world
from tripod.clients.models import Contact, Contract, Interaction, Signal, SignalRule
from tripod.clients.services import contact_create, interaction_create
from tripod.clients.services.pipeline import contract_create
from tripod.clients.services.signals import signal_rule_create, signals_evaluate

_numbers = count(1)

# Every actor of the account world and whether they see (and handle) C1's signals.
SEES_C1_SIGNALS = {
    "admin": True,
    "am_related": True,
    "am_team": True,
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


def signal_world() -> AccountWorld:
    return build_account_world()


def make_rule(aw: AccountWorld, kind: str, *, code: str | None = None, **parameters: Any) -> SignalRule:
    return signal_rule_create(
        actor=aw.user("admin"),
        code=code or f"{kind.replace('_', '-')}-{next(_numbers)}",
        name=f"Rule {kind}",
        kind=kind,
        parameters=parameters,
    )


def download(aw: AccountWorld, at: datetime, subject: str = "", client: Any = None, actor: str = "am_related") -> Any:
    """A content download by the client, recorded by its account team."""
    client = client or aw.client
    actor = actor if client == aw.client else "am_unrelated"
    return interaction_create(
        actor=aw.user(actor),
        client=client,
        kind=Interaction.Kind.CONTENT_DOWNLOAD,
        at=at,
        subject=subject or f"Downloaded: white paper {next(_numbers)}",
    )


def key_contact(aw: AccountWorld, name: str, role: str = Contact.DecisionRole.DECISION_MAKER, **fields: Any) -> Contact:
    return contact_create(
        actor=aw.user("am_related"), client=aw.client, name=name, role_in_decision_chain=role, **fields
    )


def contract(aw: AccountWorld, renewal_date: date, **fields: Any) -> Contract:
    fields.setdefault("status", Contract.Status.ACTIVE)
    return contract_create(
        actor=aw.user("am_related"),
        client=aw.client,
        number=f"CT-{next(_numbers):04d}",
        title="Support agreement",
        value=Decimal("120000.00"),
        start=renewal_date - timedelta(days=365),
        end=renewal_date,
        **fields,
    )


def evaluate(now: datetime | None = None) -> dict[str, int]:
    return signals_evaluate(now=now or timezone.now())


def signals_of(rule: SignalRule) -> list[Signal]:
    return list(Signal.objects.filter(rule=rule).order_by("pk"))


def evidence_ids(signal: Signal) -> set[tuple[str, int]]:
    """The signal's evidence as (model name, id) pairs."""
    return {(e.content_type.model, e.object_id) for e in signal.evidence.select_related("content_type")}


def raise_download_signal(aw: AccountWorld, rule: SignalRule | None = None) -> Signal:
    """Three downloads from C1 in the last days, evaluated: one open signal."""
    rule = rule or make_rule(aw, SignalRule.Kind.CONTENT_DOWNLOADS)
    now = timezone.now()
    for days in (5, 3, 1):
        download(aw, now - timedelta(days=days))
    evaluate(now)
    return Signal.objects.get(rule=rule, client=aw.client)
