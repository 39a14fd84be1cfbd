"""Ticket services under SLA with the time controlled: due times in business hours over a weekend and a holiday,
time zones, the pause while waiting on the client, escalation then breach recorded once, the status rules, who may
open, comment, assign and close, and the SLA policies.

The calendar works Monday-Friday 09:00-12:00 and 13:00-18:00 (8 hours) in Shanghai time; the medium severity's
targets are 240 business minutes to the first response and 960 to the resolution (see ticket_builders)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.authz.world import build_world
from tests.clients.ticket_builders import local, make_calendar, make_policy, open_ticket, targets_arg
from tripod.clients.models import Contact, PortalUser, SlaPolicy, Ticket
from tripod.clients.selectors.tickets import sla_state
from tripod.clients.services.tickets import (
    sla_policy_create,
    sla_policy_update,
    ticket_assign,
    ticket_comment,
    ticket_open,
    ticket_reopen,
    ticket_sla_check,
    ticket_status_change,
    ticket_update,
)
from tripod.core.errors import Forbidden, StaleVersion, ValidationFailed
from tripod.core.models import BusinessEvent
from tripod.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shanghai(settings):
    settings.TIME_ZONE = "Asia/Shanghai"


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def policy(world):
    return make_policy(world.users["admin"])


def am(world):
    return world.users["am_related"]


def events(verb: str) -> list[BusinessEvent]:
    return list(BusinessEvent.objects.filter(verb=verb).order_by("pk"))


def ticket_at(world, at, **fields) -> Ticket:
    return open_ticket(am(world), world.client, at=at, **fields)


# --- due times in business time ---------------------------------------------------------------------------------------
def test_due_times_skip_the_weekend(world, policy):
    # Friday 16:00: 2 hours left on Friday, then Monday from 09:00.
    ticket = ticket_at(world, local(6, 16))
    assert (ticket.response_target_minutes, ticket.resolution_target_minutes) == (240, 960)
    assert ticket.response_due_at == local(9, 11)  # 120 on Friday + 120 on Monday
    assert ticket.resolution_due_at == local(10, 16)  # 120 Friday + 480 Monday + 360 Tuesday (lunch skipped)
    assert ticket.policy == policy
    assert ticket.status == Ticket.Status.NEW


def test_due_times_skip_a_holiday(world):
    admin = world.users["admin"]
    make_policy(admin, make_calendar(admin, holidays=(dt.date(2026, 3, 9),)))
    ticket = ticket_at(world, local(6, 16))
    assert ticket.response_due_at == local(10, 11)  # Monday 9 March is a holiday
    assert ticket.resolution_due_at == local(11, 16)


def test_instants_are_utc_and_hours_are_local_to_the_time_zone(world, policy, settings):
    opened = dt.datetime(2026, 3, 6, 8, 0, tzinfo=dt.UTC)  # Friday 16:00 in Shanghai
    ticket = ticket_at(world, opened)
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.response_due_at == dt.datetime(2026, 3, 9, 3, 0, tzinfo=dt.UTC)  # Monday 11:00 in Shanghai

    settings.TIME_ZONE = "Europe/London"  # the same instant is 08:00 in London: the day starts at 09:00
    ticket = ticket_at(world, opened)
    assert ticket.response_due_at == dt.datetime(2026, 3, 6, 14, 0, tzinfo=dt.UTC)  # 180 until noon, 60 after lunch


def test_severity_takes_its_own_targets_and_a_change_moves_the_due_time(world, policy):
    ticket = ticket_at(world, local(2, 9), severity="critical")
    assert (ticket.response_target_minutes, ticket.resolution_target_minutes) == (30, 240)
    assert ticket.response_due_at == local(2, 9, 30)
    ticket = ticket_update(actor=am(world), ticket=ticket, version=ticket.version, severity="low", now=local(2, 10))
    assert (ticket.response_target_minutes, ticket.resolution_target_minutes) == (480, 2400)
    assert ticket.response_due_at == local(2, 18)
    assert [e.data for e in events("ticket.severity_changed")] == [{"from": "critical", "to": "low"}]
    with pytest.raises(StaleVersion):
        ticket_update(actor=am(world), ticket=ticket, version=1, subject="Old version")


def test_without_a_policy_there_is_no_clock(world):
    ticket = ticket_at(world, local(2, 9))
    assert ticket.policy is None
    assert ticket.response_due_at is None
    assert sla_state(ticket, local(9, 9)).state == "none"
    assert ticket_sla_check(now=local(20, 9)) == {"checked": 0, "escalated": 0, "breached": 0}


# --- pause while waiting on the client --------------------------------------------------------------------------------
def test_waiting_on_client_pauses_the_clock_and_a_client_reply_resumes_it(world, policy):
    client_user = world.users["client_related"]
    ticket = ticket_at(world, local(2, 9))
    ticket_comment(actor=am(world), ticket=ticket, body="Which export?", now=local(2, 10))
    ticket = ticket_status_change(actor=am(world), ticket=ticket, to="waiting_on_client", now=local(2, 10))
    assert ticket.response_minutes == 60
    assert ticket.paused_since == local(2, 10)

    paused = sla_state(Ticket.objects.get(pk=ticket.pk), local(2, 17))
    resolution = paused.targets[1]
    assert (paused.state, resolution.state, resolution.elapsed_minutes, resolution.due_at) == (
        "paused",
        "paused",
        60,
        None,
    )

    ticket_comment(actor=client_user, ticket=ticket, body="The monthly one.", now=local(3, 10))
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == Ticket.Status.IN_PROGRESS
    assert ticket.paused_since is None
    assert ticket.paused_minutes == 480  # Monday 10:00-18:00 (7 h, lunch excluded) + Tuesday 09:00-10:00
    assert ticket.resolution_due_at == local(4, 18)  # 960 + 480 business minutes after Monday 09:00
    assert sla_state(ticket, local(3, 11)).targets[1].elapsed_minutes == 120
    resumed = events("ticket.status_changed")[-1]
    assert resumed.actor == client_user
    assert resumed.data == {"from": "waiting_on_client", "to": "in_progress", "client_reply": True}


def test_staff_moving_the_ticket_on_resumes_the_clock(world, policy):
    ticket = ticket_at(world, local(2, 9))
    ticket = ticket_status_change(actor=am(world), ticket=ticket, to="waiting_on_client", now=local(2, 12))
    ticket = ticket_status_change(actor=am(world), ticket=ticket, to="in_progress", now=local(2, 14))
    assert ticket.paused_minutes == 60  # 12:00-13:00 is lunch, 13:00-14:00 counts
    assert sla_state(ticket, local(2, 14)).targets[0].elapsed_minutes == 180
    assert ticket.response_due_at == local(2, 15)


def test_resolving_from_waiting_ends_the_pause_first(world, policy):
    ticket = ticket_at(world, local(2, 9))
    ticket_comment(actor=am(world), ticket=ticket, body="Try again?", now=local(2, 9, 30))
    ticket_status_change(actor=am(world), ticket=ticket, to="waiting_on_client", now=local(2, 10))
    ticket = ticket_status_change(
        actor=am(world), ticket=ticket, to="resolved", resolution="Worked after retry.", now=local(2, 11)
    )
    assert (ticket.paused_minutes, ticket.paused_since, ticket.resolution_minutes) == (60, None, 60)


# --- escalation and breach --------------------------------------------------------------------------------------------
def test_escalation_then_breach_are_recorded_once_per_target(world, policy):
    assignee = world.users["member_related"]
    ticket = ticket_at(world, local(2, 9), project=world.project, assignee=assignee)

    assert ticket_sla_check(now=local(2, 12))["escalated"] == 0  # 180 of 240: 75 %
    assert ticket_sla_check(now=local(2, 13, 15)) == {"checked": 1, "escalated": 1, "breached": 0}  # 195: 81 %
    assert ticket_sla_check(now=local(2, 13, 30))["escalated"] == 0
    assert ticket_sla_check(now=local(2, 14)) == {"checked": 1, "escalated": 0, "breached": 1}  # 240: the target
    assert ticket_sla_check(now=local(2, 16))["breached"] == 0
    # The resolution target (960) escalates at 768 minutes: Tuesday 14:48.
    assert ticket_sla_check(now=local(3, 14, 45))["escalated"] == 0
    assert ticket_sla_check(now=local(3, 14, 48)) == {"checked": 1, "escalated": 1, "breached": 0}

    escalated = events("ticket.sla_escalated")
    assert [(e.data["target"], e.data["elapsed"]) for e in escalated] == [("response", 195), ("resolution", 768)]
    assert escalated[0].data["notify"] == sorted([assignee.pk, am(world).pk])
    assert escalated[0].actor is None
    breached = events("ticket.sla_breached")
    assert [(e.data["target"], e.data["elapsed"], e.data["target_minutes"]) for e in breached] == [
        ("response", 240, 240)
    ]
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.response_breached and not ticket.resolution_breached
    assert ticket.response_escalated_at == local(2, 13, 15)
    assert ticket.version == 1  # the clock's marks are not a person's edit


def test_a_check_that_comes_late_records_escalation_and_breach_together(world, policy):
    ticket_at(world, local(2, 9))
    assert ticket_sla_check(now=local(6, 9)) == {"checked": 1, "escalated": 2, "breached": 2}
    assert ticket_sla_check(now=local(6, 10)) == {"checked": 0, "escalated": 0, "breached": 0}


def test_a_late_first_response_records_the_breach_itself_once(world, policy):
    ticket = ticket_at(world, local(2, 9))
    ticket_comment(actor=am(world), ticket=ticket, body="Internal: who takes it?", internal=True, now=local(2, 10))
    assert Ticket.objects.get(pk=ticket.pk).first_responded_at is None  # an internal note is no response
    ticket_comment(actor=am(world), ticket=ticket, body="Looking into it.", now=local(2, 14, 30))
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.first_responded_at, ticket.response_minutes, ticket.response_breached) == (
        local(2, 14, 30),
        270,
        True,
    )
    ticket_comment(actor=am(world), ticket=ticket, body="Still on it.", now=local(2, 15))
    ticket_sla_check(now=local(2, 15))
    assert [e.data["target"] for e in events("ticket.sla_breached")] == ["response"]
    assert [e.data["minutes"] for e in events("ticket.first_response")] == [270]
    state = sla_state(ticket, local(2, 16))
    assert [t.state for t in state.targets] == ["breached", "ok"]
    assert state.state == "breached"


def test_a_paused_ticket_does_not_breach(world, policy):
    ticket = ticket_at(world, local(2, 9))
    ticket_status_change(actor=am(world), ticket=ticket, to="waiting_on_client", now=local(2, 11))  # 120 elapsed
    assert ticket_sla_check(now=local(20, 9)) == {"checked": 1, "escalated": 0, "breached": 0}


# --- resolve, close, reopen -------------------------------------------------------------------------------------------
def test_resolving_needs_a_note_stops_the_clock_and_answers_the_client(world, policy):
    ticket = ticket_at(world, local(2, 9))
    with pytest.raises(ValidationFailed) as exc:
        ticket_status_change(actor=am(world), ticket=ticket, to="resolved", resolution="  ", now=local(2, 11))
    assert list(exc.value.errors) == ["resolution"]
    ticket = ticket_status_change(
        actor=am(world), ticket=ticket, to="resolved", resolution="Fixed the mapping.", now=local(2, 11)
    )
    assert (ticket.resolved_at, ticket.resolution_minutes, ticket.resolution) == (
        local(2, 11),
        120,
        "Fixed the mapping.",
    )
    assert (ticket.first_responded_at, ticket.response_minutes) == (local(2, 11), 120)
    assert sla_state(ticket, local(9, 9)).state == "met"
    assert ticket.version == 2


def test_a_late_resolution_records_its_breach(world, policy):
    ticket = ticket_at(world, local(2, 9))
    ticket_comment(actor=am(world), ticket=ticket, body="On it.", now=local(2, 9, 10))
    ticket = ticket_status_change(actor=am(world), ticket=ticket, to="resolved", resolution="Done.", now=local(4, 11))
    assert ticket.resolution_minutes == 1080  # Monday 480 + Tuesday 480 + Wednesday 120
    assert ticket.resolution_breached and not ticket.response_breached
    assert [e.data["target"] for e in events("ticket.sla_breached")] == ["resolution"]


def test_reopening_carries_the_resolution_clock_on(world, policy):
    ticket = ticket_at(world, local(2, 9))
    ticket = ticket_status_change(actor=am(world), ticket=ticket, to="resolved", resolution="Done.", now=local(2, 12))
    ticket = ticket_reopen(actor=am(world), ticket=ticket, now=local(3, 10))
    assert ticket.status == Ticket.Status.IN_PROGRESS
    assert (ticket.resolved_at, ticket.resolution_minutes) == (None, None)
    assert ticket.paused_minutes == 360  # Monday 13:00-18:00 and Tuesday 09:00-10:00 while resolved
    assert sla_state(ticket, local(3, 11)).targets[1].elapsed_minutes == 240
    assert ticket.resolution_due_at == local(4, 16)  # 960 + 360 after Monday 09:00: Wednesday 3 h + 3 h
    assert [e.data for e in events("ticket.reopened")] == [{"from": "resolved"}]
    with pytest.raises(ValidationFailed) as exc:
        ticket_reopen(actor=am(world), ticket=ticket, now=local(3, 11))
    assert list(exc.value.errors) == ["status"]


@pytest.mark.parametrize(("start", "to"), [("new", "closed"), ("resolved", "in_progress"), ("new", "bogus")])
def test_status_moves_follow_the_workflow(world, policy, start, to):
    ticket = ticket_at(world, local(2, 9))
    if start == "resolved":
        ticket = ticket_status_change(actor=am(world), ticket=ticket, to="resolved", resolution="x", now=local(2, 10))
    with pytest.raises(ValidationFailed) as exc:
        ticket_status_change(actor=am(world), ticket=ticket, to=to, now=local(2, 11))
    assert list(exc.value.errors) == ["status"]


def test_only_admin_and_account_team_close_and_reopen_a_closed_ticket(world, policy):
    pm = world.users["pm_related"]
    ticket = ticket_at(world, local(2, 9), project=world.project)
    ticket = ticket_status_change(actor=pm, ticket=ticket, to="resolved", resolution="Fixed.", now=local(2, 10))
    with pytest.raises(Forbidden):
        ticket_status_change(actor=pm, ticket=ticket, to="closed", now=local(2, 11))
    ticket = ticket_status_change(actor=am(world), ticket=ticket, to="closed", now=local(2, 11))
    assert ticket.closed_at == local(2, 11)
    with pytest.raises(Forbidden):
        ticket_reopen(actor=pm, ticket=ticket, now=local(2, 12))
    assert ticket_reopen(actor=world.users["admin"], ticket=ticket, now=local(2, 12)).closed_at is None


# --- who may open, comment, assign ------------------------------------------------------------------------------------
def test_a_portal_user_opens_for_their_client_with_only_the_portal_fields(world, policy):
    client_user = world.users["client_related"]
    contact = Contact.objects.create(client=world.client, name="Qian Li")
    PortalUser.objects.filter(user=client_user).update(contact=contact)
    ticket = ticket_open(
        actor=client_user, client=world.client, subject=" Login fails ", severity="high", project=world.project
    )
    assert (ticket.subject, ticket.reporter, ticket.reporter_contact, ticket.kind) == (
        "Login fails",
        client_user,
        contact,
        "question",
    )
    assert events("ticket.opened")[0].data == {"severity": "high", "via": "portal"}
    with pytest.raises(Forbidden):
        ticket_open(actor=client_user, client=world.client, subject="x", kind="complaint")
    with pytest.raises(Forbidden):
        ticket_open(actor=client_user, client=world.client, subject="x", assignee=am(world))


@pytest.mark.parametrize(
    "actor", ["pm_related", "member_related", "lm_related", "am_unrelated", "client_unrelated", "self"]
)
def test_others_may_not_open_a_ticket_for_the_client(world, policy, actor):
    with pytest.raises(Forbidden):
        ticket_open(actor=world.users[actor], client=world.client, subject="x")
    assert not Ticket.objects.exists()


def test_open_validates_the_fields_and_names_them(world, policy):
    other_project = Project.objects.get(code="P2")
    with pytest.raises(ValidationFailed) as exc:
        ticket_at(world, local(2, 9), project=other_project)
    assert list(exc.value.errors) == ["project"]
    with pytest.raises(ValidationFailed) as exc:
        ticket_at(world, local(2, 9), subject="  ")
    assert "subject" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        ticket_at(world, local(2, 9), severity="urgent")
    assert "severity" in exc.value.errors
    foreign = Contact.objects.create(client=Project.objects.get(code="P2").client, name="Someone else")
    with pytest.raises(ValidationFailed) as exc:
        ticket_at(world, local(2, 9), reporter_contact=foreign)
    assert list(exc.value.errors) == ["reporter_contact"]
    with pytest.raises(ValidationFailed) as exc:
        ticket_at(world, local(2, 9), assignee=world.users["member_unrelated"])
    assert list(exc.value.errors) == ["assignee"]
    assert not Ticket.objects.exists()


def test_comment_rules(world, policy):
    client_user = world.users["client_related"]
    ticket = ticket_at(world, local(2, 9))
    with pytest.raises(ValidationFailed) as exc:
        ticket_comment(actor=am(world), ticket=ticket, body="  ")
    assert list(exc.value.errors) == ["body"]
    with pytest.raises(Forbidden):
        ticket_comment(actor=client_user, ticket=ticket, body="psst", internal=True)
    for outsider in ("client_unrelated", "am_unrelated", "pm_unrelated", "lm_related"):
        with pytest.raises(Forbidden):
            ticket_comment(actor=world.users[outsider], ticket=ticket, body="hello")
    reply = ticket_comment(actor=client_user, ticket=ticket, body="Any news?", now=local(2, 10))
    assert not reply.internal
    assert Ticket.objects.get(pk=ticket.pk).first_responded_at is None  # the client's own words are no response
    ticket = ticket_status_change(actor=am(world), ticket=ticket, to="resolved", resolution="Done.", now=local(2, 11))
    ticket = ticket_status_change(actor=am(world), ticket=ticket, to="closed", now=local(2, 12))
    with pytest.raises(ValidationFailed) as exc:
        ticket_comment(actor=client_user, ticket=ticket, body="One more thing")
    assert list(exc.value.errors) == ["body"]


def test_portal_users_may_not_move_or_assign_tickets(world, policy):
    client_user = world.users["client_related"]
    ticket = ticket_at(world, local(2, 9))
    with pytest.raises(Forbidden):
        ticket_status_change(actor=client_user, ticket=ticket, to="in_progress")
    with pytest.raises(Forbidden):
        ticket_assign(actor=client_user, ticket=ticket, assignee=am(world))
    with pytest.raises(Forbidden):
        ticket_update(actor=client_user, ticket=ticket, version=ticket.version, severity="critical")


def test_assignment_by_the_account_team_to_staff_who_see_the_ticket(world, policy):
    ticket = ticket_at(world, local(2, 9), project=world.project)
    with pytest.raises(Forbidden):
        ticket_assign(actor=world.users["pm_related"], ticket=ticket, assignee=world.users["pm_related"])
    for wrong in ("member_unrelated", "client_related", "lm_related"):
        with pytest.raises(ValidationFailed) as exc:
            ticket_assign(actor=am(world), ticket=ticket, assignee=world.users[wrong])
        assert list(exc.value.errors) == ["assignee"]
    member = world.users["member_related"]
    ticket = ticket_assign(actor=am(world), ticket=ticket, assignee=member)
    ticket_assign(actor=am(world), ticket=ticket, assignee=member)  # no change, no event
    ticket = ticket_assign(actor=world.users["admin"], ticket=ticket, assignee=None)
    assert [e.data for e in events("ticket.assigned")] == [
        {"from": None, "to": member.pk},
        {"from": member.pk, "to": None},
    ]


# --- SLA policies -----------------------------------------------------------------------------------------------------
def test_policy_targets_are_validated_by_field(world):
    admin = world.users["admin"]
    calendar = make_calendar(admin)
    targets = targets_arg()
    targets["medium"] = {"first_response_minutes": 300, "resolution_minutes": 200}
    targets["low"] = {"first_response_minutes": 0, "resolution_minutes": 100}
    with pytest.raises(ValidationFailed) as exc:
        sla_policy_create(actor=admin, name="Bad", calendar=calendar, targets=targets)
    assert set(exc.value.errors) == {"medium_resolution", "low_first_response"}
    with pytest.raises(ValidationFailed) as exc:
        sla_policy_create(actor=admin, name="Bad", calendar=calendar, targets=targets_arg(), escalation_percent=100)
    assert list(exc.value.errors) == ["escalation_percent"]
    assert not SlaPolicy.objects.exists()


@pytest.mark.parametrize("actor", ["am_related", "pm_related", "lm_related", "client_related"])
def test_only_admins_manage_policies(world, actor):
    with pytest.raises(Forbidden):
        sla_policy_create(
            actor=world.users[actor], name="Mine", calendar=make_calendar(world.users["admin"]), targets=targets_arg()
        )


def test_one_default_policy_and_tickets_keep_their_targets(world):
    admin = world.users["admin"]
    first = make_policy(admin)
    ticket = ticket_at(world, local(2, 9))
    second = make_policy(admin, first.calendar, name="Premium SLA")
    assert list(SlaPolicy.objects.filter(is_default=True)) == [second]
    targets = targets_arg()
    targets["medium"] = {"first_response_minutes": 60, "resolution_minutes": 480}
    second = sla_policy_update(actor=admin, policy=second, version=second.version, targets=targets, name="Premium")
    assert second.targets.get(severity="medium").resolution_minutes == 480
    first.refresh_from_db()
    assert first.version == 2  # it stopped being the default: that is a change to it
    first = sla_policy_update(actor=admin, policy=first, version=first.version, is_default=True)
    assert list(SlaPolicy.objects.filter(is_default=True)) == [first]
    assert Ticket.objects.get(pk=ticket.pk).resolution_target_minutes == 960
    assert ticket_at(world, local(2, 9)).policy == first


def test_the_account_team_works_like_the_owner(world, policy):
    from tests.factories import make_user
    from tripod.identity.models import Role

    teammate = make_user(Role.AM)
    world.client.account_team.add(teammate)
    ticket = open_ticket(teammate, world.client, at=local(2, 9))
    ticket = ticket_assign(actor=teammate, ticket=ticket, assignee=teammate)
    ticket = ticket_status_change(actor=teammate, ticket=ticket, to="resolved", resolution="Done.", now=local(2, 10))
    assert ticket_status_change(actor=teammate, ticket=ticket, to="closed", now=local(2, 11)).status == "closed"


def test_the_periodic_task_checks_as_of_now(world, policy):
    from tripod.clients.tasks import check_ticket_slas

    ticket_at(world, local(2, 9))  # long past both targets by now
    assert check_ticket_slas.call() == {"checked": 1, "escalated": 2, "breached": 2}
    assert check_ticket_slas.call() == {"checked": 0, "escalated": 0, "breached": 0}
