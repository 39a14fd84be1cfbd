"""The account manager's cockpit: my clients by attention needed with the reasons, SLA clocks, signals, renewals,
detractors, confirmations awaited, follow-ups due; only the AM's own clients; a query budget that does not grow."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.clients.accounts_builders import build_account_world, follow, login, queries
from tests.clients.client360_builders import ensure_policy, fill
from tripod.clients.models import Client, Interaction
from tripod.clients.services import contact_create, interaction_create

pytestmark = pytest.mark.django_db

COCKPIT = reverse("core:cockpit", args=["am"])


@pytest.fixture
def aw(db):
    return build_account_world()


def table(html: str, table_id: str) -> str:
    """The HTML of one cockpit table (from its id to the next section)."""
    start = html.index(f'id="{table_id}"')
    end = html.find('class="tp-section"', start)
    return html[start : end if end != -1 else None]


def a_good_client(aw, name: str) -> Client:
    """A client of am_related with its one decision maker met yesterday and nothing else: good."""
    client = Client.objects.create(name=name, owner_am=aw.user("am_related"))
    cio = contact_create(actor=aw.user("am_related"), client=client, name=f"CIO of {name}",
                         role_in_decision_chain="decision_maker")  # fmt: skip
    interaction_create(actor=aw.user("am_related"), client=client, kind=Interaction.Kind.CALL,
                       at=timezone.now() - dt.timedelta(days=1), subject="Call", contacts=[cio])  # fmt: skip
    return client


def test_my_clients_come_at_risk_first_with_their_reasons(aw, client):
    ensure_policy(aw)
    a_good_client(aw, "Aardvark Good")
    fill(aw, 1)  # C1: a breached ticket, a detractor, a renewal, a clarified requirement: at risk
    html = login(client, aw, "am_related").get(COCKPIT).content.decode()
    mine = table(html, "my-clients")
    assert mine.index("C1") < mine.index("Aardvark Good")  # attention first, not the alphabet
    assert "At risk" in mine and "Good" in mine
    assert "SLA" in mine and "1 breached" in mine  # the reason shown
    assert "Ticket 0" in table(html, "sla-clocks")
    assert "Contract 0" in table(html, "am-renewals")
    assert "Respondent" in table(html, "am-detractors")
    assert "Requirement 0" in table(html, "am-confirmations")


def test_tiles_count_attention_and_sla(aw, client):
    fill(aw, 1)
    a_good_client(aw, "Zebra Good")
    html = login(client, aw, "am_related").get(COCKPIT).content.decode()
    assert "Clients needing attention" in html
    assert "SLA clocks at risk" in html
    tiles = dict(re.findall(r'tp-tile-label">([^<]+)</span>.*?tp-tile-value">\s*([^<\s]+)', html, flags=re.DOTALL))
    assert tiles["My clients"] == "2"
    assert tiles["Clients needing attention"] == "1"
    assert tiles["SLA clocks at risk"] == "1"  # Ticket 0 is past its targets


def test_follow_ups_due_this_week_are_listed(aw, client):
    follow(aw, "Send the revised SOW", due=timezone.localdate() + dt.timedelta(days=2))
    follow(aw, "Plan the QBR", due=timezone.localdate() + dt.timedelta(days=30))
    html = login(client, aw, "am_related").get(COCKPIT).content.decode()
    due = table(html, "am-followups-due")
    assert "Send the revised SOW" in due and "Plan the QBR" not in due


def test_another_am_sees_none_of_it(aw, client):
    fill(aw, 1)
    html = login(client, aw, "am_unrelated").get(COCKPIT).content.decode()
    for leak in ("C1", "Ticket 0", "Contract 0", "Requirement 0", "Respondent"):
        assert leak not in html, leak
    assert 'id="sla-clocks"' not in html and 'id="am-renewals"' not in html


def test_the_cockpit_is_for_account_managers(aw, client):
    assert login(client, aw, "pm_related").get(COCKPIT).status_code == 403
    assert login(client, aw, "client_related").get(COCKPIT).status_code == 403


def test_the_cockpit_costs_the_same_with_one_client_or_many(aw, client):
    fill(aw, 1)
    http = login(client, aw, "am_related")
    http.get(COCKPIT)
    few = queries(http, COCKPIT)
    for n in range(4):
        other = Client.objects.create(name=f"More {n}", owner_am=aw.user("am_related"))
        fill(aw, 2, client=other, tag=f"m{n}-")
    follow(aw, "Another", due=timezone.localdate())
    many = queries(http, COCKPIT)
    assert many <= few
