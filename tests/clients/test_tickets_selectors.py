"""Ticket reads: the SLA state of a ticket at a given time, the scoped list and its filters, the thread as each
reader may see it, and the SLA metrics (every figure written out by hand below)."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.authz.world import build_world
from tests.clients.ticket_builders import local, make_policy, open_ticket
from tripod.clients.models import Client
from tripod.clients.selectors.tickets import (
    business_duration,
    sla_metrics,
    sla_state,
    ticket_comments,
    ticket_list,
)
from tripod.clients.services.tickets import ticket_comment, ticket_status_change

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shanghai(settings):
    settings.TIME_ZONE = "Asia/Shanghai"


@pytest.fixture
def world():
    w = build_world()
    make_policy(w.users["admin"])
    return w


def test_business_duration_reads_in_hours_and_minutes():
    with translation.override("en"):
        assert business_duration(195) == "3 h 15 min"
        assert business_duration(45) == "45 min"
        assert business_duration(-30) == "-30 min"
        assert business_duration(120) == "2 h"
        assert business_duration(0) == "0 min"
        assert business_duration(1000, day_minutes=480) == "2 d 40 min"  # in business days of 8 hours
        assert business_duration(1020, day_minutes=480) == "2 d 1 h"
        assert business_duration(None) == "—"


# --- the SLA state ----------------------------------------------------------------------------------------------------
def test_sla_state_counts_business_minutes_over_a_weekend(world):
    ticket = open_ticket(world.users["am_related"], world.client, at=local(6, 16))  # Friday 16:00

    on_saturday = sla_state(ticket, local(7, 12))
    assert on_saturday.targets[0].elapsed_minutes == 120  # the clock stood still since Friday 18:00

    monday = sla_state(ticket, local(9, 10))
    response, resolution = monday.targets
    assert (response.elapsed_minutes, response.remaining_minutes, response.percent) == (180, 60, 75)
    assert (response.state, response.due_at, response.done) == ("ok", local(9, 11), False)
    assert (resolution.elapsed_minutes, resolution.state, resolution.due_at) == (180, "ok", local(10, 16))
    assert monday.state == "ok"
    assert monday.current is response

    assert sla_state(ticket, local(9, 10, 15)).state == "warning"  # 195 of 240: past 80 %
    late = sla_state(ticket, local(9, 11, 30))
    assert (late.state, late.targets[0].state, late.targets[0].percent) == ("breached", "breached", 100)
    with translation.override("en"):
        assert late.targets[0].overrun_display == "30 min"


def test_sla_state_after_the_first_response_runs_the_resolution_clock(world):
    am = world.users["am_related"]
    ticket = open_ticket(am, world.client, at=local(2, 9))
    ticket_comment(actor=am, ticket=ticket, body="On it.", now=local(2, 10))
    ticket.refresh_from_db()
    state = sla_state(ticket, local(3, 9))
    assert [(t.state, t.elapsed_minutes, t.done) for t in state.targets] == [("met", 60, True), ("ok", 480, False)]
    assert state.current.target == "resolution"
    assert state.state == "ok"


# --- lists ------------------------------------------------------------------------------------------------------------
@pytest.fixture
def tickets(world):
    """Four tickets of C1 opened Monday 2 March 09:00 (medium: 240 / 960 business minutes), one of C2, and one of
    C1 in April. A: answered after 60, resolved after 480. B: answered after 300, resolved after 1200 (both late).
    C: answered after 250 (late), resolved after 600. D: still open, unanswered."""
    am, other_am = world.users["am_related"], world.users["am_unrelated"]
    made = {}
    plan = {
        "A": (local(2, 10), local(2, 18)),
        "B": (local(2, 15), local(4, 14)),
        "C": (local(2, 14, 10), local(3, 11)),
        "D": (None, None),
    }
    for name, (reply, resolve) in plan.items():
        ticket = open_ticket(am, world.client, at=local(2, 9), subject=f"Ticket {name}")
        if reply:
            ticket_comment(actor=am, ticket=ticket, body="Looking.", now=reply)
        if resolve:
            ticket = ticket_status_change(actor=am, ticket=ticket, to="resolved", resolution="Done.", now=resolve)
        made[name] = ticket
    other = Client.objects.get(name="C2")
    made["E"] = open_ticket(other_am, other, at=local(2, 9), subject="Ticket E", severity="high")
    ticket_status_change(actor=other_am, ticket=made["E"], to="resolved", resolution="Done.", now=local(2, 10))
    made["F"] = open_ticket(am, world.client, at=local(6, 9, month=4), subject="Ticket F", severity="low")
    return made


def _subjects(qs) -> list[str]:
    return sorted(t.subject.removeprefix("Ticket ") for t in qs)


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("admin", "ABCDEF"),
        ("am_related", "ABCDF"),
        ("am_unrelated", "E"),
        ("client_related", "ABCDF"),
        ("client_unrelated", "E"),
        ("pm_related", ""),  # no ticket is on the PM's project
        ("lm_related", ""),
        ("member_related", ""),
    ],
)
def test_the_list_is_scoped(world, tickets, actor, expected):
    assert "".join(_subjects(ticket_list(user=world.users[actor]))) == expected


def test_the_project_relation_grants_the_list(world, tickets):
    from tripod.clients.services.tickets import ticket_update

    am = world.users["am_related"]
    ticket_update(actor=am, ticket=tickets["A"], version=tickets["A"].version, project=world.project)
    for actor in ("pm_related", "member_related", "self"):
        assert _subjects(ticket_list(user=world.users[actor])) == ["A"]
    assert _subjects(ticket_list(user=world.users["pm_unrelated"])) == []


def test_list_filters(world, tickets):
    am = world.users["am_related"]
    assert _subjects(ticket_list(user=am, breached=True)) == ["B", "C"]
    assert _subjects(ticket_list(user=am, breached=False)) == ["A", "D", "F"]
    assert _subjects(ticket_list(user=am, status="resolved")) == ["A", "B", "C"]
    assert _subjects(ticket_list(user=am, severity="low")) == ["F"]
    assert _subjects(ticket_list(user=am, open_only=True)) == ["D", "F"]
    assert _subjects(ticket_list(user=am, search="ticket d")) == ["D"]
    assert _subjects(ticket_list(user=world.users["admin"], client=world.client, status="new")) == ["D", "F"]


def test_portal_users_never_read_internal_notes(world, tickets):
    am, client_user = world.users["am_related"], world.users["client_related"]
    ticket = tickets["D"]
    ticket_comment(actor=am, ticket=ticket, body="Internal: the client is upset.", internal=True, now=local(2, 11))
    ticket_comment(actor=client_user, ticket=ticket, body="Hello?", now=local(2, 12))
    assert [c.body for c in ticket_comments(user=am, ticket=ticket)] == ["Internal: the client is upset.", "Hello?"]
    assert [c.body for c in ticket_comments(user=client_user, ticket=ticket)] == ["Hello?"]


# --- metrics ----------------------------------------------------------------------------------------------------------
def test_sla_metrics_written_out_by_hand(world, tickets):
    m = sla_metrics(user=world.users["am_related"], since=local(1, 0), until=local(1, 0, month=4))
    # A, B, C, D: three resolved (A, B, C), one open (D); B and C breached a target.
    assert (m.total, m.open, m.resolved, m.breached, m.responded) == (4, 1, 3, 2, 3)
    # First responses 60, 300, 250: mean 610 / 3 = 203.3, median 250; only A (60 < 240) within target: 1 / 3.
    assert (m.response_mean, m.response_median, m.response_compliance) == (203.3, 250.0, 33.3)
    # Resolutions 480, 1200, 600: mean 2280 / 3 = 760, median 600; A and C within 960: 2 / 3.
    assert (m.resolution_mean, m.resolution_median, m.resolution_compliance) == (760.0, 600.0, 66.7)


def test_sla_metrics_over_the_whole_scope_and_per_client(world, tickets):
    everything = sla_metrics(user=world.users["am_related"])
    assert (everything.total, everything.open) == (5, 2)  # F, in April, joins
    admin = sla_metrics(user=world.users["admin"])
    assert (admin.total, admin.resolved, admin.responded) == (6, 4, 4)
    # E was resolved at once (60 minutes) without a reply: the resolution was its first response.
    assert admin.resolution_median == 540.0  # 60, 480, 600, 1200
    assert sla_metrics(user=world.users["admin"], client=Client.objects.get(name="C2")).total == 1
    portal = sla_metrics(user=world.users["client_unrelated"])
    assert (portal.total, portal.resolved, portal.resolution_compliance) == (1, 1, 100.0)


def test_sla_metrics_of_nobody_visible_are_empty(world, tickets):
    m = sla_metrics(user=world.users["lm_related"])
    assert (m.total, m.response_mean, m.resolution_median, m.resolution_compliance) == (0, None, None, None)
