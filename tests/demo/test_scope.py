"""The demo's requirements: every status of the flow, confirmation records in the clients' own words (staff and
portal), links to the demo projects' WBS, and a portal user with requirements to confirm."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count

from tripod.demo import delivery, organisation
from tripod.demo import scope as demo_scope
from tripod.scope.models import Confirmation, Requirement, RequirementTrace
from tripod.scope.selectors import requirement_list, requirements_awaiting_confirmation

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 18)  # a Wednesday


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        org = organisation.build(today=TODAY)
        delivery.build(org, today=TODAY)
        counts = demo_scope.build(org, today=TODAY)
        yield org, counts
        from django.core.management import call_command

        call_command("flush", "--no-input", verbosity=0)


def test_every_status_is_shown(demo) -> None:
    _org, counts = demo
    statuses = set(Requirement.objects.values_list("status", flat=True))
    assert statuses == set(Requirement.Status.values)
    assert counts["requirements"] == Requirement.objects.count() >= 20
    by_client = dict(Requirement.objects.values_list("client__name").annotate(n=Count("pk")))
    assert len(by_client) == 4 and min(by_client.values()) >= 4


def test_confirmation_records_in_the_clients_words(demo) -> None:
    _org, counts = demo
    assert counts["confirmation records"] == Confirmation.objects.count()
    channels = set(Confirmation.objects.values_list("channel", flat=True))
    assert channels >= {"meeting", "email", "call", "signed_document", "portal"}
    assert Confirmation.objects.filter(kind="acceptance").count() >= 3
    assert Confirmation.objects.filter(wording__contains="确认").exists()
    assert Confirmation.objects.filter(wording__contains="accepted").exists()
    portal = Confirmation.objects.get(channel="portal")
    assert portal.wording == portal.requirement.statement
    # A statement changed after its confirmation: the old record is superseded, the requirement awaits again.
    superseded = Confirmation.objects.get(superseded_at__isnull=False)
    assert superseded.requirement.status == Requirement.Status.CLARIFIED
    for requirement in Requirement.objects.filter(status__in=["confirmed", "in_scope", "out_of_scope"]):
        assert requirement.confirmations.filter(kind="confirmation", superseded_at__isnull=True).exists()


def test_traces_reach_the_wbs_and_delivered_work_is_complete(demo) -> None:
    _org, counts = demo
    assert counts["requirement traces"] == RequirementTrace.objects.count() > 10
    for trace in RequirementTrace.objects.select_related("requirement", "task"):
        assert trace.task.project_id == trace.requirement.project_id
        if trace.requirement.status in ("delivered", "accepted"):
            assert trace.task.percent_complete == 100
    assert RequirementTrace.objects.filter(requirement__status="in_scope").exists()


def test_the_people_of_the_demo_see_their_requirements(demo) -> None:
    org, _ = demo
    portal = org.users["client"]
    mine = requirement_list(user=portal)
    assert mine.exists()
    assert not mine.exclude(client=org.clients[0]).exists()
    assert requirements_awaiting_confirmation(user=portal).exists()
    assert requirements_awaiting_confirmation(user=org.users["am"]).exists()
    assert requirement_list(user=org.users["pm"], project=org.projects[2]).exists()
    assert Requirement.objects.filter(created_by=portal).exists()
