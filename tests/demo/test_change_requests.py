"""The demo's change requests: one applied to the WBS, one awaiting decisions with a real impact, one rejected, one
draft; all through the real services on top of the demo's plans and requirements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tripod.demo import change_requests as demo_change_requests
from tripod.demo import delivery, organisation
from tripod.demo import scope as demo_scope
from tripod.projects.models import Task
from tripod.scope.models import ChangeRequest, Requirement

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 18)
CR = ChangeRequest.Status


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        org = organisation.build(today=TODAY)
        delivery.build(org, today=TODAY)
        demo_scope.build(org, today=TODAY)
        counts = demo_change_requests.build(org, today=TODAY)
        yield org, counts
        from django.core.management import call_command

        call_command("flush", "--no-input", verbosity=0)


def test_every_outcome_is_shown(demo) -> None:
    _org, counts = demo
    statuses = sorted(ChangeRequest.objects.values_list("status", flat=True))
    assert statuses == sorted([CR.APPLIED, CR.SUBMITTED, CR.REJECTED, CR.DRAFT])
    assert counts["change requests"] == 4 and counts["change requests applied"] == 1


def test_the_applied_change_is_in_the_wbs_and_its_requirement_in_scope(demo) -> None:
    applied = ChangeRequest.objects.get(status=CR.APPLIED)
    assert applied.apply_error == ""
    assert Task.objects.filter(project=applied.project, name__contains="Mini-program front end").exists()
    assert applied.approvals.count() == 3
    assert all(r.status != Requirement.Status.OUT_OF_SCOPE for r in applied.requirements.all())


def test_the_pending_change_has_a_real_impact(demo) -> None:
    pending = ChangeRequest.objects.get(status=CR.SUBMITTED)
    impact = pending.impact
    assert impact["finish"]["delta_days"] > 0
    assert impact["critical_entering"]
    assert Decimal(impact["cost_delta"]) > 0
    assert impact["effort_by_skill"]
    assert list(pending.approvals.values_list("role", flat=True)) == ["pm"]


def test_the_rejected_change_says_why(demo) -> None:
    rejected = ChangeRequest.objects.get(status=CR.REJECTED)
    assert rejected.approvals.get(role="am").comment
    assert not Task.objects.filter(name__contains="Dark mode theme").exists()
