"""Client and contact pages: the detail page by role (decision chain, contacts, recent interactions and follow-ups
only for the account team; none of it for the PM or the portal), contact editing (version, reports-to errors on
the field), client business lines and account team, the business-line catalogue, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.clients.accounts_builders import (
    add_contact,
    ago,
    build_account_world,
    build_chain,
    follow,
    login,
    queries,
    record,
)
from tripod.clients.models import BusinessLine, Client, Contact
from tripod.clients.services import business_line_create, contact_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw():
    return build_account_world()


# actor: (detail status, sees the chain and contacts, sees interactions and follow-ups)
DETAIL = {
    "admin": (200, True, True),
    "am_related": (200, True, True),
    "am_team": (200, True, True),
    "pm_related": (200, False, True),  # sees the interaction about P1 only, and no follow-ups
    "lm_related": (200, False, False),
    "member_related": (200, False, False),
    "client_related": (200, False, False),
    "am_unrelated": (404, False, False),
    "client_unrelated": (404, False, False),
}


@pytest.mark.parametrize(("actor", "expected"), DETAIL.items())
def test_detail_page_by_role(client, aw, actor, expected):
    people = build_chain(aw)
    record(aw, "About P1", project=aw.project, contacts=[people["cio"]])
    record(aw, "Private lunch", contacts=[people["cfo"]])
    follow(aw, "Send the pricing")
    status, sees_chain, sees_timeline = expected
    response = login(client, aw, actor).get(reverse("clients:detail", args=[aw.client.pk]))
    assert response.status_code == status
    if status != 200:
        return
    html = response.content.decode()
    assert ('class="tp-chain-svg"' in html) == sees_chain
    assert ("Carl CFO" in html) == sees_chain
    assert ("About P1" in html) == sees_timeline
    assert ("Private lunch" in html) == (sees_timeline and sees_chain)
    assert ("Send the pricing" in html) == (sees_timeline and sees_chain)


def test_detail_shows_lines_team_and_the_editors_actions(client, aw):
    cards = business_line_create(actor=aw.user("admin"), name="Cards")
    aw.client.business_lines.add(cards)
    add_contact(aw, "Eve")
    html = login(client, aw, "am_related").get(reverse("clients:detail", args=[aw.client.pk])).content.decode()
    assert "Cards" in html and "am_team" in html
    assert reverse("clients:interaction_create", args=[aw.client.pk]) in html
    assert reverse("clients:contact_create", args=[aw.client.pk]) in html
    assert "/contacts/" in html and "/edit/" in html
    client.logout()
    html = login(client, aw, "am_team").get(reverse("clients:detail", args=[aw.client.pk])).content.decode()
    assert reverse("clients:interaction_create", args=[aw.client.pk]) in html
    assert reverse("clients:contact_create", args=[aw.client.pk]) not in html  # the team reads contacts


def test_stale_contacts_are_flagged(client, aw):
    eve, bob = add_contact(aw, "Eve"), add_contact(aw, "Bob")
    record(aw, contacts=[eve], at=ago(days=120))
    record(aw, contacts=[bob], at=ago(days=5))
    html = login(client, aw, "am_related").get(reverse("clients:detail", args=[aw.client.pk])).content.decode()
    assert html.count('class="tp-stale"') == 1


CONTACT_EDIT = {
    "admin": 200,
    "am_related": 200,
    "am_team": 403,
    "pm_related": 404,  # sees the client, not its contacts
    "lm_related": 404,
    "client_related": 404,
    "am_unrelated": 404,
    "client_unrelated": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize(("actor", "status"), CONTACT_EDIT.items())
def test_contact_edit_page_access(client, aw, actor, status):
    eve = add_contact(aw, "Eve")
    url = reverse("clients:contact_edit", args=[aw.client.pk, eve.pk])
    assert login(client, aw, actor).get(url).status_code == status
    client.post(url, {"name": "Hacked", "version": 1, "influence": 3, "attitude": "neutral"})
    eve.refresh_from_db()
    assert (eve.name == "Hacked") == (status == 200)


def test_contact_edit_saves_and_shows_loop_and_conflict_errors(client, aw):
    people = build_chain(aw)
    ceo = people["ceo"]
    url = reverse("clients:contact_edit", args=[aw.client.pk, ceo.pk])
    login(client, aw, "am_related")
    form = client.get(url).content.decode()
    assert 'name="version" value="1"' in form and 'name="influence"' in form and 'name="active"' in form
    base = {
        "name": "Chen CEO",
        "title": "CEO",
        "role_in_decision_chain": "economic_buyer",
        "influence": "5",
        "attitude": "supporter",
        "active": "on",
        "version": 1,
    }
    response = client.post(url, {**base, "reports_to": people["dev"].pk})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="id_reports_to_error"' in html and "would be a loop" in html
    response = client.post(url, base)
    assert response.status_code == 302
    ceo.refresh_from_db()
    assert (ceo.attitude, ceo.version) == ("supporter", 2)
    response = client.post(url, {**base, "attitude": "opponent"})  # still version 1: someone saved meanwhile
    assert "Someone else changed this record" in response.content.decode()
    ceo.refresh_from_db()
    assert ceo.attitude == "supporter"


def test_contact_form_offers_only_this_clients_people_and_not_itself(client, aw):
    people = build_chain(aw)
    contact_create(actor=aw.user("admin"), client=Client.objects.get(name="C2"), name="Stranger")
    url = reverse("clients:contact_edit", args=[aw.client.pk, people["cio"].pk])
    response = login(client, aw, "am_related").get(url)
    offered = {c.name for c in response.context["form"].fields["reports_to"].queryset}
    assert offered == {"Chen CEO", "Ian IT", "Dora Dev", "Carl CFO", "Paula Procurement"}


def test_add_contact_with_decision_chain_fields(client, aw):
    people = build_chain(aw)
    response = login(client, aw, "am_related").post(
        reverse("clients:contact_create", args=[aw.client.pk]),
        {
            "name": "Olga Ops",
            "role_in_decision_chain": "influencer",
            "influence": "2",
            "attitude": "sceptic",
            "reports_to": people["cio"].pk,
        },
    )
    assert response.status_code == 302
    olga = Contact.objects.get(name="Olga Ops")
    assert (olga.influence, olga.attitude, olga.reports_to, olga.active) == (2, "sceptic", people["cio"], True)


def test_client_edit_sets_business_lines_and_account_team(client, aw):
    cards = business_line_create(actor=aw.user("admin"), name="Cards")
    url = reverse("clients:edit", args=[aw.client.pk])
    login(client, aw, "am_related")
    form = client.get(url).content.decode()
    assert "Cards" in form and 'name="account_team"' in form
    response = client.post(
        url,
        {
            "name": "C1",
            "tier": "key",
            "status": "active",
            "owner_am": aw.user("am_related").pk,
            "business_lines": [cards.pk],
            "account_team": [aw.user("am_team").pk, aw.user("pm_related").pk],
            "version": aw.client.version,
        },
    )
    assert response.status_code == 302
    aw.client.refresh_from_db()
    assert list(aw.client.business_lines.all()) == [cards]
    assert set(aw.client.account_team.values_list("username", flat=True)) == {"am_team", "pm_related"}


LINES = {"admin": 200, "am_related": 200, "pm_related": 200, "member_related": 200, "client_related": 403}


@pytest.mark.parametrize(("actor", "status"), LINES.items())
def test_business_line_catalogue_page(client, aw, actor, status):
    business_line_create(actor=aw.user("admin"), name="Cards")
    login(client, aw, actor)
    response = client.get(reverse("clients:business_lines"))
    assert response.status_code == status
    response = client.post(reverse("clients:business_lines"), {"name": f"Line by {actor}"})
    created = BusinessLine.objects.filter(name=f"Line by {actor}").exists()
    assert created == (actor in ("admin", "am_related"))
    if not created:
        assert response.status_code == 403


def test_business_line_edit_and_duplicate_error(client, aw):
    cards = business_line_create(actor=aw.user("admin"), name="Cards")
    business_line_create(actor=aw.user("admin"), name="Loans")
    login(client, aw, "am_related")
    html = client.post(reverse("clients:business_lines"), {"name": "Loans"}).content.decode()
    assert 'id="id_name_error"' in html
    url = reverse("clients:business_line_edit", args=[cards.pk])
    assert url in client.get(reverse("clients:business_lines")).content.decode()
    response = client.post(url, {"name": "Cards & payments", "description": "", "version": 1})
    assert response.status_code == 302
    cards.refresh_from_db()
    assert cards.name == "Cards & payments"
    client.logout()
    login(client, aw, "pm_related")
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("actor", ["am_related", "am_team", "pm_related"])
def test_detail_query_count_is_flat(client, aw, actor):
    people = build_chain(aw)
    login(client, aw, actor)
    url = reverse("clients:detail", args=[aw.client.pk])

    def grow(n, tag):
        for i in range(n):
            contact = add_contact(aw, f"{tag} contact {i}", reports_to=people["cio"])
            interaction = record(
                aw, f"{tag} call {i}", kind="call", contacts=[contact, people["ceo"]], project=aw.project
            )
            follow(aw, f"{tag} follow {i}", interaction=interaction)
            line = business_line_create(actor=aw.user("admin"), name=f"{tag} line {i}")
            aw.client.business_lines.add(line)

    grow(2, "few")
    queries(client, url)
    few = queries(client, url)
    grow(20, "many")
    assert queries(client, url) == few
    assert few <= 16
