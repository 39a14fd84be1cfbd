"""Global search: every kind through its visible(user) queryset, grouped by kind, no query for short input."""

from __future__ import annotations

import pytest

from tripod.clients.access import contacts_visible_to
from tripod.clients.services import client_create, contact_create
from tripod.core.registry import register_record
from tripod.core.search import search

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("registry")]


@pytest.fixture
def contacts_kind():
    register_record(
        "clients.contact",
        visible=contacts_visible_to,
        search_fields=("name", "email", "client__name"),
        subtitle=lambda contact: contact.client.name,
        select_related=("client",),
        url=lambda contact: f"/contacts/{contact.pk}/",
    )


def flat(groups):
    return {group.label: [result.title for result in group.results] for group in groups}


def test_search_finds_only_what_the_user_may_see(am, outsider, admin, client_acme, client_other):
    client_create(actor=admin, name="Acme Logistics", owner_am=outsider)
    assert flat(search(user=am, query="acme")) == {"clients.client": ["ACME Cloud"]}
    assert flat(search(user=outsider, query="acme")) == {"clients.client": ["Acme Logistics"]}
    assert flat(search(user=admin, query="ACME")) == {"clients.client": ["ACME Cloud", "Acme Logistics"]}
    assert search(user=outsider, query="cloud") == []


def test_results_are_grouped_by_kind_with_titles_subtitles_urls(contacts_kind, am, client_acme):
    contact_create(actor=am, client=client_acme, name="Li Ming", email="li.ming@acme.example")
    contact_create(actor=am, client=client_acme, name="Ann Acme-Smith")
    groups = search(user=am, query="acme")
    assert [group.label for group in groups] == ["clients.client", "clients.contact"]
    assert [str(group.verbose_name) for group in groups] == ["clients", "contacts"]
    clients, contacts = groups
    assert clients.results[0].subtitle == "Software" and clients.results[0].url == f"/clients/{client_acme.pk}/"
    assert [r.title for r in contacts.results] == ["Ann Acme-Smith", "Li Ming"]
    assert {r.subtitle for r in contacts.results} == {"ACME Cloud"}


def test_portal_user_finds_their_client_but_not_its_contacts(contacts_kind, am, portal, client_acme, client_other):
    contact_create(actor=am, client=client_acme, name="Li Ming")
    assert flat(search(user=portal, query="acme")) == {"clients.client": ["ACME Cloud"]}
    assert search(user=portal, query="li ming") == []
    assert search(user=portal, query="globex") == []


def test_every_word_must_match_some_field(am, client_acme):
    assert flat(search(user=am, query="acme software")) == {"clients.client": ["ACME Cloud"]}
    assert search(user=am, query="acme energy") == []


def test_limit_per_kind_and_has_more(admin):
    for i in range(4):
        client_create(actor=admin, name=f"Initech {i}")
    (group,) = search(user=admin, query="initech", limit_per_kind=3)
    assert [r.title for r in group.results] == ["Initech 0", "Initech 1", "Initech 2"]
    assert group.has_more
    (group,) = search(user=admin, query="initech", limit_per_kind=4)
    assert not group.has_more


@pytest.mark.parametrize("query", ["", " ", "a", " b  ", None])
def test_short_query_runs_no_query(am, query, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert search(user=am, query=query) == []


def test_anonymous_finds_nothing(client_acme):
    from django.contrib.auth.models import AnonymousUser

    assert search(user=AnonymousUser(), query="acme") == []


def test_one_query_per_kind(contacts_kind, am, client_acme, django_assert_max_num_queries):
    for i in range(6):
        contact_create(actor=am, client=client_acme, name=f"Acme person {i}")
    fresh = type(am).objects.get(pk=am.pk)
    # roles and the line of the user (2 + 1 per kind for the grants), then one query per kind
    with django_assert_max_num_queries(6):
        search(user=fresh, query="acme")
