"""The demo's pipeline: opportunities at every stage (won ones on the organisation's own projects, lost ones with
their reasons, open ones with effort by skill), a contract per client with paid and overdue billing, a renewal due
within 90 days, and this quarter's account plans."""

from __future__ import annotations

import datetime as dt

import pytest

from tripod.clients.models import AccountPlan, BillingMilestone, Contract, Opportunity, OpportunityEffort
from tripod.clients.selectors.pipeline import (
    collection_rate,
    contract_milestones,
    current_quarter,
    opportunity_funnel,
    renewals_due,
)
from tripod.demo import organisation, pipeline
from tripod.projects.models import Project

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 18)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        org = organisation.build(today=TODAY)
        counts = pipeline.build(org, today=TODAY)
        yield org, counts
        from django.core.management import call_command

        call_command("flush", "--no-input", verbosity=0)


def test_counts(demo) -> None:
    _org, counts = demo
    assert counts == {
        "opportunities": Opportunity.objects.count(),
        "contracts": Contract.objects.count(),
        "billing milestones": BillingMilestone.objects.count(),
        "account plans": AccountPlan.objects.count(),
    }
    assert 12 <= counts["opportunities"] <= 20


def test_every_stage_has_opportunities_and_the_funnel_narrows(demo) -> None:
    org, _ = demo
    assert set(Opportunity.objects.values_list("stage", flat=True)) == set(Opportunity.Stage.values)
    counts = [step.count for step in opportunity_funnel(user=org.users["admin"])]
    assert counts[0] > counts[-1] > 0


def test_won_opportunities_are_on_the_organisations_projects_with_contracts(demo) -> None:
    org, _ = demo
    won = Opportunity.objects.filter(stage="won").select_related("project", "contract")
    assert won.count() == len(org.projects)
    assert Project.objects.count() == len(org.projects)  # linked, not created
    for opportunity in won:
        assert opportunity.project.client_id == opportunity.client_id
        assert opportunity.contract.client_id == opportunity.client_id
        assert opportunity.won_reason and opportunity.closed_at


def test_lost_opportunities_say_why(demo) -> None:
    lost = Opportunity.objects.filter(stage="lost")
    assert lost.exists()
    assert all(o.lost_reason and o.reason_category and o.lost_stage for o in lost)


def test_open_opportunities_have_effort_by_skill_and_owners(demo) -> None:
    open_ones = Opportunity.objects.filter(stage__in=Opportunity.OPEN_STAGES)
    assert all(o.efforts.exists() for o in open_ones)
    assert OpportunityEffort.objects.values("skill").distinct().count() >= 8
    assert all(o.owner_id == o.client.owner_am_id for o in Opportunity.objects.select_related("client"))


def test_every_client_has_an_active_contract_with_paid_and_overdue_billing(demo) -> None:
    org, _ = demo
    for client in org.clients:
        assert Contract.objects.filter(client=client, status="active").exists(), client
    states = [m for c in Contract.objects.filter(status="active") for m in contract_milestones(contract=c, today=TODAY)]
    assert any(m.state == "paid" for m in states)
    assert any(m.overdue for m in states)
    assert any(m.state == "planned" and not m.to_invoice for m in states)
    rate = collection_rate(user=org.users["admin"], as_of=TODAY)
    assert rate.by_currency and 0 < rate.by_currency[0].rate < 1


def test_renewals_are_due_within_90_days(demo) -> None:
    org, _ = demo
    due = renewals_due(user=org.users["am"], today=TODAY, within_days=90)
    assert due.exists()
    assert renewals_due(user=org.users["am2"], today=TODAY, within_days=90).exists()


def test_account_plans_for_the_current_quarter(demo) -> None:
    org, _ = demo
    year, quarter = current_quarter(TODAY)
    for client in org.clients:
        plan = AccountPlan.objects.get(client=client, year=year, quarter=quarter)
        assert plan.goals and plan.target_revenue > 0 and plan.actions.exists()
    assert AccountPlan.objects.exclude(review_notes="").exists()
