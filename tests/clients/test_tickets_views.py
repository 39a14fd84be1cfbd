"""Ticket pages: who sees the list and a ticket (404 otherwise), who may write (403 otherwise), what the portal
sees of the thread, the SLA clock on the page, the SLA policy pages, and query counts that do not grow."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.authz.world import ACTORS, build_world
from tests.clients.ticket_builders import local, make_policy, open_ticket, targets_arg
from tripod.clients.models import Client, SlaPolicy, Ticket, TicketComment
from tripod.clients.services.tickets import ticket_comment, ticket_status_change

pytestmark = pytest.mark.django_db

SEES = {"admin", "pm_related", "am_related", "member_related", "self", "client_related"}
STAFF_WHO_SEE = SEES - {"client_related"}
MANAGERS = {"admin", "am_related"}
USERS = [a for a in ACTORS if a != "anonymous"]


@pytest.fixture
def world():
    w = build_world()
    make_policy(w.users["admin"])
    return w


@pytest.fixture
def ticket(world):
    """A ticket of C1 on project P1, with a public reply and an internal note."""
    am = world.users["am_related"]
    ticket = open_ticket(am, world.client, at=local(2, 9), project=world.project, subject="Invoices are wrong")
    ticket_comment(actor=am, ticket=ticket, body="We are on it.", now=local(2, 10))
    ticket_comment(actor=am, ticket=ticket, body="Secret: blame the vendor.", internal=True, now=local(2, 11))
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def other_ticket(world):
    c2 = Client.objects.get(name="C2")
    return open_ticket(world.users["am_unrelated"], c2, at=local(2, 9), subject="Ticket of another client")


def _login(client, world, actor):
    client.force_login(world.users[actor])


@pytest.mark.parametrize("actor", USERS)
def test_list_and_detail_show_a_ticket_only_to_those_who_see_it(client, world, ticket, other_ticket, actor):
    _login(client, world, actor)
    html = client.get(reverse("clients:tickets")).content.decode()
    assert ("Invoices are wrong" in html) == (actor in SEES)
    assert ("Ticket of another client" in html) == (actor in {"admin", "am_unrelated", "client_unrelated"})
    detail = client.get(reverse("clients:ticket_detail", args=[ticket.pk]))
    assert detail.status_code == (200 if actor in SEES else 404)


def test_anonymous_is_sent_to_login(client, ticket):
    for url in (reverse("clients:tickets"), reverse("clients:ticket_detail", args=[ticket.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url


def test_the_portal_never_sees_internal_notes_or_staff_actions(client, world, ticket):
    _login(client, world, "client_related")
    html = client.get(reverse("clients:ticket_detail", args=[ticket.pk])).content.decode()
    assert "We are on it." in html
    assert "Secret: blame the vendor." not in html
    assert 'name="internal"' not in html
    assert reverse("clients:ticket_assign", args=[ticket.pk]) not in html
    assert reverse("clients:ticket_resolve", args=[ticket.pk]) not in html
    _login(client, world, "pm_related")
    html = client.get(reverse("clients:ticket_detail", args=[ticket.pk])).content.decode()
    assert "Secret: blame the vendor." in html and 'name="internal"' in html
    assert reverse("clients:ticket_resolve", args=[ticket.pk]) in html
    assert reverse("clients:ticket_assign", args=[ticket.pk]) not in html  # the PM works it, the AM assigns it


@pytest.mark.parametrize("actor", USERS)
def test_comment_write_cells(client, world, ticket, actor):
    _login(client, world, actor)
    response = client.post(reverse("clients:ticket_comment", args=[ticket.pk]), {"body": f"From {actor}"})
    expected = 302 if actor in SEES else 404
    assert response.status_code == expected
    assert TicketComment.objects.filter(body=f"From {actor}").exists() == (actor in SEES)


@pytest.mark.parametrize("actor", USERS)
def test_status_write_cells(client, world, ticket, actor):
    _login(client, world, actor)
    response = client.post(reverse("clients:ticket_status", args=[ticket.pk, "in_progress"]))
    expected = 302 if actor in STAFF_WHO_SEE else 403 if actor in SEES else 404
    assert response.status_code == expected
    assert Ticket.objects.get(pk=ticket.pk).status == ("in_progress" if actor in STAFF_WHO_SEE else "new")


@pytest.mark.parametrize("actor", USERS)
def test_assign_write_cells(client, world, ticket, actor):
    _login(client, world, actor)
    member = world.users["member_related"]
    response = client.post(reverse("clients:ticket_assign", args=[ticket.pk]), {"assignee": member.pk})
    expected = 302 if actor in MANAGERS else 403 if actor in SEES else 404
    assert response.status_code == expected
    assert (Ticket.objects.get(pk=ticket.pk).assignee == member) == (actor in MANAGERS)


@pytest.mark.parametrize("actor", USERS)
def test_close_write_cells(client, world, ticket, actor):
    ticket_status_change(actor=world.users["am_related"], ticket=ticket, to="resolved", resolution="Fixed.")
    _login(client, world, actor)
    response = client.post(reverse("clients:ticket_status", args=[ticket.pk, "closed"]))
    expected = 302 if actor in MANAGERS else 403 if actor in SEES else 404
    assert response.status_code == expected
    assert (Ticket.objects.get(pk=ticket.pk).status == "closed") == (actor in MANAGERS)


@pytest.mark.parametrize("actor", USERS)
def test_edit_page_cells(client, world, ticket, actor):
    _login(client, world, actor)
    response = client.get(reverse("clients:ticket_edit", args=[ticket.pk]))
    assert response.status_code == (200 if actor in STAFF_WHO_SEE else 403 if actor in SEES else 404)


OPENERS = {"admin", "am_related", "am_unrelated", "client_related", "client_unrelated"}


@pytest.mark.parametrize("actor", USERS)
def test_who_may_open_a_ticket(client, world, actor):
    _login(client, world, actor)
    assert client.get(reverse("clients:ticket_create")).status_code == (200 if actor in OPENERS else 403)


def test_resolve_without_a_note_says_why_and_changes_nothing(client, world, ticket):
    _login(client, world, "am_related")
    response = client.post(reverse("clients:ticket_resolve", args=[ticket.pk]), {"resolution": ""}, follow=True)
    assert "Write how the ticket was resolved." in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == "new"
    client.post(reverse("clients:ticket_resolve", args=[ticket.pk]), {"resolution": "Rebuilt the invoices."})
    assert Ticket.objects.get(pk=ticket.pk).resolution == "Rebuilt the invoices."


def test_a_portal_user_opens_a_ticket_through_the_page(client, world):
    _login(client, world, "client_related")
    page = client.get(reverse("clients:ticket_create")).content.decode()
    assert 'name="kind"' not in page and 'name="client"' not in page
    response = client.post(
        reverse("clients:ticket_create"),
        {"subject": "Cannot log in", "severity": "high", "project": world.project.pk, "description": "Since 9:00"},
    )
    ticket = Ticket.objects.get(subject="Cannot log in")
    assert response.status_code == 302 and response.url == reverse("clients:ticket_detail", args=[ticket.pk])
    assert (ticket.client, ticket.reporter, ticket.severity) == (world.client, world.users["client_related"], "high")


def test_staff_open_a_ticket_for_their_own_client_only(client, world):
    _login(client, world, "am_related")
    c2 = Client.objects.get(name="C2")
    response = client.post(reverse("clients:ticket_create"), {"client": c2.pk, "subject": "x", "severity": "low",
                                                              "kind": "question"})  # fmt: skip
    assert response.status_code == 200 and not Ticket.objects.exists()  # C2 is not one of the choices
    response = client.post(
        reverse("clients:ticket_create"),
        {"client": world.client.pk, "subject": "Slow reports", "severity": "low", "kind": "complaint"},
    )
    assert response.status_code == 302
    assert Ticket.objects.get().kind == "complaint"


def test_the_detail_page_draws_the_sla_clock(client, world, ticket):
    _login(client, world, "am_related")
    html = client.get(reverse("clients:ticket_detail", args=[ticket.pk])).content.decode()
    assert html.count('class="tp-sla-bar"') == 2
    assert "tp-sla-fill-met" in html  # the first response came after 60 of 240 minutes


def test_list_filters_by_sla_breach(client, world, ticket, other_ticket):
    _login(client, world, "admin")
    ticket_status_change(
        actor=world.users["admin"], ticket=other_ticket, to="resolved", resolution="x", now=local(9, 9)
    )
    html = client.get(reverse("clients:tickets"), {"sla": "yes"}).content.decode()
    assert "Ticket of another client" in html and "Invoices are wrong" not in html


# --- SLA policies -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("actor", USERS)
def test_only_admins_reach_the_policy_pages(client, world, actor):
    _login(client, world, actor)
    policy = SlaPolicy.objects.get()
    for url in (
        reverse("clients:sla_policies"),
        reverse("clients:sla_policy_create"),
        reverse("clients:sla_policy_edit", args=[policy.pk]),
    ):
        assert client.get(url).status_code == (200 if actor == "admin" else 403), url


def _policy_post(policy: SlaPolicy, **overrides) -> dict:
    data = {"name": policy.name, "calendar": policy.calendar_id, "escalation_percent": 75, "is_default": "on",
            "version": policy.version}  # fmt: skip
    for severity, values in targets_arg().items():
        data[f"{severity}_first_response"] = values["first_response_minutes"] / 60
        data[f"{severity}_resolution"] = values["resolution_minutes"] / 60
    data.update(overrides)
    return data


def test_the_policy_form_takes_hours_and_names_the_bad_field(client, world):
    _login(client, world, "admin")
    policy = SlaPolicy.objects.get()
    url = reverse("clients:sla_policy_edit", args=[policy.pk])
    page = client.get(url).content.decode()
    assert 'name="medium_resolution"' in page and 'value="16' in page  # 960 minutes shown as 16 hours
    response = client.post(url, _policy_post(policy, medium_resolution="2"))
    assert response.status_code == 200
    assert "cannot be shorter than the first response" in response.content.decode()
    response = client.post(url, _policy_post(policy, critical_first_response="0.5"))
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.escalation_percent == 75
    assert policy.targets.get(severity="critical").first_response_minutes == 30


# --- query counts -----------------------------------------------------------------------------------------------------
def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("actor", ["am_related", "client_related", "admin"])
def test_list_query_count_does_not_grow(client, world, actor):
    am = world.users["am_related"]
    open_ticket(am, world.client, at=local(2, 9), project=world.project)
    _login(client, world, actor)
    url = reverse("clients:tickets")
    one = _queries(client, url)
    for i in range(12):
        ticket = open_ticket(am, world.client, at=local(2, 9 + i % 8), project=world.project, severity="high")
        if i % 3 == 0:
            ticket_comment(actor=am, ticket=ticket, body="On it", now=local(3, 9))
        if i % 4 == 0:
            ticket_status_change(actor=am, ticket=ticket, to="waiting_on_client", now=local(3, 10))
    many = _queries(client, url)
    assert many <= one, (one, many)


def test_detail_query_count_does_not_grow_with_the_thread(client, world, ticket):
    am, client_user = world.users["am_related"], world.users["client_related"]
    _login(client, world, "am_related")
    url = reverse("clients:ticket_detail", args=[ticket.pk])
    one = _queries(client, url)
    for i in range(10):
        ticket_comment(actor=client_user if i % 2 else am, ticket=ticket, body=f"Message {i}", internal=i % 4 == 0)
    assert _queries(client, url) <= one


def test_the_htmx_refresh_of_the_table_keeps_the_sla_column(client, world, ticket):
    _login(client, world, "am_related")
    response = client.get(
        reverse("clients:tickets"), {"sort": "subject"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="tickets"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<main" not in html
    assert "Invoices are wrong" in html and "tp-sla-" in html


def test_the_client_tickets_partial_renders_the_sla_state(world, ticket, rf):
    from django.template.loader import render_to_string
    from django.utils import timezone

    from tripod.clients.selectors.tickets import ticket_list, with_sla

    am = world.users["am_related"]
    rows = with_sla(list(ticket_list(user=am, client=world.client)), timezone.now())
    request = rf.get("/")
    request.user = am
    html = render_to_string(
        "clients/tickets/_client_tickets.html", {"tickets": rows, "client": world.client, "can_open": True}, request
    )
    assert "Invoices are wrong" in html and "tp-sla-breached" in html
    assert f"{reverse('clients:ticket_create')}?client={world.client.pk}" in html
