"""Reads of the account records: contacts (scope, filters, last touch computed from the interactions), the
business-line catalogue (staff only, counts over visible clients)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.clients.accounts_builders import add_contact, ago, build_account_world, record
from tests.factories import make_user
from tripod.clients.models import Client
from tripod.clients.selectors import business_line_list, contact_get, contact_list
from tripod.clients.services import (
    business_line_create,
    client_update,
    contact_update,
    interaction_delete,
    interaction_update,
)
from tripod.core.errors import NotFound
from tripod.identity.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw():
    return build_account_world()


@pytest.mark.parametrize(
    ("actor", "sees"),
    [
        ("admin", True),
        ("am_related", True),
        ("am_team", True),
        ("am_unrelated", False),
        ("pm_related", False),
        ("pm_unrelated", False),
        ("lm_related", False),
        ("member_related", False),
        ("client_related", False),
        ("client_unrelated", False),
    ],
)
def test_contacts_are_seen_by_admin_and_the_account_team_only(aw, actor, sees):
    eve = add_contact(aw, "Eve")
    user = aw.user(actor)
    assert list(contact_list(user=user)) == ([eve] if sees else [])
    assert list(contact_list(user=user, client=aw.client)) == ([eve] if sees else [])
    if sees:
        assert contact_get(user=user, pk=eve.pk, client=aw.client) == eve
    else:
        with pytest.raises(NotFound):
            contact_get(user=user, pk=eve.pk)


def test_last_touch_is_the_latest_past_interaction(aw):
    eve, bob = add_contact(aw, "Eve"), add_contact(aw, "Bob")
    am = aw.user("am_related")
    earlier = record(aw, contacts=[eve], at=ago(days=10))
    latest = record(aw, contacts=[eve, bob], at=ago(days=2))
    record(aw, contacts=[eve], at=timezone.now() + timedelta(days=3))  # planned: not a touch yet
    touches = {c.name: c.last_touch_at for c in contact_list(user=am, client=aw.client)}
    assert touches == {"Eve": latest.at, "Bob": latest.at}
    # Moving the interaction moves the last touch; removing Bob from it leaves him untouched.
    moved = interaction_update(actor=am, interaction=latest, version=1, at=ago(days=20), contacts=[eve])
    touches = {c.name: c.last_touch_at for c in contact_list(user=am, client=aw.client)}
    assert touches == {"Eve": earlier.at, "Bob": None}
    interaction_delete(actor=am, interaction=moved)
    assert contact_get(user=am, pk=bob.pk).last_touch_at is None


def test_contact_filters(aw):
    eve = add_contact(aw, "Eve", title="CIO", role_in_decision_chain="decision_maker")
    bob = add_contact(aw, "Bob", email="bob@c1.example")
    old = add_contact(aw, "Old timer")
    contact_update(actor=aw.user("am_related"), contact=old, version=1, active=False)
    am = aw.user("am_related")
    assert list(contact_list(user=am, client=aw.client)) == [bob, eve, old]
    assert list(contact_list(user=am, active=True)) == [bob, eve]
    assert [c.name for c in contact_list(user=am, active=False)] == ["Old timer"]
    assert list(contact_list(user=am, role="decision_maker")) == [eve]
    assert list(contact_list(user=am, search="cio")) == [eve]
    assert list(contact_list(user=am, search="bob@")) == [bob]


def test_business_lines_are_for_staff_with_counts_of_visible_clients(aw):
    cards = business_line_create(actor=aw.user("admin"), name="Cards")
    business_line_create(actor=aw.user("admin"), name="Loans")
    c1, c2 = aw.client, Client.objects.get(name="C2")
    client_update(actor=aw.user("admin"), client=c1, version=c1.version, business_lines=[cards])
    client_update(actor=aw.user("admin"), client=c2, version=c2.version, business_lines=[cards])
    counts = {line.name: line.client_count for line in business_line_list(user=aw.user("admin"))}
    assert counts == {"Cards": 2, "Loans": 0}
    counts = {line.name: line.client_count for line in business_line_list(user=aw.user("am_related"))}
    assert counts == {"Cards": 1, "Loans": 0}  # C2 is not theirs to count
    assert [line.name for line in business_line_list(user=make_user(Role.MEMBER))] == ["Cards", "Loans"]
    assert not business_line_list(user=aw.user("client_related")).exists()
